"""Run in a child process by test_print_first: the real kiosk flow whose printer never finishes.

It connects to the hub given on the command line as kiosk-1, takes one ktp ticket, and
prints "PENDING <ticket id>" once the hub answered and the paper is "printing" — then
hangs there, as a kiosk PC does when it freezes or loses power mid-print. The test kills
it with SIGKILL at that moment.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication

from hub.client.qt_bridge import HubBridge
from kiosk.flow import KioskFlow
from kiosk.printing import PrintService
from tests.hub.harness import TOKENS
from tests.kiosk.conftest import kiosk_mall
from ticket_printer import PrinterTarget, PrintResult, TicketData
from ticket_printer.printers import TicketPrinter

PRINTER = {"backend": "virtual", "folder": "tickets", "paper_mm": 80}


class StuckPrinter(TicketPrinter):
    """A printer that takes the job and never finishes it (jammed head, frozen USB)."""

    def print_ticket(self, ticket: TicketData) -> PrintResult:
        threading.Event().wait()  # forever: the process is killed while in here
        raise AssertionError("unreachable")

    def _send(self, data: bytes, ticket: TicketData) -> PrintResult:  # pragma: no cover
        raise AssertionError("unreachable")

    def _status(self) -> Any:  # pragma: no cover
        raise AssertionError("not asked in this test")


def main(url: str) -> None:
    app = QCoreApplication([])
    config = kiosk_mall(PRINTER)
    settings = config.device("kiosk-1").printer
    assert settings is not None
    bridge = HubBridge(url, "kiosk-1", TOKENS["kiosk-1"])
    printing = PrintService(StuckPrinter(PrinterTarget.from_settings(PRINTER)))
    flow = KioskFlow(config, bridge, printing, settings, Path.cwd())

    def on_answer(_token: str, result: Any, error: Any) -> None:
        if result is not None and any(e["type"] == "ticket_issued" for e in result.events):
            ticket = next(e for e in result.events if e["type"] == "ticket_issued")
            sys.stdout.write(f"PENDING {ticket['ticket_id']}\n")
            sys.stdout.flush()

    def on_link(status: str, _detail: str) -> None:
        if status == "online" and bridge.view.snapshot.services is not None:
            flow.take_ticket("ktp", None, "id")

    bridge.requestFinished.connect(on_answer)
    bridge.messageReceived.connect(lambda _m: on_link(bridge.client.state.status, ""))
    bridge.stateChanged.connect(on_link)
    bridge.start()
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1])
