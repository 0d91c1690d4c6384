"""Command line: `python -m counter_display APP --settings FILE` (or --config and --device).

Each subcommand is an `App` (see launch.py) listed in `APPS`: its role, its own
options and a `run(launch)` that starts Qt. To add one (survey, supervisor), write
its `App` in its own module and append it to `APPS`; config loading, the device and
role check, the hub URL, logging and the exit status are shared.
"""

from __future__ import annotations

import argparse
import logging
import sys

from counter_display.counter.app import COUNTER_APP
from counter_display.hall.app import HALL_APP
from counter_display.launch import (
    App,
    StartupError,
    add_device_arguments,
    prepare,
    refuse_start,
)
from counter_display.supervisor.app import SUPERVISOR_APP
from counter_display.survey.app import SURVEY_APP

log = logging.getLogger("counter_display")

APPS: list[App] = [COUNTER_APP, HALL_APP, SURVEY_APP, SUPERVISOR_APP]


def _common_arguments(parser: argparse.ArgumentParser, role: str) -> None:
    """Add the options every app shares (settings or config, device, hub, verbosity)."""
    add_device_arguments(parser, role)
    # Also accepted before the subcommand (see build_parser); SUPPRESS keeps this one from
    # resetting a -v given there.
    parser.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="log debug messages")


def build_parser(apps: list[App] | None = None) -> argparse.ArgumentParser:
    """Describe every subcommand and option (shown by --help)."""
    parser = argparse.ArgumentParser(
        prog="python -m counter_display",
        description="Antrean MPP screens that follow the hub: the counter terminal at each "
        "loket and the hall display (TV).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for app in apps if apps is not None else APPS:
        sub = commands.add_parser(app.name, help=app.help, description=app.description)
        _common_arguments(sub, app.role)
        app.add_arguments(sub)
        sub.set_defaults(app=app)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand; exit 1 with a clear message when it cannot start."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app: App = args.app
    try:
        launch = prepare(args, app.role)
    except StartupError as error:
        return refuse_start(args, error)
    log.info("starting %s as %s, hub %s", app.name, launch.device.id, launch.hub_url)
    return int(app.run(launch))


if __name__ == "__main__":
    sys.exit(main())
