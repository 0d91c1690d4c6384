"""Events: the facts the queue engine emits, and the only thing the event log stores.

Each event is a small frozen dataclass. The engine changes state only by applying
events (`QueueEngine.apply`), so replaying the log rebuilds exactly the state that
produced it. `event_to_dict` / `event_from_dict` are the one JSON codec for them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class Event:
    """Base of all events; `at` is when it happened (timezone-aware)."""

    type: ClassVar[str] = "event"
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class BusinessDayStarted(Event):
    """A new business day began: numbering restarts, yesterday's leftovers expired."""

    type: ClassVar[str] = "business_day_started"
    business_day: dt.date


@dataclass(frozen=True, slots=True)
class TicketIssued(Event):
    """A visitor got a number. The visit is identified by `ticket_id` from now on."""

    type: ClassVar[str] = "ticket_issued"
    ticket_id: str
    label: str
    number: int
    prefix: str
    service_id: str
    tenant_id: str
    category: str
    priority_kind: str | None
    channel: str
    people_ahead: int
    estimated_wait_minutes: int | None
    """None: no counter serving the service is open, so nobody can say."""
    issued_by: str | None = None
    """The device (kiosk) that issued it; only that device may cancel it."""
    pending: bool = False
    """True: not in the queue until the kiosk confirms the print (TicketConfirmed)."""
    contact: str | None = None
    """The visitor's phone number (digits, a leading + kept), if given: the phone page's
    recovery and notifications use it. Personal data: never pushed (PRIVATE_FIELDS)."""
    nik_hash: str | None = None
    """The NIK the visitor gave, as HMAC-SHA256 under `[hub] visitor_secret` (limits.py):
    the anti-calo limits count on it; the NIK itself is never kept. Never pushed."""
    language: str = "id"
    """The language the visitor chose ("id" or "en"): what they are told in later."""
    journey_id: str | None = None
    """A second ticket taken for the same visit (another tenant, another permit step): the
    journey's first ticket, so the report counts one journey across both (legs.py)."""


@dataclass(frozen=True, slots=True)
class TicketConfirmed(Event):
    """A pending ticket reached its visitor (`how`: printed, or on_screen) and joins the queue."""

    type: ClassVar[str] = "ticket_confirmed"
    ticket_id: str
    how: str


@dataclass(frozen=True, slots=True)
class VisitorPresent(Event):
    """The visitor said on their phone "I'm here" after a recall: the counter waits for them.

    No-show is refused for `[queue] here_grace_seconds` after it.
    """

    type: ClassVar[str] = "visitor_present"
    ticket_id: str
    counter_id: str


@dataclass(frozen=True, slots=True)
class TicketReprinted(Event):
    """The same ticket printed again (jammed or torn paper) by kiosk `device_id`, asked by `by`.

    Carries what the kiosk prints, so a kiosk told by a supervisor needs nothing else.
    """

    type: ClassVar[str] = "ticket_reprinted"
    ticket_id: str
    device_id: str
    by: str
    label: str
    service_id: str
    priority_kind: str | None
    issued_at: dt.datetime
    status: str
    """The ticket's status at the reprint; ahead and wait below only mean something while
    it is pending or waiting (they are now's, so the paper says what is true)."""
    people_ahead: int
    estimated_wait_minutes: int | None


@dataclass(frozen=True, slots=True)
class TicketCalled(Event):
    """A counter called a ticket: `how` is next, specific or resume (after parking)."""

    type: ClassVar[str] = "ticket_called"
    ticket_id: str
    counter_id: str
    service_id: str
    how: str


@dataclass(frozen=True, slots=True)
class TicketRecalled(Event):
    """The counter called the same ticket again; `recall_count` counts the recalls."""

    type: ClassVar[str] = "ticket_recalled"
    ticket_id: str
    counter_id: str
    recall_count: int


@dataclass(frozen=True, slots=True)
class TicketParked(Event):
    """The visitor stepped away (photocopy, missing document); the counter may resume later."""

    type: ClassVar[str] = "ticket_parked"
    ticket_id: str
    counter_id: str


@dataclass(frozen=True, slots=True)
class TicketTransferred(Event):
    """The visit moves to another service or counter, keeping its number."""

    type: ClassVar[str] = "ticket_transferred"
    ticket_id: str
    from_counter_id: str
    from_service_id: str
    to_service_id: str
    to_counter_id: str | None
    service_seconds: float = 0.0
    """Time spent at the counter that sent it on (counted in the visit's service time)."""


@dataclass(frozen=True, slots=True)
class TicketFinished(Event):
    """Served: the final state of a visit that reached a counter and was helped."""

    type: ClassVar[str] = "ticket_finished"
    ticket_id: str
    counter_id: str
    service_id: str
    service_seconds: float
    outcome: str = "served"
    """served, incomplete_documents (berkas tidak lengkap) or referred (engine.FINISH_OUTCOMES);
    a log written before outcomes were recorded reads as served."""
    missing_requirements: list[str] = dataclasses.field(default_factory=list)
    """incomplete_documents: the service's published requirements (Indonesian, as configured
    then) that the visitor lacked, in the configuration's order."""
    referred_tenant_id: str | None = None
    """referred: the tenant of the mall the visitor was sent to, if any."""
    referred_note: str | None = None
    """referred: where the visitor was sent, in the staff's words (e.g. another office)."""


@dataclass(frozen=True, slots=True)
class TicketNoShow(Event):
    """Final: the visitor did not come after the configured recalls."""

    type: ClassVar[str] = "ticket_no_show"
    ticket_id: str
    counter_id: str


@dataclass(frozen=True, slots=True)
class TicketCancelled(Event):
    """Final: the ticket never reached the visitor (e.g. the printer failed)."""

    type: ClassVar[str] = "ticket_cancelled"
    ticket_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class TicketExpired(Event):
    """Final: the business day ended before the visit did."""

    type: ClassVar[str] = "ticket_expired"
    ticket_id: str
    status_before: str


@dataclass(frozen=True, slots=True)
class CounterOpened(Event):
    """A counter starts serving; `staff` is who sits there (free text, optional)."""

    type: ClassVar[str] = "counter_opened"
    counter_id: str
    staff: str | None


@dataclass(frozen=True, slots=True)
class CounterPaused(Event):
    """A counter stops calling for a while (istirahat, sholat, rapat…)."""

    type: ClassVar[str] = "counter_paused"
    counter_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class CounterResumed(Event):
    """A paused counter is back."""

    type: ClassVar[str] = "counter_resumed"
    counter_id: str


@dataclass(frozen=True, slots=True)
class CounterClosed(Event):
    """A counter stops serving for the day (or until opened again)."""

    type: ClassVar[str] = "counter_closed"
    counter_id: str


@dataclass(frozen=True, slots=True)
class SurveySubmitted(Event):
    """A visitor rated a finished visit (SKM, PermenPANRB 14/2017): U1..U9, each 1-4.

    Anonymous: the optional profile is in bands, the comment is free text.
    """

    type: ClassVar[str] = "survey_submitted"
    ticket_id: str
    service_id: str
    tenant_id: str
    counter_id: str
    answers: list[int]
    age_band: str | None = None
    gender: str | None = None
    education: str | None = None
    occupation: str | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class ComplaintSubmitted(Event):
    """A citizen left a complaint (pengaduan) or a suggestion (saran) at a survey tablet.

    `text` and `contact` are for the manager's export only: the hub never shows them on a
    public screen, and supervisors are sent the event without them (docs/protocol.md).
    """

    type: ClassVar[str] = "complaint_submitted"
    complaint_id: str
    """"2026-11-23/PS-001": the business day and the day's running number."""
    feedback: str
    """complaint or suggestion."""
    category: str
    tenant_id: str
    counter_id: str
    device_id: str
    text: str
    contact: str | None = None
    ticket_id: str | None = None
    """The visit it is about, when the citizen gave the number."""
    language: str = "id"


PRIVATE_FIELDS: dict[str, tuple[str, ...]] = {
    "complaint_submitted": ("text", "contact"),
    "appointment_booked": ("name", "contact"),
    "ticket_issued": ("contact", "nik_hash"),
}
"""Fields that reach only the device that sent them (its result) and the reports' exports:
pushed events never carry them; those of SUPERVISORS_ONLY go to supervisors only."""

SUPERVISORS_ONLY = frozenset({"complaint_submitted", "appointment_booked"})
"""Pushed to supervisors only (without their PRIVATE_FIELDS): nobody else's business."""


@dataclass(frozen=True, slots=True)
class ServiceClosedToday(Event):
    """A supervisor stopped (closed=True) or restarted tickets for a service, for today."""

    type: ClassVar[str] = "service_closed_today"
    service_id: str
    closed: bool
    reason: str


@dataclass(frozen=True, slots=True)
class CounterServicesChanged(Event):
    """A supervisor changed which services a counter serves, for today."""

    type: ClassVar[str] = "counter_services_changed"
    counter_id: str
    services: list[str]


@dataclass(frozen=True, slots=True)
class DevicePaused(Event):
    """A supervisor paused (or resumed) a kiosk: it offers no tickets while paused."""

    type: ClassVar[str] = "device_paused"
    device_id: str
    paused: bool


@dataclass(frozen=True, slots=True)
class RunningTextChanged(Event):
    """A supervisor replaced the hall displays' running text for today."""

    type: ClassVar[str] = "running_text_changed"
    text_id: str
    text_en: str | None


@dataclass(frozen=True, slots=True)
class AppointmentBooked(Event):
    """A slot was booked (antrean online): by a portal, a supervisor or an import.

    `name` and `contact` (phone, or the last digits of the NIK) are personal data: the
    hub keeps them for the staff and the visitor's own look-up, never for public screens.
    """

    type: ClassVar[str] = "appointment_booked"
    appointment_id: str
    """"2026-11-24/K7M3QD": the slot's day and the booking code."""
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
    """The device (portal or supervisor) that booked it, or "import"."""
    channel: str
    """portal, supervisor or import."""


@dataclass(frozen=True, slots=True)
class AppointmentCancelled(Event):
    """A booked appointment was cancelled (by the portal, a supervisor): its place is free."""

    type: ClassVar[str] = "appointment_cancelled"
    appointment_id: str
    code: str
    by: str


@dataclass(frozen=True, slots=True)
class AppointmentCheckedIn(Event):
    """The visitor checked in at a kiosk: `ticket_id` (channel online) is their visit.

    Logged right after that ticket's `ticket_issued`; if the ticket is cancelled (the
    print failed) the appointment is booked again and can be checked in once more.
    """

    type: ClassVar[str] = "appointment_checked_in"
    appointment_id: str
    code: str
    ticket_id: str
    service_id: str
    slot_start: dt.datetime
    slot_end: dt.datetime


@dataclass(frozen=True, slots=True)
class AppointmentMissed(Event):
    """Final: nobody checked in before the check-in window closed (no_show in the report).

    `ticket_id` is the id of the visit row the report counts (= `appointment_id`).
    """

    type: ClassVar[str] = "appointment_missed"
    appointment_id: str
    code: str
    ticket_id: str
    service_id: str
    tenant_id: str
    category: str
    slot_start: dt.datetime


APPOINTMENT_EVENT_TYPES = frozenset({"appointment_booked", "appointment_cancelled",
                                     "appointment_checked_in", "appointment_missed"})


SETTINGS_EVENT_TYPES = frozenset({"service_closed_today", "counter_services_changed",
                                  "device_paused", "running_text_changed"})
"""Supervisor decisions; every role's view has a `settings` section they change."""

EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        BusinessDayStarted,
        TicketIssued,
        TicketConfirmed,
        TicketReprinted,
        TicketCalled,
        TicketRecalled,
        VisitorPresent,
        TicketParked,
        TicketTransferred,
        TicketFinished,
        TicketNoShow,
        TicketCancelled,
        TicketExpired,
        CounterOpened,
        CounterPaused,
        CounterResumed,
        CounterClosed,
        SurveySubmitted,
        ComplaintSubmitted,
        ServiceClosedToday,
        CounterServicesChanged,
        DevicePaused,
        RunningTextChanged,
        AppointmentBooked,
        AppointmentCancelled,
        AppointmentCheckedIn,
        AppointmentMissed,
    )
}

FINAL_EVENT_TYPES = frozenset(
    {TicketFinished.type, TicketNoShow.type, TicketCancelled.type, TicketExpired.type}
)


def event_to_dict(event: Event) -> dict[str, Any]:
    """Encode an event as JSON-ready data: {"type": ..., field: value...}."""
    data: dict[str, Any] = {"type": event.type}
    for field in dataclasses.fields(event):
        value = getattr(event, field.name)
        data[field.name] = value.isoformat() if isinstance(value, dt.date) else value
    return data


_HINTS: dict[type[Event], dict[str, Any]] = {}


def event_from_dict(data: dict[str, Any]) -> Event:
    """Decode what `event_to_dict` produced (KeyError/ValueError on anything else)."""
    cls = EVENT_TYPES[data["type"]]
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        if field.name not in data and (field.default is not dataclasses.MISSING
                                       or field.default_factory is not dataclasses.MISSING):
            continue  # a field added later: older log rows take its default
        value = data[field.name]
        hint = hints[field.name]
        if hint is dt.datetime:
            value = dt.datetime.fromisoformat(value)
        elif hint is dt.date:
            value = dt.date.fromisoformat(value)
        values[field.name] = value
    return cls(**values)
