"""The client library against a real hub: reconnect, resync, retries, late results."""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

from hub import protocol as p
from hub.client import HubClient, HubRequestError
from hub.client.view import ClientView
from hub.hub_messages import EventMessage, Result, SnapshotMessage, parse_hub_message
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
            ticket = await kiosk.send(p.IssueTicket, service_id="ktp")
            assert isinstance(ticket, Result) and ticket.events[0]["label"] == "A-001"
            await counter.send(p.OpenCounter)
            await counter.send(p.CallNext)
            await wait_until(lambda: display.view.counters["c1"].ticket is not None)
            desk = display.view.counters["c1"]
            assert desk.ticket is not None and desk.ticket.label == "A-001"
            assert display.view.recent_calls[0].label == "A-001"
            await wait_until(lambda: kiosk.view.services["ktp"].waiting == 0)
            with pytest.raises(HubRequestError) as refused:
                await counter.send(p.CallNext)
            assert refused.value.code == "illegal_move"
            assert refused.value.error.message_id and refused.value.error.request_id
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
            def shows_a001() -> bool:
                desk = display.view.counter("c1")
                return (display.state.status == "online" and desk is not None
                        and desk.ticket is not None and desk.ticket.label == "A-001")

            await wait_until(shows_a001)
            assert states.count("online") == 2
            await display.close()
            await task

    run(scenario())


def test_a_gap_in_sequence_numbers_triggers_a_resync(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(small_mall(), tmp_path / "h.db") as (server, url):
            kinds: list[str] = []
            display = make_client(url, "display-z1", on_message=lambda m: kinds.append(m.type))
            task = asyncio.create_task(display.run())
            await display.wait_online(5)
            server.session.fanout.group_last_seq[("display", "z1")] += 1000  # messages lost
            async with device(url, "kiosk-1") as kiosk, device(url, "counter-c1") as counter:
                await kiosk.request("issue_ticket", service_id="ktp")
                await counter.request("open_counter")
            await wait_until(lambda: kinds.count("snapshot") == 2)
            assert display.view.counters["c1"].status == "open"
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
            answer = await kiosk.send(p.IssueTicket, service_id="ktp", timeout=10)
            assert LosesFirstReply.lost
            assert answer.replayed is True
            assert answer.events[0]["label"] == "A-001"
            assert core.engine.waiting_count("ktp") == 1  # one ticket, not two
            await kiosk.close()
            await task
        finally:
            await server.stop()
            core.close()

    run(scenario())


SETTINGS = {"closed_services": {}, "counter_services": {}, "paused_devices": [],
            "running_text": None}


def counter(status: str, label: str | None = None, reserved: int = 0) -> dict[str, Any]:
    """A counter view as the hub sends it (§9.3)."""
    ticket = None if label is None else {
        "ticket_id": f"2026-11-23/{label}", "label": label, "service_id": "ktp",
        "status": "called", "priority_kind": None, "issued_at": "2026-11-23T08:55:00+07:00",
        "called_at": "2026-11-23T09:00:00+07:00", "recall_count": 0, "transfer_count": 0}
    return {"status": status, "ticket": ticket, "pause_reason": None, "staff": None,
            "since": None, "served_today": 0, "parked": [], "reserved": reserved,
            "services": ["ktp"], "allowed": ["call_next"]}


def service(waiting: int) -> dict[str, Any]:
    """A service view as the hub sends it (§9.2)."""
    return {"open": True, "reason": None, "opens_at": None, "on_break": None,
            "waiting": waiting, "counters_open": 1, "estimated_wait_minutes": 4 * waiting,
            "issued_today": waiting, "oldest_waiting_issued_at": None}


def view_of(**sections: Any) -> ClientView:
    """A received view with these snapshot sections."""
    snapshot = SnapshotMessage.model_validate({
        "type": "snapshot", "seq": 4, "hub_time": "2026-11-23T09:00:00+07:00",
        "snapshot": {"business_day": "2026-11-23", "settings": SETTINGS, "break": None,
                     **sections}}).snapshot
    return ClientView(snapshot, received=True)


def called(counter_id: str, label: str, seq: int = 5, **changes: Any) -> Any:
    return parse_hub_message({
        "type": "event", "seq": seq, "prev_seq": seq - 1,
        "event": {"type": "ticket_called", "ticket_id": f"2026-11-23/{label}",
                  "counter_id": counter_id, "at": "2026-11-23T09:00:00+07:00",
                  "service_id": "ktp", "how": "next"},
        **changes})


def test_an_event_merges_its_counters_and_puts_the_call_on_top() -> None:
    before = view_of(counters={"c1": counter("open"), "c2": counter("closed")},
                     recent_calls=[{"label": "A-006", "counter_id": "c2",
                                    "called_at": "2026-11-23T08:50:00+07:00"}])
    after = before.merged(called("c1", "A-007", counters={"c1": counter("serving", "A-007")}))
    assert after.counters["c1"].status == "serving"
    assert after.counters["c1"].ticket is not None
    assert after.counters["c1"].ticket.label == "A-007"
    assert after.counters["c2"].status == "closed"  # untouched
    assert [c.label for c in after.recent_calls] == ["A-007", "A-006"]
    assert before.counters["c1"].status == "open"  # the old view is never changed


def test_a_call_at_a_counter_this_display_does_not_show_is_not_listed() -> None:
    before = view_of(counters={"c1": counter("open")}, recent_calls=[])
    assert before.merged(called("c9", "B-001")).recent_calls == ()


def test_recent_calls_keep_the_hubs_length() -> None:
    from hub.hub_messages import RECENT_CALLS
    from hub.views import RECENT_CALLS as HUB_RECENT_CALLS

    view = view_of(counters={"c1": counter("open")}, recent_calls=[])
    for number in range(1, RECENT_CALLS + 3):
        view = view.merged(called("c1", f"A-{number:03d}", seq=4 + number))
    assert len(view.recent_calls) == RECENT_CALLS == HUB_RECENT_CALLS
    assert view.recent_calls[0].label == f"A-{RECENT_CALLS + 2:03d}"


def test_a_services_update_with_counters_merges_both() -> None:
    before = view_of(services={"ktp": service(3), "kk": service(1)},
                     counters={"c1": counter("open", reserved=0)})
    update = parse_hub_message({
        "type": "services_update", "hub_time": "2026-11-23T09:01:00+07:00",
        "services": {"ktp": service(5)}, "counters": {"c1": counter("open", reserved=2)}})
    after = before.merged(update)
    assert after.services["ktp"].waiting == 5 and after.services["kk"].waiting == 1
    assert after.counters["c1"].reserved == 2


def test_an_update_never_adds_a_section_this_role_is_not_sent() -> None:
    kiosk = view_of(services={"ktp": service(3)})  # kiosks get no counters (§9.1)
    update = parse_hub_message({
        "type": "services_update", "hub_time": "2026-11-23T09:01:00+07:00",
        "services": {"ktp": service(4)}, "counters": {"c1": counter("open")}})
    after = kiosk.merged(update)
    assert after.snapshot.counters is None and after.counters == {}
    assert after.services["ktp"].waiting == 4


def test_a_new_business_day_empties_the_recent_calls_and_schedule_updates_set_the_break() -> None:
    view = view_of(counters={}, recent_calls=[{"label": "A-006", "counter_id": "c2",
                                               "called_at": "2026-11-22T08:50:00+07:00"}])
    view = view.merged(parse_hub_message({
        "type": "event", "seq": 5, "prev_seq": 4,
        "event": {"type": "business_day_started", "business_day": "2026-11-24",
                  "at": "2026-11-24T00:00:00+07:00"}}))
    assert view.business_day == "2026-11-24" and view.recent_calls == ()
    pause = {"reason_id": "Sholat Jumat", "reason_en": "Friday prayer",
             "ends_at": "2026-11-27T13:00:00+07:00"}
    view = view.merged(parse_hub_message({"type": "schedule_update", "break": pause,
                                          "hub_time": "2026-11-27T11:30:00+07:00"}))
    assert view.break_ is not None and view.break_.reason_id == "Sholat Jumat"
    view = view.merged(parse_hub_message({"type": "schedule_update", "break": None,
                                          "hub_time": "2026-11-27T13:00:00+07:00"}))
    assert view.break_ is None


def test_device_status_merges_device_by_device() -> None:
    view = view_of(devices={"kiosk-1": {"role": "kiosk", "online": True, "ok": True}})
    view = view.merged(parse_hub_message({"type": "device_status", "devices": {
        "kiosk-2": {"role": "kiosk", "online": False, "ok": None}}}))
    assert set(view.devices) == {"kiosk-1", "kiosk-2"} and view.devices["kiosk-2"].online is False


def test_a_request_with_wrong_fields_is_refused_before_it_is_sent() -> None:
    from pydantic import ValidationError

    async def scenario() -> None:
        client = make_client("ws://127.0.0.1:9", "kiosk-1")
        with pytest.raises(ValidationError):
            await client.send(p.IssueTicket, service_id=7)
        assert client._pending == {}

    run(scenario())


def test_a_gap_brings_a_resync_and_an_unreadable_frame_is_skipped() -> None:
    """Against a scripted hub: welcome at seq 1, garbage, an event after a gap."""
    snapshot = {"business_day": "2026-11-23", "settings": SETTINGS, "break": None,
                "counters": {"c1": counter("open")}, "recent_calls": []}
    sent: list[dict[str, Any]] = []

    async def scripted_hub(connection: ServerConnection) -> None:
        import json

        sent.append(json.loads(await connection.recv()))
        await connection.send(json.dumps({
            "type": "welcome", "protocol": 2, "device_id": "display-z1", "role": "display",
            "counter_id": None, "zone_id": "z1", "seq": 1,
            "hub_time": "2026-11-23T09:00:00+07:00", "snapshot": snapshot}))
        await connection.send('{"type": "event", "seq": "not a number"}')
        await connection.send(json.dumps({
            "type": "event", "seq": 3, "prev_seq": 2,
            "event": {"type": "counter_paused", "counter_id": "c1", "reason": "istirahat",
                      "at": "2026-11-23T09:05:00+07:00"}}))
        sent.append(json.loads(await connection.recv()))  # the client's resync
        await connection.send(json.dumps({
            "type": "snapshot", "seq": 3, "hub_time": "2026-11-23T09:05:00+07:00",
            "snapshot": {**snapshot, "counters": {"c1": counter("paused")}}}))
        await connection.wait_closed()

    async def scenario() -> None:
        messages: list[Any] = []
        async with serve(scripted_hub, "127.0.0.1", 0) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            display = make_client(f"ws://127.0.0.1:{port}", "display-z1",
                                  on_message=messages.append)
            task = asyncio.create_task(display.run())
            await wait_until(lambda: len(messages) == 2)
            assert [type(m) for m in messages] == [SnapshotMessage, SnapshotMessage]
            assert sent[0]["type"] == "hello" and sent[1] == {"type": "resync"}
            assert display.seq == 3 and display.view.counters["c1"].status == "paused"
            assert display.welcome is not None and display.welcome.zone_id == "z1"
            await display.close()
            await asyncio.wait_for(task, 5)
        assert not any(isinstance(m, EventMessage) for m in messages)  # the gapped one

    run(scenario())


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
        await asyncio.sleep(0)  # ok: a yield to the loop, as a real wait would, no time passes


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
