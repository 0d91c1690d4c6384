"""The `survey` subcommand: the SKM tablet at one counter (Qt is imported only to run)."""

from __future__ import annotations

import argparse

from counter_display.launch import App, Launch
from counter_display.survey.flow import IDLE_TIMEOUT_MS


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen (tablet mode)")
    parser.add_argument("--idle-timeout", type=int, default=IDLE_TIMEOUT_MS // 1000,
                        metavar="SECONDS",
                        help="drop an unfinished survey after this long untouched (default "
                        f"{IDLE_TIMEOUT_MS // 1000})")


def _run(launch: Launch) -> int:
    from PySide6.QtCore import Qt

    from counter_display.qtapp import application, run_until_quit
    from counter_display.survey.flow import SurveyController
    from counter_display.survey.screen import SurveyScreen

    app = application("Antrean MPP — survei")
    device = launch.device
    assert device.counter is not None  # config validation: survey devices name a counter
    bridge = launch.bridge()
    controller = SurveyController(bridge, launch.config, device.counter,
                                  idle_timeout_ms=max(10, launch.args.idle_timeout) * 1000)
    screen = SurveyScreen(controller)
    if launch.args.fullscreen:
        screen.setCursor(Qt.CursorShape.BlankCursor)  # a touch tablet: no pointer
        screen.showFullScreen()
    else:
        screen.show()
    return run_until_quit(app, bridge, start=launch.start)


SURVEY_APP = App(
    name="survey",
    role="survey",
    help="the SKM satisfaction survey tablet at a loket",
    description="Survey tablet (SKM, PermenPANRB 14/2017): after a visit is finished at the "
    "device's counter, the visitor rates the nine elements U1–U9 with four faces, may add a "
    "profile and a comment, and the answers go to the hub (one survey per visit).",
    add_arguments=_arguments,
    run=_run,
)
