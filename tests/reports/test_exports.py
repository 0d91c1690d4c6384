"""The report as files: the CSV ZIP, the XLSX (sheets and real charts) and the A4 PDF."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hub.__main__ import main
from hub.config import MallConfig
from hub.eventlog import open_readonly
from hub.reports import build_report, parse_period, write_report
from hub.reports.export_pdf import write_pdf
from hub.reports.report import Report

GENERATED = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def day(day_db: Path, mall: MallConfig) -> Report:
    connection = open_readonly(day_db)
    try:
        return build_report(connection, mall, parse_period("2026-11-23"),
                            generated_at=GENERATED)
    finally:
        connection.close()


def test_csv_zip_has_one_file_per_view_and_the_chain_head(
    tmp_path: Path, day_db: Path, mall: MallConfig
) -> None:
    out = tmp_path / "laporan.zip"
    written = write_report(day_db, mall, parse_period("2026-11-23"), out, "csv",
                           generated_at=GENERATED)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        info = archive.read("00_info.csv").decode("utf-8-sig")
        tenants = list(csv.reader(io.StringIO(
            archive.read(next(n for n in names if n.endswith("per_instansi.csv")))
            .decode("utf-8-sig"))))
        answers = archive.read(next(n for n in names if n.endswith("jawaban_skm.csv")))
        assert archive.comment.decode().endswith(written.head.hash)
    assert names == written.parts
    assert names[:3] == ["00_info.csv", "01_per_jam.csv", "02_per_instansi.csv"]
    assert {"03_per_layanan.csv", "05_tidak_terlayani.csv", "08_jam_sibuk.csv",
            "11_ikm_unsur.csv"} <= set(names)
    assert written.head.hash in info and f",{written.head.seq}\r\n" in info
    assert tenants[0][:3] == ["Instansi", "Pengunjung", "Dilayani"]
    assert tenants[1][:3] == ["Disdukcapil", "5", "3"]
    assert tenants[-1][:2] == ["Jumlah", "6"]
    assert b"Ruang tunggu panas" in answers


def test_csv_needs_a_zip_name(tmp_path: Path, day_db: Path, mall: MallConfig) -> None:
    with pytest.raises(ValueError, match="ZIP"):
        write_report(day_db, mall, parse_period("2026"), tmp_path / "x.csv", "csv")


def test_xlsx_has_a_sheet_per_view_and_excel_charts(
    tmp_path: Path, day_db: Path, mall: MallConfig
) -> None:
    out = tmp_path / "laporan.xlsx"
    written = write_report(day_db, mall, parse_period("2026-11-23"), out, "xlsx",
                           generated_at=GENERATED)
    workbook = load_workbook(out)
    assert workbook.sheetnames == written.parts
    assert workbook.sheetnames[:5] == ["Info", "Per jam", "Per instansi", "Per layanan",
                                       "Per kategori"]
    assert {"Jam sibuk", "IKM unsur", "Jawaban SKM"} <= set(workbook.sheetnames)
    info = {row[0]: row[1] for row in workbook["Info"].iter_rows(min_row=3, values_only=True)}
    assert info["Log kejadian: hash terakhir (SHA-256)"] == written.head.hash
    assert info["Periode"] == "Senin, 23 November 2026"
    tenants = workbook["Per instansi"]
    assert [c.value for c in tenants[3]][:3] == ["Instansi", "Pengunjung", "Dilayani"]
    assert [c.value for c in tenants[4]][:3] == ["Disdukcapil", 5, 3]
    with zipfile.ZipFile(out) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        first = archive.read("xl/charts/chart1.xml").decode()
    assert len(charts) >= 3  # visitors per hour, per tenant, busiest hours (+ IKM)
    assert "barChart>" in first
    assert "'Per jam'!$B$4" in first or "'Per jam'!$B$3" in first


def test_year_xlsx_has_the_tenant_by_month_sheet_and_a_line_chart_for_a_month(
    tmp_path: Path, day_db: Path, mall: MallConfig
) -> None:
    out = tmp_path / "tahun.xlsx"
    write_report(day_db, mall, parse_period("2026"), out, "xlsx")
    sheet = load_workbook(out)["Instansi x bulan"]
    header = [c.value for c in sheet[3]]
    assert header[:2] == ["Instansi", "Jan"] and header[-1] == "Jumlah"
    row = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] == "Dukcapil")
    assert row[11] == 5 and row[13] == 5  # November, and the year's total
    month = tmp_path / "bulan.xlsx"
    write_report(day_db, mall, parse_period("2026-11"), month, "xlsx")
    with zipfile.ZipFile(month) as archive:
        assert "lineChart>" in archive.read("xl/charts/chart1.xml").decode()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_pdf_renders_to_png_pages(tmp_path: Path, day: Report) -> None:
    out = tmp_path / "laporan.pdf"
    pages = write_pdf(day, out)
    assert out.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(out), str(tmp_path / "page")],
                   check=True, timeout=60)
    rendered = sorted(tmp_path.glob("page-*.png"))
    assert len(rendered) == pages >= 2
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    assert "MPP Uji" in text and "Senin, 23 November 2026" in text
    assert f"Halaman 1 dari {pages}" in text
    assert day.meta.head.hash in text
    assert "80,56" in text  # the IKM, written the Indonesian way


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_pdf_falls_back_to_a_builtin_font_without_dejavu(tmp_path: Path, day: Report) -> None:
    out = tmp_path / "ascii.pdf"
    write_pdf(day, out, font_dir=tmp_path / "no-fonts-here")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    assert "Halaman 1 dari" in text and "Pengunjung" in text


def test_report_command_writes_and_prints_the_head(
    tmp_path: Path, day_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "mall.toml"
    config.write_text(MALL_TOML)
    out = tmp_path / "r.pdf"
    code = main(["report", "--db", str(day_db), "--config", str(config), "--period",
                 "2026-11-23", "--format", "pdf", "--out", str(out), "--ikm-weight", "0.11"])
    printed = capsys.readouterr().out
    assert code == 0 and out.exists()
    assert "event log head: seq" in printed
    assert main(["report", "--db", str(day_db), "--config", str(config), "--period",
                 "2026-13", "--format", "pdf", "--out", str(out)]) == 1
    assert "--period" in capsys.readouterr().err
    assert main(["report", "--db", str(day_db), "--config", str(config), "--period",
                 "2026", "--tenant", "nobody", "--format", "xlsx", "--out", str(out)]) == 1
    assert main(["report", "--db", str(tmp_path / "none.db"), "--config", str(config),
                 "--period", "2026", "--format", "xlsx", "--out", str(out)]) == 1


def _mall_toml() -> str:
    """The small test mall as TOML, for the command line (which reads a file)."""
    from tests.factories import small_mall_data

    data = small_mall_data()
    lines: list[str] = []

    def value(item: object) -> str:
        if isinstance(item, dict):
            return "{ " + ", ".join(f"{k} = {value(v)}" for k, v in item.items()) + " }"
        if isinstance(item, list):
            return "[" + ", ".join(value(v) for v in item) + "]"
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, str):
            return '"' + item + '"'
        return str(item)

    for key, section in data.items():
        if isinstance(section, list):
            for item in section:
                lines.append(f"[[{key}]]")
                lines += [f"{k} = {value(v)}" for k, v in item.items()]
        else:
            lines.append(f"[{key}]")
            lines += [f"{k} = {value(v)}" for k, v in section.items()]
    return "\n".join(lines) + "\n"


MALL_TOML = _mall_toml()


def test_xlsx_cuts_only_very_long_sheets_and_says_so(
    tmp_path: Path, day_db: Path, mall: MallConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hub.reports import export_xlsx

    monkeypatch.setattr(export_xlsx, "MAX_ROWS", 1)
    out = tmp_path / "cut.xlsx"
    write_report(day_db, mall, parse_period("2026-11-23"), out, "xlsx")
    answers = load_workbook(out)["Jawaban SKM"]
    assert "1 baris pertama dari 2" in answers["A2"].value
    assert answers["A4"].value == "2026-11-23/A-002" and answers["A5"].value is None
