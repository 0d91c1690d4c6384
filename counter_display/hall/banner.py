"""The break banner of the hall display: calls wait until the break ends, and it says so.

Painted in proportion to its height like the rest of the TV. Hidden outside breaks;
the display shows it from the hub's `break` (snapshot) and `schedule_update`.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from counter_display.hall import paint as p

BANNER_BG = QColor("#f59e0b")
BANNER_TEXT = QColor("#0b0f17")


class BreakBanner(QWidget):
    """A strip with the break in Bahasa Indonesia (large) and English (smaller)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.texts: tuple[str, str] | None = None
        self.hide()

    def set_texts(self, texts: tuple[str, str] | None) -> None:
        """Show these (Indonesian, English) lines, or hide the banner (None)."""
        if texts != self.texts:
            self.texts = texts
            self.setVisible(texts is not None)
            self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # Qt override
        """Amber strip, the Indonesian line above the English one."""
        if self.texts is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), BANNER_BG)
        width, height = float(self.width()), float(self.height())
        margin = height * 0.4
        inner = QRectF(margin, 0, width - 2 * margin, height)
        first, second = self.texts
        top = QRectF(inner.x(), height * 0.06, inner.width(), height * 0.56)
        bottom = QRectF(inner.x(), height * 0.60, inner.width(), height * 0.34)
        p.draw_fitted(painter, top, first, height * 0.46, BANNER_TEXT, bold=True)
        p.draw_fitted(painter, bottom, second, height * 0.26, BANNER_TEXT)
        painter.end()
