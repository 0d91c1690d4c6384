"""The visitor's journey and the staff's work, from the stints of visits at counters.

`service_legs` (hub/eventlog.py) has one row per stint: a visit at one counter, ended by
a finish (served), a transfer onward (transferred) or a no-show, with the staff who sat
at that counter (`open_counter`'s `staff`) and the time spent serving.

**Journey**: one visit from its ticket to its last finish, across every counter it was
sent to (transfers keep the ticket) and every later ticket the visitor took for it at
the kiosk with this one's number (`linked_to`). Counted for finished journeys only
(every visit of it ended served), per the service the first ticket was taken for — the
permit applied for:
how many different counters it passed and the total time from ticket to last finish,
with median and P90 (what the Blora article asks to bring down).

**Staff**: per counter and per staff name, the visitors finished there, sent on from
there and absent there, and the mean service time of the stints served (finished or
sent on). A stint with no staff name recorded is counted under "tidak dicatat".
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass

from hub.config import MallConfig
from hub.reports.period import Period, period_filter
from hub.reports.stats import Summary, summarize

UNNAMED_STAFF = "(nama petugas tidak dicatat)"


def has_legs(connection: sqlite3.Connection) -> bool:
    """True when the log has the service_legs table (written by this release's hub)."""
    return connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'service_legs'"
    ).fetchone() is not None


# ------------------------------------------------------------------ journeys


@dataclass(frozen=True, slots=True)
class JourneyLine:
    """The finished journeys of one service (as issued): counters passed and total time."""

    service_id: str
    label: str
    tenant: str
    counters: Summary
    """Different counters passed per journey (not seconds: read `mean`, `median`, `p90`)."""
    total_time: Summary
    """Seconds from the ticket to the last finish."""
    by_counters: dict[int, int]
    """Journeys that passed 1, 2, 3… counters."""

    @property
    def journeys(self) -> int:
        """Finished journeys."""
        return self.counters.count


def journey_rows(connection: sqlite3.Connection, period: Period,
                 tenant_id: str | None = None) -> list[tuple[str, int, float]]:
    """(service as issued, counters passed, seconds from ticket to last finish) per
    finished journey: a served visit, or a visit and the tickets linked to it at the kiosk
    (`visits.journey_id`), every one of them served.

    A visit never transferred and never continued passed one counter; only the others are
    looked up (by the visit_id and journey_id indexes), so a year stays one pass over visits.
    The period and tenant are those of the journey's first ticket.
    """
    if not has_legs(connection):
        return []
    linked = _has_links(connection)
    # The few journeys continued by a linked ticket, once (journey_id is indexed).
    continued = {row[0] for row in connection.execute(
        "SELECT DISTINCT journey_id FROM visits WHERE journey_id IS NOT NULL")} if linked \
        else set()
    where, params = period_filter(period, tenant_id)
    first = " AND journey_id IS NULL" if linked else ""
    rows = connection.execute(
        "SELECT visit_id, service_id, outcome, CASE WHEN transfer_count = 0 THEN 1 ELSE "
        "(SELECT count(DISTINCT counter_id) FROM service_legs l WHERE l.visit_id = v.visit_id) "
        "END, (julianday(ended_at) - julianday(issued_at)) * 86400.0, issued_at "
        f"FROM visits v WHERE {where}{first}", params)
    journeys = []
    for visit_id, service_id, outcome, counters, seconds, issued_at in rows:
        if visit_id not in continued:
            if outcome == "served":
                journeys.append((str(service_id), int(counters), float(seconds)))
            continue
        visits = connection.execute(
            "SELECT visit_id, outcome, ended_at FROM visits WHERE visit_id = ? OR "
            "journey_id = ?", (visit_id, visit_id)).fetchall()
        if any(ended_how != "served" for _, ended_how, _ in visits):
            continue  # not finished: a later ticket is still waiting, or was not served
        ids = [row[0] for row in visits]
        marks = ",".join("?" * len(ids))
        (passed,) = connection.execute(
            f"SELECT count(DISTINCT counter_id) FROM service_legs WHERE visit_id IN ({marks})",
            ids).fetchone()
        (total,) = connection.execute(
            "SELECT (julianday(?) - julianday(?)) * 86400.0",
            (max(row[2] for row in visits), issued_at)).fetchone()
        journeys.append((str(service_id), int(passed), float(total)))
    return journeys


def _has_links(connection: sqlite3.Connection) -> bool:
    """True when the visits table records linked tickets (a log from this release on)."""
    return any(row[1] == "journey_id"
               for row in connection.execute("PRAGMA table_info(visits)"))


def journey_lines(rows: list[tuple[str, int, float]], service_ids: list[str],
                  label: dict[str, str], tenant_of: dict[str, str]) -> list[JourneyLine]:
    """Summarize the journeys per service, in `service_ids` order (services with none left out)."""
    counters: dict[str, list[float]] = defaultdict(list)
    times: dict[str, list[float]] = defaultdict(list)
    for service_id, count, seconds in rows:
        counters[service_id].append(count)
        times[service_id].append(seconds)
    ordered = [s for s in service_ids if s in counters]
    ordered += sorted(set(counters) - set(ordered))
    lines = []
    for service_id in ordered:
        passed = counters[service_id]
        spread: dict[int, int] = defaultdict(int)
        for value in passed:
            spread[int(value)] += 1
        lines.append(JourneyLine(service_id, label.get(service_id, service_id),
                                 tenant_of.get(service_id, ""), summarize(passed),
                                 summarize(times[service_id]), dict(spread)))
    return lines


def all_journeys(rows: list[tuple[str, int, float]]) -> JourneyLine:
    """Every finished journey of the period together."""
    spread: dict[int, int] = defaultdict(int)
    for _, passed, _ in rows:
        spread[passed] += 1
    return JourneyLine("total", "Semua layanan", "", summarize([float(r[1]) for r in rows]),
                       summarize([r[2] for r in rows]), dict(spread))


# --------------------------------------------------------------------- staff


@dataclass(frozen=True, slots=True)
class StaffLine:
    """One counter's (or one staff member's) stints in one bucket, or the whole period."""

    bucket: str
    """A business day, a month ("2026-11"), or "" for the whole period."""
    counter_id: str
    """"" on a line per staff name over all counters."""
    staff: str
    served: int
    transferred: int
    no_show: int
    service_seconds: float
    timed: int
    """Stints served (finished or sent on) whose service time is known."""

    @property
    def mean_service_minutes(self) -> float | None:
        """Mean time serving a visitor, in minutes (None when none was served)."""
        return self.service_seconds / self.timed / 60 if self.timed else None


def staff_bucket_column(period: Period) -> str:
    """Staff figures are per day (a day's or a month's report) or per month (a year's)."""
    return "month" if period.kind == "year" else "business_day"


def staff_rows(connection: sqlite3.Connection, period: Period, config: MallConfig,
               tenant_id: str | None = None) -> list[StaffLine]:
    """Stints per bucket, counter and staff name (a tenant's report: its counters only)."""
    if not has_legs(connection):
        return []
    where, params = period_filter(period)
    bucket = staff_bucket_column(period)
    rows = connection.execute(
        f"SELECT {bucket}, counter_id, staff, sum(outcome = 'served'), "
        "sum(outcome = 'transferred'), sum(outcome = 'no_show'), "
        "total(CASE WHEN outcome != 'no_show' THEN service_seconds END), "
        "count(CASE WHEN outcome != 'no_show' THEN service_seconds END) "
        f"FROM service_legs WHERE {where} GROUP BY 1, 2, 3", params)
    tenant_of = {c.id: c.tenant for c in config.counters}
    return [StaffLine(str(b), str(c), str(s) if s else UNNAMED_STAFF, int(served),
                      int(moved), int(absent), float(seconds), int(timed))
            for b, c, s, served, moved, absent, seconds, timed in rows
            if tenant_id is None or tenant_of.get(str(c)) == tenant_id]


def rolled_up(lines: list[StaffLine], by_counter: bool, by_staff: bool,
              by_bucket: bool) -> list[StaffLine]:
    """Add the lines up over what is not kept (bucket, counter or staff name)."""
    sums: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0, 0, 0, 0.0, 0])
    for line in lines:
        key = (line.bucket if by_bucket else "", line.counter_id if by_counter else "",
               line.staff if by_staff else "")
        total = sums[key]
        total[0] += line.served
        total[1] += line.transferred
        total[2] += line.no_show
        total[3] += line.service_seconds
        total[4] += line.timed
    return [StaffLine(b, c, s, int(t[0]), int(t[1]), int(t[2]), float(t[3]), int(t[4]))
            for (b, c, s), t in sums.items()]
