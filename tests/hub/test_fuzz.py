"""Fuzz a real hub on loopback with what a broken or hostile client might send.

Hypothesis (fixed seed, bounded examples) draws frames — arbitrary JSON values,
arbitrary bytes and text, and the document's example of every client message type
mutated (a field dropped, retyped, renamed, an unknown one added, the type swapped) —
and sends them from a device of any role, before or after `hello`. For every frame the
hub must answer exactly once with what docs/protocol.md documents (an `error` with a
documented code, or the right answer for a valid message), or close with a documented
close code and reason; it must never log a traceback. A well-behaved supervisor
connected all along must keep working: its event seqs have no gap, and the view it
builds from the pushed messages equals a fresh snapshot after every example.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from hub import protocol as p
from hub.config import MallConfig, parse_config
from tests.factories import at, small_mall
from tests.hub.harness import FakeClock, device, running_hub
from tests.hub.test_protocol_doc import DOC_TEXT, blocks_of, doc_section

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = 400
"""Hypothesis examples; about 10 s on the 2-core machine (each is a connection)."""
CHECK_EVERY = 4
"""The watcher resyncs after every 4th example: a well-behaved client stays far below the
rate limit (20 messages/s), and the test asserts it is never rate-limited."""

WATCHER = {"id": "fuzz-watcher", "role": "supervisor", "token": "fuzz-watcher-token"}
FUZZED_DEVICES = ("kiosk-1", "kiosk-2", "counter-loket-01", "counter-loket-02",
                  "display-lobi", "display-lantai-1", "survey-loket-01", "supervisor")
PUSHED = frozenset({"event", "services_update", "device_status"})
"""Hub messages that are not an answer to the frame just sent."""


def fuzz_config() -> MallConfig:
    """The example MPP plus a second supervisor, the well-behaved watcher."""
    with (ROOT / "config" / "example-mpp.toml").open("rb") as handle:
        data = tomllib.load(handle)
    data["devices"].append(dict(WATCHER))
    return parse_config(data)


def documented_error_codes() -> frozenset[str]:
    """Codes in the two error tables of §10 (rows: code | when | message_id | message_en)."""
    return frozenset(re.findall(r"^\| `([a-z_]+)` \|(?:[^|\n]*\|){3}\s*$",
                                DOC_TEXT.split("## 10. Error codes")[1].split("\n## ")[0],
                                re.M))


def documented_refusals() -> dict[str, str]:
    """§4's table: error code sent before a 1008 close → the close frame's reason."""
    refusals = {}
    for row in doc_section("4.").split("| 1008")[1:]:
        cells = row.split("|")
        reason, error = re.findall(r"`([^`]+)`", cells[1]), re.findall(r"^`([a-z_]+)`$",
                                                                        cells[3].strip())
        if reason and error:
            refusals[error[0]] = reason[0]
    return refusals


CONFIG = fuzz_config()
ERROR_CODES = documented_error_codes()
REFUSALS = documented_refusals()
BASES: list[dict[str, Any]] = [b.data for b in blocks_of("client")]
"""One or more documented example per client message type (test_protocol_doc keeps it so)."""
FIELD_NAMES = sorted({key for base in BASES for key in base} | {"unknown_field", ""})


# ------------------------------------------------------------------ strategies

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
tricky_values: st.SearchStrategy[Any] = st.sampled_from(
    ["1", 1, 1.0, 0, -1, True, False, None, "", "yes", [], {}, ["4"] * 9, [4] * 9,
     [5] * 9, "x" * 65, "x" * 300, 2**70, "2026-11-23/A-001", "A-001", "ktp-el",
     "loket-01", "kiosk-1", "lansia", "sholat"])


@st.composite
def mutated(draw: st.DrawFn, bases: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    """A documented example with 0–3 mutations; most are still objects with a type."""
    message = copy.deepcopy(draw(bases))
    if "request_id" in message and draw(st.booleans()):  # else: the doc's id, replayed
        message["request_id"] = f"fz-{draw(st.integers(0, 10**9))}"
    for _ in range(draw(st.integers(0, 3))):
        how = draw(st.sampled_from(["drop", "retype", "set", "swap_type", "fresh_id"]))
        if how == "drop" and message:
            message.pop(draw(st.sampled_from(sorted(message))))
        elif how == "retype" and message:
            message[draw(st.sampled_from(sorted(message)))] = draw(tricky_values | json_values)
        elif how == "set":
            message[draw(st.sampled_from(FIELD_NAMES))] = draw(tricky_values | json_values)
        elif how == "swap_type":
            message["type"] = draw(st.sampled_from(sorted({b["type"] for b in BASES})))
        elif how == "fresh_id":
            message["request_id"] = f"fz-{draw(st.integers(0, 10**9))}"
    return message


class Long(str):
    """A big frame that hypothesis reports by its size, not its 60 KB."""

    def __repr__(self) -> str:
        return f"Long({len(self)} chars: {str.__repr__(self[:30])}…{str.__repr__(self[-10:])})"


deep_frames = st.builds(
    lambda depth, opener, inside: Long(opener * depth if not inside else
                                       '{"type": "ping", "request_id": "deep", "x": '
                                       + "[" * depth + "]" * depth + "}"),
    st.integers(150, 60000), st.sampled_from(["[", '{"a":']), st.booleans())
"""JSON nested deeper than any parser's stack, unclosed or inside a message."""
oversized_frames = st.integers(1, 5000).map(lambda extra: Long(json.dumps(
    {"type": "ping", "x": "x" * (CONFIG.hub.max_message_bytes + extra)})))
"""Frames over `[hub] max_message_bytes`: the hub closes with 1009."""


def frames_for(role: str) -> st.SearchStrategy[str | bytes]:
    """Frames a device of `role` sends: mostly its own messages mutated (so many are valid
    and reach the queue engine), or anything at all."""
    own = [b for b in BASES if b["type"] in p.ALLOWED[role] | {"ping", "resync"}]
    return st.one_of(
        mutated(st.sampled_from(own)).map(json.dumps),
        mutated(st.sampled_from(own)).map(json.dumps),
        mutated(st.sampled_from(BASES)).map(json.dumps),
        json_values.map(json.dumps),
        st.binary(max_size=200),
        st.text(max_size=200),
        st.sampled_from([deep_frames] * 5 + [oversized_frames]).flatmap(lambda big: big),
    )


def first_frames(device: str) -> st.SearchStrategy[str | bytes]:
    """What a device might send instead of a good hello."""
    hello = {"type": "hello", "device_id": device, "token": CONFIG.device(device).token,
             "protocol": 2}
    return st.one_of(
        mutated(st.just(hello)).map(json.dumps),
        st.builds(lambda token: {**hello, "token": token},
                  st.text(min_size=1, max_size=40)).map(json.dumps),
        st.builds(lambda version: {**hello, "protocol": version},
                  st.integers(-3, 2**40)).map(json.dumps),
        st.builds(lambda device_id: {**hello, "device_id": device_id},
                  st.text(min_size=1, max_size=64)).map(json.dumps),
        frames_for(CONFIG.device(device).role),
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, bool, list[str | bytes]]:
    """(device, before_hello, frames): frames sent after hello, or one instead of it."""
    device = draw(st.sampled_from(FUZZED_DEVICES))
    if draw(st.integers(0, 7)) == 0:
        return device, True, [draw(first_frames(device))]
    role = CONFIG.device(device).role
    return device, False, draw(st.lists(frames_for(role), min_size=1, max_size=4))


# ------------------------------------------------------------------- the hub


class Watcher:
    """A supervisor that follows §11: builds its view from pushes, checks seqs."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.received: list[dict[str, Any]] = []
        self.applied = 0
        self.view: dict[str, Any] = {}
        self.my_seq = 0
        self._arrived = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for raw in self.connection:
                self.received.append(json.loads(raw))
                self._arrived.set()

    async def next_of(self, kind: str) -> dict[str, Any]:
        """Apply what arrived, in order, until a message of `kind`; return it."""
        while True:
            while self.applied < len(self.received):
                message = self.received[self.applied]
                self.applied += 1
                if message["type"] == kind:
                    return message
                self.apply(message)
            self._arrived.clear()
            await asyncio.wait_for(self._arrived.wait(), 10)

    def apply(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "event":
            if message["seq"] <= self.my_seq:
                return
            assert message["prev_seq"] <= self.my_seq, ("gap", message, self.my_seq)
            assert message["seq"] == self.my_seq + 1, ("a supervisor missed an event", message)
            self.my_seq = message["seq"]
            self.view["services"].update(message.get("services", {}))
            self.view["counters"].update(message.get("counters", {}))
            if "settings" in message:
                self.view["settings"] = message["settings"]
        elif kind == "services_update":
            self.view["services"].update(message["services"])
        elif kind == "device_status":
            self.view["devices"].update(message["devices"])
        else:
            raise AssertionError(f"the watcher did not ask for {message}")

    def replace(self, message: dict[str, Any]) -> None:
        self.view, self.my_seq = copy.deepcopy(message["snapshot"]), message["seq"]

    async def check(self) -> None:
        """Alive (it gets its answer), and its view from pushes is what a snapshot says."""
        await self.connection.send(json.dumps({"type": "resync"}))
        fresh = await self.next_of("snapshot")
        for key in ("business_day", "settings", "services", "counters", "devices"):
            mine, theirs = self.view[key], fresh["snapshot"][key]
            if isinstance(mine, dict) and isinstance(theirs, dict):
                drifted = {name: (mine.get(name), theirs.get(name))
                           for name in mine.keys() | theirs.keys()
                           if mine.get(name) != theirs.get(name)}
                assert not drifted, f"the watcher's {key} (pushed, snapshot): {drifted}"
            assert mine == theirs, f"the watcher's {key} drifted"
        self.replace(fresh)


class Recorder(logging.Handler):
    """Keeps every warning and error logged in this process (the hub's included)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Hub:
    """One real hub for the whole fuzz run, on a loop of its own, and its log records."""

    def __init__(self, tmp: Path) -> None:
        self.config = CONFIG
        self.loop = asyncio.new_event_loop()
        self.stack = contextlib.AsyncExitStack()
        self.handler = Recorder()
        self.records = self.handler.records
        logging.getLogger().addHandler(self.handler)
        self.examples = self.frames = 0
        self.answers: dict[str, int] = {}
        _, self.url = self.run(self.stack.enter_async_context(
            running_hub(self.config, tmp / "hub.db", FakeClock(at(9)))))
        self.watcher = self.run(self._watch())

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(asyncio.wait_for(coroutine, 30))

    async def _watch(self) -> Watcher:
        connection = await connect(self.url, proxy=None, max_size=None)
        await connection.send(json.dumps({"type": "hello", "device_id": WATCHER["id"],
                                          "token": WATCHER["token"]}))
        watcher = Watcher(connection)
        watcher.replace(await watcher.next_of("welcome"))
        return watcher

    def close(self) -> None:
        async def stop() -> None:
            await self.watcher.connection.close()
            await self.watcher._reader
            await self.stack.aclose()

        try:
            self.run(stop())
        finally:
            self.loop.close()
            logging.getLogger().removeHandler(self.handler)

    def token(self, device_id: str) -> str:
        return self.config.device(device_id).token

    def count(self, answer: dict[str, Any]) -> None:
        name = answer["type"] + (f":{answer['code']}" if answer["type"] == "error" else "")
        self.answers[name] = self.answers.get(name, 0) + 1


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    running = Hub(tmp_path_factory.mktemp("fuzz"))
    try:
        yield running
    finally:
        running.close()
    print(f"\nfuzz: {running.examples} cases, {running.frames} frames, answers {running.answers}")


# ----------------------------------------------------------------- the checks


def frame_request_id(frame: str | bytes) -> str | None:
    """The request id the hub should echo: a string of at most 64 in a JSON object."""
    try:
        data = json.loads(frame)
    except (ValueError, RecursionError):
        return None
    value = data.get("request_id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and len(value) <= 64 else None


def frame_object(frame: str | bytes) -> dict[str, Any]:
    try:
        data = json.loads(frame)
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def check_answer(hub: Hub, role: str, frame: str | bytes, answer: dict[str, Any]) -> None:
    """The one answer to a frame after hello is what the document allows for it."""
    hub.count(answer)
    data = frame_object(frame)
    kind = answer["type"]
    if kind == "error":
        assert answer["code"] in ERROR_CODES, answer
        assert answer["message_id"] and answer["message_en"], answer
        if answer["code"] == "bad_json":  # not read, so no request id to answer (§7.3)
            assert answer["request_id"] is None, answer
        elif answer["code"] != "rate_limited":
            assert answer["request_id"] == frame_request_id(frame), (frame, answer)
    elif kind == "pong":
        assert data == {"type": "ping"}, frame
    elif kind == "snapshot":
        assert data == {"type": "resync"}, frame
    elif kind == "result":
        assert data.get("type") in p.ALLOWED[role], (role, frame)
        assert answer["request_id"] == data["request_id"], (frame, answer)
    else:
        raise AssertionError(f"{kind!r} is no answer to {frame!r}")


async def receive_answer(connection: ClientConnection) -> dict[str, Any]:
    """The next message that is not pushed."""
    while True:
        message = json.loads(await asyncio.wait_for(connection.recv(), 10))
        if message["type"] not in PUSHED:
            return message


async def expect_too_big(hub: Hub, connection: ClientConnection, size: int) -> None:
    """§2: a frame over the limit closes the connection with 1009, no error first."""
    with pytest.raises(ConnectionClosed) as closed:
        await receive_answer(connection)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009
    limit = hub.config.hub.max_message_bytes
    assert closed.value.rcvd.reason == f"frame with {size} bytes exceeds limit of {limit} bytes"
    hub.count({"type": "close 1009"})
    hub.frames += 1


async def exercise(hub: Hub, device_id: str, before_hello: bool,
                   sent: list[str | bytes]) -> None:
    role = hub.config.device(device_id).role
    async with connect(hub.url, proxy=None, max_size=None) as connection:
        if before_hello:
            await connection.send(sent[0])
            if len(sent[0]) > hub.config.hub.max_message_bytes:
                await expect_too_big(hub, connection, len(sent[0]))
                return
            answer = json.loads(await asyncio.wait_for(connection.recv(), 10))
            hub.frames += 1
            hub.count(answer)
            if answer["type"] == "welcome":
                assert answer["device_id"] == frame_object(sent[0])["device_id"]
                return
            assert answer["type"] == "error" and answer["request_id"] is None, answer
            assert answer["code"] in REFUSALS, answer
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(connection.recv(), 10)
            assert closed.value.rcvd is not None
            assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
                1008, REFUSALS[answer["code"]])
            return
        await connection.send(json.dumps({"type": "hello", "device_id": device_id,
                                          "token": hub.token(device_id)}))
        assert (await receive_answer(connection))["type"] == "welcome"
        for frame in sent:
            await connection.send(frame)
            if len(frame) > hub.config.hub.max_message_bytes:
                await expect_too_big(hub, connection, len(frame))
                return
            await connection.send(json.dumps({"type": "ping"}))  # marks the frame's end
            check_answer(hub, role, frame, await receive_answer(connection))
            assert (await receive_answer(connection))["type"] == "pong", "two answers"
            hub.frames += 1


@settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=cases())
def test_every_frame_gets_a_documented_answer_and_the_hub_stays_consistent(
    hub: Hub, case: tuple[str, bool, list[str | bytes]]
) -> None:
    device_id, before_hello, sent = case
    logged = len(hub.records)
    hub.examples += 1
    hub.run(exercise(hub, device_id, before_hello, sent))
    if hub.examples % CHECK_EVERY == 0:
        hub.run(hub.watcher.check())
    bad = [r for r in hub.records[logged:] if r.exc_info or r.levelno >= logging.ERROR]
    assert not bad, [logging.Formatter().format(r) for r in bad]


def test_the_fuzzer_knows_every_documented_client_message_and_close(hub: Hub) -> None:
    """The strategies start from every client type the document shows (runs after the fuzz:
    the watcher's last check)."""
    hub.run(hub.watcher.check())
    assert hub.examples in (0, EXAMPLES)
    assert {b["type"] for b in BASES} == {
        b.data["type"] for b in blocks_of("client")}
    assert {"bad_json", "unknown_type", "bad_message", "not_allowed"} <= ERROR_CODES
    assert {"hello_expected": "hello expected",
                        "auth_failed": "authentication failed",
                        "unsupported_protocol": f"protocol {p.PROTOCOL_VERSION} only"} == REFUSALS


async def _open_a_counter_whose_services_changed_today(tmp: Path) -> tuple[dict[str, Any],
                                                                           dict[str, Any]]:
    config = small_mall()
    async with running_hub(config, tmp / "hub.db") as (_, url):
        async with device(url, "boss") as boss, device(url, "counter-c1") as counter:
            answer = await boss.request("set_counter_services", counter_id="c1",
                                        services=["pbg"])
            assert answer["type"] == "result", answer
            opened = await counter.request("open_counter")
            assert opened["type"] == "result", opened
            pushed = await boss.receive_type("event")
            while pushed["event"]["type"] != "counter_opened":
                pushed = await boss.receive_type("event")
            await boss.send({"type": "resync"})
            return pushed, (await boss.receive_type("snapshot"))["snapshot"]


def test_opening_a_counter_pushes_the_services_it_calls_today(tmp_path: Path) -> None:
    """Found by the fuzzer: the event must carry every service view it changed.

    Opening c1 after a supervisor moved it to `pbg` changes pbg's `counters_open` (and
    estimate); the pushed event carried only c1's configured services, so every screen
    kept a stale pbg until its next snapshot.
    """
    pushed, snapshot = asyncio.run(asyncio.wait_for(
        _open_a_counter_whose_services_changed_today(tmp_path), 30))
    assert "pbg" in pushed["services"], sorted(pushed["services"])
    assert pushed["services"]["pbg"] == snapshot["services"]["pbg"]
