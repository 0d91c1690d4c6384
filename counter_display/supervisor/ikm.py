"""Today's IKM and the reports, asked of the hub over the network (GET /reports…).

The manager's laptop holds no copy of the hub's database: the hub builds each report
from its own log and sends the file, authorised by this dashboard's supervisor token
(`Authorization: Bearer …`, docs/protocol.md §20.5). The IKM is re-read when a
`survey_submitted` event arrives (the hub writes before it broadcasts), never on a
timer. A report the hub is still building answers 202; asking again joins the same
build (each answer waits up to a few seconds on the hub), until the file comes.

Blocking calls (urllib): the dashboard calls them from worker threads, except the small
IKM read, which answers in milliseconds.
"""

from __future__ import annotations

import json
import logging
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

log = logging.getLogger(__name__)

Weight = Literal["exact", "0.11"]
"""The SKM element weight (see hub.reports.skm): exactly 1/9, or the regulation's 0.11."""
REPORT_DEADLINE_S = 600.0
"""A checked annual report takes about a minute on the hub; give up after ten."""


class ReportError(RuntimeError):
    """The hub could not give the report; the text says why, in both languages."""


@dataclass(frozen=True)
class IkmFigure:
    """The IKM of one day: respondents, the index and its grade (None without answers)."""

    respondents: int
    ikm: str | None
    """Two decimals with a comma, as Indonesians write it ("87,50")."""
    grade: str | None
    quality: str | None
    weight_label: str


def http_url(hub_url: str) -> str:
    """The hub's HTTP address for its websocket address (ws→http, wss→https)."""
    if hub_url.startswith("wss://"):
        return "https://" + hub_url[len("wss://"):].rstrip("/")
    if hub_url.startswith("ws://"):
        return "http://" + hub_url[len("ws://"):].rstrip("/")
    return hub_url.rstrip("/")


class HubReports:
    """The hub's report endpoints, with this supervisor's token."""

    def __init__(self, hub_url: str, token: str, ssl_context: ssl.SSLContext | None = None,
                 weight: Weight = "exact", timeout: float = 20.0) -> None:
        self.base = http_url(hub_url)
        self.token = token
        self.ssl_context = ssl_context
        self.weight = weight
        self.timeout = timeout
        handlers: list[Any] = [urllib.request.ProxyHandler({})]  # the hub is on the LAN
        if ssl_context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=ssl_context))
        self._opener = urllib.request.build_opener(*handlers)

    def _get(self, path: str, query: dict[str, str], deadline_s: float) -> tuple[bytes, str]:
        """GET until the hub answers 200 (202: still building, ask again); body and type."""
        url = f"{self.base}{path}?{urllib.parse.urlencode(query)}"
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {self.token}"})
        give_up = time.monotonic() + deadline_s
        while True:
            try:
                with self._opener.open(request, timeout=self.timeout) as answer:
                    body = answer.read()
                    if answer.status == 200:
                        return body, answer.headers.get("Content-Type", "")
            except urllib.error.HTTPError as error:
                with error:
                    raise ReportError(_refusal(error.code, error.read())) from None
            except (urllib.error.URLError, OSError) as error:
                raise ReportError(f"Server antrean tidak terjangkau · The hub cannot be "
                                  f"reached ({error})") from None
            if time.monotonic() > give_up:
                raise ReportError("Laporan belum selesai dibuat · The report took too long")

    def day(self, business_day: str) -> IkmFigure | None:
        """The IKM of a business day ("2026-11-23"); None if it cannot be read now."""
        try:
            body, _ = self._get("/reports/ikm", {"day": business_day, "weight": self.weight},
                                self.timeout)
            data = json.loads(body)
        except (ReportError, ValueError) as error:
            log.warning("no IKM: %s", error)
            return None
        if data.get("ikm") is None:
            return IkmFigure(0, None, None, None, str(data.get("weight_label", "")))
        return IkmFigure(int(data["respondents"]), str(data["ikm"]).replace(".", ","),
                         data.get("grade"), data.get("quality"), str(data.get("weight_label")))

    def preview(self, period: str, tenant: str | None) -> dict[str, Any]:
        """The figures and charts of a period (built by the hub without the chain check)."""
        body, _ = self._get("/reports", self._query(period, "json", tenant), REPORT_DEADLINE_S)
        result: dict[str, Any] = json.loads(body)
        return result

    def download(self, period: str, fmt: str, tenant: str | None, out: Path) -> Path:
        """Fetch the report file (xlsx, pdf, csv as zip) into `out`; it appears whole or not."""
        body, _ = self._get("/reports", self._query(period, fmt, tenant), REPORT_DEADLINE_S)
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".part")
        partial.write_bytes(body)
        partial.replace(out)
        return out

    def slots(self, service_id: str, day: str) -> dict[str, Any]:
        """A service's appointment slots on a day ("2026-11-24"), as the hub counts them
        (docs/protocol.md §21.1); raise ReportError when they cannot be read."""
        body, _ = self._get("/slots", {"service": service_id, "day": day}, self.timeout)
        try:
            result: dict[str, Any] = json.loads(body)
        except ValueError as error:
            raise ReportError(f"Jawaban hub tidak terbaca · Unreadable answer ({error})") from None
        return result

    def _query(self, period: str, fmt: str, tenant: str | None) -> dict[str, str]:
        query = {"period": period, "format": fmt, "weight": self.weight}
        if tenant:
            query["tenant"] = tenant
        return query


def _refusal(status: int, body: bytes) -> str:
    """The hub's bilingual reason for a refusal, as one line."""
    try:
        data = json.loads(body)
        return f"{data['message_id']} · {data['message_en']}"
    except (ValueError, KeyError, TypeError):
        return f"Hub menolak (HTTP {status}) · The hub refused (HTTP {status})"
