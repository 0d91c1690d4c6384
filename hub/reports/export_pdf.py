"""PDF export (fpdf2): an A4 report in Indonesian, fit to hand to the mayor.

Page one names the mall and the period, sums the period up in a paragraph and key
figures, and charts the visitors; the views follow as numbered sections with charts
and tables; the last section states the event-log chain head the numbers come from,
so anyone can check them against the log with `python -m hub verify`. Every page has
the mall and period at the top and "Halaman X dari Y" at the bottom.

DejaVu Sans (Debian fonts-dejavu-core) gives proper Unicode; without it the PDF
falls back to the built-in Helvetica and plain-ASCII punctuation.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fpdf import FPDF, FontFace

from hub.reports import pdf_charts as charts
from hub.reports.evidence import describe_id
from hub.reports.queries import OutcomeCounts
from hub.reports.report import Report
from hub.reports.skm import WEIGHT_LABELS
from hub.reports.tables import Table, format_cell, local_time_label, report_tables

logging.getLogger("fontTools").setLevel(logging.WARNING)  # it logs every subset at INFO

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
ASCII_FALLBACK = str.maketrans({"–": "-", "—": "-", "×": "x", "≤": "<=", "≥": ">=",
                                "…": "...", "·": "-", "“": '"', "”": '"', "’": "'"})
BLUE = (31, 78, 121)
RED = (192, 0, 0)
GREEN = (40, 110, 50)
PALE = (221, 235, 247)
STRIPES = (FontFace(fill_color=(255, 255, 255)), FontFace(fill_color=(243, 246, 250)))
MARGIN = 15.0


class ReportPdf(FPDF):
    """An A4 page set with the report's running header and numbered footer."""

    def __init__(self, report: Report, font_dir: Path = FONT_DIR) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report = report
        self.set_margins(MARGIN, 18, MARGIN)
        self.set_auto_page_break(True, margin=16)
        self.unicode = (font_dir / "DejaVuSans.ttf").exists()
        if self.unicode:
            self.add_font("DejaVu", "", font_dir / "DejaVuSans.ttf")
            self.add_font("DejaVu", "B", font_dir / "DejaVuSans-Bold.ttf")
            condensed = font_dir / "DejaVuSansCondensed.ttf"
            bold_condensed = font_dir / "DejaVuSansCondensed-Bold.ttf"
            has_condensed = condensed.exists() and bold_condensed.exists()
            self.add_font("DejaVuCond", "", condensed if has_condensed else
                          font_dir / "DejaVuSans.ttf")
            self.add_font("DejaVuCond", "B", bold_condensed if has_condensed else
                          font_dir / "DejaVuSans-Bold.ttf")
        self.body_font = "DejaVu" if self.unicode else "helvetica"
        self.table_font = "DejaVuCond" if self.unicode else "helvetica"
        meta = report.meta
        self.set_title(f"Laporan Pelayanan {meta.mpp_name} {meta.period.label()}")
        self.set_author(meta.mpp_name)
        self.set_creator("Antrean MPP")

    def normalize_text(self, text: str) -> str:
        """Keep Unicode with DejaVu; map typographic characters to ASCII for Helvetica."""
        if not self.unicode:
            text = text.translate(ASCII_FALLBACK).encode("latin-1", "replace").decode("latin-1")
        return str(super().normalize_text(text))

    def header(self) -> None:
        """Print the mall and period above every page but the first."""
        if self.page_no() == 1:
            return
        meta = self.report.meta
        self.set_font(self.body_font, "", 7.5)
        self.set_text_color(90, 90, 90)
        self.set_xy(MARGIN, 8)
        self.cell(0, 4, f"{meta.mpp_name} · Laporan Pelayanan · {meta.period.label()}")
        self.set_draw_color(*BLUE)
        self.set_line_width(0.3)
        self.line(MARGIN, 13, self.w - MARGIN, 13)
        self.set_xy(MARGIN, 18)

    def footer(self) -> None:
        """Print the log head and 'Halaman X dari Y' below every page."""
        head = self.report.meta.head
        evidence = self.report.meta.evidence
        self.set_y(-11)
        self.set_font(self.body_font, "", 7)
        self.set_text_color(110, 110, 110)
        if evidence is not None and not evidence.ok:
            self.set_text_color(*RED)
            self.set_font(self.body_font, "B", 7)
            self.cell(64, 4, "DATA TIDAK COCOK DENGAN LOG KEJADIAN")
            self.set_font(self.body_font, "", 7)
            self.set_text_color(110, 110, 110)
        self.cell(120, 4, f"Log kejadian seq {head.seq} · hash {head.hash[:16]}…")
        self.cell(0, 4, f"Halaman {self.page_no()} dari {{nb}}", align="R")


def _cover(pdf: ReportPdf) -> None:
    """Title block, summary paragraph, key figures and the visitors chart."""
    report, meta = pdf.report, pdf.report.meta
    pdf.add_page()
    pdf.set_fill_color(*BLUE)
    pdf.rect(0, 0, pdf.w, 46, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(MARGIN, 10)
    pdf.set_font(pdf.body_font, "", 9)
    pdf.cell(0, 5, "LAPORAN PELAYANAN DAN KEPUASAN MASYARAKAT")
    pdf.set_xy(MARGIN, 17)
    pdf.set_font(pdf.body_font, "B", 17)
    pdf.cell(0, 9, meta.mpp_name)
    pdf.set_xy(MARGIN, 28)
    pdf.set_font(pdf.body_font, "", 12)
    scope = f" · {meta.tenant_name}" if meta.tenant_name else ""
    pdf.cell(0, 7, f"Periode: {meta.period.label()}{scope}")
    if meta.address:
        pdf.set_xy(MARGIN, 36)
        pdf.set_font(pdf.body_font, "", 8)
        pdf.cell(0, 5, meta.address)
    pdf.set_text_color(30, 30, 30)
    pdf.set_xy(MARGIN, 52)
    _check_notice(pdf)
    pdf.set_font(pdf.body_font, "", 9.5)
    pdf.multi_cell(0, 5.2, _summary_text(report), align="J")
    pdf.ln(3)
    _key_figures(pdf)
    pdf.ln(4)
    bucket = {"year": "bulan", "month": "hari", "day": "jam"}[meta.period.kind]
    _section_title(pdf, f"Pengunjung per {bucket}")
    lines = report.by_bucket
    labels = [line.short_label if meta.period.kind != "month" else line.key[-2:]
              for line in lines]
    if meta.period.kind == "year":
        labels = [label[:3] for label in labels]
    if meta.period.kind == "day":
        labels = [label[:2] for label in labels]
    charts.column_chart(pdf, pdf.body_font, MARGIN, pdf.get_y() + 1, pdf.w - 2 * MARGIN, 62,
                        labels, [line.counts.visitors for line in lines], "Pengunjung")
    busiest = sorted(report.by_tenant, key=lambda line: -line.counts.visitors)[:8]
    busiest = [line for line in busiest if line.counts.visitors]
    if len(busiest) > 1:
        pdf.ln(2)
        _section_title(pdf, f"{len(busiest)} instansi dengan pengunjung terbanyak")
        charts.bar_chart(pdf, pdf.body_font, MARGIN, pdf.get_y() + 1, pdf.w - 2 * MARGIN,
                         [line.short_label for line in busiest],
                         [line.counts.visitors for line in busiest])


def _check_notice(pdf: ReportPdf) -> None:
    """Say on page one whether the data matched the chained events; a red box if not."""
    evidence = pdf.report.meta.evidence
    if evidence is None:
        return
    if evidence.ok:
        pdf.set_font(pdf.body_font, "", 8)
        pdf.set_text_color(*GREEN)
        pdf.multi_cell(0, 4.2, "Data diperiksa terhadap log kejadian berantai — "
                       + evidence.verdict_id(), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(30, 30, 30)
        pdf.ln(2)
        return
    named = evidence.named()
    lines = ["PERINGATAN: DATA TIDAK COCOK DENGAN LOG KEJADIAN / DATA DOES NOT MATCH THE "
             "EVENT LOG", evidence.verdict_id(), evidence.verdict_en()]
    lines += [f"• {describe_id(difference)}" for difference in named[:6]]
    if evidence.projection.total_differences > 6:
        lines.append(f"… dan {evidence.projection.total_differences - 6} baris lainnya "
                     "(daftar lengkap: ekspor XLSX/CSV, lembar Pemeriksaan data; "
                     "python -m hub verify).")
    top = pdf.get_y()
    pdf.set_fill_color(253, 233, 231)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.6)
    pdf.set_text_color(*RED)
    pdf.set_font(pdf.body_font, "B", 9.5)
    pdf.multi_cell(0, 5, lines[0], border="LTR", fill=True, align="L", padding=(2, 2, 1, 2),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.body_font, "", 8)
    pdf.multi_cell(0, 4.2, "\n".join(lines[1:]), border="LBR", fill=True, align="L",
                   padding=(0, 2, 2, 2), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(30, 30, 30)
    pdf.set_draw_color(190, 190, 190)
    pdf.set_line_width(0.2)
    pdf.ln(3 if pdf.get_y() > top else 0)


def _summary_text(report: Report) -> str:
    """Say the period's story in one Indonesian paragraph."""
    meta, totals, times = report.meta, report.totals, report.times_total
    visitors = max(1, totals.visitors)
    text = (
        f"Pada {meta.period.label().replace('Tahun', 'tahun')}, "
        f"{meta.tenant_name or meta.mpp_name} menerbitkan {format_cell(totals.issued, 'int')} "
        f"tiket antrean untuk {format_cell(totals.visitors, 'int')} pengunjung: "
        f"{format_cell(totals.served, 'int')} dilayani "
        f"({format_cell(totals.served / visitors, 'percent')}), "
        f"{format_cell(totals.not_served, 'int')} tidak terlayani"
        f"{_not_served_why(totals)}, "
        f"{format_cell(totals.no_show, 'int')} tidak hadir saat dipanggil"
    )
    if totals.in_progress:
        text += (f", dan {format_cell(totals.in_progress, 'int')} masih dalam proses "
                 f"(hari layanan {meta.running_day} belum berakhir)")
    text += ". "
    if totals.transferred:
        text += (f"{format_cell(totals.transferred, 'int')} pengunjung dialihkan ke layanan "
                 "lain; mereka sudah termasuk dalam angka di atas menurut hasil akhirnya. ")
    if times.wait.count:
        text += (f"Rata-rata waktu tunggu {format_cell(times.wait.mean_minutes, 'minutes')} "
                 f"menit (median {format_cell(times.wait.median_minutes, 'minutes')} menit); "
                 f"{format_cell(times.within_share, 'percent')} pengunjung dipanggil dalam "
                 "target waktu tunggu layanannya. ")
    if totals.cancelled:
        text += (f"{format_cell(totals.cancelled, 'int')} tiket dibatalkan karena tidak "
                 "tercetak dan tidak dihitung sebagai pengunjung. ")
    skm = report.skm_total
    if skm.ikm is not None and skm.grade is not None:
        text += (f"Indeks Kepuasan Masyarakat (IKM) {format_cell(float(skm.ikm), 'decimal')} "
                 f"dari {format_cell(skm.respondents, 'int')} responden: mutu pelayanan "
                 f"{skm.grade.letter} ({skm.grade.quality}).")
    return text


def _not_served_why(totals: OutcomeCounts) -> str:
    """Say why visitors were not served, in brackets (empty when none were)."""
    reasons = [(totals.waiting_at_close, "masih menunggu saat layanan tutup"),
               (totals.expired, "kedaluwarsa")]
    named = [f"{format_cell(count, 'int')} {why}" for count, why in reasons if count]
    return f" ({', '.join(named)})" if named else ""


def _key_figures(pdf: ReportPdf) -> None:
    """Four boxes per row with the period's headline numbers."""
    report = pdf.report
    totals, times, skm = report.totals, report.times_total, report.skm_total
    figures = [
        ("Pengunjung", format_cell(totals.visitors, "int")),
        ("Dilayani", format_cell(totals.served, "int")),
        ("Tidak terlayani", format_cell(totals.not_served, "int")),
        ("Tidak hadir", format_cell(totals.no_show, "int")),
        ("Rata-rata tunggu", f"{format_cell(times.wait.mean_minutes, 'minutes')} menit"),
        ("Dalam target", format_cell(times.within_share, "percent")),
        ("Rata-rata layanan", f"{format_cell(times.service.mean_minutes, 'minutes')} menit"),
        ("IKM", f"{format_cell(float(skm.ikm), 'decimal')} ({skm.grade.letter})"
         if skm.ikm is not None and skm.grade else "–"),
    ]
    width = (pdf.w - 2 * MARGIN - 3 * 4) / 4
    top = pdf.get_y()
    for index, (label, value) in enumerate(figures):
        x = MARGIN + (index % 4) * (width + 4)
        y = top + (index // 4) * 21
        pdf.set_fill_color(*PALE)
        pdf.rect(x, y, width, 18, style="F")
        pdf.set_xy(x + 3, y + 2.5)
        pdf.set_font(pdf.body_font, "", 7.5)
        pdf.set_text_color(70, 70, 70)
        pdf.cell(width - 6, 4, label)
        pdf.set_xy(x + 3, y + 8)
        pdf.set_font(pdf.body_font, "B", 13)
        pdf.set_text_color(*BLUE)
        pdf.cell(width - 6, 7, value)
    pdf.set_text_color(30, 30, 30)
    pdf.set_xy(MARGIN, top + 42)


def _section_title(pdf: ReportPdf, title: str, number: int | None = None) -> None:
    pdf.set_font(pdf.body_font, "B", 12)
    pdf.set_text_color(*BLUE)
    pdf.cell(0, 8, f"{number}. {title}" if number else title,
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(30, 30, 30)


def _font_size(table: Table) -> float:
    """Smaller type for wide tables so that they fit the A4 width."""
    return 6.5 if len(table.columns) > 11 else 7 if len(table.columns) > 8 else 8


def _column_widths(pdf: ReportPdf, table: Table) -> list[float]:
    """Fit each column to its widest value or heading word; long texts share what is left."""
    available = pdf.w - 2 * MARGIN
    size = _font_size(table)
    widths: list[float] = []
    for index, column in enumerate(table.columns):
        pdf.set_font(pdf.table_font, "B", size)
        words = column.heading.split() if column.kind != "text" else [column.heading]
        longest_heading = max((pdf.get_string_width(w) for w in words), default=0)
        pdf.set_font(pdf.table_font, "", size)
        longest = max([pdf.get_string_width(format_cell(row[index], column.kind))
                       for row in table.rows] + [longest_heading])
        widths.append(longest + 3.5)
    text_columns = [i for i, c in enumerate(table.columns) if c.kind == "text"]
    numeric = sum(w for i, w in enumerate(widths) if i not in text_columns)
    wanted = sum(widths[i] for i in text_columns)
    room = available - numeric
    if text_columns and wanted > room:
        for index in text_columns:  # shrink long texts (they wrap), never below 22 mm
            widths[index] = max(min(22.0, widths[index]), room * widths[index] / wanted)
    total = sum(widths)
    return [w * available / total for w in widths] if total > available else widths


def _table(pdf: ReportPdf, table: Table) -> None:
    """Print a table with repeated headings, right-aligned numbers and a bold total row."""
    if not table.rows:
        pdf.set_font(pdf.body_font, "", 8.5)
        pdf.cell(0, 6, table.note or "Tidak ada data pada periode ini.",
                 new_x="LMARGIN", new_y="NEXT")
        return
    heat = bool(table.extra.get("heatmap"))
    peak = max((float(v) for row in table.rows for v in row[1:-1] if isinstance(v, int)),
               default=0.0)
    widths = _column_widths(pdf, table)
    size = _font_size(table)
    pdf.set_font(pdf.table_font, "", size)
    heading = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=BLUE)
    total_style = FontFace(emphasis="BOLD", fill_color=PALE)
    aligns = ["LEFT" if c.kind == "text" else "RIGHT" for c in table.columns]
    pdf.set_draw_color(190, 190, 190)
    pdf.set_line_width(0.1)
    with pdf.table(col_widths=widths, text_align=aligns, headings_style=heading,
                   line_height=size * 0.5, padding=(0.8, 1.2), borders_layout="HORIZONTAL_LINES",
                   width=min(sum(widths), pdf.epw), align="LEFT") as grid:
        head = grid.row()
        for column in table.columns:
            head.cell(column.heading, align="CENTER" if column.kind != "text" else "LEFT")
        for number, values in enumerate(table.rows):
            is_total = table.totals_row and number == len(table.rows) - 1
            row = grid.row()
            for index, (value, column) in enumerate(zip(values, table.columns, strict=True)):
                # Every cell names its fill: fpdf2 would otherwise reuse the heading's blue.
                style = total_style if is_total else STRIPES[number % 2]
                if heat and 0 < index < len(table.columns) - 1 and isinstance(value, int):
                    style = FontFace(fill_color=charts.heat_colour(value, peak))
                row.cell(format_cell(value, column.kind) if value != "" else "", style=style)
    if table.note:
        pdf.set_font(pdf.body_font, "", 7)
        pdf.set_text_color(90, 90, 90)
        pdf.multi_cell(0, 3.6, table.note, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(30, 30, 30)
    pdf.ln(4)


def _chart_for(pdf: ReportPdf, table: Table) -> None:
    """Draw a table's horizontal bar chart above it (vertical ones are on page one)."""
    spec = table.chart
    if spec is None or not spec.horizontal:
        return
    rows = table.rows[:-1] if table.totals_row else table.rows
    labels = [str(row[spec.label_column]) for row in rows]
    values = [float(row[spec.value_columns[0]] or 0) for row in rows]
    if table.key in ("per_instansi", "ikm_instansi"):
        short = {line.label: line.short_label for line in pdf.report.by_tenant}
        labels = [short.get(label, label) for label in labels]
    labels = [label if len(label) <= 40 else label[:39] + "…" for label in labels]
    if table.key.startswith("ikm"):  # an index out of 100, written with two decimals
        charts.bar_chart(pdf, pdf.body_font, MARGIN, pdf.get_y() + 1, pdf.w - 2 * MARGIN,
                         labels, values, scale_max=100.0,
                         write=lambda value: format_cell(value, "decimal"))
        return
    charts.bar_chart(pdf, pdf.body_font, MARGIN, pdf.get_y() + 1, pdf.w - 2 * MARGIN,
                     labels, values)


def _evidence(pdf: ReportPdf, number: int) -> None:
    """State the log state the report was computed from, and how to check it."""
    meta = pdf.report.meta
    if pdf.get_y() > pdf.h - 70:
        pdf.add_page()
    _section_title(pdf, "Keaslian data", number)
    pdf.set_font(pdf.body_font, "", 8.5)
    pdf.multi_cell(0, 4.6, (
        "Setiap kejadian antrean (tiket diambil, dipanggil, dilayani, dialihkan, tidak hadir) "
        "dicatat berurutan di log kejadian hub dan dirantai dengan hash SHA-256 ke kejadian "
        "sebelumnya, sehingga perubahan atau penghapusan satu baris pun dapat diketahui. "
        "Laporan ini dihitung dari keadaan log berikut:"), align="J",
        new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    rows = [("Nomor kejadian terakhir (seq)", str(meta.head.seq)),
            ("Hash terakhir (SHA-256)", meta.head.hash),
            ("Dibuat", local_time_label(meta.generated_at, meta.timezone)),
            ("Bobot IKM", WEIGHT_LABELS[meta.ikm_weight]),
            ("Pemeriksaan", "python -m hub verify --db <berkas log>")]
    if meta.evidence is not None:
        rows.append(("Data periode ini", meta.evidence.verdict_id()))
    for key, value in rows:
        pdf.set_font(pdf.body_font, "B", 8)
        pdf.cell(52, 5, key)
        pdf.set_font(pdf.table_font, "", 8)
        pdf.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")


def write_pdf(report: Report, path: Path, font_dir: Path = FONT_DIR) -> int:
    """Write the report as an A4 PDF; return the number of pages."""
    pdf = ReportPdf(report, font_dir)
    _cover(pdf)
    pdf.add_page()
    number = 0
    for table in report_tables(report):
        if not table.in_pdf:
            continue
        number += 1
        chart_rows = len(table.rows) if table.chart and table.chart.horizontal else 0
        if pdf.get_y() + 45 + chart_rows * 5.2 > pdf.h - 16:  # keep a title with its chart
            pdf.add_page()
        _section_title(pdf, table.title, number)
        _chart_for(pdf, table)
        _table(pdf, table)
    _evidence(pdf, number + 1)
    pdf.output(str(path))
    return pdf.pages_count
