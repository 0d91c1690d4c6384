"""Ticket printing for Antrean MPP: ESC/POS layout, printer backends, status and previews.

Knows nothing of queues: the kiosk hands it a ``TicketData`` and a ``PrinterTarget``.
All calls block; run them in a worker thread, never on the GUI thread.
"""

from ticket_printer import _escpos  # noqa: F401  (sets escpos' cache dir before anything else)
from ticket_printer.decode import Decoded, decode
from ticket_printer.errors import (
    BackendUnavailable,
    CoverOpen,
    PaperOut,
    PrinterConfigError,
    PrinterError,
    PrinterOffline,
    PrinterTimeout,
)
from ticket_printer.factory import open_printer
from ticket_printer.layout import render_ticket
from ticket_printer.model import Paper, TicketData
from ticket_printer.preview import preview_png, render_preview
from ticket_printer.printers import PrintResult, TicketPrinter
from ticket_printer.status import PrinterStatus
from ticket_printer.target import PrinterTarget

__all__ = [
    "BackendUnavailable",
    "CoverOpen",
    "Decoded",
    "Paper",
    "PaperOut",
    "PrintResult",
    "PrinterConfigError",
    "PrinterError",
    "PrinterOffline",
    "PrinterStatus",
    "PrinterTarget",
    "PrinterTimeout",
    "TicketData",
    "TicketPrinter",
    "decode",
    "open_printer",
    "preview_png",
    "render_preview",
    "render_ticket",
]
