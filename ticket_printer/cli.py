"""Ticket printer tool: list printer profiles, render a preview PNG, print a test ticket,
ask a printer for its status. Results go to stdout as JSON; diagnostics to the log (-v).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ticket_printer._escpos import profile_names, profile_summary
from ticket_printer.errors import PrinterError
from ticket_printer.factory import open_printer
from ticket_printer.layout import render_ticket
from ticket_printer.model import Paper, TicketData
from ticket_printer.preview import preview_png
from ticket_printer.target import PrinterTarget

log = logging.getLogger("ticket_printer.cli")
JAKARTA = ZoneInfo("Asia/Jakarta")


def sample_ticket(
    language: str = "id", issued_at: datetime | None = None, **overrides: object
) -> TicketData:
    """Return a realistic ticket for test prints and previews."""
    english = language == "en"
    fields: dict[str, object] = {
        "mpp_name": "Mal Pelayanan Publik Kota Cilegon",
        "tenant_name": "Population and Civil Registration Office"
        if english
        else "Dinas Kependudukan dan Pencatatan Sipil",
        "service_name": "Electronic ID card (KTP-el)"
        if english
        else "Perekaman dan Pencetakan KTP-el",
        "ticket_label": "A-012",
        "issued_at": issued_at or datetime.now(JAKARTA),
        "people_ahead": 4,
        "estimated_wait_minutes": 25,
        "bring_note": "Original KTP and a copy of the family card"
        if english
        else "KTP asli dan fotokopi Kartu Keluarga",
        "status_url": "http://127.0.0.1:8765/tiket/demo-a-012",
        "footer": ("Complaints" if english else "Pengaduan")
        + ": SP4N-LAPOR! lapor.go.id / WA 0811-0000-000",
        "language": language,
    }
    fields.update({key: value for key, value in overrides.items() if value is not None})
    return TicketData(**fields)  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.run(args))
    except BrokenPipeError:  # output piped into `head`: not an error worth a traceback
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep stdout valid until exit
        return 0
    except PrinterError as error:
        print(
            json.dumps(
                {
                    "ok": False,
                    "code": error.code,
                    "message_id": error.message_id,
                    "message_en": error.message_en,
                    "detail": error.detail,
                }
            )
        )
        return 1


def _profiles(args: argparse.Namespace) -> int:
    """Print the printer profiles python-escpos knows."""
    print(f"{'profile':<18} {'dots':>5}  {'native QR':<9}  {'cut':<3}  model")
    for name in profile_names():
        info = profile_summary(name)
        dots = info["width_dots"] or "?"
        print(
            f"{name:<18} {dots:>5}  {'yes' if info['native_qr'] else 'no':<9}  "
            f"{'yes' if info['cut'] else 'no':<3}  {info['model']}"
        )
    print("\nPaper: 80 mm = 576 dots, 58 mm = 384 dots, with any profile (default TM-T20II).")
    return 0


def _preview(args: argparse.Namespace) -> int:
    """Render a ticket (or saved ESC/POS bytes) to a PNG."""
    paper = Paper.for_mm(args.paper, args.profile)
    if args.from_bytes:
        data = Path(args.from_bytes).read_bytes()
    else:
        ticket = sample_ticket(
            args.language,
            ticket_label=args.label,
            tenant_name=args.tenant,
            service_name=args.service,
            logo_path=args.logo,
            priority_label=args.priority,
        )
        data = render_ticket(ticket, paper)
    if args.save_bytes:
        Path(args.save_bytes).write_bytes(data)
    Path(args.out).write_bytes(preview_png(data, paper.width_dots))
    print(json.dumps({"ok": True, "preview": str(args.out), "bytes": len(data)}))
    return 0


def _print_test(args: argparse.Namespace) -> int:
    """Print the sample ticket on the configured printer."""
    target = _target(args)
    result = open_printer(target).print_ticket(sample_ticket(args.language))
    print(
        json.dumps(
            {
                "ok": True,
                "printer": target.describe(),
                "bytes_sent": result.bytes_sent,
                "status_before": result.status.as_dict() if result.status else None,
                "preview": str(result.preview_path) if result.preview_path else None,
                "job_id": result.job_id,
            }
        )
    )
    return 0


def _status(args: argparse.Namespace) -> int:
    """Print the printer's status; exit 0 only when it positively says it is ready."""
    target = _target(args)
    status = open_printer(target).status()
    print(json.dumps({"printer": target.describe(), **status.as_dict(), "ready": status.ready}))
    return 0 if status.ready else 1


def _list_usb(args: argparse.Namespace) -> int:
    """Print the USB devices that look like ticket printers, as JSON lines; 1 if none."""
    from ticket_printer.errors import BackendUnavailable

    try:
        import usb.core

        from ticket_printer.usb_devices import list_usb
    except ImportError as error:
        raise BackendUnavailable("listing USB printers needs pyusb (pip install pyusb)"
                                 ) from error
    try:
        found = list_usb()
    except usb.core.NoBackendError as error:
        raise BackendUnavailable(
            "listing USB printers needs libusb (Debian: apt-get install libusb-1.0-0)"
        ) from error
    for device in found:
        print(json.dumps(device, ensure_ascii=False))
    if not found:
        print("no USB ticket printer found (is it plugged in and switched on?)",
              file=sys.stderr)
    return 0 if found else 1


def _udev_rule(args: argparse.Namespace) -> int:
    """Print the udev rule that lets the kiosk's user open USB ticket printers."""
    from ticket_printer.usb_devices import udev_rule

    print(udev_rule(args.group), end="")
    return 0


def _target(args: argparse.Namespace) -> PrinterTarget:
    """Build a target from the command-line options."""
    return PrinterTarget.from_settings(
        {
            "backend": args.backend,
            "paper_mm": args.paper,
            "timeout_s": args.timeout,
            "vendor_id": args.vendor_id,
            "product_id": args.product_id,
            "device": args.device,
            "baudrate": args.baudrate,
            "flow_control": args.flow_control,
            "host": args.host,
            "port": args.port,
            "queue": args.queue,
            "path": args.path,
            "folder": args.folder,
            "profile": args.profile,
            "check_status": not args.no_status_check,
            "simulate": args.simulate,
        }
    )


def _parser() -> argparse.ArgumentParser:
    """Describe the command line."""
    parser = argparse.ArgumentParser(prog="python -m ticket_printer", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log diagnostics")
    # -v is also accepted after the command; SUPPRESS keeps a command given no -v from
    # resetting one given before it.
    verbose = argparse.ArgumentParser(add_help=False)
    verbose.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                         help="log diagnostics")
    commands = parser.add_subparsers(dest="command", required=True)

    profiles = commands.add_parser("profiles", parents=[verbose], help="list printer profiles")
    profiles.set_defaults(run=_profiles)

    preview = commands.add_parser("preview", parents=[verbose], help="render a ticket to a PNG")
    _paper_options(preview)
    preview.add_argument("--out", required=True, help="PNG file to write")
    preview.add_argument("--language", choices=("id", "en"), default="id")
    preview.add_argument("--label", help="ticket number, e.g. B-007")
    preview.add_argument("--tenant", help="tenant name")
    preview.add_argument("--service", help="service name")
    preview.add_argument("--priority", help='priority badge, e.g. "Prioritas: Lansia"')
    preview.add_argument("--logo", type=Path, help="logo image file")
    preview.add_argument("--from-bytes", help="preview saved ESC/POS bytes instead")
    preview.add_argument("--save-bytes", help="also write the ESC/POS bytes to this file")
    preview.set_defaults(run=_preview)

    test = commands.add_parser("print-test", parents=[verbose], help="print a sample ticket")
    _target_options(test)
    test.add_argument("--language", choices=("id", "en"), default="id")
    test.set_defaults(run=_print_test)

    status = commands.add_parser("status", parents=[verbose], help="ask the printer for its status")
    _target_options(status)
    status.set_defaults(run=_status)

    list_usb = commands.add_parser(
        "list-usb", parents=[verbose], help="find USB ticket printers (vendor and product id)",
        description="List USB devices that look like ticket printers (printer class, or a "
        "known thermal printer vendor), one JSON object a line with the [printer] settings "
        "to use. Exit 1 if none is found.")
    list_usb.set_defaults(run=_list_usb)

    rule = commands.add_parser(
        "udev-rule", parents=[verbose], help="print the udev rule for USB ticket printers",
        description="Print a udev rule letting the kiosk's user open USB ticket printers "
        "without root (scripts/install.sh kiosk installs it in /etc/udev/rules.d).")
    rule.add_argument("--group", default="lp", help="group given the printers (default lp)")
    rule.set_defaults(run=_udev_rule)
    return parser


def _paper_options(parser: argparse.ArgumentParser) -> None:
    """Options choosing the paper and the profile."""
    parser.add_argument("--paper", type=int, choices=(80, 58), default=80, help="roll width, mm")
    parser.add_argument("--profile", default="TM-T20II", help="python-escpos profile")


def _target_options(parser: argparse.ArgumentParser) -> None:
    """Options describing where the printer is."""
    _paper_options(parser)
    parser.add_argument(
        "--backend", required=True, choices=("usb", "serial", "network", "cups", "file", "virtual")
    )
    parser.add_argument("--timeout", type=float, default=2.0, help="seconds (default 2)")
    parser.add_argument("--vendor-id", type=lambda s: int(s, 0), help="usb: e.g. 0x04b8")
    parser.add_argument("--product-id", type=lambda s: int(s, 0), help="usb: e.g. 0x0e15")
    parser.add_argument("--device", help="serial: e.g. /dev/ttyUSB0")
    parser.add_argument("--baudrate", type=int, default=19200, help="serial (default 19200)")
    parser.add_argument(
        "--flow-control",
        default="none",
        choices=("none", "rtscts", "dsrdtr", "xonxoff"),
        help="serial",
    )
    parser.add_argument("--host", help="network: printer address")
    parser.add_argument("--port", type=int, default=9100, help="network (default 9100)")
    parser.add_argument("--queue", help="cups: queue name")
    parser.add_argument("--path", help="file: e.g. /dev/usb/lp0 or a capture file")
    parser.add_argument("--folder", help="virtual: folder for PNG tickets")
    parser.add_argument(
        "--simulate",
        choices=("paper_out", "offline", "cover_open", "near_end", "timeout"),
        help="virtual: fake a fault",
    )
    parser.add_argument(
        "--no-status-check", action="store_true", help="do not ask the printer before printing"
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
