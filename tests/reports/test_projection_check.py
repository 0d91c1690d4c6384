"""The visit log is evidence: `verify` and `report` rebuild the visits and SKM answers from
the chained events and name every row that was edited, deleted or inserted.

Tampering happens on a private copy of the hand-logged day (tests/reports/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hub.__main__ import main
from hub.config import MallConfig
from hub.eventlog import chain_hash, open_readonly
from hub.projection_check import check_projection
from hub.reports import build_report, parse_period, write_report
from hub.reports.evidence import period_scope
from tests.reports.test_exports import MALL_TOML

GENERATED = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
TZ = "Asia/Jakarta"


@pytest.fixture
def log(tmp_path: Path, day_db: Path) -> Path:
    copy = tmp_path / "antrean.db"
    shutil.copy(day_db, copy)
    return copy


def tamper(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    for sql in statements:
        connection.execute(sql)
    connection.commit()
    connection.close()


def differences(path: Path, period: str | None = None) -> list[tuple[str, str, str, tuple]]:
    connection = open_readonly(path)
    try:
        scope = period_scope(parse_period(period)) if period else None
        check = (check_projection(connection, TZ, scope) if scope
                 else check_projection(connection, TZ))
    finally:
        connection.close()
    return [(d.table, d.key, d.kind, d.columns) for d in check.differences]


def test_an_untouched_log_matches_row_for_row(log: Path) -> None:
    connection = open_readonly(log)
    check = check_projection(connection, TZ)
    connection.close()
    assert check.matches and check.differences == []
    # Legs: A-001 transferred and finished at c2, A-002, B-001, G-001 served, A-004 no-show.
    assert check.rows_compared == {"visits": 7, "surveys": 2, "service_legs": 6,
                                   "complaints": 0, "appointments": 0}
    assert differences(log, "2026-11-23") == [] and differences(log, "2026") == []


def test_a_visit_moved_to_another_tenant_is_named_with_its_columns(log: Path) -> None:
    # The example: one Disdukcapil visit "moved" to KPP Pratama in visits only.
    tamper(log, "UPDATE visits SET tenant_id = 'pajak', service_id = 'npwp' "
                "WHERE visit_id = '2026-11-23/B-001'")
    expected = [("visits", "2026-11-23/B-001", "differs", ("service_id", "tenant_id"))]
    assert differences(log) == expected
    assert differences(log, "2026-11") == expected


def test_a_deleted_visit_is_named_missing(log: Path) -> None:
    tamper(log, "DELETE FROM visits WHERE visit_id = '2026-11-23/A-004'")
    assert differences(log, "2026-11-23") == [("visits", "2026-11-23/A-004", "missing", ())]


def test_an_inserted_visit_is_named_extra_even_under_a_foreign_id(log: Path) -> None:
    tamper(log,
           "INSERT INTO visits (visit_id, business_day, year, month, service_id, tenant_id, "
           "outcome) VALUES ('2026-11-23/Z-001', '2026-11-23', 2026, '2026-11', 'npwp', "
           "'pajak', 'served')",
           # An id outside the day, dated into it by its columns: the report would count it.
           "INSERT INTO visits (visit_id, business_day, year, month, service_id, tenant_id, "
           "outcome) VALUES ('palsu-1', '2026-11-23', 2026, '2026-11', 'npwp', 'pajak', "
           "'served')")
    assert sorted(differences(log, "2026-11-23")) == [
        ("visits", "2026-11-23/Z-001", "extra", ()), ("visits", "palsu-1", "extra", ())]
    assert ("visits", "palsu-1", "extra", ()) in differences(log)


def test_edited_deleted_and_inserted_survey_answers_are_named(log: Path) -> None:
    tamper(log, "UPDATE surveys SET u1 = 1 WHERE survey_id = '2026-11-23/G-001'",
           "DELETE FROM surveys WHERE survey_id = '2026-11-23/A-002'",
           "INSERT INTO surveys (survey_id, visit_id, business_day, year, month, tenant_id, "
           "u1) VALUES ('2026-11-23/B-001', '2026-11-23/B-001', '2026-11-23', 2026, "
           "'2026-11', 'dukcapil', 4)")
    assert differences(log, "2026") == [
        ("surveys", "2026-11-23/A-002", "missing", ()),
        ("surveys", "2026-11-23/B-001", "extra", ()),
        ("surveys", "2026-11-23/G-001", "differs", ("u1",)),
    ]


def _event_seq(path: Path, event_type: str, ticket: str) -> int:
    connection = open_readonly(path)
    seq = connection.execute("SELECT seq FROM events WHERE type = ? AND payload LIKE ?",
                             (event_type, f'%"{ticket}"%')).fetchone()[0]
    connection.close()
    return int(seq)


def test_an_edited_event_breaks_the_chain_and_the_visit_it_gave(
    log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seq = _event_seq(log, "ticket_issued", "2026-11-23/B-001")
    tamper(log, "UPDATE events SET payload = replace(payload, '\"dukcapil\"', '\"pajak\"') "
                f"WHERE seq = {seq}")
    assert differences(log) == [("visits", "2026-11-23/B-001", "differs", ("tenant_id",))]
    assert main(["verify", "--db", str(log)]) == 1
    out = capsys.readouterr().out
    assert f"BROKEN at seq {seq} (content_edited)" in out
    assert "visits 2026-11-23/B-001: tenant_id 'dukcapil' ≠ 'pajak'" in out


def test_a_deleted_event_breaks_the_chain_and_its_visit_shows(log: Path) -> None:
    seq = _event_seq(log, "ticket_no_show", "2026-11-23/A-004")
    tamper(log, f"DELETE FROM events WHERE seq = {seq}")
    [(table, key, kind, columns), leg] = differences(log)
    assert (table, key, kind) == ("visits", "2026-11-23/A-004", "differs")
    assert "outcome" in columns and "ended_at" in columns
    assert leg == ("service_legs", f"2026-11-23/A-004@{seq}", "extra", ())


def test_an_inserted_chained_event_is_named_as_the_row_it_should_have_given(
    log: Path,
) -> None:
    # A forger appends a correctly chained ticket_issued event but no visit row.
    connection = sqlite3.connect(log)
    seq, head = connection.execute(
        "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    payload = json.dumps({"at": "2026-11-24T08:01:00+07:00", "category": "non-perizinan",
                          "channel": "kiosk", "estimated_wait_minutes": 5, "issued_by": None,
                          "label": "A-001", "number": 1, "people_ahead": 0,
                          "prefix": "A", "priority_kind": None, "service_id": "ktp",
                          "tenant_id": "dukcapil", "ticket_id": "2026-11-24/A-001",
                          "type": "ticket_issued"}, sort_keys=True, separators=(",", ":"))
    at = "2026-11-24T08:01:00+07:00"
    connection.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?)",
                       (seq + 1, at, "ticket_issued", payload,
                        chain_hash(head, seq + 1, "ticket_issued", at, payload)))
    connection.commit()
    connection.close()
    assert differences(log) == [("visits", "2026-11-24/A-001", "missing", ())]
    assert differences(log, "2026-11-23") == []  # another day's visit


def test_the_report_warns_on_its_first_page_and_in_the_xlsx(
    log: Path, tmp_path: Path, mall: MallConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(log, "UPDATE visits SET tenant_id = 'pajak' WHERE visit_id = '2026-11-23/B-001'")
    config = tmp_path / "mall.toml"
    config.write_text(MALL_TOML)
    pdf = tmp_path / "laporan.pdf"
    code = main(["report", "--db", str(log), "--config", str(config), "--period",
                 "2026-11-23", "--format", "pdf", "--out", str(pdf)])
    err = capsys.readouterr().err
    assert code == 1 and pdf.exists()
    assert "WARNING" in err and "visits 2026-11-23/B-001: tenant_id 'pajak'" in err
    if shutil.which("pdftotext"):
        first = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True,
                               text=True, check=True).stdout
        assert "PERINGATAN: DATA TIDAK COCOK DENGAN LOG KEJADIAN" in first
        assert "kunjungan 2026-11-23/B-001: tenant_id 'pajak', menurut log 'dukcapil'" in first
    xlsx = tmp_path / "laporan.xlsx"
    written = write_report(log, mall, parse_period("2026-11"), xlsx, "xlsx",
                           generated_at=GENERATED)
    assert written.evidence is not None and not written.evidence.ok
    workbook = load_workbook(xlsx)
    assert str(workbook["Info"]["A2"].value).startswith("PERINGATAN / WARNING: TIDAK COCOK")
    sheet = workbook["Pemeriksaan data"]
    assert [cell.value for cell in sheet[4]][:3] == ["visits", "2026-11-23/B-001",
                                                     "berbeda dari log"]


def test_a_matching_report_says_it_was_checked(day_db: Path, mall: MallConfig) -> None:
    connection = open_readonly(day_db)
    report = build_report(connection, mall, parse_period("2026-11-23"), generated_at=GENERATED)
    connection.close()
    evidence = report.meta.evidence
    assert evidence is not None and evidence.ok
    assert evidence.projection.rows_compared == {"visits": 7, "surveys": 2, "service_legs": 6,
                                                "complaints": 0}
    assert evidence.verdict_id().startswith("Cocok: rantai hash utuh (32 kejadian)")
