"""An on-screen keyboard for the complaint form: the tablet has no physical keyboard.

Small letters with a one-shot shift (capitals when a sentence starts, as on a phone),
digits, the punctuation a message and a phone number or e-mail need, space, backspace
and clear. Keys only emit `key`; the form decides what a key does.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from counter_display.survey.complaint import BACKSPACE, CLEAR, SHIFT

ROWS = ("1234567890", "qwertyuiop", "asdfghjkl'", "zxcvbnm,.?")
KEY_HEIGHT = 54
MIN_KEY_HEIGHT = 34


class TextKeyboard(QWidget):
    """Keys in rows; `key` carries the character (or BACKSPACE, CLEAR, SHIFT)."""

    key = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.letters: list[QPushButton] = []
        for number, row in enumerate(ROWS):
            line = QHBoxLayout()
            line.setSpacing(6)
            if number == 3:
                self.shift = self._key("⇧", SHIFT)
                self.shift.setCheckable(True)
                line.addWidget(self.shift, 3)
            for char in row:
                button = self._key(char, char)
                if char.isalpha():
                    self.letters.append(button)
                line.addWidget(button, 2)
            layout.addLayout(line)
        last = QHBoxLayout()
        last.setSpacing(6)
        for text, value, stretch in (("@", "@", 2), ("-", "-", 2), ("!", "!", 2),
                                     ("spasi / space", " ", 8), ("⌫", BACKSPACE, 3),
                                     ("hapus / clear", CLEAR, 6)):
            last.addWidget(self._key(text, value), stretch)
        layout.addLayout(last)

    def _key(self, text: str, value: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName("key")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setMinimumHeight(MIN_KEY_HEIGHT)  # a 1024×600 tablet: keys shrink to this
        button.setMaximumHeight(KEY_HEIGHT)
        button.setMinimumWidth(40)  # Qt's default minimum (~80 px) would widen the window
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.clicked.connect(lambda _=False, v=value: self.key.emit(v))
        return button

    def show_shift(self, on: bool) -> None:
        """Show capitals on the letter keys while the next letter will be one."""
        self.shift.setChecked(on)
        for button in self.letters:
            text = button.text()
            button.setText(text.upper() if on else text.lower())
