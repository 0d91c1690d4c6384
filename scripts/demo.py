"""The whole MPP on one machine: `scripts/demo.sh` runs this (see --help).

With a screen: the hub, a kiosk, two counter terminals, the hall display and the
supervisor dashboard, each in its own window and process; virtual visitors and staff
keep the other counters busy. Ctrl-C stops everything.
Without a screen, or with --simulate: a compressed business day through real
websocket clients, then the day's report (XLSX, PDF), screenshots taken mid-day,
ticket PNGs and a summary, all in one output folder.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.config import MallConfig, load_config  # noqa: E402 - after the path fix above
from hub.simulation.day import SimClock, SimulatedDay  # noqa: E402
from hub.simulation.model import plan_day  # noqa: E402
from hub.simulation.runner import HubProcess, next_business_day  # noqa: E402

log = logging.getLogger("demo")

GUI_COUNTERS = ("counter-loket-01", "counter-loket-02")


def has_screen() -> bool:
    """True when windows can be shown (X11 or Wayland)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def demo_start(config: MallConfig) -> tuple[dt.datetime, bool]:
    """Hub time for the demo: now if the mall is open, else the next business morning."""
    zone = ZoneInfo(config.mpp.timezone)
    now = dt.datetime.now(zone)
    if now.weekday() <= 3 and dt.time(8, 0) <= now.time() <= dt.time(14, 30):
        return now, False
    day = next_business_day(config, now.date()
                            + dt.timedelta(days=1 if now.time() > dt.time(14, 30) else 0))
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=zone), True


def run_windows(config_path: Path, out: Path, background: bool) -> int:
    """Start the hub and every app in its own process; stop all of them on Ctrl-C."""
    config = load_config(config_path)
    start, shifted = demo_start(config)
    if shifted:
        log.info("the mall is closed now; the hub's clock starts at %s (demo time)",
                 start.strftime("%A %d %B %Y %H:%M"))
    hub = HubProcess(config_path, out / "hub.db", start if shifted else None, 1.0)
    python = sys.executable
    common = ["--config", str(config_path), "--hub", hub.url]
    apps = [
        [python, "-m", "kiosk", *common, "--device", "kiosk-1", "--height", "900"],
        *([python, "-m", "counter_display", "counter", *common, "--device", device]
          for device in GUI_COUNTERS),
        [python, "-m", "counter_display", "hall", *common, "--device", "display-lobi",
         "--size", "1280x720"],
        [python, "-m", "counter_display", "supervisor", *common, "--device", "supervisor"],
    ]
    children: list[subprocess.Popen[bytes]] = []
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        for command in apps:
            children.append(subprocess.Popen(command, cwd=ROOT))
        log.info("hub at %s; tickets are printed as PNG into %s", hub.url,
                 ROOT / "var" / "tickets" / "kiosk-1")
        if background:
            thread = threading.Thread(target=_background_visitors,
                                      args=(config, hub, stop), daemon=True)
            thread.start()
        log.info("running; press Ctrl-C to stop everything")
        reported: set[int] = set()
        while not stop.is_set() and any(child.poll() is None for child in children):
            for index, child in enumerate(children):
                if child.poll() is not None and index not in reported:
                    reported.add(index)
                    log.warning("%s ended (exit %s); the others keep running",
                                " ".join(apps[index][2:4]), child.returncode)
            stop.wait(0.5)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
        hub.stop()
        log.info("stopped: hub and %d apps", len(children))
    return 0


def _background_visitors(config: MallConfig, hub: HubProcess, stop: threading.Event) -> None:
    """Virtual visitors at kiosk-2 and virtual staff at every counter without a window."""
    hub_now = dt.datetime.fromisoformat(hub.health()["hub_time"])
    arrivals = [a for a in plan_day(config, hub_now.date(), 450, seed=5) if a.at > hub_now]
    staff = [d.id for d in config.devices if d.role == "counter" and d.id not in GUI_COUNTERS]
    day = SimulatedDay(config, hub.url, arrivals, SimClock(hub_now, 1.0),
                       kiosk_devices=["kiosk-2"], staff_devices=staff)

    async def run() -> None:
        task = asyncio.create_task(day.run())
        while not stop.is_set() and not task.done():
            await asyncio.sleep(0.5)
        task.cancel()

    try:
        asyncio.run(run())
    except Exception:
        log.exception("background visitors stopped")


def main(argv: list[str] | None = None) -> int:
    """Parse options and run the windows or the simulation."""
    parser = argparse.ArgumentParser(prog="scripts/demo.sh", description=__doc__)
    parser.add_argument("--config", type=Path, default=ROOT / "config" / "example-mpp.toml",
                        help="mall configuration (default: the example MPP)")
    parser.add_argument("--simulate", action="store_true",
                        help="run a compressed simulated day instead of the windows")
    parser.add_argument("--visitors", type=int, default=1000,
                        help="visitors in the simulated day (default 1000; the example's 27 "
                        "counters cannot serve 1500 before closing)")
    parser.add_argument("--speed", type=float, default=120.0,
                        help="how many times faster than real time the simulated day runs")
    parser.add_argument("--seed", type=int, default=20261123, help="random seed of the day")
    parser.add_argument("--out", type=Path, help="output folder (default var/demo/<time>)")
    parser.add_argument("--no-background", action="store_true",
                        help="windows mode: no virtual visitors and staff")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                        "%(message)s")
    for noisy in ("websockets", "hub.client.connection"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = (args.out or ROOT / "var" / "demo" / stamp).resolve()
    out.mkdir(parents=True, exist_ok=True)
    if not args.simulate and not has_screen():
        log.warning("no screen here (DISPLAY and WAYLAND_DISPLAY are empty): running the "
                    "simulated business day instead of the windows")
        args.simulate = True
    if args.simulate:
        from simulated_day import run_simulation  # scripts/ is on the path as the script's home

        return run_simulation(args.config.resolve(), out, args.visitors, args.speed, args.seed)
    return run_windows(args.config.resolve(), out, not args.no_background)


if __name__ == "__main__":
    sys.exit(main())
