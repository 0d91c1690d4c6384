"""Generate a realistic synthetic year of visits, and a valid event chain, for the benchmarks.

Each visit is logged as the hub would have logged it — its events appended, chained and
projected into `visits` and `surveys` by `EventLog` itself — day by day: weekdays that are not
holidays, each tenant only on the weekdays its hours allow, a morning peak, service
shares like a busy city MPP (Disdukcapil and Samsat carry most of the traffic),
waits and service times scattered around each service's standard, ~90 % served and
a few priority visitors. Seeded, so the same arguments give the same year.

Run on its own: .venv/bin/python -m bench.synthetic_year --db var/year.db [--visits N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import random
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

from hub.config import MallConfig, Service, load_config
from hub.engine import events as ev
from hub.eventlog import GENESIS_HASH, Entry, EventLog, canonical_json
from hub.schedule import holiday_on, hours_for, hours_on

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_CONFIG = ROOT / "config" / "example-mpp.toml"

SERVICE_SHARE = {
    "ktp-el": 14, "kk": 10, "akta-kelahiran": 7, "akta-kematian": 2, "pindah-datang": 4,
    "kia": 3, "pkb": 16, "bjb-pajak-daerah": 6, "bjb-rekening": 2, "jkn": 6, "jht": 4,
    "skck": 6, "pln": 3, "paspor-baru": 2, "paspor-ganti": 1.5, "npwp": 2, "spt": 2,
    "cek-sertifikat": 1.5, "peralihan-hak": 1, "perizinan-berusaha": 2,
    "konsultasi-perizinan": 2, "nib-umk": 2, "pengambilan-dokumen": 1.5, "uji-kir": 1.5,
}
"""Relative daily demand; services not named get 0.6 (niche permits)."""

HOUR_SHARE = {8: 16, 9: 22, 10: 19, 11: 13, 12: 6, 13: 11, 14: 9, 15: 4}
"""A morning peak, a dip over lunch and prayer, a smaller early-afternoon wave."""

WEEKDAY_FACTOR = {0: 1.25, 1: 1.05, 2: 1.0, 3: 0.95, 4: 0.8}
MONTH_FACTOR = {1: 1.15, 2: 1.0, 3: 1.1, 4: 0.95, 5: 0.9, 6: 1.0, 7: 1.1, 8: 1.0,
                9: 0.95, 10: 1.0, 11: 0.95, 12: 0.85}
PRIORITY_KINDS = (("lansia", 0.6), ("ibu_hamil", 0.25), ("disabilitas", 0.15))



def business_days(config: MallConfig, year: int) -> list[dt.date]:
    """Return the year's weekdays on which the mall is open."""
    day, days = dt.date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5 and holiday_on(config, day) is None:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def visits_per_day(days: list[dt.date], total: int, rng: random.Random) -> list[int]:
    """Spread `total` visits over the days: busy Mondays and Januaries, some noise."""
    weights = [WEEKDAY_FACTOR[d.weekday()] * MONTH_FACTOR[d.month] * rng.uniform(0.85, 1.15)
               for d in days]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for index in range(total - sum(counts)):
        counts[index % len(counts)] += 1
    return counts


def _open_services(config: MallConfig, day: dt.date) -> list[tuple[Service, int, int]]:
    """Return (service, first hour, last hour) for the services taking tickets on `day`."""
    open_now = []
    for service in config.services:
        hours = hours_on(hours_for(config, service), day)
        if hours is not None:
            last = hours.last_ticket_time
            last_hour = last.hour - (1 if last.minute == 0 else 0)
            open_now.append((service, hours.open.hour, last_hour))
    return open_now


def generate_visits(config: MallConfig, year: int, total: int, seed: int) -> Iterator[tuple]:
    """Yield visit rows for a whole year, day by day, in issue order."""
    rng = random.Random(seed)
    zone = ZoneInfo(config.mpp.timezone)
    counters = {s.id: [c.id for c in config.counters_serving(s.id)] for s in config.services}
    same_tenant = {s.id: [o.id for o in config.services_of(s.tenant) if o.id != s.id]
                   for s in config.services}
    days = business_days(config, year)
    for day, count in zip(days, visits_per_day(days, total, rng), strict=True):
        services = _open_services(config, day)
        weights = [SERVICE_SHARE.get(s.id, 0.6) for s, _, _ in services]
        numbers: dict[str, int] = {}
        picks = rng.choices(services, weights, k=count)
        stamps = []
        for service, first_hour, last_hour in picks:
            hours = [h for h in HOUR_SHARE if first_hour <= h <= last_hour]
            hour = rng.choices(hours, [HOUR_SHARE[h] for h in hours])[0]
            stamps.append((hour * 3600 + rng.randrange(3600), service))
        stamps.sort(key=lambda pair: pair[0])
        for second, service in stamps:
            yield _visit(config, rng, zone, day, second, service, numbers, counters, same_tenant)


def _visit(config: MallConfig, rng: random.Random, zone: ZoneInfo, day: dt.date, second: int,
           service: Service, numbers: dict[str, int], counters: dict[str, list[str]],
           same_tenant: dict[str, list[str]]) -> tuple:
    """Return one visit row: issued at `second` after local midnight of `day`."""
    numbers[service.id] = number = numbers.get(service.id, 0) + 1
    label = f"{service.prefix}-{number:03d}"
    local = dt.datetime.combine(day, dt.time(), zone) + dt.timedelta(seconds=second)
    issued = local.astimezone(dt.UTC)
    priority = None
    if service.allow_priority and rng.random() < 0.06:
        priority = rng.choices([k for k, _ in PRIORITY_KINDS], [w for _, w in PRIORITY_KINDS])[0]
    target = service.target_wait_minutes * 60
    wait = target * 0.55 * rng.lognormvariate(0, 0.55) * (0.5 if priority else 1.0)
    roll = rng.random()
    outcome = ("cancelled" if roll < 0.004 else "expired" if roll < 0.02
               else "no_show" if roll < 0.07 else "served")
    row: dict[str, object] = {
        "first_called_at": None, "last_called_at": None, "call_count": 0, "recall_count": 0,
        "transfer_count": 0, "transfers": "[]", "counter_id": None, "ended_at": None,
        "wait_seconds": None, "service_seconds": 0.0, "final_service_id": service.id,
    }
    if outcome in ("served", "no_show"):
        called = issued + dt.timedelta(seconds=wait)
        recalls = config.queue.no_show_min_recalls if outcome == "no_show" else 0
        row.update(first_called_at=called.isoformat(), last_called_at=called.isoformat(),
                   call_count=1 + recalls, recall_count=recalls, wait_seconds=wait,
                   counter_id=rng.choice(counters[service.id]))
        ended = called + dt.timedelta(seconds=60 * recalls)
        if outcome == "served":
            seconds = service.service_minutes * 60 * rng.lognormvariate(0, 0.4)
            if same_tenant[service.id] and rng.random() < 0.03:
                to = rng.choice(same_tenant[service.id])
                hop = {"at": (called + dt.timedelta(seconds=120)).isoformat(),
                       "from_counter": row["counter_id"], "from_service": service.id,
                       "to_service": to, "to_counter": None}
                row.update(transfer_count=1, transfers=json.dumps([hop]), final_service_id=to)
            ended = called + dt.timedelta(seconds=seconds)
            row["service_seconds"] = seconds
        row["ended_at"] = ended.isoformat()
    elif outcome == "cancelled":
        row["ended_at"] = (issued + dt.timedelta(seconds=5)).isoformat()
    else:
        closing = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
        row["ended_at"] = closing.astimezone(dt.UTC).isoformat()
    return (
        f"{day}/{label}", day.isoformat(), day.year, f"{day:%Y-%m}", day.isoweekday(),
        local.hour, label, service.id, row["final_service_id"], service.tenant,
        service.category, priority, "online" if rng.random() < 0.08 else "kiosk",
        issued.isoformat(), rng.randrange(0, 25), max(1, round(wait / 60)),
        row["first_called_at"], row["last_called_at"], row["call_count"], row["recall_count"],
        row["transfer_count"], row["transfers"], row["counter_id"], row["ended_at"], outcome,
        row["wait_seconds"], row["service_seconds"],
    )


def _bulk_connection(db_path: Path, timezone: str) -> sqlite3.Connection:
    """Create the hub's schema, then open a connection tuned for one big unsafe load."""
    EventLog(db_path, timezone).close()
    connection = sqlite3.connect(db_path, isolation_level=None)
    connection.execute("PRAGMA synchronous = OFF")
    return connection


ANSWER_WEIGHTS = (3, 9, 55, 33)
"""How often visitors answer 1, 2, 3 and 4: mostly satisfied, as published SKM results are."""


def visit_events(config: MallConfig, row: tuple, rng: random.Random,
                 counters: dict[str, list[str]]) -> tuple[list[ev.Event], bool]:
    """Turn one synthetic visit row into the events the hub would have logged for it.

    Returns the events (in order) and whether the visit is left unfinished at closing
    (expired when the next business day starts).
    """
    (visit_id, _, _, _, _, _, label, service_id, final_service_id, tenant_id, category,
     priority, channel, issued_at, people_ahead, estimate, first_called_at, _, _, recalls,
     transfer_count, transfers, counter_id, ended_at, outcome, _, service_seconds) = row
    issued = dt.datetime.fromisoformat(issued_at)
    number = int(label.split("-")[1])
    events: list[ev.Event] = [ev.TicketIssued(
        issued, visit_id, label, number, label.split("-")[0], service_id, tenant_id, category,
        priority, channel, people_ahead, estimate, "kiosk-1")]
    if outcome == "cancelled":
        events.append(ev.TicketCancelled(issued + dt.timedelta(seconds=5), visit_id,
                                         "print_failed"))
        return events, False
    if outcome == "expired":
        return events, True
    called = dt.datetime.fromisoformat(first_called_at)
    events.append(ev.TicketCalled(called, visit_id, counter_id, service_id, "next"))
    if outcome == "no_show":
        for count in range(1, recalls + 1):
            events.append(ev.TicketRecalled(called + dt.timedelta(seconds=60 * count),
                                            visit_id, counter_id, count))
        events.append(ev.TicketNoShow(dt.datetime.fromisoformat(ended_at), visit_id,
                                      counter_id))
        return events, False
    ended = dt.datetime.fromisoformat(ended_at)
    last_counter, left = counter_id, service_seconds
    if transfer_count:
        hop = json.loads(transfers)[0]
        moved = dt.datetime.fromisoformat(hop["at"])
        first_part = (moved - called).total_seconds()
        events.append(ev.TicketTransferred(moved, visit_id, counter_id, service_id,
                                           final_service_id, None, first_part))
        last_counter = rng.choice(counters[final_service_id])
        events.append(ev.TicketCalled(moved + dt.timedelta(seconds=30), visit_id,
                                      last_counter, final_service_id, "next"))
        ended = max(ended, moved + dt.timedelta(seconds=90))
        left = max(30.0, service_seconds - first_part)
    events.append(ev.TicketFinished(ended, visit_id, last_counter, final_service_id, left))
    return events, False


def write_year(db_path: Path, config: MallConfig, year: int = 2026,
               visits: int = 1_000_000, seed: int = 2026) -> int:
    """Log a synthetic year into `db_path` as the hub would: events, chained and projected.

    Every visit becomes its events (issue, calls, recalls, transfer, end) and ~10 % of the
    served ones an SKM answer; each business day starts with `business_day_started`
    (expiring yesterday's leftovers). `EventLog.append` chains them and writes `visits`
    and `surveys` with the hub's own projection, one transaction per day. Returns the
    number of visits.
    """
    log = EventLog(db_path, config.mpp.timezone)
    log.connection.execute("PRAGMA synchronous = OFF")  # one big load; nobody is told
    zone = ZoneInfo(config.mpp.timezone)
    rng = random.Random(seed + 1)
    counters = {s.id: [c.id for c in config.counters_serving(s.id)] for s in config.services}
    written = 0
    leftovers: list[str] = []
    day_events: list[ev.Event] = []
    current: str | None = None

    def flush() -> None:
        day_events.sort(key=lambda event: event.at)  # stable: a visit's order is kept
        log.append([Entry(day_events)])
        day_events.clear()

    for row in generate_visits(config, year, visits, seed):
        business_day = row[1]
        if business_day != current:
            if day_events:
                flush()
            current = business_day
            start = dt.datetime.combine(dt.date.fromisoformat(business_day), dt.time(7, 0),
                                        zone).astimezone(dt.UTC)
            opening: list[ev.Event] = [ev.TicketExpired(start, ticket, "waiting")
                                       for ticket in leftovers]
            opening.append(ev.BusinessDayStarted(start, dt.date.fromisoformat(business_day)))
            log.append([Entry(opening)])
            leftovers = []
        events, unfinished = visit_events(config, row, rng, counters)
        if unfinished:
            leftovers.append(row[0])
        last = events[-1]
        if isinstance(last, ev.TicketFinished) and rng.random() < 0.1:
            answers = rng.choices((1, 2, 3, 4), ANSWER_WEIGHTS, k=9)
            events.append(ev.SurveySubmitted(
                last.at + dt.timedelta(seconds=40), row[0], row[7], row[9], last.counter_id,
                answers, rng.choice(("<20", "20-29", "30-39", "40-49", "50-59", "60+")),
                rng.choice(("L", "P")), None, None))
        day_events.extend(events)
        written += 1
    if day_events:
        flush()
    log.close()
    return written


def generate_events(count: int, seed: int = 7) -> Iterator[tuple[int, str, str, str, str]]:
    """Yield `count` chained event rows (issue, call, finish of ticket after ticket)."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)
    head = GENESIS_HASH
    for seq in range(1, count + 1):
        ticket, step = divmod(seq - 1, 3)
        at = (start + dt.timedelta(seconds=seq * 7)).isoformat()
        ticket_id = f"{at[:10]}/A-{ticket % 1000:03d}"
        if step == 0:
            data = {"type": "ticket_issued", "at": at, "ticket_id": ticket_id,
                    "label": ticket_id[-5:], "number": ticket % 1000, "prefix": "A",
                    "service_id": "ktp-el", "tenant_id": "disdukcapil",
                    "category": "non-perizinan", "priority_kind": None, "channel": "kiosk",
                    "people_ahead": rng.randrange(30), "estimated_wait_minutes": 12,
                    "issued_by": "kiosk-1"}
        elif step == 1:
            data = {"type": "ticket_called", "at": at, "ticket_id": ticket_id,
                    "counter_id": "loket-01", "service_id": "ktp-el", "how": "next"}
        else:
            data = {"type": "ticket_finished", "at": at, "ticket_id": ticket_id,
                    "counter_id": "loket-01", "service_id": "ktp-el",
                    "service_seconds": round(rng.uniform(120, 900), 3)}
        payload = canonical_json(data)
        material = "\x1f".join((head, str(seq), data["type"], at, payload))
        head = hashlib.sha256(material.encode()).hexdigest()
        yield seq, at, data["type"], payload, head


def write_events(db_path: Path, count: int, timezone: str = "Asia/Jakarta") -> None:
    """Append `count` validly chained events to an empty events table."""
    connection = _bulk_connection(db_path, timezone)
    rows = generate_events(count)
    connection.execute("BEGIN")
    while chunk := [row for _, row in zip(range(50_000), rows, strict=False)]:
        connection.executemany(
            "INSERT INTO events (seq, at, type, payload, hash) VALUES (?, ?, ?, ?, ?)", chunk
        )
    connection.execute("COMMIT")
    connection.close()


def main() -> None:
    """Write a synthetic year (and optionally events) into --db and say how long it took."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="database to create")
    parser.add_argument("--config", type=Path, default=EXAMPLE_CONFIG)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=0, help="also write this many events")
    args = parser.parse_args()
    if args.db.exists():
        parser.error(f"{args.db} exists; the generator only fills a new database")
    args.db.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    written = write_year(args.db, load_config(args.config), args.year, args.visits)
    if args.events:
        write_events(args.db, args.events)
    seconds = time.perf_counter() - started
    print(json.dumps({"db": str(args.db), "visits": written, "events": args.events,
                      "seconds": round(seconds, 1), "visits_per_day_avg": math.floor(
                          written / max(1, len(business_days(load_config(args.config),
                                                             args.year))))}))


if __name__ == "__main__":
    main()
