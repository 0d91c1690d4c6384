"""A device's own settings file: all a device PC holds (written by `hub device …`).

    hub_url = "wss://10.20.0.1:8765"
    device_id = "kiosk-1"
    role = "kiosk"
    token = "…"                     # this device's token, no other
    hub_fingerprint = "SHA256:AB:…" # or ca_file = "/etc/antrean/city-ca.pem"
    [printer]                       # kiosks: their ticket printer (docs/printing.md)
    backend = "usb"
    vendor_id = 0x0416
    product_id = 0x5011

Everything else — tenants, services, texts, zones — comes from the hub in the welcome.
Imports nothing of the hub: the client side installs alone.
"""

from __future__ import annotations

import os
import ssl
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hub.client.tls import client_context, normalise_fingerprint

_KEYS = {"hub_url", "device_id", "role", "token", "hub_fingerprint", "ca_file", "printer"}


class SettingsError(Exception):
    """The settings file cannot be used; each line of `problems` says what and where."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = [f"{path}: {problem}" for problem in problems]
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class DeviceSettings:
    """What one device needs to reach its hub and prove who it is."""

    path: Path
    hub_url: str
    device_id: str
    role: str
    token: str = field(repr=False)
    hub_fingerprint: str | None = None
    ca_file: Path | None = None
    printer: dict[str, Any] | None = None
    warnings: tuple[str, ...] = ()

    def ssl_context(self) -> ssl.SSLContext | None:
        """The TLS trust for `hub_url` (None for a plain ws:// demo hub)."""
        return client_context(self.hub_fingerprint, self.ca_file)


def load_settings(path: str | Path) -> DeviceSettings:
    """Read and check a settings file; raise SettingsError listing every problem."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise SettingsError(path, ["file not found"]) from None
    except OSError as error:
        raise SettingsError(path, [f"cannot read the file: {error.strerror}"]) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(path, [f"not valid TOML: {error}"]) from None
    problems: list[str] = []
    for key in sorted(set(data) - _KEYS):
        problems.append(f"{key}: unknown key (a typo?)")
    for key in ("hub_url", "device_id", "role", "token"):
        if not isinstance(data.get(key), str) or not data[key]:
            problems.append(f"{key}: missing (a text)")
    url = data.get("hub_url", "")
    if isinstance(url, str) and url and not url.startswith(("ws://", "wss://")):
        problems.append(f"hub_url: must start with wss:// (or ws:// for a demo), got {url!r}")
    pin = data.get("hub_fingerprint")
    if pin is not None:
        try:
            pin = normalise_fingerprint(str(pin))
        except ValueError as error:
            problems.append(f"hub_fingerprint: {error}")
    ca_file = data.get("ca_file")
    if ca_file is not None:
        ca_file = (path.parent / str(ca_file)).resolve()
        if not ca_file.is_file():
            problems.append(f"ca_file: {ca_file} not found")
    if isinstance(url, str) and url.startswith("wss://") and pin is None and ca_file is None:
        problems.append("hub_fingerprint: missing — a wss:// hub needs its certificate's "
                        "fingerprint (or ca_file) to be trusted")
    printer = data.get("printer")
    if printer is not None and not isinstance(printer, dict):
        problems.append("printer: must be a table ([printer])")
    if problems:
        raise SettingsError(path, problems)
    warnings = []
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        warnings.append(f"{path}: readable by other users (mode {stat.S_IMODE(mode):o}); "
                        f"it holds this device's token: chmod 600 {path}")
    return DeviceSettings(path, data["hub_url"], data["device_id"], data["role"],
                          data["token"], pin, ca_file, printer, tuple(warnings))
