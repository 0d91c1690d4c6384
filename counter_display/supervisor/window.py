"""The supervisor dashboard window (1920×1080): header figures, live tab, reports tab.

Re-rendered from the controller after every hub message and every few seconds (waits
grow while nothing happens); the clock ticks every second. Refusals from the hub are
shown in the message bar, the link state in the red banner.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from counter_display import texts
from counter_display.counter.widgets import Banner, MessageBar
from counter_display.supervisor.controller import Clock, SupervisorController, system_clock
from counter_display.supervisor.ikm import HubReports, IkmFigure
from counter_display.supervisor.live import LiveTab
from counter_display.supervisor.reports_tab import ReportsTab
from hub.client.qt_bridge import HubBridge
from hub.config import MallConfig
from hub.hub_messages import ErrorMessage

REFRESH_MS = 10_000
RENDER_DELAY_MS = 30
"""Messages that arrive together (a snapshot, a burst of events) are drawn once."""

STYLE = """
QMainWindow { background: #eef2f7; }
QWidget { color: #0f172a; font-family: "DejaVu Sans"; font-size: 14px; }
QWidget#header { background: #0b2545; }
QLabel#title { color: white; font-size: 22px; font-weight: bold; }
QLabel#subtitle { color: #cbd5e1; font-size: 15px; }
QLabel#clock { color: white; font-size: 30px; font-weight: bold; }
QLabel#date { color: #cbd5e1; font-size: 15px; }
QFrame#figure { background: #13315c; border-radius: 10px; }
QFrame#figure[alert="true"] { background: #b91c1c; }
QLabel#figureValue { color: white; font-size: 30px; font-weight: bold; }
QLabel#figureName { color: #e2e8f0; font-size: 13px; }
QLabel#figureNameEn { color: #94a3b8; font-size: 11px; }
QFrame#panel { background: white; border: 1px solid #cbd5e1; border-radius: 10px; }
QLabel#panelTitle { font-size: 19px; font-weight: bold; color: #0b2545; }
QLabel#note { font-size: 12px; color: #64748b; }
QLabel#running { font-size: 15px; }
QTableWidget { gridline-color: #e2e8f0; border: none; font-size: 13px;
               selection-background-color: #1d4ed8; selection-color: white; }
QHeaderView::section { background: #f1f5f9; border: none; border-bottom: 1px solid #cbd5e1;
                       padding: 4px 4px; font-weight: bold; color: #334155; font-size: 13px; }
QPushButton { font-size: 14px; padding: 6px 12px; border-radius: 6px; background: #1d4ed8;
              color: white; border: none; }
QPushButton:disabled { background: #cbd5e1; color: #64748b; }
QTabWidget::pane { border: none; }
QTabBar::tab { font-size: 16px; font-weight: bold; padding: 8px 26px; background: #dbe3ee;
               border-top-left-radius: 8px; border-top-right-radius: 8px; margin-right: 4px; }
QTabBar::tab:selected { background: #0b2545; color: white; }
QPushButton#secondary { background: white; color: #1e293b; border: 1px solid #94a3b8; }
QDialog QPushButton { padding: 8px 14px; }
QDialog QLineEdit { font-size: 15px; padding: 6px; }
QListWidget::item { padding: 3px; }
QCheckBox { font-size: 13px; }
"""


class Figure(QFrame):
    """A header number with its name in both languages."""

    def __init__(self, name_id: str, name_en: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figure")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 4, 14, 6)
        layout.setSpacing(0)
        self.value = QLabel("—")
        self.value.setObjectName("figureValue")
        self.name = QLabel(name_id)
        self.name.setObjectName("figureName")
        english = QLabel(name_en)
        english.setObjectName("figureNameEn")
        layout.addWidget(self.value)
        layout.addWidget(self.name)
        layout.addWidget(english)
        self.setMinimumWidth(150)

    def set(self, value: str, alert: bool = False, tooltip: str = "") -> None:
        """Show a value; `alert` paints the tile red."""
        self.value.setText(value)
        self.setToolTip(tooltip)
        if self.property("alert") != alert:
            self.setProperty("alert", alert)
            self.style().unpolish(self)
            self.style().polish(self)


class SupervisorWindow(QMainWindow):
    """The dashboard (see module docstring)."""

    def __init__(self, controller: SupervisorController, ikm: HubReports | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.config = controller.config
        self.ikm_source = ikm
        self.ikm: IkmFigure | None = None
        self._ikm_day: str | None = None
        self.zone = ZoneInfo(self.config.mpp.timezone)
        self.setWindowTitle(f"{self.config.mpp.short_name} — Dasbor pengelola · Antrean MPP")
        self.setStyleSheet(STYLE)
        central = QWidget()
        self.setCentralWidget(central)
        root = QVBoxLayout(central)
        root.setContentsMargins(0, 0, 0, 10)
        root.setSpacing(8)
        self.banner = Banner()
        root.addWidget(self.banner)
        root.addWidget(self._header())
        body = QVBoxLayout()
        body.setContentsMargins(14, 0, 14, 0)
        self.message_bar = MessageBar()
        self.message_bar.closed.connect(controller.dismiss_error)
        body.addWidget(self.message_bar)
        self.tabs = QTabWidget()
        self.live = LiveTab(controller, slots=ikm.slots if ikm is not None else None)
        self.reports = ReportsTab(controller, ikm)
        self.tabs.addTab(self.live, "Langsung · Live")
        self.tabs.addTab(self.reports, "Laporan · Reports")
        body.addWidget(self.tabs, 1)
        root.addLayout(body, 1)

        self._render_soon = QTimer(self, singleShot=True, interval=RENDER_DELAY_MS)
        self._render_soon.timeout.connect(self.refresh)
        controller.changed.connect(self.schedule_render)
        controller.surveyed.connect(self.refresh_ikm)
        controller.refused.connect(self._show_refusal)
        controller.succeeded.connect(lambda _kind: self.message_bar.dismiss())
        self.clock_timer = QTimer(self, interval=1000)
        self.clock_timer.timeout.connect(self.tick)
        self.clock_timer.start()
        self.refresh_timer = QTimer(self, interval=REFRESH_MS)
        self.refresh_timer.timeout.connect(self.refresh)
        self.refresh_timer.start()
        self.resize(1920, 1080)
        self.tick()
        self.refresh()

    def _header(self) -> QWidget:
        header = QWidget()
        header.setObjectName("header")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        layout = QHBoxLayout(header)
        layout.setContentsMargins(20, 10, 20, 10)
        layout.setSpacing(12)
        names = QVBoxLayout()
        title = QLabel(self.config.mpp.name)
        title.setObjectName("title")
        subtitle = QLabel("Dasbor pengelola · Supervisor dashboard")
        subtitle.setObjectName("subtitle")
        names.addWidget(title)
        names.addWidget(subtitle)
        layout.addLayout(names)
        layout.addStretch(1)
        self.figures = {
            "visitors": Figure("Pengunjung hari ini", "Visitors today"),
            "waiting": Figure("Menunggu", "Waiting now"),
            "served": Figure("Selesai dilayani", "Served today"),
            "counters": Figure("Loket buka", "Counters open"),
            "faults": Figure("Gangguan perangkat", "Device faults"),
            "ikm": Figure("IKM hari ini", "Satisfaction index"),
        }
        for figure in self.figures.values():
            layout.addWidget(figure)
        layout.addSpacing(16)
        times = QVBoxLayout()
        self.clock = QLabel()
        self.clock.setObjectName("clock")
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.date = QLabel()
        self.date.setObjectName("date")
        self.date.setAlignment(Qt.AlignmentFlag.AlignRight)
        times.addWidget(self.clock)
        times.addWidget(self.date)
        layout.addLayout(times)
        return header

    # ------------------------------------------------------------------ render

    def schedule_render(self) -> None:
        """Render soon, once for everything that arrives meanwhile."""
        if not self._render_soon.isActive():
            self._render_soon.start()

    def refresh(self) -> None:
        """Redraw header figures and the live tab from the controller."""
        c = self.controller
        if c.link_status == "refused":
            self.banner.show_text(texts.REFUSED_ID, texts.REFUSED_EN)
        elif not c.online:
            self.banner.show_text(texts.OFFLINE_ID, texts.OFFLINE_EN)
        else:
            self.banner.hide()
        totals = c.totals()
        f = self.figures
        f["visitors"].set(str(totals.visitors_today),
                          tooltip="Nomor antrean diambil hari ini (semua layanan)")
        f["waiting"].set(str(totals.waiting))
        f["served"].set(str(totals.served_today))
        paused = f" +{totals.counters_paused} istirahat" if totals.counters_paused else ""
        f["counters"].set(f"{totals.counters_open}/{totals.counters_total}",
                          tooltip="Loket buka atau melayani, dari semua loket")
        f["counters"].name.setText(f"Loket buka{paused}")
        f["faults"].set(str(totals.faults), alert=totals.faults > 0,
                        tooltip="Perangkat dengan gangguan (merah di panel Perangkat)")
        day = c.view.business_day
        if day and day != self._ikm_day:
            self.refresh_ikm()
        self._render_ikm()
        self.live.refresh()
        self.reports.render_live()

    def refresh_ikm(self) -> None:
        """Re-read today's IKM (after a survey, or when the business day changes)."""
        day = self.controller.view.business_day
        self._ikm_day = day
        if self.ikm_source is not None and day:
            self.ikm = self.ikm_source.day(str(day))
        self._render_ikm()
        self.reports.render_live()

    def _render_ikm(self) -> None:
        figure = self.figures["ikm"]
        ikm = self.ikm
        if self.ikm_source is None:
            figure.set("—", tooltip="IKM diminta dari hub dengan token pengawas · The IKM "
                       "comes from the hub with a supervisor token")
        elif ikm is None:
            figure.set("—", tooltip="IKM tidak dapat dibaca dari hub · The hub gave no IKM")
        elif ikm.ikm is None:
            figure.set("—", tooltip="Belum ada survei hari ini · No survey yet today")
        else:
            figure.set(f"{ikm.ikm} {ikm.grade}",
                       tooltip=f"{ikm.quality}; {ikm.respondents} responden; {ikm.weight_label}")

    def tick(self) -> None:
        """Show the hub's time (once a second)."""
        now = self.controller.now().astimezone(self.zone)
        zone = texts.zone_name(now)
        self.clock.setText(texts.clock_face(now, seconds=True) + (f" {zone}" if zone else ""))
        self.date.setText(texts.long_date(now.date()))

    def _show_refusal(self, kind: str, error: ErrorMessage) -> None:
        self.message_bar.show_error(error.message_id or "Perintah ditolak.",
                                    f"{kind}: {error.message_en or error.code}")


def open_dashboard(config: MallConfig, bridge: HubBridge, clock: Clock | None = None,
                   reports: HubReports | None = None) -> SupervisorWindow:
    """Build the dashboard for a started (or starting) bridge; the caller shows it."""
    controller = SupervisorController(bridge, config, clock or system_clock)
    return SupervisorWindow(controller, reports)
