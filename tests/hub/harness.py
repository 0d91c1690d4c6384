"""Run a real hub on loopback (port 0) and talk to it like devices do."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from hub.config import MallConfig
from hub.core import HubCore
from hub.server import HubServer
from tests.factories import at

TOKENS = {
    "kiosk-1": "kiosk-1-token-for-tests",
    "counter-c1": "counter-c1-token-for-tests",
    "display-z1": "display-token-for-tests",
    "boss": "supervisor-token-for-tests",
}


class FakeClock:
    """A clock the test moves by hand (starts Monday 09:00 Jakarta)."""

    def __init__(self, now: dt.datetime | None = None) -> None:
        self.now = now or at(9)

    def __call__(self) -> dt.datetime:
        return self.now


@asynccontextmanager
async def running_hub(
    config: MallConfig,
    db_path: Path,
    clock: FakeClock | None = None,
    port: int = 0,
    ssl_context: ssl.SSLContext | None = None,
) -> AsyncIterator[tuple[HubServer, str]]:
    """Start a hub, yield (server, ws url), and always stop it."""
    core = HubCore.open(config, db_path, clock or FakeClock())
    server = HubServer(core, ssl_context)
    bound = await server.start("127.0.0.1", port)
    scheme = "wss" if ssl_context else "ws"
    try:
        yield server, f"{scheme}://127.0.0.1:{bound}"
    finally:
        await server.stop()
        core.close()


class Device:
    """A raw protocol client for tests: send dicts, receive dicts."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.welcome: dict[str, Any] = {}
        self._counter = 0

    async def send(self, message: dict[str, Any] | str | bytes) -> None:
        raw = message if isinstance(message, str | bytes) else json.dumps(message)
        await self.connection.send(raw)

    async def receive(self, timeout: float = 5.0) -> dict[str, Any]:
        return json.loads(await asyncio.wait_for(self.connection.recv(), timeout))

    async def receive_type(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:
        """Receive messages until one of `kind` arrives (others are skipped)."""
        while True:
            message = await self.receive(timeout)
            if message["type"] == kind:
                return message

    async def request(self, kind: str, /, request_id: str | None = None, **fields: Any
                      ) -> dict[str, Any]:
        """Send a request and return its result or error (events in between are skipped)."""
        self._counter += 1
        request_id = request_id or f"{kind}-{self._counter}"
        await self.send({"type": kind, "request_id": request_id, **fields})
        while True:
            message = await self.receive()
            if message.get("request_id") == request_id:
                return message


@asynccontextmanager
async def device(url: str, device_id: str, token: str | None = None,
                 ssl_context: ssl.SSLContext | None = None) -> AsyncIterator[Device]:
    """Connect and say hello as a configured device; yield once welcomed."""
    async with connect(url, proxy=None, ssl=ssl_context, max_size=None) as connection:
        client = Device(connection)
        await client.send({"type": "hello", "device_id": device_id,
                           "token": token or TOKENS.get(device_id, f"{device_id}-token-for-tests")})
        client.welcome = await client.receive()
        yield client


class HubThread:
    """A real hub in a background thread with its own event loop (for Qt tests)."""

    def __init__(self, config: MallConfig, db_path: Path, clock: FakeClock | None = None,
                 port: int = 0) -> None:
        import threading

        self.config, self.db_path, self.clock, self.port = config, db_path, clock, port
        self.url = ""
        self.server: HubServer | None = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with running_hub(self.config, self.db_path, self.clock, self.port) as (server, url):
            self.server, self.url = server, url
            self._ready.set()
            await self._stop.wait()

    def call(self, function: Any) -> Any:
        """Run `function(server)` on the hub's loop and return its result."""
        import concurrent.futures

        assert self._loop is not None
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()

        def run() -> None:
            try:
                future.set_result(function(self.server))
            except Exception as error:
                future.set_exception(error)

        self._loop.call_soon_threadsafe(run)
        return future.result(10)

    def run(self, function: Any) -> Any:
        """Await `function(server)` on the hub's loop (e.g. `server.execute(…)`); its result."""
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(function(self.server), self._loop).result(10)

    def __enter__(self) -> HubThread:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("hub did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)
