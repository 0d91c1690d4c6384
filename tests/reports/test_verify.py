"""`verify` walks the hash chain: passes an intact log, finds edits, deletions, a cut tail."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from hub.__main__ import main
from hub.eventlog import chain_hash, open_readonly
from hub.reports.queries import ChainHead
from hub.verify import parse_head, verify_chain


@pytest.fixture
def log(tmp_path: Path, day_db: Path) -> Path:
    """A private copy of the logged day that a test may tamper with."""
    copy = tmp_path / "antrean.db"
    shutil.copy(day_db, copy)
    return copy


def tamper(path: Path, sql: str, *params: object) -> None:
    connection = sqlite3.connect(path)
    connection.execute(sql, params)
    connection.commit()
    connection.close()


def check(path: Path, expect: ChainHead | None = None):  # type: ignore[no-untyped-def]
    connection = open_readonly(path)
    try:
        return verify_chain(connection, expect)
    finally:
        connection.close()


def head_of(path: Path) -> ChainHead:
    connection = open_readonly(path)
    seq, digest = connection.execute(
        "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    connection.close()
    return ChainHead(seq, digest)


def test_intact_log_passes_with_count_and_head(log: Path) -> None:
    verdict = check(log, expect=head_of(log))
    assert verdict.intact and verdict.problem is None
    assert verdict.checked == head_of(log).seq
    assert verdict.head == head_of(log)


def test_edited_payload_is_found_at_its_row(log: Path) -> None:
    connection = open_readonly(log)
    seq = connection.execute("SELECT seq FROM events WHERE type = 'ticket_issued' "
                             "AND payload LIKE '%B-001%'").fetchone()[0]
    connection.close()
    # Someone turns the KK visitor into a KTP-el visitor after the fact.
    tamper(log, "UPDATE events SET payload = replace(payload, '\"kk\"', '\"ktp\"') "
                "WHERE seq = ?", seq)
    verdict = check(log)
    assert not verdict.intact
    assert verdict.problem is not None
    assert (verdict.problem.seq, verdict.problem.reason) == (seq, "content_edited")
    assert verdict.head.seq == seq - 1  # the chain holds up to the row before


def test_deleted_row_is_found_as_a_gap(log: Path) -> None:
    tamper(log, "DELETE FROM events WHERE seq = 9")
    verdict = check(log)
    assert verdict.problem is not None
    assert (verdict.problem.seq, verdict.problem.reason) == (9, "row_missing")
    assert "seq 9 missing" in verdict.problem.detail


def test_deleting_the_first_rows_is_found(log: Path) -> None:
    tamper(log, "DELETE FROM events WHERE seq <= 2")
    verdict = check(log)
    assert verdict.problem is not None
    assert (verdict.problem.seq, verdict.problem.reason) == (1, "row_missing")


def test_edited_hash_is_told_apart_from_edited_content(log: Path) -> None:
    tamper(log, "UPDATE events SET hash = ? WHERE seq = 7", "f" * 64)
    verdict = check(log)
    assert verdict.problem is not None
    assert (verdict.problem.seq, verdict.problem.reason) == (7, "hash_edited")


def test_edited_last_row_is_found(log: Path) -> None:
    last = head_of(log).seq
    tamper(log, "UPDATE events SET at = replace(at, '08:00', '07:00') WHERE seq = ?", last)
    verdict = check(log)
    assert verdict.problem is not None
    assert (verdict.problem.seq, verdict.problem.reason) == (last, "edited")


def test_a_cut_tail_is_found_only_against_a_published_head(log: Path) -> None:
    published = head_of(log)
    tamper(log, "DELETE FROM events WHERE seq > ?", published.seq - 3)
    assert check(log).intact  # the remaining chain is consistent on its own
    verdict = check(log, expect=published)
    assert verdict.problem is not None
    assert (verdict.problem.seq, verdict.problem.reason) == (published.seq, "head_missing")


def test_a_rewritten_and_rehashed_tail_is_found_against_a_published_head(log: Path) -> None:
    published = head_of(log)
    connection = sqlite3.connect(log)
    rows = connection.execute(
        "SELECT seq, at, type, payload FROM events WHERE seq >= ? ORDER BY seq",
        (published.seq - 1,)).fetchall()
    previous = connection.execute("SELECT hash FROM events WHERE seq = ?",
                                  (published.seq - 2,)).fetchone()[0]
    for seq, at, kind, payload in rows:  # a forger who knows the algorithm
        payload = payload.replace("2026-11-24", "2026-11-25") if seq == rows[0][0] else payload
        previous = chain_hash(previous, seq, kind, at, payload)
        connection.execute("UPDATE events SET payload = ?, hash = ? WHERE seq = ?",
                           (payload, previous, seq))
    connection.commit()
    connection.close()
    assert check(log).intact
    verdict = check(log, expect=published)
    assert verdict.problem is not None and verdict.problem.reason == "head_mismatch"


def test_command_exit_codes_and_json(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--db", str(log)]) == 0
    assert "intact" in capsys.readouterr().out
    head = head_of(log)
    assert main(["verify", "--db", str(log), "--expect", f"{head.seq}:{head.hash}"]) == 0
    capsys.readouterr()
    tamper(log, "UPDATE events SET payload = payload || ' ' WHERE seq = 5")
    assert main(["verify", "--db", str(log), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["intact"] is False
    assert result["break"]["seq"] == 5 and result["break"]["reason"] == "content_edited"
    assert result["head"]["seq"] == 4
    assert main(["verify", "--db", str(log.parent / "missing.db")]) == 2
    assert main(["verify", "--db", str(log), "--expect", "12:nothex"]) == 2


def test_parse_head_reads_what_reports_print() -> None:
    assert parse_head(f"42:{'A' * 64}") == ChainHead(42, "a" * 64)
    with pytest.raises(ValueError):
        parse_head("42")
