"""Run a simulated business day end to end: a hub process, the actors, and the tally."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hub.config import load_config
from hub.schedule import holiday_on
from hub.simulation.day import SimClock, SimulatedDay, Truth
from hub.simulation.model import plan_day

log = logging.getLogger(__name__)


@dataclass
class SimulationResult:
    """What the day produced: where the database is, and what the actors counted."""

    db_path: Path
    business_day: dt.date
    truth: Truth
    hub_url: str


def next_business_day(config_path: Path, after: dt.date) -> dt.date:
    """The first Monday–Thursday on or after `after` that is not a holiday (most tenants open)."""
    config = load_config(config_path)
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


def simulate_day(config_path: Path, out: Path, visitors: int, speed: float, seed: int,
                 day: dt.date | None = None) -> SimulationResult:
    """Run one compressed business day against a real hub process; return the tally."""
    config = load_config(config_path)
    zone = ZoneInfo(config.mpp.timezone)
    day = day or next_business_day(config_path, dt.datetime.now(zone).date())
    out.mkdir(parents=True, exist_ok=True)
    db_path = out / "hub.db"
    for stale in out.glob("hub.db*"):
        stale.unlink()
    start = dt.datetime.combine(day, dt.time(7, 55), tzinfo=zone)
    arrivals = plan_day(config, day, visitors, seed)
    hub = HubProcess(config_path, db_path, start, speed)
    try:
        hub_now = dt.datetime.fromisoformat(hub.health()["hub_time"])
        clock = SimClock(hub_now, speed)
        log.info("simulating %s: %d visitors at %.0fx (hub %s)", day, len(arrivals), speed,
                 hub.url)
        truth = asyncio.run(SimulatedDay(config, hub.url, arrivals, clock, seed).run())
    finally:
        hub.stop()
    return SimulationResult(db_path, day, truth, hub.url)
