"""Reports and today's IKM over the network, for the supervisor's dashboard.

`GET /reports?period=2026-11&format=xlsx` (also `pdf`, `csv` — a ZIP — and `json`, the
dashboard's preview figures) and `GET /reports/ikm?day=2026-11-23`, each with the
header `Authorization: Bearer <a supervisor device's token>`. The manager's laptop then
needs no copy of the hub's database: the hub builds the report from its own log,
read-only, in a worker thread, exactly as `python -m hub report` does.

Building can take longer than the hub may hold an HTTP answer (websockets allows a
plain GET 10 s, its handshake limit): a year's checked report takes about a minute.
So a request waits at most `WAIT_S`; if the report is not ready it gets `202` with
`Retry-After`, and the same request sent again joins the same build and gets the file
once it is ready. Files are checked against the hash chain (their first page says
whether the data matches); the `json` preview is built without that check, so a preview
of a year takes a second, not a minute (it says `"checked": false`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from websockets.http11 import Response

from hub.config import Device, MallConfig
from hub.config.tokens import Credentials
from hub.web import http

log = logging.getLogger(__name__)

WAIT_S = 7.0
"""How long one request waits for its report before answering 202 (limit: 10 s)."""
FORMATS = {"xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "xlsx"),
           "pdf": ("application/pdf", "pdf"),
           "csv": ("application/zip", "zip")}
KEEP_S = 60.0
"""A finished build nobody came back for is thrown away after this (it would be stale)."""
BUILDS_AT_ONCE = 1
"""Reports read a lot; one at a time keeps the hub's disk and CPU for the hall."""


def supervisor_for(config: MallConfig, credentials: Credentials,
                   token: str | None) -> Device | None:
    """The supervisor device whose token this is (checked as hello checks it), or None."""
    if not token:
        return None
    for device in config.devices:
        if device.role == "supervisor" and credentials.accepts(device.id, token):
            return device
    return None


@dataclass(frozen=True)
class ReportRequest:
    """One report asked for: period, format, tenant, IKM weight (validated)."""

    period: str
    fmt: Literal["xlsx", "pdf", "csv", "json"]
    tenant: str | None
    weight: Literal["exact", "0.11"]

    @property
    def key(self) -> tuple[str, str, str | None, str]:
        """Identical requests share one build."""
        return (self.period, self.fmt, self.tenant, self.weight)

    @property
    def filename(self) -> str:
        """e.g. laporan-2026-11.xlsx (or laporan-2026-11-disdukcapil.pdf)."""
        extension = FORMATS[self.fmt][1] if self.fmt != "json" else "json"
        tenant = f"-{self.tenant}" if self.tenant else ""
        return f"laporan-{self.period}{tenant}.{extension}"


class BadRequest(ValueError):
    """A parameter the hub cannot use; the message says which and what is accepted."""


def read_request(config: MallConfig, query: dict[str, str]) -> ReportRequest:
    """Validate the query of GET /reports."""
    from hub.reports import parse_period

    try:
        period = parse_period(query.get("period", ""))
    except ValueError as error:
        raise BadRequest(str(error)) from None
    fmt = query.get("format", "xlsx")
    if fmt not in (*FORMATS, "json"):
        raise BadRequest(f"format must be xlsx, pdf, csv or json, not {fmt!r}")
    tenant = query.get("tenant") or None
    if tenant is not None and tenant not in {t.id for t in config.tenants}:
        raise BadRequest(f"unknown tenant {tenant!r}")
    weight = query.get("weight", "exact")
    if weight not in ("exact", "0.11"):
        raise BadRequest(f"weight must be exact or 0.11, not {weight!r}")
    return ReportRequest(period.value, fmt, tenant, weight)  # type: ignore[arg-type]


def preview(report: Any) -> dict[str, Any]:
    """The figures and charts the dashboard's reports tab shows, as JSON."""
    meta, totals, times, skm = report.meta, report.totals, report.times_total, report.skm_total
    return {
        "period": meta.period.value, "kind": meta.period.kind, "label": meta.period.label(),
        "tenant_name": meta.tenant_name, "head": {"seq": meta.head.seq, "hash": meta.head.hash},
        "checked": meta.evidence is not None,
        "totals": {"visitors": totals.visitors, "served": totals.served,
                   "no_show": totals.no_show, "transferred": totals.transferred},
        "wait_mean_minutes": times.wait.mean_minutes, "wait_p90_minutes": times.wait.p90_minutes,
        "within_share": times.within_share,
        "skm": {"respondents": skm.respondents, "nrr": list(skm.nrr),
                "ikm": None if skm.ikm is None else f"{skm.ikm:.2f}",
                "grade": skm.grade.letter if skm.grade else None},
        "by_bucket": [[line.short_label or line.label, line.counts.visitors]
                      for line in report.by_bucket],
        "by_tenant": [[line.short_label or line.label, line.counts.visitors]
                      for line in report.by_tenant],
    }


def build(db_path: Path, config: MallConfig, wanted: ReportRequest) -> bytes | dict[str, Any]:
    """Build the report (blocking: run it in a thread). JSON preview: a dict; else the file."""
    from hub.eventlog import open_readonly
    from hub.reports import build_report, parse_period, write_report

    period = parse_period(wanted.period)
    now = dt.datetime.now(dt.UTC)
    if wanted.fmt == "json":
        connection = open_readonly(db_path)
        try:
            return preview(build_report(connection, config, period, wanted.tenant, wanted.weight,
                                        now, with_answers=False, check=False))
        finally:
            connection.close()
    with tempfile.TemporaryDirectory(prefix="antrean-report-") as folder:
        out = Path(folder) / wanted.filename
        write_report(db_path, config, period, out, wanted.fmt, wanted.tenant, wanted.weight, now)
        return out.read_bytes()


def ikm_of_day(db_path: Path, day: str, weight: Literal["exact", "0.11"]) -> dict[str, Any]:
    """A business day's IKM: respondents, the index (two decimals), grade (blocking)."""
    from hub.eventlog import open_readonly
    from hub.reports import skm
    from hub.reports.period import Period

    connection = open_readonly(db_path)
    try:
        sums = skm.skm_sums_by_service(connection, Period("day", day))
    finally:
        connection.close()
    result = skm.skm_result("total", "MPP", sum(sums.values(), skm.NO_ANSWERS), weight)
    return {"day": day, "respondents": result.respondents,
            "ikm": None if result.ikm is None else f"{result.ikm:.2f}",
            "grade": result.grade.letter if result.grade else None,
            "quality": result.grade.quality if result.grade else None,
            "weight": weight, "weight_label": skm.WEIGHT_LABELS.get(weight, weight)}


class Reports:
    """Builds reports off the event loop, one at a time; identical requests share a build."""

    def __init__(self, config: MallConfig, db_path: Path, today: Callable[[], str]) -> None:
        self.config = config
        self.db_path = db_path
        self.today = today
        self._builds: dict[tuple[str, str, str | None, str], asyncio.Task[Any]] = {}
        self._finished: dict[tuple[str, str, str | None, str], float] = {}
        self._slots = asyncio.Semaphore(BUILDS_AT_ONCE)

    async def _build(self, wanted: ReportRequest) -> Any:
        async with self._slots:
            try:
                return await asyncio.to_thread(build, self.db_path, self.config, wanted)
            finally:
                self._finished[wanted.key] = asyncio.get_running_loop().time()

    def _finished_long_ago(self, task: asyncio.Task[Any]) -> bool:
        key = next((k for k, t in self._builds.items() if t is task), None)
        finished = self._finished.get(key) if key else None
        return finished is not None and asyncio.get_running_loop().time() - finished > KEEP_S

    async def report(self, query: dict[str, str], wait_s: float = WAIT_S) -> Response:
        """Answer GET /reports (the caller has checked the token)."""
        try:
            wanted = read_request(self.config, query)
        except BadRequest as error:
            return http.error(400, "invalid_argument", "Isian laporan tidak valid.",
                              f"Invalid report request. {error}")
        task = self._builds.get(wanted.key)
        if task is not None and task.done() and self._finished_long_ago(task):
            task = None
        if task is None:
            task = asyncio.create_task(self._build(wanted))
            self._builds[wanted.key] = task
            log.info("building report %s %s%s", wanted.period, wanted.fmt,
                     f" ({wanted.tenant})" if wanted.tenant else "")
        done, _ = await asyncio.wait({task}, timeout=wait_s)
        if not done:
            return http.json_response(
                202, {"status": "building", "message_id": "Laporan sedang dibuat, minta lagi.",
                      "message_en": "The report is being built; ask again."},
                extra=[("Retry-After", "1")])
        self._builds.pop(wanted.key, None)
        try:
            outcome = task.result()
        except Exception as error:  # said to the dashboard in both languages; hub keeps going
            log.exception("report %s %s failed", wanted.period, wanted.fmt)
            return http.error(500, "report_failed", "Laporan gagal dibuat.",
                              f"The report could not be built: {type(error).__name__}")
        if isinstance(outcome, dict):
            return http.json_response(200, outcome)
        content_type, _ = FORMATS[wanted.fmt]
        return http.response(200, outcome, content_type, extra=[
            ("Content-Disposition", f'attachment; filename="{wanted.filename}"')])

    async def ikm(self, query: dict[str, str]) -> Response:
        """Answer GET /reports/ikm (default: today's business day)."""
        day = query.get("day") or self.today()
        weight = query.get("weight", "exact")
        try:
            dt.date.fromisoformat(day)
            if weight not in ("exact", "0.11"):
                raise ValueError(f"weight must be exact or 0.11, not {weight!r}")
        except ValueError as error:
            return http.error(400, "invalid_argument", "Isian laporan tidak valid.",
                              f"Invalid IKM request. {error}")
        try:
            body = await asyncio.to_thread(ikm_of_day, self.db_path, day, weight)  # type: ignore[arg-type]
        except Exception as error:
            log.exception("IKM of %s failed", day)
            return http.error(500, "report_failed", "IKM gagal dihitung.",
                              f"The IKM could not be computed: {type(error).__name__}")
        return http.json_response(200, body)
