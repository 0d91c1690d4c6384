"""Ask an ESC/POS printer how it is (DLE EOT n) and read the answer without ever guessing.

Each real-time request is answered by one status byte whose bits 1 and 4 are always set and
bits 0 and 7 always clear; a byte that breaks that pattern is not a status reply. A request
that gets no valid reply within the timeout leaves its fields unknown: a silent printer is
never reported as "paper OK" (python-escpos' own ``paper_status()`` does exactly that).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal, Protocol

from ticket_printer.errors import CoverOpen, PaperOut, PrinterOffline

log = logging.getLogger(__name__)

PaperState = Literal["ok", "near_end", "out", "unknown"]

DLE_EOT = b"\x10\x04"
PRINTER_STATUS, OFFLINE_CAUSE, PAPER_SENSOR = 1, 2, 4
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said about itself; ``None`` and ``"unknown"`` mean it did not say."""

    online: bool | None
    paper: PaperState
    cover_open: bool | None

    @property
    def known(self) -> bool:
        """True when the printer answered at all."""
        return self.online is not None or self.paper != "unknown" or self.cover_open is not None

    @property
    def ready(self) -> bool:
        """True only when the printer positively said it can print now."""
        return self.online is True and self.paper in ("ok", "near_end") and not self.cover_open

    def as_dict(self) -> dict[str, object]:
        """Plain fields, for a JSON message to the hub or the CLI."""
        return {"online": self.online, "paper": self.paper, "cover_open": self.cover_open}

    def raise_for_fault(self) -> None:
        """Raise the typed error for a fault the printer reported; unknown is not a fault."""
        if self.cover_open:
            raise CoverOpen("printer reports cover open")
        if self.paper == "out":
            raise PaperOut("printer reports paper end")
        if self.online is False:
            raise PrinterOffline("printer reports offline")


UNKNOWN = PrinterStatus(online=None, paper="unknown", cover_open=None)


class StatusChannel(Protocol):
    """A two-way byte link to a printer that can wait a bounded time for a reply."""

    def write(self, data: bytes) -> None:
        """Send bytes to the printer."""

    def read(self, size: int, timeout_s: float) -> bytes:
        """Return up to ``size`` bytes, or fewer (even none) once ``timeout_s`` has passed."""

    def discard_input(self) -> None:
        """Drop any bytes already received, so a stale byte is not taken as a reply."""


def is_status_byte(value: int) -> bool:
    """Tell whether ``value`` has the fixed bits every DLE EOT reply has."""
    return value & _FIXED_MASK == _FIXED_BITS


def request(channel: StatusChannel, kind: int, timeout_s: float) -> int | None:
    """Send DLE EOT ``kind`` and return the reply byte, or ``None`` if none came in time."""
    channel.discard_input()
    channel.write(DLE_EOT + bytes([kind]))
    reply = channel.read(1, timeout_s)
    if not reply:
        log.debug("no reply to DLE EOT %d within %.2f s", kind, timeout_s)
        return None
    if not is_status_byte(reply[0]):
        log.debug("ignored 0x%02x: not a DLE EOT %d reply", reply[0], kind)
        return None
    return reply[0]


def query_status(channel: StatusChannel, timeout_s: float) -> PrinterStatus:
    """Ask for printer, offline-cause and paper-sensor status; unanswered parts stay unknown."""
    printer = request(channel, PRINTER_STATUS, timeout_s)
    if printer is None:
        # A printer that ignores the first request will not answer the others either.
        return UNKNOWN
    cause = request(channel, OFFLINE_CAUSE, timeout_s)
    sensor = request(channel, PAPER_SENSOR, timeout_s)
    return interpret(printer, cause, sensor)


def interpret(printer: int | None, cause: int | None, sensor: int | None) -> PrinterStatus:
    """Turn the three status bytes (any may be missing) into a ``PrinterStatus``."""
    online = None if printer is None else not printer & 0x08
    cover_open = None if cause is None else bool(cause & 0x04)
    stopped_for_paper = cause is not None and bool(cause & 0x20)
    paper: PaperState
    if stopped_for_paper or (sensor is not None and sensor & 0x60):
        paper = "out"
    elif sensor is not None and sensor & 0x0C:
        paper = "near_end"
    elif sensor is not None:
        paper = "ok"
    else:
        paper = "unknown"
    return PrinterStatus(online=online, paper=paper, cover_open=cover_open)


def encode_status(
    *, online: bool = True, paper: PaperState = "ok", cover_open: bool = False
) -> dict[int, int]:
    """Build the reply bytes a printer in this state sends, for emulators and tests."""
    printer = _FIXED_BITS | (0 if online else 0x08)
    cause = _FIXED_BITS | (0x04 if cover_open else 0) | (0x20 if paper == "out" else 0)
    sensor = _FIXED_BITS | {"ok": 0, "near_end": 0x0C, "out": 0x6C, "unknown": 0}[paper]
    return {PRINTER_STATUS: printer, OFFLINE_CAUSE: cause, PAPER_SENSOR: sensor}
