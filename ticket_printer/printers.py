"""Ticket printers: render, check the printer, send; blocking calls meant for a worker thread.

Every backend connects per call and lets go afterwards, so a printer unplugged between two
tickets is found at the next one, and two threads (a status poll and a print) are serialised
by a lock instead of interleaving bytes on one link.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from ticket_printer.channels import FileChannel, SerialChannel, SocketChannel, UsbChannel
from ticket_printer.errors import (
    BackendUnavailable,
    PrinterError,
    PrinterOffline,
    PrinterTimeout,
)
from ticket_printer.layout import render_ticket
from ticket_printer.model import TicketData
from ticket_printer.status import UNKNOWN, PrinterStatus, query_status
from ticket_printer.target import PrinterTarget

log = logging.getLogger(__name__)

Channel = SerialChannel | SocketChannel | FileChannel | UsbChannel


@dataclass(frozen=True)
class PrintResult:
    """What happened to one ticket that printed (a ticket that did not raises instead)."""

    backend: str
    bytes_sent: int
    status: PrinterStatus | None = None
    """What the printer said just before printing; ``None`` if it was not asked."""
    preview_path: Path | None = None
    """The virtual printer's PNG of the ticket."""
    job_id: str | None = None
    """The CUPS job id."""


class TicketPrinter(ABC):
    """A printer the kiosk prints tickets on and asks for status; blocking, thread-safe."""

    def __init__(self, target: PrinterTarget) -> None:
        """Remember the settings; nothing is opened until the first call."""
        self.target = target
        self._lock = threading.Lock()

    def print_ticket(self, ticket: TicketData) -> PrintResult:
        """Print ``ticket`` or raise a ``PrinterError`` saying why it did not print."""
        data = render_ticket(ticket, self.target.paper)
        with self._lock:
            try:
                try:
                    result = self._send(data, ticket)
                except OSError as error:  # an I/O failure no channel anticipated
                    raise PrinterError(f"unexpected I/O error: {error}") from error
            except PrinterError as error:
                log.warning(
                    "ticket %s not printed on %s: %s",
                    ticket.ticket_label,
                    self.target.describe(),
                    error,
                )
                raise
        log.info(
            "ticket %s printed on %s (%d bytes)",
            ticket.ticket_label,
            self.target.describe(),
            result.bytes_sent,
        )
        return result

    def status(self) -> PrinterStatus:
        """Ask the printer how it is; unreachable is ``online=False``, silence is unknown."""
        with self._lock:
            try:
                return self._status()
            except OSError as error:  # a poll must not crash the kiosk: say "unknown"
                log.warning("status of %s unknown: %s", self.target.describe(), error)
                return UNKNOWN

    @abstractmethod
    def _send(self, data: bytes, ticket: TicketData) -> PrintResult:
        """Deliver rendered bytes to the printer."""

    @abstractmethod
    def _status(self) -> PrinterStatus:
        """Query the printer without the lock."""


class ChannelPrinter(TicketPrinter):
    """Serial, network, device-file and USB printers: ESC/POS both ways over a byte link."""

    def _open(self) -> Channel:
        """Open the link the settings describe."""
        t = self.target
        if t.backend == "serial":
            assert t.device is not None
            return SerialChannel(t.device, t.baudrate, t.timeout_s, t.flow_control)
        if t.backend == "network":
            assert t.host is not None
            return SocketChannel(t.host, t.port, t.timeout_s)
        if t.backend == "file":
            assert t.path is not None
            return FileChannel(t.path, t.timeout_s)
        assert t.vendor_id is not None and t.product_id is not None
        return UsbChannel(t.vendor_id, t.product_id, t.timeout_s)

    def _send(self, data: bytes, ticket: TicketData) -> PrintResult:
        """Check the printer's own report of faults, then send the ticket."""
        channel = self._open()
        try:
            status = None
            if self.target.check_status:
                status = self._ask(channel)
                status.raise_for_fault()
                if self.target.require_status and not status.known:
                    raise PrinterTimeout("printer did not answer the status request")
                if not status.known:
                    log.info("printer %s did not answer; sending anyway", self.target.describe())
            channel.write(data)
        finally:
            _close_quietly(channel)
        return PrintResult(self.target.backend, len(data), status)

    def _status(self) -> PrinterStatus:
        """Open, ask, close; a link that cannot be opened means offline."""
        try:
            channel = self._open()
        except PrinterOffline as error:
            log.info("status of %s: offline (%s)", self.target.describe(), error.detail)
            return PrinterStatus(online=False, paper="unknown", cover_open=None)
        except PrinterTimeout:
            return UNKNOWN
        try:
            return self._ask(channel)
        finally:
            _close_quietly(channel)

    def _ask(self, channel: Channel) -> PrinterStatus:
        """Query status over links that can answer; the rest are unknown without asking."""
        if not channel.answers_status:
            return UNKNOWN
        return query_status(channel, self.target.timeout_s)


def _close_quietly(channel: Channel) -> None:
    """Close a link; a failure here must not hide the outcome of the print itself."""
    try:
        channel.close()
    except OSError as error:
        log.warning("closing printer link failed: %s", error)


class CupsPrinter(TicketPrinter):
    """A CUPS queue, fed raw ESC/POS through ``lp -o raw``; CUPS knows no paper status."""

    def _run(
        self, command: str, args: list[str], data: bytes | None, timeout_s: float
    ) -> subprocess.CompletedProcess[bytes]:
        """Run a CUPS command with a timeout and the C locale, so its output can be read."""
        program = shutil.which(command)
        if program is None:
            raise BackendUnavailable(f"`{command}` not found; install cups-client")
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        try:
            return subprocess.run(
                [program, *args],
                input=data,
                capture_output=True,
                timeout=timeout_s,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise PrinterTimeout(f"`{command}` did not finish in {timeout_s} s") from error

    def _send(self, data: bytes, ticket: TicketData) -> PrintResult:
        """Submit the ticket as a raw job; a refused job means the queue is not usable."""
        queue = self.target.queue or ""
        if self.target.check_status and self._status().online is False:
            raise PrinterOffline(f"CUPS queue {queue} is disabled")
        title = f"Antrean {ticket.ticket_label}"
        done = self._run(
            "lp", ["-d", queue, "-o", "raw", "-t", title], data, self.target.timeout_s + 5
        )
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip()
            raise PrinterOffline(f"lp refused the job for {queue}: {message}")
        words = done.stdout.decode(errors="replace").split()
        job_id = words[3] if len(words) > 3 and words[:3] == ["request", "id", "is"] else None
        return PrintResult("cups", len(data), None, job_id=job_id)

    def _status(self) -> PrinterStatus:
        """Read the queue state from ``lpstat -p``: disabled means offline; paper is unknown."""
        done = self._run("lpstat", ["-p", self.target.queue or ""], None, self.target.timeout_s)
        text = done.stdout.decode(errors="replace")
        if done.returncode != 0 or not text.strip():
            return PrinterStatus(online=False, paper="unknown", cover_open=None)
        return PrinterStatus(online="disabled" not in text, paper="unknown", cover_open=None)
