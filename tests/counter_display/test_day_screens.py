"""The simulated day's photographs: every screen drawn, every clock the hub's.

`scripts/simulated_day.py` opens the four screens against the hub and photographs
them mid-day. Here the same functions run against a test hub on a busy morning, and
each photograph must show real content below its header (its kiosk page was once
blank) and the hub's time (they once said 09.24, 09.25 and 09:48 next to calls at 10.31).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PySide6.QtCore import QRect

from tests.counter_display.test_supervisor_screens import EXAMPLE, busy_morning, example_mall
from tests.factories import at
from tests.hub.harness import FakeClock, HubThread
from tests.kiosk.screenshot_check import assert_drawn

pytestmark = [pytest.mark.gui, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
HEADER_SHARE = 0.12
"""The tallest header of the four screens (the hall's is 11.5 % of its height)."""


def simulated_day() -> ModuleType:
    """scripts/simulated_day.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("simulated_day",
                                                  ROOT / "scripts" / "simulated_day.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_days_photographs_are_drawn_and_show_the_hubs_time(
        qtbot: Any, tmp_path: Path) -> None:
    day = simulated_day()
    mall = example_mall()
    clock = FakeClock(at(8))
    folder = tmp_path / "screens"
    with HubThread(mall, tmp_path / "hub.db", clock) as hub:
        busy_morning(hub, mall, clock)
        screens = day.open_screens(mall, EXAMPLE, hub.url, tmp_path / "hub.db", clock=clock)
        try:
            bridges = screens["bridges"]
            qtbot.waitUntil(lambda: all(b.client.state.status == "online"
                                        and b.view.received for b in bridges),
                            timeout=10_000)
            qtbot.waitUntil(lambda: bool(screens["hall"].recent), timeout=10_000)
            record = day.grab_screens(screens, folder, clock, clock.now)
        finally:
            day.close_screens(screens)
    hub_face = clock.now.strftime("%H.%M")
    assert record["late_minutes"] == 0
    assert {name: shot["shown"] for name, shot in record["screens"].items()} == {
        "kiosk": hub_face, "counter": None, "hall": hub_face, "dashboard": hub_face}
    assert {shot["hub_time"] for shot in record["screens"].values()} == {clock.now.isoformat()}
    assert json.loads((folder / "screens.json").read_text()) == record
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name in day.SCREENS:
        (ARTIFACTS / f"day-{name}.png").write_bytes((folder / f"{name}.png").read_bytes())
        width, height = day.SCREEN_SIZE
        top = int(height * HEADER_SHARE)
        assert_drawn(folder / f"{name}.png", QRect(0, top, width, height - top), name)


def test_mid_day_is_when_half_the_visitors_have_arrived() -> None:
    day = simulated_day()

    class Plan:
        arrivals = [type("Arrival", (), {"at": at(8, minute)})() for minute in range(0, 50, 5)]

    assert day.mid_day_moment(Plan()) == at(8, 25)
    Plan.arrivals = []
    assert day.mid_day_moment(Plan()) is None
