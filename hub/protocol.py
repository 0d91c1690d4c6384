"""The wire protocol between the hub and every client: one JSON object per websocket frame.

All messages are typed here and parsed once, at the edge (`parse_client_message`).
docs/protocol.md shows a JSON example of each; tests check the examples parse.

Client → hub: `hello` first, then requests (each with a `request_id` the client chooses;
a retry with the same id gets the same answer), `resync` and `ping`.
Hub → client: `welcome` (with a snapshot), `result` / `error` answering a request,
`event` (every change, with `seq` and the view changes it caused), `snapshot`
(answer to resync), `services_update` (schedule-driven changes, e.g. a cut-off passed)
and `pong`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import from_json

PROTOCOL_VERSION = 2
"""2: coalesced queue figures for kiosks and counters, hub_time, print first (docs/protocol.md)."""

RequestId = Annotated[str, Field(min_length=1, max_length=64)]
Ref = Annotated[str, Field(min_length=1, max_length=64)]


class Message(BaseModel):
    """Base: strict about unknown fields and about types, so a typo is an error.

    `strict=True`: a value of the wrong JSON type is refused, never converted
    ("1" is not the integer 1, 1 and "yes" are not true), as docs/protocol.md promises.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# ------------------------------------------------------------------ client → hub


class Hello(Message):
    """First message on a connection: who the device is and its token."""

    type: Literal["hello"]
    device_id: Ref
    token: Annotated[str, Field(min_length=1, max_length=256)]
    protocol: int = PROTOCOL_VERSION
    mall_version: Annotated[str, Field(max_length=64)] | None = None
    """The version of the mall configuration the device holds ("" for none): the welcome
    carries the configuration when the hub's differs. Absent: never send it (§7.1)."""


class Resync(Message):
    """Ask for a fresh snapshot (after a gap in sequence numbers)."""

    type: Literal["resync"]


class Ping(Message):
    """Application-level keepalive; answered with pong."""

    type: Literal["ping"]


class Request(Message):
    """Base of requests: the hub answers each with result or error carrying `request_id`."""

    request_id: RequestId


class IssueTicket(Request):
    """Kiosk: take a number for a service."""

    type: Literal["issue_ticket"]
    service_id: Ref
    priority_kind: Ref | None = None
    language: Literal["id", "en"] = "id"
    await_print: bool = False
    """True (a kiosk with a printer): the ticket stays pending, not callable, until
    `confirm_ticket`; unconfirmed after `queue.print_confirm_seconds` it is cancelled."""
    contact: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    """The visitor's phone number, if they gave one (kept normalised; never pushed)."""
    linked_to: Ref | None = None
    """Today's earlier ticket of the same visitor (its number, "A-012", or id): this one
    continues that visit at another tenant, and the report counts one journey."""
    nik: Annotated[str, Field(pattern=r"^\d{16}$")] | None = None
    """The visitor's NIK, for a service limited per person: the hub keeps only its keyed
    hash and counts the limits on it (never stored or pushed as such)."""


class ConfirmTicket(Request):
    """Kiosk: the pending ticket reached the visitor (printed, or shown on screen by policy)."""

    type: Literal["confirm_ticket"]
    ticket_id: Ref
    how: Literal["printed", "on_screen"] = "printed"


class ReprintTicket(Request):
    """Kiosk: print its own ticket again (jammed paper); supervisor: any of today's at a kiosk."""

    type: Literal["reprint_ticket"]
    ticket_id: Ref
    kiosk_id: Ref | None = None


class CancelTicket(Request):
    """Kiosk: withdraw a ticket it issued that never reached the visitor (printer failed)."""

    type: Literal["cancel_ticket"]
    ticket_id: Ref
    reason: Literal["print_failed", "visitor_left"] = "print_failed"


class ReportDeviceStatus(Request):
    """Kiosk/display: report health, e.g. the printer is out of paper (shown to supervisors)."""

    type: Literal["report_device_status"]
    ok: bool
    code: Annotated[str, Field(max_length=64)] = "ok"
    detail: Annotated[str, Field(max_length=500)] = ""


class SubmitSurvey(Request):
    """Survey tablet: the visitor's SKM answers for a visit just finished at its counter."""

    type: Literal["submit_survey"]
    ticket_id: Ref
    answers: Annotated[list[Annotated[int, Field(ge=1, le=4)]],
                       Field(min_length=9, max_length=9)]
    age_band: Annotated[str, Field(max_length=32)] | None = None
    gender: Annotated[str, Field(max_length=32)] | None = None
    education: Annotated[str, Field(max_length=32)] | None = None
    occupation: Annotated[str, Field(max_length=32)] | None = None
    comment: Annotated[str, Field(max_length=1000)] | None = None


class SubmitComplaint(Request):
    """Survey tablet: a complaint or suggestion about its counter's tenant (pengaduan/saran).

    `contact` is personal data: kept for the manager's export, never shown on any screen.
    """

    type: Literal["submit_complaint"]
    feedback: Literal["complaint", "suggestion"]
    """A complaint (pengaduan) or a suggestion (saran)."""
    category: Ref
    text: Annotated[str, Field(min_length=1, max_length=1000)]
    contact: Annotated[str, Field(max_length=100)] | None = None
    ticket_id: Ref | None = None
    """Today's visit it is about (id or number, e.g. "A-012"), when the citizen knows it."""
    language: Literal["id", "en"] = "id"


class SetServiceClosed(Request):
    """Supervisor: stop (closed=true) or restart tickets for a service, for today."""

    type: Literal["set_service_closed"]
    service_id: Ref
    closed: bool
    reason: Annotated[str, Field(max_length=200)] = ""


class SetCounterServices(Request):
    """Supervisor: which services a counter calls from today, in order."""

    type: Literal["set_counter_services"]
    counter_id: Ref
    services: Annotated[list[Ref], Field(min_length=1, max_length=50)]


class SetDevicePaused(Request):
    """Supervisor: pause or resume a kiosk."""

    type: Literal["set_device_paused"]
    device_id: Ref
    paused: bool


class SetRunningText(Request):
    """Supervisor: the hall displays' running text for today."""

    type: Literal["set_running_text"]
    text_id: Annotated[str, Field(min_length=1, max_length=500)]
    text_en: Annotated[str, Field(max_length=500)] | None = None


class CheckInAppointment(Request):
    """Kiosk: a visitor who booked online gives the code (typed, or read by a scanner).

    Answered like `issue_ticket`: a ticket of channel online (pending with
    `await_print`), then the `appointment_checked_in` event.
    """

    type: Literal["check_in_appointment"]
    code: Annotated[str, Field(min_length=1, max_length=32)]
    language: Literal["id", "en"] = "id"
    await_print: bool = False


class BookAppointment(Request):
    """Supervisor: book a slot for a visitor (at the desk, on the phone)."""

    type: Literal["book_appointment"]
    service_id: Ref
    slot_start: AwareDatetime
    name: Annotated[str, Field(min_length=1, max_length=80)]
    contact: Annotated[str, Field(min_length=1, max_length=32)]
    language: Literal["id", "en"] = "id"


class ImportRow(BaseModel):
    """One appointment of an import, as `book_appointment` takes it."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    service_id: Ref
    slot_start: dt.datetime
    """With an offset, or without: then mall time ("2026-11-24T10:30")."""
    name: Annotated[str, Field(min_length=1, max_length=80)]
    contact: Annotated[str, Field(min_length=1, max_length=32)]
    language: Literal["id", "en"] = "id"


class ImportAppointments(Request):
    """Supervisor (`python -m hub appointments import`): book all these rows, or none."""

    type: Literal["import_appointments"]
    rows: Annotated[list[ImportRow], Field(min_length=1, max_length=250)]


class CancelAppointment(Request):
    """Supervisor: cancel a booked appointment by its code."""

    type: Literal["cancel_appointment"]
    code: Annotated[str, Field(min_length=1, max_length=32)]


class CounterCommand(Request):
    """Counter terminal: a command for the device's own counter (no counter id is sent)."""


class CallNext(CounterCommand):
    """Call the next waiting visitor."""

    type: Literal["call_next"]


class CallTicket(CounterCommand):
    """Call a specific number, e.g. "A-012" (or resume one this counter parked)."""

    type: Literal["call_ticket"]
    ticket: Ref


class Recall(CounterCommand):
    """Call the current visitor again."""

    type: Literal["recall"]


class MarkNoShow(CounterCommand):
    """End the current ticket as no-show (after the configured recalls)."""

    type: Literal["mark_no_show"]


class Park(CounterCommand):
    """Set the current visitor aside and free the counter."""

    type: Literal["park"]


class ResumeParked(CounterCommand):
    """Call back a ticket this counter parked."""

    type: Literal["resume_parked"]
    ticket: Ref


class Transfer(CounterCommand):
    """Send the current visitor to another service and/or counter, keeping the number."""

    type: Literal["transfer"]
    to_service_id: Ref | None = None
    to_counter_id: Ref | None = None


class Finish(CounterCommand):
    """End the current visit with its outcome (served if not said; docs/protocol.md 6.8)."""

    type: Literal["finish"]
    outcome: Literal["served", "incomplete_documents", "referred"] = "served"
    missing_requirements: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=300)]], Field(max_length=30)] = []
    """incomplete_documents: which of the service's requirements were missing, each as
    configured (its Indonesian text)."""
    referred_tenant_id: Ref | None = None
    referred_note: Annotated[str, Field(max_length=200)] | None = None
    """referred: the tenant and/or where, in words, the visitor was sent."""


class OpenCounter(CounterCommand):
    """Open the counter; `staff` is shown to supervisors."""

    type: Literal["open_counter"]
    staff: Annotated[str, Field(max_length=80)] | None = None


class PauseCounter(CounterCommand):
    """Pause with a configured reason (istirahat, sholat, rapat…)."""

    type: Literal["pause_counter"]
    reason: Ref


class ResumeCounter(CounterCommand):
    """End the pause."""

    type: Literal["resume_counter"]


class CloseCounter(CounterCommand):
    """Close the counter."""

    type: Literal["close_counter"]


ClientMessage = Annotated[
    Hello | Resync | Ping | IssueTicket | ConfirmTicket | ReprintTicket | CancelTicket
    | ReportDeviceStatus | SubmitSurvey | SubmitComplaint
    | CheckInAppointment | BookAppointment | CancelAppointment | ImportAppointments
    | SetServiceClosed | SetCounterServices | SetDevicePaused | SetRunningText | CallNext
    | CallTicket | Recall | MarkNoShow | Park | ResumeParked | Transfer | Finish | OpenCounter
    | PauseCounter | ResumeCounter | CloseCounter,
    Field(discriminator="type"),
]
_CLIENT_MESSAGE: TypeAdapter[Any] = TypeAdapter(ClientMessage)

COUNTER_COMMANDS: frozenset[str] = frozenset(
    cls.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr]
    for cls in CounterCommand.__subclasses__()
)

ALLOWED: dict[str, frozenset[str]] = {
    "kiosk": frozenset({"issue_ticket", "confirm_ticket", "reprint_ticket", "cancel_ticket",
                        "report_device_status", "check_in_appointment"}),
    "display": frozenset({"report_device_status"}),
    "counter": COUNTER_COMMANDS | {"report_device_status"},
    "supervisor": frozenset({"set_service_closed", "set_counter_services", "set_device_paused",
                             "set_running_text", "reprint_ticket", "book_appointment",
                             "cancel_appointment", "import_appointments"}),
    "survey": frozenset({"submit_survey", "submit_complaint", "report_device_status"}),
    "portal": frozenset(),  # the HTTP API only (/api/v1/…); its hello is refused
}
"""Requests each role may send (hello, resync and ping are open to all)."""


class ProtocolError(Exception):
    """A message that cannot be accepted: `code` is stable, the message says why."""

    def __init__(self, code: str, message: str, request_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.request_id = request_id


def parse_client_message(raw: str | bytes) -> Any:
    """Parse and validate one frame from a client; raise ProtocolError saying what is wrong."""
    try:
        return _CLIENT_MESSAGE.validate_json(raw)
    except ValidationError as error:
        request_id = _request_id_of(raw)
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "message"
        if first["type"] == "json_invalid":
            raise ProtocolError("bad_json", "not valid JSON", request_id) from None
        if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
            raise ProtocolError("unknown_type", "unknown or missing message type",
                                request_id) from None
        raise ProtocolError("bad_message", f"{where}: {first['msg']}", request_id) from None


def _request_id_of(raw: str | bytes) -> str | None:
    """Best effort: find the request id of a message that failed validation, to answer it.

    Parsed with pydantic's own JSON reader, not `json.loads`: it refuses nesting deeper
    than the validator does with a ValueError, where `json.loads` of ~60 KB of `[[[[`
    raises RecursionError and would take the connection down.
    """
    try:
        data = from_json(raw)
    except (ValueError, TypeError):
        return None
    value = data.get("request_id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and len(value) <= 64 else None
