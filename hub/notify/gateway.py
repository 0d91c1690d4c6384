"""Gateways: how a notification leaves the mall. Pluggable; the webhook is the one built.

A gateway takes the notification's id and the exact body bytes and says what came of
one attempt (`Delivery`). It keeps no state: retries, backoff and the record of what
was delivered are the sender's. Another gateway (a provider's own API, say) is a class
with the same `deliver` and an entry in `GATEWAYS`.

The webhook POSTs the body as JSON with:
    Idempotency-Key: <the notification's id>   (also the body's "id")
    X-Antrean-Signature: sha256=<hex HMAC-SHA256 of the body with the shared secret>
A 2xx answer is delivered; anything else is tried again later. See docs/notifications.md.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from hub.config.models import Notifications

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Antrean-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
USER_AGENT = "antrean-mpp-notify/1"


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one attempt came to."""

    delivered: bool
    """The receiver took it (a 2xx answer): never send it again."""
    answered: bool
    """The receiver answered at all; False: unreachable (the mall's internet is down, the
    provider is away, or no answer in time) — the sender waits before trying anything."""
    detail: str
    """For the log: the HTTP status, or why nothing answered."""


class Gateway(Protocol):
    """Sends one notification; says whether it was taken."""

    def deliver(self, notification_id: str, body: bytes) -> Delivery:
        """Try once to hand over `body`; never raise for a network problem."""
        ...


def signature(secret: bytes, body: bytes) -> str:
    """The X-Antrean-Signature value: `sha256=` and the body's HMAC-SHA256 in hex."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def signature_ok(secret: bytes, body: bytes, header: str) -> bool:
    """Check a signature as a receiver should: over the raw body, in constant time."""
    return hmac.compare_digest(signature(secret, body), header)


class WebhookGateway:
    """POST the JSON body to a URL, signed with a shared secret."""

    def __init__(self, url: str, secret: bytes, timeout_seconds: float = 10.0) -> None:
        if not secret:
            raise ValueError("the webhook's secret is empty")
        self.url, self.secret, self.timeout = url, secret, timeout_seconds

    def deliver(self, notification_id: str, body: bytes) -> Delivery:
        """One POST; a 2xx is delivered, any other answer or none is not."""
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8",
            IDEMPOTENCY_HEADER: notification_id,
            SIGNATURE_HEADER: signature(self.secret, body),
            "User-Agent": USER_AGENT,
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                status = answer.status
        except urllib.error.HTTPError as error:  # the receiver answered, but not 2xx
            error.close()
            return Delivery(False, True, f"HTTP {error.code}")
        except (OSError, http.client.HTTPException) as error:  # URLError, timeouts, resets
            reason = getattr(error, "reason", error) or type(error).__name__
            return Delivery(False, False, f"unreachable: {reason}")
        if 200 <= status < 300:
            return Delivery(True, True, f"HTTP {status}")
        return Delivery(False, True, f"HTTP {status}")


def read_secret(settings: Notifications, config_dir: Path) -> bytes:
    """The webhook's secret from its file (surrounding whitespace dropped).

    Raises OSError if the file cannot be read, ValueError if it holds fewer than 16 bytes.
    """
    path = Path(settings.webhook.secret_file)
    if not path.is_absolute():
        path = config_dir / path
    secret = path.read_bytes().strip()
    if len(secret) < 16:
        raise ValueError(f"{path}: the secret has {len(secret)} bytes; give at least 16")
    return secret


GATEWAYS: dict[str, Callable[[Notifications, Path], Gateway]] = {
    "webhook": lambda settings, config_dir: WebhookGateway(
        settings.webhook.url, read_secret(settings, config_dir),
        settings.webhook.timeout_seconds),
}
"""[notifications] gateway → how to make it from the settings and the mall file's folder."""


def make_gateway(settings: Notifications, config_dir: Path) -> Gateway:
    """The configured gateway (raises OSError/ValueError for an unreadable secret)."""
    return GATEWAYS[settings.gateway](settings, config_dir)
