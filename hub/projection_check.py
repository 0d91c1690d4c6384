"""Check the derived tables against the chained events: rebuild them, compare row by row.

The reports read `visits` and `surveys`, which the hash chain does not cover: moving one
visit from Disdukcapil to KPP Pratama in `visits` leaves the chain intact. So the
projection is rebuilt from the events — by the hub's own projection code
(`EventLog.projection_only`, the same `_project` the hub writes with), into a private
temporary database — and compared with the stored tables row by row. Every visit that
differs is named with its columns, and every visit missing from, or extra in, the stored
table too.

A check may cover the whole log (`verify`) or one report period (`report`): then only the
events of the period's tickets are replayed (ticket ids start with the business day) and
only the stored rows of the period — by ticket id or by the period's columns, so a row
moved into the period is caught too — are compared.

Caller's obligations: pass a read-only connection inside one read transaction (the
report's snapshot), so the events and the rows compared are of the same instant.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from hub.engine import events as ev
from hub.eventlog import EventLog

Kind = Literal["differs", "missing", "extra"]

TABLES = (("visits", "visit_id"), ("surveys", "survey_id"), ("service_legs", "leg_id"),
          ("complaints", "complaint_id"))
"""The derived tables the reports read, each with its key (which starts with the business
day: a ticket id, a leg id "ticket@seq", a complaint id "2026-11-23/PS-001")."""
WHOLE_LOG_TABLES = (("appointments", "appointment_id"),)
"""Derived tables checked only over the whole log: appointments are keyed by their slot's
day, not by a period's visits (a missed one's no-show visit is in `visits`)."""
MAX_NAMED = 50
"""Differences named one by one; beyond this only counted (a wholesale rewrite)."""


@dataclass(frozen=True, slots=True)
class RowDifference:
    """One stored row that the events do not give: which, how, and the values."""

    table: str
    key: str
    kind: Kind
    columns: tuple[str, ...] = ()
    """For `differs`: the columns whose stored value is not the rebuilt one."""
    stored: tuple[object, ...] = ()
    rebuilt: tuple[object, ...] = ()

    def describe(self) -> str:
        """Say it in one line, e.g. "visits 2026-11-23/A-001: tenant_id 'pajak' ≠ 'dukcapil'"."""
        if self.kind == "missing":
            return f"{self.table} {self.key}: missing (the events have this row)"
        if self.kind == "extra":
            return f"{self.table} {self.key}: extra (no event gives this row)"
        changes = ", ".join(f"{column} {stored!r} ≠ {rebuilt!r} from the events"
                            for column, stored, rebuilt in
                            zip(self.columns, self.stored, self.rebuilt, strict=True))
        return f"{self.table} {self.key}: {changes}"


@dataclass(slots=True)
class ProjectionCheck:
    """The result: how much was compared and every difference found (named up to a cap)."""

    events_replayed: int = 0
    rows_compared: dict[str, int] = field(default_factory=dict)
    differences: list[RowDifference] = field(default_factory=list)
    total_differences: int = 0
    seconds: float = 0.0

    @property
    def matches(self) -> bool:
        """True when every stored row is exactly what the events give."""
        return self.total_differences == 0

    def add(self, difference: RowDifference) -> None:
        """Count a difference; keep it by name while under the cap."""
        self.total_differences += 1
        if len(self.differences) < MAX_NAMED:
            self.differences.append(difference)


@dataclass(frozen=True, slots=True)
class Scope:
    """Which visits to check: ticket ids starting with `prefix`, or stored rows matching
    `where` (the report period's own filter, over the columns of both tables)."""

    prefix: str = ""
    where: str = "1"
    params: tuple[int | str, ...] = ()


WHOLE_LOG = Scope()


def check_projection(connection: sqlite3.Connection, timezone: str, scope: Scope = WHOLE_LOG,
                     up_to_seq: int | None = None) -> ProjectionCheck:
    """Rebuild the projection of the scope's events (seq ≤ `up_to_seq`) and compare."""
    started = time.perf_counter()
    result = ProjectionCheck()
    rebuilt = sqlite3.connect("", isolation_level=None)  # a private temporary file
    try:
        rebuilt.execute("PRAGMA journal_mode = OFF")
        rebuilt.execute("PRAGMA synchronous = OFF")
        rebuilt.execute("PRAGMA cache_size = -131072")  # 128 MB: updates find their rows in memory
        result.events_replayed = _replay(connection, rebuilt, timezone, scope, up_to_seq)
        for table, key in TABLES + (() if scope.prefix else WHOLE_LOG_TABLES):
            _compare(connection, rebuilt, table, key, scope, result)
    finally:
        rebuilt.close()
    result.seconds = time.perf_counter() - started
    return result


def _replay(connection: sqlite3.Connection, rebuilt: sqlite3.Connection, timezone: str,
            scope: Scope, up_to_seq: int | None) -> int:
    """Project the scope's events into `rebuilt` with the hub's code; return how many."""
    projector = EventLog.projection_only(rebuilt, timezone)
    for (name,) in rebuilt.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchall():
        rebuilt.execute(f'DROP INDEX "{name}"')  # the reports' indexes only slow the rebuild
    sql = "SELECT seq, payload FROM events WHERE seq <= ?"
    params: list[int | str] = [up_to_seq if up_to_seq is not None else 1 << 62]
    if scope.prefix:
        # Every event of a visit names its ticket, a complaint its id; canonical JSON
        # writes them exactly so. Who sat at which counter comes from the counters'
        # openings and closings, which name no ticket: all of them are replayed.
        sql += (" AND (instr(payload, ?) > 0 OR instr(payload, ?) > 0"
                " OR type IN ('counter_opened', 'counter_closed'))")
        params += [f'"ticket_id":"{scope.prefix}', f'"complaint_id":"{scope.prefix}']
    replayed = 0
    decode, loads, project = ev.event_from_dict, json.loads, projector.project
    rebuilt.execute("BEGIN")
    for seq, payload in connection.execute(sql + " ORDER BY seq", params):
        project(seq, decode(loads(payload)))
        replayed += 1
    rebuilt.execute("COMMIT")
    return replayed


def _columns(rebuilt: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in rebuilt.execute(f"PRAGMA table_info({table})")]


def _key_range(prefix: str) -> tuple[str, str]:
    """The keys starting with `prefix` as a half-open range an index can answer."""
    if not prefix:
        return "", "\U0010ffff"
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _compare(connection: sqlite3.Connection, rebuilt: sqlite3.Connection, table: str,
             key: str, scope: Scope, result: ProjectionCheck) -> None:
    """Merge the stored and rebuilt rows in key order, noting every difference."""
    if not connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                              (table,)).fetchone():
        stored_rows: Iterator[tuple[object, ...]] = iter(())
        columns = _columns(rebuilt, table)
    else:
        # A column the stored table lacks is newer than the log's last writer (the hub
        # adds it, with its values, on its next start): it is not compared.
        stored_columns = set(_columns(connection, table))
        columns = [c for c in _columns(rebuilt, table) if c in stored_columns]
        wanted = ", ".join(columns)
        low, high = _key_range(scope.prefix)
        stored_rows = connection.execute(
            f"SELECT {wanted} FROM {table} WHERE {key} >= ? AND {key} < ? ORDER BY {key}",
            (low, high))
        if scope.prefix:  # rows of the period under another ticket id: not from any event
            for row in connection.execute(
                    f"SELECT {wanted} FROM {table} WHERE ({scope.where}) "
                    f"AND NOT ({key} >= ? AND {key} < ?)", (*scope.params, low, high)):
                result.add(RowDifference(table, str(row[0]), "extra", stored=tuple(row)))
    rebuilt_rows = rebuilt.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {key}")
    compared = 0
    stored_row = next(stored_rows, None)
    rebuilt_row = next(rebuilt_rows, None)
    while stored_row is not None or rebuilt_row is not None:
        compared += 1
        if rebuilt_row is None or (stored_row is not None and stored_row[0] < rebuilt_row[0]):
            assert stored_row is not None
            result.add(RowDifference(table, str(stored_row[0]), "extra", stored=stored_row))
            stored_row = next(stored_rows, None)
        elif stored_row is None or rebuilt_row[0] < stored_row[0]:
            result.add(RowDifference(table, str(rebuilt_row[0]), "missing",
                                     rebuilt=rebuilt_row))
            rebuilt_row = next(rebuilt_rows, None)
        else:
            if stored_row != rebuilt_row:
                changed = [n for n, (a, b) in enumerate(zip(stored_row, rebuilt_row,
                                                            strict=True)) if a != b]
                result.add(RowDifference(
                    table, str(stored_row[0]), "differs", tuple(columns[n] for n in changed),
                    tuple(stored_row[n] for n in changed), tuple(rebuilt_row[n] for n in changed)))
            stored_row = next(stored_rows, None)
            rebuilt_row = next(rebuilt_rows, None)
    result.rows_compared[table] = compared
