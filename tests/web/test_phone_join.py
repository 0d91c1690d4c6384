"""The visitor's own phone (issue 18) in headless Chromium with a phone's viewport.

A real hub on the example mall (phone_join on, ktp-el limited to one open ticket and two
a day per phone number or NIK); counters are real websocket clients. The phone takes a
ticket (channel mobile, nothing printed), follows it live while a counter calls it,
says "I'm here" after a recall, leaves the queue, recovers a lost page by number and the
phone's last 4 digits, and is shown the hub's refusal of a limit.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from hub.engine import TicketStatus
from tests.hub.harness import HubThread
from tests.web.conftest import ARTIFACTS, http_base

pytestmark = [pytest.mark.integration]

PHONE = {"width": 390, "height": 844, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
NUMBER = "0812-3456-7890"


def phone_page(new_page: Any) -> Any:
    return new_page(**PHONE)


def take_ticket(page: Any, hub: HubThread, service: str = "ktp-el",
                contact: str = NUMBER, screenshot: str | None = None) -> str:
    """Fill the join page and take a ticket; return its id once its page shows."""
    page.goto(f"{http_base(hub)}/ambil")
    open_service(page, service)
    page.fill("#contact", contact)
    if screenshot:
        page.screenshot(path=str(ARTIFACTS / screenshot), full_page=False)
    page.click("#take")
    page.wait_for_url("**/tiket/**")
    page.wait_for_selector("#number")
    return str(page.evaluate("JSON.parse(document.getElementById('ticket-data')"
                             ".textContent).ticket_id"))


def open_service(page: Any, service: str) -> None:
    """Unfold the service's tenant and choose it."""
    page.evaluate("id => document.querySelector(`input[value='${id}']`)"
                  ".closest('details').open = true", service)
    page.check(f"input[name=service][value={service}]")


def post(hub: HubThread, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(http_base(hub) + path, data=json.dumps(body).encode(),
                                     method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"{}")


def test_a_phone_takes_a_ticket_and_follows_it_live_as_a_counter_calls_it(
        hub: HubThread, devices: Any, new_page: Any) -> None:
    kiosk, terminal = devices("kiosk-1"), devices("counter-loket-01")
    kiosk.request("issue_ticket", service_id="ktp-el")  # A-001, a walk-in ahead
    page = phone_page(new_page)
    page.goto(f"{http_base(hub)}/ambil")
    assert page.is_hidden("input[value=ktp-el]")  # folded under its tenant
    page.click("#tenant-disdukcapil summary")
    assert page.is_hidden(".req[data-for=ktp-el]")
    page.check("input[name=service][value=ktp-el]")
    assert page.is_visible(".req[data-for=ktp-el]")  # "Sudah membawa…?" from the config
    assert "Fotokopi Kartu Keluarga" in page.inner_text(".req[data-for=ktp-el]")
    assert page.is_visible("#nik-field")  # ktp-el has limits: the NIK is asked for
    assert page.is_visible("#priority-field")
    assert page.is_disabled("input[name=service][value=npwp]")  # KPP: closed on Mondays
    page.fill("#contact", NUMBER)
    page.select_option("#priority", "lansia")
    page.screenshot(path=str(ARTIFACTS / "web-phone-join-full.png"), full_page=True)
    page.locator("input[value=ktp-el]").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "web-phone-join.png"))
    page.click("#take")
    page.wait_for_url("**/tiket/**")
    assert page.inner_text("#number") == "A-002"
    ticket = hub.call(lambda server: server.core.engine.ticket("A-002"))
    assert (ticket.channel, ticket.contact, ticket.priority_kind, ticket.status) == (
        "mobile", "081234567890", "lansia", TicketStatus.WAITING)  # queued, nothing to print
    assert page.is_visible("#leave")  # this phone holds the ticket's key
    assert page.is_hidden("#here")  # only after a recall
    page.evaluate("window.__same_page = true")
    page.screenshot(path=str(ARTIFACTS / "web-phone-taken.png"))
    terminal.request("open_counter")
    terminal.request("call_next")  # a priority visitor first: the phone's A-002
    page.wait_for_function(
        "document.getElementById('headline').textContent === 'Silakan menuju Loket 1'")
    assert page.is_hidden("#leave")  # called: no more leaving
    assert page.evaluate("window.__same_page") is True
    page.screenshot(path=str(ARTIFACTS / "web-phone-called-mobile.png"))


def test_im_here_after_a_recall_reaches_the_counter_and_holds_off_the_no_show(
        hub: HubThread, devices: Any, new_page: Any) -> None:
    terminal = devices("counter-loket-01")
    page = phone_page(new_page)
    take_ticket(page, hub)
    terminal.request("open_counter")
    terminal.request("call_next")
    page.wait_for_function(
        "document.getElementById('headline').textContent === 'Silakan menuju Loket 1'")
    assert page.is_hidden("#here")  # called once: just go
    terminal.request("recall")
    page.wait_for_selector("#here", state="visible")
    assert page.inner_text("#headline") == "Anda dipanggil ulang ke Loket 1"
    assert page.is_hidden("#leave")  # called: too late to leave
    page.screenshot(path=str(ARTIFACTS / "web-phone-recalled.png"))
    page.click("#here")
    page.wait_for_selector("#here", state="hidden")
    assert page.inner_text("#headline") == "Silakan menuju Loket 1"
    while (message := json.loads(terminal.connection.recv(timeout=5))).get(
            "event", {}).get("type") != "visitor_present":
        pass  # the counter's terminal is told at once
    assert message["event"]["counter_id"] == "loket-01"
    terminal.request("recall")  # two recalls: a no-show would now be allowed…
    request_id = "no-show-after-here"
    terminal.send({"type": "mark_no_show", "request_id": request_id})
    while (message := json.loads(terminal.connection.recv(timeout=5))).get(
            "request_id") != request_id:
        pass
    assert message["type"] == "error" and message["code"] == "illegal_move", message
    assert "on the way" in message["message_en"]


def test_a_visitor_leaves_the_queue_from_the_phone(hub: HubThread, new_page: Any) -> None:
    page = phone_page(new_page)
    ticket_id = take_ticket(page, hub)
    page.click("#leave")
    page.wait_for_selector("#leave-confirm", state="visible")
    assert page.is_hidden("#leave") and page.is_visible("#leave-yes")
    page.screenshot(path=str(ARTIFACTS / "web-phone-leave-confirm.png"))
    page.click("#leave-yes")
    page.wait_for_function(
        "document.getElementById('headline').textContent === 'Dibatalkan'")
    assert page.is_hidden("#actions")
    ticket = hub.call(lambda server: server.core.engine.ticket(ticket_id))
    assert ticket.status == TicketStatus.CANCELLED
    page.screenshot(path=str(ARTIFACTS / "web-phone-left.png"))


def test_a_lost_page_is_recovered_by_number_and_last_four_digits(
        hub: HubThread, new_page: Any) -> None:
    ticket_id = take_ticket(phone_page(new_page), hub)
    other = phone_page(new_page)  # another browser: no key kept
    other.goto(f"{http_base(hub)}/tiket/{ticket_id}")
    assert other.is_hidden("#leave")
    other.goto(f"{http_base(hub)}/pulihkan")
    other.fill("#label", "a1")  # as read off a screen: A-001
    other.fill("#last4", "7891")
    other.click("#find")
    other.wait_for_selector("#error", state="visible")
    assert "tidak cocok" in other.inner_text("#error")
    assert "do not match" in other.inner_text("#error")
    other.screenshot(path=str(ARTIFACTS / "web-phone-recover-refused.png"))
    other.fill("#last4", "7890")
    other.click("#find")
    other.wait_for_url("**/tiket/**")
    assert other.inner_text("#number") == "A-001"
    other.wait_for_selector("#leave", state="visible")  # the key came back
    other.screenshot(path=str(ARTIFACTS / "web-phone-recovered.png"))


def test_a_refused_limit_is_shown_with_the_hubs_reason(hub: HubThread, devices: Any,
                                                       new_page: Any) -> None:
    page = phone_page(new_page)
    take_ticket(page, hub)
    page.goto(f"{http_base(hub)}/ambil")
    open_service(page, "ktp-el")
    page.fill("#contact", "+62 812 3456 7890")  # the same number, written otherwise
    page.click("#take")
    page.wait_for_selector("#error", state="visible")
    text = page.inner_text("#error")
    assert "masih memiliki nomor antrean" in text and "already hold" in text, text
    page.screenshot(path=str(ARTIFACTS / "web-phone-limit-refused.png"))
    # The same rule for a kiosk: the hub refuses it there too.
    kiosk = devices("kiosk-1")
    kiosk.send({"type": "issue_ticket", "request_id": "kiosk-limit", "service_id": "ktp-el",
                "contact": "081234567890"})
    while (answer := json.loads(kiosk.connection.recv(timeout=5))).get(
            "request_id") != "kiosk-limit":
        pass
    assert answer["code"] == "limit_reached" and answer["reason"] == "one_active"


def test_a_lost_answer_retried_gets_the_same_ticket(hub: HubThread) -> None:
    body = {"request_id": "phone-retry-0001", "service_id": "kk", "contact": NUMBER}
    first = post(hub, "/ambil", body)
    again = post(hub, "/ambil", body)
    assert first[0] == again[0] == 201
    assert first[1]["ticket_id"] == again[1]["ticket_id"] and again[1]["replayed"] is True
    assert hub.call(lambda server: server.core.engine.queues["kk"].issued_today) == 1


def test_keys_guard_the_ticket_and_recovery_stops_after_five_wrong_tries(
        hub: HubThread) -> None:
    status, taken = post(hub, "/ambil", {"request_id": "phone-guard-01", "service_id": "kk",
                                         "contact": NUMBER})
    assert status == 201
    status, answer = post(hub, f"/tiket/{taken['ticket_id']}/batal", {"key": "0" * 24})
    assert status == 403 and answer["error"] == "wrong_key"
    for _ in range(5):
        assert post(hub, "/pulihkan", {"label": taken["label"], "last4": "0000"})[0] == 404
    status, answer = post(hub, "/pulihkan", {"label": taken["label"], "last4": "7890"})
    assert status == 429 and answer["error"] == "too_many_attempts"
    status, answer = post(hub, "/ambil", {"request_id": "phone-guard-02", "service_id": "kk"})
    assert status == 400 and answer["error"] == "bad_message"
    status, answer = post(hub, "/ambil", {"request_id": "phone-guard-03", "service_id": "kk",
                                          "contact": "halo"})
    assert status == 400 and answer["error"] == "invalid_argument"
    assert "Isian" in answer["message_id"]


def test_the_poster_holds_a_qr_code_of_the_join_page(hub: HubThread, new_page: Any) -> None:
    page = new_page(794, 1123)  # A4 at 96 dpi
    page.goto(f"{http_base(hub)}/poster")
    assert page.inner_text("h2") == "Ambil nomor antrean dari HP Anda"
    assert page.inner_text(".url").endswith("/ambil")
    box = page.locator(".qr svg").bounding_box()
    assert box is not None and box["width"] > 300
    page.screenshot(path=str(ARTIFACTS / "web-phone-poster.png"))


DOC = ARTIFACTS.parent.parent / "docs" / "protocol.md"


def phone_blocks() -> list[tuple[str, dict[str, Any]]]:
    """The `<!-- phone … -->` JSON examples of docs/protocol.md §22, with their marks."""
    import re

    text = DOC.read_text(encoding="utf-8")
    return [(mark.strip(), json.loads(body)) for mark, body in
            re.findall(r"<!-- (phone [^>]*)-->\s*```json\n(.*?)```", text, re.S)]


def test_the_documented_phone_examples_are_what_the_hub_takes_and_answers(
        hub: HubThread, devices: Any) -> None:
    from hub.web.phone_api import JoinRequest, KeyRequest, RecoverRequest

    blocks = dict(phone_blocks())
    requests = {"phone request POST /ambil": JoinRequest,
                "phone request POST /tiket/…/hadir": KeyRequest,
                "phone request POST /pulihkan": RecoverRequest}
    for mark, model in requests.items():
        model.model_validate_json(json.dumps(blocks.pop(mark)))
    example = {key: value for key, value in phone_blocks()}["phone request POST /ambil"]
    real: dict[str, tuple[int, dict[str, Any]]] = {}
    real["phone answer 201 POST /ambil"] = post(hub, "/ambil", example)
    taken = real["phone answer 201 POST /ambil"][1]
    real["phone answer 409 POST /ambil"] = post(hub, "/ambil", {**example,
                                                                "request_id": "p-second-one"})
    terminal = devices("counter-loket-01")
    terminal.request("open_counter")
    terminal.request("call_next")
    terminal.request("recall")
    real["phone answer 200 POST /tiket/…/hadir"] = post(
        hub, f"/tiket/{taken['ticket_id']}/hadir", {"key": taken["key"]})
    real["phone answer 403 POST /tiket/…/batal"] = post(
        hub, f"/tiket/{taken['ticket_id']}/batal", {"key": "f" * 24})
    real["phone answer 200 POST /pulihkan"] = post(hub, "/pulihkan",
                                                   {"label": "A-001", "last4": "7890"})
    real["phone answer 404 POST /pulihkan"] = post(hub, "/pulihkan",
                                                   {"label": "A-001", "last4": "0000"})
    assert set(blocks) == set(real)
    for mark, documented in blocks.items():
        status, answer = real[mark]
        assert str(status) == mark.split()[2], (mark, answer)
        assert set(documented) == set(answer), mark
        for key in ("error", "reason", "message_id", "message_en", "status", "recalled",
                    "present", "can_leave", "headline_id"):
            if key in documented:
                assert documented[key] == answer[key], (mark, key)
