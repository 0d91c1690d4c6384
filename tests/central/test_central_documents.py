"""Berkas tidak lengkap centrally: the hub report's figures, per MPP, against PostgreSQL.

Two MPPs ship the same hand-computed two days (tests/reports/test_incomplete_documents.py)
through `hub ship`; the central report counts, per MPP, month and service, what each
hub's own report counts, and per missing requirement too.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import psycopg
import pytest

from hub.__main__ import main
from hub.central.export import central_tables, write_csv_zip
from hub.central.report import CentralReport, build_central_report, parse_by
from hub.eventlog import open_readonly
from hub.reports import build_report, parse_period
from hub.reports.tables import report_tables
from tests.reports.test_incomplete_documents import _mall, build_days

GENERATED = dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hub") / "uji.db"
    build_days(path, _mall())
    return path


@pytest.fixture
def shipped(central_url: str, log: Path) -> str:
    for mpp_id in ("serang", "uji"):
        assert main(["ship", "--db", str(log), "--to", central_url, "--mpp-id", mpp_id,
                     "--once"]) == 0
    return central_url


def central(url: str, period: str, mpp_id: str | None = None) -> CentralReport:
    with psycopg.connect(url, autocommit=True) as connection:
        return build_central_report(connection, parse_period(period), parse_by("mpp"),
                                    mpp_id, generated_at=GENERATED)


def test_central_counts_incomplete_documents_like_the_hub(shipped: str, log: Path) -> None:
    report = central(shipped, "2026")
    figures = [(d.mpp, d.month, d.service, d.finished, d.incomplete, d.referred)
               for d in report.documents]
    assert figures == [
        ("serang", "2026-11", "kk", 2, 0, 1), ("serang", "2026-11", "ktp", 3, 2, 0),
        ("serang", "2026-12", "ktp", 1, 1, 0),
        ("uji", "2026-11", "kk", 2, 0, 1), ("uji", "2026-11", "ktp", 3, 2, 0),
        ("uji", "2026-12", "ktp", 1, 1, 0)]
    assert [(m.mpp, m.month, m.service, m.requirement, m.visits) for m in report.missing
            if m.mpp == "uji"] == [
        ("uji", "2026-11", "ktp", "Fotokopi KK", 2),
        ("uji", "2026-11", "ktp", "Surat pengantar RT/RW", 1),
        ("uji", "2026-12", "ktp", "Surat pengantar RT/RW", 1)]

    connection = open_readonly(log)
    try:
        hub = build_report(connection, _mall(), parse_period("2026"), generated_at=GENERATED)
    finally:
        connection.close()
    hub_rows = next(t for t in report_tables(hub) if t.key == "berkas_tidak_lengkap").rows
    hub_figures = sorted((row[0], row[1], row[3], row[4], row[6]) for row in hub_rows[:-1])
    tables = {t.key: t for t in central_tables(central(shipped, "2026", "uji"))}
    central_rows = tables["berkas_tidak_lengkap"].rows
    central_figures = sorted((row[1], f"Layanan {row[2]}", row[3], row[4], row[6])
                             for row in central_rows[:-1])
    assert central_figures == hub_figures  # the same counts, one MPP's, as its hub's
    assert central_rows[-1] == ["Jumlah", "", "", 6, 3, 0.5, 1]


def test_a_month_and_the_csv_export(shipped: str, tmp_path: Path) -> None:
    november = central(shipped, "2026-11", "uji")
    assert sum(d.incomplete for d in november.documents) == 2
    assert {m.month for m in november.missing} == {"2026-11"}
    members = write_csv_zip(november, tmp_path / "c.zip")
    with zipfile.ZipFile(tmp_path / "c.zip") as archive:
        name = next(m for m in members if m.endswith("_persyaratan_kurang.csv"))
        lines = archive.read(name).decode("utf-8-sig").splitlines()
    assert lines == ["MPP,Bulan,Layanan,Persyaratan,Kunjungan",
                     "uji,November 2026,ktp,Fotokopi KK,2",
                     "uji,November 2026,ktp,Surat pengantar RT/RW,1"]
    day = central(shipped, "2026-12-01")
    assert [(d.mpp, d.finished, d.incomplete) for d in day.documents] == [
        ("serang", 1, 1), ("uji", 1, 1)]
