"""The reports tab: pick a year, month or day; preview key figures and charts; export.

Reports come from the hub over the network (`GET /reports`, with this dashboard's
supervisor token; see ikm.HubReports): the preview's figures as JSON, built by the hub
without the chain check (a second for a year), and the exported files as the hub's
report builder writes them, checked against the hash chain (a minute for a year). Both
run in a worker thread and arrive as `reportReady` and `exported`. Without a link to
the hub's reports the tab shows what the live view gives — today's visitors per tenant
and service — and export is disabled with a tooltip saying why.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_display.supervisor.charts import BarChart, thousands
from counter_display.supervisor.controller import SupervisorController
from counter_display.supervisor.ikm import HubReports

log = logging.getLogger(__name__)

KINDS = (("day", "Hari · Day"), ("month", "Bulan · Month"), ("year", "Tahun · Year"))
DATE_FORMATS = {"day": "dd/MM/yyyy", "month": "MM/yyyy", "year": "yyyy"}
FIGURES = (("visitors", "Pengunjung"), ("served", "Dilayani"), ("no_show", "Tidak hadir"),
           ("transferred", "Dialihkan"), ("wait_mean", "Rata-rata tunggu"),
           ("wait_p90", "Tunggu p90"), ("within", "Dalam target"), ("ikm", "IKM"))
TOP_TENANTS = 14


def period_text(kind: str, day: dt.date) -> str:
    """The period as the reports module reads it: 2026, 2026-11 or 2026-11-23."""
    if kind == "year":
        return f"{day.year}"
    if kind == "month":
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


def _minutes(value: float | None) -> str:
    return "–" if value is None else thousands(value, 1) + " mnt"


class ReportsTab(QWidget):
    """Period picker, key figures, three charts and the export buttons."""

    reportReady = Signal(object)
    """The hub's preview of a period (a dict, see hub/web/reports.py), or the exception."""
    exported = Signal(str, object)
    """(path, None) once a file is written, (path, exception) when it failed."""

    def __init__(self, controller: SupervisorController, source: HubReports | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.config = controller.config
        self.source = source
        self.report: Any = None
        self.busy = False
        self.problem = None if source is not None else (
            "Laporan dan ekspor diminta dari hub dengan token pengawas · Reports come from "
            "the hub with a supervisor token")
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 4, 0, 0)
        root.setSpacing(10)
        root.addLayout(self._picker())
        self.status = QLabel()
        self.status.setObjectName("note")
        self.status.setWordWrap(True)
        root.addWidget(self.status)
        tiles = QGridLayout()
        tiles.setSpacing(10)
        self.figures: dict[str, QLabel] = {}
        for column, (key, name) in enumerate(FIGURES):
            frame = QFrame()
            frame.setObjectName("panel")
            box = QVBoxLayout(frame)
            value = QLabel("–")
            value.setStyleSheet("font-size: 28px; font-weight: bold; color: #0b2545;")
            label = QLabel(name)
            label.setStyleSheet("color: #475569;")
            box.addWidget(value)
            box.addWidget(label)
            tiles.addWidget(frame, 0, column)
            self.figures[key] = value
        root.addLayout(tiles)
        self.bucket_chart = BarChart("Pengunjung")
        self.tenant_chart = BarChart("Pengunjung per instansi", horizontal=True)
        self.skm_chart = BarChart("Nilai rata-rata per unsur (NRR)", decimals=2, maximum=4)
        root.addWidget(self.bucket_chart, 4)
        bottom = QHBoxLayout()
        bottom.setSpacing(10)
        bottom.addWidget(self.tenant_chart, 3)
        bottom.addWidget(self.skm_chart, 2)
        root.addLayout(bottom, 5)
        self.reportReady.connect(self._on_report)
        self.exported.connect(self._on_exported)
        self._enable()
        self.render_live()

    def _picker(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(QLabel("Periode:"))
        self.kind = QComboBox()
        for key, name in KINDS:
            self.kind.addItem(name, key)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat(DATE_FORMATS["day"])
        zone = ZoneInfo(self.config.mpp.timezone)
        today = self.controller.now().astimezone(zone).date()
        self.date.setDate(QDate(today.year, today.month, today.day))
        self.tenant = QComboBox()
        self.tenant.addItem("Semua instansi · All tenants", None)
        for tenant in self.config.tenants:
            self.tenant.addItem(tenant.short_name, tenant.id)
        self.show_button = QPushButton("Tampilkan · Show")
        self.show_button.clicked.connect(self.build)
        self.xlsx_button = QPushButton("Ekspor XLSX…")
        self.xlsx_button.clicked.connect(lambda: self._ask_and_export("xlsx"))
        self.pdf_button = QPushButton("Ekspor PDF…")
        self.pdf_button.clicked.connect(lambda: self._ask_and_export("pdf"))
        for widget in (self.kind, self.date, self.tenant, self.show_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.xlsx_button)
        row.addWidget(self.pdf_button)
        return row

    # ------------------------------------------------------------------ reading

    @property
    def available(self) -> bool:
        """True when reports can be asked of the hub."""
        return self.problem is None

    def period(self) -> str:
        """The chosen period as text (2026, 2026-11, 2026-11-23)."""
        chosen = self.date.date()
        return period_text(str(self.kind.currentData()),
                           dt.date(chosen.year(), chosen.month(), chosen.day()))

    def showEvent(self, event: QShowEvent) -> None:
        """The first time the tab is opened, show today's report."""
        super().showEvent(event)
        if self.available and self.report is None and not self.busy:
            self.build()

    # ----------------------------------------------------------------- actions

    def build(self) -> bool:
        """Build the chosen period's report in a worker thread (answer: reportReady)."""
        if not self.available or self.busy or self.source is None:
            return False
        period, tenant, source = self.period(), self.tenant.currentData(), self.source

        def work() -> Any:
            return source.preview(period, tenant)

        self._start(f"Menghitung laporan {period}…", work,
                    lambda outcome: self.reportReady.emit(outcome))
        return True

    def export_to(self, path: Path, fmt: Literal["xlsx", "pdf"]) -> bool:
        """Write the chosen period's report to `path` (xlsx or pdf) in a worker thread."""
        if not self.available or self.busy or self.source is None:
            return False
        period, tenant, source = self.period(), self.tenant.currentData(), self.source

        def work() -> Any:
            return source.download(period, fmt, tenant, path)

        self._start(f"Menulis {path.name}…", work, lambda outcome: self.exported.emit(
            str(path), outcome if isinstance(outcome, Exception) else None))
        return True

    def _ask_and_export(self, fmt: Literal["xlsx", "pdf"]) -> None:
        name = f"laporan-{self.config.mpp.short_name.lower().replace(' ', '-')}-{self.period()}"
        path, _filter = QFileDialog.getSaveFileName(
            self, f"Simpan laporan ({fmt.upper()})", str(Path.home() / f"{name}.{fmt}"),
            f"{fmt.upper()} (*.{fmt})")
        if path:
            self.export_to(Path(path), fmt)

    def _start(self, text: str, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.busy = True
        self.status.setText(text)
        self._enable()

        def run() -> None:
            try:
                outcome = work()
            except Exception as error:  # shown in the tab; the dashboard keeps running
                log.exception("report failed")
                outcome = error
            done(outcome)  # a signal emitted from this thread is queued to the GUI

        threading.Thread(target=run, name="report", daemon=True).start()

    # ------------------------------------------------------------------ render

    def _on_report(self, outcome: Any) -> None:
        self.busy = False
        self._enable()
        if isinstance(outcome, Exception):
            self.status.setText(f"Laporan gagal dibuat: {outcome}")
            return
        self.report = outcome
        self.status.setText(f"{outcome['label']}"
                            + (f" · {outcome['tenant_name']}" if outcome["tenant_name"] else "")
                            + f" · dihitung hub dari log sampai seq {outcome['head']['seq']}"
                            f" (hash {outcome['head']['hash'][:12]}…); pratinjau tanpa "
                            "pemeriksaan rantai, file ekspor diperiksa")
        totals, skm, within = outcome["totals"], outcome["skm"], outcome["within_share"]
        self._figures(visitors=thousands(totals["visitors"]), served=thousands(totals["served"]),
                      no_show=thousands(totals["no_show"]),
                      transferred=thousands(totals["transferred"]),
                      wait_mean=_minutes(outcome["wait_mean_minutes"]),
                      wait_p90=_minutes(outcome["wait_p90_minutes"]),
                      within="–" if within is None else thousands(within * 100, 1) + " %",
                      ikm="–" if skm["ikm"] is None
                      else f"{thousands(float(skm['ikm']), 2)} {skm['grade']}")
        self.bucket_chart.set_data(f"Pengunjung per {self._bucket_name(outcome['kind'])}",
                                   [(label, count) for label, count in outcome["by_bucket"]])
        tenants = sorted(((label, count) for label, count in outcome["by_tenant"] if count),
                         key=lambda line: -line[1])
        self.tenant_chart.set_data("Pengunjung per instansi", tenants[:TOP_TENANTS])
        self.skm_chart.empty_text = "Belum ada survei SKM pada periode ini"
        self.skm_chart.set_data(
            f"NRR per unsur · {skm['respondents']} responden",
            [(f"U{n}", value) for n, value in enumerate(skm["nrr"], start=1)])

    def _on_exported(self, path: str, error: Any) -> None:
        self.busy = False
        self._enable()
        self.status.setText(f"Ekspor gagal: {error}" if error else f"Tersimpan: {path}")

    def render_live(self) -> None:
        """Without reports, show today's figures from the live view (called on each change)."""
        if self.available:
            return
        view = self.controller.view
        totals = self.controller.totals()
        served = totals.served_today
        self.status.setText(f"{self.problem}. Ditampilkan: angka hari ini dari tampilan "
                            "langsung · Showing today's live figures.")
        self._figures(visitors=thousands(totals.visitors_today), served=thousands(served))
        def issued_today(service_id: str) -> int:
            figures = view.service(service_id)
            return figures.issued_today if figures is not None else 0

        per_tenant: dict[str, int] = {}
        for service in self.config.services:
            issued = issued_today(service.id)
            tenant = self.config.tenant(service.tenant).short_name
            per_tenant[tenant] = per_tenant.get(tenant, 0) + issued
        self.bucket_chart.set_data("Pengunjung hari ini per instansi (langsung)",
                                   list(per_tenant.items()))
        busiest = sorted(((f"{s.prefix} · {s.name.id}",
                           issued_today(s.id))
                          for s in self.config.services), key=lambda p: -p[1])
        self.tenant_chart.set_data("Layanan terbanyak hari ini (langsung)",
                                   [p for p in busiest[:TOP_TENANTS] if p[1]])
        self.skm_chart.empty_text = "NRR per unsur perlu laporan dari hub"
        self.skm_chart.set_data("Nilai rata-rata per unsur (NRR)", [])

    def _figures(self, **values: str) -> None:
        for key, label in self.figures.items():
            label.setText(values.get(key, "–"))

    def _bucket_name(self, kind: str) -> str:
        return {"year": "bulan", "month": "hari", "day": "jam"}.get(kind, "periode")

    def _kind_changed(self) -> None:
        self.date.setDisplayFormat(DATE_FORMATS[str(self.kind.currentData())])

    def _enable(self) -> None:
        ready = self.available and not self.busy
        for widget in (self.kind, self.date, self.tenant, self.show_button, self.xlsx_button,
                       self.pdf_button):
            widget.setEnabled(ready)
        tip = self.problem or ""
        for button in (self.xlsx_button, self.pdf_button, self.show_button):
            button.setToolTip(tip)
