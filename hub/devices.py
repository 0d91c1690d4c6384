"""Devices in the mall file: add one, rotate its token, write its settings file.

`python -m hub device add|rotate|settings`. The mall file keeps only each token's hash
(hub/config/tokens.py); the token itself goes once into the device's own settings file
(TOML, mode 0600), which is all a device PC needs: hub URL, device id, token, the hub
certificate's fingerprint and, for a kiosk, its printer.

The mall file is edited as text, a few lines at a time, so the operator's comments and
layout survive; every edit is parsed and validated again before it replaces the file
(atomically, same mode), and an edit that would leave a broken file is refused.

A running hub takes rotated tokens on SIGHUP (`systemctl reload antrean-hub`):
`reload_credentials` re-reads the file and closes the connections of devices whose token
changed, so a leaked token stops working at once. Other changes need a restart.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hub.config import ConfigError, Device, MallConfig, load_config, parse_config
from hub.config.tokens import hash_token, new_token

if TYPE_CHECKING:
    from hub.server import HubServer

log = logging.getLogger(__name__)

SETTINGS_MODE = 0o600
CLOSE_ROTATED = 1008


class DeviceError(Exception):
    """A device command cannot be carried out; the message says why and what to do."""


@dataclass(frozen=True)
class HubTrust:
    """How a device trusts the hub: a pinned certificate fingerprint or a CA file (or none)."""

    fingerprint: str | None = None
    ca_file: str | None = None


# ------------------------------------------------------------ the mall file


def _header(line: str) -> str | None:
    """The table name of a `[x]` or `[[x]]` header line, else None."""
    match = re.match(r"^\s*\[\[?\s*([A-Za-z0-9_.\-\"]+)\s*\]\]?\s*(#.*)?$", line)
    return match.group(1) if match else None


def _device_block(lines: list[str], device_id: str) -> tuple[int, int]:
    """Return (first, end) line indexes of the `[[devices]]` block of `device_id`.

    The block runs from its header to the next header of any table (its own subtables,
    such as `[devices.printer]`, start after the keys a token line could be among).
    """
    starts = [i for i, line in enumerate(lines) if re.match(r"^\s*\[\[\s*devices\s*\]\]", line)]
    for start in starts:
        end = next((i for i in range(start + 1, len(lines)) if _header(lines[i])), len(lines))
        for line in lines[start + 1:end]:
            match = re.match(r"^\s*id\s*=\s*[\"']([^\"']*)[\"']", line)
            if match and match.group(1) == device_id:
                return start, end
    raise DeviceError(f"no [[devices]] block with id = \"{device_id}\" in the file (devices "
                      "written as an inline array cannot be edited; write each as [[devices]])")


def _replace_file(path: Path, text: str) -> None:
    """Write `text` over `path` atomically, keeping the file's mode, owner and group.

    The installed mall file is root:antrean 0640: root edits it, the hub's user reads it.
    """
    before = path.stat() if path.exists() else None
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, before.st_mode & 0o777 if before else 0o644)
        if before is not None and (before.st_uid, before.st_gid) != (os.getuid(), os.getgid()):
            os.chown(temporary, before.st_uid, before.st_gid)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _validated(path: Path, text: str) -> MallConfig:
    """Parse an edited mall file; raise DeviceError naming every problem if it is broken."""
    import tomllib

    try:
        data = tomllib.loads(text)
        return parse_config(data, path)
    except tomllib.TOMLDecodeError as error:
        raise DeviceError(f"{path}: the edit would not be valid TOML ({error}); "
                          "file left unchanged") from None
    except ConfigError as error:
        raise DeviceError("\n".join([*error.problems, "file left unchanged"])) from None


def _toml_value(value: Any) -> str:
    """One TOML value for the types the settings and device blocks use."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def rotate_token(config_path: Path, device_id: str) -> tuple[str, MallConfig]:
    """Give a device a new token; store only its hash. Return the token and the new config."""
    config = load_config(config_path)
    try:
        config.device(device_id)
    except KeyError:
        raise DeviceError(f"{config_path}: no device {device_id!r}") from None
    text = config_path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start, end = _device_block(lines, device_id)
    token = new_token()
    stored = f'token_hash = "{hash_token(token)}"\n'
    credential = [i for i in range(start + 1, end)
                  if re.match(r"^\s*(token|token_hash)\s*=", lines[i])]
    if not credential:
        raise DeviceError(f"{config_path}: device {device_id!r} has no token line to replace")
    lines[credential[0]] = stored
    for index in reversed(credential[1:]):
        del lines[index]
    edited = "".join(lines)
    new_config = _validated(config_path, edited)
    _replace_file(config_path, edited)
    return token, new_config


def add_device(config_path: Path, device: Mapping[str, Any]) -> tuple[str, MallConfig]:
    """Append a `[[devices]]` block with a new token (stored hashed); return token and config.

    `device` holds the keys of a device (id, role, name, counter, zone, printer); the
    printer, a table, is written as `[devices.printer]` under it.
    """
    config = load_config(config_path)
    ident = str(device.get("id", ""))
    if any(d.id == ident for d in config.devices):
        raise DeviceError(f"{config_path}: device {ident!r} exists already; "
                          "use `device rotate` for a new token")
    token = new_token()
    block = ["", "[[devices]]"]
    for key in ("id", "role", "name", "counter", "zone"):
        if device.get(key) not in (None, ""):
            block.append(f"{key} = {_toml_value(device[key])}")
    block.append(f'token_hash = "{hash_token(token)}"')
    printer = device.get("printer")
    if printer:
        block.append("")
        block.append("[devices.printer]")
        block += [f"{key} = {_toml_value(value)}" for key, value in printer.items()]
    text = config_path.read_text(encoding="utf-8")
    edited = text + ("" if text.endswith("\n") else "\n") + "\n".join(block) + "\n"
    new_config = _validated(config_path, edited)
    _replace_file(config_path, edited)
    return token, new_config


# ------------------------------------------------------------ settings file


def settings_text(device: Device, token: str, hub_url: str, trust: HubTrust) -> str:
    """The device's settings file: everything a device PC needs, nothing of another device."""
    lines = [
        f"# Antrean MPP: settings of device {device.id} ({device.role}).",
        "# SECRET: the token lets anyone act as this device. Keep this file mode 0600;",
        "# if it leaks, run `python -m hub device rotate` on the hub and replace the file.",
        f"hub_url = {_toml_value(hub_url)}",
        f"device_id = {_toml_value(device.id)}",
        f"role = {_toml_value(device.role)}",
        f"token = {_toml_value(token)}",
    ]
    if trust.fingerprint:
        lines.append(f"hub_fingerprint = {_toml_value(trust.fingerprint)}")
    if trust.ca_file:
        lines.append(f"ca_file = {_toml_value(trust.ca_file)}")
    if device.printer is not None:
        lines += ["", "[printer]"]
        fields = device.printer.model_dump(exclude_none=True, exclude_defaults=True)
        fields = {"backend": device.printer.backend, **fields}
        lines += [f"{key} = {_toml_value(value)}" for key, value in fields.items()]
    return "\n".join(lines) + "\n"


def write_settings(out: Path, text: str) -> None:
    """Write a settings file created 0600 from the start (never readable by others)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
    try:
        os.chmod(temporary, SETTINGS_MODE)
        with os.fdopen(handle, "w", encoding="utf-8") as handle_out:
            handle_out.write(text)
            handle_out.flush()
            os.fsync(handle_out.fileno())
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def plain_token(device: Device) -> str:
    """The device's token when the mall file holds it in plain text (demo configurations)."""
    if device.token is None:
        raise DeviceError(f"device {device.id!r}: its token is stored hashed, so it cannot be "
                          "written out again; `python -m hub device rotate` issues a new one "
                          "and writes its settings file")
    return device.token


# ----------------------------------------------------------- running hub


@dataclass(frozen=True)
class Reloaded:
    """What a reload changed: devices whose token changed, and changes that need a restart."""

    rotated: set[str]
    needs_restart: list[str]


def reload_credentials(server: HubServer, config_path: Path) -> Reloaded:
    """Re-read the mall file; take its tokens at once and drop rotated devices' connections.

    Raises ConfigError (the running hub keeps its tokens) when the file is broken.
    """
    from hub.session import Close

    config = load_config(config_path)
    running = server.session.config
    known = {d.id: d.model_dump(exclude={"token", "token_hash"}) for d in running.devices}
    fresh = {d.id: d.model_dump(exclude={"token", "token_hash"}) for d in config.devices}
    needs_restart = sorted(ident for ident in known.keys() | fresh.keys()
                           if known.get(ident) != fresh.get(ident))
    if config.model_dump(exclude={"devices"}) != running.model_dump(exclude={"devices"}):
        needs_restart.append("(tenants, services, counters, schedule or hub settings)")
    # Devices the hub does not know yet cannot log in before a restart; keep to known ones.
    rotated = server.session.credentials.replace(
        d for d in config.devices if d.id in known)
    closes = [Close(conn, CLOSE_ROTATED, "token rotated")
              for conn, connection in server.session.connections.items()
              if connection.device.id in rotated]
    server._carry_out(list(closes))
    return Reloaded(rotated, needs_restart)


# ------------------------------------------------------------- command line


def _trust(args: argparse.Namespace) -> HubTrust:
    """The hub trust to write: --fingerprint, or the certificate in --tls-dir."""
    from hub.client.tls import normalise_fingerprint
    from hub.tls import CERT_NAME, fingerprint_of_file

    if args.fingerprint:
        try:
            return HubTrust(fingerprint=normalise_fingerprint(args.fingerprint))
        except ValueError as error:
            raise DeviceError(f"--fingerprint: {error}") from None
    if args.tls_dir:
        cert = args.tls_dir / CERT_NAME
        if not cert.is_file():
            raise DeviceError(f"--tls-dir: no {cert}; start the hub once with --tls-dir "
                              f"{args.tls_dir} to make it, or give --fingerprint")
        return HubTrust(fingerprint=fingerprint_of_file(cert))
    if args.ca_file:
        return HubTrust(ca_file=str(args.ca_file))
    if args.hub_url.startswith("wss://"):
        raise DeviceError("--hub-url is wss://: give --tls-dir (the hub's certificate "
                          "folder), --fingerprint or --ca-file so the device can trust it")
    return HubTrust()


def _printer_fields(specs: list[str]) -> dict[str, Any]:
    """KEY=VALUE printer settings (numbers as numbers, 0x… as hex)."""
    fields: dict[str, Any] = {}
    for spec in specs:
        key, sep, raw = spec.partition("=")
        if not sep or not key:
            raise DeviceError(f"--printer: expected KEY=VALUE, not {spec!r}")
        value: Any = raw
        if raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
        else:
            try:
                value = int(raw, 0)
            except ValueError:
                try:
                    value = float(raw)
                except ValueError:
                    value = raw
        fields[key.strip()] = value
    return fields


def device_command(args: argparse.Namespace) -> int:
    """Run `hub device add|rotate|settings`; one line per problem and exit 1 on failure."""
    try:
        trust = _trust(args)
        if args.action == "add":
            fields = {"id": args.device, "role": args.role, "name": args.name,
                      "counter": args.counter, "zone": args.zone}
            if args.printer:
                fields["printer"] = _printer_fields(args.printer)
            token, config = add_device(args.config, fields)
        elif args.action == "rotate":
            token, config = rotate_token(args.config, args.device)
        else:
            config = load_config(args.config)
            try:
                token = plain_token(config.device(args.device))
            except KeyError:
                raise DeviceError(f"{args.config}: no device {args.device!r}") from None
        device = config.device(args.device)
        write_settings(args.out, settings_text(device, token, args.hub_url, trust))
    except ConfigError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except (DeviceError, OSError) as error:
        print(f"device {args.action}: {error}", file=sys.stderr)
        return 1
    done = {"add": "added", "rotate": "new token for", "settings": "settings of"}[args.action]
    print(f"{done} {device.id} ({device.role}); settings written to {args.out} (mode 600)")
    if args.action == "rotate":
        print("a running hub takes the new token on `systemctl reload antrean-hub` "
              "(SIGHUP); the device's old connections are closed then")
    if args.action == "add":
        print("restart the hub (systemctl restart antrean-hub) so it knows the new device")
    return 0


def add_parser(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add `device add|rotate|settings` to the hub's command line."""
    device = commands.add_parser(
        "device", parents=parents, help="add a device, rotate its token, write its settings",
        description="Manage devices in the mall file. add and rotate make a new token, "
        "store only its hash in the file and write the device's settings file (TOML, mode "
        "600: hub URL, device id, token, hub certificate fingerprint, a kiosk's printer). "
        "Copy that file to the device PC; it needs nothing else. See docs/deployment.md.")
    actions = device.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, text in (("add", "add a device with a new token"),
                       ("rotate", "give a device a new token (the old one stops working)"),
                       ("settings", "write the settings file of a device with a plain "
                        "(demo) token")):
        sub = actions.add_parser(name, parents=parents, help=text, description=text + ".")
        sub.add_argument("--config", required=True, type=Path, help="the mall file (TOML)")
        sub.add_argument("--device", required=True, metavar="ID", help="the device's id")
        sub.add_argument("--hub-url", required=True, metavar="URL",
                         help="how the device reaches the hub, e.g. wss://10.20.0.1:8765")
        sub.add_argument("--out", required=True, type=Path, help="settings file to write")
        trust = sub.add_mutually_exclusive_group()
        trust.add_argument("--tls-dir", type=Path,
                           help="the hub's certificate folder (as given to serve --tls-dir): "
                           "its fingerprint is pinned")
        trust.add_argument("--fingerprint", help="the hub certificate's SHA-256 fingerprint")
        trust.add_argument("--ca-file", type=Path,
                           help="a CA certificate file on the device, instead of a pin")
        if name == "add":
            sub.add_argument("--role", required=True,
                             choices=("kiosk", "counter", "display", "supervisor", "survey"))
            sub.add_argument("--name", default="", help="a name people recognise")
            sub.add_argument("--counter", help="counter and survey devices: the loket's id")
            sub.add_argument("--zone", help="displays: the zone shown (default whole hall)")
            sub.add_argument("--printer", action="append", metavar="KEY=VALUE",
                             help="kiosks: a printer setting (repeat), e.g. backend=usb "
                             "vendor_id=0x0416 product_id=0x5011")
        sub.set_defaults(handler=device_command)
