"""Who is sent what: groups of connections, each event as each group sees it, coalescing.

Part of the hub's sans-I/O session (session.py): pure bookkeeping over engine state,
no sockets. A *group* is the connections that are sent exactly the same messages —
(role, zone) for displays, (role, counter) for counter terminals and survey tablets,
(role, None) for kiosks and supervisors — so each message is rendered once per group.

A screen gets what it shows: displays and survey tablets the events of their counters
at once, a counter terminal those of its own counter, supervisors every event. Queue
figures (service views; other counters' views for counter terminals) reach kiosks and
counter terminals coalesced, each view once per flush, as it was when last durable.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from hub.config import Device, MallConfig
from hub.engine import QueueEngine
from hub.engine import events as ev
from hub.eventlog import LoggedEvent
from hub.views import counter_view, service_view, touched, zone_counters

Group = tuple[str, str | None]
"""Connections that are sent exactly the same messages: (role, zone or counter)."""

Views = tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]
"""(service views, counter views) as one event left them."""


@dataclass(frozen=True, slots=True)
class Send:
    """Send `text` to each of `conns` (in the order actions come)."""

    conns: tuple[int, ...]
    text: str


def dumps(message: dict[str, Any]) -> str:
    """The one JSON encoder for frames to clients (text frames: str, UTF-8, not ASCII-escaped).

    orjson: about 15× faster than `json.dumps` on a typical event with its views, and
    the hub encodes every message of every group (bench_hub, `hub_cpu_ms_per_ticket`).
    """
    return orjson.dumps(message).decode()


def group_of(device: Device) -> Group:
    """Devices of one group are sent exactly the same messages."""
    if device.role == "display":
        return ("display", device.zone)
    if device.role in ("survey", "counter"):
        return (device.role, device.counter)
    return (device.role, None)


class FanOut:
    """Groups, their sequence numbers, and the figures waiting to be sent coalesced."""

    def __init__(self, config: MallConfig) -> None:
        self.config = config
        self.members: dict[Group, set[int]] = defaultdict(set)
        self.group_last_seq: dict[Group, int] = defaultdict(int)
        """The last seq sent to each group: the next event's `prev_seq`."""
        self._zone_counters: dict[str | None, set[str] | None] = {}
        self._dirty_services: dict[str, dict[str, Any]] = {}
        self._dirty_counters: dict[str, dict[str, Any]] = {}

    def join(self, conn: int, group: Group) -> None:
        """A connection of this group is authenticated."""
        self.members[group].add(conn)

    def leave(self, conn: int, group: Group) -> None:
        """The connection is gone."""
        self.members[group].discard(conn)

    def visible(self, role: str, scope: str | None) -> set[str] | None:
        """Counters a group sees (None: all): a display its zone's, a survey tablet its own."""
        if role == "survey":
            return {scope} if scope else set()
        if role == "display":
            if scope not in self._zone_counters:
                self._zone_counters[scope] = zone_counters(self.config, scope)
            return self._zone_counters[scope]
        return None

    # ------------------------------------------------------------ events

    def render(self, engine: QueueEngine, at: dt.datetime, logged: list[LoggedEvent]
               ) -> tuple[list[tuple[Group, str]], list[Views]]:
        """Each event as each group sees it, in send order; call right after preparing.

        Displays come first: "call next → every display has it" is the latency budget
        that matters most. Each view is built once per event, not per group. Returns the
        frames per group and, per event, the views to send coalesced once durable.
        """
        groups = [group for group, members in self.members.items() if members]
        groups.sort(key=lambda group: group[0] != "display")
        rendered: list[tuple[Group, str]] = []
        views: list[Views] = []
        for item in logged:
            services, counters = touched(engine, item.event)
            service_views = {s: service_view(engine, s, at) for s in services}
            counter_views = {c: counter_view(engine, c, at) for c in counters}
            # Counters calling a touched service may now have someone to call (or no one):
            # their views (`allowed`) change too, and reach them coalesced.
            figures = dict(counter_views)
            for service_id in services:
                for counter in engine.counters_serving(service_id):
                    if counter.id not in figures:
                        figures[counter.id] = counter_view(engine, counter.id, at)
            views.append((service_views, figures))
            for group in groups:
                message = self._event_message(engine, group, item, service_views, counter_views)
                if message is None:
                    continue
                message["prev_seq"] = self.group_last_seq[group]
                self.group_last_seq[group] = item.seq
                rendered.append((group, dumps(message)))
        return rendered, views

    def _event_message(
        self,
        engine: QueueEngine,
        group: Group,
        item: LoggedEvent,
        services: dict[str, dict[str, Any]],
        counters: dict[str, dict[str, Any]],
    ) -> dict[str, Any] | None:
        """The event as `group` sees it, or None when the group is not sent it."""
        role, scope = group
        event = item.event
        settings = event.type in ev.SETTINGS_EVENT_TYPES
        day_start = isinstance(event, ev.BusinessDayStarted)
        supervisors_only = event.type in ev.SUPERVISORS_ONLY
        if supervisors_only and role != "supervisor":
            return None  # a complaint or a booking is nobody's business on a public screen
        message: dict[str, Any] = {"type": "event", "seq": item.seq,
                                   "event": ev.event_to_dict(event)}
        # Supervisors count complaints and bookings live; what was said, and who said it,
        # booked or gave a phone number, stay in the log (the manager's export,
        # docs/reports.md) and in the requester's own result.
        for name in ev.PRIVATE_FIELDS.get(event.type, ()):
            message["event"].pop(name, None)
        if supervisors_only:
            return message
        if settings or day_start:
            message["settings"] = engine.settings_view()
            if role in ("display", "survey") and settings:
                return message
        if role in ("display", "survey"):
            visible = self.visible(role, scope)
            shown = counters.keys() if visible is None else counters.keys() & visible
            if not shown and not day_start:
                return None
            message["counters"] = {c: counters[c] for c in shown}
            return message
        if role == "kiosk":
            # Queue figures reach kiosks coalesced; at once only what changes what a kiosk
            # may do (settings, a new day) and a reprint it must print.
            if not (settings or day_start or isinstance(event, ev.TicketReprinted)):
                return None
            message["services"] = services
            return message
        if role == "counter" and not (settings or day_start or scope in counters):
            return None  # another counter's business: its figures come coalesced
        message["services"] = services
        message["counters"] = counters
        return message

    def frames(self, rendered: Iterable[tuple[Group, str]]) -> list[Send]:
        """Rendered messages as sends to the groups' current members."""
        return [Send(tuple(self.members[group]), text) for group, text in rendered
                if self.members[group]]

    # --------------------------------------------------------- coalesced

    def durable(self, views: Iterable[Views]) -> None:
        """These views are now durable: the latest of each goes out with the next flush."""
        for services, counters in views:
            self._dirty_services.update(services)
            self._dirty_counters.update(counters)

    def refresh_counters(self, engine: QueueEngine, at: dt.datetime) -> None:
        """Every counter's view changed (a break began or ended: calls stop or resume)."""
        self._dirty_counters.update(
            {c.id: counter_view(engine, c.id, at) for c in self.config.counters})

    @property
    def wants_flush(self) -> bool:
        """True when coalesced figures wait to be sent."""
        return bool(self._dirty_services or self._dirty_counters)

    def flush(self, hub_time: str) -> list[Send]:
        """The coalesced figures: kiosks the services, counter terminals services and counters."""
        services, counters = self._dirty_services, self._dirty_counters
        self._dirty_services, self._dirty_counters = {}, {}
        sends: list[Send] = []
        if services:
            sends.append(self.broadcast(
                lambda group: group[0] == "kiosk",
                {"type": "services_update", "hub_time": hub_time, "services": services}))
        if services or counters:
            sends.append(self.broadcast(
                lambda group: group[0] == "counter",
                {"type": "services_update", "hub_time": hub_time, "services": services,
                 "counters": counters}))
        return [send for send in sends if send.conns]

    def broadcast(self, wanted: Callable[[Group], bool], message: dict[str, Any]) -> Send:
        """One message to every connection of the groups `wanted` says yes to."""
        conns = tuple(c for group, members in self.members.items() if wanted(group)
                      for c in members)
        return Send(conns, dumps(message))
