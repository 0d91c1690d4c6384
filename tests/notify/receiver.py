"""A real HTTP webhook receiver on 127.0.0.1, port 0, for the notification tests.

It records every POST (headers and raw body) and answers as the test says: 200, a
failure status for the first N requests, a dropped connection (no answer at all, as in
an outage), or — for the kill test — holding one request unanswered until released.
The test waits on its condition for what it expects; nothing sleeps.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    """One POST as the receiver saw it."""

    notification_id: str
    signature: str
    body: bytes
    answered: int | None
    """The status answered (None: dropped or held)."""


@dataclass
class Behaviour:
    """How the receiver answers; changed by the test between deliveries."""

    fail_first: int = 0
    """Answer this many requests with `fail_status` before answering 200."""
    fail_status: int = 503
    drop_first: int = 0
    """Close this many connections without any answer (an outage)."""
    hold_request: int | None = None
    """Hold the request with this 1-based number unanswered until `release` is set."""
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


class Receiver:
    """The loopback webhook; use as a context manager."""

    def __init__(self) -> None:
        self.behaviour = Behaviour()
        self.received: list[Received] = []
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver._handle(self, body)

            def log_message(self, *args: Any) -> None:
                pass  # keep the test output quiet

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/antrean"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        behaviour = self.behaviour
        with self.changed:
            number = len(self.received) + 1
            record = Received(handler.headers.get("Idempotency-Key", ""),
                              handler.headers.get("X-Antrean-Signature", ""), body, None)
            self.received.append(record)
            self.changed.notify_all()
        if behaviour.hold_request == number:
            behaviour.held.set()
            behaviour.release.wait(30)
            handler.close_connection = True
            return
        if number <= behaviour.drop_first:
            handler.close_connection = True
            return  # no status line at all: the client sees the connection closed
        status = behaviour.fail_status if number <= behaviour.drop_first + behaviour.fail_first \
            else 200
        handler.send_response(status)
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.wfile.write(b"ok")
        with self.changed:
            record.answered = status
            self.changed.notify_all()

    def wait_for(self, predicate: Any, timeout: float = 20.0) -> None:
        """Block until `predicate(received)` holds (AssertionError after `timeout`)."""
        with self.changed:
            if not self.changed.wait_for(lambda: predicate(self.received), timeout):
                raise AssertionError(f"receiver never saw that; it has {self.ids()}")

    def ids(self) -> list[str]:
        """The ids of every POST, in arrival order (repeats included)."""
        return [r.notification_id for r in self.received]

    def accepted(self) -> Counter[str]:
        """How many times each id was answered 200."""
        return Counter(r.notification_id for r in self.received if r.answered == 200)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.behaviour.release.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(10)
