"""The hall display's header: logo, MPP name and zone, date and clock, offline mark."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QLinearGradient, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QWidget

from counter_display import texts
from counter_display.hall import paint as p

log = logging.getLogger(__name__)


def load_logo(path: Path | None) -> QPixmap | None:
    """Read the logo image; a missing or unreadable file is logged, not fatal."""
    if path is None:
        return None
    pixmap = QPixmap(str(path))
    if pixmap.isNull():
        log.warning("logo %s could not be read; showing the name only", path)
        return None
    return pixmap


class HallHeader(QWidget):
    """Top band of the TV; the display sets `now` and `online` and calls update()."""

    def __init__(self, title: str, subtitle: str, logo: QPixmap | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.subtitle = subtitle
        self.logo = logo
        self.now: dt.datetime | None = None
        self.online = False
        self.offline_text = "Tidak terhubung"

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Paint the band."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        w, h = self.width(), self.height()
        gradient = QLinearGradient(0, 0, 0, h)
        gradient.setColorAt(0, p.HEADER_TOP)
        gradient.setColorAt(1, p.HEADER_BOTTOM)
        painter.fillRect(self.rect(), gradient)
        painter.fillRect(QRectF(0, h - h * 0.045, w, h * 0.045), p.ACCENT)
        pad = h * 0.22
        left = pad
        if self.logo is not None:
            side = h * 0.72
            scaled = self.logo.scaled(int(side * 2), int(side),
                                      Qt.AspectRatioMode.KeepAspectRatio,
                                      Qt.TransformationMode.SmoothTransformation)
            painter.drawPixmap(int(left), int((h - scaled.height()) / 2 - h * 0.02), scaled)
            left += scaled.width() + pad
        clock_w = h * 3.4
        clock_box = QRectF(w - pad - clock_w, 0, clock_w, h)
        name_w = clock_box.left() - left - pad
        if self.online:
            name_box = QRectF(left, h * 0.1, name_w, h * 0.5)
        else:
            name_box = QRectF(left, h * 0.1, name_w - h * 2.6, h * 0.5)
        p.draw_fitted(painter, name_box, self.title, h * 0.38, p.TEXT, bold=True,
                      align=p.ALIGN_LEFT)
        sub_box = QRectF(left, h * 0.58, name_box.width(), h * 0.3)
        p.draw_fitted(painter, sub_box, self.subtitle, h * 0.22, p.TEXT_DIM, align=p.ALIGN_LEFT)
        if self.now is not None:
            zone = texts.zone_name(self.now)
            time_box = QRectF(clock_box.left(), h * 0.06, clock_w, h * 0.56)
            p.draw_fitted(painter, time_box, texts.clock_face(self.now, seconds=True)
                          + (f" {zone}" if zone else ""), h * 0.44, p.TEXT, bold=True,
                          align=p.ALIGN_RIGHT)
            date_box = QRectF(clock_box.left() - h, h * 0.6, clock_w + h, h * 0.3)
            p.draw_fitted(painter, date_box, texts.long_date(self.now.date()), h * 0.22,
                          p.TEXT_DIM, align=p.ALIGN_RIGHT)
        if not self.online:
            self._paint_offline(painter, QRectF(clock_box.left() - h * 2.7, h * 0.3, h * 2.5,
                                                h * 0.36))
        painter.end()

    def _paint_offline(self, painter: QPainter, rect: QRectF) -> None:
        """Paint the red 'not connected' pill."""
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(p.OFFLINE)
        radius = rect.height() / 2
        painter.drawRoundedRect(rect, radius, radius)
        text = QRectF(rect.left() + radius * 0.6, rect.top(), rect.width() - radius * 1.2,
                      rect.height())
        p.draw_fitted(painter, text, f"● {self.offline_text}", rect.height() * 0.55, p.TEXT,
                      bold=True)
