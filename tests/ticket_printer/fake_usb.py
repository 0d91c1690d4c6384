"""A fake USB bus at pyusb's backend boundary: pyusb's own code runs on top of it.

`FakeUsbBackend` implements pyusb's `IBackend` for a few devices with real descriptors
(a printer-class thermal printer with a bulk OUT and IN endpoint, a mouse). Bytes written
to the printer's OUT endpoint are kept; the IN endpoint answers DLE EOT status queries
like an ESC/POS printer (or stays silent, or times out, as the test chooses).
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import usb.backend
import usb.core

DLE_EOT = b"\x10\x04"


def _device_descriptor(vendor: int, product: int, device_class: int = 0,
                       address: int = 5) -> SimpleNamespace:
    return SimpleNamespace(
        bLength=18, bDescriptorType=1, bcdUSB=0x0200, bDeviceClass=device_class,
        bDeviceSubClass=0, bDeviceProtocol=0, bMaxPacketSize0=64, idVendor=vendor,
        idProduct=product, bcdDevice=0x0100, iManufacturer=0, iProduct=0, iSerialNumber=0,
        bNumConfigurations=1, address=address, bus=1, port_number=address, port_numbers=None,
        speed=2)


@dataclass
class FakeDevice:
    """One device on the fake bus: its descriptors and what it was sent."""

    vendor: int
    product: int
    interface_class: int = 7  # printer
    endpoints: tuple[int, ...] = (0x01, 0x81)  # bulk OUT 1, bulk IN 1
    address: int = 5
    kernel_driver: bool = True
    """Linux's usblp is bound to a printer when it is plugged in; the channel detaches it."""
    written: bytearray = field(default_factory=bytearray)
    replies: bytearray = field(default_factory=bytearray)
    status: dict[int, int] | None = field(default_factory=dict)
    """Reply byte per DLE EOT kind (ticket_printer.status.encode_status); None: silent."""
    stall_writes: bool = False
    claimed: bool = False
    configured: int = 0
    closed: bool = False


class FakeUsbBackend(usb.backend.IBackend):  # type: ignore[misc]
    """pyusb backend over `FakeDevice`s (enumerate, descriptors, bulk transfers)."""

    def __init__(self, *devices: FakeDevice) -> None:
        self.devices = list(devices)

    def enumerate_devices(self) -> Any:
        yield from self.devices

    def get_device_descriptor(self, dev: FakeDevice) -> SimpleNamespace:
        return _device_descriptor(dev.vendor, dev.product, address=dev.address)

    def get_configuration_descriptor(self, dev: FakeDevice, config: int) -> SimpleNamespace:
        return SimpleNamespace(bLength=9, bDescriptorType=2, wTotalLength=32, bNumInterfaces=1,
                               bConfigurationValue=1, iConfiguration=0, bmAttributes=0xC0,
                               bMaxPower=50, extra_descriptors=[])

    def get_interface_descriptor(self, dev: FakeDevice, intf: int, alt: int,
                                 config: int) -> SimpleNamespace:
        if intf != 0 or alt != 0:
            raise IndexError("no such interface")
        return SimpleNamespace(bLength=9, bDescriptorType=4, bInterfaceNumber=0,
                               bAlternateSetting=0, bNumEndpoints=len(dev.endpoints),
                               bInterfaceClass=dev.interface_class, bInterfaceSubClass=1,
                               bInterfaceProtocol=2, iInterface=0, extra_descriptors=[])

    def get_endpoint_descriptor(self, dev: FakeDevice, ep: int, intf: int, alt: int,
                                config: int) -> SimpleNamespace:
        return SimpleNamespace(bLength=7, bDescriptorType=5, bEndpointAddress=dev.endpoints[ep],
                               bmAttributes=2, wMaxPacketSize=64, bInterval=0, bRefresh=0,
                               bSynchAddress=0, extra_descriptors=[])

    def open_device(self, dev: FakeDevice) -> FakeDevice:
        dev.closed = False
        return dev

    def close_device(self, dev_handle: FakeDevice) -> None:
        dev_handle.closed = True

    def set_configuration(self, dev_handle: FakeDevice, config_value: int) -> None:
        dev_handle.configured = config_value

    def get_configuration(self, dev_handle: FakeDevice) -> int:
        return dev_handle.configured

    def claim_interface(self, dev_handle: FakeDevice, intf: int) -> None:
        if dev_handle.kernel_driver:
            raise usb.core.USBError("Resource busy", errno.EBUSY)
        dev_handle.claimed = True

    def release_interface(self, dev_handle: FakeDevice, intf: int) -> None:
        dev_handle.claimed = False

    def is_kernel_driver_active(self, dev_handle: FakeDevice, intf: int) -> bool:
        return dev_handle.kernel_driver

    def detach_kernel_driver(self, dev_handle: FakeDevice, intf: int) -> None:
        dev_handle.kernel_driver = False

    def bulk_write(self, dev_handle: FakeDevice, ep: int, intf: int, data: Any,
                   timeout: int) -> int:
        assert dev_handle.claimed, "wrote to an interface nobody claimed"
        if dev_handle.stall_writes:
            raise usb.core.USBTimeoutError("Operation timed out", errno.ETIMEDOUT)
        chunk = bytes(data)
        dev_handle.written += chunk
        if dev_handle.status is not None:
            for position in range(len(chunk) - 2):
                if chunk[position:position + 2] == DLE_EOT:
                    dev_handle.replies.append(dev_handle.status[chunk[position + 2]])
        return len(chunk)

    def bulk_read(self, dev_handle: FakeDevice, ep: int, intf: int, buff: Any,
                  timeout: int) -> int:
        if not dev_handle.replies:
            raise usb.core.USBTimeoutError("Operation timed out", errno.ETIMEDOUT)
        count = min(len(buff), len(dev_handle.replies))
        for index in range(count):  # buff is pyusb's array('B')
            buff[index] = dev_handle.replies[index]
        del dev_handle.replies[:count]
        return count
