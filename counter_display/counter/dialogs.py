"""The counter terminal's small dialogs: transfer, pause reason, open, call a number.

Each is opened with `open()` (window-modal, not blocking the event loop) and reports
its choice through `accepted`; methods like `choose_service` exist so tests (and a
future touch flow) can pick without clicking list items.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_display import texts
from counter_display.counter.widgets import ActionButton
from hub.config import MallConfig

ROLE_ID = Qt.ItemDataRole.UserRole


def _title(text_id: str, text_en: str) -> QLabel:
    """A bold Indonesian title with its English line underneath."""
    label = QLabel(f"<b style='font-size:22px'>{text_id}</b><br>"
                   f"<span style='font-size:13px; color:#475569'>{text_en}</span>")
    label.setWordWrap(True)
    return label


def _buttons(dialog: QDialog, ok_id: str, ok_en: str) -> QDialogButtonBox:
    """OK/Cancel buttons, both labelled in two languages."""
    box = QDialogButtonBox()
    ok = box.addButton(f"{ok_id} · {ok_en}", QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setDefault(True)
    box.addButton("Batal · Cancel", QDialogButtonBox.ButtonRole.RejectRole)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class TransferDialog(QDialog):
    """Pick where the current visitor goes: another service, or another counter."""

    def __init__(self, config: MallConfig, from_counter_id: str, ticket_label: str,
                 current_service_id: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Alihkan · Transfer")
        self.resize(920, 560)
        layout = QVBoxLayout(self)
        layout.addWidget(_title(f"Alihkan nomor {ticket_label} ke…",
                                f"Transfer ticket {ticket_label} to… (pick one)"))
        lists = QHBoxLayout()
        self.services = QListWidget()
        self.counters = QListWidget()
        for widget in (self.services, self.counters):
            widget.setWordWrap(True)
            widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        own = config.counter(from_counter_id).tenant
        for service in sorted(config.services, key=lambda s: s.tenant != own):
            if service.id == current_service_id:
                continue
            tenant = config.tenant(service.tenant).short_name
            item = QListWidgetItem(f"{tenant} · {service.name.id} ({service.prefix})")
            item.setData(ROLE_ID, service.id)
            item.setToolTip(service.name.en or service.name.id)
            self.services.addItem(item)
        for counter in sorted(config.counters, key=lambda c: c.tenant != own):
            if counter.id == from_counter_id:
                continue
            tenant = config.tenant(counter.tenant).short_name
            item = QListWidgetItem(f"{counter.name} · {tenant}")
            item.setData(ROLE_ID, counter.id)
            self.counters.addItem(item)
        for caption_id, caption_en, widget, stretch in (
            ("Ke layanan", "To a service (any counter)", self.services, 3),
            ("Ke loket", "To a counter", self.counters, 2),
        ):
            column = QVBoxLayout()
            column.addWidget(_title(caption_id, caption_en))
            column.addWidget(widget)
            lists.addLayout(column, stretch)
        layout.addLayout(lists, 1)
        self.box = _buttons(self, "Alihkan", "Transfer")
        layout.addWidget(self.box)
        self._ok = self.box.buttons()[0]
        self.services.itemSelectionChanged.connect(lambda: self._picked(self.services))
        self.counters.itemSelectionChanged.connect(lambda: self._picked(self.counters))
        self._ok.setEnabled(False)

    def _picked(self, source: QListWidget) -> None:
        """Keep one target selected across both lists; enable OK once there is one."""
        other = self.counters if source is self.services else self.services
        if source.selectedItems() and other.selectedItems():
            other.blockSignals(True)
            other.clearSelection()
            other.blockSignals(False)
        self._ok.setEnabled(any(self.selection()))

    def selection(self) -> tuple[str | None, str | None]:
        """Return (to_service_id, to_counter_id); one of them is None."""
        service = self.services.selectedItems()
        counter = self.counters.selectedItems()
        return (service[0].data(ROLE_ID) if service else None,
                counter[0].data(ROLE_ID) if counter else None)

    def choose_service(self, service_id: str) -> None:
        """Select a service by id."""
        self._choose(self.services, service_id)

    def choose_counter(self, counter_id: str) -> None:
        """Select a counter by id."""
        self._choose(self.counters, counter_id)

    @staticmethod
    def _choose(widget: QListWidget, value: str) -> None:
        """Select the row whose id is `value` (KeyError if none)."""
        for row in range(widget.count()):
            if widget.item(row).data(ROLE_ID) == value:
                widget.setCurrentRow(row)
                return
        raise KeyError(value)


class PauseDialog(QDialog):
    """One big button per configured pause reason."""

    def __init__(self, reasons: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Istirahat · Pause")
        self.reason: str | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(_title("Alasan istirahat", "Why is the counter pausing?"))
        grid = QGridLayout()
        for index, reason in enumerate(reasons):
            text_id, text_en = texts.pause_reason(reason)
            button = ActionButton(text_id, text_en, "#475569")
            button.setMinimumSize(220, 80)
            button.clicked.connect(lambda _=False, r=reason: self.choose(r))
            grid.addWidget(button, index // 2, index % 2)
        layout.addLayout(grid)
        cancel = QPushButton("Batal · Cancel")
        cancel.clicked.connect(self.reject)
        layout.addWidget(cancel, 0, Qt.AlignmentFlag.AlignRight)

    def choose(self, reason: str) -> None:
        """Take this reason and close."""
        self.reason = reason
        self.accept()


class TextDialog(QDialog):
    """Ask for one line: the staff name when opening, or a ticket number to call."""

    def __init__(self, title: tuple[str, str], prompt: tuple[str, str], ok: tuple[str, str],
                 text: str = "", placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{title[0]} · {title[1]}")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(_title(*prompt))
        self.edit = QLineEdit(text)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setMaxLength(80)
        layout.addWidget(self.edit)
        layout.addWidget(_buttons(self, *ok))

    def value(self) -> str:
        """The text entered, trimmed."""
        return self.edit.text().strip()


def open_dialog(staff: str, parent: QWidget | None = None) -> TextDialog:
    """Ask who is on duty before opening the counter."""
    return TextDialog(("Buka loket", "Open counter"), ("Nama petugas", "Staff on duty"),
                      ("Buka loket", "Open"), staff, "mis. Rina", parent)


def call_number_dialog(parent: QWidget | None = None) -> TextDialog:
    """Ask which number to call."""
    dialog = TextDialog(("Panggil nomor", "Call a number"),
                        ("Nomor antrean yang dipanggil", "Ticket number to call"),
                        ("Panggil", "Call"), "", "mis. A-012", parent)
    dialog.edit.setMaxLength(16)
    return dialog
