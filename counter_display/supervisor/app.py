"""The `supervisor` subcommand: the MPP manager's dashboard (Qt is imported only to run)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from counter_display.hall.app import parse_size
from counter_display.launch import App, Launch

log = logging.getLogger(__name__)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, metavar="PATH",
                        help="the hub's database, opened read-only, for today's IKM and the "
                        "reports tab (when the dashboard runs where it can read it)")
    parser.add_argument("--ikm-weight", choices=("exact", "0.11"), default="exact",
                        help="SKM element weight: exactly 1/9 (default) or the regulation's "
                        "printed 0.11")
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen")
    parser.add_argument("--size", type=parse_size, default=(1920, 1080), metavar="WxH",
                        help="window size when not full screen (default 1920x1080)")


def _run(launch: Launch) -> int:
    from counter_display.qtapp import application, run_until_quit
    from counter_display.supervisor.controller import SupervisorController
    from counter_display.supervisor.ikm import IkmSource
    from counter_display.supervisor.window import SupervisorWindow
    from hub.client.qt_bridge import HubBridge

    args = launch.args
    db: Path | None = args.db
    if db is not None and not db.is_file():
        log.error("--db %s: no such file (the hub's database, see `python -m hub serve --db`)",
                  db)
        return 1
    if db is None:
        log.info("no --db: IKM and reports are not available, the live view is")
    app = application("Antrean MPP — dasbor")
    device = launch.device
    bridge = HubBridge(launch.hub_url, device.id, device.token, launch.ssl_context)
    controller = SupervisorController(bridge, launch.config)
    window = SupervisorWindow(controller, IkmSource(db, args.ikm_weight) if db else None)
    if args.fullscreen:
        window.showFullScreen()
    else:
        window.resize(*args.size)
        window.show()
    return run_until_quit(app, bridge)


SUPERVISOR_APP = App(
    name="supervisor",
    role="supervisor",
    help="the MPP manager's dashboard",
    description="Supervisor dashboard: live queues (waiting, longest wait against the "
    "target), counters, device health (printer faults), today's visitors and IKM; close or "
    "reopen a service for today, change a counter's services, pause a kiosk, set the running "
    "text; reports per year, month or day with XLSX/PDF export (needs --db).",
    add_arguments=_arguments,
    run=_run,
)
