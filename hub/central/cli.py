"""The `ship` command's work (kept out of hub/__main__.py, which only lists options)."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import psycopg

from hub.central.ingest import ChainRefused
from hub.central.ship import BATCH_SIZE, Shipper
from hub.config import ConfigError, load_config


def _one_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def ship_command(db: Path, to: str, mpp_id: str, config_path: Path | None = None,
                 once: bool = False, batch_size: int = BATCH_SIZE) -> int:
    """Ship the log at `db` to `to`; with `once`, what is there now, then exit.

    0: everything shipped (or, without --once, stopped by SIGINT/SIGTERM); 1: refused by
    the central side (a gap, fork or altered event: the message names the MPP and seq) or
    a problem with the arguments; 3: the central server cannot be reached (--once).
    """
    if db.is_dir():
        print(f"ship: --db: {db} is a folder; give the hub's event log file in it",
              file=sys.stderr)
        return 1
    if once and not db.is_file():
        print(f"ship: no event log at {db}", file=sys.stderr)
        return 1
    if not to.startswith(("postgresql://", "postgres://")):
        print(f"ship: --to: expected a postgresql://… URL, not {to!r}", file=sys.stderr)
        return 1
    if batch_size < 1:
        print("ship: --batch-size must be at least 1", file=sys.stderr)
        return 1
    name, timezone, names = mpp_id, "Asia/Jakarta", []
    if config_path is not None:
        try:
            config = load_config(config_path)
        except ConfigError as error:
            for problem in error.problems:
                print(problem, file=sys.stderr)
            return 1
        name, timezone = config.mpp.name, config.mpp.timezone
        names = [("tenant", t.id, t.name.get("id"), t.short_name) for t in config.tenants]
        names += [("service", s.id, s.name.get("id"), s.name.get("id"))
                  for s in config.services]
    shipper = Shipper(db, to, mpp_id, name=name, timezone=timezone, names=names,
                      batch_size=batch_size)
    try:
        if not once:
            stop = threading.Event()
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, lambda *_: stop.set())
            shipper.run(stop)
            return 0
        try:
            shipped = shipper.ship_available()
        except FileNotFoundError as error:
            print(f"ship: {error}", file=sys.stderr)
            return 1
        except ChainRefused as refused:
            print(f"ship: {refused}", file=sys.stderr)
            print("ship: the central database kept every event before that seq and recorded "
                  "the refusal (table chain_faults) / semua kejadian sebelum seq itu tersimpan",
                  file=sys.stderr)
            return 1
        except psycopg.OperationalError as error:
            print(f"ship: central server unreachable / server pusat tidak terjangkau: "
                  f"{_one_line(error)}", file=sys.stderr)
            return 3
        except (psycopg.Error, ValueError) as error:
            print(f"ship: {_one_line(error)}", file=sys.stderr)
            return 1
        print(f"{mpp_id}: shipped {shipped.events} events in {shipped.batches} batches; "
              f"central head seq {shipped.head.seq} hash {shipped.head.hash}")
        return 0
    finally:
        shipper.close()


def central_report_command(url: str, period_text: str, by_text: str, fmt: str, out: Path,
                           mpp_id: str | None = None, tenant_id: str | None = None,
                           ikm_weight: str = "exact") -> int:
    """Write the central report; print the file and the MPPs' heads; 0 ok, 1 a problem."""
    import time

    from hub.central.export import write_csv_zip, write_pdf, write_xlsx
    from hub.central.report import build_central_report, parse_by
    from hub.reports.period import parse_period

    try:
        period = parse_period(period_text)
        by = parse_by(by_text)
    except ValueError as error:
        print(f"report: {error}", file=sys.stderr)
        return 1
    if fmt == "csv" and out.suffix.lower() != ".zip":
        print("report: the CSV export is a ZIP of one CSV per view: give --out NAME.zip",
              file=sys.stderr)
        return 1
    try:
        with psycopg.connect(url, connect_timeout=10, autocommit=True,
                             application_name="antrean-report") as connection:
            started = time.perf_counter()
            report = build_central_report(connection, period, by, mpp_id, tenant_id,
                                          ikm_weight)  # type: ignore[arg-type]
            seconds = time.perf_counter() - started
    except psycopg.OperationalError as error:
        print(f"report: central server unreachable / server pusat tidak terjangkau: "
              f"{_one_line(error)}", file=sys.stderr)
        return 1
    except psycopg.Error as error:
        print(f"report: {_one_line(error)} (is this the central database? "
              "hub ship creates its tables)", file=sys.stderr)
        return 1
    if mpp_id is not None and not report.sources:
        print(f"report: --mpp-id: no MPP {mpp_id!r} in the central database", file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = {"csv": write_csv_zip, "xlsx": write_xlsx}.get(fmt)
    what = (f"{write_pdf(report, out)} pages" if writer is None
            else f"{len(writer(report, out))} {'files' if fmt == 'csv' else 'sheets'}")
    print(f"{out}: {period.label()}, {len(report.lines)} rows by {','.join(by)}, {what}; "
          f"computed in {seconds:.2f} s")
    for source in report.sources:
        print(f"  {source.mpp_id}: central head seq {source.head.seq} hash {source.head.hash}")
    for source in report.faulty:
        print(f"report: WARNING — shipping of {source.mpp_id} was refused: "
              f"{source.faults[-1].describe()}", file=sys.stderr)
    return 0
