"""The counter terminal window: what the loket is doing, and big buttons with shortcuts.

It renders the controller's `situation` and `actions` and nothing else: every button
and shortcut goes through the controller, which refuses what is not possible now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from counter_display import texts
from counter_display.common.hub_clock import HubClock, newest_time
from counter_display.counter import dialogs
from counter_display.counter.controller import CounterController
from counter_display.counter.outcome import OutcomeDialog
from counter_display.counter.panels import QueuePanel, TicketPanel
from counter_display.counter.state import no_show_hint
from counter_display.counter.widgets import (
    STATUS_COLOURS,
    STYLE,
    ActionButton,
    Banner,
    MessageBar,
)
from hub.hub_messages import ErrorMessage

Clock = Callable[[], dt.datetime]
D = TypeVar("D", bound=QDialog)

# name: (Indonesian, English, shortcut text, colour, keys)
BUTTONS: dict[str, tuple[str, str, str, str, tuple[str, ...]]] = {
    "call_next": ("Panggil berikutnya", "Call next", "F1 / Spasi", "#1d4ed8", ("F1", "Space")),
    "recall": ("Panggil ulang", "Recall", "F2", "#0e7490", ("F2",)),
    "no_show": ("Tidak hadir", "No-show", "F3", "#b91c1c", ("F3",)),
    "park": ("Parkir", "Park", "F4", "#b45309", ("F4",)),
    "transfer": ("Alihkan", "Transfer", "F5", "#6d28d9", ("F5",)),
    "finish": ("Selesai", "Finish", "F6 / Enter", "#15803d", ("F6", "Return", "Enter")),
    "call_ticket": ("Panggil nomor…", "Call a number", "F7", "#334155", ("F7",)),
    "pause": ("Istirahat", "Pause", "F8", "#475569", ("F8",)),
    "open": ("Buka loket", "Open counter", "F10", "#0f172a", ("F10",)),
}
UPDATE_TIMES_MS = 5_000


def system_clock() -> dt.datetime:
    """Local wall clock, timezone-aware."""
    return dt.datetime.now(dt.UTC)


class CounterWindow(QMainWindow):
    """The staff's screen at one loket."""

    def __init__(self, controller: CounterController, staff: str = "",
                 clock: Clock = system_clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.config = controller.config
        self.clock = clock
        self.hub_clock = HubClock(clock)
        """Times at the counter are measured on the hub's clock, like the call times."""
        controller.bridge.messageReceived.connect(self.hub_clock.observe_message)
        self.staff_default = staff
        self.dialog: QDialog | None = None
        counter = controller.counter
        tenant = self.config.tenant(counter.tenant)
        self.setWindowTitle(f"{counter.name} — {tenant.short_name} · Antrean MPP")
        self.setStyleSheet(STYLE)
        self.resize(1280, 800)

        central = QWidget()
        self.setCentralWidget(central)
        root = QVBoxLayout(central)
        root.setContentsMargins(0, 0, 0, 12)
        root.setSpacing(10)
        self.banner = Banner()
        root.addWidget(self.banner)
        body = QVBoxLayout()
        body.setContentsMargins(16, 4, 16, 0)
        body.setSpacing(10)
        root.addLayout(body, 1)

        header = QHBoxLayout()
        name = QLabel(counter.name)
        name.setObjectName("counterName")
        tenant_label = QLabel(tenant.name.id)
        tenant_label.setObjectName("tenant")
        self.status_pill = QLabel()
        self.status_pill.setObjectName("statusPill")
        self.staff_label = QLabel()
        self.staff_label.setObjectName("fact")
        self.served_label = QLabel()
        self.served_label.setObjectName("fact")
        header.addWidget(name)
        header.addSpacing(12)
        header.addWidget(tenant_label)
        header.addStretch(1)
        for widget in (self.staff_label, self.served_label, self.status_pill):
            header.addSpacing(18)
            header.addWidget(widget)
        body.addLayout(header)

        self.message_bar = MessageBar()
        self.message_bar.closed.connect(controller.dismiss_error)
        body.addWidget(self.message_bar)

        middle = QHBoxLayout()
        middle.setSpacing(12)
        self.ticket_panel = TicketPanel(self.config)
        self.queue_panel = QueuePanel(self.config, controller.counter_id)
        self.queue_panel.resumeRequested.connect(controller.resume_parked)
        middle.addWidget(self.ticket_panel, 3)
        middle.addWidget(self.queue_panel, 2)
        body.addLayout(middle, 1)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        body.addWidget(line)
        grid = QGridLayout()
        grid.setSpacing(10)
        self.buttons: dict[str, ActionButton] = {}
        for index, (key, (text_id, text_en, keys_text, colour, keys)) in enumerate(
                BUTTONS.items()):
            button = ActionButton(text_id, f"{text_en} · {keys_text}", colour)
            button.clicked.connect(lambda _=False, k=key: self.trigger(k))
            row, column = (0, index) if index < 6 else (1, index - 6)
            grid.addWidget(button, row, column if row == 0 else column * 2, 1, 1 if row == 0 else 2)
            self.buttons[key] = button
            for sequence in keys:
                shortcut = QShortcut(QKeySequence(sequence), self)
                shortcut.activated.connect(lambda k=key: self.trigger(k))
        for column in range(6):
            grid.setColumnStretch(column, 1)
        body.addLayout(grid)

        controller.changed.connect(self.render)
        controller.refused.connect(self._show_refusal)
        controller.succeeded.connect(lambda _kind: self.message_bar.dismiss())
        self._ticker = QTimer(self, interval=UPDATE_TIMES_MS)
        self._ticker.timeout.connect(self.render)
        self._ticker.start()
        self.render()

    # ----------------------------------------------------------------- actions

    def trigger(self, key: str) -> None:
        """Carry out a button or shortcut by its name (see BUTTONS)."""
        if self.dialog is not None and self.dialog.isVisible():
            return
        actions = self.controller.actions
        c = self.controller
        if key == "call_next":
            c.call_next()
        elif key == "recall":
            c.recall()
        elif key == "no_show":
            c.mark_no_show()
        elif key == "park":
            c.park()
        elif key == "finish" and actions.finish:
            self.open_outcome_dialog()
        elif key == "transfer" and actions.transfer:
            self.open_transfer_dialog()
        elif key == "call_ticket" and actions.call_ticket:
            self._open(dialogs.call_number_dialog(self), lambda d: c.call_ticket(d.value()))
        elif key == "pause":
            if actions.resume:
                c.resume()
            elif actions.pause:
                self._open(dialogs.PauseDialog(self.config.queue.pause_reasons, self),
                           lambda d: c.pause(d.reason or ""))
        elif key == "open":
            if actions.close:
                c.close_counter()
            elif actions.open:
                self._open(dialogs.open_dialog(self._staff_name(), self),
                           self._on_open_accepted)

    def open_transfer_dialog(self) -> dialogs.TransferDialog | None:
        """Show the transfer dialog for the current ticket; return it (None if not possible)."""
        ticket = self.controller.situation.ticket
        if ticket is None or not self.controller.actions.transfer:
            return None
        dialog = dialogs.TransferDialog(self.config, self.controller.counter_id,
                                        ticket.label, ticket.service_id, self)
        self._open(dialog, lambda d: self.controller.transfer(*d.selection()))
        return dialog

    def open_outcome_dialog(self) -> OutcomeDialog | None:
        """Ask how the visit ended (Enter: served); return the dialog (None if not possible)."""
        ticket = self.controller.situation.ticket
        if ticket is None or not self.controller.actions.finish:
            return None
        dialog = OutcomeDialog(self.config, self.controller.counter_id, ticket.label,
                               ticket.service_id, self)
        self._open(dialog, lambda d: self.controller.finish(**d.request_fields()))
        return dialog

    def _open(self, dialog: D, on_accept: Callable[[D], object]) -> None:
        """Show a dialog window-modally; run `on_accept` with it when accepted."""
        self.dialog = dialog
        dialog.accepted.connect(lambda: on_accept(dialog))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        dialog.open()

    def _dialog_closed(self, dialog: QDialog) -> None:
        """Forget and delete a dialog once it closed."""
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _on_open_accepted(self, dialog: dialogs.TextDialog) -> None:
        """Open the counter with the staff name entered."""
        self.staff_default = dialog.value()
        self.controller.open_counter(dialog.value())

    def _staff_name(self) -> str:
        """The name to suggest when opening: --staff, else the last one on duty."""
        return self.staff_default or self.controller.situation.staff or ""

    def _show_refusal(self, error: ErrorMessage) -> None:
        """Show the hub's refusal in the message bar."""
        self.message_bar.show_error(error.message_id or "Perintah ditolak.",
                                    error.message_en or error.code)

    # ------------------------------------------------------------------ render

    def render(self) -> None:
        """Redraw from the controller (cheap: only changed texts are set)."""
        c = self.controller
        situation = c.situation
        if c.link_status == "refused":
            self.banner.show_text(texts.REFUSED_ID, texts.REFUSED_EN)
        elif not c.online:
            self.banner.show_text(texts.OFFLINE_ID, texts.OFFLINE_EN)
        else:
            self.banner.hide()
        status_id, status_en = texts.counter_status(situation.status, situation.pause_reason)
        if self.status_pill.text() != status_id:
            self.status_pill.setText(status_id)
            self.status_pill.setToolTip(status_en)
            self.status_pill.setStyleSheet(
                f"background: {STATUS_COLOURS.get(situation.status, '#94a3b8')};")
        self.staff_label.setText(f"Petugas: {situation.staff or '—'}")
        self.staff_label.setToolTip("Staff on duty")
        self.served_label.setText(f"Dilayani hari ini: {situation.served_today}")
        self.served_label.setToolTip("Served today")
        now = self.hub_clock.now(floor=newest_time(c.bridge.view))
        self.ticket_panel.render(situation, c.online, now)
        actions = c.actions
        self.queue_panel.render(situation, actions.resume_parked)

        enabled = {
            "call_next": actions.call_next, "recall": actions.recall,
            "no_show": actions.no_show, "park": actions.park, "transfer": actions.transfer,
            "finish": actions.finish, "call_ticket": actions.call_ticket,
            "pause": actions.pause or actions.resume, "open": actions.open or actions.close,
        }
        for key, button in self.buttons.items():
            button.setEnabled(enabled[key])
        if situation.status == "paused":
            self.buttons["pause"].set_texts("Lanjutkan", "Resume · F8")
        else:
            self.buttons["pause"].set_texts("Istirahat", "Pause · F8")
        if situation.status in ("open", "paused", "serving"):
            self.buttons["open"].set_texts("Tutup loket", "Close counter · F10")
        else:
            self.buttons["open"].set_texts("Buka loket", "Open counter · F10")
        min_recalls = self.config.queue.no_show_min_recalls
        if situation.ticket is not None and not actions.no_show and c.online and not c.busy:
            hint_id, hint_en = no_show_hint(situation, min_recalls)
            self.buttons["no_show"].setToolTip(f"{hint_id}\n{hint_en}")
        else:
            self.buttons["no_show"].setToolTip("")
