"""The kiosk's ticket flow: issue at the hub, print, and never leave a phantom ticket.

1. The visitor asks for a ticket: the hub issues it (the only source of numbers) as
   *pending* (`await_print`): numbered, but no counter can call it yet.
2. The printer prints it. Success → `confirm_ticket` (printed); once the hub has it
   the ticket is in the queue and the visitor sees the confirmation screen.
3. Failure → by `on_failure`: "refuse" cancels the ticket at the hub and tells the
   visitor plainly; "show_on_screen" confirms it as shown on screen and shows the
   number with a QR code. Either way the fault is reported to the hub (the supervisor
   sees it) and tickets stop until the printer answers healthy again.
If this kiosk dies between 1 and 2, the hub cancels the ticket as `print_unconfirmed`
after `queue.print_confirm_seconds`: nobody holds it, so nobody waits for it. A request
that timed out but was carried out later (`lateResult`) is cancelled for the same reason.
Reprints (jammed paper): the same number again, asked here or by a supervisor.
A visitor who booked online checks in with the booking code (`check_in`): the hub answers
with an ordinary pending ticket of channel online, printed and confirmed the same way; a
refusal (too early, too late, already checked in, unknown code…) is `checkInRefused`.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from hub import protocol as p
from hub.client.qt_bridge import HubBridge
from hub.config import MallConfig
from hub.config.models import PrinterSettings
from hub.hub_messages import ErrorMessage, EventMessage, Result
from kiosk.printing import PrintService
from kiosk.tickets import KioskTicket, ticket_data, ticket_from
from ticket_printer import PrinterError, PrinterStatus

log = logging.getLogger(__name__)

FAULT_RECHECK_MS = 5_000


class KioskFlow(QObject):
    """Coordinates hub requests and printing for one kiosk."""

    busyChanged = Signal(bool)
    ticketReady = Signal(object, bool)
    """(KioskTicket of the ticket_issued event, shown_on_screen_only)"""
    ticketRefused = Signal(object)
    """An ErrorMessage: code, message_id, message_en (and reason/opens_at for schedules)."""
    checkInRefused = Signal(object)
    """An ErrorMessage for a booking code the hub would not check in (`reason` says why)."""
    printFailed = Signal(object)
    """(PrinterError) — the ticket was cancelled."""
    ticketVoided = Signal(object)
    """(KioskTicket) printed, but the hub had cancelled it (printing took too long)."""
    reprinted = Signal(object)
    """(KioskTicket of the ticket_reprinted event) the same ticket came out again."""
    printerFaultChanged = Signal(object)
    """None when the printer is fine, else the PrinterError that stopped tickets."""

    def __init__(
        self,
        config: MallConfig,
        bridge: HubBridge,
        printing: PrintService,
        settings: PrinterSettings,
        base: Path,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.config, self.bridge, self.printing = config, bridge, printing
        self.on_failure = settings.on_failure
        self.base = base
        self.busy = False
        self.fault: PrinterError | None = None
        self._issue_token: str | None = None
        self._check_in_token: str | None = None
        self._online_slots: dict[str, tuple[dt.datetime, dt.datetime]] = {}
        """Checked-in ticket id → its appointment's slot (printed on the ticket)."""
        self._language = "id"
        self._issued: dict[str, KioskTicket] = {}
        self._confirming: dict[str, tuple[KioskTicket, bool]] = {}
        """Confirm request token → (ticket_issued event, shown on screen only)."""
        self._reprints: dict[str, KioskTicket] = {}
        """Print job id → ticket_reprinted event."""
        self._reprint_token: str | None = None
        self.last_issued: KioskTicket | None = None
        """The latest ticket this kiosk handed out (its confirmation screen can reprint it)."""
        bridge.requestFinished.connect(self._on_answer)
        bridge.messageReceived.connect(self._on_hub_message)
        bridge.lateResult.connect(self._on_late_result)
        bridge.stateChanged.connect(self._on_link)
        printing.printed.connect(self._on_printed)
        printing.failed.connect(self._on_print_failed)
        printing.statusChecked.connect(self._on_status)
        self._recheck = QTimer(self)
        self._recheck.setInterval(FAULT_RECHECK_MS)
        self._recheck.timeout.connect(printing.check_status)

    @property
    def paused(self) -> bool:
        """True while a supervisor has paused this kiosk."""
        return self.bridge.client.device_id in self.bridge.view.settings.paused_devices

    @property
    def can_issue(self) -> bool:
        """True when a visitor may take a ticket now."""
        return (not self.busy and self.fault is None and not self.paused
                and self.bridge.client.state.status == "online")

    def take_ticket(self, service_id: str, priority_kind: str | None, language: str,
                    nik: str | None = None, contact: str | None = None,
                    linked_to: str | None = None) -> bool:
        """Ask the hub for a ticket; False (and nothing sent) if not possible right now.

        `nik`/`contact`: who takes it, for a service limited per person (kiosk/identity.py);
        `linked_to`: the earlier ticket whose visit this one continues (kiosk/link.py).
        """
        if not self.can_issue:
            return False
        self._set_busy(True)
        self._language = language
        self._issue_token = self.bridge.send(
            p.IssueTicket, service_id=service_id, priority_kind=priority_kind, language=language,
            await_print=True, nik=nik, contact=contact, linked_to=linked_to)
        return True

    def check_in(self, code: str, language: str) -> bool:
        """Check a booking code in at the hub; False (and nothing sent) if not possible now."""
        if not self.can_issue:
            return False
        self._set_busy(True)
        self._language = language
        self._check_in_token = self.bridge.send(
            p.CheckInAppointment, code=code, language=language, await_print=True)
        return True

    def reprint(self, ticket_id: str) -> bool:
        """Ask the hub to print this kiosk's ticket again (same number); False if not now."""
        if not self.can_issue:
            return False
        self._set_busy(True)
        self._reprint_token = self.bridge.send(p.ReprintTicket, ticket_id=ticket_id)
        return True

    # ------------------------------------------------------------ answers

    def _on_answer(self, token: str, result: Result | None, error: ErrorMessage | None) -> None:
        if token in self._confirming:
            self._on_confirmed(token, error)
        elif token == self._reprint_token:
            self._reprint_token = None
            if result is None:
                self._set_busy(False)
                self.ticketRefused.emit(error)
            else:
                self._print_reprint(ticket_from(result, "ticket_reprinted"))
        elif token == self._check_in_token:
            self._check_in_token = None
            if result is None:
                self._set_busy(False)
                self.checkInRefused.emit(error)
                return
            checked_in = next(e for e in result.events if e["type"] == "appointment_checked_in")
            self._online_slots[checked_in["ticket_id"]] = (
                dt.datetime.fromisoformat(checked_in["slot_start"]),
                dt.datetime.fromisoformat(checked_in["slot_end"]))
            self._print_issued(ticket_from(result))
        elif token == self._issue_token:
            self._issue_token = None
            if result is None:
                self._set_busy(False)
                self.ticketRefused.emit(error)
                return
            self._print_issued(ticket_from(result))

    def _print_issued(self, issued: KioskTicket) -> None:
        """Print a ticket the hub issued pending; it is confirmed once the paper is out."""
        self._issued[issued.ticket_id] = issued
        ticket = ticket_data(self.config, issued, self._language, self.base,
                             self._online_slots.pop(issued.ticket_id, None))
        self.printing.print_ticket(issued.ticket_id, ticket)

    def _confirm(self, issued: KioskTicket, on_screen_only: bool) -> None:
        """Tell the hub the visitor holds the ticket; the screen says so once it is queued."""
        token = self.bridge.send(p.ConfirmTicket, ticket_id=issued.ticket_id,
                                 how="on_screen" if on_screen_only else "printed")
        self._confirming[token] = (issued, on_screen_only)

    def _on_confirmed(self, token: str, error: ErrorMessage | None) -> None:
        issued, on_screen_only = self._confirming.pop(token)
        self._set_busy(False)
        if error is not None:
            log.warning("ticket %s not confirmed: %s", issued.label, error.message_en)
            self.ticketVoided.emit(issued)
            return
        self.last_issued = issued
        self.ticketReady.emit(issued, on_screen_only)

    def _on_printed(self, job: str, _result: Any) -> None:
        if job in self._reprints:
            self._set_busy(False)
            self.reprinted.emit(self._reprints.pop(job))
            return
        issued = self._issued.pop(job, None)
        if issued is None:
            self._set_busy(False)
        else:
            self._confirm(issued, on_screen_only=False)

    def _on_print_failed(self, job: str, error: Any) -> None:
        if not isinstance(error, PrinterError):
            error = PrinterError(str(error))
        log.warning("ticket %s not printed: %s (%s)", job, error.code, error)
        self._set_fault(error)
        if self._reprints.pop(job, None) is not None:
            self._set_busy(False)  # the ticket itself stays valid: only its copy failed
            self.printFailed.emit(error)
            return
        issued = self._issued.pop(job, None)
        if issued is None:
            self._set_busy(False)
        elif self.on_failure == "show_on_screen":
            self._confirm(issued, on_screen_only=True)
        else:
            self._set_busy(False)
            self.bridge.send(p.CancelTicket, ticket_id=job, reason="print_failed")
            self.printFailed.emit(error)

    def _print_reprint(self, event: KioskTicket) -> None:
        job = f"reprint:{event.ticket_id}:{event.at.isoformat()}"
        self._reprints[job] = event
        ticket = ticket_data(self.config, event, self._language, self.base)
        self.printing.print_ticket(job, ticket)

    def _on_hub_message(self, message: object) -> None:
        """A supervisor's reprint for this kiosk: print it (staff hand it to the visitor)."""
        if not (isinstance(message, EventMessage)
                and message.event["type"] == "ticket_reprinted"):
            return
        event = KioskTicket.model_validate(message.event)
        me = self.bridge.client.device_id
        if event.device_id == me and event.by != me:
            log.info("reprinting %s for %s", event.label, event.by)
            self._set_busy(True)
            self._print_reprint(event)

    def _on_late_result(self, result: Result) -> None:
        for event in result.events:
            if event["type"] == "ticket_issued":
                late = KioskTicket.model_validate(event)
                log.warning("late ticket %s nobody holds: cancelling", late.label)
                self.bridge.send(p.CancelTicket, ticket_id=late.ticket_id,
                                 reason="visitor_left")

    def _on_status(self, status: Any) -> None:
        if isinstance(status, PrinterStatus):
            try:
                status.raise_for_fault()
            except PrinterError as fault:
                self._set_fault(fault)
                return
            if self.fault is not None and status.online is not False:
                self._set_fault(None)
        elif isinstance(status, PrinterError):
            self._set_fault(status)

    def _on_link(self, status: str, _detail: str) -> None:
        if status == "online":
            self._report()  # the hub (maybe restarted) learns the printer's state again

    # ------------------------------------------------------------ state

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busyChanged.emit(busy)

    def _set_fault(self, fault: PrinterError | None) -> None:
        changed = (fault is None) != (self.fault is None) or (
            fault is not None and self.fault is not None and fault.code != self.fault.code)
        self.fault = fault
        if fault is None:
            self._recheck.stop()
        elif not self._recheck.isActive():
            self._recheck.start()
        if changed:
            self._report()
            self.printerFaultChanged.emit(fault)

    def _report(self) -> None:
        fault = self.fault
        self.bridge.send(
            p.ReportDeviceStatus,
            ok=fault is None,
            code="ok" if fault is None else fault.code,
            detail="" if fault is None else f"{fault.message_id} {fault}".strip()[:500],
        )
