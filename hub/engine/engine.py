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

from hub.config.models import Counter, Service
from hub.engine import events as ev
from hub.engine.appointments import AppointmentEngine
from hub.engine.errors import (
    IllegalMove,
    InvalidArgument,
    NothingToCall,
    OnBreak,
    ServiceUnavailable,
)
from hub.engine.limits import LEFT_QUEUE, LimitReached, identities, nik_hash, normalise_contact
from hub.engine.records import CounterDesk, CounterStatus, Ticket, TicketStatus
from hub.engine.selection import choose_next
from hub.schedule import break_at

SURVEY_ELEMENTS = 9
"""SKM elements U1..U9 (PermenPANRB 14/2017)."""
COMPLAINT_KINDS = ("complaint", "suggestion")
COMPLAINT_TEXT_MAX = 1000
COMPLAINT_CONTACT_MAX = 100
"""Longest complaint text and contact kept (the protocol refuses longer ones first)."""
FINISH_OUTCOMES = ("served", "incomplete_documents", "referred")
"""How a visit finished at a counter ended: served, sent home for missing documents
(berkas tidak lengkap), or referred elsewhere."""
REFERRAL_NOTE_MAX = 200
"""Longest referral note kept (the protocol refuses longer ones first)."""


class QueueEngine(AppointmentEngine):
    """All queues and counters of one mall: the commands that change them.

    The appointment commands (book, cancel, check in, missed) are in appointments.py.
    """

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
        pending: bool = False,
        booked: bool = False,
        contact: str | None = None,
        nik: str | None = None,
        language: str = "id",
        linked_to: str | None = None,
    ) -> list[ev.Event]:
        """Give a visitor the next number of a service, or refuse with the reason.

        `pending`: the kiosk prints first; the ticket joins the queue only when
        `confirm_ticket` says the visitor holds it (see records.py). `booked`: an
        appointment's check-in, whose slot the booking already checked (no cut-off, no
        quota: the place was promised). `contact`: the visitor's phone number as typed
        (kept normalised, limits.py); a `mobile` ticket needs one. `nik`: the visitor's
        NIK, kept only as its keyed hash. The service's anti-calo limits count on both.
        """
        self._require_today(at, "issue a ticket")
        if contact is not None:
            contact = normalise_contact(contact)
        elif channel == "mobile":
            raise InvalidArgument("a ticket taken on a phone needs the phone number")
        nik_hashed = (nik_hash(self.config.hub.visitor_secret, nik)
                      if nik is not None else None)
        if issued_by is not None and issued_by in self.paused_devices:
            raise IllegalMove("issue a ticket", f"kiosk {issued_by}", "paused by a supervisor")
        service = self._service(service_id)
        if priority_kind is not None:
            if priority_kind not in self.config.queue.priority_kinds:
                raise InvalidArgument(f"unknown priority kind {priority_kind!r}")
            if not service.allow_priority:
                raise ServiceUnavailable(service_id, "priority_not_allowed", None)
        state = self.availability(service_id, at)
        if not state.open and not booked:
            raise ServiceUnavailable(service_id, state.reason or "closed", state.opens_at)
        self._check_limits(service, contact, nik_hashed)
        queue = self.queues[service_id]
        if language not in ("id", "en"):
            raise InvalidArgument(f"language must be id or en, not {language!r}")
        journey_id = None
        if linked_to is not None:  # a second ticket of the same visit: one journey
            earlier = self.ticket(linked_to)
            journey_id = earlier.journey_id or earlier.ticket_id
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
                pending=pending,
                contact=contact,
                nik_hash=nik_hashed,
                language=language,
                journey_id=journey_id,
            )
        )

    def _check_limits(self, service: Service, contact: str | None,
                      nik_hashed: str | None) -> None:
        """Refuse a ticket the service's anti-calo limits forbid (limits.py)."""
        limits = service.limits
        if limits is None:
            return
        for key in identities(contact, nik_hashed):
            issued = self.by_identity.get((service.id, key), [])
            kind = key.partition(":")[0]
            if limits.one_active and any(not self.tickets[t].status.is_final for t in issued):
                raise LimitReached(service.id, "one_active", kind, 1)
            if limits.max_per_day is not None and len(issued) >= limits.max_per_day:
                raise LimitReached(service.id, "max_per_day", kind, limits.max_per_day)

    def leave_queue(self, ticket_ref: str, at: dt.datetime) -> list[ev.Event]:
        """The visitor leaves the queue from their phone: a waiting ticket is cancelled."""
        self._require_today(at, "leave the queue")
        ticket = self.ticket(ticket_ref)
        self._require_ticket(ticket, "leave the queue", TicketStatus.WAITING)
        return self._emit(ev.TicketCancelled(at, ticket.ticket_id, LEFT_QUEUE))

    def say_present(self, ticket_ref: str, at: dt.datetime) -> list[ev.Event]:
        """The visitor says "I'm here" on their phone after a recall: the counter waits."""
        self._require_today(at, "say I'm here")
        ticket = self.ticket(ticket_ref)
        self._require_ticket(ticket, "say I'm here", TicketStatus.CALLED)
        if ticket.recall_count < 1:
            raise IllegalMove("say I'm here", f"ticket {ticket.label}", "called, not recalled",
                              "go to the counter")
        if ticket.present_at is not None:
            raise IllegalMove("say I'm here", f"ticket {ticket.label}", "already announced")
        assert ticket.counter_id is not None
        return self._emit(ev.VisitorPresent(at, ticket.ticket_id, ticket.counter_id))

    def confirm_ticket(
        self, ticket_ref: str, how: str, at: dt.datetime, by: str | None = None
    ) -> list[ev.Event]:
        """A pending ticket reached its visitor (printed, or shown on screen): queue it."""
        self._require_today(at, "confirm a ticket")
        ticket = self.ticket(ticket_ref)
        self._require_ticket(ticket, "confirm", TicketStatus.PENDING)
        if by is not None and ticket.issued_by != by:
            raise IllegalMove("confirm", f"ticket {ticket.label}", f"not issued by {by}")
        if how not in ("printed", "on_screen"):
            raise InvalidArgument(f"unknown confirmation {how!r} (printed or on_screen)")
        return self._emit(ev.TicketConfirmed(at, ticket.ticket_id, how))

    def cancel_unconfirmed(self, at: dt.datetime) -> list[ev.Event]:
        """Cancel pending tickets whose print was not confirmed in time: nobody holds them."""
        limit = dt.timedelta(seconds=self.config.queue.print_confirm_seconds)
        overdue = [ticket_id for queue in self.queues.values() for ticket_id in queue.pending
                   if at - self.tickets[ticket_id].issued_at >= limit]
        emitted: list[ev.Event] = []
        for ticket_id in overdue:
            emitted += self._emit(ev.TicketCancelled(at, ticket_id, "print_unconfirmed"))
        return emitted

    def next_unconfirmed_deadline(self) -> dt.datetime | None:
        """When the oldest pending ticket runs out of time (None: nothing is pending)."""
        issued = [self.tickets[t].issued_at for q in self.queues.values() for t in q.pending]
        if not issued:
            return None
        return min(issued) + dt.timedelta(seconds=self.config.queue.print_confirm_seconds)

    def reprint_ticket(
        self, ticket_ref: str, at: dt.datetime, by: str, kiosk: str | None = None
    ) -> list[ev.Event]:
        """Print today's ticket again, same number (jammed or torn paper).

        A kiosk (`kiosk` None) may reprint only what it issued, within the configured
        minutes and before the visit ended; a supervisor names the kiosk that prints.
        """
        self._require_today(at, "reprint a ticket")
        ticket = self.ticket(ticket_ref)
        if kiosk is None:
            limit = dt.timedelta(minutes=self.config.queue.reprint_minutes)
            if ticket.issued_by != by:
                raise IllegalMove("reprint", f"ticket {ticket.label}", f"not issued by {by}")
            if ticket.status.is_final:
                raise IllegalMove("reprint", f"ticket {ticket.label}", ticket.status.value)
            if at - ticket.issued_at > limit:
                raise IllegalMove(
                    "reprint", f"ticket {ticket.label}",
                    f"issued more than {self.config.queue.reprint_minutes} minutes ago",
                    "ask the MPP staff",
                )
        else:
            try:
                role = self.config.device(kiosk).role
            except KeyError:
                raise InvalidArgument(f"unknown device {kiosk!r}") from None
            if role != "kiosk":
                raise InvalidArgument(f"only a kiosk prints tickets, {kiosk} is a {role}")
        ahead, minutes = (self.ticket_position(ticket.ticket_id, at)
                          if ticket.status in (TicketStatus.PENDING, TicketStatus.WAITING)
                          else (0, None))
        return self._emit(ev.TicketReprinted(
            at, ticket.ticket_id, kiosk or by, by, ticket.label, ticket.service_id,
            ticket.priority_kind, ticket.issued_at, ticket.status.value, ahead, minutes))

    def call_next(self, counter_id: str, at: dt.datetime) -> list[ev.Event]:
        """Call the next waiting visitor for this counter's services."""
        _, desk = self._idle_desk(counter_id, at, "call next")
        self._require_no_break(at)
        counter = self.counter_config(counter_id)
        ticket_id = choose_next(
            counter, desk, self.queues, self.assigned[counter_id], self.config.queue,
            at, self.tickets, self._services_by_id,
        )
        if ticket_id is None:
            raise NothingToCall(counter_id)
        ticket = self.tickets[ticket_id]
        return self._emit(ev.TicketCalled(at, ticket_id, counter_id, ticket.service_id, "next"))

    def call_ticket(self, counter_id: str, ticket_ref: str, at: dt.datetime) -> list[ev.Event]:
        """Call a specific waiting number (e.g. a visitor who was sent back to this counter)."""
        self._idle_desk(counter_id, at, "call a specific number")
        counter = self.counter_config(counter_id)
        ticket = self.ticket(ticket_ref)
        if ticket.status == TicketStatus.PARKED and ticket.counter_id == counter_id:
            return self._emit(
                ev.TicketCalled(at, ticket.ticket_id, counter_id, ticket.service_id, "resume")
            )
        self._require_no_break(at)
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
        grace = dt.timedelta(seconds=self.config.queue.here_grace_seconds)
        if ticket.present_at is not None and at - ticket.present_at < grace:
            raise IllegalMove(
                "mark no-show", f"ticket {ticket.label}", "on the way (the visitor said so)",
                f"wait until {self.local(ticket.present_at + grace):%H:%M:%S}",
            )
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
        target_counter = self.counter_config(to_counter_id) if to_counter_id else None
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
                at, ticket.ticket_id, counter_id, ticket.service_id, to_service_id, to_counter_id,
                max(0.0, (at - ticket.called_at).total_seconds()) if ticket.called_at else 0.0,
            )
        )

    def finish(
        self,
        counter_id: str,
        at: dt.datetime,
        outcome: str = "served",
        missing_requirements: list[str] | None = None,
        referred_tenant_id: str | None = None,
        referred_note: str | None = None,
    ) -> list[ev.Event]:
        """End the visit at the counter with its outcome, and free the counter.

        `outcome` is one of FINISH_OUTCOMES: served; incomplete_documents, naming which of
        the service's published requirements (Indonesian texts, as configured) were
        missing; or referred elsewhere, to a tenant of the mall and/or a place in words.
        """
        ticket = self._current_ticket(counter_id, at, "finish")
        assert ticket.called_at is not None
        missing, tenant, note = self._finish_outcome(
            ticket, outcome, missing_requirements or [], referred_tenant_id, referred_note)
        seconds = max(0.0, (at - ticket.called_at).total_seconds())
        return self._emit(
            ev.TicketFinished(at, ticket.ticket_id, counter_id, ticket.service_id, seconds,
                              outcome, missing, tenant, note)
        )

    def _finish_outcome(
        self, ticket: Ticket, outcome: str, missing: list[str], tenant_id: str | None,
        note: str | None,
    ) -> tuple[list[str], str | None, str | None]:
        """Check a finish's outcome against its rule; return (missing, tenant, note) kept.

        Missing requirements are those of the service the visit is at now (after any
        transfer), in the configuration's order; a referral goes to another tenant or
        somewhere named in words (or both), never to the visit's own tenant (a transfer).
        """
        if outcome not in FINISH_OUTCOMES:
            raise InvalidArgument(
                f"unknown outcome {outcome!r} (use one of: {', '.join(FINISH_OUTCOMES)})")
        note = " ".join((note or "").split())[:REFERRAL_NOTE_MAX] or None
        if outcome != "incomplete_documents" and missing:
            raise InvalidArgument(f"missing requirements belong to incomplete_documents, "
                                  f"not to {outcome}")
        if outcome != "referred" and (tenant_id is not None or note is not None):
            raise InvalidArgument(f"a referral belongs to referred, not to {outcome}")
        if outcome == "incomplete_documents":
            published = self._service(ticket.service_id).requirements.id
            if not published:
                raise InvalidArgument(
                    f"service {ticket.service_id} publishes no requirements to be missing")
            if not missing:
                raise InvalidArgument("incomplete_documents needs the missing requirements")
            unknown = [item for item in missing if item not in published]
            if unknown:
                raise InvalidArgument(
                    f"not a requirement of {ticket.service_id}: {unknown[0]!r}")
            if len(set(missing)) != len(missing):
                raise InvalidArgument("a missing requirement is named twice")
            return [item for item in published if item in missing], None, None
        if outcome == "referred":
            if tenant_id is None and note is None:
                raise InvalidArgument("a referral needs a tenant or where to go, in words")
            if tenant_id is not None:
                if tenant_id not in {t.id for t in self.config.tenants}:
                    raise InvalidArgument(f"unknown tenant {tenant_id!r}")
                if tenant_id == self._service(ticket.service_id).tenant:
                    raise InvalidArgument(
                        f"{tenant_id} is the visit's own tenant: transfer the ticket instead")
            return [], tenant_id, note
        return [], None, None

    def cancel_ticket(
        self, ticket_ref: str, reason: str, at: dt.datetime, by: str | None = None
    ) -> list[ev.Event]:
        """Withdraw a pending or waiting ticket that never reached its visitor (print failure).

        With `by`, only the device that issued the ticket may withdraw it, and only
        before any counter touched it.
        """
        self._require_today(at, "cancel a ticket")
        ticket = self.ticket(ticket_ref)
        if ticket.status != TicketStatus.PENDING:
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

    def submit_complaint(
        self,
        at: dt.datetime,
        counter_id: str,
        device_id: str,
        feedback: str,
        category: str,
        text: str,
        contact: str | None = None,
        ticket_ref: str | None = None,
        language: str = "id",
    ) -> list[ev.Event]:
        """Record a complaint or suggestion left at the survey tablet of `counter_id`.

        It is about that counter's tenant; `ticket_ref` (optional) names today's visit.
        """
        self._require_today(at, "submit a complaint")
        counter = self._counter(counter_id)
        if feedback not in COMPLAINT_KINDS:
            raise InvalidArgument(f"feedback must be one of {', '.join(COMPLAINT_KINDS)}")
        if self.config.mpp.complaints.category(category) is None:
            known = ", ".join(c.id for c in self.config.mpp.complaints.categories)
            raise InvalidArgument(f"unknown complaint category {category!r} (known: {known})")
        text = " ".join(text.split())
        if not text:
            raise InvalidArgument("the complaint text is empty")
        ticket_id = self.ticket(ticket_ref).ticket_id if ticket_ref else None
        number = self.complaints_today + 1
        return self._emit(ev.ComplaintSubmitted(
            at, f"{self.business_day}/PS-{number:03d}", feedback, category, counter.tenant,
            counter.id, device_id, text[:COMPLAINT_TEXT_MAX],
            " ".join((contact or "").split())[:COMPLAINT_CONTACT_MAX] or None, ticket_id,
            language if language in ("id", "en") else "id"))

    # ------------------------------------------------------- supervisor, for today

    def set_service_closed(
        self, service_id: str, closed: bool, at: dt.datetime, reason: str = ""
    ) -> list[ev.Event]:
        """Stop (or restart) issuing tickets for a service today; waiting tickets stay."""
        self._require_today(at, "close a service")
        self._service(service_id)
        if closed == (service_id in self.closed_services):
            state = "closed" if closed else "open"
            raise IllegalMove("close" if closed else "reopen", f"service {service_id}", state)
        return self._emit(ev.ServiceClosedToday(at, service_id, closed, reason[:200]))

    def set_counter_services(
        self, counter_id: str, services: list[str], at: dt.datetime
    ) -> list[ev.Event]:
        """Change which services a counter calls from, for today (order as given)."""
        self._desk(counter_id, at, "change a counter's services")
        if not services or len(set(services)) != len(services):
            raise InvalidArgument("give one or more different services")
        for service_id in services:
            self._service(service_id)
        return self._emit(ev.CounterServicesChanged(at, counter_id, list(services)))

    def set_device_paused(self, device_id: str, paused: bool, at: dt.datetime) -> list[ev.Event]:
        """Pause (or resume) a kiosk: it offers no tickets while paused."""
        self._require_today(at, "pause a kiosk")
        try:
            role = self.config.device(device_id).role
        except KeyError:
            raise InvalidArgument(f"unknown device {device_id!r}") from None
        if role != "kiosk":
            raise InvalidArgument(f"only kiosks can be paused, {device_id} is a {role}")
        return self._emit(ev.DevicePaused(at, device_id, paused))

    def set_running_text(
        self, text_id: str, text_en: str | None, at: dt.datetime
    ) -> list[ev.Event]:
        """Replace the hall displays' running text for today."""
        self._require_today(at, "set the running text")
        if not text_id.strip():
            raise InvalidArgument("the running text needs an Indonesian text")
        return self._emit(ev.RunningTextChanged(at, text_id.strip(), text_en or None))

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

    # ------------------------------------------------------------------ reading

    def allowed_actions(self, counter_id: str, at: dt.datetime) -> list[str]:
        """The counter commands that would be carried out now (request types), for its screen.

        The same conditions the commands check, so a terminal greys out exactly what the
        hub would refuse; the hub still refuses anything else. Keep them side by side.
        """
        desk = self.counters[counter_id]
        if not self._is_today(at):
            return []
        status = desk.status
        on_break = break_at(self.config, self.local(at)) is not None
        allowed: list[str] = []
        if status == CounterStatus.OPEN:
            allowed += ["pause_counter", "close_counter"]
            if not on_break:
                allowed.append("call_ticket")
                counter = self.counter_config(counter_id)
                if choose_next(counter, desk, self.queues, self.assigned[counter_id],
                               self.config.queue, at, self.tickets,
                               self._services_by_id) is not None:
                    allowed.append("call_next")
            if self.parked[counter_id]:
                allowed.append("resume_parked")
        elif status == CounterStatus.SERVING and desk.ticket_id is not None:
            allowed += ["recall", "park", "transfer", "finish"]
            if self.tickets[desk.ticket_id].recall_count >= self.config.queue.no_show_min_recalls:
                allowed.append("mark_no_show")
        elif status == CounterStatus.PAUSED:
            allowed += ["resume_counter", "close_counter"]
        elif status == CounterStatus.CLOSED:
            allowed.append("open_counter")
        return sorted(allowed)

    # ----------------------------------------------------------------- helpers
    def _emit(self, event: ev.Event) -> list[ev.Event]:
        self.apply(event)
        return [event]

    def _require_today(self, at: dt.datetime, command: str) -> None:
        if not self._is_today(at):
            raise IllegalMove(
                command, f"business day {self.business_day_of(at)}", "not started",
                "call start_day first",
            )

    def _require_no_break(self, at: dt.datetime) -> None:
        pause = break_at(self.config, self.local(at))
        if pause is not None:
            raise OnBreak(pause.reason.id, pause.reason.en, self.break_ends_at(at))

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

