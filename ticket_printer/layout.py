"""Lay a ticket out as ESC/POS bytes: a pure function of the ticket and the paper."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import qrcode
from PIL import Image, ImageOps

from ticket_printer._escpos import QR_ECLEVEL_M, dummy_printer
from ticket_printer.model import FONT_A_DOTS, FONT_B_DOTS, Paper, TicketData
from ticket_printer.text import (
    LABELS,
    fits_words,
    format_issued_at,
    format_wait,
    key_value,
    to_ascii,
    wrap,
    wrap_balanced,
)

log = logging.getLogger(__name__)

ESC = b"\x1b"
MAX_NUMBER_SIZE = 7
"""Largest character multiplier for the ticket number (GS ! allows 8; 7 leaves a margin)."""
LOGO_MAX_HEIGHT = 120
QR_SHARE_OF_WIDTH = 0.5
QR_MAX_MODULE = 6
"""Dots per QR module at most: about 25 mm for a status URL on 80 mm paper."""
COMPLAINT_QR_SHARE_OF_WIDTH = 0.3
COMPLAINT_QR_MAX_MODULE = 4
"""The complaint QR code is smaller: the ticket's own status comes first."""
SMALL_LINE_SPACING = 24
"""Line pitch for Font B paragraphs; the default 30 dots leaves 17-dot text looking sparse."""


def render_ticket(ticket: TicketData, paper: Paper) -> bytes:
    """Return the ESC/POS bytes that print ``ticket`` on ``paper``, ending with a cut.

    Pure: the same ticket and paper always give the same bytes. The only file read is the
    optional logo; a missing or unreadable logo is logged and left out, never fatal.
    """
    printer = dummy_printer(paper.profile, paper.width_dots)
    _Ticket(_Writer(printer, paper), ticket).write()
    return bytes(printer.output)


@dataclass
class _Writer:
    """Thin helper over escpos' Dummy that knows the paper's width in characters."""

    printer: Any
    paper: Paper

    def style(
        self,
        *,
        align: str = "left",
        bold: bool = False,
        width: int = 1,
        height: int = 1,
        small: bool = False,
        invert: bool = False,
    ) -> None:
        """Set every text attribute at once, so no style leaks from one block to the next."""
        self.printer.set(
            align=align,
            bold=bold,
            font="b" if small else "a",
            custom_size=True,
            width=width,
            height=height,
            invert=invert,
            smooth=width >= 3,
        )

    def columns(self, width: int = 1, small: bool = False) -> int:
        """Characters per line at character width multiplier ``width``."""
        cell = FONT_B_DOTS if small else FONT_A_DOTS
        return self.paper.width_dots // (cell * width)

    def paragraph(
        self,
        text: str,
        *,
        align: str = "center",
        bold: bool = False,
        width: int = 1,
        height: int = 1,
        small: bool = False,
    ) -> None:
        """Print ``text`` wrapped between words, shrinking the width if a word would not fit."""
        while width > 1 and not fits_words(text, self.columns(width, small)):
            width -= 1
        columns = self.columns(width, small)
        lines = wrap_balanced(text, columns) if align == "center" else wrap(text, columns)
        if not lines:
            return
        self.style(align=align, bold=bold, width=width, height=height, small=small)
        if small:
            self.printer.line_spacing(SMALL_LINE_SPACING)
        for line in lines:
            self.printer.textln(line)
        if small:
            self.printer.line_spacing()

    def lines(self, lines: list[str], *, align: str = "left", bold: bool = False) -> None:
        """Print lines that are already laid out to the paper's width."""
        self.style(align=align, bold=bold)
        for line in lines:
            self.printer.textln(line)

    def rule(self) -> None:
        """Print a thin dashed line across the paper to separate sections."""
        self.style(align="center", small=True)
        self.printer.textln("- " * (self.columns(small=True) // 2))

    def feed_dots(self, dots: int) -> None:
        """Feed ``dots`` dot rows (ESC J), for gaps finer than a text line."""
        self.printer._raw(ESC + b"J" + bytes([max(0, min(255, dots))]))

    def image(self, image: Image.Image) -> None:
        """Print a picture centred by padding it to the full paper width with white."""
        picture = image.convert("L")
        left = (self.paper.width_dots - picture.width) // 2
        canvas = Image.new("L", (self.paper.width_dots, picture.height), 255)
        canvas.paste(picture, (max(0, left), 0))
        self.style(align="left")
        self.printer.image(canvas.convert("1"), impl="bitImageRaster", center=False)

    def qr(self, payload: str, share: float = QR_SHARE_OF_WIDTH,
           max_module: int = QR_MAX_MODULE) -> None:
        """Print a QR code centred: natively (GS ( k) when the profile can, else as a picture.

        At most `share` of the paper wide, with modules of at most `max_module` dots.
        """
        matrix = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
        matrix.add_data(payload)
        matrix.make(fit=True)
        modules = matrix.modules_count
        size = max(1, min(max_module, int(self.paper.width_dots * share) // modules))
        self.style(align="center")
        if self.printer.profile.supports("qrCode"):
            self.printer.qr(payload, ec=QR_ECLEVEL_M, size=size, native=True)
        else:
            picture = matrix.make_image().get_image().convert("L")
            self.image(picture.resize((modules * size, modules * size), Image.Resampling.NEAREST))

    def cut(self) -> None:
        """Feed past the cutter and cut (escpos only feeds if the profile has no cutter)."""
        self.style()
        self.printer.cut(mode="FULL")


@dataclass
class _Ticket:
    """The order and look of a ticket's sections, top to bottom."""

    out: _Writer
    ticket: TicketData

    def write(self) -> None:
        """Emit every section of the ticket, then cut."""
        labels = LABELS[self.ticket.language]
        self.out.printer.hw("INIT")
        # ESC R 0: USA character set, since a printer set up for another country prints
        # some ASCII punctuation (# $ @ [ \ ] ^ ` { | } ~) as local letters.
        self.out.printer._raw(ESC + b"R\x00")
        self.header()
        self.number(labels["queue_number"])
        self.service()
        self.out.rule()
        self.facts(labels)
        self.bring(labels["bring"])
        self.qr(labels["scan"])
        self.footer(labels["keep"])
        self.complaints()
        self.out.cut()

    def header(self) -> None:
        """Logo and the mall's name."""
        logo = _load_logo(self.ticket, self.out.paper)
        if logo is not None:
            self.out.image(logo)
            self.out.feed_dots(12)
        self.out.paragraph(self.ticket.mpp_name, bold=True, height=2)
        self.out.rule()

    def number(self, caption: str) -> None:
        """The queue number, as large as the paper allows, with any priority or channel badge."""
        label = to_ascii(self.ticket.ticket_label)
        self.out.paragraph(caption)
        self.out.feed_dots(8)
        size = max(1, min(MAX_NUMBER_SIZE, self.out.columns() // max(1, len(label))))
        self.out.paragraph(label, bold=True, width=size, height=size)
        self.out.feed_dots(8)
        for note in (self.ticket.priority_label, self.ticket.channel_note):
            if not note:
                continue
            badge = to_ascii(note).upper()
            self.out.style(align="center", bold=True, invert=True)
            for line in wrap(badge, self.out.columns() - 2):
                self.out.printer.textln(f" {line} ")
            self.out.feed_dots(8)

    def service(self) -> None:
        """Tenant (who) and service (what), the service larger since it is what was chosen."""
        self.out.paragraph(self.ticket.tenant_name, bold=True)
        self.out.paragraph(self.ticket.service_name, height=2)

    def facts(self, labels: dict[str, str]) -> None:
        """Time of issue, people ahead and the estimated wait."""
        ticket, columns = self.ticket, self.out.columns()
        self.out.paragraph(format_issued_at(ticket.issued_at, ticket.language))
        self.out.feed_dots(8)
        rows = key_value(labels["people_ahead"], str(ticket.people_ahead), columns)
        if ticket.estimated_wait_minutes is not None:
            wait = format_wait(ticket.estimated_wait_minutes, ticket.language)
            rows += key_value(labels["estimated_wait"], wait, columns)
        self.out.lines(rows, bold=False)
        if ticket.estimated_wait_minutes is None and ticket.wait_note:
            self.out.paragraph(ticket.wait_note, bold=True)
        if ticket.reprint_note:
            self.out.paragraph(ticket.reprint_note, bold=True)
        self.out.rule()

    def bring(self, heading: str) -> None:
        """The short "what to bring" note, if any."""
        if not to_ascii(self.ticket.bring_note):
            return
        self.out.paragraph(heading, align="left", bold=True)
        self.out.paragraph(self.ticket.bring_note, align="left")
        self.out.feed_dots(8)

    def qr(self, caption: str) -> None:
        """The QR code to the ticket's status page, with a caption saying what it is for."""
        if not self.ticket.status_url:
            return
        self.out.feed_dots(16)
        self.out.qr(self.ticket.status_url)
        self.out.feed_dots(8)
        self.out.paragraph(caption, small=True)

    def footer(self, keep_note: str) -> None:
        """A reminder to keep the ticket and the mall's configurable footer."""
        self.out.rule()
        self.out.paragraph(keep_note, small=True)
        self.out.feed_dots(6)
        self.out.paragraph(self.ticket.footer, small=True)

    def complaints(self) -> None:
        """Where to complain (SP4N-LAPOR!): a small QR code with its caption, last."""
        if not self.ticket.complaint_url:
            return
        self.out.feed_dots(16)
        self.out.qr(self.ticket.complaint_url, COMPLAINT_QR_SHARE_OF_WIDTH,
                    COMPLAINT_QR_MAX_MODULE)
        if self.ticket.complaint_text:
            self.out.feed_dots(6)
            self.out.paragraph(self.ticket.complaint_text, small=True)


def _load_logo(ticket: TicketData, paper: Paper) -> Image.Image | None:
    """Read and shrink the logo to a printable size, or ``None`` if it cannot be read."""
    if ticket.logo_path is None:
        return None
    try:
        with Image.open(ticket.logo_path) as source:
            picture = source.convert("RGBA")
    except (OSError, ValueError) as error:
        log.warning("logo %s left out of the ticket: %s", ticket.logo_path, error)
        return None
    flat = Image.new("RGBA", picture.size, (255, 255, 255, 255))
    flat.alpha_composite(picture)
    grey = flat.convert("L")
    box = (int(paper.width_dots * 0.5), LOGO_MAX_HEIGHT)
    return ImageOps.contain(grey, box, Image.Resampling.LANCZOS)
