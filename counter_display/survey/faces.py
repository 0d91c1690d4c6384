"""Big touch targets for the survey: painted faces and choice chips.

Faces are painted, not emoji: a kiosk tablet may have no colour-emoji font, and a
painted face scales to any screen. The mouth curves from a frown (1) to a wide smile (4).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QAbstractButton, QPushButton, QSizePolicy, QWidget

from counter_display.survey.wording import RATING_COLOURS

MOUTH_CURVE = (-0.55, -0.22, 0.3, 0.65)
"""How far the mouth's middle bends down (+) or up (−), per rating 1..4."""


class FaceButton(QAbstractButton):
    """One rating (1..4): a coloured face with its name underneath."""

    def __init__(self, rating: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rating = rating
        self.colour = QColor(RATING_COLOURS[rating - 1])
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 150)

    def sizeHint(self) -> QSize:
        """Large enough for a finger, whatever the tablet."""
        return QSize(240, 300)

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Paint the card, the face and the label."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        card = QRectF(4, 4, w - 8, h - 8)
        selected = self.isChecked() or self.isDown()
        painter.setPen(QPen(self.colour if selected else QColor("#cbd5e1"),
                            6 if selected else 2))
        painter.setBrush(QColor("#fff7ed") if selected else QColor("white"))
        painter.drawRoundedRect(card, 22, 22)

        font = QFont("DejaVu Sans")
        font.setBold(True)
        font.setPixelSize(int(max(16.0, min(34.0, w * 0.1))))
        label_h = font.pixelSize() * 1.8
        side = max(10.0, min(card.width() * 0.8, card.height() - label_h - 40))
        top = card.top() + (card.height() - side - label_h - 12) / 2  # face and name centred
        self._face(painter, QPointF(w / 2, top + side / 2), side / 2)

        painter.setFont(font)
        painter.setPen(QColor("#0f172a"))
        text_box = QRectF(card.left() + 6, top + side + 12, card.width() - 12, label_h)
        painter.drawText(text_box, int(Qt.AlignmentFlag.AlignCenter), self.text())
        painter.end()

    def _face(self, painter: QPainter, centre: QPointF, radius: float) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.colour)
        painter.drawEllipse(centre, radius, radius)
        painter.setBrush(QColor("white"))
        eye = radius * 0.13
        for dx in (-0.36, 0.36):
            painter.drawEllipse(QPointF(centre.x() + dx * radius, centre.y() - 0.22 * radius),
                                eye, eye * 1.25)
        pen = QPen(QColor("white"), max(3.0, radius * 0.12))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        bend = MOUTH_CURVE[self.rating - 1] * radius
        y = centre.y() + radius * (0.42 if bend < 0 else 0.28)
        path = QPainterPath(QPointF(centre.x() - radius * 0.45, y))
        path.quadTo(QPointF(centre.x(), y + bend), QPointF(centre.x() + radius * 0.45, y))
        painter.drawPath(path)


class Chip(QPushButton):
    """A profile choice: checkable, big, tap again to clear."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.setObjectName("chip")
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumHeight(60)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
