"""Request bodies on the hub's port: websockets' handshake parser refuses any, the API needs one.

The hub answers plain HTTP through websockets' `process_request` (one port, one TLS
setup), and websockets parses each request as a handshake: a `Content-Length` other than
0 is "unsupported request body". The appointments API (`POST /api/v1/appointments`)
sends a small JSON body, so every connection's protocol reads the request line and
headers with websockets' own parser and then, for a POST, reads a body of at most
`MAX_BODY_BYTES` into `BodyRequest.body`. Everything else is websockets' behaviour.

`HubConnection` (passed to `serve(create_connection=…)`) swaps its protocol's parser
before any byte arrived. Pinned to websockets 17 (pyproject.toml); the test suite's
HTTP tests fail if an upgrade changes what this relies on.
"""

from __future__ import annotations

import dataclasses
import http
from collections.abc import Callable, Generator
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import (
    HeaderLineTooLong,
    InvalidMessage,
    RequestLineTooLong,
    SecurityError,
    TooManyHeaders,
)
from websockets.http11 import Request
from websockets.protocol import CONNECTING, Protocol
from websockets.server import ServerProtocol

MAX_BODY_BYTES = 16 * 1024
"""An appointment is a few hundred bytes; anything much larger is not one."""

ReadLine = Callable[[int, type[Exception]], Generator[None, None, bytes | bytearray]]


@dataclasses.dataclass
class BodyRequest(Request):
    """A request with the body websockets would have refused (POST only)."""

    body: bytes = b""


class _LengthTaken:
    """Reads header lines for websockets' parser, taking `Content-Length` aside."""

    def __init__(self, read_line: ReadLine) -> None:
        self._read_line = read_line
        self.length = 0

    def read_line(self, limit: int, too_long: type[Exception]
                  ) -> Generator[None, None, bytes | bytearray]:
        line = yield from self._read_line(limit, too_long)
        name, colon, value = bytes(line).partition(b":")
        if colon and name.strip().lower() == b"content-length":
            text = value.strip()
            if not text.isdigit():
                raise ValueError("Content-Length is not a number")
            if int(text) > MAX_BODY_BYTES:
                raise SecurityError(f"body over {MAX_BODY_BYTES} bytes")
            self.length = int(text)
            return b"Content-Length: 0\r\n"
        return line


class BodyProtocol(ServerProtocol):
    """websockets' server protocol, reading a POST's body after the headers."""

    def parse(self) -> Generator[None]:
        if self.state is CONNECTING:
            lines = _LengthTaken(self.reader.read_line)
            try:
                parsed = yield from Request.parse(lines.read_line)
                body = b""
                if lines.length:
                    if parsed.method != "POST":
                        raise ValueError("only a POST has a body")
                    body = bytes((yield from self.reader.read_exact(lines.length)))
                request = BodyRequest(parsed.path, parsed.headers, parsed.method,
                                      parsed.protocol, body=body)
            except RequestLineTooLong as exc:
                self.handshake_exc = exc
                self.send_response(self.reject(http.HTTPStatus.REQUEST_URI_TOO_LONG,
                                               f"Failed to open a WebSocket connection: {exc}.\n"))
                yield
            except (HeaderLineTooLong, TooManyHeaders, SecurityError) as exc:
                self.handshake_exc = exc
                status = (http.HTTPStatus.REQUEST_ENTITY_TOO_LARGE if lines.length == 0
                          and isinstance(exc, SecurityError)
                          and "body" in str(exc)
                          else http.HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)
                self.send_response(self.reject(status, f"Request refused: {exc}.\n"))
                yield
            except Exception as exc:
                self.handshake_exc = InvalidMessage("did not receive a valid HTTP request")
                self.handshake_exc.__cause__ = exc
                self.send_eof()
                self.parser = self.discard()
                next(self.parser)  # start coroutine
                yield
            self.events.append(request)
        yield from Protocol.parse(self)


class HubConnection(ServerConnection):
    """A server connection whose protocol reads POST bodies (see the module's docstring)."""

    def __init__(self, protocol: ServerProtocol, *args: Any, **kwargs: Any) -> None:
        protocol.__class__ = BodyProtocol  # same state; only `parse` differs
        protocol.parser = protocol.parse()
        next(protocol.parser)  # nothing has been received yet: start afresh
        super().__init__(protocol, *args, **kwargs)
