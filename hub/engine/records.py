"""The engine's working state: tickets, counters and per-service queues.

Theory of operation
-------------------
A ticket moves through these states; every arrow is one event:

    PENDING --confirmed--> WAITING --called--> CALLED --finished-->  DONE     (final)
                              ^                  |  |---no_show-->  NO_SHOW  (final)
                              |                  |  '--parked---->  PARKED
                              '---transferred----'       PARKED --called(resume)--> CALLED
    PENDING or WAITING --cancelled--> CANCELLED (final)   any non-final --expired--> EXPIRED (final)

A kiosk with a printer asks for a PENDING ticket: it is numbered but not in the queue (no
counter can call it) until the kiosk confirms the paper is out ("print first, then
queue"); one never confirmed is cancelled as `print_unconfirmed`. Other tickets start
WAITING.

A counter is CLOSED, OPEN (idle), SERVING (holds exactly one CALLED ticket) or PAUSED.
Everything that affects these transitions lives in `QueueEngine.apply`; commands only
decide which events to emit.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum


class TicketStatus(StrEnum):
    """Where a ticket is in its life."""

    PENDING = "pending"
    WAITING = "waiting"
    CALLED = "called"
    PARKED = "parked"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def is_final(self) -> bool:
        """True once nothing more can happen to the ticket."""
        return self in FINAL_STATUSES


FINAL_STATUSES = frozenset(
    {TicketStatus.DONE, TicketStatus.NO_SHOW, TicketStatus.CANCELLED, TicketStatus.EXPIRED}
)


class CounterStatus(StrEnum):
    """What a counter is doing."""

    CLOSED = "closed"
    OPEN = "open"
    SERVING = "serving"
    PAUSED = "paused"


@dataclass(slots=True)
class Ticket:
    """One visit: it keeps its ticket id and label through transfers."""

    ticket_id: str
    label: str
    service_id: str
    tenant_id: str
    priority_kind: str | None
    channel: str
    issued_at: dt.datetime
    status: TicketStatus = TicketStatus.WAITING
    counter_id: str | None = None
    """The counter holding (CALLED) or parking (PARKED) the ticket."""
    assigned_counter_id: str | None = None
    """Set by a transfer to a specific counter: only that counter may call it."""
    transfer_count: int = 0
    recall_count: int = 0
    called_at: dt.datetime | None = None
    issued_by: str | None = None
    reprint_count: int = 0
    number: int = 0
    """The number alone (12 of A-012): a service's lines keep number order."""
    appointment_id: str | None = None
    """An appointment's check-in (channel online): the appointment it came from."""
    slot_start: dt.datetime | None = None
    """When its slot begins: it waits in the service's `online` line, called by the
    service's appointment rule (selection.py)."""
    contact: str | None = None
    """The visitor's phone number (normalised, limits.py), if given."""
    nik_hash: str | None = None
    """The NIK the visitor gave, keyed-hashed (limits.py), if given."""
    present_at: dt.datetime | None = None
    """When the visitor last said "I'm here" on the phone after a recall (this call)."""
    language: str = "id"
    """The visitor's language at the kiosk or on the phone (notifications use it)."""
    journey_id: str | None = None
    """The first ticket of the visitor's journey, when this one continues it."""

    @property
    def is_priority(self) -> bool:
        """Priority visitors (lansia, disabilitas, ibu hamil) may be called first."""
        return self.priority_kind is not None


@dataclass(slots=True)
class CounterDesk:
    """A counter's live state, plus what call selection needs to stay fair."""

    counter_id: str
    status: CounterStatus = CounterStatus.CLOSED
    ticket_id: str | None = None
    pause_reason: str | None = None
    staff: str | None = None
    since: dt.datetime | None = None
    served_today: int = 0
    calls_by_service: dict[str, int] = field(default_factory=dict)
    normal_calls_since_priority: int = 1_000_000
    """Starts high so the first priority visitor of the day is not made to wait."""
    walk_ins_since_online: int = 1_000_000
    """Walk-in calls since this counter last called an appointment (the interleave rule)."""


@dataclass(slots=True)
class ServiceQueue:
    """Waiting tickets of one service, in the order they will be called.

    Dicts keep insertion order and delete in O(1); transferred visits (who already
    waited once) come before priority visitors, who come before the rest; checked-in
    appointments wait in their own line, called by their service's rule.
    """

    transferred: dict[str, None] = field(default_factory=dict)
    priority: dict[str, None] = field(default_factory=dict)
    normal: dict[str, None] = field(default_factory=dict)
    online: dict[str, None] = field(default_factory=dict)
    """Checked-in appointments, in check-in order (selection.py orders them by slot)."""
    pending: dict[str, bool] = field(default_factory=dict)
    """Numbered tickets still printing (id → priority?): not callable, but ahead of later ones."""
    issued_today: int = 0
    last_number: int = 0
    recent_service_seconds: deque[float] = field(default_factory=deque)

    def __len__(self) -> int:
        return len(self.transferred) + len(self.priority) + len(self.normal) + len(self.online)

    def discard(self, ticket_id: str) -> None:
        """Remove a ticket from whichever line holds it."""
        for line in (self.transferred, self.priority, self.normal, self.online):
            line.pop(ticket_id, None)
        self.pending.pop(ticket_id, None)
