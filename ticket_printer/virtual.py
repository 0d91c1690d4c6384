"""A printer that writes each ticket as a PNG into a folder, and can fake faults on demand.

For the demo and for testing the kiosk's failure paths: set ``simulate`` in the settings, or
drop a flag file into the folder while the kiosk runs (``touch var/tickets/PAPER_OUT``) and
remove it to "refill the paper".
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import tempfile
from pathlib import Path

from ticket_printer.errors import PrinterError, PrinterTimeout
from ticket_printer.model import TicketData
from ticket_printer.preview import preview_png
from ticket_printer.printers import PrintResult, TicketPrinter
from ticket_printer.status import PrinterStatus
from ticket_printer.text import to_ascii

FLAG_FILES = {
    "PAPER_OUT": "paper_out",
    "OFFLINE": "offline",
    "COVER_OPEN": "cover_open",
    "NEAR_END": "near_end",
    "TIMEOUT": "timeout",
}
_STATUS = {
    None: PrinterStatus(online=True, paper="ok", cover_open=False),
    "near_end": PrinterStatus(online=True, paper="near_end", cover_open=False),
    "paper_out": PrinterStatus(online=False, paper="out", cover_open=False),
    "cover_open": PrinterStatus(online=False, paper="ok", cover_open=True),
    "offline": PrinterStatus(online=False, paper="unknown", cover_open=None),
    "timeout": PrinterStatus(online=None, paper="unknown", cover_open=None),
}


class VirtualPrinter(TicketPrinter):
    """Renders tickets to ``<folder>/<date>-<time>-<label>.png`` through the ESC/POS decoder."""

    @property
    def folder(self) -> Path:
        """The folder tickets are written to."""
        return Path(self.target.folder or ".")

    def simulated_fault(self) -> str | None:
        """Return the fault being faked: from the settings, else from a flag file."""
        if self.target.simulate is not None:
            return self.target.simulate
        for name, fault in FLAG_FILES.items():
            if (self.folder / name).exists():
                return fault
        return None

    def _status(self) -> PrinterStatus:
        """Report the faked fault, or a healthy printer."""
        return _STATUS[self.simulated_fault()]

    def _send(self, data: bytes, ticket: TicketData) -> PrintResult:
        """Fail like a real printer would under the faked fault, else write the PNG."""
        fault = self.simulated_fault()
        if fault == "timeout":
            raise PrinterTimeout("virtual printer simulating a timeout")
        status = _STATUS[fault]
        status.raise_for_fault()
        png = preview_png(data, self.target.paper.width_dots)
        stem = f"{ticket.issued_at:%Y%m%d-%H%M%S}-{_safe(ticket.ticket_label)}"
        try:
            path = self._write(png, stem)
        except OSError as error:
            raise PrinterError(f"cannot write preview into {self.folder}: {error}") from error
        return PrintResult("virtual", len(data), status, preview_path=path)

    def _write(self, png: bytes, stem: str) -> Path:
        """Write the PNG under a hidden name, then link it in, so no viewer sees half a file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(png)
            for counter in itertools.count(1):
                path = self.folder / (f"{stem}.png" if counter == 1 else f"{stem}-{counter}.png")
                try:
                    # link, unlike rename, fails rather than replace another kiosk's ticket.
                    os.link(temporary, path)
                except FileExistsError:
                    continue
                return path
            raise AssertionError("unreachable")  # pragma: no cover
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


def _safe(label: str) -> str:
    """Make a ticket label safe as part of a file name."""
    return re.sub(r"[^A-Za-z0-9-]+", "_", to_ascii(label)) or "ticket"
