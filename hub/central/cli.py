"""The `ship` command's work (kept out of hub/__main__.py, which only lists options)."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import psycopg

from hub.central.ingest import ChainRefused
from hub.central.ship import BATCH_SIZE, Shipper
from hub.config import ConfigError, load_config


def _one_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def ship_command(db: Path, to: str, mpp_id: str, config_path: Path | None = None,
                 once: bool = False, batch_size: int = BATCH_SIZE) -> int:
    """Ship the log at `db` to `to`; with `once`, what is there now, then exit.

    0: everything shipped (or, without --once, stopped by SIGINT/SIGTERM); 1: refused by
    the central side (a gap, fork or altered event: the message names the MPP and seq) or
    a problem with the arguments; 3: the central server cannot be reached (--once).
    """
    if db.is_dir():
        print(f"ship: --db: {db} is a folder; give the hub's event log file in it",
              file=sys.stderr)
        return 1
    if not to.startswith(("postgresql://", "postgres://")):
        print(f"ship: --to: expected a postgresql://… URL, not {to!r}", file=sys.stderr)
        return 1
    if batch_size < 1:
        print("ship: --batch-size must be at least 1", file=sys.stderr)
        return 1
    name, timezone, names = mpp_id, "Asia/Jakarta", []
    if config_path is not None:
        try:
            config = load_config(config_path)
        except ConfigError as error:
            for problem in error.problems:
                print(problem, file=sys.stderr)
            return 1
        name, timezone = config.mpp.name, config.mpp.timezone
        names = [("tenant", t.id, t.name.get("id"), t.short_name) for t in config.tenants]
        names += [("service", s.id, s.name.get("id"), s.name.get("id"))
                  for s in config.services]
    shipper = Shipper(db, to, mpp_id, name=name, timezone=timezone, names=names,
                      batch_size=batch_size)
    try:
        if not once:
            stop = threading.Event()
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, lambda *_: stop.set())
            shipper.run(stop)
            return 0
        try:
            shipped = shipper.ship_available()
        except FileNotFoundError as error:
            print(f"ship: {error}", file=sys.stderr)
            return 1
        except ChainRefused as refused:
            print(f"ship: {refused}", file=sys.stderr)
            print("ship: the central database kept every event before that seq and recorded "
                  "the refusal (table chain_faults) / semua kejadian sebelum seq itu tersimpan",
                  file=sys.stderr)
            return 1
        except psycopg.OperationalError as error:
            print(f"ship: central server unreachable / server pusat tidak terjangkau: "
                  f"{_one_line(error)}", file=sys.stderr)
            return 3
        except (psycopg.Error, ValueError) as error:
            print(f"ship: {_one_line(error)}", file=sys.stderr)
            return 1
        print(f"{mpp_id}: shipped {shipped.events} events in {shipped.batches} batches; "
              f"central head seq {shipped.head.seq} hash {shipped.head.hash}")
        return 0
    finally:
        shipper.close()
