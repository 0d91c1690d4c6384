"""The body of the hall display: a tile per counter, the latest call, the previous calls.

Painted, not laid out with labels: every size is a fraction of the widget's height
(or of a tile), so the screen scales from 1280×720 to 1920×1080 and beyond.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from counter_display.hall import paint as p
from counter_display.hall.model import RecentCall, Tile

TILE_ASPECT = 1.55
"""Width : height a tile wants (number and name side by side would need more)."""


def grid_shape(count: int, width: float, height: float, gap: float,
               aspect: float = TILE_ASPECT) -> tuple[int, int]:
    """Return (columns, rows) that give `count` tiles the biggest usable size."""
    if count <= 0:
        return (1, 1)
    best: tuple[float, int, int, int] | None = None
    for columns in range(1, count + 1):
        rows = math.ceil(count / columns)
        tile_w = (width - gap * (columns - 1)) / columns
        tile_h = (height - gap * (rows - 1)) / rows
        if tile_w <= 0 or tile_h <= 0:
            continue
        usable = min(tile_w / aspect, tile_h)
        empty = columns * rows - count
        key = (usable, -empty, -rows, columns)
        if best is None or key[:3] > best[:3]:
            best = key
    return (best[3], math.ceil(count / best[3])) if best else (1, count)


@dataclass
class BoardContent:
    """What the board paints; the display replaces it after every hub message."""

    tiles: list[Tile] = field(default_factory=list)
    recent: list[RecentCall] = field(default_factory=list)
    highlighted: set[str] = field(default_factory=set)
    flash_on: bool = False
    latest_fresh: bool = False


@dataclass(frozen=True)
class BoardGeometry:
    """Where things go for a given size (computed, so tests can check it)."""

    grid: QRectF
    latest: QRectF
    recent: QRectF
    tiles: list[QRectF]
    gap: float


def board_geometry(width: float, height: float, count: int) -> BoardGeometry:
    """Split the board: counter grid on the left, latest and previous calls on the right."""
    margin = height * 0.022
    gap = height * 0.016
    inner = QRectF(margin, margin * 0.6, width - 2 * margin, height - margin * 1.6)
    grid_w = inner.width() * 0.64
    grid = QRectF(inner.left(), inner.top(), grid_w, inner.height())
    side = QRectF(grid.right() + margin, inner.top(), inner.right() - grid.right() - margin,
                  inner.height())
    latest = QRectF(side.left(), side.top(), side.width(), side.height() * 0.44)
    recent = QRectF(side.left(), latest.bottom() + gap, side.width(),
                    side.bottom() - latest.bottom() - gap)
    columns, rows = grid_shape(count, grid.width(), grid.height(), gap)
    tile_w = (grid.width() - gap * (columns - 1)) / columns
    tile_h = min((grid.height() - gap * (rows - 1)) / rows, tile_w / 1.1)
    tiles = [QRectF(grid.left() + (i % columns) * (tile_w + gap),
                    grid.top() + (i // columns) * (tile_h + gap), tile_w, tile_h)
             for i in range(count)]
    return BoardGeometry(grid, latest, recent, tiles, gap)


class HallBoard(QWidget):
    """Counter tiles, the latest call and the previous calls."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.content = BoardContent()
        self._number_px = 40.0
        self._word_px = 20.0

    def set_content(self, content: BoardContent) -> None:
        """Replace what is shown and repaint."""
        self.content = content
        self.update()

    def geometry_now(self) -> BoardGeometry:
        """The geometry for the current size."""
        return board_geometry(self.width(), self.height(), len(self.content.tiles))

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Paint tiles, the latest call and the recent list."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(self.rect(), p.BACKGROUND)
        shape = self.geometry_now()
        if shape.tiles:
            first = shape.tiles[0]
            inner_w = first.width() * 0.88
            serving = [t.text for t in self.content.tiles if t.serving]
            self._number_px = p.common_size(serving, first.height() * 0.5, inner_w, bold=True)
            self._word_px = p.common_size(["Istirahat"], first.height() * 0.22, inner_w, True)
        for tile, rect in zip(self.content.tiles, shape.tiles, strict=True):
            flash = tile.counter_id in self.content.highlighted and self.content.flash_on
            self._paint_tile(painter, rect, tile, flash)
        self._paint_latest(painter, shape.latest)
        self._paint_recent(painter, shape.recent)
        painter.end()

    def _panel(self, painter: QPainter, rect: QRectF, flash: bool) -> None:
        """Paint a rounded panel, amber while it flashes."""
        radius = min(rect.width(), rect.height()) * 0.07
        edge = p.HIGHLIGHT if flash else p.PANEL_EDGE
        painter.setPen(QPen(edge, max(1.0, rect.height() * 0.012)))
        painter.setBrush(p.HIGHLIGHT if flash else p.PANEL)
        painter.drawRoundedRect(rect, radius, radius)

    def _paint_tile(self, painter: QPainter, rect: QRectF, tile: Tile, flash: bool) -> None:
        """Paint one counter: name, number (or state word), tenant."""
        self._panel(painter, rect, flash)
        h, pad = rect.height(), rect.width() * 0.06
        name = QRectF(rect.left() + pad, rect.top() + h * 0.05, rect.width() - 2 * pad, h * 0.2)
        number = QRectF(rect.left() + pad, rect.top() + h * 0.25, rect.width() - 2 * pad,
                        h * 0.55)
        tenant = QRectF(rect.left() + pad, rect.top() + h * 0.8, rect.width() - 2 * pad,
                        h * 0.15)
        dark = p.HIGHLIGHT_TEXT
        p.draw_fitted(painter, name, tile.name, h * 0.17, dark if flash else p.TEXT, bold=True)
        if tile.serving:
            p.draw_fitted(painter, number, tile.text, self._number_px,
                          dark if flash else p.NUMBER, bold=True)
        elif tile.state == "paused":
            p.draw_fitted(painter, number, tile.text, self._word_px, p.PAUSED, bold=True)
        else:
            size = self._word_px if len(tile.text) > 1 else h * 0.4
            p.draw_fitted(painter, number, tile.text, size, p.TEXT_MUTED, bold=True)
        p.draw_fitted(painter, tenant, tile.tenant, h * 0.11, dark if flash else p.TEXT_DIM)

    def _paint_latest(self, painter: QPainter, rect: QRectF) -> None:
        """Paint the newest call big, with the counter to go to."""
        flash = self.content.latest_fresh and self.content.flash_on
        self._panel(painter, rect, flash)
        h, pad = rect.height(), rect.width() * 0.05
        fg = p.HIGHLIGHT_TEXT if flash else p.TEXT
        inner_w = rect.width() - 2 * pad
        title = QRectF(rect.left() + pad, rect.top() + h * 0.04, inner_w, h * 0.12)
        p.draw_fitted(painter, title, "PANGGILAN TERAKHIR · NOW CALLING", h * 0.075,
                      fg if flash else p.TEXT_DIM, bold=True)
        number = QRectF(rect.left() + pad, rect.top() + h * 0.16, inner_w, h * 0.5)
        target = QRectF(rect.left() + pad, rect.top() + h * 0.68, inner_w, h * 0.26)
        if not self.content.recent:
            p.draw_fitted(painter, number, "—", h * 0.3, p.TEXT_MUTED, bold=True)
            p.draw_fitted(painter, target, "Belum ada panggilan", h * 0.1, p.TEXT_DIM)
            return
        latest = self.content.recent[0]
        p.draw_fitted(painter, number, latest.label, h * 0.46, fg if flash else p.NUMBER,
                      bold=True)
        p.draw_fitted(painter, target, f"➜ {latest.counter_name}", h * 0.2, fg, bold=True)

    def _paint_recent(self, painter: QPainter, rect: QRectF) -> None:
        """Paint the previous calls, as many rows as fit."""
        self._panel(painter, rect, False)
        unit = self.height() / 10
        pad = rect.width() * 0.05
        title_h = unit * 0.55
        title = QRectF(rect.left() + pad, rect.top() + unit * 0.15, rect.width() - 2 * pad,
                       title_h)
        p.draw_fitted(painter, title, "PANGGILAN SEBELUMNYA · PREVIOUS", title_h * 0.6,
                      p.TEXT_DIM, bold=True, align=p.ALIGN_LEFT)
        top = title.bottom() + unit * 0.08
        row_h = unit * 0.72
        rows = max(0, int((rect.bottom() - top - unit * 0.1) // row_h))
        width = rect.width() - 2 * pad
        shown = self.content.recent[1:rows + 1]
        label_px = p.common_size([c.label for c in shown], row_h * 0.56, width * 0.36, True)
        for index, call in enumerate(shown):
            y = top + index * row_h
            if index:
                painter.setPen(QPen(p.PANEL_EDGE, 1))
                painter.drawLine(int(rect.left() + pad), int(y), int(rect.right() - pad), int(y))
            label = QRectF(rect.left() + pad, y, width * 0.38, row_h)
            where = QRectF(label.right(), y, width * 0.42, row_h)
            time = QRectF(where.right(), y, width * 0.2, row_h)
            p.draw_fitted(painter, label, call.label, label_px, p.NUMBER, bold=True,
                          align=p.ALIGN_LEFT)
            p.draw_fitted(painter, where, call.counter_name, row_h * 0.46, p.TEXT,
                          align=p.ALIGN_LEFT)
            p.draw_fitted(painter, time, call.time, row_h * 0.36, p.TEXT_DIM,
                          align=p.ALIGN_RIGHT)
