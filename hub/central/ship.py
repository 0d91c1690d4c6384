"""`hub ship`: copy a hub's chained events to the central PostgreSQL, in order, exactly once.

Runs beside the hub and reads its SQLite log through a read-only connection (URI
`mode=ro`, WAL): the hub never waits for it, and keeps serving when the central server is
away for days — the log simply grows and is shipped when the server is back.

Exactly once without any state of its own: before each batch the shipper asks the central
database for the MPP's head (last stored seq), reads the next rows after it from the log
and sends them; the central side stores them in one transaction that also advances the
head (`hub.central.ingest`). A kill, a power cut or a dropped connection at any instant
loses at most an uncommitted batch, which the next run sends again; a batch committed but
not acknowledged is recognised row by row and skipped.
"""

from __future__ import annotations

import contextlib
import logging
import random
import sqlite3
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import psycopg

from hub.central.ingest import Central, ChainRefused, EventRow
from hub.eventlog import GENESIS_HASH, open_readonly
from hub.reports.queries import ChainHead

log = logging.getLogger("hub.ship")

BATCH_SIZE = 1000
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 300.0
REFUSED_RETRY_SECONDS = 600.0
"""After a refusal (gap, fork, altered) the chain cannot go on by itself: try rarely."""
POLL_SECONDS = 2.0
"""How often a caught-up shipper looks for new events in the log."""


@dataclass(frozen=True, slots=True)
class Shipped:
    """What one pass shipped: events stored, batches sent, and the central head after."""

    events: int
    batches: int
    head: ChainHead


def read_after(hub: sqlite3.Connection, after_seq: int,
               limit: int) -> tuple[str | None, list[EventRow]]:
    """Read up to `limit` rows after `after_seq` and the hub's hash of `after_seq` itself.

    The hash is None when the hub has no row `after_seq` (its log lost rows the central
    side holds); one SELECT, so both come from one state of the log.
    """
    rows = hub.execute(
        "SELECT seq, at, type, payload, hash FROM events WHERE seq >= ? ORDER BY seq LIMIT ?",
        (max(after_seq, 1), limit + (1 if after_seq > 0 else 0))).fetchall()
    events = [EventRow(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows]
    if after_seq == 0:
        return GENESIS_HASH, events
    if events and events[0].seq == after_seq:
        return events[0].hash, events[1:]
    return None, events


class Shipper:
    """Ships one hub's log to the central database.

    Caller's obligations: one Shipper per MPP at a time is the plan (two are harmless:
    the central side serialises them); call `close()` at the end.
    """

    def __init__(self, db_path: Path, conninfo: str, mpp_id: str, *, name: str | None = None,
                 timezone: str = "Asia/Jakarta",
                 names: Iterable[tuple[str, str, str, str]] = (),
                 batch_size: int = BATCH_SIZE, connect_timeout: int = 10) -> None:
        self.db_path = db_path
        self.conninfo = conninfo
        self.mpp_id = mpp_id
        self.name = name or mpp_id
        self.timezone = timezone
        self.names = list(names)
        self.batch_size = batch_size
        self.connect_timeout = connect_timeout
        self._central: Central | None = None
        self._hub: sqlite3.Connection | None = None

    def close(self) -> None:
        """Close both connections."""
        self._drop_central()
        if self._hub is not None:
            self._hub.close()
            self._hub = None

    def _drop_central(self) -> None:
        if self._central is not None:
            with contextlib.suppress(psycopg.Error):  # the connection is gone already
                self._central.close()
            self._central = None

    def central(self) -> Central:
        """The central database, connected, migrated and with this MPP registered."""
        if self._central is None:
            central = Central.connect(self.conninfo, self.connect_timeout)
            try:
                central.register(self.mpp_id, self.name, self.timezone, self.names)
            except BaseException:
                central.close()
                raise
            self._central = central
        return self._central

    def hub(self) -> sqlite3.Connection:
        """The hub's log, read-only (raises FileNotFoundError before the hub created it)."""
        if self._hub is None:
            if not self.db_path.is_file():
                raise FileNotFoundError(f"no event log at {self.db_path}")
            self._hub = open_readonly(self.db_path)
        return self._hub

    def ship_available(self, max_batches: int | None = None) -> Shipped:
        """Ship batches until the central head reaches the end of the log (or `max_batches`).

        Raises psycopg.OperationalError when the central server cannot be reached (the
        connection is dropped, to be made again next time) and ChainRefused when the log
        does not continue what the central side holds.
        """
        shipped = batches = 0
        try:
            central = self.central()
            head = central.head(self.mpp_id)
            while max_batches is None or batches < max_batches:
                after_hash, rows = read_after(self.hub(), head.seq, self.batch_size)
                if not rows and after_hash is not None and after_hash == head.hash:
                    break
                receipt = central.receive(self.mpp_id, (head.seq, after_hash), rows)
                shipped += receipt.stored
                batches += 1
                head = receipt.head
                if not rows:
                    break
                log.debug("shipped up to seq %d", head.seq)
        except psycopg.OperationalError:
            self._drop_central()
            raise
        return Shipped(shipped, batches, head)

    def run(self, stop: threading.Event, wait: Callable[[float], object] | None = None,
            rng: random.Random | None = None, poll_seconds: float = POLL_SECONDS) -> None:
        """Ship until `stop` is set: new events as they come, with backoff while the central
        server is away (jittered, doubling from 1 s to 5 min) and rare retries after a
        refusal. `wait(seconds)` pauses (default: `stop.wait`; tests record the delays).
        Closes the shipper's connections when it returns."""
        try:
            self._run(stop, wait or stop.wait, rng or random.Random(), poll_seconds)
        finally:
            self.close()  # in the thread that opened the connections

    def _run(self, stop: threading.Event, pause: Callable[[float], object], rng: random.Random,
             poll_seconds: float) -> None:
        delay = FIRST_RETRY_SECONDS
        while not stop.is_set():
            try:
                shipped = self.ship_available()
            except psycopg.OperationalError as error:
                jittered = rng.uniform(delay / 2, delay)
                log.warning("central server unreachable (%s); retrying in %.1f s",
                            str(error).strip().splitlines()[0] if str(error) else error,
                            jittered)
                pause(jittered)
                delay = min(delay * 2, MAX_RETRY_SECONDS)
                continue
            except ChainRefused as refused:
                log.error("%s; the central database keeps everything before it. "
                          "Retrying in %.0f s", refused, REFUSED_RETRY_SECONDS)
                pause(REFUSED_RETRY_SECONDS)
                continue
            except (FileNotFoundError, sqlite3.Error) as error:
                log.warning("cannot read the hub's log yet (%s); retrying in %.0f s", error,
                            poll_seconds)
                self._close_hub()
                pause(poll_seconds)
                continue
            delay = FIRST_RETRY_SECONDS
            if shipped.events:
                log.info("shipped %d events; central head seq %d", shipped.events,
                         shipped.head.seq)
            pause(poll_seconds)

    def _close_hub(self) -> None:
        if self._hub is not None:
            self._hub.close()
            self._hub = None
