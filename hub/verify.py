"""Check the event log's hash chain: is this log the one the hub wrote, row for row?

Each event row stores SHA-256(previous hash, seq, type, at, payload) (see
`hub.eventlog.chain_hash`). Walking the rows in order and recomputing every hash
proves that no row was edited, inserted or deleted — except at the very end, which
is why every report prints the chain head it was computed from: `--expect SEQ:HASH`
checks that an earlier published head is still part of the chain, so a truncated or
rewritten tail shows too.

At the first break the walk stops and says which seq and, where the rows allow, why:
- row_missing: a seq is skipped (rows deleted);
- hash_edited: the row's content is intact but its stored hash was changed (the next
  row still chains from the hash the content gives);
- content_edited: the row's type, time or payload no longer gives its stored hash, while
  that stored hash still chains to the next row — the row was edited after it was
  written (or the row before it was rewritten together with its hash);
- edited: the last row, or several rows, changed so that the cause cannot be told apart;
- head_mismatch / head_missing: the expected head is not in the log as published.

Then the derived tables the reports read (`visits`, `surveys`), which the chain does not
cover, are rebuilt from the events by the hub's own projection code and compared row by
row (`hub.projection_check`): each visit that differs, is missing or is extra is named.

Reads through a read-only connection, streaming: memory stays flat for any log size (the
rebuilt tables go to a temporary file).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from hub.eventlog import GENESIS_HASH, open_readonly
from hub.projection_check import ProjectionCheck, check_projection
from hub.reports.queries import ChainHead

Reason = Literal["row_missing", "hash_edited", "content_edited", "edited", "head_mismatch",
                 "head_missing"]


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """Where the chain first breaks and the likely cause."""

    seq: int
    reason: Reason
    detail: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """The result of a walk: intact or the first break, with the rows checked."""

    checked: int
    head: ChainHead
    """The last row that still chains correctly (seq 0 and the genesis hash if none)."""
    problem: ChainBreak | None
    seconds: float

    @property
    def intact(self) -> bool:
        """True when every row chains and the expected head (if any) was found."""
        return self.problem is None


def _hash(previous: str, seq: int, event_type: str, at: str, payload: str) -> str:
    return hashlib.sha256(
        f"{previous}\x1f{seq}\x1f{event_type}\x1f{at}\x1f{payload}".encode()
    ).hexdigest()


def parse_head(text: str) -> ChainHead:
    """Read 'SEQ:HASH' as printed on a report; raise ValueError otherwise."""
    seq, _, digest = text.partition(":")
    digest = digest.strip().lower()
    if not seq.strip().isdigit() or len(digest) != 64 or not all(
        c in "0123456789abcdef" for c in digest
    ):
        raise ValueError(f"expected SEQ:HASH (a number, a colon, 64 hex digits), not {text!r}")
    return ChainHead(int(seq), digest)


def verify_chain(connection: sqlite3.Connection, expect: ChainHead | None = None) -> Verdict:
    """Walk every event in seq order, recomputing the chain; stop at the first break."""
    started = time.perf_counter()
    sha256 = hashlib.sha256
    previous, next_seq = GENESIS_HASH, 1
    problem: ChainBreak | None = None
    suspect: tuple[int, str, str] | None = None
    """A row whose hash did not match: (seq, hash its content gives, hash stored)."""
    cursor = connection.execute("SELECT seq, at, type, payload, hash FROM events ORDER BY seq")
    for seq, at, event_type, payload, stored in cursor:
        if suspect is not None:
            problem = _diagnose(suspect, seq, at, event_type, payload, stored)
            break
        if seq != next_seq:
            missing = f"seq {next_seq}" if seq == next_seq + 1 else f"seq {next_seq}–{seq - 1}"
            problem = ChainBreak(next_seq, "row_missing",
                                 f"{missing} missing: rows were deleted (next row is seq {seq})")
            break
        # The material of hub.eventlog.chain_hash, inlined: this line runs millions of times.
        computed = sha256(
            f"{previous}\x1f{seq}\x1f{event_type}\x1f{at}\x1f{payload}".encode()
        ).hexdigest()
        if computed != stored:
            suspect = (seq, computed, stored)
            continue
        previous, next_seq = stored, seq + 1
    else:
        if suspect is not None:
            problem = ChainBreak(suspect[0], "edited",
                                 f"seq {suspect[0]} (the last row) does not match its hash: "
                                 "its content or its hash was changed")
    good = next_seq - 1
    if problem is None and expect is not None:
        problem = _check_expected(connection, expect, good)
    return Verdict(good, ChainHead(good, previous), problem, time.perf_counter() - started)


def _check_expected(connection: sqlite3.Connection, expect: ChainHead,
                    good: int) -> ChainBreak | None:
    """Check that a published head is a row of the (verified) chain."""
    if expect.seq > good:
        return ChainBreak(expect.seq, "head_missing",
                          f"the expected head seq {expect.seq} is not in the log (it ends at "
                          f"seq {good}): rows at the end were removed")
    row = connection.execute("SELECT hash FROM events WHERE seq = ?", (expect.seq,)).fetchone()
    if row is None or row[0] != expect.hash:
        found = f"hash {row[0][:16]}…" if row else "no row"
        return ChainBreak(expect.seq, "head_mismatch",
                          f"seq {expect.seq} has {found}, not the expected "
                          f"{expect.hash[:16]}…: the log was rewritten from there or earlier")
    return None


def _diagnose(suspect: tuple[int, str, str], seq: int, at: str, event_type: str,
              payload: str, stored: str) -> ChainBreak:
    """Tell a changed hash from changed content by how the next row chains."""
    bad_seq, computed, bad_stored = suspect
    if seq != bad_seq + 1:
        return ChainBreak(bad_seq, "edited",
                          f"seq {bad_seq} does not match its hash and rows after it are "
                          f"missing (next row is seq {seq})")
    if _hash(bad_stored, seq, event_type, at, payload) == stored:
        return ChainBreak(bad_seq, "content_edited",
                          f"seq {bad_seq}: its type, time or payload was changed after it was "
                          "written (or the row before it was rewritten with a new hash)")
    if _hash(computed, seq, event_type, at, payload) == stored:
        return ChainBreak(bad_seq, "hash_edited",
                          f"seq {bad_seq}: its stored hash was changed; its content is intact")
    return ChainBreak(bad_seq, "edited",
                      f"seq {bad_seq} and seq {seq} both fail to chain: several rows changed")


def verify_command(db: Path, expect_text: str | None = None, as_json: bool = False,
                   timezone: str = "Asia/Jakarta") -> int:
    """Verify the log at `db` and print the verdict; 0 intact, 1 broken, 2 unreadable.

    Broken means the chain breaks, or a derived table differs from what its events give.
    """
    try:
        expect = parse_head(expect_text) if expect_text else None
    except ValueError as error:
        print(f"--expect: {error}", file=sys.stderr)
        return 2
    if not db.exists():
        print(f"verify: no event log at {db}", file=sys.stderr)
        return 2
    try:
        connection = open_readonly(db)
        try:
            connection.execute("BEGIN")  # the chain and the tables of one instant
            verdict = verify_chain(connection, expect)
            # Rebuilt from the events as they are, also past a break: the rows named are
            # then the ones the edited events no longer give.
            projection = check_projection(connection, timezone)
            connection.execute("COMMIT")
        finally:
            connection.close()
    except sqlite3.Error as error:
        print(f"verify: cannot read {db}: {error}", file=sys.stderr)
        return 2
    intact = verdict.intact and projection.matches
    if as_json:
        print(json.dumps({
            "intact": intact, "chain_intact": verdict.intact, "checked": verdict.checked,
            "head": {"seq": verdict.head.seq, "hash": verdict.head.hash},
            "break": None if verdict.problem is None else {
                "seq": verdict.problem.seq, "reason": verdict.problem.reason,
                "detail": verdict.problem.detail},
            "projection": projection_json(projection),
            "seconds": round(verdict.seconds + projection.seconds, 3),
        }, ensure_ascii=False, default=str))
        return 0 if intact else 1
    if verdict.problem is None:
        print(f"{db}: chain intact — {verdict.checked} events chained; head seq "
              f"{verdict.head.seq} hash {verdict.head.hash} ({verdict.seconds:.2f} s)")
    else:
        print(f"{db}: BROKEN at seq {verdict.problem.seq} ({verdict.problem.reason}): "
              f"{verdict.problem.detail}")
        print(f"  the chain is intact up to seq {verdict.head.seq} "
              f"({verdict.checked} events checked)")
    print(projection_summary(projection))
    if intact:
        print(f"{db}: intact")
    return 0 if intact else 1


def projection_summary(check: ProjectionCheck, scope: str = "") -> str:
    """Say in lines whether the derived tables match the events, naming each difference."""
    compared = ", ".join(f"{rows} {table}" for table, rows in check.rows_compared.items())
    where = f" ({scope})" if scope else ""
    if check.matches:
        return (f"tables match the events{where}: {compared} rows rebuilt from "
                f"{check.events_replayed} events and compared ({check.seconds:.2f} s)")
    lines = [f"TABLES DIFFER FROM THE EVENTS{where}: {check.total_differences} rows "
             f"({compared} compared, rebuilt from {check.events_replayed} events):"]
    lines += [f"  {difference.describe()}" for difference in check.differences]
    if check.total_differences > len(check.differences):
        lines.append(f"  … and {check.total_differences - len(check.differences)} more")
    return "\n".join(lines)


def projection_json(check: ProjectionCheck) -> dict[str, object]:
    """The projection check as JSON-ready data."""
    return {
        "matches": check.matches, "events_replayed": check.events_replayed,
        "rows_compared": check.rows_compared, "differences": check.total_differences,
        "named": [{"table": d.table, "key": d.key, "kind": d.kind, "columns": list(d.columns),
                   "detail": d.describe()} for d in check.differences],
        "seconds": round(check.seconds, 3),
    }
