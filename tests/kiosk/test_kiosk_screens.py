"""Every kiosk screen is drawn the moment it is built, however busy the hub is.

The simulated day's kiosk screenshot was blank below the header: the tenant page was
rebuilt on every hub message, and Qt shows widgets added to a visible layout only
later, from the event loop. These tests grab each screen right after it is built,
without letting Qt process events first, and fail on a nearly blank screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

from kiosk.widgets import Tile
from tests.hub.harness import HubThread
from tests.kiosk.conftest import ARTIFACTS, Kiosk
from tests.kiosk.screenshot_check import assert_drawn, measure

pytestmark = [pytest.mark.gui, pytest.mark.integration]


def content(window: Any) -> QRect:
    """The part of the kiosk between its header and footer: the page itself."""
    stack: QWidget = window.stack
    return QRect(stack.mapTo(window, stack.rect().topLeft()), stack.size())


def shot_now(window: Any, name: str) -> None:
    """Save what the window shows at this instant and fail if its page is blank."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image = window.grab().toImage()
    assert image.save(str(ARTIFACTS / f"{name}.png"))
    assert_drawn(image, content(window), name)


def issue(qtbot: Any, bridge: Any, service_id: str) -> None:
    """Issue a ticket through the hub as a kiosk does (every screen hears of it)."""
    answers: list[str] = []
    bridge.requestFinished.connect(lambda token, _result, _error: answers.append(token))
    from hub.protocol import IssueTicket

    token = bridge.send(IssueTicket, service_id=service_id)
    qtbot.waitUntil(lambda: token in answers, timeout=5000)


def test_a_rebuilt_page_is_drawn_before_the_event_loop_runs(kiosk: Kiosk) -> None:
    """The simulated day's blank kiosk: rebuild (as a hub update does), grab at once."""
    window = kiosk.window
    window.open_tenants()
    window.render()  # what a hub message used to do every time
    page = window.stack.currentWidget()
    assert all(tile.isVisible() for tile in page.findChildren(Tile))
    shot_now(window, "30-tenants-right-after-rebuild")


def test_every_screen_is_drawn_when_grabbed_at_once(qtbot: Any, kiosk: Kiosk) -> None:
    window = kiosk.window
    window.go_home()
    shot_now(window, "31-welcome-at-once")
    window.open_tenants()
    shot_now(window, "32-tenants-at-once")
    window.open_tenant("dukcapil")
    shot_now(window, "33-services-at-once")
    window.open_service("ktp")
    shot_now(window, "34-detail-at-once")
    window.open_search()
    shot_now(window, "35-search-at-once")
    window.set_language("en")
    window.open_tenants()
    shot_now(window, "36-tenants-en-at-once")
    window.set_language("id")
    window.open_tenant("dukcapil")
    window.open_service("ktp")
    window.take_ticket(None)
    qtbot.waitUntil(lambda: window.screen_name == "message" and not kiosk.flow.busy,
                    timeout=10_000)
    shot_now(window, "38-ticket-at-once")


def test_hub_updates_redraw_at_most_twice_a_second_and_only_on_change(
        qtbot: Any, kiosk: Kiosk) -> None:
    """A burst of hub messages rebuilds the tenant grid once, and not at all when the
    screen would show the same (a rebuild also scrolls the grid back to the top)."""
    window = kiosk.window
    window.open_tenants()
    built: list[str] = []
    real_render = window.render

    def counting_render() -> None:
        built.append(window.screen_name)
        real_render()

    window.render = counting_render  # type: ignore[method-assign]
    update = {"type": "services_update", "services": {}}
    for _ in range(50):
        window._on_hub_message(update)
    qtbot.waitUntil(lambda: not window._hub_render.isActive(), timeout=5000)
    assert built == []  # nothing it shows changed
    issue(qtbot, kiosk.bridge, "ktp")
    qtbot.waitUntil(lambda: built == ["tenants"], timeout=5000)
    for _ in range(50):
        window._on_hub_message(update)
    qtbot.waitUntil(lambda: not window._hub_render.isActive(), timeout=5000)
    assert built == ["tenants"]


def test_the_blank_check_fails_on_the_blank_kiosk_of_the_simulated_day(
        qtbot: Any, tmp_path: Path) -> None:
    """The check itself: a page of background only is refused, a drawn one passes."""
    from PySide6.QtGui import QColor, QImage, QPainter

    blank = QImage(1920, 1080, QImage.Format.Format_RGB32)
    blank.fill(QColor("#f4f6fa"))
    painter = QPainter(blank)
    painter.fillRect(0, 0, 1920, 84, QColor("#0b4f9c"))  # the header alone
    painter.drawText(40, 50, "MPP Cilegon")
    painter.end()
    with pytest.raises(AssertionError, match="looks blank"):
        assert_drawn(blank, QRect(0, 84, 1920, 996), "blank")
    assert measure(blank, QRect(0, 84, 1920, 996)).colours == 1


def test_the_example_tenant_grid_is_drawn_under_a_stream_of_tickets(
        qtbot: Any, tmp_path: Path) -> None:
    """Eighteen tenants, tickets issued meanwhile: the grab after each one shows the grid."""
    from hub.client.qt_bridge import HubBridge
    from hub.config import load_config
    from kiosk.flow import KioskFlow
    from kiosk.printing import PrintService
    from kiosk.tickets import printer_target
    from kiosk.window import KioskWindow
    from ticket_printer import open_printer

    root = Path(__file__).resolve().parents[2]
    config = load_config(root / "config" / "example-mpp.toml")
    device = config.device("kiosk-1")
    assert device.printer is not None
    with HubThread(config, tmp_path / "hub.db") as hub:
        bridge = HubBridge(hub.url, device.id, device.token)
        printing = PrintService(open_printer(printer_target(device.printer, tmp_path)))
        flow = KioskFlow(config, bridge, printing, device.printer, tmp_path)
        window = KioskWindow(config, bridge, flow, height=1080)
        qtbot.addWidget(window)
        window.show()
        try:
            bridge.start()
            qtbot.waitUntil(lambda: bridge.view.snapshot.services is not None, timeout=5000)
            window.open_tenants()
            for index in range(3):
                issue(qtbot, bridge, "ktp-el")
                window.render()
                shot_now(window, f"37-example-tenants-busy-{index}")
        finally:
            bridge.stop()
            printing.shutdown()
