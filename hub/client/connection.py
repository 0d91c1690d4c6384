"""The asyncio client every app uses to talk to the hub.

It connects (never through a proxy), says hello, keeps the view the hub sends up to
date, and reconnects by itself (docs/protocol.md §13): after a failure it waits 0.2 s
doubling to 5 s, each wait jittered so that devices dropped together by a hub restart do
not all come back in the same instant; after a refusal (wrong token, say) 30–60 s, since
only a person fixing the configuration can help. The random source and the sleep are
fields, so tests see the delays chosen without waiting them.

Not websockets' own reconnecting `async for ws in connect(...)`: a refusal arrives after
the handshake succeeded, so its `process_exception` never sees it; after a connection
that opened it reconnects at once, with no pause; and its backoff sleeps inside the
library, where `close()` cannot cut it short nor a test see it.

Requests carry a request id; a request whose answer was lost is sent again with the same
id after reconnecting, so the hub answers it once and never issues a second ticket.

A request that times out raises `HubUnavailable` to the caller but is not forgotten:
after the next reconnect it is asked again, and if the hub had carried it out the
answer goes to `on_late_result` — the kiosk uses this to cancel a ticket nobody holds.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import ssl
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from hub.client.view import apply_message, fresh_view

log = logging.getLogger(__name__)

Listener = Callable[[dict[str, Any]], None]
Outcome = Literal["welcomed", "refused"]

JITTER = 0.5
"""Each backoff wait is drawn between (1 - JITTER) and 1 times its nominal length."""
REFUSED_CLOSE_CODE = 1008
"""Policy violation: how the hub closes after refusing a hello (auth_failed and the like)."""


class HubUnavailable(Exception):
    """The hub could not be reached in time; the request may be answered later."""


class HubRequestError(Exception):
    """The hub refused a request: `code` is stable, `message_id`/`message_en` are for people."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(body.get("message_en") or body.get("code"))
        self.body = body
        self.code: str = body.get("code", "unknown")
        self.message_id: str = body.get("message_id", "")
        self.message_en: str = body.get("message_en", "")


@dataclass
class _Pending:
    message: dict[str, Any]
    future: asyncio.Future[dict[str, Any]] | None
    sent_on: int = -1
    """Connection number it was last sent on; resent when a new connection opens."""


@dataclass
class ConnectionState:
    """What the app shows about the link: online, connecting, offline or refused."""

    status: str = "connecting"
    detail: str = ""
    attempts: int = 0


@dataclass
class HubClient:
    """A device's connection to the hub (see module docstring)."""

    url: str
    device_id: str
    token: str
    ssl_context: ssl.SSLContext | None = None
    on_message: Listener | None = None
    """Called for every event/snapshot/update after the view was updated."""
    on_state: Callable[[ConnectionState], None] | None = None
    on_late_result: Listener | None = None
    backoff_initial: float = 0.2
    backoff_max: float = 5.0
    refused_delay: tuple[float, float] = (30.0, 60.0)
    """Wait after the hub refused the hello: drawn uniformly between these seconds."""
    rng: random.Random = field(default_factory=random.Random)
    """Where the jitter comes from (a seeded Random in tests)."""
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    """How a wait between attempts is spent (tests record the delay and return at once)."""
    view: dict[str, Any] = field(default_factory=dict)
    welcome: dict[str, Any] = field(default_factory=dict)
    seq: int = 0
    state: ConnectionState = field(default_factory=ConnectionState)
    _pending: dict[str, _Pending] = field(default_factory=dict)
    _connection: ClientConnection | None = None
    _connection_number: int = 0
    _closing: bool = False
    _resync_pending: bool = False
    _online: asyncio.Event | None = None
    _pause: asyncio.Future[None] | None = None

    # ------------------------------------------------------------- public

    async def run(self) -> None:
        """Stay connected until `close()`; reconnect with jittered backoff (see module doc)."""
        self._online = asyncio.Event()
        nominal = self.backoff_initial  # the next wait before jitter; doubles per failure
        while not self._closing:
            self.state.attempts += 1
            outcome: Outcome | None = None
            try:
                outcome = await self._session()
            except (OSError, InvalidHandshake, InvalidURI, TimeoutError, ConnectionClosed,
                    json.JSONDecodeError) as error:
                if not self._closing:
                    self._set_state("offline", _describe(error))
            if self._closing:
                break
            if outcome == "refused":
                # Only a person fixing the device's id or token helps: retry slowly.
                delay = self.rng.uniform(*self.refused_delay)
                nominal = self.backoff_initial
            else:
                if outcome == "welcomed":
                    nominal = self.backoff_initial
                delay = nominal * self.rng.uniform(1 - JITTER, 1)
                nominal = min(self.backoff_max, nominal * 2)
            await self._wait_before_retry(delay)

    async def close(self) -> None:
        """Disconnect and stop reconnecting (a wait before the next attempt ends at once)."""
        self._closing = True
        if self._pause is not None:
            self._pause.cancel()
        if self._connection is not None:
            await self._connection.close()
        for pending in self._pending.values():
            if pending.future and not pending.future.done():
                pending.future.set_exception(HubUnavailable("client closed"))

    async def wait_online(self, timeout: float) -> None:
        """Wait until the welcome arrived (raise TimeoutError otherwise)."""
        while self._online is None:
            await asyncio.sleep(0)
        await asyncio.wait_for(self._online.wait(), timeout)

    async def request(self, kind: str, timeout: float = 8.0, **fields: Any) -> dict[str, Any]:
        """Send a request and return the hub's result; raise HubRequestError or HubUnavailable.

        The request id is chosen here and kept for every retry of this request.
        """
        request_id = uuid.uuid4().hex
        message = {"type": kind, "request_id": request_id, **fields}
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        pending = _Pending(message, future)
        self._pending[request_id] = pending
        await self._send_pending(pending)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            pending.future = None  # abandoned: a late answer goes to on_late_result
            raise HubUnavailable(f"no answer from the hub within {timeout:.0f} s") from None

    # ------------------------------------------------------------ session

    async def _wait_before_retry(self, delay: float) -> None:
        """Spend `delay` seconds in `self.sleep`, or less if `close()` is called meanwhile."""
        pause = asyncio.ensure_future(self.sleep(delay))
        self._pause = pause
        try:
            await asyncio.wait([pause])  # returns, not raises, when close() cancels it
        finally:
            self._pause = None
            pause.cancel()
        if not pause.cancelled():
            pause.result()

    async def _session(self) -> Outcome:
        """One connection, from hello to close: welcomed, or refused by the hub."""
        async with connect(self.url, proxy=None, ssl=self.ssl_context, open_timeout=5,
                           ping_interval=10, ping_timeout=10, max_size=8 * 1024 * 1024,
                           close_timeout=2) as connection:
            await connection.send(json.dumps(
                {"type": "hello", "device_id": self.device_id, "token": self.token}))
            try:
                first = json.loads(await asyncio.wait_for(connection.recv(), 10))
            except ConnectionClosed as closed:
                if closed.rcvd is None or closed.rcvd.code != REFUSED_CLOSE_CODE:
                    raise
                # Closed with 1008 and no error message first (another vendor's hub?):
                # a refusal all the same (protocol §4).
                self._set_state("refused", closed.rcvd.reason or "refused")
                return "refused"
            if first.get("type") != "welcome":
                detail = first.get("message_en") or first.get("code", "refused")
                self._set_state("refused", str(detail))
                await connection.close()
                return "refused"
            self._connection = connection
            self._connection_number += 1
            self.welcome = first
            self._reset_view(first["snapshot"], first["seq"], first.get("hub_time"))
            self._set_state("online", "")
            assert self._online is not None
            self._online.set()
            for pending in list(self._pending.values()):
                await self._send_pending(pending)
            try:
                async for raw in connection:
                    await self._on_raw(raw)
            finally:
                self._connection = None
                self._online.clear()
            if not self._closing:
                self._set_state("offline", "connection closed")
            return "welcomed"

    async def _send_pending(self, pending: _Pending) -> None:
        connection = self._connection
        if connection is None or pending.sent_on == self._connection_number:
            return
        pending.sent_on = self._connection_number
        try:
            await connection.send(json.dumps(pending.message))
        except ConnectionClosed:
            pending.sent_on = -1  # try again on the next connection

    async def _on_raw(self, raw: str | bytes) -> None:
        message = json.loads(raw)
        kind = message.get("type")
        if kind in ("result", "error") and message.get("request_id"):
            self._resolve(message)
        elif kind == "error":
            log.warning("hub says: %s", message.get("message_en"))
        elif kind == "snapshot":
            self._reset_view(message["snapshot"], message["seq"], message.get("hub_time"))
        elif kind == "event":
            if message["seq"] <= self.seq:
                return  # already in our snapshot
            if message.get("prev_seq", 0) > self.seq:
                if not self._resync_pending:
                    log.info("gap before seq %d (have %d): asking for a snapshot",
                             message["seq"], self.seq)
                    self._resync_pending = True
                    assert self._connection is not None
                    await self._connection.send(json.dumps({"type": "resync"}))
                return
            self.seq = message["seq"]
            apply_message(self.view, message)
            self._notify(message)
        elif kind in ("services_update", "device_status", "schedule_update"):
            apply_message(self.view, message)
            self._notify(message)
        elif kind == "pong":
            self._notify(message)  # carries the hub's time

    def _resolve(self, message: dict[str, Any]) -> None:
        pending = self._pending.pop(message["request_id"], None)
        if pending is None:
            return
        if pending.future is None:
            if message["type"] == "result" and self.on_late_result is not None:
                self.on_late_result(message)
            return
        if pending.future.done():
            return
        if message["type"] == "result":
            pending.future.set_result(message)
        else:
            pending.future.set_exception(HubRequestError(message))

    def _reset_view(self, snapshot: dict[str, Any], seq: int,
                    hub_time: str | None = None) -> None:
        self._resync_pending = False
        self.view = fresh_view(snapshot)
        self.seq = seq
        self._notify({"type": "snapshot", "seq": seq, "hub_time": hub_time,
                      "snapshot": snapshot})

    def _notify(self, message: dict[str, Any]) -> None:
        if self.on_message is not None:
            try:
                self.on_message(message)
            except Exception:
                log.exception("listener failed on %s", message.get("type"))

    def _set_state(self, status: str, detail: str) -> None:
        if (self.state.status, self.state.detail) == (status, detail):
            return
        self.state.status, self.state.detail = status, detail
        log.info("hub link %s %s", status, detail)
        if self.on_state is not None:
            self.on_state(ConnectionState(status, detail, self.state.attempts))


def _describe(error: BaseException) -> str:
    if isinstance(error, ConnectionClosed) and error.rcvd is not None:
        return f"closed by hub: {error.rcvd.reason or error.rcvd.code}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
