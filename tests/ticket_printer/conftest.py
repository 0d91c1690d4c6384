"""Fixtures for the ticket printer tests: a fixed ticket, emulated printers, papers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.ticket_printer.emulators import PtyPrinter, TcpPrinter
from ticket_printer import Paper, TicketData

JAKARTA = ZoneInfo("Asia/Jakarta")
ISSUED_AT = datetime(2026, 11, 23, 9, 41, 7, tzinfo=JAKARTA)
STATUS_URL = "https://mpp.cilegon.go.id/tiket/7f3a9c"


def make_ticket(**changes: object) -> TicketData:
    """Return a realistic Indonesian ticket, with ``changes`` applied."""
    ticket = TicketData(
        mpp_name="Mal Pelayanan Publik Kota Cilegon",
        tenant_name="Dinas Kependudukan dan Pencatatan Sipil",
        service_name="Perekaman dan Pencetakan KTP-el",
        ticket_label="A-012",
        issued_at=ISSUED_AT,
        people_ahead=7,
        estimated_wait_minutes=35,
        bring_note="KTP asli dan fotokopi Kartu Keluarga",
        status_url=STATUS_URL,
        footer="Pengaduan: SP4N-LAPOR! lapor.go.id / WA 0811-0000-000",
    )
    return replace(ticket, **changes)  # type: ignore[arg-type]


@pytest.fixture
def ticket() -> TicketData:
    return make_ticket()


@pytest.fixture(params=[Paper.MM80, Paper.MM58], ids=["80mm", "58mm"])
def paper(request: pytest.FixtureRequest) -> Paper:
    return request.param


@pytest.fixture
def pty_printer() -> Iterator[Callable[..., PtyPrinter]]:
    """Start pty printers on demand; all are stopped when the test ends."""
    started: list[PtyPrinter] = []

    def start(replies: dict[int, int] | None = None) -> PtyPrinter:
        emulator = PtyPrinter(replies)
        emulator.start()
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


@pytest.fixture
def tcp_printer() -> Iterator[Callable[..., TcpPrinter]]:
    """Start loopback TCP printers on demand; all are stopped when the test ends."""
    started: list[TcpPrinter] = []

    def start(replies: dict[int, int] | None = None) -> TcpPrinter:
        emulator = TcpPrinter(replies)
        emulator.start()
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()
