"""The hub's core: the engine and the event log kept in step, with idempotent requests.

`HubCore.execute` is the one path by which anything changes: it starts the business
day if the clock says so, runs an engine command, appends the events (and the answer
to the request) durably, and only then returns them to be broadcast. No sockets here;
the websocket server wraps this.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hub.config import MallConfig
from hub.engine import QueueEngine, QueueError
from hub.engine import events as ev
from hub.eventlog import Entry, EventLog, LoggedEvent, RequestKey

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
Command = Callable[[QueueEngine, dt.datetime], list[ev.Event]]


def system_clock() -> dt.datetime:
    """The real time, timezone-aware (UTC)."""
    return dt.datetime.now(dt.UTC)


class AcceleratedClock:
    """Demo and simulation time: starts at `start` and runs `speed` times faster than real.

    Lets the demo show an open mall at night, and a simulated business day pass in
    minutes. Never used unless asked for on the command line.
    """

    def __init__(self, start: dt.datetime, speed: float = 1.0) -> None:
        if start.tzinfo is None:
            raise ValueError("the start time must be timezone-aware")
        self.start, self.speed = start, speed
        self._origin = time.monotonic()

    def __call__(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=(time.monotonic() - self._origin) * self.speed)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a request did: the logged events to broadcast and the answer to send back."""

    response: dict[str, Any]
    logged: list[LoggedEvent] = field(default_factory=list)
    replayed: bool = False
    """True when this is a retry answered from the log; nothing new happened."""


class CommandRefused(Exception):
    """The engine refused the command; `logged` holds day-start events that still happened."""

    def __init__(self, error: QueueError, logged: list[LoggedEvent]) -> None:
        super().__init__(str(error))
        self.error = error
        self.logged = logged


class HubCore:
    """One mall's engine and event log, rebuilt from the log on start."""

    def __init__(self, config: MallConfig, log_store: EventLog, clock: Clock = system_clock):
        self.config = config
        self.log = log_store
        self.clock = clock
        self.engine = QueueEngine(config)
        self.rebuild_seconds = self._rebuild()

    @classmethod
    def open(cls, config: MallConfig, db_path: str | Path, clock: Clock = system_clock) -> HubCore:
        """Open (or create) the database and rebuild today's state from it."""
        return cls(config, EventLog(db_path, config.mpp.timezone), clock)

    def close(self) -> None:
        """Close the database."""
        self.log.close()

    def _rebuild(self) -> float:
        started = time.perf_counter()
        self.engine = QueueEngine(self.config)
        count = 0
        for logged in self.log.current_day_events():
            self.engine.apply(logged.event)
            count += 1
        seconds = time.perf_counter() - started
        log.info("rebuilt state from %d events (last seq %d) in %.3f s",
                 count, self.log.last_seq, seconds)
        return seconds

    def start_day_if_needed(self) -> list[LoggedEvent]:
        """Start a new business day when the clock has passed midnight; log what that did."""
        return self._log_day_start(self.engine.start_day(self.clock()))

    def _log_day_start(self, events: list[ev.Event]) -> list[LoggedEvent]:
        if not events:
            return []
        seqs = self._append([Entry(events)])[0]
        return [LoggedEvent(seq, event) for seq, event in zip(seqs, events, strict=True)]

    def execute(self, command: Command, request: RequestKey | None = None) -> Outcome:
        """Run a command once, durably; a retried request gets the first answer again.

        Raises CommandRefused (with any day-start events that were logged) when the
        engine refuses; nothing else changed in that case.
        """
        if request is not None:
            earlier = self.log.find_response(request)
            if earlier is not None:
                return Outcome(earlier, replayed=True)
        at = self.clock()
        day_start = self.engine.start_day(at)
        try:
            events = command(self.engine, at)
        except QueueError as error:
            raise CommandRefused(error, self._log_day_start(day_start)) from error
        first_seq = self.log.last_seq + len(day_start) + 1
        response = {
            "seq": first_seq + len(events) - 1,
            "events": [ev.event_to_dict(event) for event in events],
        }
        seqs = self._append([Entry(day_start), Entry(events, request, response)])
        logged_now = [
            LoggedEvent(seq, event)
            for seq, event in zip(seqs[0] + seqs[1], day_start + events, strict=True)
        ]
        return Outcome(response, logged_now)

    def _append(self, entries: list[Entry]) -> list[list[int]]:
        """Append durably; if the disk refuses, reload state from the log and re-raise."""
        try:
            return self.log.append(entries)
        except Exception:
            log.exception("could not write the event log; reloading state from it")
            self._rebuild()
            raise
