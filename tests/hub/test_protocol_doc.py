"""docs/protocol.md against the code and a live hub: every JSON example is checked.

Each ```json block in the document is preceded by a marker comment saying what it is:
`<!-- client -->` (a client → hub message: must parse with `parse_client_message`),
`<!-- hub -->` (a hub → client message: its keys must match what a real hub sends for
that type), `<!-- event -->` (an event: exactly the fields of its class), `<!-- view X -->`
(a service/counter/ticket/recent_call/device/settings view) and `<!-- health -->` (the
body of GET /health). The real messages come from a hub on loopback (port 0) running the
example configuration through a scenario that makes it send every message type and
every event type (the supervisor's settings requests included).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import typing
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from hub import hub_messages, views
from hub import protocol as p
from hub import server as hub_server
from hub.config import MallConfig, load_config
from hub.engine import errors as engine_errors
from hub.engine import events as ev
from hub.messages import TEXTS, UNAVAILABLE
from tests.factories import MONDAY, at
from tests.hub.harness import FakeClock, running_hub

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "protocol.md"
EXAMPLE_CONFIG = ROOT / "config" / "example-mpp.toml"

HUB_MESSAGE_TYPES = hub_messages.HUB_MESSAGE_TYPES
VIEW_KINDS = frozenset({"service", "counter", "ticket", "recent_call", "device", "settings"})
ID_MAPS = frozenset({"services", "counters", "devices", "closed_services", "counter_services"})
"""Objects keyed by configuration ids: their keys are data, not field names."""


# ------------------------------------------------------------------ the document


@dataclass(frozen=True)
class Block:
    """One ```json block of the document and the marker before it."""

    line: int
    mark: str
    text: str

    @property
    def data(self) -> Any:
        return json.loads(self.text)

    @property
    def kind(self) -> str:
        return self.mark.split()[0] if self.mark else ""

    def __str__(self) -> str:
        return f"docs/protocol.md line {self.line} ({self.mark or 'unmarked'})"


MARK = re.compile(r"^<!--\s*(.*?)\s*-->$")


def doc_blocks(text: str) -> list[Block]:
    """Return every ```json block with the marker comment on the line before it."""
    lines = text.splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```json":
            start = i
            previous = lines[i - 1].strip() if i > 0 else ""
            marker = MARK.match(previous)
            body = []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i])
                i += 1
            blocks.append(Block(start + 1, marker.group(1) if marker else "", "\n".join(body)))
        i += 1
    return blocks


DOC_TEXT = DOC.read_text(encoding="utf-8")
BLOCKS = doc_blocks(DOC_TEXT)


def blocks_of(kind: str) -> list[Block]:
    return [b for b in BLOCKS if b.kind == kind]


def block_params(kind: str) -> Any:
    return pytest.mark.parametrize("block", blocks_of(kind), ids=lambda b: f"line{b.line}")


# ---------------------------------------------------------------- JSON shapes


def key_paths(value: Any, prefix: str = "", id_map: bool = False) -> set[str]:
    """All key paths of a JSON value; keys of id-keyed maps become `*`, list items `[]`."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            name = "*" if id_map else key
            path = f"{prefix}.{name}"
            paths.add(path)
            paths |= key_paths(item, path, id_map=not id_map and name in ID_MAPS)
    elif isinstance(value, list):
        for item in value:
            paths |= key_paths(item, f"{prefix}[]")
    return paths


def event_fields(kind: str) -> set[str]:
    return {"type"} | {f.name for f in dataclasses.fields(ev.EVENT_TYPES[kind])}


def client_message_types() -> set[str]:
    union = typing.get_args(p.ClientMessage)[0]
    return {cls.model_fields["type"].annotation.__args__[0] for cls in typing.get_args(union)}


# ------------------------------------------------------------ a real hub, captured


@dataclass
class Captured:
    """What a real hub sent, by message type, plus views and the /health body."""

    messages: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    health: dict[str, Any] = field(default_factory=dict)
    not_found: dict[str, Any] = field(default_factory=dict)
    by_peer: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Everything each device's connection received, in arrival order."""
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Answers the scenario kept by name, for tests of one behaviour."""

    def add(self, message: dict[str, Any]) -> None:
        self.messages[message["type"]].append(message)

    def events(self) -> Iterator[dict[str, Any]]:
        for message in self.messages["event"]:
            yield message["event"]
        for message in self.messages["result"]:
            yield from message["events"]

    def views(self, kind: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for message in (*self.messages["welcome"], *self.messages["snapshot"],
                        *self.messages["event"], *self.messages["services_update"],
                        *self.messages["device_status"]):
            for section in (message, message.get("snapshot", {})):
                if kind == "service":
                    found += section.get("services", {}).values()
                elif kind == "counter":
                    found += section.get("counters", {}).values()
                elif kind == "ticket":
                    found += [c["ticket"] for c in section.get("counters", {}).values()
                              if c["ticket"]]
                elif kind == "recent_call":
                    found += section.get("recent_calls", [])
                elif kind == "device":
                    found += section.get("devices", {}).values()
                elif kind == "settings" and "settings" in section:
                    found.append(section["settings"])
        return found


class Peer:
    """A raw protocol client that records everything the hub sends it."""

    def __init__(self, connection: ClientConnection, captured: Captured) -> None:
        self.connection = connection
        self.captured = captured
        self.received: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()
        self._requests = 0
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for raw in self.connection:
                message = json.loads(raw)
                self.received.append(message)
                self.captured.add(message)
                self._arrived.set()

    async def send(self, message: dict[str, Any] | str) -> None:
        await self.connection.send(message if isinstance(message, str) else json.dumps(message))

    async def expect(self, predicate: Callable[[dict[str, Any]], bool], after: int = 0,
                     timeout: float = 10.0) -> dict[str, Any]:
        """Wait for a message (received at index >= after) that satisfies `predicate`."""
        async def find() -> dict[str, Any]:
            while True:
                for message in self.received[after:]:
                    if predicate(message):
                        return message
                self._arrived.clear()
                await self._arrived.wait()

        return await asyncio.wait_for(find(), timeout)

    async def request(self, kind: str, /, request_id: str | None = None,
                      **fields: Any) -> dict[str, Any]:
        self._requests += 1
        request_id = request_id or f"{kind}-{self._requests}"
        mark = len(self.received)
        await self.send({"type": kind, "request_id": request_id, **fields})
        return await self.expect(lambda m: m.get("request_id") == request_id, mark)

    async def roundtrip(self, message: dict[str, Any] | str, answer: str) -> dict[str, Any]:
        mark = len(self.received)
        await self.send(message)
        return await self.expect(lambda m: m["type"] == answer, mark)

    async def close(self) -> None:
        await self.connection.close()
        await self._reader


async def hello(url: str, config: MallConfig, device_id: str, captured: Captured,
                mall_version: str | None = None) -> Peer:
    connection = await connect(url, proxy=None, max_size=None)
    peer = Peer(connection, captured)
    key = device_id if mall_version is None else f"{device_id} (mall {mall_version!r})"
    captured.by_peer[key] = peer.received
    extra = {} if mall_version is None else {"mall_version": mall_version}
    await peer.send({"type": "hello", "device_id": device_id,
                     "token": config.device(device_id).token, **extra})
    await peer.expect(lambda m: m["type"] == "welcome")
    return peer


async def run_scenario(config: MallConfig, db: Path) -> Captured:
    """Drive a real hub through a morning, a cut-off and a day change; keep what it sent."""
    captured = Captured()
    clock = FakeClock(at(9))
    async with running_hub(config, db, clock) as (server, url):
        names = ("kiosk-1", "counter-loket-01", "counter-loket-02", "display-lantai-1",
                 "display-lobi", "supervisor", "survey-loket-01")
        peers = {name: await hello(url, config, name, captured) for name in names}
        # A device PC with no configuration yet asks for it (§7.1): the welcome carries it.
        fresh = await hello(url, config, "counter-loket-02", captured, mall_version="")
        await fresh.close()
        kiosk, c1, c2 = peers["kiosk-1"], peers["counter-loket-01"], peers["counter-loket-02"]

        clock.now = at(9, 1, 5)
        await kiosk.request("issue_ticket", "k-1", service_id="ktp-el")
        await kiosk.request("issue_ticket", "k-2", service_id="ktp-el", priority_kind="lansia")
        replay = await kiosk.request("issue_ticket", "k-2", service_id="ktp-el")
        assert replay["replayed"] is True
        issued = await kiosk.request("issue_ticket", service_id="kk")
        await kiosk.request("cancel_ticket", ticket_id=issued["events"][0]["ticket_id"])
        clock.now = at(9, 3)
        await c1.request("open_counter", staff="Siti Rahmawati")
        called = await c1.request("call_next")
        await c1.request("recall")
        # "I'm here" from the visitor's phone page (§22.3), on the hub's own write path.
        await server.execute(lambda engine, now: engine.say_present(
            called["events"][0]["ticket_id"], now))
        await c1.request("park")
        await c1.request("resume_parked", ticket="A-002")
        clock.now = at(9, 9, 30)
        await c1.request("finish")
        survey = await peers["survey-loket-01"].request(
            "submit_survey", ticket_id="A-002", answers=[4, 3, 4, 4, 3, 4, 4, 3, 3],
            age_band="30-39", gender="P", comment="Petugas ramah.")
        assert survey["type"] == "result", survey
        complaint = await peers["survey-loket-01"].request(
            "submit_complaint", feedback="complaint", category="waktu",
            text="Antrean KTP lama sekali.", contact="0812-3456-7890")
        assert complaint["type"] == "result", complaint
        await c1.request("call_ticket", ticket="A-001")
        await c1.request("transfer", to_service_id="kk")
        await c2.request("open_counter")
        await c2.request("call_next")
        await c2.request("recall")
        await c2.request("recall")
        await c2.request("mark_no_show")
        await kiosk.request("issue_ticket", service_id="ktp-el")
        await kiosk.request("issue_ticket", service_id="akta-kelahiran")
        await c2.request("call_next")
        await c2.request("transfer", to_counter_id="loket-01")
        await c1.request("pause_counter", reason="sholat")
        await c1.request("resume_counter")
        await c1.request("call_next")  # the visitor loket-02 sent here: a document missing
        incomplete = await c1.request("finish", outcome="incomplete_documents",
                                      missing_requirements=["Fotokopi Kartu Keluarga"])
        assert incomplete["events"][0]["missing_requirements"] == ["Fotokopi Kartu Keluarga"]
        await kiosk.request("issue_ticket", service_id="ktp-el")
        await c1.request("call_next")
        await c1.request("park")
        await c1.request("close_counter")

        boss = peers["supervisor"]
        clock.now = at(9, 10)
        await expect_settings_event(peers, boss.request(
            "set_service_closed", service_id="akta-kelahiran", closed=True,
            reason="Jaringan SIAK terputus"), "service_closed_today")
        await expect_settings_event(peers, boss.request(
            "set_service_closed", service_id="kk", closed=True), "service_closed_today")
        await expect_settings_event(peers, boss.request(
            "set_service_closed", service_id="kk", closed=False), "service_closed_today")
        await expect_settings_event(peers, boss.request(
            "set_counter_services", counter_id="loket-02",
            services=["kk", "ktp-el", "kia"]), "counter_services_changed")
        await expect_settings_event(peers, boss.request(
            "set_device_paused", device_id="kiosk-2", paused=True), "device_paused")
        await expect_settings_event(peers, boss.request(
            "set_running_text", text_id="Layanan akta kelahiran ditutup hari ini.",
            text_en="Birth certificates are not issued today."), "running_text_changed")

        refusals = [
            await c1.request("call_next"),
            await c2.request("call_next"),
            await kiosk.request("issue_ticket", service_id="npwp"),
            await kiosk.request("issue_ticket", service_id="peraturan-perusahaan",
                                priority_kind="lansia"),
            await kiosk.request("call_next"),
            await kiosk.request("issue_ticket", service_id="akta-kelahiran"),
            await boss.request("set_device_paused", device_id="display-lobi", paused=True),
            await boss.request("set_service_closed", service_id="akta-kelahiran", closed=True),
            await c1.request("set_running_text", text_id="Loket 1 tutup."),
            await kiosk.roundtrip("{not json", "error"),
            await kiosk.roundtrip(json.dumps({"type": "issue_ticket", "request_id": "x",
                                              "service_id": 7}), "error"),
        ]
        assert all(r["type"] == "error" for r in refusals), refusals
        assert {r["code"] for r in refusals} >= {"illegal_move", "queue_empty",
                                                 "service_unavailable", "not_allowed",
                                                 "invalid_argument", "bad_json", "bad_message"}
        assert "closed_by_supervisor" in {r.get("reason") for r in refusals}

        await kiosk.request("report_device_status", ok=False, code="paper_out",
                            detail="Kertas habis")
        await peers["display-lantai-1"].request("report_device_status", ok=True)
        await peers["supervisor"].expect(lambda m: m["type"] == "device_status")
        await kiosk.roundtrip({"type": "ping"}, "pong")
        for peer in peers.values():
            await peer.roundtrip({"type": "resync"}, "snapshot")

        spare = await kiosk.request("issue_ticket", service_id="ktp-el")
        mark = len(boss.received)
        flooder = await hello(url, config, "kiosk-2", captured)  # paused by the supervisor
        captured.answers["paused_issue"] = await flooder.request("issue_ticket",
                                                                 service_id="ktp-el")
        captured.answers["foreign_cancel"] = await flooder.request(
            "cancel_ticket", ticket_id=spare["events"][0]["ticket_id"])
        for _ in range(2 * int(hub_server.RATE_BURST)):
            await flooder.send({"type": "ping"})
        await flooder.expect(lambda m: m.get("code") == "rate_limited")
        await flooder.close()
        await boss.expect(lambda m: m["type"] == "device_status"
                          and m["devices"].get("kiosk-2", {}).get("online") is False, mark)

        pending = await kiosk.request("issue_ticket", service_id="ktp-el", await_print=True)
        printed = pending["events"][0]["ticket_id"]
        await kiosk.request("confirm_ticket", ticket_id=printed, how="printed")
        await kiosk.request("reprint_ticket", ticket_id=printed)
        await boss.request("reprint_ticket", ticket_id=printed, kiosk_id="kiosk-1")

        # Appointments (§21): the supervisor books ktp-el slots and cancels one; the kiosk
        # checks one in; the third is missed by the lunch-time tick below.
        kept = await boss.request("book_appointment", service_id="ktp-el",
                                  slot_start=at(10, 30).isoformat(), name="Budi Santoso",
                                  contact="4321")
        dropped = await boss.request("book_appointment", service_id="ktp-el",
                                     slot_start=at(11).isoformat(), name="Rina Wati",
                                     contact="081234567890", language="en")
        await boss.request("cancel_appointment", code=dropped["events"][0]["code"])
        await boss.request("book_appointment", service_id="ktp-el",
                           slot_start=at(10, 30).isoformat(), name="Ahmad", contact="8765")
        refused_import = await boss.request("import_appointments", rows=[
            {"service_id": "ktp-el", "slot_start": at(10, 30).replace(tzinfo=None).isoformat(),
             "name": "Siti Aminah", "contact": "081234567890"},
            {"service_id": "ktp-el", "slot_start": at(10, 40).isoformat(), "name": "Dewi",
             "contact": "6666", "language": "en"}])
        assert refused_import["code"] == "import_refused", refused_import
        assert [(r["row"], r["reason"]) for r in refused_import["rows"]] == [(2, "not_a_slot")]
        clock.now = at(10, 5)
        await kiosk.request("check_in_appointment", code=kept["events"][0]["code"],
                            await_print=True)
        await kiosk.request("check_in_appointment", code=kept["events"][0]["code"])

        clock.now = at(12, 0, 5)  # the lunch break of the example mall
        server.tick()
        for peer in peers.values():
            await peer.expect(lambda m: m["type"] == "schedule_update" and m["break"])
        await c2.request("open_counter")
        captured.answers["on_break"] = await c2.request("call_next")
        assert captured.answers["on_break"]["code"] == "on_break"
        clock.now = at(13, 0, 5)
        server.tick()
        for peer in peers.values():
            await peer.expect(lambda m: m["type"] == "schedule_update" and m["break"] is None)

        clock.now = at(15, 0, 5)  # past the cut-off
        server.tick()
        await kiosk.expect(lambda m: m["type"] == "services_update")
        clock.now = at(7, 30, day=MONDAY + dt.timedelta(days=1))  # the next morning
        server.tick()
        for peer in peers.values():
            await peer.expect(lambda m: m.get("event", {}).get("type") == "business_day_started")

        base = url.replace("ws://", "http://")
        captured.health = await asyncio.to_thread(_get_json, base + "/health")
        captured.not_found = await asyncio.to_thread(_get_json, base + "/nothing-here")

        async with connect(url, proxy=None) as connection:
            await connection.send(json.dumps({"type": "hello", "device_id": "kiosk-1",
                                              "token": "wrong-token"}))
            captured.add(json.loads(await connection.recv()))
        for peer in peers.values():
            await peer.close()
    return captured


async def expect_settings_event(peers: dict[str, Peer], request: Awaitable[dict[str, Any]],
                                kind: str) -> None:
    """Send a supervisor request; every connected role gets its event with `settings`."""
    marks = {name: len(peer.received) for name, peer in peers.items()}
    answer = await request
    assert answer["type"] == "result", answer
    seq = answer["seq"]
    for name, peer in peers.items():
        message = await peer.expect(lambda m: m["type"] == "event" and m["seq"] == seq,
                                    marks[name])
        assert message["event"]["type"] == kind
        assert "settings" in message, (name, message)


def _get_json(url: str) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read())


@pytest.fixture(scope="module")
def example_config() -> MallConfig:
    return load_config(EXAMPLE_CONFIG)


@pytest.fixture(scope="module")
def real(example_config: MallConfig, tmp_path_factory: pytest.TempPathFactory) -> Captured:
    db = tmp_path_factory.mktemp("protocol-doc") / "hub.db"
    return asyncio.run(asyncio.wait_for(run_scenario(example_config, db), 60))


# ----------------------------------------------------------------------- tests


def test_the_document_has_json_examples_and_every_one_is_marked() -> None:
    assert len(BLOCKS) > 40
    allowed = {"client", "hub", "event", "health"} | {f"view {k}" for k in VIEW_KINDS}
    for block in BLOCKS:
        if block.kind in ("api", "phone"):  # §21's and §22's HTTP examples: tested in
            continue  # tests/web/test_appointments_api.py and tests/web/test_phone_join.py
        assert block.mark in allowed, f"{block}: put <!-- client|hub|event|… --> before it"
        assert isinstance(block.data, dict), f"{block}: an example is one JSON object"


@block_params("client")
def test_client_example_parses_with_the_protocol_models(
    block: Block, example_config: MallConfig
) -> None:
    message = p.parse_client_message(block.text)
    assert message.type == block.data["type"]
    data = block.data
    if message.type == "hello":
        device = example_config.device(data["device_id"])
        assert device.token == data["token"], f"{block}: token of {device.id} in the example"
    for key in ("service_id", "to_service_id"):
        if data.get(key) is not None:
            example_config.service(data[key])
    for service_id in data.get("services", []):
        example_config.service(service_id)
    for key in ("to_counter_id", "counter_id"):
        if data.get(key) is not None:
            example_config.counter(data[key])
    if message.type == "set_device_paused":
        assert example_config.device(data["device_id"]).role == "kiosk", block


def test_every_client_message_type_has_an_example() -> None:
    shown = {b.data["type"] for b in blocks_of("client")}
    assert client_message_types() - shown == set()
    assert client_message_types() == {"hello", "resync", "ping"} | set().union(*p.ALLOWED.values())


def test_the_roles_table_lists_what_each_role_may_send() -> None:
    rows = {line.split("|")[1].strip(): line for line in DOC_TEXT.splitlines()
            if line.startswith("| `") and line.count("|") == 3}
    for role, allowed in p.ALLOWED.items():
        row = rows.get(f"`{role}`")
        assert row is not None, f"role {role} has no row in the table of §5"
        listed = set(re.findall(r"`([a-z_]+)`", row.split("|")[2]))
        assert listed == set(allowed), (role, sorted(listed ^ set(allowed)))


def test_settings_events_reach_every_role_with_the_settings(real: Captured) -> None:
    settings_events = [m for m in real.messages["event"]
                       if m["event"]["type"] in ev.SETTINGS_EVENT_TYPES]
    assert {m["event"]["type"] for m in settings_events} == ev.SETTINGS_EVENT_TYPES
    assert all("settings" in m for m in settings_events)
    carriers = ev.SETTINGS_EVENT_TYPES | {"business_day_started"}  # settings reset daily
    assert not any("settings" in m for m in real.messages["event"]
                   if m["event"]["type"] not in carriers)
    snapshots = [m["snapshot"] for m in (*real.messages["welcome"], *real.messages["snapshot"])]
    assert all(set(s["settings"]) == {"closed_services", "counter_services", "paused_devices",
                                      "running_text"} for s in snapshots)


def test_the_scenario_made_the_hub_send_every_message_and_event_type(real: Captured) -> None:
    assert set(real.messages) == HUB_MESSAGE_TYPES
    assert {e["type"] for e in real.events()} == set(ev.EVENT_TYPES)


def test_every_message_a_real_hub_sent_parses_with_its_typed_model(real: Captured) -> None:
    """One typed model per hub message (hub/hub_messages.py), held to what the hub sends."""
    count = 0
    for messages in real.messages.values():
        for message in messages:
            parsed = hub_messages.parse_hub_message(message)
            assert parsed.type == message["type"]
            count += 1
    assert count > 100
    assert set(real.messages) == hub_messages.HUB_MESSAGE_TYPES


def test_every_hub_example_of_the_document_parses_with_its_typed_model() -> None:
    for block in blocks_of("hub"):
        assert hub_messages.parse_hub_message(block.data).type == block.data["type"], block


def test_every_hub_message_type_has_an_example() -> None:
    assert {b.data["type"] for b in blocks_of("hub")} == HUB_MESSAGE_TYPES


@block_params("hub")
def test_hub_example_has_the_keys_a_real_hub_sends(block: Block, real: Captured) -> None:
    example = block.data
    kind = example.get("type")
    assert kind in HUB_MESSAGE_TYPES, f"{block}: the hub sends no {kind!r}"
    samples = real.messages.get(kind, [])
    variants = {frozenset(m) for m in samples}
    assert frozenset(example) in variants, (
        f"{block}: top-level keys {sorted(example)} are not what the hub sends for {kind}: "
        f"{[sorted(v) for v in variants]}")
    real_paths = set().union(*(key_paths(m) for m in samples))
    extra = key_paths(example) - real_paths
    assert not extra, f"{block}: the hub never sends {sorted(extra)} in a {kind}"
    events = ([example["event"]] if kind == "event" else example.get("events", []))
    for event in events:
        # Pushed events leave out what only the requester and the reports may read.
        private = set(ev.PRIVATE_FIELDS.get(event["type"], ())) if kind == "event" else set()
        assert set(event) == event_fields(event["type"]) - private, (
            f"{block}: fields of {event['type']}")


def test_complaints_reach_supervisors_only_and_never_their_text_or_contact(
    real: Captured,
) -> None:
    pushed = {device: [m["event"] for m in received if m["type"] == "event"
                       and m["event"]["type"] == "complaint_submitted"]
              for device, received in real.by_peer.items()}
    assert [device for device, events in pushed.items() if events] == ["supervisor"]
    [event] = pushed["supervisor"]
    assert "text" not in event and "contact" not in event
    assert event["category"] == "waktu" and event["tenant_id"] == "disdukcapil"
    everything_pushed = json.dumps([m for device, received in real.by_peer.items()
                                    for m in received if m["type"] != "result"])
    assert "0812-3456-7890" not in everything_pushed
    assert "Antrean KTP lama sekali." not in everything_pushed
    [answer] = [m for m in real.by_peer["survey-loket-01"] if m["type"] == "result"
                and m["events"] and m["events"][0]["type"] == "complaint_submitted"]
    assert answer["events"][0]["contact"] == "0812-3456-7890"
    assert answer["events"][0]["complaint_id"] == "2026-11-23/PS-001"


def test_examples_show_what_each_role_is_sent(real: Captured) -> None:
    """Every shape of event message and of snapshot a role gets has an example."""
    hub_examples = [b.data for b in blocks_of("hub")]
    shown_events = {frozenset(m) for m in hub_examples if m["type"] == "event"}
    assert {frozenset(m) for m in real.messages["event"]} <= shown_events
    shown_snapshots = {frozenset(m["snapshot"]) for m in hub_examples if "snapshot" in m}
    sent_snapshots = {frozenset(m["snapshot"])
                      for m in (*real.messages["welcome"], *real.messages["snapshot"])}
    assert sent_snapshots <= shown_snapshots


def test_every_event_type_has_an_example() -> None:
    assert {b.data["type"] for b in blocks_of("event")} == set(ev.EVENT_TYPES)


@block_params("event")
def test_event_example_has_exactly_its_fields_and_decodes(block: Block) -> None:
    data = block.data
    assert data["type"] in ev.EVENT_TYPES, f"{block}: no event type {data['type']!r}"
    assert set(data) == event_fields(data["type"]), f"{block}: fields of {data['type']}"
    assert ev.event_to_dict(ev.event_from_dict(data)) == data


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.kind == "view"],
                         ids=lambda b: f"line{b.line}")
def test_view_example_has_the_keys_of_a_real_view(block: Block, real: Captured) -> None:
    kind = block.mark.split()[1]
    assert kind in VIEW_KINDS
    samples = real.views(kind)
    assert samples, f"the scenario produced no {kind} view"
    assert frozenset(block.data) in {frozenset(s) for s in samples}, block
    assert key_paths(block.data) <= set().union(*(key_paths(s) for s in samples)), block


def test_health_example_has_the_keys_of_the_real_body(real: Captured) -> None:
    (block,) = blocks_of("health")
    assert set(block.data) == set(real.health)
    assert set(block.data["clients"]) <= {"kiosk", "counter", "display", "supervisor"}
    assert real.not_found == {"error": "not found"}
    assert '{"error": "not found"}' in DOC_TEXT


def test_every_event_type_and_client_message_type_is_named_in_the_text() -> None:
    for name in (*ev.EVENT_TYPES, *client_message_types()):
        assert f"`{name}`" in DOC_TEXT, name


def test_every_error_code_and_reason_is_in_the_tables_with_its_texts() -> None:
    codes = set(TEXTS) | {cls.code for cls in vars(engine_errors).values()
                          if isinstance(cls, type) and issubclass(cls, engine_errors.QueueError)
                          and cls is not engine_errors.QueueError}
    rows = {line.split("|")[1].strip(): line for line in DOC_TEXT.splitlines()
            if line.startswith("| `")}
    for code in codes:
        row = rows.get(f"`{code}`")
        assert row is not None, f"error code {code} has no row in the tables"
        if code in TEXTS:
            message_id, message_en = TEXTS[code]
            assert message_id in row and message_en in row, code
    for reason, (message_id, message_en) in UNAVAILABLE.items():
        row = rows.get(f"`{reason}`")
        assert row is not None and message_id in row and message_en in row, reason


def test_the_limits_table_matches_the_code(example_config: MallConfig) -> None:
    limits = {
        "HELLO_TIMEOUT_S": f"{hub_server.HELLO_TIMEOUT_S:g} s",
        "RATE_PER_S": f"| {hub_server.RATE_PER_S:g} |",
        "RATE_BURST": f"| {hub_server.RATE_BURST:g} |",
        "MAX_DROPPED": f"| {hub_server.MAX_DROPPED} |",
        "TICK_S": f"{hub_server.TICK_S:g} s",
        "RECENT_CALLS": f"| {views.RECENT_CALLS} |",
        "max_size": f"{example_config.hub.max_message_bytes} bytes",
    }
    rows = [line for line in DOC_TEXT.splitlines() if line.startswith("|")]
    for name, value in limits.items():
        row = next((r for r in rows if f"`{name}`" in r), None)
        assert row is not None and value in row, f"limit {name}: expected {value!r} in {row!r}"
    for code, reason in ((hub_server.CLOSE_POLICY, "hello expected"),
                         (hub_server.CLOSE_POLICY, "authentication failed"),
                         (hub_server.CLOSE_POLICY, "too many messages"),
                         (1009, "frame with 70000 bytes exceeds limit of 65536 bytes")):
        assert any(f"| {code} " in r and f"`{reason}" in r for r in rows), (code, reason)
    assert f"(version {p.PROTOCOL_VERSION})" in DOC_TEXT.splitlines()[0]


# ------------------------------------------- what the text says, checked against the hub


def doc_section(number: str) -> str:
    """The text of one section (`"6.10"`, `"9.6"`, `"19."`), its `####` parts included."""
    match = re.search(rf"^#+ {re.escape(number)} .*?$(.*?)(?=^#{{1,3}} |\Z)", DOC_TEXT,
                      re.M | re.S)
    assert match, f"no section {number}"
    return " ".join(match.group(1).split())


def test_request_events_reach_the_requester_before_its_result(real: Captured) -> None:
    """§4 and §7.2: the events of a request come first, then its result."""
    checked = 0
    for name, received in real.by_peer.items():
        event_at: dict[int, int] = {}
        for i, message in enumerate(received):
            if message["type"] == "event":
                event_at.setdefault(message["seq"], i)
        for i, message in enumerate(received):
            if message["type"] != "result" or message["replayed"]:
                continue
            first = message["seq"] - len(message["events"]) + 1  # a request's seqs are adjacent
            for seq in range(first, message["seq"] + 1):
                if name.startswith("supervisor"):  # sent every event
                    assert seq in event_at, (name, message)
                if seq in event_at:
                    assert event_at[seq] < i, f"{name}: result before its event {seq}"
                    checked += 1
    assert checked > 20
    assert "then the answer" in DOC_TEXT and "**before** its `result`" in doc_section("7.2")


def test_survey_tablets_and_displays_get_no_services_update(real: Captured) -> None:
    """§5 and §7.6: services_update goes to kiosks, counters and supervisors only."""
    def got_update(name: str) -> bool:
        return any(m["type"] == "services_update" for m in real.by_peer[name])

    assert got_update("kiosk-1") and got_update("counter-loket-01") and got_update("supervisor")
    assert not got_update("survey-loket-01") and not got_update("display-lantai-1")
    assert "not to displays or survey tablets" in doc_section("7.6")


def test_supervisors_are_told_when_a_device_connects_and_disconnects(real: Captured) -> None:
    """§7.7 and §9.6: device_status is pushed on connect and on disconnect."""
    kiosk_2 = [m["devices"]["kiosk-2"]["online"] for m in real.by_peer["supervisor"]
               if m["type"] == "device_status" and "kiosk-2" in m["devices"]]
    assert kiosk_2 == [True, False]
    assert "when a device connects" in doc_section("9.6")
    assert "is not pushed" not in doc_section("9.6")


def test_a_paused_kiosk_is_refused_with_illegal_move(real: Captured) -> None:
    """§6.10 and §18 agree: the hub refuses issue_ticket from a paused kiosk."""
    answer = real.answers["paused_issue"]
    assert answer["type"] == "error" and answer["code"] == "illegal_move", answer
    assert "paused" in answer["message_en"]
    assert "refuses `issue_ticket` from a paused kiosk with `illegal_move`" in doc_section("6.10")


def test_cancelling_another_kiosks_ticket_is_illegal_move(real: Captured) -> None:
    """§6.6 names the code for a kiosk cancelling a ticket another kiosk issued."""
    answer = real.answers["foreign_cancel"]
    assert answer["type"] == "error" and answer["code"] == "illegal_move", answer
    assert "not issued by kiosk-2" in answer["message_en"]
    assert "also when another kiosk issued it" in doc_section("6.6")


async def _close_reason_of_an_oversized_frame(config: MallConfig, db: Path) -> tuple[int, str]:
    async with running_hub(config, db) as (_, url):
        async with connect(url, proxy=None) as connection:
            await connection.send(json.dumps({"type": "hello", "device_id": "kiosk-1",
                                              "token": config.device("kiosk-1").token}))
            assert json.loads(await connection.recv())["type"] == "welcome"
            await connection.send("x" * 70000)
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await connection.recv()
            assert closed.value.rcvd is not None
            return closed.value.rcvd.code, closed.value.rcvd.reason


def test_the_1009_close_reason_is_the_one_the_document_quotes(
    example_config: MallConfig, tmp_path: Path
) -> None:
    assert example_config.hub.max_message_bytes == 65536
    code, reason = asyncio.run(asyncio.wait_for(
        _close_reason_of_an_oversized_frame(example_config, tmp_path / "hub.db"), 30))
    assert (code, reason) == (1009, "frame with 70000 bytes exceeds limit of 65536 bytes")
    assert f"`{reason}`" in doc_section("2.")
    assert f"`{reason}`" in doc_section("4.")


async def _strict_answers(config: MallConfig, db: Path) -> list[dict[str, Any]]:
    """Send the document's examples of wrongly typed values; return the hub's answers."""
    answers = []
    async with running_hub(config, db) as (_, url):
        async with connect(url, proxy=None) as connection:
            await connection.send(json.dumps({"type": "hello", "device_id": "kiosk-1",
                                              "token": config.device("kiosk-1").token,
                                              "protocol": "1"}))
            answers.append(json.loads(await connection.recv()))
        requests: list[tuple[str, dict[str, Any]]] = [
            ("kiosk-1", {"type": "report_device_status", "ok": "yes"}),
            ("kiosk-1", {"type": "report_device_status", "ok": 1}),
            ("supervisor", {"type": "set_device_paused", "device_id": "kiosk-2", "paused": "true"}),
            ("survey-loket-01", {"type": "submit_survey", "ticket_id": "A-001",
                                 "answers": ["4", 4, 4, 4, 4, 4, 4, 4, 4]}),
            ("supervisor", {"type": "set_service_closed", "service_id": "kk", "closed": 0}),
        ]
        for device_id, request in requests:
            peer = await hello(url, config, device_id, Captured())
            answers.append(await peer.request(request.pop("type"), **request))
            await peer.close()
    return answers


def test_wrongly_typed_values_are_refused_not_converted(
    example_config: MallConfig, tmp_path: Path
) -> None:
    """§3: types are strict; nothing a client sends is converted."""
    hello_answer, *answers = asyncio.run(asyncio.wait_for(
        _strict_answers(example_config, tmp_path / "hub.db"), 30))
    assert hello_answer["type"] == "error" and hello_answer["code"] == "hello_expected"
    for answer in answers:
        assert answer["type"] == "error" and answer["code"] == "bad_message", answer
        assert answer["request_id"] is not None
    assert "`\"protocol\": \"1\"` is not the integer 1" in doc_section("3.")


async def _nested_answer(config: MallConfig, db: Path) -> list[dict[str, Any]]:
    async with running_hub(config, db) as (_, url):
        peer = await hello(url, config, "kiosk-1", Captured())
        answers = [await peer.roundtrip("[" * 60000, "error"),
                   await peer.roundtrip('{"type": "ping", "x": ' + "[" * 300 + "]" * 300 + "}",
                                        "error"),
                   await peer.roundtrip({"type": "ping"}, "pong")]
        await peer.close()
    return answers


def test_a_deeply_nested_frame_is_bad_json_and_the_connection_stays(
    example_config: MallConfig, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """~60 KB of `[[[[` once raised RecursionError in the hub and closed with 1011."""
    deep, nested_object, pong = asyncio.run(asyncio.wait_for(
        _nested_answer(example_config, tmp_path / "hub.db"), 30))
    assert deep["code"] == nested_object["code"] == "bad_json"
    assert deep["request_id"] is None
    assert pong["type"] == "pong" and set(pong) == {"type", "hub_time"}
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert "nested deeper than 200 levels" in DOC_TEXT


async def _two_connections_of_one_kiosk(config: MallConfig, db: Path) -> None:
    captured = Captured()
    async with running_hub(config, db) as (_, url):
        boss = await hello(url, config, "supervisor", captured)

        def kiosk_online(after: int, online: bool) -> Awaitable[dict[str, Any]]:
            return boss.expect(lambda m: m["type"] == "device_status"
                               and m["devices"].get("kiosk-1", {}).get("online") is online,
                               after)

        first = await hello(url, config, "kiosk-1", captured)
        second = await hello(url, config, "kiosk-1", captured)
        assert first.received[0]["type"] == second.received[0]["type"] == "welcome"
        mark = len(second.received)
        result = await first.request("issue_ticket", "same-id", service_id="ktp-el")
        seq = result["seq"]
        assert result["type"] == "result" and result["replayed"] is False
        # Kiosks hear of a new ticket through the coalesced services_update (§7.6).
        await second.expect(lambda m: m["type"] == "services_update"
                            and m["services"]["ktp-el"]["issued_today"] >= 1, mark)
        assert seq > 0
        await second.roundtrip({"type": "ping"}, "pong")
        assert not [m for m in second.received if m.get("request_id") == "same-id"]
        again = await second.request("issue_ticket", "same-id", service_id="ktp-el")
        assert again["replayed"] is True and again["events"] == result["events"]
        mark = len(boss.received)
        await first.close()
        assert (await kiosk_online(mark, True))["devices"]["kiosk-1"]["online"] is True
        mark = len(boss.received)
        await second.close()
        await kiosk_online(mark, False)
        await boss.close()


def test_one_device_may_hold_several_connections_each_a_session(
    example_config: MallConfig, tmp_path: Path
) -> None:
    """§4: each connection gets its own welcome and the pushes; the result only the sender."""
    asyncio.run(asyncio.wait_for(
        _two_connections_of_one_kiosk(example_config, tmp_path / "hub.db"), 30))
    assert "**Several connections of one device.**" in DOC_TEXT


@pytest.mark.integration
def test_a_test_clock_lets_a_vendor_issue_tickets_at_night(tmp_path: Path) -> None:
    """§19: `hub serve --clock-start` (and `--clock-speed`) as the document shows them."""
    section = doc_section("19.")
    assert "--clock-start 2026-11-23T08:00" in section and "--clock-speed" in section
    port_file = tmp_path / "port"
    process = subprocess.Popen(
        [sys.executable, "-m", "hub", "serve", "--config", str(EXAMPLE_CONFIG),
         "--db", str(tmp_path / "test-hub.db"), "--host", "127.0.0.1", "--port", "0",
         "--port-file", str(port_file), "--clock-start", "2026-11-23T08:00",
         "--clock-speed", "60"],
        stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    watchdog = threading.Timer(60, process.kill)  # a hub that hangs fails the test, not CI
    watchdog.start()
    try:
        assert process.stderr is not None
        seen = []
        for line in process.stderr:  # blocks until the hub logs; no polling
            seen.append(line)
            if "Ctrl-C stops" in line:
                break
        assert any("demo clock: hub time starts at 2026-11-23T08:00" in line for line in seen)
        url = f"ws://127.0.0.1:{int(port_file.read_text())}"
        config = load_config(EXAMPLE_CONFIG)

        async def issue() -> tuple[dict[str, Any], dict[str, Any]]:
            kiosk = await hello(url, config, "kiosk-1", Captured())
            answer = await kiosk.request("issue_ticket", service_id="ktp-el")
            await kiosk.close()
            return kiosk.received[0], answer

        welcome, answer = asyncio.run(asyncio.wait_for(issue(), 30))
        assert welcome["snapshot"]["business_day"] == "2026-11-23"
        assert answer["type"] == "result", answer
        issued_at = dt.datetime.fromisoformat(answer["events"][0]["at"])
        assert issued_at.date() == dt.date(2026, 11, 23) and 8 <= issued_at.hour < 12
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
        watchdog.cancel()
