"""Run the kiosk: `python -m kiosk --config PATH --device ID [--hub URL] [--fullscreen]`."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path

log = logging.getLogger("kiosk")


def build_parser() -> argparse.ArgumentParser:
    """Describe the options (shown by --help)."""
    parser = argparse.ArgumentParser(
        prog="python -m kiosk",
        description="Antrean MPP touchscreen kiosk: visitors pick a tenant and a service and "
        "take a printed queue number. Relative printer paths in the configuration are taken "
        "from the current directory.",
    )
    parser.add_argument("--config", required=True, type=Path, help="mall configuration (TOML)")
    parser.add_argument("--device", required=True, help="this kiosk's device id in the config")
    parser.add_argument("--hub", help="hub URL (default: ws://HOST:PORT from [hub] in config)")
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen (kiosk mode)")
    parser.add_argument("--height", type=int, default=1080,
                        help="window height in pixels when not full screen (default 1080)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Start the kiosk app; exit 1 with every problem listed if the config is unusable."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from hub.config import ConfigError, load_config

    try:
        config = load_config(args.config)
    except ConfigError as error:
        for problem in error.problems:
            log.error("%s", problem)
        return 1
    try:
        device = config.device(args.device)
    except KeyError:
        kiosks = ", ".join(d.id for d in config.devices if d.role == "kiosk") or "none"
        log.error("%s: no device %r (kiosks in this file: %s)", args.config, args.device, kiosks)
        return 1
    if device.role != "kiosk" or device.printer is None:
        log.error("%s: device %r is a %s%s; a kiosk needs role = \"kiosk\" and a printer",
                  args.config, device.id, device.role,
                  "" if device.printer else " without a printer")
        return 1

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from hub.client.qt_bridge import HubBridge
    from kiosk.flow import KioskFlow
    from kiosk.printing import PrintService
    from kiosk.tickets import printer_target
    from kiosk.window import KioskWindow
    from ticket_printer import PrinterError, open_printer

    base = Path.cwd()
    try:
        printer = open_printer(printer_target(device.printer, base))
    except PrinterError as error:
        log.error("%s: devices.%s.printer: %s", args.config, device.id, error)
        return 1
    app = QApplication(sys.argv[:1])
    url = args.hub or f"ws://{config.hub.host}:{config.hub.port}"
    bridge = HubBridge(url, device.id, device.token)
    printing = PrintService(printer)
    flow = KioskFlow(config, bridge, printing, device.printer, base)
    window = KioskWindow(config, bridge, flow, height=args.height)
    if args.fullscreen:
        window.showFullScreen()
    else:
        window.show()
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    wake = QTimer(interval=200)  # let Python run its signal handlers while Qt waits
    wake.timeout.connect(lambda: None)
    wake.start()
    bridge.start()
    printing.check_status()
    log.info("kiosk %s started, hub %s, printer %s", device.id, url, printer.target.describe())
    code = app.exec()
    bridge.stop()
    printing.shutdown()
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
