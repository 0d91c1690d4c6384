"""What decoded ESC/POS is made of: text lines of styled spans, feeds, QR codes, pictures, cuts."""

from __future__ import annotations

from dataclasses import dataclass

from ticket_printer.model import FONT_A_DOTS, FONT_B_DOTS

FONT_CELLS = {"a": (FONT_A_DOTS, 24), "b": (FONT_B_DOTS, 17)}
"""Character cell (width, height) in dots for Font A and Font B at 1x size."""


@dataclass(frozen=True)
class Span:
    """A run of characters printed with one style."""

    text: str
    width: int
    height: int
    bold: bool
    font: str
    underline: int = 0
    invert: bool = False

    @property
    def dots(self) -> int:
        """Horizontal space the run takes on the paper."""
        return len(self.text) * FONT_CELLS[self.font][0] * self.width


@dataclass(frozen=True)
class TextLine:
    """One printed line; an empty ``spans`` is a blank line (a feed)."""

    spans: tuple[Span, ...]
    align: str
    line_height: int
    overflowed: bool = False
    """True when the printer had to break this line itself because it was too long."""

    @property
    def text(self) -> str:
        """The line's characters, styles dropped."""
        return "".join(span.text for span in self.spans)

    @property
    def width(self) -> int:
        """Largest character width multiplier on the line."""
        return max((span.width for span in self.spans), default=1)

    @property
    def height(self) -> int:
        """Largest character height multiplier on the line."""
        return max((span.height for span in self.spans), default=1)

    @property
    def bold(self) -> bool:
        """True when every printed character on the line is bold."""
        return bool(self.spans) and all(span.bold for span in self.spans)

    @property
    def dots(self) -> int:
        """Horizontal space the line's characters take."""
        return sum(span.dots for span in self.spans)


@dataclass(frozen=True)
class Feed:
    """Blank paper fed by a dot count (ESC J)."""

    dots: int


@dataclass(frozen=True)
class QrCode:
    """A QR code printed natively by the printer (GS ( k)."""

    payload: str
    module_size: int
    error_correction: str
    align: str


@dataclass(frozen=True)
class RasterImage:
    """A 1-bit picture (GS v 0); ``rows`` holds packed bits, MSB first, 1 = black."""

    width: int
    height: int
    rows: bytes
    align: str

    def pixel(self, x: int, y: int) -> bool:
        """Tell whether the dot at (x, y) is black."""
        stride = (self.width + 7) // 8
        return bool(self.rows[y * stride + x // 8] & (0x80 >> (x % 8)))


@dataclass(frozen=True)
class Cut:
    """The paper is cut here."""

    partial: bool


Element = TextLine | Feed | QrCode | RasterImage | Cut


@dataclass(frozen=True)
class Decoded:
    """Everything a byte stream prints, in order."""

    elements: tuple[Element, ...]
    width_dots: int
    warnings: tuple[str, ...] = ()

    @property
    def lines(self) -> list[TextLine]:
        """Text lines that print something."""
        return [e for e in self.elements if isinstance(e, TextLine) and e.text.strip()]

    @property
    def texts(self) -> list[str]:
        """The printed text of every non-blank line, stripped."""
        return [line.text.strip() for line in self.lines]

    @property
    def qr_codes(self) -> list[QrCode]:
        """QR codes, in order."""
        return [e for e in self.elements if isinstance(e, QrCode)]

    @property
    def images(self) -> list[RasterImage]:
        """Pictures, in order."""
        return [e for e in self.elements if isinstance(e, RasterImage)]

    @property
    def cuts(self) -> list[Cut]:
        """Cuts, in order."""
        return [e for e in self.elements if isinstance(e, Cut)]

    def line_with(self, text: str) -> TextLine:
        """Return the first line containing ``text``; raise ``LookupError`` if none does."""
        for line in self.lines:
            if text in line.text:
                return line
        raise LookupError(f"no printed line contains {text!r}")
