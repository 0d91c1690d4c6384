"""Tell a drawn screen from a nearly blank one, so a screenshot test cannot pass on a blank page.

A screenshot that is only a background and a header once passed every test (the kiosk's
tenant page, never shown). `assert_drawn` looks at the part below the header, where
the content should be, and fails when it has too few colours, too little contrast, or
content in too few places. Pure Qt (QImage), no numpy; the image is sampled on a grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtGui import QImage

SAMPLE_STEP = 4
"""Pixels between samples: thin text strokes are still hit often enough."""
GRID = (8, 6)
"""Cells across and down: content must reach enough of them."""
MIN_COLOURS = 100
MIN_STDEV = 10.0
MIN_BUSY_SHARE = 0.1
"""Calibrated on every screenshot the tests take: the sparsest real screens (a paused
kiosk, a survey tablet's "already rated") have over 180 colours, a spread over 13 and
content in 17 % of the cells; the blank kiosk of the simulated day had 48 colours (its
footer's text), a spread of 7.7 and 17 %, and its page alone 1 colour."""


@dataclass(frozen=True)
class Drawn:
    """What the region below the header holds."""

    colours: int
    """Distinct colours among the samples."""
    stdev: float
    """Spread of the samples' luminance (0–255)."""
    busy_share: float
    """Share of the grid's cells holding more than one colour."""

    def problems(self) -> list[str]:
        """Why this looks blank (empty: it looks drawn)."""
        found = []
        if self.colours < MIN_COLOURS:
            found.append(f"only {self.colours} colours (< {MIN_COLOURS})")
        if self.stdev < MIN_STDEV:
            found.append(f"luminance spread {self.stdev:.1f} (< {MIN_STDEV})")
        if self.busy_share < MIN_BUSY_SHARE:
            found.append(f"content in {self.busy_share:.0%} of the area (< {MIN_BUSY_SHARE:.0%})")
        return found


def measure(image: QImage, region: QRect | None = None) -> Drawn:
    """Sample `region` of the image (all of it by default) and say how much is drawn."""
    area = (region or image.rect()).intersected(image.rect())
    columns, rows = GRID
    cells: dict[tuple[int, int], set[int]] = {}
    colours: set[int] = set()
    total = total_sq = 0.0
    count = 0
    for y in range(area.top(), area.bottom() + 1, SAMPLE_STEP):
        row = min(rows - 1, (y - area.top()) * rows // max(1, area.height()))
        for x in range(area.left(), area.right() + 1, SAMPLE_STEP):
            rgb = image.pixel(x, y) & 0xFFFFFF
            colours.add(rgb)
            column = min(columns - 1, (x - area.left()) * columns // max(1, area.width()))
            cells.setdefault((column, row), set()).add(rgb)
            luminance = (0.299 * (rgb >> 16) + 0.587 * ((rgb >> 8) & 0xFF)
                         + 0.114 * (rgb & 0xFF))
            total += luminance
            total_sq += luminance * luminance
            count += 1
    if count == 0:
        return Drawn(0, 0.0, 0.0)
    mean = total / count
    stdev = math.sqrt(max(0.0, total_sq / count - mean * mean))
    busy = sum(1 for seen in cells.values() if len(seen) > 1)
    return Drawn(len(colours), stdev, busy / (columns * rows))


def below(widget: Any, header: Any) -> QRect:
    """The part of `widget` below its `header` widget (in the widget's own pixels)."""
    bottom = header.mapTo(widget, header.rect().bottomLeft()).y()
    return QRect(0, bottom + 1, widget.width(), widget.height() - bottom - 1)


def assert_drawn(image: QImage | Path | str, region: QRect | None = None,
                 name: str = "") -> Drawn:
    """Fail unless the region (below the header) of a screenshot shows real content."""
    if not isinstance(image, QImage):
        name = name or str(image)
        image = QImage(str(image))
    assert not image.isNull(), f"{name}: no image"
    drawn = measure(image, region)
    problems = drawn.problems()
    assert not problems, f"{name or 'screenshot'} looks blank: " + "; ".join(problems)
    return drawn


def grab_drawn(widget: Any, path: Path, header: Any | None = None) -> QImage:
    """Grab a widget as it is now (no event processing first), save it, check it is drawn.

    Not processing events first is the point: a page whose widgets Qt would show only
    later must fail here, as it did in the simulated day's screenshots.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    image = widget.grab().toImage()
    assert image.save(str(path)), path
    assert_drawn(image, below(widget, header) if header is not None else None, path.name)
    return image
