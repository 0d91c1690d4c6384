"""Qt bridge: the asyncio HubClient in a worker thread, talking to the GUI by signals.

DESIGN.md explains why not QtAsyncio (it cannot open sockets). The worker thread owns
an asyncio loop running `HubClient.run()`; every callback is re-emitted as a Qt signal,
which Qt queues to the GUI thread. Signals carry the typed messages of
`hub.hub_messages`. The GUI sends requests with `send(p.CallNext)`, which returns a
token at once; the answer arrives as `requestFinished`: a `Result`, or an `ErrorMessage`
(the hub's refusal, or one made here when the hub cannot be reached).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import threading
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QObject, Signal

from hub import protocol as p
from hub.client.connection import (
    ConnectionState,
    HubClient,
    HubRequestError,
    HubUnavailable,
    local_error,
    new_request,
    request_type,
)
from hub.client.view import ClientView
from hub.hub_messages import Welcome

log = logging.getLogger(__name__)


class HubBridge(QObject):
    """A hub connection for a Qt app (kiosk, counter terminal, display, dashboard)."""

    messageReceived = Signal(object)
    """A typed SnapshotMessage, EventMessage, ServicesUpdate, ScheduleUpdate, DeviceStatus
    or Pong (the view already merged)."""
    stateChanged = Signal(str, str)
    """Connection status (connecting, online, offline, refused) and a detail text."""
    requestFinished = Signal(str, object, object)
    """(token, Result or None, ErrorMessage or None) for each `send()` call."""
    lateResult = Signal(object)
    """A Result: the hub carried out a request after it had timed out (see HubClient)."""
    mallChanged = Signal(object)
    """A Welcome carrying another mall configuration than the app started with."""

    def __init__(
        self,
        url: str,
        device_id: str,
        token: str,
        ssl_context: ssl.SSLContext | None = None,
        parent: QObject | None = None,
        mall_version: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.client = HubClient(
            url, device_id, token, ssl_context,
            on_message=self.messageReceived.emit,
            on_state=self._state,
            on_late_result=self.lateResult.emit,
            mall_version=mall_version,
            on_mall_changed=self.mallChanged.emit,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._counter = 0

    @property
    def view(self) -> ClientView:
        """The latest merged view (immutable; read it in the GUI thread after a signal)."""
        return self.client.view

    @property
    def welcome(self) -> Welcome | None:
        """The hub's welcome message (role, counter id, zone); None before the first one."""
        return self.client.welcome

    def start(self) -> None:
        """Start the worker thread and connect."""
        self._thread = threading.Thread(target=self._run, name="hub-link", daemon=True)
        self._thread.start()
        self._ready.wait(5)

    def stop(self, timeout: float = 5.0) -> None:
        """Disconnect and join the worker thread."""
        if self._loop is None or self._thread is None:
            return
        future = asyncio.run_coroutine_threadsafe(self.client.close(), self._loop)
        try:
            future.result(timeout)
        except Exception:
            log.exception("closing the hub link failed")
        self._thread.join(timeout)
        self._thread = None

    def send(self, kind: type[p.Request], /, timeout: float = 8.0, **fields: Any) -> str:
        """Send a request from the GUI thread; return a token that `requestFinished` carries.

        Fields that make no valid request are answered at once with a `client_error`.
        """
        self._counter += 1
        token = f"{request_type(kind)}-{self._counter}"
        try:
            request = new_request(kind, **fields)
        except ValidationError as error:
            log.error("not a valid %s: %s", request_type(kind), error)
            self.requestFinished.emit(token, None, local_error(
                "client_error", "Terjadi kesalahan.", f"not a valid request: {error}"))
            return token
        if self._loop is None:
            self.requestFinished.emit(token, None, local_error(
                "offline", "Tidak terhubung ke server.", "Not connected to the hub."))
            return token

        async def run_and_report() -> None:
            # Emitted from the worker thread, so Qt queues it: the GUI always has the
            # token before the answer arrives, however fast the hub is.
            try:
                result = await self.client.send_request(request, timeout)
            except HubRequestError as refused:
                self.requestFinished.emit(token, None, refused.error)
            except HubUnavailable as error:
                self.requestFinished.emit(token, None, local_error(
                    "hub_unavailable", "Server antrean tidak menjawab. Silakan coba lagi.",
                    f"The queue server did not answer. ({error})"))
            except Exception as error:  # the GUI must always get an answer
                log.exception("request %s failed", type(request).__name__)
                self.requestFinished.emit(token, None, local_error(
                    "client_error", "Terjadi kesalahan.", str(error)))
            else:
                self.requestFinished.emit(token, result, None)

        asyncio.run_coroutine_threadsafe(run_and_report(), self._loop)
        return token

    def _state(self, state: ConnectionState) -> None:
        self.stateChanged.emit(state.status, state.detail)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._ready.set()
        try:
            loop.run_until_complete(self.client.run())
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            self._loop = None
