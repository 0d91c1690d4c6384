"""The central report as tables, written by the hub report's own CSV, XLSX and PDF code.

Three tables: the visitors per group (`--by`), the IKM of each MPP, and where the data come
from (each MPP's chain head centrally and any refusal). Headings and number formats are
those of `hub.reports.tables`; each writer renders them as it renders the hub's report.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from hub.central.report import HEADINGS, CentralLine, CentralReport
from hub.reports import export_pdf, export_xlsx
from hub.reports.export_csv import table_csv
from hub.reports.period import Period
from hub.reports.skm import WEIGHT_LABELS
from hub.reports.tables import (
    ASIDE_COLUMNS,
    IN_PROGRESS_COLUMN,
    OUTCOME_COLUMNS,
    Cell,
    Chart,
    Column,
    Table,
    _skm_table,
    format_cell,
    local_time_label,
)

TITLE = "Laporan Pelayanan Lintas MPP"


def _row(line: CentralLine, in_progress: bool, with_ikm: bool) -> list[Cell]:
    c = line.counts
    values: list[Cell] = [*line.labels, c.visitors, c.served, c.no_show, c.not_served]
    if in_progress:
        values.append(c.in_progress)
    values += [c.transferred, c.cancelled, line.mean_wait_minutes, line.mean_service_minutes]
    if with_ikm:
        skm = line.skm
        values += [skm.respondents if skm else 0,
                   float(skm.ikm) if skm and skm.ikm is not None else None,
                   skm.grade.letter if skm and skm.grade else None]
    return values


def central_tables(report: CentralReport) -> list[Table]:
    """Lay the central report out as tables, in reading order."""
    in_progress = any(line.counts.in_progress for line in report.lines)
    with_ikm = report.total.skm is not None
    first = [Column(HEADINGS[d], "text") for d in report.by]
    columns = (first + OUTCOME_COLUMNS + ([IN_PROGRESS_COLUMN] if in_progress else [])
               + ASIDE_COLUMNS + [Column("Rata-rata tunggu (menit)", "minutes"),
                                  Column("Rata-rata layanan (menit)", "minutes")])
    if with_ikm:
        columns += [Column("Responden SKM"), Column("IKM", "decimal"), Column("Mutu", "text")]
    rows = [_row(line, in_progress, with_ikm) for line in report.lines]
    if rows:
        total = _row(report.total, in_progress, with_ikm)
        rows.append(["Jumlah", *[""] * (len(report.by) - 1), *total[1:]])
    by = " × ".join(HEADINGS[d].lower() for d in report.by)
    chart = (Chart("Pengunjung", 0, (len(report.by),), horizontal=True)
             if len(report.by) == 1 and 1 < len(rows) <= 60 else None)
    visitors = Table(
        "per_" + "_".join(report.by), f"Pengunjung per {by}", columns, rows, chart,
        totals_row=bool(rows),
        note="Pengunjung = Dilayani + Tidak hadir + Tidak terlayani"
             + (" + Dalam proses" if in_progress else "")
             + "; dihitung dengan aturan yang sama seperti laporan setiap hub "
               "(docs/reports.md). Tidak terlayani: masih menunggu saat hari layanan selesai "
               "atau kedaluwarsa.")
    ikm = _skm_table("ikm_mpp", "Indeks Kepuasan Masyarakat (IKM) per MPP",
                     report.ikm_by_mpp, "MPP")
    sources = Table(
        "sumber_data", "Sumber data: log kejadian setiap MPP di basis data pusat",
        [Column("MPP", "text"), Column("ID", "text"), Column("Kejadian terakhir (seq)"),
         Column("Hash terakhir", "text"), Column("Diterima terakhir", "text"),
         Column("Penolakan", "text")],
        [[s.name, s.mpp_id, s.head.seq, s.head.hash[:16] + "…",
          local_time_label(s.last_received_at, "Asia/Jakarta") if s.last_received_at else None,
          "; ".join(f.describe() for f in s.faults[-3:]) or "tidak ada"]
         for s in report.sources],
        note="Setiap kejadian diperiksa rantai hash-nya saat diterima; kejadian yang putus, "
             "bercabang atau diubah ditolak dan dicatat (tabel chain_faults).")
    return [visitors, ikm, *_documents_tables(report), sources]


def _documents_tables(report: CentralReport) -> list[Table]:
    """Berkas tidak lengkap per MPP and service, and per missing requirement, per month."""
    rows: list[list[Cell]] = [
        [d.mpp, Period("month", d.month).label(), d.service, d.finished, d.incomplete,
         d.incomplete_share, d.referred] for d in report.documents]
    if rows:
        finished = sum(d.finished for d in report.documents)
        incomplete = sum(d.incomplete for d in report.documents)
        rows.append(["Jumlah", "", "", finished, incomplete,
                     incomplete / finished if finished else None,
                     sum(d.referred for d in report.documents)])
    by_service = Table(
        "berkas_tidak_lengkap", "Berkas tidak lengkap dan rujukan per MPP dan layanan, per bulan",
        [Column("MPP", "text"), Column("Bulan", "text"), Column("Layanan", "text"),
         Column("Selesai di loket"), Column("Berkas tidak lengkap"), Column("Porsi", "percent"),
         Column("Dirujuk")], rows, totals_row=bool(rows),
        note=("Kunjungan yang selesai di loket dengan berkas tidak lengkap atau dirujuk ke "
              "tempat lain, menurut layanan tempat kunjungan selesai (aturan yang sama seperti "
              "laporan setiap hub); hanya layanan dengan kunjungan seperti itu.") if rows else
             "Tidak ada kunjungan dengan berkas tidak lengkap atau dirujuk pada periode ini.")
    missing = Table(
        "persyaratan_kurang", "Persyaratan yang kurang, per MPP, layanan dan bulan",
        [Column("MPP", "text"), Column("Bulan", "text"), Column("Layanan", "text"),
         Column("Persyaratan", "text"), Column("Kunjungan")],
        [[m.mpp, Period("month", m.month).label(), m.service, m.requirement, m.visits]
         for m in report.missing],
        note=("Persyaratan seperti diumumkan setiap MPP saat kunjungan selesai; satu kunjungan "
              "dapat kurang lebih dari satu persyaratan.") if report.missing else
             "Tidak ada persyaratan yang kurang pada periode ini.")
    return [by_service, missing]


def info_rows(report: CentralReport) -> list[tuple[str, str]]:
    """Who, which period, which MPPs and from which state of their logs."""
    rows = [
        ("Laporan", TITLE),
        ("Periode", report.period.label()),
        ("Dikelompokkan per", " × ".join(HEADINGS[d] for d in report.by)),
        ("MPP", report.mpp_id or f"Semua ({len(report.sources)} MPP)"),
        ("Instansi", report.tenant_id or "Semua instansi"),
        ("Dibuat", local_time_label(report.generated_at, "Asia/Jakarta")),
        ("Bobot IKM", WEIGHT_LABELS[report.ikm_weight]),
    ]
    rows += [(f"Log {s.mpp_id}: seq terakhir / hash", f"{s.head.seq} / {s.head.hash}")
             for s in report.sources]
    if report.faulty:
        rows.append(("PERINGATAN / WARNING",
                     "pengiriman log ditolak untuk " + ", ".join(s.mpp_id for s in report.faulty)
                     + "; angka MPP tersebut berhenti pada kejadian sebelum penolakan / "
                       "shipping was refused for these MPPs; their numbers stop there"))
    return rows


def write_csv_zip(report: CentralReport, path: Path) -> list[str]:
    """A ZIP of one CSV per table, plus 00_info.csv."""
    info = io.StringIO()
    csv.writer(info, lineterminator="\r\n").writerows([("Keterangan", "Nilai"),
                                                       *info_rows(report)])
    members = {"00_info.csv": info.getvalue()}
    for number, table in enumerate(central_tables(report), start=1):
        members[f"{number:02d}_{table.key}.csv"] = table_csv(table)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, "\ufeff" + text)
    return list(members)


def write_xlsx(report: CentralReport, path: Path) -> list[str]:
    """An Info sheet and one sheet per table, with the hub report's styles and charts."""
    workbook = Workbook()
    info = workbook.active
    assert info is not None
    info.title = "Info"
    info["A1"] = f"{TITLE} — {report.period.label()}"
    info["A1"].font = Font(bold=True, size=16)
    for row, (key, value) in enumerate(info_rows(report), start=3):
        info.cell(row, 1, key).font = Font(bold=True)
        info.cell(row, 2, value)
        if key.startswith("PERINGATAN"):
            info.cell(row, 2).font = Font(bold=True, color="C00000")
            info.cell(row, 2).fill = PatternFill("solid", fgColor="FDE9E7")
    info.column_dimensions["A"].width = 38
    info.column_dimensions["B"].width = 90
    for table in central_tables(report):
        sheet = workbook.create_sheet(export_xlsx.sheet_name(table))
        export_xlsx._write_table(sheet, table)
        export_xlsx._add_chart(sheet, table)
    workbook.properties.title = f"{TITLE} {report.period.label()}"
    workbook.properties.creator = "Antrean MPP"
    workbook.save(path)
    return list(workbook.sheetnames)


class CentralPdf(export_pdf.ReportPdf):
    """The hub report's A4 page set, with the central report's running header and footer."""

    def __init__(self, report: CentralReport,
                 font_dir: Path = export_pdf.FONT_DIR) -> None:
        FPDF.__init__(self, orientation="portrait", unit="mm", format="A4")
        self.central = report
        self.set_margins(export_pdf.MARGIN, 18, export_pdf.MARGIN)
        self.set_auto_page_break(True, margin=16)
        self.unicode = (font_dir / "DejaVuSans.ttf").exists()
        if self.unicode:
            for family, regular, bold in (("DejaVu", "DejaVuSans", "DejaVuSans-Bold"),
                                          ("DejaVuCond", "DejaVuSansCondensed",
                                           "DejaVuSansCondensed-Bold")):
                if not (font_dir / f"{regular}.ttf").exists():
                    regular, bold = "DejaVuSans", "DejaVuSans-Bold"
                self.add_font(family, "", font_dir / f"{regular}.ttf")
                self.add_font(family, "B", font_dir / f"{bold}.ttf")
        self.body_font = "DejaVu" if self.unicode else "helvetica"
        self.table_font = "DejaVuCond" if self.unicode else "helvetica"
        self.set_title(f"{TITLE} {report.period.label()}")
        self.set_creator("Antrean MPP")

    def header(self) -> None:
        """The report and period above every page."""
        self.set_font(self.body_font, "", 7.5)
        self.set_text_color(90, 90, 90)
        self.set_xy(export_pdf.MARGIN, 8)
        self.cell(0, 4, f"{TITLE} · {self.central.period.label()}")
        self.set_draw_color(*export_pdf.BLUE)
        self.line(export_pdf.MARGIN, 13, self.w - export_pdf.MARGIN, 13)
        self.set_xy(export_pdf.MARGIN, 18)

    def footer(self) -> None:
        """'Halaman X dari Y' below every page."""
        self.set_y(-11)
        self.set_font(self.body_font, "", 7)
        self.set_text_color(110, 110, 110)
        self.cell(0, 4, f"Halaman {self.page_no()} dari {{nb}}", align="R")


def write_pdf(report: CentralReport, path: Path) -> int:
    """An A4 PDF: the facts, then each table (with its chart); return the page count."""
    pdf = CentralPdf(report)
    pdf.add_page()
    pdf.set_font(pdf.body_font, "B", 16)
    pdf.set_text_color(*export_pdf.BLUE)
    pdf.cell(0, 9, f"{TITLE} — {report.period.label()}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(30, 30, 30)
    for key, value in info_rows(report):
        warning = key.startswith("PERINGATAN")
        pdf.set_font(pdf.body_font, "B", 8)
        if warning:
            pdf.set_text_color(*export_pdf.RED)
        pdf.cell(62, 5, key)
        pdf.set_font(pdf.table_font, "B" if warning else "", 8)
        pdf.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(30, 30, 30)
    pdf.ln(3)
    for number, table in enumerate(central_tables(report), start=1):
        chart_rows = len(table.rows) if table.chart and table.chart.horizontal else 0
        if pdf.get_y() + 45 + chart_rows * 5.2 > pdf.h - 16:
            pdf.add_page()
        export_pdf._section_title(pdf, table.title, number)
        if table.chart is not None and table.chart.horizontal:
            rows = table.rows[:-1] if table.totals_row else table.rows
            labels = [str(row[table.chart.label_column])[:40] for row in rows]
            values = [float(row[table.chart.value_columns[0]] or 0) for row in rows]
            if table.key.startswith("ikm"):  # an index out of 100, with two decimals
                export_pdf.charts.bar_chart(
                    pdf, pdf.body_font, export_pdf.MARGIN, pdf.get_y() + 1,
                    pdf.w - 2 * export_pdf.MARGIN, labels, values, scale_max=100.0,
                    write=lambda value: format_cell(value, "decimal"))
            else:
                export_pdf.charts.bar_chart(pdf, pdf.body_font, export_pdf.MARGIN,
                                            pdf.get_y() + 1, pdf.w - 2 * export_pdf.MARGIN,
                                            labels, values)
        export_pdf._table(pdf, table)
    pdf.output(str(path))
    return pdf.pages_count
