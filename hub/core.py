"""The hub's core: the engine and the event log kept in step, with idempotent requests.

Anything changes in two steps: `prepare` starts the business day if the clock says so,
runs an engine command and reserves the events' seqs; `write` appends them (and the
answer to the request) durably — the hub's session does it through the group committer,
`execute`/`commit` do it on the calling thread for tools and in-process tests. Only
then may anyone be told. No sockets here; the websocket server wraps this.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hub import appointment_log
from hub.config import MallConfig
from hub.engine import QueueEngine, QueueError
from hub.engine import events as ev
from hub.eventlog import Entry, EventLog, LoggedEvent, RequestKey
from hub.notify.decide import Notifier

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


@dataclass(frozen=True, slots=True)
class Prepared:
    """A command applied to the engine but not yet written: what to write and to tell."""

    entries: list[Entry]
    logged: list[LoggedEvent]
    """The events with the seqs they will have once written (day start included)."""
    response: dict[str, Any] | None
    error: QueueError | None


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
        self.notifier = Notifier(config) if config.notifications is not None else None
        """Decides the visitors' notifications (hub/notify), written with their events."""
        self._rebuild()

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
        self.next_seq = self.log.last_seq
        """The seq the next prepared event gets (ahead of the log while commits are pending)."""
        count = 0
        # Appointments are booked days ahead: their bookings before today come first.
        for event in appointment_log.earlier_events(self.log.connection):
            self.engine.apply(event)
            count += 1
        for logged in self.log.current_day_events():
            self.engine.apply(logged.event)
            count += 1
        if self.notifier is not None:
            self.notifier.rebuild(self.engine, self.log.connection)
        seconds = time.perf_counter() - started
        log.info("rebuilt state from %d events (last seq %d) in %.3f s",
                 count, self.log.last_seq, seconds)
        return seconds

    def start_day_if_needed(self) -> list[LoggedEvent]:
        """Start a new business day when the clock has passed midnight; log what that did."""
        prepared = self.prepare_day_start()
        self.commit(prepared)
        return prepared.logged

    def prepare_day_start(self) -> Prepared:
        """Apply a new day's start if the clock says so; its entries still need a commit."""
        return self._prepared(self.engine.start_day(self.clock()), [], None, None)

    def prepare(self, command: Command, request: RequestKey | None = None) -> Prepared:
        """Run a command against the engine and say what must be written, without writing.

        The caller must commit `entries` (in the order things were prepared) before
        telling anyone about `logged` or `response`; `HubServer` does it in batches, off
        the event loop. A refusal is in `error`; the day-start events before it remain.
        """
        at = self.clock()
        day_start = self.engine.start_day(at)
        try:
            events = command(self.engine, at)
        except QueueError as error:
            return self._prepared(day_start, [], None, error)
        return self._prepared(day_start, events, request, None)

    def _prepared(self, day_start: list[ev.Event], events: list[ev.Event],
                  request: RequestKey | None, error: QueueError | None) -> Prepared:
        first = self.next_seq + 1
        everything = day_start + events
        self.next_seq += len(everything)
        logged = [LoggedEvent(first + n, event) for n, event in enumerate(everything)]
        entries = [Entry(day_start)] if day_start else []
        response = None
        if error is None and events:
            response = {"seq": self.next_seq,
                        "events": [ev.event_to_dict(event) for event in events]}
            told = (self.notifier.decide(self.engine, logged[len(day_start):])
                    if self.notifier is not None else ())
            entries.append(Entry(events, request, response, told))
        return Prepared(entries, logged, response, error)

    def write(self, entries: list[Entry]) -> list[list[int]]:
        """Append prepared entries durably: the one place anything is written to the log.

        Safe on a worker thread (the group committer's). If the disk refuses, the engine
        is ahead of the log: the caller must call `reload_after_failed_write` on the
        thread that owns the engine, then tell the requesters it failed.
        """
        return self.log.append(entries)

    def commit(self, prepared: Prepared) -> None:
        """Write prepared entries now, on this thread (tools and in-process tests)."""
        if prepared.entries:
            written = [seq for seqs in self._append(prepared.entries) for seq in seqs]
            assert written == [item.seq for item in prepared.logged], "commits out of order"

    def execute(self, command: Command, request: RequestKey | None = None) -> Outcome:
        """Run a command once, durably; a retried request gets the first answer again.

        Raises CommandRefused (with any day-start events that were logged) when the
        engine refuses; nothing else changed in that case.
        """
        if request is not None:
            earlier = self.log.find_response(request)
            if earlier is not None:
                return Outcome(earlier, replayed=True)
        prepared = self.prepare(command, request)
        self.commit(prepared)
        if prepared.error is not None:
            raise CommandRefused(prepared.error, prepared.logged) from prepared.error
        assert prepared.response is not None
        return Outcome(prepared.response, prepared.logged)

    def reload_after_failed_write(self) -> None:
        """The disk refused a write: forget everything not in the log, as on a restart."""
        self._rebuild()

    def _append(self, entries: list[Entry]) -> list[list[int]]:
        """Append durably; if the disk refuses, reload state from the log and re-raise."""
        try:
            return self.write(entries)
        except Exception:
            log.exception("could not write the event log; reloading state from it")
            self._rebuild()
            raise
