"""Start a device from its settings file: reach the hub, get the mall configuration.

A device PC holds only its settings file (hub/client/settings.py). At start it says hello
with the version of the mall configuration it kept from last time (`""` for none); the
hub's welcome carries the configuration when the hub has another one (protocol §7.1),
which is then kept in the device's cache folder for the next start:

    hub reached, same version      → the kept copy
    hub reached, another version   → the new one, kept
    hub unreachable, a kept copy   → the kept copy (the screens say "offline" until the hub
                                     is back); a city's power cut brings device PCs up
                                     before the server room
    hub unreachable, no copy       → wait and try again (1 s doubling to 30 s), logging
                                     each attempt, until the hub answers or `wait_s` ends
    wrong certificate, refused     → StartupError: only a person can fix that

Everything here is plain Python (no Qt) so it is tested without a screen.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import os
import re
import ssl
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from hub import protocol as p
from hub.client.settings import DeviceSettings, SettingsError, load_settings
from hub.client.tls import PinMismatch
from hub.config import ConfigError, Device, MallConfig, PrinterSettings, parse_config
from hub.hub_messages import ErrorMessage, Welcome, parse_hub_message

log = logging.getLogger(__name__)

RETRY_FIRST_S = 1.0
RETRY_MAX_S = 30.0
NO_ADDRESS = {"host": "0.0.0.0", "port": 0}
"""A device listens nowhere: the public configuration has no [hub] section, and this
stands in for it so that no address of the device's own is ever printed as the hub's."""


class StartupError(Exception):
    """The app cannot start; `lines` say what is wrong and what to do, one problem each."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class HubRefused(Exception):
    """The hub answered the hello with an error (wrong token, unknown device…)."""


@dataclass(frozen=True)
class DeviceStart:
    """What an app needs before its first window, from a settings file or a mall file."""

    config: MallConfig
    device: Device
    token: str
    hub_url: str
    ssl_context: ssl.SSLContext | None
    base_dir: Path
    """Where relative paths of the configuration (the logo) start."""
    printer: PrinterSettings | None = None
    """A kiosk's printer: from its settings file, or from its [[devices]] entry."""
    mall_version: str | None = None
    """The configuration's version when it came from the hub; None for a mall file."""
    cache: MallCache | None = None


# ---------------------------------------------------------------------- the cache


class MallCache:
    """The last mall configuration a device got from its hub, kept for the next start."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "mall.json"

    def load(self) -> tuple[str, dict[str, Any]] | None:
        """(version, configuration) as kept, or None (none kept or unreadable: logged)."""
        try:
            kept = json.loads(self.path.read_text(encoding="utf-8"))
            return str(kept["version"]), dict(kept["mall"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("%s: kept configuration unreadable (%s); asking the hub", self.path,
                        error)
            return None

    def save(self, version: str, mall: dict[str, Any]) -> None:
        """Keep a configuration (written whole, then renamed: never half a file)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".mall.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"version": version, "mall": mall}, out, ensure_ascii=False)
        os.replace(temporary, self.path)

    def with_logo_file(self, mall: dict[str, Any]) -> dict[str, Any]:
        """The configuration with its data: URL logo written out as a file beside the cache."""
        logo = mall.get("mpp", {}).get("logo")
        if not isinstance(logo, str) or not logo.startswith("data:"):
            return mall
        match = re.match(r"^data:image/(png|jpeg|gif|svg\+xml|webp);base64,(.*)$", logo, re.S)
        mpp = dict(mall["mpp"])
        mpp["logo"] = None
        if match is None:
            log.warning("the hub's logo is not an image this app can show; no logo")
        else:
            try:
                data = base64.b64decode(match[2], validate=True)
            except binascii.Error:
                log.warning("the hub's logo is not valid base64; no logo")
            else:
                suffix = {"jpeg": "jpg", "svg+xml": "svg"}.get(match[1], match[1])
                path = self.folder / f"logo.{suffix}"
                self.folder.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                mpp["logo"] = str(path)
        return {**mall, "mpp": mpp}


def default_cache_dir(device_id: str) -> Path:
    """$XDG_CACHE_HOME/antrean/DEVICE (~/.cache/antrean/DEVICE): the app user's own."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "antrean" / device_id


# ---------------------------------------------------------------------- the hub


async def fetch_mall(settings: DeviceSettings, known_version: str,
                     timeout: float = 10.0) -> tuple[str, dict[str, Any] | None]:
    """Say hello once and return (the hub's version, its configuration if not `known`).

    Raise HubRefused, PinMismatch (a certificate that is not the pinned one) or OSError /
    TimeoutError / InvalidHandshake for a hub that cannot be reached.
    """
    hello = p.Hello(type="hello", device_id=settings.device_id, token=settings.token,
                    mall_version=known_version)
    async with connect(settings.hub_url, proxy=None, ssl=settings.ssl_context(),
                       open_timeout=timeout, max_size=8 * 1024 * 1024,
                       close_timeout=2) as connection:
        await connection.send(hello.model_dump_json())
        try:
            first = parse_hub_message(await asyncio.wait_for(connection.recv(), timeout))
        except ConnectionClosed as closed:
            reason = closed.rcvd.reason if closed.rcvd is not None else "closed"
            raise HubRefused(reason or "closed") from None
        if isinstance(first, ErrorMessage):
            raise HubRefused(f"{first.message_id} / {first.message_en}")
        if not isinstance(first, Welcome):
            raise HubRefused(f"{first.type} before the welcome")
        if first.mall_version is None:
            raise HubRefused("this hub sends no mall configuration (too old for a settings "
                             "file: update it, or start the device with --config)")
        return first.mall_version, first.mall


def _describe_pin(error: PinMismatch) -> list[str]:
    return [
        "Sertifikat hub tidak cocok dengan sidik jari di file pengaturan: bukan hub MPP ini, "
        "atau sertifikatnya diganti. Hubungi petugas TI.",
        f"The hub's certificate does not match the settings file: got {error.got}, "
        f"expected {error.expected} — not this MPP's hub, or its certificate was replaced "
        "(write a new settings file with `python -m hub device settings`).",
    ]


def start_from_settings(path: Path, role: str, cache_dir: Path | None = None,
                        wait_s: float | None = None,
                        sleep: Callable[[float], None] = time.sleep) -> DeviceStart:
    """Read a settings file and get the configuration (see the module docstring)."""
    try:
        settings = load_settings(path)
    except SettingsError as error:
        raise StartupError(error.problems) from None
    for warning in settings.warnings:
        log.warning("%s", warning)
    if settings.role != role:
        raise StartupError([f"{path}: role = {settings.role!r}, but this app is for "
                            f"role = {role!r} (a settings file of another device?)"])
    cache = MallCache(cache_dir or default_cache_dir(settings.device_id))
    kept = cache.load()
    delay, waited = RETRY_FIRST_S, 0.0
    while True:
        try:
            version, mall = asyncio.run(fetch_mall(settings, kept[0] if kept else ""))
            break
        except PinMismatch as error:
            raise StartupError(_describe_pin(error)) from None
        except HubRefused as error:
            raise StartupError([
                f"Hub menolak perangkat {settings.device_id}: {error}",
                f"The hub at {settings.hub_url} refused device {settings.device_id}: "
                f"{error} (a rotated token? write a new settings file)"]) from None
        except (OSError, TimeoutError, InvalidHandshake, InvalidURI, ConnectionClosed,
                ValidationError) as error:
            problem = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            if kept is not None:
                log.warning("hub %s unreachable (%s); starting with the configuration kept "
                            "in %s", settings.hub_url, problem, cache.path)
                version, mall = kept[0], None
                break
            if wait_s is not None and waited >= wait_s:
                raise StartupError([
                    f"Hub {settings.hub_url} tidak dapat dihubungi dan belum ada konfigurasi "
                    "tersimpan.",
                    f"Cannot reach the hub at {settings.hub_url} ({problem}) and no "
                    f"configuration is kept yet in {cache.folder}; check the network and "
                    "that the hub runs (systemctl status antrean-hub)."]) from None
            log.warning("hub %s unreachable (%s); no configuration kept yet, trying again "
                        "in %.0f s", settings.hub_url, problem, delay)
            sleep(delay)
            waited += delay
            delay = min(RETRY_MAX_S, delay * 2)
    if mall is not None:
        mall = cache.with_logo_file(mall)
        cache.save(version, mall)
    else:
        assert kept is not None
        mall = kept[1]
    config = public_config(mall, cache.path)
    try:
        device = config.device(settings.device_id)
    except KeyError:
        raise StartupError([f"{settings.hub_url}: the hub has no device "
                            f"{settings.device_id!r} (removed from the mall file?)"]) from None
    printer = None
    if settings.printer is not None:
        try:
            printer = PrinterSettings.model_validate(settings.printer)
        except ValidationError as error:
            raise StartupError([f"{path}: printer: {detail['msg']}"
                                for detail in error.errors(include_url=False)]) from None
    return DeviceStart(config, device, settings.token, settings.hub_url,
                       settings.ssl_context(), cache.folder, printer, version, cache)


def public_config(mall: dict[str, Any], source: Path) -> MallConfig:
    """Read the hub's public configuration back into the typed model the apps use."""
    try:
        return parse_config({**mall, "hub": NO_ADDRESS}, source, public=True)
    except ConfigError as error:
        raise StartupError([*error.problems, "the hub sent a configuration this app cannot "
                            "read (an older app than the hub? update it)"]) from None
