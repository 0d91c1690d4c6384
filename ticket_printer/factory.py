"""Pick the printer class for a target: the one switch over backends outside the channels."""

from __future__ import annotations

from ticket_printer.printers import ChannelPrinter, CupsPrinter, TicketPrinter
from ticket_printer.target import PrinterTarget
from ticket_printer.virtual import VirtualPrinter


def open_printer(target: PrinterTarget) -> TicketPrinter:
    """Return the printer for ``target``; cheap and non-blocking, it opens nothing yet."""
    if target.backend == "virtual":
        return VirtualPrinter(target)
    if target.backend == "cups":
        return CupsPrinter(target)
    return ChannelPrinter(target)
