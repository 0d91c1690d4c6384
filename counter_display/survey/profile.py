"""The optional respondent profile (age, gender, education, occupation) and comment.

Chips are re-arranged with the width: on a landscape tablet each question is one row
(title, then its choices); on a narrow or portrait one the title goes above and the
choices wrap three to a row, so no chip is ever clipped and the window never grows
wider than the screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from counter_display.survey import wording as w
from counter_display.survey.faces import Chip
from counter_display.survey.flow import Form

WIDE_PIXELS = 1100
"""Below this width (the page's, not the screen's) the narrow arrangement is used."""
NARROW_COLUMNS = 3


class ProfileForm(QWidget):
    """Chips for each profile question and a comment line."""

    chosen = Signal(str, object)
    """(field, code or None when cleared)."""
    commentEdited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(8)
        layout.addLayout(self.grid)
        self.titles: dict[str, QLabel] = {}
        self.chips: dict[str, list[Chip]] = {}
        for question in w.PROFILE:
            title = QLabel()
            title.setObjectName("groupTitle")
            self.titles[question.field] = title
            chips = []
            for code, _label in question.choices:
                chip = Chip(code)
                chip.clicked.connect(
                    lambda checked, f=question.field, c=code: self.chosen.emit(
                        f, c if checked else None))
                chips.append(chip)
            self.chips[question.field] = chips
        layout.addSpacing(6)
        self.comment_title = QLabel()
        self.comment_title.setObjectName("groupTitle")
        self.comment = QLineEdit()
        self.comment.setMaxLength(1000)
        self.comment.textEdited.connect(self.commentEdited)
        layout.addWidget(self.comment_title)
        layout.addWidget(self.comment)
        layout.addStretch(1)
        self.wide: bool | None = None
        self.arrange(wide=True)

    def arrange(self, wide: bool) -> None:
        """Lay the questions out in rows (wide) or with titles above and wrapped chips."""
        if wide == self.wide:
            return
        self.wide = wide
        while self.grid.count():
            self.grid.takeAt(0)  # the widgets stay; only their places change
        for column in range(self.grid.columnCount()):
            self.grid.setColumnStretch(column, 0)
        row = 0
        widest = max(len(q.choices) for q in w.PROFILE)
        for question in w.PROFILE:
            title, chips = self.titles[question.field], self.chips[question.field]
            if wide:
                self.grid.addWidget(title, row, 0)
                for column, chip in enumerate(chips, start=1):
                    self.grid.addWidget(chip, row, column)
                row += 1
            else:
                self.grid.addWidget(title, row, 0, 1, NARROW_COLUMNS)
                row += 1
                for index, chip in enumerate(chips):
                    self.grid.addWidget(chip, row + index // NARROW_COLUMNS,
                                        index % NARROW_COLUMNS)
                row += (len(chips) + NARROW_COLUMNS - 1) // NARROW_COLUMNS
        first = 1 if wide else 0
        for column in range(first, first + (widest if wide else NARROW_COLUMNS)):
            self.grid.setColumnStretch(column, 1)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)

    def show_form(self, form: Form, lang: w.Lang) -> None:
        """Show the form's choices and comment in `lang`."""
        for question in w.PROFILE:
            self.titles[question.field].setText(question.title(lang))
            picked = form.profile.get(question.field)
            labels = dict(question.choices)
            for chip in self.chips[question.field]:
                chip.setText(labels[chip.code](lang))
                chip.setChecked(chip.code == picked)
        self.comment_title.setText(w.COMMENT(lang))
        if self.comment.text() != form.comment:
            self.comment.setText(form.comment)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Switch between the wide and the narrow arrangement."""
        self.arrange(event.size().width() >= WIDE_PIXELS)
        super().resizeEvent(event)
