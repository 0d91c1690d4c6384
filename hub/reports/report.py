"""One report: every view of a period, computed from one snapshot of the log.

`build_report` runs the queries of `hub.reports.queries` and `hub.reports.skm` inside
one read transaction, then rolls their rows up (per bucket, tenant, service and
category; times; busiest hours; priority; channel; IKM) into a `Report` that the
CSV, XLSX and PDF writers only lay out. Names and wait targets come from the config;
a tenant or service no longer in the config is shown by its id.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import chain
from zoneinfo import ZoneInfo

from hub.config import MallConfig
from hub.reports import complaints as pengaduan
from hub.reports import documents, legs, skm
from hub.reports import queries as q
from hub.reports.evidence import Evidence, check_period
from hub.reports.period import Period
from hub.reports.stats import EMPTY, Summary, count_within, share, summarize
from hub.schedule import holiday_on, hours_for, hours_on

WAIT_TOLERANCE_SECONDS = 0.001
"""The log computes waits with julianday arithmetic (exact to ~0.1 ms): a wait of exactly
the target may read 1800.00005 s and must still count as within it."""

CATEGORY_LABELS = {"perizinan": "Perizinan", "non-perizinan": "Non-perizinan"}
CHANNEL_LABELS = {"kiosk": "Anjungan (kios)", "online": "Daring (online)",
                  "mobile": "HP pengunjung (mobile)"}
PRIORITY_LABELS = {"lansia": "Lansia", "disabilitas": "Penyandang disabilitas",
                   "ibu_hamil": "Ibu hamil"}


@dataclass(frozen=True, slots=True)
class ReportMeta:
    """What the report is about and what it was computed from."""

    mpp_name: str
    mpp_short_name: str
    address: str
    period: Period
    tenant_id: str | None
    tenant_name: str | None
    head: q.ChainHead
    generated_at: dt.datetime
    ikm_weight: skm.IkmWeight
    surveys_available: bool
    timezone: str = "Asia/Jakarta"
    evidence: Evidence | None = None
    """The period's check against the chained events (None: not checked)."""
    running_day: str | None = None
    """The business day still open when the report was made (its unfinished visits are
    in progress); every other day is closed and its unfinished visitors were not served."""


@dataclass(frozen=True, slots=True)
class CountLine:
    """Outcome counts of one row of a view (a bucket, tenant, service or category)."""

    key: str
    label: str
    short_label: str
    counts: q.OutcomeCounts
    group: str = ""
    """The tenant of a service row; empty elsewhere."""


@dataclass(frozen=True, slots=True)
class TimeLine:
    """Waiting and service times of a row, and how many waits were within target."""

    key: str
    label: str
    wait: Summary
    service: Summary
    within_target: int
    judged: int
    """Waits whose service has a known target (the denominator of the share)."""
    target_minutes: int | None = None
    group: str = ""

    @property
    def within_share(self) -> float | None:
        """Share of judged waits within their service's target (0–1)."""
        return share(self.within_target, self.judged)


@dataclass(frozen=True, slots=True)
class HourMatrix:
    """Visitors per hour of the day (rows) and ISO weekday 1–7 (columns)."""

    hours: list[int]
    weekdays: list[int]
    cells: dict[tuple[int, int], int]

    def count(self, hour: int, weekday: int) -> int:
        """Visitors issued in this hour on this weekday."""
        return self.cells.get((hour, weekday), 0)


@dataclass(frozen=True, slots=True)
class KindLine:
    """Visitors of one priority kind or channel, with outcomes and mean wait."""

    key: str
    label: str
    visitors: int
    served: int
    no_show: int
    mean_wait_minutes: float | None
    in_progress: int = 0

    @property
    def not_served(self) -> int:
        """Visitors neither served nor absent whose day has closed."""
        return self.visitors - self.served - self.no_show - self.in_progress


@dataclass(frozen=True, slots=True)
class Report:
    """All views of one period; see docs/reports.md for what each number means."""

    meta: ReportMeta
    totals: q.OutcomeCounts
    by_bucket: list[CountLine]
    by_tenant: list[CountLine]
    by_service: list[CountLine]
    by_category: list[CountLine]
    tenant_buckets: dict[str, dict[int | str, int]]
    """Visitors per tenant (key) per bucket: the tenant × month matrix of a year."""
    times_total: TimeLine
    times_by_tenant: list[TimeLine]
    times_by_service: list[TimeLine]
    hours: HourMatrix
    priority: list[KindLine]
    channels: list[KindLine]
    skm_total: skm.SkmResult
    skm_by_tenant: list[skm.SkmResult]
    skm_by_service: list[skm.SkmResult]
    skm_profile: list[tuple[str, str, int]] = field(default_factory=list)
    skm_answers: list[skm.SurveyAnswer] = field(default_factory=list)
    complaints: list[pengaduan.ComplaintLine] = field(default_factory=list)
    """Complaints and suggestions per tenant (counts only: texts are in their own export)."""
    complaint_categories: list[tuple[str, str]] = field(default_factory=list)
    """(id, Indonesian name) of the configured categories, in order."""
    journeys: list[legs.JourneyLine] = field(default_factory=list)
    journeys_total: legs.JourneyLine | None = None
    staff_by_counter: list[legs.StaffLine] = field(default_factory=list)
    staff_by_name: list[legs.StaffLine] = field(default_factory=list)
    staff_by_bucket: list[legs.StaffLine] = field(default_factory=list)
    """Per day (per month in a year's report), counter and staff name."""
    legs_available: bool = True
    """False for a log written before stints were recorded: journeys and staff unknown."""
    counter_names: dict[str, str] = field(default_factory=dict)
    """Counter id → name, from the configuration."""
    finish_outcomes: list[documents.ServiceOutcomes] = field(default_factory=list)
    """Per month and service with an incomplete-document or referred visit (berkas)."""
    missing_requirements: list[documents.MissingRequirement] = field(default_factory=list)
    """Per month, service and requirement: incomplete-document visits that lacked it."""
    outcomes_recorded: bool = True
    """False for a log written before finish outcomes were recorded: those figures unknown."""


class _Names:
    """Labels, order and wait targets from the configuration, tolerant of unknown ids."""

    def __init__(self, config: MallConfig) -> None:
        self.tenants = {t.id: (t.name.get("id"), t.short_name) for t in config.tenants}
        self.services = {s.id: s for s in config.services}
        self.tenant_order = {t.id: n for n, t in enumerate(config.tenants)}
        self.service_order = {s.id: n for n, s in enumerate(config.services)}

    def tenant(self, tenant_id: str) -> tuple[str, str]:
        return self.tenants.get(tenant_id, (tenant_id, tenant_id))

    def service(self, service_id: str) -> str:
        service = self.services.get(service_id)
        return service.name.get("id") if service else service_id

    def target(self, service_id: str) -> int | None:
        service = self.services.get(service_id)
        return service.target_wait_minutes if service else None

    def tenant_ids(self, seen: set[str], only: str | None) -> list[str]:
        ids = set(seen) | ({only} if only else set(self.tenants))
        return sorted(ids, key=lambda t: (self.tenant_order.get(t, 1 << 30), t))

    def service_ids(self, seen: set[str], only_tenant: str | None) -> list[str]:
        configured = {s.id for s in self.services.values()
                      if only_tenant is None or s.tenant == only_tenant}
        return sorted(seen | configured, key=lambda s: (self.service_order.get(s, 1 << 30), s))


def build_report(
    connection: sqlite3.Connection,
    config: MallConfig,
    period: Period,
    tenant_id: str | None = None,
    ikm_weight: skm.IkmWeight = "exact",
    generated_at: dt.datetime | None = None,
    with_answers: bool = True,
    check: bool = True,
) -> Report:
    """Compute every view of the period from one snapshot of a read-only connection.

    `with_answers=False` leaves out the raw SKM answers (the PDF does not print them).
    `check` (the default) first checks the period's rows against the chained events in
    the same snapshot (`hub.reports.evidence`); the report then says whether they match.
    Raises DataMismatch when rows that do not match the events cannot even be counted.
    """
    generated_at = generated_at or dt.datetime.now(dt.UTC)
    with q.snapshot(connection):
        head = q.chain_head(connection)
        evidence = (check_period(connection, config.mpp.timezone, period, head.seq)
                    if check else None)
        try:
            return _build(connection, config, period, tenant_id, ikm_weight, generated_at,
                          with_answers, head, evidence)
        except (TypeError, ValueError) as error:
            if evidence is None or evidence.ok:
                raise
            raise DataMismatch(evidence) from error


class DataMismatch(ValueError):
    """The tables hold rows the hub never writes (and that do not match the events)."""

    def __init__(self, evidence: Evidence) -> None:
        super().__init__(
            f"refused: the visit tables do not match the event log and hold rows the hub "
            f"never writes ({evidence.projection.total_differences} rows differ; "
            "python -m hub verify names them) / laporan ditolak: data kunjungan tidak cocok "
            "dengan log kejadian")
        self.evidence = evidence


def _build(
    connection: sqlite3.Connection, config: MallConfig, period: Period, tenant_id: str | None,
    ikm_weight: skm.IkmWeight, generated_at: dt.datetime, with_answers: bool,
    head: q.ChainHead, evidence: Evidence | None,
) -> Report:
    """Run every query (inside the caller's snapshot) and roll the rows up."""
    running = running_day(config, *q.log_clock(connection), generated_at)
    buckets = q.bucket_tenant_counts(connection, period, tenant_id, running)
    services = q.service_counts(connection, period, tenant_id, running)
    hours = q.hour_counts(connection, period, tenant_id)
    kinds = q.kind_counts(connection, period, tenant_id, running)
    samples = q.time_samples(connection, period, tenant_id)
    surveys = skm.has_surveys(connection)
    skm_sums = skm.skm_sums_by_service(connection, period, tenant_id)
    skm_profile = skm.respondent_profile(connection, period, tenant_id)
    answers = skm.raw_answers(connection, period, tenant_id) if with_answers else []
    complaint_counts = pengaduan.complaint_counts(connection, period, tenant_id)
    journey_rows = legs.journey_rows(connection, period, tenant_id)
    staff = legs.staff_rows(connection, period, config, tenant_id)
    legs_available = legs.has_legs(connection)
    service_order = {svc.id: n for n, svc in enumerate(config.services)}
    published = {svc.id: svc.requirements.id for svc in config.services}
    outcomes, missing = documents.ordered(
        documents.service_outcomes(connection, period, tenant_id),
        documents.missing_requirements(connection, period, tenant_id),
        lambda s: service_order.get(s, 1 << 30), lambda s: published.get(s, []))
    names = _Names(config)
    tenant_name = names.tenant(tenant_id)[0] if tenant_id else None
    meta = ReportMeta(config.mpp.name, config.mpp.short_name, config.mpp.address, period,
                      tenant_id, tenant_name, head, generated_at, ikm_weight, surveys,
                      config.mpp.timezone, evidence, running)
    by_bucket, by_tenant, matrix = _bucket_views(period, buckets, names, tenant_id)
    by_service, by_category = _service_views(services, names, tenant_id)
    totals = sum((row.counts for row in buckets), q.OutcomeCounts())
    times_total, times_by_tenant, times_by_service = _time_views(samples, names, tenant_id)
    skm_total, skm_by_tenant, skm_by_service = _skm_views(skm_sums, names, ikm_weight)
    tenant_ids = names.tenant_ids(set(), tenant_id)
    service_ids = names.service_ids(set(), tenant_id)
    return Report(
        meta, totals, by_bucket, by_tenant, by_service, by_category, matrix, times_total,
        times_by_tenant, times_by_service, _hour_matrix(hours),
        _kind_lines(kinds, "priority"), _kind_lines(kinds, "channel"),
        skm_total, skm_by_tenant, skm_by_service, skm_profile, answers,
        pengaduan.complaint_lines(complaint_counts, tenant_ids,
                                  {t: names.tenant(t)[0] for t in tenant_ids}),
        [(c.id, c.name.get("id")) for c in config.mpp.complaints.categories],
        legs.journey_lines(journey_rows, service_ids,
                           {s: names.service(s) for s in service_ids},
                           {s: names.tenant(svc.tenant)[1]
                            for s, svc in names.services.items()}),
        legs.all_journeys(journey_rows),
        _staff_order(legs.rolled_up(staff, True, False, False), config),
        _staff_order(legs.rolled_up(staff, False, True, False), config),
        _staff_order(staff, config), legs_available,
        {c.id: c.name for c in config.counters},
        finish_outcomes=outcomes, missing_requirements=missing,
        outcomes_recorded=documents.has_outcomes(connection),
    )


def _staff_order(lines: list[legs.StaffLine], config: MallConfig) -> list[legs.StaffLine]:
    """Staff lines by bucket, then counter in configuration order, then name."""
    order = {c.id: n for n, c in enumerate(config.counters)}
    return sorted(lines, key=lambda line: (line.bucket, order.get(line.counter_id, 1 << 30),
                                           line.counter_id, line.staff))


def closing_time(config: MallConfig, day: dt.date) -> dt.datetime:
    """When the mall stops serving on `day`: the latest close of any service open then."""
    zone = ZoneInfo(config.mpp.timezone)
    closes = [hours.close for service in config.services
              if not holiday_on(config, day)
              and (hours := hours_on(hours_for(config, service), day)) is not None]
    return dt.datetime.combine(day, max(closes, default=dt.time(0)), tzinfo=zone)


def running_day(config: MallConfig, latest_day: str | None, last_event_at: dt.datetime | None,
                generated_at: dt.datetime) -> str | None:
    """Return the business day still open, if any: the latest one, until its closing time.

    The day has closed once the hub's clock (its last event) or the report's own time
    passes the closing time; a demo hub with a shifted clock is judged by its own clock.
    """
    if latest_day is None:
        return None
    now = max(t for t in (last_event_at, generated_at) if t is not None)
    return None if now >= closing_time(config, dt.date.fromisoformat(latest_day)) else latest_day


def _bucket_views(
    period: Period, rows: list[q.BucketTenantCount], names: _Names, only: str | None
) -> tuple[list[CountLine], list[CountLine], dict[str, dict[int | str, int]]]:
    """Roll bucket × tenant counts up per bucket, per tenant, and into the visitor matrix."""
    per_bucket: dict[int | str, q.OutcomeCounts] = defaultdict(q.OutcomeCounts)
    per_tenant: dict[str, q.OutcomeCounts] = defaultdict(q.OutcomeCounts)
    matrix: dict[str, dict[int | str, int]] = defaultdict(dict)
    for row in rows:
        per_bucket[row.bucket] += row.counts
        per_tenant[row.tenant_id] += row.counts
        matrix[row.tenant_id][row.bucket] = row.counts.visitors
    bucket_lines = [
        CountLine(str(b), period.bucket_label(b), period.bucket_label(b),
                  per_bucket.get(b, q.OutcomeCounts()))
        for b in period.buckets(list(per_bucket))
    ]
    tenant_ids = names.tenant_ids(set(per_tenant), only)
    tenant_lines = [CountLine(t, *names.tenant(t), per_tenant.get(t, q.OutcomeCounts()))
                    for t in tenant_ids]
    return bucket_lines, tenant_lines, {t: dict(matrix.get(t, {})) for t in tenant_ids}


def _service_views(
    rows: list[q.ServiceCount], names: _Names, only: str | None
) -> tuple[list[CountLine], list[CountLine]]:
    """Roll service counts up per service (as issued) and per category."""
    per_service: dict[str, q.OutcomeCounts] = defaultdict(q.OutcomeCounts)
    tenant_of: dict[str, str] = {}
    per_category: dict[str, q.OutcomeCounts] = defaultdict(q.OutcomeCounts)
    for row in rows:
        per_service[row.service_id] += row.counts
        tenant_of[row.service_id] = row.tenant_id
        per_category[row.category] += row.counts
    service_lines = []
    for sid in names.service_ids(set(per_service), only):
        configured = names.services.get(sid)
        tenant = tenant_of.get(sid) or (configured.tenant if configured else "")
        label = names.service(sid)
        service_lines.append(CountLine(sid, label, label, per_service.get(sid, q.OutcomeCounts()),
                                       names.tenant(tenant)[1]))
    categories = list(CATEGORY_LABELS) + sorted(set(per_category) - set(CATEGORY_LABELS))
    category_lines = [
        CountLine(c, CATEGORY_LABELS.get(c, c), CATEGORY_LABELS.get(c, c),
                  per_category.get(c, q.OutcomeCounts()))
        for c in categories
    ]
    return service_lines, category_lines


def _time_views(
    samples: list[q.TimeSample], names: _Names, only: str | None
) -> tuple[TimeLine, list[TimeLine], list[TimeLine]]:
    """Summarize waits and service times per service, per tenant and overall."""
    by_service: dict[str, TimeLine] = {}
    tenant_waits: dict[str, list[list[float]]] = defaultdict(list)
    tenant_service: dict[str, list[list[float]]] = defaultdict(list)
    tenant_within: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for sample in _one_sample_per_service(samples):
        target = names.target(sample.service_id)
        within = (count_within(sample.waits, target * 60 + WAIT_TOLERANCE_SECONDS)
                  if target is not None else 0)
        judged = len(sample.waits) if target is not None else 0
        by_service[sample.service_id] = TimeLine(
            sample.service_id, names.service(sample.service_id),
            summarize(sample.waits, already_sorted=True),
            summarize(sample.service_times, already_sorted=True),
            within, judged, target, names.tenant(sample.tenant_id)[1],
        )
    for sample in samples:
        target = names.target(sample.service_id)
        tenant_waits[sample.tenant_id].append(sample.waits)
        tenant_service[sample.tenant_id].append(sample.service_times)
        if target is not None:
            tenant_within[sample.tenant_id][0] += count_within(
                sample.waits, target * 60 + WAIT_TOLERANCE_SECONDS)
            tenant_within[sample.tenant_id][1] += len(sample.waits)
    service_lines = [
        by_service.get(sid) or TimeLine(sid, names.service(sid), EMPTY, EMPTY, 0, 0,
                                         names.target(sid))
        for sid in names.service_ids(set(by_service), only)
    ]
    tenant_lines = [
        _merged_line(t, names.tenant(t)[0], tenant_waits.get(t, []),
                     tenant_service.get(t, []), *tenant_within.get(t, [0, 0]))
        for t in names.tenant_ids(set(tenant_waits), only)
    ]
    total = _merged_line(
        "total", "Semua layanan", [w for ws in tenant_waits.values() for w in ws],
        [s for ss in tenant_service.values() for s in ss],
        sum(w for w, _ in tenant_within.values()), sum(j for _, j in tenant_within.values()),
    )
    return total, tenant_lines, service_lines


def _one_sample_per_service(samples: list[q.TimeSample]) -> list[q.TimeSample]:
    """Join the samples of a service that moved between tenants (rare; sorted again)."""
    joined: dict[str, q.TimeSample] = {}
    for sample in samples:
        earlier = joined.get(sample.service_id)
        if earlier is None:
            joined[sample.service_id] = sample
        else:
            joined[sample.service_id] = q.TimeSample(
                sample.service_id, sample.tenant_id,
                sorted(earlier.waits + sample.waits),
                sorted(earlier.service_times + sample.service_times))
    return list(joined.values())


def _merged_line(key: str, label: str, waits: list[list[float]],
                 service_times: list[list[float]], within: int, judged: int) -> TimeLine:
    """Summarize several services' sorted lists together (timsort merges sorted runs fast)."""
    all_waits = list(chain.from_iterable(waits))
    all_waits.sort()  # timsort merges the already sorted runs: fast
    all_service = list(chain.from_iterable(service_times))
    all_service.sort()
    return TimeLine(key, label, summarize(all_waits, already_sorted=True),
                    summarize(all_service, already_sorted=True), within, judged)


def _hour_matrix(rows: list[q.HourCount]) -> HourMatrix:
    """Visitors per hour × weekday; weekends appear only when someone came then."""
    cells = {(row.hour, row.weekday): row.visitors for row in rows}
    seen_hours = {hour for hour, _ in cells} or {8, 15}
    hours = list(range(min(seen_hours), max(seen_hours) + 1))
    weekdays = [1, 2, 3, 4, 5] + [d for d in (6, 7) if any(w == d for _, w in cells)]
    return HourMatrix(hours, weekdays, cells)


def _kind_lines(rows: list[q.KindCount], by: str) -> list[KindLine]:
    """Visitors per priority kind (every kind, even unused) or per channel seen."""
    visitors: dict[str, int] = defaultdict(int)
    served: dict[str, int] = defaultdict(int)
    no_show: dict[str, int] = defaultdict(int)
    in_progress: dict[str, int] = defaultdict(int)
    waits: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for row in rows:
        key = row.priority_kind if by == "priority" else row.channel
        if key is None:
            continue
        visitors[key] += row.visitors
        served[key] += row.served
        no_show[key] += row.no_show
        in_progress[key] += row.in_progress
        waits[key][0] += row.wait_seconds_sum
        waits[key][1] += row.waits_counted
    labels = PRIORITY_LABELS if by == "priority" else CHANNEL_LABELS
    keys = [k for k in labels if by == "priority" or k in visitors]
    keys += sorted(set(visitors) - set(labels))
    return [
        KindLine(key, labels.get(key, key), visitors[key], served[key], no_show[key],
                 waits[key][0] / waits[key][1] / 60 if waits[key][1] else None,
                 in_progress[key])
        for key in keys
    ]


def _skm_views(
    sums: dict[tuple[str, str], skm.SkmSums], names: _Names, weight: skm.IkmWeight
) -> tuple[skm.SkmResult, list[skm.SkmResult], list[skm.SkmResult]]:
    """IKM overall, per tenant and per service (only groups that have respondents)."""
    per_tenant: dict[str, skm.SkmSums] = defaultdict(lambda: skm.NO_ANSWERS)
    for (tenant_id, _), group in sums.items():
        per_tenant[tenant_id] += group
    total = sum(sums.values(), skm.NO_ANSWERS)
    tenants = [skm.skm_result(t, names.tenant(t)[0], per_tenant[t], weight)
               for t in names.tenant_ids(set(per_tenant), None) if t in per_tenant]
    services = [skm.skm_result(s, names.service(s), group, weight)
                for (_, s), group in sorted(
                    sums.items(), key=lambda item: (names.service_order.get(item[0][1], 1 << 30),
                                                    item[0][1]))]
    return skm.skm_result("total", "Seluruh layanan", total, weight), tenants, services
