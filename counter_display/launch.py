"""What every app of this package needs before its first window: config, device, hub URL.

Pure (no Qt): each check fails with a `StartupError` whose message says what is wrong
and how to fix it, so the command line can log it and exit 1 without a traceback.
"""

from __future__ import annotations

import argparse
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hub.config import ConfigError, Device, MallConfig, load_config

WILDCARD_HOSTS = {"", "0.0.0.0", "::", "[::]"}


class StartupError(Exception):
    """The app cannot start; `lines` are the messages to show, one problem each."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class Launch:
    """Everything an app's `run` receives: parsed args, config, its device and the hub."""

    args: argparse.Namespace
    config: MallConfig
    config_path: Path
    device: Device
    hub_url: str
    ssl_context: ssl.SSLContext | None

    @property
    def config_dir(self) -> Path:
        """Folder the config file lives in: relative paths in it (logo) start here."""
        return self.config_path.resolve().parent


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


def prepare(args: argparse.Namespace, role: str) -> Launch:
    """Check config, device and role; work out the hub URL. Raise StartupError if unusable."""
    path: Path = args.config
    config = read_config(path)
    device = find_device(config, path, args.device, role)
    url = args.hub or default_hub_url(config)
    if not url.startswith(("ws://", "wss://")):
        raise StartupError([f"--hub must start with ws:// or wss://, got {url!r}"])
    config_dir = path.resolve().parent
    return Launch(args, config, path, device, url, client_ssl_context(config, config_dir, url))
