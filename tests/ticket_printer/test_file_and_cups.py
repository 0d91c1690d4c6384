"""The file backend (capture file, device node) and the CUPS backend with stand-in commands."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.ticket_printer.emulators import PtyPrinter
from ticket_printer import (
    BackendUnavailable,
    PrinterOffline,
    PrinterStatus,
    PrinterTarget,
    TicketData,
    open_printer,
    render_ticket,
)
from ticket_printer.status import encode_status


def test_file_backend_appends_each_ticket(tmp_path: Path, ticket: TicketData) -> None:
    target = PrinterTarget(backend="file", path=str(tmp_path / "capture.bin"))
    printer = open_printer(target)
    first = printer.print_ticket(ticket)
    printer.print_ticket(ticket)
    data = render_ticket(ticket, target.paper)
    assert (tmp_path / "capture.bin").read_bytes() == data + data
    assert first.bytes_sent == len(data)
    # A plain file cannot answer a status request: unknown, not "paper ok".
    assert first.status == PrinterStatus(online=None, paper="unknown", cover_open=None)


def test_missing_device_node_is_offline_and_never_created(ticket: TicketData) -> None:
    target = PrinterTarget(backend="file", path="/dev/usb/antrean-test-lp9")
    with pytest.raises(PrinterOffline):
        open_printer(target).print_ticket(ticket)
    assert not os.path.exists("/dev/usb/antrean-test-lp9")
    assert open_printer(target).status().online is False


def write_script(folder: Path, name: str, body: str) -> None:
    script = folder / name
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def cups_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on PATH holding stand-in ``lp`` and ``lpstat`` commands."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return folder


def test_cups_sends_a_raw_job_to_the_queue(
    cups_bin: Path, tmp_path: Path, ticket: TicketData
) -> None:
    write_script(
        cups_bin,
        "lp",
        f'echo "$@" > {tmp_path}/args\ncat > {tmp_path}/job\n'
        'echo "request id is kiosk-42 (1 file(s))"\n',
    )
    write_script(cups_bin, "lpstat", 'echo "printer kiosk is idle.  enabled since Mon"\n')
    target = PrinterTarget(backend="cups", queue="kiosk")
    result = open_printer(target).print_ticket(ticket)
    assert (tmp_path / "job").read_bytes() == render_ticket(ticket, target.paper)
    assert (tmp_path / "args").read_text().split() == [
        "-d",
        "kiosk",
        "-o",
        "raw",
        "-t",
        "Antrean",
        "A-012",
    ]
    assert result.job_id == "kiosk-42"
    assert open_printer(target).status() == PrinterStatus(True, "unknown", None)


def test_cups_disabled_queue_is_offline(cups_bin: Path, tmp_path: Path, ticket: TicketData) -> None:
    write_script(cups_bin, "lp", f"cat > {tmp_path}/job\n")
    write_script(cups_bin, "lpstat", 'echo "printer kiosk disabled since Mon -"\n')
    printer = open_printer(PrinterTarget(backend="cups", queue="kiosk"))
    assert printer.status().online is False
    with pytest.raises(PrinterOffline):
        printer.print_ticket(ticket)
    assert not (tmp_path / "job").exists()


def test_cups_refused_job_raises(cups_bin: Path, ticket: TicketData) -> None:
    write_script(
        cups_bin, "lp", 'cat >/dev/null\necho "lp: The printer does not exist." >&2\nexit 1\n'
    )
    write_script(cups_bin, "lpstat", 'echo "printer kiosk is idle.  enabled"\n')
    with pytest.raises(PrinterOffline) as raised:
        open_printer(PrinterTarget(backend="cups", queue="kiosk")).print_ticket(ticket)
    assert "does not exist" in raised.value.detail


def test_cups_without_lp_installed_is_backend_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ticket: TicketData
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    printer = open_printer(PrinterTarget(backend="cups", queue="kiosk", check_status=False))
    with pytest.raises(BackendUnavailable) as raised:
        printer.print_ticket(ticket)
    assert raised.value.code == "backend_unavailable"


def test_usb_without_pyusb_says_what_to_install(ticket: TicketData) -> None:
    try:
        import usb.core  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("pyusb is installed here; this test is about machines without it")
    target = PrinterTarget(backend="usb", vendor_id=0x04B8, product_id=0x0E15)
    with pytest.raises(BackendUnavailable) as raised:
        open_printer(target).print_ticket(ticket)
    assert "pyusb" in raised.value.detail


def test_two_way_device_node_answers_status(
    pty_printer: Callable[..., PtyPrinter], ticket: TicketData
) -> None:
    # A pty slave is a character device like /dev/usb/lp0: written to and read from.
    emulator = pty_printer(encode_status(paper="near_end"))
    target = PrinterTarget(backend="file", path=emulator.device, timeout_s=0.2)
    result = open_printer(target).print_ticket(ticket)
    assert result.status == PrinterStatus(online=True, paper="near_end", cover_open=False)
    received = emulator.wait_for(lambda data: data.endswith(b"\x1dV\x00"))
    assert received.endswith(render_ticket(ticket, target.paper))
