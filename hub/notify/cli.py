"""`python -m hub notify`: the sender process (its own systemd unit, antrean-notify)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from hub.config import ConfigError, load_config

log = logging.getLogger("hub.notify")


def default_state(db: Path) -> Path:
    """The sender's own record, beside the hub's log: antrean.db → antrean.notify.db."""
    return db.with_name(db.stem + ".notify.db")


def notify_command(args: argparse.Namespace) -> int:
    """Deliver the outbox until SIGINT/SIGTERM (or once, with --once)."""
    from hub.notify.gateway import make_gateway
    from hub.notify.sender import Sender

    try:
        config = load_config(args.config)
    except ConfigError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 2
    settings = config.notifications
    if settings is None:
        print(f"notify: {args.config} has no [notifications] section: the hub writes no "
              "notifications, so there is nothing to send (docs/notifications.md)",
              file=sys.stderr)
        return 2
    if args.db.is_dir():
        print(f"notify: --db: {args.db} is a folder; give the hub's event log file in it",
              file=sys.stderr)
        return 2
    try:
        gateway = make_gateway(settings, args.config.parent)
    except (OSError, ValueError) as error:
        print(f"notify: {args.config}: notifications.webhook.secret_file: {error}",
              file=sys.stderr)
        return 2
    state = args.state or default_state(args.db)
    sender = Sender(args.db, state, settings, gateway)
    stop = threading.Event()

    def stop_on_signal(signum: int, _frame: Any) -> None:
        log.info("signal %d: stopping after the current delivery", signum)
        stop.set()

    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    log.info("sending %s's notifications from %s to %s (record: %s)", settings.mall_id,
             args.db, settings.webhook.url, state)
    try:
        if args.once:
            result = sender.run_once()
            print(f"delivered {result.delivered}, failed {result.failed}, expired "
                  f"{result.expired}, superseded {result.superseded}")
            return 3 if result.unreachable else 0
        sender.run(stop, args.poll_seconds)
    finally:
        sender.close()
    return 0


def add_parser(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add `notify` to the hub's command line."""
    notify = commands.add_parser(
        "notify", parents=parents, help="deliver visitors' notifications (webhook)",
        description="Deliver the notifications the hub writes to its outbox (\"your turn "
        "is near\", called, transferred) through the configured gateway — a signed JSON "
        "POST — each exactly once, with retries and backoff, waiting through internet "
        "outages. Reads the hub's log read-only and keeps what it delivered in its own "
        "file (--state). SIGINT/SIGTERM stop it. See docs/notifications.md.")
    notify.add_argument("--config", required=True, type=Path,
                        help="the mall's configuration ([notifications])")
    notify.add_argument("--db", required=True, type=Path, help="the hub's SQLite event log")
    notify.add_argument("--state", type=Path,
                        help="the sender's own record of deliveries (default: beside --db, "
                        "NAME.notify.db)")
    notify.add_argument("--poll-seconds", type=float, default=1.0,
                        help="how often the outbox is read for new rows (default 1)")
    notify.add_argument("--once", action="store_true",
                        help="one pass over what is due now, then exit (0; 3 if the "
                        "receiver was unreachable)")
    notify.set_defaults(handler=notify_command)
