"""The visitor's own phone, on the mall's Wi-Fi: take a ticket, leave, "I'm here", recover.

No token: these are the hall's public pages (a QR poster opens `/ambil`). What protects a
ticket is its *key*, made by the hub from `[hub] visitor_secret` and the ticket id
(`ticket_key`): the phone that took the ticket holds it, and a lost page gets it back by
the ticket's number plus the last 4 digits of the phone number given
(`RECOVERY_ATTEMPTS` wrong tries per ticket a day, then no more). Every rule — schedules,
quota, cut-off, priority by declaration, the anti-calo limits — is the engine's; this
module only turns requests into engine commands on the hub's one write path
(`HubServer.execute`) and the engine's refusals into answers with their texts.

    GET  /ambil                    the join page (docs/protocol.md §22.1)
    POST /ambil                    take a ticket: JSON → 201 ticket id, label and key
    POST /tiket/<id>/batal         leave the queue (key)
    POST /tiket/<id>/hadir         "I'm here" after a recall (key)
    GET  /pulihkan, POST /pulihkan recover a lost page: number + last 4 digits → key
    GET  /poster                   the printable QR poster for the hall
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import html
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from websockets.http11 import Request, Response

from hub.core import CommandRefused
from hub.engine import QueueError
from hub.eventlog import RequestKey
from hub.messages import TEXTS, describe, describe_queue_error
from hub.web import http, phone, phone_pages

if TYPE_CHECKING:
    from hub.server import HubServer

PHONE_DEVICE = "phone"
"""The request keys' device for tickets taken on phones (request ids are the page's own)."""
RECOVERY_ATTEMPTS = 5
"""Wrong recoveries of one ticket before it is refused for the rest of the day."""
STATUS_OF = {"unknown_service": 404, "unknown_ticket": 404, "invalid_argument": 400,
             "bad_message": 400}
"""HTTP status per refusal code; any other refusal by the rules is 409."""

Short = Annotated[str, Field(min_length=1, max_length=64)]


class JoinRequest(BaseModel):
    """The body of POST /ambil."""

    model_config = ConfigDict(extra="forbid", strict=True)

    request_id: Annotated[str, Field(min_length=8, max_length=64)]
    """Made by the page once per attempt: a retry after a lost answer gets the same ticket."""
    service_id: Short
    contact: Annotated[str, Field(min_length=1, max_length=32)]
    nik: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    priority_kind: Short | None = None
    language: Literal["id", "en"] = "id"


class KeyRequest(BaseModel):
    """The body of POST /tiket/<id>/batal and /hadir."""

    model_config = ConfigDict(extra="forbid", strict=True)

    key: Annotated[str, Field(min_length=1, max_length=64)]


class RecoverRequest(BaseModel):
    """The body of POST /pulihkan."""

    model_config = ConfigDict(extra="forbid", strict=True)

    label: Annotated[str, Field(min_length=1, max_length=16)]
    last4: Annotated[str, Field(pattern=r"^[0-9]{4}$")]


def ticket_key(secret: str, ticket_id: str) -> str:
    """The key that lets a phone act on a ticket: HMAC of its id under the hub's secret."""
    return hmac.new(secret.encode(), f"ticket-key:{ticket_id}".encode(),
                    hashlib.sha256).hexdigest()[:24]


def _texts(code: str) -> tuple[str, str]:
    return phone_pages.REFUSALS.get(code) or TEXTS.get(code) or TEXTS["internal_error"]


def refusal(status: int, code: str, detail: str = "") -> Response:
    """A refusal in both languages, shaped like the appointments API's."""
    message_id, message_en = _texts(code)
    return http.json_response(status, {"error": code, "message_id": message_id,
                                       "message_en": f"{message_en} {detail}".strip()})


def queue_refusal(error: QueueError) -> Response:
    """An engine refusal as an answer (404 unknown, 400 bad argument, else 409)."""
    body = dict(describe_queue_error(error))
    body["error"] = body.pop("code")
    return http.json_response(STATUS_OF.get(error.code, 409), body)


def bad_body(error: ValidationError) -> Response:
    """A body that is not what the route takes: 400 bad_message, saying which field."""
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    body = describe("bad_message", f"{where}: {first['msg']}")
    body["error"] = body.pop("code")
    return http.json_response(400, body)


class PhoneApi:
    """The phone routes of one hub server."""

    def __init__(self, server: HubServer) -> None:
        self.server = server
        self.config = server.config
        self._failed: dict[str, int] = {}
        """Wrong recoveries per ticket id today (in memory: a restart forgives them)."""
        self._failed_day: dt.date | None = None
        self._joining: dict[str, asyncio.Future[Response]] = {}

    @property
    def secret(self) -> str | None:
        return self.config.hub.visitor_secret

    @property
    def joining_open(self) -> bool:
        """Whether phones may take tickets here ([queue] phone_join and a secret)."""
        return self.config.queue.phone_join and self.secret is not None

    def key_matches(self, ticket_id: str, key: str) -> bool:
        """Whether `key` is the ticket's (constant time)."""
        return self.secret is not None and hmac.compare_digest(
            ticket_key(self.secret, ticket_id), key)

    # ------------------------------------------------------------------ routes

    def join_page(self) -> Response:
        """The page listing the services open now, with the form."""
        engine, at = self.server.core.engine, self.server.core.clock()
        mall = html.escape(self.config.mpp.name)
        if not self.joining_open:
            return http.html_response(404, phone_pages.closed_page(mall))
        return http.html_response(200, phone_pages.join_page(mall, engine, at))

    async def join(self, raw: bytes) -> Response:
        """Take a ticket of channel mobile; the same request id gets the same ticket."""
        if not self.joining_open:
            return refusal(404, "phone_join_off")
        try:
            body = JoinRequest.model_validate_json(raw or b"{}")
        except ValidationError as error:
            return bad_body(error)
        running = self._joining.get(body.request_id)
        if running is not None:  # the same attempt sent twice at once: one ticket
            return await asyncio.shield(running)
        future: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        self._joining[body.request_id] = future
        try:
            answer = await self._join(body)
            future.set_result(answer)
            return answer
        except BaseException as error:
            future.set_exception(error)
            raise
        finally:
            del self._joining[body.request_id]
            if future.done() and future.exception() is not None:
                future.exception()  # retrieved: no "never retrieved" warning

    async def _join(self, body: JoinRequest) -> Response:
        def command(engine: Any, at: dt.datetime) -> list[Any]:
            return engine.issue_ticket(body.service_id, at, body.priority_kind,
                                       channel="mobile", contact=body.contact, nik=body.nik,
                                       language=body.language)

        try:
            outcome = await self.server.execute(
                command, RequestKey(PHONE_DEVICE, body.request_id))
        except CommandRefused as refused:
            return queue_refusal(refused.error)
        issued = outcome.response["events"][0]
        assert self.secret is not None
        key = ticket_key(self.secret, issued["ticket_id"])
        return http.json_response(201, {
            "ticket_id": issued["ticket_id"], "label": issued["label"],
            "service_id": issued["service_id"], "priority_kind": issued["priority_kind"],
            "people_ahead": issued["people_ahead"],
            "estimated_wait_minutes": issued["estimated_wait_minutes"],
            "key": key, "url": f"{phone.PATH_PREFIX}{issued['ticket_id']}#k={key}",
            "replayed": outcome.replayed})

    async def act(self, ticket_id: str, action: str, raw: bytes) -> Response:
        """Leave the queue (`batal`) or say "I'm here" (`hadir`) with the ticket's key."""
        try:
            body = KeyRequest.model_validate_json(raw or b"{}")
        except ValidationError as error:
            return bad_body(error)
        if not self.key_matches(ticket_id, body.key):
            return refusal(403, "wrong_key")
        if action == "batal":
            def command(engine: Any, at: dt.datetime) -> list[Any]:
                return engine.leave_queue(ticket_id, at)
        else:
            def command(engine: Any, at: dt.datetime) -> list[Any]:
                return engine.say_present(ticket_id, at)
        try:
            await self.server.execute(command)
        except CommandRefused as refused:
            return queue_refusal(refused.error)
        status = phone.ticket_status(self.server.core.engine, ticket_id,
                                     self.server.core.clock())
        return http.json_response(200, status or {})

    def recover_page(self) -> Response:
        """The form: ticket number and the last 4 digits of the phone number."""
        return http.html_response(200, phone_pages.recover_page(
            html.escape(self.config.mpp.name)))

    def recover(self, raw: bytes) -> Response:
        """The key of today's ticket whose number and phone's last 4 digits match."""
        try:
            body = RecoverRequest.model_validate_json(raw or b"{}")
        except ValidationError as error:
            return bad_body(error)
        engine = self.server.core.engine
        if self._failed_day != engine.business_day:
            self._failed, self._failed_day = {}, engine.business_day
        label = "".join(body.label.split()).upper()
        try:
            ticket = engine.ticket(label if "-" in label else _with_dash(label))
        except QueueError:
            ticket = None
        if ticket is not None and self._failed.get(ticket.ticket_id, 0) >= RECOVERY_ATTEMPTS:
            return refusal(429, "too_many_attempts")
        if ticket is None or self.secret is None or not ticket.contact or not hmac.compare_digest(
                ticket.contact[-4:], body.last4):
            if ticket is not None:
                self._failed[ticket.ticket_id] = self._failed.get(ticket.ticket_id, 0) + 1
            return refusal(404, "no_match")  # one answer: nobody learns which part was wrong
        key = ticket_key(self.secret, ticket.ticket_id)
        return http.json_response(200, {
            "ticket_id": ticket.ticket_id, "label": ticket.label, "key": key,
            "url": f"{phone.PATH_PREFIX}{ticket.ticket_id}#k={key}"})

    def poster(self, request: Request) -> Response:
        """A printable A4 poster with the QR code of the join page, for the hall."""
        base = self.server.session.mall.data["mpp"].get("public_url")
        if not base:
            host = request.headers.get("Host", "")
            base = f"http://{host}" if host else ""
        return http.html_response(200, phone_pages.poster_page(
            html.escape(self.config.mpp.name), f"{base}/ambil", self.joining_open))


def _with_dash(label: str) -> str:
    """"A12" or "a012" → "A-012": the number as visitors read it off a screen."""
    prefix = label.rstrip("0123456789")
    digits = label[len(prefix):]
    return f"{prefix}-{int(digits):03d}" if prefix and digits else label
