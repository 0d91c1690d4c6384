"""The appointments API on a real hub (loopback, port 0, a real SQLite file), end to end.

A portal books over HTTP; the visitor checks in at a kiosk (websocket, print first), a
counter serves them, and the day's report counts them under channel online. Refusals
carry the rule's reason in both languages; only a portal's token opens the API, and a
portal's token opens nothing else.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from hub.appointment_log import appointment_row
from hub.config import MallConfig, parse_config
from hub.eventlog import open_readonly
from hub.projection_check import check_projection
from hub.reports.period import parse_period
from hub.reports.report import build_report
from tests.factories import MONDAY, at, small_mall_data
from tests.hub.harness import FakeClock, device, running_hub

PORTAL_TOKEN = "portal-token-for-tests-0123"
SUPERVISOR_TOKEN = "supervisor-token-for-tests"


def mall(capacity: int = 2) -> MallConfig:
    data = small_mall_data()
    data["services"][0]["appointments"] = {
        "slot_minutes": 30, "capacity": capacity, "days_ahead": 7, "cutoff_minutes": 60,
        "early_minutes": 30, "late_minutes": 15, "call": "at_slot"}
    data["devices"].append({"id": "portal-kota", "role": "portal", "token": PORTAL_TOKEN})
    return parse_config(data)


def call(base: str, method: str, path: str, body: dict[str, Any] | None = None,
         token: str | None = PORTAL_TOKEN) -> tuple[int, dict[str, Any]]:
    """One HTTP request (blocking: run it in a thread while the hub serves)."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


async def http(base: str, method: str, path: str, body: dict[str, Any] | None = None,
               token: str | None = PORTAL_TOKEN) -> tuple[int, dict[str, Any]]:
    return await asyncio.to_thread(call, base, method, path, body, token)


def booking(slot: dt.datetime, service: str = "ktp") -> dict[str, Any]:
    return {"service_id": service, "slot_start": slot.isoformat(), "name": "Siti Aminah",
            "contact": "0812-3456-7890", "language": "id"}


def test_a_booked_appointment_is_checked_in_served_and_reported_as_online(
        tmp_path: Path) -> None:
    clock = FakeClock(at(8))
    db = tmp_path / "antrean.db"

    async def scenario() -> str:
        async with running_hub(mall(), db, clock) as (_server, url):
            base = url.replace("ws://", "http://")
            status, booked = await http(base, "POST", "/api/v1/appointments", booking(at(10)))
            assert status == 201, booked
            code = booked["code"]
            assert booked["qr_payload"] == code and booked["status"] == "booked"
            assert booked["slot_end"] == at(10, 30).isoformat()
            status, slots = await http(base, "GET", f"/api/v1/slots?service=ktp&day={MONDAY}")
            assert status == 200
            ten = next(s for s in slots["slots"] if s["start"] == at(10).isoformat())
            assert (ten["taken"], ten["free"], ten["bookable"]) == (1, 1, True)
            early = next(s for s in slots["slots"] if s["start"] == at(8).isoformat())
            assert early["reason"] == "booking_closed"

            clock.now = at(9, 45)
            async with device(url, "kiosk-1") as kiosk, device(url, "counter-c1") as counter:
                issued = await kiosk.request("check_in_appointment", code=code.lower(),
                                             await_print=True)
                assert issued["type"] == "result", issued
                ticket, checked_in = issued["events"]
                assert ticket["type"] == "ticket_issued" and ticket["channel"] == "online"
                assert checked_in["type"] == "appointment_checked_in"
                again = await kiosk.request("check_in_appointment", code=code)
                assert again["type"] == "error" and again["reason"] == "already_checked_in"
                assert "sudah check-in" in again["message_id"]
                assert "already checked in" in again["message_en"]
                confirmed = await kiosk.request("confirm_ticket",
                                                ticket_id=ticket["ticket_id"])
                assert confirmed["type"] == "result"
                await kiosk.request("issue_ticket", service_id="ktp")  # a walk-in, A-002
                assert (await counter.request("open_counter"))["type"] == "result"
                clock.now = at(10)
                first = await counter.request("call_next")
                assert first["events"][0]["ticket_id"] == ticket["ticket_id"]  # at slot time
                assert (await counter.request("finish"))["type"] == "result"
            status, looked_up = await http(base, "GET", f"/api/v1/appointments/{code}")
            assert status == 200 and looked_up["status"] == "checked_in"
            assert looked_up["ticket_id"] == ticket["ticket_id"]
            return code

    code = asyncio.run(scenario())
    connection = open_readonly(db)
    try:
        report = build_report(connection, mall(), parse_period(MONDAY.isoformat()),
                              generated_at=at(17))
        online = next(line for line in report.channels if line.key == "online")
        assert (online.visitors, online.served, online.no_show) == (1, 1, 0)
        kiosk_line = next(line for line in report.channels if line.key == "kiosk")
        assert kiosk_line.visitors == 1
        row = appointment_row(connection, f"{MONDAY}/{code}")
        assert row is not None and row["status"] == "checked_in"
        assert check_projection(connection, "Asia/Jakarta").matches
    finally:
        connection.close()


def test_refusals_carry_the_rule_and_both_languages(tmp_path: Path) -> None:
    clock = FakeClock(at(8))

    async def scenario() -> None:
        async with running_hub(mall(capacity=1), tmp_path / "a.db", clock) as (_s, url):
            base = url.replace("ws://", "http://")
            assert (await http(base, "POST", "/api/v1/appointments", booking(at(11))))[0] == 201
            status, full = await http(base, "POST", "/api/v1/appointments", booking(at(11)))
            assert (status, full["error"], full["reason"]) == (409, "appointment_refused",
                                                               "slot_full")
            assert full["message_id"].startswith("Jadwal tersebut sudah penuh")
            assert full["message_en"].startswith("That slot is full")
            saturday = at(10, day=MONDAY + dt.timedelta(days=5))
            status, closed = await http(base, "POST", "/api/v1/appointments",
                                        booking(saturday))
            assert (status, closed["reason"]) == (409, "closed_today")
            status, cut = await http(base, "POST", "/api/v1/appointments", booking(at(8, 30)))
            assert (status, cut["reason"]) == (409, "booking_closed")
            status, bad = await http(base, "POST", "/api/v1/appointments",
                                     {"service_id": "ktp", "slot_start": "10:00"})
            assert (status, bad["error"]) == (400, "bad_message")
            status, unknown = await http(base, "GET", "/api/v1/appointments/ZZZZZZ")
            assert (status, unknown["reason"]) == (404, "unknown_appointment")
            status, slots = await http(
                base, "GET", f"/api/v1/slots?service=ktp&day={saturday.date()}")
            assert status == 200 and slots["slots"] == [] and slots["closed"] == "closed_today"

    asyncio.run(scenario())


def test_only_a_portal_token_opens_the_api_and_it_opens_nothing_else(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall(), tmp_path / "t.db", FakeClock(at(8))) as (_s, url):
            base = url.replace("ws://", "http://")
            path = f"/api/v1/slots?service=ktp&day={MONDAY}"
            for token in (None, "wrong-token-wrong-token", SUPERVISOR_TOKEN):
                status, body = await http(base, "GET", path, token=token)
                assert (status, body["error"]) == (401, "auth_failed")
            assert (await http(base, "GET", path))[0] == 200
            status, _ = await http(base, "GET", "/reports?period=2026-11&format=json")
            assert status == 401  # a portal is no supervisor
            async with device(url, "portal-kota", PORTAL_TOKEN) as portal:
                assert portal.welcome["type"] == "error"
                assert portal.welcome["code"] == "not_allowed"
            status, _ = await http(base, "PUT", "/api/v1/appointments")
            assert status == 405

    asyncio.run(scenario())


def test_cancel_frees_the_place_and_a_booking_survives_a_restart(tmp_path: Path) -> None:
    clock = FakeClock(at(8))
    db = tmp_path / "r.db"
    tuesday = MONDAY + dt.timedelta(days=1)

    async def book_then_restart() -> None:
        async with running_hub(mall(capacity=1), db, clock) as (_s, url):
            base = url.replace("ws://", "http://")
            status, first = await http(base, "POST", "/api/v1/appointments",
                                       booking(at(10, day=tuesday)))
            assert status == 201
            status, other = await http(base, "POST", "/api/v1/appointments", booking(at(11)))
            status, cancelled = await http(base, "DELETE", f"/api/v1/appointments/{other['code']}")
            assert (status, cancelled["status"]) == (200, "cancelled")
            status, again = await http(base, "DELETE", f"/api/v1/appointments/{other['code']}")
            assert (status, again["reason"]) == (409, "cancelled")
            assert (await http(base, "POST", "/api/v1/appointments", booking(at(11))))[0] == 201
        clock.now = at(8, day=tuesday)  # the next business day: yesterday's log is not replayed
        async with running_hub(mall(capacity=1), db, clock) as (_s, url):
            base = url.replace("ws://", "http://")
            status, looked_up = await http(base, "GET", f"/api/v1/appointments/{first['code']}")
            assert (status, looked_up["status"]) == (200, "booked")
            status, full = await http(base, "POST", "/api/v1/appointments",
                                      booking(at(10, day=tuesday)))
            assert (status, full["reason"]) == (409, "slot_full")  # the place is still taken

    asyncio.run(book_then_restart())


def test_a_missed_slot_is_a_no_show_of_channel_online_in_the_report(tmp_path: Path) -> None:
    clock = FakeClock(at(8))
    db = tmp_path / "m.db"

    async def scenario() -> None:
        async with running_hub(mall(), db, clock) as (server, url):
            base = url.replace("ws://", "http://")
            status, booked = await http(base, "POST", "/api/v1/appointments", booking(at(10)))
            assert status == 201
            clock.now = at(10, 45, 1)  # the slot's end + 15 minutes has passed
            async with device(url, "kiosk-1") as kiosk:
                server.tick()
                late = await kiosk.request("check_in_appointment", code=booked["code"])
                assert late["reason"] == "missed"
            await server.committer.drain()

    asyncio.run(scenario())
    connection = open_readonly(db)
    try:
        report = build_report(connection, mall(), parse_period(MONDAY.isoformat()),
                              generated_at=at(17))
        online = next(line for line in report.channels if line.key == "online")
        assert (online.visitors, online.served, online.no_show) == (1, 0, 1)
        assert check_projection(connection, "Asia/Jakarta").matches
    finally:
        connection.close()


@pytest.mark.parametrize("minutes_late, reason", [(44, None), (46, "too_late")])
def test_late_check_in_within_the_window_is_taken_past_it_refused(
        tmp_path: Path, minutes_late: int, reason: str | None) -> None:
    clock = FakeClock(at(8))

    async def scenario() -> None:
        async with running_hub(mall(), tmp_path / "l.db", clock) as (_s, url):
            base = url.replace("ws://", "http://")
            _, booked = await http(base, "POST", "/api/v1/appointments", booking(at(10)))
            clock.now = at(10, minutes_late)
            async with device(url, "kiosk-1") as kiosk:
                answer = await kiosk.request("check_in_appointment", code=booked["code"])
            if reason is None:
                assert answer["type"] == "result"
            else:
                assert answer["type"] == "error" and answer["reason"] == reason
                assert "Waktu check-in sudah lewat" in answer["message_id"]

    asyncio.run(scenario())


def test_sqlite_row_is_what_verify_rebuilds(tmp_path: Path) -> None:
    """The appointments table is checked by verify: an edited row is named."""
    clock = FakeClock(at(8))
    db = tmp_path / "v.db"

    async def scenario() -> str:
        async with running_hub(mall(), db, clock) as (_s, url):
            base = url.replace("ws://", "http://")
            _, booked = await http(base, "POST", "/api/v1/appointments", booking(at(10)))
            return str(booked["appointment_id"])

    appointment_id = asyncio.run(scenario())
    with sqlite3.connect(db) as writer:
        writer.execute("UPDATE appointments SET name = 'Orang Lain' WHERE appointment_id = ?",
                       (appointment_id,))
    writer.close()
    connection = open_readonly(db)
    try:
        check = check_projection(connection, "Asia/Jakarta")
        assert not check.matches
        assert any(d.table == "appointments" and d.key == appointment_id
                   for d in check.differences)
    finally:
        connection.close()


DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def api_blocks() -> list[tuple[str, dict[str, Any]]]:
    """The `<!-- api … -->` JSON examples of docs/protocol.md §21, with their marks."""
    import re

    text = DOC.read_text(encoding="utf-8")
    return [(mark.strip(), json.loads(body)) for mark, body in
            re.findall(r"<!-- (api [^>]*)-->\s*```json\n(.*?)```", text, re.S)]


def test_the_documented_api_examples_are_what_the_hub_takes_and_answers(
        tmp_path: Path) -> None:
    from hub.web.api import Booking

    blocks = api_blocks()
    assert {mark for mark, _ in blocks} == {
        "api answer 200 GET /api/v1/slots", "api request POST /api/v1/appointments",
        "api answer 201 POST /api/v1/appointments", "api answer 409 POST /api/v1/appointments"}
    clock = FakeClock(at(8))

    async def real_answers() -> dict[str, dict[str, Any]]:
        async with running_hub(mall(capacity=1), tmp_path / "d.db", clock) as (_s, url):
            base = url.replace("ws://", "http://")
            answers = {}
            _, answers["api answer 201 POST /api/v1/appointments"] = await http(
                base, "POST", "/api/v1/appointments", booking(at(10, 30)))
            _, answers["api answer 409 POST /api/v1/appointments"] = await http(
                base, "POST", "/api/v1/appointments", booking(at(10, 30)))
            _, answers["api answer 200 GET /api/v1/slots"] = await http(
                base, "GET", f"/api/v1/slots?service=ktp&day={MONDAY}")
            return answers

    answers = asyncio.run(real_answers())
    for mark, example in blocks:
        if mark.startswith("api request"):
            Booking.model_validate_json(json.dumps(example))
            continue
        real = answers[mark]
        assert set(example) == set(real), mark
        if "slots" in example:
            assert {frozenset(s) for s in example["slots"]} == {frozenset(real["slots"][0])}
        if "service_name" in example:
            assert set(example["service_name"]) == set(real["service_name"])
