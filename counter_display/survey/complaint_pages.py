"""The complaint form's two pages: what and about what, then the text and a contact.

Rebuilt from the controller in `show()`; widgets only forward taps to it. Big chips
for the choices; the text and contact are read-only fields typed through the
on-screen keyboard (a tap on a field chooses where the keys go).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_display.survey import wording as w
from counter_display.survey.complaint import CONTACT_MAX, KINDS, TEXT_MAX
from counter_display.survey.flow import SurveyController
from counter_display.survey.keyboard import TextKeyboard

CATEGORY_COLUMNS = 2
"""Two columns: the longest names fit a 1024-pixel-wide tablet."""


def _label(name: str, wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def _button(name: str, checkable: bool = False) -> QPushButton:
    button = QPushButton()
    button.setObjectName(name)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setCheckable(checkable)
    return button


class TopicPage(QWidget):
    """Pengaduan or saran, and one of the configured categories."""

    def __init__(self, controller: SurveyController) -> None:
        super().__init__()
        self.controller = controller
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 12, 40, 14)
        layout.setSpacing(8)
        self.title = _label("element")
        self.about = _label("hint")
        self.kind_question = _label("groupTitle")
        layout.addWidget(self.title)
        layout.addWidget(self.about)
        layout.addWidget(self.kind_question)
        kinds = QHBoxLayout()
        kinds.setSpacing(18)
        self.kinds: dict[str, QPushButton] = {}
        for code, _ in KINDS:
            button = _button("bigChoice", checkable=True)
            button.clicked.connect(lambda _=False, c=code: controller.choose_kind(c))
            self.kinds[code] = button
            kinds.addWidget(button)
        layout.addLayout(kinds)
        self.category_question = _label("groupTitle")
        layout.addWidget(self.category_question)
        grid = QGridLayout()
        grid.setSpacing(10)
        self.categories: dict[str, QPushButton] = {}
        for index, category in enumerate(controller.config.mpp.complaints.categories):
            button = _button("choice", checkable=True)
            button.clicked.connect(lambda _=False, c=category.id: controller.choose_category(c))
            self.categories[category.id] = button
            grid.addWidget(button, *divmod(index, CATEGORY_COLUMNS))
        layout.addLayout(grid)
        layout.addStretch(1)
        nav = QHBoxLayout()
        self.cancel = _button("nav")
        self.cancel.clicked.connect(controller.abandon)
        self.next = _button("primary")
        self.next.clicked.connect(controller.complaint_next)
        nav.addWidget(self.cancel)
        nav.addStretch(1)
        nav.addWidget(self.next)
        layout.addLayout(nav)

    def show_form(self) -> None:
        """Render the choices made so far in the tablet's language."""
        c, lang = self.controller, self.controller.lang
        form = c.complaint
        tenant = c.config.tenant(c.counter.tenant).name.get(lang)
        self.title.setText(w.COMPLAINT_TITLE(lang))
        self.about.setText(w.COMPLAINT_FOR(lang).format(tenant=tenant, counter=c.counter.name))
        self.kind_question.setText(w.COMPLAINT_KIND_QUESTION(lang))
        for code, name in KINDS:
            self.kinds[code].setText(name(lang))
            self.kinds[code].setChecked(form.kind == code)
        self.category_question.setText(w.COMPLAINT_CATEGORY_QUESTION(lang))
        for category in c.config.mpp.complaints.categories:
            button = self.categories[category.id]
            button.setText(category.name.get(lang))
            button.setChecked(form.category == category.id)
        self.cancel.setText(w.COMPLAINT_CANCEL(lang))
        self.next.setText(w.NEXT(lang))
        self.next.setEnabled(form.topic_chosen)


class _Tap(QObject):
    """Turn a tap on a read-only field into 'type here'."""

    def __init__(self, action: object, parent: QObject) -> None:
        super().__init__(parent)
        self.action = action

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        """Call the action on a press; let Qt do the rest."""
        if event.type() == QEvent.Type.MouseButtonPress:
            self.action()  # type: ignore[operator]
        return False


class TextPage(QWidget):
    """The text, an optional contact, and the keyboard."""

    def __init__(self, controller: SurveyController) -> None:
        super().__init__()
        self.controller = controller
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 12, 40, 16)
        layout.setSpacing(8)
        head = QHBoxLayout()
        self.title = _label("groupTitle", wrap=False)
        self.title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.count = _label("progress", wrap=False)
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(self.title, 1)
        head.addWidget(self.count)
        layout.addLayout(head)
        self.text = QPlainTextEdit()
        self.text.setObjectName("complaintText")
        self.text.setReadOnly(True)
        self.text.setMinimumHeight(64)  # three lines; it and the keys shrink on a short tablet
        self.text.setMaximumHeight(118)
        self.text.viewport().installEventFilter(
            _Tap(lambda: controller.focus_field("text"), self))
        layout.addWidget(self.text, 2)
        self.contact = QLineEdit()
        self.contact.setObjectName("contact")
        self.contact.setReadOnly(True)
        self.contact.setMaxLength(CONTACT_MAX)
        self.contact.installEventFilter(_Tap(lambda: controller.focus_field("contact"), self))
        layout.addWidget(self.contact)
        self.note = _label("hint")
        self.note.setObjectName("note")
        layout.addWidget(self.note)
        self.keyboard = TextKeyboard()
        self.keyboard.key.connect(controller.type_key)
        layout.addWidget(self.keyboard, 5)
        nav = QHBoxLayout()
        self.back = _button("nav")
        self.back.clicked.connect(controller.complaint_back)
        self.send = _button("primary")
        self.send.clicked.connect(controller.submit_complaint)
        nav.addWidget(self.back)
        nav.addStretch(1)
        nav.addWidget(self.send)
        layout.addLayout(nav)

    def show_form(self) -> None:
        """Render what was typed, which field the keys go to, in the tablet's language."""
        c, lang = self.controller, self.controller.lang
        form = c.complaint
        self.title.setText(w.COMPLAINT_TEXT_TITLE[form.kind or "complaint"](lang))
        self.count.setText(w.CHARACTERS(lang).format(n=len(form.text), limit=TEXT_MAX))
        if self.text.toPlainText() != form.text:
            self.text.setPlainText(form.text)
            self.text.moveCursor(self.text.textCursor().MoveOperation.End)
        self.text.setPlaceholderText(w.TEXT_PLACEHOLDER(lang))
        self.contact.setText(form.contact)
        self.contact.setPlaceholderText(w.CONTACT_PLACEHOLDER(lang))
        typing_text = form.field == "text"
        self.text.setProperty("active", typing_text)
        self.contact.setProperty("active", not typing_text)
        for field in (self.text, self.contact):
            field.style().unpolish(field)
            field.style().polish(field)
        self.note.setText(w.CONTACT_NOTE(lang))
        self.keyboard.show_shift(form.shift)
        self.back.setText(w.BACK(lang))
        self.send.setText(w.SEND(lang))
        self.send.setEnabled(form.complete)
