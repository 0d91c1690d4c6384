"""Finding USB ticket printers: `python -m ticket_printer list-usb` and the udev rule.

One table of the vendors whose thermal printers MPP kiosks commonly have feeds both the
listing (which devices look like a ticket printer) and the udev rule that lets the
kiosk's user open them without root (`python -m ticket_printer udev-rule`, installed by
`scripts/install.sh kiosk`). Any printer-class device (USB class 7) is listed too.

pyusb is reached through `backend()`, the one seam tests replace with a fake backend
(tests/ticket_printer/fake_usb.py): everything above it is pyusb's real code.
"""

from __future__ import annotations

import contextlib
from typing import Any

PRINTER_CLASS = 7

THERMAL_VENDORS: dict[int, str] = {
    0x04B8: "Epson (TM-T82, TM-T20)",
    0x0416: "Winbond — many Chinese 58/80 mm POS printers (Xprinter, Zjiang, Eppos)",
    0x0483: "STMicroelectronics — some Xprinter and RP series",
    0x0FE6: "ICS Advent — POS-58/POS-80 clones",
    0x1FC9: "NXP — some POS printers",
    0x0519: "Star Micronics",
    0x154F: "SNBC (BTP series)",
    0x1504: "Bixolon",
    0x0DD4: "Custom",
    0x20D1: "Rongta",
    0x28E9: "GigaDevice — some POS printers",
    0x6868: "Gprinter / generic POS",
}
"""Vendor ids (idVendor) of thermal receipt printers seen in Indonesian kiosks."""

UDEV_RULE_NAME = "60-antrean-ticket-printers.rules"


def backend() -> Any:
    """The pyusb backend to use (None: pyusb's default, libusb 1.0). Tests replace this."""
    return None


def udev_rule(group: str = "lp") -> str:
    """The udev rule giving the logged-in seat user and `group` the thermal printers."""
    lines = [
        "# Antrean MPP: USB ticket printers, readable and writable by the kiosk user",
        "# (the seat's logged-in user via uaccess, and the group below) without root.",
        "# Made by `python -m ticket_printer udev-rule`; installed by scripts/install.sh kiosk.",
    ]
    for vendor, name in THERMAL_VENDORS.items():
        lines.append(f"# {name}")
        lines.append(f'SUBSYSTEM=="usb", ATTR{{idVendor}}=="{vendor:04x}", '
                     f'MODE="0660", GROUP="{group}", TAG+="uaccess"')
    lines.append("# Any other USB printer-class device")
    lines.append(f'SUBSYSTEM=="usb", ENV{{DEVTYPE}}=="usb_device", '
                 f'ATTR{{bDeviceClass}}=="00", ATTRS{{bInterfaceClass}}=="07", '
                 f'MODE="0660", GROUP="{group}", TAG+="uaccess"')
    return "\n".join(lines) + "\n"


def _is_printer(device: Any) -> bool:
    """True when the device or one of its interfaces is USB class 7 (printer)."""
    if device.bDeviceClass == PRINTER_CLASS:
        return True
    with contextlib.suppress(Exception):  # a device we may not read descriptors of
        for configuration in device:
            for interface in configuration:
                if interface.bInterfaceClass == PRINTER_CLASS:
                    return True
    return False


def _string(device: Any, index: int) -> str | None:
    """A string descriptor, or None when it cannot be read (no permission, none set)."""
    if not index:
        return None
    try:
        import usb.util

        return str(usb.util.get_string(device, index))
    except Exception:  # permission, a busy device, a missing language id: not ours to fix
        return None


def list_usb() -> list[dict[str, Any]]:
    """Every USB device that looks like a ticket printer, with the settings to use it."""
    import usb.core

    found = []
    for device in usb.core.find(find_all=True, backend=backend()) or []:
        vendor, product = int(device.idVendor), int(device.idProduct)
        printer = _is_printer(device)
        if not printer and vendor not in THERMAL_VENDORS:
            continue
        found.append({
            "vendor_id": f"0x{vendor:04x}",
            "product_id": f"0x{product:04x}",
            "bus": device.bus,
            "address": device.address,
            "printer_class": printer,
            "vendor": THERMAL_VENDORS.get(vendor),
            "manufacturer": _string(device, device.iManufacturer),
            "product": _string(device, device.iProduct),
            "settings": {"backend": "usb", "vendor_id": vendor, "product_id": product},
        })
    return found
