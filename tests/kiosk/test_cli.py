"""The kiosk's command line: clear refusals before any window opens."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})


def test_help_explains_the_options() -> None:
    done = run_kiosk("--help")
    assert done.returncode == 0
    assert "--config" in done.stdout and "--device" in done.stdout and "--hub" in done.stdout


def test_a_broken_config_is_refused_with_every_problem(tmp_path: Path) -> None:
    text = (ROOT / "config" / "example-mpp.toml").read_text()
    broken = text.replace('prefix = "B"', 'prefix = "A"').replace("fee_rupiah = 0",
                                                                  'fee_rupiah = "gratis"', 1)
    path = tmp_path / "broken.toml"
    path.write_text(broken)
    done = run_kiosk("--config", str(path), "--device", "kiosk-1")
    assert done.returncode == 1
    assert "duplicate prefix 'A'" in done.stderr
    assert "fee_rupiah" in done.stderr and str(path) in done.stderr


def test_a_device_that_is_not_a_kiosk_is_refused() -> None:
    done = run_kiosk("--config", "config/example-mpp.toml", "--device", "counter-loket-01")
    assert done.returncode == 1
    assert "role = 'counter', but this app needs role = 'kiosk'" in done.stderr
    done = run_kiosk("--config", "config/example-mpp.toml", "--device", "kiosk-9")
    assert done.returncode == 1 and "kiosk-1" in done.stderr  # lists the kiosks there are
