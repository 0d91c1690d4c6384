"""The check-in screen for visitors who booked online (antrean online).

The booking code is typed on large on-screen keys, or read by a barcode/QR scanner:
scanners type like a keyboard and end with Enter, so the page takes key presses
directly too (the window forwards every key press to it while it is shown, whatever
has the focus, and a scan on the home screen opens it). Whether a code is good, and
whether it is its time, is the hub's to say (`check_in_appointment`); the page only
collects what was typed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.pages import Page
from kiosk.texts import t
from kiosk.widgets import BLUE_DARK, GREY, font, label

CODE_SIGNS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""The signs a booking code is made of (docs/protocol.md §8.20): no 0/O, no 1/I."""
CODE_LENGTH = 6
TYPED_MAX = 32
"""The longest code the hub reads (check_in_appointment.code): a scan longer than this is cut."""
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def typed_code(text: str) -> str:
    """What a visitor or a scanner typed, as the hub will read it: no spaces, upper case."""
    return "".join(ch for ch in text.upper() if not ch.isspace())[:TYPED_MAX]


class CodeKeyboard(QWidget):
    """Large keys for the code's signs only, in the keyboard's familiar order."""

    ROWS = ("23456789", "QWERTYUP", "ASDFGHJKL", "ZXCVBNM")

    def __init__(self, on_key: Callable[[str], None], points: float, language: str) -> None:
        super().__init__()
        self.setObjectName("codeKeyboard")
        layout = QVBoxLayout(self)
        gap = int(points * 0.45)
        layout.setSpacing(gap)
        layout.setContentsMargins(0, 0, 0, 0)
        side = int(points * 4.4)
        for row in self.ROWS:
            line = QHBoxLayout()
            line.setSpacing(gap)
            line.addStretch(1)
            for sign in row:
                line.addWidget(self._key(sign, sign, on_key, points, side, side))
            line.addStretch(1)
            layout.addLayout(line)
        last = QHBoxLayout()
        last.setSpacing(gap)
        last.addStretch(1)
        last.addWidget(self._key("⌫  " + t("delete_key", language), "\b", on_key,
                                 points * 0.8, side * 3 + gap * 2, side))
        last.addWidget(self._key("✕  " + t("clear_key", language), "\x1b", on_key,
                                 points * 0.8, side * 3 + gap * 2, side))
        last.addStretch(1)
        layout.addLayout(last)

    @staticmethod
    def _key(text: str, value: str, on_key: Callable[[str], None], points: float,
             width: int, height: int) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName("key")
        button.setFont(font(points, True))
        button.setFixedSize(width, height)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a scanner's keys must reach the page
        button.clicked.connect(lambda: on_key(value))
        return button


class CheckInPage(Page):
    """Type or scan the booking code, then check in (the window sends it to the hub)."""

    def __init__(self, scale: float) -> None:
        super().__init__(scale)
        self.code = ""
        self._on_submit: Callable[[str], None] = lambda _code: None
        self._shown: QLabel | None = None
        self._submit: QPushButton | None = None

    def show_check_in(self, language: str, can_check_in: bool, fault_text: str | None,
                      on_submit: Callable[[str], None]) -> None:
        """Rebuild the page for the code typed so far."""
        self.clear()
        self.language = language
        self._on_submit = on_submit
        self.outer.addWidget(label(t("check_in_title", language), self.pt(28), bold=True))
        self.outer.addWidget(label(t("check_in_how", language), self.pt(16)))
        card = QFrame()
        card.setObjectName("card")
        row = QHBoxLayout(card)
        margin = int(self.pt(14))
        row.setContentsMargins(margin * 2, margin, margin * 2, margin)
        row.addWidget(label(t("booking_code", language), self.pt(18), wrap=False))
        self._shown = label("", self.pt(44), bold=True, wrap=False,
                            align=Qt.AlignmentFlag.AlignHCenter)
        self._shown.setObjectName("typedCode")
        self._shown.setStyleSheet(f"color: {BLUE_DARK}; font-family: 'DejaVu Sans Mono';")
        row.addWidget(self._shown, 1)
        self.outer.addWidget(card)
        self.outer.addWidget(CodeKeyboard(self.key, self.pt(21), language), 0,
                             Qt.AlignmentFlag.AlignHCenter)
        self.outer.addStretch(1)
        self._submit = QPushButton(t("check_in_button", language))
        self._submit.setObjectName("primary")
        self._submit.setFont(font(self.pt(24), True))
        self._submit.setMinimumHeight(int(self.pt(100)))
        self._submit.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._submit.clicked.connect(lambda: self.submit())
        self._can_check_in = can_check_in
        self.outer.addWidget(self._submit)
        if fault_text:
            warn = label(fault_text, self.pt(15), bold=True, align=Qt.AlignmentFlag.AlignHCenter)
            warn.setStyleSheet("color: #c62828;")
            self.outer.addWidget(warn)
        self._refresh()

    def key(self, value: str) -> None:
        """One on-screen key: a sign, ⌫ (\\b) or clear (\\x1b)."""
        if value == "\b":
            self.code = self.code[:-1]
        elif value == "\x1b":
            self.code = ""
        else:
            self.code = typed_code(self.code + value)
        self._refresh()

    def key_event(self, event: QKeyEvent) -> None:
        """A key from a keyboard or a scanner: signs are typed, Enter checks in."""
        if event.key() in ENTER_KEYS:
            self.submit(scanned=True)
        elif event.key() == Qt.Key.Key_Backspace:
            self.key("\b")
        elif event.key() == Qt.Key.Key_Escape:
            self.key("\x1b")
        elif event.text() and event.text().isprintable():
            self.key(event.text())

    def submit(self, scanned: bool = False) -> None:
        """Send the code (a scan ends with Enter whatever its length; touch needs all six)."""
        code = self.code
        if not code or not self._can_check_in or (not scanned and len(code) < CODE_LENGTH):
            return
        self._on_submit(code)

    def _refresh(self) -> None:
        if self._shown is None or self._submit is None:
            return
        if self.code:
            padded = self.code + "_" * max(0, CODE_LENGTH - len(self.code))
            self._shown.setText(" ".join(padded))
            self._shown.setStyleSheet(
                f"color: {BLUE_DARK}; font-family: 'DejaVu Sans Mono';")
        else:
            self._shown.setText(" ".join("_" * CODE_LENGTH))
            self._shown.setStyleSheet(f"color: {GREY}; font-family: 'DejaVu Sans Mono';")
        self._submit.setEnabled(self._can_check_in and len(self.code) >= CODE_LENGTH)
