"""Printing off the GUI thread: one worker, jobs in order, results back as Qt signals."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ticket_printer import PrinterError, TicketData, TicketPrinter

log = logging.getLogger(__name__)


class _Job(QRunnable):
    """Run one blocking printer call in the pool."""

    def __init__(self, work: Callable[[], Any], done: Callable[[Any, Any], None]) -> None:
        super().__init__()
        self.work, self.done = work, done

    def run(self) -> None:
        try:
            result = self.work()
        except PrinterError as error:
            self.done(None, error)
        except Exception as error:  # any failure must reach the screen, never vanish
            log.exception("printer call failed unexpectedly")
            self.done(None, error)
        else:
            self.done(result, None)


class PrintService(QObject):
    """The kiosk's printer, used from the GUI thread without ever blocking it."""

    printed = Signal(str, object)
    """(job id, PrintResult)"""
    failed = Signal(str, object)
    """(job id, PrinterError or other exception)"""
    statusChecked = Signal(object)
    """PrinterStatus, or the PrinterError raised while asking."""

    def __init__(self, printer: TicketPrinter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.printer = printer
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # one printer, one job at a time, in order

    def print_ticket(self, job_id: str, ticket: TicketData) -> None:
        """Print in the background; `printed` or `failed` follows."""

        def done(result: Any, error: Any) -> None:
            if error is None:
                self.printed.emit(job_id, result)
            else:
                self.failed.emit(job_id, error)

        self.pool.start(_Job(lambda: self.printer.print_ticket(ticket), done))

    def check_status(self) -> None:
        """Ask the printer how it is; `statusChecked` follows."""
        self.pool.start(_Job(self.printer.status,
                             lambda result, error: self.statusChecked.emit(result or error)))

    def shutdown(self) -> None:
        """Wait for the job in progress (a ticket half printed is worse than a slow exit)."""
        self.pool.waitForDone(10_000)
