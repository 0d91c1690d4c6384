"""Byte links to real printers (serial, TCP, device file, USB), each with explicit timeouts.

Every channel turns its library's exceptions into the package's typed errors at this edge:
cannot connect -> ``PrinterOffline``; connected but stalled -> ``PrinterTimeout``. Reads
return what arrived before the deadline, possibly nothing; they never block longer.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import select
import socket
import stat
import time
from typing import Any

import serial

from ticket_printer.errors import BackendUnavailable, PrinterOffline, PrinterTimeout

log = logging.getLogger(__name__)

FLOW_CONTROL = ("none", "rtscts", "dsrdtr", "xonxoff")


def transfer_timeout(timeout_s: float, size: int, bytes_per_s: float) -> float:
    """Allow the base timeout plus the time ``size`` bytes take on a link this fast."""
    return timeout_s + size / bytes_per_s


class SerialChannel:
    """A serial port via pyserial (USB-serial adapters included)."""

    answers_status = True

    def __init__(
        self, device: str, baudrate: int, timeout_s: float, flow_control: str = "none"
    ) -> None:
        """Open the port now, so a missing device fails before anything is sent."""
        self.device, self.baudrate, self.timeout_s = device, baudrate, timeout_s
        try:
            self._port = serial.Serial(
                port=device,
                baudrate=baudrate,
                timeout=timeout_s,
                write_timeout=timeout_s,
                rtscts=flow_control == "rtscts",
                dsrdtr=flow_control == "dsrdtr",
                xonxoff=flow_control == "xonxoff",
            )
        except (serial.SerialException, ValueError, OSError) as error:
            raise PrinterOffline(f"cannot open serial port {device}: {error}") from error

    def write(self, data: bytes) -> None:
        """Send ``data``, failing with ``PrinterTimeout`` if the printer stops taking it."""
        # Ten bits per byte on the wire (start + 8 data + stop).
        self._port.write_timeout = transfer_timeout(self.timeout_s, len(data), self.baudrate / 10)
        try:
            self._port.write(data)
        except serial.SerialTimeoutException as error:
            # Drop what is still queued, or closing the port waits for it to drain (~30 s).
            with contextlib.suppress(serial.SerialException, OSError):
                self._port.reset_output_buffer()
            raise PrinterTimeout(f"serial write to {self.device} timed out") from error
        except (serial.SerialException, OSError) as error:
            raise PrinterOffline(f"serial write to {self.device} failed: {error}") from error

    def read(self, size: int, timeout_s: float) -> bytes:
        """Read up to ``size`` bytes, waiting at most ``timeout_s``."""
        self._port.timeout = timeout_s
        try:
            return bytes(self._port.read(size))
        except (serial.SerialException, OSError) as error:
            log.debug("serial read from %s failed: %s", self.device, error)
            return b""

    def discard_input(self) -> None:
        """Drop bytes that arrived unasked (e.g. automatic status back)."""
        with contextlib.suppress(serial.SerialException, OSError):
            self._port.reset_input_buffer()

    def close(self) -> None:
        """Close the port."""
        self._port.close()


class SocketChannel:
    """A raw TCP connection, as to port 9100 of an Ethernet or Wi-Fi printer."""

    answers_status = True

    def __init__(self, host: str, port: int, timeout_s: float) -> None:
        """Connect now; refused, unreachable or unanswered all mean the printer is offline."""
        self.address, self.timeout_s = f"{host}:{port}", timeout_s
        try:
            self._sock = socket.create_connection((host, port), timeout=timeout_s)
        except OSError as error:
            raise PrinterOffline(f"cannot connect to {self.address}: {error}") from error

    def write(self, data: bytes) -> None:
        """Send ``data``; a printer that stops reading (buffer full) raises ``PrinterTimeout``."""
        self._sock.settimeout(transfer_timeout(self.timeout_s, len(data), 100_000))
        try:
            self._sock.sendall(data)
        except TimeoutError as error:
            raise PrinterTimeout(f"sending to {self.address} timed out") from error
        except OSError as error:
            raise PrinterOffline(f"connection to {self.address} lost: {error}") from error

    def read(self, size: int, timeout_s: float) -> bytes:
        """Read up to ``size`` bytes, waiting at most ``timeout_s``."""
        self._sock.settimeout(timeout_s)
        try:
            return self._sock.recv(size)
        except OSError:  # timeout, or reset: both mean no answer
            return b""

    def discard_input(self) -> None:
        """Drop bytes already received, without waiting."""
        self._sock.setblocking(False)
        try:
            while self._sock.recv(4096):
                pass
        except OSError:
            pass
        finally:
            self._sock.settimeout(self.timeout_s)

    def close(self) -> None:
        """Close after a FIN, draining input first so Linux does not reset the connection."""
        self.discard_input()
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_WR)
        self._sock.close()


class FileChannel:
    """A file or device node: ``/dev/usb/lp0`` (two-way if the printer is), or a capture file."""

    def __init__(self, path: str, timeout_s: float) -> None:
        """Open ``path``; device nodes are never created, other files are appended to."""
        self.path, self.timeout_s = path, timeout_s
        try:
            is_device = stat.S_ISCHR(os.stat(path).st_mode)
        except FileNotFoundError:
            is_device = False
            if path.startswith("/dev/"):
                raise PrinterOffline(f"device {path} does not exist") from None
        except OSError as error:
            raise PrinterOffline(f"cannot reach {path}: {error}") from error
        self.readable = is_device
        try:
            if is_device:
                self._fd = self._open_device(path)
            else:
                self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as error:
            raise PrinterOffline(f"cannot open {path}: {error}") from error

    def _open_device(self, path: str) -> int:
        """Open a device non-blocking, two-way when the driver allows reading."""
        flags = os.O_NONBLOCK | os.O_NOCTTY
        try:
            return os.open(path, os.O_RDWR | flags)
        except OSError as error:
            if error.errno not in (errno.EACCES, errno.EINVAL, errno.EPERM):
                raise
            self.readable = False
            return os.open(path, os.O_WRONLY | flags)

    def write(self, data: bytes) -> None:
        """Write all of ``data`` before the deadline or raise ``PrinterTimeout``."""
        deadline = time.monotonic() + transfer_timeout(self.timeout_s, len(data), 10_000)
        view = memoryview(data)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PrinterTimeout(f"writing to {self.path} timed out")
            _, writable, _ = select.select([], [self._fd], [], remaining)
            if not writable:
                continue
            try:
                view = view[os.write(self._fd, view) :]
            except BlockingIOError:
                continue
            except OSError as error:
                raise PrinterOffline(f"writing to {self.path} failed: {error}") from error

    @property
    def answers_status(self) -> bool:
        """Only a two-way device can answer; status requests must not go into a plain file."""
        return self.readable

    def read(self, size: int, timeout_s: float) -> bytes:
        """Read a reply from a two-way device; a plain file never answers."""
        if not self.readable:
            return b""
        readable, _, _ = select.select([self._fd], [], [], timeout_s)
        if not readable:
            return b""
        try:
            return os.read(self._fd, size)
        except OSError:
            return b""

    def discard_input(self) -> None:
        """Drop bytes the device already sent."""
        while self.readable and self.read(4096, 0):
            pass

    def close(self) -> None:
        """Close the file."""
        os.close(self._fd)


class UsbChannel:
    """A USB printer-class device through pyusb (libusb), found by vendor and product id."""

    answers_status = True

    def __init__(self, vendor_id: int, product_id: int, timeout_s: float) -> None:
        """Claim the device's bulk endpoints now, so a missing printer fails early."""
        try:
            import usb.core
            import usb.util
        except ImportError as error:
            raise BackendUnavailable(
                "USB printing needs pyusb and libusb (pip install pyusb), "
                "or use backend 'file' with /dev/usb/lp0"
            ) from error
        self._usb: Any = usb
        self.timeout_ms = max(1, int(timeout_s * 1000))
        self.name = f"{vendor_id:04x}:{product_id:04x}"
        from ticket_printer.usb_devices import backend

        try:
            device = usb.core.find(idVendor=vendor_id, idProduct=product_id, backend=backend())
        except usb.core.NoBackendError as error:
            raise BackendUnavailable(
                "USB printing needs libusb (Debian: apt-get install libusb-1.0-0)") from error
        if device is None:
            raise PrinterOffline(f"no USB device {self.name}")
        self._device = device
        try:
            self._claim()
        except usb.core.USBError as error:
            raise PrinterOffline(f"cannot claim USB device {self.name}: {error}") from error

    def _claim(self) -> None:
        """Detach the kernel's usblp driver if bound and find the bulk OUT/IN endpoints."""
        util = self._usb.util
        with contextlib.suppress(NotImplementedError, self._usb.core.USBError):
            if self._device.is_kernel_driver_active(0):
                self._device.detach_kernel_driver(0)
        with contextlib.suppress(self._usb.core.USBError):  # already configured
            self._device.set_configuration()
        interface = self._device.get_active_configuration()[(0, 0)]

        def endpoint(direction: int) -> Any:
            return util.find_descriptor(
                interface,
                custom_match=lambda e: util.endpoint_direction(e.bEndpointAddress) == direction,
            )

        self._out, self._in = endpoint(util.ENDPOINT_OUT), endpoint(util.ENDPOINT_IN)
        if self._out is None:
            raise PrinterOffline(f"USB device {self.name} has no bulk OUT endpoint")

    def write(self, data: bytes) -> None:
        """Send ``data`` within the timeout."""
        timeout = int(transfer_timeout(self.timeout_ms / 1000, len(data), 100_000) * 1000)
        try:
            self._out.write(data, timeout=timeout)
        except self._usb.core.USBTimeoutError as error:
            raise PrinterTimeout(f"USB write to {self.name} timed out") from error
        except self._usb.core.USBError as error:
            raise PrinterOffline(f"USB write to {self.name} failed: {error}") from error

    def read(self, size: int, timeout_s: float) -> bytes:
        """Read from the IN endpoint, if the printer has one."""
        if self._in is None:
            return b""
        try:
            data = self._in.read(
                max(size, self._in.wMaxPacketSize), timeout=max(1, int(timeout_s * 1000))
            )
        except self._usb.core.USBError:
            return b""
        return bytes(data)[:size]

    def discard_input(self) -> None:
        """Drop pending replies."""
        while self._in is not None and self.read(64, 0.001):
            pass

    def close(self) -> None:
        """Release the device."""
        self._usb.util.dispose_resources(self._device)
