"""Appointments (antrean online): the booking rules and the book, pure like the engine.

Theory of operation
-------------------
A service with `[services.appointments]` offers slots: from its opening time, one every
`slot_minutes`, each starting before the day's cut-off and ending by closing time, none
starting inside a break. Each slot takes `capacity` appointments.

    BOOKED --checked_in--> CHECKED_IN   (a ticket of channel online is its visit)
      |  ^------- the ticket is cancelled (print failed): booked again ----'
      |--cancelled--> CANCELLED (final)
      '--missed-----> MISSED    (final; a no_show visit in the report)

Booking is refused (`AppointmentRefused`, the reason a portal and the kiosk both show)
for a closed day (`holiday`, `closed_today`: the kiosk's own reasons), a time that is
no slot, a `slot_full`, a slot whose booking has closed (`booking_closed`: fewer than
`cutoff_minutes` before it, or past) or one beyond `days_ahead` (`too_far_ahead`).

Check-in at a kiosk is open from `early_minutes` before the slot starts until
`late_minutes` after it ends; outside that it is `too_early` or `too_late`, and a
second check-in is `already_checked_in`. When the window has closed with nobody checked
in, `mark_missed_appointments` ends the appointment as missed.

The book outlives the business day (appointments are made days ahead), unlike the
queues: `BusinessDayStarted` does not touch it. The hub rebuilds it on start from the
appointment events still relevant (hub/appointment_log.py) and then today's events.

Booking codes come from the caller (`booking_code` over random bytes it supplies), so
the engine stays free of randomness; the engine refuses a code already in the book.

An import (`import_appointments`, from a CSV file) books many rows or none: every row
is checked by the same rules as one booking, with the places the rows before it take
counted, and one refused row refuses the whole import (`ImportRefused`, each refused
row with its reason) before anything is applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from hub.config.models import WEEKDAYS, AppointmentRules, MallConfig, Service
from hub.engine import events as ev
from hub.engine.errors import InvalidArgument, QueueError
from hub.engine.limits import LimitReached, identities, phone_or_none
from hub.engine.records import TicketStatus
from hub.engine.state import EngineState
from hub.schedule import holiday_on, hours_for, hours_on

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""32 signs with no 0/O or 1/I to confuse when typed from a phone's screen."""
CODE_LENGTH = 6
CHANNELS = ("portal", "supervisor", "import")
NAME_MAX = 80
CONTACT_MAX = 32
IMPORT_ROWS_MAX = 250
"""Rows one import may book (one request: 250 rows stay under the hub's 64 KiB message)."""


def booking_code(random_bytes: bytes) -> str:
    """Make a booking code (6 signs of CODE_ALPHABET) from `CODE_LENGTH` random bytes."""
    if len(random_bytes) < CODE_LENGTH:
        raise ValueError(f"need {CODE_LENGTH} random bytes")
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in random_bytes[:CODE_LENGTH])


def fresh_code(book: AppointmentBook, random_bytes: Callable[[int], bytes]) -> str:
    """A booking code not in the book, from the caller's randomness (secrets.token_bytes)."""
    while True:
        code = booking_code(random_bytes(CODE_LENGTH))
        if code not in book.by_code:
            return code


def normalise_code(text: str) -> str:
    """A code as typed or scanned: spaces and dashes dropped, upper case ("k7m-3qd")."""
    return "".join(ch for ch in text.upper() if ch not in " -\t\r\n")


class AppointmentStatus(StrEnum):
    """Where an appointment is in its life."""

    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    MISSED = "missed"


class AppointmentRefused(QueueError):
    """A booking, cancellation or check-in the rules refuse; `reason` says which rule.

    Reasons: not_bookable, not_a_slot, holiday, closed_today, slot_full, booking_closed,
    too_far_ahead, code_taken, unknown_appointment, cancelled, missed, already_checked_in,
    too_early, too_late, wrong_day. `when` is the time the reason is about (when check-in
    opens or closed, when booking closed), if any.
    """

    code = "appointment_refused"

    def __init__(self, reason: str, detail: str, when: dt.datetime | None = None) -> None:
        super().__init__(f"appointment refused: {reason} ({detail})")
        self.reason = reason
        self.when = when


class ImportRefused(QueueError):
    """An import with refused rows: nothing of it was booked.

    `rows` holds (row number from 1, the refusal) for every refused row, not just the first.
    """

    code = "import_refused"

    def __init__(self, rows: list[tuple[int, QueueError]]) -> None:
        super().__init__(f"import refused: {len(rows)} row(s) cannot be booked; nothing was "
                         "booked")
        self.rows = rows


@dataclass(frozen=True, slots=True)
class BookingRow:
    """One appointment to book in an import: as `book_appointment` takes it.

    A `slot_start` without a time zone is mall time (a spreadsheet's "2026-11-24 10:30").
    """

    service_id: str
    slot_start: dt.datetime
    name: str
    contact: str
    language: str = "id"


@dataclass(frozen=True, slots=True)
class Slot:
    """One bookable slot of a service on a day (mall time)."""

    start: dt.datetime
    end: dt.datetime


@dataclass(slots=True)
class Appointment:
    """One booked visit: who, which service, which slot, and what became of it."""

    appointment_id: str
    code: str
    service_id: str
    tenant_id: str
    category: str
    slot_start: dt.datetime
    slot_end: dt.datetime
    name: str
    contact: str
    language: str
    booked_by: str
    channel: str
    booked_at: dt.datetime
    status: AppointmentStatus = AppointmentStatus.BOOKED
    ticket_id: str | None = None


def person_by_phone(contact: str | None) -> str | None:
    """The key a booking's phone number counts under in the limits ("tel:0812…"; +62 and
    0 alike), or None for a NIK's last digits."""
    phone = phone_or_none(contact)
    return identities(phone, None)[0] if phone else None


def rules_of(service: Service) -> AppointmentRules:
    """The service's appointment rules; refuse a service that takes none."""
    if service.appointments is None:
        raise AppointmentRefused("not_bookable", f"service {service.id} takes no appointments")
    return service.appointments


def slots_on(config: MallConfig, service: Service, day: dt.date,
             tz: dt.tzinfo) -> list[Slot]:
    """The service's slots on `day`; none on a holiday or a day it is closed."""
    rules = rules_of(service)
    if holiday_on(config, day):
        return []
    entry = hours_on(hours_for(config, service), day)
    if entry is None:
        return []
    weekday = WEEKDAYS[day.weekday()]
    breaks = [b for b in config.schedule.breaks if weekday in b.days]
    length = dt.timedelta(minutes=rules.slot_minutes)
    start = dt.datetime.combine(day, entry.open, tzinfo=tz)
    last_start = dt.datetime.combine(day, entry.last_ticket_time, tzinfo=tz)
    close = dt.datetime.combine(day, entry.close, tzinfo=tz)
    slots = []
    while start < last_start and start + length <= close:
        if not any(b.start <= start.time() < b.end for b in breaks):
            slots.append(Slot(start, start + length))
        start += length
    return slots


def closed_reason(config: MallConfig, service: Service, day: dt.date) -> str | None:
    """Why the service has no slots on `day` (holiday, closed_today), or None if it has."""
    if holiday_on(config, day):
        return "holiday"
    if hours_on(hours_for(config, service), day) is None:
        return "closed_today"
    return None


def check_in_window(rules: AppointmentRules, slot: Slot) -> tuple[dt.datetime, dt.datetime]:
    """From when until when the visitor may check in for `slot`."""
    return (slot.start - dt.timedelta(minutes=rules.early_minutes),
            slot.end + dt.timedelta(minutes=rules.late_minutes))


@dataclass(slots=True)
class AppointmentBook:
    """The appointments that still matter (today's and later), by code."""

    by_code: dict[str, Appointment] = field(default_factory=dict)
    taken: dict[tuple[str, dt.datetime], int] = field(default_factory=dict)
    """(service, slot start) → appointments holding a place (booked or checked in)."""
    by_ticket: dict[str, str] = field(default_factory=dict)
    """Check-in ticket id → code."""

    def get(self, code: str) -> Appointment | None:
        """The appointment with this code (typed as the visitor typed it), or None."""
        return self.by_code.get(normalise_code(code))

    def booked_in(self, service_id: str, slot_start: dt.datetime) -> int:
        """How many places of this slot are taken."""
        return self.taken.get((service_id, slot_start), 0)

    def open_before(self, moment: dt.datetime) -> list[Appointment]:
        """Booked appointments (not checked in) whose slot started before `moment`."""
        return [a for a in self.by_code.values()
                if a.status == AppointmentStatus.BOOKED and a.slot_start < moment]

    def add(self, event: ev.AppointmentBooked) -> None:
        """Apply a booking."""
        self.by_code[event.code] = Appointment(
            event.appointment_id, event.code, event.service_id, event.tenant_id,
            event.category, event.slot_start, event.slot_end, event.name, event.contact,
            event.language, event.booked_by, event.channel, event.at)
        key = (event.service_id, event.slot_start)
        self.taken[key] = self.taken.get(key, 0) + 1

    def end(self, code: str, status: AppointmentStatus) -> None:
        """Apply a cancellation or a miss: the place is free again (or no longer matters)."""
        appointment = self.by_code[code]
        if appointment.status in (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN):
            self.taken[(appointment.service_id, appointment.slot_start)] -= 1  # added at booking
        appointment.status = status

    def check_in(self, code: str, ticket_id: str) -> None:
        """Apply a check-in."""
        appointment = self.by_code[code]
        appointment.status = AppointmentStatus.CHECKED_IN
        appointment.ticket_id = ticket_id
        self.by_ticket[ticket_id] = code

    def release(self, ticket_id: str) -> None:
        """The check-in's ticket was cancelled (never reached the visitor): booked again."""
        code = self.by_ticket.pop(ticket_id, None)
        if code is not None and code in self.by_code:
            appointment = self.by_code[code]
            appointment.status = AppointmentStatus.BOOKED
            appointment.ticket_id = None

    def forget_before(self, day: dt.date) -> None:
        """Drop appointments of days before `day` that are over (memory stays bounded)."""
        for code, appointment in list(self.by_code.items()):
            if appointment.slot_start.date() < day and appointment.status in (
                    AppointmentStatus.CANCELLED, AppointmentStatus.MISSED,
                    AppointmentStatus.CHECKED_IN):
                del self.by_code[code]
                self.taken.pop((appointment.service_id, appointment.slot_start), None)
                if appointment.ticket_id:
                    self.by_ticket.pop(appointment.ticket_id, None)


class AppointmentEngine(EngineState):
    """The engine's appointment commands; `QueueEngine` inherits them."""

    if TYPE_CHECKING:
        def issue_ticket(self, service_id: str, at: dt.datetime,
                         priority_kind: str | None = None, channel: str = "kiosk",
                         issued_by: str | None = None, pending: bool = False,
                         booked: bool = False, contact: str | None = None,
                         nik: str | None = None, language: str = "id",
                         linked_to: str | None = None) -> list[ev.Event]: ...

        def _require_today(self, at: dt.datetime, command: str) -> None: ...

    def __init__(self, config: MallConfig) -> None:
        super().__init__(config)
        self.appointments = AppointmentBook()

    # ---------------------------------------------------------------- reading

    def appointment_slots(self, service_id: str, day: dt.date, at: dt.datetime
                          ) -> list[tuple[Slot, int, str | None]]:
        """Each slot of the day with its places taken and why it cannot be booked now."""
        service = self._service(service_id)
        rules = rules_of(service)
        result = []
        for slot in slots_on(self.config, service, day, self.timezone):
            taken = self.appointments.booked_in(service_id, slot.start)
            try:
                self._check_bookable(service, rules, slot.start, at, taken)
                refusal = None
            except AppointmentRefused as refused:
                refusal = refused.reason
            result.append((slot, taken, refusal))
        return result

    def appointment(self, code: str) -> Appointment:
        """The appointment with this code; refuse an unknown one."""
        appointment = self.appointments.get(code)
        if appointment is None:
            raise AppointmentRefused("unknown_appointment", f"no appointment {code!r}")
        return appointment

    # --------------------------------------------------------------- commands

    def book_appointment(
        self, service_id: str, slot_start: dt.datetime, at: dt.datetime, *, name: str,
        contact: str, language: str, code: str, booked_by: str, channel: str,
    ) -> list[ev.Event]:
        """Book a place in a slot of a service, or refuse with the rule's reason."""
        return self._emit_appointment(self._booking(
            service_id, slot_start, at, name=name, contact=contact, language=language,
            code=code, booked_by=booked_by, channel=channel))

    def import_appointments(self, rows: Sequence[BookingRow], at: dt.datetime,
                            codes: Sequence[str], booked_by: str) -> list[ev.Event]:
        """Book every row (channel import, codes in order) or none: see ImportRefused."""
        if not rows or len(rows) > IMPORT_ROWS_MAX:
            raise InvalidArgument(f"an import books 1 to {IMPORT_ROWS_MAX} rows")
        if len(codes) != len(rows) or len(set(codes)) != len(codes):
            raise InvalidArgument("an import needs one distinct code per row")
        booked: list[ev.AppointmentBooked] = []
        refused: list[tuple[int, QueueError]] = []
        earlier: dict[tuple[str, dt.datetime], int] = {}
        earlier_phones: dict[tuple[str, str], list[dt.datetime]] = {}
        for number, (row, code) in enumerate(zip(rows, codes, strict=True), 1):
            start = (row.slot_start if row.slot_start.tzinfo is not None
                     else row.slot_start.replace(tzinfo=self.timezone))
            try:
                event = self._booking(row.service_id, start, at, name=row.name,
                                      contact=row.contact, language=row.language, code=code,
                                      booked_by=booked_by, channel="import", earlier=earlier,
                                      earlier_phones=earlier_phones)
            except QueueError as error:
                refused.append((number, error))
                continue
            key = (event.service_id, event.slot_start)
            earlier[key] = earlier.get(key, 0) + 1
            phone = person_by_phone(event.contact)
            if phone is not None:
                earlier_phones.setdefault((event.service_id, phone), []).append(
                    event.slot_start)
            booked.append(event)
        if refused:
            raise ImportRefused(refused)
        emitted: list[ev.Event] = []
        for event in booked:
            emitted += self._emit_appointment(event)
        return emitted

    def _booking(
        self, service_id: str, slot_start: dt.datetime, at: dt.datetime, *, name: str,
        contact: str, language: str, code: str, booked_by: str, channel: str,
        earlier: dict[tuple[str, dt.datetime], int] | None = None,
        earlier_phones: dict[tuple[str, str], list[dt.datetime]] | None = None,
    ) -> ev.AppointmentBooked:
        """The booking event if the rules allow it (nothing applied); `earlier`: places
        an import's earlier rows take in each (service, slot); `earlier_phones`: the slots
        its earlier rows booked per (service, phone number)."""
        service = self._service(service_id)
        rules = rules_of(service)
        if channel not in CHANNELS:
            raise InvalidArgument(f"unknown booking channel {channel!r}")
        name, contact = " ".join(name.split()), "".join(contact.split())
        if not name or len(name) > NAME_MAX:
            raise InvalidArgument(f"a name of 1 to {NAME_MAX} characters is needed")
        if not contact or len(contact) > CONTACT_MAX:
            raise InvalidArgument(f"a phone number or the NIK's last digits (up to "
                                  f"{CONTACT_MAX} characters) is needed")
        if language not in ("id", "en"):
            raise InvalidArgument("language is id or en")
        if slot_start.tzinfo is None:
            raise InvalidArgument("the slot start needs a time zone (e.g. +07:00)")
        if normalise_code(code) != code or len(code) != CODE_LENGTH or any(
                ch not in CODE_ALPHABET for ch in code):
            raise InvalidArgument(f"a booking code is {CODE_LENGTH} of {CODE_ALPHABET}")
        if code in self.appointments.by_code:
            raise AppointmentRefused("code_taken", f"code {code} is in use")
        local_start = self.local(slot_start)
        slot = self._slot(service, local_start)
        taken = self.appointments.booked_in(service_id, slot.start)
        taken += (earlier or {}).get((service_id, slot.start), 0)
        self._check_bookable(service, rules, slot.start, at, taken)
        self._check_booking_limits(service, slot.start, contact, earlier_phones or {})
        return ev.AppointmentBooked(
            at, f"{slot.start.date().isoformat()}/{code}", code, service_id, service.tenant,
            service.category, slot.start, slot.end, name, contact, language, booked_by,
            channel)

    def _check_booking_limits(self, service: Service, slot_start: dt.datetime, contact: str,
                              earlier_phones: dict[tuple[str, str], list[dt.datetime]]
                              ) -> None:
        """The service's anti-calo limits hold for bookings too (limits.py), counted on the
        phone number: one open booking, or `max_per_day` bookings for the slot's day."""
        limits, phone = service.limits, person_by_phone(contact)
        if limits is None or phone is None:
            return  # a NIK's last digits identify nobody: the check-in's NIK or phone does
        mine = [a for a in self.appointments.by_code.values()
                if a.service_id == service.id and person_by_phone(a.contact) == phone
                and a.status in (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN)]
        this_import = earlier_phones.get((service.id, phone), [])
        if limits.one_active and (this_import or any(
                a.status is AppointmentStatus.BOOKED for a in mine)):
            raise LimitReached(service.id, "one_active", "tel", 1)
        same_day = [start for start in [a.slot_start for a in mine] + this_import
                    if start.date() == slot_start.date()]
        if limits.max_per_day is not None and len(same_day) >= limits.max_per_day:
            raise LimitReached(service.id, "max_per_day", "tel", limits.max_per_day)

    def cancel_appointment(self, code: str, at: dt.datetime, by: str) -> list[ev.Event]:
        """Cancel a booked appointment (not one checked in or over)."""
        appointment = self.appointment(code)
        self._require_booked(appointment)
        return self._emit_appointment(
            ev.AppointmentCancelled(at, appointment.appointment_id, appointment.code, by))

    def check_in_appointment(
        self, code: str, at: dt.datetime, issued_by: str | None = None, pending: bool = False
    ) -> list[ev.Event]:
        """Check a visitor in at a kiosk: a ticket of channel online, then the check-in.

        The ticket follows the print-first flow like any kiosk ticket (`pending`). Its
        slot was checked when it was booked, so today's ticket cut-off and quota do not
        apply; the check-in window does.
        """
        self._require_today(at, "check in an appointment")
        appointment = self.appointment(code)
        self._require_booked(appointment)
        rules = rules_of(self._service(appointment.service_id))
        opens, closes = check_in_window(rules, Slot(appointment.slot_start,
                                                    appointment.slot_end))
        local = self.local(at)
        if self.local(appointment.slot_start).date() != local.date():
            reason = "too_early" if appointment.slot_start > at else "too_late"
            raise AppointmentRefused(reason, "booked for another day",
                                     self.local(opens if reason == "too_early" else closes))
        if at < opens:
            raise AppointmentRefused("too_early", "check-in opens later", self.local(opens))
        if at > closes:
            raise AppointmentRefused("too_late", "check-in closed", self.local(closes))
        # The booking's contact is the ticket's when it is a phone number (not a NIK's
        # last digits): the visitor is told their turn is near like any other.
        issued = self.issue_ticket(appointment.service_id, at, None, channel="online",
                                   issued_by=issued_by, pending=pending, booked=True,
                                   contact=phone_or_none(appointment.contact),
                                   language=appointment.language)
        ticket_id = issued[0].ticket_id  # type: ignore[attr-defined]
        return issued + self._emit_appointment(ev.AppointmentCheckedIn(
            at, appointment.appointment_id, appointment.code, ticket_id,
            appointment.service_id, appointment.slot_start, appointment.slot_end))

    def mark_missed_appointments(self, at: dt.datetime) -> list[ev.Event]:
        """End as missed every booked appointment whose check-in window has closed."""
        emitted: list[ev.Event] = []
        for appointment in self.appointments.open_before(at):
            rules = self._service(appointment.service_id).appointments
            late = dt.timedelta(minutes=rules.late_minutes if rules else 0)
            if at <= appointment.slot_end + late:
                continue
            emitted += self._emit_appointment(ev.AppointmentMissed(
                at, appointment.appointment_id, appointment.code, appointment.appointment_id,
                appointment.service_id, appointment.tenant_id, appointment.category,
                appointment.slot_start))
        return emitted

    def next_missed_deadline(self) -> dt.datetime | None:
        """When the next booked appointment's check-in window closes (None: none is open)."""
        ends = [a.slot_end + dt.timedelta(minutes=(s.appointments.late_minutes
                                                    if s.appointments else 0))
                for a in self.appointments.by_code.values()
                if a.status == AppointmentStatus.BOOKED
                for s in (self._service(a.service_id),)]
        return min(ends) if ends else None

    # ------------------------------------------------------------------ apply

    def _apply_business_day_started(self, event: ev.BusinessDayStarted) -> None:
        super()._apply_business_day_started(event)
        self.appointments.forget_before(event.business_day)

    def _apply_appointment_booked(self, event: ev.AppointmentBooked) -> None:
        self.appointments.add(event)

    def _apply_appointment_cancelled(self, event: ev.AppointmentCancelled) -> None:
        self.appointments.end(event.code, AppointmentStatus.CANCELLED)

    def _apply_appointment_missed(self, event: ev.AppointmentMissed) -> None:
        self.appointments.end(event.code, AppointmentStatus.MISSED)

    def _apply_appointment_checked_in(self, event: ev.AppointmentCheckedIn) -> None:
        self.appointments.check_in(event.code, event.ticket_id)
        ticket = self.tickets[event.ticket_id]
        ticket.appointment_id, ticket.slot_start = event.appointment_id, event.slot_start
        queue = self.queues[ticket.service_id]
        if ticket.status == TicketStatus.WAITING:  # not pending: it joins the line now
            queue.discard(ticket.ticket_id)
            queue.online[ticket.ticket_id] = None

    # ---------------------------------------------------------------- helpers

    def _emit_appointment(self, event: ev.Event) -> list[ev.Event]:
        self.apply(event)
        return [event]

    def _slot(self, service: Service, local_start: dt.datetime) -> Slot:
        reason = closed_reason(self.config, service, local_start.date())
        if reason is not None:
            raise AppointmentRefused(reason, f"no slots on {local_start.date()}")
        for slot in slots_on(self.config, service, local_start.date(), self.timezone):
            if slot.start == local_start:
                return slot
        raise AppointmentRefused("not_a_slot", f"no slot starts at {local_start:%H:%M}")

    def _check_bookable(self, service: Service, rules: AppointmentRules,
                        slot_start: dt.datetime, at: dt.datetime, taken: int) -> None:
        today = self.local(at).date()
        if (slot_start.date() - today).days > rules.days_ahead:
            raise AppointmentRefused("too_far_ahead",
                                     f"slots are booked up to {rules.days_ahead} days ahead")
        closes = slot_start - dt.timedelta(minutes=rules.cutoff_minutes)
        if at >= closes:
            raise AppointmentRefused("booking_closed", "booking for this slot has closed",
                                     self.local(closes))
        if taken >= rules.capacity:
            raise AppointmentRefused("slot_full", f"all {rules.capacity} places are taken")

    @staticmethod
    def _require_booked(appointment: Appointment) -> None:
        status = appointment.status
        if status == AppointmentStatus.BOOKED:
            return
        reason = {AppointmentStatus.CHECKED_IN: "already_checked_in",
                  AppointmentStatus.CANCELLED: "cancelled",
                  AppointmentStatus.MISSED: "missed"}[status]
        raise AppointmentRefused(reason, f"appointment {appointment.code} is {status.value}")

