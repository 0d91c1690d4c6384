"""Who a visitor is, as far as the queue needs: a phone number, a NIK's keyed hash, and the
anti-calo limits counted on them. Pure like the engine: no I/O, no clock, no randomness.

Theory of operation
-------------------
A ticket may carry the visitor's `contact` (a phone number, for the phone page's
recovery and for "your turn is near" notifications) and a `nik_hash` (the NIK typed
at the kiosk or on the phone, kept only as HMAC-SHA256 under `[hub] visitor_secret`,
so the log never holds a NIK and a stolen log cannot be reversed without the mall
file). Each is an *identity*.

A service with `[services.limits]` counts, per business day, the tickets issued for it
to each identity (at issuing, whatever later happens to them):

- `one_active`: no second ticket while one of the same identity is not final
  (pending, waiting, called or parked) — refused `one_active`;
- `max_per_day`: at most N tickets a day — refused `max_per_day`.

A ticket cancelled before it reached its visitor (a failed print) is not counted; one the
visitor left (`left_queue`) is.

The limits are the engine's, so every channel that issues a ticket (kiosk, the phone
page's `mobile`, an appointment's check-in `online`) meets them alike. A ticket with no
identity is not counted (the kiosk offers the number as an option); a `mobile` ticket
always has a contact: the phone page's recovery needs it.
"""

from __future__ import annotations

import hashlib
import hmac

from hub.engine.errors import InvalidArgument, QueueError

CONTACT_DIGITS_MIN = 8
CONTACT_DIGITS_MAX = 15
"""E.164 allows at most 15 digits; the shortest Indonesian mobile number has 10, a
fixed line with its area code 8 or more."""
NIK_DIGITS = 16
LEFT_QUEUE = "left_queue"
"""The cancellation reason of a visitor who left the queue from their phone: that ticket
still counts for the limits (any other cancellation never reached the visitor)."""
_SEPARATORS = " -.()/\t"


def normalise_contact(text: str) -> str:
    """A phone number as typed ("0812-3456 7890", "+62 812…") → digits, a leading + kept.

    Raises InvalidArgument for anything that is no phone number.
    """
    stripped = "".join(ch for ch in text.strip() if ch not in _SEPARATORS)
    plus = stripped.startswith("+")
    digits = stripped[1:] if plus else stripped
    if not digits.isascii() or not digits.isdigit() or not (
            CONTACT_DIGITS_MIN <= len(digits) <= CONTACT_DIGITS_MAX):
        raise InvalidArgument(f"a phone number of {CONTACT_DIGITS_MIN} to "
                              f"{CONTACT_DIGITS_MAX} digits is needed")
    return ("+" if plus else "") + digits


def phone_or_none(text: str | None) -> str | None:
    """The normalised phone number in `text`, or None when it is none (a NIK's digits)."""
    if not text:
        return None
    try:
        return normalise_contact(text)
    except InvalidArgument:
        return None


def nik_hash(secret: str | None, nik: str) -> str:
    """The NIK (16 digits, spaces allowed) as kept: HMAC-SHA256 under the hub's secret."""
    digits = "".join(ch for ch in nik if ch not in _SEPARATORS)
    if len(digits) != NIK_DIGITS or not digits.isascii() or not digits.isdigit():
        raise InvalidArgument(f"a NIK has {NIK_DIGITS} digits")
    if not secret:
        raise InvalidArgument("this hub takes no NIK ([hub] visitor_secret is not set)")
    return hmac.new(secret.encode(), f"nik:{digits}".encode(), hashlib.sha256).hexdigest()[:32]


def identities(contact: str | None, nik_hashed: str | None) -> list[str]:
    """The keys a ticket is counted under ("tel:…", "nik:…")."""
    keys = []
    if contact:
        # +62 812… and 0812… are one number: a broker gains nothing by writing it otherwise.
        national = "0" + contact[3:] if contact.startswith("+62") else contact
        keys.append(f"tel:{national}")
    if nik_hashed:
        keys.append(f"nik:{nik_hashed}")
    return keys


class LimitReached(QueueError):
    """A ticket refused by a service's anti-calo limit; `reason` says which.

    `reason`: one_active (a ticket of the same phone number or NIK is still open) or
    max_per_day (`limit` tickets were issued to it today); `identity`: "tel" or "nik".
    """

    code = "limit_reached"

    def __init__(self, service_id: str, reason: str, identity: str, limit: int) -> None:
        super().__init__(f"service {service_id!r}: {reason} for this {identity} "
                         f"(limit {limit})")
        self.service_id = service_id
        self.reason = reason
        self.identity = identity
        self.limit = limit
