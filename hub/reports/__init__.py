"""Visitor and satisfaction reports over the event log (issue 7), as CSV, XLSX or PDF.

`build_report` computes every view from one snapshot of a read-only connection;
`write_report` opens the log read-only, builds the report and writes one file.
Layers: period → queries/skm (SQL) → report (roll-ups) → tables (Indonesian layout)
→ export_csv / export_xlsx / export_pdf. See docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from hub.config import MallConfig
from hub.eventlog import open_readonly
from hub.reports.evidence import Evidence
from hub.reports.period import Period, parse_period
from hub.reports.queries import ChainHead
from hub.reports.report import Report, build_report
from hub.reports.skm import IkmWeight

Format = Literal["csv", "xlsx", "pdf"]

__all__ = ["ChainHead", "Format", "Period", "Report", "Written", "build_report",
           "parse_period", "write_report"]


@dataclass(frozen=True, slots=True)
class Written:
    """What `write_report` produced: the file, the log head it reflects, and its parts."""

    path: Path
    head: ChainHead
    parts: list[str]
    """CSV members, XLSX sheets, or for a PDF its page count as one string."""
    seconds_querying: float
    evidence: Evidence | None = None
    """The period's check against the chained events (part of `seconds_querying`)."""


def write_report(
    db_path: Path, config: MallConfig, period: Period, out: Path, fmt: Format,
    tenant_id: str | None = None, ikm_weight: IkmWeight = "exact",
    generated_at: dt.datetime | None = None,
) -> Written:
    """Build the report from the log at `db_path` (read-only) and write it to `out`."""
    if not db_path.exists():
        raise FileNotFoundError(f"no event log at {db_path}")
    if fmt == "csv" and out.suffix.lower() != ".zip":
        raise ValueError("the CSV export is a ZIP of one CSV per view: give --out NAME.zip")
    connection = open_readonly(db_path)
    try:
        started = time.perf_counter()
        report = build_report(connection, config, period, tenant_id, ikm_weight, generated_at,
                              with_answers=fmt != "pdf")
        seconds = time.perf_counter() - started
    finally:
        connection.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        from hub.reports.export_csv import write_csv_zip

        parts = write_csv_zip(report, out)
    elif fmt == "xlsx":
        from hub.reports.export_xlsx import write_xlsx

        parts = write_xlsx(report, out)
    else:
        from hub.reports.export_pdf import write_pdf

        parts = [str(write_pdf(report, out))]
    return Written(out, report.meta.head, parts, seconds, report.meta.evidence)
