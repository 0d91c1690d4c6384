"""What every app of this package needs before its first window: config, device, hub URL.

Two ways to start: `--settings FILE` on a device PC (the hub sends the configuration;
hub/client/startup.py), or `--config MALL.toml --device ID` for the one-machine demo.
Pure (no Qt): each check fails with a `StartupError` whose message says what is wrong
and how to fix it, so the command line can log it and exit 1 without a traceback.
"""

from __future__ import annotations

import argparse
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hub.client.startup import DeviceStart, StartupError, start_from_settings
from hub.config import ConfigError, Device, MallConfig, load_config

if TYPE_CHECKING:
    from hub.client.qt_bridge import HubBridge

WILDCARD_HOSTS = {"", "0.0.0.0", "::", "[::]"}
log = logging.getLogger("startup")


@dataclass(frozen=True)
class Launch:
    """Everything an app's `run` receives: parsed args and how this device starts."""

    args: argparse.Namespace
    start: DeviceStart

    @property
    def config(self) -> MallConfig:
        """The mall configuration: the hub's (--settings) or the mall file's (--config)."""
        return self.start.config

    @property
    def device(self) -> Device:
        """This device as the configuration describes it."""
        return self.start.device

    @property
    def token(self) -> str:
        """This device's token (the settings file's; a demo mall file's plain one)."""
        return self.start.token

    @property
    def hub_url(self) -> str:
        """ws:// or wss:// address of the hub."""
        return self.start.hub_url

    @property
    def ssl_context(self) -> ssl.SSLContext | None:
        """How the hub's certificate is trusted (None for plain ws)."""
        return self.start.ssl_context

    @property
    def config_dir(self) -> Path:
        """Folder relative paths of the configuration (logo) start from."""
        return self.start.base_dir

    def bridge(self) -> HubBridge:
        """The hub connection, with this device's token and configuration version."""
        from hub.client.qt_bridge import HubBridge

        return HubBridge(self.start.hub_url, self.start.device.id, self.start.token,
                         self.start.ssl_context, mall_version=self.start.mall_version)


@dataclass(frozen=True)
class App:
    """One subcommand: a device role, its own options and the function that runs it."""

    name: str
    role: str
    help: str
    description: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Launch], int]


def read_config(path: Path) -> MallConfig:
    """Load the config; raise StartupError listing every problem in it."""
    try:
        return load_config(path)
    except ConfigError as error:
        count = len(error.problems)
        lines = [*error.problems, f"{count} problem(s) in the configuration; nothing started."]
        raise StartupError(lines) from None


def find_device(config: MallConfig, path: Path, device_id: str, role: str) -> Device:
    """Return the device this app runs as; raise StartupError if missing or of another role."""
    candidates = ", ".join(d.id for d in config.devices if d.role == role) or "none"
    try:
        device = config.device(device_id)
    except KeyError:
        raise StartupError([
            f"{path}: no device {device_id!r}; {role} devices in this file: {candidates}"
        ]) from None
    if device.role != role:
        raise StartupError([
            f"{path}: device {device_id!r} has role = {device.role!r}, but this app needs "
            f"role = {role!r} ({role} devices in this file: {candidates})"
        ])
    return device


def default_hub_url(config: MallConfig) -> str:
    """ws://HOST:PORT from [hub]; wss when the hub serves TLS; a wildcard host means this PC."""
    host = config.hub.host
    if host in WILDCARD_HOSTS:
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    scheme = "wss" if config.hub.tls_cert else "ws"
    return f"{scheme}://{host}:{config.hub.port}"


def client_ssl_context(config: MallConfig, config_dir: Path, url: str) -> ssl.SSLContext | None:
    """For wss, trust the hub's own certificate from the config (self-signed on a LAN)."""
    if not url.startswith("wss://"):
        return None
    if config.hub.tls_cert:
        cert = Path(config.hub.tls_cert)
        cert = cert if cert.is_absolute() else config_dir / cert
        if cert.is_file():
            return ssl.create_default_context(cafile=str(cert))
    return ssl.create_default_context()


def start_from_mall_file(path: Path, device_id: str, role: str,
                         hub: str | None) -> DeviceStart:
    """The demo way: the whole mall file on this PC, the device's entry and token in it."""
    config = read_config(path)
    device = find_device(config, path, device_id, role)
    url = hub or default_hub_url(config)
    if not url.startswith(("ws://", "wss://")):
        raise StartupError([f"--hub must start with ws:// or wss://, got {url!r}"])
    if device.token is None:
        raise StartupError([f"{path}: device {device_id!r} has only a token_hash; start it "
                            "with --settings FILE (python -m hub device settings|rotate)"])
    config_dir = path.resolve().parent
    return DeviceStart(config, device, device.token, url,
                       client_ssl_context(config, config_dir, url), config_dir, device.printer)


def add_device_arguments(parser: argparse.ArgumentParser, role: str) -> None:
    """The options that say which device this is: --settings, or --config and --device."""
    parser.add_argument("--settings", type=Path, metavar="FILE",
                        help="this device's settings file (python -m hub device settings): "
                        "the hub sends everything else")
    parser.add_argument("--cache-dir", type=Path, metavar="DIR",
                        help="where the hub's configuration is kept for a start without the "
                        "hub (default ~/.cache/antrean/DEVICE)")
    parser.add_argument("--error-seconds", type=float, default=60.0, metavar="S",
                        help="with --settings: show why the device cannot start for S "
                        "seconds before exiting (default 60; 0: log only)")
    parser.add_argument("--config", type=Path,
                        help="demo on one PC: the whole mall configuration (TOML)")
    parser.add_argument("--device",
                        help=f"with --config: this device's id in it (role = \"{role}\")")
    parser.add_argument("--hub", metavar="URL",
                        help="with --config: hub address (default: ws://HOST:PORT from [hub])")


def refuse_start(args: argparse.Namespace, error: StartupError) -> int:
    """Log why the app cannot start; on a device PC also show it on its screen. Return 1."""
    for line in error.lines:
        log.error("%s", line)
    settings: Path | None = getattr(args, "settings", None)
    if settings is None:
        return 1
    from counter_display.common.startup_screen import show_startup_problem

    return show_startup_problem(error.lines, str(settings), args.error_seconds,
                                bool(getattr(args, "fullscreen", False)))


def prepare(args: argparse.Namespace, role: str) -> Launch:
    """--settings FILE, or --config and --device; raise StartupError if unusable."""
    settings: Path | None = getattr(args, "settings", None)
    if settings is not None:
        if args.config is not None or args.device is not None or args.hub is not None:
            raise StartupError(["--settings holds the hub, the device and its token: give it "
                                "without --config, --device or --hub"])
        return Launch(args, start_from_settings(settings, role, getattr(args, "cache_dir",
                                                                         None)))
    if args.config is None or args.device is None:
        raise StartupError(["give --settings FILE (a device PC), or --config and --device "
                            "(the one-machine demo)"])
    return Launch(args, start_from_mall_file(args.config, args.device, role, args.hub))
