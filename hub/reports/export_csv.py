"""CSV export: one ZIP holding one UTF-8 CSV per view, plus info.csv with the chain head.

A ZIP rather than a folder so that `--out FILE` stays one file that can be mailed or
archived as it is. Each CSV has a byte-order mark so Excel opens it as UTF-8, commas
between fields and a dot for decimals (machine-readable; the XLSX is for people).
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from hub.reports.report import Report
from hub.reports.tables import Cell, Kind, Table, info_rows, report_tables

UNITS: dict[Kind, str] = {"percent": " (%)"}


def csv_value(value: Cell, kind: Kind) -> Cell:
    """Write a value for machines: minutes with 2 decimals, shares as percent, none empty."""
    if value is None:
        return ""
    if kind == "percent":
        return round(float(value) * 100, 2)
    if kind in ("minutes", "decimal"):
        return round(float(value), 2 if kind == "minutes" else 4)
    return value


def table_csv(table: Table) -> str:
    """Render one table as CSV text (header row, then the rows)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.heading + UNITS.get(column.kind, "") for column in table.columns])
    for row in table.rows:
        writer.writerow([csv_value(value, column.kind)
                         for value, column in zip(row, table.columns, strict=True)])
    return buffer.getvalue()


def write_csv_zip(report: Report, path: Path) -> list[str]:
    """Write the report as a ZIP of CSV files; return the member names written."""
    info = io.StringIO()
    csv.writer(info, lineterminator="\r\n").writerows([("Keterangan", "Nilai"),
                                                       *info_rows(report)])
    members = {"00_info.csv": info.getvalue()}
    for number, table in enumerate(report_tables(report), start=1):
        members[f"{number:02d}_{table.key}.csv"] = table_csv(table)
    head = report.meta.head
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.comment = f"event log head seq={head.seq} hash={head.hash}".encode()
        for name, text in members.items():
            archive.writestr(name, "\ufeff" + text)
    return list(members)
