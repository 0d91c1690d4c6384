"""A visitor's name and contact never reach a screen: only the requester's result has them.

A real hub on loopback: one supervisor books over the websocket, the portal over HTTP;
every other device connected then (a second supervisor, a kiosk, a counter, a hall
display) is drained up to a pong and must hold no trace of either visitor's name or
contact, while the second supervisor does see both bookings, without them.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from hub.config import MallConfig, parse_config
from tests.factories import at, small_mall_data
from tests.hub.harness import Device, FakeClock, device, running_hub
from tests.web.test_appointments_api import PORTAL_TOKEN, http

WALK_IN_NAME, WALK_IN_PHONE = "Budi Santoso", "0813-9999-1234"
PORTAL_NAME, PORTAL_NIK = "Siti Aminah", "3201987654321"


def mall() -> MallConfig:
    data = small_mall_data()
    data["services"][0]["appointments"] = {
        "slot_minutes": 30, "capacity": 4, "days_ahead": 7, "cutoff_minutes": 60,
        "early_minutes": 30, "late_minutes": 15, "call": "at_slot"}
    data["devices"] += [{"id": "portal-kota", "role": "portal", "token": PORTAL_TOKEN},
                        {"id": "boss-2", "role": "supervisor", "token": "boss-2-token-for-tests"}]
    return parse_config(data)


async def drain(peer: Device) -> list[dict[str, Any]]:
    """Everything the hub sent `peer` before it answers a ping (sends are in order)."""
    await peer.send({"type": "ping"})
    received = []
    while (message := await peer.receive())["type"] != "pong":
        received.append(message)
    return received


def test_bookings_reach_other_screens_without_the_visitors_name_or_contact(
        tmp_path: Path) -> None:
    async def scenario() -> None:
        async with (running_hub(mall(), tmp_path / "hub.db", FakeClock(at(8))) as (_s, url),
                    device(url, "boss") as boss, device(url, "boss-2") as other_boss,
                    device(url, "kiosk-1") as kiosk, device(url, "counter-c1") as counter,
                    device(url, "display-z1") as display):
            booked = await boss.request(
                "book_appointment", service_id="ktp", slot_start=at(10).isoformat(),
                name=WALK_IN_NAME, contact=WALK_IN_PHONE, language="id")
            assert booked["type"] == "result", booked
            [event] = booked["events"]
            assert (event["name"], event["contact"]) == (WALK_IN_NAME, "0813-9999-1234")
            base = url.replace("ws://", "http://")
            status, answer = await http(base, "POST", "/api/v1/appointments", {
                "service_id": "ktp", "slot_start": at(10, 30).isoformat(),
                "name": PORTAL_NAME, "contact": PORTAL_NIK, "language": "id"})
            assert status == 201 and answer["name"] == PORTAL_NAME  # the portal's own answer

            pushed = {name: await drain(peer) for name, peer in (
                ("boss", boss), ("boss-2", other_boss), ("kiosk-1", kiosk),
                ("counter-c1", counter), ("display-z1", display))}
            for name, messages in pushed.items():
                text = json.dumps(messages)
                for secret in (WALK_IN_NAME, "0813-9999-1234", PORTAL_NAME, PORTAL_NIK):
                    assert secret not in text, f"{name} was sent {secret!r}"
            seen = [m["event"] for m in pushed["boss-2"]
                    if m["type"] == "event" and m["event"]["type"] == "appointment_booked"]
            assert [(e["code"], e["channel"]) for e in seen] == [
                (event["code"], "supervisor"), (answer["code"], "portal")]
            assert all("name" not in e and "contact" not in e for e in seen)
            for name in ("kiosk-1", "counter-c1", "display-z1"):
                assert not [m for m in pushed[name] if m["type"] == "event"
                            and m["event"]["type"] == "appointment_booked"], name

    asyncio.run(scenario())
