"""Which waiting ticket a counter gets when it calls "next".

1. A visit transferred to this very counter.
2. Visits transferred to one of its services (they already waited once).
3. Checked-in appointments whose slot has begun, earliest slot first, by their
   service's rule: "at_slot" ahead of every walk-in; "interleave" one after every N
   walk-in calls of this counter (or whenever no walk-in waits).
4. Priority visitors or the rest, by the mall's rule: "first" always prefers priority;
   "interleave" calls N normal tickets between two priority ones while both wait.
5. Appointments checked in early (slot not begun), only when nobody else waits.
Within a line, the service is chosen by the counter's selection: "order" takes the
first listed service with someone waiting; "weight" shares calls in proportion to the
weights (smooth weighted round robin over today's calls).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from hub.config.models import Counter, QueueRules, Service
from hub.engine.records import CounterDesk, ServiceQueue, Ticket


def choose_next(
    counter: Counter,
    desk: CounterDesk,
    queues: Mapping[str, ServiceQueue],
    assigned: Mapping[str, None],
    rules: QueueRules,
    at: dt.datetime | None = None,
    tickets: Mapping[str, Ticket] | None = None,
    services_by_id: Mapping[str, Service] | None = None,
) -> str | None:
    """Return the ticket id this counter should call next, or None if nobody waits.

    `at`, `tickets` and `services_by_id` order the appointments' line; without them
    (no appointments in the mall) it is called only when nobody else waits.
    """
    if assigned:
        return next(iter(assigned))
    services = [s for s in counter.services if s in queues]
    transferred = _pick(counter, desk, queues, services, "transferred")
    if transferred:
        return transferred
    has_priority = any(queues[s].priority for s in services)
    has_normal = any(queues[s].normal for s in services)
    due, early = _online(queues, services, at, tickets)
    if due:
        ticket_id, service_id = due[0]
        service = services_by_id.get(service_id) if services_by_id else None
        call = service.appointments if service else None
        if (not (has_priority or has_normal) or call is None or call.call == "at_slot"
                or desk.walk_ins_since_online >= call.interleave_walk_ins):
            return ticket_id
    if not (has_priority or has_normal):
        return early[0] if early else None
    if has_priority and (
        not has_normal
        or rules.priority_mode == "first"
        or desk.normal_calls_since_priority >= rules.priority_interleave_normal_calls
    ):
        return _pick(counter, desk, queues, services, "priority")
    return _pick(counter, desk, queues, services, "normal")


def _online(
    queues: Mapping[str, ServiceQueue],
    services: list[str],
    at: dt.datetime | None,
    tickets: Mapping[str, Ticket] | None,
) -> tuple[list[tuple[str, str]], list[str]]:
    """Checked-in appointments as (due: (ticket, service) by slot; early: tickets by slot)."""
    waiting = [(ticket_id, service_id) for service_id in services
               for ticket_id in queues[service_id].online]
    if not waiting:
        return [], []
    if at is None or tickets is None:
        return [], [ticket_id for ticket_id, _ in waiting]

    def slot(item: tuple[str, str]) -> tuple[dt.datetime, int]:
        ticket = tickets[item[0]]
        return (ticket.slot_start or at, ticket.number)

    waiting.sort(key=slot)
    due = [item for item in waiting if slot(item)[0] <= at]
    early = [ticket_id for ticket_id, _ in waiting if slot((ticket_id, ""))[0] > at]
    return due, early


def _pick(
    counter: Counter,
    desk: CounterDesk,
    queues: Mapping[str, ServiceQueue],
    services: list[str],
    line: str,
) -> str | None:
    """Pick the head of `line` in the service the counter's selection favours."""
    candidates = [s for s in services if getattr(queues[s], line)]
    if not candidates:
        return None
    if counter.selection == "weight":

        def load(service_id: str) -> float:
            return (desk.calls_by_service.get(service_id, 0) + 1) / counter.weights[service_id]

        chosen = min(candidates, key=lambda s: (load(s), services.index(s)))
    else:
        chosen = candidates[0]
    return next(iter(getattr(queues[chosen], line)))
