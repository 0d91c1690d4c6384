"""Build the spoken sentence for a call — pure text, no audio, no Qt, no clock.

A ticket label such as ``"A-012"`` or ``"PBG-007"`` is split into runs of letters
and digits.  Letters are spelled by their names (Indonesian: ``a, be, ce …``;
English: the capital letter itself, which espeak-ng reads as its name).  Digit runs
become words (``num2words``, leading zeros dropped: ``012`` → ``dua belas``) or are
read digit by digit (``nol satu dua``).  We spell numbers ourselves because espeak-ng
drops leading zeros and recorded clips need words anyway.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from num2words import num2words


class Language(StrEnum):
    """Languages an announcement can be spoken in."""

    INDONESIAN = "id"
    ENGLISH = "en"


class CallKind(StrEnum):
    """Why the ticket is announced: first call or a recall."""

    CALL = "call"
    RECALL = "recall"


class NumberStyle(StrEnum):
    """How ticket numbers are read: as a number or digit by digit."""

    WORDS = "words"
    DIGITS = "digits"


class InvalidTicketLabel(ValueError):
    """A ticket label or counter name that cannot be spoken."""


LETTER_NAMES_ID: dict[str, str] = {
    "A": "a", "B": "be", "C": "ce", "D": "de", "E": "e", "F": "ef", "G": "ge",
    "H": "ha", "I": "i", "J": "je", "K": "ka", "L": "el", "M": "em", "N": "en",
    "O": "o", "P": "pe", "Q": "ki", "R": "er", "S": "es", "T": "te", "U": "u",
    "V": "fe", "W": "we", "X": "eks", "Y": "ye", "Z": "zet",
}  # fmt: skip

DIGIT_NAMES: dict[Language, tuple[str, ...]] = {
    Language.INDONESIAN: (
        "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    ),
    Language.ENGLISH: (
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ),
}  # fmt: skip

MAX_LABEL_LENGTH = 32
MAX_DIGIT_RUN = 9  # a billion tickets a day is a typo, not a queue
MAX_ACRONYM_LENGTH = 4  # "BPJS" is spelled, "PAJAK" is read as a word

_LABEL_CHARS = re.compile(r"[A-Za-z0-9 ./_-]+")
_RUNS = re.compile(r"[A-Za-z]+|[0-9]+")
_PLACEHOLDERS = frozenset({"ticket", "counter"})


@dataclass(frozen=True)
class Call:
    """One announcement request: which ticket goes to which counter, and why."""

    ticket: str
    counter: str
    kind: CallKind = CallKind.CALL

    def __post_init__(self) -> None:
        """Validate now so a bad label fails where it was made, not in the audio thread."""
        object.__setattr__(self, "counter", str(self.counter).strip())
        object.__setattr__(self, "kind", CallKind(self.kind))
        ticket_runs(self.ticket)
        _check_counter(self.counter)

    @property
    def ticket_key(self) -> tuple[str | int, ...]:
        """Identify the ticket regardless of spelling ("A-012" == "a12")."""
        return tuple(int(run) if run.isdigit() else run.upper() for run in ticket_runs(self.ticket))


def _check_template(name: str, template: str) -> None:
    """Reject templates with unknown placeholders at construction time."""
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    except ValueError as exc:
        raise ValueError(f"announcement text {name!r} is not a valid template: {exc}") from None
    unknown = fields - _PLACEHOLDERS
    if unknown:
        raise ValueError(
            f"announcement text {name!r} uses unknown placeholder(s) "
            f"{', '.join('{' + f + '}' for f in sorted(unknown))}; only {{ticket}} and "
            "{counter} are allowed"
        )
    if "ticket" not in fields:
        raise ValueError(f"announcement text {name!r} must contain {{ticket}}")


@dataclass(frozen=True)
class AnnouncementTexts:
    """Sentence templates per kind and language; {ticket} and {counter} are filled in."""

    call_id: str = "Nomor antrean, {ticket}, silakan menuju loket {counter}."
    recall_id: str = "Panggilan ulang, nomor antrean, {ticket}, silakan menuju loket {counter}."
    call_en: str = "Queue number, {ticket}, please proceed to counter {counter}."
    recall_en: str = "Calling again, queue number, {ticket}, please proceed to counter {counter}."

    def __post_init__(self) -> None:
        """Validate every template so a config typo is caught at start-up."""
        for name in ("call_id", "recall_id", "call_en", "recall_en"):
            _check_template(name, getattr(self, name))

    def template(self, kind: CallKind, language: Language) -> str:
        """Return the template for this kind of call in this language."""
        return str(getattr(self, f"{CallKind(kind).value}_{Language(language).value}"))


@dataclass(frozen=True)
class SpeechSettings:
    """Everything the text builder needs: templates, number style and languages in order."""

    texts: AnnouncementTexts = field(default_factory=AnnouncementTexts)
    number_style: NumberStyle = NumberStyle.WORDS
    languages: tuple[Language, ...] = (Language.INDONESIAN,)

    def __post_init__(self) -> None:
        """Normalise enum values and refuse an announcement with no language."""
        object.__setattr__(self, "number_style", NumberStyle(self.number_style))
        object.__setattr__(self, "languages", tuple(Language(lang) for lang in self.languages))
        if not self.languages:
            raise ValueError("at least one announcement language is required")


def ticket_runs(label: str) -> list[str]:
    """Split a ticket label into letter and digit runs, refusing what cannot be spoken."""
    stripped = label.strip() if isinstance(label, str) else ""
    if not stripped or len(stripped) > MAX_LABEL_LENGTH:
        raise InvalidTicketLabel(f"ticket label {label!r} must be 1–{MAX_LABEL_LENGTH} characters")
    if not _LABEL_CHARS.fullmatch(stripped):
        raise InvalidTicketLabel(
            f"ticket label {label!r} may only contain letters A–Z, digits and - . / _ or space"
        )
    runs = _RUNS.findall(stripped)
    if not runs:
        raise InvalidTicketLabel(f"ticket label {label!r} has no letters or digits")
    for run in runs:
        if run.isdigit() and len(run) > MAX_DIGIT_RUN:
            raise InvalidTicketLabel(
                f"ticket label {label!r} has a number longer than {MAX_DIGIT_RUN} digits"
            )
    return runs


def _check_counter(counter: str) -> None:
    """Refuse counter names that are empty, huge or contain control characters."""
    if not counter or len(counter) > MAX_LABEL_LENGTH or not counter.isprintable():
        raise InvalidTicketLabel(
            f"counter {counter!r} must be 1–{MAX_LABEL_LENGTH} printable characters"
        )
    for run in re.findall(r"[0-9]+", counter):
        if len(run) > MAX_DIGIT_RUN:
            raise InvalidTicketLabel(
                f"counter {counter!r} has a number longer than {MAX_DIGIT_RUN} digits"
            )


def spell_letters(letters: str, language: Language) -> str:
    """Spell letters by their names ("PBG" → "pe be ge"; English keeps capitals for espeak)."""
    if Language(language) is Language.INDONESIAN:
        return " ".join(LETTER_NAMES_ID[ch] for ch in letters.upper())
    return " ".join(letters.upper())


def number_words(digits: str, language: Language) -> str:
    """Say a digit run as a number, dropping leading zeros ("012" → "dua belas")."""
    words = num2words(int(digits), lang=Language(language).value)
    # English num2words writes "one thousand, two hundred"; a comma would be a pause.
    return str(words).replace(",", "")


def digit_words(digits: str, language: Language) -> str:
    """Say a digit run digit by digit, keeping leading zeros ("012" → "nol satu dua")."""
    names = DIGIT_NAMES[Language(language)]
    return " ".join(names[int(d)] for d in digits)


def speak_ticket(
    label: str, language: Language, number_style: NumberStyle = NumberStyle.WORDS
) -> str:
    """Turn a ticket label into spoken words, runs separated by commas for a short pause."""
    say_number = digit_words if NumberStyle(number_style) is NumberStyle.DIGITS else number_words
    return ", ".join(
        say_number(run, language) if run.isdigit() else spell_letters(run, language)
        for run in ticket_runs(label)
    )


def _counter_words(counter: str, language: Language) -> Iterator[str]:
    """Yield the spoken form of each part of a counter name."""
    for token in re.split(r"[\s-]+", counter.strip()):
        for run in re.findall(r"[0-9]+|[^0-9]+", token):
            if run.isdigit():
                yield number_words(run, language)
            elif (
                run.isascii()
                and run.isalpha()
                and run.isupper()
                and (len(run) <= MAX_ACRONYM_LENGTH)
            ):
                yield spell_letters(run, language)
            else:
                yield run


def speak_counter(counter: str | int, language: Language) -> str:
    """Say a counter: numbers as words (always), short all-capital words spelled, rest as is."""
    text = str(counter).strip()
    _check_counter(text)
    return " ".join(_counter_words(text, language))


def build_text(
    call: Call,
    language: Language = Language.INDONESIAN,
    *,
    texts: AnnouncementTexts | None = None,
    number_style: NumberStyle = NumberStyle.WORDS,
) -> str:
    """Build the sentence for one call in one language."""
    template = (texts or AnnouncementTexts()).template(call.kind, language)
    return template.format(
        ticket=speak_ticket(call.ticket, language, number_style),
        counter=speak_counter(call.counter, language),
    )


def build_texts(call: Call, settings: SpeechSettings) -> list[tuple[Language, str]]:
    """Build the sentence in every configured language, in speaking order."""
    return [
        (
            language,
            build_text(call, language, texts=settings.texts, number_style=settings.number_style),
        )
        for language in settings.languages
    ]
