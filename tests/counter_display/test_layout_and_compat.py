"""Hall geometry at TV sizes, fonts that fit, and a guard against PySide6 6.12.0."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QLabel

from counter_display.hall.board import board_geometry, grid_shape
from counter_display.hall.paint import fitted_font

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720), (1366, 768), (3840, 2160)])
@pytest.mark.parametrize("count", [1, 2, 4, 9, 16, 27, 40])
def test_tiles_fit_the_grid_and_never_overlap(size: tuple[int, int], count: int) -> None:
    width, height = size
    shape = board_geometry(width, height, count)
    assert len(shape.tiles) == count
    bounds = QRectF(0, 0, width, height)
    for rect in (shape.grid, shape.latest, shape.recent):
        assert bounds.contains(rect)
    assert not shape.grid.intersects(shape.latest) and not shape.latest.intersects(shape.recent)
    for index, tile in enumerate(shape.tiles):
        assert shape.grid.adjusted(-0.5, -0.5, 0.5, 0.5).contains(tile)
        assert tile.height() >= height * 0.05  # still a tile, even with 40 counters
        for other in shape.tiles[index + 1:]:
            assert not tile.intersects(other)


def test_grid_prefers_wide_tiles_and_few_empty_cells() -> None:
    assert grid_shape(16, 1200, 850, 15) == (4, 4)
    assert grid_shape(2, 1200, 850, 15) in ((1, 2), (2, 1))
    assert grid_shape(0, 1200, 850, 15) == (1, 1)


def test_sizes_scale_with_the_height() -> None:
    big, small = board_geometry(1920, 1080, 16), board_geometry(1280, 720, 16)
    ratio = big.tiles[0].height() / small.tiles[0].height()
    assert ratio == pytest.approx(1.5, rel=0.02)


def test_a_fitted_font_keeps_long_text_inside_its_box(qapp: Any) -> None:
    text = "Loket Pelayanan Terpadu Satu Pintu 12"
    font = fitted_font(text, 60, 300, bold=True)
    assert QFontMetricsF(font).horizontalAdvance(text) <= 300
    assert fitted_font("A-001", 60, 1000).pixelSize() == 60  # short text keeps its size


def test_a_missing_logo_is_logged_not_fatal(qapp: Any, tmp_path: Path, caplog: Any) -> None:
    from counter_display.hall.header import load_logo

    assert load_logo(None) is None
    assert load_logo(tmp_path / "missing.png") is None
    assert "could not be read" in caplog.text


def test_widget_calls_keep_none_and_true_alive(qapp: Any) -> None:
    """PySide6 6.12.0 dropped a reference to None per void widget call (and to True per
    emit): a hall display died within minutes. pyproject pins < 6.12; this catches a bump."""
    label = QLabel()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(1_000):
        label.setText("A-001")
        label.update()
    assert none_before - sys.getrefcount(None) < 100
    assert true_before - sys.getrefcount(True) < 100
