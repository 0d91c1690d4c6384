"""Print first, then queue; reprints; breaks and unknown waits — against a real hub.

A kiosk's ticket is pending (numbered, not callable) until the kiosk confirms the paper
is out; a kiosk that dies mid-print leaves no ticket in the queue that nobody holds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hub.config import parse_config
from tests.factories import MONDAY, at, small_mall, small_mall_data
from tests.hub.harness import FakeClock, device, running_hub

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
FRIDAY = MONDAY + dt.timedelta(days=4)


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 60))


def mall_with_second_kiosk() -> Any:
    data = small_mall_data()
    data["devices"].append({"id": "kiosk-2", "role": "kiosk", "token": "kiosk-2-token-for-tests"})
    return parse_config(data)


def test_a_pending_ticket_is_not_called_until_its_kiosk_confirms_the_print(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with running_hub(small_mall(), tmp_path / "h.db") as (_, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "counter-c1") as counter:
                assert (await counter.request("open_counter"))["type"] == "result"
                issued = await kiosk.request("issue_ticket", service_id="ktp", await_print=True)
                (event,) = issued["events"]
                assert event["pending"] is True and event["label"] == "A-001"
                refused = await counter.request("call_next")
                assert refused["code"] == "queue_empty"
                confirmed = await kiosk.request("confirm_ticket", ticket_id=event["ticket_id"],
                                                how="printed")
                assert [e["type"] for e in confirmed["events"]] == ["ticket_confirmed"]
                called = await counter.request("call_next")
                assert called["events"][0]["ticket_id"] == event["ticket_id"]
                again = await kiosk.request("confirm_ticket", ticket_id=event["ticket_id"])
                assert again["code"] == "illegal_move"

    run(scenario())


def test_another_kiosk_cannot_confirm_or_reprint_a_ticket(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall_with_second_kiosk(), tmp_path / "h.db") as (_, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "kiosk-2") as other:
                issued = await kiosk.request("issue_ticket", service_id="ktp", await_print=True)
                ticket_id = issued["events"][0]["ticket_id"]
                for kind in ("confirm_ticket", "reprint_ticket"):
                    refused = await other.request(kind, ticket_id=ticket_id)
                    assert refused["code"] == "illegal_move", refused
                    assert "not issued by kiosk-2" in refused["message_en"]

    run(scenario())


def test_a_kiosk_killed_mid_print_leaves_no_ticket_anyone_waits_for(tmp_path: Path) -> None:
    """The real kiosk flow in a child process, SIGKILLed between the answer and the print."""
    clock = FakeClock(at(9))

    async def scenario() -> None:
        async with running_hub(small_mall(), tmp_path / "h.db", clock) as (server, url):
            async with device(url, "counter-c1") as counter, device(url, "boss") as boss:
                await counter.request("open_counter")
                child = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "tests.kiosk.stuck_printer_kiosk", url, cwd=tmp_path,
                    stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT),
                                                 "QT_QPA_PLATFORM": "offscreen"})
                try:
                    assert child.stdout is not None
                    line = await asyncio.wait_for(child.stdout.readline(), 30)
                    assert line.startswith(b"PENDING "), line
                    ticket_id = line.split()[1].decode()
                    child.send_signal(signal.SIGKILL)
                    assert await child.wait() == -signal.SIGKILL
                finally:
                    if child.returncode is None:
                        child.kill()
                        await child.wait()
                engine = server.core.engine
                assert engine.ticket(ticket_id).status.value == "pending"
                assert (await counter.request("call_next"))["code"] == "queue_empty"
                # The hub armed a timer for the confirmation deadline (30 s by default).
                timer = server._unconfirmed_timer
                assert timer is not None
                remaining = timer.when() - asyncio.get_running_loop().time()
                assert 25 < remaining <= 30.1
                clock.now += dt.timedelta(seconds=29)
                server.cancel_unconfirmed()
                assert engine.ticket(ticket_id).status.value == "pending"
                clock.now += dt.timedelta(seconds=1)
                server.cancel_unconfirmed()
                told = await boss.receive_type("event")
                while told["event"]["type"] != "ticket_cancelled":
                    told = await boss.receive_type("event")
                assert told["event"]["ticket_id"] == ticket_id
                assert told["event"]["reason"] == "print_unconfirmed"
                assert told["services"]["ktp"]["waiting"] == 0
                assert server._unconfirmed_timer is None  # nothing left to wait for

        # The cancellation is in the log like every other event: a restart agrees.
        async with running_hub(small_mall(), tmp_path / "h.db", clock) as (server, _):
            assert server.core.engine.ticket("A-001").status.value == "cancelled"

    run(scenario())


def test_pending_tickets_from_before_a_restart_still_time_out(tmp_path: Path) -> None:
    clock = FakeClock(at(9))

    async def scenario() -> None:
        async with running_hub(small_mall(), tmp_path / "h.db", clock) as (_, url):
            async with device(url, "kiosk-1") as kiosk:
                await kiosk.request("issue_ticket", service_id="ktp", await_print=True)
        clock.now += dt.timedelta(seconds=10)
        async with running_hub(small_mall(), tmp_path / "h.db", clock) as (server, _):
            timer = server._unconfirmed_timer
            assert timer is not None
            assert 15 < timer.when() - asyncio.get_running_loop().time() <= 20.1
            clock.now += dt.timedelta(seconds=20)
            server.tick()
            assert server.core.engine.ticket("A-001").status.value == "cancelled"

    run(scenario())


def test_reprint_gives_the_same_number_and_a_supervisor_can_send_one_to_a_kiosk(
    tmp_path: Path,
) -> None:
    clock = FakeClock(at(9))

    async def scenario() -> None:
        async with running_hub(small_mall(), tmp_path / "h.db", clock) as (_, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "boss") as boss:
                issued = await kiosk.request("issue_ticket", service_id="ktp", await_print=True)
                ticket_id = issued["events"][0]["ticket_id"]
                await kiosk.request("confirm_ticket", ticket_id=ticket_id)
                again = await kiosk.request("reprint_ticket", ticket_id=ticket_id)
                (event,) = again["events"]
                assert (event["type"], event["label"], event["device_id"], event["by"]) == (
                    "ticket_reprinted", "A-001", "kiosk-1", "kiosk-1")
                assert (event["status"], event["people_ahead"]) == ("waiting", 0)
                assert event["estimated_wait_minutes"] is None  # no counter is open
                clock.now += dt.timedelta(minutes=6)
                late = await kiosk.request("reprint_ticket", ticket_id=ticket_id)
                assert late["code"] == "illegal_move" and "5 minutes" in late["message_en"]
                nameless = await boss.request("reprint_ticket", ticket_id=ticket_id)
                assert nameless["code"] == "invalid_argument"
                sent = await boss.request("reprint_ticket", ticket_id=ticket_id,
                                          kiosk_id="kiosk-1")
                assert sent["events"][0]["by"] == "boss"
                pushed = await kiosk.receive_type("event")
                while pushed["event"]["type"] != "ticket_reprinted" or \
                        pushed["event"]["by"] != "boss":
                    pushed = await kiosk.receive_type("event")
                assert pushed["event"]["device_id"] == "kiosk-1"
                unknown = await kiosk.request("reprint_ticket", ticket_id="Z-404")
                assert unknown["code"] == "unknown_ticket"

    run(scenario())


def test_the_estimate_is_null_until_a_counter_opens_and_views_count_open_counters(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with running_hub(small_mall(), tmp_path / "h.db") as (_, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "counter-c1") as counter:
                ktp = kiosk.welcome["snapshot"]["services"]["ktp"]
                assert (ktp["counters_open"], ktp["estimated_wait_minutes"]) == (0, None)
                issued = await kiosk.request("issue_ticket", service_id="ktp")
                assert issued["events"][0]["estimated_wait_minutes"] is None
                await counter.request("open_counter")
                told = await kiosk.receive_type("services_update")
                while told["services"].get("ktp", {}).get("counters_open") != 1:
                    told = await kiosk.receive_type("services_update")
                ktp = told["services"]["ktp"]
                assert (ktp["counters_open"], ktp["waiting"], ktp["estimated_wait_minutes"]) == (
                    1, 1, 10)

    run(scenario())


def test_call_next_during_a_break_is_refused_with_the_break_and_its_end(tmp_path: Path) -> None:
    clock = FakeClock(at(11, 0, day=FRIDAY))

    async def scenario() -> None:
        async with running_hub(small_mall(), tmp_path / "h.db", clock) as (server, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "counter-c1") as counter, \
                    device(url, "display-z1") as display:
                assert display.welcome["snapshot"]["break"] is None
                await counter.request("open_counter")
                await kiosk.request("issue_ticket", service_id="ktp")
                clock.now = at(11, 45, day=FRIDAY)
                server.tick()
                update = await display.receive_type("schedule_update")
                assert update["break"] == {"reason_id": "Sholat Jumat",
                                           "reason_en": "Friday prayer",
                                           "ends_at": at(13, day=FRIDAY).isoformat()}
                refused = await counter.request("call_next")
                assert refused["code"] == "on_break"
                assert refused["message_id"] == "Istirahat Sholat Jumat, dilanjutkan 13.00."
                assert refused["ends_at"] == at(13, day=FRIDAY).isoformat()
                clock.now = at(13, 0, day=FRIDAY)
                server.tick()
                assert (await display.receive_type("schedule_update"))["break"] is None
                called = await counter.request("call_next")
                assert called["type"] == "result"

    run(scenario())
