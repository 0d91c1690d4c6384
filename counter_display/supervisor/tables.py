"""A read-only table filled from rows of cells, keeping the selection across refreshes.

The live tables are re-filled after every hub message; setting only what changed
keeps that cheap and keeps the supervisor's selected row selected (by its key, not
its position, so a row that moves stays selected).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

KEY_ROLE = Qt.ItemDataRole.UserRole

LEVEL_COLOURS: dict[str, tuple[str, str]] = {
    "ok": ("#dcfce7", "#14532d"),
    "warn": ("#fef3c7", "#78350f"),
    "late": ("#fee2e2", "#991b1b"),
    "fault": ("#dc2626", "#ffffff"),
    "off": ("#f1f5f9", "#64748b"),
    "unknown": ("#f1f5f9", "#64748b"),
    "idle": ("", "#94a3b8"),
}
"""(background, text) per level; "fault" is solid red so it is seen across the room."""

STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "open": ("#dcfce7", "#14532d"),
    "serving": ("#15803d", "#ffffff"),
    "paused": ("#fef3c7", "#78350f"),
    "closed": ("#e2e8f0", "#334155"),
    "unknown": ("", "#94a3b8"),
}


@dataclass(frozen=True)
class Cell:
    """One cell: text and looks."""

    text: str
    background: str = ""
    foreground: str = ""
    bold: bool = False
    tooltip: str = ""
    right: bool = False


class LiveTable(QTableWidget):
    """A table of rows keyed by id (the first cell carries the key)."""

    def __init__(self, headers: list[str], widths: list[int] | None = None,
                 stretch_column: int = 1, tooltips: list[str] | None = None) -> None:
        super().__init__(0, len(headers))
        self.setHorizontalHeaderLabels(headers)
        for column, tip in enumerate(tooltips or []):
            header_item = self.horizontalHeaderItem(column)
            if header_item is not None:
                header_item.setToolTip(tip)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(25)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        for column, width in enumerate(widths or []):
            self.setColumnWidth(column, width)
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
        self.keys: list[str] = []
        self._shown: dict[tuple[int, int], Cell] = {}

    def selected_key(self) -> str | None:
        """The key of the selected row, if any."""
        rows = self.selectionModel().selectedRows()
        if not rows:
            return None
        row = rows[0].row()
        return self.keys[row] if 0 <= row < len(self.keys) else None

    def select_key(self, key: str) -> bool:
        """Select the row with this key."""
        if key in self.keys:
            self.selectRow(self.keys.index(key))
            return True
        return False

    def fill(self, rows: list[tuple[str, list[Cell]]]) -> None:
        """Show these (key, cells) rows; set only what changed; keep the selection."""
        selected = self.selected_key()
        self.setUpdatesEnabled(False)
        try:
            if self.rowCount() != len(rows):
                self.setRowCount(len(rows))
            self.keys = [key for key, _cells in rows]
            for row, (_key, cells) in enumerate(rows):
                for column, cell in enumerate(cells):
                    self._set(row, column, cell)
            if selected is not None and not self.select_key(selected):
                self.clearSelection()
        finally:
            self.setUpdatesEnabled(True)

    def text(self, key: str, column: int) -> str:
        """The text shown in a cell of the row with this key (for tests)."""
        item = self.item(self.keys.index(key), column)
        return item.text() if item else ""

    def cell_background(self, key: str, column: int) -> str:
        """The background colour name of a cell ("" when none), for tests."""
        item = self.item(self.keys.index(key), column)
        brush = item.background() if item else QBrush()
        return brush.color().name() if brush.style() != Qt.BrushStyle.NoBrush else ""

    def _set(self, row: int, column: int, cell: Cell) -> None:
        item = self.item(row, column)
        if item is not None and self._shown.get((row, column)) == cell:
            return  # most cells do not change from one hub message to the next
        self._shown[(row, column)] = cell
        if item is None:
            item = QTableWidgetItem()
            self.setItem(row, column, item)
        if item.text() != cell.text:
            item.setText(cell.text)
        if item.toolTip() != cell.tooltip:
            item.setToolTip(cell.tooltip)
        item.setBackground(QBrush(QColor(cell.background)) if cell.background else QBrush())
        item.setForeground(QBrush(QColor(cell.foreground)) if cell.foreground else QBrush())
        if item.font().bold() != cell.bold:
            font = QFont(item.font())
            font.setBold(cell.bold)
            item.setFont(font)
        align = Qt.AlignmentFlag.AlignRight if cell.right else Qt.AlignmentFlag.AlignLeft
        item.setTextAlignment(align | Qt.AlignmentFlag.AlignVCenter)
