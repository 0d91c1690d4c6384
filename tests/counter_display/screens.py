"""Build the counter terminal and the hall display against a test hub (helpers for tests)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from counter_display.counter.controller import CounterController
from counter_display.counter.window import CounterWindow
from counter_display.hall.display import HallDisplay
from hub.client.qt_bridge import HubBridge
from hub.config import MallConfig
from tests.hub.harness import FakeClock

WAIT_MS = 10_000
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def open_terminal(qtbot: Any, connect: Callable[..., HubBridge], mall: MallConfig,
                  clock: FakeClock, device_id: str = "counter-c1") -> CounterWindow:
    """A counter terminal, connected and showing the hub's state of its counter."""
    bridge = connect(device_id)
    counter_id = mall.device(device_id).counter
    assert counter_id is not None
    controller = CounterController(bridge, mall, counter_id)
    window = CounterWindow(controller, staff="Rina", clock=clock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: controller.situation.status is not None and controller.online,
                    timeout=WAIT_MS)
    return window


def open_display(qtbot: Any, connect: Callable[..., HubBridge], mall: MallConfig,
                 clock: FakeClock, device_id: str = "display-z1", size: tuple[int, int] = (
                     1280, 720), config_dir: Path | None = None) -> HallDisplay:
    """A hall display, connected and showing the hub's snapshot."""
    bridge = connect(device_id)
    display = HallDisplay(mall, mall.device(device_id), bridge, config_dir, clock=clock)
    qtbot.addWidget(display)
    display.resize(*size)
    display.show()
    qtbot.waitUntil(lambda: display.online and all(t.state != "unknown" for t in display.tiles),
                    timeout=WAIT_MS)
    return display


def open_counter(qtbot: Any, window: CounterWindow, staff: str = "Rina") -> None:
    """Open the counter through its dialog, as staff do (F10, name, Enter)."""
    from counter_display.counter.dialogs import TextDialog

    window.trigger("open")
    dialog = window.dialog
    assert isinstance(dialog, TextDialog) and dialog.isVisible()
    dialog.edit.setText(staff)
    dialog.accept()
    qtbot.waitUntil(lambda: window.controller.situation.status == "open", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=WAIT_MS)


def enabled_buttons(window: CounterWindow) -> set[str]:
    """Names of the buttons that can be pressed now."""
    return {name for name, button in window.buttons.items() if button.isEnabled()}


def settle(qtbot: Any, window: CounterWindow) -> None:
    """Wait until no request is in flight."""
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=WAIT_MS)
