"""The survey tablet's screen: idle, one element per page, profile, thank-you, error.

One element per page keeps the faces big enough for any finger and the question
readable from standing height. Everything is rebuilt from the controller in
`refresh()`; widgets only forward taps to it.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_display.survey import wording as w
from counter_display.survey.complaint_pages import TextPage, TopicPage
from counter_display.survey.faces import FaceButton
from counter_display.survey.flow import Page, SurveyController
from counter_display.survey.profile import ProfileForm
from hub.client.connection import local_error

STYLE = """
QWidget#survey { background: #eef4fb; }
QWidget { color: #0f172a; font-family: "DejaVu Sans"; }
QWidget#topBar { background: #0b3d91; }
QLabel#topTitle { color: white; font-size: 20px; font-weight: bold; }
QLabel#topTicket { color: #dbeafe; font-size: 18px; }
QPushButton#language { background: transparent; color: white; border: 2px solid #93c5fd;
                       border-radius: 10px; font-size: 18px; padding: 8px 18px; }
QLabel#offline { background: #b91c1c; color: white; font-size: 18px; font-weight: bold;
                 padding: 8px; }
QLabel#bigTitle { font-size: 64px; font-weight: bold; color: #0b3d91; }
QLabel#messageTitle { font-size: 44px; font-weight: bold; color: #0b3d91; }
QLabel#mark { font-size: 96px; font-weight: bold; }
QLabel#mpp { font-size: 30px; color: #1e293b; }
QLabel#hint { font-size: 20px; color: #475569; }
QLabel#progress { font-size: 18px; color: #475569; }
QLabel#element { font-size: 38px; font-weight: bold; color: #0b3d91; }
QLabel#question { font-size: 25px; color: #1e293b; }
QLabel#groupTitle { font-size: 20px; font-weight: bold; color: #334155; }
QPushButton#nav { font-size: 20px; padding: 12px 26px; border-radius: 12px;
                  background: white; border: 2px solid #cbd5e1; color: #334155; }
QPushButton#primary { font-size: 26px; font-weight: bold; padding: 16px 40px;
                      border-radius: 14px; background: #15803d; color: white; border: none; }
QPushButton#primary:disabled { background: #94a3b8; }
QPushButton#chip { font-size: 19px; border-radius: 12px; background: white;
                   border: 2px solid #cbd5e1; padding: 6px 10px; }
QPushButton#chip:checked { background: #0b3d91; color: white; border-color: #0b3d91; }
QLineEdit { font-size: 22px; padding: 12px; border: 2px solid #94a3b8; border-radius: 10px;
            background: white; }
QPlainTextEdit#complaintText { font-size: 22px; padding: 6px; border: 2px solid #94a3b8;
                               border-radius: 10px; background: white; }
QPlainTextEdit#complaintText[active="true"], QLineEdit#contact[active="true"] {
    border: 3px solid #0b3d91; }
QLineEdit#contact { font-size: 19px; padding: 8px; }
QLabel#note { font-size: 16px; color: #475569; }
QPushButton#complaint { font-size: 22px; padding: 14px 30px; border-radius: 14px;
                        background: white; color: #0b3d91; border: 2px solid #0b3d91; }
QPushButton#bigChoice { font-size: 28px; font-weight: bold; padding: 14px; border-radius: 16px;
                        background: white; border: 2px solid #cbd5e1; }
QPushButton#bigChoice:checked, QPushButton#choice:checked {
    background: #0b3d91; color: white; border-color: #0b3d91; }
QPushButton#choice { font-size: 20px; padding: 11px 10px; border-radius: 12px;
                     background: white; border: 2px solid #cbd5e1; }
QPushButton#key { font-size: 22px; font-weight: bold; border-radius: 10px; background: white;
                  border: 2px solid #cbd5e1; color: #0f172a; padding: 0 4px; }
QPushButton#key:checked { background: #dbeafe; border-color: #0b3d91; }
QPushButton#key:pressed { background: #bfdbfe; }
"""


class ElidedLabel(QLabel):
    """A one-line label that shortens its text with … instead of widening the window."""

    def __init__(self, name: str, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:
        super().__init__()
        self.setObjectName(name)
        self.align = align | Qt.AlignmentFlag.AlignVCenter
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:
        """Allow shrinking to a few characters; the text is elided then."""
        return QSize(80, super().minimumSizeHint().height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Draw the text, elided to the width there is."""
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.setFont(self.font())
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                             self.width())
        painter.drawText(self.rect(), int(self.align), text)
        painter.end()


def _label(name: str, text: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def _button(name: str) -> QPushButton:
    button = QPushButton()
    button.setObjectName(name)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


class SurveyScreen(QWidget):
    """The whole tablet screen for one SurveyController."""

    def __init__(self, controller: SurveyController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.config = controller.config
        self.setObjectName("survey")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(STYLE)
        self.setWindowTitle(f"{self.config.mpp.short_name} — SKM {controller.counter.name}")
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self._top_bar())
        self.offline = _label("offline")
        self.offline.hide()
        root.addWidget(self.offline)
        self.pages = QStackedWidget()
        root.addWidget(self.pages, 1)
        self.idle_page = self._idle_page()
        self.question_page = self._question_page()
        self.profile_page = self._profile_page()
        self.message_page = self._message_page()
        self.topic_page = TopicPage(controller)
        self.text_page = TextPage(controller)
        for page in (self.idle_page, self.question_page, self.profile_page, self.message_page,
                     self.topic_page, self.text_page):
            self.pages.addWidget(page)
        controller.changed.connect(self.refresh)
        self.resize(1280, 800)
        self.refresh()

    # ------------------------------------------------------------------- pages

    def _top_bar(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("topBar")
        bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(24, 12, 16, 12)
        self.top_title = ElidedLabel("topTitle")
        self.top_ticket = ElidedLabel("topTicket", Qt.AlignmentFlag.AlignRight)
        self.language = _button("language")
        self.language.setMinimumWidth(170)  # the language name must never be clipped
        self.language.clicked.connect(self.controller.toggle_language)
        layout.addWidget(self.top_title)
        layout.addStretch(1)
        layout.addSpacing(12)
        layout.addWidget(self.top_ticket)
        layout.addSpacing(20)
        layout.addWidget(self.language)
        return bar

    def _idle_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(60, 40, 60, 60)
        layout.addStretch(2)
        self.idle_title = _label("bigTitle")
        self.idle_mpp = _label("mpp", self.config.mpp.name)
        self.idle_hint = _label("hint")
        for widget in (self.idle_title, self.idle_mpp):
            layout.addWidget(widget)
        layout.addSpacing(30)
        layout.addWidget(self.idle_hint)
        layout.addStretch(2)
        self.idle_complaint = _button("complaint")
        self.idle_complaint.clicked.connect(self.controller.start_complaint)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.idle_complaint)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _question_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(40, 18, 40, 22)
        layout.setSpacing(10)
        self.intro = _label("hint")
        self.progress = _label("progress")
        self.element = _label("element")
        self.question = _label("question")
        for widget in (self.intro, self.progress, self.element, self.question):
            layout.addWidget(widget)
        layout.addSpacing(8)
        self.face_grid = QGridLayout()
        self.face_grid.setSpacing(22)
        self.faces = [FaceButton(rating) for rating in range(1, 5)]
        for face in self.faces:
            face.clicked.connect(lambda _=False, r=face.rating: self.controller.answer(r))
        self.portrait: bool | None = None
        self._arrange_faces(portrait=False)
        layout.addLayout(self.face_grid, 1)
        nav = QHBoxLayout()
        self.back = _button("nav")
        self.back.clicked.connect(self.controller.back)
        self.cancel = _button("nav")
        self.cancel.clicked.connect(self.controller.abandon)
        nav.addWidget(self.back)
        nav.addStretch(1)
        nav.addWidget(self.cancel)
        layout.addLayout(nav)
        return page

    def _profile_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(40, 16, 40, 20)
        layout.setSpacing(8)
        self.profile_title = _label("element")
        self.profile_hint = _label("hint")
        layout.addWidget(self.profile_title)
        layout.addWidget(self.profile_hint)
        self.profile = ProfileForm()
        self.profile.chosen.connect(self.controller.set_profile)
        self.profile.commentEdited.connect(self.controller.set_comment)
        scroll = QScrollArea()  # a short tablet (1024×600) scrolls the profile by finger
        scroll.setWidget(self.profile)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.viewport().setAutoFillBackground(False)
        self.profile.setAutoFillBackground(False)
        QScroller.grabGesture(scroll.viewport(),
                              QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        layout.addWidget(scroll, 1)
        nav = QHBoxLayout()
        self.profile_back = _button("nav")
        self.profile_back.clicked.connect(self.controller.back)
        self.submit = _button("primary")
        self.submit.clicked.connect(self.controller.submit)
        nav.addWidget(self.profile_back)
        nav.addStretch(1)
        nav.addWidget(self.submit)
        layout.addLayout(nav)
        return page

    def _message_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(60, 40, 60, 60)
        layout.addStretch(2)
        self.mark = _label("mark")
        self.message_title = _label("messageTitle")
        self.message_text = _label("mpp")
        self.message_hint = _label("hint")
        for widget in (self.mark, self.message_title, self.message_text, self.message_hint):
            layout.addWidget(widget)
        layout.addSpacing(30)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.retry = _button("primary")
        self.retry.clicked.connect(self.controller.retry)
        self.done = _button("nav")
        self.done.clicked.connect(self.controller.abandon)
        self.thanks_complaint = _button("complaint")
        self.thanks_complaint.clicked.connect(self.controller.start_complaint)
        buttons.addWidget(self.retry)
        buttons.addSpacing(20)
        buttons.addWidget(self.done)
        buttons.addWidget(self.thanks_complaint)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(3)
        return page

    def _arrange_faces(self, portrait: bool) -> None:
        """Four in a row on a landscape tablet, two by two on a portrait one."""
        if portrait == self.portrait:
            return
        self.portrait = portrait
        for index, face in enumerate(self.faces):
            self.face_grid.removeWidget(face)
            row, column = divmod(index, 2) if portrait else (0, index)
            self.face_grid.addWidget(face, row, column)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Pick the faces' arrangement for the screen's shape."""
        size = event.size()
        self._arrange_faces(size.height() > size.width() * 1.1)
        super().resizeEvent(event)

    # ------------------------------------------------------------------ render

    def refresh(self) -> None:
        """Show the controller's page in its language."""
        c = self.controller
        lang = c.lang
        complaint = c.page in (Page.COMPLAINT_TOPIC, Page.COMPLAINT_TEXT) or (
            c.sending_complaint and c.page in (Page.SENDING, Page.THANKS, Page.ERROR))
        title = w.COMPLAINT_TITLE(lang) if complaint else w.TITLE(lang)
        self.top_title.setText(f"{self.config.mpp.short_name} · {title}")
        self.top_ticket.setText(w.TICKET(lang).format(label=c.visit.label,
                                                      service=c.service_name)
                                if c.visit else c.counter.name)
        self.language.setText(w.LANGUAGE_BUTTON(lang))
        self.language.setVisible(c.page is not Page.IDLE)
        self.offline.setText(w.OFFLINE(lang))
        self.offline.setVisible(not c.online)
        if c.page is Page.IDLE:
            self.idle_title.setText(w.IDLE_TITLE(lang))
            self.idle_hint.setText(w.IDLE_HINT(lang).format(counter=c.counter.name))
            self.idle_complaint.setText(w.COMPLAINT_BUTTON(lang))
            self.pages.setCurrentWidget(self.idle_page)
        elif c.page is Page.COMPLAINT_TOPIC:
            self.topic_page.show_form()
            self.pages.setCurrentWidget(self.topic_page)
        elif c.page is Page.COMPLAINT_TEXT:
            self.text_page.show_form()
            self.pages.setCurrentWidget(self.text_page)
        elif c.page is Page.QUESTION:
            self._render_question()
            self.pages.setCurrentWidget(self.question_page)
        elif c.page is Page.PROFILE:
            self._render_profile()
            self.pages.setCurrentWidget(self.profile_page)
        else:
            self._render_message()
            self.pages.setCurrentWidget(self.message_page)

    def _render_question(self) -> None:
        c, lang = self.controller, self.controller.lang
        element = w.ELEMENTS[c.index]
        self.intro.setText(w.INTRO(lang))
        self.intro.setVisible(c.index == 0)
        self.progress.setText(w.PROGRESS(lang).format(n=c.index + 1, total=len(w.ELEMENTS))
                              + "   " + "".join("●" if i <= c.index else "○"
                                                for i in range(len(w.ELEMENTS))))
        self.element.setText(f"{element.code} · {element.name(lang)}")
        self.question.setText(element.question(lang))
        chosen = c.form.answers[c.index]
        for face in self.faces:
            face.setText(w.RATINGS[face.rating - 1](lang))
            face.setChecked(face.rating == chosen)
        self.back.setText(w.BACK(lang))
        self.back.setVisible(c.index > 0)
        self.cancel.setText(w.CANCEL(lang))

    def _render_profile(self) -> None:
        c, lang = self.controller, self.controller.lang
        self.profile_title.setText(w.PROFILE_TITLE(lang))
        self.profile_hint.setText(w.PROFILE_HINT(lang))
        self.profile.show_form(c.form, lang)
        self.profile_back.setText(w.BACK(lang))
        self.submit.setText(w.SUBMIT(lang))
        self.submit.setEnabled(c.form.complete)

    def _render_message(self) -> None:
        c, lang = self.controller, self.controller.lang
        self.retry.hide()
        self.done.hide()
        self.thanks_complaint.hide()
        self.message_hint.setText("")
        if c.page is Page.SENDING:
            self._mark("…", "#475569")
            self.message_title.setText(w.SENDING(lang))
            self.message_text.setText("")
        elif c.page is Page.THANKS and c.sending_complaint:
            self._mark("✓", "#15803d")
            self.message_title.setText(w.COMPLAINT_THANKS(lang))
            self.message_text.setText(w.COMPLAINT_NUMBER(lang).format(number=c.complaint_id)
                                      if c.complaint_id else "")
            self.message_hint.setText(self.config.mpp.complaints.lapor_text.get(lang))
        elif c.page is Page.THANKS:
            self.thanks_complaint.setText(w.COMPLAINT_BUTTON(lang))
            self.thanks_complaint.show()
            self._mark("✓", "#15803d")
            self.message_title.setText(w.THANKS(lang))
            self.message_text.setText(w.THANKS_HINT(lang))
            self.message_hint.setText(self.config.mpp.name)
        else:
            error = c.error or local_error("client_error", "Terjadi kesalahan.",
                                           "Something went wrong.")
            already = w.refusal_text(error, lang) == w.ALREADY_RATED(lang)
            self._mark("✓" if already else "!", "#15803d" if already else "#b45309")
            failed = w.COMPLAINT_ERROR_TITLE(lang) if c.sending_complaint else w.ERROR_TITLE(lang)
            self.message_title.setText(w.IDLE_TITLE(lang) if already else failed)
            self.message_text.setText(w.refusal_text(error, lang))
            self.retry.setText(w.RETRY(lang))
            self.retry.setVisible(w.can_retry(error))
            self.done.setText(w.DONE(lang))
            self.done.show()

    def _mark(self, text: str, colour: str) -> None:
        self.mark.setText(text)
        self.mark.setStyleSheet(f"color: {colour};")
