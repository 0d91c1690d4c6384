"""The visitor's phone page (/tiket/<id>) in headless Chromium with a phone's viewport."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.hub.harness import HubThread
from tests.web.conftest import ARTIFACTS, http_base

pytestmark = [pytest.mark.integration]

PHONE = {"width": 390, "height": 844}


def test_the_phone_page_follows_the_ticket_without_reloading(hub: HubThread, devices: Any,
                                                             new_page: Any) -> None:
    kiosk, terminal = devices("kiosk-1"), devices("counter-loket-01")
    kiosk.request("issue_ticket", service_id="ktp-el")
    ticket_id = kiosk.request("issue_ticket", service_id="ktp-el")["events"][0]["ticket_id"]
    page = new_page(**PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(f"{http_base(hub)}/tiket/{ticket_id}")
    assert page.inner_text("#number") == "A-002"
    assert page.inner_text("#headline") == "Menunggu dipanggil"
    assert page.inner_text("#ahead td") == "1"
    page.evaluate("window.__same_page = true")  # gone if the page reloaded
    terminal.request("open_counter")
    terminal.request("call_next")  # one fewer ahead
    page.wait_for_function("document.querySelector('#ahead td').textContent === '0'")
    page.screenshot(path=str(ARTIFACTS / "web-phone-waiting.png"))
    terminal.request("finish")
    terminal.request("call_next")  # the phone's own call
    page.wait_for_function(
        "document.getElementById('headline').textContent === 'Silakan menuju Loket 1'")
    assert page.inner_text("#headline-en") == "Please go to Loket 1"
    assert page.query_selector("#ahead") is None
    assert page.evaluate("window.__same_page") is True
    page.screenshot(path=str(ARTIFACTS / "web-phone-called.png"))


def test_the_phone_page_works_without_javascript(hub: HubThread, devices: Any,
                                                 new_page: Any) -> None:
    ticket_id = devices("kiosk-1").request("issue_ticket",
                                           service_id="ktp-el")["events"][0]["ticket_id"]
    page = new_page(**PHONE, java_script_enabled=False)
    page.goto(f"{http_base(hub)}/tiket/{ticket_id}")
    assert page.inner_text("#headline") == "Menunggu dipanggil"
    assert page.query_selector("noscript") is not None  # holds its 30 s refresh


def test_the_status_data_answers_at_once_when_it_differs_and_404_for_no_ticket(
        hub: HubThread, devices: Any) -> None:
    ticket_id = devices("kiosk-1").request("issue_ticket",
                                           service_id="ktp-el")["events"][0]["ticket_id"]
    url = f"{http_base(hub)}/tiket/{ticket_id}?data=1&since=old"
    with urllib.request.urlopen(url, timeout=5) as answer:
        status = json.loads(answer.read())
    assert status["label"] == "A-001" and status["people_ahead"] == 0
    assert status["estimated_wait_minutes"] is None  # no counter open: no guess
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{http_base(hub)}/tiket/2026-11-23/Z-999?data=1", timeout=5)
    missing.value.close()  # else the hub's stop waits for this socket
    assert missing.value.code == 404
