"""Reading DLE EOT status replies, with a hand-written channel standing in for the link."""

from __future__ import annotations

import pytest

from ticket_printer import CoverOpen, PaperOut, PrinterOffline, PrinterStatus
from ticket_printer.status import (
    UNKNOWN,
    encode_status,
    interpret,
    is_status_byte,
    query_status,
)


class ScriptedChannel:
    """Answers each DLE EOT n from a table; records the timeouts it was given."""

    def __init__(self, replies: dict[int, bytes], stale: bytes = b"") -> None:
        self.replies = replies
        self.pending = stale
        self.written: list[bytes] = []
        self.timeouts: list[float] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)
        self.pending += self.replies.get(data[-1], b"")

    def read(self, size: int, timeout_s: float) -> bytes:
        self.timeouts.append(timeout_s)
        data, self.pending = self.pending[:size], self.pending[size:]
        return data

    def discard_input(self) -> None:
        self.pending = b""


def test_epson_reference_bytes() -> None:
    # Bytes from the DLE EOT tables: 0x12 = all clear, 0x1E = near end, 0x72 = paper end.
    assert interpret(0x12, 0x12, 0x12) == PrinterStatus(True, "ok", False)
    assert interpret(0x12, 0x12, 0x1E) == PrinterStatus(True, "near_end", False)
    assert interpret(0x1A, 0x32, 0x72) == PrinterStatus(False, "out", False)
    assert interpret(0x1A, 0x16, 0x12) == PrinterStatus(False, "ok", True)


def test_missing_replies_stay_unknown() -> None:
    assert interpret(0x12, None, None) == PrinterStatus(True, "unknown", None)
    # Stopped for paper end (offline cause) is paper out even without a sensor reply.
    assert interpret(0x1A, 0x32, None).paper == "out"


def test_status_byte_pattern() -> None:
    assert is_status_byte(0x12) and is_status_byte(0x7E)
    assert not is_status_byte(0x00) and not is_status_byte(0x13) and not is_status_byte(0x92)


@pytest.mark.parametrize(
    "state",
    [
        {"online": True, "paper": "ok", "cover_open": False},
        {"online": True, "paper": "near_end", "cover_open": False},
        {"online": False, "paper": "out", "cover_open": False},
        {"online": False, "paper": "ok", "cover_open": True},
    ],
)
def test_query_reads_back_what_the_printer_encodes(state: dict) -> None:
    replies = {kind: bytes([value]) for kind, value in encode_status(**state).items()}
    channel = ScriptedChannel(replies)
    assert query_status(channel, 0.2) == PrinterStatus(**state)
    assert channel.written == [b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x04"]
    assert channel.timeouts == [0.2, 0.2, 0.2]


def test_silent_printer_is_unknown_never_paper_ok() -> None:
    channel = ScriptedChannel({})
    status = query_status(channel, 0.2)
    assert status == UNKNOWN
    assert status.paper == "unknown" and status.online is None and not status.ready
    assert len(channel.written) == 1, "a printer silent to the first request is not asked more"


def test_stale_and_garbage_bytes_are_not_taken_as_replies() -> None:
    channel = ScriptedChannel({1: b"\x00"}, stale=b"\x12")
    assert query_status(channel, 0.2) == UNKNOWN


def test_faults_raise_the_most_specific_error() -> None:
    with pytest.raises(CoverOpen):
        PrinterStatus(False, "out", True).raise_for_fault()
    with pytest.raises(PaperOut):
        PrinterStatus(False, "out", False).raise_for_fault()
    with pytest.raises(PrinterOffline):
        PrinterStatus(False, "unknown", None).raise_for_fault()
    UNKNOWN.raise_for_fault()
    PrinterStatus(True, "near_end", False).raise_for_fault()
