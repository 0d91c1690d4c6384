"""The `report` command's work: load the config, write the report, say what was written.

Kept out of hub/__main__.py so the command line there stays a thin list of options.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from pathlib import Path

from hub.config import ConfigError, MallConfig, load_config
from hub.reports import Format, parse_period, write_report
from hub.reports.period import Period
from hub.reports.skm import IkmWeight


def _inputs(db: Path, config_path: Path, period_text: str,
            tenant_id: str | None) -> tuple[MallConfig, Period] | None:
    """The configuration and period of a report command, or None with every problem printed."""
    if db.is_dir():  # SQLite would only say "disk I/O error"
        print(f"report: --db: {db} is a folder; give the hub's event log file in it",
              file=sys.stderr)
        return None
    try:
        config = load_config(config_path)
    except ConfigError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return None
    try:
        period = parse_period(period_text)
    except ValueError as error:
        print(f"--period: {error}", file=sys.stderr)
        return None
    if tenant_id is not None and tenant_id not in {t.id for t in config.tenants}:
        known = ", ".join(t.id for t in config.tenants)
        print(f"--tenant: unknown tenant {tenant_id!r} (known: {known})", file=sys.stderr)
        return None
    return config, period


def report_command(db: Path, config_path: Path, period_text: str, fmt: Format, out: Path,
                   tenant_id: str | None = None, ikm_weight: IkmWeight = "exact") -> int:
    """Write one report; print the file and the chain head; 0 on success, 1 on a problem."""
    inputs = _inputs(db, config_path, period_text, tenant_id)
    if inputs is None:
        return 1
    config, period = inputs
    try:
        written = write_report(db, config, period, out, fmt, tenant_id, ikm_weight,
                               dt.datetime.now(dt.UTC))
    except (FileNotFoundError, ValueError, sqlite3.Error) as error:
        print(f"report: {error}", file=sys.stderr)
        return 1
    what = (f"{written.parts[0]} pages" if fmt == "pdf"
            else f"{len(written.parts)} {'files' if fmt == 'csv' else 'sheets'}")
    print(f"{written.path}: {period.label()}, {what}; computed in "
          f"{written.seconds_querying:.2f} s")
    print(f"event log head: seq {written.head.seq} hash {written.head.hash}")
    evidence = written.evidence
    if evidence is not None and not evidence.ok:
        from hub.verify import projection_summary

        print(f"report: WARNING — {evidence.verdict_en()} The report says so on its first "
              "page / PERINGATAN — data tidak cocok dengan log kejadian; laporan menyatakannya "
              "di halaman pertama.", file=sys.stderr)
        if evidence.chain_problem is not None:
            print(f"  chain: {evidence.chain_problem} (python -m hub verify tells more)",
                  file=sys.stderr)
        print(projection_summary(evidence.projection, f"period {period.value}"),
              file=sys.stderr)
        return 1
    if evidence is not None:
        print(f"checked against the events in {evidence.seconds:.2f} s: "
              f"{evidence.verdict_en()}")
    return 0


def complaints_command(db: Path, config_path: Path, period_text: str, fmt: Format, out: Path,
                       tenant_id: str | None = None) -> int:
    """Write the complaint texts for the manager; 0 on success, 1 on a problem."""
    from hub.reports.complaints import write_complaint_texts

    if fmt == "pdf" or out.suffix.lower() != f".{fmt}":
        print(f"report --complaints: one CSV or XLSX file: give --format csv --out NAME.csv "
              f"or --format xlsx --out NAME.xlsx (not {fmt} to {out.name})", file=sys.stderr)
        return 1
    inputs = _inputs(db, config_path, period_text, tenant_id)
    if inputs is None:
        return 1
    config, period = inputs
    try:
        written = write_complaint_texts(db, config, period, out, tenant_id)
    except (FileNotFoundError, ValueError, sqlite3.Error) as error:
        print(f"report: {error}", file=sys.stderr)
        return 1
    print(f"{written.path}: {period.label()}, {written.count} complaints and suggestions "
          "(personal data: keep it to the MPP's manager)")
    print(f"event log head: seq {written.head.seq} hash {written.head.hash}")
    return 0
