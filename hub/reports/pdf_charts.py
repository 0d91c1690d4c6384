"""Charts drawn with fpdf2 primitives (rectangles, lines, text): no plotting library needed.

Vector drawing keeps the PDF small and sharp when printed. Each function draws inside
a box given in millimetres and leaves the cursor below it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from fpdf import FPDF

BAR = (31, 78, 121)
"""Dark blue of the report's headings; the bars share it."""
GRID = (200, 200, 200)
INK = (40, 40, 40)


def nice_step(maximum: float, ticks: int = 5) -> float:
    """Return a round axis step (1, 2 or 5 × 10^n) giving about `ticks` grid lines."""
    if maximum <= 0:
        return 1.0
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)


def thousands(value: float) -> str:
    """Write a count with Indonesian thousands dots: 12.345."""
    return f"{round(value):,}".replace(",", ".")


def column_chart(pdf: FPDF, font: str, x: float, y: float, width: float, height: float,
                 labels: Sequence[str], values: Sequence[float], axis_title: str) -> None:
    """Draw vertical bars with a labelled y axis; values printed on bars when few."""
    left, bottom = x + 14, y + height - 9
    plot_width, plot_height = width - 16, height - 18
    top_value = max([*values, 1])
    step = nice_step(top_value)
    axis_max = step * math.ceil(top_value / step)
    pdf.set_font(font, "", 6.5)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*GRID)
    pdf.set_line_width(0.15)
    tick = 0.0
    while tick <= axis_max + step / 2:
        ty = bottom - plot_height * tick / axis_max
        pdf.line(left, ty, left + plot_width, ty)
        pdf.set_xy(x, ty - 2)
        pdf.cell(13, 4, thousands(tick), align="R")
        tick += step
    pdf.set_xy(x + 2, y)
    pdf.cell(60, 3, axis_title)
    slot = plot_width / max(1, len(values))
    bar = slot * 0.68
    every = max(1, math.ceil(len(labels) * 9 / plot_width))
    pdf.set_fill_color(*BAR)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        bx = left + index * slot + (slot - bar) / 2
        bar_height = plot_height * value / axis_max
        if bar_height > 0:
            pdf.rect(bx, bottom - bar_height, bar, bar_height, style="F")
        if len(values) <= 16 and value:
            pdf.set_xy(bx - 3, bottom - bar_height - 3.6)
            pdf.cell(bar + 6, 3.4, thousands(value), align="C")
        if index % every == 0:
            pdf.set_xy(left + index * slot - 2, bottom + 0.8)
            pdf.cell(slot + 4, 3.4, label, align="C")
    pdf.set_draw_color(*INK)
    pdf.line(left, bottom, left + plot_width, bottom)
    pdf.set_xy(x, y + height + 2)


def bar_chart(pdf: FPDF, font: str, x: float, y: float, width: float,
              labels: Sequence[str], values: Sequence[float], row_height: float = 5.2,
              scale_max: float | None = None,
              write: Callable[[float], str] = thousands) -> float:
    """Draw horizontal bars, one labelled row each; return the height used.

    Bars are scaled to `scale_max` (e.g. 100 for an index) or else to the largest value.
    """
    pdf.set_font(font, "", 7.5)
    label_width = min(70.0, max([30.0, *(pdf.get_string_width(label) + 4 for label in labels)]))
    plot_width = width - label_width - 16
    top_value = scale_max or max([*values, 1])
    pdf.set_text_color(*INK)
    pdf.set_fill_color(*BAR)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        ry = y + index * row_height
        pdf.set_xy(x, ry)
        pdf.cell(label_width - 2, row_height, label, align="R")
        length = plot_width * value / top_value
        if length > 0:
            pdf.rect(x + label_width, ry + row_height * 0.18, length, row_height * 0.64, style="F")
        pdf.set_xy(x + label_width + length + 1, ry)
        pdf.cell(16, row_height, write(value))
    used = len(values) * row_height
    pdf.set_xy(x, y + used + 3)
    return used


def heat_colour(value: float, maximum: float) -> tuple[int, int, int]:
    """Blend white to warm orange by the value's share of the maximum."""
    share = 0.0 if maximum <= 0 else max(0.0, min(1.0, value / maximum))
    low, high = (255, 255, 255), (237, 125, 49)
    return (round(low[0] + (high[0] - low[0]) * share),
            round(low[1] + (high[1] - low[1]) * share),
            round(low[2] + (high[2] - low[2]) * share))
