"""Small HTTP helpers for the hub's pages: responses, the request target, bearer tokens.

websockets answers plain GETs through `process_request` with a whole `Response`; these
build them. Every response closes its connection (the hub is no general web server),
and no answer ever carries a traceback: a client's mistake is a 4xx with a short text.
"""

from __future__ import annotations

import http
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from websockets.datastructures import Headers
from websockets.http11 import Request, Response

NO_STORE = "no-store"
"""Pages and their data change with every call: a TV must never show a cached screen."""


@dataclass(frozen=True)
class Target:
    """The path (percent-decoded) and the query of a request target."""

    path: str
    query: dict[str, str]

    def get(self, name: str, default: str = "") -> str:
        """A query parameter (the first if given twice), or `default`."""
        return self.query.get(name, default)


def target(request: Request) -> Target:
    """Split `GET /display/x?a=1` into its path and query."""
    parts = urlsplit(request.path)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return Target(unquote(parts.path), query)


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer …` header, or None."""
    value = request.headers.get("Authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def response(status: int, body: bytes, content_type: str, *,
             cache: str = NO_STORE, extra: list[tuple[str, str]] | None = None) -> Response:
    """A complete response that closes the connection."""
    headers = Headers([("Content-Type", content_type), ("Content-Length", str(len(body))),
                       ("Cache-Control", cache), ("Connection", "close"),
                       ("X-Content-Type-Options", "nosniff"), *(extra or [])])
    return Response(status, http.HTTPStatus(status).phrase, headers, body)


def json_response(status: int, body: dict[str, Any], **kwargs: Any) -> Response:
    """A JSON response (UTF-8, Indonesian text left readable)."""
    return response(status, json.dumps(body, ensure_ascii=False).encode(),
                    "application/json; charset=utf-8", **kwargs)


def html_response(status: int, page: str) -> Response:
    """An HTML page."""
    return response(status, page.encode(), "text/html; charset=utf-8")


def error(status: int, code: str, message_id: str, message_en: str,
          extra: list[tuple[str, str]] | None = None) -> Response:
    """A refusal in both languages, shaped like the protocol's `error` message."""
    return json_response(status, {"error": code, "message_id": message_id,
                                  "message_en": message_en}, extra=extra)


def not_found() -> Response:
    """404, as /health's neighbours have always answered."""
    return json_response(404, {"error": "not found"})
