"""The screen a device shows when it cannot start: what is wrong, in Indonesian and English.

A kiosk or a hall TV started by systemd at boot has no terminal anyone reads. When its
settings file is unusable, the hub refuses it or the hub's certificate is not the pinned
one, this fills the screen with the reason for `seconds`, then the app exits 1 and
systemd starts it again (so it tries again by itself once someone fixes the cause).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

TITLE = "Perangkat ini belum dapat dimulai · This device cannot start yet"
HINT = ("Hubungi petugas TI MPP. Perangkat akan mencoba lagi sendiri. · "
        "Call the MPP's IT staff; the device will try again by itself.")


class StartupScreen(QWidget):
    """A plain full-screen page: a title, each problem, and who to call."""

    def __init__(self, lines: list[str], device: str) -> None:
        super().__init__()
        self.setWindowTitle(f"Antrean MPP — {device}")
        self.setStyleSheet("background: #7a1f1f; color: white;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(80, 80, 80, 80)
        layout.setSpacing(28)
        title = QLabel(TITLE)
        title.setStyleSheet("font-size: 40px; font-weight: bold;")
        title.setWordWrap(True)
        layout.addWidget(title)
        for line in lines:
            label = QLabel(line)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setStyleSheet("font-size: 24px;")
            layout.addWidget(label)
        layout.addStretch(1)
        hint = QLabel(f"{HINT}\n{device}")
        hint.setWordWrap(True)
        hint.setStyleSheet("font-size: 22px; color: #ffd9d9;")
        layout.addWidget(hint)


def show_startup_problem(lines: list[str], device: str, seconds: float,
                         fullscreen: bool) -> int:
    """Show the problem for `seconds` (0: do not show it), then return 1."""
    if seconds <= 0:
        return 1
    app = QApplication.instance() or QApplication([])
    screen = StartupScreen(lines, device)
    if fullscreen:
        screen.showFullScreen()
    else:
        screen.resize(1280, 720)
        screen.show()
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    return 1
