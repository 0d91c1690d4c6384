"""Screenshots of the real screens (example MPP, busy morning) into tests/artifacts/.

They are for people to look at; the test also checks the obvious (files written, the
highlight on the called counter, the offline marks).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from counter_display.counter.controller import CounterController
from counter_display.counter.window import CounterWindow
from counter_display.hall.display import HallDisplay
from hub.client.qt_bridge import HubBridge
from hub.config import MallConfig, parse_config
from hub.core import CommandRefused
from tests.counter_display.screens import ARTIFACTS, WAIT_MS, settle
from tests.hub.harness import FakeClock, HubThread
from tests.kiosk.screenshot_check import assert_drawn

pytestmark = [pytest.mark.gui, pytest.mark.integration]

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "example-mpp.toml"


def _logo(path: Path) -> None:
    """Paint a stand-in emblem (the example MPP ships no logo)."""
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#ffb300"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(QPointF(128, 128), 124, 124)
    painter.setBrush(QColor("#0b2545"))
    painter.drawEllipse(QPointF(128, 128), 100, 100)
    font = QFont("DejaVu Sans")
    font.setPixelSize(64)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, 0, 256, 256), int(Qt.AlignmentFlag.AlignCenter), "MPP")
    painter.end()
    image.save(str(path))


def _example_mall(folder: Path) -> MallConfig:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["mpp"]["logo"] = "logo.png"
    _logo(folder / "logo.png")
    return parse_config(data, folder / "mpp.toml")


def _busy_morning(hub: HubThread, mall: MallConfig, clock: FakeClock) -> None:
    """Tickets for every counter of lantai 1; most counters open and serving."""
    shown = [c for c in mall.counters if c.tenant in mall.zone("lantai-1").tenants]

    def run(command: Any) -> None:
        with contextlib.suppress(CommandRefused):  # a service closed on Mondays: fine here
            hub.run(lambda server: server.execute(command))

    for counter in mall.counters:
        for _ in range(4):
            run(lambda e, at, s=counter.services[0]: e.issue_ticket(s, at))
    clock.now += dt.timedelta(minutes=14)
    for index, counter in enumerate(shown):
        if counter.id == "loket-01":
            run(lambda e, at: e.open_counter("loket-01", at, "Rina Marlina"))
        elif index < 13:
            run(lambda e, at, c=counter.id: e.open_counter(c, at, "Petugas"))
            if index == 5:
                run(lambda e, at, c=counter.id: e.pause_counter(c, "sholat", at))
            elif index != 11:
                run(lambda e, at, c=counter.id: e.call_next(c, at))
                clock.now += dt.timedelta(minutes=1)


def _save(widget: Any, name: str) -> Path:
    """Save a screenshot; fail if it is nearly blank below the header (top 12 %)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    image = widget.grab().toImage()
    assert image.save(str(path))
    top = int(image.height() * 0.12)
    assert_drawn(image, QRect(0, top, image.width(), image.height() - top), name)
    return path


def test_screenshots_of_the_counter_terminal_and_the_hall_display(
        qtbot: Any, tmp_path: Path) -> None:
    mall = _example_mall(tmp_path)
    clock = FakeClock()
    bridges: list[HubBridge] = []
    hub = HubThread(mall, tmp_path / "hub.db", clock).__enter__()
    try:
        _busy_morning(hub, mall, clock)

        def bridge(device_id: str) -> HubBridge:
            made = HubBridge(hub.url, device_id, mall.device(device_id).token)
            bridges.append(made)
            made.start()
            return made

        hall = HallDisplay(mall, mall.device("display-lantai-1"), bridge("display-lantai-1"),
                           tmp_path, clock=clock)
        lobby = HallDisplay(mall, mall.device("display-lobi"), bridge("display-lobi"),
                            tmp_path, clock=clock)
        controller = CounterController(bridge("counter-loket-01"), mall, "loket-01")
        window = CounterWindow(controller, clock=clock)
        for widget, size in ((hall, (1920, 1080)), (lobby, (1920, 1080)), (window, (1280, 800))):
            qtbot.addWidget(widget)
            widget.resize(*size)
            widget.show()
        assert hall.header.logo is not None  # mpp.logo, relative to the config file
        qtbot.waitUntil(lambda: controller.online and hall.online and lobby.online,
                        timeout=WAIT_MS)
        qtbot.waitUntil(lambda: controller.situation.status == "open", timeout=WAIT_MS)
        _save(window, "counter-idle.png")

        controller.call_next()
        qtbot.waitUntil(lambda: controller.situation.status == "serving", timeout=WAIT_MS)
        settle(qtbot, window)
        controller.park()
        qtbot.waitUntil(lambda: bool(controller.situation.parked), timeout=WAIT_MS)
        settle(qtbot, window)
        clock.now += dt.timedelta(minutes=2)
        controller.call_next()
        qtbot.waitUntil(lambda: "loket-01" in hall.highlighted and len(hall.recent) > 1,
                        timeout=WAIT_MS)
        settle(qtbot, window)
        controller.recall()
        qtbot.waitUntil(lambda: controller.situation.recall_count == 1, timeout=WAIT_MS)
        settle(qtbot, window)
        clock.now += dt.timedelta(minutes=3)
        window.render()
        _save(window, "counter-serving.png")
        window.resize(1024, 640)
        qtbot.waitUntil(lambda: window.centralWidget().height() == 640, timeout=WAIT_MS)
        _save(window, "counter-serving-1024x640.png")
        window.resize(1280, 800)
        dialog = window.open_transfer_dialog()
        assert dialog is not None
        dialog.choose_counter("loket-04")
        _save(dialog, "counter-transfer-dialog.png")
        dialog.reject()

        for display in (hall, lobby):
            display.tick()
            display.flash_on = True
            display.refresh()
            display.ticker.freeze(0)
        assert hall.board.content.latest_fresh
        _save(hall, "hall-1920x1080.png")
        _save(lobby, "hall-lobby-1920x1080.png")
        hall.resize(1280, 720)
        qtbot.waitUntil(lambda: hall.ticker.geometry().bottom() == 719
                        and hall.board.geometry().top() == hall.header.height(), timeout=WAIT_MS)
        hall.flash_on = True  # the flash timer may have toggled it meanwhile
        hall.refresh()
        _save(hall, "hall-1280x720.png")

        controller.finish()
        qtbot.waitUntil(lambda: controller.situation.status == "open", timeout=WAIT_MS)
        settle(qtbot, window)
        window.trigger("pause")
        assert window.dialog is not None
        _save(window.dialog, "counter-pause-dialog.png")
        window.dialog.reject()
        controller.pause("sholat")
        qtbot.waitUntil(lambda: controller.situation.status == "paused", timeout=WAIT_MS)
        settle(qtbot, window)
        _save(window, "counter-paused.png")

        hub.__exit__(None, None, None)
        hub = None  # type: ignore[assignment]
        qtbot.waitUntil(lambda: not controller.online and not hall.online, timeout=WAIT_MS)
        hall.flash_on = False
        hall.refresh()
        _save(window, "counter-offline.png")
        _save(hall, "hall-1280x720-offline.png")
    finally:
        for made in bridges:
            made.stop()
        if hub is not None:
            hub.__exit__(None, None, None)
    for name in ("counter-idle", "counter-serving", "counter-paused", "counter-offline",
                 "hall-1920x1080", "hall-1280x720", "hall-lobby-1920x1080"):
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
