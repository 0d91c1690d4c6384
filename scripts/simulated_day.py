"""A simulated business day with everything it leaves behind (used by scripts/demo.py).

Runs the day's actors against a hub process in a worker thread while the Qt screens
(kiosk, counter terminal, hall display, dashboard) follow the same hub offscreen and
are photographed mid-day; then prints tickets, writes the day's report and a summary
checked against the simulation's own count.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hub.config import MallConfig, load_config
from hub.simulation.day import SimClock, SimulatedDay, Truth
from hub.simulation.model import plan_day
from hub.simulation.runner import HubProcess, next_business_day

log = logging.getLogger("demo.simulation")

SCREEN_SIZE = (1920, 1080)


def run_simulation(config_path: Path, out: Path, visitors: int, speed: float, seed: int) -> int:
    """Simulate a day into `out`; exit status 0 when the report agrees with the simulation."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Offscreen windows cannot honour size hints; Qt says so once per window. Not news.
    os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
    config = load_config(config_path)
    zone = ZoneInfo(config.mpp.timezone)
    day = next_business_day(config, dt.datetime.now(zone).date())
    start = dt.datetime.combine(day, dt.time(7, 55), tzinfo=zone)
    arrivals = plan_day(config, day, visitors, seed)
    hub = HubProcess(config_path, out / "hub.db", start, speed)
    log.info("simulating %s with %d visitors at %.0fx real time; hub %s", day, len(arrivals),
             speed, hub.url)
    try:
        hub_now = dt.datetime.fromisoformat(hub.health()["hub_time"])
        simulation = SimulatedDay(config, hub.url, arrivals, SimClock(hub_now, speed), seed)
        truth = _run_with_screens(config, config_path, hub.url, simulation, out / "screens",
                                  out / "hub.db")
    finally:
        hub.stop()
    tickets = print_some_tickets(config, out / "hub.db", out / "tickets", count=4)
    reports = write_reports(config_path, out / "hub.db", day, out)
    summary = summarize(config, out / "hub.db", truth, day)
    summary.update(tickets=[str(p) for p in tickets], reports=[str(p) for p in reports])
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    print_summary(summary, out)
    return 0 if summary["consistent"] else 1


def _run_with_screens(config: MallConfig, config_path: Path, url: str,
                      simulation: SimulatedDay, folder: Path, db_path: Path) -> Truth:
    """Run the day in a thread; Qt screens follow it and are grabbed when half the day is done."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    result: dict[str, Any] = {}
    mid_day = threading.Event()

    def work() -> None:
        async def day() -> Truth:
            task = asyncio.create_task(simulation.run())
            await simulation.mid_day.wait()
            mid_day.set()
            return await task

        try:
            result["truth"] = asyncio.run(day())
        except Exception as error:
            log.exception("the simulated day failed")
            result["error"] = error
        finally:
            mid_day.set()

    screens = open_screens(config, config_path, url, db_path)
    worker = threading.Thread(target=work, name="simulated-day")
    worker.start()
    state = {"shot": False}

    def poll() -> None:
        if mid_day.is_set() and not state["shot"]:
            state["shot"] = True
            log.info("half the day's visitors have arrived: photographing the screens")
            grab_screens(screens, folder)
        if not worker.is_alive():
            app.quit()

    timer = QTimer(interval=200)
    timer.timeout.connect(poll)
    timer.start()
    app.exec()
    timer.stop()
    worker.join()
    if not state["shot"]:
        grab_screens(screens, folder)
    close_screens(screens)
    if "error" in result:
        raise RuntimeError("the simulated day failed") from result["error"]
    return result["truth"]  # type: ignore[no-any-return]


def open_screens(config: MallConfig, config_path: Path, url: str,
                 db_path: Path | None = None) -> dict[str, Any]:
    """The four screens a person would look at, each with its own hub connection."""
    from counter_display.counter.controller import CounterController
    from counter_display.counter.window import CounterWindow
    from counter_display.hall.display import HallDisplay
    from hub.client.qt_bridge import HubBridge
    from kiosk.flow import KioskFlow
    from kiosk.printing import PrintService
    from kiosk.tickets import printer_target
    from kiosk.window import KioskWindow
    from ticket_printer import open_printer

    def bridge(device_id: str) -> HubBridge:
        device = config.device(device_id)
        link = HubBridge(url, device.id, device.token)
        link.start()
        return link

    screens: dict[str, Any] = {"bridges": []}
    kiosk_device = config.device("kiosk-1")
    assert kiosk_device.printer is not None
    kiosk_bridge = bridge("kiosk-1")
    printing = PrintService(open_printer(printer_target(kiosk_device.printer, Path.cwd())))
    flow = KioskFlow(config, kiosk_bridge, printing, kiosk_device.printer, Path.cwd())
    kiosk = KioskWindow(config, kiosk_bridge, flow, height=SCREEN_SIZE[1])
    counter_bridge = bridge("counter-loket-01")
    counter = CounterWindow(CounterController(counter_bridge, config, "loket-01"))
    hall_bridge = bridge("display-lobi")
    hall = HallDisplay(config, config.device("display-lobi"), hall_bridge,
                       config_path.resolve().parent)
    screens.update(kiosk=kiosk, counter=counter, hall=hall, printing=printing)
    screens["bridges"] += [kiosk_bridge, counter_bridge, hall_bridge]
    try:
        from counter_display.supervisor.window import open_dashboard

        supervisor_bridge = bridge("supervisor")
        screens["dashboard"] = open_dashboard(config, supervisor_bridge, db_path=db_path)
        screens["bridges"].append(supervisor_bridge)
    except ImportError:
        log.warning("no supervisor dashboard in this version: not photographed")
    for name in ("kiosk", "counter", "hall", "dashboard"):
        if name in screens:
            screens[name].resize(*SCREEN_SIZE)
            screens[name].show()
    kiosk.open_tenants()
    return screens


def grab_screens(screens: dict[str, Any], folder: Path) -> None:
    """Save what each screen shows now."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("kiosk", "counter", "hall", "dashboard"):
        if name in screens:
            path = folder / f"{name}.png"
            screens[name].grab().save(str(path))
            log.info("screenshot %s", path)


def close_screens(screens: dict[str, Any]) -> None:
    """Disconnect every screen from the hub."""
    for link in screens["bridges"]:
        link.stop()
    screens["printing"].shutdown()
    for name in ("kiosk", "counter", "hall", "dashboard"):
        if name in screens:
            screens[name].close()


def print_some_tickets(config: MallConfig, db: Path, folder: Path, count: int) -> list[Path]:
    """Print the day's first tickets of a few services on the virtual printer (PNG)."""
    from kiosk.tickets import ticket_data
    from ticket_printer import PrinterTarget, open_printer

    printer = open_printer(PrinterTarget(backend="virtual", folder=str(folder)))
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = connection.execute(
        "SELECT payload FROM events WHERE type = 'ticket_issued' ORDER BY seq").fetchall()
    connection.close()
    printed: list[Path] = []
    seen: set[str] = set()
    for (payload,) in rows:
        issued = json.loads(payload)
        if issued["service_id"] in seen:
            continue
        seen.add(issued["service_id"])
        language = "en" if len(printed) % 2 else "id"
        result = printer.print_ticket(ticket_data(config, issued, language, Path.cwd()))
        if result.preview_path is not None:
            printed.append(result.preview_path)
        if len(printed) >= count:
            break
    return printed


def write_reports(config_path: Path, db: Path, day: dt.date, out: Path) -> list[Path]:
    """The day's report as XLSX and PDF, made by the hub's own report command."""
    written = []
    for fmt in ("xlsx", "pdf"):
        target = out / f"laporan-{day}.{fmt}"
        command = [sys.executable, "-m", "hub", "report", "--db", str(db), "--config",
                   str(config_path), "--period", day.isoformat(), "--format", fmt,
                   "--out", str(target)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        if done.returncode == 0:
            written.append(target)
        else:
            log.error("report %s failed: %s", fmt, done.stderr.strip()[-2000:])
    return written


def summarize(config: MallConfig, db: Path, truth: Truth, day: dt.date) -> dict[str, Any]:
    """The day's report in numbers (hub.reports over the log) next to the simulation's count."""
    from hub.eventlog import open_readonly
    from hub.reports.period import parse_period
    from hub.reports.report import build_report
    from hub.reports.skm import grade_for, ikm_value

    connection = open_readonly(db)
    try:
        report = build_report(connection, config, parse_period(day.isoformat()),
                              with_answers=False)
    finally:
        connection.close()
    totals, wait = report.totals, report.times_total.wait
    reported = {
        "visitors": totals.visitors,
        "served": totals.served,
        "no_show": totals.no_show,
        "not_served": totals.not_served,
        "transferred": totals.transferred,
        "surveys": report.skm_total.respondents,
        "profiles_filled": sum(count for _, answer, count in report.skm_profile
                               if answer != "tidak diisi"),
        "mean_wait_minutes": round(wait.mean_minutes or 0.0, 2),
        "ikm": str(report.skm_total.ikm) if report.skm_total.ikm is not None else None,
    }
    own_ikm = None
    if truth.surveys:
        sums = [sum(answers[i] for answers in truth.surveys) for i in range(9)]
        own_ikm = str(ikm_value(sums, len(truth.surveys), "exact"))
    simulated = {
        "visitors": truth.issued - truth.cancelled,
        "served": truth.served,
        "no_show": truth.no_show,
        "not_served": truth.not_served,
        "transferred": truth.transferred,
        "surveys": len(truth.surveys),
        "profiles_filled": sum(value is not None for profile in truth.profiles
                               for value in profile.values()),
        "mean_wait_minutes": round(truth.mean_wait_minutes, 2),
        "ikm": own_ikm,
    }
    consistent = all(
        abs(reported[k] - simulated[k]) <= 0.01 if k == "mean_wait_minutes"  # type: ignore[operator]
        else reported[k] == simulated[k]
        for k in reported) and totals.in_progress == 0  # a finished day: nothing in progress
    grade = None
    if report.skm_total.ikm is not None:
        found = grade_for(report.skm_total.ikm)
        grade = f"{found.letter} ({found.quality})"
    return {"business_day": day.isoformat(), "report": reported, "simulation": simulated,
            "in_progress_on_report": totals.in_progress,
            "ikm_grade": grade, "refused": dict(truth.refused), "chain_head": report.meta.head.hash,
            "consistent": consistent}


def print_summary(summary: dict[str, Any], out: Path) -> None:
    """Print the summary as a small table (the demo's final words)."""
    names = {"visitors": "Pengunjung / visitors", "served": "Dilayani / served",
             "no_show": "Tidak hadir / no-show",
             "not_served": "Tidak terlayani / not served",
             "transferred": "Dialihkan / transferred",
             "surveys": "Survei SKM / surveys",
             "profiles_filled": "Profil responden diisi / profile answers",
             "mean_wait_minutes": "Rata-rata tunggu (menit) / mean wait (min)"}
    lines = [f"Hari layanan simulasi {summary['business_day']}", ""]
    names["ikm"] = "IKM (1/9)"
    lines.append(f"{'':44}{'laporan':>10}{'simulasi':>10}")
    for key, name in names.items():
        lines.append(f"{name:44}{summary['report'][key]!s:>10}{summary['simulation'][key]!s:>10}")
    if summary.get("ikm_grade"):
        lines.append(f"{'Mutu pelayanan / grade':44}{summary['ikm_grade']:>20}")
    lines += ["", "Cocok / consistent: " + ("ya / yes" if summary["consistent"] else "TIDAK / NO"),
              f"Semua hasil / everything: {out}"]
    print("\n".join(lines))
