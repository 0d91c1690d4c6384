"""A second ticket for the same visit: "Lanjutan dari nomor antrean lain?".

A visitor served at one tenant is often sent on to another (a building permit passes
several counters). Taking the next ticket with the first one's number (`linked_to`)
makes the two one journey in the report (hub/reports/legs.py). The number is chosen as
it is printed: the service's letters, then the digits; the hub says whether it exists.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton

from hub.config import MallConfig
from kiosk.identity import add_answer_buttons, add_digit_entry
from kiosk.pages import Page
from kiosk.texts import t
from kiosk.widgets import BLUE_DARK, GREY, font, label

NUMBER_DIGITS = 4



def ticket_label(prefix: str, digits: str) -> str:
    """The label as the hub prints it: A-012 (at least three digits)."""
    return f"{prefix}-{int(digits):03d}"


class LinkPage(Page):
    """The earlier ticket's letters and digits; use it, or go on without one."""

    def __init__(self, scale: float) -> None:
        super().__init__(scale)
        self.prefix: str | None = None
        self.digits = ""
        self._shown: QLabel | None = None
        self._use: QPushButton | None = None

    def show_link(self, config: MallConfig, language: str,
                  on_use: Callable[[str | None], None]) -> None:
        """Rebuild the page; `on_use(label)` with the chosen label, or None for none."""
        self._args = (config, language, on_use)
        self.clear()
        self.outer.addWidget(label(t("link_title", language), self.pt(28), bold=True))
        self.outer.addWidget(label(t("link_how", language), self.pt(15)))
        prefixes = sorted({s.prefix for s in config.services}, key=lambda p: (len(p), p))
        row = QHBoxLayout()
        row.addStretch(1)
        for prefix in prefixes:
            button = QPushButton(prefix)
            button.setObjectName("toggle")
            button.setCheckable(True)
            button.setChecked(prefix == self.prefix)
            button.setFont(font(self.pt(18), prefix == self.prefix))
            button.setFixedSize(int(self.pt(86)), int(self.pt(70)))
            button.clicked.connect(lambda _=False, p=prefix: self.choose(p))
            row.addWidget(button)
        row.addStretch(1)
        self.outer.addLayout(row)
        self._shown = add_digit_entry(self, "typedLink", self.key, 18, language)
        self._use = add_answer_buttons(self, t("link_none", language), lambda: on_use(None),
                                       t("link_use", language),
                                       lambda: self._submit(on_use))
        self._refresh()

    def choose(self, prefix: str) -> None:
        """The letters in front of the number."""
        self.prefix = prefix
        self.show_link(*self._args)

    def key(self, value: str) -> None:
        """A digit, ⌫ (\\b) or clear (\\x1b)."""
        if value == "\b":
            self.digits = self.digits[:-1]
        elif value == "\x1b":
            self.digits = ""
        elif value.isdigit():
            self.digits = (self.digits + value)[:NUMBER_DIGITS]
        self._refresh()

    def chosen(self) -> str | None:
        """The label typed so far, once it has letters and a number above zero."""
        if self.prefix is None or not self.digits or int(self.digits) == 0:
            return None
        return ticket_label(self.prefix, self.digits)

    def _submit(self, on_use: Callable[[str | None], None]) -> None:
        chosen = self.chosen()
        if chosen is not None:
            on_use(chosen)

    def _refresh(self) -> None:
        if self._shown is None or self._use is None:
            return
        chosen = self.chosen()
        self._shown.setText(chosen or f"{self.prefix or '?'}-{self.digits or '___'}")
        self._shown.setStyleSheet(f"color: {BLUE_DARK if chosen else GREY}; "
                                  "font-family: 'DejaVu Sans Mono';")
        self._use.setEnabled(chosen is not None)
