"""The hub's session logic, sans-I/O: what to write and what to tell whom.

Theory of operation
-------------------
`HubSession` is fed what happened on the network and on disk, and answers with
*actions* for the I/O layer (`hub/server.py`) to carry out, in order:

    hello(conn, raw)      a new connection's first frame (None: none came in time)
    receive(conn, raw)    any later frame from that connection
    closed(conn)          the connection is gone
    durable(token)        the entries of `Write(token)` are on disk
    write_failed(token)   the disk refused them (the core has reloaded from the log)
    tick()                the clock moved (day start, unconfirmed prints, schedules)
    flush()               time to send the coalesced queue figures

    → Send(conns, text)   send `text` to each of these connections
    → Close(conn, code, reason)
    → Write(token, entries)  append durably, then call durable(token) or write_failed(token)

It owns everything the hub decides per connection: authentication, the role's allowed
requests and the command table, rate limiting, request de-duplication (in the log and
in flight), visibility per role and zone, sequence numbers per group and device health.
Nothing is told before it is durable: events and answers wait in `_pending` until
`durable(token)`. The caller must carry out actions in the order given and call
`durable` in the order the writes were submitted.

Fan-out: a screen gets what it shows. Displays and survey tablets get the events of
their counters at once; a counter terminal the events of its own counter; supervisors
every event. Queue figures (service views, and other counters' views for counter
terminals) reach kiosks and counters coalesced: at most one `services_update` per
`[hub] coalesce_ms`, holding each changed view once, as it was when last made durable.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import secrets
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hub import protocol as p
from hub.config import Device
from hub.config.public import PublicMall, public_mall
from hub.config.tokens import Credentials
from hub.core import Command, HubCore
from hub.engine import InvalidArgument, QueueEngine
from hub.engine import events as ev
from hub.engine.appointments import BookingRow, fresh_code
from hub.eventlog import Entry, LoggedEvent, RequestKey
from hub.fanout import FanOut, Group, Send, Views, dumps, group_of
from hub.messages import describe, describe_queue_error
from hub.views import break_view, service_view, snapshot

log = logging.getLogger(__name__)

RATE_PER_S = 20.0
RATE_BURST = 60.0
MAX_DROPPED = 300
"""After this many rate-limited messages the connection is closed (1008)."""

CLOSE_POLICY = 1008

# ------------------------------------------------------------------- actions


@dataclass(frozen=True, slots=True)
class Close:
    """Close one connection with a code and a reason."""

    conn: int
    code: int
    reason: str


@dataclass(frozen=True, slots=True)
class Write:
    """Append `entries` durably, then call `durable(token)` (or `write_failed(token)`)."""

    token: int
    entries: list[Entry]


Action = Send | Close | Write


# --------------------------------------------------------------- bookkeeping


@dataclass(eq=False, slots=True)
class Connection:
    """One authenticated connection, as the session knows it."""

    conn: int
    device: Device
    group: Group
    tokens: float = RATE_BURST
    refilled_at: float = 0.0
    dropped: int = 0
    closing: bool = False


@dataclass(frozen=True, slots=True)
class DeviceHealth:
    """The last status a device reported, for the supervisor."""

    ok: bool
    code: str
    detail: str
    since: str


@dataclass(slots=True)
class _Pending:
    """A write on its way to disk, and who is to be told what once it is there."""

    rendered: list[tuple[Group, str]]
    views: list[Views]
    """(service views, counter views) as each written event left them."""
    conn: int | None = None
    request_id: str | None = None
    key: RequestKey | None = None
    response: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    retries: list[tuple[int, str]] = field(default_factory=list)
    """(connection, request id) of retries that arrived while this was being written."""
    after: Callable[[], None] | None = None


class HubSession:
    """The hub's per-connection logic for one mall: frames and durable batches in, actions out."""

    def __init__(self, core: HubCore, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.core = core
        self.config = core.config
        self.monotonic = monotonic
        self.connections: dict[int, Connection] = {}
        self.fanout = FanOut(core.config)
        self.credentials = Credentials(core.config.devices)
        """Tokens checked at hello; replaced on SIGHUP when a token is rotated (hub/devices.py)."""
        self.health: dict[str, DeviceHealth] = {}
        self._tokens = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._in_flight: dict[RequestKey, int] = {}
        self._last_availability = self._availability_now()
        self._last_break = break_view(core.engine, core.clock())
        self.frames_sent: dict[str, int] = defaultdict(int)
        """Frames sent per role since start (the benchmark reads them from /health)."""
        self.mall: PublicMall = public_mall(core.config, None, core.config.public_base_url())
        """What welcomes carry for devices; the server sets it again once it knows its
        address and the configuration's folder (the logo)."""

    # ------------------------------------------------------------ inputs

    def hello(self, conn: int, raw: str | bytes | None) -> list[Action]:
        """A connection's first frame; None when none came in time."""
        try:
            hello = p.parse_client_message(raw) if raw is not None else None
        except p.ProtocolError:
            hello = None
        if not isinstance(hello, p.Hello):
            return self._refuse(conn, "hello_expected", "hello expected")
        try:
            device: Device | None = self.config.device(hello.device_id)
        except KeyError:
            device = None
        if device is None or not self.credentials.accepts(device.id, hello.token):
            log.warning("refused device %r: unknown device or wrong token", hello.device_id)
            return self._refuse(conn, "auth_failed", "authentication failed")
        if device.role == "portal":
            log.warning("refused device %r: a portal uses the HTTP API only", device.id)
            return self._refuse(conn, "not_allowed", "a portal uses the HTTP API only")
        if hello.protocol != p.PROTOCOL_VERSION:
            log.warning("refused device %r: protocol %d", hello.device_id, hello.protocol)
            return self._refuse(conn, "unsupported_protocol", f"protocol {p.PROTOCOL_VERSION} only")
        connection = Connection(conn, device, group_of(device), refilled_at=self.monotonic())
        self.connections[conn] = connection
        self.fanout.join(conn, connection.group)
        log.info("%s %s connected", device.role, device.id)
        welcome = {
            "type": "welcome", "protocol": p.PROTOCOL_VERSION, "device_id": device.id,
            "role": device.role, "counter_id": device.counter, "zone_id": device.zone,
            "seq": self.core.log.last_seq, "hub_time": self._now(),
            "snapshot": self._snapshot(connection),
            "mall_version": self.mall.version,
            "mall": (self.mall.data if hello.mall_version not in (None, self.mall.version)
                     else None),
        }
        return [self._to(conn, welcome), *self._device_status(device.id)]

    def receive(self, conn: int, raw: str | bytes) -> list[Action]:
        """A frame from an authenticated connection."""
        client = self.connections.get(conn)
        if client is None or client.closing:
            return []  # draining what a flooder already sent, so the close completes
        if not self._take_token(client):
            if client.dropped > MAX_DROPPED:
                log.warning("closing %s: flooding", client.device.id)
                client.closing = True
                return [Close(conn, CLOSE_POLICY, "too many messages")]
            if client.dropped % 20 == 1:
                return [self._error(conn, None, describe("rate_limited"))]
            return []
        try:
            message = p.parse_client_message(raw)
        except p.ProtocolError as error:
            return [self._error(conn, error.request_id, describe(error.code, str(error)))]
        if isinstance(message, p.Ping):
            return [self._to(conn, {"type": "pong", "hub_time": self._now()})]
        if isinstance(message, p.Resync):
            return [self._to(conn, {"type": "snapshot", "seq": self.core.log.last_seq,
                                    "hub_time": self._now(), "snapshot": self._snapshot(client)})]
        if isinstance(message, p.Hello):
            return [self._error(conn, None, describe("bad_message", "already said hello"))]
        return self._request(client, message)

    def closed(self, conn: int) -> list[Action]:
        """The connection is gone: forget it, tell supervisors."""
        client = self.connections.pop(conn, None)
        if client is None:
            return []
        self.fanout.leave(conn, client.group)
        log.info("%s %s disconnected", client.device.role, client.device.id)
        return self._device_status(client.device.id)

    def durable(self, token: int) -> list[Action]:
        """The write `token` is on disk: tell everyone, then answer the requester."""
        pending = self._pending.pop(token)
        if pending.key is not None:
            self._in_flight.pop(pending.key, None)
        actions: list[Action] = [*self.fanout.frames(pending.rendered)]
        self.fanout.durable(pending.views)
        if pending.conn is not None and pending.request_id is not None:
            if pending.error is not None:
                actions.append(self._error(pending.conn, pending.request_id, pending.error))
            elif pending.response is not None:
                actions.append(self._result(pending.conn, pending.request_id, pending.response,
                                            replayed=False))
        for conn, request_id in pending.retries:
            actions.append(self._result(conn, request_id, pending.response or {}, replayed=True)
                           if pending.error is None
                           else self._error(conn, request_id, pending.error))
        return actions

    def write_failed(self, token: int) -> list[Action]:
        """The disk refused the write: nobody is told of it; the requester learns it failed."""
        pending = self._pending.pop(token)
        if pending.key is not None:
            self._in_flight.pop(pending.key, None)
        failure = describe("internal_error")
        targets = [(pending.conn, pending.request_id)] if pending.conn is not None else []
        return [self._error(conn, request_id, failure)
                for conn, request_id in [*targets, *pending.retries] if conn is not None]

    def tick(self) -> list[Action]:
        """The clock moved: a new day, unconfirmed prints, breaks, services opening or closing."""
        actions = self._write(self.core.prepare_day_start())
        actions += self.cancel_unconfirmed()
        actions += self._write(self.core.prepare(
            lambda engine, at: engine.mark_missed_appointments(at)))
        current_break = break_view(self.core.engine, self.core.clock())
        if current_break != self._last_break:
            self._last_break = current_break
            # Calls stop or resume: every counter's `allowed` changed.
            self.fanout.refresh_counters(self.core.engine, self.core.clock())
            actions.append(self._broadcast(
                lambda _group: True, {"type": "schedule_update", "hub_time": self._now(),
                                      "break": current_break}))
        current = self._availability_now()
        changed = [sid for sid, state in current.items()
                   if self._last_availability.get(sid) != state]
        self._last_availability = current
        if changed:
            at = self.core.clock()
            update = {"type": "services_update", "hub_time": at.isoformat(),
                      "services": {s: service_view(self.core.engine, s, at) for s in changed}}
            actions.append(self._broadcast(
                lambda group: group[0] in ("kiosk", "counter", "supervisor"), update))
        return actions

    def run_command(self, command: Command, request: RequestKey | None = None
                    ) -> tuple[list[Action], Any]:
        """A command of the hub itself (tools, HTTP pages, tests), told like any request's.

        Returns the actions (one `Write`) and the `Prepared` (its `error` if refused).
        `request`: the answer is stored under it, for a retry to find (the phone page's).
        """
        prepared = self.core.prepare(command, request)
        rendered, views = self._render(prepared.logged)
        return self._submit(next(self._tokens), _Pending(rendered, views),
                            prepared.entries), prepared

    def cancel_unconfirmed(self) -> list[Action]:
        """Cancel pending tickets whose print was never confirmed in time."""
        return self._write(self.core.prepare(lambda engine, at: engine.cancel_unconfirmed(at)))

    def flush(self) -> list[Action]:
        """Send the coalesced queue figures (call `coalesce_ms` after `wants_flush`)."""
        return [*self.fanout.flush(self._now())]

    @property
    def wants_flush(self) -> bool:
        """True when coalesced figures wait to be sent."""
        return self.fanout.wants_flush

    # ----------------------------------------------------------- reading

    def next_unconfirmed_deadline(self) -> dt.datetime | None:
        """When `cancel_unconfirmed` has something to do next (hub time), if ever."""
        return self.core.engine.next_unconfirmed_deadline()

    def health_report(self) -> dict[str, Any]:
        """Clients per role, last seq, the hub's time, faulty devices, frames sent per role."""
        roles: dict[str, int] = defaultdict(int)
        for client in self.connections.values():
            roles[client.device.role] += 1
        engine = self.core.engine
        return {
            "clients": dict(roles),
            "last_seq": self.core.log.last_seq,
            "hub_time": self.core.clock().isoformat(),
            "business_day": engine.business_day.isoformat() if engine.business_day else None,
            "devices_with_faults": sorted(d for d, h in self.health.items() if not h.ok),
            "frames_sent": dict(self.frames_sent),
        }

    # ---------------------------------------------------------- requests

    def _request(self, client: Connection, message: Any) -> list[Action]:
        conn, request_id = client.conn, message.request_id
        role = client.device.role
        if message.type not in p.ALLOWED[role]:
            return [self._error(conn, request_id,
                                describe("not_allowed", f"a {role} may not send {message.type}"))]
        if isinstance(message, p.ReportDeviceStatus):
            return self._device_reported(client, message)
        key = RequestKey(client.device.id, request_id)
        token = self._in_flight.get(key)
        if token is not None:  # a retry while the first attempt is being written
            self._pending[token].retries.append((conn, request_id))
            return []
        earlier = self.core.log.find_response(key)
        if earlier is not None:
            return [self._result(conn, request_id, earlier, replayed=True)]
        try:
            prepared = self.core.prepare(self._command(client.device, message), key)
            token = next(self._tokens)
            rendered, views = self._render(prepared.logged)
        except Exception:
            log.exception("request %s from %s failed", request_id, client.device.id)
            return [self._error(conn, request_id, describe("internal_error"))]
        pending = _Pending(rendered, views, conn, request_id, key, prepared.response,
                           describe_queue_error(prepared.error) if prepared.error else None)
        if prepared.response is not None:
            self._in_flight[key] = token
        return self._submit(token, pending, prepared.entries)

    def _command(self, device: Device, m: Any) -> Command:
        """Turn a validated request into an engine command for this device."""
        counter, me = device.counter or "", device.id
        commands: dict[str, Command] = {
            "issue_ticket": lambda e, at: e.issue_ticket(
                m.service_id, at, m.priority_kind, issued_by=me, pending=m.await_print,
                contact=m.contact, nik=m.nik, language=m.language, linked_to=m.linked_to),
            "confirm_ticket": lambda e, at: e.confirm_ticket(m.ticket_id, m.how, at, by=me),
            "reprint_ticket": lambda e, at: _reprint(e, at, device, m),
            "cancel_ticket": lambda e, at: e.cancel_ticket(m.ticket_id, m.reason, at, by=me),
            "call_next": lambda e, at: e.call_next(counter, at),
            "call_ticket": lambda e, at: e.call_ticket(counter, m.ticket, at),
            "recall": lambda e, at: e.recall(counter, at),
            "mark_no_show": lambda e, at: e.mark_no_show(counter, at),
            "park": lambda e, at: e.park(counter, at),
            "resume_parked": lambda e, at: e.resume_parked(counter, m.ticket, at),
            "transfer": lambda e, at: e.transfer(counter, at, m.to_service_id, m.to_counter_id),
            "finish": lambda e, at: e.finish(counter, at, m.outcome, list(m.missing_requirements),
                                             m.referred_tenant_id, m.referred_note),
            "open_counter": lambda e, at: e.open_counter(counter, at, m.staff),
            "pause_counter": lambda e, at: e.pause_counter(counter, m.reason, at),
            "resume_counter": lambda e, at: e.resume_counter(counter, at),
            "close_counter": lambda e, at: e.close_counter(counter, at),
            "set_service_closed": lambda e, at: e.set_service_closed(
                m.service_id, m.closed, at, m.reason),
            "set_counter_services": lambda e, at: e.set_counter_services(
                m.counter_id, m.services, at),
            "set_device_paused": lambda e, at: e.set_device_paused(m.device_id, m.paused, at),
            "set_running_text": lambda e, at: e.set_running_text(m.text_id, m.text_en, at),
            "submit_complaint": lambda e, at: e.submit_complaint(
                at, counter, me, m.feedback, m.category, m.text, m.contact, m.ticket_id,
                m.language),
            "check_in_appointment": lambda e, at: e.check_in_appointment(
                m.code, at, issued_by=me, pending=m.await_print),
            "book_appointment": lambda e, at: e.book_appointment(
                m.service_id, m.slot_start, at, name=m.name, contact=m.contact,
                language=m.language, code=fresh_code(e.appointments, secrets.token_bytes),
                booked_by=me, channel="supervisor"),
            "cancel_appointment": lambda e, at: e.cancel_appointment(m.code, at, by=me),
            "import_appointments": lambda e, at: e.import_appointments(
                [BookingRow(r.service_id, r.slot_start, r.name, r.contact, r.language)
                 for r in m.rows], at, _fresh_codes(e, len(m.rows)), booked_by=me),
            "submit_survey": lambda e, at: e.submit_survey(
                m.ticket_id, m.answers, at, counter_id=counter, comment=m.comment,
                profile={"age_band": m.age_band, "gender": m.gender,
                         "education": m.education, "occupation": m.occupation}),
        }
        return commands[m.type]

    def _device_reported(self, client: Connection, message: p.ReportDeviceStatus) -> list[Action]:
        """Device health is not an event: kept in memory, shown to supervisors."""
        device_id = client.device.id
        previous = self.health.get(device_id)
        self.health[device_id] = DeviceHealth(message.ok, message.code, message.detail,
                                              self.core.clock().isoformat())
        if previous is None or previous.ok != message.ok or previous.code != message.code:
            log.log(logging.INFO if message.ok else logging.WARNING,
                    "device %s reports %s: %s", device_id, message.code, message.detail)
        return [*self._device_status(device_id),
                self._result(client.conn, message.request_id,
                             {"seq": self.core.log.last_seq, "events": []}, replayed=False)]

    # ------------------------------------------------------------ writes

    def _write(self, prepared: Any) -> list[Action]:
        """Time-driven events (nobody's request): written, then told to everyone."""
        if not prepared.entries:
            return []
        rendered, views = self._render(prepared.logged)
        return self._submit(next(self._tokens), _Pending(rendered, views), prepared.entries)

    def _submit(self, token: int, pending: _Pending, entries: list[Entry]) -> list[Action]:
        self._pending[token] = pending
        return [Write(token, entries)]  # empty for a refusal: the server answers it at once

    def _render(self, logged: list[LoggedEvent]) -> tuple[list[tuple[Group, str]], list[Views]]:
        return self.fanout.render(self.core.engine, self.core.clock(), logged)

    def _snapshot(self, client: Connection) -> dict[str, Any]:
        role, scope = client.group
        view = snapshot(self.core.engine, self.core.clock(), role,
                        self.fanout.visible(role, scope))
        if role == "supervisor":
            view["devices"] = self._device_report()
        return view

    def _device_report(self) -> dict[str, Any]:
        online = {c.device.id for c in self.connections.values()}
        return {
            d.id: {"role": d.role, "online": d.id in online,
                   **({"ok": h.ok, "code": h.code, "detail": h.detail, "since": h.since}
                      if (h := self.health.get(d.id)) else {"ok": None})}
            for d in self.config.devices
        }

    def _device_status(self, device_id: str) -> list[Action]:
        """Tell supervisors a device's health or presence changed."""
        update = {"type": "device_status",
                  "devices": {device_id: self._device_report()[device_id]}}
        action = self._broadcast(lambda group: group[0] == "supervisor", update)
        return [action] if action.conns else []

    # ------------------------------------------------------------ frames

    def _broadcast(self, wanted: Callable[[Group], bool], message: dict[str, Any]) -> Send:
        return self.fanout.broadcast(wanted, message)

    def _to(self, conn: int, message: dict[str, Any]) -> Send:
        return Send((conn,), dumps(message))

    def _result(self, conn: int, request_id: str, response: dict[str, Any],
                replayed: bool) -> Send:
        return self._to(conn, {"type": "result", "request_id": request_id,
                               "replayed": replayed, **response})

    def _error(self, conn: int, request_id: str | None, body: dict[str, Any]) -> Send:
        return self._to(conn, {"type": "error", "request_id": request_id, **body})

    def _refuse(self, conn: int, code: str, reason: str) -> list[Action]:
        return [self._error(conn, None, describe(code)), Close(conn, CLOSE_POLICY, reason)]

    def _take_token(self, client: Connection) -> bool:
        """Token bucket: False when the client sends faster than RATE_PER_S for too long."""
        now = self.monotonic()
        client.tokens = min(RATE_BURST, client.tokens + (now - client.refilled_at) * RATE_PER_S)
        client.refilled_at = now
        if client.tokens >= RATE_BURST:
            client.dropped = 0  # a client that calmed down starts with a clean record
        if client.tokens < 1:
            client.dropped += 1
            return False
        client.tokens -= 1
        return True

    def count_sent(self, send: Send) -> None:
        """Count a frame the I/O layer sent, per role (`frames_sent` in /health)."""
        for conn in send.conns:
            client = self.connections.get(conn)
            if client is not None:
                self.frames_sent[client.device.role] += 1

    def _now(self) -> str:
        """The hub's time, in the mall's zone: screens show it instead of their own clock."""
        return self.core.engine.local(self.core.clock()).isoformat()

    def _availability_now(self) -> dict[str, tuple[bool, str | None, bool]]:
        at = self.core.clock()
        engine = self.core.engine
        result = {}
        for service in self.config.services:
            state = engine.availability(service.id, at)
            result[service.id] = (state.open, state.reason, state.on_break is not None)
        return result


def _fresh_codes(engine: QueueEngine, count: int) -> list[str]:
    """`count` distinct booking codes none of which is in the book (for an import)."""
    codes: list[str] = []
    while len(codes) < count:
        code = fresh_code(engine.appointments, secrets.token_bytes)
        if code not in codes:
            codes.append(code)
    return codes


def _reprint(engine: QueueEngine, at: dt.datetime, device: Device,
             m: p.ReprintTicket) -> list[ev.Event]:
    """A kiosk reprints its own ticket; a supervisor names the kiosk that prints."""
    if device.role == "supervisor":
        if m.kiosk_id is None:
            raise InvalidArgument("a supervisor's reprint names the kiosk (kiosk_id)")
        return engine.reprint_ticket(m.ticket_id, at, by=device.id, kiosk=m.kiosk_id)
    if m.kiosk_id not in (None, device.id):
        raise InvalidArgument("a kiosk reprints on its own printer only")
    return engine.reprint_ticket(m.ticket_id, at, by=device.id)
