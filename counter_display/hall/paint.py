"""Painting helpers for the hall display: colours, fonts that fit, text in a box.

Everything on the TV is painted in proportion to the widget's height, so one design
serves 1920×1080 and 1280×720 alike; `fitted_font` shrinks a font until the text fits
its box, so a long counter name or ticket number never spills over.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

FAMILY = "DejaVu Sans"

BACKGROUND = QColor("#07111f")
PANEL = QColor("#102340")
PANEL_EDGE = QColor("#1f3b66")
HEADER_TOP = QColor("#0b2545")
HEADER_BOTTOM = QColor("#13315c")
ACCENT = QColor("#ffb300")
TEXT = QColor("#ffffff")
TEXT_DIM = QColor("#9fb3c8")
TEXT_MUTED = QColor("#6b7d93")
NUMBER = QColor("#ffe066")
PAUSED = QColor("#f59e0b")
HIGHLIGHT = QColor("#ffb300")
HIGHLIGHT_TEXT = QColor("#0b0f17")
OFFLINE = QColor("#dc2626")
TICKER_BG = QColor("#ffb300")
TICKER_TEXT = QColor("#0b0f17")

ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ALIGN_CENTER = Qt.AlignmentFlag.AlignCenter


def font(pixels: float, bold: bool = False) -> QFont:
    """A font of this pixel size (at least 8 px)."""
    result = QFont(FAMILY)
    result.setPixelSize(max(8, round(pixels)))
    result.setBold(bold)
    return result


def fitted_font(text: str, max_pixels: float, width: float, bold: bool = False,
                min_pixels: float = 8) -> QFont:
    """The biggest font up to `max_pixels` whose rendering of `text` fits in `width`."""
    size = max(min_pixels, max_pixels)
    candidate = font(size, bold)
    advance = QFontMetricsF(candidate).horizontalAdvance(text)
    if advance > width > 0:
        size = max(min_pixels, size * width / advance * 0.98)
        candidate = font(size, bold)
        while (QFontMetricsF(candidate).horizontalAdvance(text) > width
               and candidate.pixelSize() > min_pixels):
            candidate.setPixelSize(candidate.pixelSize() - 1)
    return candidate


def common_size(texts: list[str], max_pixels: float, width: float, bold: bool = False) -> float:
    """One font size that fits every text in `width` (so a row of numbers looks even)."""
    sizes = [fitted_font(text, max_pixels, width, bold).pixelSize() for text in texts if text]
    return float(min(sizes)) if sizes else max_pixels


def draw_fitted(painter: QPainter, rect: QRectF, text: str, max_pixels: float,
                colour: QColor, bold: bool = False,
                align: Qt.AlignmentFlag = ALIGN_CENTER) -> None:
    """Draw `text` in `rect`, as big as `max_pixels` allows without spilling out."""
    if not text:
        return
    painter.setFont(fitted_font(text, min(max_pixels, rect.height() * 0.92), rect.width(),
                                bold))
    painter.setPen(colour)
    painter.drawText(rect, int(align), text)


def elide(text: str, pixels: float, width: float, bold: bool = False) -> str:
    """Cut `text` with an ellipsis to fit `width` at this size (for list rows)."""
    metrics = QFontMetricsF(font(pixels, bold))
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
