"""The appointments API for a city portal or app (docs/protocol.md §21).

Every request carries `Authorization: Bearer <a portal device's token>`; any other
token (a supervisor's too) is refused with 401, and a portal's token opens nothing else
on the hub (its websocket hello is refused, /reports wants a supervisor).

    GET    /api/v1/slots?service=ID&day=YYYY-MM-DD   the day's slots, places taken, bookable?
    POST   /api/v1/appointments                       book: JSON body → code and QR payload
    GET    /api/v1/appointments/CODE                  look one up
    DELETE /api/v1/appointments/CODE                  cancel it

Bookings and cancellations go through the hub's one write path (`HubServer.execute`:
the engine decides, the log makes it durable, supervisors are told) before the answer.
Refusals carry the engine's reason and the same texts the kiosk shows.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from websockets.http11 import Request, Response

from hub.config import Device, MallConfig
from hub.config.tokens import Credentials
from hub.core import CommandRefused
from hub.engine import QueueError, UnknownService
from hub.engine.appointments import (
    Appointment,
    AppointmentRefused,
    closed_reason,
    fresh_code,
    rules_of,
)
from hub.messages import APPOINTMENT, describe, describe_queue_error
from hub.web import http

if TYPE_CHECKING:
    from hub.server import HubServer

PREFIX = "/api/v1/"
STATUS_OF = {"unknown_appointment": 404, "unknown_service": 404, "invalid_argument": 400}
"""HTTP status per refusal code; any other refusal by the rules is 409."""


class Booking(BaseModel):
    """The body of POST /api/v1/appointments."""

    model_config = ConfigDict(extra="forbid", strict=True)

    service_id: Annotated[str, Field(min_length=1, max_length=64)]
    slot_start: AwareDatetime
    name: Annotated[str, Field(min_length=1, max_length=80)]
    contact: Annotated[str, Field(min_length=1, max_length=32)]
    """A phone number, or the last digits of the NIK."""
    language: Literal["id", "en"] = "id"


def portal_for(config: MallConfig, credentials: Credentials, token: str | None) -> Device | None:
    """The portal device whose token this is (checked as hello checks it), or None."""
    if not token:
        return None
    for device in config.devices:
        if device.role == "portal" and credentials.accepts(device.id, token):
            return device
    return None


def appointment_view(config: MallConfig, appointment: Appointment) -> dict[str, Any]:
    """What the portal is told about one appointment."""
    service = config.service(appointment.service_id)
    return {
        "code": appointment.code,
        "appointment_id": appointment.appointment_id,
        "service_id": appointment.service_id,
        "service_name": {"id": service.name.id, "en": service.name.en},
        "slot_start": appointment.slot_start.isoformat(),
        "slot_end": appointment.slot_end.isoformat(),
        "name": appointment.name,
        "contact": appointment.contact,
        "language": appointment.language,
        "status": appointment.status.value,
        "ticket_id": appointment.ticket_id,
        "qr_payload": appointment.code,
    }


class AppointmentsApi:
    """The /api/v1/ routes of one hub server."""

    def __init__(self, server: HubServer) -> None:
        self.server = server
        self.config = server.config

    async def respond(self, request: Request, where: http.Target) -> Response:
        """Route one API request (the caller checked the path starts with PREFIX)."""
        portal = portal_for(self.config, self.server.session.credentials,
                            http.bearer_token(request))
        if portal is None:
            return http.error(401, "auth_failed", "Token portal salah atau tidak ada.",
                              "Missing or wrong portal token.",
                              extra=[("WWW-Authenticate", 'Bearer realm="antrean"')])
        route = where.path[len(PREFIX):].rstrip("/")
        method = request.method
        if route == "slots" and method == "GET":
            return self.slots(where)
        if route == "appointments" and method == "POST":
            return await self.book(portal, getattr(request, "body", b""))
        if route.startswith("appointments/") and method in ("GET", "DELETE"):
            code = route[len("appointments/"):]
            if method == "GET":
                return self.look_up(code)
            return await self.cancel(portal, code)
        if route in ("slots", "appointments") or route.startswith("appointments/"):
            return http.error(405, "bad_message", "Metode tidak didukung.",
                              f"{method} is not supported here.")
        return http.not_found()

    # ------------------------------------------------------------------ routes

    def slots(self, where: http.Target) -> Response:
        """The slots of a service on a day, with the places taken and why one is not open."""
        engine = self.server.core.engine
        try:
            day = dt.date.fromisoformat(where.get("day"))
        except ValueError:
            return http.error(400, "bad_message", "Tanggal tidak valid (YYYY-MM-DD).",
                              "day must be a date like 2026-11-24.")
        try:
            service = self.config.service(where.get("service"))
        except KeyError:
            return _refused(UnknownService(where.get("service")))
        try:
            rules = rules_of(service)
        except AppointmentRefused as refused:
            return _refused(refused)
        closed = closed_reason(self.config, service, day)
        slots = engine.appointment_slots(service.id, day, self.server.core.clock())
        body: dict[str, Any] = {
            "service_id": service.id, "day": day.isoformat(), "capacity": rules.capacity,
            "closed": closed,
            "slots": [{"start": slot.start.isoformat(), "end": slot.end.isoformat(),
                       "taken": taken, "free": max(0, rules.capacity - taken),
                       "bookable": why is None, "reason": why}
                      for slot, taken, why in slots],
        }
        if closed is not None:
            body["message_id"], body["message_en"] = APPOINTMENT[closed]
        return http.json_response(200, body)

    async def book(self, portal: Device, raw: bytes) -> Response:
        """Book a slot; 201 with the code and the QR payload, or the rule's refusal."""
        try:
            booking = Booking.model_validate_json(raw or b"{}")
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"]) or "body"
            return http.json_response(400, {**_body(describe("bad_message",
                                                               f"{where}: {first['msg']}"))})

        def command(engine: Any, at: dt.datetime) -> list[Any]:
            return engine.book_appointment(
                booking.service_id, booking.slot_start, at, name=booking.name,
                contact=booking.contact, language=booking.language,
                code=fresh_code(engine.appointments, secrets.token_bytes),
                booked_by=portal.id, channel="portal")

        try:
            outcome = await self.server.execute(command)
        except CommandRefused as refused:
            return _refused(refused.error)
        code = outcome.response["events"][0]["code"]
        appointment = self.server.core.engine.appointment(code)
        return http.json_response(201, appointment_view(self.config, appointment))

    def look_up(self, code: str) -> Response:
        """One appointment of today or later by its code."""
        try:
            appointment = self.server.core.engine.appointment(code)
        except QueueError as error:
            return _refused(error)
        return http.json_response(200, appointment_view(self.config, appointment))

    async def cancel(self, portal: Device, code: str) -> Response:
        """Cancel a booked appointment; 200 with its new state."""
        try:
            await self.server.execute(
                lambda engine, at: engine.cancel_appointment(code, at, by=portal.id))
        except CommandRefused as refused:
            return _refused(refused.error)
        return self.look_up(code)


def _body(described: dict[str, Any]) -> dict[str, Any]:
    """The protocol's error body as the API sends it: `error` for `code`."""
    body = dict(described)
    body["error"] = body.pop("code")
    return body


def _refused(error: QueueError) -> Response:
    """An engine refusal as an HTTP answer (404 unknown, 400 bad argument, else 409)."""
    status = (404 if getattr(error, "reason", None) == "unknown_appointment"
              else STATUS_OF.get(error.code, 409))
    return http.json_response(status, _body(describe_queue_error(error)))

