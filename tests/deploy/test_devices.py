"""Tokens stored hashed, `hub device add|rotate|settings`, and rotation on a running hub."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import stat
import tomllib
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from hub.__main__ import main
from hub.client.settings import load_settings
from hub.config import ConfigError, load_config, parse_config
from hub.config.advice import config_warnings
from hub.config.tokens import Credentials, hash_token, new_token, token_matches
from tests.deploy.hubproc import EXAMPLE, hub_process
from tests.factories import small_mall_data


def test_a_stored_hash_accepts_its_token_only() -> None:
    token = new_token()
    stored = hash_token(token)
    assert token not in stored and stored.startswith("sha256$")
    assert token_matches(stored, token)
    assert not token_matches(stored, token + "x")
    assert not token_matches(stored, "")
    assert hash_token(token) != stored  # a salt of its own each time
    assert not token_matches("sha256$zz$zz", token)  # a mangled hash refuses, no traceback


def test_credentials_say_which_devices_changed() -> None:
    data = small_mall_data()
    stored = hash_token("a-brand-new-kiosk-token")
    credentials = Credentials(parse_config(data).devices)
    assert credentials.accepts("kiosk-1", "kiosk-1-token-for-tests")
    assert not credentials.accepts("nobody", "kiosk-1-token-for-tests")
    data["devices"][0] = {"id": "kiosk-1", "role": "kiosk", "token_hash": stored}
    changed = credentials.replace(parse_config(data).devices)
    assert changed == {"kiosk-1"}
    assert not credentials.accepts("kiosk-1", "kiosk-1-token-for-tests")
    assert credentials.accepts("kiosk-1", "a-brand-new-kiosk-token")
    assert credentials.accepts("boss", "supervisor-token-for-tests")


def test_a_device_needs_exactly_one_credential_and_no_hash_is_echoed() -> None:
    data = small_mall_data()
    data["devices"][0] = {"id": "kiosk-1", "role": "kiosk"}
    with pytest.raises(ConfigError, match="exactly one"):
        parse_config(data)
    data["devices"][0] = {"id": "kiosk-1", "role": "kiosk", "token": "kiosk-1-token-for-tests",
                          "token_hash": hash_token("x")}
    with pytest.raises(ConfigError, match="exactly one"):
        parse_config(data)
    data["devices"][0] = {"id": "kiosk-1", "role": "kiosk", "token_hash": "sha256$secretish"}
    with pytest.raises(ConfigError) as raised:
        parse_config(data)
    assert "secretish" not in str(raised.value)


def test_check_warns_about_plain_tokens_and_a_loopback_qr() -> None:
    warnings = config_warnings(load_config(EXAMPLE))
    assert any("plain text" in w and "kiosk-1" in w for w in warnings)
    assert any("loopback" in w and "127.0.0.1" in w for w in warnings)
    data = small_mall_data()
    for entry in data["devices"]:
        entry["token_hash"] = hash_token(entry.pop("token"))
    data["mpp"]["public_url"] = "https://10.20.0.1:8765"
    config = parse_config(data)
    assert config_warnings(config) == []
    assert config.ticket_status_url("a-001") == "https://10.20.0.1:8765/tiket/a-001"


def test_status_url_from_public_url_or_the_lan_address() -> None:
    data = small_mall_data()
    data["hub"] = {"host": "10.20.0.1", "port": 8443, "tls_dir": "tls"}
    assert parse_config(data).ticket_status_url("b-7") == "https://10.20.0.1:8443/tiket/b-7"
    data["hub"] = {"host": "0.0.0.0", "port": 8765}
    config = parse_config(data)
    assert config.ticket_status_url("b-7") is None
    assert any("public_url" in w and "no QR" in w for w in config_warnings(config))
    data["mpp"]["status_url"] = "{public_url}/t/{ticket_id}"
    data["mpp"]["public_url"] = "http://antrean.mpp.local:8765/"
    assert (parse_config(data).ticket_status_url("b-7")
            == "http://antrean.mpp.local:8765/t/b-7")


def test_check_prints_the_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--config", str(EXAMPLE)]) == 0
    out = capsys.readouterr().err
    assert "warning: devices: 43 token(s) stored in plain text" in out
    assert "warning: mpp: tickets would print a QR code for http://127.0.0.1:8765" in out


def _copy_example(tmp_path: Path) -> Path:
    config = tmp_path / "mpp.toml"
    shutil.copy(EXAMPLE, config)
    return config


def test_rotate_stores_only_a_hash_and_writes_a_0600_settings_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _copy_example(tmp_path)
    before = config.read_text()
    out = tmp_path / "pc" / "kiosk-1.toml"
    code = main(["device", "rotate", "--config", str(config), "--device", "kiosk-1",
                 "--hub-url", "wss://10.20.0.1:8765", "--out", str(out),
                 "--fingerprint", "ab" * 32])
    assert code == 0, capsys.readouterr().err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    settings = load_settings(out)
    assert settings.warnings == ()
    assert settings.device_id == "kiosk-1" and settings.role == "kiosk"
    assert settings.hub_url == "wss://10.20.0.1:8765"
    assert settings.hub_fingerprint == "SHA256:" + ":".join(["AB"] * 32)
    assert settings.printer == {"backend": "virtual", "folder": "var/tickets/kiosk-1"}
    after = config.read_text()
    assert settings.token not in after
    device = load_config(config).device("kiosk-1")
    assert device.token is None and device.token_hash is not None
    assert token_matches(device.token_hash, settings.token)
    # Only the credential line changed: comments and every other device stay as written.
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True)
               if a != b]
    assert changed == [('token = "demo-kiosk-1-token-change-me"',
                        f'token_hash = "{device.token_hash}"')]


def test_a_settings_file_holds_no_other_device_s_token(tmp_path: Path) -> None:
    config = _copy_example(tmp_path)
    out = tmp_path / "counter.toml"
    assert main(["device", "settings", "--config", str(config), "--device",
                 "counter-loket-01", "--hub-url", "ws://10.20.0.1:8765", "--out", str(out)]) == 0
    text = out.read_text()
    mall = load_config(config)
    others = [d.token for d in mall.devices if d.id != "counter-loket-01" and d.token]
    assert len(others) == 42
    assert not [token for token in others if token in text]
    assert set(tomllib.loads(text)) == {"hub_url", "device_id", "role", "token"}
    assert load_settings(out).token == mall.device("counter-loket-01").token


def test_add_appends_a_device_and_settings_refuses_a_hashed_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _copy_example(tmp_path)
    out = tmp_path / "kiosk-9.toml"
    assert main(["device", "add", "--config", str(config), "--device", "kiosk-9",
                 "--role", "kiosk", "--name", "Anjungan lantai 3", "--hub-url",
                 "ws://10.20.0.1:8765", "--out", str(out), "--printer", "backend=usb",
                 "--printer", "vendor_id=0x0416", "--printer", "product_id=0x5011"]) == 0
    device = load_config(config).device("kiosk-9")
    assert device.printer is not None and device.printer.vendor_id == 0x0416
    assert token_matches(device.token_hash or "", load_settings(out).token)
    assert load_settings(out).printer == {"backend": "usb", "vendor_id": 0x0416,
                                          "product_id": 0x5011}
    capsys.readouterr()
    assert main(["device", "settings", "--config", str(config), "--device", "kiosk-9",
                 "--hub-url", "ws://h:1", "--out", str(tmp_path / "again.toml")]) == 1
    assert "stored hashed" in capsys.readouterr().err
    assert not (tmp_path / "again.toml").exists()
    # A second add of the same id, or a counter device without its counter, changes nothing.
    before = config.read_text()
    assert main(["device", "add", "--config", str(config), "--device", "kiosk-9",
                 "--role", "kiosk", "--hub-url", "ws://h:1", "--out", str(out)]) == 1
    assert main(["device", "add", "--config", str(config), "--device", "counter-x",
                 "--role", "counter", "--hub-url", "ws://h:1", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "exists already" in err and "needs counter" in err and "file left unchanged" in err
    assert config.read_text() == before


def test_wss_settings_need_a_way_to_trust_the_hub(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _copy_example(tmp_path)
    before = config.read_text()
    assert main(["device", "rotate", "--config", str(config), "--device", "kiosk-1",
                 "--hub-url", "wss://10.20.0.1:8765", "--out", str(tmp_path / "k.toml")]) == 1
    assert "--tls-dir" in capsys.readouterr().err
    assert config.read_text() == before  # refused before anything was rotated


def test_a_settings_file_others_can_read_is_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('hub_url = "ws://h:1"\ndevice_id = "k"\nrole = "kiosk"\ntoken = "t"\n')
    path.chmod(0o644)
    assert "chmod 600" in load_settings(path).warnings[0]
    path.write_text('hub_url = "wss://h:1"\ndevice_id = "k"\nrole = "kiosk"\ntoken = "t"\n'
                    'hub_fingerprint = "nope"\nprinterr = 1\n')
    with pytest.raises(Exception) as raised:
        load_settings(path)
    problems = "\n".join(raised.value.problems)  # type: ignore[attr-defined]
    assert "printerr: unknown key" in problems and "not a SHA-256 fingerprint" in problems


async def _hello(url: str, device_id: str, token: str, context: object) -> dict[str, object]:
    async with connect(url, proxy=None, ssl=context) as ws:  # type: ignore[arg-type]
        await ws.send(json.dumps({"type": "hello", "device_id": device_id, "token": token,
                                  "protocol": 2}))
        return json.loads(await asyncio.wait_for(ws.recv(), 10))


@pytest.mark.integration
def test_a_rotated_token_works_on_the_running_hub_after_sighup(tmp_path: Path) -> None:
    from hub.client.tls import pinned_context

    config = _copy_example(tmp_path)
    with hub_process(config, tmp_path / "hub.db", "--tls-dir", str(tmp_path / "tls")) as hub:
        assert hub.fingerprint is not None
        url = f"wss://127.0.0.1:{hub.port}"
        context = pinned_context(hub.fingerprint)
        old = "demo-counter-01-token-change-me"

        async def before() -> None:
            assert (await _hello(url, "counter-loket-01", old, context))["type"] == "welcome"

        asyncio.run(before())
        out = tmp_path / "counter.toml"
        assert main(["device", "rotate", "--config", str(config), "--device",
                     "counter-loket-01", "--hub-url", url, "--out", str(out),
                     "--tls-dir", str(tmp_path / "tls")]) == 0
        settings = load_settings(out)
        assert settings.hub_fingerprint == hub.fingerprint

        async def still_old() -> None:  # not re-read yet: the old token still works
            assert (await _hello(url, "counter-loket-01", old, context))["type"] == "welcome"

        asyncio.run(still_old())

        async def rotated() -> None:
            async with connect(url, proxy=None, ssl=context) as ws:
                await ws.send(json.dumps({"type": "hello", "device_id": "counter-loket-01",
                                          "token": old, "protocol": 2}))
                assert json.loads(await ws.recv())["type"] == "welcome"
                hub.process.send_signal(signal.SIGHUP)
                hub.wait_for_log("reloaded")
                # The connection made with the old token is closed...
                with pytest.raises(Exception) as closed:
                    while True:
                        await asyncio.wait_for(ws.recv(), 10)
                assert getattr(closed.value, "rcvd", None) is not None
                assert closed.value.rcvd.code == 1008  # type: ignore[attr-defined]
            # ...the old token is refused and the new one welcomed, without a restart.
            refused = await _hello(url, "counter-loket-01", old, context)
            assert refused["type"] == "error" and refused["code"] == "auth_failed"
            welcome = await _hello(url, "counter-loket-01", settings.token,
                                   settings.ssl_context())
            assert welcome["type"] == "welcome"
            other = await _hello(url, "counter-loket-02", "demo-counter-02-token-change-me",
                                 context)
            assert other["type"] == "welcome"

        asyncio.run(rotated())
        assert "reloaded" in "".join(hub.log) and "counter-loket-01" in "".join(hub.log)


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's group needs root")
def test_rotate_keeps_the_installed_mall_file_readable_by_the_hub(tmp_path: Path) -> None:
    """install.sh makes the mall file root:antrean 0640; an edit by root must keep that."""
    config = _copy_example(tmp_path)
    os.chown(config, 0, 65534)  # 65534: nogroup, standing in for the hub's group
    os.chmod(config, 0o640)
    assert main(["device", "rotate", "--config", str(config), "--device", "kiosk-1",
                 "--hub-url", "wss://10.20.0.1:8765", "--out", str(tmp_path / "k.toml"),
                 "--fingerprint", "ab" * 32]) == 0
    after = config.stat()
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (0, 65534, 0o640)
    assert load_config(config).device("kiosk-1").token_hash is not None
