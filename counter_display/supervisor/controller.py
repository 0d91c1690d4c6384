"""The dashboard's link to the hub: today's settings changed through requests only.

The window renders rows from `model` over `bridge.view` and calls the methods here;
each sends one supervisor request (logged as an event by the hub) and the outcome
comes back as `succeeded` or `refused`. Several requests may be in flight at once
(a supervisor closes a service, then pauses a kiosk); each is matched by its token.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from counter_display.common.hub_clock import Clock, HubClock, newest_time, system_clock
from counter_display.supervisor import model
from hub import protocol as p
from hub.client.connection import request_type
from hub.client.qt_bridge import HubBridge
from hub.client.view import ClientView
from hub.config import MallConfig
from hub.hub_messages import ErrorMessage, EventMessage, Result

log = logging.getLogger(__name__)

__all__ = ["Clock", "SupervisorController", "system_clock"]


class SupervisorController(QObject):
    """Reads the supervisor view and sends the four supervisor requests."""

    changed = Signal()
    """The view or the connection changed: re-render."""
    surveyed = Signal()
    """A survey was submitted somewhere (the IKM figure may have changed)."""
    refused = Signal(str, object)
    """(kind, ErrorMessage) — the hub refused a request."""
    succeeded = Signal(str)
    """A request was carried out (its kind)."""
    bookingAnswered = Signal(str, object, object)
    """(token, the appointment_booked event or None, ErrorMessage or None) of a booking."""

    def __init__(self, bridge: HubBridge, config: MallConfig, clock: Clock = system_clock,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.config = config
        self.clock = clock
        self.hub_clock = HubClock(clock)
        """The hub's time, learnt from its events (see now())."""
        self.link_status = bridge.client.state.status
        self.pending: dict[str, str] = {}
        """token → kind of every unanswered request."""
        self.last_error: ErrorMessage | None = None
        self._sending = False
        self._early: list[tuple[str, Any, Any]] = []
        bridge.messageReceived.connect(self._on_message)
        bridge.stateChanged.connect(self._on_state)
        bridge.requestFinished.connect(self._on_finished)

    # ------------------------------------------------------------------ reading

    @property
    def online(self) -> bool:
        """True while the hub link is up."""
        return self.link_status == "online"

    def now(self) -> dt.datetime:
        """The hub's time: waits and times at the counter are measured against it.

        A supervisor PC whose clock is a few minutes off (no NTP on the LAN), or a
        dashboard whose messages queue up behind a busy screen, would otherwise show
        every wait wrong ("0′" for a visitor at the counter for an hour). It is never
        earlier than the newest call or counter change in the view (see HubClock).
        """
        return self.hub_clock.now(floor=newest_time(self.view))

    @property
    def view(self) -> ClientView:
        """The supervisor view as the hub last described it."""
        return self.bridge.view

    def services(self) -> list[model.ServiceRow]:
        """Service rows for now."""
        return model.service_rows(self.config, self.view, self.now())

    def counters(self) -> list[model.CounterRow]:
        """Counter rows for now."""
        return model.counter_rows(self.config, self.view, self.now())

    def devices(self) -> list[model.DeviceRow]:
        """Device rows, faults first; quiet counter terminals as one summary row."""
        return model.device_rows(self.config, self.view, group_terminals=True)

    def totals(self) -> model.Totals:
        """Header figures."""
        return model.totals(self.config, self.view)

    def counter_services(self, counter_id: str) -> list[str]:
        """The services a counter calls from today (changed today or as configured)."""
        changed = self.view.settings.counter_services
        return list(changed.get(counter_id, self.config.counter(counter_id).services))

    def decisions(self) -> list[str]:
        """Today's supervisor settings, one line each."""
        return model.todays_decisions(self.config, self.view)

    def running_text(self) -> tuple[str, str | None, bool]:
        """The hall displays' running text now."""
        return model.running_text(self.config, self.view)

    # ----------------------------------------------------------------- requests

    def close_service(self, service_id: str, reason: str) -> str:
        """Stop tickets for a service for the rest of today."""
        return self._send(p.SetServiceClosed, service_id=service_id, closed=True,
                          reason=" ".join(reason.split())[:200])

    def reopen_service(self, service_id: str) -> str:
        """Issue tickets for a service the supervisor closed today again."""
        return self._send(p.SetServiceClosed, service_id=service_id, closed=False)

    def set_counter_services(self, counter_id: str, services: list[str]) -> str:
        """Change which services a counter calls from today, in order of preference."""
        return self._send(p.SetCounterServices, counter_id=counter_id, services=list(services))

    def set_kiosk_paused(self, device_id: str, paused: bool) -> str:
        """Pause a kiosk (it stops offering tickets) or let it offer them again."""
        return self._send(p.SetDevicePaused, device_id=device_id, paused=paused)

    def set_running_text(self, text_id: str, text_en: str | None) -> str:
        """Replace the hall displays' running text for today."""
        english = (text_en or "").strip() or None
        return self._send(p.SetRunningText, text_id=text_id.strip(), text_en=english)

    def reprint_ticket(self, ticket_id: str, kiosk_id: str | None) -> str:
        """Print one of today's tickets again at a kiosk (a visitor lost or tore theirs)."""
        return self._send(p.ReprintTicket, ticket_id=ticket_id, kiosk_id=kiosk_id)

    def book_appointment(self, service_id: str, slot_start: str, name: str, contact: str,
                         language: str) -> str:
        """Book a slot for a visitor at the desk; the answer comes as `bookingAnswered`."""
        return self._send(p.BookAppointment, service_id=service_id,
                          slot_start=dt.datetime.fromisoformat(slot_start),
                          name=name.strip(), contact=contact.strip(), language=language)

    def kiosks(self) -> list[tuple[str, str, bool]]:
        """(device id, name, online now) of every kiosk, for choosing where to reprint."""
        return [(d.id, d.name or d.id, (entry := self.view.devices.get(d.id)) is not None
                 and entry.online) for d in self.config.devices if d.role == "kiosk"]

    def dismiss_error(self) -> None:
        """Forget the last refusal (its message was closed)."""
        self.last_error = None

    # ------------------------------------------------------------------ private

    def _send(self, request: type[p.Request], **fields: Any) -> str:
        kind = request_type(request)
        self._sending = True
        try:
            token = self.bridge.send(request, **fields)
        finally:
            self._sending = False
        self.pending[token] = kind
        log.info("%s %s", kind, fields)
        early, self._early = self._early, []
        for answer in early:
            self._on_finished(*answer)  # a stopped bridge answers inside request()
        self.changed.emit()
        return token

    def _on_finished(self, token: str, result: Result | None,
                     error: ErrorMessage | None) -> None:
        if self._sending:
            self._early.append((token, result, error))
            return
        kind = self.pending.pop(token, None)
        if kind is None:
            return  # not ours
        if kind == "book_appointment":
            booked = next((e for e in result.events if e["type"] == "appointment_booked"),
                          None) if result is not None else None
            self.bookingAnswered.emit(token, booked, error)
        if error is not None:
            self.last_error = error
            log.warning("%s refused: %s (%s)", kind, error.code, error.message_en)
            self.refused.emit(kind, self.last_error)
        else:
            self.last_error = None
            self.succeeded.emit(kind)
        self.changed.emit()

    def _on_message(self, message: object) -> None:
        self.hub_clock.observe_message(message)
        if isinstance(message, EventMessage) and message.event["type"] == "survey_submitted":
            self.surveyed.emit()
        self.changed.emit()

    def _on_state(self, status: str, _detail: str) -> None:
        self.link_status = status
        self.changed.emit()
