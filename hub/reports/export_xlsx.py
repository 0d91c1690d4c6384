"""XLSX export (openpyxl): an Info sheet, one sheet per view, and real Excel charts.

Numbers are stored as numbers with a display format (so a supervisor can sum or sort
them); charts reference the sheet cells, so they are Excel's own and stay editable.
The busiest-hours sheet is shaded as a heat map with a colour scale.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hub.reports.report import Report
from hub.reports.tables import Cell, Kind, Table, info_rows, report_tables

FORMATS: dict[Kind, str] = {"int": "#,##0", "minutes": "0.0", "percent": "0.0%",
                            "decimal": "0.00", "text": "@"}
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
TOTAL_FILL = PatternFill("solid", fgColor="DDEBF7")
FIRST_DATA_ROW = 4
MAX_ROWS = 10_000
"""Rows per sheet: openpyxl writes ~100,000 cells a second, and a year's raw SKM answers
can pass 90,000 rows × 20 columns. Beyond this the sheet says so; the CSV has them all."""


def sheet_name(table: Table) -> str:
    """Name a sheet after its table key: 'per_instansi' → 'Per instansi' (≤ 31 characters)."""
    name = table.key.replace("_", " ").capitalize()
    return name.replace("Ikm", "IKM").replace("skm", "SKM")[:31]


def _write_table(sheet: Worksheet, table: Table) -> None:
    sheet["A1"] = table.title
    sheet["A1"].font = Font(bold=True, size=14)
    note = table.note
    if len(table.rows) > MAX_ROWS:
        note = (f"{MAX_ROWS:,} baris pertama dari {len(table.rows):,}; semua baris ada di "
                "ekspor CSV (--format csv).").replace(",", ".")
        table = replace(table, rows=table.rows[:MAX_ROWS])
    if note:
        sheet["A2"] = note
        sheet["A2"].font = Font(italic=True, color="555555")
    header_row = FIRST_DATA_ROW - 1
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(header_row, index, column.heading)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for offset, row in enumerate(table.rows):
        number = FIRST_DATA_ROW + offset
        is_total = table.totals_row and offset == len(table.rows) - 1
        for index, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            cell = sheet.cell(number, index, _excel_value(value))
            cell.number_format = FORMATS[column.kind]
            if is_total:
                cell.font = Font(bold=True)
                cell.fill = TOTAL_FILL
    for index, column in enumerate(table.columns, start=1):
        longest = max([len(column.heading) // 2 + 2]
                      + [len(str(row[index - 1] or "")) for row in table.rows[:500]])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, longest + 2))
    sheet.row_dimensions[header_row].height = 32
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 2)


def _excel_value(value: Cell) -> Cell:
    return "" if value is None else value


def _add_chart(sheet: Worksheet, table: Table) -> None:
    spec = table.chart
    if spec is None or not table.rows:
        return
    last = FIRST_DATA_ROW + len(table.rows) - 1 - (1 if table.totals_row else 0)
    if last < FIRST_DATA_ROW:
        return
    chart: BarChart | LineChart = LineChart() if spec.kind == "line" else BarChart()
    if isinstance(chart, BarChart):
        chart.type = "bar" if spec.horizontal else "col"
        if spec.horizontal:
            chart.y_axis.scaling.orientation = "minMax"
            chart.x_axis.scaling.orientation = "maxMin"  # first row at the top, as in the table
    chart.title = spec.title
    chart.y_axis.title = table.columns[spec.value_columns[0]].heading
    for column in spec.value_columns:
        data = Reference(sheet, min_col=column + 1, min_row=FIRST_DATA_ROW - 1, max_row=last)
        chart.add_data(data, titles_from_data=True)
    labels = Reference(sheet, min_col=spec.label_column + 1, min_row=FIRST_DATA_ROW, max_row=last)
    chart.set_categories(labels)
    chart.legend = None if len(spec.value_columns) == 1 else chart.legend
    rows = last - FIRST_DATA_ROW + 1
    chart.height = max(7.5, min(20.0, 0.55 * rows + 3)) if spec.horizontal else 8.5
    chart.width = 18
    sheet.add_chart(chart, f"{get_column_letter(len(table.columns) + 2)}{FIRST_DATA_ROW - 1}")


def _shade_heatmap(sheet: Worksheet, table: Table) -> None:
    if not table.rows or len(table.columns) < 3:
        return
    first = get_column_letter(2)
    last_column = get_column_letter(len(table.columns) - 1)
    last_row = FIRST_DATA_ROW + len(table.rows) - 1
    sheet.conditional_formatting.add(
        f"{first}{FIRST_DATA_ROW}:{last_column}{last_row}",
        ColorScaleRule(start_type="min", start_color="FFFFFF", end_type="max",
                       end_color="F4B183"),
    )


def write_xlsx(report: Report, path: Path) -> list[str]:
    """Write the report as an XLSX workbook; return the sheet names in order."""
    workbook = Workbook()
    info = workbook.active
    assert info is not None
    info.title = "Info"
    info["A1"] = f"Laporan Pelayanan {report.meta.mpp_name}"
    info["A1"].font = Font(bold=True, size=16)
    evidence = report.meta.evidence
    if evidence is not None and not evidence.ok:
        info["A2"] = (f"PERINGATAN / WARNING: {evidence.verdict_id()} {evidence.verdict_en()} "
                      "Rincian: lembar 'Pemeriksaan data'.")
        info["A2"].font = Font(bold=True, color="C00000")
        info["A2"].fill = PatternFill("solid", fgColor="FDE9E7")
    for row, (key, value) in enumerate(info_rows(report), start=3):
        info.cell(row, 1, key).font = Font(bold=True)
        info.cell(row, 2, value)
    info.column_dimensions["A"].width = 38
    info.column_dimensions["B"].width = 90
    for table in report_tables(report):
        sheet = workbook.create_sheet(sheet_name(table))
        _write_table(sheet, table)
        _add_chart(sheet, table)  # charted tables are short: never cut by MAX_ROWS
        if table.extra.get("heatmap"):
            _shade_heatmap(sheet, table)
    workbook.properties.title = f"Laporan {report.meta.mpp_short_name} {report.meta.period.label()}"
    workbook.properties.creator = "Antrean MPP"
    workbook.save(path)
    return list(workbook.sheetnames)
