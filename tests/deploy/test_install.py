"""Per-role install: the systemd units `scripts/install.sh` writes pass `systemd-analyze verify`.

The script runs for real with `--root DIR` (every file under DIR; no packages, users or
systemctl), from this checkout as its prefix so the units name an interpreter that
exists. `systemd-analyze verify` exits 0 even for a line it ignores, so "passes" here
means: exit 0 and nothing on stderr — and a broken unit is shown to fail that check.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from hub.install import APP_ROLES, ROLES, Layout, units
from tests.deploy.hubproc import EXAMPLE, ROOT

pytestmark = pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                                reason="systemd-analyze not installed (apt-get install systemd)")
INSTALL = ROOT / "scripts" / "install.sh"


def verify(folder: Path, *names: str, user: bool = False) -> str:
    """`systemd-analyze verify` the units; return its complaints ('' when none)."""
    env = dict(os.environ)
    command = ["systemd-analyze", "verify", *[f"./{name}" for name in names]]
    with tempfile.TemporaryDirectory(prefix="rt-", dir="/tmp") as runtime:
        if user:  # a user manager needs a runtime folder, even offline; short: socket paths
            env["XDG_RUNTIME_DIR"] = runtime
            command.insert(1, "--user")
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, env=env,
                              timeout=60)
    complaints = (done.stdout + done.stderr).strip()
    return complaints if complaints or done.returncode == 0 else f"exit {done.returncode}"


@pytest.mark.parametrize("role", ROLES)
def test_every_role_s_units_verify(tmp_path: Path, role: str) -> None:
    written = units(role, Layout(prefix=ROOT))
    for name, text in written.items():
        (tmp_path / name).write_text(text)
    assert verify(tmp_path, *written, user=role != "hub") == ""


def test_the_check_fails_on_a_broken_unit(tmp_path: Path) -> None:
    (good,) = units("kiosk", Layout(prefix=ROOT)).values()
    (tmp_path / "typo.service").write_text(good.replace("Restart=always", "Restart=sometimes"))
    assert "restart specifier" in verify(tmp_path, "typo.service", user=True)
    (tmp_path / "gone.service").write_text(good.replace(str(ROOT), "/nonexistent"))
    assert "not executable" in verify(tmp_path, "gone.service", user=True)


def test_the_hub_restarts_always_and_backs_up_nightly() -> None:
    written = units("hub", Layout(prefix=ROOT, keep_days=30))
    hub, backup, timer = (written[name] for name in
                          ("antrean-hub.service", "antrean-backup.service", "antrean-backup.timer"))
    assert "Restart=always" in hub and "User=antrean" in hub
    assert "--db /var/lib/antrean/antrean.db" in hub and "--tls-dir /var/lib/antrean/tls" in hub
    assert "ExecReload=/bin/kill -HUP $MAINPID" in hub  # rotated tokens without a restart
    assert "-m hub backup --db /var/lib/antrean/antrean.db --to /var/lib/antrean/backups " \
           "--keep 30" in backup
    assert "OnCalendar=*-*-* 22:00:00" in timer and "Persistent=true" in timer
    notify = written["antrean-notify.service"]
    assert "-m hub notify --config /etc/antrean/mpp.toml --db /var/lib/antrean/antrean.db" \
        in notify
    assert "User=antrean" in notify and "Restart=always" in notify
    assert "RestartPreventExitStatus=2" in notify  # a mall without [notifications]: no loop
    assert "ReadWritePaths=/var/lib/antrean" in notify
    for role in APP_ROLES:
        (app,) = units(role, Layout(prefix=ROOT)).values()
        assert "--settings /etc/antrean/device.toml --fullscreen" in app
        assert "Restart=always" in app and "WantedBy=graphical-session.target" in app
        assert "--config" not in app  # a device PC has no mall file


def run_install(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(INSTALL), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_install_sh_writes_the_hub_s_files_and_units(tmp_path: Path) -> None:
    root = tmp_path / "root"
    done = run_install("hub", "--root", str(root), "--no-venv", "--config", str(EXAMPLE),
                       "--prefix", str(ROOT))
    assert done.returncode == 0, done.stderr
    mall = root / "etc/antrean/mpp.toml"
    assert mall.read_text() == EXAMPLE.read_text()
    assert stat.S_IMODE(mall.stat().st_mode) == 0o640
    assert stat.S_IMODE((root / "var/lib/antrean").stat().st_mode) == 0o750
    system = root / "etc/systemd/system"
    names = sorted(p.name for p in system.iterdir())
    assert names == ["antrean-backup.service", "antrean-backup.timer", "antrean-hub.service",
                     "antrean-notify.service"]
    assert verify(system, *names) == ""


def test_install_sh_refuses_a_broken_mall_file(tmp_path: Path) -> None:
    broken = tmp_path / "mpp.toml"
    broken.write_text(EXAMPLE.read_text().replace('prefix = "B"', 'prefix = "A"'))
    done = run_install("hub", "--root", str(tmp_path / "root"), "--no-venv", "--config",
                       str(broken), "--prefix", str(ROOT))
    assert done.returncode == 1 and "has problems" in done.stderr
    assert not (tmp_path / "root" / "etc").exists()


def test_install_sh_sets_up_a_kiosk_pc(tmp_path: Path) -> None:
    settings = tmp_path / "kiosk-1.toml"
    settings.write_text('hub_url = "wss://10.20.0.1:8765"\ndevice_id = "kiosk-1"\n'
                        'role = "kiosk"\ntoken = "0123456789abcdef0123"\n'
                        f'hub_fingerprint = "{"AB" * 32}"\n')
    root = tmp_path / "root"
    done = run_install("kiosk", "--root", str(root), "--no-venv", "--settings", str(settings),
                       "--user", "anjungan", "--prefix", str(ROOT))
    assert done.returncode == 0, done.stderr
    installed = root / "etc/antrean/device.toml"
    assert installed.read_text() == settings.read_text()
    assert stat.S_IMODE(installed.stat().st_mode) == 0o600
    user_units = root / "home/anjungan/.config/systemd/user"
    assert (user_units / "graphical-session.target.wants/antrean-kiosk.service").resolve() \
        == (user_units / "antrean-kiosk.service").resolve()
    assert "systemctl --user start antrean-kiosk.service" in (
        root / "home/anjungan/.config/autostart/antrean-kiosk.desktop").read_text()
    assert verify(user_units, "antrean-kiosk.service", user=True) == ""
    rule = (root / "etc/udev/rules.d/60-antrean-printer.rules").read_text()
    assert 'ATTR{idVendor}=="04b8"' in rule and 'GROUP="lp"' in rule  # Epson, for one
    # Another device's file, or none, is refused before anything is written.
    wrong = run_install("counter", "--root", str(tmp_path / "r2"), "--no-venv", "--settings",
                        str(settings), "--user", "anjungan", "--prefix", str(ROOT))
    assert wrong.returncode == 1 and "not the settings file of a counter" in wrong.stderr
    missing = run_install("hall", "--root", str(tmp_path / "r3"), "--no-venv", "--user", "x")
    assert missing.returncode == 1 and "give --settings" in missing.stderr
    assert not (tmp_path / "r2").exists() and not (tmp_path / "r3").exists()


def test_install_sh_explains_itself() -> None:
    done = run_install("--help")
    assert done.returncode == 0 and "--settings FILE" in done.stdout
    unknown = run_install("printer")
    assert unknown.returncode == 2 and "unknown role 'printer'" in unknown.stderr
