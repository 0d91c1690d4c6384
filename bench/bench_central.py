"""Benchmark the central PostgreSQL: a year of 10 MPPs × 1,000,000 visits, tenant × month.

    .venv/bin/python -m bench.bench_central [--mpps 10] [--visits 1000000]
        [--db var/bench-year.db]   (reuse a year generated earlier; it is kept)

Steps, on a throw-away cluster (`hub.central.cluster`, fsync off):
1. a synthetic year (`bench.synthetic_year.write_year`: events chained and projected by the
   hub's EventLog) — one year, loaded under each of the `--mpps` ids;
2. **bulk load with COPY**, not through the ship path: each MPP's visits and SKM answers are
   copied from the year's SQLite tables, then its daily roll-ups are computed by
   `hub.central.ingest.rebuild_counts` (the same groups the ingest keeps batch by batch; a
   test holds the two equal). Shipping 10 million visits event by event would take hours
   here, so the real ship path is timed separately on the first `--ship-events` events;
3. the central reports, each timed `--repeat` times (best and median): tenant × month of
   the year across all MPPs (the budget, ≤ 2 s), by MPP, and by service.

Prints one JSON object on stdout; progress on stderr.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from bench.synthetic_year import EXAMPLE_CONFIG, write_year
from hub.central.cluster import ThrowawayCluster
from hub.central.ingest import SURVEY_COLUMNS, VISIT_COLUMNS, Central, rebuild_counts
from hub.central.report import build_central_report, parse_by
from hub.central.ship import Shipper
from hub.config import load_config
from hub.reports.period import parse_period

BUDGET_SECONDS = 2.0


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bulk_load(connection: psycopg.Connection, year_db: Path, mpp_id: str) -> int:
    """COPY one MPP's visits and surveys from the year's SQLite tables; return visits."""
    source = sqlite3.connect(f"file:{year_db}?mode=ro", uri=True)
    loaded = 0
    with connection.transaction(), connection.cursor() as cursor:
        for table, columns in (("visits", VISIT_COLUMNS), ("surveys", SURVEY_COLUMNS)):
            names = ", ".join(columns)
            with cursor.copy(f"COPY {table} (mpp_id, {names}) FROM STDIN") as copy:
                for row in source.execute(f"SELECT {names} FROM {table}"):
                    copy.write_row((mpp_id, *row))
                    loaded += table == "visits"
        cursor.execute("INSERT INTO business_days SELECT %s, business_day, first_seq "
                       "FROM unnest(%s::text[], %s::bigint[]) AS d(business_day, first_seq)",
                       [mpp_id, *map(list, zip(*source.execute(
                           "SELECT business_day, first_seq FROM business_days"), strict=True))])
    source.close()
    return loaded


def timed(run: object, repeat: int) -> dict[str, float]:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        seconds.append(time.perf_counter() - started)
    return {"best_s": round(min(seconds), 3), "median_s": round(statistics.median(seconds), 3)}


def main() -> None:
    """Build the central year, time the reports, print the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mpps", type=int, default=10)
    parser.add_argument("--visits", type=int, default=1_000_000, help="visits per MPP")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--ship-events", type=int, default=50_000,
                        help="events shipped through the real ship path to time it")
    parser.add_argument("--config", type=Path, default=EXAMPLE_CONFIG)
    parser.add_argument("--db", type=Path, help="year database to reuse or create and keep")
    args = parser.parse_args()
    config = load_config(args.config)
    with tempfile.TemporaryDirectory() as scratch:
        year_db = args.db or Path(scratch) / "year.db"
        if not year_db.exists():
            progress(f"writing a synthetic year of {args.visits:,} visits to {year_db} …")
            started = time.perf_counter()
            write_year(year_db, config, 2026, args.visits)
            progress(f"  {time.perf_counter() - started:.0f} s")
        with ThrowawayCluster() as cluster:
            result = run(cluster, year_db, args, config.mpp.timezone)
    print(json.dumps(result, indent=2))


def run(cluster: ThrowawayCluster, year_db: Path, args: argparse.Namespace,
        timezone: str) -> dict[str, object]:
    """Ship a slice for real, bulk-load the MPPs, time the reports."""
    shipper = Shipper(year_db, cluster.conninfo(), "ship-test", batch_size=1000)
    central = shipper.central()
    started = time.perf_counter()
    shipped = 0
    while shipped < args.ship_events:
        shipped += shipper.ship_available(max_batches=1).events
    ship_seconds = time.perf_counter() - started
    shipper.close()
    central = Central.connect(cluster.conninfo())
    connection = central.connection
    visits = 0
    started = time.perf_counter()
    for number in range(1, args.mpps + 1):
        mpp_id = f"mpp-{number:02d}"
        central.register(mpp_id, f"MPP Uji {number:02d}", timezone)
        visits += bulk_load(connection, year_db, mpp_id)
        rebuild_counts(connection, mpp_id)
        progress(f"  {mpp_id} loaded ({visits:,} visits, {time.perf_counter() - started:.0f} s)")
    load_seconds = time.perf_counter() - started
    connection.execute("VACUUM ANALYZE")
    counted = connection.execute("SELECT sum(visits) FROM visit_counts "
                                 "WHERE mpp_id LIKE 'mpp-%'").fetchone()
    groups = connection.execute("SELECT count(*) FROM visit_counts").fetchone()
    year = parse_period("2026")
    reports: dict[str, object] = {}
    for by in ("tenant,month", "mpp", "service"):
        def report(by: str = by) -> None:
            build_central_report(connection, year, parse_by(by))
        reports[by] = timed(report, args.repeat)
        progress(f"  report by {by}: {reports[by]}")
    lines = len(build_central_report(connection, year, parse_by("tenant,month")).lines)
    central.close()
    tenant_month = reports["tenant,month"]
    assert isinstance(tenant_month, dict)
    return {
        "mpps": args.mpps, "visits_per_mpp": args.visits, "visits_total": visits,
        "visits_in_rollups": int(counted[0]) if counted else 0,
        "rollup_rows": int(groups[0]) if groups else 0,
        "load": "COPY of visits and surveys per MPP + rebuild_counts (not the ship path)",
        "load_seconds": round(load_seconds, 1),
        "ship_path": {"events": shipped, "seconds": round(ship_seconds, 2),
                      "events_per_second": round(shipped / ship_seconds)},
        "reports": reports,
        "tenant_month_rows": lines,
        "budget_tenant_month_s": BUDGET_SECONDS,
        "within_budget": tenant_month["median_s"] <= BUDGET_SECONDS,
    }


if __name__ == "__main__":
    main()
