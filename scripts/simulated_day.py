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
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hub.config import MallConfig, load_config
from hub.simulation.day import SimClock, SimulatedDay, Truth
from hub.simulation.model import plan_day
from hub.simulation.runner import HubProcess, next_business_day

log = logging.getLogger("demo.simulation")

SCREEN_SIZE = (1920, 1080)
SCREENS = ("kiosk", "counter", "hall", "dashboard")
POLL_MS = 100
"""How often the Qt thread looks at the hub's clock for mid-day (at 480× that is 48 hub s)."""
LATE_WARNING_MIN = 5.0


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
    """Run the day in a thread; Qt screens follow it and are photographed mid-day.

    Mid-day is a moment of the hub's clock (when half the day's visitors have arrived,
    by the plan), watched in the Qt thread itself: waiting for the day's thread to say
    so, through a busy Qt event queue, took the photographs after closing at --speed 480.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    result: dict[str, Any] = {}
    hub_now = simulation.clock.now
    planned = mid_day_moment(simulation)

    def work() -> None:
        try:
            result["truth"] = asyncio.run(simulation.run())
        except Exception as error:
            log.exception("the simulated day failed")
            result["error"] = error

    screens = open_screens(config, config_path, url, db_path, clock=hub_now)
    worker = threading.Thread(target=work, name="simulated-day")
    worker.start()
    state = {"shot": False}

    def poll() -> None:
        if not state["shot"] and (planned is None or hub_now() >= planned):
            state["shot"] = True
            log.info("mid-day (%s): photographing the screens",
                     planned.strftime("%H.%M") if planned else "no visitors")
            grab_screens(screens, folder, hub_now, planned)
        if not worker.is_alive():
            app.quit()

    timer = QTimer(interval=POLL_MS)
    timer.timeout.connect(poll)
    timer.start()
    app.exec()
    timer.stop()
    worker.join()
    if not state["shot"]:
        grab_screens(screens, folder, hub_now, planned)
    close_screens(screens)
    if "error" in result:
        raise RuntimeError("the simulated day failed") from result["error"]
    return result["truth"]  # type: ignore[no-any-return]


def mid_day_moment(simulation: SimulatedDay) -> dt.datetime | None:
    """The hub time of the mid-day photographs: when half the day's visitors have arrived."""
    arrivals = simulation.arrivals
    return arrivals[len(arrivals) // 2].at if arrivals else None


def open_screens(config: MallConfig, config_path: Path, url: str,
                 db_path: Path | None = None,
                 clock: Callable[[], dt.datetime] | None = None) -> dict[str, Any]:
    """The four screens a person would look at, each with its own hub connection.

    `clock` is the hub's clock when it is known (the simulated day's accelerated one):
    every screen then shows the hub's time and measures waits against it.
    """
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

    clocks: dict[str, Any] = {"clock": clock} if clock is not None else {}
    screens: dict[str, Any] = {"bridges": []}
    kiosk_device = config.device("kiosk-1")
    assert kiosk_device.printer is not None
    kiosk_bridge = bridge("kiosk-1")
    printing = PrintService(open_printer(printer_target(kiosk_device.printer, Path.cwd())))
    flow = KioskFlow(config, kiosk_bridge, printing, kiosk_device.printer, Path.cwd())
    kiosk = KioskWindow(config, kiosk_bridge, flow, height=SCREEN_SIZE[1],
                        **({"wall_clock": clock} if clock is not None else {}))
    counter_bridge = bridge("counter-loket-01")
    counter = CounterWindow(CounterController(counter_bridge, config, "loket-01"), **clocks)
    hall_bridge = bridge("display-lobi")
    hall = HallDisplay(config, config.device("display-lobi"), hall_bridge,
                       config_path.resolve().parent, **clocks)
    screens.update(kiosk=kiosk, counter=counter, hall=hall, printing=printing)
    screens["bridges"] += [kiosk_bridge, counter_bridge, hall_bridge]
    from counter_display.supervisor.ikm import HubReports
    from counter_display.supervisor.window import open_dashboard

    supervisor_bridge = bridge("supervisor")
    reports = HubReports(url, config.device("supervisor").token or "")  # IKM from the hub
    screens["dashboard"] = open_dashboard(config, supervisor_bridge, clock=clock,
                                          reports=reports)
    screens["bridges"].append(supervisor_bridge)
    for name in SCREENS:
        screens[name].resize(*SCREEN_SIZE)
        screens[name].show()
    kiosk.open_tenants()
    return screens


def grab_screens(screens: dict[str, Any], folder: Path,
                 hub_now: Callable[[], dt.datetime] | None = None,
                 planned: dt.datetime | None = None) -> dict[str, Any]:
    """Bring each screen up to the hub's view of this moment, save it, and write down when.

    Each screen is redrawn (its clock too) just before its own photograph: at --speed 480
    a second between the four would be eight minutes on their clocks. `screens.json`
    says the planned moment and, per screen, the hub's time of its photograph and the
    time it shows, so a reader can see they agree.
    """
    folder.mkdir(parents=True, exist_ok=True)
    update = {
        "kiosk": lambda: screens["kiosk"].render(),
        "counter": lambda: screens["counter"].render(),
        "hall": lambda: (screens["hall"].refresh(), screens["hall"].tick()),
        "dashboard": lambda: (screens["dashboard"].refresh(), screens["dashboard"].tick()),
    }
    shown = {
        "kiosk": lambda: screens["kiosk"].date.text().split()[-1].replace(":", "."),
        "counter": lambda: None,  # the terminal shows no clock, only minutes since the call
        "hall": lambda: (screens["hall"].header.now.strftime("%H.%M")
                         if screens["hall"].header.now else None),
        "dashboard": lambda: screens["dashboard"].clock.text()[:5],
    }
    record: dict[str, Any] = {"planned": planned.isoformat() if planned else None,
                              "screens": {}}
    for name in SCREENS:
        update[name]()
        taken = hub_now() if hub_now is not None else None
        path = folder / f"{name}.png"
        screens[name].grab().save(str(path))
        log.info("screenshot %s", path)
        record["screens"][name] = {"hub_time": taken.isoformat() if taken else None,
                                   "shown": shown[name]()}
        if name == SCREENS[0] and taken is not None and planned is not None:
            record["late_minutes"] = round((taken - planned).total_seconds() / 60, 1)
    if record.get("late_minutes", 0) > LATE_WARNING_MIN:
        log.warning("the screens were photographed %s hub minutes after mid-day",
                    record["late_minutes"])
    (folder / "screens.json").write_text(json.dumps(record, indent=2))
    return record


def close_screens(screens: dict[str, Any]) -> None:
    """Disconnect every screen from the hub."""
    for link in screens["bridges"]:
        link.stop()
    screens["printing"].shutdown()
    for name in SCREENS:
        if name in screens:
            screens[name].close()


def print_some_tickets(config: MallConfig, db: Path, folder: Path, count: int) -> list[Path]:
    """Print the day's first tickets of a few services on the virtual printer (PNG)."""
    from kiosk.tickets import KioskTicket, ticket_data
    from ticket_printer import PrinterTarget, open_printer

    printer = open_printer(PrinterTarget(backend="virtual", folder=str(folder)))
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = connection.execute(
        "SELECT payload FROM events WHERE type = 'ticket_issued' ORDER BY seq").fetchall()
    connection.close()
    printed: list[Path] = []
    seen: set[str] = set()
    for (payload,) in rows:
        issued = KioskTicket.model_validate_json(payload)
        if issued.service_id in seen:
            continue
        seen.add(issued.service_id)
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
        "complaints": sum(line.total for line in report.complaints),
        "journeys": report.journeys_total.journeys if report.journeys_total else 0,
        "incomplete_documents": sum(line.incomplete for line in report.finish_outcomes),
        "missing_requirements": sum(line.visits for line in report.missing_requirements),
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
        "complaints": truth.complaints,
        "journeys": truth.served,  # every visit served to its end is one finished journey
        "incomplete_documents": truth.incomplete,
        "missing_requirements": sum(truth.missing.values()),
    }
    consistent = all(
        abs(reported[k] - simulated[k]) <= 0.01 if k == "mean_wait_minutes"  # type: ignore[operator]
        else reported[k] == simulated[k]
        for k in reported) and totals.in_progress == 0  # a finished day: nothing in progress
    evidence = report.meta.evidence
    matches_events = evidence is not None and evidence.ok
    consistent = consistent and matches_events
    grade = None
    if report.skm_total.ikm is not None:
        found = grade_for(report.skm_total.ikm)
        grade = f"{found.letter} ({found.quality})"
    journeys = report.journeys_total
    extras = {
        "journey_counters_median": journeys.counters.median if journeys else None,
        "journey_counters_p90": journeys.counters.p90 if journeys else None,
        "journey_total_minutes_median": journeys.total_time.median_minutes if journeys else None,
        "journey_total_minutes_p90": journeys.total_time.p90_minutes if journeys else None,
        "staff_named": len(report.staff_by_name),
        "complaints_by_tenant": {line.tenant_id: line.total for line in report.complaints
                                 if line.total},
    }
    return {"business_day": day.isoformat(), "report": reported, "simulation": simulated,
            "report_only": extras,
            "in_progress_on_report": totals.in_progress,
            "matches_event_log": matches_events,
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
             "mean_wait_minutes": "Rata-rata tunggu (menit) / mean wait (min)",
             "complaints": "Pengaduan dan saran / complaints",
             "journeys": "Perjalanan selesai / finished journeys",
             "incomplete_documents": "Berkas tidak lengkap / incomplete documents",
             "missing_requirements": "Persyaratan kurang / missing requirements"}
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
