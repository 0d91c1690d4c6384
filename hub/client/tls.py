"""TLS trust for devices: the hub's certificate pinned by its SHA-256 fingerprint.

The hub makes its own self-signed certificate (`hub serve --tls-dir`) and prints its
fingerprint; each device's settings file carries it. `pinned_context(fp)` returns an
`ssl.SSLContext` for `websockets.connect(ssl=…)` that accepts exactly that certificate
and refuses every other one during the handshake, with `PinMismatch` (an
`ssl.SSLCertVerificationError`) naming both fingerprints. No CA and no host name are
checked: the pin is the identity, so a hub reached by its LAN address, its name or
another address it got after a move is still recognised, and an impostor with any CA's
certificate is not.

The check runs inside the handshake through the context's `sslobject_class` (asyncio)
and `sslsocket_class` (blocking sockets), so no byte of the hello — with the device's
token — is sent to a hub that is not the pinned one.

Imports nothing of the hub: a device PC needs only the client side.
"""

from __future__ import annotations

import hashlib
import re
import ssl
from pathlib import Path

_HEX = re.compile(r"^[0-9A-F]{64}$")


class PinMismatch(ssl.SSLCertVerificationError):
    """The hub's certificate is not the one pinned in the settings file."""

    def __init__(self, expected: str, got: str) -> None:
        super().__init__(
            f"hub certificate {got} does not match the pinned fingerprint {expected} — "
            "not our hub, or its certificate was replaced (update hub_fingerprint)")
        self.expected = expected
        self.got = got


def normalise_fingerprint(text: str) -> str:
    """SHA256:AB:CD:… from any common spelling (with or without 'SHA256:', colons, case)."""
    value = text.strip()
    if "=" in value:  # `openssl x509 -fingerprint -sha256` prints "sha256 Fingerprint=AB:…"
        value = value.rsplit("=", 1)[1]
    if value.upper().startswith("SHA256:"):
        value = value[len("SHA256:"):]
    digits = value.replace(":", "").replace(" ", "").upper()
    if not _HEX.match(digits):
        raise ValueError(f"not a SHA-256 fingerprint: {text!r} (expected 64 hex digits, "
                         "as `python -m hub serve --tls-dir` prints)")
    return "SHA256:" + ":".join(digits[i:i + 2] for i in range(0, 64, 2))


def fingerprint(der: bytes) -> str:
    """The SHA256:AB:… fingerprint of a DER certificate."""
    return normalise_fingerprint(hashlib.sha256(der).hexdigest())


def _check(context: ssl.SSLContext, der: bytes | None) -> None:
    expected = getattr(context, "pinned_fingerprint", None)
    if expected is None:
        return
    got = fingerprint(der) if der else "(no certificate)"
    if got != expected:
        raise PinMismatch(expected, got)


class _PinnedObject(ssl.SSLObject):
    def do_handshake(self) -> None:
        super().do_handshake()
        _check(self.context, self.getpeercert(binary_form=True))


class _PinnedSocket(ssl.SSLSocket):
    def do_handshake(self, block: bool = False) -> None:
        super().do_handshake(block)
        _check(self.context, self.getpeercert(binary_form=True))


class PinnedContext(ssl.SSLContext):
    """A client context that accepts only the certificate with `pinned_fingerprint`."""

    pinned_fingerprint: str


def pinned_context(pinned: str) -> ssl.SSLContext:
    """A client TLS context trusting exactly the certificate with this SHA-256 fingerprint."""
    context = PinnedContext(ssl.PROTOCOL_TLS_CLIENT)
    context.pinned_fingerprint = normalise_fingerprint(pinned)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the pin replaces the CA check; see the module doc
    context.sslobject_class = _PinnedObject
    context.sslsocket_class = _PinnedSocket
    return context


def client_context(fingerprint: str | None = None,
                   ca_file: str | Path | None = None) -> ssl.SSLContext | None:
    """The context a device connects with: a pin, a CA file, or None (plain ws, demo)."""
    if fingerprint:
        return pinned_context(fingerprint)
    if ca_file:
        context = ssl.create_default_context(cafile=str(ca_file))
        context.check_hostname = True
        return context
    return None
