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

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from hub.eventlog import GENESIS_HASH
from hub.reports.period import Period, period_filter

_COUNTS = (
    "count(*), sum(outcome = 'cancelled'), sum(outcome = 'served'), "
    "sum(outcome = 'no_show'), sum(outcome = 'expired'), "
    "sum(transfer_count > 0 AND outcome != 'cancelled')"
)
"""The outcome columns every count query selects, in OutcomeCounts field order."""


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last event of the log a report was computed from: its seq and chain hash."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class OutcomeCounts:
    """Tickets of a group by how their visit ended; adds up across groups."""

    issued: int = 0
    cancelled: int = 0
    served: int = 0
    no_show: int = 0
    expired: int = 0
    transferred: int = 0

    @property
    def visitors(self) -> int:
        """Tickets that reached a visitor: all issued but the cancelled ones."""
        return self.issued - self.cancelled

    @property
    def in_progress(self) -> int:
        """Visitors whose visit has not ended yet (only possible for today)."""
        return self.visitors - self.served - self.no_show - self.expired

    def __add__(self, other: OutcomeCounts) -> OutcomeCounts:
        return OutcomeCounts(
            self.issued + other.issued, self.cancelled + other.cancelled,
            self.served + other.served, self.no_show + other.no_show,
            self.expired + other.expired, self.transferred + other.transferred,
        )


def _counts(values: tuple[int | None, ...]) -> OutcomeCounts:
    return OutcomeCounts(*(int(value or 0) for value in values))


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
class ProfileCount:
    """Visitors (not cancelled) issued on one weekday and hour, by channel and priority kind."""

    weekday: int
    hour: int
    channel: str
    priority_kind: str | None
    visitors: int
    served: int
    no_show: int
    wait_seconds_sum: float
    waits_counted: int


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


def bucket_tenant_counts(
    connection: sqlite3.Connection, period: Period, tenant_id: str | None = None
) -> list[BucketTenantCount]:
    """Count outcomes per bucket and tenant: the tenant × month table of the annual report."""
    where, params = period_filter(period, tenant_id)
    bucket = period.bucket_column
    rows = connection.execute(
        f"SELECT {bucket}, tenant_id, {_COUNTS} FROM visits WHERE {where} "
        f"GROUP BY {bucket}, tenant_id",
        params,
    )
    return [BucketTenantCount(row[0], row[1], _counts(row[2:])) for row in rows]


def service_counts(
    connection: sqlite3.Connection, period: Period, tenant_id: str | None = None
) -> list[ServiceCount]:
    """Count outcomes per service at issue (with its tenant and category at that time)."""
    where, params = period_filter(period, tenant_id)
    rows = connection.execute(
        f"SELECT service_id, tenant_id, category, {_COUNTS} FROM visits WHERE {where} "
        "GROUP BY service_id, tenant_id, category",
        params,
    )
    return [ServiceCount(row[0], row[1], row[2], _counts(row[3:])) for row in rows]


def profile_counts(
    connection: sqlite3.Connection, period: Period, tenant_id: str | None = None
) -> list[ProfileCount]:
    """Count visitors by weekday, hour, channel and priority kind in one pass."""
    where, params = period_filter(period, tenant_id)
    rows = connection.execute(
        "SELECT weekday, hour, channel, priority_kind, count(*), sum(outcome = 'served'), "
        "sum(outcome = 'no_show'), total(wait_seconds), count(wait_seconds) "
        f"FROM visits WHERE {where} AND outcome != 'cancelled' "
        "GROUP BY weekday, hour, channel, priority_kind",
        params,
    )
    return [
        ProfileCount(int(r[0]), int(r[1]), str(r[2]), r[3], int(r[4]), int(r[5]), int(r[6]),
                     float(r[7]), int(r[8]))
        for r in rows
    ]


def time_samples(
    connection: sqlite3.Connection, period: Period, tenant_id: str | None = None
) -> list[TimeSample]:
    """Fetch every called visitor's wait and every served visitor's service time, by service.

    Times are rounded to the millisecond: the log's clock arithmetic is exact to that,
    and it keeps a wait of exactly the target from reading as 1800.0000001 s.
    """
    where, params = period_filter(period, tenant_id)
    rows = connection.execute(
        "SELECT service_id, tenant_id, round(wait_seconds, 3), "
        "CASE WHEN outcome = 'served' THEN round(service_seconds, 3) END "
        f"FROM visits WHERE {where} AND outcome != 'cancelled' AND wait_seconds IS NOT NULL",
        params,
    )
    samples: dict[str, TimeSample] = {}
    for service_id, tenant_id_, wait, service_seconds in rows:
        sample = samples.get(service_id)
        if sample is None:
            sample = samples[service_id] = TimeSample(service_id, tenant_id_, [], [])
        sample.waits.append(wait)
        if service_seconds is not None:
            sample.service_times.append(service_seconds)
    for sample in samples.values():
        sample.waits.sort()
        sample.service_times.sort()
    return sorted(samples.values(), key=lambda sample: sample.service_id)
