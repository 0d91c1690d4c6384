"""The hub's HTTP side: pages for browsers, announcement audio, reports over the network.

`hub/server.py` hands every plain GET it does not answer itself (/health) to
`respond(server, request)`. Routes (all GET; see docs/protocol.md §20):

    /display/<device id>            the hall display page for a smart TV (§20.1)
    /announce.wav?ticket=&counter=  chime and spoken call as one WAV (§20.3)
    /tiket/<ticket id>              the visitor's phone page; ?data=1&since= waits for news
    /ambil, /pulihkan, /poster      take a ticket on a phone, recover a page, the QR poster;
                                    POST /ambil, /pulihkan, /tiket/<id>/batal|hadir (§22)
    /reports?period=&format=        a report file for a supervisor's token (§20.5)
    /reports/ikm?day=               a day's IKM for a supervisor's token
    /slots?service=&day=            a service's appointment slots for a supervisor's token (§21.1)
    /api/v1/…                       appointments for a portal's token (§21; GET, POST, DELETE)
    /web/<file>                     the pages' scripts and styles

Nothing here imports Qt; the pages are plain files in `static/`, served as they are.
"""

from __future__ import annotations

import asyncio
import html
import weakref
from collections.abc import Awaitable
from importlib import resources
from typing import TYPE_CHECKING, Any

from websockets.http11 import Request, Response

from hub.web import api, audio, display, http, phone, phone_api
from hub.web.reports import Reports, supervisor_for

if TYPE_CHECKING:
    from hub.server import HubServer

STATIC = {"display.js": "text/javascript; charset=utf-8",
          "display.css": "text/css; charset=utf-8",
          "phone.js": "text/javascript; charset=utf-8",
          "phone.css": "text/css; charset=utf-8",
          "join.js": "text/javascript; charset=utf-8"}
CHANGE_CHECK_S = 0.5
"""How often a waiting phone's request looks at the log's last seq (in memory, no I/O)."""


class Changes:
    """Wakes phone requests when the log grew (or the hub is stopping).

    The session has no "a batch is durable" hook for HTTP, so one task looks at the
    log's last seq every `CHANGE_CHECK_S` — only while a phone waits, never otherwise.
    """

    def __init__(self, server: HubServer) -> None:
        self.server = server
        self._waiters: set[asyncio.Future[None]] = set()
        self._task: asyncio.Task[None] | None = None

    async def wait(self, timeout: float) -> None:
        """Return when something was logged, the hub stops, or after `timeout` s."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(future)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._watch())
        try:
            await asyncio.wait({future}, timeout=timeout)
        finally:
            self._waiters.discard(future)

    async def _watch(self) -> None:
        seen = self.server.core.log.last_seq
        while self._waiters:
            await asyncio.sleep(CHANGE_CHECK_S)
            listening = self.server.server is not None and self.server.server.is_serving()
            now = self.server.core.log.last_seq
            if now != seen or not listening:
                seen = now
                for future in list(self._waiters):
                    if not future.done():
                        future.set_result(None)


class WebApp:
    """The HTTP routes of one hub server."""

    def __init__(self, server: HubServer) -> None:
        self.server = server
        self.core = server.core
        self.config = server.config
        self.audio = audio.AnnouncementCache()
        self.changes = Changes(server)
        self.reports = Reports(self.config, self.core.log.path, self.today)
        self.api = api.AppointmentsApi(server)
        self.phone = phone_api.PhoneApi(server)

    def today(self) -> str:
        """The current business day (or the mall's local date before the first one)."""
        day = self.core.engine.business_day
        if day is not None:
            return day.isoformat()
        return self.core.clock().astimezone(self.core.engine.timezone).date().isoformat()

    def respond(self, request: Request) -> Response | Awaitable[Response]:
        """Route one GET; anything unknown is 404."""
        where = http.target(request)
        path = where.path
        if path.startswith(api.PREFIX):
            return self.api.respond(request, where)
        if path.startswith("/web/"):
            return self.static(path[len("/web/"):])
        if path in ("/ambil", "/pulihkan", "/poster") or (
                request.method == "POST" and path.startswith(phone.PATH_PREFIX)):
            return self.phone_route(request, path)
        if path.startswith(phone.PATH_PREFIX):
            return self.ticket(path[len(phone.PATH_PREFIX):], where)
        if path.startswith(display.PATH_PREFIX):
            return self.display(path[len(display.PATH_PREFIX):], where)
        if path == "/announce.wav":
            return self.announcement(where)
        if path in ("/reports", "/reports/ikm", "/slots"):
            if supervisor_for(self.config, self.server.session.credentials,
                              http.bearer_token(request)) is None:
                return http.error(401, "auth_failed", "Token pengawas salah atau tidak ada.",
                                  "Missing or wrong supervisor token.",
                                  extra=[("WWW-Authenticate", 'Bearer realm="antrean"')])
            if path == "/slots":  # the dashboard books for a visitor at the desk
                return self.api.slots(where)
            if path == "/reports":
                return self.reports.report(where.query)
            return self.reports.ikm(where.query)
        return http.not_found()

    # ------------------------------------------------------------------ routes

    def phone_route(self, request: Request, path: str) -> Response | Awaitable[Response]:
        """The visitor's phone pages: join, recover, poster, leave and "I'm here" (§22)."""
        body = getattr(request, "body", b"")
        post = request.method == "POST"
        if path == "/ambil":
            return self.phone.join(body) if post else self.phone.join_page()
        if path == "/pulihkan":
            return self.phone.recover(body) if post else self.phone.recover_page()
        if path == "/poster":
            return http.not_found() if post else self.phone.poster(request)
        ticket_id, _, action = path[len(phone.PATH_PREFIX):].rpartition("/")
        if action in ("batal", "hadir") and ticket_id:
            return self.phone.act(ticket_id, action, body)
        return http.not_found()

    @staticmethod
    def static(name: str) -> Response:
        """One of the pages' files (a fixed list: no path ever reaches the disk)."""
        content_type = STATIC.get(name)
        if content_type is None:
            return http.not_found()
        body = resources.files("hub.web").joinpath("static", name).read_bytes()
        return http.response(200, body, content_type, cache="no-cache")

    def display(self, rest: str, where: http.Target) -> Response:
        """The TV page of a display device (?lang=id,en: announcements in both languages)."""
        device = display.display_device(self.config, rest)
        if device is None:
            return http.not_found()
        languages = "id,en" if where.get("lang") in ("id,en", "en") else "id"
        return http.html_response(200, display.page(self.config, device, languages))

    async def announcement(self, where: http.Target) -> Response:
        """The chime and the spoken call as one WAV (cached by its text)."""
        try:
            data = await self.audio.wav(audio.spoken(where.query))
        except audio.BadAnnouncement as error:
            return http.error(400, "invalid_argument", "Panggilan tidak dapat diucapkan.",
                              f"This call cannot be spoken. {error}")
        return http.response(200, data, "audio/wav", cache="max-age=3600")

    def ticket(self, ticket_id: str, where: http.Target) -> Response | Awaitable[Response]:
        """The phone page, or its data (waiting up to phone.WAIT_S for a change)."""
        if where.get("data") != "1":
            status = phone.ticket_status(self.core.engine, ticket_id, self.core.clock())
            return http.html_response(200 if status else 404,
                                      phone.page(html.escape(self.config.mpp.name), status))
        return self._ticket_data(ticket_id, where.get("since"))

    async def _ticket_data(self, ticket_id: str, since: str) -> Response:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + phone.WAIT_S
        while True:
            status = phone.ticket_status(self.core.engine, ticket_id, self.core.clock())
            if status is None:
                return http.json_response(404, {"error": "not found"})
            left = deadline - loop.time()
            if status["version"] != since or status["final"] or left <= 0 or not self._serving():
                return http.json_response(200, status)
            await self.changes.wait(left)

    def _serving(self) -> bool:
        return self.server.server is not None and self.server.server.is_serving()


_apps: weakref.WeakKeyDictionary[Any, WebApp] = weakref.WeakKeyDictionary()


def respond(server: HubServer, request: Request) -> Response | Awaitable[Response]:
    """Answer a plain GET for `server` (its WebApp is made on first use)."""
    app = _apps.get(server)
    if app is None:
        app = _apps[server] = WebApp(server)
    return app.respond(request)
