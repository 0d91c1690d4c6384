"""What each role sees: snapshots and the view changes an event causes.

Clients hold no queue logic: they keep the dicts the hub sends and merge the
`services`/`counters` changes that come with every event. Everything here is pure:
engine state and configuration in, JSON-ready dicts out.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from typing import Any

from hub.config import MallConfig
from hub.config.zones import zone_counters as config_zone_counters
from hub.engine import QueueEngine
from hub.engine import events as ev
from hub.engine.records import Ticket, TicketStatus
from hub.hub_messages import RECENT_CALLS
from hub.schedule import break_at


def service_view(engine: QueueEngine, service_id: str, at: dt.datetime) -> dict[str, Any]:
    """A service as kiosks show it: open or not (and why), waiting, estimated wait."""
    state = engine.availability(service_id, at)
    ahead, minutes = engine.estimate_wait(service_id, at)
    queue = engine.queues[service_id]
    # The priority and normal lines are in issue order, so their heads are their oldest;
    # transferred visits queue by transfer time and are few, so all of them are looked at.
    heads = [next(iter(line)) for line in (queue.priority, queue.normal) if line]
    oldest = min((engine.tickets[t].issued_at for t in [*heads, *queue.transferred]),
                 default=None)
    return {
        "open": state.open,
        "reason": state.reason,
        "opens_at": state.opens_at.isoformat() if state.opens_at else None,
        "on_break": state.on_break.reason.id if state.on_break else None,
        "waiting": ahead,
        "counters_open": engine.counters_open(service_id),
        "estimated_wait_minutes": minutes,
        "issued_today": engine.queues[service_id].issued_today,
        "oldest_waiting_issued_at": oldest.isoformat() if oldest else None,
    }


def break_view(engine: QueueEngine, at: dt.datetime) -> dict[str, Any] | None:
    """The break in progress (calls wait until `ends_at`), as every screen shows it."""
    pause = break_at(engine.config, engine.local(at))
    if pause is None:
        return None
    return {"reason_id": pause.reason.id, "reason_en": pause.reason.en,
            "ends_at": engine.break_ends_at(at).isoformat()}


def ticket_view(ticket: Ticket) -> dict[str, Any]:
    """A ticket as counters and displays show it."""
    return {
        "ticket_id": ticket.ticket_id,
        "label": ticket.label,
        "service_id": ticket.service_id,
        "status": ticket.status.value,
        "priority_kind": ticket.priority_kind,
        "issued_at": ticket.issued_at.isoformat(),
        "called_at": ticket.called_at.isoformat() if ticket.called_at else None,
        "recall_count": ticket.recall_count,
        "transfer_count": ticket.transfer_count,
    }


def counter_view(
    engine: QueueEngine, counter_id: str, at: dt.datetime, parked: list[str] | None = None
) -> dict[str, Any]:
    """A counter: status, its ticket, parked and reserved tickets, and what it may do now.

    `services` are the ones it calls from today (a supervisor may have changed them) and
    `allowed` the counter commands the hub would carry out now: the terminal shows these
    instead of deciding itself. `parked` (labels) may be passed when already known (see
    `parked_labels`).
    """
    desk = engine.counters[counter_id]
    current = engine.tickets.get(desk.ticket_id) if desk.ticket_id else None
    return {
        "status": desk.status.value,
        "ticket": ticket_view(current) if current else None,
        "pause_reason": desk.pause_reason,
        "staff": desk.staff,
        "since": desk.since.isoformat() if desk.since else None,
        "served_today": desk.served_today,
        "parked": ([t.label for t in engine.parked_at(counter_id)]
                   if parked is None else parked),
        "reserved": len(engine.assigned[counter_id]),
        "services": list(engine.counter_config(counter_id).services),
        "allowed": engine.allowed_actions(counter_id, at),
    }


def parked_labels(engine: QueueEngine) -> dict[str, list[str]]:
    """Every counter's parked tickets (labels, oldest first), in one pass over the tickets.

    A snapshot shows up to every counter: asking `parked_at` per counter would scan
    all of today's tickets once per counter (100 counters × 20,000 tickets).
    """
    parked: dict[str, list[str]] = defaultdict(list)
    for ticket in engine.tickets.values():
        if ticket.status == TicketStatus.PARKED and ticket.counter_id is not None:
            parked[ticket.counter_id].append(ticket.label)
    return parked


def recent_calls(engine: QueueEngine, counter_ids: set[str] | None) -> list[dict[str, Any]]:
    """The latest calls (newest first), for the hall display's list."""
    called = heapq.nlargest(
        RECENT_CALLS,
        (t for t in engine.tickets.values()
         if t.called_at is not None and t.counter_id is not None
         and (counter_ids is None or t.counter_id in counter_ids)),
        key=lambda t: t.called_at or dt.datetime.min,
    )
    return [
        {"label": t.label, "counter_id": t.counter_id, "called_at": t.called_at.isoformat()}
        for t in called
        if t.called_at is not None
    ]


def zone_counters(config: MallConfig, zone_id: str | None) -> set[str] | None:
    """The counters a display of this zone shows, as a set (None: the whole hall, unfiltered)."""
    return None if zone_id is None else set(config_zone_counters(config, zone_id))


def snapshot(
    engine: QueueEngine, at: dt.datetime, role: str, counter_ids: set[str] | None
) -> dict[str, Any]:
    """Everything a role may see right now."""
    config = engine.config
    view: dict[str, Any] = {
        "business_day": engine.business_day.isoformat() if engine.business_day else None,
        "settings": engine.settings_view(),
        "break": break_view(engine, at),
    }
    if role not in ("display", "survey"):
        view["services"] = {s.id: service_view(engine, s.id, at) for s in config.services}
    if role != "kiosk":
        parked = parked_labels(engine)
        view["counters"] = {
            c.id: counter_view(engine, c.id, at, parked.get(c.id, []))
            for c in config.counters
            if counter_ids is None or c.id in counter_ids
        }
        view["recent_calls"] = recent_calls(engine, counter_ids)
    return view


def touched(engine: QueueEngine, event: ev.Event) -> tuple[set[str], set[str]]:
    """Return the (services, counters) whose views an event may have changed."""
    services: set[str] = set()
    counters: set[str] = set()
    match event:
        case ev.BusinessDayStarted():
            return {s.id for s in engine.config.services}, {c.id for c in engine.config.counters}
        case ev.TicketTransferred():
            services |= {event.from_service_id, event.to_service_id}
            counters.add(event.from_counter_id)
            if event.to_counter_id:
                counters.add(event.to_counter_id)
        case ev.ServiceClosedToday():
            services.add(event.service_id)
        case ev.CounterServicesChanged():
            counters.add(event.counter_id)
            services |= set(event.services) | set(engine.config.counter(event.counter_id).services)
        case (ev.DevicePaused() | ev.RunningTextChanged() | ev.TicketReprinted()
              | ev.ComplaintSubmitted()):
            pass  # a complaint changes no queue: no view moves, no screen but supervisors'
        case ev.CounterOpened() | ev.CounterClosed() | ev.CounterPaused() | ev.CounterResumed():
            counters.add(event.counter_id)
            # Today's services (a supervisor may have changed them): their estimates moved.
            services |= set(engine.counter_config(event.counter_id).services)
        case _:
            ticket_id = getattr(event, "ticket_id", None)
            if ticket_id is not None and ticket_id in engine.tickets:
                ticket = engine.tickets[ticket_id]
                services.add(ticket.service_id)
                if ticket.counter_id:
                    counters.add(ticket.counter_id)
            counter_id = getattr(event, "counter_id", None)
            if counter_id is not None:
                counters.add(counter_id)
            service_id = getattr(event, "service_id", None)
            if service_id is not None:
                services.add(service_id)
    return services, counters
