"""Small painted bar charts for the reports preview (no QtCharts: fewer moving parts).

A chart is a title and (label, value) pairs; columns for a time axis (months, days,
hours), horizontal bars for names (tenants). Values are drawn on the bars, so the
preview can be read without axes.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR = QColor("#1d4ed8")
BAR_ALT = QColor("#0e7490")
TEXT = QColor("#0f172a")
DIM = QColor("#64748b")
GRID = QColor("#e2e8f0")


def _font(pixels: float, bold: bool = False) -> QFont:
    font = QFont("DejaVu Sans")
    font.setPixelSize(max(8, int(pixels)))
    font.setBold(bold)
    return font


def thousands(value: float, decimals: int = 0) -> str:
    """Write a number the Indonesian way: 1.234 or 3,25."""
    if decimals:
        return f"{value:,.{decimals}f}".replace(",", "x").replace(".", ",").replace("x", ".")
    return f"{round(value):,}".replace(",", ".")


class BarChart(QWidget):
    """Columns (or horizontal bars) with their values; set data with `set_data`."""

    def __init__(self, title: str, horizontal: bool = False, decimals: int = 0,
                 maximum: float | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.horizontal = horizontal
        self.decimals = decimals
        self.maximum = maximum
        """A fixed scale (e.g. 4 for SKM answers); None: the largest value."""
        self.points: list[tuple[str, float]] = []
        self.empty_text = "Tidak ada data · No data"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(180)

    def set_data(self, title: str, points: list[tuple[str, float]]) -> None:
        """Replace the title and the bars."""
        self.title, self.points = title, points
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Paint title and bars."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        w, h = float(self.width()), float(self.height())
        painter.setFont(_font(15, bold=True))
        painter.setPen(TEXT)
        painter.drawText(QRectF(10, 4, w - 20, 24), int(Qt.AlignmentFlag.AlignLeft
                                                       | Qt.AlignmentFlag.AlignVCenter),
                         self.title)
        area = QRectF(10, 34, w - 20, h - 40)
        if not self.points or not any(value for _label, value in self.points):
            painter.setFont(_font(13))
            painter.setPen(DIM)
            painter.drawText(area, int(Qt.AlignmentFlag.AlignCenter), self.empty_text)
        elif self.horizontal:
            self._bars(painter, area)
        else:
            self._columns(painter, area)
        painter.end()

    def _top(self) -> float:
        return self.maximum or max(value for _label, value in self.points) or 1.0

    def _columns(self, painter: QPainter, area: QRectF) -> None:
        count = len(self.points)
        top = self._top()
        label_h = 18.0
        value_h = 16.0
        slot = area.width() / count
        bar_w = max(2.0, slot * 0.7)
        font_px = min(12.0, max(8.0, slot * 0.42))
        base = area.bottom() - label_h
        height = base - area.top() - value_h
        painter.setPen(GRID)
        painter.drawLine(int(area.left()), int(base), int(area.right()), int(base))
        every = max(1, int(count / max(1.0, area.width() / 48)))  # skip labels that collide
        for index, (label, value) in enumerate(self.points):
            x = area.left() + slot * index + (slot - bar_w) / 2
            bar_h = height * value / top
            painter.fillRect(QRectF(x, base - bar_h, bar_w, bar_h), BAR)
            painter.setFont(_font(font_px))
            if value and slot >= 22:
                painter.setPen(TEXT)
                painter.drawText(QRectF(x - 10, base - bar_h - value_h, bar_w + 20, value_h),
                                 int(Qt.AlignmentFlag.AlignCenter),
                                 thousands(value, self.decimals))
            if index % every == 0:
                painter.setPen(DIM)
                painter.drawText(QRectF(area.left() + slot * index - 10, base + 2, slot + 20,
                                        label_h), int(Qt.AlignmentFlag.AlignCenter), label)

    def _bars(self, painter: QPainter, area: QRectF) -> None:
        top = self._top()
        count = len(self.points)
        row = min(26.0, area.height() / count)
        font = _font(min(12.0, row * 0.62))
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        label_w = min(area.width() * 0.42,
                      max(metrics.horizontalAdvance(label) for label, _v in self.points) + 8)
        value_w = metrics.horizontalAdvance(thousands(top, self.decimals)) + 10
        room = area.width() - label_w - value_w
        for index, (label, value) in enumerate(self.points):
            y = area.top() + row * index
            painter.setPen(TEXT)
            painter.drawText(QRectF(area.left(), y, label_w - 6, row),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             metrics.elidedText(label, Qt.TextElideMode.ElideRight,
                                                label_w - 6))
            bar = room * value / top
            painter.fillRect(QRectF(area.left() + label_w, y + row * 0.15, bar, row * 0.7),
                             BAR_ALT if index % 2 else BAR)
            painter.drawText(QRectF(area.left() + label_w + bar + 4, y, value_w, row),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             thousands(value, self.decimals))
