"""Draw decoded ESC/POS as a PNG that looks like the paper, for the demo kiosk and the tests."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from ticket_printer.decode import (
    FONT_CELLS,
    Cut,
    Decoded,
    Element,
    Feed,
    QrCode,
    RasterImage,
    Span,
    TextLine,
    decode,
)

PAPER = (253, 252, 248)
INK = (28, 28, 32)
EDGE = (205, 203, 196)
MARGIN = 32
"""Unprinted paper each side of the head's width (80 mm paper, 72 mm printable: ~4 mm)."""
TOP = 24
_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/dejavu"),
    Path("/Library/Fonts"),
)
_QR_EC = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont


def preview_png(data: bytes, width_dots: int) -> bytes:
    """Return a PNG of what ``data`` prints on a head ``width_dots`` wide."""
    buffer = io.BytesIO()
    render_preview(decode(data, width_dots)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def render_preview(decoded: Decoded) -> Image.Image:
    """Draw ``decoded`` on a paper-coloured strip, one dot per pixel, cut edges dashed."""
    elements = _trim_feed_before_cuts(list(decoded.elements))
    height = TOP + sum(_height(element) for element in elements) + TOP
    width = decoded.width_dots + 2 * MARGIN
    page = Image.new("RGB", (width, max(height, 2 * TOP)), PAPER)
    draw = ImageDraw.Draw(page)
    y = TOP
    for index, element in enumerate(elements):
        if isinstance(element, TextLine):
            _draw_line(page, element, y, decoded.width_dots)
        elif isinstance(element, QrCode):
            _draw_qr(page, element, y, decoded.width_dots)
        elif isinstance(element, RasterImage):
            _paste(page, _raster_to_image(element), element.align, y, decoded.width_dots)
        elif isinstance(element, Cut) and index < len(elements) - 1:
            cut_y = y + TOP // 2
            for x in range(0, width, 12):
                draw.line([(x, cut_y), (x + 6, cut_y)], fill=EDGE, width=2)
        y += _height(element)
    draw.rectangle([0, 0, width - 1, page.height - 1], outline=EDGE)
    return page


def _trim_feed_before_cuts(elements: list[Element]) -> list[Element]:
    """Drop the blank paper fed past the cutter: on a real ticket it ends up above the next."""
    trimmed: list[Element] = []
    for element in elements:
        if isinstance(element, Cut):
            while trimmed and _is_blank(trimmed[-1]):
                trimmed.pop()
        trimmed.append(element)
    return trimmed


def _is_blank(element: Element) -> bool:
    """Tell whether an element prints nothing but moves the paper."""
    return isinstance(element, Feed) or (isinstance(element, TextLine) and not element.spans)


def _height(element: Element) -> int:
    """Vertical dots an element takes on the paper."""
    if isinstance(element, TextLine):
        return element.line_height
    if isinstance(element, Feed):
        return element.dots
    if isinstance(element, QrCode):
        return _qr_modules(element) * element.module_size
    if isinstance(element, RasterImage):
        return element.height
    return TOP


def _draw_line(page: Image.Image, line: TextLine, y: int, width_dots: int) -> None:
    """Draw a text line, its spans side by side, aligned like the printer aligns it."""
    if not line.spans:
        return
    pieces = [_render_span(span) for span in line.spans]
    total = sum(piece.width for piece in pieces)
    x = MARGIN + _offset(line.align, total, width_dots)
    baseline = y + line.line_height
    for piece in pieces:
        page.paste(piece, (x, baseline - piece.height))
        x += piece.width


def _render_span(span: Span) -> Image.Image:
    """Render one span in its cell grid, scaled like the printer scales characters."""
    cell_w, cell_h = FONT_CELLS[span.font]
    scale = span.height
    font = _font(span.font, span.bold, scale)
    tall_w = cell_w * scale
    background, colour = (INK, PAPER) if span.invert else (PAPER, INK)
    piece = Image.new("RGB", (tall_w * len(span.text), cell_h * scale), background)
    draw = ImageDraw.Draw(piece)
    for index, char in enumerate(span.text):
        cx = index * tall_w + tall_w / 2
        draw.text((cx, cell_h * scale * 0.52), char, font=font, fill=colour, anchor="mm")
    if span.underline:
        draw.line(
            [(0, piece.height - 2), (piece.width, piece.height - 2)],
            fill=colour,
            width=span.underline * scale,
        )
    if span.width != span.height:
        piece = piece.resize(
            (cell_w * span.width * len(span.text), piece.height), Image.Resampling.LANCZOS
        )
    return piece


@lru_cache(maxsize=64)
def _font(font: str, bold: bool, scale: int) -> FontType:
    """Load a monospace face sized to fill a printer cell, or Pillow's built-in one."""
    size = (20 if font == "a" else 15) * scale
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    for folder in _FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size)


def _qr_modules(qr: QrCode) -> int:
    """Side of the QR symbol in modules, as the printer would choose it."""
    return len(_qr_matrix(qr.payload, qr.error_correction))


@lru_cache(maxsize=32)
def _qr_matrix(payload: str, error_correction: str) -> tuple[tuple[bool, ...], ...]:
    """Compute the QR symbol for ``payload`` (smallest version, like the printer's auto size)."""
    code = qrcode.QRCode(error_correction=_QR_EC.get(error_correction, _QR_EC["L"]), border=0)
    code.add_data(payload)
    code.make(fit=True)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def _draw_qr(page: Image.Image, qr: QrCode, y: int, width_dots: int) -> None:
    """Draw a QR code at its module size where the printer would put it."""
    matrix = _qr_matrix(qr.payload, qr.error_correction)
    size = len(matrix) * qr.module_size
    picture = Image.new("RGB", (size, size), PAPER)
    draw = ImageDraw.Draw(picture)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                x0, y0 = col * qr.module_size, row * qr.module_size
                draw.rectangle([x0, y0, x0 + qr.module_size - 1, y0 + qr.module_size - 1], fill=INK)
    _paste(page, picture, qr.align, y, width_dots)


def _raster_to_image(raster: RasterImage) -> Image.Image:
    """Turn a 1-bit raster into ink on paper."""
    mask = Image.frombytes("1", (raster.width, raster.height), raster.rows)
    picture = Image.new("RGB", mask.size, PAPER)
    picture.paste(INK, (0, 0), mask)
    return picture


def _paste(page: Image.Image, picture: Image.Image, align: str, y: int, width_dots: int) -> None:
    """Paste a picture at ``y`` with the printer's alignment."""
    page.paste(picture, (MARGIN + _offset(align, picture.width, width_dots), y))


def _offset(align: str, used: int, width_dots: int) -> int:
    """Left offset inside the printable width for an alignment."""
    if align == "center":
        return max(0, (width_dots - used) // 2)
    if align == "right":
        return max(0, width_dots - used)
    return 0
