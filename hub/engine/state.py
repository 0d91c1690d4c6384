"""The engine's state and the one place it changes: applying events.

Everything that moves a ticket or a counter is an `_apply_*` method here (see
records.py for the states). Commands live in engine.py; they only decide which events
to emit, then apply them through `apply`, so replaying the log rebuilds exactly this.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from hub.config.models import Counter, MallConfig, Service
from hub.engine import events as ev
from hub.engine.errors import UnknownCounter, UnknownService, UnknownTicket
from hub.engine.limits import LEFT_QUEUE, identities
from hub.engine.records import CounterDesk, CounterStatus, ServiceQueue, Ticket, TicketStatus
from hub.schedule import Availability, availability, break_at, next_opening

if TYPE_CHECKING:
    from hub.engine.appointments import AppointmentBook


class EngineState:
    """All queues and counters of one mall for the current business day."""

    appointments: AppointmentBook
    """Made by AppointmentEngine (appointments.py): they outlive the business day."""

    def __init__(self, config: MallConfig) -> None:
        self.config = config
        self.timezone = ZoneInfo(config.mpp.timezone)
        self.business_day: dt.date | None = None
        self.tickets: dict[str, Ticket] = {}
        self._by_label: dict[str, str] = {}
        self.counters = {c.id: CounterDesk(c.id) for c in config.counters}
        self.queues = {s.id: ServiceQueue() for s in config.services}
        self.assigned: dict[str, dict[str, None]] = {c.id: {} for c in config.counters}
        self.surveyed: set[str] = set()
        self.complaints_today = 0
        """Complaints and suggestions received today: numbers the next one."""
        self.parked: dict[str, dict[str, None]] = {c.id: {} for c in config.counters}
        """Tickets each counter parked, oldest first (an index: no scan of the whole day)."""
        # Plain dicts: these lookups run for every event and view, and are hot.
        self._services_by_id = {s.id: s for s in config.services}
        self._counters_by_id = {c.id: c for c in config.counters}
        self._configured_serving = {
            s.id: [c for c in config.counters if s.id in c.services] for s in config.services
        }
        self.closed_services: dict[str, str] = {}
        """Services a supervisor closed for today, with the reason."""
        self.counter_services: dict[str, list[str]] = {}
        """Counters whose services a supervisor changed for today."""
        self.paused_devices: set[str] = set()
        self.running_text: tuple[str, str | None] | None = None
        self.by_identity: dict[tuple[str, str], list[str]] = {}
        """(service, "tel:…" or "nik:…") → today's tickets issued for it (limits.py)."""

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
        state = availability(self.config, service, self.local(at), issued)
        if state.open and service_id in self.closed_services and self._is_today(at):
            tomorrow = self.local(at).replace(hour=23, minute=59)
            return Availability(False, "closed_by_supervisor",
                                next_opening(self.config, service, tomorrow))
        return state

    def counter_config(self, counter_id: str) -> Counter:
        """The counter as configured, with today's change of services if a supervisor made one."""
        counter = self._counter(counter_id)
        services = self.counter_services.get(counter_id)
        if services is None:
            return counter
        weights = {s: counter.weights.get(s, 1) for s in services}
        return counter.model_copy(update={"services": services, "weights": weights})

    def counters_serving(self, service_id: str) -> list[Counter]:
        """Counters that serve a service today (a supervisor may have changed some)."""
        if not self.counter_services:
            return self._configured_serving[service_id]  # the usual day: no lookups at all
        today = [self.counter_config(c.id) for c in self.config.counters]
        return [c for c in today if service_id in c.services]

    def settings_view(self) -> dict[str, object]:
        """Today's supervisor decisions, as every client's view shows them."""
        text = self.running_text
        return {
            "closed_services": dict(self.closed_services),
            "counter_services": {k: list(v) for k, v in self.counter_services.items()},
            "paused_devices": sorted(self.paused_devices),
            "running_text": {"id": text[0], "en": text[1]} if text else None,
        }

    def waiting_count(self, service_id: str) -> int:
        """Return how many tickets wait for a service (not counting parked ones)."""
        return len(self.queues[service_id])

    def counters_open(self, service_id: str) -> int:
        """Return how many counters serving the service are staffed now (open or serving)."""
        return sum(1 for c in self.counters_serving(service_id)
                   if self.counters[c.id].status in (CounterStatus.OPEN, CounterStatus.SERVING))

    def estimate_wait(
        self, service_id: str, at: dt.datetime, priority: bool = False
    ) -> tuple[int, int | None]:
        """Return (people ahead, estimated minutes) for a ticket issued now.

        People ahead are those numbered before a new ticket who will be called before it
        (printing ones included). The estimate is people ahead × mean of recent service
        times (the configured standard until there are some), shared among the counters
        that will call them: open ones, and during a break those paused until its end;
        plus what is left of the break. With no such counter nobody can say: None.
        """
        queue = self.queues[self._service(service_id).id]
        pending_priority = sum(queue.pending.values())
        ahead = len(queue.transferred) + len(queue.online) + len(queue.priority) + pending_priority
        if not priority:
            ahead += len(queue.normal) + len(queue.pending) - pending_priority
        return ahead, self._minutes_for(service_id, ahead, at)

    def ticket_position(self, ticket_ref: str, at: dt.datetime) -> tuple[int, int | None]:
        """Return (people ahead, estimated minutes) for a pending or waiting ticket of today.

        Ahead: the lines in call order (transferred, priority, normal) before it, and the
        tickets still printing that were numbered before it.
        """
        ticket = self.ticket(ticket_ref)
        queue = self.queues[ticket.service_id]
        line = [*queue.transferred, *queue.online, *queue.priority, *queue.normal]
        ahead = line.index(ticket.ticket_id) if ticket.ticket_id in line else len(line)
        ahead += sum(1 for t in queue.pending if self.tickets[t].issued_at < ticket.issued_at)
        return ahead, self._minutes_for(ticket.service_id, ahead, at)

    def waiting_positions(self, service_id: str) -> dict[str, int]:
        """Return people ahead of every waiting ticket of a service, as `ticket_position`
        counts them, in one pass (the notifications ask after every command)."""
        queue = self.queues[self._service(service_id).id]
        line = [*queue.transferred, *queue.online, *queue.priority, *queue.normal]
        printing = sorted(self.tickets[t].issued_at for t in queue.pending)
        return {ticket_id: place + bisect.bisect_left(printing, self.tickets[ticket_id].issued_at)
                for place, ticket_id in enumerate(line)}

    def _minutes_for(self, service_id: str, ahead: int, at: dt.datetime) -> int | None:
        """Minutes until `ahead` people are served, or None when no counter will call them."""
        service = self._service(service_id)
        queue = self.queues[service_id]
        local = self.local(at)
        pause = break_at(self.config, local)
        wanted: tuple[CounterStatus, ...] = (CounterStatus.OPEN, CounterStatus.SERVING)
        if pause is not None:
            wanted += (CounterStatus.PAUSED,)
        available = sum(1 for c in self.counters_serving(service_id)
                        if self.counters[c.id].status in wanted)
        if available == 0:
            return None
        recent = queue.recent_service_seconds
        mean_seconds = sum(recent) / len(recent) if recent else service.service_minutes * 60
        seconds = ahead * mean_seconds / available
        if pause is not None:
            seconds += (self.break_ends_at(local) - local).total_seconds()
        return math.ceil(seconds / 60)

    def break_ends_at(self, at: dt.datetime) -> dt.datetime:
        """When the break in progress at `at` ends (mall time); `at` itself if none is."""
        local = self.local(at)
        pause = break_at(self.config, local)
        if pause is None:
            return local
        return dt.datetime.combine(local.date(), pause.end, tzinfo=local.tzinfo)

    def parked_at(self, counter_id: str) -> list[Ticket]:
        """Return the tickets a counter parked, oldest first."""
        return [self.tickets[t] for t in self.parked[counter_id]]

    # ------------------------------------------------------------------- apply

    def replay(self, events: Iterable[ev.Event]) -> None:
        """Rebuild state from logged events (on hub start)."""
        for event in events:
            self.apply(event)

    def apply(self, event: ev.Event) -> None:
        """Change state by one event. Everything that moves a ticket or counter is here."""
        handler = getattr(self, f"_apply_{event.type}")
        handler(event)

    def _apply_business_day_started(self, event: ev.BusinessDayStarted) -> None:
        self.business_day = event.business_day
        self.tickets.clear()
        self._by_label.clear()
        self.surveyed.clear()
        self.complaints_today = 0
        self.closed_services.clear()
        self.counter_services.clear()
        self.paused_devices.clear()
        self.running_text = None
        self.by_identity.clear()
        window = self.config.queue.service_time_window
        for queue_id in self.queues:
            self.queues[queue_id] = ServiceQueue(recent_service_seconds=deque(maxlen=window))
        # start_day closed every counter before this event, so each desk starts afresh.
        for counter_id in self.counters:
            self.counters[counter_id] = CounterDesk(counter_id)
            self.assigned[counter_id] = {}
            self.parked[counter_id] = {}

    def _apply_ticket_issued(self, event: ev.TicketIssued) -> None:
        ticket = Ticket(
            event.ticket_id, event.label, event.service_id, event.tenant_id,
            event.priority_kind, event.channel, event.at, issued_by=event.issued_by,
            number=event.number, contact=event.contact, nik_hash=event.nik_hash,
            language=event.language, journey_id=event.journey_id,
        )
        for key in identities(event.contact, event.nik_hash):
            self.by_identity.setdefault((event.service_id, key), []).append(ticket.ticket_id)
        self.tickets[ticket.ticket_id] = ticket
        self._by_label[ticket.label] = ticket.ticket_id
        queue = self.queues[event.service_id]
        queue.issued_today += 1
        queue.last_number = max(queue.last_number, event.number)
        if event.pending:
            ticket.status = TicketStatus.PENDING
            queue.pending[ticket.ticket_id] = ticket.is_priority
        else:
            (queue.priority if ticket.is_priority else queue.normal)[ticket.ticket_id] = None

    def _apply_ticket_confirmed(self, event: ev.TicketConfirmed) -> None:
        ticket = self.tickets[event.ticket_id]
        queue = self.queues[ticket.service_id]
        queue.pending.pop(ticket.ticket_id, None)
        ticket.status = TicketStatus.WAITING
        if ticket.slot_start is not None:  # an appointment: its own line (selection.py)
            queue.online[ticket.ticket_id] = None
            return
        line = queue.priority if ticket.is_priority else queue.normal
        last = next(reversed(line), None)
        if last is None or self.tickets[last].number < ticket.number:
            line[ticket.ticket_id] = None
            return
        # A later number was queued first (another kiosk's print, or one shown on screen):
        # keep the line in number order, as the visitors were promised.
        ordered = sorted([*line, ticket.ticket_id], key=lambda t: self.tickets[t].number)
        line.clear()
        line.update(dict.fromkeys(ordered))

    def _apply_ticket_reprinted(self, event: ev.TicketReprinted) -> None:
        self.tickets[event.ticket_id].reprint_count += 1

    def _apply_ticket_called(self, event: ev.TicketCalled) -> None:
        ticket = self.tickets[event.ticket_id]
        desk = self.counters[event.counter_id]
        self._unqueue(ticket)
        self.parked[event.counter_id].pop(ticket.ticket_id, None)
        if event.how != "resume":
            desk.calls_by_service[ticket.service_id] = (
                desk.calls_by_service.get(ticket.service_id, 0) + 1
            )
            if ticket.slot_start is not None and ticket.transfer_count == 0:
                desk.walk_ins_since_online = 0
            elif ticket.is_priority:
                desk.normal_calls_since_priority = 0
                desk.walk_ins_since_online += 1
            elif ticket.transfer_count == 0:
                desk.normal_calls_since_priority += 1
                desk.walk_ins_since_online += 1
        ticket.status = TicketStatus.CALLED
        ticket.counter_id = event.counter_id
        ticket.assigned_counter_id = None
        ticket.recall_count = 0
        ticket.present_at = None
        ticket.called_at = event.at
        desk.status = CounterStatus.SERVING
        desk.ticket_id = ticket.ticket_id

    def _apply_ticket_recalled(self, event: ev.TicketRecalled) -> None:
        self.tickets[event.ticket_id].recall_count = event.recall_count

    def _apply_visitor_present(self, event: ev.VisitorPresent) -> None:
        self.tickets[event.ticket_id].present_at = event.at

    def _apply_ticket_parked(self, event: ev.TicketParked) -> None:
        self.tickets[event.ticket_id].status = TicketStatus.PARKED
        self.parked[event.counter_id][event.ticket_id] = None
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
        if event.reason != LEFT_QUEUE:  # it never reached the visitor: not theirs to count
            for key in identities(ticket.contact, ticket.nik_hash):
                issued = self.by_identity.get((ticket.service_id, key), [])
                if ticket.ticket_id in issued:
                    issued.remove(ticket.ticket_id)
        if ticket.appointment_id is not None:  # never reached the visitor: booked again
            self.appointments.release(ticket.ticket_id)

    def _apply_ticket_expired(self, event: ev.TicketExpired) -> None:
        ticket = self.tickets[event.ticket_id]
        self._unqueue(ticket)
        if ticket.status == TicketStatus.PARKED and ticket.counter_id is not None:
            self.parked[ticket.counter_id].pop(ticket.ticket_id, None)
        if ticket.status == TicketStatus.CALLED and ticket.counter_id is not None:
            self._free_desk(ticket.counter_id, event.at)
        ticket.status = TicketStatus.EXPIRED

    def _apply_service_closed_today(self, event: ev.ServiceClosedToday) -> None:
        if event.closed:
            self.closed_services[event.service_id] = event.reason
        else:
            self.closed_services.pop(event.service_id, None)

    def _apply_counter_services_changed(self, event: ev.CounterServicesChanged) -> None:
        self.counter_services[event.counter_id] = list(event.services)

    def _apply_device_paused(self, event: ev.DevicePaused) -> None:
        (self.paused_devices.add if event.paused else self.paused_devices.discard)(
            event.device_id)

    def _apply_running_text_changed(self, event: ev.RunningTextChanged) -> None:
        self.running_text = (event.text_id, event.text_en)

    def _apply_survey_submitted(self, event: ev.SurveySubmitted) -> None:
        self.surveyed.add(event.ticket_id)

    def _apply_complaint_submitted(self, _event: ev.ComplaintSubmitted) -> None:
        self.complaints_today += 1

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

    def _service(self, service_id: str) -> Service:
        try:
            return self._services_by_id[service_id]
        except KeyError:
            raise UnknownService(service_id) from None

    def _counter(self, counter_id: str) -> Counter:
        try:
            return self._counters_by_id[counter_id]
        except KeyError:
            raise UnknownCounter(counter_id) from None

