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

Every frame is parsed into its typed model (`hub.hub_messages`); listeners get those,
never wire dicts. Requests are typed too: `await client.send(p.IssueTicket,
service_id="ktp")` builds the request model with a fresh request id and returns the typed
`Result`; a refusal raises `HubRequestError` carrying the hub's `ErrorMessage`.

Requests carry a request id; a request whose answer was lost is sent again with the same
id after reconnecting, so the hub answers it once and never issues a second ticket.

A request that times out raises `HubUnavailable` to the caller but is not forgotten:
after the next reconnect it is asked again, and if the hub had carried it out the
answer goes to `on_late_result` — the kiosk uses this to cancel a ticket nobody holds.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import ValidationError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from hub import protocol as p
from hub.client.view import ClientView
from hub.hub_messages import (
    DeviceStatus,
    ErrorMessage,
    EventMessage,
    Pong,
    Result,
    ScheduleUpdate,
    ServicesUpdate,
    Snapshot,
    SnapshotMessage,
    Welcome,
    parse_hub_message,
)

log = logging.getLogger(__name__)

Update = SnapshotMessage | EventMessage | ServicesUpdate | ScheduleUpdate | DeviceStatus | Pong
"""What listeners are told: a (re)started view, a change, or the hub's time."""
Listener = Callable[[Update], None]
Outcome = Literal["welcomed", "refused"]
R = TypeVar("R", bound=p.Request)

JITTER = 0.5
"""Each backoff wait is drawn between (1 - JITTER) and 1 times its nominal length."""
REFUSED_CLOSE_CODE = 1008
"""Policy violation: how the hub closes after refusing a hello (auth_failed and the like)."""


class HubUnavailable(Exception):
    """The hub could not be reached in time; the request may be answered later."""


class HubRequestError(Exception):
    """The hub refused a request: `error.code` is stable, the texts are for people."""

    def __init__(self, error: ErrorMessage) -> None:
        super().__init__(error.message_en or error.code)
        self.error = error

    @property
    def code(self) -> str:
        """The stable error code (docs/protocol.md §10)."""
        return self.error.code


def local_error(code: str, message_id: str, message_en: str) -> ErrorMessage:
    """An error made on this side (offline, no answer), shaped like the hub's own refusals."""
    return ErrorMessage(type="error", request_id=None, code=code, message_id=message_id,
                        message_en=message_en)


def request_type(kind: type[p.Request]) -> str:
    """The wire `type` of a request model, e.g. "issue_ticket" for IssueTicket."""
    return str(kind.model_fields["type"].annotation.__args__[0])  # type: ignore[union-attr]


def new_request(kind: type[R], **fields: Any) -> R:
    """Build a request of this model with a fresh request id (ValidationError if fields are wrong).

    The id is the client's to choose, once per request: every retry of it reuses it.
    """
    return kind.model_validate(
        {"type": request_type(kind), "request_id": uuid.uuid4().hex, **fields})


@dataclass
class _Pending:
    message: p.Request
    future: asyncio.Future[Result] | None
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
    """Called for every event/snapshot/update/pong after the view was updated."""
    on_state: Callable[[ConnectionState], None] | None = None
    on_late_result: Callable[[Result], None] | None = None
    mall_version: str | None = None
    """The mall configuration's version this device runs with (None: it has its own mall
    file and never asks); sent in every hello (protocol §7.1)."""
    on_mall_changed: Callable[[Welcome], None] | None = None
    """Called when a welcome brings another configuration than `mall_version`: the hub was
    restarted with a changed mall file, and the app should restart its screens with it."""
    backoff_initial: float = 0.2
    backoff_max: float = 5.0
    refused_delay: tuple[float, float] = (30.0, 60.0)
    """Wait after the hub refused the hello: drawn uniformly between these seconds."""
    rng: random.Random = field(default_factory=random.Random)
    """Where the jitter comes from (a seeded Random in tests)."""
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    """How a wait between attempts is spent (tests record the delay and return at once)."""
    view: ClientView = field(default_factory=ClientView)
    """Replaced (never changed in place) on every snapshot and update."""
    welcome: Welcome | None = None
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
                    ValidationError) as error:
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

    async def send(self, kind: type[p.Request], /, timeout: float = 8.0,
                   **fields: Any) -> Result:
        """Send a request of model `kind` and return the hub's result.

        Raise HubRequestError (the hub refused), HubUnavailable (no answer in time) or
        pydantic.ValidationError (the fields do not make a valid request; nothing sent).
        The request id is chosen here and kept for every retry of this request.
        """
        return await self.send_request(new_request(kind, **fields), timeout)

    async def send_request(self, request: p.Request, timeout: float = 8.0) -> Result:
        """Send a request built by `new_request` (its id kept for retries); see `send`."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        pending = _Pending(request, future)
        self._pending[request.request_id] = pending
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
            await connection.send(p.Hello(type="hello", device_id=self.device_id,
                                          token=self.token, mall_version=self.mall_version)
                                  .model_dump_json(exclude_none=True))
            try:
                first = parse_hub_message(await asyncio.wait_for(connection.recv(), 10))
            except ConnectionClosed as closed:
                if closed.rcvd is None or closed.rcvd.code != REFUSED_CLOSE_CODE:
                    raise
                # Closed with 1008 and no error message first (another vendor's hub?):
                # a refusal all the same (protocol §4).
                self._set_state("refused", closed.rcvd.reason or "refused")
                return "refused"
            if not isinstance(first, Welcome):
                detail = (first.message_en or first.code) if isinstance(first, ErrorMessage) \
                    else f"{first.type} before the welcome"
                self._set_state("refused", detail)
                await connection.close()
                return "refused"
            self._connection = connection
            self._connection_number += 1
            self.welcome = first
            if first.mall is not None and self.on_mall_changed is not None:
                self.on_mall_changed(first)
            self._reset_view(first.snapshot, first.seq, first.hub_time)
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
            await connection.send(pending.message.model_dump_json())
        except ConnectionClosed:
            pending.sent_on = -1  # try again on the next connection

    async def _on_raw(self, raw: str | bytes) -> None:
        try:
            message = parse_hub_message(raw)
        except ValidationError as error:
            # One unreadable frame is not worth the connection: if it was an event, the
            # next one shows a gap and brings a fresh snapshot.
            log.warning("unreadable frame from the hub: %s", error.errors()[0]["msg"])
            return
        if isinstance(message, Result | ErrorMessage) and message.request_id:
            self._resolve(message)
        elif isinstance(message, ErrorMessage):
            log.warning("hub says: %s", message.message_en)
        elif isinstance(message, SnapshotMessage):
            self._reset_view(message.snapshot, message.seq, message.hub_time)
        elif isinstance(message, EventMessage):
            if message.seq <= self.seq:
                return  # already in our snapshot
            if message.prev_seq > self.seq:
                if not self._resync_pending:
                    log.info("gap before seq %d (have %d): asking for a snapshot",
                             message.seq, self.seq)
                    self._resync_pending = True
                    assert self._connection is not None
                    await self._connection.send(p.Resync(type="resync").model_dump_json())
                return
            self.seq = message.seq
            self.view = self.view.merged(message)
            self._notify(message)
        elif isinstance(message, ServicesUpdate | DeviceStatus | ScheduleUpdate):
            self.view = self.view.merged(message)
            self._notify(message)
        elif isinstance(message, Pong):
            self._notify(message)  # carries the hub's time

    def _resolve(self, message: Result | ErrorMessage) -> None:
        assert message.request_id is not None
        pending = self._pending.pop(message.request_id, None)
        if pending is None:
            return
        if pending.future is None:
            if isinstance(message, Result) and self.on_late_result is not None:
                self.on_late_result(message)
            return
        if pending.future.done():
            return
        if isinstance(message, Result):
            pending.future.set_result(message)
        else:
            pending.future.set_exception(HubRequestError(message))

    def _reset_view(self, snapshot: Snapshot, seq: int, hub_time: str) -> None:
        self._resync_pending = False
        self.view = ClientView(snapshot, received=True)
        self.seq = seq
        self._notify(SnapshotMessage(type="snapshot", seq=seq, hub_time=hub_time,
                                     snapshot=snapshot))

    def _notify(self, message: Update) -> None:
        if self.on_message is not None:
            try:
                self.on_message(message)
            except Exception:
                log.exception("listener failed on %s", message.type)

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
