"""The USB backend and `list-usb` against a fake bus at pyusb's backend boundary.

pyusb's own code (find, descriptors, endpoint lookup, bulk transfers) runs; only the
backend under it — libusb on a real kiosk — is the fake in fake_usb.py.
"""

from __future__ import annotations

import json

import pytest

from tests.ticket_printer.fake_usb import DLE_EOT, FakeDevice, FakeUsbBackend
from ticket_printer import (
    PaperOut,
    PrinterOffline,
    PrinterStatus,
    PrinterTarget,
    PrinterTimeout,
    TicketData,
    decode,
    open_printer,
    render_ticket,
    usb_devices,
)
from ticket_printer.cli import main
from ticket_printer.status import encode_status

EPSON = 0x04B8
QUERY = b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"


@pytest.fixture
def bus(monkeypatch: pytest.MonkeyPatch) -> FakeUsbBackend:
    backend = FakeUsbBackend()
    monkeypatch.setattr(usb_devices, "backend", lambda: backend)
    return backend


def usb_target(**changes: object) -> PrinterTarget:
    return PrinterTarget(backend="usb", vendor_id=EPSON, product_id=0x0E15, timeout_s=0.05,
                         **changes)  # type: ignore[arg-type]


def test_a_ticket_goes_to_the_bulk_out_endpoint_after_a_healthy_status(
        bus: FakeUsbBackend, ticket: TicketData) -> None:
    printer = FakeDevice(EPSON, 0x0E15, status=encode_status())
    bus.devices += [FakeDevice(0x046D, 0xC077, interface_class=3, endpoints=(0x81,)), printer]
    result = open_printer(usb_target()).print_ticket(ticket)
    expected = render_ticket(ticket, usb_target().paper)
    assert bytes(printer.written) == QUERY + expected
    assert result.bytes_sent == len(expected)
    assert result.status == PrinterStatus(online=True, paper="ok", cover_open=False)
    assert decode(bytes(printer.written[9:])).qr_codes[0].payload == ticket.status_url
    assert not printer.kernel_driver  # usblp detached so libusb could claim it
    assert printer.configured == 1


def test_paper_out_reported_by_the_printer_refuses_the_ticket(
        bus: FakeUsbBackend, ticket: TicketData) -> None:
    printer = FakeDevice(EPSON, 0x0E15, status=encode_status(paper="out"))
    bus.devices.append(printer)
    with pytest.raises(PaperOut):
        open_printer(usb_target()).print_ticket(ticket)
    assert bytes(printer.written) == QUERY  # asked, and nothing of the ticket was sent


def test_a_silent_usb_printer_reads_unknown_and_still_prints(
        bus: FakeUsbBackend, ticket: TicketData) -> None:
    printer = FakeDevice(EPSON, 0x0E15, status=None)
    bus.devices.append(printer)
    assert not open_printer(usb_target()).status().known
    open_printer(usb_target()).print_ticket(ticket)
    assert bytes(printer.written).endswith(b"\x1dV\x00")


def test_no_such_printer_and_a_stalled_one_are_named_errors(
        bus: FakeUsbBackend, ticket: TicketData) -> None:
    with pytest.raises(PrinterOffline, match="04b8:0e15"):
        open_printer(usb_target()).print_ticket(ticket)
    bus.devices.append(FakeDevice(EPSON, 0x0E15, status=encode_status(), stall_writes=True))
    with pytest.raises((PrinterTimeout, PrinterOffline)):
        open_printer(usb_target(check_status=False)).print_ticket(ticket)


def test_list_usb_finds_printers_by_class_and_by_vendor(
        bus: FakeUsbBackend, capsys: pytest.CaptureFixture[str]) -> None:
    bus.devices += [
        FakeDevice(0x046D, 0xC077, interface_class=3, endpoints=(0x81,), address=2),  # mouse
        FakeDevice(0x0416, 0x5011, interface_class=0xFF, address=3),  # vendor-specific class
        FakeDevice(0x1234, 0x0001, interface_class=7, address=4),  # unknown vendor, a printer
    ]
    assert main(["list-usb"]) == 0
    found = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(d["vendor_id"], d["product_id"], d["printer_class"]) for d in found] == [
        ("0x0416", "0x5011", False), ("0x1234", "0x0001", True)]
    assert found[0]["settings"] == {"backend": "usb", "vendor_id": 0x0416,
                                    "product_id": 0x5011}
    assert "Winbond" in found[0]["vendor"] and found[1]["vendor"] is None
    # The settings it prints are ones the printer opens with.
    PrinterTarget.from_settings(found[0]["settings"])


def test_list_usb_says_when_there_is_none(
        bus: FakeUsbBackend, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list-usb"]) == 1
    assert "no USB ticket printer found" in capsys.readouterr().err


def test_the_udev_rule_covers_every_known_vendor(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["udev-rule", "--group", "antrean"]) == 0
    rule = capsys.readouterr().out
    for vendor in usb_devices.THERMAL_VENDORS:
        assert f'ATTR{{idVendor}}=="{vendor:04x}", MODE="0660", GROUP="antrean"' in rule
    assert 'ATTRS{bInterfaceClass}=="07"' in rule
    assert DLE_EOT not in rule.encode()
