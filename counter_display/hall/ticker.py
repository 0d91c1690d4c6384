"""The running text at the bottom of the hall display, scrolled by a QTimer.

The position comes from elapsed time, not from counting timer ticks, so the speed
stays even when the machine is busy; only this strip is repainted on each tick.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QRectF, QTimer
from PySide6.QtGui import QFontMetricsF, QHideEvent, QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import QWidget

from counter_display.hall import paint as p

FRAME_MS = 33
SPEED_HEIGHTS_PER_S = 1.8
"""Scroll speed in strip heights per second (about 135 px/s on a 1080-line TV)."""


class Ticker(QWidget):
    """A strip of text moving right to left, forever, with a fixed label at the left."""

    def __init__(self, text: str, label: str = "INFO", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = " ".join(text.split())
        self.label = label
        self.clock = QElapsedTimer()
        self.clock.start()
        self.frozen_at_ms: float | None = None
        """Set to draw a fixed position (screenshots, tests)."""
        self.timer = QTimer(self, interval=FRAME_MS)
        self.timer.timeout.connect(self.update)

    def set_text(self, text: str) -> None:
        """Change the running text (the scroll position carries on)."""
        text = " ".join(text.split())
        if text != self.text:
            self.text = text
            self.update()

    def showEvent(self, event: QShowEvent) -> None:
        """Scroll only while visible."""
        super().showEvent(event)
        if self.frozen_at_ms is None:
            self.timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        """Stop the timer while hidden."""
        self.timer.stop()
        super().hideEvent(event)

    def freeze(self, at_ms: float) -> None:
        """Stop scrolling and show the position at this time (for screenshots)."""
        self.frozen_at_ms = at_ms
        self.timer.stop()
        self.update()

    def offset(self, text_width: float) -> float:
        """How far the text has moved, in pixels, modulo one text-and-gap period."""
        elapsed = self.frozen_at_ms if self.frozen_at_ms is not None else self.clock.elapsed()
        speed = self.height() * SPEED_HEIGHTS_PER_S
        period = text_width + self.height() * 4
        return (elapsed / 1000 * speed) % period

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Paint the band, the moving text and the fixed label."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        w, h = self.width(), self.height()
        painter.fillRect(self.rect(), p.TICKER_BG)
        text_font = p.font(h * 0.5, bold=True)
        painter.setFont(text_font)
        painter.setPen(p.TICKER_TEXT)
        text_width = QFontMetricsF(text_font).horizontalAdvance(self.text)
        period = text_width + h * 4
        label_font = p.font(h * 0.42, bold=True)
        label_w = QFontMetricsF(label_font).horizontalAdvance(self.label) + h * 0.8
        x = label_w + h * 0.6 - self.offset(text_width)
        while x < w:
            painter.drawText(QRectF(x, 0, text_width + 2, h), int(p.ALIGN_LEFT), self.text)
            x += period
        painter.fillRect(QRectF(0, 0, label_w, h), p.HEADER_TOP)
        painter.setFont(label_font)
        painter.setPen(p.ACCENT)
        painter.drawText(QRectF(0, 0, label_w, h), int(p.ALIGN_CENTER), self.label)
        painter.end()
