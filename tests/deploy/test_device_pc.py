"""A device PC as the city installs it: a settings file, the hub's configuration, wss.

The hub runs as its own process with `--tls-dir`; the kiosk runs as its own process,
offscreen, with `python -m kiosk --settings FILE` — a file written by `hub device
settings`, pinning the hub's certificate, with a virtual printer. No mall file on the
"device PC": the kiosk gets the configuration from the welcome, keeps it in its cache
folder, and restarts itself when the hub comes back with another one.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tomllib
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from hub.__main__ import main
from hub.client.startup import MallCache, public_config
from hub.client.tls import pinned_context
from hub.config import load_config
from hub.config.public import public_mall, served_public_url
from tests.deploy.hubproc import EXAMPLE, ROOT, HubProcess, hub_process, stop_process

pytestmark = pytest.mark.integration


@contextmanager
def kiosk_process(settings: Path, cache: Path, *extra: str) -> Iterator[subprocess.Popen[str]]:
    """`python -m kiosk --settings …` offscreen, from a folder with no mall file in it."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--settings", str(settings), "--cache-dir", str(cache),
         "--height", "800", *extra],
        cwd=settings.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env=env)
    try:
        yield process
    finally:
        stop_process(process)
        assert process.stderr is not None
        process.stderr.close()


def health(hub: HubProcess) -> dict[str, object]:
    assert hub.fingerprint is not None
    with urllib.request.urlopen(f"https://127.0.0.1:{hub.port}/health", timeout=10,
                                context=pinned_context(hub.fingerprint)) as answer:
        return dict(json.loads(answer.read()))


def wait_connected(hub: HubProcess, times: int) -> None:
    """Read the hub's log until the kiosk connected `times` more times."""
    for _ in range(times):
        hub.wait_for_log("kiosk kiosk-1 connected", timeout=60)


def write_settings(config: Path, device: str, hub: HubProcess, out: Path, tls: Path) -> None:
    assert main(["device", "settings", "--config", str(config), "--device", device,
                 "--hub-url", f"wss://127.0.0.1:{hub.port}", "--out", str(out),
                 "--tls-dir", str(tls)]) == 0


def test_the_public_configuration_reads_back_as_the_mall_file_minus_its_secrets(
        tmp_path: Path) -> None:
    config = load_config(EXAMPLE)
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    config = config.model_copy(update={"mpp": config.mpp.model_copy(update={"logo": "logo.png"})})
    public = public_mall(config, tmp_path, "https://10.20.0.1:8765")
    cache = MallCache(tmp_path / "cache")
    back = public_config(cache.with_logo_file(public.data), cache.path)
    mine, theirs = config.model_dump(mode="json"), back.model_dump(mode="json")
    for section in ("queue", "schedule", "tenants", "services", "counters", "zones"):
        assert theirs[section] == mine[section], section
    assert theirs["mpp"]["name"] == mine["mpp"]["name"]
    assert Path(theirs["mpp"]["logo"]).read_bytes() == logo.read_bytes()
    assert back.ticket_status_url("a-001") == "https://10.20.0.1:8765/tiket/a-001"
    assert [d.id for d in back.devices] == [d.id for d in config.devices]
    assert all(d.token is None and d.token_hash is None and d.printer is None
               for d in back.devices)
    assert back.public_base_url() == "https://10.20.0.1:8765"
    # The version follows the content, the logo's bytes included.
    logo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(201))
    assert public_mall(config, tmp_path, "https://10.20.0.1:8765").version != public.version
    assert public_mall(config, tmp_path, None).data["mpp"]["public_url"] is None


def test_phones_are_never_sent_to_a_loopback_or_wildcard_address() -> None:
    config = load_config(EXAMPLE)
    assert served_public_url(config, "127.0.0.1", 8765, tls=True) is None
    assert served_public_url(config, "0.0.0.0", 8765, tls=True) is None
    assert served_public_url(config, "::1", 8765, tls=False) is None
    assert served_public_url(config, "10.20.0.1", 8765, tls=True) == "https://10.20.0.1:8765"
    assert served_public_url(config, "fd00::1", 80, tls=False) == "http://[fd00::1]:80"


def test_a_kiosk_pc_with_only_its_settings_file_joins_over_wss(tmp_path: Path) -> None:
    mall = tmp_path / "server" / "mpp.toml"
    mall.parent.mkdir()
    mall.write_text(EXAMPLE.read_text())
    tls = tmp_path / "server" / "tls"
    pc = tmp_path / "kiosk-pc"
    pc.mkdir()
    settings, cache = pc / "kiosk-1.toml", pc / "cache"
    with hub_process(mall, tmp_path / "server" / "antrean.db", "--tls-dir", str(tls)) as hub:
        write_settings(mall, "kiosk-1", hub, settings, tls)
        # The settings file holds this kiosk's token and no other device's.
        text = settings.read_text()
        tokens = {d.id: d.token for d in load_config(mall).devices if d.token}
        assert tokens["kiosk-1"] in text
        assert [d for d, t in tokens.items() if t in text] == ["kiosk-1"]
        assert tomllib.loads(text)["hub_url"].startswith("wss://")
        with kiosk_process(settings, cache) as kiosk:
            # Twice: once to fetch the configuration before any window, then to stay.
            wait_connected(hub, 2)
            assert health(hub)["clients"] == {"kiosk": 1}
            assert kiosk.poll() is None
        kept = json.loads((cache / "mall.json").read_text())
        assert kept["mall"]["mpp"]["name"] == "Mal Pelayanan Publik Kota Cilegon"
        assert len(kept["mall"]["services"]) == len(load_config(mall).services)
        # No credential of any device, and no printer of another kiosk, reached the PC.
        everything = (cache / "mall.json").read_text()
        assert '"token' not in everything and '"printer"' not in everything
        assert not [t for t in tokens.values() if t in everything]


def test_a_changed_mall_file_reaches_the_running_kiosk(tmp_path: Path) -> None:
    mall = tmp_path / "mpp.toml"
    mall.write_text(EXAMPLE.read_text())
    tls, settings, cache = tmp_path / "tls", tmp_path / "kiosk-1.toml", tmp_path / "cache"
    db = tmp_path / "antrean.db"
    with hub_process(mall, db, "--tls-dir", str(tls)) as hub:
        port = hub.port
        write_settings(mall, "kiosk-1", hub, settings, tls)
        with kiosk_process(settings, cache) as kiosk:
            wait_connected(hub, 2)
            first = json.loads((cache / "mall.json").read_text())["version"]
            # The operator renames the mall and restarts the hub (same address and cert).
            hub.process.send_signal(signal.SIGTERM)
            hub.process.wait(timeout=20)
            mall.write_text(EXAMPLE.read_text().replace(
                'short_name = "MPP Cilegon"', 'short_name = "MPP Kota Cilegon"', 1))
            with hub_process(mall, db, "--tls-dir", str(tls), port=port) as again:
                # The kiosk's link is welcomed with the new configuration; the kiosk keeps
                # it and restarts itself (the same process, re-executed), which fetches and
                # connects again.
                wait_connected(again, 3)
                assert kiosk.poll() is None
                assert health(again)["clients"] == {"kiosk": 1}
                kept = json.loads((cache / "mall.json").read_text())
                assert kept["version"] != first
                assert kept["mall"]["mpp"]["short_name"] == "MPP Kota Cilegon"


def test_a_hub_with_another_certificate_is_refused_plainly(tmp_path: Path) -> None:
    mall = tmp_path / "mpp.toml"
    mall.write_text(EXAMPLE.read_text())
    settings = tmp_path / "kiosk-1.toml"
    with hub_process(mall, tmp_path / "antrean.db", "--tls-dir", str(tmp_path / "tls")) as hub:
        assert main(["device", "settings", "--config", str(mall), "--device", "kiosk-1",
                     "--hub-url", f"wss://127.0.0.1:{hub.port}", "--out", str(settings),
                     "--fingerprint", "ab" * 32]) == 0
        done = subprocess.run(
            [sys.executable, "-m", "kiosk", "--settings", str(settings), "--cache-dir",
             str(tmp_path / "cache"), "--error-seconds", "0.3"], cwd=tmp_path,
            capture_output=True, text=True,
            timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen",
                              "PYTHONPATH": str(ROOT)})
        assert done.returncode == 1
        assert "Sertifikat hub tidak cocok" in done.stderr
        assert f"got {hub.fingerprint}" in done.stderr
        assert "Traceback" not in done.stderr
        assert "kiosk-1 connected" not in "".join(hub.log)  # no token was sent to it


def test_a_supervisor_laptop_reads_reports_with_its_own_token_over_tls(tmp_path: Path) -> None:
    """The dashboard's reports (GET /reports, /reports/ikm) use the settings file's token."""
    import argparse

    from counter_display.launch import prepare
    from counter_display.supervisor.app import hub_reports
    from counter_display.supervisor.ikm import HubReports

    mall = tmp_path / "mpp.toml"
    mall.write_text(EXAMPLE.read_text())
    tls, settings = tmp_path / "tls", tmp_path / "supervisor.toml"
    with hub_process(mall, tmp_path / "antrean.db", "--tls-dir", str(tls)) as hub:
        assert main(["device", "settings", "--config", str(mall), "--device", "supervisor",
                     "--hub-url", f"wss://127.0.0.1:{hub.port}", "--out", str(settings),
                     "--tls-dir", str(tls)]) == 0
        args = argparse.Namespace(settings=settings, cache_dir=tmp_path / "cache", config=None,
                                  device=None, hub=None, ikm_weight="exact")
        launch = prepare(args, "supervisor")
        assert launch.device.token is None  # the hub's public entry carries none
        reports = hub_reports(launch)  # what the dashboard uses
        figure = reports.day("2026-11-23")
        assert figure is not None and figure.respondents == 0  # answered, not refused
        wrong = HubReports(launch.hub_url, "not-the-token", launch.ssl_context)
        assert wrong.day("2026-11-23") is None  # 401: logged and shown as unknown
