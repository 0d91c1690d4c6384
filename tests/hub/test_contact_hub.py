"""A kiosk ticket with the visitor's phone number, on a real hub: the requester's result
has it, the log keeps it, and no pushed frame to any device carries it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from hub.engine import events as ev
from hub.eventlog import EventLog
from tests.factories import at, small_mall
from tests.hub.harness import FakeClock, device, running_hub
from tests.hub.test_appointment_privacy import drain


def test_a_tickets_contact_is_in_the_result_and_the_log_but_never_pushed(
        tmp_path: Path) -> None:
    db = tmp_path / "hub.db"

    async def scenario() -> None:
        async with (running_hub(small_mall(), db, FakeClock(at(9))) as (_s, url),
                    device(url, "boss") as boss, device(url, "kiosk-1") as kiosk,
                    device(url, "counter-c1") as counter, device(url, "display-z1") as display):
            issued = await kiosk.request("issue_ticket", service_id="ktp",
                                         contact="0812-3456 7890")
            assert issued["type"] == "result", issued
            assert issued["events"][0]["contact"] == "081234567890"
            refused = await kiosk.request("issue_ticket", service_id="ktp", contact="halo")
            assert refused["code"] == "invalid_argument", refused
            pushed = [m for peer in (boss, kiosk, counter, display) for m in await drain(peer)]
            [to_boss] = [m for m in pushed if m["type"] == "event"
                         and m["event"]["type"] == "ticket_issued"]
            assert "contact" not in to_boss["event"] and to_boss["event"]["label"] == "A-001"
            assert "ktp" in to_boss["services"]  # the figures still come with it
            assert "3456" not in json.dumps([m for m in pushed if m["type"] != "result"])

    asyncio.run(scenario())
    log = EventLog(db, "Asia/Jakarta")
    try:
        issued = [e.event for e in log.events() if isinstance(e.event, ev.TicketIssued)]
    finally:
        log.close()
    assert [e.contact for e in issued] == ["081234567890"]
