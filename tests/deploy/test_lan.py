"""A real LAN: the hub and the device PCs in network namespaces this test makes.

Two namespaces joined by a veth pair with private addresses, both made (and removed)
by the test itself — no other address is touched. The hub listens on its LAN address
with `--tls-dir`; in the devices' namespace a kiosk takes a ticket, a counter calls it
and a display sees the call, each started only from its settings file (written by
`hub device settings`) over wss with the pinned certificate; the real kiosk app runs
there offscreen too, and /health, asked from the devices' side, counts it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hub.__main__ import main
from tests.deploy.hubproc import EXAMPLE, ROOT, HubProcess, hub_process, stop_process

pytestmark = pytest.mark.integration

HUB_ADDRESS, DEVICE_ADDRESS = "10.199.0.1", "10.199.0.2"


@dataclass(frozen=True)
class Lan:
    hub_ns: str
    devices_ns: str


def _ip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30)


@pytest.fixture
def lan() -> Iterator[Lan]:
    """Two namespaces, one veth cable between them; skipped where they cannot be made."""
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root (CI runs as root)")
    tag = f"{os.getpid() % 100000}"
    net = Lan(f"antrean-hub-{tag}", f"antrean-dev-{tag}")
    made: list[str] = []
    try:
        for name in (net.hub_ns, net.devices_ns):
            done = _ip("netns", "add", name)
            if done.returncode != 0:
                pytest.skip(f"cannot make a network namespace here: {done.stderr.strip()}")
            made.append(name)
        steps = [
            ("link", "add", f"vh{tag}", "netns", net.hub_ns, "type", "veth",
             "peer", "name", f"vd{tag}", "netns", net.devices_ns),
            ("-n", net.hub_ns, "addr", "add", f"{HUB_ADDRESS}/24", "dev", f"vh{tag}"),
            ("-n", net.devices_ns, "addr", "add", f"{DEVICE_ADDRESS}/24", "dev", f"vd{tag}"),
            ("-n", net.hub_ns, "link", "set", f"vh{tag}", "up"),
            ("-n", net.devices_ns, "link", "set", f"vd{tag}", "up"),
            ("-n", net.hub_ns, "link", "set", "lo", "up"),
            ("-n", net.devices_ns, "link", "set", "lo", "up"),
        ]
        for step in steps:
            done = _ip(*step)
            if done.returncode != 0:
                pytest.skip(f"cannot wire the test LAN (ip {' '.join(step)}): "
                            f"{done.stderr.strip()}")
        yield net
    finally:
        for name in made:  # removing a namespace removes its end of the cable too
            _ip("netns", "del", name)


def on_devices(lan: Lan, *command: str, **kwargs: object) -> subprocess.Popen[str]:
    """A process on the devices' side of the LAN."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
           "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(["ip", "netns", "exec", lan.devices_ns, *command], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            **kwargs)  # type: ignore[call-overload]


def device_says(lan: Lan, settings: Path, *action: str) -> list[dict[str, object]]:
    """Run one lan_device action to its end; its JSON lines."""
    process = on_devices(lan, sys.executable, "-m", "tests.deploy.lan_device", str(settings),
                         *action)
    out, err = process.communicate(timeout=90)
    assert process.returncode == 0, err
    return [json.loads(line) for line in out.splitlines()]


def settings_for(mall: Path, hub: HubProcess, tls: Path, device: str, folder: Path) -> Path:
    out = folder / f"{device}.toml"
    assert main(["device", "settings", "--config", str(mall), "--device", device,
                 "--hub-url", f"wss://{HUB_ADDRESS}:{hub.port}", "--out", str(out),
                 "--tls-dir", str(tls)]) == 0
    return out


def test_kiosk_counter_and_display_on_separate_pcs(lan: Lan, tmp_path: Path) -> None:
    mall = tmp_path / "server" / "mpp.toml"
    mall.parent.mkdir()
    mall.write_text(EXAMPLE.read_text())
    tls, pcs = tmp_path / "server" / "tls", tmp_path / "pcs"
    pcs.mkdir()
    with hub_process(mall, tmp_path / "server" / "antrean.db", "--tls-dir", str(tls),
                     "--clock-start", "2026-11-23T09:00", host=HUB_ADDRESS,
                     netns=lan.hub_ns) as hub:
        # From this test's own namespace the hub is not reachable: the LAN is real.
        with pytest.raises(OSError), socket.create_connection((HUB_ADDRESS, hub.port), 2):
            pass
        kiosk, counter, display, kiosk_app = (
            settings_for(mall, hub, tls, device, pcs)
            for device in ("kiosk-1", "counter-loket-01", "display-lobi", "kiosk-2"))

        [online, issued] = device_says(lan, kiosk, "issue", "ktp-el")
        assert online["hub"] == f"wss://{HUB_ADDRESS}:{hub.port}"
        assert online["mpp"] == "MPP Cilegon"  # the configuration came from the hub
        assert issued["issued"] == "A-001" and issued["pending"] is True

        watcher = on_devices(lan, sys.executable, "-m", "tests.deploy.lan_device",
                             str(display), "watch", "A-001")
        try:
            assert watcher.stdout is not None
            assert json.loads(watcher.stdout.readline())["online"] == "display-lobi"
            [_, called] = device_says(lan, counter, "call")
            assert called == {"called": [issued["ticket_id"]]}
            assert json.loads(watcher.stdout.readline()) == {"seen": "A-001"}
            assert watcher.wait(timeout=30) == 0
        finally:
            stop_process(watcher)

        # The real kiosk app on its PC: connected over the LAN, counted by /health.
        app = on_devices(lan, sys.executable, "-m", "kiosk", "--settings", str(kiosk_app),
                         "--cache-dir", str(pcs / "cache"), "--height", "800")
        try:
            for _ in range(2):  # the configuration first, then the link that stays
                hub.wait_for_log("kiosk kiosk-2 connected", timeout=60)
            probe = on_devices(lan, sys.executable, "-c", (
                "import json, sys, urllib.request\n"
                "from hub.client.tls import pinned_context\n"
                f"with urllib.request.urlopen('https://{HUB_ADDRESS}:{hub.port}/health', "
                f"context=pinned_context('{hub.fingerprint}'), timeout=10) as r:\n"
                "    print(json.dumps(json.loads(r.read())['clients']))\n"))
            out, err = probe.communicate(timeout=60)
            assert probe.returncode == 0, err
            assert json.loads(out) == {"kiosk": 1}
            assert app.poll() is None
        finally:
            stop_process(app)
        kept = json.loads((pcs / "cache" / "mall.json").read_text())
        # Tickets' QR codes point at the hub's LAN address, which phones on it can open.
        assert kept["mall"]["mpp"]["public_url"] == f"https://{HUB_ADDRESS}:{hub.port}"
