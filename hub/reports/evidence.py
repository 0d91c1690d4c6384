"""Does the data a report counts match the chained events? Checked for the report's period.

Before a report prints a number it walks the hash chain (`hub.verify.verify_chain`) and
rebuilds the period's visits and SKM answers from the events with the hub's own
projection code, comparing them row by row with the tables it reads
(`hub.projection_check`). The result travels with the report: a report on data that does
not match its chain says so on its first page, on the XLSX's Info sheet and in the CSV,
naming the rows that differ.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from hub.projection_check import ProjectionCheck, RowDifference, Scope, check_projection
from hub.reports.period import Period, period_filter


@dataclass(frozen=True, slots=True)
class Evidence:
    """The outcome of the period's check against the chained events."""

    chain_checked: int
    """Events whose hashes chain correctly (all of them when the chain is intact)."""
    chain_problem: str | None
    """Where and why the chain breaks, if it does."""
    projection: ProjectionCheck
    seconds: float

    @property
    def ok(self) -> bool:
        """True when the chain is intact and every row of the period matches its events."""
        return self.chain_problem is None and self.projection.matches

    def verdict_id(self) -> str:
        """One Indonesian sentence for the report."""
        rows = self.projection.rows_compared
        if self.ok:
            return (f"Cocok: rantai hash utuh ({self.chain_checked} kejadian); "
                    f"{rows.get('visits', 0)} kunjungan dan {rows.get('surveys', 0)} jawaban "
                    "SKM periode ini dibangun ulang dari log kejadian dan sama persis.")
        parts = []
        if self.chain_problem is not None:
            parts.append(f"rantai hash putus ({self.chain_problem})")
        if not self.projection.matches:
            parts.append(f"{self.projection.total_differences} baris data kunjungan/SKM "
                         "berbeda dari log kejadian")
        return ("TIDAK COCOK: " + "; ".join(parts) + ". Angka laporan ini tidak dapat "
                "dipertanggungjawabkan sampai data dipulihkan dari log kejadian.")

    def verdict_en(self) -> str:
        """The same in English."""
        if self.ok:
            return "Matches: hash chain intact; every row of the period rebuilt from the events."
        parts = []
        if self.chain_problem is not None:
            parts.append("the hash chain is broken")
        if not self.projection.matches:
            parts.append(f"{self.projection.total_differences} visit/SKM rows differ from "
                         "the event log")
        return "DOES NOT MATCH: " + "; ".join(parts) + "."

    def named(self) -> list[RowDifference]:
        """The differing rows named one by one (up to the check's cap)."""
        return list(self.projection.differences)


TABLE_NAMES = {"visits": "kunjungan", "surveys": "jawaban SKM"}


def describe_id(difference: RowDifference) -> str:
    """Say one difference in Indonesian: which row, and what the events say instead."""
    what = f"{TABLE_NAMES.get(difference.table, difference.table)} {difference.key}"
    if difference.kind == "missing":
        return f"{what}: hilang dari tabel (ada di log kejadian)"
    if difference.kind == "extra":
        return f"{what}: tambahan (tidak ada di log kejadian)"
    changes = ", ".join(f"{column} {stored!r}, menurut log {rebuilt!r}"
                        for column, stored, rebuilt in zip(
                            difference.columns, difference.stored, difference.rebuilt,
                            strict=True))
    return f"{what}: {changes}"


def period_scope(period: Period) -> Scope:
    """The visits of a period: ticket ids start with its business day(s)."""
    prefix = f"{period.value}/" if period.kind == "day" else f"{period.value}-"
    where, params = period_filter(period)
    return Scope(prefix, where, tuple(params))


def check_period(connection: sqlite3.Connection, timezone: str, period: Period,
                 up_to_seq: int) -> Evidence:
    """Walk the chain and compare the period's rows with their events (in the caller's
    read transaction, up to the head the report states)."""
    from hub.verify import verify_chain  # hub.verify imports hub.reports: import it late

    started = time.perf_counter()
    verdict = verify_chain(connection)
    problem = None
    if verdict.problem is not None:
        problem = f"seq {verdict.problem.seq}, {verdict.problem.reason}"
    elif verdict.checked < up_to_seq:
        problem = f"the log ends at seq {verdict.checked}, not {up_to_seq}"
    projection = check_projection(connection, timezone, period_scope(period), up_to_seq)
    return Evidence(verdict.checked, problem, projection, time.perf_counter() - started)
