"""The hub's time as a screen should show it, from the events the hub sends.

Every screen shows the hub's clock, not the PC's: the calls, waits and tickets on the
screen are stamped by the hub, and a PC without NTP (or the demo's shifted and
accelerated hub) would otherwise show a clock that disagrees with them.

Each event carries the hub's time (`at`). A sample "hub time − our time" taken when a
message is handled can only be too small, never too large: the message may have waited
in a queue (a busy GUI thread), never arrived early. So the largest sample of the last
WINDOW of real time is the best guess. And the hub's time now is at least the time of
anything it has already told us: `now(floor=…)` never shows a clock earlier than a
call on the same screen.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from hub.client.view import ClientView
from hub.hub_messages import EventMessage

Clock = Callable[[], dt.datetime]
WINDOW_S = 30.0
"""Real seconds of samples kept (measured with time.monotonic, not with `clock`, so
an accelerated demo clock does not shrink the window)."""


def system_clock() -> dt.datetime:
    """The wall clock, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def parse(text: Any) -> dt.datetime | None:
    """An aware ISO time from the hub, or None."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


class HubClock:
    """This PC's clock corrected to the hub's (see module docstring)."""

    def __init__(self, clock: Clock = system_clock, window_s: float = WINDOW_S,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.window_s = window_s
        self.monotonic = monotonic
        self.offset = dt.timedelta(0)
        """The hub's clock minus ours, as best known now."""
        self._samples: deque[tuple[float, dt.timedelta]] = deque()

    def observe(self, hub_time: dt.datetime) -> None:
        """Learn from a time the hub just stamped (an event's `at`)."""
        real = self.monotonic()
        self._samples.append((real, hub_time - self.clock()))
        while self._samples and real - self._samples[0][0] > self.window_s:
            self._samples.popleft()
        self.offset = max(offset for _real, offset in self._samples)

    def observe_message(self, message: object) -> None:
        """Learn from a typed hub message: its `hub_time`, or an event's time."""
        if isinstance(message, EventMessage):
            at = parse(message.event["at"]) if "at" in message.event else None
        else:
            at = parse(getattr(message, "hub_time", None))
        if at is not None:
            self.observe(at)

    def now(self, floor: dt.datetime | None = None) -> dt.datetime:
        """The hub's time now; never earlier than `floor` (the newest time on the screen)."""
        estimate = self.clock() + self.offset
        return max(estimate, floor) if floor is not None else estimate


def newest_time(view: ClientView) -> dt.datetime | None:
    """The latest time the hub has stamped on anything in a view (calls, counters)."""
    found: Iterable[str | None] = (
        *(call.called_at for call in view.recent_calls),
        *(moment for desk in view.counters.values()
          for moment in (desk.since, desk.ticket.called_at if desk.ticket else None)),
    )
    times = [moment for moment in map(parse, found) if moment is not None]
    return max(times, default=None)
