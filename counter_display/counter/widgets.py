"""Building blocks of the counter terminal: two-language buttons, banner, message bar."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

STYLE = """
QMainWindow, QDialog { background: #eef2f7; }
QWidget { color: #0f172a; font-family: "DejaVu Sans"; }
QFrame#panel { background: white; border: 1px solid #cbd5e1; border-radius: 10px; }
QLabel#caption { color: #475569; font-size: 14px; }
QLabel#small { color: #64748b; font-size: 12px; }
QLabel#ticketNumber { font-size: 104px; font-weight: bold; color: #0b3d91; }
QLabel#stateWord { font-size: 56px; font-weight: bold; color: #475569; }
QLabel#service { font-size: 22px; font-weight: bold; }
QLabel#detail { font-size: 17px; color: #1e293b; }
QLabel#hint { font-size: 15px; color: #475569; }
QLabel#counterName { font-size: 30px; font-weight: bold; }
QLabel#tenant { font-size: 18px; color: #334155; }
QLabel#fact { font-size: 16px; }
QLabel#statusPill { font-size: 18px; font-weight: bold; color: white; border-radius: 8px;
                    padding: 4px 14px; }
QLabel#queueName { font-size: 16px; }
QLabel#queueCount { font-size: 28px; font-weight: bold; color: #0b3d91; }
QLabel#sectionTitle { font-size: 16px; font-weight: bold; color: #334155; }
QPushButton#action { border: none; border-radius: 10px; color: white; }
QPushButton#action:disabled { background: #d5dce6; }
QPushButton#action QLabel { color: white; background: transparent; }
QPushButton#action QLabel:disabled { color: #7b8796; }
QPushButton#action QLabel#actionTitle { font-size: 18px; font-weight: bold; }
QPushButton#action QLabel#actionSub { font-size: 12px; }
QPushButton#parked { font-size: 17px; font-weight: bold; padding: 8px 12px; border-radius: 8px;
                     background: #b45309; color: white; border: none; }
QPushButton#parked:disabled { background: #d5dce6; color: #7b8796; }
QListWidget { font-size: 16px; background: white; border: 1px solid #cbd5e1; }
QListWidget::item { padding: 8px 6px; }
QListWidget::item:selected { background: #1d4ed8; color: white; }
QLineEdit { font-size: 22px; padding: 8px; background: white; border: 1px solid #94a3b8;
            border-radius: 6px; }
QDialogButtonBox QPushButton { font-size: 16px; padding: 8px 18px; }
"""

STATUS_COLOURS = {"open": "#15803d", "serving": "#15803d", "paused": "#b45309",
                  "closed": "#475569", None: "#94a3b8"}


class ActionButton(QPushButton):
    """A big button: Indonesian on top, English and the shortcut small underneath."""

    def __init__(self, title: str, subtitle: str, colour: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("action")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space/Enter belong to the shortcuts
        self.setMinimumHeight(76)
        self.setStyleSheet(f"QPushButton#action:enabled {{ background: {colour}; }}"
                           f"QPushButton#action:enabled:pressed {{ background: #0f172a; }}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        self.title = QLabel(title)
        self.title.setObjectName("actionTitle")
        self.subtitle = QLabel(subtitle)
        self.subtitle.setObjectName("actionSub")
        for label in (self.title, self.subtitle):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)

    def set_texts(self, title: str, subtitle: str) -> None:
        """Change the labels (for toggles like Istirahat / Lanjutkan)."""
        if self.title.text() != title:
            self.title.setText(title)
        if self.subtitle.text() != subtitle:
            self.subtitle.setText(subtitle)


class Banner(QLabel):
    """The red offline banner across the top of the window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offlineBanner")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet("QLabel#offlineBanner { background: #b91c1c; color: white;"
                           " font-size: 20px; font-weight: bold; padding: 10px; }")
        self.hide()

    def show_text(self, text_id: str, text_en: str) -> None:
        """Show the banner with both languages."""
        self.setText(f"{text_id}<br><span style='font-size:13px; font-weight:normal'>"
                     f"{text_en}</span>")
        self.show()


class MessageBar(QWidget):
    """A refusal from the hub: message_id big, message_en small; hides itself after a while."""

    closed = Signal()

    def __init__(self, parent: QWidget | None = None, timeout_ms: int = 12_000) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet("QWidget#messageBar { background: #fef3c7; border: 2px solid #d97706;"
                           " border-radius: 8px; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        texts = QVBoxLayout()
        self.text_id = QLabel()
        self.text_id.setStyleSheet("font-size: 18px; font-weight: bold; color: #7c2d12;")
        self.text_id.setWordWrap(True)
        self.text_en = QLabel()
        self.text_en.setStyleSheet("font-size: 12px; color: #7c2d12;")
        self.text_en.setWordWrap(True)
        texts.addWidget(self.text_id)
        texts.addWidget(self.text_en)
        layout.addLayout(texts, 1)
        close = QPushButton("×")
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        close.setFixedSize(36, 36)
        close.setToolTip("Tutup pesan · Close")
        close.setStyleSheet("font-size: 22px; border: none; color: #7c2d12;")
        close.clicked.connect(self.dismiss)
        layout.addWidget(close)
        self._timer = QTimer(self, singleShot=True, interval=timeout_ms)
        self._timer.timeout.connect(self.dismiss)
        self.hide()

    def show_error(self, message_id: str, message_en: str) -> None:
        """Show a refusal and restart the hide timer."""
        self.text_id.setText(f"⚠ {message_id}")
        self.text_en.setText(message_en)
        self.show()
        self._timer.start()

    def dismiss(self) -> None:
        """Hide the bar."""
        if self.isHidden():
            return
        self._timer.stop()
        self.hide()
        self.closed.emit()
