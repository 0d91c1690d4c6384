"""Backups of the event log while the hub runs (`python -m hub backup`).

SQLite's online backup API copies a consistent snapshot of the database — every
committed event up to one instant, the WAL included — without stopping the hub: the
copy reads in steps, and the hub's writer is never blocked for long. The copy is written
beside its final name, checked (integrity and hash chain), made durable and then renamed,
so a backup folder never holds a half-written file under a backup's name. Older backups
beyond `keep` are removed (nightly backups: `keep` days).

Restore (hub stopped): copy the backup over the hub's --db file and remove the stale
`-wal` and `-shm` files beside it — `python -m hub restore --from BACKUP --db D` does
exactly that, refusing while the database is in use. See docs/deployment.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub.eventlog import open_readonly
from hub.reports.queries import ChainHead
from hub.verify import verify_chain

PREFIX = "antrean-"
SUFFIX = ".db"
PAGES_PER_STEP = 256
"""Pages copied per step (1 MB at 4 KB pages); the hub's writer may commit between steps."""


class BackupError(Exception):
    """The backup could not be made or checked; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    """A backup written: where, its chain head, and the old backups removed."""

    path: Path
    head: ChainHead
    removed: list[Path]


def backup_name(now: dt.datetime) -> str:
    """antrean-YYYYMMDD-HHMMSS.db: sorts by time."""
    return f"{PREFIX}{now:%Y%m%d-%H%M%S}{SUFFIX}"


def existing_backups(folder: Path) -> list[Path]:
    """The backups in `folder`, oldest first."""
    return sorted(p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p.is_file())


def make_backup(db: Path, folder: Path, keep: int | None = None,
                now: dt.datetime | None = None) -> BackupResult:
    """Copy the live log `db` into `folder`, check the copy, then keep only `keep` backups."""
    if not db.is_file():
        raise BackupError(f"--db: {db} is not a database file")
    folder.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now()
    final = folder / backup_name(now)
    partial = final.with_name(final.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        source = open_readonly(db)
    except sqlite3.Error as error:
        raise BackupError(f"--db: cannot open {db}: {error}") from None
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target, pages=PAGES_PER_STEP)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            (ok,) = target.execute("PRAGMA integrity_check").fetchone()
            if ok != "ok":
                raise BackupError(f"the copy of {db} fails SQLite's integrity check: {ok}")
            verdict = verify_chain(target)
            if not verdict.intact:
                assert verdict.problem is not None
                raise BackupError(f"the event log's chain is broken in the copy at seq "
                                  f"{verdict.problem.seq}: {verdict.problem.detail} "
                                  f"(check the live log: python -m hub verify --db {db})")
        finally:
            target.close()
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup of {db} failed: {error}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    _fsync(partial)
    os.replace(partial, final)
    _fsync(folder)
    removed = []
    if keep is not None:
        for old in existing_backups(folder)[:-keep] if keep > 0 else []:
            old.unlink()
            removed.append(old)
    return BackupResult(final, verdict.head, removed)


def restore_backup(backup: Path, db: Path) -> ChainHead:
    """Put a checked backup in place of the hub's log (the hub must be stopped)."""
    try:
        connection = open_readonly(backup)
        try:
            verdict = verify_chain(connection)
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise BackupError(f"--from: {backup} is not a readable backup: {error}") from None
    if not verdict.intact:
        raise BackupError(f"--from: {backup}: the chain is broken; choose another backup")
    if db.exists() and _in_use(db):
        raise BackupError(f"--db: {db} is in use; stop the hub first "
                              "(systemctl stop antrean-hub)")
    temporary = db.with_name(db.name + ".restoring")
    temporary.write_bytes(backup.read_bytes())
    _fsync(temporary)
    for stale in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        stale.unlink(missing_ok=True)
    os.replace(temporary, db)
    _fsync(db.parent)
    return verdict.head


def _in_use(db: Path) -> bool:
    """True when another connection has the database open (the hub, a report).

    In WAL mode an open connection holds a shared lock that an exclusive-mode connection
    cannot get past; an idle hub is found too, not only one in mid-write.
    """
    try:
        connection = sqlite3.connect(db, timeout=0)
        try:
            connection.execute("PRAGMA locking_mode = EXCLUSIVE")
            connection.execute("BEGIN EXCLUSIVE")
            connection.execute("ROLLBACK")
        finally:
            connection.close()
    except sqlite3.OperationalError:
        return True
    return False


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# ------------------------------------------------------------- command line


def backup_command(args: argparse.Namespace) -> int:
    """Run `hub backup`: one line saying what was written (or why not), exit 0 or 1."""
    try:
        result = make_backup(args.db, args.to, args.keep)
    except (BackupError, OSError) as error:
        print(f"backup: {error}", file=sys.stderr)
        return 1
    print(f"backup: {result.path} — {result.head.seq} events, chain head "
          f"{result.head.seq}:{result.head.hash}"
          + (f"; removed {len(result.removed)} older" if result.removed else ""))
    return 0


def restore_command(args: argparse.Namespace) -> int:
    """Run `hub restore`: put a backup in place of a stopped hub's log."""
    try:
        head = restore_backup(args.source, args.db)
    except (BackupError, OSError) as error:
        print(f"restore: {error}", file=sys.stderr)
        return 1
    print(f"restore: {args.db} now holds {args.source} — chain head {head.seq}:{head.hash}; "
          "start the hub (systemctl start antrean-hub)")
    return 0


def add_parsers(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add `backup` and `restore` to the hub's command line."""
    backup = commands.add_parser(
        "backup", parents=parents, help="copy the event log while the hub runs",
        description="Copy the hub's event log with SQLite's online backup API (the hub keeps "
        "serving), check the copy's integrity and hash chain, and name it "
        "antrean-YYYYMMDD-HHMMSS.db in the folder. `verify --db COPY` prints the same chain "
        "head as the live log had at that instant.")
    backup.add_argument("--db", required=True, type=Path, help="the hub's SQLite event log")
    backup.add_argument("--to", required=True, type=Path, help="folder for the backups")
    backup.add_argument("--keep", type=int, metavar="N",
                        help="keep only the N newest backups (nightly: N days); default all")
    backup.set_defaults(handler=backup_command)
    restore = commands.add_parser(
        "restore", parents=parents, help="put a backup in place of the (stopped) hub's log",
        description="Check a backup's chain, then put it in place of --db (removing the old "
        "-wal and -shm files). Refused while the hub has the database open.")
    restore.add_argument("--from", dest="source", required=True, type=Path,
                         help="a backup written by `hub backup`")
    restore.add_argument("--db", required=True, type=Path, help="the hub's event log to replace")
    restore.set_defaults(handler=restore_command)
