"""The client library against a real hub: reconnect, resync, retries, late results."""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

from hub.client import HubClient, HubRequestError
from hub.client.view import apply_message
from hub.server import HubServer
from tests.factories import small_mall
from tests.hub.harness import TOKENS, FakeClock, device, running_hub

pytestmark = pytest.mark.integration


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 60))


async def wait_until(predicate: Any, timeout: float = 10.0) -> None:
    """Yield to the loop until `predicate()` holds (no fixed sleeps)."""
    async def poll() -> None:
        while not predicate():
            await asyncio.sleep(0.01)  # ok: re-checks a condition, bounded by the timeout

    await asyncio.wait_for(poll(), timeout)


def make_client(url: str, device_id: str, **kw: Any) -> HubClient:
    return HubClient(url, device_id, TOKENS[device_id], backoff_initial=0.05,
                     backoff_max=0.2, **kw)


def test_client_keeps_its_view_in_step_with_events(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(small_mall(), tmp_path / "h.db") as (_, url):
            display = make_client(url, "display-z1")
            task = asyncio.create_task(display.run())
            await display.wait_online(5)
            kiosk, counter = make_client(url, "kiosk-1"), make_client(url, "counter-c1")
            tasks = [asyncio.create_task(c.run()) for c in (kiosk, counter)]
            await kiosk.wait_online(5)
            await counter.wait_online(5)
            ticket = await kiosk.request("issue_ticket", service_id="ktp")
            assert ticket["events"][0]["label"] == "A-001"
            await counter.request("open_counter")
            await counter.request("call_next")
            await wait_until(lambda: display.view["counters"]["c1"]["ticket"] is not None)
            assert display.view["counters"]["c1"]["ticket"]["label"] == "A-001"
            assert display.view["recent_calls"][0]["label"] == "A-001"
            await wait_until(lambda: kiosk.view["services"]["ktp"]["waiting"] == 0)
            with pytest.raises(HubRequestError) as refused:
                await counter.request("call_next")
            assert refused.value.code == "illegal_move"
            for client in (display, kiosk, counter):
                await client.close()
            await asyncio.gather(task, *tasks)

    run(scenario())


def test_client_reconnects_after_a_hub_restart_and_shows_the_truth(tmp_path: Path) -> None:
    async def scenario() -> None:
        states: list[str] = []
        async with running_hub(small_mall(), tmp_path / "h.db") as (_, url):
            display = make_client(url, "display-z1", on_state=lambda s: states.append(s.status))
            task = asyncio.create_task(display.run())
            await display.wait_online(5)
        await wait_until(lambda: states[-1] == "offline")
        port = int(url.rsplit(":", 1)[1])
        async with running_hub(small_mall(), tmp_path / "h.db", port=port) as (_, url2):
            async with device(url2, "kiosk-1") as kiosk, device(url2, "counter-c1") as counter:
                await kiosk.request("issue_ticket", service_id="ktp")
                await counter.request("open_counter")
                await counter.request("call_next")
            await wait_until(
                lambda: display.state.status == "online"
                and (display.view["counters"]["c1"]["ticket"] or {}).get("label") == "A-001"
            )
            assert states.count("online") == 2
            await display.close()
            await task

    run(scenario())


def test_a_gap_in_sequence_numbers_triggers_a_resync(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(small_mall(), tmp_path / "h.db") as (server, url):
            kinds: list[str] = []
            display = make_client(url, "display-z1", on_message=lambda m: kinds.append(m["type"]))
            task = asyncio.create_task(display.run())
            await display.wait_online(5)
            server.session.fanout.group_last_seq[("display", "z1")] += 1000  # messages lost
            async with device(url, "kiosk-1") as kiosk, device(url, "counter-c1") as counter:
                await kiosk.request("issue_ticket", service_id="ktp")
                await counter.request("open_counter")
            await wait_until(lambda: kinds.count("snapshot") == 2)
            assert display.view["counters"]["c1"]["status"] == "open"
            assert display.seq == server.core.log.last_seq
            await display.close()
            await task

    run(scenario())


class LosesFirstReply(HubServer):
    """A hub whose first answer to a request is lost on the wire (connection drops)."""

    lost = False

    def _send(self, action: Any) -> None:
        if json.loads(action.text)["type"] == "result" and not LosesFirstReply.lost:
            LosesFirstReply.lost = True
            for conn in action.conns:
                self.connections[conn].transport.abort()
            return
        super()._send(action)


def test_a_lost_reply_is_retried_with_the_same_request_id(tmp_path: Path) -> None:
    async def scenario() -> None:
        from hub.core import HubCore

        core = HubCore.open(small_mall(), tmp_path / "h.db", FakeClock())
        server = LosesFirstReply(core)
        port = await server.start("127.0.0.1", 0)
        try:
            kiosk = make_client(f"ws://127.0.0.1:{port}", "kiosk-1")
            task = asyncio.create_task(kiosk.run())
            await kiosk.wait_online(5)
            answer = await kiosk.request("issue_ticket", service_id="ktp", timeout=10)
            assert LosesFirstReply.lost
            assert answer["replayed"] is True
            assert answer["events"][0]["label"] == "A-001"
            assert core.engine.waiting_count("ktp") == 1  # one ticket, not two
            await kiosk.close()
            await task
        finally:
            await server.stop()
            core.close()

    run(scenario())


def test_view_merge_is_plain_data() -> None:
    view: dict[str, Any] = {"counters": {"c1": {"status": "closed"}}, "recent_calls": []}
    apply_message(view, {
        "type": "event", "seq": 5, "prev_seq": 4,
        "event": {"type": "ticket_called", "ticket_id": "2026-11-23/A-007", "counter_id": "c1",
                  "at": "2026-11-23T09:00:00+07:00", "service_id": "ktp", "how": "next"},
        "counters": {"c1": {"status": "serving"}},
    })
    assert view["counters"]["c1"]["status"] == "serving"
    assert view["recent_calls"][0]["label"] == "A-007"


class RecordedWaits:
    """The client's `sleep`: notes each delay and returns at once, up to `limit` waits.

    The wait after the last one never ends by itself, so the client stays put until the
    test closes it (which cuts that wait short).
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.delays: list[float] = []
        self.all_taken = asyncio.Event()

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        if len(self.delays) >= self.limit:
            self.all_taken.set()
            await asyncio.Event().wait()  # until close() cancels it
        await asyncio.sleep(0)


def test_waits_after_failures_are_jittered_and_double_up_to_the_cap(tmp_path: Path) -> None:
    async def scenario() -> None:
        waits = RecordedWaits(limit=8)
        states: list[str] = []
        async with running_hub(small_mall(), tmp_path / "h.db") as (_, url):
            display = HubClient(url, "display-z1", TOKENS["display-z1"], rng=random.Random(7),
                                sleep=waits, on_state=lambda s: states.append(s.status))
            task = asyncio.create_task(display.run())
            await display.wait_online(5)
        # The hub is gone: the session that ended, then every refused TCP connect, waits.
        await asyncio.wait_for(waits.all_taken.wait(), 20)
        nominal = [0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0, 5.0]
        for delay, full in zip(waits.delays, nominal, strict=True):
            assert full / 2 <= delay <= full
        ratios = {round(delay / full, 9)
                  for delay, full in zip(waits.delays, nominal, strict=True)}
        assert len(ratios) == len(nominal)  # every wait jittered on its own
        assert states[0] == "online" and set(states[1:]) == {"offline"}
        assert display.state.attempts == 8
        await display.close()
        await asyncio.wait_for(task, 5)  # close() cut the last wait short

    run(scenario())


def test_devices_dropped_together_come_back_at_different_moments(tmp_path: Path) -> None:
    async def scenario() -> None:
        clients, tasks, waits = [], [], []
        async with running_hub(small_mall(), tmp_path / "h.db") as (_, url):
            for seed in range(3):
                waits.append(RecordedWaits(limit=1))
                clients.append(HubClient(url, "display-z1", TOKENS["display-z1"],
                                         rng=random.Random(seed), sleep=waits[-1]))
                tasks.append(asyncio.create_task(clients[-1].run()))
                await clients[-1].wait_online(5)
        for recorded in waits:
            await asyncio.wait_for(recorded.all_taken.wait(), 10)
        first_waits = [recorded.delays[0] for recorded in waits]
        assert len(set(first_waits)) == 3
        assert all(0.1 <= delay <= 0.2 for delay in first_waits)
        for client in clients:
            await client.close()
        await asyncio.wait_for(asyncio.gather(*tasks), 5)

    run(scenario())


def test_after_a_refusal_the_client_waits_30_to_60_seconds(tmp_path: Path) -> None:
    async def scenario() -> None:
        waits = RecordedWaits(limit=3)
        details: list[tuple[str, str]] = []
        async with running_hub(small_mall(), tmp_path / "h.db") as (_, url):
            kiosk = HubClient(url, "kiosk-1", "not-the-token", rng=random.Random(3),
                              sleep=waits, on_state=lambda s: details.append((s.status, s.detail)))
            task = asyncio.create_task(kiosk.run())
            await asyncio.wait_for(waits.all_taken.wait(), 10)
            assert len(waits.delays) == 3 and kiosk.state.attempts == 3
            assert all(30 <= delay <= 60 for delay in waits.delays)
            assert len(set(waits.delays)) == 3
            assert details == [("refused", "Unknown device or wrong token.")]
            await kiosk.close()
            await asyncio.wait_for(task, 5)

    run(scenario())


def test_a_bare_policy_close_before_the_welcome_is_a_refusal_too() -> None:
    """Protocol §4: a 1008 close means "fix the configuration", error message or not."""
    async def refuse(connection: ServerConnection) -> None:
        await connection.recv()
        await connection.close(1008, "authentication failed")

    async def scenario() -> None:
        waits = RecordedWaits(limit=1)
        async with serve(refuse, "127.0.0.1", 0) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            kiosk = HubClient(f"ws://127.0.0.1:{port}", "kiosk-1", "token",
                              rng=random.Random(5), sleep=waits)
            task = asyncio.create_task(kiosk.run())
            await asyncio.wait_for(waits.all_taken.wait(), 10)
            assert 30 <= waits.delays[0] <= 60
            assert (kiosk.state.status, kiosk.state.detail) == ("refused", "authentication failed")
            await kiosk.close()
            await asyncio.wait_for(task, 5)

    run(scenario())


def test_close_cuts_a_long_wait_short(tmp_path: Path) -> None:
    """A refused device waits 30–60 s on the real clock; closing the app must not."""
    async def scenario() -> None:
        refused = asyncio.Event()
        async with running_hub(small_mall(), tmp_path / "h.db") as (_, url):
            kiosk = HubClient(url, "kiosk-1", "not-the-token",
                              on_state=lambda s: refused.set() if s.status == "refused" else None)
            task = asyncio.create_task(kiosk.run())
            await asyncio.wait_for(refused.wait(), 10)
            await kiosk.close()
            await asyncio.wait_for(task, 5)
            assert kiosk.state.attempts == 1

    run(scenario())
