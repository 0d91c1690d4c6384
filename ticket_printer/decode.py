"""Read ESC/POS bytes back into what the paper shows: text lines, QR codes, pictures and cuts.

It understands the commands this package and python-escpos emit, emulates the printer's own
line wrapping (so a line too long for the paper shows up as ``overflowed``), and records any
command it does not know in ``warnings`` instead of guessing. Used by the tests and by the
PNG preview that the virtual printer writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ticket_printer.elements import (
    FONT_CELLS,
    Cut,
    Decoded,
    Element,
    Feed,
    QrCode,
    RasterImage,
    Span,
    TextLine,
)

__all__ = [
    "FONT_CELLS",
    "Cut",
    "Decoded",
    "Element",
    "Feed",
    "QrCode",
    "RasterImage",
    "Span",
    "TextLine",
    "decode",
]

DEFAULT_LINE_SPACING = 30
_CODE_PAGES = {
    0: "cp437",
    2: "cp850",
    3: "cp860",
    4: "cp863",
    5: "cp865",
    16: "cp1252",
    17: "cp866",
    18: "cp852",
    19: "cp858",
}
_ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
_QR_EC = {48: "L", 49: "M", 50: "Q", 51: "H"}


def decode(data: bytes, width_dots: int = 576) -> Decoded:
    """Decode ``data`` as printed on a head ``width_dots`` wide."""
    return _Decoder(data, width_dots).run()


@dataclass
class _State:
    """Print modes the printer keeps between commands."""

    align: str = "left"
    bold: bool = False
    font: str = "a"
    width: int = 1
    height: int = 1
    underline: int = 0
    invert: bool = False
    spacing: int = DEFAULT_LINE_SPACING
    codec: str = "cp437"


@dataclass
class _Decoder:
    """A cursor over the bytes and the printer state they build up."""

    data: bytes
    width_dots: int
    pos: int = 0
    state: _State = field(default_factory=_State)
    elements: list[Element] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    line_align: str | None = None
    qr: dict[str, object] = field(default_factory=dict)

    def run(self) -> Decoded:
        """Walk the bytes once, emitting elements as the printer would print them."""
        while self.pos < len(self.data):
            byte = self.data[self.pos]
            self.pos += 1
            if byte == 0x0A:
                self.end_line()
            elif byte == 0x1B:
                self.esc()
            elif byte == 0x1D:
                self.gs()
            elif byte == 0x10:
                self.dle()
            elif byte in (0x0D, 0x00):
                continue
            elif byte < 0x20:
                self.warn(f"control byte 0x{byte:02x}")
            else:
                self.char(bytes([byte]).decode(self.state.codec, errors="replace"))
        if self.spans:
            self.end_line()
        return Decoded(tuple(self.elements), self.width_dots, tuple(self.warnings))

    # -- helpers -----------------------------------------------------------------------

    def take(self, count: int) -> bytes:
        """Consume ``count`` argument bytes, or fewer if the stream ends early."""
        chunk = self.data[self.pos : self.pos + count]
        if len(chunk) < count:
            self.warn("stream ends inside a command")
        self.pos += count
        return chunk

    def arg(self) -> int:
        """Consume one argument byte."""
        chunk = self.take(1)
        return chunk[0] if chunk else 0

    def warn(self, message: str) -> None:
        """Record something the decoder did not understand, with its offset."""
        self.warnings.append(f"@{self.pos}: {message}")

    def char(self, text: str) -> None:
        """Add a character, wrapping like the printer when the line is full."""
        s = self.state
        cell = FONT_CELLS[s.font][0] * s.width
        used = sum(span.dots for span in self.spans)
        if used + cell > self.width_dots:
            self.end_line(overflowed=True)
        if self.line_align is None:
            self.line_align = s.align
        last = self.spans[-1] if self.spans else None
        style = (s.width, s.height, s.bold, s.font, s.underline, s.invert)
        if (
            last
            and (last.width, last.height, last.bold, last.font, last.underline, last.invert)
            == style
        ):
            self.spans[-1] = Span(last.text + text, *style)
        else:
            self.spans.append(Span(text, *style))

    def end_line(self, overflowed: bool = False) -> None:
        """Print the buffered line (LF) and start a new one."""
        s = self.state
        if self.spans:
            tallest = max(FONT_CELLS[span.font][1] * span.height for span in self.spans)
        else:
            tallest = FONT_CELLS[s.font][1] * s.height
        self.elements.append(
            TextLine(
                tuple(self.spans), self.line_align or s.align, max(s.spacing, tallest), overflowed
            )
        )
        self.spans = []
        self.line_align = None

    def flush_partial_line(self) -> None:
        """Print pending text before a graphic, as the printer does."""
        if self.spans:
            self.end_line()

    # -- command families --------------------------------------------------------------

    def esc(self) -> None:
        """ESC commands: modes, alignment, feeds, code pages."""
        s, cmd = self.state, self.arg()
        if cmd == ord("@"):
            self.flush_partial_line()
            self.state = _State()
        elif cmd == ord("!"):
            mode = self.arg()
            s.font = "b" if mode & 0x01 else "a"
            s.bold = bool(mode & 0x08)
            s.height = 2 if mode & 0x10 else 1
            s.width = 2 if mode & 0x20 else 1
            s.underline = 1 if mode & 0x80 else 0
        elif cmd == ord("E"):
            s.bold = bool(self.arg() & 1)
        elif cmd == ord("-"):
            s.underline = self.arg() % 48
        elif cmd == ord("M"):
            s.font = "b" if self.arg() in (1, 49) else "a"
        elif cmd == ord("a"):
            s.align = _ALIGN.get(self.arg(), "left")
            if not self.spans:
                self.line_align = None
        elif cmd == ord("d"):
            self.flush_partial_line()
            for _ in range(self.arg()):
                self.end_line()
        elif cmd == ord("J"):
            self.flush_partial_line()
            self.elements.append(Feed(self.arg()))
        elif cmd == ord("2"):
            s.spacing = DEFAULT_LINE_SPACING
        elif cmd == ord("3"):
            s.spacing = self.arg()
        elif cmd == ord("t"):
            page = self.arg()
            s.codec = _CODE_PAGES.get(page, "cp437")
            if page not in _CODE_PAGES:
                self.warn(f"code page {page} decoded as cp437")
        elif cmd in (ord("i"), ord("m")):
            self.flush_partial_line()
            self.elements.append(Cut(partial=True))
        elif cmd == ord("R"):
            if self.arg() != 0:
                self.warn("international character set other than USA")
        elif cmd in (ord("{"), ord("G"), ord("V"), ord("r"), ord("c")):
            # Upside-down, double-strike, rotation, colour, panel switches: no effect here.
            if cmd == ord("c"):
                self.arg()
            self.arg()
        else:
            self.warn(f"unknown command ESC 0x{cmd:02x}")

    def gs(self) -> None:
        """GS commands: character size, reverse, cuts, pictures, QR codes."""
        s, cmd = self.state, self.arg()
        if cmd == ord("!"):
            size = self.arg()
            s.width, s.height = (size >> 4) + 1, (size & 0x0F) + 1
        elif cmd == ord("B"):
            s.invert = bool(self.arg() & 1)
        elif cmd in (ord("b"), ord("|")):
            self.arg()  # smoothing, density: change the look, not the content
        elif cmd == ord("V"):
            self.cut()
        elif cmd == ord("v"):
            self.raster()
        elif cmd == ord("("):
            self.gs_paren()
        else:
            self.warn(f"unknown command GS 0x{cmd:02x}")

    def cut(self) -> None:
        """GS V: function A (m) or B (m, n), full or partial."""
        self.flush_partial_line()
        mode = self.arg()
        if mode in (65, 66, 97, 98, 103, 104):
            self.arg()
        elif mode not in (0, 1, 48, 49):
            self.warn(f"unknown cut mode {mode}")
        self.elements.append(Cut(partial=mode in (1, 49, 66, 98, 104)))

    def raster(self) -> None:
        """GS v 0: a raster bit image."""
        self.flush_partial_line()
        if self.arg() != ord("0"):
            self.warn("GS v without '0'")
        self.arg()  # density: stretches on paper, same picture
        head = self.take(4)
        if len(head) < 4:
            return
        width_bytes = head[0] + head[1] * 256
        height = head[2] + head[3] * 256
        rows = self.take(width_bytes * height)
        self.elements.append(RasterImage(width_bytes * 8, height, bytes(rows), self.state.align))

    def gs_paren(self) -> None:
        """GS ( k (2D codes); other GS ( functions are skipped by their length."""
        kind = self.arg()
        head = self.take(2)
        length = head[0] + head[1] * 256 if len(head) == 2 else 0
        body = self.take(length)
        if kind != ord("k") or len(body) < 2:
            self.warn(f"skipped GS ( 0x{kind:02x}")
            return
        symbol, function = body[0], body[1]
        if symbol != 49:
            self.warn(f"2D code type {symbol} is not QR")
            return
        if function == 67:
            self.qr["size"] = body[2]
        elif function == 69:
            self.qr["ec"] = _QR_EC.get(body[2], "?")
        elif function == 80:
            self.qr["data"] = body[3:]
        elif function == 81:
            self.flush_partial_line()
            stored = self.qr.get("data", b"")
            payload = stored.decode("utf-8", "replace") if isinstance(stored, bytes) else ""
            size = self.qr.get("size", 3)
            self.elements.append(
                QrCode(
                    payload,
                    size if isinstance(size, int) else 3,
                    str(self.qr.get("ec", "L")),
                    self.state.align,
                )
            )

    def dle(self) -> None:
        """DLE EOT / DLE ENQ real-time requests do not print; note them and move on."""
        cmd = self.arg()
        if cmd in (0x04, 0x05):
            self.arg()
        self.warn(f"real-time command DLE 0x{cmd:02x} inside print data")
