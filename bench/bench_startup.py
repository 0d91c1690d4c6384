"""Benchmark: kiosk, counter terminal and hall display cold start to the first usable frame.

Budget (DESIGN.md): ≤ 2 s. Each app starts in a fresh Python process (cold imports, Qt
offscreen) against a hub already running; the clock runs from just before the process
is spawned until the window has drawn a frame that shows the hub's data (connected,
snapshot received). Prints JSON. Run: .venv/bin/python -m bench.bench_startup
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hub.simulation.runner import HubProcess

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = 2.0

CHILD = r"""
import sys, time
started = float(sys.argv[1]); app_name = sys.argv[2]; url = sys.argv[3]; config_path = sys.argv[4]
from pathlib import Path
from PySide6.QtWidgets import QApplication
from hub.config import load_config
from hub.client.qt_bridge import HubBridge
config = load_config(config_path)
app = QApplication([])
if app_name == "kiosk":
    from kiosk.flow import KioskFlow
    from kiosk.printing import PrintService
    from kiosk.tickets import printer_target
    from kiosk.window import KioskWindow
    from ticket_printer import open_printer
    device = config.device("kiosk-1")
    bridge = HubBridge(url, device.id, device.token)
    printing = PrintService(open_printer(printer_target(device.printer, Path(sys.argv[5]))))
    window = KioskWindow(config, bridge, KioskFlow(config, bridge, printing, device.printer,
                                                  Path(sys.argv[5])))
elif app_name == "counter":
    from counter_display.counter.controller import CounterController
    from counter_display.counter.window import CounterWindow
    device = config.device("counter-loket-01")
    bridge = HubBridge(url, device.id, device.token)
    window = CounterWindow(CounterController(bridge, config, "loket-01"))
else:
    from counter_display.hall.display import HallDisplay
    device = config.device("display-lantai-1")
    bridge = HubBridge(url, device.id, device.token)
    window = HallDisplay(config, device, bridge, Path(config_path).parent)
window.resize(1920, 1080)
window.show()
bridge.start()
while not bridge.view.received:
    app.processEvents()
    time.sleep(0.002)
app.processEvents()
window.grab()
print(time.time() - started)
bridge.stop()
"""


def measure(app: str, url: str, config: Path, folder: Path) -> float:
    """Seconds from spawning a fresh process to its first frame with the hub's data."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, repr(started), app, url, str(config), str(folder)],
        capture_output=True, text=True, timeout=120, env=env, cwd=ROOT, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Start a hub, then cold-start each app several times; print the numbers as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold starts per app")
    parser.add_argument("--config", type=Path, default=ROOT / "config" / "example-mpp.toml")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        hub = HubProcess(args.config, Path(folder) / "hub.db")
        try:
            result = {}
            for app in ("kiosk", "counter", "hall"):
                times = [measure(app, hub.url, args.config, Path(folder)) for _ in range(args.runs)]
                result[app] = {"runs": args.runs, "median_s": round(statistics.median(times), 3),
                               "max_s": round(max(times), 3), "budget_s": BUDGET_S,
                               "within_budget": max(times) <= BUDGET_S}
        finally:
            hub.stop()
    print(json.dumps({"benchmark": "bench_startup", "first_usable_frame": result}, indent=2))


if __name__ == "__main__":
    main()
