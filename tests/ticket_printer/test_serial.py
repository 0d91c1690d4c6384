"""Serial backend against a pty pair, with the printer emulated on the master side."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.ticket_printer.emulators import PtyPrinter
from ticket_printer import (
    CoverOpen,
    PaperOut,
    PrinterOffline,
    PrinterStatus,
    PrinterTarget,
    PrinterTimeout,
    TicketData,
    decode,
    open_printer,
    render_ticket,
)
from ticket_printer.status import encode_status

pytestmark = pytest.mark.integration
TIMEOUT = 0.2
CUT = b"\x1dV\x00"
QUERY = b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"


def serial_target(device: str, **changes: object) -> PrinterTarget:
    return PrinterTarget(
        backend="serial", device=device, baudrate=115200, timeout_s=TIMEOUT, **changes
    )  # type: ignore[arg-type]


def test_ticket_bytes_arrive_after_a_healthy_status(
    pty_printer: Callable[..., PtyPrinter], ticket: TicketData
) -> None:
    emulator = pty_printer(encode_status())
    result = open_printer(serial_target(emulator.device)).print_ticket(ticket)
    received = emulator.wait_for(lambda data: data.endswith(CUT))
    expected = render_ticket(ticket, serial_target(emulator.device).paper)
    assert received == QUERY + expected
    assert result.bytes_sent == len(expected)
    assert result.status == PrinterStatus(online=True, paper="ok", cover_open=False)
    assert decode(received[9:]).qr_codes[0].payload == ticket.status_url


def test_status_reply_is_read(pty_printer: Callable[..., PtyPrinter]) -> None:
    emulator = pty_printer(encode_status(paper="near_end"))
    status = open_printer(serial_target(emulator.device)).status()
    assert status == PrinterStatus(online=True, paper="near_end", cover_open=False)
    assert emulator.status_requests == [1, 2, 4]


def test_silent_printer_reads_unknown_after_the_timeout(
    pty_printer: Callable[..., PtyPrinter],
) -> None:
    emulator = pty_printer(replies=None)
    started = time.monotonic()
    status = open_printer(serial_target(emulator.device)).status()
    elapsed = time.monotonic() - started
    assert status == PrinterStatus(online=None, paper="unknown", cover_open=None)
    assert TIMEOUT * 0.9 <= elapsed < TIMEOUT + 1.0


def test_silent_printer_still_gets_the_ticket_unless_status_is_required(
    pty_printer: Callable[..., PtyPrinter], ticket: TicketData
) -> None:
    emulator = pty_printer(replies=None)
    result = open_printer(serial_target(emulator.device)).print_ticket(ticket)
    assert result.status is not None and not result.status.known
    emulator.wait_for(lambda data: data.endswith(CUT))

    strict = pty_printer(replies=None)
    printer = open_printer(serial_target(strict.device, require_status=True))
    with pytest.raises(PrinterTimeout):
        printer.print_ticket(ticket)
    printer.status()
    assert strict.wait_for(lambda data: len(data) >= 6) == b"\x10\x04\x01" * 2


def test_paper_out_refuses_the_ticket_and_sends_nothing(
    pty_printer: Callable[..., PtyPrinter], ticket: TicketData
) -> None:
    emulator = pty_printer(encode_status(online=False, paper="out"))
    printer = open_printer(serial_target(emulator.device))
    with pytest.raises(PaperOut) as raised:
        printer.print_ticket(ticket)
    assert raised.value.code == "paper_out"
    # A later status query marks the end: had the ticket been sent, it would come before it.
    printer.status()
    assert emulator.wait_for(lambda data: len(data) >= 18) == QUERY + QUERY


def test_cover_open_refuses_the_ticket(
    pty_printer: Callable[..., PtyPrinter], ticket: TicketData
) -> None:
    emulator = pty_printer(encode_status(online=False, cover_open=True))
    with pytest.raises(CoverOpen):
        open_printer(serial_target(emulator.device)).print_ticket(ticket)


def test_missing_device_is_offline(ticket: TicketData, tmp_path) -> None:
    printer = open_printer(serial_target(str(tmp_path / "ttyUSB9")))
    with pytest.raises(PrinterOffline):
        printer.print_ticket(ticket)
    assert printer.status() == PrinterStatus(online=False, paper="unknown", cover_open=None)


def test_status_check_can_be_turned_off(
    pty_printer: Callable[..., PtyPrinter], ticket: TicketData
) -> None:
    emulator = pty_printer(encode_status(paper="out"))
    target = serial_target(emulator.device, check_status=False)
    result = open_printer(target).print_ticket(ticket)
    assert result.status is None
    received = emulator.wait_for(lambda data: data.endswith(CUT))
    assert received == render_ticket(ticket, target.paper)
