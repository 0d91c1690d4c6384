"""The notifications' words: Bahasa Indonesia, English for a visitor who chose it.

Short enough for one SMS (at most 160 characters: a long service name is cut to fit)
and plain text, no emoji or markup, so WhatsApp and SMS show the same thing.
"""

from __future__ import annotations

SMS_LENGTH = 160


def _ahead_id(ahead: int) -> str:
    return "Anda berikutnya." if ahead == 0 else f"Tinggal {ahead} antrean lagi sebelum Anda."


def _ahead_en(ahead: int) -> str:
    if ahead == 0:
        return "You are next."
    return f"{ahead} {'person' if ahead == 1 else 'people'} ahead of you."


def near_text(language: str, mall: str, label: str, service: str, ahead: int) -> str:
    """A ticket `ahead` places from the front: come back to the waiting hall."""
    if language == "en":
        return _fit("{m}: number {l} ({s}). " + _ahead_en(ahead)
                    + " Please return to the waiting hall.", mall, label, service)
    return _fit("{m}: nomor {l} ({s}). " + _ahead_id(ahead)
                + " Mohon kembali ke ruang tunggu.", mall, label, service)


def called_text(language: str, mall: str, label: str, counter: str) -> str:
    """The ticket is called: go to the counter."""
    if language == "en":
        return _fit("{m}: number {l} is called. Please go to {c} now.", mall, label, "",
                    counter)
    return _fit("{m}: nomor {l} dipanggil. Silakan menuju {c} sekarang.", mall, label, "",
                counter)


def transferred_text(language: str, mall: str, label: str, service: str,
                     counter: str | None, ahead: int | None) -> str:
    """The visit moved to another service (and maybe a counter), keeping its number."""
    if language == "en":
        where = " at {c}" if counter else ""
        rest = "" if ahead is None else " " + _ahead_en(ahead)
        return _fit("{m}: number {l} is moved to {s}" + where + "." + rest, mall, label,
                    service, counter or "")
    where = " di {c}" if counter else ""
    rest = "" if ahead is None else " " + _ahead_id(ahead)
    return _fit("{m}: nomor {l} dialihkan ke {s}" + where + "." + rest, mall, label, service,
                counter or "")


def _fit(template: str, mall: str, label: str, service: str, counter: str = "") -> str:
    """Fill the template, cutting the service name so the text fits one SMS (names are
    filled in by `format`, so a brace in a name is only a brace)."""
    text = template.format(m=mall, l=label, s=service, c=counter)
    over = len(text) - SMS_LENGTH
    if over > 0 and service:
        keep = max(8, len(service) - over - 3)
        service = service[:keep].rstrip() + "..."
        text = template.format(m=mall, l=label, s=service, c=counter)
    return text[:SMS_LENGTH]
