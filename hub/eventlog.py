"""The durable event log: SQLite, one writer, every event fsync'd before anyone hears of it.

Tables (see docs/storage.md):
- `events`   — append-only; each row chained to the previous one by a SHA-256 hash, so
               an edited or deleted row is detectable (authentic electronic evidence).
- `visits`   — one row per visitor, derived from the events in the same transaction;
               the visitor reports read it. A visit finished at a counter is `served`
               there, with its `finish_outcome` (served, incomplete_documents, referred).
- `requests` — the answer given to each client request id, so a retry — even after a
               restart — gets the same answer and never a second ticket.
- `business_days` — where each day starts in `events`, so a restart replays only today.
- `surveys`  — raw SKM answers (U1..U9, optional respondent profile), one row per visit.
- `complaints` — complaints and suggestions from the survey tablets, with their text and
               the optional contact (personal data: only the manager's export shows it).
- `service_legs` — one row per stint of a visit at a counter (ended by a finish, a
               transfer or a no-show), with the staff then at the counter: the journey
               and staff reports read it. `counter_staff` is the projection's own note
               of who sits where (not a report table).

Caller's obligations: use one EventLog per database file and from one thread (the
hub's event loop); open read-only connections with `open_readonly` for reports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from hub import appointment_log
from hub.engine import events as ev
from hub.notify import outbox

GENESIS_HASH = "0" * 64
APPOINTMENT_PROJECTED = ev.APPOINTMENT_EVENT_TYPES | {"ticket_cancelled"}
"""Events that change the `appointments` table (hub/appointment_log.py)."""

SURVEYS_TABLE = """
CREATE TABLE surveys (
    survey_id TEXT PRIMARY KEY, visit_id TEXT, business_day TEXT, year INTEGER, month TEXT,
    service_id TEXT, tenant_id TEXT, counter_id TEXT, at TEXT,
    u1 INTEGER, u2 INTEGER, u3 INTEGER, u4 INTEGER, u5 INTEGER, u6 INTEGER, u7 INTEGER,
    u8 INTEGER, u9 INTEGER,
    age_band TEXT, gender TEXT, education TEXT, occupation TEXT, comment TEXT
)
"""
"""Raw SKM answers, one row per rated visit (survey_id = visit_id = ticket id)."""

COMPLAINTS_TABLE = """
CREATE TABLE complaints (
    complaint_id TEXT PRIMARY KEY, business_day TEXT, year INTEGER, month TEXT, at TEXT,
    kind TEXT, category TEXT, tenant_id TEXT, counter_id TEXT, device_id TEXT,
    ticket_id TEXT, language TEXT, text TEXT, contact TEXT
)
"""
"""Complaints and suggestions, one row per submission (complaint_id "2026-11-23/PS-001")."""

SERVICE_LEGS_TABLE = """
CREATE TABLE service_legs (
    leg_id TEXT PRIMARY KEY, visit_id TEXT, business_day TEXT, year INTEGER, month TEXT,
    counter_id TEXT, service_id TEXT, staff TEXT, ended_at TEXT, outcome TEXT,
    service_seconds REAL
)
"""
"""A visit's stints at counters (leg_id = ticket id @ seq of the event that ended it);
outcome served, transferred or no_show; staff as the counter was opened (or NULL)."""

FINISH_COLUMNS: dict[str, type] = {"finish_outcome": str, "missing_requirements": str,
                                   "referred_tenant_id": str, "referred_note": str}
"""How a visit finished at a counter ended (visits columns): served, incomplete_documents
or referred (NULL: not finished at a counter); the missing requirements as a JSON list of
their Indonesian texts (NULL unless incomplete_documents); where it was referred to."""

LEG_EVENT_TYPES = ("counter_opened", "counter_closed", "ticket_transferred",
                   "ticket_finished", "ticket_no_show")
"""The events `service_legs` is made of (replayed to fill it on an older log)."""


@dataclass(frozen=True, slots=True)
class RequestKey:
    """Identifies a client request: request ids are unique per device."""

    device_id: str
    request_id: str


@dataclass(frozen=True, slots=True)
class Entry:
    """What one command produced: its events and, for a client request, the answer given."""

    events: Sequence[ev.Event]
    request: RequestKey | None = None
    response: dict[str, Any] | None = None
    notifications: Sequence[outbox.Notification] = ()
    """What the events tell visitors (hub/notify): written in the same transaction."""


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """An event with its place in the log."""

    seq: int
    event: ev.Event


def chain_hash(previous: str, seq: int, event_type: str, at: str, payload: str) -> str:
    """Hash of one log row, covering the previous row's hash."""
    material = "\x1f".join((previous, str(seq), event_type, at, payload))
    return hashlib.sha256(material.encode()).hexdigest()


def canonical_json(data: dict[str, Any]) -> str:
    """JSON with sorted keys and no spaces, so the same event always hashes the same."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """Open the log for reading only (reports): never blocks or slows the writer (WAL)."""
    connection = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    connection.execute("PRAGMA query_only = ON")
    return connection


class EventLog:
    """Append-only event store with the visit projection and request answers."""

    def __init__(self, path: str | Path, timezone: str = "Asia/Jakarta") -> None:
        self.path = Path(path)
        self.timezone = ZoneInfo(timezone)
        # The hub commits from a writer thread (one batch at a time) while its event loop
        # reads request answers through `reader`; neither connection is used by two
        # threads at once.
        self.connection = sqlite3.connect(self.path, isolation_level=None,
                                          check_same_thread=False)
        self.connection.execute("PRAGMA journal_mode = WAL")
        self.connection.execute("PRAGMA synchronous = FULL")
        self.db = sqlite_utils.Database(self.connection)
        self._create_schema()
        row = self.connection.execute(
            "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        self.last_seq: int = row[0] if row else 0
        self.head_hash: str = row[1] if row else GENESIS_HASH
        self.reader = sqlite3.connect(self.path, check_same_thread=False)

    def close(self) -> None:
        """Close both connections (the writer's close checkpoints the WAL)."""
        self.reader.close()
        self.connection.close()

    def _create_schema(self) -> None:
        db = self.db
        appointment_log.create_table(self.connection)
        outbox.create_table(self.connection)
        if "events" not in db.table_names():
            db["events"].create(  # type: ignore[union-attr]
                {"seq": int, "at": str, "type": str, "payload": str, "hash": str}, pk="seq"
            )
        if "business_days" not in db.table_names():
            db["business_days"].create(  # type: ignore[union-attr]
                {"business_day": str, "first_seq": int}, pk="business_day"
            )
        if "requests" not in db.table_names():
            db["requests"].create(  # type: ignore[union-attr]
                {"device_id": str, "request_id": str, "at": str, "seq": int, "response": str},
                pk=("device_id", "request_id"),
            )
        if "surveys" not in db.table_names():
            self.connection.execute(SURVEYS_TABLE)
            for indexed in ("business_day", "year, tenant_id", "month, tenant_id",
                            "service_id, business_day"):
                name = "idx_surveys_" + indexed.replace(", ", "_")
                self.connection.execute(f"CREATE INDEX {name} ON surveys ({indexed})")
        if "complaints" not in db.table_names():
            self.connection.execute(COMPLAINTS_TABLE)
            for indexed in ("business_day", "month, tenant_id"):
                name = "idx_complaints_" + indexed.replace(", ", "_")
                self.connection.execute(f"CREATE INDEX {name} ON complaints ({indexed})")
        new_legs = "service_legs" not in db.table_names()
        if new_legs:
            self.connection.execute(SERVICE_LEGS_TABLE)
            self.connection.execute(
                "CREATE TABLE counter_staff (counter_id TEXT PRIMARY KEY, staff TEXT)")
            for indexed in ("business_day", "month", "visit_id"):
                self.connection.execute(
                    f"CREATE INDEX idx_service_legs_{indexed} ON service_legs ({indexed})")
        if "visits" not in db.table_names():
            db["visits"].create(  # type: ignore[union-attr]
                {
                    "visit_id": str, "business_day": str, "year": int, "month": str,
                    "weekday": int, "hour": int, "label": str, "service_id": str,
                    "final_service_id": str, "tenant_id": str, "category": str,
                    "priority_kind": str, "channel": str, "issued_at": str,
                    "people_ahead": int, "estimated_wait_minutes": int,
                    "first_called_at": str, "last_called_at": str, "call_count": int,
                    "recall_count": int, "transfer_count": int, "transfers": str,
                    "counter_id": str, "ended_at": str, "outcome": str,
                    "wait_seconds": float, "service_seconds": float,
                    **FINISH_COLUMNS, "journey_id": str,
                },
                pk="visit_id",
                not_null={"business_day", "service_id", "tenant_id", "outcome"},
                defaults={"call_count": 0, "recall_count": 0, "transfer_count": 0,
                          "service_seconds": 0.0, "transfers": "[]"},
            )
            visits = db["visits"]
            for columns in (["business_day"], ["year", "tenant_id"], ["month", "tenant_id"],
                            ["business_day", "service_id"], ["tenant_id", "business_day"],
                            ["journey_id"]):
                visits.create_index(columns)  # type: ignore[union-attr]
        else:
            self._add_finish_columns()
            if "journey_id" not in {row[1] for row in self.connection.execute(
                    "PRAGMA table_info(visits)")}:  # a log from before linked tickets
                self.connection.execute("ALTER TABLE visits ADD COLUMN journey_id TEXT")
                self.connection.execute(
                    "CREATE INDEX idx_visits_journey_id ON visits (journey_id)")
        if new_legs:
            self._backfill_legs()

    def _add_finish_columns(self) -> None:
        """Give a visits table from before finish outcomes their columns.

        Every visit finished then was served (the only outcome there was), which is
        what its events replay to.
        """
        have = {row[1] for row in self.connection.execute("PRAGMA table_info(visits)")}
        if "finish_outcome" in have:
            return
        for column in FINISH_COLUMNS:
            self.connection.execute(f"ALTER TABLE visits ADD COLUMN {column} TEXT")
        self.connection.execute(
            "UPDATE visits SET finish_outcome = 'served' WHERE outcome = 'served'")

    def _backfill_legs(self) -> None:
        """Fill `service_legs` from the events of a log written before it existed."""
        rows = self.connection.execute(
            "SELECT seq, payload FROM events WHERE type IN "
            f"({', '.join('?' * len(LEG_EVENT_TYPES))}) ORDER BY seq", LEG_EVENT_TYPES)
        for seq, payload in rows.fetchall():
            self._project_legs(seq, ev.event_from_dict(json.loads(payload)))

    # ------------------------------------------------------------------ write

    def append(self, entries: Sequence[Entry]) -> list[list[int]]:
        """Durably append the entries in one transaction; return each entry's sequence numbers.

        Several commands may be committed together (group commit); either all of them
        are on disk when this returns, or none is.
        """
        connection = self.connection
        seq, head = self.last_seq, self.head_hash
        all_seqs: list[list[int]] = []
        connection.execute("BEGIN IMMEDIATE")
        try:
            for entry in entries:
                seqs = []
                for event in entry.events:
                    seq += 1
                    data = ev.event_to_dict(event)
                    payload = canonical_json(data)
                    at = data["at"]
                    head = chain_hash(head, seq, event.type, at, payload)
                    connection.execute(
                        "INSERT INTO events (seq, at, type, payload, hash) VALUES (?, ?, ?, ?, ?)",
                        (seq, at, event.type, payload, head),
                    )
                    self._project(seq, event)
                    seqs.append(seq)
                if entry.request is not None:
                    connection.execute(
                        "INSERT INTO requests (device_id, request_id, at, seq, response) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (
                            entry.request.device_id,
                            entry.request.request_id,
                            entry.events[0].at.isoformat() if entry.events else None,
                            seqs[-1] if seqs else None,
                            json.dumps(entry.response, ensure_ascii=False),
                        ),
                    )
                if entry.notifications:
                    outbox.insert(connection, entry.notifications)
                all_seqs.append(seqs)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        self.last_seq, self.head_hash = seq, head
        return all_seqs

    def _project(self, seq: int, event: ev.Event) -> None:
        """Keep the visits table (and day index) in step with one event."""
        execute = self.connection.execute
        at = event.at.isoformat()
        if event.type in APPOINTMENT_PROJECTED:
            appointment_log.project(execute, seq, event, self.timezone)
        match event:
            case ev.BusinessDayStarted():
                execute(
                    "INSERT OR REPLACE INTO business_days (business_day, first_seq) VALUES (?, ?)",
                    (event.business_day.isoformat(), seq),
                )
            case ev.TicketIssued():
                local = event.at.astimezone(self.timezone)
                execute(
                    "INSERT INTO visits (visit_id, business_day, year, month, weekday, hour, "
                    "label, service_id, final_service_id, tenant_id, category, priority_kind, "
                    "channel, issued_at, people_ahead, estimated_wait_minutes, journey_id, "
                    "outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "'waiting')",
                    (
                        event.ticket_id, event.ticket_id.split("/")[0], local.year,
                        f"{local:%Y-%m}", local.isoweekday(), local.hour, event.label,
                        event.service_id, event.service_id, event.tenant_id, event.category,
                        event.priority_kind, event.channel, at, event.people_ahead,
                        event.estimated_wait_minutes, event.journey_id,
                    ),
                )
            case ev.TicketCalled():
                execute(
                    "UPDATE visits SET first_called_at = coalesce(first_called_at, :at), "
                    "wait_seconds = coalesce(wait_seconds, "
                    "  (julianday(:at) - julianday(issued_at)) * 86400.0), "
                    "last_called_at = :at, call_count = call_count + 1, counter_id = :counter, "
                    "outcome = 'called' WHERE visit_id = :visit",
                    {"at": at, "counter": event.counter_id, "visit": event.ticket_id},
                )
            case ev.TicketRecalled():
                execute(
                    "UPDATE visits SET recall_count = recall_count + 1 WHERE visit_id = ?",
                    (event.ticket_id,),
                )
            case ev.TicketParked():
                execute("UPDATE visits SET outcome = 'parked' WHERE visit_id = ?",
                        (event.ticket_id,))
            case ev.TicketTransferred():
                hop = {"at": at, "from_counter": event.from_counter_id,
                       "from_service": event.from_service_id, "to_service": event.to_service_id,
                       "to_counter": event.to_counter_id}
                execute(
                    "UPDATE visits SET transfer_count = transfer_count + 1, "
                    "final_service_id = ?, outcome = 'waiting', "
                    "service_seconds = service_seconds + ?, "
                    "transfers = json_insert(transfers, '$[#]', json(?)) WHERE visit_id = ?",
                    (event.to_service_id, event.service_seconds, json.dumps(hop),
                     event.ticket_id),
                )
            case ev.TicketFinished():
                missing = (json.dumps(event.missing_requirements, ensure_ascii=False)
                           if event.outcome == "incomplete_documents" else None)
                execute(
                    "UPDATE visits SET outcome = 'served', ended_at = ?, counter_id = ?, "
                    "service_seconds = service_seconds + ?, finish_outcome = ?, "
                    "missing_requirements = ?, referred_tenant_id = ?, referred_note = ? "
                    "WHERE visit_id = ?",
                    (at, event.counter_id, event.service_seconds, event.outcome, missing,
                     event.referred_tenant_id, event.referred_note, event.ticket_id),
                )
            case ev.TicketNoShow() | ev.TicketCancelled() | ev.TicketExpired():
                outcome = {
                    ev.TicketNoShow.type: "no_show",
                    ev.TicketCancelled.type: "cancelled",
                    ev.TicketExpired.type: "expired",
                }[event.type]
                execute(
                    "UPDATE visits SET outcome = ?, ended_at = ? WHERE visit_id = ?",
                    (outcome, at, event.ticket_id),
                )
            case ev.SurveySubmitted():
                local = event.at.astimezone(self.timezone)
                execute(
                    "INSERT INTO surveys VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (event.ticket_id, event.ticket_id, event.ticket_id.split("/")[0],
                     local.year, f"{local:%Y-%m}", event.service_id, event.tenant_id,
                     event.counter_id, at, *event.answers, event.age_band, event.gender,
                     event.education, event.occupation, event.comment),
                )
            case ev.ComplaintSubmitted():
                local = event.at.astimezone(self.timezone)
                execute(
                    "INSERT INTO complaints VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (event.complaint_id, event.complaint_id.split("/")[0], local.year,
                     f"{local:%Y-%m}", at, event.feedback, event.category, event.tenant_id,
                     event.counter_id, event.device_id, event.ticket_id, event.language,
                     event.text, event.contact),
                )
            case _:
                pass  # counter events do not change visits
        self._project_legs(seq, event)

    def _project_legs(self, seq: int, event: ev.Event) -> None:
        """Keep `service_legs` (and who sits at each counter) in step with one event.

        Run after the visits update of the same event, whose row gives the leg its day.
        """
        execute = self.connection.execute
        match event:
            case ev.CounterOpened():
                execute("INSERT OR REPLACE INTO counter_staff VALUES (?, ?)",
                        (event.counter_id, event.staff))
            case ev.CounterClosed():
                execute("DELETE FROM counter_staff WHERE counter_id = ?", (event.counter_id,))
            case ev.TicketTransferred():
                self._leg(seq, event.ticket_id, event.at, event.from_counter_id,
                          event.from_service_id, "transferred", event.service_seconds)
            case ev.TicketFinished():
                self._leg(seq, event.ticket_id, event.at, event.counter_id,
                          event.service_id, "served", event.service_seconds)
            case ev.TicketNoShow():
                self._leg(seq, event.ticket_id, event.at, event.counter_id, None,
                          "no_show", None)
            case _:
                pass

    def _leg(self, seq: int, ticket_id: str, at: dt.datetime, counter_id: str,
             service_id: str | None, outcome: str, service_seconds: float | None) -> None:
        """One stint ended: its row, dated by the visit's business day."""
        self.connection.execute(
            "INSERT INTO service_legs SELECT ?, visit_id, business_day, year, month, ?, "
            "coalesce(?, final_service_id), (SELECT staff FROM counter_staff "
            "WHERE counter_id = ?), ?, ?, ? FROM visits WHERE visit_id = ?",
            (f"{ticket_id}@{seq}", counter_id, service_id, counter_id, at.isoformat(),
             outcome, service_seconds, ticket_id))

    # ------------------------------------------------------------ rebuild

    @classmethod
    def projection_only(cls, connection: sqlite3.Connection,
                        timezone: str = "Asia/Jakarta") -> EventLog:
        """Return a log that only projects events onto `connection` (verify's rebuild).

        It shares `_create_schema` and `_project` with the hub's writer, so the tables it
        fills are exactly what the hub would have written from the same events; it never
        appends or chains. The caller owns `connection` and its transactions.
        """
        log = cls.__new__(cls)
        log.path = Path(":projection:")
        log.timezone = ZoneInfo(timezone)
        log.connection = log.reader = connection
        log.db = sqlite_utils.Database(connection)
        log.last_seq, log.head_hash = 0, GENESIS_HASH
        log._create_schema()
        return log

    def project(self, seq: int, event: ev.Event) -> None:
        """Apply one already logged event to the projection tables only."""
        self._project(seq, event)

    # ------------------------------------------------------------------- read

    def find_response(self, request: RequestKey) -> dict[str, Any] | None:
        """Return the answer already given to this request, if it was carried out."""
        row = self.reader.execute(
            "SELECT response FROM requests WHERE device_id = ? AND request_id = ?",
            (request.device_id, request.request_id),
        ).fetchone()
        return json.loads(row[0]) if row else None

    def events(self, after_seq: int = 0) -> Iterator[LoggedEvent]:
        """Yield logged events with seq > after_seq, in order."""
        cursor = self.connection.execute(
            "SELECT seq, payload FROM events WHERE seq > ? ORDER BY seq", (after_seq,)
        )
        for seq, payload in cursor:
            yield LoggedEvent(seq, ev.event_from_dict(json.loads(payload)))

    def current_day_events(self) -> Iterator[LoggedEvent]:
        """Yield the events from the latest business day start: all a restart must replay."""
        row = self.connection.execute(
            "SELECT first_seq FROM business_days ORDER BY business_day DESC LIMIT 1"
        ).fetchone()
        return self.events(after_seq=row[0] - 1 if row else 0)

    def latest_business_day(self) -> dt.date | None:
        """Return the last business day that was started, if any."""
        row = self.connection.execute("SELECT max(business_day) FROM business_days").fetchone()
        return dt.date.fromisoformat(row[0]) if row and row[0] else None
