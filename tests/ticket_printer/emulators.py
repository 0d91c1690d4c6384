"""Hand-written printer emulators: the far end of a pty pair or of a loopback TCP socket.

Each runs one thread that records every byte received and answers DLE EOT n with the byte
in ``replies[n]`` (no entry: stays silent, like a printer that does not answer). Tests wait
on a condition (``wait_for``), never sleep, and ``stop()`` joins the thread.
"""

from __future__ import annotations

import os
import select
import socket
import threading
import tty
from collections.abc import Callable

DLE_EOT = b"\x10\x04"


class _Emulator:
    """Shared bookkeeping: received bytes, status replies, a stop pipe and a condition."""

    def __init__(self, replies: dict[int, int] | None) -> None:
        self.replies = dict(replies or {})
        self.received = bytearray()
        self.status_requests: list[int] = []
        self._scan = 0
        self._changed = threading.Condition()
        self._stop_read, self._stop_write = os.pipe()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        os.write(self._stop_write, b"x")
        self._thread.join(timeout=5)
        assert not self._thread.is_alive(), "emulator thread did not stop"
        os.close(self._stop_read)
        os.close(self._stop_write)

    def wait_for(self, predicate: Callable[[bytes], bool], timeout: float = 5.0) -> bytes:
        """Block until ``predicate(received)`` holds; fail the test if it never does."""
        with self._changed:
            ok = self._changed.wait_for(lambda: predicate(bytes(self.received)), timeout)
            assert ok, f"emulator never saw the expected bytes; got {bytes(self.received)!r}"
            return bytes(self.received)

    def _feed(self, chunk: bytes, reply: Callable[[bytes], None]) -> None:
        """Record ``chunk`` and answer every complete DLE EOT n in the stream."""
        with self._changed:
            self.received += chunk
            while True:
                at = self.received.find(DLE_EOT, self._scan)
                if at < 0 or at + 2 >= len(self.received):
                    self._scan = max(self._scan, len(self.received) - 2)
                    break
                kind = self.received[at + 2]
                self.status_requests.append(kind)
                self._scan = at + 3
                if kind in self.replies:
                    reply(bytes([self.replies[kind]]))
            self._changed.notify_all()

    def _run(self) -> None:
        raise NotImplementedError


class PtyPrinter(_Emulator):
    """A serial printer on the master side of a pty; the backend opens ``device``."""

    def __init__(self, replies: dict[int, int] | None = None) -> None:
        super().__init__(replies)
        self._master, self._slave = os.openpty()
        # Raw mode so replies are not echoed or line-edited before pyserial opens the port.
        tty.setraw(self._slave)
        self.device = os.ttyname(self._slave)

    def _run(self) -> None:
        while True:
            ready, _, _ = select.select([self._master, self._stop_read], [], [])
            if self._stop_read in ready:
                return
            try:
                chunk = os.read(self._master, 4096)
            except OSError:
                return
            self._feed(chunk, lambda data: os.write(self._master, data))

    def stop(self) -> None:
        super().stop()
        os.close(self._master)
        os.close(self._slave)


class TcpPrinter(_Emulator):
    """A network printer on 127.0.0.1, port chosen by the OS; one connection at a time."""

    def __init__(self, replies: dict[int, int] | None = None) -> None:
        super().__init__(replies)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.host, self.port = self._listener.getsockname()
        self.connections = 0

    def _run(self) -> None:
        while True:
            ready, _, _ = select.select([self._listener, self._stop_read], [], [])
            if self._stop_read in ready:
                return
            connection, _ = self._listener.accept()
            with connection:
                self.connections += 1
                if not self._serve(connection):
                    return

    def _serve(self, connection: socket.socket) -> bool:
        """Serve one client until it closes; return False if asked to stop meanwhile."""
        while True:
            ready, _, _ = select.select([connection, self._stop_read], [], [])
            if self._stop_read in ready:
                return False
            try:
                chunk = connection.recv(4096)
            except OSError:
                return True
            if not chunk:
                return True
            self._feed(chunk, connection.sendall)

    def stop(self) -> None:
        super().stop()
        self._listener.close()
