"""Device tokens: generated, stored hashed in the mall file, checked at every hello.

A token is 32 random bytes (`new_token`), so guessing it is hopeless whatever the hash;
what the hash protects against is a copy of the mall file (a backup, a screen share)
handing out working tokens. The stored form is `sha256$SALT$DIGEST` (hex), with a salt
of its own per device: SHA-256 rather than a slow KDF (scrypt, PBKDF2) because a slow
one adds nothing against guessing a 256-bit secret, but would cost the hub tens of
milliseconds per hello — seconds of a blocked loop when a power cut brings 160 devices
back at once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from typing import Protocol

TOKEN_HASH_PATTERN = r"^sha256\$[0-9a-f]{32}\$[0-9a-f]{64}$"
_HASH = re.compile(TOKEN_HASH_PATTERN)


def new_token() -> str:
    """Return a fresh device token (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str, salt: bytes | None = None) -> str:
    """Return the stored form of `token`: sha256$SALT$DIGEST, with a new salt unless given."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.sha256(salt + token.encode()).hexdigest()
    return f"sha256${salt.hex()}${digest}"


def token_matches(stored_hash: str, presented: str) -> bool:
    """Say whether `presented` is the token whose stored form is `stored_hash`."""
    if not _HASH.match(stored_hash):
        return False
    _, salt, digest = stored_hash.split("$")
    candidate = hashlib.sha256(bytes.fromhex(salt) + presented.encode()).hexdigest()
    return hmac.compare_digest(candidate, digest)


class _HasCredential(Protocol):
    id: str
    token: str | None
    token_hash: str | None


class Credentials:
    """Every device's stored credential, replaceable while the hub runs (token rotation)."""

    def __init__(self, devices: Iterable[_HasCredential]) -> None:
        self._stored: dict[str, tuple[str, str]] = {}
        self.replace(devices)

    def replace(self, devices: Iterable[_HasCredential]) -> set[str]:
        """Take the credentials of `devices`; return the ids whose credential changed or went."""
        stored: dict[str, tuple[str, str]] = {}
        for device in devices:
            if device.token_hash is not None:
                stored[device.id] = ("hash", device.token_hash)
            elif device.token is not None:
                stored[device.id] = ("plain", device.token)
        changed = {ident for ident, old in self._stored.items() if stored.get(ident) != old}
        self._stored = stored
        return changed

    def accepts(self, device_id: str, presented: str) -> bool:
        """Say whether `presented` is this device's token (False for an unknown device)."""
        kind, value = self._stored.get(device_id, ("none", ""))
        if kind == "hash":
            return token_matches(value, presented)
        if kind == "plain":
            return hmac.compare_digest(value.encode(), presented.encode())
        return False
