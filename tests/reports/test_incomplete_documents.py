"""Berkas tidak lengkap in the report: per service and per missing requirement, per month.

The small test mall with ktp publishing three requirements; counters c1 (ktp, kk) and c4
(pbg). Two business days, Monday 30 November and Tuesday 1 December 2026:

| day    | ticket | service | outcome                                              |
|--------|--------|---------|------------------------------------------------------|
| 30 Nov | A-001  | ktp     | incomplete: Fotokopi KK, Surat pengantar RT/RW       |
| 30 Nov | A-002  | ktp     | incomplete: Fotokopi KK                              |
| 30 Nov | A-003  | ktp     | served                                               |
| 30 Nov | B-001  | kk      | referred to pajak                                    |
| 30 Nov | A-004  | ktp     | transferred to kk at c1, then served there           |
| 30 Nov | G-001  | pbg     | no-show                                              |
| 1 Dec  | A-001  | ktp     | incomplete: Surat pengantar RT/RW                    |
| 1 Dec  | G-001  | pbg     | served                                               |

November: ktp 3 finished, 2 incomplete (66.7 %), 0 referred; kk 2 finished (B-001 and
A-004, which finished at kk), 0 incomplete, 1 referred. Missing in November at ktp:
Fotokopi KK 2, Surat pengantar RT/RW 1. December: ktp 1 finished, 1 incomplete, Surat
pengantar RT/RW 1.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hub.config import MallConfig, parse_config
from hub.core import HubCore
from hub.eventlog import open_readonly
from hub.reports import build_report, parse_period
from hub.reports.export_csv import write_csv_zip
from hub.reports.export_pdf import write_pdf
from hub.reports.export_xlsx import write_xlsx
from hub.reports.tables import report_tables
from tests.factories import at, small_mall_data
from tests.reports.conftest import FakeClock

MONDAY_30 = dt.date(2026, 11, 30)
TUESDAY_1 = dt.date(2026, 12, 1)
KTP = ["KTP-el lama", "Fotokopi KK", "Surat pengantar RT/RW"]
GENERATED = dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)


def _mall() -> MallConfig:
    data = small_mall_data()
    data["services"][0]["requirements"] = {"id": KTP}
    return parse_config(data)


def build_days(db_path: Path, config: MallConfig) -> None:
    clock = FakeClock(at(8, 0, day=MONDAY_30))
    core = HubCore.open(config, db_path, clock)

    def run(day: dt.date, minute: int, command) -> None:  # type: ignore[no-untyped-def]
        clock.now = at(8, minute, day=day)
        core.execute(command)

    day = MONDAY_30
    run(day, 0, lambda e, now: e.open_counter("c1", now))
    run(day, 0, lambda e, now: e.open_counter("c4", now))
    for service in ("ktp", "ktp", "ktp", "kk", "ktp", "pbg"):
        run(day, 1, lambda e, now, s=service: e.issue_ticket(s, now))
    run(day, 2, lambda e, now: e.call_ticket("c1", "A-001", now))
    run(day, 5, lambda e, now: e.finish("c1", now, "incomplete_documents",
                                        ["Surat pengantar RT/RW", "Fotokopi KK"]))
    run(day, 6, lambda e, now: e.call_ticket("c1", "A-002", now))
    run(day, 8, lambda e, now: e.finish("c1", now, "incomplete_documents", ["Fotokopi KK"]))
    run(day, 9, lambda e, now: e.call_ticket("c1", "A-003", now))
    run(day, 12, lambda e, now: e.finish("c1", now))
    run(day, 13, lambda e, now: e.call_ticket("c1", "B-001", now))
    run(day, 15, lambda e, now: e.finish("c1", now, "referred", referred_tenant_id="pajak"))
    run(day, 16, lambda e, now: e.call_ticket("c1", "A-004", now))
    run(day, 17, lambda e, now: e.transfer("c1", now, to_service_id="kk"))
    run(day, 18, lambda e, now: e.call_ticket("c1", "A-004", now))
    run(day, 20, lambda e, now: e.finish("c1", now))
    run(day, 21, lambda e, now: e.call_ticket("c4", "G-001", now))
    run(day, 22, lambda e, now: e.recall("c4", now))
    run(day, 23, lambda e, now: e.mark_no_show("c4", now))
    clock.now = at(8, 0, day=TUESDAY_1)
    core.start_day_if_needed()
    day = TUESDAY_1
    run(day, 0, lambda e, now: e.open_counter("c1", now))
    run(day, 0, lambda e, now: e.open_counter("c4", now))
    run(day, 1, lambda e, now: e.issue_ticket("ktp", now))
    run(day, 1, lambda e, now: e.issue_ticket("pbg", now))
    run(day, 2, lambda e, now: e.call_ticket("c1", "A-001", now))
    run(day, 4, lambda e, now: e.finish("c1", now, "incomplete_documents",
                                        ["Surat pengantar RT/RW"]))
    run(day, 2, lambda e, now: e.call_ticket("c4", "G-001", now))
    run(day, 9, lambda e, now: e.finish("c4", now))
    core.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "antrean.db"
    build_days(path, _mall())
    return path


def _report(db: Path, period: str):  # type: ignore[no-untyped-def]
    connection = open_readonly(db)
    try:
        return build_report(connection, _mall(), parse_period(period), generated_at=GENERATED)
    finally:
        connection.close()


def _rows(report, key: str) -> list[list[object]]:  # type: ignore[no-untyped-def]
    return next(t for t in report_tables(report) if t.key == key).rows


def test_november_counts_incomplete_and_referred_visits_per_service(db: Path) -> None:
    report = _report(db, "2026-11")
    assert report.meta.evidence is not None and report.meta.evidence.ok
    rows = _rows(report, "berkas_tidak_lengkap")
    assert rows[:-1] == [
        ["November 2026", "Layanan ktp", "Dukcapil", 3, 2, pytest.approx(2 / 3), 0],
        ["November 2026", "Layanan kk", "Dukcapil", 2, 0, 0.0, 1],
    ]
    assert rows[-1] == ["Jumlah", "", "", 5, 2, pytest.approx(2 / 5), 1]
    assert _rows(report, "persyaratan_kurang") == [
        ["November 2026", "Layanan ktp", "Fotokopi KK", 2],
        ["November 2026", "Layanan ktp", "Surat pengantar RT/RW", 1],
    ]
    # every one of them was finished at the counter: served in the other views
    assert report.totals.served == 5 and report.totals.no_show == 1


def test_a_year_splits_the_months_and_a_day_shows_its_own(db: Path) -> None:
    year = _report(db, "2026")
    assert [row[:5] for row in _rows(year, "berkas_tidak_lengkap")[:-1]] == [
        ["November 2026", "Layanan ktp", "Dukcapil", 3, 2],
        ["November 2026", "Layanan kk", "Dukcapil", 2, 0],
        ["Desember 2026", "Layanan ktp", "Dukcapil", 1, 1],
    ]
    assert _rows(year, "persyaratan_kurang") == [
        ["November 2026", "Layanan ktp", "Fotokopi KK", 2],
        ["November 2026", "Layanan ktp", "Surat pengantar RT/RW", 1],
        ["Desember 2026", "Layanan ktp", "Surat pengantar RT/RW", 1],
    ]
    day = _report(db, "2026-12-01")
    assert _rows(day, "berkas_tidak_lengkap") == [
        ["Desember 2026", "Layanan ktp", "Dukcapil", 1, 1, 1.0, 0],
        ["Jumlah", "", "", 1, 1, 1.0, 0]]


def test_csv_xlsx_and_pdf_carry_the_figures(db: Path, tmp_path: Path) -> None:
    report = _report(db, "2026-11")
    members = write_csv_zip(report, tmp_path / "r.zip")
    with zipfile.ZipFile(tmp_path / "r.zip") as archive:
        name = next(m for m in members if m.endswith("_persyaratan_kurang.csv"))
        lines = archive.read(name).decode("utf-8-sig").splitlines()
    assert lines == ["Bulan,Layanan,Persyaratan,Kunjungan",
                     "November 2026,Layanan ktp,Fotokopi KK,2",
                     "November 2026,Layanan ktp,Surat pengantar RT/RW,1"]
    write_xlsx(report, tmp_path / "r.xlsx")
    workbook = load_workbook(tmp_path / "r.xlsx")
    sheet = next(workbook[n] for n in workbook.sheetnames if n.lower().startswith("berkas"))
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert ["November 2026", "Layanan ktp", "Dukcapil", 3, 2] in [r[:5] for r in values]
    write_pdf(report, tmp_path / "r.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Persyaratan yang kurang" in text
    assert re.search(r"Fotokopi KK\s+2\b", text), text[-2000:]
    assert re.search(r"Layanan ktp\s+Dukcapil\s+3\s+2\s+66,7 %\s+0", text)


def test_an_edited_missing_requirement_is_caught_by_the_check(db: Path) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE visits SET missing_requirements = '[\"KTP-el lama\"]' "
                           "WHERE visit_id = '2026-11-30/A-002'")
    report = _report(db, "2026-11")
    assert report.meta.evidence is not None and not report.meta.evidence.ok
    [difference] = report.meta.evidence.projection.differences
    assert difference.key == "2026-11-30/A-002"
    assert difference.columns == ("missing_requirements",)


def test_a_log_from_before_outcomes_says_the_figures_are_unknown(db: Path,
                                                                 tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(db) as source, sqlite3.connect(old) as copy:
        source.backup(copy)
    with sqlite3.connect(old) as connection:
        for column in ("finish_outcome", "missing_requirements", "referred_tenant_id",
                       "referred_note"):
            connection.execute(f"ALTER TABLE visits DROP COLUMN {column}")
    report = _report(old, "2026-11")
    assert not report.outcomes_recorded
    table = next(t for t in report_tables(report) if t.key == "berkas_tidak_lengkap")
    assert table.rows == [] and table.note.startswith("Tidak diketahui")
    assert report.meta.evidence is not None and report.meta.evidence.ok
