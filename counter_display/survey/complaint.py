"""A complaint or suggestion as the citizen fills it in on the tablet (pure, no Qt).

Two short steps: what it is (pengaduan or saran) and about what (a configured
category), then the text and, if they wish, a contact typed on the on-screen keyboard.
The contact is personal data: it goes to the hub once and is never shown again (the
hub keeps it for the manager's export only). `payload()` is what `submit_complaint`
carries; the limits are the protocol's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from counter_display.survey.wording import Bilingual

TEXT_MAX = 1000
CONTACT_MAX = 100
Field = Literal["text", "contact"]

KINDS: tuple[tuple[str, Bilingual], ...] = (
    ("complaint", Bilingual("Pengaduan", "Complaint")),
    ("suggestion", Bilingual("Saran", "Suggestion")),
)

BACKSPACE = "\b"
CLEAR = "\x1b"
SHIFT = "\x0f"


@dataclass
class ComplaintForm:
    """What the citizen chose and typed so far."""

    kind: str | None = None
    category: str | None = None
    text: str = ""
    contact: str = ""
    field: Field = "text"
    """Where the keyboard types."""
    shift: bool = True
    """The next letter is a capital (one-shot, as on a phone; on at a sentence's start)."""

    def focus(self, field: Field) -> None:
        """Type into `field` from now on (a contact starts in small letters)."""
        self.field = field
        self.shift = field == "text" and not self.text

    @property
    def topic_chosen(self) -> bool:
        """Kind and category are chosen: the text may be typed."""
        return self.kind is not None and self.category is not None

    @property
    def complete(self) -> bool:
        """There is something to send."""
        return self.topic_chosen and bool(self.text.strip())

    @property
    def touched(self) -> bool:
        """The citizen did anything yet."""
        return self.kind is not None or self.category is not None or bool(self.text)

    def type(self, key: str) -> None:
        """Apply one key of the on-screen keyboard to the field being typed in."""
        if key == SHIFT:
            self.shift = not self.shift
            return
        value = self.text if self.field == "text" else self.contact
        limit = TEXT_MAX if self.field == "text" else CONTACT_MAX
        if key == BACKSPACE:
            value = value[:-1]
        elif key == CLEAR:
            value = ""
        else:
            if self.shift and key.isalpha():
                key, self.shift = key.upper(), False
            elif not value.strip() and key == " ":
                key = ""  # no leading spaces
            value = (value + key)[:limit]
            if self.field == "text" and value.endswith((". ", "? ", "! ")):
                self.shift = True  # a new sentence starts with a capital
        if self.field == "text":
            self.text = value
            if not value:
                self.shift = True
        else:
            self.contact = value

    def payload(self, language: str) -> dict[str, Any]:
        """The request fields (spaces collapsed; an empty contact is left out)."""
        assert self.kind is not None and self.category is not None
        fields: dict[str, Any] = {"feedback": self.kind, "category": self.category,
                                  "text": " ".join(self.text.split())[:TEXT_MAX],
                                  "language": "en" if language == "en" else "id"}
        contact = " ".join(self.contact.split())[:CONTACT_MAX]
        if contact:
            fields["contact"] = contact
        return fields
