"""Shipping a hub's log to a real PostgreSQL: exactly once, resumable, refusing broken chains."""

from __future__ import annotations

import datetime as dt
import os
import queue
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from hub.__main__ import main
from hub.central.cluster import ThrowawayCluster
from hub.central.ingest import VISIT_COLUMNS, Central, ChainRefused, rebuild_counts
from hub.central.ship import FIRST_RETRY_SECONDS, POLL_SECONDS, Shipper
from hub.config import MallConfig
from hub.core import HubCore
from hub.eventlog import GENESIS_HASH, chain_hash
from tests.factories import MONDAY, at, small_mall
from tests.reports.conftest import FakeClock, build_day

ROOT = Path(__file__).resolve().parents[2]
TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture
def mall() -> MallConfig:
    return small_mall()


@pytest.fixture
def hub_db(tmp_path: Path, mall: MallConfig) -> Path:
    """The small real day of tests/reports (HubCore, fake clock), closed by Tuesday's start."""
    path = tmp_path / "antrean.db"
    build_day(path, mall)
    return path


def tuesday(db: Path, mall: MallConfig, visitors: int = 6) -> None:
    """Go on logging: Tuesday's visitors issued, called and served at one counter."""
    clock = FakeClock(at(8, 30, day=TUESDAY))
    core = HubCore.open(mall, db, clock)
    core.execute(lambda e, now: e.open_counter("c1", now))
    for n in range(visitors):
        clock.now = at(9, n * 5, day=TUESDAY)
        core.execute(lambda e, now: e.issue_ticket("ktp", now))
        core.execute(lambda e, now: e.call_next("c1", now))
        clock.now = at(9, n * 5 + 3, day=TUESDAY)
        core.execute(lambda e, now: e.finish("c1", now))
    core.close()


def hub_rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def assert_central_equals_hub(url: str, db: Path, mpp_id: str = "uji") -> None:
    """Every event once, in order, as logged; visits and answers exactly the hub's rows;
    the roll-ups exactly what the visits give."""
    columns = ", ".join(VISIT_COLUMNS)
    with psycopg.connect(url, autocommit=True) as connection:
        events = connection.execute(
            "SELECT seq, at, type, payload, hash FROM events WHERE mpp_id = %s ORDER BY seq",
            [mpp_id]).fetchall()
        visits = connection.execute(
            f"SELECT {columns} FROM visits WHERE mpp_id = %s ORDER BY visit_id",
            [mpp_id]).fetchall()
        surveys = connection.execute(
            "SELECT survey_id, u1, u2, u3, u4, u5, u6, u7, u8, u9, gender, comment FROM surveys "
            "WHERE mpp_id = %s ORDER BY survey_id", [mpp_id]).fetchall()
        kept = connection.execute(
            "SELECT * FROM visit_counts WHERE mpp_id = %s ORDER BY 2, 5, 6, 7, 8, 9",
            [mpp_id]).fetchall()
        sums = connection.execute(
            "SELECT * FROM survey_sums WHERE mpp_id = %s ORDER BY 2, 5, 6", [mpp_id]).fetchall()
        rebuild_counts(connection, mpp_id)
        rebuilt = connection.execute(
            "SELECT * FROM visit_counts WHERE mpp_id = %s ORDER BY 2, 5, 6, 7, 8, 9",
            [mpp_id]).fetchall()
        rebuilt_sums = connection.execute(
            "SELECT * FROM survey_sums WHERE mpp_id = %s ORDER BY 2, 5, 6", [mpp_id]).fetchall()
    assert [tuple(e) for e in events] == hub_rows(
        db, "SELECT seq, at, type, payload, hash FROM events ORDER BY seq")
    assert [tuple(v) for v in visits] == hub_rows(
        db, f"SELECT {columns} FROM visits ORDER BY visit_id")
    assert [tuple(s) for s in surveys] == hub_rows(
        db, "SELECT survey_id, u1, u2, u3, u4, u5, u6, u7, u8, u9, gender, comment FROM surveys "
            "ORDER BY survey_id")
    assert sums == rebuilt_sums
    assert [row[:10] for row in kept] == [row[:10] for row in rebuilt]  # keys and counts
    for row, again in zip(kept, rebuilt, strict=True):  # sums moved between groups
        assert row[11] == pytest.approx(again[11]) and row[12] == pytest.approx(again[12])


def test_ship_once_twice_stores_every_event_once(
        central_url: str, hub_db: Path, mall: MallConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["ship", "--db", str(hub_db), "--to", central_url, "--mpp-id", "uji", "--once",
            "--batch-size", "5"]
    assert main(args) == 0
    logged = hub_rows(hub_db, "SELECT count(*) FROM events")[0][0]
    assert f"uji: shipped {logged} events in 7 batches" in capsys.readouterr().out
    assert main(args) == 0
    assert "uji: shipped 0 events in 0 batches" in capsys.readouterr().out
    assert_central_equals_hub(central_url, hub_db)

    tuesday(hub_db, mall)  # visits of Monday are untouched; Tuesday's span several batches
    assert main(args) == 0
    assert f"shipped {hub_rows(hub_db, 'SELECT count(*) FROM events')[0][0] - logged} events" \
        in capsys.readouterr().out
    assert_central_equals_hub(central_url, hub_db)


def test_a_shipper_killed_mid_batch_loses_and_doubles_nothing(
        central_url: str, hub_db: Path, mall: MallConfig) -> None:
    shipper = Shipper(hub_db, central_url, "uji", batch_size=8)
    first = shipper.ship_available()
    shipper.close()
    tuesday(hub_db, mall)
    with psycopg.connect(central_url) as blocker:
        # Hold the roll-up table: the shipper's first batch inserts its events, then waits
        # here, in the middle of its transaction, until it is killed.
        blocker.execute("LOCK TABLE visit_counts IN EXCLUSIVE MODE")
        child = subprocess.Popen(
            [sys.executable, "-m", "hub", "ship", "--db", str(hub_db), "--to", central_url,
             "--mpp-id", "uji", "--once", "--batch-size", "8"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 30
            with psycopg.connect(central_url, autocommit=True) as watcher:
                while not watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                    "'antrean-central' AND wait_event_type = 'Lock'").fetchone()[0]:  # type: ignore[index]
                    assert child.poll() is None and time.monotonic() < deadline
                    time.sleep(0.02)  # ok: PostgreSQL cannot signal "a backend waits on a lock"
                # Mid-batch: the waiting transaction has written this batch's events already.
                assert watcher.execute(
                    "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                    "WHERE a.application_name = 'antrean-central' AND l.granted "
                    "AND l.relation = 'events'::regclass AND l.mode = 'RowExclusiveLock'"
                ).fetchone() == (1,)
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        blocker.rollback()
    with psycopg.connect(central_url, autocommit=True) as connection:
        assert connection.execute("SELECT head_seq FROM mpps").fetchone() == (first.head.seq,)
    again = Shipper(hub_db, central_url, "uji", batch_size=8)
    shipped = again.ship_available()
    again.close()
    total = hub_rows(hub_db, "SELECT count(*) FROM events")[0][0]
    assert shipped.events == total - first.head.seq
    assert_central_equals_hub(central_url, hub_db)


def _edit(db: Path, sql: str, *params: object) -> None:
    connection = sqlite3.connect(db)
    connection.execute(sql, params)
    connection.commit()
    connection.close()


def test_an_altered_event_is_refused_and_reported(
        central_url: str, hub_db: Path, mall: MallConfig,
        capsys: pytest.CaptureFixture[str]) -> None:
    shipper = Shipper(hub_db, central_url, "uji")
    head = shipper.ship_available().head
    tuesday(hub_db, mall, visitors=2)
    victim = head.seq + 4
    _edit(hub_db, "UPDATE events SET payload = replace(payload, 'ktp', 'kk') WHERE seq = ?",
          victim)
    with pytest.raises(ChainRefused) as refused:
        shipper.ship_available()
    assert (refused.value.fault.mpp_id, refused.value.fault.seq,
            refused.value.fault.kind) == ("uji", victim, "altered")
    assert main(["ship", "--db", str(hub_db), "--to", central_url, "--mpp-id", "uji",
                 "--once"]) == 1
    assert f"MPP uji, seq {victim}: diubah / altered" in capsys.readouterr().err
    central = Central.connect(central_url)
    assert central.head("uji").seq == victim - 1  # the good rows before it are kept
    assert [(f.seq, f.kind) for f in central.faults("uji")] == [(victim, "altered")]  # once
    central.close()
    shipper.close()


def _rechain_from(db: Path, seq: int) -> None:
    """Rewrite the log from `seq` on with valid hashes (a forger's rewrite, or a restore)."""
    connection = sqlite3.connect(db)
    previous = connection.execute("SELECT hash FROM events WHERE seq = ?", (seq - 1,)).fetchone()[0]
    rows = connection.execute("SELECT seq, at, type, payload FROM events WHERE seq >= ? "
                              "ORDER BY seq", (seq,)).fetchall()
    for number, at_, kind, payload in rows:
        previous = chain_hash(previous, number, kind, at_, payload)
        connection.execute("UPDATE events SET hash = ? WHERE seq = ?", (previous, number))
    connection.commit()
    connection.close()


def test_a_rewritten_log_is_a_fork_and_a_gap_is_a_gap(
        central_url: str, hub_db: Path, mall: MallConfig) -> None:
    shipper = Shipper(hub_db, central_url, "uji")
    head = shipper.ship_available().head
    tuesday(hub_db, mall, visitors=2)
    forked = hub_db.with_name("forked.db")
    shutil.copy(hub_db, forked)
    edited = hub_rows(forked, "SELECT min(seq) FROM events WHERE payload LIKE '%\"ktp\"%'")[0][0]
    _edit(forked, "UPDATE events SET payload = replace(payload, 'ktp', 'kk') WHERE seq = ?",
          edited)
    _rechain_from(forked, int(edited))  # every hash valid again, but not the shipped chain
    with pytest.raises(ChainRefused) as refused:
        Shipper(forked, central_url, "uji").ship_available()
    assert (refused.value.fault.seq, refused.value.fault.kind) == (head.seq, "fork")

    _edit(hub_db, "DELETE FROM events WHERE seq = ?", head.seq + 2)
    with pytest.raises(ChainRefused) as refused:
        shipper.ship_available()
    assert (refused.value.fault.seq, refused.value.fault.kind) == (head.seq + 2, "gap")
    assert "seq" in refused.value.fault.detail
    shipper.close()


def test_the_database_itself_refuses_a_row_that_does_not_chain(
        central_url: str, hub_db: Path) -> None:
    Shipper(hub_db, central_url, "uji").ship_available()
    row = hub_rows(hub_db, "SELECT seq, at, type, payload, hash FROM events ORDER BY seq DESC "
                           "LIMIT 1")[0]
    with psycopg.connect(central_url, autocommit=True) as connection:
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="hash differs"):
            connection.execute(
                "INSERT INTO events (mpp_id, seq, at, type, payload, hash) "
                "VALUES ('uji', %s, %s, %s, %s, %s)",
                [int(row[0]) + 1, row[1], row[2], row[3], "0" * 64])  # type: ignore[call-overload]
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="does not follow"):
            connection.execute(
                "INSERT INTO events (mpp_id, seq, at, type, payload, hash) "
                "VALUES ('uji', %s, %s, %s, %s, %s)",
                [int(row[0]) + 5, row[1], row[2], row[3], "0" * 64])  # type: ignore[call-overload]
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="append-only"):
            connection.execute("UPDATE events SET payload = '{}' WHERE seq = 1")


def test_the_hub_serves_while_the_central_server_is_down(tmp_path: Path, mall: MallConfig) -> None:
    db = tmp_path / "antrean.db"
    cluster = ThrowawayCluster()  # its address is known, its server not started yet
    waits: queue.Queue[float] = queue.Queue()
    resume: queue.Queue[None] = queue.Queue()

    def wait(seconds: float) -> None:
        waits.put(seconds)
        resume.get(timeout=60)

    clock = FakeClock(at(8, 0))
    core = HubCore.open(mall, db, clock)
    stop = threading.Event()
    shipper = Shipper(db, cluster.conninfo(), "uji", connect_timeout=2)
    thread = threading.Thread(target=shipper.run, args=(stop, wait), daemon=True)
    thread.start()
    try:
        first = waits.get(timeout=60)
        assert FIRST_RETRY_SECONDS / 2 <= first <= FIRST_RETRY_SECONDS
        core.execute(lambda e, now: e.open_counter("c1", now))
        for minute in range(10):  # the hub goes on, durable, while the shipper waits
            clock.now = at(8, minute)
            core.execute(lambda e, now: e.issue_ticket("ktp", now))
        resume.put(None)
        second = waits.get(timeout=60)  # still down: the backoff doubled
        assert FIRST_RETRY_SECONDS <= second <= 2 * FIRST_RETRY_SECONDS
        cluster.start()
        resume.put(None)
        assert waits.get(timeout=60) == POLL_SECONDS  # shipped, caught up, polling
        clock.now = at(8, 30)
        core.execute(lambda e, now: e.call_next("c1", now))
        resume.put(None)
        assert waits.get(timeout=60) == POLL_SECONDS
        with psycopg.connect(cluster.conninfo(), autocommit=True) as connection:
            assert connection.execute("SELECT head_seq FROM mpps").fetchone() == (
                core.log.last_seq,)
            assert connection.execute(
                "SELECT count(*), count(first_called_at) FROM visits").fetchone() == (10, 1)
    finally:
        try:
            stop.set()
            resume.put(None)
            thread.join(timeout=60)
            shipper.close()
            core.close()
        finally:
            cluster.stop()  # whatever failed above, no server is left running
    assert not thread.is_alive()


def test_ship_and_report_say_in_one_line_what_is_wrong(
        tmp_path: Path, hub_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nowhere = f"postgresql://postgres@/central?host={tmp_path}"  # no server listens there
    assert main(["ship", "--db", str(hub_db), "--to", nowhere, "--mpp-id", "uji",
                 "--once"]) == 3
    err = capsys.readouterr().err
    assert "central server unreachable / server pusat tidak terjangkau" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert main(["ship", "--db", str(hub_db), "--to", "http://x", "--mpp-id", "uji",
                 "--once"]) == 1
    assert "expected a postgresql://" in capsys.readouterr().err
    assert main(["ship", "--db", str(tmp_path / "none.db"), "--to", nowhere, "--mpp-id",
                 "uji", "--once"]) == 1
    assert "no event log at" in capsys.readouterr().err
    assert main(["report", "--period", "2026", "--format", "csv", "--out",
                 str(tmp_path / "r.zip")]) == 1
    assert "give --db and --config" in capsys.readouterr().err
    assert main(["report", "--central", nowhere, "--period", "2026", "--format", "csv",
                 "--out", str(tmp_path / "r.zip")]) == 1
    assert "server pusat tidak terjangkau" in capsys.readouterr().err


def test_two_mpps_with_complaints_of_the_same_number_ship_side_by_side(
    central_url: str, tmp_path: Path, mall: MallConfig,
) -> None:
    """Each hub numbers its complaints from PS-001; one central process takes both logs."""
    from hub.central.ingest import EventRow

    central = Central.connect(central_url)
    try:
        for name in ("uji", "kedua"):
            db = tmp_path / f"{name}.db"
            core = HubCore.open(mall, db, FakeClock(at(9, 0)))
            core.execute(lambda e, now: e.submit_complaint(
                now, "c1", "survey-c1", "complaint", "waktu", "Antrean lama."))
            core.close()
            central.register(name, f"MPP {name}")
            rows = [EventRow(*row) for row in hub_rows(
                db, "SELECT seq, at, type, payload, hash FROM events ORDER BY seq")]
            central.receive(name, (0, GENESIS_HASH), rows)
            assert_central_equals_hub(central_url, db, name)
    finally:
        central.close()
