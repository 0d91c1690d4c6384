"""The queue engine: commands in, events out. No I/O, no clock, no threads.

Every command takes the time it happens (`at`, timezone-aware) and either returns
the events it caused — already applied — or raises a `QueueError` and changes
nothing. Callers must log the returned events before telling anyone about them.

A new business day is not started implicitly: call `start_day(at)` before a command
(the hub does it for every request) and log what it returns — the expiry of
yesterday's leftovers and the new day's start are events like any other.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import deque
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from hub.config.models import Counter, MallConfig, Service
from hub.engine import events as ev
from hub.engine.errors import (
    IllegalMove,
    InvalidArgument,
    NothingToCall,
    ServiceUnavailable,
    UnknownCounter,
    UnknownService,
    UnknownTicket,
)
from hub.engine.records import CounterDesk, CounterStatus, ServiceQueue, Ticket, TicketStatus
from hub.engine.selection import choose_next
from hub.schedule import Availability, availability, break_at

SURVEY_ELEMENTS = 9
"""SKM elements U1..U9 (PermenPANRB 14/2017)."""


class QueueEngine:
    """All queues and counters of one mall for the current business day."""

    def __init__(self, config: MallConfig) -> None:
        self.config = config
        self.timezone = ZoneInfo(config.mpp.timezone)
        self.business_day: dt.date | None = None
        self.tickets: dict[str, Ticket] = {}
        self._by_label: dict[str, str] = {}
        self.counters = {c.id: CounterDesk(c.id) for c in config.counters}
        self.queues = {s.id: ServiceQueue() for s in config.services}
        self.assigned: dict[str, dict[str, None]] = {c.id: {} for c in config.counters}
        self.last_event_at: dt.datetime | None = None
        self.surveyed: set[str] = set()

    # ----------------------------------------------------------------- reading

    def local(self, at: dt.datetime) -> dt.datetime:
        """Return `at` in the mall's time zone."""
        if at.tzinfo is None:
            raise ValueError("times given to the engine must be timezone-aware")
        return at.astimezone(self.timezone)

    def business_day_of(self, at: dt.datetime) -> dt.date:
        """Return the business day `at` belongs to (the local calendar date)."""
        return self.local(at).date()

    def ticket(self, ticket_id: str) -> Ticket:
        """Return today's ticket by id or by label ("A-001")."""
        ticket_id = self._by_label.get(ticket_id, ticket_id)
        try:
            return self.tickets[ticket_id]
        except KeyError:
            raise UnknownTicket(ticket_id) from None

    def availability(self, service_id: str, at: dt.datetime) -> Availability:
        """Say whether a service takes tickets at `at` (schedule, cut-off, quota)."""
        service = self._service(service_id)
        issued = self.queues[service_id].issued_today if self._is_today(at) else 0
        return availability(self.config, service, self.local(at), issued)

    def waiting_count(self, service_id: str) -> int:
        """Return how many tickets wait for a service (not counting parked ones)."""
        return len(self.queues[service_id])

    def estimate_wait(
        self, service_id: str, at: dt.datetime, priority: bool = False
    ) -> tuple[int, int]:
        """Return (people ahead, estimated minutes) for a ticket issued now.

        The estimate is people ahead × mean of recent service times (the configured
        standard until there are some), shared among the counters serving the
        service, plus what is left of a break in progress.
        """
        service = self._service(service_id)
        queue = self.queues[service_id]
        ahead = len(queue.transferred) + len(queue.priority)
        if not priority:
            ahead += len(queue.normal)
        recent = queue.recent_service_seconds
        mean_seconds = sum(recent) / len(recent) if recent else service.service_minutes * 60
        serving = self.config.counters_serving(service_id)
        staffed = [c for c in serving if self.counters[c.id].status != CounterStatus.CLOSED]
        seconds = ahead * mean_seconds / max(1, len(staffed) or len(serving))
        local = self.local(at)
        pause = break_at(self.config, local)
        if pause is not None:
            end = dt.datetime.combine(local.date(), pause.end, tzinfo=local.tzinfo)
            seconds += (end - local).total_seconds()
        return ahead, math.ceil(seconds / 60)

    def parked_at(self, counter_id: str) -> list[Ticket]:
        """Return the tickets a counter parked, oldest first."""
        return [
            t for t in self.tickets.values()
            if t.status == TicketStatus.PARKED and t.counter_id == counter_id
        ]

    # ---------------------------------------------------------------- commands

    def start_day(self, at: dt.datetime) -> list[ev.Event]:
        """Start the business day `at` falls in, if not started; expire what is left over."""
        day = self.business_day_of(at)
        if self.business_day is not None and day <= self.business_day:
            return []
        emitted: list[ev.Event] = []
        for ticket in list(self.tickets.values()):
            if not ticket.status.is_final:
                emitted += self._emit(ev.TicketExpired(at, ticket.ticket_id, ticket.status.value))
        for desk in self.counters.values():
            if desk.status != CounterStatus.CLOSED:
                emitted += self._emit(ev.CounterClosed(at, desk.counter_id))
        return emitted + self._emit(ev.BusinessDayStarted(at, day))

    def issue_ticket(
        self,
        service_id: str,
        at: dt.datetime,
        priority_kind: str | None = None,
        channel: str = "kiosk",
        issued_by: str | None = None,
    ) -> list[ev.Event]:
        """Give a visitor the next number of a service, or refuse with the reason."""
        self._require_today(at, "issue a ticket")
        service = self._service(service_id)
        if priority_kind is not None:
            if priority_kind not in self.config.queue.priority_kinds:
                raise InvalidArgument(f"unknown priority kind {priority_kind!r}")
            if not service.allow_priority:
                raise ServiceUnavailable(service_id, "priority_not_allowed", None)
        state = self.availability(service_id, at)
        if not state.open:
            raise ServiceUnavailable(service_id, state.reason or "closed", state.opens_at)
        queue = self.queues[service_id]
        number = queue.last_number + 1
        label = f"{service.prefix}-{number:03d}"
        ahead, minutes = self.estimate_wait(service_id, at, priority_kind is not None)
        return self._emit(
            ev.TicketIssued(
                at,
                ticket_id=f"{self.business_day}/{label}",
                label=label,
                number=number,
                prefix=service.prefix,
                service_id=service_id,
                tenant_id=service.tenant,
                category=service.category,
                priority_kind=priority_kind,
                channel=channel,
                people_ahead=ahead,
                estimated_wait_minutes=minutes,
                issued_by=issued_by,
            )
        )

    def call_next(self, counter_id: str, at: dt.datetime) -> list[ev.Event]:
        """Call the next waiting visitor for this counter's services."""
        counter, desk = self._idle_desk(counter_id, at, "call next")
        ticket_id = choose_next(
            counter, desk, self.queues, self.assigned[counter_id], self.config.queue
        )
        if ticket_id is None:
            raise NothingToCall(counter_id)
        ticket = self.tickets[ticket_id]
        return self._emit(ev.TicketCalled(at, ticket_id, counter_id, ticket.service_id, "next"))

    def call_ticket(self, counter_id: str, ticket_ref: str, at: dt.datetime) -> list[ev.Event]:
        """Call a specific waiting number (e.g. a visitor who was sent back to this counter)."""
        counter, _ = self._idle_desk(counter_id, at, "call a specific number")
        ticket = self.ticket(ticket_ref)
        if ticket.status == TicketStatus.PARKED and ticket.counter_id == counter_id:
            return self._emit(
                ev.TicketCalled(at, ticket.ticket_id, counter_id, ticket.service_id, "resume")
            )
        self._require_ticket(ticket, "call", TicketStatus.WAITING)
        if ticket.assigned_counter_id not in (None, counter_id):
            raise IllegalMove(
                "call", f"ticket {ticket.label}", f"reserved for {ticket.assigned_counter_id}"
            )
        if ticket.assigned_counter_id is None and ticket.service_id not in counter.services:
            raise IllegalMove(
                "call", f"ticket {ticket.label}",
                f"waiting for {ticket.service_id}, which {counter_id} does not serve",
            )
        return self._emit(
            ev.TicketCalled(at, ticket.ticket_id, counter_id, ticket.service_id, "specific")
        )

    def recall(self, counter_id: str, at: dt.datetime) -> list[ev.Event]:
        """Call the counter's current ticket again (announced again on the displays)."""
        ticket = self._current_ticket(counter_id, at, "recall")
        return self._emit(
            ev.TicketRecalled(at, ticket.ticket_id, counter_id, ticket.recall_count + 1)
        )

    def mark_no_show(self, counter_id: str, at: dt.datetime) -> list[ev.Event]:
        """End the current ticket as no-show, once it was recalled often enough."""
        ticket = self._current_ticket(counter_id, at, "mark no-show")
        needed = self.config.queue.no_show_min_recalls
        if ticket.recall_count < needed:
            raise IllegalMove(
                "mark no-show", f"ticket {ticket.label}",
                f"called and recalled {ticket.recall_count} of {needed} times",
                "recall it first",
            )
        return self._emit(ev.TicketNoShow(at, ticket.ticket_id, counter_id))

    def park(self, counter_id: str, at: dt.datetime) -> list[ev.Event]:
        """Set the current visitor aside (e.g. to fetch a document) and free the counter."""
        ticket = self._current_ticket(counter_id, at, "park")
        return self._emit(ev.TicketParked(at, ticket.ticket_id, counter_id))

    def resume_parked(self, counter_id: str, ticket_ref: str, at: dt.datetime) -> list[ev.Event]:
        """Call back a ticket this counter parked."""
        self._idle_desk(counter_id, at, "resume a parked ticket")
        ticket = self.ticket(ticket_ref)
        self._require_ticket(ticket, "resume", TicketStatus.PARKED)
        if ticket.counter_id != counter_id:
            raise IllegalMove("resume", f"ticket {ticket.label}", f"parked at {ticket.counter_id}")
        return self._emit(
            ev.TicketCalled(at, ticket.ticket_id, counter_id, ticket.service_id, "resume")
        )

    def transfer(
        self,
        counter_id: str,
        at: dt.datetime,
        to_service_id: str | None = None,
        to_counter_id: str | None = None,
    ) -> list[ev.Event]:
        """Send the current visitor to another service and/or counter, keeping the number."""
        ticket = self._current_ticket(counter_id, at, "transfer")
        if to_service_id is None and to_counter_id is None:
            raise InvalidArgument("a transfer needs a target service or counter")
        target_counter = self._counter(to_counter_id) if to_counter_id else None
        if to_service_id is None:
            assert target_counter is not None
            to_service_id = (
                ticket.service_id
                if ticket.service_id in target_counter.services
                else target_counter.services[0]
            )
        self._service(to_service_id)
        if target_counter is not None and to_service_id not in target_counter.services:
            raise InvalidArgument(f"counter {target_counter.id} does not serve {to_service_id}")
        if to_counter_id == counter_id or (
            to_counter_id is None and to_service_id == ticket.service_id
        ):
            raise InvalidArgument("a transfer must go somewhere else")
        return self._emit(
            ev.TicketTransferred(
                at, ticket.ticket_id, counter_id, ticket.service_id, to_service_id, to_counter_id
            )
        )

    def finish(self, counter_id: str, at: dt.datetime) -> list[ev.Event]:
        """The visitor was served: end the visit and free the counter."""
        ticket = self._current_ticket(counter_id, at, "finish")
        assert ticket.called_at is not None
        seconds = max(0.0, (at - ticket.called_at).total_seconds())
        return self._emit(
            ev.TicketFinished(at, ticket.ticket_id, counter_id, ticket.service_id, seconds)
        )

    def cancel_ticket(
        self, ticket_ref: str, reason: str, at: dt.datetime, by: str | None = None
    ) -> list[ev.Event]:
        """Withdraw a waiting ticket that never reached its visitor (print failure).

        With `by`, only the device that issued the ticket may withdraw it, and only
        before any counter touched it.
        """
        self._require_today(at, "cancel a ticket")
        ticket = self.ticket(ticket_ref)
        self._require_ticket(ticket, "cancel", TicketStatus.WAITING)
        if by is not None and (ticket.issued_by != by or ticket.transfer_count):
            raise IllegalMove("cancel", f"ticket {ticket.label}",
                              f"not issued by {by}" if ticket.issued_by != by else "transferred")
        return self._emit(ev.TicketCancelled(at, ticket.ticket_id, reason))

    def submit_survey(
        self,
        ticket_ref: str,
        answers: list[int],
        at: dt.datetime,
        counter_id: str | None = None,
        profile: dict[str, str | None] | None = None,
        comment: str | None = None,
    ) -> list[ev.Event]:
        """Record a visitor's SKM answers for a visit served today (once per visit)."""
        self._require_today(at, "submit a survey")
        ticket = self.ticket(ticket_ref)
        self._require_ticket(ticket, "rate", TicketStatus.DONE)
        if ticket.ticket_id in self.surveyed:
            raise IllegalMove("rate", f"ticket {ticket.label}", "already rated")
        if counter_id is not None and ticket.counter_id != counter_id:
            raise IllegalMove("rate", f"ticket {ticket.label}",
                              f"served at {ticket.counter_id}, not {counter_id}")
        if len(answers) != SURVEY_ELEMENTS or any(a not in (1, 2, 3, 4) for a in answers):
            raise InvalidArgument("a survey has nine answers (U1..U9), each 1 to 4")
        profile = profile or {}
        assert ticket.counter_id is not None
        return self._emit(ev.SurveySubmitted(
            at, ticket.ticket_id, ticket.service_id, ticket.tenant_id, ticket.counter_id,
            list(answers), profile.get("age_band"), profile.get("gender"),
            profile.get("education"), profile.get("occupation"), comment or None,
        ))

    def open_counter(
        self, counter_id: str, at: dt.datetime, staff: str | None = None
    ) -> list[ev.Event]:
        """Open a closed counter for service."""
        desk = self._desk(counter_id, at, "open")
        if desk.status != CounterStatus.CLOSED:
            raise IllegalMove("open", f"counter {counter_id}", desk.status.value)
        return self._emit(ev.CounterOpened(at, counter_id, staff))

    def pause_counter(self, counter_id: str, reason: str, at: dt.datetime) -> list[ev.Event]:
        """Stop calling for a while; the reason is shown to the supervisor."""
        if reason not in self.config.queue.pause_reasons:
            choices = ", ".join(self.config.queue.pause_reasons)
            raise InvalidArgument(f"unknown pause reason {reason!r} (use one of: {choices})")
        self._idle_desk(counter_id, at, "pause")
        return self._emit(ev.CounterPaused(at, counter_id, reason))

    def resume_counter(self, counter_id: str, at: dt.datetime) -> list[ev.Event]:
        """End a pause."""
        desk = self._desk(counter_id, at, "resume")
        if desk.status != CounterStatus.PAUSED:
            raise IllegalMove("resume", f"counter {counter_id}", desk.status.value)
        return self._emit(ev.CounterResumed(at, counter_id))

    def close_counter(self, counter_id: str, at: dt.datetime) -> list[ev.Event]:
        """Close the counter; it must not be holding a visitor."""
        desk = self._desk(counter_id, at, "close")
        if desk.status in (CounterStatus.CLOSED, CounterStatus.SERVING):
            hint = "finish, transfer or park the current ticket first" if desk.ticket_id else ""
            raise IllegalMove("close", f"counter {counter_id}", desk.status.value, hint)
        return self._emit(ev.CounterClosed(at, counter_id))

    # ------------------------------------------------------------------- apply

    def replay(self, events: Iterable[ev.Event]) -> None:
        """Rebuild state from logged events (on hub start)."""
        for event in events:
            self.apply(event)

    def apply(self, event: ev.Event) -> None:
        """Change state by one event. Everything that moves a ticket or counter is here."""
        handler = getattr(self, f"_apply_{event.type}")
        handler(event)
        self.last_event_at = event.at

    def _apply_business_day_started(self, event: ev.BusinessDayStarted) -> None:
        self.business_day = event.business_day
        self.tickets.clear()
        self._by_label.clear()
        self.surveyed.clear()
        window = self.config.queue.service_time_window
        for queue_id in self.queues:
            self.queues[queue_id] = ServiceQueue(recent_service_seconds=deque(maxlen=window))
        # start_day closed every counter before this event, so each desk starts afresh.
        for counter_id in self.counters:
            self.counters[counter_id] = CounterDesk(counter_id)
            self.assigned[counter_id] = {}

    def _apply_ticket_issued(self, event: ev.TicketIssued) -> None:
        ticket = Ticket(
            event.ticket_id, event.label, event.service_id, event.tenant_id,
            event.priority_kind, event.channel, event.at, issued_by=event.issued_by,
        )
        self.tickets[ticket.ticket_id] = ticket
        self._by_label[ticket.label] = ticket.ticket_id
        queue = self.queues[event.service_id]
        queue.issued_today += 1
        queue.last_number = max(queue.last_number, event.number)
        (queue.priority if ticket.is_priority else queue.normal)[ticket.ticket_id] = None

    def _apply_ticket_called(self, event: ev.TicketCalled) -> None:
        ticket = self.tickets[event.ticket_id]
        desk = self.counters[event.counter_id]
        self._unqueue(ticket)
        if event.how != "resume":
            desk.calls_by_service[ticket.service_id] = (
                desk.calls_by_service.get(ticket.service_id, 0) + 1
            )
            if ticket.is_priority:
                desk.normal_calls_since_priority = 0
            elif ticket.transfer_count == 0:
                desk.normal_calls_since_priority += 1
        ticket.status = TicketStatus.CALLED
        ticket.counter_id = event.counter_id
        ticket.assigned_counter_id = None
        ticket.recall_count = 0
        ticket.called_at = event.at
        desk.status = CounterStatus.SERVING
        desk.ticket_id = ticket.ticket_id

    def _apply_ticket_recalled(self, event: ev.TicketRecalled) -> None:
        self.tickets[event.ticket_id].recall_count = event.recall_count

    def _apply_ticket_parked(self, event: ev.TicketParked) -> None:
        self.tickets[event.ticket_id].status = TicketStatus.PARKED
        self._free_desk(event.counter_id, event.at)

    def _apply_ticket_transferred(self, event: ev.TicketTransferred) -> None:
        ticket = self.tickets[event.ticket_id]
        ticket.status = TicketStatus.WAITING
        ticket.service_id = event.to_service_id
        ticket.counter_id = None
        ticket.called_at = None
        ticket.transfer_count += 1
        ticket.assigned_counter_id = event.to_counter_id
        if event.to_counter_id is not None:
            self.assigned[event.to_counter_id][ticket.ticket_id] = None
        else:
            self.queues[event.to_service_id].transferred[ticket.ticket_id] = None
        self._free_desk(event.from_counter_id, event.at)

    def _apply_ticket_finished(self, event: ev.TicketFinished) -> None:
        self.tickets[event.ticket_id].status = TicketStatus.DONE
        self.queues[event.service_id].recent_service_seconds.append(event.service_seconds)
        self.counters[event.counter_id].served_today += 1
        self._free_desk(event.counter_id, event.at)

    def _apply_ticket_no_show(self, event: ev.TicketNoShow) -> None:
        self.tickets[event.ticket_id].status = TicketStatus.NO_SHOW
        self._free_desk(event.counter_id, event.at)

    def _apply_ticket_cancelled(self, event: ev.TicketCancelled) -> None:
        ticket = self.tickets[event.ticket_id]
        self._unqueue(ticket)
        ticket.status = TicketStatus.CANCELLED

    def _apply_ticket_expired(self, event: ev.TicketExpired) -> None:
        ticket = self.tickets[event.ticket_id]
        self._unqueue(ticket)
        if ticket.status == TicketStatus.CALLED and ticket.counter_id is not None:
            self._free_desk(ticket.counter_id, event.at)
        ticket.status = TicketStatus.EXPIRED

    def _apply_survey_submitted(self, event: ev.SurveySubmitted) -> None:
        self.surveyed.add(event.ticket_id)

    def _apply_counter_opened(self, event: ev.CounterOpened) -> None:
        desk = self.counters[event.counter_id]
        desk.status, desk.staff, desk.since = CounterStatus.OPEN, event.staff, event.at

    def _apply_counter_paused(self, event: ev.CounterPaused) -> None:
        desk = self.counters[event.counter_id]
        desk.status, desk.pause_reason, desk.since = CounterStatus.PAUSED, event.reason, event.at

    def _apply_counter_resumed(self, event: ev.CounterResumed) -> None:
        desk = self.counters[event.counter_id]
        desk.status, desk.pause_reason, desk.since = CounterStatus.OPEN, None, event.at

    def _apply_counter_closed(self, event: ev.CounterClosed) -> None:
        desk = self.counters[event.counter_id]
        desk.status, desk.pause_reason, desk.since = CounterStatus.CLOSED, None, event.at
        desk.staff = None

    # ----------------------------------------------------------------- helpers

    def _emit(self, event: ev.Event) -> list[ev.Event]:
        self.apply(event)
        return [event]

    def _unqueue(self, ticket: Ticket) -> None:
        self.queues[ticket.service_id].discard(ticket.ticket_id)
        if ticket.assigned_counter_id is not None:
            self.assigned[ticket.assigned_counter_id].pop(ticket.ticket_id, None)

    def _free_desk(self, counter_id: str, at: dt.datetime) -> None:
        desk = self.counters[counter_id]
        desk.ticket_id = None
        if desk.status == CounterStatus.SERVING:
            desk.status = CounterStatus.OPEN

    def _is_today(self, at: dt.datetime) -> bool:
        return self.business_day == self.business_day_of(at)

    def _require_today(self, at: dt.datetime, command: str) -> None:
        if not self._is_today(at):
            raise IllegalMove(
                command, f"business day {self.business_day_of(at)}", "not started",
                "call start_day first",
            )

    def _service(self, service_id: str) -> Service:
        try:
            return self.config.service(service_id)
        except KeyError:
            raise UnknownService(service_id) from None

    def _counter(self, counter_id: str) -> Counter:
        try:
            return self.config.counter(counter_id)
        except KeyError:
            raise UnknownCounter(counter_id) from None

    def _desk(self, counter_id: str, at: dt.datetime, command: str) -> CounterDesk:
        self._counter(counter_id)
        self._require_today(at, command)
        return self.counters[counter_id]

    def _idle_desk(
        self, counter_id: str, at: dt.datetime, command: str
    ) -> tuple[Counter, CounterDesk]:
        desk = self._desk(counter_id, at, command)
        if desk.status != CounterStatus.OPEN:
            hint = {
                CounterStatus.SERVING: "finish, transfer, park or mark no-show first",
                CounterStatus.PAUSED: "resume the counter first",
                CounterStatus.CLOSED: "open the counter first",
            }[desk.status]
            raise IllegalMove(command, f"counter {counter_id}", desk.status.value, hint)
        return self._counter(counter_id), desk

    def _current_ticket(self, counter_id: str, at: dt.datetime, command: str) -> Ticket:
        desk = self._desk(counter_id, at, command)
        if desk.ticket_id is None:
            raise IllegalMove(command, f"counter {counter_id}", desk.status.value,
                              "no ticket is being served")
        return self.tickets[desk.ticket_id]

    @staticmethod
    def _require_ticket(ticket: Ticket, command: str, status: TicketStatus) -> None:
        if ticket.status != status:
            raise IllegalMove(command, f"ticket {ticket.label}", ticket.status.value)
