"""Appointments in the event log: their table, kept by the projection, and their replay.

`appointments` has one row per booking (appointment_id = slot day / code), derived
from the appointment events in the same transaction as the events themselves (like
`visits`), so `verify` can rebuild and compare it. A missed appointment also gets a
`visits` row — channel online, outcome no_show — so the reports count it where the
visitor reports count everything else.

A restart replays only the current business day (hub/core.py), but appointments are
booked days ahead: `earlier_events` gives the bookings and cancellations, made before
today, of appointments for today or later — all a rebuild needs besides today's events,
because check-ins and misses happen on the slot's own day.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

from hub.engine import events as ev

APPOINTMENTS_TABLE = """
CREATE TABLE appointments (
    appointment_id TEXT PRIMARY KEY, code TEXT, slot_day TEXT, slot_start TEXT,
    slot_end TEXT, service_id TEXT, tenant_id TEXT, name TEXT, contact TEXT, language TEXT,
    channel TEXT, booked_by TEXT, booked_at TEXT, booked_seq INTEGER, status TEXT,
    ticket_id TEXT, checked_in_at TEXT, cancelled_at TEXT, cancelled_seq INTEGER,
    missed_at TEXT
)
"""
"""One row per appointment; status booked, checked_in, cancelled or missed."""

Execute = Callable[..., Any]


def create_table(connection: sqlite3.Connection) -> None:
    """Create the table and its indexes if the database has none yet."""
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'appointments'").fetchone()
    if exists:
        return
    connection.execute(APPOINTMENTS_TABLE)
    connection.execute("CREATE INDEX idx_appointments_slot_day ON appointments (slot_day)")
    connection.execute("CREATE INDEX idx_appointments_ticket_id ON appointments (ticket_id)")


def project(execute: Execute, seq: int, event: ev.Event, timezone: ZoneInfo) -> None:
    """Keep `appointments` (and a missed one's no-show visit) in step with one event."""
    match event:
        case ev.AppointmentBooked():
            execute(
                "INSERT INTO appointments (appointment_id, code, slot_day, slot_start, "
                "slot_end, service_id, tenant_id, name, contact, language, channel, "
                "booked_by, booked_at, booked_seq, status) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'booked')",
                (event.appointment_id, event.code, event.appointment_id.split("/")[0],
                 event.slot_start.isoformat(), event.slot_end.isoformat(), event.service_id,
                 event.tenant_id, event.name, event.contact, event.language, event.channel,
                 event.booked_by, event.at.isoformat(), seq))
        case ev.AppointmentCancelled():
            execute("UPDATE appointments SET status = 'cancelled', cancelled_at = ?, "
                    "cancelled_seq = ? WHERE appointment_id = ?",
                    (event.at.isoformat(), seq, event.appointment_id))
        case ev.AppointmentCheckedIn():
            execute("UPDATE appointments SET status = 'checked_in', ticket_id = ?, "
                    "checked_in_at = ? WHERE appointment_id = ?",
                    (event.ticket_id, event.at.isoformat(), event.appointment_id))
        case ev.TicketCancelled():
            # The check-in's ticket never reached the visitor: booked again (engine rule).
            execute("UPDATE appointments SET status = 'booked', ticket_id = NULL, "
                    "checked_in_at = NULL WHERE ticket_id = ?", (event.ticket_id,))
        case ev.AppointmentMissed():
            execute("UPDATE appointments SET status = 'missed', missed_at = ? "
                    "WHERE appointment_id = ?", (event.at.isoformat(), event.appointment_id))
            local = event.slot_start.astimezone(timezone)
            execute(
                "INSERT INTO visits (visit_id, business_day, year, month, weekday, hour, "
                "label, service_id, final_service_id, tenant_id, category, channel, "
                "issued_at, ended_at, outcome) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'online', ?, ?, 'no_show')",
                (event.ticket_id, event.ticket_id.split("/")[0], local.year, f"{local:%Y-%m}",
                 local.isoweekday(), local.hour, event.code, event.service_id,
                 event.service_id, event.tenant_id, event.category,
                 event.slot_start.isoformat(), event.at.isoformat()))
        case _:
            pass


def earlier_events(connection: sqlite3.Connection) -> Iterator[ev.Event]:
    """The appointment events before the current business day that today's state needs.

    Bookings and cancellations (in log order) of appointments whose slot is on the
    latest business day or later; what happened to them later is in today's events.
    """
    row = connection.execute(
        "SELECT business_day, first_seq FROM business_days "
        "ORDER BY business_day DESC LIMIT 1").fetchone()
    if row is None:
        return
    day, first_seq = row
    seqs = sorted(
        seq for booked, cancelled in connection.execute(
            "SELECT booked_seq, cancelled_seq FROM appointments WHERE slot_day >= ? "
            "AND booked_seq < ?", (day, first_seq))
        for seq in (booked, cancelled) if seq is not None and seq < first_seq)
    for seq in seqs:
        (payload,) = connection.execute("SELECT payload FROM events WHERE seq = ?",
                                        (seq,)).fetchone()
        yield ev.event_from_dict(json.loads(payload))


def appointment_row(connection: sqlite3.Connection, appointment_id: str
                    ) -> dict[str, Any] | None:
    """One appointment as stored (for tools and tests)."""
    cursor = connection.execute("SELECT * FROM appointments WHERE appointment_id = ?",
                                (appointment_id,))
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([c[0] for c in cursor.description], row, strict=True))

