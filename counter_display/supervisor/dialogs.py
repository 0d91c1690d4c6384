"""The dashboard's dialogs: close a service, a counter's services, the running text, reprint.

Each is opened with `open()` (window-modal, the event loop keeps running so the
dashboard stays live behind it) and read through a method after `accepted`; tests
fill them the same way.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hub.config import MallConfig

ID_ROLE = Qt.ItemDataRole.UserRole
QUICK_REASONS = ("Jaringan/sistem terputus", "Petugas tidak hadir", "Kuota sudah penuh",
                 "Gangguan listrik")


def _title(text_id: str, text_en: str) -> QLabel:
    label = QLabel(f"<b style='font-size:20px'>{text_id}</b><br>"
                   f"<span style='font-size:13px; color:#475569'>{text_en}</span>")
    label.setWordWrap(True)
    return label


def _buttons(dialog: QDialog, ok_id: str, ok_en: str) -> tuple[QDialogButtonBox, QPushButton]:
    box = QDialogButtonBox()
    ok = box.addButton(f"{ok_id} · {ok_en}", QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setDefault(True)
    cancel = box.addButton("Batal · Cancel", QDialogButtonBox.ButtonRole.RejectRole)
    cancel.setObjectName("secondary")
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box, ok


class CloseServiceDialog(QDialog):
    """Ask why a service is closed for today (the reason is shown to staff)."""

    def __init__(self, service_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tutup layanan · Close service")
        self.resize(640, 320)
        layout = QVBoxLayout(self)
        layout.addWidget(_title(f"Tutup layanan “{service_name}” untuk hari ini?",
                                "Close this service for the rest of today? Tickets already "
                                "issued are still called."))
        self.edit = QLineEdit()
        self.edit.setMaxLength(200)
        self.edit.setPlaceholderText("Alasan (untuk petugas) · Reason (for staff)")
        quick = QHBoxLayout()
        for reason in QUICK_REASONS:
            button = QPushButton(reason)
            button.setObjectName("secondary")
            button.setAutoDefault(False)  # Enter in the reason field means "close it"
            button.clicked.connect(lambda _=False, r=reason: self.edit.setText(r))
            quick.addWidget(button)
        layout.addLayout(quick)
        layout.addWidget(self.edit)
        layout.addStretch(1)
        box, _ok = _buttons(self, "Tutup layanan", "Close")
        layout.addWidget(box)

    def reason(self) -> str:
        """The reason as typed (may be empty)."""
        return self.edit.text().strip()


class CounterServicesDialog(QDialog):
    """Tick the services a counter calls from today; order = order of preference."""

    def __init__(self, config: MallConfig, counter_id: str, current: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        counter = config.counter(counter_id)
        self.configured = list(counter.services)
        self.setWindowTitle("Layanan loket · Counter services")
        self.resize(760, 720)
        layout = QVBoxLayout(self)
        layout.addWidget(_title(f"Layanan yang dipanggil {counter.name} hari ini",
                                "Services this counter calls from today; the first ticked "
                                "one with visitors waiting goes first. Move with ▲ ▼."))
        self.list = QListWidget()
        self.list.setAlternatingRowColors(True)
        tenants = {t.id: t.short_name for t in config.tenants}
        ordered = list(current) + [s.id for s in sorted(
            config.services, key=lambda s: s.tenant != counter.tenant) if s.id not in current]
        for service_id in ordered:
            service = config.service(service_id)
            item = QListWidgetItem(f"{service.prefix} · {service.name.id}  "
                                   f"({tenants.get(service.tenant, service.tenant)})")
            item.setData(ID_ROLE, service_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if service_id in current
                               else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.itemChanged.connect(lambda _item: self._update())
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        for text, step in (("▲ Naik · Up", -1), ("▼ Turun · Down", 1)):
            button = QPushButton(text)
            button.setObjectName("secondary")
            button.clicked.connect(lambda _=False, s=step: self.move_selected(s))
            row.addWidget(button)
        reset = QPushButton("Kembalikan sesuai konfigurasi · As configured")
        reset.setObjectName("secondary")
        reset.clicked.connect(lambda: self.set_checked(self.configured))
        row.addStretch(1)
        row.addWidget(reset)
        layout.addLayout(row)
        self.hint = QLabel()
        self.hint.setStyleSheet("color: #b91c1c;")
        layout.addWidget(self.hint)
        box, self.ok = _buttons(self, "Simpan", "Save")
        layout.addWidget(box)
        self._update()

    def services(self) -> list[str]:
        """The ticked services, in list order."""
        return [self.list.item(i).data(ID_ROLE) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def set_checked(self, service_ids: list[str]) -> None:
        """Tick exactly these services (and put them first, in this order)."""
        for position, service_id in enumerate(service_ids):
            for index in range(self.list.count()):
                if self.list.item(index).data(ID_ROLE) == service_id:
                    self.list.insertItem(position, self.list.takeItem(index))
                    break
        for index in range(self.list.count()):
            item = self.list.item(index)
            item.setCheckState(Qt.CheckState.Checked if item.data(ID_ROLE) in service_ids
                               else Qt.CheckState.Unchecked)
        self._update()

    def move_selected(self, step: int) -> None:
        """Move the selected service up (−1) or down (+1)."""
        index = self.list.currentRow()
        target = index + step
        if index < 0 or not 0 <= target < self.list.count():
            return
        self.list.insertItem(target, self.list.takeItem(index))
        self.list.setCurrentRow(target)

    def _update(self) -> None:
        chosen = self.services()
        self.ok.setEnabled(bool(chosen))
        self.hint.setText("" if chosen else "Pilih minimal satu layanan · Tick at least one")


class RunningTextDialog(QDialog):
    """Write the hall displays' running text for today (Indonesian required)."""

    def __init__(self, text_id: str, text_en: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Teks berjalan · Running text")
        self.resize(900, 300)
        layout = QVBoxLayout(self)
        layout.addWidget(_title("Teks berjalan di layar TV untuk hari ini",
                                "The running text of every hall display, for the rest of today"))
        layout.addWidget(QLabel("Bahasa Indonesia (wajib)"))
        self.edit_id = QLineEdit(text_id)
        self.edit_id.setMaxLength(500)
        layout.addWidget(self.edit_id)
        layout.addWidget(QLabel("English (optional)"))
        self.edit_en = QLineEdit(text_en or "")
        self.edit_en.setMaxLength(500)
        layout.addWidget(self.edit_en)
        layout.addStretch(1)
        box, self.ok = _buttons(self, "Tampilkan", "Show")
        layout.addWidget(box)
        self.edit_id.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        self.ok.setEnabled(bool(text_id.strip()))

    def texts(self) -> tuple[str, str | None]:
        """(Indonesian, English or None)."""
        return self.edit_id.text().strip(), self.edit_en.text().strip() or None


class ReprintDialog(QDialog):
    """Have one of today's tickets printed again at a kiosk (a visitor lost or tore theirs).

    The hub checks the label (it answers `unknown_ticket` for one not issued today);
    here only an empty label or no kiosk keeps the button disabled.
    """

    def __init__(self, kiosks: list[tuple[str, str, bool]], parent: QWidget | None = None,
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cetak ulang tiket · Reprint a ticket")
        self.resize(640, 300)
        layout = QVBoxLayout(self)
        layout.addWidget(_title("Cetak ulang tiket hari ini di anjungan",
                                "Print one of today's tickets again at a kiosk, with the same "
                                "number"))
        layout.addWidget(QLabel("Nomor tiket · Ticket number (mis. A-012)"))
        self.edit = QLineEdit()
        self.edit.setMaxLength(64)
        self.edit.setPlaceholderText("A-012")
        layout.addWidget(self.edit)
        layout.addWidget(QLabel("Anjungan yang mencetak · Kiosk that prints"))
        self.kiosk = QComboBox()
        for device_id, name, online in kiosks:
            self.kiosk.addItem(f"{name} ({'terhubung' if online else 'tidak terhubung'})",
                               device_id)
        first_online = next((i for i, (_d, _n, online) in enumerate(kiosks) if online), 0)
        self.kiosk.setCurrentIndex(first_online)
        layout.addWidget(self.kiosk)
        layout.addStretch(1)
        box, self.ok = _buttons(self, "Cetak ulang", "Reprint")
        layout.addWidget(box)
        self.edit.textChanged.connect(lambda _text: self._update())
        self._update()

    def ticket(self) -> str:
        """The label typed, upper-cased and without spaces ("a 12" is not guessed at)."""
        return "".join(self.edit.text().split()).upper()

    def kiosk_id(self) -> str | None:
        """The chosen kiosk's device id."""
        value = self.kiosk.currentData()
        return str(value) if value else None

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.ticket()) and self.kiosk_id() is not None)
