"""The supervisor's decisions for today, on a real hub: close a service, change a counter's
services, pause a kiosk, replace the running text (docs/protocol.md §6.10, §8.16–§8.19,
§9.7)."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest

from hub.client.view import ClientView
from hub.config import MallConfig, parse_config
from hub.hub_messages import Settings, parse_hub_message
from hub.messages import UNAVAILABLE
from tests.factories import MONDAY, at, small_mall_data
from tests.hub.harness import Device, FakeClock, device, running_hub

pytestmark = pytest.mark.integration

EMPTY_SETTINGS: dict[str, Any] = {"closed_services": {}, "counter_services": {},
                                  "paused_devices": [], "running_text": None}
TUESDAY_OPENING = "2026-11-24T08:00:00+07:00"
SETTINGS_REQUESTS: list[tuple[str, dict[str, Any]]] = [
    ("set_service_closed", {"service_id": "ktp", "closed": True}),
    ("set_counter_services", {"counter_id": "c1", "services": ["kk"]}),
    ("set_device_paused", {"device_id": "kiosk-1", "paused": True}),
    ("set_running_text", {"text_id": "Loket tutup."}),
]


def mall() -> MallConfig:
    """The small mall (supervisor "boss") plus a survey tablet at counter c1."""
    data = small_mall_data()
    data["devices"].append({"id": "survey-c1", "role": "survey", "counter": "c1",
                            "token": "survey-c1-token-for-tests"})
    return parse_config(data)


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 60))


async def next_event(client: Device, kind: str) -> dict[str, Any]:
    """Receive until an event message of `kind` arrives (everything else is skipped)."""
    while True:
        message = await client.receive_type("event")
        if message["event"]["type"] == kind:
            return message


async def ok(client: Device, kind: str, request_id: str | None = None,
             **fields: Any) -> dict[str, Any]:
    """Send a request (a fresh id unless given) and expect a result."""
    answer = await client.request(kind, request_id or uuid.uuid4().hex, **fields)
    assert answer["type"] == "result", answer
    return answer


async def refused(client: Device, kind: str, code: str, **fields: Any) -> dict[str, Any]:
    """Send a request and expect the error `code`."""
    answer = await client.request(kind, uuid.uuid4().hex, **fields)
    assert answer["type"] == "error" and answer["code"] == code, answer
    return answer


def test_a_closed_service_refuses_tickets_and_the_kiosk_sees_it(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall(), tmp_path / "h.db") as (_, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "boss") as boss, \
                    device(url, "counter-c1") as counter:
                waiting = await ok(kiosk, "issue_ticket", service_id="ktp")
                answer = await ok(boss, "set_service_closed", service_id="ktp", closed=True,
                                  reason="SIAK gangguan")
                assert [e["type"] for e in answer["events"]] == ["service_closed_today"]

                message = await next_event(kiosk, "service_closed_today")
                assert message["event"]["closed"] is True
                assert message["settings"]["closed_services"] == {"ktp": "SIAK gangguan"}
                ktp = message["services"]["ktp"]
                assert (ktp["open"], ktp["reason"]) == (False, "closed_by_supervisor")
                assert ktp["opens_at"] == TUESDAY_OPENING
                assert "counters" not in message

                refusal = await refused(kiosk, "issue_ticket", "service_unavailable",
                                        service_id="ktp")
                assert refusal["reason"] == "closed_by_supervisor"
                assert refusal["opens_at"] == TUESDAY_OPENING
                assert refusal["message_id"].startswith(UNAVAILABLE["closed_by_supervisor"][0])
                assert refusal["message_en"].startswith(UNAVAILABLE["closed_by_supervisor"][1])
                await ok(kiosk, "issue_ticket", service_id="kk")  # other services go on
                await refused(boss, "set_service_closed", "illegal_move",
                              service_id="ktp", closed=True)
                await refused(boss, "set_service_closed", "unknown_service",
                              service_id="nope", closed=True)

                # the ticket issued before the closing is still called
                await ok(counter, "open_counter")
                called = await ok(counter, "call_next")
                assert called["events"][0]["ticket_id"] == waiting["events"][0]["ticket_id"]

                await ok(boss, "set_service_closed", service_id="ktp", closed=False)
                message = await next_event(kiosk, "service_closed_today")
                assert message["event"]["closed"] is False
                assert message["settings"]["closed_services"] == {}
                assert message["services"]["ktp"]["open"] is True
                await ok(kiosk, "issue_ticket", service_id="ktp")
                await refused(boss, "set_service_closed", "illegal_move",
                              service_id="ktp", closed=False)

    run(scenario())


def test_changing_a_counters_services_changes_what_call_next_gives(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall(), tmp_path / "h.db") as (_, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "boss") as boss, \
                    device(url, "counter-c1") as counter:
                await ok(kiosk, "issue_ticket", service_id="ktp")  # A-001 waits first
                await ok(kiosk, "issue_ticket", service_id="pbg")  # G-001, not c1's service
                await ok(counter, "open_counter")

                await ok(boss, "set_counter_services", counter_id="c1", services=["pbg"])
                message = await next_event(counter, "counter_services_changed")
                assert message["event"]["services"] == ["pbg"]
                assert message["settings"]["counter_services"] == {"c1": ["pbg"]}
                assert set(message["counters"]) == {"c1"}
                assert set(message["services"]) == {"ktp", "kk", "pbg"}

                called = await ok(counter, "call_next")
                assert called["events"][0]["ticket_id"].endswith("/G-001")
                await ok(counter, "finish")
                await refused(counter, "call_next", "queue_empty")  # A-001 is ktp
                await refused(counter, "call_ticket", "illegal_move", ticket="A-001")

                await ok(boss, "set_counter_services", counter_id="c1", services=["kk", "ktp"])
                called = await ok(counter, "call_next")
                assert called["events"][0]["ticket_id"].endswith("/A-001")

                await refused(boss, "set_counter_services", "unknown_counter",
                              counter_id="c9", services=["kk"])
                await refused(boss, "set_counter_services", "unknown_service",
                              counter_id="c1", services=["nope"])
                await refused(boss, "set_counter_services", "invalid_argument",
                              counter_id="c1", services=["kk", "kk"])
                await refused(boss, "set_counter_services", "bad_message",
                              counter_id="c1", services=[])
                await boss.send({"type": "resync"})
                snapshot = (await boss.receive_type("snapshot"))["snapshot"]
                assert snapshot["settings"]["counter_services"] == {"c1": ["kk", "ktp"]}

    run(scenario())


def test_a_paused_kiosk_appears_in_every_roles_settings(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall(), tmp_path / "h.db") as (_, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "boss") as boss, \
                    device(url, "counter-c1") as counter, \
                    device(url, "display-z1") as display, device(url, "survey-c1") as survey:
                everyone = {"kiosk": kiosk, "counter": counter, "display": display,
                            "survey": survey, "supervisor": boss}
                for client in everyone.values():
                    assert client.welcome["snapshot"]["settings"] == EMPTY_SETTINGS

                # sent raw: the supervisor's own copy of the event comes before its result
                await boss.send({"type": "set_device_paused", "request_id": "pause-1",
                                 "device_id": "kiosk-1", "paused": True})
                for role, client in everyone.items():
                    message = await next_event(client, "device_paused")
                    assert message["event"]["device_id"] == "kiosk-1", role
                    assert message["settings"]["paused_devices"] == ["kiosk-1"], role
                    if role in ("display", "survey"):
                        assert set(message) == {"type", "seq", "prev_seq", "event", "settings"}
                    for extra in ("services", "counters"):
                        assert not message.get(extra), (role, extra)
                assert (await boss.receive_type("result"))["request_id"] == "pause-1"
                for role, client in everyone.items():
                    await client.send({"type": "resync"})
                    snapshot = (await client.receive_type("snapshot"))["snapshot"]
                    assert snapshot["settings"]["paused_devices"] == ["kiosk-1"], role

                await refused(boss, "set_device_paused", "invalid_argument",
                              device_id="display-z1", paused=True)
                await refused(boss, "set_device_paused", "invalid_argument",
                              device_id="nobody", paused=True)
                await ok(boss, "set_device_paused", device_id="kiosk-1", paused=False)
                message = await next_event(kiosk, "device_paused")
                assert message["settings"]["paused_devices"] == []

    run(scenario())


def test_the_running_text_reaches_the_display(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall(), tmp_path / "h.db") as (_, url):
            async with device(url, "display-z1") as display, device(url, "boss") as boss:
                view = ClientView(parse_hub_message(display.welcome).snapshot, received=True)
                assert view.settings.running_text is None
                await ok(boss, "set_running_text", text_id="  Layanan KTP ditutup hari ini.  ",
                         text_en="No ID cards today.")
                message = await next_event(display, "running_text_changed")
                assert message["event"]["text_id"] == "Layanan KTP ditutup hari ini."
                expected = {"id": "Layanan KTP ditutup hari ini.", "en": "No ID cards today."}
                assert message["settings"]["running_text"] == expected
                view = view.merged(parse_hub_message(message))
                assert view.settings.running_text is not None
                assert view.settings.running_text.model_dump() == expected

                await ok(boss, "set_running_text", text_id="Selamat datang.")
                message = await next_event(display, "running_text_changed")
                assert message["event"]["text_en"] is None
                assert message["settings"]["running_text"] == {"id": "Selamat datang.",
                                                               "en": None}
                await refused(boss, "set_running_text", "invalid_argument", text_id="   ")
                await refused(boss, "set_running_text", "bad_message", text_id="")

    run(scenario())


def test_only_the_supervisor_may_send_the_settings_requests(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall(), tmp_path / "h.db") as (_, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "boss") as boss, \
                    device(url, "counter-c1") as counter, \
                    device(url, "display-z1") as display, device(url, "survey-c1") as survey:
                for client in (kiosk, counter, display, survey):
                    for kind, fields in SETTINGS_REQUESTS:
                        answer = await refused(client, kind, "not_allowed", **fields)
                        assert kind in answer["message_en"]
                await boss.send({"type": "resync"})
                snapshot = (await boss.receive_type("snapshot"))["snapshot"]
                assert snapshot["settings"] == EMPTY_SETTINGS
                assert snapshot["services"]["ktp"]["open"] is True
                for kind, fields in SETTINGS_REQUESTS:
                    await ok(boss, kind, **fields)

    run(scenario())


def test_settings_survive_a_restart_on_the_same_day_and_end_with_it(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    expected = {"closed_services": {"ktp": "SIAK gangguan"}, "counter_services": {"c1": ["kk"]},
                "paused_devices": ["kiosk-1"],
                "running_text": {"id": "KTP tutup hari ini.", "en": None}}

    async def before() -> None:
        async with running_hub(mall(), db, FakeClock(at(9))) as (_, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "boss") as boss:
                await ok(kiosk, "issue_ticket", service_id="ktp")  # A-001 waits
                await ok(boss, "set_service_closed", "sv-1", service_id="ktp", closed=True,
                         reason="SIAK gangguan")
                await ok(boss, "set_counter_services", "sv-2", counter_id="c1",
                         services=["kk"])
                await ok(boss, "set_device_paused", "sv-3", device_id="kiosk-1", paused=True)
                await ok(boss, "set_running_text", "sv-4", text_id="KTP tutup hari ini.")

    async def after_restart() -> None:
        async with running_hub(mall(), db, FakeClock(at(9, 30))) as (_, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "boss") as boss, \
                    device(url, "counter-c1") as counter, device(url, "display-z1") as display:
                for client in (kiosk, boss, counter, display):
                    assert client.welcome["snapshot"]["settings"] == expected
                ktp = kiosk.welcome["snapshot"]["services"]["ktp"]
                assert (ktp["open"], ktp["reason"]) == (False, "closed_by_supervisor")
                paused = await refused(kiosk, "issue_ticket", "illegal_move", service_id="kk")
                assert "paused" in paused["message_en"]  # the hub itself enforces the pause
                await ok(boss, "set_device_paused", device_id="kiosk-1", paused=False)
                refusal = await refused(kiosk, "issue_ticket", "service_unavailable",
                                        service_id="ktp")
                assert refusal["reason"] == "closed_by_supervisor"
                await ok(kiosk, "issue_ticket", service_id="kk")
                await ok(counter, "open_counter")
                called = await ok(counter, "call_next")  # kk only, although A-001 came first
                assert called["events"][0]["ticket_id"].endswith("/B-001")
                replay = await ok(boss, "set_service_closed", "sv-1", service_id="ktp",
                                  closed=True)
                assert replay["replayed"] is True

    async def next_day() -> None:
        tuesday = FakeClock(at(9, day=MONDAY + dt.timedelta(days=1)))
        async with running_hub(mall(), db, tuesday) as (_, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "counter-c1") as counter:
                assert kiosk.welcome["snapshot"]["business_day"] == "2026-11-24"
                assert kiosk.welcome["snapshot"]["settings"] == EMPTY_SETTINGS
                assert kiosk.welcome["snapshot"]["services"]["ktp"]["open"] is True
                await ok(kiosk, "issue_ticket", service_id="ktp")
                await ok(counter, "open_counter")
                called = await ok(counter, "call_next")  # c1 serves ktp again
                assert called["events"][0]["ticket_id"] == "2026-11-24/A-001"

    run(before())
    run(after_restart())
    run(next_day())


def test_a_connected_display_learns_at_midnight_that_the_settings_are_gone(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        clock = FakeClock(at(9))
        async with running_hub(mall(), tmp_path / "h.db", clock) as (server, url):
            async with device(url, "display-z1") as display, device(url, "boss") as boss:
                view = ClientView(parse_hub_message(display.welcome).snapshot, received=True)
                await ok(boss, "set_running_text", text_id="KTP tutup hari ini.")
                view = view.merged(parse_hub_message(
                    await next_event(display, "running_text_changed")))
                assert view.settings.running_text is not None
                clock.now = at(0, 1, day=MONDAY + dt.timedelta(days=1))
                server.tick()
                view = view.merged(parse_hub_message(
                    await next_event(display, "business_day_started")))
                assert view.settings == Settings.model_validate(EMPTY_SETTINGS)

    run(scenario())
