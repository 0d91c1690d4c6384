"""Journeys across counters and staff figures, on a crafted day checked by hand.

Monday 2026-11-23, the small test mall: c1 (Dukcapil: ktp, kk), c2 (Dukcapil: kk, ktp),
c4 (DPUPR: pbg). Staff: c4 Budi, c2 Siti, c1 Andi until 08:51, then Dewi.

| ticket | issued | stints: counter start–end (→ transferred to)              | counters | total  |
|--------|--------|-----------------------------------------------------------|----------|--------|
| G-001  | 08:00  | c4 08:05–08:15 → kk; c2 08:20–08:30 → ktp at c1; c1 –08:45 | 3       | 45 min |
| G-002  | 08:10  | c4 08:20–08:30 → kk; c1 08:46–08:50                       | 2        | 40 min |
| G-003  | 08:20  | c4 08:35–08:55                                            | 1        | 35 min |
| G-004  | 08:30  | c4 09:00–09:05 → kk; c2 09:10–09:30                       | 2        | 60 min |
| A-001  | 08:00  | c1 08:01–08:05 → kk at the same counter; c1 08:10–08:20   | 1        | 20 min |
| A-002  | 08:05  | c1 (Dewi) 09:00, recalled, no-show 09:02                  | –        | –      |

pbg: counters 1, 2, 2, 3 → mean 2, median 2, P90 (4th of 4) 3; minutes 35, 40, 45, 60 →
mean 45, median 42.5, P90 60. All: counters 1, 1, 2, 2, 3 → mean 1.8, median 2, P90 3;
minutes 20, 35, 40, 45, 60 → mean 40, median 40, P90 60.

Staff (served / sent on / absent, mean service of stints served or sent on):
Budi at c4: 1 / 3 / 0, (600 + 600 + 1200 + 300) / 4 = 675 s = 11.25 min;
Siti at c2: 1 / 1 / 0, (600 + 1200) / 2 = 15 min; Andi at c1: 3 / 1 / 0,
(240 + 600 + 600 + 240) / 4 = 7 min; Dewi at c1: 0 / 0 / 1, no service time.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hub.config import MallConfig
from hub.core import HubCore
from hub.eventlog import EventLog, open_readonly
from hub.projection_check import check_projection
from hub.reports import build_report, parse_period, write_report
from hub.reports.tables import report_tables
from tests.factories import MONDAY, at, small_mall
from tests.reports.conftest import FakeClock

GENERATED = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def build_journeys(db_path: Path, config: MallConfig) -> None:
    """Log the day in the module docstring."""
    clock = FakeClock(at(8, 0))
    core = HubCore.open(config, db_path, clock)

    def run(hour: int, minute: int, command) -> None:  # type: ignore[no-untyped-def]
        clock.now = at(hour, minute)
        core.execute(command)

    run(8, 0, lambda e, now: e.open_counter("c4", now, "Budi"))
    run(8, 0, lambda e, now: e.open_counter("c2", now, "Siti"))
    run(8, 0, lambda e, now: e.open_counter("c1", now, "Andi"))
    run(8, 0, lambda e, now: e.issue_ticket("pbg", now))        # G-001
    run(8, 0, lambda e, now: e.issue_ticket("ktp", now))
    run(8, 1, lambda e, now: e.call_ticket("c1", "A-001", now))
    run(8, 5, lambda e, now: e.issue_ticket("ktp", now))
    run(8, 5, lambda e, now: e.call_ticket("c4", "G-001", now))
    run(8, 5, lambda e, now: e.transfer("c1", now, to_service_id="kk"))
    run(8, 10, lambda e, now: e.issue_ticket("pbg", now))       # G-002
    run(8, 10, lambda e, now: e.call_ticket("c1", "A-001", now))
    run(8, 15, lambda e, now: e.transfer("c4", now, to_service_id="kk"))
    run(8, 20, lambda e, now: e.issue_ticket("pbg", now))       # G-003
    run(8, 20, lambda e, now: e.call_ticket("c2", "G-001", now))
    run(8, 20, lambda e, now: e.call_ticket("c4", "G-002", now))
    run(8, 20, lambda e, now: e.finish("c1", now))
    run(8, 30, lambda e, now: e.issue_ticket("pbg", now))       # G-004
    run(8, 30, lambda e, now: e.transfer("c2", now, to_service_id="ktp", to_counter_id="c1"))
    run(8, 30, lambda e, now: e.transfer("c4", now, to_service_id="kk"))
    run(8, 35, lambda e, now: e.call_ticket("c1", "G-001", now))
    run(8, 35, lambda e, now: e.call_ticket("c4", "G-003", now))
    run(8, 45, lambda e, now: e.finish("c1", now))
    run(8, 46, lambda e, now: e.call_ticket("c1", "G-002", now))
    run(8, 50, lambda e, now: e.finish("c1", now))
    run(8, 51, lambda e, now: e.close_counter("c1", now))
    run(8, 52, lambda e, now: e.open_counter("c1", now, "Dewi"))
    run(8, 55, lambda e, now: e.finish("c4", now))
    run(9, 0, lambda e, now: e.call_ticket("c4", "G-004", now))
    run(9, 0, lambda e, now: e.call_ticket("c1", "A-002", now))
    run(9, 1, lambda e, now: e.recall("c1", now))
    run(9, 2, lambda e, now: e.mark_no_show("c1", now))
    run(9, 5, lambda e, now: e.transfer("c4", now, to_service_id="kk"))
    run(9, 10, lambda e, now: e.call_ticket("c2", "G-004", now))
    run(9, 30, lambda e, now: e.finish("c2", now))
    clock.now = at(8, 0, day=MONDAY + dt.timedelta(days=1))
    core.start_day_if_needed()
    core.close()


@pytest.fixture(scope="module")
def mall() -> MallConfig:
    return small_mall()


@pytest.fixture(scope="module")
def journeys_db(tmp_path_factory: pytest.TempPathFactory, mall: MallConfig) -> Path:
    path = tmp_path_factory.mktemp("journeys") / "antrean.db"
    build_journeys(path, mall)
    return path


def day_report(db: Path, mall: MallConfig, period: str = "2026-11-23"):  # type: ignore[no-untyped-def]
    connection = open_readonly(db)
    try:
        return build_report(connection, mall, parse_period(period), generated_at=GENERATED)
    finally:
        connection.close()


def test_journeys_count_counters_passed_and_time_to_last_finish(
    journeys_db: Path, mall: MallConfig,
) -> None:
    report = day_report(journeys_db, mall)
    assert report.meta.evidence is not None and report.meta.evidence.ok
    by_service = {line.service_id: line for line in report.journeys}
    assert set(by_service) == {"pbg", "ktp"}  # A-002 never finished: no journey
    pbg = by_service["pbg"]
    assert pbg.journeys == 4
    assert pbg.by_counters == {1: 1, 2: 2, 3: 1}
    assert (pbg.counters.mean, pbg.counters.median, pbg.counters.p90) == (2.0, 2.0, 3.0)
    t = pbg.total_time
    assert (t.mean_minutes, t.median_minutes, t.p90_minutes) == pytest.approx((45, 42.5, 60))
    ktp = by_service["ktp"]
    # A-001 went back to the same counter for its second service: one counter, not two.
    assert (ktp.journeys, ktp.by_counters) == (1, {1: 1})
    assert ktp.total_time.median_minutes == pytest.approx(20)
    total = report.journeys_total
    assert total is not None and total.journeys == 5
    assert (total.counters.mean, total.counters.median, total.counters.p90) == pytest.approx(
        (1.8, 2.0, 3.0))
    assert (total.total_time.mean_minutes, total.total_time.median_minutes,
            total.total_time.p90_minutes) == pytest.approx((40, 40, 60))


def test_staff_figures_per_counter_and_per_staff_name(
    journeys_db: Path, mall: MallConfig,
) -> None:
    report = day_report(journeys_db, mall)
    by_name = {line.staff: line for line in report.staff_by_name}
    assert set(by_name) == {"Budi", "Siti", "Andi", "Dewi"}
    figures = {name: (line.served, line.transferred, line.no_show, line.mean_service_minutes)
               for name, line in by_name.items()}
    assert figures["Budi"] == (1, 3, 0, pytest.approx(11.25))
    assert figures["Siti"] == (1, 1, 0, pytest.approx(15.0))
    assert figures["Andi"] == (3, 1, 0, pytest.approx(7.0))
    assert figures["Dewi"] == (0, 0, 1, None)
    by_counter = {line.counter_id: line for line in report.staff_by_counter}
    c1 = by_counter["c1"]  # Andi and Dewi together
    assert (c1.served, c1.transferred, c1.no_show) == (3, 1, 1)
    assert c1.mean_service_minutes == pytest.approx(7.0)
    assert [(line.bucket, line.counter_id, line.staff) for line in report.staff_by_bucket] == [
        ("2026-11-23", "c1", "Andi"), ("2026-11-23", "c1", "Dewi"),
        ("2026-11-23", "c2", "Siti"), ("2026-11-23", "c4", "Budi")]
    tables = {table.key: table for table in report_tables(report)}
    assert tables["kinerja_loket"].rows[0][:2] == ["Loket 1", "Andi, Dewi"]
    assert tables["kinerja_petugas"].rows[0][:2] == ["Andi", "Loket 1"]


def test_a_month_report_gives_staff_per_day_and_a_year_per_month(
    journeys_db: Path, mall: MallConfig,
) -> None:
    month = day_report(journeys_db, mall, "2026-11")
    assert {line.bucket for line in month.staff_by_bucket} == {"2026-11-23"}
    assert "kinerja_harian" in {t.key for t in report_tables(month)}
    year = day_report(journeys_db, mall, "2026")
    assert {line.bucket for line in year.staff_by_bucket} == {"2026-11"}
    assert "kinerja_bulanan" in {t.key for t in report_tables(year)}
    andi = next(line for line in year.staff_by_name if line.staff == "Andi")
    assert (andi.served, andi.transferred) == (3, 1)


def test_journeys_and_staff_are_in_every_export(
    journeys_db: Path, mall: MallConfig, tmp_path: Path,
) -> None:
    written = write_report(journeys_db, mall, parse_period("2026-11-23"), tmp_path / "r.xlsx",
                           "xlsx", generated_at=GENERATED)
    book = load_workbook(written.path)
    rows = [list(r) for r in book["Perjalanan"].iter_rows(values_only=True)]
    pbg = next(r for r in rows if r and r[0] == "Layanan pbg")
    assert pbg[2:6] == [4, 1, 2, 1]
    assert {"Kinerja loket", "Kinerja petugas", "Kinerja harian"} <= set(book.sheetnames)
    write_report(journeys_db, mall, parse_period("2026-11-23"), tmp_path / "r.zip", "csv",
                 generated_at=GENERATED)
    with zipfile.ZipFile(tmp_path / "r.zip") as archive:
        name = next(n for n in archive.namelist() if n.endswith("kinerja_petugas.csv"))
        text = archive.read(name).decode("utf-8-sig")
    assert "Budi,Loket 4,1,3,0,11.25" in text
    pdf = write_report(journeys_db, mall, parse_period("2026-11-23"), tmp_path / "r.pdf",
                       "pdf", generated_at=GENERATED)
    shown = subprocess.run(["pdftotext", "-layout", str(pdf.path), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert "Perjalanan pengunjung" in shown and "Kinerja per petugas" in shown
    assert "Budi" in shown


def test_an_older_log_gets_its_stints_from_its_events_on_open(
    journeys_db: Path, mall: MallConfig, tmp_path: Path,
) -> None:
    old = tmp_path / "old.db"
    old.write_bytes(journeys_db.read_bytes())
    connection = sqlite3.connect(old)
    connection.execute("DROP TABLE service_legs")
    connection.execute("DROP TABLE counter_staff")
    connection.commit()
    connection.close()
    readonly = open_readonly(old)
    try:
        before = build_report(readonly, mall, parse_period("2026-11-23"), check=False)
    finally:
        readonly.close()
    assert not before.legs_available and before.journeys == []
    assert any("Tidak diketahui" in t.note for t in report_tables(before)
               if t.key == "perjalanan")
    EventLog(old, mall.mpp.timezone).close()  # the hub opens it: the stints are filled in
    readonly = open_readonly(old)
    try:
        assert check_projection(readonly, mall.mpp.timezone).matches
    finally:
        readonly.close()
    after = day_report(old, mall)
    assert [line.journeys for line in after.journeys] == [1, 4]  # ktp, then pbg
    assert {line.staff for line in after.staff_by_name} == {"Budi", "Siti", "Andi", "Dewi"}


def test_a_changed_staff_name_is_named_by_the_check(
    journeys_db: Path, mall: MallConfig, tmp_path: Path,
) -> None:
    copy = tmp_path / "tampered.db"
    copy.write_bytes(journeys_db.read_bytes())
    connection = sqlite3.connect(copy)
    connection.execute("UPDATE service_legs SET staff = 'Andi' WHERE staff = 'Dewi'")
    connection.commit()
    connection.close()
    report = day_report(copy, mall)
    evidence = report.meta.evidence
    assert evidence is not None and not evidence.ok
    [difference] = evidence.named()
    assert (difference.table, difference.columns, difference.stored, difference.rebuilt) == (
        "service_legs", ("staff",), ("Andi",), ("Dewi",))


def test_a_second_ticket_linked_at_the_kiosk_continues_the_journey(
    tmp_path: Path, mall: MallConfig,
) -> None:
    """Issue 17: a visitor served at Dukcapil (A-001, c1) takes a second ticket for DPUPR
    with the first one's number (G-001 linked_to A-001, c4). One journey of ktp: 2
    counters, 08:00 → 08:50 = 50 min; G-001 is no journey of its own. A third ticket
    linked to G-001 still waiting keeps the other journey (A-002 → G-002) unfinished."""
    clock = FakeClock(at(8, 0))
    core = HubCore.open(mall, tmp_path / "antrean.db", clock)

    def run(hour: int, minute: int, command) -> None:  # type: ignore[no-untyped-def]
        clock.now = at(hour, minute)
        core.execute(command)

    run(8, 0, lambda e, now: e.open_counter("c1", now, "Andi"))
    run(8, 0, lambda e, now: e.open_counter("c4", now, "Budi"))
    run(8, 0, lambda e, now: e.issue_ticket("ktp", now))
    run(8, 5, lambda e, now: e.call_ticket("c1", "A-001", now))
    run(8, 20, lambda e, now: e.finish("c1", now))
    run(8, 25, lambda e, now: e.issue_ticket("pbg", now, linked_to="A-001"))   # G-001
    run(8, 30, lambda e, now: e.call_ticket("c4", "G-001", now))
    run(8, 50, lambda e, now: e.finish("c4", now))
    run(9, 0, lambda e, now: e.issue_ticket("ktp", now))
    run(9, 1, lambda e, now: e.call_ticket("c1", "A-002", now))
    run(9, 10, lambda e, now: e.finish("c1", now))
    run(9, 15, lambda e, now: e.issue_ticket("pbg", now, linked_to="A-002"))   # G-002 waits
    with pytest.raises(Exception, match="A-999"):
        core.execute(lambda e, now: e.issue_ticket("pbg", now, linked_to="A-999"))
    assert core.engine.ticket("G-001").journey_id == "2026-11-23/A-001"
    core.close()
    again = HubCore.open(mall, tmp_path / "antrean.db", FakeClock(at(9, 20)))  # replayed
    assert again.engine.ticket("G-002").journey_id == "2026-11-23/A-002"
    again.close()
    report = day_report(tmp_path / "antrean.db", mall)
    assert report.meta.evidence is not None and report.meta.evidence.ok  # verify rebuilds it
    [ktp] = report.journeys
    assert (ktp.service_id, ktp.journeys, ktp.by_counters) == ("ktp", 1, {2: 1})
    assert ktp.total_time.median_minutes == pytest.approx(50)
