"""Qt bridge: the asyncio HubClient in a worker thread, talking to the GUI by signals.

DESIGN.md explains why not QtAsyncio (it cannot open sockets). The worker thread owns
an asyncio loop running `HubClient.run()`; every callback is re-emitted as a Qt signal,
which Qt queues to the GUI thread. The GUI sends requests with `request()`, which
returns at once; the answer arrives as `requestFinished`.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal

from hub.client.connection import ConnectionState, HubClient, HubRequestError, HubUnavailable

log = logging.getLogger(__name__)


class HubBridge(QObject):
    """A hub connection for a Qt app (kiosk, counter terminal, display, dashboard)."""

    messageReceived = Signal(object)
    """A snapshot, event, services_update or device_status message (view already merged)."""
    stateChanged = Signal(str, str)
    """Connection status (connecting, online, offline, refused) and a detail text."""
    requestFinished = Signal(str, object, object)
    """(token, result dict or None, error body dict or None) for each `request()` call."""
    lateResult = Signal(object)
    """The hub carried out a request after it had timed out (see HubClient)."""

    def __init__(
        self,
        url: str,
        device_id: str,
        token: str,
        ssl_context: ssl.SSLContext | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.client = HubClient(
            url, device_id, token, ssl_context,
            on_message=self.messageReceived.emit,
            on_state=self._state,
            on_late_result=self.lateResult.emit,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._counter = 0

    @property
    def view(self) -> dict[str, Any]:
        """The latest merged view (read it in the GUI thread after a signal)."""
        return self.client.view

    @property
    def welcome(self) -> dict[str, Any]:
        """The hub's welcome message (role, counter id, zone)."""
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

    def request(self, kind: str, timeout: float = 8.0, **fields: Any) -> str:
        """Send a request from the GUI thread; return a token that `requestFinished` carries."""
        self._counter += 1
        token = f"{kind}-{self._counter}"
        if self._loop is None:
            self.requestFinished.emit(token, None, {"code": "offline",
                                                    "message_id": "Tidak terhubung ke server.",
                                                    "message_en": "Not connected to the hub."})
            return token
        async def run_and_report() -> None:
            # Emitted from the worker thread, so Qt queues it: the GUI always has the
            # token before the answer arrives, however fast the hub is.
            try:
                result = await self.client.request(kind, timeout, **fields)
            except HubRequestError as error:
                self.requestFinished.emit(token, None, error.body)
            except HubUnavailable as error:
                self.requestFinished.emit(token, None, {
                    "code": "hub_unavailable",
                    "message_id": "Server antrean tidak menjawab. Silakan coba lagi.",
                    "message_en": f"The queue server did not answer. ({error})",
                })
            except Exception as error:  # the GUI must always get an answer
                log.exception("request %s failed", kind)
                self.requestFinished.emit(token, None, {
                    "code": "client_error", "message_id": "Terjadi kesalahan.",
                    "message_en": str(error)})
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
