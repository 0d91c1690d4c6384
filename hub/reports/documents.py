"""Berkas tidak lengkap: visits finished at a counter whose documents were incomplete.

Counted per month and service (with the referrals elsewhere), and per missing
requirement — the figure a mall needs to simplify its SOPs: which requirement sends
most visitors home. Read from the visits columns the hub keeps from `ticket_finished`
(`finish_outcome`, `missing_requirements`, see hub/eventlog.py); the requirement texts
are those configured when the visit finished. A log from before outcomes were recorded
has no such columns: then the figures are unknown, and the report says so.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from hub.reports.period import Period, period_filter, visits_source
from hub.reports.stats import share


@dataclass(frozen=True, slots=True)
class ServiceOutcomes:
    """One service in one month: visits finished at a counter, and how."""

    month: str
    service_id: str
    finished: int
    incomplete: int
    referred: int

    @property
    def incomplete_share(self) -> float | None:
        """Incomplete-document visits among those finished (0–1; None: none finished)."""
        return share(self.incomplete, self.finished)


@dataclass(frozen=True, slots=True)
class MissingRequirement:
    """How many incomplete-document visits of a service in a month lacked one requirement."""

    month: str
    service_id: str
    requirement: str
    visits: int


def has_outcomes(connection: sqlite3.Connection) -> bool:
    """True when the log's visits table records how finished visits ended."""
    return any(row[1] == "finish_outcome"
               for row in connection.execute("PRAGMA table_info(visits)"))


def service_outcomes(connection: sqlite3.Connection, period: Period,
                     tenant_id: str | None = None) -> list[ServiceOutcomes]:
    """Finished visits per month and service (where they finished), with the outcomes."""
    if not has_outcomes(connection):
        return []
    where, params = period_filter(period, tenant_id)
    rows = connection.execute(
        "SELECT month, final_service_id, count(*), "
        "sum(finish_outcome = 'incomplete_documents'), sum(finish_outcome = 'referred') "
        f"FROM {visits_source(period, tenant_id)} WHERE {where} AND outcome = 'served' "
        "GROUP BY month, final_service_id", params)
    return [ServiceOutcomes(str(m), str(s), int(n), int(i or 0), int(r or 0))
            for m, s, n, i, r in rows]


def missing_requirements(connection: sqlite3.Connection, period: Period,
                         tenant_id: str | None = None) -> list[MissingRequirement]:
    """Incomplete-document visits per month, service and missing requirement."""
    if not has_outcomes(connection):
        return []
    where, params = period_filter(period, tenant_id)
    rows = connection.execute(
        "SELECT month, final_service_id, missing.value, count(*) "
        f"FROM visits, json_each(visits.missing_requirements) AS missing WHERE {where} "
        "AND finish_outcome = 'incomplete_documents' "
        "GROUP BY month, final_service_id, missing.value", params)
    return [MissingRequirement(str(m), str(s), str(r), int(n)) for m, s, r, n in rows]


def ordered(outcomes: list[ServiceOutcomes], missing: list[MissingRequirement],
            service_order: Callable[[str], int], requirements: Callable[[str], list[str]],
            ) -> tuple[list[ServiceOutcomes], list[MissingRequirement]]:
    """Only services with an incomplete or referred visit, by month and service order;
    requirements most often missing first (ties in the service's published order)."""
    shown = sorted((o for o in outcomes if o.incomplete or o.referred),
                   key=lambda o: (o.month, service_order(o.service_id), o.service_id))

    def requirement_rank(line: MissingRequirement) -> tuple[str, int, str, int, int, str]:
        published = requirements(line.service_id)
        place = published.index(line.requirement) if line.requirement in published else 1 << 20
        return (line.month, service_order(line.service_id), line.service_id, -line.visits,
                place, line.requirement)

    return shown, sorted(missing, key=requirement_rank)
