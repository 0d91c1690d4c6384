"""The durable log: events, visits, request answers, restart rebuild, hash chain."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
from pathlib import Path

import pytest

from hub.core import CommandRefused, HubCore
from hub.engine import CounterStatus, TicketStatus
from hub.eventlog import EventLog, RequestKey, chain_hash, open_readonly
from tests.factories import MONDAY, at, small_mall


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(at(8, 0))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "antrean.db"


def issue(core: HubCore, service: str, request_id: str | None = None) -> str:
    request = RequestKey("kiosk-1", request_id) if request_id else None
    outcome = core.execute(lambda e, now: e.issue_ticket(service, now), request)
    return str(outcome.response["events"][-1]["label"])


def test_log_is_wal_with_full_sync(db_path: Path, clock: FakeClock) -> None:
    core = HubCore.open(small_mall(), db_path, clock)
    assert core.log.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert core.log.connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    core.close()


def test_retried_request_gets_the_same_ticket_even_after_restart(
    db_path: Path, clock: FakeClock
) -> None:
    core = HubCore.open(small_mall(), db_path, clock)
    assert issue(core, "ktp", "req-1") == "A-001"
    clock.advance(seconds=5)
    assert issue(core, "ktp", "req-1") == "A-001"
    assert issue(core, "ktp", "req-2") == "A-002"
    core.close()
    restarted = HubCore.open(small_mall(), db_path, clock)
    assert issue(restarted, "ktp", "req-1") == "A-001"
    assert issue(restarted, "ktp", "req-3") == "A-003"
    assert restarted.engine.waiting_count("ktp") == 3
    restarted.close()


def test_restart_rebuilds_counters_and_tickets_exactly(db_path: Path, clock: FakeClock) -> None:
    core = HubCore.open(small_mall(), db_path, clock)
    for _ in range(3):
        issue(core, "ktp")
    core.execute(lambda e, now: e.open_counter("c1", now, staff="Budi"))
    core.execute(lambda e, now: e.call_next("c1", now))
    clock.advance(minutes=4)
    core.execute(lambda e, now: e.transfer("c1", now, to_service_id="kk"))
    core.execute(lambda e, now: e.call_next("c1", now))
    tickets, counters = dict(core.engine.tickets), dict(core.engine.counters)
    core.close()
    restarted = HubCore.open(small_mall(), db_path, clock)
    assert restarted.engine.tickets == tickets
    assert restarted.engine.counters == counters
    assert restarted.engine.counters["c1"].status == CounterStatus.SERVING
    restarted.close()


def test_refused_command_writes_nothing_but_the_day_start(
    db_path: Path, clock: FakeClock
) -> None:
    core = HubCore.open(small_mall(), db_path, clock)
    with pytest.raises(CommandRefused) as refused:
        core.execute(lambda e, now: e.call_next("c1", now), RequestKey("counter-c1", "r1"))
    assert refused.value.error.code == "illegal_move"
    assert [logged.event.type for logged in refused.value.logged] == ["business_day_started"]
    assert core.log.last_seq == 1
    assert core.log.find_response(RequestKey("counter-c1", "r1")) is None
    core.close()


def test_visit_rows_follow_the_visit(db_path: Path, clock: FakeClock) -> None:
    core = HubCore.open(small_mall(), db_path, clock)
    issue(core, "ktp")
    issue(core, "kk")
    core.execute(lambda e, now: e.open_counter("c1", now))
    clock.advance(minutes=10)
    core.execute(lambda e, now: e.call_ticket("c1", "A-001", now))
    clock.advance(minutes=3)
    core.execute(lambda e, now: e.transfer("c1", now, to_service_id="kk"))
    core.execute(lambda e, now: e.call_ticket("c1", "A-001", now))
    clock.advance(minutes=5)
    core.execute(lambda e, now: e.finish("c1", now))
    clock.now = at(8, day=MONDAY + dt.timedelta(days=1))
    core.start_day_if_needed()
    reader = open_readonly(db_path)
    reader.row_factory = sqlite3.Row
    visits = {row["label"]: dict(row) for row in reader.execute("SELECT * FROM visits")}
    served = visits["A-001"]
    assert served["outcome"] == "served"
    assert served["service_id"] == "ktp" and served["final_service_id"] == "kk"
    assert served["transfer_count"] == 1
    assert json.loads(served["transfers"])[0]["to_service"] == "kk"
    assert served["wait_seconds"] == pytest.approx(600)
    assert served["service_seconds"] == pytest.approx(180 + 300)  # both counters count
    assert (served["year"], served["month"], served["hour"], served["weekday"]) == (
        2026, "2026-11", 8, 1
    )
    assert visits["B-001"]["outcome"] == "expired"
    with pytest.raises(sqlite3.OperationalError):
        reader.execute("DELETE FROM visits")
    reader.close()
    core.close()


def test_each_row_is_chained_to_the_previous_by_hash(db_path: Path, clock: FakeClock) -> None:
    core = HubCore.open(small_mall(), db_path, clock)
    for _ in range(5):
        issue(core, "ktp")
    rows = core.log.connection.execute(
        "SELECT seq, at, type, payload, hash FROM events ORDER BY seq"
    ).fetchall()
    previous = "0" * 64
    for seq, at_text, kind, payload, digest in rows:
        assert digest == chain_hash(previous, seq, kind, at_text, payload)
        previous = digest
    assert core.log.head_hash == previous
    core.close()


def test_a_restart_replays_only_the_current_day(db_path: Path, clock: FakeClock) -> None:
    log = EventLog(db_path)
    core = HubCore(small_mall(), log, clock)
    for _ in range(4):
        issue(core, "ktp")
    clock.now = at(8, day=MONDAY + dt.timedelta(days=1))
    issue(core, "ktp")
    core.close()
    reopened = EventLog(db_path)
    replayed = [logged.event.type for logged in reopened.current_day_events()]
    assert replayed == ["business_day_started", "ticket_issued"]
    assert reopened.latest_business_day() == MONDAY + dt.timedelta(days=1)
    reopened.close()


def test_many_tickets_numbered_without_gaps_or_reuse(db_path: Path, clock: FakeClock) -> None:
    core = HubCore.open(small_mall(), db_path, clock)
    ticks = itertools.count()
    labels = []
    for _ in range(300):
        clock.now = at(9) + dt.timedelta(seconds=next(ticks))
        labels.append(issue(core, "ktp"))
    assert labels == [f"A-{n:03d}" for n in range(1, 301)]
    assert core.engine.tickets["2026-11-23/A-300"].status == TicketStatus.WAITING
    core.close()


def test_survey_answers_are_stored_raw(db_path: Path, clock: FakeClock) -> None:
    core = HubCore.open(small_mall(), db_path, clock)
    issue(core, "ktp")
    core.execute(lambda e, now: e.open_counter("c1", now))
    core.execute(lambda e, now: e.call_next("c1", now))
    core.execute(lambda e, now: e.finish("c1", now))
    core.execute(lambda e, now: e.submit_survey("A-001", [1, 2, 3, 4, 4, 3, 2, 1, 4], now,
                                                counter_id="c1", comment="Antre lama"))
    row = core.log.connection.execute(
        "SELECT visit_id, counter_id, u1, u4, u9, comment, month FROM surveys").fetchone()
    assert row == ("2026-11-23/A-001", "c1", 1, 4, 4, "Antre lama", "2026-11")
    core.close()
    restarted = HubCore.open(small_mall(), db_path, clock)
    assert "2026-11-23/A-001" in restarted.engine.surveyed
    restarted.close()
