"""The survey tablet's logic: which page, the answers so far, sending them once.

A survey starts when the hub says a visit was finished at this tablet's counter
(`ticket_finished` with our `counter_id`; survey devices are sent their counter's
events). The screen only renders `page`, `index`, `answers`… and calls the methods
here. Timers end a survey nobody touches (`idle_timeout_ms`) and the thank-you page;
both are injectable so tests wait for the real thing instead of sleeping.

Between visits (the idle page, or after a survey's thank-you) a citizen may leave a
complaint or suggestion (`start_complaint` … `submit_complaint`): it is sent with
`submit_complaint` and never tied to the visit just rated, which keeps the SKM anonymous.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from counter_display.survey import wording
from counter_display.survey.complaint import ComplaintForm, Field
from hub import protocol as p
from hub.client.qt_bridge import HubBridge
from hub.config import MallConfig
from hub.hub_messages import ErrorMessage, EventMessage, Result

log = logging.getLogger(__name__)

IDLE_TIMEOUT_MS = 90_000
THANKS_MS = 6_000


class Page(enum.Enum):
    """What the tablet shows."""

    IDLE = "idle"
    QUESTION = "question"
    PROFILE = "profile"
    SENDING = "sending"
    THANKS = "thanks"
    ERROR = "error"
    COMPLAINT_TOPIC = "complaint_topic"
    """Pengaduan or saran, and about what."""
    COMPLAINT_TEXT = "complaint_text"
    """The text and an optional contact, on the on-screen keyboard."""


COMPLAINT_PAGES = (Page.COMPLAINT_TOPIC, Page.COMPLAINT_TEXT)


@dataclass(frozen=True)
class Visit:
    """The finished visit being rated."""

    ticket_id: str
    service_id: str

    @property
    def label(self) -> str:
        """The number the visitor holds, e.g. A-001."""
        return wording.label_of(self.ticket_id)


@dataclass
class Form:
    """One respondent's answers; `payload()` is what `submit_survey` carries."""

    answers: list[int | None] = field(default_factory=lambda: [None] * len(wording.ELEMENTS))
    profile: dict[str, str | None] = field(default_factory=dict)
    comment: str = ""

    @property
    def complete(self) -> bool:
        """All nine elements answered."""
        return all(a is not None for a in self.answers)

    @property
    def touched(self) -> bool:
        """The visitor answered anything yet."""
        return any(a is not None for a in self.answers)

    def payload(self, ticket_id: str) -> dict[str, Any]:
        """The request fields (only the profile answers and comment that were given)."""
        fields: dict[str, Any] = {"ticket_id": ticket_id, "answers": [int(a or 0)
                                                                     for a in self.answers]}
        for question in wording.PROFILE:
            value = self.profile.get(question.field)
            if value:
                fields[question.field] = value
        comment = " ".join(self.comment.split())[:1000]
        if comment:
            fields["comment"] = comment
        return fields


class SurveyController(QObject):
    """One survey tablet bound to a counter (see module docstring)."""

    changed = Signal()
    """Page, answers, language or connection changed: re-render."""
    submitted = Signal(str)
    """The hub stored a survey for this ticket id."""

    def __init__(self, bridge: HubBridge, config: MallConfig, counter_id: str,
                 idle_timeout_ms: int = IDLE_TIMEOUT_MS, thanks_ms: int = THANKS_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.config = config
        self.counter_id = counter_id
        self.counter = config.counter(counter_id)
        self.page = Page.IDLE
        self.lang: wording.Lang = "id"
        self.visit: Visit | None = None
        self.queued: Visit | None = None
        """A visit finished while someone was still answering: rated next."""
        self.form = Form()
        self.index = 0
        """The element on screen (0 = U1) while on a question page."""
        self.error: ErrorMessage | None = None
        self.complaint = ComplaintForm()
        self.sending_complaint = False
        """What SENDING, THANKS and ERROR are about: a complaint, or the survey."""
        self.complaint_id: str | None = None
        """The number the hub gave the complaint just sent ("PS-001")."""
        self.link_status = bridge.client.state.status
        self._pending: str | None = None
        self._sending = False
        self._early: tuple[str, Any, Any] | None = None
        self._idle = QTimer(self, singleShot=True, interval=idle_timeout_ms)
        self._idle.timeout.connect(self.abandon)
        self._thanks = QTimer(self, singleShot=True, interval=thanks_ms)
        self._thanks.timeout.connect(self._after_thanks)
        bridge.messageReceived.connect(self.on_message)
        bridge.stateChanged.connect(self._on_state)
        bridge.requestFinished.connect(self._on_finished)

    # ------------------------------------------------------------------ reading

    @property
    def online(self) -> bool:
        """True while the hub link is up."""
        return self.link_status == "online"

    @property
    def service_name(self) -> str:
        """The rated visit's service, in the tablet's language."""
        if self.visit is None:
            return ""
        try:
            name = self.config.service(self.visit.service_id).name
        except KeyError:
            return self.visit.service_id
        return (name.en or name.id) if self.lang == "en" else name.id

    # ----------------------------------------------------------------- visitor

    def start(self, visit: Visit) -> None:
        """Show the first question for a finished visit."""
        self.visit, self.form, self.index, self.error = visit, Form(), 0, None
        self.complaint, self.sending_complaint, self.complaint_id = ComplaintForm(), False, None
        self.page = Page.QUESTION
        self._thanks.stop()
        self._touch()
        log.info("survey for %s", visit.ticket_id)
        self.changed.emit()

    def answer(self, value: int) -> None:
        """Rate the element on screen (1..4) and move on."""
        if self.page is not Page.QUESTION or value not in (1, 2, 3, 4):
            return
        self.form.answers[self.index] = value
        if self.index + 1 < len(wording.ELEMENTS):
            self.index += 1
        else:
            self.page = Page.PROFILE
        self._touch()
        self.changed.emit()

    def back(self) -> None:
        """Go to the previous element (its answer stays selected)."""
        if self.page is Page.PROFILE:
            self.page, self.index = Page.QUESTION, len(wording.ELEMENTS) - 1
        elif self.page is Page.QUESTION and self.index > 0:
            self.index -= 1
        else:
            return
        self._touch()
        self.changed.emit()

    def set_profile(self, field_name: str, code: str | None) -> None:
        """Choose (or with None clear) an optional profile answer."""
        self.form.profile[field_name] = code
        self._touch()
        self.changed.emit()

    def set_comment(self, text: str) -> None:
        """Keep the comment as typed (sent trimmed)."""
        self.form.comment = text
        self._touch()
        self.changed.emit()

    def toggle_language(self) -> None:
        """Switch between Bahasa Indonesia and English."""
        self.lang = "en" if self.lang == "id" else "id"
        self._touch()
        self.changed.emit()

    def submit(self) -> bool:
        """Send the answers to the hub (once; a refusal shows the error page)."""
        if self.visit is None or not self.form.complete or self._pending is not None:
            return False
        if self.page not in (Page.PROFILE, Page.ERROR) or self.sending_complaint:
            return False
        return self._send(p.SubmitSurvey, self.form.payload(self.visit.ticket_id))

    def _send(self, kind: type[p.Request], fields: dict[str, Any]) -> bool:
        """Send one request; its answer moves the page on (`_on_finished`)."""
        self.page, self.error = Page.SENDING, None
        self._idle.stop()
        self._early = None
        self._sending = True
        try:
            token = self.bridge.send(kind, **fields)
        finally:
            self._sending = False
        self._pending = token
        early, self._early = self._early, None
        if early is not None and early[0] == token:
            self._on_finished(*early)  # a stopped bridge answers inside request()
        else:
            self.changed.emit()
        return True

    # --------------------------------------------------------------- complaint

    def start_complaint(self) -> None:
        """Open the complaint form (from the idle or thank-you page)."""
        if self.page not in (Page.IDLE, Page.THANKS):
            return
        self._thanks.stop()
        self.visit = None  # a complaint is not tied to the visit just rated: SKM is anonymous
        self.complaint, self.complaint_id, self.error = ComplaintForm(), None, None
        self.sending_complaint = True
        self.page = Page.COMPLAINT_TOPIC
        self._touch()
        self.changed.emit()

    def choose_kind(self, kind: str) -> None:
        """Pengaduan or saran."""
        self.complaint.kind = kind
        self._touch()
        self.changed.emit()

    def choose_category(self, category: str) -> None:
        """What it is about (a category id of the configuration)."""
        if self.config.mpp.complaints.category(category) is None:
            return
        self.complaint.category = category
        self._touch()
        self.changed.emit()

    def complaint_next(self) -> None:
        """From the topic to the text."""
        if self.page is Page.COMPLAINT_TOPIC and self.complaint.topic_chosen:
            self.page = Page.COMPLAINT_TEXT
            self.complaint.focus("text")
            self._touch()
            self.changed.emit()

    def complaint_back(self) -> None:
        """From the text back to the topic (what was typed stays)."""
        if self.page is Page.COMPLAINT_TEXT:
            self.page = Page.COMPLAINT_TOPIC
            self._touch()
            self.changed.emit()

    def focus_field(self, field: Field) -> None:
        """The keyboard types into the text or the contact."""
        self.complaint.focus(field)
        self._touch()
        self.changed.emit()

    def type_key(self, key: str) -> None:
        """One key of the on-screen keyboard."""
        if self.page is not Page.COMPLAINT_TEXT:
            return
        self.complaint.type(key)
        self._touch()
        self.changed.emit()

    def submit_complaint(self) -> bool:
        """Send the complaint to the hub (once; a refusal shows the error page)."""
        if not self.complaint.complete or self._pending is not None:
            return False
        if self.page not in (Page.COMPLAINT_TEXT, Page.ERROR) or not self.sending_complaint:
            return False
        return self._send(p.SubmitComplaint, self.complaint.payload(self.lang))

    def retry(self) -> bool:
        """Send again what the error page is about."""
        return self.submit_complaint() if self.sending_complaint else self.submit()

    def abandon(self) -> None:
        """Drop the survey on screen (timeout, cancel, or the day ended) and go idle."""
        if self.page is Page.SENDING:
            return  # the answer decides
        if self.page is not Page.IDLE:
            log.info("survey for %s abandoned", self.visit.ticket_id if self.visit else "?")
        self._go_idle()

    # ------------------------------------------------------------------ private

    def on_message(self, message: object) -> None:
        """Start a survey when a visit is finished at our counter."""
        if not isinstance(message, EventMessage):
            return
        event = message.event
        kind = event["type"]
        if kind == "business_day_started":
            self.queued = None
            self.abandon()  # yesterday's visits cannot be rated today
        elif kind == "ticket_finished" and event["counter_id"] == self.counter_id:
            visit = Visit(str(event["ticket_id"]), str(event["service_id"]))
            busy = self.page in (Page.PROFILE, Page.SENDING, Page.ERROR, *COMPLAINT_PAGES) or (
                self.page is Page.QUESTION and self.form.touched)
            if busy:
                self.queued = visit
            else:
                self.start(visit)

    def _on_finished(self, token: str, result: Result | None,
                     error: ErrorMessage | None) -> None:
        if self._sending:
            self._early = (token, result, error)
            return
        if token != self._pending:
            return
        self._pending = None
        if error is None and self.sending_complaint:
            stored = next((e for e in result.events if e["type"] == "complaint_submitted"),
                          None) if result is not None else None
            self.complaint_id = wording.label_of(str(stored["complaint_id"])) if stored else None
            log.info("complaint %s stored", self.complaint_id)  # never its text or contact
            self.complaint = ComplaintForm()  # what was typed leaves the screen at once
            self.page = Page.THANKS
            self._thanks.start()
        elif error is None:
            ticket_id = self.visit.ticket_id if self.visit else ""
            log.info("survey for %s stored", ticket_id)
            self.page = Page.THANKS
            self._thanks.start()
            self.submitted.emit(ticket_id)
        else:
            self.error = error
            log.warning("%s refused: %s (%s)",
                        "complaint" if self.sending_complaint else "survey", error.code,
                        error.message_en)
            self.page = Page.ERROR
            self._idle.start()  # the error page, too, goes back to idle by itself
        self.changed.emit()

    def _after_thanks(self) -> None:
        self._go_idle()

    def _go_idle(self) -> None:
        self._idle.stop()
        self._thanks.stop()
        self.visit, self.form, self.index, self.error = None, Form(), 0, None
        self.complaint, self.sending_complaint, self.complaint_id = ComplaintForm(), False, None
        self.lang = "id"
        queued, self.queued = self.queued, None
        if queued is not None:
            self.start(queued)
            return
        self.page = Page.IDLE
        self.changed.emit()

    def _touch(self) -> None:
        if self.page in (Page.QUESTION, Page.PROFILE, Page.ERROR, *COMPLAINT_PAGES):
            self._idle.start()

    def _on_state(self, status: str, _detail: str) -> None:
        self.link_status = status
        self.changed.emit()
