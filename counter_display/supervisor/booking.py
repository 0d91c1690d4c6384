"""Book an appointment for a visitor at the desk or on the phone (antrean online).

Staff choose a service that takes appointments, a day and a slot the hub says is free
(`GET /slots`, the same figures the city's portal sees), type the visitor's name and
phone or NIK digits, and the hub books it (`book_appointment`). The dialog stays open
and shows the booking code, large, to read out or write down; a refusal is shown in
both languages. Which slots can be booked is the hub's to say, never computed here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_display import texts
from hub.config import MallConfig
from hub.hub_messages import ErrorMessage

SlotSource = Callable[[str, str], dict[str, Any]]
"""(service id, day "2026-11-24") → the hub's slots answer (§21.1); raises on failure."""
Book = Callable[[str, str, str, str, str], str]
"""(service id, slot start, name, contact, language) → request token."""
REASONS = {"booking_closed": "ditutup · closed", "slot_full": "penuh · full",
           "too_far_ahead": "belum dibuka · not yet open"}


def _time(iso: str) -> str:
    return dt.datetime.fromisoformat(iso).strftime("%H.%M")


class BookAppointmentDialog(QDialog):
    """Service, day, free slot, name and contact → the hub books it and the code is shown."""

    def __init__(self, config: MallConfig, today: dt.date, slots: SlotSource, book: Book,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config, self.today, self._slots, self._book = config, today, slots, book
        self.pending: str | None = None
        """The token of the booking sent and not yet answered."""
        self.code: str | None = None
        self._sending = False
        self._early: list[tuple[str, dict[str, Any] | None, ErrorMessage | None]] = []
        self.setWindowTitle("Daftarkan janji temu · Book an appointment")
        self.resize(760, 640)
        layout = QVBoxLayout(self)
        title = QLabel("<b style='font-size:20px'>Daftarkan janji temu untuk pengunjung</b>"
                       "<br><span style='font-size:13px; color:#475569'>Book an appointment "
                       "for a visitor (at the desk or on the phone)</span>")
        title.setWordWrap(True)
        layout.addWidget(title)
        form = QFormLayout()
        self.service = QComboBox()
        for service in config.services:
            if service.appointments is not None:
                tenant = config.tenant(service.tenant).short_name
                self.service.addItem(f"{service.name.id} ({tenant})", service.id)
        form.addRow("Layanan · Service", self.service)
        self.day = QComboBox()
        form.addRow("Hari · Day", self.day)
        self.slot = QComboBox()
        form.addRow("Jam · Slot", self.slot)
        self.name = QLineEdit()
        self.name.setMaxLength(80)
        self.name.setPlaceholderText("Nama pengunjung · Visitor's name")
        form.addRow("Nama · Name", self.name)
        self.contact = QLineEdit()
        self.contact.setMaxLength(32)
        self.contact.setPlaceholderText("08… atau 4 digit terakhir NIK · phone or NIK digits")
        form.addRow("Kontak · Contact", self.contact)
        self.language = QComboBox()
        self.language.addItem("Bahasa Indonesia", "id")
        self.language.addItem("English", "en")
        form.addRow("Bahasa · Language", self.language)
        layout.addLayout(form)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setMinimumHeight(56)
        layout.addWidget(self.status)
        self.result = QLabel("")
        self.result.setObjectName("bookingCode")
        self.result.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.result.setWordWrap(True)
        layout.addWidget(self.result, 1)
        box = QDialogButtonBox()
        self.ok: QPushButton = box.addButton("Daftarkan · Book",
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.ok.setDefault(True)
        close = box.addButton("Tutup · Close", QDialogButtonBox.ButtonRole.RejectRole)
        close.setObjectName("secondary")
        box.rejected.connect(self.reject)
        self.ok.clicked.connect(self.submit)
        layout.addWidget(box)
        self.service.currentIndexChanged.connect(lambda _i: self._fill_days())
        self.day.currentIndexChanged.connect(lambda _i: self.load_slots())
        self.slot.currentIndexChanged.connect(lambda _i: self._update())
        self.name.textChanged.connect(lambda _t: self._update())
        self.contact.textChanged.connect(lambda _t: self._update())
        self._fill_days()

    # ------------------------------------------------------------------ reading

    def service_id(self) -> str | None:
        """The chosen service's id."""
        value = self.service.currentData()
        return str(value) if value else None

    def slot_start(self) -> str | None:
        """The chosen slot's start (ISO, as the hub sent it), if a bookable one is chosen."""
        value = self.slot.currentData()
        return str(value) if value else None

    # ------------------------------------------------------------------ actions

    def load_slots(self) -> None:
        """Ask the hub for the chosen day's slots; list them, the full ones greyed."""
        self.slot.clear()
        service_id, day = self.service_id(), self.day.currentData()
        if service_id is None or day is None:
            self._update()
            return
        try:
            answer = self._slots(service_id, str(day))
        except Exception as error:  # unreachable hub, refused token: said, not raised
            self._say(f"Jadwal tidak dapat dibaca · Slots cannot be read: {error}", error=True)
            self._update()
            return
        if answer.get("closed"):
            self._say(f"{answer.get('message_id', '')} · {answer.get('message_en', '')}",
                      error=True)
        model = self.slot.model()
        first_free = -1
        for slot in answer.get("slots", []):
            text = f"{_time(slot['start'])}–{_time(slot['end'])}"
            if slot["bookable"]:
                text += f" · {slot['free']} dari {answer['capacity']} kosong · free"
            else:
                text += f" · {REASONS.get(slot['reason'], slot['reason'])}"
            self.slot.addItem(text, slot["start"] if slot["bookable"] else None)
            if not slot["bookable"] and isinstance(model, QStandardItemModel):
                item = model.item(self.slot.count() - 1)
                if item is not None:
                    item.setEnabled(False)
            elif first_free < 0:
                first_free = self.slot.count() - 1
        if first_free >= 0:
            self.slot.setCurrentIndex(first_free)
            if not answer.get("closed"):
                self._say("")
        elif not answer.get("closed"):
            self._say("Tidak ada jam yang kosong hari itu · No free slot that day", error=True)
        self._update()

    def submit(self) -> None:
        """Send the booking (the hub checks every rule again)."""
        service_id, start = self.service_id(), self.slot_start()
        if service_id is None or start is None or not self._filled() or self.pending:
            return
        self.result.setText("")
        self._say("Mengirim… · Sending…")
        self._sending, self._early = True, []
        try:
            self.pending = self._book(service_id, start, self.name.text(),
                                      self.contact.text(), str(self.language.currentData()))
        finally:
            self._sending = False
        for early in self._early:
            self.answered(*early)
        self._update()

    def answered(self, token: str, booked: dict[str, Any] | None,
                 error: ErrorMessage | None) -> None:
        """The hub's answer to a booking (the controller's bookingAnswered)."""
        if self._sending:  # answered inside send (a request the client could not send)
            self._early.append((token, booked, error))
            return
        if token != self.pending:
            return
        self.pending = None
        if booked is None:
            reason = error.message_id if error else "Ditolak"
            english = error.message_en if error else "Refused"
            self.load_slots()  # what the hub counts now (the slot may have closed)
            self._say(f"{reason}\n{english}", error=True)
        else:
            self.code = str(booked["code"])
            start = dt.datetime.fromisoformat(booked["slot_start"])
            end = dt.datetime.fromisoformat(booked["slot_end"])
            service = self.config.service(booked["service_id"]).name.id
            self.result.setText(
                "<span style='font-size:15px'>Kode pendaftaran · Booking code</span><br>"
                f"<b style='font-size:56px; letter-spacing:6px; color:#0b4f9c'>{self.code}</b>"
                f"<br><span style='font-size:15px'>{service} · "
                f"{texts.long_date(start.date())} · {start:%H.%M}–{end:%H.%M}</span><br>"
                "<span style='font-size:13px; color:#475569'>Check-in di anjungan dengan kode "
                "ini · Check in at a kiosk with this code</span>")
            self.name.clear()
            self.contact.clear()
            self.load_slots()  # one place fewer
            self._say("Terdaftar · Booked")
        self._update()

    # ------------------------------------------------------------------ private

    def _fill_days(self) -> None:
        self.day.blockSignals(True)
        self.day.clear()
        service_id = self.service_id()
        rules = self.config.service(service_id).appointments if service_id else None
        for offset in range((rules.days_ahead if rules else 0) + 1):
            day = self.today + dt.timedelta(days=offset)
            self.day.addItem(texts.long_date(day), day.isoformat())
        self.day.blockSignals(False)
        self.load_slots()

    def _filled(self) -> bool:
        return bool(self.name.text().strip() and self.contact.text().strip())

    def _update(self) -> None:
        self.ok.setEnabled(self.slot_start() is not None and self._filled()
                           and self.pending is None)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {'#b91c1c' if error else '#1e293b'};"
                                  "font-size: 14px;")
