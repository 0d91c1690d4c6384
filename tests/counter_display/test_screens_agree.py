"""Screens that agree with each other: the hub's time everywhere, the real time at the
counter on the dashboard, and only the latest few calls highlighted in the hall.

The screens are fed hub messages through a stand-in bridge (a QObject with the same
signals and a view), so each test can say exactly what the hub told the screen and
when the screen handled it — including late, as a busy GUI thread does.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from counter_display.common.hub_clock import HubClock, newest_time
from counter_display.hall import model as hall_model
from counter_display.hall.display import HallDisplay
from counter_display.supervisor.controller import SupervisorController
from counter_display.supervisor.window import SupervisorWindow
from hub.client.view import ClientView
from hub.config import MallConfig, load_config
from hub.hub_messages import EventMessage, parse_hub_message
from tests.client_views import counter as counter_view
from tests.client_views import view as make_view
from tests.kiosk.screenshot_check import assert_drawn, below

pytestmark = pytest.mark.gui

JAKARTA = ZoneInfo("Asia/Jakarta")
EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "example-mpp.toml"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
DAY = dt.date(2026, 11, 23)


def hub_time(hour: int, minute: int, second: int = 0) -> dt.datetime:
    """A time on the hub's business day."""
    return dt.datetime.combine(DAY, dt.time(hour, minute, second), tzinfo=JAKARTA)


class _State:
    status, detail = "online", ""


class _Client:
    state = _State()


class FakeBridge(QObject):
    """What a screen uses of HubBridge: its signals and its merged view."""

    messageReceived = Signal(object)
    stateChanged = Signal(str, str)
    requestFinished = Signal(str, object, object)

    def __init__(self, view: ClientView) -> None:
        super().__init__()
        self.client = _Client()
        self.view = view

    def send(self, kind: Any, **_fields: Any) -> str:
        return str(kind)

    def deliver(self, message: EventMessage) -> None:
        """Merge, then tell the screens: what the client library does with each event."""
        self.view = self.view.merged(message)
        self.messageReceived.emit(message)


def event(kind: str, at: dt.datetime, counters: dict[str, Any] | None = None,
          **fields: Any) -> EventMessage:
    """A hub event message (with the counter views it changed)."""
    message: dict[str, Any] = {"type": "event", "seq": 1, "prev_seq": 0,
                               "event": {"type": kind, "at": at.isoformat(), **fields}}
    if counters is not None:
        message["counters"] = {k: counter_view(**v) for k, v in counters.items()}
    parsed: EventMessage = parse_hub_message(message)
    return parsed


@pytest.fixture(scope="module")
def example() -> MallConfig:
    return load_config(EXAMPLE)


# ---------------------------------------------------------------- the hub's clock


def test_a_late_sample_never_pulls_the_hub_clock_back() -> None:
    pc = [hub_time(14, 20)]
    real = [0.0]
    clock = HubClock(lambda: pc[0], monotonic=lambda: real[0])
    clock.observe(hub_time(10, 31))  # handled at once
    real[0] += 2
    pc[0] += dt.timedelta(seconds=2)
    clock.observe(hub_time(9, 24))  # an old message handled late, behind a busy screen
    assert clock.now() == hub_time(10, 31, 2)
    real[0] += 31  # the good sample is out of the window: the late one is all there is
    pc[0] += dt.timedelta(seconds=31)
    clock.observe(hub_time(10, 31, 33))
    assert clock.now() == hub_time(10, 31, 33)


def test_the_hub_clock_is_never_earlier_than_what_the_screen_shows() -> None:
    clock = HubClock(lambda: hub_time(9, 24))
    view = make_view(
        recent_calls=[{"label": "A-019", "counter_id": "loket-01",
                       "called_at": hub_time(10, 31).isoformat()}],
        counters={"loket-01": {"since": hub_time(8, 0).isoformat(),
                               "ticket": {"called_at": hub_time(10, 20).isoformat()}}})
    assert newest_time(view) == hub_time(10, 31)
    assert clock.now(floor=newest_time(view)) == hub_time(10, 31)
    assert newest_time(ClientView()) is None
    assert clock.now(floor=None) == hub_time(9, 24)


def test_the_hub_clock_learns_from_hub_time_and_from_events() -> None:
    clock = HubClock(lambda: hub_time(14, 20))
    clock.observe_message(parse_hub_message({
        "type": "services_update", "hub_time": hub_time(9, 0).isoformat(), "services": {}}))
    assert clock.now() == hub_time(9, 0)
    clock.observe_message(event("counter_opened", hub_time(9, 5), counter_id="loket-01"))
    assert clock.now() == hub_time(9, 5)
    clock.observe_message(parse_hub_message({"type": "event", "seq": 2, "prev_seq": 1,
                                             "event": {"at": "not a time"}}))
    clock.observe_message(parse_hub_message({"type": "event", "seq": 3, "prev_seq": 2,
                                             "event": {"type": "no time at all"}}))
    clock.observe_message("not a message")
    assert clock.now() == hub_time(9, 5)


def test_the_hub_clock_window_is_real_time_not_the_demo_clocks() -> None:
    """An accelerated demo clock (480×) must not shrink the 30 s window to 60 ms."""
    real = [0.0]
    start = hub_time(10, 0)
    clock = HubClock(lambda: start + dt.timedelta(seconds=real[0] * 480),
                     monotonic=lambda: real[0])
    clock.observe(hub_time(10, 0))
    real[0] = 1.0  # 8 hub minutes later an old message is handled
    clock.observe(hub_time(10, 1))
    assert clock.offset == dt.timedelta(0)


# ---------------------------------------------------------------- the dashboard


def _busy_view(example: MallConfig) -> ClientView:
    """Loket 1 serves A-019 since 10.20; the latest call in the mall was at 10.31."""
    counters: dict[str, Any] = {c.id: {"status": "open", "staff": "Petugas", "since":
                                       hub_time(8, 0).isoformat(), "served_today": 3}
                                for c in example.counters}
    counters["loket-01"] = {
        "status": "serving", "staff": "Rina", "since": hub_time(8, 0).isoformat(),
        "served_today": 12, "ticket": {
            "ticket_id": f"{DAY}/A-019", "label": "A-019", "service_id": "ktp-el",
            "issued_at": hub_time(10, 2).isoformat(), "called_at": hub_time(10, 20).isoformat()}}
    counters["loket-12"] = {
        "status": "serving", "staff": "Agus", "since": hub_time(8, 1).isoformat(),
        "served_today": 20, "ticket": {
            "ticket_id": f"{DAY}/PKB-023", "label": "PKB-023", "service_id": "pkb",
            "issued_at": hub_time(10, 25).isoformat(),
            "called_at": hub_time(10, 31).isoformat()}}
    return make_view(business_day=str(DAY), counters=counters, services={}, devices={},
                     recent_calls=[
                         {"label": "PKB-023", "counter_id": "loket-12",
                          "called_at": hub_time(10, 31).isoformat()},
                         {"label": "A-019", "counter_id": "loket-01",
                          "called_at": hub_time(10, 20).isoformat()}])


def test_the_dashboard_shows_the_real_time_at_the_counter(qtbot: Any,
                                                           example: MallConfig) -> None:
    """It showed "A-019 · 0′" for every counter: its clock was an old event's time
    (handled late) while the calls on the same screen were newer."""
    pc = [hub_time(14, 20)]  # a PC clock that is not the hub's
    bridge = FakeBridge(_busy_view(example))
    controller = SupervisorController(bridge, example, lambda: pc[0])  # type: ignore[arg-type]
    window = SupervisorWindow(controller)
    qtbot.addWidget(window)
    bridge.deliver(event("counter_opened", hub_time(9, 24), counter_id="loket-27"))
    window.refresh()
    window.tick()
    serving = window.live.counters.text("loket-01", 5)
    assert serving == "A-019 · 11 mnt"  # at least until the newest call on the screen
    assert window.clock.text().startswith("10.31")
    pc[0] += dt.timedelta(seconds=1)
    bridge.deliver(event("ticket_issued", hub_time(10, 40, 1), ticket_id="x"))
    window.refresh()
    window.tick()
    assert window.live.counters.text("loket-01", 5) == "A-019 · 20 mnt"
    assert window.live.counters.text("loket-12", 5) == "PKB-023 · 9 mnt"
    assert window.clock.text().startswith("10.40")
    window.resize(1920, 1080)
    window.show()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image = window.grab().toImage()
    assert image.save(str(ARTIFACTS / "supervisor-time-at-counter.png"))
    assert_drawn(image, below(window, window.findChild(QWidget, "header")), "supervisor")


# ---------------------------------------------------------------- the hall display


def _hall(qtbot: Any, example: MallConfig, view: ClientView) -> tuple[HallDisplay,
                                                                       FakeBridge]:
    bridge = FakeBridge(view)
    display = HallDisplay(example, example.device("display-lobi"), bridge,  # type: ignore[arg-type]
                          clock=lambda: hub_time(14, 20), highlight_seconds=600)
    qtbot.addWidget(display)
    bridge.messageReceived.connect(display.on_message)
    return display, bridge


def _call(bridge: FakeBridge, counter_id: str, label: str, at: dt.datetime,
          serving: bool = True) -> None:
    """The hub calls `label` to `counter_id` (the view first, then the event, as the
    client library does)."""
    desk = {"status": "serving" if serving else "open",
            "ticket": {"label": label, "called_at": at.isoformat()} if serving else None}
    bridge.deliver(event("ticket_called", at, counters={counter_id: desk},
                         ticket_id=f"{DAY}/{label}", counter_id=counter_id))


def test_the_hall_highlights_only_the_latest_few_calls(qtbot: Any,
                                                       example: MallConfig) -> None:
    """A burst of 17 calls lit 17 tiles at once; now only the latest three."""
    view = make_view(counters={c.id: {"status": "open"} for c in example.counters},
                     recent_calls=[])
    display, bridge = _hall(qtbot, example, view)
    counters = [c.id for c in example.counters][:17]
    for index, counter_id in enumerate(counters):
        _call(bridge, counter_id, f"A-{index + 1:03d}", hub_time(10, 10, index))
    assert display.highlighted == set(counters[-3:])
    assert display.board.content.highlighted == set(counters[-3:])
    assert display.header.now is not None
    display.tick()
    assert display.header.now.strftime("%H.%M") == "10.10"  # the hub's, not the TV's 14.20


def test_the_hall_never_highlights_a_tile_without_a_number(qtbot: Any,
                                                           example: MallConfig) -> None:
    """Two tiles said "—" and were lit: their visitor was served within the highlight."""
    view = make_view(counters={c.id: {"status": "open"} for c in example.counters},
                     recent_calls=[])
    display, bridge = _hall(qtbot, example, view)
    _call(bridge, "loket-01", "A-001", hub_time(10, 0))
    _call(bridge, "loket-02", "A-002", hub_time(10, 1))
    assert display.highlighted == {"loket-01", "loket-02"}
    bridge.deliver(event("ticket_finished", hub_time(10, 2),  # finished
                         counters={"loket-01": {"status": "open", "ticket": None}},
                         ticket_id=f"{DAY}/A-001", counter_id="loket-01"))
    assert display.tile("loket-01").text == "—"
    assert display.highlighted == {"loket-02"}
    bridge.deliver(event("ticket_called", hub_time(10, 3),  # not shown here
                         counters={"loket-02": {"status": "serving",
                                                "ticket": {"label": "B-007"}}},
                         ticket_id=f"{DAY}/B-007", counter_id="elsewhere"))
    assert display.highlighted == set()  # loket 2 now shows another number than the call
    for tile in display.tiles:
        assert not (tile.counter_id in display.board.content.highlighted and not tile.serving)


def test_remember_call_keeps_the_latest_per_counter() -> None:
    calls: list[tuple[hall_model.LiveCall, float]] = []
    for label, counter_id in (("A-1", "c1"), ("A-2", "c2"), ("A-3", "c1"), ("A-4", "c3"),
                              ("A-5", "c4")):
        calls = hall_model.remember_call(calls, hall_model.LiveCall(label, counter_id, False),
                                         100.0)
    assert [(c.label, c.counter_id) for c, _until in calls] == [
        ("A-5", "c4"), ("A-4", "c3"), ("A-3", "c1")]
    tiles = [hall_model.Tile("c4", "Loket 4", "X", "serving", "A-5"),
             hall_model.Tile("c3", "Loket 3", "X", "open", "—"),
             hall_model.Tile("c1", "Loket 1", "X", "serving", "A-3")]
    assert hall_model.highlighted_counters(calls, tiles, now=50.0) == {"c4", "c1"}
    assert hall_model.highlighted_counters(calls, tiles, now=100.0) == set()  # ran out


# ---------------------------------------------------------------- the counter terminal


@pytest.mark.integration
def test_the_counter_terminal_measures_time_at_the_counter_on_the_hubs_clock(
        qtbot: Any, connect: Any, mall: MallConfig, clock: Any, issue: Any) -> None:
    """The terminal said "dilayani 151 menit" for a visitor called minutes ago: its PC's
    clock (here 14.20) against the hub's call time (09.00)."""
    from counter_display.counter.controller import CounterController
    from counter_display.counter.window import CounterWindow
    from tests.counter_display.screens import WAIT_MS, open_counter

    pc_time = clock.now.replace(hour=14, minute=20)
    controller = CounterController(connect("counter-c1"), mall, "c1")
    window = CounterWindow(controller, clock=lambda: pc_time)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: controller.online and controller.situation.status is not None,
                    timeout=WAIT_MS)
    issue("ktp")
    open_counter(qtbot, window)
    controller.call_next()
    qtbot.waitUntil(lambda: controller.situation.status == "serving", timeout=WAIT_MS)
    window.render()
    assert "dilayani < 1 menit" in window.ticket_panel.times.text()
