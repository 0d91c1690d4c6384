"""Benchmark the reports and `verify` on a synthetic year: prints one JSON object.

Budget (DESIGN.md): the annual report of 1,000,000 visits by tenant × month ≤ 1 s.
Also timed: every other annual view, the year's check against the chained events
(hash chain walk + rebuilding every visit and SKM answer from its events and comparing
row by row), whole reports (which include that check) for a year, a month and a day,
the XLSX and PDF of the year, and `verify` over a large validly chained events table.
Times are the best of --repeat runs (wall clock; CPU time alongside), on a warm cache.

Run: .venv/bin/python -m bench.bench_reports [--visits 1000000] [--events 2000000]
     [--db var/bench-year.db]   (reuse a year generated earlier; it is kept)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.synthetic_year import EXAMPLE_CONFIG, write_events, write_year
from hub.config import load_config
from hub.eventlog import open_readonly
from hub.reports import parse_period, skm
from hub.reports import queries as q
from hub.reports.evidence import check_period
from hub.reports.export_pdf import write_pdf
from hub.reports.export_xlsx import write_xlsx
from hub.reports.report import build_report
from hub.verify import verify_chain

BUDGET_TENANT_MONTH_S = 1.0


def timed(run: Callable[[], Any], repeat: int) -> dict[str, float]:
    """Run `run` `repeat` times; return the best wall and CPU seconds."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {"seconds": round(min(walls), 3), "cpu_seconds": round(min(cpus), 3)}


def bench_year(db: Path, config_path: Path, repeat: int, out: Path) -> dict[str, Any]:
    """Time each annual view, whole reports, and the year's XLSX and PDF."""
    config = load_config(config_path)
    connection = open_readonly(db)
    year, month, day = parse_period("2026"), parse_period("2026-11"), parse_period("2026-11-23")
    visits = connection.execute("SELECT count(*) FROM visits").fetchone()[0]
    views: dict[str, Callable[[], Any]] = {
        "tenant_x_month": lambda: q.bucket_tenant_counts(connection, year),
        "per_service_and_category": lambda: q.service_counts(connection, year),
        "busiest_hours": lambda: q.hour_counts(connection, year),
        "priority_and_channel": lambda: q.kind_counts(connection, year),
        "wait_and_service_times": lambda: q.time_samples(connection, year),
        "skm": lambda: skm.skm_sums_by_service(connection, year),
        "check_against_events": lambda: check_period(connection, config.mpp.timezone, year,
                                                     q.chain_head(connection).seq),
    }
    result: dict[str, Any] = {"visits": visits, "annual_views": {}}
    for name, run in views.items():
        result["annual_views"][name] = timed(run, repeat)
    cell = result["annual_views"]["tenant_x_month"]
    cell["budget_seconds"] = BUDGET_TENANT_MONTH_S
    cell["within_budget"] = cell["seconds"] <= BUDGET_TENANT_MONTH_S
    result["tenant_x_month_one_tenant"] = timed(
        lambda: q.bucket_tenant_counts(connection, year, "samsat"), repeat)
    result["whole_report"] = {
        name: timed(lambda p=period: build_report(connection, config, p), repeat)
        for name, period in (("year", year), ("month", month), ("day", day))
    }
    result["whole_report"]["year_without_raw_answers"] = timed(
        lambda: build_report(connection, config, year, with_answers=False), repeat)
    result["whole_report"]["year_without_the_check"] = timed(
        lambda: build_report(connection, config, year, check=False), repeat)
    result["events"] = connection.execute("SELECT count(*) FROM events").fetchone()[0]
    result["survey_answers"] = connection.execute("SELECT count(*) FROM surveys").fetchone()[0]
    report = build_report(connection, config, year, generated_at=dt.datetime.now(dt.UTC))
    result["export_year"] = {
        "xlsx": timed(lambda: write_xlsx(report, out / "year.xlsx"), 1),
        "pdf": timed(lambda: write_pdf(report, out / "year.pdf"), 1),
    }
    connection.close()
    return result


def bench_verify(db: Path, events: int) -> dict[str, Any]:
    """Write `events` chained events, then time one full verification walk."""
    started = time.perf_counter()
    write_events(db, events)
    generated = time.perf_counter() - started
    connection = open_readonly(db)
    cpu = time.process_time()
    verdict = verify_chain(connection)
    cpu = time.process_time() - cpu
    connection.close()
    assert verdict.intact, verdict.problem
    return {"events": verdict.checked, "seconds": round(verdict.seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "events_per_second": round(verdict.checked / verdict.seconds),
            "generated_in_seconds": round(generated, 1)}


def main() -> None:
    """Generate (or reuse) the data, run every timing, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--config", type=Path, default=EXAMPLE_CONFIG)
    parser.add_argument("--db", type=Path, help="year database to reuse or create and keep")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        db = args.db or work / "year.db"
        result: dict[str, Any] = {"sqlite": sqlite3.sqlite_version}
        if not db.exists():
            started = time.perf_counter()
            db.parent.mkdir(parents=True, exist_ok=True)
            write_year(db, load_config(args.config), 2026, args.visits)
            result["generated_year_in_seconds"] = round(time.perf_counter() - started, 1)
        result["year"] = bench_year(db, args.config, args.repeat, work)
        if args.events:
            result["verify"] = bench_verify(work / "events.db", args.events)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
