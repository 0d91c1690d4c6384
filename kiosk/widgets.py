"""Building blocks of the kiosk's screens: finger-sized tiles, a touch keyboard, the style."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

BLUE = "#0b4f9c"
BLUE_DARK = "#083a73"
GOLD = "#f2b705"
GREEN = "#1e8e3e"
RED = "#c62828"
GREY = "#6b7280"
PAPER = "#f4f6fa"

STYLE = f"""
QWidget {{ background: {PAPER}; color: #1f2933; font-family: 'DejaVu Sans'; }}
QLabel {{ background: transparent; }}
#header {{ background: {BLUE}; }}
#header QLabel {{ color: white; }}
#footer {{ background: #e3e8f0; }}
QPushButton {{ background: white; border: 2px solid #c7d0dd; border-radius: 14px;
               padding: 10px 22px; }}
QPushButton:pressed {{ background: #dce6f5; }}
QPushButton:disabled {{ color: #9aa5b1; background: #eef1f5; border-color: #dde3ea; }}
QPushButton#primary {{ background: {GREEN}; color: white; border: none; font-weight: bold; }}
QPushButton#primary:disabled {{ background: #a7c4ae; color: #eef5ef; }}
QPushButton#lang {{ background: transparent; color: white; border: 2px solid white; }}
QPushButton#lang:checked {{ background: white; color: {BLUE}; }}
QPushButton#toggle:checked {{ background: {GOLD}; border-color: #c99400; font-weight: bold; }}
QPushButton#key {{ border-radius: 10px; padding: 4px; }}
QPushButton#checkIn {{ background: white; color: {BLUE_DARK}; border: 3px solid {BLUE};
                       border-radius: 18px; }}
#tile {{ background: white; border: 2px solid #d3dbe6; border-radius: 18px; }}
#tile[closed="true"] {{ background: #eef1f5; }}
#badgeOpen {{ color: white; background: {GREEN}; border-radius: 8px; padding: 2px 10px; }}
#badgeClosed {{ color: white; background: {GREY}; border-radius: 8px; padding: 2px 10px; }}
#banner {{ background: {RED}; color: white; font-weight: bold; padding: 10px; }}
#card {{ background: white; border-radius: 18px; border: 1px solid #d3dbe6; }}
#bignumber {{ color: {BLUE_DARK}; font-weight: bold; }}
QLineEdit {{ background: white; border: 2px solid #c7d0dd; border-radius: 14px;
             padding: 8px 16px; }}
QScrollArea {{ border: none; }}
"""


def font(points: float, bold: bool = False) -> QFont:
    """A font of a given size in points (the window scales points to its height)."""
    result = QFont("DejaVu Sans")
    result.setPointSizeF(points)
    result.setBold(bold)
    return result


def label(text: str, points: float, bold: bool = False, wrap: bool = True,
          align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> QLabel:
    """A label with a font size, wrapping by default (long Indonesian names wrap)."""
    widget = QLabel(text)
    widget.setFont(font(points, bold))
    widget.setWordWrap(wrap)
    widget.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
    return widget


def initials(name: str) -> str:
    """Two letters for a tenant without a logo: "BPJS Kesehatan" → "BK"."""
    words = [w for w in name.replace("/", " ").split() if w[:1].isalnum()]
    letters = "".join(w[0] for w in words[:2]).upper()
    return letters or name[:2].upper()


def initials_badge(text: str, size: int, color: str = BLUE) -> QPixmap:
    """A round badge with initials, standing in for a logo."""
    pixmap = QPixmap(QSize(size, size))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(color))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(0, 0, size, size)
    painter.setPen(QColor("white"))
    painter.setFont(font(size * 0.28, True))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return pixmap


class Tile(QFrame):
    """A large touch target: a whole card is one button."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(120)

    def set_closed(self, closed: bool) -> None:
        """Grey the tile for a closed tenant or service (it stays tappable to read why)."""
        self.setProperty("closed", "true" if closed else "false")
        self.style().unpolish(self)
        self.style().polish(self)

    def mouseReleaseEvent(self, event: object) -> None:  # Qt override, hence the name
        """Treat a tap anywhere on the card as a click."""
        self.clicked.emit()


def badge(text: str, is_open: bool, points: float) -> QLabel:
    """The green "Buka" / grey "Tutup" pill."""
    widget = label(text, points, bold=True, wrap=False)
    widget.setObjectName("badgeOpen" if is_open else "badgeClosed")
    widget.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
    return widget


class TouchKeyboard(QWidget):
    """An on-screen keyboard for the search box (the kiosk has no physical keyboard)."""

    ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM-")

    def __init__(self, on_key: Callable[[str], None], points: float,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.setContentsMargins(0, 0, 0, 0)
        for row in self.ROWS:
            line = QHBoxLayout()
            line.setSpacing(6)
            line.addStretch(1)
            for char in row:
                line.addWidget(self._key(char, char, on_key, points))
            line.addStretch(1)
            layout.addLayout(line)
        last = QHBoxLayout()
        last.addStretch(1)
        last.addWidget(self._key("␣  SPASI / SPACE", " ", on_key, points, width=6))
        last.addWidget(self._key("⌫", "\b", on_key, points, width=2))
        last.addWidget(self._key("✕", "\x1b", on_key, points, width=2))
        last.addStretch(1)
        layout.addLayout(last)

    @staticmethod
    def _key(text: str, value: str, on_key: Callable[[str], None], points: float,
             width: int = 1) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName("key")
        button.setFont(font(points, True))
        button.setFixedSize(int(points * 4.6 * width + (width - 1) * 6), int(points * 4.2))
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda: on_key(value))
        return button


def qr_pixmap(payload: str, size: int) -> QPixmap:
    """A QR code as a pixmap (shown when the ticket could not be printed)."""
    import qrcode

    code = qrcode.QRCode(border=2, box_size=10)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    cells = len(matrix)
    image = QImage(cells, cells, QImage.Format.Format_RGB32)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            image.setPixel(x, y, 0xFF000000 if dark else 0xFFFFFFFF)
    return QPixmap.fromImage(image).scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.FastTransformation)


def grid(columns: int) -> QGridLayout:
    """A grid layout with comfortable spacing."""
    layout = QGridLayout()
    layout.setSpacing(18)
    for column in range(columns):
        layout.setColumnStretch(column, 1)
    return layout
