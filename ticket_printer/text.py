"""Words on the ticket: labels in two languages, dates, waits, ASCII folding and word wrapping."""

from __future__ import annotations

import re
import textwrap
import unicodedata
from datetime import datetime, timedelta

LABELS: dict[str, dict[str, str]] = {
    "id": {
        "queue_number": "Nomor Antrean",
        "people_ahead": "Orang di depan Anda",
        "estimated_wait": "Perkiraan waktu tunggu",
        "bring": "Yang perlu dibawa:",
        "scan": "Pindai untuk melihat status antrean",
        "keep": "Simpan tiket ini sampai nomor Anda dipanggil",
    },
    "en": {
        "queue_number": "Queue number",
        "people_ahead": "People ahead of you",
        "estimated_wait": "Estimated wait",
        "bring": "Please bring:",
        "scan": "Scan to check your queue status",
        "keep": "Keep this ticket until your number is called",
    },
}

_DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
_INDONESIAN_ZONES = {
    timedelta(hours=7): "WIB",
    timedelta(hours=8): "WITA",
    timedelta(hours=9): "WIT",
}

# Characters NFKD cannot fold to ASCII, mapped to what a reader would write by hand.
_FOLD = {
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "′": "'",
    "´": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "″": '"',
    "«": '"',
    "»": '"',
    "‹": "<",
    "›": ">",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "−": "-",
    "⁃": "-",
    "…": "...",
    "•": "*",
    "·": ".",
    "×": "x",
    "÷": "/",
    "⁄": "/",
    "±": "+/-",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "©": "(c)",
    "®": "(R)",
    "™": "TM",
    "°": "o",
    "№": "No.",
    "→": "->",
    "←": "<-",
    "≤": "<=",
    "≥": ">=",
    "≈": "~",
    "¡": "!",
    "¿": "?",
    "ß": "ss",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "Ð": "D",
    "þ": "th",
    "Þ": "Th",
    "ı": "i",
    "ħ": "h",
    "Ħ": "H",
    "\u200b": " ",  # zero-width space marks a word boundary: keep the words apart
}


_UNKNOWN = "\x00"
_UNKNOWN_RUN = re.compile("\x00+")


def to_ascii(text: str) -> str:
    """Fold ``text`` to printable ASCII so no printer code page can turn it into garbage.

    Accents are dropped ("é" -> "e"), typographic punctuation is straightened, control
    characters (an ESC in a tenant name would be a printer command) and symbols such as
    emoji are removed, a run of letters with no Latin form becomes one "?", and whitespace
    collapses.
    """
    out: list[str] = []
    for char in text:
        if " " <= char <= "~":
            out.append(char)
        elif char in _FOLD:
            out.append(_FOLD[char])
        elif char.isspace():
            out.append(" ")
        else:
            out.append(_fold_char(char))
    return " ".join(_UNKNOWN_RUN.sub("?", "".join(out)).split())


def _fold_char(char: str) -> str:
    """Fold one non-ASCII character through its compatibility decomposition."""
    folded: list[str] = []
    for part in unicodedata.normalize("NFKD", char):
        category = unicodedata.category(part)
        if " " <= part <= "~":
            folded.append(part)
        elif part in _FOLD:
            folded.append(_FOLD[part])
        elif category[0] in "LN":
            folded.append(_UNKNOWN)
        # Combining marks (Mn), controls (Cc/Cf), symbols (S*) and the rest print as nothing.
    return "".join(folded)


def wrap(text: str, columns: int) -> list[str]:
    """Break ``text`` into lines of at most ``columns`` characters, only between words.

    A single word longer than a whole line is the one case that must be split; callers
    avoid it by choosing a smaller character size first (see ``fits_words``).
    """
    text = to_ascii(text)
    if not text:
        return []
    lines = textwrap.wrap(text, width=columns, break_long_words=False, break_on_hyphens=False)
    result: list[str] = []
    for line in lines:
        while len(line) > columns:
            result.append(line[:columns])
            line = line[columns:]
        result.append(line)
    return result


def wrap_balanced(text: str, columns: int) -> list[str]:
    """Wrap like ``wrap`` but into lines of even length, so centred text has no lone last word.

    Keeps the line count of a greedy wrap at ``columns`` and picks the narrowest width that
    still gives that count: "Keep this ticket until your number is / called" becomes
    "Keep this ticket until / your number is called".
    """
    lines = wrap(text, columns)
    if len(lines) < 2 or not fits_words(text, columns):
        return lines
    width = columns
    while width > 1 and len(wrap(text, width - 1)) == len(lines):
        width -= 1
    return wrap(text, width)


def fits_words(text: str, columns: int) -> bool:
    """Tell whether every word of ``text`` fits on a line of ``columns`` characters."""
    return all(len(word) <= columns for word in to_ascii(text).split())


def format_issued_at(moment: datetime, language: str) -> str:
    """Format like "Senin, 23 Nov 2026 09:41 WIB" in the moment's own timezone, locale-free."""
    day = _DAYS[language][moment.weekday()]
    month = _MONTHS[language][moment.month - 1]
    text = f"{day}, {moment.day} {month} {moment.year} {moment:%H:%M}"
    zone = _INDONESIAN_ZONES.get(moment.utcoffset() or timedelta(0))
    return f"{text} {zone}" if zone else text


def format_wait(minutes: int, language: str) -> str:
    """Say an estimated wait the way a person would: "sekitar 1 jam 20 menit"."""
    if minutes <= 0:
        return "segera" if language == "id" else "any moment now"
    hours, rest = divmod(minutes, 60)
    if language == "id":
        parts = ([f"{hours} jam"] if hours else []) + ([f"{rest} menit"] if rest else [])
        return "sekitar " + " ".join(parts)
    parts = ([f"{hours} h"] if hours else []) + ([f"{rest} min"] if rest else [])
    return "about " + " ".join(parts)


def key_value(label: str, value: str, columns: int) -> list[str]:
    """Lay out "label ..... value" on one line, or on two when the line is too narrow."""
    label, value = to_ascii(label), to_ascii(value)
    gap = columns - len(label) - len(value)
    if gap >= 2:
        return [label + " " * gap + value]
    return [*wrap(label, columns), *(line.rjust(columns) for line in wrap(value, columns))]
