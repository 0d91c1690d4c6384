"""The counter terminal's read-only panels: the current ticket and the queues/parked list."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from counter_display import texts
from counter_display.counter.state import Situation
from hub.config import MallConfig
from hub.hub_messages import TicketView


def _label(name: str, text: str = "", wrap: bool = False) -> QLabel:
    """A label with a style name (see widgets.STYLE)."""
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


def _set(label: QLabel, text: str) -> None:
    """Set text only when it changed (no relayout, no flicker)."""
    if label.text() != text:
        label.setText(text)


class TicketPanel(QFrame):
    """The ticket being served: number big, service, waiting and serving minutes."""

    def __init__(self, config: MallConfig, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.config = config
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        self.caption = _label("caption")
        self.number = _label("ticketNumber")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.service = _label("service", wrap=True)
        self.service.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.times = _label("detail", wrap=True)
        self.times.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.times_en = _label("small")
        self.times_en.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.extra = _label("hint", wrap=True)
        self.extra.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.caption)
        layout.addStretch(1)
        for widget in (self.number, self.service, self.times, self.times_en):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.extra)

    def render(self, situation: Situation, online: bool, now: dt.datetime) -> None:
        """Show the current ticket, or what the counter is doing instead."""
        ticket = situation.ticket
        status = situation.status
        if ticket is not None:
            self._render_ticket(ticket, now)
            return
        self.number.setObjectName("stateWord")
        word, caption, hint = "—", ("Tidak ada yang dilayani", "Nobody at the counter"), ("", "")
        if status is None:
            word = "…"
            caption = ("Menyambung ke server antrean", "Connecting to the queue server")
        elif status == "open":
            hint = (("Tekan F1 atau Spasi untuk memanggil berikutnya", "F1 / Space: call next")
                    if situation.waiting_total else ("Belum ada antrean", "Nobody is waiting"))
        elif status == "paused":
            word = texts.pause_reason(situation.pause_reason)[0]
            caption = texts.counter_status(status, situation.pause_reason)
            hint = ("Tekan Lanjutkan (F8) untuk melayani lagi", "F8: resume")
        elif status == "closed":
            word, caption = "Tutup", ("Loket tutup", "Counter closed")
            hint = ("Tekan Buka loket (F10) untuk mulai melayani", "F10: open the counter")
        self._restyle()
        _set(self.caption, f"{caption[0]} · {caption[1]}")
        _set(self.number, word)
        _set(self.service, "")
        _set(self.times, hint[0] if online or status is None else "")
        _set(self.times_en, hint[1] if online or status is None else "")
        _set(self.extra, "")

    def _render_ticket(self, ticket: TicketView, now: dt.datetime) -> None:
        """Show the ticket: number, service, minutes waited and served, recalls."""
        self.number.setObjectName("ticketNumber")
        self._restyle()
        _set(self.caption, "Sedang dilayani · Now serving")
        _set(self.number, ticket.label)
        service_id = ticket.service_id
        try:
            service = self.config.service(service_id)
            name = service.name.id
        except KeyError:
            name = service_id
        priority = ticket.priority_kind
        _set(self.service, name + (f"  ·  Prioritas: {priority}" if priority else ""))
        issued = texts.parse_time(ticket.issued_at)
        called = texts.parse_time(ticket.called_at)
        if issued is not None and called is not None:
            waited_id, waited_en = texts.minutes_text(texts.minutes_between(issued, called))
            served_id, served_en = texts.minutes_text(texts.minutes_between(called, now))
            _set(self.times, f"Menunggu {waited_id}  ·  dilayani {served_id}")
            _set(self.times_en, f"Waited {waited_en} · at the counter {served_en}")
        else:
            _set(self.times, "")
            _set(self.times_en, "")
        notes = []
        recalls = ticket.recall_count
        transfers = ticket.transfer_count
        if recalls:
            notes.append(f"Dipanggil ulang {recalls}×")
        if transfers:
            notes.append(f"Dialihkan {transfers}×")
        _set(self.extra, "  ·  ".join(notes))

    def _restyle(self) -> None:
        """Re-apply the stylesheet after the number label changed its style name."""
        self.number.style().unpolish(self.number)
        self.number.style().polish(self.number)


class QueuePanel(QFrame):
    """Who waits for this counter's services, and the tickets it parked (resume buttons)."""

    resumeRequested = Signal(str)

    def __init__(self, config: MallConfig, counter_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("panel")
        self.config = config
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addWidget(_label("sectionTitle", "Antrean menunggu · Waiting"))
        self.grid = grid = QGridLayout()
        grid.setColumnStretch(0, 1)
        self.counts: dict[str, QLabel] = {}
        self._rows: list[QLabel] = []
        self._show_services(config.counter(counter_id).services)
        layout.addLayout(grid)
        sent_here = QGridLayout()
        sent_here.setColumnStretch(0, 1)
        self.reserved_name = _label("queueName", "Dialihkan ke loket ini · Sent here")
        self.reserved = _label("queueCount", "0")
        self.reserved.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        sent_here.addWidget(self.reserved_name, 0, 0)
        sent_here.addWidget(self.reserved, 0, 1)
        layout.addLayout(sent_here)
        layout.addSpacing(12)
        layout.addWidget(_label("sectionTitle", "Diparkir · Parked"))
        self.parked_box = QVBoxLayout()
        self.parked_empty = _label("hint", "Tidak ada · None")
        self.parked_box.addWidget(self.parked_empty)
        layout.addLayout(self.parked_box)
        layout.addStretch(1)
        self.parked_buttons: dict[str, QPushButton] = {}

    def _show_services(self, services: list[str]) -> None:
        """One row per service the counter calls from, in its order (today's, per the hub)."""
        for label in self._rows:
            self.grid.removeWidget(label)
            label.deleteLater()
        self._rows, self.counts = [], {}
        for row, service_id in enumerate(services):
            service = self.config.service(service_id)
            name = _label("queueName", f"{service.name.id} ({service.prefix})", wrap=True)
            name.setToolTip(service.name.en or service.name.id)
            count = _label("queueCount", "–")
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(count, row, 1)
            self.counts[service_id] = count
            self._rows += [name, count]

    def render(self, situation: Situation, can_resume: bool) -> None:
        """Show queue lengths and one resume button per parked ticket."""
        if list(situation.waiting) != list(self.counts):  # a supervisor changed them today
            self._show_services(list(situation.waiting))
        known = situation.status is not None
        for service_id, label in self.counts.items():
            _set(label, str(situation.waiting.get(service_id, 0)) if known else "–")
        _set(self.reserved, str(situation.reserved))
        self.reserved_name.setVisible(situation.reserved > 0)
        self.reserved.setVisible(situation.reserved > 0)
        for label in list(self.parked_buttons):
            if label not in situation.parked:
                button = self.parked_buttons.pop(label)
                self.parked_box.removeWidget(button)
                button.deleteLater()
        for label in situation.parked:
            if label not in self.parked_buttons:
                button = QPushButton(f"▶ Lanjutkan {label}")
                button.setObjectName("parked")
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.setToolTip(f"Resume parked ticket {label}")
                button.clicked.connect(lambda _=False, t=label: self.resumeRequested.emit(t))
                self.parked_box.addWidget(button)
                self.parked_buttons[label] = button
        for button in self.parked_buttons.values():
            button.setEnabled(can_resume)
        self.parked_empty.setVisible(not situation.parked)
