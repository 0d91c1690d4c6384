"""Run a Qt app of this package: QApplication, the hub bridge, signals, clean shutdown."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from hub.client.qt_bridge import HubBridge
from hub.client.startup import DeviceStart, StartupError, public_config
from hub.hub_messages import Welcome

log = logging.getLogger(__name__)


def application(name: str) -> QApplication:
    """Return the QApplication (made once), named for the window manager and logs."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName(name)
    return app


def run_until_quit(app: QApplication, bridge: HubBridge,
                   cleanup: Callable[[], None] | None = None,
                   start: DeviceStart | None = None) -> int:
    """Connect, run the event loop until quit, SIGINT or SIGTERM; then disconnect.

    A device started from its settings file (`start.cache` set) restarts itself when the
    hub sends another mall configuration: the new one is kept, the screens close cleanly
    and the same command runs again with it (under systemd or not).
    """
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    wake = QTimer(interval=200)  # let Python run its signal handlers while Qt waits
    wake.timeout.connect(lambda: None)
    wake.start()
    restart: list[str] = []
    if start is not None and start.cache is not None:
        bridge.mallChanged.connect(
            lambda welcome: _take_new_mall(app, start, welcome, restart))
    bridge.start()
    try:
        code = app.exec()
    finally:
        wake.stop()
        if cleanup is not None:
            cleanup()
        bridge.stop()
    if restart:
        log.warning("restarting with the hub's configuration %s", restart[0])
        logging.shutdown()
        os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
    log.info("stopped")
    return int(code)


def _take_new_mall(app: QApplication, start: DeviceStart, welcome: Welcome,
                   restart: list[str]) -> None:
    """Keep the hub's new configuration and quit to restart with it (if it can be read)."""
    assert start.cache is not None and welcome.mall is not None
    if welcome.mall_version is None or welcome.mall_version == start.mall_version:
        return
    mall = start.cache.with_logo_file(welcome.mall)
    try:
        public_config(mall, start.cache.path)
    except StartupError as error:
        log.error("the hub sent a configuration this app cannot read; keeping the old one: "
                  "%s", "; ".join(error.lines))
        return
    start.cache.save(welcome.mall_version, mall)
    log.warning("the hub's mall configuration changed (%s → %s)", start.mall_version,
                welcome.mall_version)
    restart.append(welcome.mall_version)
    app.quit()
