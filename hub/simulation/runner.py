"""What runs a simulated or demo day needs besides the actors: a hub process, a good day."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from hub.config import MallConfig
from hub.schedule import holiday_on

log = logging.getLogger(__name__)


def next_business_day(config: MallConfig, after: dt.date) -> dt.date:
    """The first Monday–Thursday on or after `after` that is not a holiday (most tenants open)."""
    day = after
    while day.weekday() > 3 or holiday_on(config, day):
        day += dt.timedelta(days=1)
    return day


class HubProcess:
    """`python -m hub serve` as a child process on a port chosen by the OS."""

    def __init__(self, config_path: Path, db_path: Path, start: dt.datetime | None = None,
                 speed: float = 1.0) -> None:
        self.port_file = db_path.with_suffix(".port")
        self.port_file.unlink(missing_ok=True)
        command = [sys.executable, "-m", "hub", "serve", "--config", str(config_path),
                   "--db", str(db_path), "--host", "127.0.0.1", "--port", "0",
                   "--port-file", str(self.port_file)]
        if start is not None:
            command += ["--clock-start", start.isoformat(), "--clock-speed", str(speed)]
        self.log_path = db_path.with_suffix(".log")
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT,
                                        env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.port = self._wait_for_port()
        self.url = f"ws://127.0.0.1:{self.port}"

    def _wait_for_port(self, timeout: float = 30.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited; see {self.log_path}")
            text = self.port_file.read_text() if self.port_file.exists() else ""
            if text.strip():
                return int(text)
            time.sleep(0.05)  # waiting for another process to bind; nothing to await here
        raise RuntimeError(f"the hub did not start within {timeout:.0f} s; see {self.log_path}")

    def health(self) -> dict[str, Any]:
        """The hub's /health answer."""
        url = f"http://127.0.0.1:{self.port}/health"
        with urllib.request.urlopen(url, timeout=5) as answer:
            return dict(json.loads(answer.read()))

    def stop(self) -> None:
        """SIGTERM, then wait (kill if it hangs)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._log.close()
