"""The counter terminal's logic: one request at a time, state from the hub's view only.

The window only renders `situation`/`actions` and calls the command methods; this
object sends requests through the hub bridge and remembers the one in flight, so a
double press (or a key held down) can never send a command twice. Every answer
arrives as `requestFinished`; a refusal is kept in `last_error` and announced by
`refused` for the message bar.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from counter_display.counter.state import (
    NOTHING,
    Actions,
    allowed_actions,
    situation_from_view,
)
from hub import protocol as p
from hub.client.connection import request_type
from hub.client.qt_bridge import HubBridge
from hub.config import MallConfig
from hub.hub_messages import ErrorMessage, Result

log = logging.getLogger(__name__)


class CounterController(QObject):
    """Commands for one counter, sent through a HubBridge (see module docstring)."""

    changed = Signal()
    """The situation, the connection or the in-flight request changed: re-render."""
    refused = Signal(object)
    """The hub refused a command (an ErrorMessage: code, message_id, message_en)."""
    succeeded = Signal(str)
    """A command was carried out (its kind)."""

    def __init__(self, bridge: HubBridge, config: MallConfig, counter_id: str,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.config = config
        self.counter_id = counter_id
        self.counter = config.counter(counter_id)
        self.link_status = bridge.client.state.status  # the bridge may already be online
        self.link_detail = bridge.client.state.detail
        self.pending: tuple[str, str] | None = None
        """(token, kind) of the request awaiting its answer."""
        self.last_error: ErrorMessage | None = None
        self.situation = situation_from_view(bridge.view, config, counter_id)
        self._sending = False
        self._early: tuple[str, Any, Any] | None = None
        bridge.messageReceived.connect(self._on_message)
        bridge.stateChanged.connect(self._on_state)
        bridge.requestFinished.connect(self._on_finished)

    # ------------------------------------------------------------------ reading

    @property
    def online(self) -> bool:
        """True while the hub link is up (a welcome was received)."""
        return self.link_status == "online"

    @property
    def busy(self) -> bool:
        """True while a request is unanswered."""
        return self.pending is not None

    @property
    def actions(self) -> Actions:
        """What staff may do right now."""
        if self.situation.status is None:
            return NOTHING
        return allowed_actions(self.situation, online=self.online, busy=self.busy)

    # ----------------------------------------------------------------- commands

    def call_next(self) -> bool:
        """Call the next waiting visitor."""
        return self._send(p.CallNext, self.actions.call_next)

    def call_ticket(self, label: str) -> bool:
        """Call a specific number, e.g. one sent back to this counter."""
        label = label.strip().upper()
        return bool(label) and self._send(p.CallTicket, self.actions.call_ticket, ticket=label)

    def recall(self) -> bool:
        """Call the current visitor again."""
        return self._send(p.Recall, self.actions.recall)

    def mark_no_show(self) -> bool:
        """End the current ticket as no-show (after the configured recalls)."""
        return self._send(p.MarkNoShow, self.actions.no_show)

    def park(self) -> bool:
        """Set the current visitor aside."""
        return self._send(p.Park, self.actions.park)

    def resume_parked(self, label: str) -> bool:
        """Call back a ticket this counter parked."""
        allowed = self.actions.resume_parked and label in self.situation.parked
        return self._send(p.ResumeParked, allowed, ticket=label)

    def transfer(self, to_service_id: str | None = None, to_counter_id: str | None = None
                 ) -> bool:
        """Send the current visitor to another service and/or counter."""
        if to_service_id is None and to_counter_id is None:
            return False
        return self._send(p.Transfer, self.actions.transfer, to_service_id=to_service_id,
                          to_counter_id=to_counter_id)

    def finish(self, outcome: str = "served", missing_requirements: list[str] | None = None,
               referred_tenant_id: str | None = None, referred_note: str | None = None
               ) -> bool:
        """End the current visit with its outcome (the hub checks it: QueueEngine.finish)."""
        fields: dict[str, Any] = {}
        if outcome != "served":
            fields = {"outcome": outcome, "missing_requirements": missing_requirements or [],
                      "referred_tenant_id": referred_tenant_id,
                      "referred_note": referred_note}
        return self._send(p.Finish, self.actions.finish, **fields)

    def pause(self, reason: str) -> bool:
        """Pause with a configured reason."""
        allowed = self.actions.pause and reason in self.config.queue.pause_reasons
        return self._send(p.PauseCounter, allowed, reason=reason)

    def resume(self) -> bool:
        """End the pause."""
        return self._send(p.ResumeCounter, self.actions.resume)

    def open_counter(self, staff: str | None = None) -> bool:
        """Open the counter, naming the staff member on duty."""
        staff = (staff or "").strip()[:80] or None
        return self._send(p.OpenCounter, self.actions.open, staff=staff)

    def close_counter(self) -> bool:
        """Close the counter."""
        return self._send(p.CloseCounter, self.actions.close)

    def dismiss_error(self) -> None:
        """Forget the last refusal (the message bar was closed)."""
        if self.last_error is not None:
            self.last_error = None
            self.changed.emit()

    # ------------------------------------------------------------------ private

    def _send(self, request: type[p.Request], allowed: bool, **fields: Any) -> bool:
        """Send a command if it is allowed now; remember it as the one in flight."""
        kind = request_type(request)
        if not allowed:
            log.debug("ignored %s: not possible now (online=%s busy=%s status=%s)",
                      kind, self.online, self.busy, self.situation.status)
            return False
        self._early = None
        self._sending = True
        try:
            token = self.bridge.send(request, **fields)
        finally:
            self._sending = False
        self.pending = (token, kind)
        log.info("%s %s", kind, fields or "")
        early, self._early = self._early, None
        if early is not None and early[0] == token:
            self._on_finished(*early)  # a stopped bridge answers inside request()
        else:
            self.changed.emit()
        return True

    def _on_finished(self, token: str, result: Result | None,
                     error: ErrorMessage | None) -> None:
        """Take the answer to the request in flight: clear it, keep a refusal."""
        if self._sending:
            self._early = (token, result, error)
            return
        if self.pending is None or self.pending[0] != token:
            return  # not ours, or already answered
        kind = self.pending[1]
        self.pending = None
        if error is not None:
            self.last_error = error
            log.warning("%s refused: %s (%s)", kind, error.code, error.message_en)
            self.refused.emit(self.last_error)
        else:
            self.last_error = None
            self.succeeded.emit(kind)
        self.changed.emit()

    def _on_message(self, _message: object) -> None:
        """Re-read this counter from the bridge's view."""
        self.situation = situation_from_view(self.bridge.view, self.config, self.counter_id)
        self.changed.emit()

    def _on_state(self, status: str, detail: str) -> None:
        """Follow the hub link's status (online, offline, refused)."""
        self.link_status, self.link_detail = status, detail
        self.changed.emit()
