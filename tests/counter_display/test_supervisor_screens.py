"""Screenshots of the supervisor dashboard on a busy morning (example MPP) into tests/artifacts/.

For people to look at; the test also checks the obvious (a paper-out kiosk in red,
figures that add up, the IKM of the morning's surveys).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import tomllib
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect

from counter_display.supervisor.controller import SupervisorController
from counter_display.supervisor.ikm import HubReports
from counter_display.supervisor.window import SupervisorWindow
from hub import protocol as p
from hub.client.qt_bridge import HubBridge
from hub.config import MallConfig, parse_config
from hub.core import CommandRefused
from tests.counter_display.screens import ARTIFACTS, WAIT_MS
from tests.factories import at
from tests.hub.harness import FakeClock, HubThread
from tests.kiosk.screenshot_check import assert_drawn

pytestmark = [pytest.mark.gui, pytest.mark.integration]

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "example-mpp.toml"
BUSY_COUNTERS = 14
STAFF = ("Rina Marlina", "Agus Setiawan", "Dewi Lestari", "Budi Santoso", "Siti Rahmawati",
         "Hendra Wijaya", "Yuli Astuti")


def example_mall() -> MallConfig:
    """The example MPP (Cilegon) as shipped."""
    return parse_config(tomllib.loads(EXAMPLE.read_text(encoding="utf-8")))


def busy_morning(hub: HubThread, mall: MallConfig, clock: FakeClock) -> None:
    """About 60 tickets from 08.00 to 10.30; counters serving, some paused, one closed."""
    rng = random.Random(23)  # a fixed seed: the same morning every run

    def run(command: Any) -> Any:
        with contextlib.suppress(CommandRefused):  # closed on Mondays, nobody waiting: fine
            return hub.run(lambda server: server.execute(command))
        return None

    counters = [c for c in mall.counters[:BUSY_COUNTERS + 2]
                if c.tenant != "kpp-pratama"][:BUSY_COUNTERS]  # KPP opens Tue/Thu only
    popular = [c.services[0] for c in counters]
    for counter, staff in zip(counters, STAFF * 3, strict=False):
        run(lambda e, at, c=counter.id, s=staff: e.open_counter(c, at, s))
    for _ in range(62):
        clock.now += dt.timedelta(minutes=rng.choice((1, 2, 2, 3)))
        service = rng.choice(popular[:5]) if rng.random() < 0.6 else rng.choice(popular)
        run(lambda e, at, s=service: e.issue_ticket(s, at))
        if rng.random() < 0.55:
            counter = rng.choice(counters)
            run(lambda e, at, c=counter.id: e.finish(c, at))
            run(lambda e, at, c=counter.id: e.call_next(c, at))
    for counter in counters:
        run(lambda e, at, c=counter.id: e.call_next(c, at))
    run(lambda e, at: e.finish(counters[4].id, at))
    run(lambda e, at: e.pause_counter(counters[4].id, "sholat", at))
    run(lambda e, at: e.finish(counters[7].id, at))
    run(lambda e, at: e.pause_counter(counters[7].id, "istirahat", at))
    run(lambda e, at: e.finish(counters[10].id, at))
    run(lambda e, at: e.close_counter(counters[10].id, at))
    if "akta-kelahiran" in {s.id for s in mall.services}:
        run(lambda e, at: e.set_service_closed("akta-kelahiran", True, at,
                                               "Jaringan SIAK terputus"))
    run(lambda e, at: e.set_counter_services(counters[2].id, [popular[2], popular[0]], at))
    run(lambda e, at: e.set_running_text("Layanan akta kelahiran ditutup hari ini.",
                                         "Birth certificates are not issued today.", at))
    done = hub.call(lambda s: [(t.ticket_id, t.counter_id)
                               for t in s.core.engine.tickets.values()
                               if t.status.value == "done"])
    for ticket_id, counter_id in done[:8]:
        answers = [rng.choice((3, 3, 4, 4, 2)) for _ in range(9)]
        run(lambda e, at, t=ticket_id, c=counter_id, a=answers: e.submit_survey(t, a, at, c))


def shot(widget: Any, name: str) -> None:
    """Save a screenshot; fail if it is nearly blank below its top 12 % (the header)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image = widget.grab().toImage()
    assert image.save(str(ARTIFACTS / name))
    top = int(image.height() * 0.12)
    assert_drawn(image, QRect(0, top, image.width(), image.height() - top), name)


def test_screenshot_of_the_dashboard_on_a_busy_morning(qtbot: Any, tmp_path: Path) -> None:
    mall = example_mall()
    clock = FakeClock(at(8))
    bridges: list[HubBridge] = []

    def bridge(device_id: str) -> HubBridge:
        made = HubBridge(hub.url, device_id, mall.device(device_id).token)
        bridges.append(made)
        with qtbot.waitSignal(made.stateChanged, timeout=WAIT_MS,
                              check_params_cb=lambda status, _d: status == "online"):
            made.start()
        return made

    with HubThread(mall, tmp_path / "hub.db", clock) as hub:
        try:
            busy_morning(hub, mall, clock)
            kiosk = bridge("kiosk-1")
            terminals = [f"counter-{c.id}" for c in mall.counters[:12]]
            for device_id in ("kiosk-2", "display-lantai-1", "display-lobi", "survey-loket-01",
                              *terminals):
                bridge(device_id)
            controller = SupervisorController(bridge("supervisor"), mall, clock)
            reports = HubReports(hub.url, mall.device("supervisor").token)
            window = SupervisorWindow(controller, reports)
            qtbot.addWidget(window)
            window.resize(1920, 1080)
            window.show()
            with qtbot.waitSignal(kiosk.requestFinished, timeout=WAIT_MS):
                kiosk.send(p.ReportDeviceStatus, ok=False, code="paper_out",
                           detail="Kertas printer habis. Silakan hubungi petugas.")
            qtbot.waitUntil(lambda: window.live.devices.text("kiosk-1", 1) == "Kertas habis",
                            timeout=WAIT_MS)
            assert window.live.devices.cell_background("kiosk-1", 1) == "#dc2626"
            assert window.figures["faults"].value.text() == "2"  # and display-lantai-2 is off
            assert window.ikm is not None and window.ikm.respondents == 8
            window.live.services.select_key(mall.counters[0].services[0])
            window.refresh()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot(window, "supervisor-1920x1080.png")
            window.live.urgent_first.setChecked(True)
            shot(window, "supervisor-urgent-first.png")
            assert window.live.counters.select_key(mall.counters[3].id)
            dialog = window.live.open_counter_services_dialog()
            assert dialog is not None
            shot(dialog, "supervisor-counter-services.png")
            dialog.reject()
            closing = window.live.open_close_service_dialog()
            assert closing is not None
            closing.edit.setText("Jaringan SIAK terputus")
            shot(closing, "supervisor-close-service.png")
            closing.reject()
            with qtbot.waitSignal(window.reports.reportReady, timeout=WAIT_MS) as ready:
                window.tabs.setCurrentWidget(window.reports)  # today's report, at first sight
            assert not isinstance(ready.args[0], Exception), ready.args[0]
            assert window.reports.figures["visitors"].text() == "62"
            shot(window, "supervisor-reports.png")
        finally:
            for made in bridges:
                made.stop()
    assert (ARTIFACTS / "supervisor-1920x1080.png").stat().st_size > 50_000
