"""Who takes the ticket, for services with anti-calo limits: the NIK or a phone number.

A service with `[services.limits]` (one open ticket, or N a day, per person) is limited
for every channel alike (hub/engine/limits.py): at the kiosk the visitor types their NIK
(16 digits, kept by the hub only as a keyed hash) or their phone number on large digit
keys before the ticket is printed. Whether the limit allows another ticket is the hub's
to say; a refusal comes back like any other, with its reason in both languages.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hub.config import Service
from kiosk.pages import Page
from kiosk.texts import t
from kiosk.widgets import BLUE_DARK, GREY, font, label

NIK_DIGITS = 16
PHONE_DIGITS = (8, 15)



def valid(kind: str, digits: str) -> bool:
    """A NIK has 16 digits; a phone number 8–15 (the hub checks it again)."""
    if kind == "nik":
        return re.fullmatch(rf"\d{{{NIK_DIGITS}}}", digits) is not None
    return PHONE_DIGITS[0] <= len(digits) <= PHONE_DIGITS[1] and digits.isdigit()


class DigitKeys(QWidget):
    """0–9 as a phone's keypad, with ⌫ and clear."""

    def __init__(self, on_key: Callable[[str], None], points: float, language: str) -> None:
        super().__init__()
        self.setObjectName("digitKeys")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        gap = int(points * 0.45)
        layout.setSpacing(gap)
        side = int(points * 4.6)
        for row in (("1", "2", "3"), ("4", "5", "6"), ("7", "8", "9"), ("\b", "0", "\x1b")):
            line = QHBoxLayout()
            line.setSpacing(gap)
            line.addStretch(1)
            for value in row:
                shown = {"\b": "⌫", "\x1b": t("clear_key", language)}.get(value, value)
                button = QPushButton(shown)
                button.setObjectName("key")
                button.setFont(font(points * (0.8 if len(shown) > 1 else 1), True))
                button.setFixedSize(side, side)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.clicked.connect(lambda _=False, v=value: on_key(v))
                line.addWidget(button)
            line.addStretch(1)
            layout.addLayout(line)


def add_digit_entry(page: Page, name: str, on_key: Callable[[str], None], points: float,
                    language: str) -> QLabel:
    """What was typed, large, above the digit keys; returns the label showing it."""
    card = QFrame()
    card.setObjectName("card")
    row = QHBoxLayout(card)
    shown = label("", page.pt(40), bold=True, wrap=False, align=Qt.AlignmentFlag.AlignHCenter)
    shown.setObjectName(name)
    row.addWidget(shown, 1)
    page.outer.addWidget(card)
    page.outer.addWidget(DigitKeys(on_key, page.pt(points), language), 0,
                         Qt.AlignmentFlag.AlignHCenter)
    page.outer.addStretch(1)
    return shown


def add_answer_buttons(page: Page, other: str, on_other: Callable[[], None], primary: str,
                       on_primary: Callable[[], None]) -> QPushButton:
    """The page's two answers at its foot: the other way out, and the big green one."""
    buttons = QHBoxLayout()
    left = QPushButton(other)
    left.setFont(font(page.pt(20), True))
    left.setMinimumHeight(int(page.pt(100)))
    left.clicked.connect(lambda: on_other())
    right = QPushButton(primary)
    right.setObjectName("primary")
    right.setFont(font(page.pt(22), True))
    right.setMinimumHeight(int(page.pt(100)))
    right.clicked.connect(lambda: on_primary())
    buttons.addWidget(left, 1)
    buttons.addWidget(right, 2)
    page.outer.addLayout(buttons)
    return right


class IdentityPage(Page):
    """Choose NIK or phone number, type it, then take the ticket or go back."""

    def __init__(self, scale: float) -> None:
        super().__init__(scale)
        self.kind = "nik"
        self.digits = ""
        self._shown: QLabel | None = None
        self._take: QPushButton | None = None

    def show_identity(self, service: Service, language: str, can_issue: bool,
                      on_take: Callable[[str, str], None], on_back: Callable[[], None]) -> None:
        """Rebuild the page; `on_take(kind, digits)` with kind "nik" or "contact"."""
        self._args = (service, language, can_issue, on_take, on_back)
        self.clear()
        self._can_issue = can_issue
        self.outer.addWidget(label(t("identity_title", language), self.pt(28), bold=True))
        self.outer.addWidget(label(f"{service.name.get(language)} — "
                                   f"{t('identity_why', language)}", self.pt(15)))
        kinds = QHBoxLayout()
        kinds.addStretch(1)
        for kind, key in (("nik", "identity_nik"), ("contact", "identity_phone")):
            toggle = QPushButton(t(key, language))
            toggle.setObjectName("toggle")
            toggle.setCheckable(True)
            toggle.setChecked(self.kind == kind)
            toggle.setFont(font(self.pt(18), self.kind == kind))
            toggle.setMinimumSize(int(self.pt(300)), int(self.pt(76)))
            toggle.clicked.connect(lambda _=False, k=kind: self.choose(k))
            kinds.addWidget(toggle)
        kinds.addStretch(1)
        self.outer.addLayout(kinds)
        self._shown = add_digit_entry(self, "typedIdentity", self.key, 22, language)
        self._take = add_answer_buttons(self, t("identity_back", language), on_back,
                                        t("identity_take", language),
                                        lambda: self._submit(on_take))
        self._refresh()

    def choose(self, kind: str) -> None:
        """Switch between NIK and phone number (what was typed goes)."""
        if kind != self.kind:
            self.kind, self.digits = kind, ""
        self.show_identity(*self._args)

    def key(self, value: str) -> None:
        """A digit, ⌫ (\\b) or clear (\\x1b)."""
        if value == "\b":
            self.digits = self.digits[:-1]
        elif value == "\x1b":
            self.digits = ""
        elif value.isdigit():
            limit = NIK_DIGITS if self.kind == "nik" else PHONE_DIGITS[1]
            self.digits = (self.digits + value)[:limit]
        self._refresh()

    def _submit(self, on_take: Callable[[str, str], None]) -> None:
        if self._can_issue and valid(self.kind, self.digits):
            on_take(self.kind, self.digits)

    def _refresh(self) -> None:
        if self._shown is None or self._take is None:
            return
        shown = self.digits + "_" * max(0, (NIK_DIGITS if self.kind == "nik" else 0)
                                        - len(self.digits))
        self._shown.setText(" ".join(shown) if shown else "_ " * 4)
        self._shown.setStyleSheet(f"color: {BLUE_DARK if self.digits else GREY}; "
                                  "font-family: 'DejaVu Sans Mono';")
        self._take.setEnabled(self._can_issue and valid(self.kind, self.digits))
