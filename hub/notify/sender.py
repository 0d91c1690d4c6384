"""The sender: delivers the hub's outbox through a gateway, each notification exactly once.

It reads the hub's log read-only (the hub stays the only writer of that file) and keeps
its own record in a separate SQLite file, `deliveries`: one row per notification it has
dealt with, its status and attempts. For each notification, in outbox order:

1. `sending` is written (fsync'd), then the gateway is called;
2. a 2xx answer → `delivered` (fsync'd): it is never sent again, restart or not;
   another answer → `retry` at now + backoff (retry_first_seconds, doubling to
   retry_max_seconds); no answer at all (the internet is down) → `retry`, and the
   whole pass stops: the sender waits (the same doubling) before trying again, this
   one first;
3. a row left `sending` by a sender that died mid-send is tried again at once — the only
   way an id is sent twice, with the same body and signature: the receiver's
   de-duplication by id makes that one delivery (docs/notifications.md, "exactly once").

A ticket's notifications go out in order: one waits while an earlier one of the same
ticket is unsettled. A "near" not yet delivered when a later notification of its ticket
exists is `superseded` (it would no longer be true); one older than max_age_minutes is
`expired` (logged): that is how an outage that outlasts the news ends.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hub.config.models import Notifications
from hub.eventlog import open_readonly
from hub.notify.gateway import Gateway
from hub.notify.outbox import OutboxRow, rows_after

log = logging.getLogger(__name__)

BATCH = 500
"""Outbox rows read per pass."""
SETTLED = ("delivered", "expired", "superseded")

STATE_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    notification_id TEXT PRIMARY KEY, outbox_id INTEGER NOT NULL, ticket_id TEXT NOT NULL,
    status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT, last_attempt_at TEXT, settled_at TEXT, last_error TEXT
);
CREATE INDEX IF NOT EXISTS idx_deliveries_outbox ON deliveries (outbox_id);
CREATE TABLE IF NOT EXISTS progress (
    id INTEGER PRIMARY KEY CHECK (id = 1), settled_upto INTEGER NOT NULL
);
INSERT OR IGNORE INTO progress VALUES (1, 0);
"""
"""The sender's own file. settled_upto: every outbox row up to it is settled (not read again)."""


def _earliest(first: dt.datetime | None, second: dt.datetime | None) -> dt.datetime | None:
    return min(first, second) if first and second else first or second


def utc_now() -> dt.datetime:
    """The real time (UTC, aware)."""
    return dt.datetime.now(dt.UTC)


@dataclass(slots=True)
class Pass:
    """What one pass over the outbox did."""

    delivered: int = 0
    failed: int = 0
    expired: int = 0
    superseded: int = 0
    unreachable: bool = False
    """The gateway could not reach the receiver: the pass stopped there."""
    next_due: dt.datetime | None = None
    """The earliest retry still waiting, if any."""


@dataclass(slots=True)
class _State:
    status: str
    attempts: int
    next_attempt_at: dt.datetime | None


class Sender:
    """Delivers one hub's outbox; use from one thread."""

    def __init__(self, hub_db: Path, state_db: Path, settings: Notifications,
                 gateway: Gateway, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.hub_db, self.settings, self.gateway, self.clock = hub_db, settings, gateway, clock
        self.state = sqlite3.connect(state_db, isolation_level=None)
        self.state.execute("PRAGMA journal_mode = WAL")
        self.state.execute("PRAGMA synchronous = FULL")  # `sending`/`delivered` survive a crash
        self.state.executescript(STATE_SCHEMA)
        self._hub: sqlite3.Connection | None = None

    def close(self) -> None:
        """Close both databases."""
        if self._hub is not None:
            self._hub.close()
            self._hub = None
        self.state.close()

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the `attempts`-th failed attempt (doubling, capped)."""
        first, most = self.settings.retry_first_seconds, self.settings.retry_max_seconds
        return float(min(most, first * 2 ** min(attempts - 1, 30)))

    # ------------------------------------------------------------------ pass

    def run_once(self) -> Pass:
        """Deliver what is due now; raise sqlite3.Error if the hub's log cannot be read."""
        result = Pass()
        if self._hub is None:
            self._hub = open_readonly(self.hub_db)
        (settled_upto,) = self.state.execute(
            "SELECT settled_upto FROM progress").fetchone()
        rows = rows_after(self._hub, settled_upto, BATCH)
        states = self._states(settled_upto)
        later_of_ticket: dict[str, int] = {}
        for row in rows:
            later_of_ticket[row.ticket_id] = row.outbox_id  # the last row of each ticket
        waiting_tickets: set[str] = set()
        for row in rows:
            state = states.get(row.notification_id)
            if state is not None and state.status in SETTLED:
                continue
            if row.ticket_id in waiting_tickets:
                continue  # an earlier notification of this ticket goes first
            now = self.clock()
            if row.kind == "near" and later_of_ticket[row.ticket_id] != row.outbox_id:
                self._settle(row, "superseded", now, "a later notification of the ticket")
                result.superseded += 1
                continue
            if now - row.created_at > dt.timedelta(minutes=self.settings.max_age_minutes):
                log.warning("notification %s expired undelivered after %d attempt(s)",
                            row.notification_id, state.attempts if state else 0)
                self._settle(row, "expired", now, None)
                result.expired += 1
                continue
            if (state is not None and state.status == "retry"
                    and state.next_attempt_at is not None and state.next_attempt_at > now):
                waiting_tickets.add(row.ticket_id)
                result.next_due = _earliest(result.next_due, state.next_attempt_at)
                continue
            attempts = (state.attempts if state else 0) + 1
            self._mark_sending(row, attempts, now)
            delivery = self.gateway.deliver(row.notification_id, row.body)
            done = self.clock()
            if delivery.delivered:
                self._settle(row, "delivered", done, None)
                result.delivered += 1
                log.info("delivered %s (%s, attempt %d)", row.notification_id,
                         delivery.detail, attempts)
                continue
            result.failed += 1
            if not delivery.answered:
                # Nobody answered: the outage's wait (run) decides when to try again, and
                # then this one goes first, in order.
                self._mark_retry(row, None, delivery.detail)
                log.warning("%s not delivered (%s, attempt %d)", row.notification_id,
                            delivery.detail, attempts)
                result.unreachable = True
                break
            retry_at = done + dt.timedelta(seconds=self.backoff(attempts))
            self._mark_retry(row, retry_at, delivery.detail)
            waiting_tickets.add(row.ticket_id)
            result.next_due = _earliest(result.next_due, retry_at)
            log.warning("%s not delivered (%s, attempt %d); next try at %s",
                        row.notification_id, delivery.detail, attempts,
                        retry_at.isoformat(timespec="seconds"))
        self._advance(settled_upto, rows)
        return result

    def _states(self, settled_upto: int) -> dict[str, _State]:
        rows = self.state.execute(
            "SELECT notification_id, status, attempts, next_attempt_at FROM deliveries "
            "WHERE outbox_id > ?", (settled_upto,)).fetchall()
        return {r[0]: _State(r[1], r[2], dt.datetime.fromisoformat(r[3]) if r[3] else None)
                for r in rows}

    def _mark_sending(self, row: OutboxRow, attempts: int, now: dt.datetime) -> None:
        """Durably note the attempt before it is made (a crash leaves `sending`)."""
        self.state.execute(
            "INSERT INTO deliveries (notification_id, outbox_id, ticket_id, status, attempts, "
            "last_attempt_at) VALUES (?, ?, ?, 'sending', ?, ?) "
            "ON CONFLICT (notification_id) DO UPDATE SET status = 'sending', "
            "attempts = excluded.attempts, last_attempt_at = excluded.last_attempt_at",
            (row.notification_id, row.outbox_id, row.ticket_id, attempts, now.isoformat()))

    def _mark_retry(self, row: OutboxRow, at: dt.datetime | None, error: str) -> None:
        self.state.execute(
            "UPDATE deliveries SET status = 'retry', next_attempt_at = ?, last_error = ? "
            "WHERE notification_id = ?",
            (at.isoformat() if at else None, error, row.notification_id))

    def _settle(self, row: OutboxRow, status: str, now: dt.datetime,
                note: str | None) -> None:
        self.state.execute(
            "INSERT INTO deliveries (notification_id, outbox_id, ticket_id, status, "
            "settled_at, last_error) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (notification_id) DO UPDATE SET status = excluded.status, "
            "settled_at = excluded.settled_at, "
            "last_error = coalesce(excluded.last_error, last_error)",
            (row.notification_id, row.outbox_id, row.ticket_id, status, now.isoformat(), note))

    def _advance(self, settled_upto: int, rows: list[OutboxRow]) -> None:
        """Move the cursor past the leading run of settled rows."""
        if not rows:
            return
        states = self._states(settled_upto)
        upto = settled_upto
        for row in rows:
            state = states.get(row.notification_id)
            if state is None or state.status not in SETTLED:
                break
            upto = row.outbox_id
        if upto != settled_upto:
            self.state.execute("UPDATE progress SET settled_upto = ?", (upto,))

    # ------------------------------------------------------------------- run

    def run(self, stop: threading.Event, poll_seconds: float = 1.0,
            wait: Callable[[float], object] | None = None) -> None:
        """Deliver until `stop` is set: new rows as they come, waiting out outages.

        `wait(seconds)` pauses between passes (default `stop.wait`).
        """
        pause = wait or stop.wait
        outage_delay = self.settings.retry_first_seconds
        while not stop.is_set():
            try:
                result = self.run_once()
            except sqlite3.Error as error:
                log.warning("cannot read the hub's log %s yet (%s); retrying in %.0f s",
                            self.hub_db, error, max(poll_seconds, 1.0))
                if self._hub is not None:
                    self._hub.close()
                    self._hub = None
                pause(max(poll_seconds, 1.0))
                continue
            if result.unreachable:
                log.warning("the receiver is unreachable; waiting %.0f s", outage_delay)
                pause(outage_delay)
                outage_delay = min(outage_delay * 2, self.settings.retry_max_seconds)
                continue
            outage_delay = self.settings.retry_first_seconds
            delay = poll_seconds
            if result.next_due is not None:
                until = (result.next_due - self.clock()).total_seconds()
                delay = min(delay, max(until, 0.0))
            pause(delay)
