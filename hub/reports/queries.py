"""Read-only SQL over the visits table: small functions, each returning typed rows.

Every function takes a connection from `hub.eventlog.open_readonly` and a period
filter from `hub.reports.period`, and never writes. Run them inside `snapshot()` so
all the numbers of one report, and the chain head printed on it, come from the same
instant of the log even while the hub keeps writing (WAL readers see a fixed state).

Counting rules (docs/reports.md): a cancelled ticket (print failure) never reached a
visitor, so it is reported but is not a visitor; a visit counts for the service and
tenant it was issued for; "transferred" means moved at least once.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from hub.eventlog import GENESIS_HASH
from hub.reports.period import Period, index_only_filter, period_filter, visits_source

FINAL_OUTCOMES = ("served", "cancelled", "no_show", "expired")
"""Outcomes that end a visit; anything else (waiting, called, parked…) is unfinished."""


def _exceptions(running_day: str | None) -> str:
    """Count everything but plain service; 'served' is what remains of the issued.

    An unfinished visit is *in progress* on the running day (`running_day`, the business
    day that has not closed yet) and *not served* (still waiting at closing) on any
    finished day. `running_day` is an ISO date checked by the caller (it is inlined).
    """
    final = ", ".join(f"'{outcome}'" for outcome in FINAL_OUTCOMES)
    running = _day_literal(running_day)
    return (
        "sum(outcome = 'cancelled'), sum(outcome = 'no_show'), sum(outcome = 'expired'), "
        f"sum(outcome NOT IN ({final}) AND business_day IS NOT {running}), "
        f"sum(outcome NOT IN ({final}) AND business_day IS {running}), "
        "sum(transfer_count > 0 AND outcome != 'cancelled')"
    )


def _day_literal(day: str | None) -> str:
    """Write a business day as an SQL literal, refusing anything but an ISO date."""
    if day is None:
        return "NULL"
    return f"'{dt.date.fromisoformat(day).isoformat()}'"


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last event of the log a report was computed from: its seq and chain hash."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class OutcomeCounts:
    """Tickets of a group by how their visit ended; adds up across groups.

    Visitors = served + no_show + not_served + in_progress: each visitor once.
    `transferred` is a subset (visitors moved at least once, also counted by their
    outcome); `cancelled` tickets never reached a visitor and are not visitors.
    """

    issued: int = 0
    cancelled: int = 0
    served: int = 0
    no_show: int = 0
    expired: int = 0
    transferred: int = 0
    waiting_at_close: int = 0
    """Visitors still waiting (or called, parked) when their business day closed."""
    in_progress: int = 0
    """Visitors whose visit has not ended yet on the running day (today, before closing)."""

    @property
    def visitors(self) -> int:
        """Tickets that reached a visitor: all issued but the cancelled ones."""
        return self.issued - self.cancelled

    @property
    def not_served(self) -> int:
        """Visitors of a closed day who never reached a counter's finish: waiting or expired."""
        return self.expired + self.waiting_at_close

    def __add__(self, other: OutcomeCounts) -> OutcomeCounts:
        return OutcomeCounts(
            self.issued + other.issued, self.cancelled + other.cancelled,
            self.served + other.served, self.no_show + other.no_show,
            self.expired + other.expired, self.transferred + other.transferred,
            self.waiting_at_close + other.waiting_at_close,
            self.in_progress + other.in_progress,
        )


def _unordered(keys: str) -> str:
    """Turn 'a, b' into '+a, +b': group without letting SQLite pick an index for the order.

    With statistics (ANALYZE) SQLite may walk a whole index just to get the groups in
    order, looking up every row of the table — slower than filtering by the period and
    sorting the few groups.
    """
    return ", ".join(f"+{key.strip()}" for key in keys.split(","))


Key = tuple[int | str, ...]


def _outcome_counts(
    connection: sqlite3.Connection, keys: str, period: Period, tenant_id: str | None,
    issued_from_index: bool, issued: dict[Key, int] | None = None,
    running_day: str | None = None,
) -> dict[Key, OutcomeCounts]:
    """Count outcomes per group of `keys` (comma-separated columns) in two cheap passes.

    Nine visits in ten end served, so rather than test every row for every outcome,
    one pass counts the tickets issued (from an index when `issued_from_index`, or the
    caller's own count) and a second one looks only at the rows not simply served.
    """
    width = keys.count(",") + 1
    unordered = _unordered(keys)
    if issued is None:
        in_index_order = issued_from_index and period.kind == "year" and tenant_id is None
        filters = index_only_filter if issued_from_index else period_filter
        where, params = filters(period, tenant_id)
        source = "visits" if issued_from_index else visits_source(period, tenant_id)
        issued = {
            tuple(row[:width]): int(row[width])
            for row in connection.execute(
                f"SELECT {keys}, count(*) FROM {source} WHERE {where} "
                f"GROUP BY {keys if in_index_order else unordered}",
                params,
            )
        }
    where, params = period_filter(period, tenant_id)
    others: dict[Key, tuple[int, ...]] = {
        tuple(row[:width]): tuple(int(value) for value in row[width:])
        for row in connection.execute(
            f"SELECT {keys}, {_exceptions(running_day)} FROM {visits_source(period, tenant_id)} "
            f"WHERE {where} AND (outcome != 'served' OR transfer_count > 0) "
            f"GROUP BY {unordered}",
            params,
        )
    }
    counts = {}
    for key, tickets in issued.items():
        cancelled, no_show, expired, at_close, in_progress, transferred = others.get(
            key, (0,) * 6)
        served = tickets - cancelled - no_show - expired - at_close - in_progress
        counts[key] = OutcomeCounts(tickets, cancelled, served, no_show, expired, transferred,
                                    at_close, in_progress)
    return counts


def _year_service_issued(connection: sqlite3.Connection, period: Period) -> dict[Key, int] | None:
    """Count a year's tickets per (service, tenant, category) from the day × service index.

    The (business_day, service_id) index answers "tickets per service" without reading
    the table or sorting; a quick de-duplicating scan tells each service's tenant and
    category. Returns None (count the slow way) if a service changed tenant or category
    during the year, since the index alone cannot split its tickets then.
    """
    where, params = period_filter(period)
    owners: dict[str, tuple[str, str]] = {}
    for service_id, tenant_id, category in connection.execute(
        f"SELECT DISTINCT service_id, tenant_id, category FROM visits NOT INDEXED WHERE {where}",
        params,
    ):
        if owners.setdefault(service_id, (tenant_id, category)) != (tenant_id, category):
            return None
    issued: dict[Key, int] = {}
    for service_id, count in connection.execute(
        "SELECT service_id, count(*) FROM visits WHERE business_day BETWEEN ? AND ? "
        "GROUP BY business_day, service_id",
        [f"{period.value}-01-01", f"{period.value}-12-31"],
    ):
        key = (service_id, *owners[service_id])
        issued[key] = issued.get(key, 0) + int(count)
    return issued


@dataclass(frozen=True, slots=True)
class BucketTenantCount:
    """Outcome counts of one tenant in one bucket (month, business day or hour)."""

    bucket: int | str
    tenant_id: str
    counts: OutcomeCounts


@dataclass(frozen=True, slots=True)
class ServiceCount:
    """Outcome counts of one service (as issued), with its tenant and category."""

    service_id: str
    tenant_id: str
    category: str
    counts: OutcomeCounts


@dataclass(frozen=True, slots=True)
class HourCount:
    """Visitors (not cancelled) issued in one hour of one ISO weekday (1 = Monday)."""

    weekday: int
    hour: int
    visitors: int


@dataclass(frozen=True, slots=True)
class KindCount:
    """Visitors of one channel and priority kind (None = no priority), with their waits."""

    channel: str
    priority_kind: str | None
    visitors: int
    served: int
    no_show: int
    wait_seconds_sum: float
    waits_counted: int
    in_progress: int = 0
    """Unfinished visits of the running day; the rest of visitors − served − no-show
    were not served."""


@dataclass(frozen=True, slots=True)
class TimeSample:
    """The waiting and service times of one service's visitors, each list sorted (seconds)."""

    service_id: str
    tenant_id: str
    waits: list[float]
    service_times: list[float]


@contextmanager
def snapshot(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Hold one read transaction so every query sees the same state of the log."""
    connection.execute("BEGIN")
    try:
        yield connection
    finally:
        connection.execute("COMMIT")


def chain_head(connection: sqlite3.Connection) -> ChainHead:
    """Return the last event's seq and hash (seq 0 and the genesis hash for an empty log)."""
    row = connection.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    return ChainHead(int(row[0]), str(row[1])) if row else ChainHead(0, GENESIS_HASH)


def log_clock(connection: sqlite3.Connection) -> tuple[str | None, dt.datetime | None]:
    """Return the last business day started and the time of the last event (the hub's clock).

    Read from the chained events (not the unchained business_days index): together with
    the schedule they tell whether the latest day has closed.
    """
    row = connection.execute(
        "SELECT payload FROM events WHERE type = 'business_day_started' "
        "ORDER BY seq DESC LIMIT 1").fetchone()
    day = str(json.loads(row[0])["business_day"]) if row else None
    last = connection.execute("SELECT at FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    return day, dt.datetime.fromisoformat(last[0]) if last else None


def bucket_tenant_counts(
    connection: sqlite3.Connection, period: Period, tenant_id: str | None = None,
    running_day: str | None = None,
) -> list[BucketTenantCount]:
    """Count outcomes per bucket and tenant: the tenant × month table of the annual report."""
    keys = f"{period.bucket_column}, tenant_id"
    counts = _outcome_counts(connection, keys, period, tenant_id, issued_from_index=True,
                             running_day=running_day)
    return [BucketTenantCount(key[0], str(key[1]), value) for key, value in counts.items()]


def service_counts(
    connection: sqlite3.Connection, period: Period, tenant_id: str | None = None,
    running_day: str | None = None,
) -> list[ServiceCount]:
    """Count outcomes per service at issue (with its tenant and category at that time)."""
    keys = "service_id, tenant_id, category"
    issued = (_year_service_issued(connection, period)
              if period.kind == "year" and tenant_id is None else None)
    counts = _outcome_counts(connection, keys, period, tenant_id, issued_from_index=False,
                             issued=issued, running_day=running_day)
    return [ServiceCount(str(k[0]), str(k[1]), str(k[2]), v) for k, v in counts.items()]


def hour_counts(
    connection: sqlite3.Connection, period: Period, tenant_id: str | None = None
) -> list[HourCount]:
    """Count visitors per weekday and hour of issue: the busiest-hours matrix."""
    where, params = period_filter(period, tenant_id)
    rows = connection.execute(
        f"SELECT weekday, hour, count(*) FROM {visits_source(period, tenant_id)} "
        f"WHERE {where} AND outcome != 'cancelled' GROUP BY +weekday, +hour",
        params,
    )
    return [HourCount(int(weekday), int(hour), int(count)) for weekday, hour, count in rows]


USUAL_CHANNEL = "kiosk"
"""Most visitors take a ticket at the kiosk without priority: that group is derived."""

def _kind_sums(running_day: str | None) -> str:
    final = ", ".join(f"'{outcome}'" for outcome in FINAL_OUTCOMES)
    return ("count(*), sum(outcome = 'served'), sum(outcome = 'no_show'), "
            "total(wait_seconds), count(wait_seconds), "
            f"sum(outcome NOT IN ({final}) AND business_day IS {_day_literal(running_day)})")


def kind_counts(
    connection: sqlite3.Connection, period: Period, tenant_id: str | None = None,
    running_day: str | None = None,
) -> list[KindCount]:
    """Count visitors per channel and priority kind (both views come from these rows).

    Like the outcome counts, in two passes that sort only the few unusual rows: the
    period's totals, and the rows with another channel or a priority kind; plain kiosk
    visitors are what remains.
    """
    where, params = period_filter(period, tenant_id)
    base = f"FROM {visits_source(period, tenant_id)} WHERE {where} AND outcome != 'cancelled'"
    sums = _kind_sums(running_day)
    total = connection.execute(f"SELECT {sums} {base}", params).fetchone()
    kinds = [
        KindCount(str(r[0]), r[1], int(r[2]), int(r[3] or 0), int(r[4] or 0), float(r[5]),
                  int(r[6]), int(r[7] or 0))
        for r in connection.execute(
            f"SELECT channel, priority_kind, {sums} {base} "
            "AND (channel IS NOT ? OR priority_kind IS NOT NULL) "
            "GROUP BY +channel, +priority_kind",
            [*params, USUAL_CHANNEL],
        )
    ]
    usual = KindCount(
        USUAL_CHANNEL, None, int(total[0]) - sum(k.visitors for k in kinds),
        int(total[1] or 0) - sum(k.served for k in kinds),
        int(total[2] or 0) - sum(k.no_show for k in kinds),
        float(total[3]) - sum(k.wait_seconds_sum for k in kinds),
        int(total[4]) - sum(k.waits_counted for k in kinds),
        int(total[5] or 0) - sum(k.in_progress for k in kinds),
    )
    return [usual, *kinds] if usual.visitors else kinds


def time_samples(
    connection: sqlite3.Connection, period: Period, tenant_id: str | None = None
) -> list[TimeSample]:
    """Fetch every called visitor's wait and every served visitor's service time, by service.

    One sample per (service, tenant) — a service that moved to another tenant during the
    period gives two. This is the heaviest view of a year (a million values reach
    Python to be sorted for medians), so the loop is kept lean.
    """
    where, params = period_filter(period, tenant_id)
    rows = connection.execute(
        "SELECT service_id || char(31) || tenant_id, wait_seconds, "
        "CASE outcome WHEN 'served' THEN service_seconds END "
        f"FROM {visits_source(period, tenant_id)} "
        f"WHERE {where} AND outcome != 'cancelled' AND wait_seconds IS NOT NULL",
        params,
    )
    samples: dict[str, TimeSample] = {}
    appenders: dict[str, tuple[Callable[[float], None], Callable[[float], None]]] = {}
    for key, wait, service_seconds in rows:
        append = appenders.get(key)
        if append is None:
            service_id, tenant_id_ = key.split("\x1f")
            sample = samples[key] = TimeSample(service_id, tenant_id_, [], [])
            append = appenders[key] = (sample.waits.append, sample.service_times.append)
        append[0](wait)
        if service_seconds is not None:
            append[1](service_seconds)
    for sample in samples.values():
        sample.waits.sort()
        sample.service_times.sort()
    return sorted(samples.values(), key=lambda sample: (sample.service_id, sample.tenant_id))
