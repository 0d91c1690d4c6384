"""What the counter terminal shows and may do now, read from the hub's view alone (pure).

The hub decides: its counter view says which services the counter calls from today
(`services`) and which commands it would carry out now (`allowed`, from
`QueueEngine.allowed_actions`). The terminal only turns that into buttons, and turns
everything off while offline or while a request is unanswered. No queue rule lives here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.client.view import ClientView
from hub.config import MallConfig
from hub.hub_messages import TicketView


@dataclass(frozen=True)
class Situation:
    """One counter as the hub last described it (status None: no view yet)."""

    counter_id: str
    status: str | None = None
    ticket: TicketView | None = None
    pause_reason: str | None = None
    staff: str | None = None
    served_today: int = 0
    parked: tuple[str, ...] = ()
    reserved: int = 0
    waiting: dict[str, int] = field(default_factory=dict)
    """Waiting tickets per service this counter calls from today, in the counter's order."""
    allowed: frozenset[str] = frozenset()
    """Counter commands the hub would carry out now (request types)."""

    @property
    def waiting_total(self) -> int:
        """Everyone this counter could call next: its services' queues and its reserved."""
        return sum(self.waiting.values()) + self.reserved

    @property
    def recall_count(self) -> int:
        """How often the current ticket was recalled (0 without a ticket)."""
        return self.ticket.recall_count if self.ticket else 0


def situation_from_view(view: ClientView, config: MallConfig, counter_id: str) -> Situation:
    """Read this counter's part of a counter-role view."""
    desk = view.counter(counter_id)
    served = (desk.services if desk is not None else None) or config.counter(counter_id).services
    waiting = {sid: state.waiting if (state := view.service(sid)) is not None else 0
               for sid in served}
    if desk is None:
        return Situation(counter_id, waiting=waiting)
    return Situation(
        counter_id=counter_id,
        status=desk.status,
        ticket=desk.ticket,
        pause_reason=desk.pause_reason,
        staff=desk.staff,
        served_today=desk.served_today,
        parked=tuple(desk.parked),
        reserved=desk.reserved,
        waiting=waiting,
        allowed=frozenset(desk.allowed),
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


def allowed_actions(situation: Situation, *, online: bool, busy: bool) -> Actions:
    """The hub's `allowed` as buttons; nothing offline or while a request is unanswered."""
    if not online or busy or situation.status is None:
        return NOTHING
    can = situation.allowed.__contains__
    return Actions(
        call_next=can("call_next"),
        call_ticket=can("call_ticket"),
        recall=can("recall"),
        no_show=can("mark_no_show"),
        park=can("park"),
        transfer=can("transfer"),
        finish=can("finish"),
        pause=can("pause_counter"),
        resume=can("resume_counter"),
        open=can("open_counter"),
        close=can("close_counter"),
        resume_parked=can("resume_parked"),
    )


def no_show_hint(situation: Situation, no_show_min_recalls: int) -> tuple[str, str]:
    """Explain why no-show is not yet allowed ("Panggil ulang dulu: 0 dari 2")."""
    done = min(situation.recall_count, no_show_min_recalls)
    return (f"Panggil ulang dulu: {done} dari {no_show_min_recalls} kali",
            f"Recall first: {done} of {no_show_min_recalls} times")
