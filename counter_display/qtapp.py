"""Run a Qt app of this package: QApplication, the hub bridge, signals, clean shutdown."""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from hub.client.qt_bridge import HubBridge

log = logging.getLogger(__name__)


def application(name: str) -> QApplication:
    """Return the QApplication (made once), named for the window manager and logs."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName(name)
    return app


def run_until_quit(app: QApplication, bridge: HubBridge,
                   cleanup: Callable[[], None] | None = None) -> int:
    """Connect, run the event loop until quit, SIGINT or SIGTERM; then disconnect."""
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    wake = QTimer(interval=200)  # let Python run its signal handlers while Qt waits
    wake.timeout.connect(lambda: None)
    wake.start()
    bridge.start()
    try:
        code = app.exec()
    finally:
        wake.stop()
        if cleanup is not None:
            cleanup()
        bridge.stop()
    log.info("stopped")
    return int(code)
