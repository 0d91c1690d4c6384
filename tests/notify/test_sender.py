"""The sender delivers the outbox to a real loopback webhook, each notification once.

The hub's side is a real HubCore (or a real websocket hub) on a real SQLite file; the
receiver is a real HTTP server on 127.0.0.1 port 0 (tests/notify/receiver.py). The
sender's clock is a FakeClock moved by hand for retries and expiry; no test sleeps.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from hub.core import HubCore
from hub.notify.gateway import WebhookGateway, signature_ok
from hub.notify.sender import Sender
from tests.factories import at
from tests.hub.harness import FakeClock, device, running_hub
from tests.notify.helpers import SECRET, notify_mall
from tests.notify.receiver import Receiver

PHONE = "081234567890"
pytestmark = pytest.mark.integration


def make_outbox(db: Path, url: str, tickets_with_contact: int = 1, **settings: Any) -> HubCore:
    """Three walk-ins, then `tickets_with_contact` visitors with a phone number, at pbg;
    counter 4 opens and calls the first: the open hub core (close it)."""
    core = HubCore.open(notify_mall(url, **settings), db, FakeClock(at(9)))
    for n in range(3 + tickets_with_contact):
        contact = f"08123456780{n}" if n >= 3 else None
        core.execute(lambda e, t, c=contact: e.issue_ticket("pbg", t, contact=c))
    core.execute(lambda e, t: e.open_counter("c4", t))
    core.execute(lambda e, t: e.call_next("c4", t))
    return core


def serve_next(core: HubCore) -> None:
    core.execute(lambda e, t: e.finish("c4", t))
    core.execute(lambda e, t: e.call_next("c4", t))


def sender_for(tmp_path: Path, receiver: Receiver, clock: FakeClock, **settings: Any
               ) -> Sender:
    config = notify_mall(receiver.url, **settings)
    assert config.notifications is not None
    gateway = WebhookGateway(receiver.url, SECRET.encode(), 5)
    return Sender(tmp_path / "hub.db", tmp_path / "sender.db", config.notifications,
                  gateway, clock)


def statuses(tmp_path: Path) -> dict[str, tuple[str, int]]:
    db = sqlite3.connect(tmp_path / "sender.db")
    rows = db.execute("SELECT notification_id, status, attempts FROM deliveries").fetchall()
    db.close()
    return {r[0]: (r[1], r[2]) for r in rows}


def test_near_and_called_reach_the_webhook_signed(tmp_path: Path) -> None:
    with Receiver() as receiver:
        core = make_outbox(tmp_path / "hub.db", receiver.url)
        sender = sender_for(tmp_path, receiver, FakeClock(at(9, 1)))
        assert sender.run_once().delivered == 1  # G-004 is two places from the front
        serve_next(core)
        serve_next(core)
        serve_next(core)  # G-004 called
        assert sender.run_once().delivered == 1
        assert sender.run_once().delivered == 0  # nothing twice
        core.close()
        sender.close()
    near, called = receiver.received
    assert [near.notification_id, called.notification_id] == [
        "uji:2026-11-23/G-004:near:0", f"uji:2026-11-23/G-004:called:{_called_seq(tmp_path)}"]
    for request in (near, called):
        assert signature_ok(SECRET.encode(), request.body, request.signature)
        assert not signature_ok(b"another-secret-0123456789", request.body, request.signature)
        assert json.loads(request.body)["id"] == request.notification_id
    assert json.loads(near.body)["people_ahead"] == 2
    assert json.loads(called.body)["text"] == ("MPP Uji: nomor G-004 dipanggil. "
                                               "Silakan menuju Loket 4 sekarang.")


def _called_seq(tmp_path: Path) -> int:
    db = sqlite3.connect(tmp_path / "hub.db")
    (seq,) = db.execute("SELECT seq FROM notification_outbox WHERE kind = 'called'").fetchone()
    db.close()
    return int(seq)


def test_a_failing_receiver_gets_it_later_exactly_once(tmp_path: Path) -> None:
    with Receiver() as receiver:
        receiver.behaviour.fail_first = 2
        make_outbox(tmp_path / "hub.db", receiver.url).close()
        clock = FakeClock(at(9, 1))
        sender = sender_for(tmp_path, receiver, clock)
        first = sender.run_once()
        assert (first.delivered, first.failed, first.unreachable) == (0, 1, False)
        assert first.next_due == at(9, 1) + dt.timedelta(seconds=2)
        assert sender.run_once().failed == 0  # not due yet: not sent
        clock.now = at(9, 1, 2)
        second = sender.run_once()  # 503 again: now 4 s
        assert second.failed == 1 and second.next_due == at(9, 1, 6)
        clock.now = at(9, 1, 6)
        assert sender.run_once().delivered == 1
        clock.now = at(9, 30)
        assert sender.run_once().delivered == 0
        sender.close()
    assert [r.answered for r in receiver.received] == [503, 503, 200]
    assert len(set(receiver.ids())) == 1
    assert receiver.accepted() == {"uji:2026-11-23/G-004:near:0": 1}
    assert len({r.body for r in receiver.received}) == 1  # the same bytes every time
    assert statuses(tmp_path) == {"uji:2026-11-23/G-004:near:0": ("delivered", 3)}


def test_an_outage_is_waited_out_and_nothing_is_lost(tmp_path: Path) -> None:
    with Receiver() as receiver:
        receiver.behaviour.drop_first = 3  # no answer at all, three times
        core = make_outbox(tmp_path / "hub.db", receiver.url, tickets_with_contact=2)
        serve_next(core)  # G-005 two places from the front too
        core.close()
        sender = sender_for(tmp_path, receiver, FakeClock(at(9, 1)))
        waits: list[float] = []
        stop = threading.Event()

        def wait(seconds: float) -> None:
            waits.append(seconds)
            if receiver.accepted().total() == 2 or len(waits) > 50:
                stop.set()

        sender.run(stop, poll_seconds=0.01, wait=wait)
        sender.close()
    assert waits[:3] == [2, 4, 8]  # doubling while nobody answers, then polling
    assert receiver.ids()[:4] == ["uji:2026-11-23/G-004:near:0"] * 4  # in order, it first
    assert receiver.accepted() == {"uji:2026-11-23/G-004:near:0": 1,
                                   "uji:2026-11-23/G-005:near:0": 1}


def test_an_old_notification_expires_and_a_stale_near_is_superseded(tmp_path: Path) -> None:
    with Receiver() as receiver:
        core = make_outbox(tmp_path / "hub.db", receiver.url, max_age_minutes=30)
        serve_next(core)
        serve_next(core)
        serve_next(core)  # G-004 near, then called, before the sender ever ran
        core.close()
        clock = FakeClock(at(9, 20))
        sender = sender_for(tmp_path, receiver, clock, max_age_minutes=30)
        receiver.behaviour.fail_first = 1
        result = sender.run_once()
        assert (result.superseded, result.failed) == (1, 1)  # near dropped; called failed
        clock.now = at(9, 31)
        assert sender.run_once().expired == 1
        sender.close()
    assert len(receiver.received) == 1 and receiver.accepted().total() == 0
    assert sorted(status for status, _ in statuses(tmp_path).values()) == [
        "expired", "superseded"]


def test_through_the_real_hub_two_places_from_the_front_and_called(tmp_path: Path) -> None:
    with Receiver() as receiver:
        asyncio.run(asyncio.wait_for(_kiosk_and_counter(tmp_path, receiver), 60))
    bodies = [json.loads(r.body) for r in receiver.received]
    assert [(b["kind"], b["ticket"]["label"], b["people_ahead"]) for b in bodies] == [
        ("near", "A-004", 2), ("called", "A-004", None)]
    assert bodies[1]["counter"]["name"] == "Loket 1" and bodies[0]["to"] == "081234567890"


async def _kiosk_and_counter(tmp_path: Path, receiver: Receiver) -> None:
    """Tickets taken at the kiosk and called at counter 1 over the websocket; the sender
    runs between the calls."""
    config = notify_mall(receiver.url)
    async with running_hub(config, tmp_path / "hub.db", FakeClock(at(9))) as (_, url), \
            device(url, "kiosk-1") as kiosk, device(url, "counter-c1") as counter:
        for _ in range(3):
            assert (await kiosk.request("issue_ticket", service_id="ktp"))["type"] == "result"
        mine = await kiosk.request("issue_ticket", service_id="ktp", contact="0812 3456 7890")
        assert mine["type"] == "result", mine
        assert (await counter.request("open_counter", staff="Siti"))["type"] == "result"
        await counter.request("call_next")  # two ahead of A-004
        sender = sender_for(tmp_path, receiver, FakeClock(at(9, 1)))
        assert sender.run_once().delivered == 1
        for _ in range(3):
            await counter.request("finish")
            await counter.request("call_next")
        assert sender.run_once().delivered == 1
        sender.close()
