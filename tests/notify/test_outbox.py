"""The hub writes notifications to its outbox with the events that cause them.

A real HubCore on a real SQLite file, commands as the hub runs them; the rows are read
back from the file. Places come from the engine's own ticket_position.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from hub.config.public import public_mall
from hub.core import HubCore
from hub.engine import QueueEngine
from tests.factories import at, small_mall
from tests.hub.harness import FakeClock
from tests.notify.helpers import notify_data, notify_mall

URL = "http://127.0.0.1:9/never-called"  # these tests only write the outbox
PHONE = "0812-3456-7890"


def outbox(db: Path) -> list[dict[str, Any]]:
    """Every outbox row, oldest first, its body parsed."""
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    rows = [dict(row) for row in connection.execute(
        "SELECT * FROM notification_outbox ORDER BY outbox_id")]
    connection.close()
    for row in rows:
        row["body"] = json.loads(row["body"])
    return rows


def run(core: HubCore, command: Any) -> list[Any]:
    return core.execute(command).logged


def issue(core: HubCore, service: str = "pbg", contact: str | None = None, **kw: Any) -> str:
    logged = run(core, lambda e, t: e.issue_ticket(service, t, contact=contact, **kw))
    return str(logged[-1].event.ticket_id)


def serve_next(core: HubCore, counter: str = "c4") -> None:
    """Finish the counter's visitor (if any) and call the next one."""
    desk = core.engine.counters[counter]
    if desk.ticket_id is not None:
        run(core, lambda e, t: e.finish(counter, t))
    run(core, lambda e, t: e.call_next(counter, t))


@pytest.fixture
def core(tmp_path: Path) -> Any:
    core = HubCore.open(notify_mall(URL), tmp_path / "hub.db", FakeClock(at(9)))
    yield core
    core.close()


def test_near_at_two_places_then_called_once_each(core: HubCore, tmp_path: Path) -> None:
    for _ in range(3):
        issue(core)
    mine = issue(core, contact=PHONE)  # G-004: three ahead, not near yet
    run(core, lambda e, t: e.open_counter("c4", t))
    assert outbox(tmp_path / "hub.db") == []
    serve_next(core)  # G-001 called: two ahead of G-004
    rows = outbox(tmp_path / "hub.db")
    assert [(r["kind"], r["people_ahead"]) for r in rows] == [("near", 2)]
    assert core.engine.ticket_position(mine, at(9))[0] == 2  # the engine's own count
    serve_next(core)
    serve_next(core)  # one, then none ahead: already told
    assert len(outbox(tmp_path / "hub.db")) == 1
    serve_next(core)  # G-004 called
    rows = outbox(tmp_path / "hub.db")
    assert [r["kind"] for r in rows] == ["near", "called"]
    near, called = (r["body"] for r in rows)
    assert near == {
        "id": "uji:2026-11-23/G-004:near:0", "kind": "near", "mall_id": "uji",
        "mall": "MPP Uji", "to": "081234567890", "language": "id",
        "text": "MPP Uji: nomor G-004 (Layanan pbg). Tinggal 2 antrean lagi sebelum Anda. "
                "Mohon kembali ke ruang tunggu.",
        "ticket": {"id": mine, "label": "G-004", "service_id": "pbg"},
        "people_ahead": 2, "counter": None, "created_at": "2026-11-23T09:00:00+07:00"}
    assert called["text"] == "MPP Uji: nomor G-004 dipanggil. Silakan menuju Loket 4 sekarang."
    assert called["counter"] == {"id": "c4", "name": "Loket 4", "number": 4}
    assert all(len(r["body"]["text"]) <= 160 for r in rows)


def test_each_row_is_written_with_its_event(core: HubCore, tmp_path: Path) -> None:
    for _ in range(3):
        issue(core)
    issue(core, contact=PHONE)
    run(core, lambda e, t: e.open_counter("c4", t))
    serve_next(core)
    db = sqlite3.connect(tmp_path / "hub.db")
    (seq, kind) = db.execute("SELECT seq, kind FROM notification_outbox").fetchone()
    assert kind == "near"
    (event_type,) = db.execute("SELECT type FROM events WHERE seq = ?", (seq,)).fetchone()
    assert event_type == "ticket_called"
    db.close()


def test_a_refused_outbox_write_writes_no_event_either(core: HubCore, tmp_path: Path) -> None:
    for _ in range(3):
        issue(core)
    issue(core, contact=PHONE)
    run(core, lambda e, t: e.open_counter("c4", t))
    db = sqlite3.connect(tmp_path / "hub.db")
    db.execute("CREATE TRIGGER refuse BEFORE INSERT ON notification_outbox "
               "BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
    db.commit()
    before = db.execute("SELECT max(seq) FROM events").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError):
        core.execute(lambda e, t: e.call_next("c4", t))
    assert db.execute("SELECT max(seq) FROM events").fetchone()[0] == before  # no call logged
    db.execute("DROP TRIGGER refuse")
    db.commit()
    db.close()
    serve_next(core)  # the hub reloaded from its log: the same call happens again, once
    assert [(r["kind"], r["seq"]) for r in outbox(tmp_path / "hub.db")] == [("near", before + 1)]


def test_tickets_without_a_contact_and_malls_without_notifications_write_none(
        tmp_path: Path) -> None:
    core = HubCore.open(small_mall(), tmp_path / "plain.db", FakeClock(at(9)))
    issue(core, contact=PHONE)
    run(core, lambda e, t: e.open_counter("c4", t))
    serve_next(core)
    assert outbox(tmp_path / "plain.db") == []  # the table exists, empty
    core.close()
    core = HubCore.open(notify_mall(URL), tmp_path / "hub.db", FakeClock(at(9)))
    issue(core)
    run(core, lambda e, t: e.open_counter("c4", t))
    serve_next(core)
    assert outbox(tmp_path / "hub.db") == []
    core.close()


def test_taken_near_the_front_is_told_at_once(core: HubCore, tmp_path: Path) -> None:
    issue(core)
    issue(core, contact=PHONE)  # one ahead at issue
    rows = outbox(tmp_path / "hub.db")
    assert [(r["kind"], r["people_ahead"]) for r in rows] == [("near", 1)]
    assert "Tinggal 1 antrean lagi" in rows[0]["body"]["text"]


def test_a_restart_does_not_tell_near_again(tmp_path: Path) -> None:
    clock = FakeClock(at(9))
    core = HubCore.open(notify_mall(URL), tmp_path / "hub.db", clock)
    for _ in range(3):
        issue(core)
    issue(core, contact=PHONE)
    run(core, lambda e, t: e.open_counter("c4", t))
    serve_next(core)
    core.close()
    core = HubCore.open(notify_mall(URL), tmp_path / "hub.db", clock)
    serve_next(core)  # one ahead now: told already, before the restart
    assert [r["kind"] for r in outbox(tmp_path / "hub.db")] == ["near"]
    serve_next(core)
    serve_next(core)
    assert [r["kind"] for r in outbox(tmp_path / "hub.db")] == ["near", "called"]
    core.close()


def test_a_transfer_is_told_with_its_new_place_and_counts_as_near(
        core: HubCore, tmp_path: Path) -> None:
    for _ in range(3):
        issue(core, "ktp")
    mine = issue(core, "kk", contact=PHONE)  # B-001, nobody ahead: near at once
    run(core, lambda e, t: e.open_counter("c2", t))
    run(core, lambda e, t: e.call_ticket("c2", mine, t))
    run(core, lambda e, t: e.transfer("c2", t, to_service_id="ktp"))
    rows = outbox(tmp_path / "hub.db")
    assert [(r["kind"], r["stint"], r["people_ahead"]) for r in rows] == [
        ("near", 0, 0), ("called", 0, None), ("transferred", 1, 0)]
    assert rows[-1]["body"]["text"] == ("MPP Uji: nomor B-001 dialihkan ke Layanan ktp. "
                                        "Anda berikutnya.")
    assert rows[-1]["notification_id"] == f"uji:{mine}:transferred:1"
    run(core, lambda e, t: e.open_counter("c1", t))
    run(core, lambda e, t: e.call_next("c1", t))  # the transferred visit goes first
    assert [r["kind"] for r in outbox(tmp_path / "hub.db")][-1] == "called"
    assert len(outbox(tmp_path / "hub.db")) == 4  # no "near" for the new stint


def test_kinds_can_be_left_out(tmp_path: Path) -> None:
    core = HubCore.open(notify_mall(URL, kinds=["called"]), tmp_path / "hub.db",
                        FakeClock(at(9)))
    issue(core, contact=PHONE)
    run(core, lambda e, t: e.open_counter("c4", t))
    serve_next(core)
    assert [r["kind"] for r in outbox(tmp_path / "hub.db")] == ["called"]
    core.close()


def test_an_appointment_in_english_is_told_in_english(tmp_path: Path) -> None:
    data = notify_data(URL)
    data["services"][3]["appointments"] = {"slot_minutes": 30, "capacity": 2}
    from hub.config import parse_config

    config = parse_config(data)
    clock = FakeClock(at(7))
    core = HubCore.open(config, tmp_path / "hub.db", clock)
    run(core, lambda e, t: e.book_appointment(
        "pbg", at(9), t, name="Jane", contact="+62 812 3456 7890", language="en",
        code="ABCD23", booked_by="boss", channel="supervisor"))
    clock.now = at(8, 50)
    run(core, lambda e, t: e.check_in_appointment("ABCD23", t))
    rows = outbox(tmp_path / "hub.db")
    assert [r["kind"] for r in rows] == ["near"]
    assert rows[0]["body"]["language"] == "en" and rows[0]["body"]["to"] == "+6281234567890"
    assert rows[0]["body"]["text"] == ("MPP Uji: number G-001 (Service pbg). You are next. "
                                       "Please return to the waiting hall.")
    core.close()


def test_the_devices_never_see_the_notification_settings() -> None:
    config = notify_mall(URL)
    assert "notifications" not in public_mall(config, None, None).data
    assert public_mall(config, None, None).version == public_mall(small_mall(), None,
                                                                  None).version


def test_the_place_is_the_engines_own(tmp_path: Path) -> None:
    """A priority visitor issued later is ahead: the engine's order, not a copy of it."""
    core = HubCore.open(notify_mall(URL, places_before=1), tmp_path / "hub.db",
                        FakeClock(at(9)))
    issue(core, "ktp")
    issue(core, "ktp")
    mine = issue(core, "ktp", contact=PHONE)  # two ahead
    issue(core, "ktp", priority_kind="lansia")  # goes ahead of it: three
    engine: QueueEngine = core.engine
    assert engine.ticket_position(mine, at(9))[0] == 3
    run(core, lambda e, t: e.open_counter("c2", t))
    run(core, lambda e, t: e.call_next("c2", t))
    assert engine.ticket_position(mine, at(9))[0] == 2
    assert outbox(tmp_path / "hub.db") == []  # two ahead, places_before 1
    run(core, lambda e, t: e.finish("c2", t))
    run(core, lambda e, t: e.call_next("c2", t))
    assert [(r["kind"], r["people_ahead"]) for r in outbox(tmp_path / "hub.db")] == [
        ("near", 1)]
    core.close()


def test_waiting_positions_are_ticket_position_for_every_waiting_ticket() -> None:
    """The notifier's one-pass count is the engine's ticket_position, line by line."""
    import random

    engine = QueueEngine(small_mall())
    rng = random.Random(18)
    engine.start_day(at(8))
    engine.open_counter("c1", at(8))
    engine.open_counter("c2", at(8))
    for minute in range(60):
        moment = at(9, minute)
        roll = rng.random()
        if roll < 0.5:
            engine.issue_ticket(rng.choice(["ktp", "kk"]), moment,
                                priority_kind="lansia" if rng.random() < 0.2 else None,
                                pending=rng.random() < 0.3)
        elif roll < 0.6:
            pending = [t for t in engine.tickets.values() if t.status.value == "pending"]
            if pending:
                engine.confirm_ticket(pending[0].ticket_id, "printed", moment)
        else:
            counter = rng.choice(["c1", "c2"])
            desk = engine.counters[counter]
            if desk.ticket_id is not None:
                if rng.random() < 0.3:
                    here = engine.tickets[desk.ticket_id].service_id
                    engine.transfer(counter, moment, to_service_id="kk" if here == "ktp"
                                    else "ktp")
                else:
                    engine.finish(counter, moment)
            elif any(len(engine.queues[s]) for s in ("ktp", "kk")):
                engine.call_next(counter, moment)
        for service in ("ktp", "kk"):
            places = engine.waiting_positions(service)
            waiting = {t.ticket_id for t in engine.tickets.values()
                       if t.service_id == service and t.status.value == "waiting"}
            assert set(places) == waiting
            for ticket_id, ahead in places.items():
                assert ahead == engine.ticket_position(ticket_id, moment)[0]


def test_a_walk_in_who_chose_english_is_told_in_english(tmp_path: Path) -> None:
    """The kiosk's (or the phone page's) language is the ticket's, kept through a replay."""
    core = HubCore.open(notify_mall(URL), tmp_path / "hub.db", FakeClock(at(9)))
    run(core, lambda e, t: e.issue_ticket("pbg", t, contact=PHONE, language="en"))
    run(core, lambda e, t: e.issue_ticket("pbg", t, contact="0811 1111 2222"))
    rows = outbox(tmp_path / "hub.db")
    assert [r["body"]["language"] for r in rows] == ["en", "id"]
    assert rows[0]["body"]["text"].startswith("MPP Uji: number G-001")
    assert rows[1]["body"]["text"].startswith("MPP Uji: nomor G-002")
    core.close()
    again = HubCore.open(notify_mall(URL), tmp_path / "hub.db", FakeClock(at(9, 5)))
    assert [t.language for t in again.engine.tickets.values()] == ["en", "id"]
    with pytest.raises(Exception, match="language must be id or en"):
        again.engine.issue_ticket("pbg", at(9, 5), language="fr")
    again.close()
