"""The `supervisor` subcommand: the MPP manager's dashboard (Qt is imported only to run)."""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING

from counter_display.hall.app import parse_size
from counter_display.launch import App, Launch

if TYPE_CHECKING:
    from counter_display.supervisor.ikm import HubReports

log = logging.getLogger(__name__)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ikm-weight", choices=("exact", "0.11"), default="exact",
                        help="SKM element weight: exactly 1/9 (default) or the regulation's "
                        "printed 0.11")
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen")
    parser.add_argument("--size", type=parse_size, default=(1920, 1080), metavar="WxH",
                        help="window size when not full screen (default 1920x1080)")


def hub_reports(launch: Launch) -> HubReports:
    """Today's IKM and the reports from the hub (GET /reports) with this device's token:
    the dashboard needs no copy of the hub's database."""
    from counter_display.supervisor.ikm import HubReports

    return HubReports(launch.hub_url, launch.token, launch.ssl_context, launch.args.ikm_weight)


def _run(launch: Launch) -> int:
    from counter_display.qtapp import application, run_until_quit
    from counter_display.supervisor.controller import SupervisorController
    from counter_display.supervisor.window import SupervisorWindow

    args = launch.args
    app = application("Antrean MPP — dasbor")
    bridge = launch.bridge()
    controller = SupervisorController(bridge, launch.config)
    reports = hub_reports(launch)
    window = SupervisorWindow(controller, reports)
    if args.fullscreen:
        window.showFullScreen()
    else:
        window.resize(*args.size)
        window.show()
    return run_until_quit(app, bridge, start=launch.start)


SUPERVISOR_APP = App(
    name="supervisor",
    role="supervisor",
    help="the MPP manager's dashboard",
    description="Supervisor dashboard: live queues (waiting, longest wait against the "
    "target), counters, device health (printer faults), today's visitors and IKM; close or "
    "reopen a service for today, change a counter's services, pause a kiosk, set the running "
    "text; reports per year, month or day with XLSX/PDF export, built by the hub.",
    add_arguments=_arguments,
    run=_run,
)
