"""Issue 18's whole path: a ticket taken on a phone, "your turn is near", "please come".

A visitor takes a ticket on the phone page (headless Chromium, a phone's viewport) with
their number; a counter works through the queue on a real websocket; the hub writes
the notifications into its outbox in the same transaction as the calls; the sender —
the same code `python -m hub notify` runs — delivers them to a webhook on loopback,
signed. The visitor is told once when two places from the front and once when called;
walk-ins without a number are told nothing.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.config import MallConfig, parse_config
from hub.notify.gateway import WebhookGateway, signature_ok
from hub.notify.sender import Sender
from tests.factories import at
from tests.hub.harness import FakeClock, HubThread
from tests.notify.helpers import SECRET
from tests.notify.receiver import Receiver
from tests.web.conftest import ARTIFACTS, EXAMPLE, Device
from tests.web.test_phone_join import phone_page, take_ticket

pytestmark = [pytest.mark.integration]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def notifying_mall(url: str) -> MallConfig:
    """The example mall, telling visitors through the loopback webhook."""
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["notifications"] = {"mall_id": "cilegon", "places_before": 2,
                             "webhook": {"url": url, "secret_file": "notify-secret"}}
    return parse_config(data, EXAMPLE)


def test_a_phone_ticket_is_told_when_near_and_when_called(
        receiver: Receiver, new_page: Any, tmp_path: Path) -> None:
    clock = FakeClock(at(9))
    mall = notifying_mall(receiver.url)
    assert mall.notifications is not None
    with HubThread(mall, tmp_path / "hub.db", clock) as hub:
        kiosk, counter = Device(hub.url, "kiosk-1"), Device(hub.url, "counter-loket-01")
        try:
            for _ in range(3):  # A-001…A-003: walk-ins without a phone number
                kiosk.request("issue_ticket", service_id="ktp-el")
            page = phone_page(new_page)
            ticket_id = take_ticket(page, hub)  # A-004, three ahead
            sender = Sender(tmp_path / "hub.db", tmp_path / "sender.db", mall.notifications,
                            WebhookGateway(receiver.url, SECRET.encode(), 5), clock)
            try:
                assert sender.run_once().delivered == 0  # three ahead: not near yet
                counter.request("open_counter")
                counter.request("call_next")  # now two ahead of A-004
                assert sender.run_once().delivered == 1
                for _ in range(3):  # then A-004
                    counter.request("finish")
                    counter.request("call_next")
                page.wait_for_function("document.getElementById('headline').textContent"
                                       " === 'Silakan menuju Loket 1'")
                page.screenshot(path=str(ARTIFACTS / "web-phone-notified-called.png"))
                assert sender.run_once().delivered == 1
                assert sender.run_once().delivered == 0  # nothing twice
            finally:
                sender.close()
        finally:
            kiosk.close()
            counter.close()
    near, called = receiver.received
    for request in (near, called):
        assert signature_ok(SECRET.encode(), request.body, request.signature)
        assert request.answered == 200
    near_body, called_body = json.loads(near.body), json.loads(called.body)
    assert (near_body["kind"], near_body["people_ahead"]) == ("near", 2)
    assert called_body["kind"] == "called" and called_body["counter"] is not None
    for body in (near_body, called_body):
        assert body["to"] == "081234567890"  # the number typed on the phone, normalised
        assert body["ticket"] == {"id": ticket_id, "label": "A-004", "service_id": "ktp-el"}
        assert len(body["text"]) <= 160 and "A-004" in body["text"]
    assert near.notification_id == f"cilegon:{ticket_id}:near:0"
    with contextlib.closing(sqlite3.connect(f"file:{tmp_path / 'hub.db'}?mode=ro",
                                            uri=True)) as log:
        rows = log.execute("SELECT count(*) FROM notification_outbox").fetchone()[0]
    assert rows == 2  # the walk-ins without a number were never queued for anyone
