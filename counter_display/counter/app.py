"""The `counter` subcommand: the staff terminal at one loket (Qt is imported only to run)."""

from __future__ import annotations

import argparse

from counter_display.launch import App, Launch


def _arguments(parser: argparse.ArgumentParser) -> None:
    """Add the counter terminal's own options."""
    parser.add_argument("--staff", default="",
                        help="staff name suggested when opening the counter")
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen")


def _run(launch: Launch) -> int:
    """Start the counter terminal."""
    from counter_display.counter.controller import CounterController
    from counter_display.counter.window import CounterWindow
    from counter_display.qtapp import application, run_until_quit

    app = application("Antrean MPP — loket")
    device = launch.device
    assert device.counter is not None  # config validation: counter devices name a counter
    bridge = launch.bridge()
    controller = CounterController(bridge, launch.config, device.counter)
    window = CounterWindow(controller, staff=launch.args.staff)
    if launch.args.fullscreen:
        window.showFullScreen()
    else:
        window.show()
    return run_until_quit(app, bridge, start=launch.start)


COUNTER_APP = App(
    name="counter",
    role="counter",
    help="the staff terminal at a loket",
    description="Counter terminal: call next, recall, no-show, park, transfer, finish, pause "
    "and open/close one counter. Keys: F1/Space call next, F2 recall, F3 no-show, F4 park, "
    "F5 transfer, F6/Enter finish, F7 call a number, F8 pause/resume, F10 open/close.",
    add_arguments=_arguments,
    run=_run,
)
