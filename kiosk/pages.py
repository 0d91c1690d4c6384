"""The kiosk's screens. Each `show_*` rebuilds its page in the current language.

Pages only display what the hub's view says and report taps through callbacks;
the window decides what happens next.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hub.client.view import ClientView
from hub.config import MallConfig, Service
from hub.config.public import loopback_url
from hub.hub_messages import ServiceView
from kiosk.texts import TEXTS, break_text, closed_reason, rupiah, t, wait_text
from kiosk.widgets import (
    BLUE_DARK,
    GREY,
    RED,
    Tile,
    TouchKeyboard,
    badge,
    font,
    grid,
    initials,
    initials_badge,
    label,
    qr_pixmap,
)

TENANT_COLUMNS = 4


class Page(QWidget):
    """A screen whose content is rebuilt on demand."""

    def __init__(self, scale: float) -> None:
        super().__init__()
        self.scale = scale
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(int(40 * scale), int(24 * scale),
                                      int(40 * scale), int(24 * scale))
        self.outer.setSpacing(int(16 * scale))

    def pt(self, points: float) -> float:
        """Scale a size given for a 1080-pixel-high screen."""
        return points * self.scale

    def clear(self) -> None:
        """Remove all content before rebuilding."""
        _clear_layout(self.outer)

    def add_centred_button(self, text: str, points: float, height: float, width: int,
                           action: Callable[[], None]) -> None:
        """Add a big green button, `width` parts of a row of width + 2 (centred)."""
        press = QPushButton(text)
        press.setObjectName("primary")
        press.setFont(font(self.pt(points), True))
        press.setMinimumHeight(int(self.pt(height)))
        press.clicked.connect(action)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(press, width)
        row.addStretch(1)
        self.outer.addLayout(row)


def _clear_layout(layout: Any) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.setParent(None)  # gone at once, not just when Qt gets round to it
            widget.deleteLater()
        elif item.layout() is not None:
            _clear_layout(item.layout())


def _scroll(content: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(content)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


class WelcomePage(Page):
    """First screen: who we are, the language, and one big invitation to start."""

    def show_welcome(self, config: MallConfig, language: str, on_start: Callable[[], None],
                     on_language: Callable[[str], None],
                     on_check_in: Callable[[], None] | None = None) -> None:
        """Rebuild the welcome screen (with the online check-in button if `on_check_in`)."""
        self.clear()
        self.outer.addStretch(2)
        self.outer.addWidget(label(t("welcome", language), self.pt(30), bold=True,
                                   align=Qt.AlignmentFlag.AlignHCenter))
        self.outer.addWidget(label(config.mpp.name, self.pt(40), bold=True,
                                   align=Qt.AlignmentFlag.AlignHCenter))
        if config.mpp.address:
            self.outer.addWidget(label(config.mpp.address, self.pt(14),
                                       align=Qt.AlignmentFlag.AlignHCenter))
        self.outer.addStretch(1)
        self.add_centred_button(t("touch_to_start", language), 26, 150, 4, on_start)
        if on_check_in is not None:
            self.outer.addSpacing(int(self.pt(18)))
            online = QPushButton(t("booked_online", language))
            online.setObjectName("checkIn")
            online.setFont(font(self.pt(20), True))
            online.setMinimumHeight(int(self.pt(90)))
            online.clicked.connect(lambda: on_check_in())
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(online, 3)
            row.addStretch(1)
            self.outer.addLayout(row)
        self.outer.addStretch(1)
        languages = QHBoxLayout()
        languages.addStretch(1)
        for code, name in (("id", "Bahasa Indonesia"), ("en", "English")):
            button = QPushButton(name)
            button.setCheckable(True)
            button.setChecked(code == language)
            button.setObjectName("toggle")
            button.setFont(font(self.pt(18), code == language))
            button.setMinimumSize(int(self.pt(300)), int(self.pt(80)))
            button.clicked.connect(lambda _=False, c=code: on_language(c))
            languages.addWidget(button)
        languages.addStretch(1)
        self.outer.addLayout(languages)
        self.outer.addStretch(2)
        self.outer.addLayout(lapor_row(self, config, language))


def phone_join_url(config: MallConfig) -> str | None:
    """The phone join page on the hub's LAN address, when the mall offers it and phones can
    reach the hub (never a loopback address: then no QR at all)."""
    base = config.public_base_url()
    if not config.queue.phone_join or base is None or loopback_url(base):
        return None
    return f"{base}/ambil"


def lapor_row(page: Page, config: MallConfig, language: str) -> QHBoxLayout:
    """The foot of the home screen: a QR to take a number on one's own phone (when offered),
    and where to complain (SP4N-LAPOR!)."""
    row = QHBoxLayout()
    row.addStretch(1)
    join = phone_join_url(config)
    if join is not None:
        _qr_block(row, page, "phoneJoinQr", join, t("phone_join", language),
                  t("phone_join_scan", language))
        row.addSpacing(int(page.pt(60)))
    complaints = config.mpp.complaints
    _qr_block(row, page, "laporQr", complaints.lapor_url, complaints.lapor_text.get(language),
              t("lapor_scan", language))
    row.addStretch(1)
    return row


def _qr_block(row: QHBoxLayout, page: Page, name: str, payload: str, title: str,
              caption: str) -> None:
    """A QR code with its title and a line saying what scanning it does."""
    code = QLabel()
    code.setObjectName(name)
    code.setPixmap(qr_pixmap(payload, int(page.pt(130))))
    code.setToolTip(payload)
    row.addWidget(code)
    row.addSpacing(int(page.pt(18)))
    text = QVBoxLayout()
    text.addStretch(1)
    text.addWidget(label(title, page.pt(15), bold=True))
    text.addWidget(label(caption, page.pt(12)))
    text.addStretch(1)
    row.addLayout(text)


class TenantsPage(Page):
    """Tenants as a grid of large tiles, with a search box and touch keyboard."""

    def __init__(self, scale: float) -> None:
        super().__init__(scale)
        self.query = ""

    def show_tenants(
        self,
        config: MallConfig,
        view: ClientView,
        language: str,
        on_tenant: Callable[[str], None],
        on_search: Callable[[str], None],
    ) -> None:
        """Rebuild the tenant grid (open/closed from the hub's service view)."""
        self.clear()
        title = QHBoxLayout()
        title.addWidget(label(t("choose_tenant", language), self.pt(26), bold=True), 1)
        search = QLineEdit(self.query)
        search.setPlaceholderText(t("search", language))
        search.setFont(font(self.pt(18)))
        search.setMinimumWidth(int(self.pt(480)))
        search.setReadOnly(True)  # typed through the touch keyboard below
        search.mousePressEvent = lambda _e: on_search(self.query)  # type: ignore[method-assign]
        title.addWidget(search)
        self.outer.addLayout(title)
        content = QWidget()
        layout = grid(TENANT_COLUMNS)
        for index, tenant in enumerate(config.tenants):
            own = config.services_of(tenant.id)
            is_open = any(state.open for s in own if (state := view.service(s.id)) is not None)
            tile = Tile()
            tile.set_closed(not is_open)
            box = QHBoxLayout(tile)
            box.setContentsMargins(int(self.pt(16)), int(self.pt(12)), int(self.pt(16)),
                                   int(self.pt(12)))
            mark = QLabel()
            mark.setPixmap(initials_badge(initials(tenant.short_name), int(self.pt(72)),
                                          "#0b4f9c" if is_open else GREY))
            box.addWidget(mark)
            text = QVBoxLayout()
            text.addWidget(label(tenant.short_name, self.pt(17), bold=True))
            text.addWidget(label(tenant.name.get(language), self.pt(11.5)))
            status = QHBoxLayout()
            status.addWidget(badge(t("open" if is_open else "closed", language), is_open,
                                   self.pt(11)))
            status.addWidget(label(t("services_count", language, n=len(own)), self.pt(11)))
            status.addStretch(1)
            text.addLayout(status)
            box.addLayout(text, 1)
            tile.setFixedHeight(int(self.pt(170)))
            tile.clicked.connect(lambda tid=tenant.id: on_tenant(tid))
            layout.addWidget(tile, index // TENANT_COLUMNS, index % TENANT_COLUMNS)
        layout.setRowStretch(len(config.tenants) // TENANT_COLUMNS + 1, 1)
        content.setLayout(layout)
        self.outer.addWidget(_scroll(content), 1)


class SearchPage(Page):
    """Search services by name with the touch keyboard; results update as you type."""

    def __init__(self, scale: float) -> None:
        super().__init__(scale)
        self.query = ""

    def show_search(self, config: MallConfig, view: ClientView, language: str,
                    on_service: Callable[[str], None]) -> None:
        """Rebuild the search screen for the current query."""
        self.clear()
        self.box = QLineEdit(self.query)
        self.box.setReadOnly(True)
        self.box.setPlaceholderText(t("search", language))
        self.box.setFont(font(self.pt(22)))
        self.outer.addWidget(self.box)
        words = self.query.lower().split()
        found = [s for s in config.services
                 if words and all(w in _haystack(config, s, language) for w in words)]
        self.outer.addWidget(label(t("search_results", language), self.pt(16), bold=True))
        content = QWidget()
        column = QVBoxLayout(content)
        for service in found[:8]:
            column.addWidget(_service_tile(self, config, service, view, language, on_service))
        if words and not found:
            column.addWidget(label(t("no_results", language), self.pt(16)))
        column.addStretch(1)
        self.outer.addWidget(_scroll(content), 1)
        self.outer.addWidget(TouchKeyboard(self._key, self.pt(15)))
        self._rebuild = lambda: self.show_search(config, view, language, on_service)

    def _key(self, value: str) -> None:
        if value == "\b":
            self.query = self.query[:-1]
        elif value == "\x1b":
            self.query = ""
        else:
            self.query = (self.query + value).lstrip()[:40]
        self._rebuild()


def closed_text(state: ServiceView | None, language: str) -> str:
    """Why a service takes no tickets (and when it opens), from its figures if the hub sent them."""
    if state is None:
        return closed_reason(None, None, language)
    return closed_reason(state.reason, state.opens_at, language)


def _haystack(config: MallConfig, service: Service, language: str) -> str:
    tenant = config.tenant(service.tenant)
    parts = [service.name.id, service.name.en or "", tenant.name.id, tenant.short_name,
             service.prefix, service.name.get(language)]
    return " ".join(parts).lower()


def _service_tile(page: Page, config: MallConfig, service: Service, view: ClientView,
                  language: str, on_service: Callable[[str], None]) -> Tile:
    """One service as a wide tile: name, tenant, fee, waiting, open or why closed."""
    state = view.service(service.id)
    is_open = state is not None and state.open
    tile = Tile()
    tile.set_closed(not is_open)
    row = QHBoxLayout(tile)
    row.setContentsMargins(int(page.pt(22)), int(page.pt(12)), int(page.pt(22)),
                           int(page.pt(12)))
    prefix = label(service.prefix, page.pt(26), bold=True, wrap=False,
                   align=Qt.AlignmentFlag.AlignHCenter)
    prefix.setMinimumWidth(int(page.pt(90)))
    prefix.setStyleSheet(f"color: {'#0b4f9c' if is_open else GREY};")
    row.addWidget(prefix)
    text = QVBoxLayout()
    text.addWidget(label(service.name.get(language), page.pt(17), bold=True))
    details = [config.tenant(service.tenant).short_name,
               t(f"category_{service.category}", language),
               f"{t('fee', language)}: {rupiah(service.fee_rupiah, language)}"]
    text.addWidget(label("  ·  ".join(details), page.pt(11.5)))
    row.addLayout(text, 1)
    right = QVBoxLayout()
    right.addWidget(badge(t("open" if is_open else "closed", language), is_open, page.pt(12)),
                    0, Qt.AlignmentFlag.AlignRight)
    if state is not None and state.open:
        estimate = wait_text(state.estimated_wait_minutes, state.waiting, language)
        waiting = (t("waiting", language, n=state.waiting) + " · " + estimate
                   if state.waiting else estimate)
        right.addWidget(label(waiting, page.pt(13), wrap=False,
                              align=Qt.AlignmentFlag.AlignRight))
    else:
        reason = label(closed_text(state, language), page.pt(11),
                       align=Qt.AlignmentFlag.AlignRight)
        reason.setMaximumWidth(int(page.pt(520)))
        right.addWidget(reason)
    row.addLayout(right)
    tile.setMinimumHeight(int(page.pt(120)))
    tile.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    tile.clicked.connect(lambda sid=service.id: on_service(sid))
    return tile


class ServicesPage(Page):
    """One tenant's services as wide tiles."""

    def show_services(self, config: MallConfig, tenant_id: str, view: ClientView,
                      language: str, on_service: Callable[[str], None]) -> None:
        """Rebuild the list for a tenant."""
        self.clear()
        tenant = config.tenant(tenant_id)
        self.outer.addWidget(label(tenant.name.get(language), self.pt(26), bold=True))
        self.outer.addWidget(label(t("choose_service", language), self.pt(16)))
        content = QWidget()
        column = QVBoxLayout(content)
        column.setSpacing(int(self.pt(14)))
        for service in config.services_of(tenant_id):
            column.addWidget(_service_tile(self, config, service, view, language, on_service))
        column.addStretch(1)
        self.outer.addWidget(_scroll(content), 1)


class DetailPage(Page):
    """The service standard before the ticket: requirements, procedure, fee, time, wait."""

    def show_detail(self, config: MallConfig, service_id: str, view: ClientView,
                    language: str, can_issue: bool, fault_text: str | None,
                    on_take: Callable[[str | None], None],
                    on_link: Callable[[], None] | None = None,
                    linked: str | None = None) -> None:
        """Rebuild the detail page; the take button is enabled only when a ticket is possible.

        `on_link`: offer "continuing from another ticket?" (kiosk/link.py); `linked`: the
        earlier ticket this one will continue."""
        self.clear()
        service = config.service(service_id)
        state = view.service(service_id)
        is_open = state is not None and state.open
        waiting = state.waiting if state is not None else 0
        head = QHBoxLayout()
        head.addWidget(label(service.name.get(language), self.pt(26), bold=True), 1)
        head.addWidget(badge(t("open" if is_open else "closed", language), is_open,
                             self.pt(14)))
        self.outer.addLayout(head)
        self.outer.addWidget(label(config.tenant(service.tenant).name.get(language),
                                   self.pt(15)))
        body = QHBoxLayout()
        body.setSpacing(int(self.pt(24)))
        body.addWidget(self._list_card(t("requirements", language),
                                       service.requirements.get(language), False), 1)
        body.addWidget(self._list_card(t("procedure", language),
                                       service.procedure.get(language), True), 1)
        facts = [
            (t("fee", language), rupiah(service.fee_rupiah, language)),
            (t("completion_time", language), service.completion_time.get(language)),
            (t("people_waiting", language), str(waiting)),
            (t("estimated_wait", language),
             wait_text(state.estimated_wait_minutes if state is not None else None, waiting,
                       language)),
        ]
        note = service.fee_note.get(language) if service.fee_note else None
        body.addWidget(self._facts_card(facts, note), 1)
        self.outer.addLayout(body)
        self.outer.addStretch(1)
        if not is_open:
            note = label(closed_text(state, language),
                         self.pt(18), bold=True, align=Qt.AlignmentFlag.AlignHCenter)
            note.setStyleSheet(f"color: {RED};")
            self.outer.addWidget(note)
        elif view.break_ is not None:
            self.outer.addWidget(label(break_text(view.break_, language),
                                       self.pt(15), align=Qt.AlignmentFlag.AlignHCenter))
        self.priority: str | None = None
        toggles: list[QPushButton] = []
        if service.allow_priority and is_open:
            row = QHBoxLayout()
            row.addWidget(label(t("priority_question", language), self.pt(15), wrap=False))
            for kind in config.queue.priority_kinds:
                key = f"priority_{kind}"
                button = QPushButton(t(key, language) if key in TEXTS else kind)
                button.setObjectName("toggle")
                button.setCheckable(True)
                button.setFont(font(self.pt(15)))
                button.setMinimumHeight(int(self.pt(64)))
                button.clicked.connect(lambda checked, k=kind, b=button: self._pick(k, b,
                                                                                    checked))
                toggles.append(button)
                row.addWidget(button)
            row.addStretch(1)
            self.outer.addLayout(row)
        self.toggles = toggles
        self.take = QPushButton(t("take_ticket", language))
        self.take.setObjectName("primary")
        self.take.setFont(font(self.pt(26), True))
        self.take.setMinimumHeight(int(self.pt(110)))
        self.take.setEnabled(is_open and can_issue)
        self.take.clicked.connect(lambda: on_take(self.priority))
        self.outer.addWidget(self.take)
        if on_link is not None and is_open:
            link = QPushButton(t("link_linked", language, label=linked) if linked
                               else t("link_offer", language))
            link.setObjectName("linkTicket")
            link.setFont(font(self.pt(15), bool(linked)))
            link.setMinimumHeight(int(self.pt(56)))
            link.clicked.connect(lambda: on_link())
            self.outer.addWidget(link)
        if fault_text and is_open:
            warn = label(fault_text, self.pt(15), bold=True, align=Qt.AlignmentFlag.AlignHCenter)
            warn.setStyleSheet(f"color: {RED};")
            self.outer.addWidget(warn)

    def _pick(self, kind: str, button: QPushButton, checked: bool) -> None:
        for other in self.toggles:
            if other is not button:
                other.setChecked(False)
        self.priority = kind if checked else None

    def _list_card(self, title: str, items: list[str], numbered: bool) -> QFrame:
        card = QFrame()
        card.setObjectName("card")
        column = QVBoxLayout(card)
        margin = int(self.pt(20))
        column.setContentsMargins(margin, margin, margin, margin)
        column.addWidget(label(title, self.pt(18), bold=True))
        for number, item in enumerate(items, 1):
            column.addWidget(label(f"{number}. {item}" if numbered else f"•  {item}",
                                   self.pt(14)))
        column.addStretch(1)
        return card

    def _facts_card(self, facts: list[tuple[str, str]], fee_note: str | None) -> QFrame:
        card = QFrame()
        card.setObjectName("card")
        column = QVBoxLayout(card)
        margin = int(self.pt(20))
        column.setContentsMargins(margin, margin, margin, margin)
        for title, value in facts:
            column.addWidget(label(title, self.pt(13)))
            value_label = label(value, self.pt(19), bold=True)
            value_label.setStyleSheet(f"color: {BLUE_DARK};")
            column.addWidget(value_label)
            if fee_note and title == facts[0][0]:
                column.addWidget(label(fee_note, self.pt(12)))
        column.addStretch(1)
        return card


class MessagePage(Page):
    """A full-screen message: printing, done, sorry, unavailable."""

    def show_message(self, title: str, lines: list[str], color: str = "#1f2933",
                     number: str | None = None, qr: str | None = None,
                     button: tuple[str, Callable[[], None]] | None = None,
                     second: tuple[str, Callable[[], None]] | None = None) -> None:
        """Rebuild with a title, an optional huge number and QR code, lines and buttons."""
        self.clear()
        self.outer.addStretch(1)
        heading = label(title, self.pt(30), bold=True, align=Qt.AlignmentFlag.AlignHCenter)
        heading.setStyleSheet(f"color: {color};")
        self.outer.addWidget(heading)
        if number:
            big = label(number, self.pt(120), bold=True, wrap=False,
                        align=Qt.AlignmentFlag.AlignHCenter)
            big.setObjectName("bignumber")
            self.outer.addWidget(big)
        if qr:
            code = QLabel()
            code.setPixmap(qr_pixmap(qr, int(self.pt(260))))
            code.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.outer.addWidget(code)
        for line in lines:
            self.outer.addWidget(label(line, self.pt(20), align=Qt.AlignmentFlag.AlignHCenter))
        self.outer.addStretch(1)
        if second is not None:
            text, action = second
            self.add_centred_button(text, 18, 70, 2, action)
            self.outer.addSpacing(int(self.pt(16)))
        if button is not None:
            text, action = button
            self.add_centred_button(text, 22, 90, 2, action)
            self.outer.addStretch(1)
