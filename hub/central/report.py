"""Central reports: visitors and IKM across MPPs, from the central PostgreSQL.

The same counting rules as each hub's own report (`hub.reports`): the counts come out as
`hub.reports.queries.OutcomeCounts`, IKM through `hub.reports.skm`, and the tables are laid
out with `hub.reports.tables` and written by the same CSV, XLSX and PDF code, so a number
means the same centrally as at the hub. They are read from the daily roll-ups
(`visit_counts`, `survey_sums`) that the ingest keeps from the visits the hub's own
projection rebuilt — a year of many MPPs is a few hundred thousand rows, not millions.

Grouping: any of mpp, tenant, service, category, month, day (`--by tenant,month`). Tenant
and service ids are those of each MPP's configuration: MPPs that use the same id for the
same agency roll up together. Central has no schedules: an unfinished visit is *in
progress* only on its MPP's latest business day when that day is today where the MPP is,
and *not served* on every other day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

import psycopg

from hub.central.ingest import Fault
from hub.reports.period import Period
from hub.reports.queries import FINAL_OUTCOMES, ChainHead, OutcomeCounts
from hub.reports.report import CATEGORY_LABELS
from hub.reports.skm import NO_ANSWERS, IkmWeight, SkmResult, SkmSums, skm_result
from hub.reports.stats import share

Dimension = Literal["mpp", "tenant", "service", "category", "month", "day"]
DIMENSIONS: dict[str, str] = {"mpp": "mpp_id", "tenant": "tenant_id", "service": "service_id",
                              "category": "category", "month": "month", "day": "business_day"}
HEADINGS: dict[str, str] = {"mpp": "MPP", "tenant": "Instansi", "service": "Layanan",
                            "category": "Kategori", "month": "Bulan", "day": "Hari layanan"}


def parse_by(text: str) -> tuple[Dimension, ...]:
    """Read 'mpp' or 'tenant,month'; raise ValueError naming what is accepted."""
    parts = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [part for part in parts if part not in DIMENSIONS]
    if not parts or unknown or len(set(parts)) != len(parts):
        raise ValueError(f"--by takes one or more of {', '.join(DIMENSIONS)} separated by "
                         f"commas (e.g. tenant,month), not {text!r}")
    return parts  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class CentralLine:
    """One row of the central report: its group, counts, times and IKM."""

    key: tuple[str, ...]
    labels: tuple[str, ...]
    counts: OutcomeCounts
    waits: int
    wait_sum: float
    service_sum: float
    skm: SkmResult | None
    """None when the grouping has no IKM (SKM answers are not kept per category)."""

    @property
    def mean_wait_minutes(self) -> float | None:
        """Mean wait of the called visitors (cancelled tickets left out), in minutes."""
        return self.wait_sum / self.waits / 60 if self.waits else None

    @property
    def mean_service_minutes(self) -> float | None:
        """Mean service time of the served visitors, in minutes."""
        return self.service_sum / self.counts.served / 60 if self.counts.served else None


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """One MPP's service in one month: visits finished at a counter, incomplete, referred."""

    mpp: str
    month: str
    service: str
    finished: int
    incomplete: int
    referred: int

    @property
    def incomplete_share(self) -> float | None:
        """Incomplete-document visits among those finished (0–1)."""
        return share(self.incomplete, self.finished)


@dataclass(frozen=True, slots=True)
class MissingLine:
    """Incomplete-document visits of an MPP's service in a month that lacked a requirement."""

    mpp: str
    month: str
    service: str
    requirement: str
    visits: int


@dataclass(frozen=True, slots=True)
class MppSource:
    """Where one MPP's numbers come from: its chain head centrally and any refusals."""

    mpp_id: str
    name: str
    head: ChainHead
    last_received_at: dt.datetime | None
    faults: list[Fault]


@dataclass(frozen=True, slots=True)
class CentralReport:
    """The central report of a period, grouped by `by`."""

    period: Period
    by: tuple[Dimension, ...]
    mpp_id: str | None
    tenant_id: str | None
    lines: list[CentralLine]
    total: CentralLine
    ikm_by_mpp: list[SkmResult]
    sources: list[MppSource]
    generated_at: dt.datetime
    ikm_weight: IkmWeight
    running_days: dict[str, str] = field(default_factory=dict)
    documents: list[DocumentLine] = field(default_factory=list)
    """Berkas tidak lengkap: per MPP, month and service with an incomplete or referred visit."""
    missing: list[MissingLine] = field(default_factory=list)
    """Per MPP, month, service and requirement: incomplete-document visits that lacked it."""

    @property
    def faulty(self) -> list[MppSource]:
        """The MPPs whose shipping was refused at some point (their data stops there)."""
        return [source for source in self.sources if source.faults]


def _period_where(period: Period, mpp_id: str | None,
                  tenant_id: str | None) -> tuple[str, dict[str, Any]]:
    where = [f"{period.column} = %(period)s"]
    params: dict[str, Any] = {"period": period.sql_value}
    if mpp_id is not None:
        where.append("mpp_id = %(mpp)s")
        params["mpp"] = mpp_id
    if tenant_id is not None:
        where.append("tenant_id = %(tenant)s")
        params["tenant"] = tenant_id
    return " AND ".join(where), params


def _running_days(connection: psycopg.Connection, now: dt.datetime) -> dict[str, str]:
    """Each MPP's latest business day, if it is today where the MPP is."""
    running = {}
    for mpp_id, timezone, day in connection.execute(
            "SELECT m.mpp_id, m.timezone, max(d.business_day) FROM mpps m "
            "JOIN business_days d USING (mpp_id) GROUP BY m.mpp_id, m.timezone"):
        if day == now.astimezone(ZoneInfo(timezone)).date().isoformat():
            running[str(mpp_id)] = str(day)
    return running


class _Names:
    """MPP, tenant and service names as the shippers registered them (ids otherwise)."""

    def __init__(self, connection: psycopg.Connection) -> None:
        self.mpps: dict[str, str] = dict(
            connection.execute("SELECT mpp_id, name FROM mpps").fetchall())
        self.ids: dict[tuple[str, str], str] = {}
        for kind, id_, name in connection.execute(
                "SELECT kind, id, name FROM names ORDER BY mpp_id"):
            self.ids.setdefault((kind, id_), name)

    def label(self, dimension: str, value: str) -> str:
        if dimension == "mpp":
            return str(self.mpps.get(value, value))
        if dimension in ("tenant", "service"):
            return self.ids.get((dimension, value), value)
        if dimension == "category":
            return CATEGORY_LABELS.get(value, value)
        if dimension == "month":
            return Period("month", value).label()
        return Period("day", value).label() if dimension == "day" else value


def build_central_report(
    connection: psycopg.Connection, period: Period, by: tuple[Dimension, ...],
    mpp_id: str | None = None, tenant_id: str | None = None,
    ikm_weight: IkmWeight = "exact", generated_at: dt.datetime | None = None,
) -> CentralReport:
    """Compute the report from one snapshot of the central database (read-only)."""
    generated_at = generated_at or dt.datetime.now(dt.UTC)
    with connection.transaction():
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        running = _running_days(connection, generated_at)
        names = _Names(connection)
        lines, total = _count_lines(connection, period, by, mpp_id, tenant_id, running, names,
                                    ikm_weight)
        ikm_by_mpp = _ikm_by_mpp(connection, period, mpp_id, tenant_id, names, ikm_weight)
        sources = _sources(connection, mpp_id)
        documents, missing = _documents(connection, period, mpp_id, tenant_id, names)
    return CentralReport(period, by, mpp_id, tenant_id, lines, total, ikm_by_mpp, sources,
                         generated_at, ikm_weight, running, documents, missing)


def _count_lines(
    connection: psycopg.Connection, period: Period, by: tuple[Dimension, ...],
    mpp_id: str | None, tenant_id: str | None, running: dict[str, str], names: _Names,
    weight: IkmWeight,
) -> tuple[list[CentralLine], CentralLine]:
    """Outcome counts, times and IKM per group, and the total."""
    where, params = _period_where(period, mpp_id, tenant_id)
    keys = ", ".join(DIMENSIONS[d] for d in by)
    params["running"] = [f"{mpp}/{day}" for mpp, day in running.items()]
    final = "ARRAY[" + ", ".join(f"'{outcome}'" for outcome in FINAL_OUTCOMES) + "]"
    rows = connection.execute(
        f"SELECT {keys}, "
        "sum(visits), "
        "sum(visits) FILTER (WHERE outcome = 'cancelled'), "
        "sum(visits) FILTER (WHERE outcome = 'no_show'), "
        "sum(visits) FILTER (WHERE outcome = 'expired'), "
        f"sum(visits) FILTER (WHERE outcome <> ALL ({final}) "
        "  AND NOT (mpp_id || '/' || business_day = ANY(%(running)s))), "
        f"sum(visits) FILTER (WHERE outcome <> ALL ({final}) "
        "  AND mpp_id || '/' || business_day = ANY(%(running)s)), "
        "sum(visits) FILTER (WHERE transferred AND outcome <> 'cancelled'), "
        "sum(waits) FILTER (WHERE outcome <> 'cancelled'), "
        "sum(wait_sum) FILTER (WHERE outcome <> 'cancelled'), "
        "sum(service_sum) FILTER (WHERE outcome = 'served') "
        f"FROM visit_counts WHERE {where} GROUP BY {keys} ORDER BY {keys}",
        params).fetchall()
    width = len(by)
    skm_by_key = _skm_sums(connection, period, by, mpp_id, tenant_id)
    lines = []
    for row in rows:
        key = tuple(str(value) for value in row[:width])
        issued, cancelled, no_show, expired, at_close, in_progress, transferred = (
            int(value or 0) for value in row[width:width + 7])
        served = issued - cancelled - no_show - expired - at_close - in_progress
        counts = OutcomeCounts(issued, cancelled, served, no_show, expired, transferred,
                               at_close, in_progress)
        labels = tuple(names.label(d, value) for d, value in zip(by, key, strict=True))
        skm = None
        if skm_by_key is not None:
            skm = skm_result("/".join(key), " · ".join(labels),
                             skm_by_key.get(key, NO_ANSWERS), weight)
        lines.append(CentralLine(key, labels, counts, int(row[width + 7] or 0),
                                 float(row[width + 8] or 0.0), float(row[width + 9] or 0.0),
                                 skm))
    total_sums = None if skm_by_key is None else sum(skm_by_key.values(), NO_ANSWERS)
    total = CentralLine(
        ("total",), ("Jumlah",), sum((line.counts for line in lines), OutcomeCounts()),
        sum(line.waits for line in lines), sum(line.wait_sum for line in lines),
        sum(line.service_sum for line in lines),
        None if total_sums is None else skm_result("total", "Jumlah", total_sums, weight))
    return lines, total


def _skm_sums(connection: psycopg.Connection, period: Period, by: tuple[Dimension, ...],
              mpp_id: str | None, tenant_id: str | None
              ) -> dict[tuple[str, ...], SkmSums] | None:
    """SKM answer sums per group (None for a grouping by category: not kept per category)."""
    if "category" in by:
        return None
    where, params = _period_where(period, mpp_id, tenant_id)
    keys = ", ".join(DIMENSIONS[d] for d in by)
    elements = ", ".join(f"sum(u{n})" for n in range(1, 10))
    width = len(by)
    return {
        tuple(str(value) for value in row[:width]):
            SkmSums(int(row[width]), tuple(int(value) for value in row[width + 1:]))
        for row in connection.execute(
            f"SELECT {keys}, sum(respondents), {elements} FROM survey_sums WHERE {where} "
            f"GROUP BY {keys}", params)
    }


def _ikm_by_mpp(connection: psycopg.Connection, period: Period, mpp_id: str | None,
                tenant_id: str | None, names: _Names, weight: IkmWeight) -> list[SkmResult]:
    """IKM of each MPP that has answers in the period."""
    sums = _skm_sums(connection, period, ("mpp",), mpp_id, tenant_id) or {}
    return [skm_result(key[0], names.label("mpp", key[0]), group, weight)
            for key, group in sorted(sums.items())]


DOCUMENTS_SQL = """
WITH hit AS (
    SELECT mpp_id, month, final_service_id,
           count(*) FILTER (WHERE finish_outcome = 'incomplete_documents') AS incomplete,
           count(*) FILTER (WHERE finish_outcome = 'referred') AS referred
      FROM visits WHERE {where} AND finish_outcome IN ('incomplete_documents', 'referred')
     GROUP BY 1, 2, 3),
finished AS (
    SELECT mpp_id, month, final_service_id, count(*) AS finished
      FROM visits WHERE {where} AND outcome = 'served'
       AND (mpp_id, month, final_service_id) IN (SELECT mpp_id, month, final_service_id
                                                   FROM hit)
     GROUP BY 1, 2, 3)
SELECT mpp_id, month, final_service_id, finished, incomplete, referred
  FROM hit JOIN finished USING (mpp_id, month, final_service_id)
"""
MISSING_SQL = """
SELECT mpp_id, month, final_service_id, missing.requirement, count(*)
  FROM visits, jsonb_array_elements_text(missing_requirements::jsonb) AS missing(requirement)
 WHERE {where} AND finish_outcome = 'incomplete_documents'
 GROUP BY 1, 2, 3, 4
"""


def _documents(connection: psycopg.Connection, period: Period, mpp_id: str | None,
               tenant_id: str | None, names: _Names
               ) -> tuple[list[DocumentLine], list[MissingLine]]:
    """Berkas tidak lengkap per MPP, month and service (where the visit finished), and per
    missing requirement — the hub report's rules (hub/reports/documents.py), read from the
    visits the hub's projection rebuilt (the few such visits, then their services' finished
    ones, both by index)."""
    where, params = _period_where(period, mpp_id, tenant_id)
    documents = [
        DocumentLine(names.label("mpp", str(m)), str(month), names.label("service", str(s)),
                     int(f), int(i), int(r))
        for m, month, s, f, i, r in connection.execute(DOCUMENTS_SQL.format(where=where),
                                                       params)]
    missing = [
        MissingLine(names.label("mpp", str(m)), str(month), names.label("service", str(s)),
                    str(requirement), int(n))
        for m, month, s, requirement, n in connection.execute(MISSING_SQL.format(where=where),
                                                              params)]
    documents.sort(key=lambda d: (d.mpp, d.month, d.service))
    missing.sort(key=lambda d: (d.mpp, d.month, d.service, -d.visits, d.requirement))
    return documents, missing


def _sources(connection: psycopg.Connection, mpp_id: str | None) -> list[MppSource]:
    """Each MPP's head and refusals: what the report's numbers stand on."""
    faults: dict[str, list[Fault]] = defaultdict(list)
    for mpp, seq, kind, detail in connection.execute(
            "SELECT mpp_id, seq, kind, detail FROM chain_faults ORDER BY fault_id"):
        faults[str(mpp)].append(Fault(str(mpp), int(seq), kind, str(detail)))
    return [
        MppSource(str(r[0]), str(r[1]), ChainHead(int(r[2]), str(r[3])), r[4],
                  faults.get(str(r[0]), []))
        for r in connection.execute(
            "SELECT mpp_id, name, head_seq, head_hash, last_received_at FROM mpps "
            "WHERE %(mpp)s::text IS NULL OR mpp_id = %(mpp)s ORDER BY mpp_id",
            {"mpp": mpp_id})
    ]
