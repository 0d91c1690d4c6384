"""The mall configuration a device may see, as the hub sends it in the welcome.

A device PC holds only its settings file (hub/client/settings.py); tenants, services,
texts, zones, schedule and the logo come from the hub, so every screen follows the
hub's configuration and no PC carries what it need not. Left out: every device's
token, token hash and printer, the `[hub]` section (where the hub listens, its TLS
files) and `[notifications]` (the provider's address and secret). `mpp.public_url` is
replaced by the address the hub actually serves phones on (None when it knows none),
and `mpp.logo` by the logo itself as a data URL.

`version` changes whenever any of it changes (the logo's bytes included): a device
sends the version it holds in its hello, gets the configuration again only when it
differs, and restarts its screens on a new one (docs/protocol.md §7.1).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import logging
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from hub.config.models import MallConfig

log = logging.getLogger(__name__)

MAX_LOGO_BYTES = 512 * 1024
"""A bigger logo is not sent (a welcome must stay small); `hub check` says so."""
DEVICE_KEYS = ("id", "role", "name", "counter", "zone")
"""What devices learn about each other: who is where, never how they log in."""


@dataclass(frozen=True)
class PublicMall:
    """The configuration a device may see, and the version that names it."""

    data: dict[str, Any]
    version: str


def logo_data_url(config: MallConfig, config_dir: Path | None) -> str | None:
    """The mall's logo as a data: URL, or None (none set, unreadable or too big: logged)."""
    if not config.mpp.logo:
        return None
    path = Path(config.mpp.logo)
    if not path.is_absolute() and config_dir is not None:
        path = config_dir / path
    try:
        data = path.read_bytes()
    except OSError as error:
        log.warning("mpp.logo %s cannot be read (%s); devices get no logo", path,
                    error.strerror)
        return None
    if len(data) > MAX_LOGO_BYTES:
        log.warning("mpp.logo %s is %d KB, over %d KB; devices get no logo", path,
                    len(data) // 1024, MAX_LOGO_BYTES // 1024)
        return None
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def public_mall(config: MallConfig, config_dir: Path | None,
                public_url: str | None) -> PublicMall:
    """What the welcome carries for devices (see the module docstring)."""
    # [notifications] names the provider's address and secret file: hub-side only.
    data = config.model_dump(mode="json", exclude={"hub", "notifications"})
    data["mpp"]["public_url"] = public_url
    data["mpp"]["logo"] = logo_data_url(config, config_dir)
    data["devices"] = [{key: device[key] for key in DEVICE_KEYS if device[key] is not None}
                       for device in data["devices"]]
    digest = hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return PublicMall(data, digest[:16])


def loopback_url(url: str) -> bool:
    """True when `url` names this machine only (127.0.0.1, ::1, localhost): no phone
    on the mall's Wi-Fi can open it."""
    host = (urlsplit(url).hostname or "").strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def served_public_url(config: MallConfig, host: str, port: int, tls: bool) -> str | None:
    """How phones reach this hub: `[mpp] public_url`, else the one LAN address it serves on.

    None for a wildcard or loopback address: no phone can open 127.0.0.1, and a hub on
    every address cannot know which one the mall's Wi-Fi reaches (set public_url).
    """
    if config.mpp.public_url:
        return config.mpp.public_url.rstrip("/")
    if host in ("", "0.0.0.0", "::") or port == 0:
        return None
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    url = f"{'https' if tls else 'http'}://{shown}:{port}"
    return None if loopback_url(url) else url  # a host name: phones resolve it as devices do
