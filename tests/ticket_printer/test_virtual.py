"""The virtual printer: PNG tickets in a folder, and faults faked on demand."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from PIL import Image

from tests.ticket_printer.conftest import make_ticket
from ticket_printer import (
    CoverOpen,
    PaperOut,
    PrinterError,
    PrinterOffline,
    PrinterStatus,
    PrinterTarget,
    PrinterTimeout,
    TicketData,
    open_printer,
)

INK_MAX = 80


def virtual(folder: Path, **changes: object) -> PrinterTarget:
    return PrinterTarget(backend="virtual", folder=str(folder), **changes)  # type: ignore[arg-type]


def dark_rows(image: Image.Image) -> list[int]:
    grey = image.convert("L")
    return [
        y
        for y in range(grey.height)
        if grey.crop((0, y, grey.width, y + 1)).getextrema()[0] < INK_MAX
    ]


@pytest.mark.parametrize(("paper_mm", "dots"), [(80, 576), (58, 384)])
def test_writes_a_png_the_width_of_the_paper(
    tmp_path: Path, ticket: TicketData, paper_mm: int, dots: int
) -> None:
    result = open_printer(virtual(tmp_path / "tickets", paper_mm=paper_mm)).print_ticket(ticket)
    assert result.preview_path == tmp_path / "tickets" / "20261123-094107-A-012.png"
    with Image.open(result.preview_path) as image:
        assert image.format == "PNG"
        assert image.width == dots + 64
        assert 800 < image.height < 1600
        assert dark_rows(image), "the preview has no ink on it"
    assert [p.name for p in (tmp_path / "tickets").iterdir()] == [result.preview_path.name]


def test_preview_shows_the_big_number_and_the_qr_code(tmp_path: Path, ticket: TicketData) -> None:
    path = open_printer(virtual(tmp_path)).print_ticket(ticket).preview_path
    assert path is not None
    with Image.open(path) as image:
        grey = image.convert("L")
        # The tallest unbroken run of inked rows is the 7x number (168 dots) or the QR code.
        rows = dark_rows(grey)
        runs, start = [], rows[0]
        for previous, row in pairwise(rows):
            if row != previous + 1:
                runs.append(previous - start + 1)
                start = row
        runs.append(rows[-1] - start + 1)
        assert max(runs) >= 150


def test_same_label_twice_does_not_overwrite(tmp_path: Path, ticket: TicketData) -> None:
    printer = open_printer(virtual(tmp_path))
    first = printer.print_ticket(ticket).preview_path
    second = printer.print_ticket(ticket).preview_path
    assert first != second and first is not None and second is not None
    assert first.exists() and second.exists()


@pytest.mark.parametrize(
    ("flag", "error"),
    [
        ("PAPER_OUT", PaperOut),
        ("OFFLINE", PrinterOffline),
        ("COVER_OPEN", CoverOpen),
        ("TIMEOUT", PrinterTimeout),
    ],
)
def test_flag_file_fakes_a_fault_until_removed(
    tmp_path: Path, ticket: TicketData, flag: str, error: type[PrinterError]
) -> None:
    printer = open_printer(virtual(tmp_path))
    (tmp_path / flag).touch()
    with pytest.raises(error):
        printer.print_ticket(ticket)
    assert not printer.status().ready
    assert not list(tmp_path.glob("*.png"))
    (tmp_path / flag).unlink()
    assert printer.status().ready
    assert printer.print_ticket(ticket).preview_path is not None


def test_simulate_setting_fakes_paper_out(tmp_path: Path, ticket: TicketData) -> None:
    printer = open_printer(virtual(tmp_path, simulate="paper_out"))
    assert printer.status() == PrinterStatus(online=False, paper="out", cover_open=False)
    with pytest.raises(PaperOut):
        printer.print_ticket(ticket)


def test_near_end_still_prints_and_says_so(tmp_path: Path, ticket: TicketData) -> None:
    result = open_printer(virtual(tmp_path, simulate="near_end")).print_ticket(ticket)
    assert result.status is not None and result.status.paper == "near_end"
    assert result.preview_path is not None and result.preview_path.exists()


def test_unwritable_folder_raises_a_printer_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(PrinterError):
        open_printer(virtual(blocker / "tickets")).print_ticket(make_ticket())


def test_failure_in_a_worker_thread_reaches_the_caller(tmp_path: Path, ticket: TicketData) -> None:
    from concurrent.futures import ThreadPoolExecutor

    printer = open_printer(virtual(tmp_path, simulate="offline"))
    with ThreadPoolExecutor(max_workers=1) as worker:
        future = worker.submit(printer.print_ticket, ticket)
        with pytest.raises(PrinterOffline) as raised:
            future.result(timeout=10)
    assert raised.value.code == "printer_offline"
