"""A client's view of the hub: the latest snapshot with every typed update merged in.

No queue logic, only what the hub said, merged as docs/protocol.md §9 describes. A view
is immutable: each merge returns a new one, so the client's worker thread replaces
`HubClient.view` in one assignment and a GUI thread reading it never sees half a merge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from hub.hub_messages import (
    CALL_EVENTS,
    RECENT_CALLS,
    BreakView,
    CounterView,
    DeviceEntry,
    DeviceStatus,
    EventMessage,
    RecentCall,
    ScheduleUpdate,
    ServicesUpdate,
    ServiceView,
    Settings,
    Snapshot,
)

NO_SETTINGS = Settings(closed_services={}, counter_services={}, paused_devices=[],
                       running_text=None)
EMPTY_SNAPSHOT = Snapshot.model_validate(
    {"business_day": None, "settings": NO_SETTINGS, "break": None})
"""What a client knows before its first welcome: nothing."""


@dataclass(frozen=True)
class ClientView:
    """The hub's latest snapshot for this device, kept current by `merged`.

    A section the hub does not send this role (§9.1) reads as empty here; `snapshot`
    keeps the difference (None) for the merge.
    """

    snapshot: Snapshot = EMPTY_SNAPSHOT
    received: bool = False
    """False until the first welcome or snapshot arrived."""

    @property
    def business_day(self) -> str | None:
        """The hub's business day (ISO date), None before the first welcome."""
        return self.snapshot.business_day

    @property
    def settings(self) -> Settings:
        """The supervisor's decisions for today."""
        return self.snapshot.settings

    @property
    def break_(self) -> BreakView | None:
        """The break in progress, None outside breaks."""
        return self.snapshot.break_

    @property
    def services(self) -> Mapping[str, ServiceView]:
        """Services by id (empty for roles not sent them)."""
        return self.snapshot.services or {}

    @property
    def counters(self) -> Mapping[str, CounterView]:
        """Counters by id, those this device may see (empty for roles not sent them)."""
        return self.snapshot.counters or {}

    @property
    def recent_calls(self) -> Sequence[RecentCall]:
        """The latest calls, newest first (hall displays and supervisors)."""
        return self.snapshot.recent_calls or ()

    @property
    def devices(self) -> Mapping[str, DeviceEntry]:
        """Every device's health (supervisors)."""
        return self.snapshot.devices or {}

    def service(self, service_id: str) -> ServiceView | None:
        """One service's figures, None if the hub has not sent them."""
        return self.services.get(service_id)

    def counter(self, counter_id: str) -> CounterView | None:
        """One counter, None if this device does not see it (or nothing arrived yet)."""
        return self.counters.get(counter_id)

    def merged(self, message: Any) -> ClientView:
        """Return the view after an event, services_update, device_status or schedule_update.

        Other messages leave it as it is (a snapshot replaces the view instead).
        """
        if isinstance(message, EventMessage):
            return replace(self, snapshot=_after_event(self.snapshot, message))
        if isinstance(message, ServicesUpdate):
            # counters: coalesced figures for counter terminals
            return replace(self, snapshot=self.snapshot.model_copy(update=_sections(
                self.snapshot, message.services, message.counters)))
        if isinstance(message, DeviceStatus):
            devices = {**(self.snapshot.devices or {}), **message.devices}
            return replace(self, snapshot=self.snapshot.model_copy(update={"devices": devices}))
        if isinstance(message, ScheduleUpdate):
            return replace(self, snapshot=self.snapshot.model_copy(
                update={"break_": message.break_}))
        return self


def _sections(snapshot: Snapshot, services: Mapping[str, ServiceView] | None,
              counters: Mapping[str, CounterView] | None) -> dict[str, Any]:
    """The services/counters an update changes, for sections this device is sent at all."""
    update: dict[str, Any] = {}
    if services is not None and snapshot.services is not None:
        update["services"] = {**snapshot.services, **services}
    if counters is not None and snapshot.counters is not None:
        update["counters"] = {**snapshot.counters, **counters}
    return update


def _after_event(snapshot: Snapshot, message: EventMessage) -> Snapshot:
    """Merge an event's view changes; a call also goes on top of the recent calls."""
    event = message.event
    update = _sections(snapshot, message.services, message.counters)
    if message.settings is not None:
        update["settings"] = message.settings
    calls = snapshot.recent_calls
    if event["type"] == "business_day_started":
        update["business_day"] = event["business_day"]
        if calls is not None:
            calls = []
    counters = update.get("counters", snapshot.counters) or {}
    if event["type"] in CALL_EVENTS and calls is not None and event["counter_id"] in counters:
        call = RecentCall(label=event["ticket_id"].split("/")[-1],
                          counter_id=event["counter_id"], called_at=event["at"])
        calls = [call, *calls][:RECENT_CALLS]
    if calls is not snapshot.recent_calls:
        update["recent_calls"] = calls
    return snapshot.model_copy(update=update) if update else snapshot
