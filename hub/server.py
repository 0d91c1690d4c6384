"""The websocket hub: authenticates devices, runs their commands, pushes every event.

A thin shell around `HubCore` (see core.py): parse at the edge, check the role,
execute durably, answer the request, then broadcast the logged events to every
client allowed to see them, each with its sequence number. The server never
imports Qt or printer code.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hmac
import http
import json
import logging
import ssl
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, broadcast, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from hub import protocol as p
from hub.committer import GroupCommitter
from hub.config import Device
from hub.core import Command, HubCore, Prepared
from hub.engine import InvalidArgument, QueueEngine
from hub.engine import events as ev
from hub.eventlog import LoggedEvent, RequestKey
from hub.messages import describe, describe_queue_error
from hub.status_page import PATH_PREFIX, ticket_page
from hub.views import (
    break_view,
    counter_view,
    service_view,
    snapshot,
    touched,
    zone_counters,
)

log = logging.getLogger(__name__)

HELLO_TIMEOUT_S = 10.0
TICK_S = 15.0
RATE_PER_S = 20.0
RATE_BURST = 60.0
MAX_DROPPED = 300
"""After this many rate-limited messages the connection is closed (1008)."""

CLOSE_POLICY = 1008

Group = tuple[str, str | None]
"""Clients that see exactly the same messages: (role, zone or counter)."""


@dataclass(eq=False)
class Client:
    """One authenticated connection."""

    connection: ServerConnection
    device: Device
    tokens: float = RATE_BURST
    refilled_at: float = field(default_factory=time.monotonic)
    dropped: int = 0
    closing: asyncio.Task[None] | None = None

    @property
    def group(self) -> tuple[str, str | None]:
        """Clients of one group see exactly the same messages."""
        if self.device.role == "display":
            return ("display", self.device.zone)
        if self.device.role == "survey":
            return ("survey", self.device.counter)
        return (self.device.role, None)



    def take_token(self) -> bool:
        """Token bucket: False when the client sends faster than RATE_PER_S for too long."""
        now = time.monotonic()
        self.tokens = min(RATE_BURST, self.tokens + (now - self.refilled_at) * RATE_PER_S)
        self.refilled_at = now
        if self.tokens >= RATE_BURST:
            self.dropped = 0  # a client that calmed down starts with a clean record
        if self.tokens < 1:
            self.dropped += 1
            return False
        self.tokens -= 1
        return True


@dataclass
class DeviceHealth:
    """The last status a device reported, for the supervisor."""

    ok: bool
    code: str
    detail: str
    since: str


class HubServer:
    """Serve one mall's hub over websockets."""

    def __init__(self, core: HubCore, ssl_context: ssl.SSLContext | None = None) -> None:
        self.core = core
        self.config = core.config
        self.ssl_context = ssl_context
        self.clients: set[Client] = set()
        self.group_last_seq: dict[tuple[str, str | None], int] = defaultdict(int)
        self.health: dict[str, DeviceHealth] = {}
        self.started_at = time.monotonic()
        self.server: Server | None = None
        self._tick_task: asyncio.Task[None] | None = None
        self._last_availability: dict[str, tuple[bool, str | None, bool]] = {}
        self._last_break: dict[str, Any] | None = None
        self._unconfirmed_timer: asyncio.TimerHandle | None = None
        self.committer = GroupCommitter(core)
        self._zone_counters: dict[str | None, set[str] | None] = {}
        """Counters each display zone shows; asked for every event, so computed once."""
        self._in_flight: dict[RequestKey, tuple[asyncio.Future[None], dict[str, Any]]] = {}

    # ----------------------------------------------------------- lifecycle

    async def start(self, host: str, port: int) -> int:
        """Start listening; return the port (pass 0 to let the OS choose)."""
        self.core.start_day_if_needed()
        self.server = await serve(
            self._handle,
            host,
            port,
            process_request=self._process_http,
            max_size=self.config.hub.max_message_bytes,
            max_queue=32,
            ping_interval=10,
            ping_timeout=10,
            ssl=self.ssl_context,
            # No permessage-deflate: on the LAN bandwidth is free, but compressing costs
            # zlib state per connection and a deflate per connection for every broadcast
            # frame (a fifth of the hub's CPU and ~7 MB RSS at 160 clients; bench_hub).
            compression=None,
        )
        self._last_availability = self._availability_now()
        self._last_break = break_view(self.core.engine, self.core.clock())
        self._arm_unconfirmed_timer()  # pending tickets from before a restart
        self._tick_task = asyncio.create_task(self._tick_forever())
        sockets = list(self.server.sockets)
        bound = int(sockets[0].getsockname()[1])
        log.info("hub listening on %s:%d (%s)", host, bound, "wss" if self.ssl_context else "ws")
        return bound

    async def stop(self) -> None:
        """Finish writing, close every connection and stop listening."""
        await self.committer.drain()
        if self._unconfirmed_timer is not None:
            self._unconfirmed_timer.cancel()
        if self._tick_task is not None:
            self._tick_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._tick_task
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
        log.info("hub stopped")

    async def _tick_forever(self) -> None:
        """Start a new business day at midnight and tell kiosks when schedules change."""
        while True:
            await asyncio.sleep(TICK_S)
            try:
                self.tick()
            except Exception:
                log.exception("tick failed")

    def tick(self) -> None:
        """Do the time-driven work now: day start, unconfirmed prints, schedule changes."""
        self._write_then_deliver(self.core.prepare_day_start())
        self.cancel_unconfirmed()
        self._push_break_if_changed()
        current = self._availability_now()
        changed = [sid for sid, state in current.items()
                   if self._last_availability.get(sid) != state]
        self._last_availability = current
        if changed:
            at = self.core.clock()
            update = {"type": "services_update",
                      "services": {sid: service_view(self.core.engine, sid, at) for sid in changed}}
            text = json.dumps(update, ensure_ascii=False)
            broadcast([c.connection for c in self.clients
                       if c.device.role not in ("display", "survey")], text)

    def _availability_now(self) -> dict[str, tuple[bool, str | None, bool]]:
        at = self.core.clock()
        engine = self.core.engine
        result = {}
        for service in self.config.services:
            state = engine.availability(service.id, at)
            result[service.id] = (state.open, state.reason, state.on_break is not None)
        return result

    def _write_then_deliver(self, prepared: Prepared) -> None:
        """Write time-driven events (nobody's request) and tell everyone once durable."""
        if not prepared.entries:
            return
        rendered = self._render(prepared.logged)
        future = self.committer.submit(prepared.entries)
        future.add_done_callback(
            lambda done: None if done.exception() else self._deliver(rendered))

    def cancel_unconfirmed(self) -> None:
        """Cancel pending tickets whose print was never confirmed; re-arm for the next one."""
        if self._unconfirmed_timer is not None:
            self._unconfirmed_timer.cancel()
            self._unconfirmed_timer = None
        self._write_then_deliver(self.core.prepare(
            lambda engine, at: engine.cancel_unconfirmed(at)))
        self._arm_unconfirmed_timer()

    def _arm_unconfirmed_timer(self) -> None:
        """Check again when the oldest pending ticket runs out of time (no polling)."""
        deadline = self.core.engine.next_unconfirmed_deadline()
        if deadline is None or self._unconfirmed_timer is not None:
            return
        delay = max(0.0, (deadline - self.core.clock()).total_seconds())
        loop = asyncio.get_running_loop()
        self._unconfirmed_timer = loop.call_later(delay + 0.05, self.cancel_unconfirmed)

    def _push_break_if_changed(self) -> None:
        """Tell every screen when a break starts or ends (the hall shows it, calls wait)."""
        current = break_view(self.core.engine, self.core.clock())
        if current == self._last_break:
            return
        self._last_break = current
        text = json.dumps({"type": "schedule_update", "break": current}, ensure_ascii=False)
        broadcast([c.connection for c in self.clients], text)

    # ---------------------------------------------------------------- http

    def _process_http(self, connection: ServerConnection, request: Request) -> Response | None:
        """Answer plain HTTP GETs (/health); let websocket upgrades through."""
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return None
        if request.path == "/health":
            return self._json_response(http.HTTPStatus.OK, self.health_report())
        if request.path.startswith(PATH_PREFIX):
            status, page = ticket_page(self.core.engine, request.path, self.core.clock())
            data = page.encode()
            headers = Headers([("Content-Type", "text/html; charset=utf-8"),
                               ("Content-Length", str(len(data))), ("Connection", "close")])
            return Response(status, http.HTTPStatus(status).phrase, headers, data)
        return self._json_response(http.HTTPStatus.NOT_FOUND, {"error": "not found"})

    @staticmethod
    def _json_response(status: http.HTTPStatus, body: dict[str, Any]) -> Response:
        data = json.dumps(body, ensure_ascii=False).encode()
        headers = Headers([("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                           ("Connection", "close")])
        return Response(status.value, status.phrase, headers, data)

    def health_report(self) -> dict[str, Any]:
        """Status, uptime, clients per role, last sequence number."""
        roles: dict[str, int] = defaultdict(int)
        for client in self.clients:
            roles[client.device.role] += 1
        return {
            "status": "ok",
            "mpp": self.config.mpp.short_name,
            "uptime_seconds": round(time.monotonic() - self.started_at, 1),
            "clients": dict(roles),
            "last_seq": self.core.log.last_seq,
            "hub_time": self.core.clock().isoformat(),
            "business_day": (self.core.engine.business_day.isoformat()
                             if self.core.engine.business_day else None),
            "devices_with_faults": sorted(d for d, h in self.health.items() if not h.ok),
        }

    # ---------------------------------------------------------- connection

    async def _handle(self, connection: ServerConnection) -> None:
        client = await self._authenticate(connection)
        if client is None:
            return
        self.clients.add(client)
        log.info("%s %s connected from %s", client.device.role, client.device.id,
                 connection.remote_address)
        try:
            await self._send(client, self._welcome(client))
            self._push_device_status(client.device.id)
            async for raw in connection:
                await self._on_message(client, raw)
        except ConnectionClosed:
            pass
        finally:
            self.clients.discard(client)
            log.info("%s %s disconnected", client.device.role, client.device.id)
            self._push_device_status(client.device.id)

    async def _authenticate(self, connection: ServerConnection) -> Client | None:
        """Wait for hello; close with 1008 and a clear reason if it is missing or wrong."""
        try:
            raw = await asyncio.wait_for(connection.recv(), HELLO_TIMEOUT_S)
            hello = p.parse_client_message(raw)
        except (TimeoutError, p.ProtocolError, ConnectionClosed):
            await self._refuse(connection, "hello_expected", "hello expected")
            return None
        if not isinstance(hello, p.Hello):
            await self._refuse(connection, "hello_expected", "hello expected")
            return None
        try:
            device = self.config.device(hello.device_id)
        except KeyError:
            device = None
        if device is None or not hmac.compare_digest(device.token.encode(), hello.token.encode()):
            log.warning("refused device %r: unknown device or wrong token", hello.device_id)
            await self._refuse(connection, "auth_failed", "authentication failed")
            return None
        if hello.protocol != p.PROTOCOL_VERSION:
            log.warning("refused device %r: protocol %d", hello.device_id, hello.protocol)
            await self._refuse(connection, "unsupported_protocol",
                               f"protocol {p.PROTOCOL_VERSION} only")
            return None
        return Client(connection, device)

    async def _refuse(self, connection: ServerConnection, code: str, reason: str) -> None:
        try:
            await connection.send(json.dumps({"type": "error", "request_id": None,
                                              **describe(code)}))
            await connection.close(CLOSE_POLICY, reason)
        except ConnectionClosed:
            pass

    def _welcome(self, client: Client) -> dict[str, Any]:
        return {
            "type": "welcome",
            "protocol": p.PROTOCOL_VERSION,
            "device_id": client.device.id,
            "role": client.device.role,
            "counter_id": client.device.counter,
            "zone_id": client.device.zone,
            "seq": self.core.log.last_seq,
            "snapshot": self._snapshot(client),
        }

    def _snapshot(self, client: Client) -> dict[str, Any]:
        engine = self.core.engine
        view = snapshot(engine, self.core.clock(), client.device.role,
                        self._visible(client.device.role, client.group[1]))
        if client.device.role == "supervisor":
            view["devices"] = self._device_report()
        return view

    def _visible(self, role: str, scope: str | None) -> set[str] | None:
        """Counters a group sees: a display its zone's, a survey tablet its own."""
        if role == "survey":
            return {scope} if scope else set()
        if role == "display":
            if scope not in self._zone_counters:
                self._zone_counters[scope] = zone_counters(self.config, scope)
            return self._zone_counters[scope]
        return None

    def _device_report(self) -> dict[str, Any]:
        online = {c.device.id for c in self.clients}
        return {
            d.id: {"role": d.role, "online": d.id in online,
                   **({"ok": h.ok, "code": h.code, "detail": h.detail, "since": h.since}
                      if (h := self.health.get(d.id)) else {"ok": None})}
            for d in self.config.devices
        }

    async def _send(self, client: Client, message: dict[str, Any]) -> None:
        await client.connection.send(json.dumps(message, ensure_ascii=False))

    # ------------------------------------------------------------ messages

    async def _on_message(self, client: Client, raw: str | bytes) -> None:
        if client.closing is not None:
            return  # draining what the flooder already sent, so the close handshake completes
        if not client.take_token():
            if client.dropped > MAX_DROPPED:
                log.warning("closing %s: flooding", client.device.id)
                client.closing = asyncio.create_task(
                    client.connection.close(CLOSE_POLICY, "too many messages"))
                return
            if client.dropped % 20 == 1:
                await self._send(client, {"type": "error", "request_id": None,
                                          **describe("rate_limited")})
            return
        try:
            message = p.parse_client_message(raw)
        except p.ProtocolError as error:
            await self._send(client, {"type": "error", "request_id": error.request_id,
                                      **describe(error.code, str(error))})
            return
        if isinstance(message, p.Ping):
            await self._send(client, {"type": "pong"})
        elif isinstance(message, p.Resync):
            await self._send(client, {"type": "snapshot", "seq": self.core.log.last_seq,
                                      "snapshot": self._snapshot(client)})
        elif isinstance(message, p.Hello):
            await self._send(client, {"type": "error", "request_id": None,
                                      **describe("bad_message", "already said hello")})
        else:
            await self._on_request(client, message)

    async def _on_request(self, client: Client, message: Any) -> None:
        request_id = message.request_id
        if message.type not in p.ALLOWED[client.device.role]:
            await self._send(client, {
                "type": "error", "request_id": request_id,
                **describe("not_allowed", f"a {client.device.role} may not send {message.type}"),
            })
            return
        if isinstance(message, p.ReportDeviceStatus):
            await self._on_device_status(client, message)
            return
        key = RequestKey(client.device.id, request_id)
        failure = {"type": "error", "request_id": request_id, **describe("internal_error")}
        in_flight = self._in_flight.get(key)
        if in_flight is not None:  # a retry while the first attempt is being written
            future, response = in_flight
            try:
                await asyncio.shield(future)
            except Exception:
                await self._send(client, failure)
                return
            await self._send(client, {"type": "result", "request_id": request_id,
                                      "replayed": True, **response})
            return
        earlier = self.core.log.find_response(key)
        if earlier is not None:
            await self._send(client, {"type": "result", "request_id": request_id,
                                      "replayed": True, **earlier})
            return
        try:
            prepared = self.core.prepare(self._command(client, message), key)
            # Rendered now, so each message shows the state right after its own events.
            rendered = self._render(prepared.logged)
        except Exception:
            log.exception("request %s from %s failed", request_id, client.device.id)
            await self._send(client, failure)
            return
        future = self.committer.submit(prepared.entries)
        if prepared.response is not None:
            self._in_flight[key] = (future, prepared.response)
        try:
            await asyncio.shield(future)
        except Exception:
            await self._send(client, failure)
            return
        finally:
            self._in_flight.pop(key, None)
        # Durable now. Deliver before the first await: events go out in log order, and
        # even if the requester vanishes before its answer, everyone else hears of them.
        self._deliver(rendered)
        if isinstance(message, p.IssueTicket) and message.await_print:
            self._arm_unconfirmed_timer()
        if prepared.error is not None:
            await self._send(client, {"type": "error", "request_id": request_id,
                                      **describe_queue_error(prepared.error)})
            return
        assert prepared.response is not None
        await self._send(client, {"type": "result", "request_id": request_id,
                                  "replayed": False, **prepared.response})

    def _command(self, client: Client, m: Any) -> Command:
        """Turn a validated request into an engine command for this device."""
        counter = client.device.counter or ""
        commands: dict[str, Command] = {
            "issue_ticket": lambda e, at: e.issue_ticket(m.service_id, at, m.priority_kind,
                                                         issued_by=client.device.id,
                                                         pending=m.await_print),
            "confirm_ticket": lambda e, at: e.confirm_ticket(m.ticket_id, m.how, at,
                                                             by=client.device.id),
            "reprint_ticket": lambda e, at: self._reprint(e, at, client, m),
            "cancel_ticket": lambda e, at: e.cancel_ticket(m.ticket_id, m.reason, at,
                                                           by=client.device.id),
            "call_next": lambda e, at: e.call_next(counter, at),
            "call_ticket": lambda e, at: e.call_ticket(counter, m.ticket, at),
            "recall": lambda e, at: e.recall(counter, at),
            "mark_no_show": lambda e, at: e.mark_no_show(counter, at),
            "park": lambda e, at: e.park(counter, at),
            "resume_parked": lambda e, at: e.resume_parked(counter, m.ticket, at),
            "transfer": lambda e, at: e.transfer(counter, at, m.to_service_id, m.to_counter_id),
            "finish": lambda e, at: e.finish(counter, at),
            "open_counter": lambda e, at: e.open_counter(counter, at, m.staff),
            "set_service_closed": lambda e, at: e.set_service_closed(
                m.service_id, m.closed, at, m.reason),
            "set_counter_services": lambda e, at: e.set_counter_services(
                m.counter_id, m.services, at),
            "set_device_paused": lambda e, at: e.set_device_paused(m.device_id, m.paused, at),
            "set_running_text": lambda e, at: e.set_running_text(m.text_id, m.text_en, at),
            "submit_survey": lambda e, at: e.submit_survey(
                m.ticket_id, m.answers, at, counter_id=counter, comment=m.comment,
                profile={"age_band": m.age_band, "gender": m.gender,
                         "education": m.education, "occupation": m.occupation}),
            "pause_counter": lambda e, at: e.pause_counter(counter, m.reason, at),
            "resume_counter": lambda e, at: e.resume_counter(counter, at),
            "close_counter": lambda e, at: e.close_counter(counter, at),
        }
        return commands[m.type]

    @staticmethod
    def _reprint(engine: QueueEngine, at: dt.datetime, client: Client,
                 m: p.ReprintTicket) -> list[ev.Event]:
        """A kiosk reprints its own ticket; a supervisor names the kiosk that prints."""
        if client.device.role == "supervisor":
            if m.kiosk_id is None:
                raise InvalidArgument("a supervisor's reprint names the kiosk (kiosk_id)")
            return engine.reprint_ticket(m.ticket_id, at, by=client.device.id, kiosk=m.kiosk_id)
        if m.kiosk_id not in (None, client.device.id):
            raise InvalidArgument("a kiosk reprints on its own printer only")
        return engine.reprint_ticket(m.ticket_id, at, by=client.device.id)

    async def _on_device_status(self, client: Client, message: p.ReportDeviceStatus) -> None:
        at = self.core.clock().isoformat()
        previous = self.health.get(client.device.id)
        self.health[client.device.id] = DeviceHealth(message.ok, message.code, message.detail,
                                                     at)
        if previous is None or previous.ok != message.ok or previous.code != message.code:
            level = logging.INFO if message.ok else logging.WARNING
            log.log(level, "device %s reports %s: %s", client.device.id, message.code,
                    message.detail)
        self._push_device_status(client.device.id)
        await self._send(client, {"type": "result", "request_id": message.request_id,
                                  "replayed": False, "seq": self.core.log.last_seq, "events": []})

    def _push_device_status(self, device_id: str) -> None:
        """Tell supervisors a device's health or presence changed."""
        text = json.dumps({"type": "device_status", "devices": {
            device_id: self._device_report()[device_id]}}, ensure_ascii=False)
        broadcast([c.connection for c in self.clients if c.device.role == "supervisor"], text)

    # ----------------------------------------------------------- broadcast

    def _render(self, logged: list[LoggedEvent]) -> list[tuple[Group, str]]:
        """Each event as each group sees it, in send order (call right after preparing).

        Displays come first: "call next → every display has it" is the latency budget
        that matters most (DESIGN.md). Each view is built once per event, not per group.
        """
        if not logged or not self.clients:
            return []
        groups = {client.group for client in self.clients}
        order = sorted(groups, key=lambda group: group[0] != "display")
        engine = self.core.engine
        at = self.core.clock()
        rendered: list[tuple[Group, str]] = []
        for item in logged:
            services, counters = touched(engine, item.event)
            service_views = {s: service_view(engine, s, at) for s in services}
            counter_views = {c: counter_view(engine, c) for c in counters}
            for group in order:
                message = self._event_message(engine, group, item, service_views,
                                              counter_views)
                if message is None:
                    continue
                message["prev_seq"] = self.group_last_seq[group]
                self.group_last_seq[group] = item.seq
                rendered.append((group, json.dumps(message, ensure_ascii=False)))
        return rendered

    def _deliver(self, rendered: list[tuple[Group, str]]) -> None:
        """Send rendered messages to the groups' members now (never blocks)."""
        if not rendered:
            return
        members: dict[Group, list[ServerConnection]] = defaultdict(list)
        for client in self.clients:
            members[client.group].append(client.connection)
        for group, text in rendered:
            broadcast(members[group], text)

    def _event_message(
        self,
        engine: QueueEngine,
        group: tuple[str, str | None],
        item: LoggedEvent,
        services: dict[str, dict[str, Any]],
        counters: dict[str, dict[str, Any]],
    ) -> dict[str, Any] | None:
        """The event as `group` sees it; `services`/`counters`: the views it touched."""
        role, zone = group
        message: dict[str, Any] = {"type": "event", "seq": item.seq,
                                   "event": ev.event_to_dict(item.event)}
        if item.event.type in ev.SETTINGS_EVENT_TYPES or isinstance(item.event,
                                                                     ev.BusinessDayStarted):
            message["settings"] = engine.settings_view()
            if role in ("display", "survey") and item.event.type in ev.SETTINGS_EVENT_TYPES:
                return message
        if role in ("display", "survey"):
            visible = self._visible(role, zone)
            shown = counters.keys() if visible is None else counters.keys() & visible
            if not shown and not isinstance(item.event, ev.BusinessDayStarted):
                return None
            message["counters"] = {c: counters[c] for c in shown}
            return message
        message["services"] = services
        if role != "kiosk":
            message["counters"] = counters
        return message
