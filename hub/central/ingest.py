"""The central side of shipping: check each MPP's chain, store its events, rebuild its visits.

`Central.receive` takes a batch of one MPP's events as the hub logged them (seq, time,
type, payload, hash) and, in one PostgreSQL transaction:

1. locks the MPP's head (its last stored seq and hash), so two shippers of one MPP never
   interleave;
2. compares rows it already has (a batch re-sent after a lost commit) with what is stored:
   equal rows are skipped — exactly once — and a different one is a *fork*;
3. walks the new rows recomputing the hub's chain hash (`hub.eventlog.chain_hash`): a
   skipped seq is a *gap*, a row whose hash does not follow is *altered*, a payload that is
   no event is *unreadable*. The rows before the fault are stored, the fault is recorded in
   `chain_faults` (MPP, seq, kind, detail) and `ChainRefused` raised: never stored silently;
4. inserts the good rows (the `events_chain_guard` trigger checks the chain once more, in
   SQL, against whatever writes the table) and rebuilds the visits and SKM answers they
   touch with the hub's own projection code (`EventLog.projection_only` over a private
   in-memory SQLite, fed the stored rows of those visits first), then keeps the daily
   roll-ups `visit_counts` and `survey_sums` in step.

So central numbers are computed by the very code that computes each hub's own.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import psycopg

from hub.engine import events as ev
from hub.eventlog import GENESIS_HASH, EventLog, chain_hash
from hub.reports.queries import ChainHead

FaultKind = Literal["gap", "fork", "altered", "unreadable"]

VISIT_COLUMNS = (
    "visit_id", "business_day", "year", "month", "weekday", "hour", "label", "service_id",
    "final_service_id", "tenant_id", "category", "priority_kind", "channel", "issued_at",
    "people_ahead", "estimated_wait_minutes", "first_called_at", "last_called_at",
    "call_count", "recall_count", "transfer_count", "transfers", "counter_id", "ended_at",
    "outcome", "wait_seconds", "service_seconds",
    "finish_outcome", "missing_requirements", "referred_tenant_id", "referred_note",
)
"""The hub's visits columns (hub/eventlog.py) as the central table holds them."""
SURVEY_COLUMNS = (
    "survey_id", "visit_id", "business_day", "year", "month", "service_id", "tenant_id",
    "counter_id", "at", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9", "age_band",
    "gender", "education", "occupation", "comment",
)

COUNT_KEY = ("business_day", "year", "month", "tenant_id", "service_id", "category",
             "outcome", "transferred")
COUNT_VALUES = ("visits", "waits", "wait_sum", "service_sum")
SUM_KEY = ("business_day", "year", "month", "tenant_id", "service_id")


@dataclass(frozen=True, slots=True)
class EventRow:
    """One row of a hub's events table, exactly as logged."""

    seq: int
    at: str
    type: str
    payload: str
    hash: str


@dataclass(frozen=True, slots=True)
class Fault:
    """A refused batch: which MPP, from which seq, what kind of break, and the details."""

    mpp_id: str
    seq: int
    kind: FaultKind
    detail: str

    def describe(self) -> str:
        """Say it in one line, Indonesian first."""
        kinds = {"gap": "ada yang hilang / gap", "fork": "cabang lain / fork",
                 "altered": "diubah / altered", "unreadable": "tidak terbaca / unreadable"}
        return f"MPP {self.mpp_id}, seq {self.seq}: {kinds[self.kind]} — {self.detail}"


class ChainRefused(Exception):
    """The batch does not continue the MPP's stored chain; nothing from `fault.seq` on was
    stored."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(f"refused / ditolak: {fault.describe()}")
        self.fault = fault


class UnknownMpp(LookupError):
    """The MPP was never registered with the central database."""


@dataclass(frozen=True, slots=True)
class Receipt:
    """What one `receive` did: rows stored, rows already there, and the MPP's head after."""

    stored: int
    already_stored: int
    head: ChainHead


def _visit_key(row: dict[str, Any]) -> tuple[Any, ...]:
    """The roll-up group of one visits row (its day, tenant, service, outcome…)."""
    return (row["business_day"], row["year"], row["month"], row["tenant_id"],
            row["service_id"], row["category"] or "", row["outcome"],
            (row["transfer_count"] or 0) > 0)


def _visit_values(row: dict[str, Any]) -> tuple[int, int, float, float]:
    wait = row["wait_seconds"]
    return (1, 0 if wait is None else 1, wait or 0.0, row["service_seconds"] or 0.0)


class Central:
    """The central PostgreSQL database of many MPPs, seen by one connection.

    Caller's obligations: one Central per connection and thread; the connection is in
    autocommit mode (each method runs its own transaction) and its schema migrated
    (`Central.connect` does both).
    """

    def __init__(self, connection: psycopg.Connection) -> None:
        self.connection = connection
        self._scratch: dict[str, tuple[sqlite3.Connection, EventLog]] = {}

    @classmethod
    def connect(cls, conninfo: str, connect_timeout: int = 10) -> Central:
        """Connect and bring the schema up to date."""
        from hub.central.migrate import migrate

        connection = psycopg.connect(conninfo, connect_timeout=connect_timeout,
                                     application_name="antrean-central", autocommit=True)
        migrate(connection)
        return cls(connection)

    def close(self) -> None:
        """Close the connection and the scratch projections."""
        for scratch, _ in self._scratch.values():
            scratch.close()
        self._scratch.clear()
        self.connection.close()

    # ------------------------------------------------------------ registry

    def register(self, mpp_id: str, name: str, timezone: str = "Asia/Jakarta",
                 names: Iterable[tuple[str, str, str, str]] = ()) -> None:
        """Add the MPP (or update its name and time zone) and its tenant/service names.

        `names` holds (kind, id, name, short name) with kind 'tenant' or 'service'. The
        head of an MPP already known is left alone.
        """
        with self.connection.transaction():
            self.connection.execute(
                "INSERT INTO mpps (mpp_id, name, timezone) VALUES (%s, %s, %s) "
                "ON CONFLICT (mpp_id) DO UPDATE SET name = EXCLUDED.name, "
                "timezone = EXCLUDED.timezone", [mpp_id, name, timezone])
            with self.connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO names (mpp_id, kind, id, name, short_name) "
                    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (mpp_id, kind, id) DO UPDATE "
                    "SET name = EXCLUDED.name, short_name = EXCLUDED.short_name",
                    [(mpp_id, *entry) for entry in names])

    def head(self, mpp_id: str) -> ChainHead:
        """The MPP's last stored event (seq 0 and the genesis hash before the first)."""
        row = self.connection.execute(
            "SELECT head_seq, head_hash FROM mpps WHERE mpp_id = %s", [mpp_id]).fetchone()
        if row is None:
            raise UnknownMpp(f"MPP {mpp_id!r} is not registered with the central database")
        return ChainHead(int(row[0]), str(row[1]))

    def faults(self, mpp_id: str | None = None) -> list[Fault]:
        """Every refusal recorded (of one MPP, or all), oldest first."""
        rows = self.connection.execute(
            "SELECT mpp_id, seq, kind, detail FROM chain_faults "
            "WHERE %(mpp)s::text IS NULL OR mpp_id = %(mpp)s ORDER BY fault_id",
            {"mpp": mpp_id}).fetchall()
        return [Fault(str(r[0]), int(r[1]), r[2], str(r[3])) for r in rows]

    # ------------------------------------------------------------- receive

    def receive(self, mpp_id: str, after: tuple[int, str | None],
                rows: Sequence[EventRow]) -> Receipt:
        """Store a batch of the MPP's events that follows the hub's row `after`.

        `after` is (seq, hash) of the hub's row just before `rows[0]` (0 and the genesis
        hash at the start; hash None if the hub has no such row any more). Raises
        ChainRefused (after storing the rows before the fault and recording it) when the
        batch does not continue the stored chain.
        """
        fault: Fault | None = None
        with self.connection.transaction():
            found = self.connection.execute(
                "SELECT head_seq, head_hash, timezone FROM mpps WHERE mpp_id = %s FOR UPDATE",
                [mpp_id]).fetchone()
            if found is None:
                raise UnknownMpp(f"MPP {mpp_id!r} is not registered with the central database")
            head = ChainHead(int(found[0]), str(found[1]))
            timezone = str(found[2])
            known, fault = self._compare_known(mpp_id, head, after, rows)
            new: list[tuple[EventRow, ev.Event]] = []
            if fault is None:
                new, fault = self._walk(mpp_id, head, [r for r in rows if r.seq > head.seq])
            if new:
                self._store(mpp_id, timezone, new)
                head = ChainHead(new[-1][0].seq, new[-1][0].hash)
            if fault is not None:
                self._record(fault)
        if fault is not None:
            raise ChainRefused(fault)
        return Receipt(len(new), known, head)

    def _compare_known(self, mpp_id: str, head: ChainHead, after: tuple[int, str | None],
                       rows: Sequence[EventRow]) -> tuple[int, Fault | None]:
        """Check the rows (and `after`) the central side already holds; count the equal ones."""
        after_seq, after_hash = after
        if after_seq > head.seq:
            return 0, Fault(mpp_id, head.seq + 1, "gap",
                            f"the batch follows seq {after_seq}, but the central database "
                            f"holds this MPP only up to seq {head.seq}")
        claims = [(after_seq, after_hash)] + [(r.seq, r.hash) for r in rows if r.seq <= head.seq]
        stored: dict[int, str] = {0: GENESIS_HASH}
        wanted = [seq for seq, _ in claims if seq > 0]
        if wanted:
            stored.update(self.connection.execute(
                "SELECT seq, hash FROM events WHERE mpp_id = %s AND seq = ANY(%s)",
                [mpp_id, wanted]).fetchall())
        for seq, digest in claims:
            if digest is None:
                return 0, Fault(mpp_id, seq, "fork",
                                f"the hub's log has no seq {seq} any more, but the central "
                                f"database holds it: the log was truncated or restored from an "
                                f"older backup (central head seq {head.seq})")
            if stored.get(seq) != digest:
                return 0, Fault(mpp_id, seq, "fork",
                                f"seq {seq} has hash {digest[:16]}… at the hub but "
                                f"{str(stored.get(seq))[:16]}… centrally: the hub's log was "
                                "rewritten from there or earlier")
        return len(claims) - 1, None

    def _walk(self, mpp_id: str, head: ChainHead,
              rows: Sequence[EventRow]) -> tuple[list[tuple[EventRow, ev.Event]], Fault | None]:
        """Recompute the chain over the new rows; return the good prefix and the first fault."""
        good: list[tuple[EventRow, ev.Event]] = []
        previous, expected = head.hash, head.seq + 1
        for row in rows:
            if row.seq != expected:
                return good, Fault(mpp_id, expected, "gap",
                                   f"seq {expected}–{row.seq - 1} missing: the batch jumps "
                                   f"from seq {expected - 1} to seq {row.seq}")
            if chain_hash(previous, row.seq, row.type, row.at, row.payload) != row.hash:
                return good, Fault(mpp_id, row.seq, "altered",
                                   f"seq {row.seq} ({row.type}) does not give its stored hash "
                                   f"from the previous one: its time, type, payload or hash "
                                   "was changed after it was written")
            try:
                event = ev.event_from_dict(json.loads(row.payload))
            except (ValueError, TypeError, KeyError) as error:
                return good, Fault(mpp_id, row.seq, "unreadable",
                                   f"seq {row.seq} chains but is not an event this release "
                                   f"reads ({type(error).__name__}: {error})")
            good.append((row, event))
            previous, expected = row.hash, row.seq + 1
        return good, None

    def _record(self, fault: Fault) -> None:
        """Write the fault down once (a shipper retrying the same batch adds no new line)."""
        self.connection.execute(
            "INSERT INTO chain_faults (mpp_id, seq, kind, detail) "
            "SELECT %(mpp)s, %(seq)s, %(kind)s, %(detail)s WHERE NOT EXISTS ("
            "  SELECT 1 FROM (SELECT seq, kind, detail FROM chain_faults WHERE mpp_id = %(mpp)s "
            "                 ORDER BY fault_id DESC LIMIT 1) last "
            "  WHERE last.seq = %(seq)s AND last.kind = %(kind)s AND last.detail = %(detail)s)",
            {"mpp": fault.mpp_id, "seq": fault.seq, "kind": fault.kind, "detail": fault.detail})

    # --------------------------------------------------------------- store

    def _scratch_for(self, timezone: str) -> tuple[sqlite3.Connection, EventLog]:
        """A private in-memory SQLite with the hub's projection tables (one per time zone)."""
        if timezone not in self._scratch:
            connection = sqlite3.connect(":memory:", isolation_level=None)
            self._scratch[timezone] = (connection,
                                       EventLog.projection_only(connection, timezone))
        return self._scratch[timezone]

    def _store(self, mpp_id: str, timezone: str,
               batch: Sequence[tuple[EventRow, ev.Event]]) -> None:
        """Insert the events and project them onto visits, surveys and the roll-ups."""
        with self.connection.cursor() as cursor:
            with cursor.copy("COPY events (mpp_id, seq, at, type, payload, hash) "
                             "FROM STDIN") as copy:
                for row, _ in batch:
                    copy.write_row((mpp_id, row.seq, row.at, row.type, row.payload, row.hash))
        scratch, log = self._scratch_for(timezone)
        # Only visits, surveys and day starts go central; the other projection tables are
        # emptied too, or they would pile up (and complaint ids of two MPPs collide).
        for table in ("visits", "surveys", "business_days", "complaints", "service_legs"):
            scratch.execute(f"DELETE FROM {table}")
        ticket_ids = sorted({getattr(event, "ticket_id", "") for _, event in batch} - {""})
        columns = ", ".join(VISIT_COLUMNS)
        before: dict[str, dict[str, Any]] = {}
        if ticket_ids:
            existing = self.connection.execute(
                f"SELECT {columns} FROM visits WHERE mpp_id = %s AND visit_id = ANY(%s)",
                [mpp_id, ticket_ids]).fetchall()
            scratch.executemany(
                f"INSERT INTO visits ({columns}) VALUES ({', '.join('?' * len(VISIT_COLUMNS))})",
                existing)
            before = {row[0]: dict(zip(VISIT_COLUMNS, row, strict=True)) for row in existing}
        scratch.execute("BEGIN")
        for row, event in batch:
            log.project(row.seq, event)
        scratch.execute("COMMIT")
        after = {row[0]: dict(zip(VISIT_COLUMNS, row, strict=True))
                 for row in scratch.execute(f"SELECT {columns} FROM visits")}
        changed = [row for visit_id, row in after.items() if before.get(visit_id) != row]
        surveys = scratch.execute(f"SELECT {', '.join(SURVEY_COLUMNS)} FROM surveys").fetchall()
        days = scratch.execute("SELECT business_day, first_seq FROM business_days").fetchall()
        self._write_visits(mpp_id, changed)
        self._write_counts(mpp_id, [before.get(row["visit_id"]) for row in changed], changed)
        self._write_surveys(mpp_id, surveys)
        if days:
            with self.connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO business_days (mpp_id, business_day, first_seq) "
                    "VALUES (%s, %s, %s) ON CONFLICT (mpp_id, business_day) "
                    "DO UPDATE SET first_seq = EXCLUDED.first_seq",
                    [(mpp_id, *day) for day in days])

    def _write_visits(self, mpp_id: str, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        columns = ", ".join(VISIT_COLUMNS)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in VISIT_COLUMNS[1:])
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO visits (mpp_id, {columns}) VALUES "
                f"(%s, {', '.join(['%s'] * len(VISIT_COLUMNS))}) "
                f"ON CONFLICT (mpp_id, visit_id) DO UPDATE SET {updates}",
                [(mpp_id, *(row[c] for c in VISIT_COLUMNS)) for row in rows])

    def _write_counts(self, mpp_id: str, old: Sequence[dict[str, Any] | None],
                      new: Sequence[dict[str, Any]]) -> None:
        """Move each changed visit from its old roll-up group to its new one."""
        deltas: dict[tuple[Any, ...], list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0])
        for before, after in zip(old, new, strict=True):
            if before is not None:
                delta = deltas[_visit_key(before)]
                for index, value in enumerate(_visit_values(before)):
                    delta[index] -= value
            delta = deltas[_visit_key(after)]
            for index, value in enumerate(_visit_values(after)):
                delta[index] += value
        if not deltas:
            return
        keys = ", ".join(COUNT_KEY + COUNT_VALUES)
        adds = ", ".join(f"{c} = visit_counts.{c} + EXCLUDED.{c}" for c in COUNT_VALUES)
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO visit_counts (mpp_id, {keys}) VALUES "
                f"(%s, {', '.join(['%s'] * (len(COUNT_KEY) + len(COUNT_VALUES)))}) "
                f"ON CONFLICT (mpp_id, business_day, tenant_id, service_id, category, outcome, "
                f"transferred) DO UPDATE SET {adds}",
                [(mpp_id, *key, int(d[0]), int(d[1]), d[2], d[3]) for key, d in deltas.items()])
            days = sorted({key[0] for key in deltas})
            cursor.execute("DELETE FROM visit_counts WHERE mpp_id = %s AND business_day = ANY(%s) "
                           "AND visits = 0", [mpp_id, days])

    def _write_surveys(self, mpp_id: str, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        columns = ", ".join(SURVEY_COLUMNS)
        sums: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * 10)
        for row in rows:
            record = dict(zip(SURVEY_COLUMNS, row, strict=True))
            total = sums[tuple(record[c] for c in SUM_KEY)]
            total[0] += 1
            for n in range(1, 10):
                total[n] += int(record[f"u{n}"])
        elements = ", ".join(f"u{n}" for n in range(1, 10))
        adds = ", ".join(f"{c} = survey_sums.{c} + EXCLUDED.{c}"
                         for c in ("respondents", *(f"u{n}" for n in range(1, 10))))
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO surveys (mpp_id, {columns}) VALUES "
                f"(%s, {', '.join(['%s'] * len(SURVEY_COLUMNS))})",
                [(mpp_id, *row) for row in rows])
            cursor.executemany(
                f"INSERT INTO survey_sums (mpp_id, {', '.join(SUM_KEY)}, respondents, "
                f"{elements}) VALUES (%s, {', '.join(['%s'] * (len(SUM_KEY) + 10))}) "
                f"ON CONFLICT (mpp_id, business_day, tenant_id, service_id) DO UPDATE SET {adds}",
                [(mpp_id, *key, *total) for key, total in sums.items()])


REBUILD_COUNTS = """
DELETE FROM visit_counts WHERE mpp_id = %(mpp)s;
DELETE FROM survey_sums WHERE mpp_id = %(mpp)s;
INSERT INTO visit_counts
SELECT mpp_id, business_day, year, month, tenant_id, service_id, coalesce(category, ''),
       outcome, coalesce(transfer_count, 0) > 0, count(*), count(wait_seconds),
       coalesce(sum(wait_seconds), 0), coalesce(sum(service_seconds), 0)
  FROM visits WHERE mpp_id = %(mpp)s
 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
INSERT INTO survey_sums
SELECT mpp_id, business_day, year, month, tenant_id, service_id, count(*),
       sum(u1), sum(u2), sum(u3), sum(u4), sum(u5), sum(u6), sum(u7), sum(u8), sum(u9)
  FROM surveys WHERE mpp_id = %(mpp)s
 GROUP BY 1, 2, 3, 4, 5, 6;
"""
"""Recompute an MPP's roll-ups from its visits and surveys (after a bulk load, or to check
the ones the ingest kept)."""


def rebuild_counts(connection: psycopg.Connection, mpp_id: str) -> None:
    """Recompute the MPP's daily roll-ups from its visits and surveys, in one transaction."""
    with connection.transaction(), connection.cursor() as cursor:
        for statement in filter(str.strip, REBUILD_COUNTS.split(";")):
            cursor.execute(statement, {"mpp": mpp_id})
