"""A finished day has no "in progress": whoever still waits at closing was not served.

The day (Monday 2026-11-23, small test mall, closing 16:00) is logged through HubCore:

| ticket | service | what happens                                           |
|--------|---------|--------------------------------------------------------|
| A-001  | ktp     | called 08:05 at c1, transferred to kk 08:10, served 08:20 |
| A-002  | ktp     | called 08:21 at c1, served 08:30                        |
| A-003  | ktp     | called 08:31 at c1, recalled, no-show 08:33             |
| B-001  | kk      | issued 08:15, never called                              |
| A-004  | ktp     | issued 08:34, called 08:35 at c1, not finished          |

The last event is at 08:35, so the hub's clock says nothing about closing: the report's
own time decides whether the day is still running.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hub.config import MallConfig
from hub.core import HubCore
from hub.eventlog import open_readonly
from hub.reports import build_report, parse_period
from hub.reports.export_pdf import _summary_text
from hub.reports.report import Report
from hub.reports.tables import report_tables
from tests.factories import at
from tests.reports.conftest import FakeClock

MORNING = at(10, 0)
EVENING = at(18, 0)


@pytest.fixture(scope="module")
def left_waiting_db(tmp_path_factory: pytest.TempPathFactory, mall: MallConfig) -> Path:
    path = tmp_path_factory.mktemp("left") / "antrean.db"
    clock = FakeClock(at(8, 0))
    core = HubCore.open(mall, path, clock)

    def run(hour: int, minute: int, command) -> None:  # type: ignore[no-untyped-def]
        clock.now = at(hour, minute)
        core.execute(command)

    run(8, 0, lambda e, now: e.open_counter("c1", now))
    run(8, 0, lambda e, now: e.open_counter("c2", now))
    run(8, 1, lambda e, now: e.issue_ticket("ktp", now))
    run(8, 2, lambda e, now: e.issue_ticket("ktp", now))
    run(8, 3, lambda e, now: e.issue_ticket("ktp", now))
    run(8, 5, lambda e, now: e.call_ticket("c1", "A-001", now))
    run(8, 10, lambda e, now: e.transfer("c1", now, to_service_id="kk"))
    run(8, 11, lambda e, now: e.call_ticket("c2", "A-001", now))
    run(8, 15, lambda e, now: e.issue_ticket("kk", now))
    run(8, 20, lambda e, now: e.finish("c2", now))
    run(8, 21, lambda e, now: e.call_ticket("c1", "A-002", now))
    run(8, 30, lambda e, now: e.finish("c1", now))
    run(8, 31, lambda e, now: e.call_ticket("c1", "A-003", now))
    run(8, 32, lambda e, now: e.recall("c1", now))
    run(8, 33, lambda e, now: e.mark_no_show("c1", now))
    run(8, 34, lambda e, now: e.issue_ticket("ktp", now))
    run(8, 35, lambda e, now: e.call_ticket("c1", "A-004", now))
    core.close()
    return path


def report_at(db: Path, config: MallConfig, moment: dt.datetime, period: str = "2026-11-23"
              ) -> Report:
    connection = open_readonly(db)
    try:
        return build_report(connection, config, parse_period(period), generated_at=moment)
    finally:
        connection.close()


def test_a_finished_day_counts_who_still_waited_as_not_served(
    left_waiting_db: Path, mall: MallConfig
) -> None:
    evening = report_at(left_waiting_db, mall, EVENING)
    totals = evening.totals
    assert evening.meta.running_day is None
    assert (totals.visitors, totals.served, totals.no_show, totals.not_served,
            totals.in_progress) == (5, 2, 1, 2, 0)
    assert (totals.waiting_at_close, totals.expired, totals.transferred) == (2, 0, 1)
    headings = {column.heading for table in report_tables(evening) for column in table.columns}
    assert "Dalam proses" not in headings
    assert "Tidak terlayani" in headings


def test_the_running_day_shows_unfinished_visits_in_progress(
    left_waiting_db: Path, mall: MallConfig
) -> None:
    morning = report_at(left_waiting_db, mall, MORNING)
    assert morning.meta.running_day == "2026-11-23"
    assert (morning.totals.not_served, morning.totals.in_progress) == (0, 2)
    per_hour = next(t for t in report_tables(morning) if t.key == "per_jam")
    assert "Dalam proses" in [column.heading for column in per_hour.columns]


def test_the_next_day_started_closes_the_day_whatever_the_clock(
    day_db: Path, mall: MallConfig
) -> None:
    # The hand-logged day of conftest.py: Tuesday has started, so Monday is closed even
    # for a report made on Monday morning; B-002 expired when Tuesday started.
    monday = report_at(day_db, mall, MORNING)
    assert monday.meta.running_day == "2026-11-24"
    assert (monday.totals.not_served, monday.totals.expired, monday.totals.in_progress) == (
        1, 1, 0)


@pytest.mark.parametrize("moment", [MORNING, EVENING], ids=["running", "finished"])
def test_every_count_row_adds_up_and_transfers_stand_aside(
    left_waiting_db: Path, mall: MallConfig, moment: dt.datetime
) -> None:
    report = report_at(left_waiting_db, mall, moment)
    count_tables = [t for t in report_tables(report)
                    if t.key in ("per_jam", "per_instansi", "per_layanan", "per_kategori")]
    assert len(count_tables) == 4
    for table in count_tables:
        headings = [column.heading for column in table.columns]
        parts = ["Dilayani", "Tidak hadir", "Tidak terlayani"] + (
            ["Dalam proses"] if "Dalam proses" in headings else [])
        for row in table.rows:
            cell = dict(zip(headings, row, strict=True))
            assert cell["Pengunjung"] == sum(int(cell[p] or 0) for p in parts), (table.key, row)
        total = dict(zip(headings, table.rows[-1], strict=True))
        # A-001 was transferred (ktp → kk) and is counted once: for ktp, as served.
        assert (total["Pengunjung"], total["Di antaranya dialihkan"]) == (5, 1), table.key
        assert "bukan tambahan" in table.note
    ktp = next(row for row in count_tables[2].rows if row[0] == "Layanan ktp")
    assert ktp[2:4] == [4, 2]  # 4 visitors for KTP-el, 2 served (A-001 after its transfer)


def test_the_summary_names_the_not_served_and_why(left_waiting_db: Path,
                                                  mall: MallConfig) -> None:
    text = _summary_text(report_at(left_waiting_db, mall, EVENING))
    assert ("5 pengunjung: 2 dilayani (40,0 %), 2 tidak terlayani (2 masih menunggu saat "
            "layanan tutup), 1 tidak hadir saat dipanggil.") in text
    assert "Dalam proses" not in text and "dalam proses" not in text
    assert "1 pengunjung dialihkan" in text
    running = _summary_text(report_at(left_waiting_db, mall, MORNING))
    assert "2 masih dalam proses" in running


def test_why_not_served_table_per_tenant(day_db: Path, mall: MallConfig) -> None:
    report = report_at(day_db, mall, EVENING)
    table = next(t for t in report_tables(report) if t.key == "tidak_terlayani")
    assert table.rows == [["Disdukcapil", 1, 0, 1],
                          ["Jumlah", 1, 0, 1]]
