"""A kiosk window wired to a real hub on loopback and a virtual (or file) printer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hub.config import MallConfig, parse_config
from tests.factories import small_mall_data
from tests.hub.harness import TOKENS, HubThread

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "kiosk"


def kiosk_mall(printer: dict[str, Any]) -> MallConfig:
    """The small test mall whose kiosk-1 has the given printer settings."""
    data = small_mall_data()
    data["mpp"].update(name="Mal Pelayanan Publik Kota Uji",
                       status_url="https://mpp.test/t/{ticket_id}",
                       address="Jl. Jenderal Sudirman No. 1")
    for device in data["devices"]:
        if device["id"] == "kiosk-1":
            device["printer"] = printer
    return parse_config(data)


@dataclass
class Kiosk:
    """Everything a kiosk test touches."""

    hub: HubThread
    window: Any
    flow: Any
    bridge: Any
    printing: Any
    folder: Path

    def shot(self, name: str) -> Path:
        """Save a screenshot for a person to look at."""
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()  # let freshly added widgets show and lay out
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.window.grab().save(str(path))
        return path

    def hub_engine(self) -> Any:
        return self.hub.call(lambda server: server.core.engine)


def start_kiosk(qtbot: Any, tmp_path: Path, printer: dict[str, Any],
                hub: HubThread, config: MallConfig | None = None) -> Kiosk:
    from hub.client.qt_bridge import HubBridge
    from kiosk.flow import KioskFlow
    from kiosk.printing import PrintService
    from kiosk.tickets import printer_target
    from kiosk.window import KioskWindow
    from ticket_printer import open_printer

    config = config or kiosk_mall(printer)
    settings = config.device("kiosk-1").printer
    assert settings is not None
    bridge = HubBridge(hub.url, "kiosk-1", TOKENS["kiosk-1"])
    printing = PrintService(open_printer(printer_target(settings, tmp_path)))
    flow = KioskFlow(config, bridge, printing, settings, tmp_path)
    window = KioskWindow(config, bridge, flow, height=1080, done_ms=60_000)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(bridge.stateChanged, timeout=5000,
                          check_params_cb=lambda status, _d: status == "online"):
        bridge.start()
    qtbot.waitUntil(lambda: bridge.view.snapshot.services is not None, timeout=5000)
    return Kiosk(hub, window, flow, bridge, printing, tmp_path / "tickets")


@pytest.fixture
def kiosk(qtbot: Any, tmp_path: Path) -> Iterator[Kiosk]:
    printer = {"backend": "virtual", "folder": "tickets", "paper_mm": 80}
    with HubThread(kiosk_mall(printer), tmp_path / "hub.db") as hub:
        running = start_kiosk(qtbot, tmp_path, printer, hub)
        try:
            yield running
        finally:
            running.bridge.stop()
            running.printing.shutdown()
