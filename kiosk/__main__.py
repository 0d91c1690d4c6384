"""Run the kiosk: `python -m kiosk --settings FILE` (demo: --config PATH --device ID)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

log = logging.getLogger("kiosk")


def build_parser() -> argparse.ArgumentParser:
    """Describe the options (shown by --help)."""
    from counter_display.launch import add_device_arguments

    parser = argparse.ArgumentParser(
        prog="python -m kiosk",
        description="Antrean MPP touchscreen kiosk: visitors pick a tenant and a service and "
        "take a printed queue number. On a kiosk PC: --settings FILE (its printer is in it; "
        "relative printer paths start at the file's folder). For the one-PC demo: --config "
        "and --device (relative printer paths start at the current directory).",
    )
    add_device_arguments(parser, "kiosk")
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen (kiosk mode)")
    parser.add_argument("--height", type=int, default=1080,
                        help="window height in pixels when not full screen (default 1080)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Start the kiosk app; exit 1 with every problem listed if it cannot start."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from counter_display.launch import StartupError, prepare, refuse_start

    try:
        launch = prepare(args, "kiosk")
    except StartupError as error:
        return refuse_start(args, error)
    config, device, settings = launch.config, launch.device, launch.start.printer
    where = (f"{args.settings}: [printer]" if args.settings
             else f"{args.config}: devices.{device.id}.printer")
    if settings is None:
        log.error("%s: missing; a kiosk needs its ticket printer (docs/printing.md)", where)
        return 1

    from counter_display.qtapp import application, run_until_quit
    from kiosk.flow import KioskFlow
    from kiosk.printing import PrintService
    from kiosk.tickets import printer_target
    from kiosk.window import KioskWindow
    from ticket_printer import PrinterError, open_printer

    base = args.settings.resolve().parent if args.settings else Path.cwd()
    try:
        printer = open_printer(printer_target(settings, base))
    except PrinterError as error:
        log.error("%s: %s", where, error)
        return 1
    app = application("Antrean MPP — anjungan")
    bridge = launch.bridge()
    printing = PrintService(printer)
    flow = KioskFlow(config, bridge, printing, settings, base)
    window = KioskWindow(config, bridge, flow, height=args.height)
    if args.fullscreen:
        window.showFullScreen()
    else:
        window.show()
    printing.check_status()
    log.info("kiosk %s started, hub %s, printer %s", device.id, launch.hub_url,
             printer.target.describe())
    return run_until_quit(app, bridge, printing.shutdown, start=launch.start)


if __name__ == "__main__":
    sys.exit(main())
