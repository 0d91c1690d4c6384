"""The websocket hub: a thin shell that moves bytes between sockets, the session and the disk.

Everything the hub decides per connection lives in `HubSession` (session.py, sans-I/O).
This module only listens, reads frames, carries out the session's actions — send,
close, write through the group committer and report back when durable — runs the
clock-driven work on timers, and answers the few plain HTTP GETs (/health, the ticket
status page). It never imports Qt or printer code.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import itertools
import json
import logging
import ssl
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, broadcast, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from hub.committer import GroupCommitter
from hub.config.public import public_mall, served_public_url
from hub.core import Command, CommandRefused, HubCore, Outcome
from hub.eventlog import RequestKey
from hub.http_body import HubConnection
from hub.session import (  # noqa: F401  (re-exported: the limits' documented home)
    CLOSE_POLICY,
    MAX_DROPPED,
    RATE_BURST,
    RATE_PER_S,
    Action,
    Close,
    HubSession,
    Send,
    Write,
)

log = logging.getLogger(__name__)

HELLO_TIMEOUT_S = 10.0
TICK_S = 15.0


class HubServer:
    """Serve one mall's hub over websockets."""

    def __init__(self, core: HubCore, ssl_context: ssl.SSLContext | None = None,
                 config_dir: Path | None = None) -> None:
        self.core = core
        self.config = core.config
        self.ssl_context = ssl_context
        self.config_dir = config_dir
        """Where the mall file is: its relative paths (the logo) start here."""
        self.session = HubSession(core)
        self.committer = GroupCommitter(core)
        self.connections: dict[int, ServerConnection] = {}
        self.started_at = time.monotonic()
        self.server: Server | None = None
        self._ids = itertools.count(1)
        self._tick_task: asyncio.Task[None] | None = None
        self._unconfirmed_timer: asyncio.TimerHandle | None = None
        self._flush_timer: asyncio.TimerHandle | None = None
        self._coalesce_s = self.config.hub.coalesce_ms / 1000
        self._closing: set[asyncio.Task[None]] = set()

    # ----------------------------------------------------------- lifecycle

    async def start(self, host: str, port: int) -> int:
        """Start listening; return the port (pass 0 to let the OS choose)."""
        self.core.start_day_if_needed()
        self.server = await serve(
            self._handle,
            host,
            port,
            process_request=self._process_http,
            create_connection=HubConnection,  # reads the API's POST bodies (hub/http_body.py)
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
        bound = int(next(iter(self.server.sockets)).getsockname()[1])
        self.session.mall = public_mall(
            self.config, self.config_dir,
            served_public_url(self.config, host, bound, self.ssl_context is not None))
        self._arm_unconfirmed_timer()  # pending tickets from before a restart
        self._tick_task = asyncio.create_task(self._tick_forever())
        log.info("hub listening on %s:%d (%s)", host, bound, "wss" if self.ssl_context else "ws")
        return bound

    async def stop(self) -> None:
        """Finish writing, close every connection and stop listening."""
        await self.committer.drain()
        for timer in (self._unconfirmed_timer, self._flush_timer):
            if timer is not None:
                timer.cancel()
        if self._tick_task is not None:
            self._tick_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._tick_task
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
        log.info("hub stopped")

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            try:
                self.tick()
            except Exception:
                log.exception("tick failed")

    def tick(self) -> None:
        """Do the time-driven work now: day start, unconfirmed prints, schedule changes."""
        self._carry_out(self.session.tick())
        self._rearm_unconfirmed_timer()
        self._schedule_flush()

    def cancel_unconfirmed(self) -> None:
        """Cancel pending tickets whose print was never confirmed; re-arm for the next one."""
        self._carry_out(self.session.cancel_unconfirmed())
        self._rearm_unconfirmed_timer()

    async def execute(self, command: Command, request: RequestKey | None = None) -> Outcome:
        """Run a command as the hub itself (tools, tests): durable, then told to everyone.

        The same write path as a device's request. Raises CommandRefused when refused.
        With `request`, a request already answered gets that answer (`replayed`) again.
        """
        if request is not None:
            earlier = self.core.log.find_response(request)
            if earlier is not None:
                return Outcome(earlier, replayed=True)
        actions, prepared = self.session.run_command(command, request)
        for action in actions:
            assert isinstance(action, Write)
            future = self.committer.submit(action.entries)
            await future
            self._written(action.token, future)
        if prepared.error is not None:
            raise CommandRefused(prepared.error, prepared.logged) from prepared.error
        return Outcome(prepared.response or {}, prepared.logged)

    def _rearm_unconfirmed_timer(self) -> None:
        if self._unconfirmed_timer is not None:
            self._unconfirmed_timer.cancel()
            self._unconfirmed_timer = None
        self._arm_unconfirmed_timer()

    def _arm_unconfirmed_timer(self) -> None:
        """Check again when the oldest pending ticket runs out of time (no polling)."""
        deadline = self.session.next_unconfirmed_deadline()
        if deadline is None or self._unconfirmed_timer is not None:
            return
        delay = max(0.0, (deadline - self.core.clock()).total_seconds())
        self._unconfirmed_timer = asyncio.get_running_loop().call_later(
            delay + 0.05, self.cancel_unconfirmed)

    # ------------------------------------------------------------ actions

    def _carry_out(self, actions: list[Action]) -> list[asyncio.Future[None]]:
        """Do what the session asked, in order. Never blocks; returns the writes started."""
        writes = []
        for action in actions:
            if isinstance(action, Send):
                self._send(action)
            elif isinstance(action, Write):
                writes.append(self._write(action))
            elif isinstance(action, Close):
                connection = self.connections.get(action.conn)
                if connection is not None:
                    task = asyncio.create_task(connection.close(action.code, action.reason))
                    self._closing.add(task)
                    task.add_done_callback(self._closing.discard)
        return writes

    def _send(self, action: Send) -> None:
        """Send one frame to each connection (broadcast never waits for a slow one)."""
        connections = [self.connections[c] for c in action.conns if c in self.connections]
        if connections:
            broadcast(connections, action.text)
            self.session.count_sent(action)

    def _write(self, action: Write) -> asyncio.Future[None]:
        future = self.committer.submit(action.entries)
        if future.done():  # nothing to write (a refusal): answer now, before the next frame
            self._written(action.token, future)
        else:
            future.add_done_callback(lambda done: self._written(action.token, done))
        return future

    def _written(self, token: int, done: asyncio.Future[None]) -> None:
        """Called in submission order once a write is durable (or failed)."""
        if done.exception() is not None:
            self._carry_out(self.session.write_failed(token))
            return
        self._carry_out(self.session.durable(token))
        self._arm_unconfirmed_timer()
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        """Send coalesced figures `coalesce_ms` after the first change since the last flush."""
        if self.session.wants_flush and self._flush_timer is None:
            self._flush_timer = asyncio.get_running_loop().call_later(
                self._coalesce_s, self._flush)

    def _flush(self) -> None:
        self._flush_timer = None
        self._carry_out(self.session.flush())

    # ---------------------------------------------------------------- http

    def _process_http(self, connection: ServerConnection, request: Request
                      ) -> Response | Awaitable[Response] | None:
        """Answer /health; hand other plain GETs to hub.web; let websocket upgrades through."""
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return None
        if request.path == "/health":
            return self._json_response(http.HTTPStatus.OK, self.health_report())
        from hub import web  # pages, audio, reports: loaded on the first GET that needs them

        return web.respond(self, request)

    @staticmethod
    def _json_response(status: http.HTTPStatus, body: dict[str, Any]) -> Response:
        data = json.dumps(body, ensure_ascii=False).encode()
        headers = Headers([("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                           ("Connection", "close")])
        return Response(status.value, status.phrase, headers, data)

    def health_report(self) -> dict[str, Any]:
        """Status, uptime, clients per role, last sequence number, faults, frames sent."""
        return {"status": "ok", "mpp": self.config.mpp.short_name,
                "uptime_seconds": round(time.monotonic() - self.started_at, 1),
                **self.session.health_report()}

    # ---------------------------------------------------------- connection

    async def _handle(self, connection: ServerConnection) -> None:
        conn = next(self._ids)
        self.connections[conn] = connection
        try:
            try:
                first: str | bytes | None = await asyncio.wait_for(connection.recv(),
                                                                   HELLO_TIMEOUT_S)
            except TimeoutError:
                first = None
            self._carry_out(self.session.hello(conn, first))
            if conn not in self.session.connections:
                with contextlib.suppress(ConnectionClosed):
                    await connection.wait_closed()
                return
            async for raw in connection:
                # One frame at a time per connection: its answer goes out before the next
                # frame is read, so a device's answers come in the order of its frames.
                for write in self._carry_out(self.session.receive(conn, raw)):
                    with contextlib.suppress(Exception):  # the session told it already
                        await asyncio.shield(write)
        except ConnectionClosed:
            pass
        finally:
            self._carry_out(self.session.closed(conn))
            self.connections.pop(conn, None)
