"""What the counter terminal may do now, decided from the hub's view alone (pure).

The hub is the authority and refuses illegal moves anyway; this only keeps buttons
that make no sense disabled, so staff never press them. Keep it in step with
`hub.engine.QueueEngine` (its `_idle_desk`, `_current_ticket`, `mark_no_show` and
`close_counter` checks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hub.config import MallConfig


@dataclass(frozen=True)
class Situation:
    """One counter as the hub last described it (status None: no view yet)."""

    counter_id: str
    status: str | None = None
    ticket: dict[str, Any] | None = None
    pause_reason: str | None = None
    staff: str | None = None
    served_today: int = 0
    parked: tuple[str, ...] = ()
    reserved: int = 0
    waiting: dict[str, int] = field(default_factory=dict)
    """Waiting tickets per service this counter serves, in the counter's order."""

    @property
    def waiting_total(self) -> int:
        """Everyone this counter could call next: its services' queues and its reserved."""
        return sum(self.waiting.values()) + self.reserved

    @property
    def recall_count(self) -> int:
        """How often the current ticket was recalled (0 without a ticket)."""
        return int(self.ticket.get("recall_count", 0)) if self.ticket else 0


def situation_from_view(view: dict[str, Any], config: MallConfig, counter_id: str) -> Situation:
    """Read this counter's part of a counter-role view."""
    desk = view.get("counters", {}).get(counter_id)
    services = view.get("services", {})
    served = config.counter(counter_id).services
    waiting = {sid: int(services.get(sid, {}).get("waiting", 0)) for sid in served}
    if desk is None:
        return Situation(counter_id, waiting=waiting)
    return Situation(
        counter_id=counter_id,
        status=desk.get("status"),
        ticket=desk.get("ticket"),
        pause_reason=desk.get("pause_reason"),
        staff=desk.get("staff"),
        served_today=int(desk.get("served_today", 0)),
        parked=tuple(desk.get("parked", ())),
        reserved=int(desk.get("reserved", 0)),
        waiting=waiting,
    )


@dataclass(frozen=True)
class Actions:
    """Which commands make sense now; each field names a button."""

    call_next: bool = False
    call_ticket: bool = False
    recall: bool = False
    no_show: bool = False
    park: bool = False
    transfer: bool = False
    finish: bool = False
    pause: bool = False
    resume: bool = False
    open: bool = False
    close: bool = False
    resume_parked: bool = False

    def any(self) -> bool:
        """True if at least one action is possible."""
        return any(vars(self).values())


NOTHING = Actions()


def allowed_actions(situation: Situation, *, online: bool, busy: bool,
                    no_show_min_recalls: int) -> Actions:
    """Return what staff may do: nothing offline or while a request is unanswered."""
    if not online or busy or situation.status is None:
        return NOTHING
    status = situation.status
    idle = status == "open"
    serving = status == "serving" and situation.ticket is not None
    return Actions(
        call_next=idle and situation.waiting_total > 0,
        call_ticket=idle,
        recall=serving,
        no_show=serving and situation.recall_count >= no_show_min_recalls,
        park=serving,
        transfer=serving,
        finish=serving,
        pause=idle,
        resume=status == "paused",
        open=status == "closed",
        close=status in ("open", "paused"),
        resume_parked=idle and bool(situation.parked),
    )


def no_show_hint(situation: Situation, no_show_min_recalls: int) -> tuple[str, str]:
    """Explain why no-show is not yet allowed ("Panggil ulang dulu: 0 dari 2")."""
    done = min(situation.recall_count, no_show_min_recalls)
    return (f"Panggil ulang dulu: {done} dari {no_show_min_recalls} kali",
            f"Recall first: {done} of {no_show_min_recalls} times")
