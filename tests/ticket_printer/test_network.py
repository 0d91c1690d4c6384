"""Network backend against a loopback TCP listener on a port the OS picks."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator

import pytest

from tests.ticket_printer.emulators import TcpPrinter
from ticket_printer import (
    PaperOut,
    PrinterOffline,
    PrinterStatus,
    PrinterTarget,
    TicketData,
    decode,
    open_printer,
)
from ticket_printer.status import encode_status

pytestmark = pytest.mark.integration
TIMEOUT = 0.2
CUT = b"\x1dV\x00"


def network_target(port: int, **changes: object) -> PrinterTarget:
    return PrinterTarget(
        backend="network", host="127.0.0.1", port=port, timeout_s=TIMEOUT, **changes
    )  # type: ignore[arg-type]


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A port bound but not listening: connecting to it is refused (kept bound meanwhile)."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        yield holder.getsockname()[1]


def test_ticket_bytes_arrive(tcp_printer: Callable[..., TcpPrinter], ticket: TicketData) -> None:
    emulator = tcp_printer(encode_status())
    result = open_printer(network_target(emulator.port)).print_ticket(ticket)
    received = emulator.wait_for(lambda data: data.endswith(CUT))
    assert received.startswith(b"\x10\x04\x01\x10\x04\x02\x10\x04\x04\x1b@")
    printed = decode(received[9:])
    assert printed.line_with("A-012").width == 7
    assert printed.qr_codes[0].payload == ticket.status_url
    assert result.status == PrinterStatus(online=True, paper="ok", cover_open=False)
    assert emulator.connections == 1


def test_status_reply_is_read(tcp_printer: Callable[..., TcpPrinter]) -> None:
    emulator = tcp_printer(encode_status(online=False, cover_open=True))
    status = open_printer(network_target(emulator.port)).status()
    assert status == PrinterStatus(online=False, paper="ok", cover_open=True)


def test_silent_printer_reads_unknown(tcp_printer: Callable[..., TcpPrinter]) -> None:
    emulator = tcp_printer(replies=None)
    started = time.monotonic()
    status = open_printer(network_target(emulator.port)).status()
    assert status == PrinterStatus(online=None, paper="unknown", cover_open=None)
    assert time.monotonic() - started < TIMEOUT + 1.0
    emulator.wait_for(lambda data: data == b"\x10\x04\x01")


def test_paper_out_refuses_the_ticket(
    tcp_printer: Callable[..., TcpPrinter], ticket: TicketData
) -> None:
    emulator = tcp_printer(encode_status(online=False, paper="out"))
    printer = open_printer(network_target(emulator.port))
    with pytest.raises(PaperOut) as raised:
        printer.print_ticket(ticket)
    assert raised.value.message("en") == "The printer is out of paper. Please ask a staff member."
    assert raised.value.message("id") == "Kertas printer habis. Silakan hubungi petugas."
    # A later status query marks the end: had the ticket been sent, it would come before it.
    assert printer.status().paper == "out"
    query = b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"
    assert emulator.wait_for(lambda data: len(data) >= 18) == query + query


def test_refused_connection_is_offline(refused_port: int, ticket: TicketData) -> None:
    printer = open_printer(network_target(refused_port))
    with pytest.raises(PrinterOffline) as raised:
        printer.print_ticket(ticket)
    assert raised.value.code == "printer_offline"
    assert str(refused_port) in raised.value.detail
    assert printer.status() == PrinterStatus(online=False, paper="unknown", cover_open=None)


def test_each_call_uses_its_own_connection(
    tcp_printer: Callable[..., TcpPrinter], ticket: TicketData
) -> None:
    emulator = tcp_printer(encode_status())
    printer = open_printer(network_target(emulator.port))
    assert printer.status().ready
    printer.print_ticket(ticket)
    printer.print_ticket(ticket)
    emulator.wait_for(lambda data: data.count(CUT) == 2)
    assert emulator.connections == 3
