"""Benchmark the durable core: tickets/s with fsync, issue latency, restart rebuild time.

Prints one JSON object. Budgets (DESIGN.md): issue → durable ack p99 ≤ 10 ms;
≥ 1,000 durable tickets/s; restart with a 20,000-ticket day in the log ≤ 1 s.
Run: .venv/bin/python -m bench.bench_eventlog [--tickets N] [--day-tickets N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from hub.config import load_config
from hub.core import HubCore
from hub.engine import NothingToCall
from hub.eventlog import RequestKey

ROOT = Path(__file__).resolve().parents[1]
MONDAY_9 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of the sorted values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bench_issue(db: Path, count: int, config_path: Path) -> dict[str, float]:
    """Issue `count` tickets one durable commit each; measure throughput and latency."""
    config = load_config(config_path)
    ticks = itertools.count()
    core = HubCore.open(config, db, lambda: MONDAY_9 + dt.timedelta(milliseconds=next(ticks)))
    services = [s.id for s in config.services if s.daily_quota is None]
    rng = random.Random(7)
    latencies = []
    started = time.perf_counter()
    for n in range(count):
        service = rng.choice(services)
        t0 = time.perf_counter()
        try:
            core.execute(lambda e, now, s=service: e.issue_ticket(s, now),
                         RequestKey("kiosk-1", f"bench-{n}"))
        except Exception:  # a service closed on Monday: skip, it is not the point here
            continue
        latencies.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    core.close()
    return {
        "issued": len(latencies),
        "tickets_per_second": round(len(latencies) / elapsed, 1),
        "issue_ack_ms_p50": round(statistics.median(latencies), 3),
        "issue_ack_ms_p99": round(percentile(latencies, 0.99), 3),
    }


def bench_rebuild(db: Path, day_tickets: int, config_path: Path) -> dict[str, float]:
    """Log a busy day (issue, call, finish for each ticket), then time a restart."""
    config = load_config(config_path)
    now = [MONDAY_9]

    def clock() -> dt.datetime:
        return now[0]

    core = HubCore.open(config, db, clock)
    services = [s.id for s in config.services
                if s.daily_quota is None and s.hours is None and config.tenant(s.tenant).hours
                is None]
    rng = random.Random(11)
    for counter in config.counters:
        core.execute(lambda e, t, c=counter.id: e.open_counter(c, t))
    counters = [c.id for c in config.counters
                if any(s in services for s in c.services)]
    issued = 0
    while issued < day_tickets:
        now[0] += dt.timedelta(milliseconds=900)
        core.execute(lambda e, t: e.issue_ticket(rng.choice(services), t))
        issued += 1
        counter = rng.choice(counters)
        desk = core.engine.counters[counter]
        try:
            if desk.ticket_id is None:
                core.execute(lambda e, t, c=counter: e.call_next(c, t))
            else:
                core.execute(lambda e, t, c=counter: e.finish(c, t))
        except Exception as error:  # nobody waiting for that counter: fine
            if not isinstance(getattr(error, "error", None), NothingToCall):
                raise
    events = core.log.last_seq
    core.close()
    started = time.perf_counter()
    restarted = HubCore.open(config, db, clock)
    seconds = time.perf_counter() - started
    restarted.close()
    return {"day_tickets": issued, "day_events": events, "restart_seconds": round(seconds, 3)}


def main() -> None:
    """Run both benchmarks in a temporary folder and print the numbers as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5000, help="tickets for the throughput run")
    parser.add_argument("--day-tickets", type=int, default=20000, help="tickets in the busy day")
    parser.add_argument("--config", type=Path, default=ROOT / "config" / "example-mpp.toml")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = {
            "durable_issue": bench_issue(Path(folder) / "issue.db", args.tickets, args.config),
            "restart": bench_rebuild(Path(folder) / "day.db", args.day_tickets, args.config),
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
