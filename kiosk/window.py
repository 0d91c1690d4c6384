"""The kiosk window: header, the screens, the footer, idle timeout, and the flow's signals.

Pages are rebuilt from the hub's view. Widgets added to a visible page are shown by Qt
only later, from the event loop (QLayout queues their show); a page rebuilt on every
hub message therefore stayed blank whenever it was looked at between a rebuild and that
later show — always, in the busy simulated day, whose screenshots showed an empty
tenant page. So a rebuilt page is shown at once (`show_built`), and hub updates rebuild
the page at most every HUB_RENDER_MS, and only when what it shows changed.
"""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_display.common.hub_clock import Clock, HubClock, system_clock
from hub.client.connection import Update
from hub.client.qt_bridge import HubBridge
from hub.config import MallConfig
from hub.hub_messages import ErrorMessage, EventMessage, SnapshotMessage
from kiosk.checkin import CheckInPage
from kiosk.flow import KioskFlow
from kiosk.identity import IdentityPage
from kiosk.link import LinkPage
from kiosk.pages import DetailPage, MessagePage, SearchPage, ServicesPage, TenantsPage, WelcomePage
from kiosk.precheck import PrecheckPage
from kiosk.texts import closed_reason, long_date, t, wait_text
from kiosk.tickets import KioskTicket, status_url
from kiosk.widgets import GREEN, RED, STYLE, font, label

log = logging.getLogger(__name__)

IDLE_MS = 60_000
DONE_MS = 8_000
HUB_RENDER_MS = 500
"""Waiting counts change with every ticket in the mall: redraw for them at most this often."""


def show_built(page: QWidget) -> None:
    """Show now what a visible page just built, as Qt would from the event loop later."""
    for widget in page.findChildren(QWidget):
        parent = widget.parentWidget()
        if (widget.isHidden() and parent is not None and parent.isVisible()
                and not widget.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)):
            widget.show()


class KioskWindow(QMainWindow):
    """Everything the visitor sees; all decisions about tickets are the flow's and the hub's."""

    def __init__(self, config: MallConfig, bridge: HubBridge, flow: KioskFlow,
                 height: int = 1080, idle_ms: int = IDLE_MS, done_ms: int = DONE_MS,
                 wall_clock: Clock = system_clock) -> None:
        super().__init__()
        self.config, self.bridge, self.flow = config, bridge, flow
        self.scale = height / 1080
        self.language = "id"
        self.tenant_id: str | None = None
        self.service_id: str | None = None
        self.brought: set[int] = set()
        """The pre-check: which of the service's requirements the visitor ticked."""
        self.precheck_priority: str | None = None
        self.linked_to: str | None = None
        """The earlier ticket this visitor's next ticket continues (kiosk/link.py)."""
        self.screen_name = "welcome"
        self.timezone = ZoneInfo(config.mpp.timezone)
        self.takes_appointments = any(s.appointments is not None for s in config.services)
        """Offer the online check-in only where some service takes appointments."""
        self.hub_clock = HubClock(wall_clock)
        """The hub's time, which tickets carry, learnt from its events."""
        self._shown_key: tuple[object, ...] = ()
        """What the current screen was built from (see _screen_key)."""
        self._hub_render = QTimer(self, singleShot=True, interval=HUB_RENDER_MS)
        self._hub_render.timeout.connect(self._render_for_hub)
        self.setWindowTitle(f"Anjungan Antrean — {config.mpp.short_name}")
        self.setStyleSheet(STYLE)
        self._build(height)
        self.idle = QTimer(self, singleShot=True, interval=idle_ms)
        self.idle.timeout.connect(self.go_home)
        self.done_ms = done_ms
        self.done = QTimer(self, singleShot=True)
        self.done.timeout.connect(self.go_home)
        self.clock = QTimer(self, interval=1000)
        self.clock.timeout.connect(self._tick)
        self.clock.start()
        QApplication.instance().installEventFilter(self)  # type: ignore[union-attr]
        bridge.messageReceived.connect(self._on_hub_message)
        bridge.stateChanged.connect(self._on_link)
        flow.ticketReady.connect(self._on_ticket)
        flow.ticketRefused.connect(self._on_refused)
        flow.checkInRefused.connect(self._on_check_in_refused)
        flow.printFailed.connect(self._on_print_failed)
        flow.ticketVoided.connect(self._on_voided)
        flow.reprinted.connect(self._on_reprinted)
        flow.printerFaultChanged.connect(lambda _f: self.render())
        flow.busyChanged.connect(self._on_busy)
        self.render()

    # ------------------------------------------------------------ layout

    def _build(self, height: int) -> None:
        s = self.scale
        root = QWidget()
        column = QVBoxLayout(root)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        header = QFrame()
        header.setObjectName("header")
        row = QHBoxLayout(header)
        row.setContentsMargins(int(32 * s), int(14 * s), int(32 * s), int(14 * s))
        self.title = label(self.config.mpp.short_name, 22 * s, bold=True, wrap=False)
        row.addWidget(self.title, 1)
        self.link = label("", 14 * s, bold=True, wrap=False)
        row.addWidget(self.link)
        self.date = label("", 15 * s, wrap=False, align=Qt.AlignmentFlag.AlignRight)
        row.addWidget(self.date)
        self.lang = QPushButton("EN")
        self.lang.setObjectName("lang")
        self.lang.setFont(font(15 * s, True))
        self.lang.setMinimumSize(int(110 * s), int(56 * s))
        self.lang.clicked.connect(
            lambda: self.set_language("en" if self.language == "id" else "id"))
        row.addWidget(self.lang)
        column.addWidget(header)
        self.banner = label("", 16 * s, bold=True, align=Qt.AlignmentFlag.AlignHCenter)
        self.banner.setObjectName("banner")
        self.banner.hide()
        column.addWidget(self.banner)
        self.stack = QStackedWidget()
        self.pages = {
            "welcome": WelcomePage(s), "tenants": TenantsPage(s), "search": SearchPage(s),
            "services": ServicesPage(s), "detail": DetailPage(s), "message": MessagePage(s),
            "check_in": CheckInPage(s), "precheck": PrecheckPage(s),
            "identity": IdentityPage(s), "link": LinkPage(s),
        }
        for page in self.pages.values():
            self.stack.addWidget(page)
        column.addWidget(self.stack, 1)
        footer = QFrame()
        footer.setObjectName("footer")
        nav = QHBoxLayout(footer)
        nav.setContentsMargins(int(32 * s), int(12 * s), int(32 * s), int(12 * s))
        self.back = QPushButton()
        self.home = QPushButton()
        for button in (self.back, self.home):
            button.setFont(font(18 * s, True))
            button.setMinimumSize(int(260 * s), int(80 * s))
        self.back.clicked.connect(self.go_back)
        self.home.clicked.connect(self.go_home)
        nav.addWidget(self.back)
        nav.addStretch(1)
        nav.addWidget(self.home)
        self.footer = footer
        column.addWidget(footer)
        self.setCentralWidget(root)
        self.resize(int(height * 16 / 9), height)
        self._tick()

    # ------------------------------------------------------------ navigation

    def set_language(self, language: str) -> None:
        """Switch every text between Bahasa Indonesia and English."""
        self.language = language
        self.render()

    def go_home(self) -> None:
        """Back to the welcome screen, forgetting the visitor's choices."""
        self.tenant_id = self.service_id = self.linked_to = None
        self.pages["search"].query = ""  # type: ignore[attr-defined]
        self.pages["check_in"].code = ""  # type: ignore[attr-defined]
        self.language = "id"
        self._show("welcome")

    def go_back(self) -> None:
        """One step back."""
        previous = {"tenants": "welcome", "search": "tenants", "services": "tenants",
                    "check_in": "welcome", "precheck": "detail", "link": "detail",
                    "identity": ("precheck" if self.service_id and self.config.service(
                        self.service_id).requirements.id else "detail"),
                    "detail": "services" if self.tenant_id else "search"}
        self._show(previous.get(self.screen_name, "welcome"))

    def open_tenants(self) -> None:
        """Show the tenant grid."""
        self._show("tenants")

    def open_tenant(self, tenant_id: str) -> None:
        """Show a tenant's services."""
        self.tenant_id = tenant_id
        self._show("services")

    def open_service(self, service_id: str) -> None:
        """Show a service's standard and the take-a-ticket button."""
        self.service_id = service_id
        self._show("detail")

    def open_search(self, _query: str = "") -> None:
        """Show the service search with the touch keyboard."""
        self.tenant_id = None
        self._show("search")

    def open_check_in(self, code: str = "") -> None:
        """Show the online check-in page, with `code` already typed (a scan, say)."""
        self.pages["check_in"].code = code  # type: ignore[attr-defined]
        self._show("check_in")

    def check_in(self, code: str) -> None:
        """The visitor checks a booking code in (a second tap while busy does nothing)."""
        if self.flow.check_in(code, self.language):
            self._message(t("printing", self.language), [])

    def start_ticket(self, priority_kind: str | None) -> None:
        """The detail page's big button: first "Sudah membawa…?" where the service
        publishes requirements (see kiosk/precheck.py), else the ticket at once."""
        if self.screen_name != "detail" or not self.service_id:
            return  # a second tap on the page just left
        self.brought, self.precheck_priority = set(), priority_kind
        if self.config.service(self.service_id).requirements.id:
            self._show("precheck")
        else:
            self.after_precheck()

    def after_precheck(self) -> None:
        """A service limited per person asks who takes the ticket (kiosk/identity.py)."""
        if self.service_id and self.config.service(self.service_id).limits is not None:
            page = self.pages["identity"]
            page.kind, page.digits = "nik", ""  # type: ignore[attr-defined]
            self._show("identity")
        else:
            self.take_ticket(self.precheck_priority)

    def take_ticket(self, priority_kind: str | None, identity: tuple[str, str] | None = None
                    ) -> None:
        """Take the ticket (a second tap while busy does nothing)."""
        nik = identity[1] if identity and identity[0] == "nik" else None
        contact = identity[1] if identity and identity[0] == "contact" else None
        if self.service_id and self.flow.take_ticket(self.service_id, priority_kind,
                                                     self.language, nik=nik, contact=contact,
                                                     linked_to=self.linked_to):
            self._message(t("printing", self.language), [])

    def open_link(self) -> None:
        """The earlier ticket's number, for a visit that goes on at another tenant."""
        page = self.pages["link"]
        page.prefix, page.digits = None, ""  # type: ignore[attr-defined]
        self._show("link")

    def use_link(self, label: str | None) -> None:
        """Continue that ticket's visit (None: no earlier ticket), back to the service."""
        self.linked_to = label
        self._show("detail")

    def tick_brought(self, index: int, brought: bool) -> None:
        """The visitor ticked (or unticked) a requirement on the pre-check."""
        (self.brought.add if brought else self.brought.discard)(index)
        self.render()

    def _show(self, name: str) -> None:
        self.screen_name = name
        self.render()
        self.done.stop()
        self.idle.start()

    def _return_home_in(self, milliseconds: int) -> None:
        self.idle.stop()
        self.done.start(milliseconds)

    # ------------------------------------------------------------ render

    def render(self) -> None:
        """Rebuild the current screen from the hub's view in the current language."""
        language, view = self.language, self.bridge.view
        self._shown_key = self._screen_key()
        self.lang.setText("ID" if language == "en" else "EN")
        self.back.setText(f"←  {t('back', language)}")
        self.home.setText(t("home", language))
        online = self.bridge.client.state.status == "online"
        self.link.setText(("●  " + t("online_short", language)) if online
                          else ("●  " + t("offline_short", language)))
        self.link.setStyleSheet(f"color: {'#9ae6b4' if online else '#ffb4b4'};")
        self._tick()
        fault = self.flow.fault
        if fault is not None:
            self.banner.setText(t("printer_fault_banner", language) + "  " +
                                (fault.message_en if language == "en" else fault.message_id))
        self.banner.setVisible(fault is not None and online)
        if not online and self.screen_name != "message":
            self._message(t("unavailable_title", language), [t("unavailable_body", language)],
                          color=RED, keep_screen=True)
            return
        if self.flow.paused and not self.flow.busy and self.screen_name != "message":
            self._message(t("paused_title", language), [t("paused_body", language)],
                          color=RED, keep_screen=True)
            return
        name = self.screen_name
        self.footer.setVisible(name not in ("welcome", "message"))
        if name == "welcome":
            self.pages["welcome"].show_welcome(  # type: ignore[attr-defined]
                self.config, language, self.open_tenants, self.set_language,
                self.open_check_in if self.takes_appointments else None)
        elif name == "check_in":
            self.pages["check_in"].show_check_in(  # type: ignore[attr-defined]
                language, self.flow.can_issue,
                t("printer_fault_title", language) if fault is not None else None,
                self.check_in)
        elif name == "tenants":
            self.pages["tenants"].show_tenants(  # type: ignore[attr-defined]
                self.config, view, language, self.open_tenant, self.open_search)
        elif name == "search":
            self.pages["search"].show_search(  # type: ignore[attr-defined]
                self.config, view, language, self.open_service)
        elif name == "services" and self.tenant_id:
            self.pages["services"].show_services(  # type: ignore[attr-defined]
                self.config, self.tenant_id, view, language, self.open_service)
        elif name == "precheck" and self.service_id:
            self.pages["precheck"].show_precheck(  # type: ignore[attr-defined]
                self.config.service(self.service_id), language, self.brought,
                self.flow.can_issue, self.tick_brought, self.after_precheck, self.go_back)
        elif name == "identity" and self.service_id:
            self.pages["identity"].show_identity(  # type: ignore[attr-defined]
                self.config.service(self.service_id), language, self.flow.can_issue,
                lambda kind, digits: self.take_ticket(self.precheck_priority, (kind, digits)),
                self.go_back)
        elif name == "detail" and self.service_id:
            fault_text = None
            if fault is not None:
                fault_text = t("printer_fault_title", language)
            self.pages["detail"].show_detail(  # type: ignore[attr-defined]
                self.config, self.service_id, view, language, self.flow.can_issue, fault_text,
                self.start_ticket, self.open_link, self.linked_to)
        elif name == "link":
            self.pages["link"].show_link(  # type: ignore[attr-defined]
                self.config, language, self.use_link)
        if name != "message":
            self.stack.setCurrentWidget(self.pages[name])
            show_built(self.pages[name])

    def _message(self, title: str, lines: list[str], color: str = "#1f2933",
                 number: str | None = None, qr: str | None = None,
                 button: bool = False, keep_screen: bool = False,
                 second: tuple[str, Any] | None = None) -> None:
        if not keep_screen:
            self.screen_name = "message"
        page = self.pages["message"]
        page.show_message(  # type: ignore[attr-defined]
            title, lines, color, number, qr,
            (t("ok", self.language), self.go_home) if button else None, second)
        self.footer.setVisible(False)
        self.stack.setCurrentWidget(page)
        show_built(page)

    def _tick(self) -> None:
        now = self.hub_clock.now().astimezone(self.timezone)
        self.date.setText(f"{long_date(now, self.language)}   {now:%H:%M}")

    # ------------------------------------------------------------ signals

    def _on_hub_message(self, message: Update) -> None:
        self.hub_clock.observe_message(message)  # show the hub's time, which tickets carry
        if isinstance(message, SnapshotMessage) or (
                isinstance(message, EventMessage) and message.settings is not None):
            if self.screen_name != "message":
                self.render()  # paused or resumed by a supervisor, or a fresh view
            return
        # Waiting counts changed. The search screen is left alone so that it is not
        # rebuilt under the visitor's fingers while typing.
        if self.screen_name in ("tenants", "services", "detail") and not (
                self._hub_render.isActive()):
            self._hub_render.start()

    def _render_for_hub(self) -> None:
        """Redraw for the hub's news, unless the screen would show the same as now."""
        if (self.screen_name in ("tenants", "services", "detail")
                and self._screen_key() != self._shown_key):
            self.render()

    def _screen_key(self) -> tuple[object, ...]:
        """What the current screen is built from: the screen, the visitor's choices and the
        hub's view (a rebuild for nothing would also scroll the tenant grid back up).

        The view is immutable and compares by value, so an update that changed nothing
        gives an equal key."""
        return (self.screen_name, self.language, self.tenant_id, self.service_id,
                self.bridge.view)

    def _on_link(self, status: str, _detail: str) -> None:
        if status == "online" and self.screen_name == "message" and self.flow.busy is False:
            self.screen_name = "welcome"
        self.render()

    def _on_busy(self, busy: bool) -> None:
        if not busy and self.screen_name in ("detail", "check_in", "precheck", "identity"):
            self.render()

    def _on_ticket(self, issued: KioskTicket, on_screen_only: bool) -> None:
        language = self.language
        service = self.config.service(issued.service_id)
        minutes = issued.estimated_wait_minutes
        estimate = wait_text(minutes, issued.people_ahead, language)
        if issued.people_ahead == 0:
            ahead = (t("you_are_next", language) if minutes is not None
                     else estimate)
        else:
            ahead = t("ahead_of_you", language, n=issued.people_ahead) + " · " + estimate
        lines = [service.name.get(language), ahead, t("please_wait", language)]
        if issued.channel == "online":
            lines.insert(0, t("online_queue", language))
        qr = None
        if on_screen_only:
            lines.insert(0, t("photo_this", language))
            qr = status_url(self.config, issued.ticket_id)
        else:
            lines.append(t("take_your_ticket", language))
        reprint = None if on_screen_only else (
            t("reprint", language), lambda: self._reprint(issued.ticket_id))
        self._message(t("your_number", language), lines, color=GREEN, number=issued.label,
                      qr=qr, button=True, second=reprint)
        self._return_home_in(self.done_ms * (4 if on_screen_only else 1))

    def _reprint(self, ticket_id: str) -> None:
        """The visitor's ticket jammed or tore: the same number again."""
        if self.flow.reprint(ticket_id):
            self._message(t("printing", self.language), [])

    def _on_reprinted(self, event: KioskTicket) -> None:
        if self.screen_name != "message":
            return  # a supervisor's reprint: staff hand it over, the visitor's screen stays
        self._message(t("your_number", self.language),
                      [t("reprinted", self.language), t("take_your_ticket", self.language)],
                      color=GREEN, number=event.label, button=True)
        self._return_home_in(self.done_ms)

    def _on_voided(self, issued: KioskTicket) -> None:
        self._message(t("sorry", self.language), [t("ticket_void", self.language)], color=RED,
                      number=issued.label, button=True)
        self._return_home_in(self.done_ms)

    def _on_refused(self, error: ErrorMessage) -> None:
        language = self.language
        text = error.message_en if language == "en" else error.message_id
        if error.code == "service_unavailable" and error.reason:
            text = closed_reason(error.reason, error.opens_at, language)
        self._message(t("sorry", language), [text], color=RED, button=True)
        self._return_home_in(self.done_ms)

    def _on_check_in_refused(self, error: ErrorMessage) -> None:
        """Say why the code was not checked in — in Bahasa Indonesia, then English."""
        code = self.pages["check_in"].code  # type: ignore[attr-defined]
        lines = [error.message_id, error.message_en]
        if code:
            lines.append(t("code_typed", self.language, code=code))
        self._message(t("check_in_failed", self.language), lines, color=RED, button=True,
                      second=(t("try_again", self.language), lambda: self.open_check_in()))
        self._return_home_in(self.done_ms)

    def _on_print_failed(self, error: Any) -> None:
        language = self.language
        reason = error.message_en if language == "en" else error.message_id
        lines = [t("ticket_not_printed", language), reason]
        if t("ask_staff", language) not in reason:
            lines.append(t("ask_staff", language))
        self._message(t("sorry", language), lines, color=RED, button=True)
        self._return_home_in(self.done_ms)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        """Any touch restarts the idle timer; a scanner's keys go to the check-in page.

        A barcode/QR scanner types like a keyboard: its keys reach the check-in page
        whatever has the focus, and a scan on the home screen opens that page with it.
        """
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin,
                            QEvent.Type.KeyPress) and self.screen_name not in ("welcome",
                                                                               "message"):
            self.idle.start()
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if (self.screen_name == "welcome" and self.takes_appointments
                    and event.text().isalnum()):
                self.open_check_in()
            if self.screen_name == "check_in" and self.stack.currentWidget() is (
                    self.pages["check_in"]):
                self.pages["check_in"].key_event(event)  # type: ignore[attr-defined]
                return True
        return False
