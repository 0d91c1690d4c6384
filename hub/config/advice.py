"""Warnings about a valid configuration that is unfit for a real MPP (`hub check`).

Problems (hub/config/loader.py) stop the hub; these do not: a demo runs with plain tokens
and a loopback QR code, but a real installation should not, and `hub check` says so.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from hub.config.models import MallConfig

EXAMPLE_TICKET = "a-001"


def _loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def config_warnings(config: MallConfig) -> list[str]:
    """Each thing a real installation should change, with how; empty when none."""
    warnings = []
    plain = [d.id for d in config.devices if d.token is not None]
    if plain:
        shown = ", ".join(plain[:5]) + (f" and {len(plain) - 5} more" if len(plain) > 5 else "")
        warnings.append(
            f"devices: {len(plain)} token(s) stored in plain text ({shown}); for real use "
            "give each a hashed one: python -m hub device rotate --config FILE --device ID "
            "--hub-url wss://HOST:PORT --out SETTINGS")
    url = config.ticket_status_url(EXAMPLE_TICKET)
    if url is None:
        warnings.append(
            "mpp.public_url: not set and [hub] host listens on every address, so tickets "
            "print no QR code; set public_url to the hub's LAN address, e.g. "
            "\"https://10.20.0.1:8765\"")
    elif _loopback(url):
        warnings.append(
            f"mpp: tickets would print a QR code for {url}, a loopback address no phone can "
            "reach; set [mpp] public_url to the hub's LAN address (and drop the host from "
            "status_url, or write {public_url} in it)")
    return warnings
