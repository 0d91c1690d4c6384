"""The live tab: services (waiting, longest wait vs target), counters, devices, running text.

Rows come from `model` through the controller; buttons act on the selected row and
open the dialogs of `dialogs`. Nothing here changes state except through the hub.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_display.supervisor import dialogs
from counter_display.supervisor.booking import BookAppointmentDialog, SlotSource
from counter_display.supervisor.controller import SupervisorController
from counter_display.supervisor.model import ROLE_NAMES, CounterRow, DeviceRow, ServiceRow
from counter_display.supervisor.tables import LEVEL_COLOURS, STATUS_COLOURS, Cell, LiveTable

D = TypeVar("D", bound=QDialog)
LEVEL_ORDER = {"late": 0, "warn": 1, "ok": 2, "idle": 3}


def _panel(title: str, subtitle: str) -> tuple[QFrame, QVBoxLayout, QHBoxLayout]:
    frame = QFrame()
    frame.setObjectName("panel")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(12, 10, 12, 12)
    layout.setSpacing(8)
    head = QHBoxLayout()
    label = QLabel(f"{title} <span style='font-size:13px; font-weight:normal; "
                   f"color:#64748b'>· {subtitle}</span>")
    label.setObjectName("panelTitle")
    head.addWidget(label)
    head.addStretch(1)
    layout.addLayout(head)
    return frame, layout, head


def _minutes(value: int | None, exact: bool = True) -> str:
    if value is None:
        return "—"
    return ("" if exact else "≈ ") + ("< 1 mnt" if value < 1 else f"{value} mnt")


def service_cells(row: ServiceRow) -> list[Cell]:
    """The cells of one service row."""
    level_bg, level_fg = LEVEL_COLOURS[row.level]
    status_colour = ("", "#14532d") if row.open else (
        ("#fee2e2", "#991b1b") if row.closed_by_supervisor else ("", "#64748b"))
    wait_tip = ("Dihitung dari tiket terlama yang menunggu" if row.exact else
                "Perkiraan: tunggu terlama pengunjung yang sedang dilayani atau perkiraan hub "
                "untuk tiket baru, mana yang lebih lama · Estimate")
    return [
        Cell(f"{row.prefix} · {row.name}", tooltip=f"{row.name} ({row.tenant})"),
        Cell(row.tenant, foreground="#475569", tooltip=row.tenant),
        Cell(row.status, *status_colour, tooltip=row.status),
        Cell(str(row.waiting), bold=row.waiting > 0, right=True),
        Cell(_minutes(row.longest_minutes, row.exact), level_bg, level_fg,
             bold=row.level in ("warn", "late"), tooltip=wait_tip, right=True),
        Cell(f"{row.target_minutes}", foreground="#64748b", right=True),
        Cell(_minutes(row.estimate_minutes) if row.waiting else "—", foreground="#475569",
             right=True),
        Cell(str(row.issued_today), right=True),
    ]


def counter_cells(row: CounterRow, service_names: dict[str, str]) -> list[Cell]:
    """The cells of one counter row (its services are in the tooltip; * = changed today)."""
    background, foreground = STATUS_COLOURS.get(row.status, STATUS_COLOURS["unknown"])
    serving = row.ticket
    if serving and row.serving_minutes is not None:
        serving += f" · {_minutes(row.serving_minutes)}"  # as the counter terminal says it
    services = "\n".join(service_names.get(s, s) for s in row.services)
    changed = "\n(diubah hari ini oleh pengelola)" if row.services_changed else ""
    return [
        Cell(row.name + (" *" if row.services_changed else ""), bold=True,
             foreground="#6d28d9" if row.services_changed else "",
             tooltip=f"Layanan:\n{services}{changed}"),
        Cell(row.tenant, foreground="#475569", tooltip=row.tenant),
        Cell(row.status_text, background, foreground, bold=row.status == "serving"),
        Cell(row.staff, tooltip=row.staff),
        Cell(row.since, right=True),
        Cell(serving or "—", bold=bool(serving)),
        Cell(str(row.served_today), right=True),
    ]


def device_cells(row: DeviceRow) -> list[Cell]:
    """The cells of one device row."""
    background, foreground = LEVEL_COLOURS.get(row.level, LEVEL_COLOURS["unknown"])
    role = ROLE_NAMES.get(row.role, row.role)
    return [
        Cell(row.name, tooltip=f"{role} · {row.device_id}"),
        Cell(row.text, background, foreground, bold=row.level in ("fault", "warn"),
             tooltip=row.detail or row.text),
    ]


class LiveTab(QWidget):
    """Three panels side by side, refreshed by `refresh()`."""

    def __init__(self, controller: SupervisorController, parent: QWidget | None = None,
                 slots: SlotSource | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.slots = slots
        """Where appointment slots are read (the hub's GET /slots); None: no booking here."""
        self.config = controller.config
        self.dialog: QDialog | None = None
        self.service_names = {s.id: f"{s.prefix} · {s.name.id}" for s in self.config.services}
        root = QHBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(12)

        frame, layout, head = _panel("Layanan", "Services")
        self.urgent_first = QCheckBox("Terlama di atas · Longest first")
        self.urgent_first.toggled.connect(lambda _on: self.refresh())
        head.addWidget(self.urgent_first)
        self.close_service = QPushButton("Tutup layanan…")
        self.close_service.clicked.connect(self.open_close_service_dialog)
        self.reopen_service = QPushButton("Buka kembali")
        self.reopen_service.clicked.connect(self._reopen_selected)
        head.addWidget(self.close_service)
        head.addWidget(self.reopen_service)
        self.book = QPushButton("Janji temu…")
        self.book.setToolTip("Daftarkan janji temu untuk pengunjung · Book an appointment")
        self.book.clicked.connect(self.open_booking_dialog)
        self.book.setVisible(slots is not None and any(
            s.appointments is not None for s in self.config.services))
        head.addWidget(self.book)
        self.services = LiveTable(
            ["Layanan", "Instansi", "Status", "Antre", "Terlama", "Target", "Perkiraan",
             "Diambil"], [300, 96, 120, 52, 96, 56, 78, 64], stretch_column=0,
            tooltips=["Service", "Tenant", "Takes tickets now?", "Waiting now",
                      "Longest current wait (minutes)", "Wait target (minutes)",
                      "Estimated wait for a ticket taken now", "Tickets issued today"])
        self.services.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.services, 1)
        self.note = QLabel()
        self.note.setObjectName("note")
        layout.addWidget(self.note)
        root.addWidget(frame, 46)

        frame, layout, head = _panel("Loket", "Counters")
        self.change_services = QPushButton("Ubah layanan loket…")
        self.change_services.clicked.connect(self.open_counter_services_dialog)
        head.addWidget(self.change_services)
        self.counters = LiveTable(
            ["Loket", "Instansi", "Status", "Petugas", "Sejak", "Melayani", "Dilayani"],
            [80, 100, 112, 110, 50, 152, 64], stretch_column=3,
            tooltips=["Counter (* services changed today)", "Tenant", "Status", "Staff",
                      "Since (opened, paused, resumed or closed)", "Ticket being served, "
                      "minutes since called", "Served today"])
        self.counters.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.counters, 1)
        root.addWidget(frame, 36)

        side = QVBoxLayout()
        side.setSpacing(12)
        frame, layout, head = _panel("Perangkat", "Devices")
        self.pause_kiosk = QPushButton("Jeda anjungan")
        self.pause_kiosk.clicked.connect(self._toggle_kiosk)
        head.addWidget(self.pause_kiosk)
        self.reprint = QPushButton("Cetak ulang…")
        self.reprint.setToolTip("Cetak ulang tiket hari ini di anjungan · Reprint a ticket")
        self.reprint.clicked.connect(self.open_reprint_dialog)
        head.addWidget(self.reprint)
        self.devices = LiveTable(["Perangkat", "Keadaan"], [180, 150], stretch_column=0,
                                 tooltips=["Device", "Health"])
        self.devices.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.devices, 1)
        side.addWidget(frame, 1)
        frame, layout, _head = _panel("Keputusan hari ini", "Today's settings")
        self.decisions = QLabel()
        self.decisions.setWordWrap(True)
        self.decisions.setObjectName("running")
        layout.addWidget(self.decisions)
        side.addWidget(frame)
        frame, layout, head = _panel("Teks berjalan", "Running text")
        self.edit_text = QPushButton("Ubah…")
        self.edit_text.clicked.connect(self.open_running_text_dialog)
        head.addWidget(self.edit_text)
        self.running = QLabel()
        self.running.setWordWrap(True)
        self.running.setObjectName("running")
        self.running.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.running)
        side.addWidget(frame)
        holder = QWidget()
        holder.setLayout(side)
        root.addWidget(holder, 18)
        self.refresh()

    # ------------------------------------------------------------------ render

    def refresh(self) -> None:
        """Refill every panel from the controller."""
        c = self.controller
        rows = c.services()
        if self.urgent_first.isChecked():
            rows.sort(key=lambda r: (LEVEL_ORDER[r.level], -(r.longest_minutes or 0),
                                     -r.waiting))
        self.services.fill([(r.service_id, service_cells(r)) for r in rows])
        estimated = any(not r.exact for r in rows)
        self.note.setText(("≈ perkiraan: hub belum mengirim waktu tiket terlama yang menunggu · "
                           if estimated else "") + "menit · hijau ≤ 80 % target, kuning ≤ "
                          "target, merah > target")
        self.counters.fill([(r.counter_id, counter_cells(r, self.service_names))
                            for r in c.counters()])
        self.devices.fill([(r.device_id, device_cells(r)) for r in c.devices()])
        decisions = c.decisions()
        self.decisions.setText("<br>".join(f"• {html.escape(line)}" for line in decisions)
                               or "<span style='color:#64748b'>Semua sesuai konfigurasi · "
                               "all as configured</span>")
        text_id, text_en, chosen = c.running_text()
        origin = ("diatur pengelola hari ini" if chosen else "dari konfigurasi")
        self.running.setText(f"<b>{html.escape(text_id)}</b><br>"
                             f"<i>{html.escape(text_en or '')}</i><br>"
                             f"<span style='color:#64748b'>({origin})</span>")
        self._update_buttons()

    def _update_buttons(self) -> None:
        online = self.controller.online
        service = self._selected_service()
        self.close_service.setEnabled(online and service is not None
                                      and not service.closed_by_supervisor)
        self.reopen_service.setEnabled(online and service is not None
                                       and service.closed_by_supervisor)
        self.change_services.setEnabled(online and self.counters.selected_key() is not None)
        device = self._selected_device()
        self.pause_kiosk.setEnabled(online and device is not None and device.role == "kiosk")
        self.pause_kiosk.setText("Lanjutkan anjungan" if device is not None and device.paused
                                 else "Jeda anjungan")
        self.edit_text.setEnabled(online)
        self.reprint.setEnabled(online)
        self.book.setEnabled(online)

    def _selected_service(self) -> ServiceRow | None:
        key = self.services.selected_key()
        return next((r for r in self.controller.services() if r.service_id == key), None)

    def _selected_device(self) -> DeviceRow | None:
        key = self.devices.selected_key()
        return next((r for r in self.controller.devices() if r.device_id == key), None)

    # ----------------------------------------------------------------- actions

    def open_close_service_dialog(self) -> dialogs.CloseServiceDialog | None:
        """Ask for a reason, then close the selected service for today."""
        service = self._selected_service()
        if service is None or service.closed_by_supervisor:
            return None
        dialog = dialogs.CloseServiceDialog(f"{service.prefix} · {service.name}", self)
        self._open(dialog, lambda d: self.controller.close_service(service.service_id,
                                                                   d.reason()))
        return dialog

    def open_counter_services_dialog(self) -> dialogs.CounterServicesDialog | None:
        """Tick the services of the selected counter."""
        counter_id = self.counters.selected_key()
        if counter_id is None:
            return None
        dialog = dialogs.CounterServicesDialog(self.config, counter_id,
                                               self.controller.counter_services(counter_id), self)
        self._open(dialog, lambda d: self.controller.set_counter_services(counter_id,
                                                                          d.services()))
        return dialog

    def open_running_text_dialog(self) -> dialogs.RunningTextDialog:
        """Edit the running text, starting from the one shown now."""
        text_id, text_en, _chosen = self.controller.running_text()
        dialog = dialogs.RunningTextDialog(text_id, text_en, self)
        self._open(dialog, lambda d: self.controller.set_running_text(*d.texts()))
        return dialog

    def open_reprint_dialog(self) -> dialogs.ReprintDialog:
        """Choose a ticket of today and the kiosk that prints it again."""
        dialog = dialogs.ReprintDialog(self.controller.kiosks(), self)
        self._open(dialog, lambda d: self.controller.reprint_ticket(d.ticket(), d.kiosk_id()))
        return dialog

    def open_booking_dialog(self) -> BookAppointmentDialog:
        """Book a slot for a visitor; the dialog stays open and shows the code."""
        assert self.slots is not None
        business_day = self.controller.view.business_day  # the hub's day, not this PC's
        today = (dt.date.fromisoformat(business_day) if business_day else
                 self.controller.now().astimezone(ZoneInfo(self.config.mpp.timezone)).date())
        dialog = BookAppointmentDialog(self.config, today, self.slots,
                                       self.controller.book_appointment, self)
        self.controller.bookingAnswered.connect(dialog.answered)
        dialog.finished.connect(
            lambda _r: self.controller.bookingAnswered.disconnect(dialog.answered))
        self._open(dialog, lambda _d: None)
        return dialog

    def _reopen_selected(self) -> None:
        service = self._selected_service()
        if service is not None and service.closed_by_supervisor:
            self.controller.reopen_service(service.service_id)

    def _toggle_kiosk(self) -> None:
        device = self._selected_device()
        if device is not None and device.role == "kiosk":
            self.controller.set_kiosk_paused(device.device_id, not device.paused)

    def _open(self, dialog: D, on_accept: Callable[[D], object]) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: on_accept(dialog))
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
