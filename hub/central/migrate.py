"""Apply the central database's plain SQL migrations (hub/central/migrations/NNN_*.sql).

Each file runs once, in name order, in its own transaction, and is recorded in
`schema_migrations` with a hash of its text; an applied file that was later edited is
refused (write a new migration instead). An advisory lock lets several shippers start
at once against a new database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import psycopg

MIGRATIONS = Path(__file__).with_name("migrations")
LOCK_KEY = 0x616E7472  # "antr": one advisory lock for schema changes


class MigrationError(RuntimeError):
    """The database's schema history does not match the migrations in this release."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One SQL file: its version (the file name without .sql) and its text."""

    version: str
    sql: str

    @property
    def digest(self) -> str:
        """SHA-256 of the text, stored so an edited migration is noticed."""
        return hashlib.sha256(self.sql.encode()).hexdigest()


def migrations(folder: Path = MIGRATIONS) -> list[Migration]:
    """Return the migrations in the order they apply."""
    return [Migration(path.stem, path.read_text(encoding="utf-8"))
            for path in sorted(folder.glob("[0-9][0-9][0-9]_*.sql"))]


def migrate(connection: psycopg.Connection, folder: Path = MIGRATIONS) -> list[str]:
    """Bring the schema up to date; return the versions applied now (empty if none)."""
    applied_now: list[str] = []
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, "
            "digest text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
        done: dict[str, str] = dict(connection.execute(
            "SELECT version, digest FROM schema_migrations").fetchall())
        for migration in migrations(folder):
            if migration.version in done:
                if done[migration.version] != migration.digest:
                    raise MigrationError(
                        f"migration {migration.version} was changed after it was applied "
                        "to this database; add a new migration instead")
                continue
            with connection.transaction():
                connection.execute(migration.sql.encode())
                connection.execute("INSERT INTO schema_migrations (version, digest) "
                                   "VALUES (%s, %s)", [migration.version, migration.digest])
            applied_now.append(migration.version)
    return applied_now
