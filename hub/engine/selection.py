"""Which waiting ticket a counter gets when it calls "next".

1. A visit transferred to this very counter.
2. Visits transferred to one of its services (they already waited once).
3. Priority visitors or the rest, by the mall's rule: "first" always prefers priority;
   "interleave" calls N normal tickets between two priority ones while both wait.
Within a line, the service is chosen by the counter's selection: "order" takes the
first listed service with someone waiting; "weight" shares calls in proportion to the
weights (smooth weighted round robin over today's calls).
"""

from __future__ import annotations

from collections.abc import Mapping

from hub.config.models import Counter, QueueRules
from hub.engine.records import CounterDesk, ServiceQueue


def choose_next(
    counter: Counter,
    desk: CounterDesk,
    queues: Mapping[str, ServiceQueue],
    assigned: Mapping[str, None],
    rules: QueueRules,
) -> str | None:
    """Return the ticket id this counter should call next, or None if nobody waits."""
    if assigned:
        return next(iter(assigned))
    services = [s for s in counter.services if s in queues]
    transferred = _pick(counter, desk, queues, services, "transferred")
    if transferred:
        return transferred
    has_priority = any(queues[s].priority for s in services)
    has_normal = any(queues[s].normal for s in services)
    if has_priority and (
        not has_normal
        or rules.priority_mode == "first"
        or desk.normal_calls_since_priority >= rules.priority_interleave_normal_calls
    ):
        return _pick(counter, desk, queues, services, "priority")
    return _pick(counter, desk, queues, services, "normal")


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
