"""The hub on a real loopback socket: roles, routing, bad input, retries, health."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from hub.config import parse_config
from tests.factories import small_mall_data
from tests.hub.harness import TOKENS, FakeClock, device, running_hub

pytestmark = pytest.mark.integration


def mall_with_two_zones() -> Any:
    """The small mall plus a second display for a zone without counter c1/c2."""
    data = small_mall_data()
    data["zones"].append({"id": "z2", "name": "Lantai 2", "tenants": ["pajak", "dpupr"]})
    data["devices"] += [
        {"id": "counter-c2", "role": "counter", "counter": "c2",
         "token": "counter-c2-token-for-tests"},
        {"id": "display-z1b", "role": "display", "zone": "z1",
         "token": "display-z1b-token-for-tests"},
        {"id": "display-z2", "role": "display", "zone": "z2",
         "token": "display-z2-token-for-tests"},
        {"id": "kiosk-2", "role": "kiosk", "token": "kiosk-2-token-for-tests"},
    ]
    return parse_config(data)


def token(device_id: str) -> str:
    return TOKENS.get(device_id, f"{device_id}-token-for-tests")


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 60))


def test_welcome_holds_the_snapshot_each_role_may_see(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall_with_two_zones(), tmp_path / "h.db") as (_, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "display-z1") as display, \
                    device(url, "counter-c1") as counter, device(url, "boss") as boss:
                assert kiosk.welcome["type"] == "welcome"
                assert kiosk.welcome["role"] == "kiosk"
                assert set(kiosk.welcome["snapshot"]["services"]) == {"ktp", "kk", "npwp", "pbg"}
                assert "counters" not in kiosk.welcome["snapshot"]
                assert set(display.welcome["snapshot"]["counters"]) == {"c1", "c2"}
                assert "services" not in display.welcome["snapshot"]
                assert counter.welcome["counter_id"] == "c1"
                assert "kiosk-1" in boss.welcome["snapshot"]["devices"]
                npwp = kiosk.welcome["snapshot"]["services"]["npwp"]
                assert (npwp["open"], npwp["reason"]) == (False, "closed_today")

    run(scenario())


def test_a_call_reaches_every_display_of_its_zone_in_order(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall_with_two_zones(), tmp_path / "h.db") as (_, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "counter-c1") as c1, \
                    device(url, "display-z1") as d1, device(url, "display-z1b") as d1b, \
                    device(url, "display-z2") as d2:
                for _ in range(3):
                    result = await kiosk.request("issue_ticket", service_id="ktp")
                    assert result["type"] == "result"
                assert (await c1.request("open_counter", staff="Siti"))["type"] == "result"
                calls = []
                for _ in range(3):
                    calls.append(await c1.request("call_next"))
                    await c1.request("finish")
                assert [c["events"][0]["ticket_id"][-5:] for c in calls] == [
                    "A-001", "A-002", "A-003"]
                for display in (d1, d1b):
                    seen = []
                    while len(seen) < 3:
                        message = await display.receive_type("event")
                        assert message["seq"] > message["prev_seq"]
                        if message["event"]["type"] == "ticket_called":
                            seen.append(message["event"]["ticket_id"][-5:])
                            shown = message["counters"]["c1"]["ticket"]["label"]
                            assert shown == seen[-1]
                    assert seen == ["A-001", "A-002", "A-003"]
                await d2.send({"type": "ping"})
                message = await d2.receive()
                assert message["type"] == "pong", message  # nothing from zone 1 queued

    run(scenario())


def test_each_role_is_refused_what_it_may_not_do(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall_with_two_zones(), tmp_path / "h.db") as (_, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "display-z1") as display, \
                    device(url, "counter-c1") as counter, device(url, "boss") as boss:
                for client, kind in ((kiosk, "call_next"), (display, "issue_ticket"),
                                     (counter, "issue_ticket"), (boss, "finish")):
                    fields = {"service_id": "ktp"} if kind == "issue_ticket" else {}
                    answer = await client.request(kind, **fields)
                    assert answer["type"] == "error" and answer["code"] == "not_allowed"
                    assert answer["message_id"] and answer["message_en"]

    run(scenario())


@pytest.mark.parametrize(
    ("hello", "code", "reason"),
    [
        ({"type": "hello", "device_id": "kiosk-1", "token": "wrong-token-xxxx"},
         "auth_failed", "authentication failed"),
        ({"type": "hello", "device_id": "nobody", "token": "kiosk-1-token-for-tests"},
         "auth_failed", "authentication failed"),
        ({"type": "hello", "device_id": "kiosk-1", "token": "kiosk-1-token-for-tests",
          "protocol": 1}, "unsupported_protocol", "protocol 2 only"),
        ({"type": "issue_ticket", "request_id": "r", "service_id": "ktp"},
         "hello_expected", "hello expected"),
        ("this is not json", "hello_expected", "hello expected"),
    ],
)
def test_authentication_failures_close_with_1008(
    tmp_path: Path, hello: dict[str, Any] | str, code: str, reason: str
) -> None:
    """Each refusal has its own code and close reason, and nothing else is sent."""
    async def scenario() -> None:
        async with running_hub(mall_with_two_zones(), tmp_path / "h.db") as (server, url):
            async with connect(url, proxy=None) as connection:
                await connection.send(hello if isinstance(hello, str) else json.dumps(hello))
                refusal = json.loads(await connection.recv())
                assert (refusal["type"], refusal["code"], refusal["request_id"]) == (
                    "error", code, None)
                with pytest.raises(ConnectionClosed) as closed:
                    await connection.recv()
                assert closed.value.rcvd is not None
                assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1008, reason)
            assert server.health_report()["clients"] == {}  # never counted as connected

    run(scenario())


def test_bad_input_gets_errors_while_others_are_served(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall_with_two_zones(), tmp_path / "h.db") as (server, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "kiosk-2") as other:
                expectations = [
                    ("{not json", "bad_json"),
                    (json.dumps({"type": "launch_rocket", "request_id": "x1"}), "unknown_type"),
                    (json.dumps({"request_id": "x2"}), "unknown_type"),
                    (json.dumps({"type": "issue_ticket", "request_id": "x3", "service_id": 7}),
                     "bad_message"),
                    (json.dumps({"type": "issue_ticket", "request_id": "x4"}), "bad_message"),
                    (json.dumps({"type": "issue_ticket", "request_id": "x5",
                                 "service_id": "ktp", "extra": 1}), "bad_message"),
                    (json.dumps([1, 2, 3]), "bad_message"),
                    (json.dumps({"type": "issue_ticket", "request_id": "x6",
                                 "service_id": "helicopter"}), "unknown_service"),
                    (json.dumps({"type": "cancel_ticket", "request_id": "x7",
                                 "ticket_id": "Z-999"}), "unknown_ticket"),
                    (b"\xff\xfe binary garbage", "bad_json"),
                ]
                for raw, code in expectations:
                    await kiosk.send(raw)  # type: ignore[arg-type]
                    answer = await kiosk.receive_type("error")
                    assert answer["code"] == code, raw
                assert (await other.request("issue_ticket", service_id="ktp"))["type"] == "result"
                oversized = json.dumps({"type": "issue_ticket", "request_id": "big",
                                        "service_id": "x" * 200_000})
                await kiosk.send(oversized)
                with pytest.raises(ConnectionClosed) as closed:
                    while True:  # events from the other kiosk may come first
                        await kiosk.receive(timeout=5)
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
                answer = await other.request("issue_ticket", service_id="kk")
                assert answer["events"][0]["label"] == "B-001"
                assert server.health_report()["clients"] == {"kiosk": 1}

    run(scenario())


def test_a_flood_is_rate_limited_and_closed_without_hurting_others(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall_with_two_zones(), tmp_path / "h.db") as (_, url):
            async with device(url, "display-z1") as flooder, device(url, "kiosk-1") as kiosk:
                for _ in range(600):
                    await flooder.send({"type": "ping"})
                codes = []
                with pytest.raises(ConnectionClosed) as closed:
                    while True:
                        message = await flooder.receive()
                        codes.append(message.get("code", message["type"]))
                assert "rate_limited" in codes and codes.count("pong") < 600
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
                answer = await kiosk.request("issue_ticket", service_id="ktp")
                assert answer["type"] == "result"

    run(scenario())


def test_a_retried_issue_returns_the_same_ticket(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall_with_two_zones(), tmp_path / "h.db") as (_, url):
            async with device(url, "kiosk-1") as kiosk:
                first = await kiosk.request("issue_ticket", "retry-me", service_id="ktp")
            async with device(url, "kiosk-1") as kiosk:  # reconnected, reply "lost"
                again = await kiosk.request("issue_ticket", "retry-me", service_id="ktp")
                fresh = await kiosk.request("issue_ticket", "another", service_id="ktp")
            assert first["events"] == again["events"]
            assert (first["replayed"], again["replayed"]) == (False, True)
            assert fresh["events"][0]["label"] == "A-002"

    run(scenario())


def test_refusals_carry_reason_and_opening_time_in_both_languages(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall_with_two_zones(), tmp_path / "h.db") as (_, url):
            async with device(url, "kiosk-1") as kiosk:
                answer = await kiosk.request("issue_ticket", service_id="npwp")
                assert answer["code"] == "service_unavailable"
                assert answer["reason"] == "closed_today"
                assert answer["opens_at"].startswith("2026-11-24T08:00")
                assert "Selasa" in answer["message_id"]
                assert "Tuesday" in answer["message_en"]

    run(scenario())


def test_health_answers_plain_http(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall_with_two_zones(), tmp_path / "h.db") as (_, url):
            async with device(url, "kiosk-1"), device(url, "counter-c1"):
                http_url = url.replace("ws://", "http://") + "/health"
                body = await asyncio.to_thread(
                    lambda: json.loads(urllib.request.urlopen(http_url, timeout=5).read())
                )
        assert body["status"] == "ok"
        assert body["clients"] == {"kiosk": 1, "counter": 1}
        assert body["last_seq"] >= 1

    run(scenario())


def test_printer_fault_reaches_the_supervisor(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall_with_two_zones(), tmp_path / "h.db") as (server, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "boss") as boss:
                answer = await kiosk.request("report_device_status", ok=False,
                                             code="paper_out", detail="Kertas habis")
                assert answer["type"] == "result"
                status: dict[str, Any] = {}
                while status.get("code") != "paper_out":  # presence updates come first
                    devices = (await boss.receive_type("device_status"))["devices"]
                    status = devices.get("kiosk-1", {})
                assert (status["ok"], status["code"], status["online"]) == (
                    False, "paper_out", True)
                assert server.health_report()["devices_with_faults"] == ["kiosk-1"]

    run(scenario())


def test_supervisor_sees_devices_come_and_go(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall_with_two_zones(), tmp_path / "h.db") as (_, url):
            async with device(url, "boss") as boss:
                async def next_about(device_id: str) -> dict[str, Any]:
                    while True:
                        devices = (await boss.receive_type("device_status"))["devices"]
                        if device_id in devices:
                            return dict(devices[device_id])

                async with device(url, "display-z2"):
                    assert (await next_about("display-z2"))["online"] is True
                assert (await next_about("display-z2"))["online"] is False

    run(scenario())


def test_only_the_issuing_kiosk_may_cancel_a_ticket(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall_with_two_zones(), tmp_path / "h.db") as (_, url):
            async with device(url, "kiosk-1") as one, device(url, "kiosk-2") as two:
                issued = await one.request("issue_ticket", service_id="ktp")
                ticket_id = issued["events"][0]["ticket_id"]
                assert issued["events"][0]["issued_by"] == "kiosk-1"
                refused = await two.request("cancel_ticket", ticket_id=ticket_id)
                assert refused["code"] == "illegal_move"
                done = await one.request("cancel_ticket", ticket_id=ticket_id)
                assert done["events"][0]["type"] == "ticket_cancelled"

    run(scenario())


def test_an_unknown_protocol_version_is_refused(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall_with_two_zones(), tmp_path / "h.db") as (_, url):
            async with connect(url, proxy=None) as connection:
                await connection.send(json.dumps({"type": "hello", "device_id": "kiosk-1",
                                                  "token": token("kiosk-1"), "protocol": 99}))
                assert json.loads(await connection.recv())["code"] == "unsupported_protocol"
                with pytest.raises(ConnectionClosed) as closed:
                    await connection.recv()
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008

    run(scenario())


def test_day_rollover_is_pushed_by_the_tick(tmp_path: Path) -> None:
    clock = FakeClock()

    async def scenario() -> None:
        async with running_hub(mall_with_two_zones(), tmp_path / "h.db", clock) as (server, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "display-z1") as display:
                await kiosk.request("issue_ticket", service_id="ktp")
                clock.now = clock.now.replace(day=24, hour=7)
                server.tick()
                # Kiosks are told of the new day (their views start afresh); yesterday's
                # expiries concern the counters and supervisors, not what a kiosk shows.
                started = await kiosk.receive_type("event")
                assert started["event"]["type"] == "business_day_started"
                assert started["services"]["ktp"]["issued_today"] == 0
                started = await display.receive_type("event")
                assert started["event"]["type"] == "business_day_started"
                answer = await kiosk.request("issue_ticket", service_id="ktp")
                assert answer["type"] == "error" and answer["reason"] == "not_open_yet"

    run(scenario())


def test_the_ticket_qr_opens_a_status_page(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall_with_two_zones(), tmp_path / "h.db") as (_, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "counter-c1") as counter:
                await kiosk.request("issue_ticket", service_id="ktp")
                await kiosk.request("issue_ticket", service_id="ktp")
                base = url.replace("ws://", "http://") + "/tiket/2026-11-23/"

                def fetch(label: str) -> tuple[int, str]:
                    try:
                        with urllib.request.urlopen(base + label, timeout=5) as answer:
                            return answer.status, answer.read().decode()
                    except urllib.error.HTTPError as error:
                        return error.code, error.read().decode()

                status, page = await asyncio.to_thread(fetch, "A-002")
                assert status == 200 and "A-002" in page and "Menunggu dipanggil" in page
                assert "<th>Orang di depan Anda / Ahead of you</th><td>1</td>" in page
                await counter.request("open_counter")
                await counter.request("call_next")
                status, page = await asyncio.to_thread(fetch, "A-001")
                assert "Silakan menuju Loket 1" in page
                status, _ = await asyncio.to_thread(fetch, "Z-999")
                assert status == 404

    run(scenario())
