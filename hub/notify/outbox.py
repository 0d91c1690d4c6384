"""The outbox: notifications the hub decided on, one row each, written with their event.

Only the hub writes this table (inside `EventLog.append`'s transaction); the sender
reads it through a read-only connection. Rows are never changed or deleted: whether a
row was delivered is the sender's own record (sender.py), not the hub's.

`body` is the exact JSON the gateway sends (canonical, so a retry sends the same bytes
and the same signature); the other columns are what the hub itself needs back after a
restart (which tickets were already told they are near) and what an operator reads.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

OUTBOX_TABLE = """
CREATE TABLE notification_outbox (
    outbox_id INTEGER PRIMARY KEY AUTOINCREMENT,
    notification_id TEXT NOT NULL UNIQUE,
    seq INTEGER NOT NULL, created_at TEXT NOT NULL, business_day TEXT NOT NULL,
    ticket_id TEXT NOT NULL, kind TEXT NOT NULL, stint INTEGER NOT NULL,
    people_ahead INTEGER, contact TEXT NOT NULL, language TEXT NOT NULL,
    body TEXT NOT NULL
)
"""
"""outbox_id orders the rows for the sender; seq is the event that caused the row; stint
counts the ticket's transfers at the time (a "near" is written once per stint)."""


@dataclass(frozen=True, slots=True)
class Notification:
    """One message to one visitor, as the hub decided it."""

    notification_id: str
    """`MALL:TICKET:KIND:N` — the idempotency key the receiver de-duplicates on."""
    seq: int
    created_at: dt.datetime
    ticket_id: str
    kind: str
    stint: int
    people_ahead: int | None
    contact: str
    language: str
    body: dict[str, Any]

    @property
    def business_day(self) -> str:
        """The ticket's business day (ticket ids start with it)."""
        return self.ticket_id.split("/", 1)[0]


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A stored notification as the sender reads it."""

    outbox_id: int
    notification_id: str
    ticket_id: str
    kind: str
    created_at: dt.datetime
    body: bytes


def body_json(body: dict[str, Any]) -> str:
    """The body as sent: sorted keys, no spaces, UTF-8 text (not \\u escapes)."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def create_table(connection: sqlite3.Connection) -> None:
    """Create the outbox if the log has none yet (an older log gets it on the hub's start)."""
    if connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                          "AND name = 'notification_outbox'").fetchone():
        return
    connection.execute(OUTBOX_TABLE)
    connection.execute("CREATE INDEX idx_outbox_day ON notification_outbox (business_day)")


def insert(connection: sqlite3.Connection, notifications: Iterable[Notification]) -> None:
    """Write notifications inside the caller's transaction (the event's own).

    OR IGNORE: ids are derived from the events, so the same decision made twice (a
    replayed command) is one row.
    """
    connection.executemany(
        "INSERT OR IGNORE INTO notification_outbox (notification_id, seq, created_at, "
        "business_day, ticket_id, kind, stint, people_ahead, contact, language, body) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(n.notification_id, n.seq, n.created_at.isoformat(), n.business_day, n.ticket_id,
          n.kind, n.stint, n.people_ahead, n.contact, n.language, body_json(n.body))
         for n in notifications])


def written_on(connection: sqlite3.Connection, business_day: str
               ) -> list[tuple[str, str, int, int | None]]:
    """(ticket id, kind, stint, people ahead) of the day's rows: what the hub already said."""
    if not connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                              "AND name = 'notification_outbox'").fetchone():
        return []
    return connection.execute(
        "SELECT ticket_id, kind, stint, people_ahead FROM notification_outbox "
        "WHERE business_day = ?", (business_day,)).fetchall()


def rows_after(connection: sqlite3.Connection, outbox_id: int, limit: int) -> list[OutboxRow]:
    """The rows after `outbox_id`, oldest first (the sender's read)."""
    rows = connection.execute(
        "SELECT outbox_id, notification_id, ticket_id, kind, created_at, body "
        "FROM notification_outbox WHERE outbox_id > ? ORDER BY outbox_id LIMIT ?",
        (outbox_id, limit)).fetchall()
    return [OutboxRow(r[0], r[1], r[2], r[3], dt.datetime.fromisoformat(r[4]),
                      r[5].encode()) for r in rows]
