"""Offline banner, the truth after a hub restart, and calls queued for speech."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from counter_display.announce.fakes import FakeSink, FakeSynthesizer
from counter_display.announce.player import Announcer
from counter_display.counter.controller import CounterController
from counter_display.counter.window import CounterWindow
from counter_display.hall.announcing import CallAnnouncements
from counter_display.hall.display import HallDisplay
from hub.client.qt_bridge import HubBridge
from hub.config import MallConfig
from hub.core import HubCore
from tests.counter_display.conftest import DEVICE_TOKENS, Connect, Issue
from tests.counter_display.screens import WAIT_MS, enabled_buttons, open_counter, open_display
from tests.counter_display.screens import open_terminal as terminal
from tests.hub.harness import FakeClock, HubThread

pytestmark = [pytest.mark.gui, pytest.mark.integration]


def _run(core: HubCore, *commands: Any) -> None:
    for command in commands:
        core.execute(command)


def test_offline_banner_then_the_snapshot_truth_after_the_hub_restarts(
        qtbot: Any, mall: MallConfig, tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "hub.db"
    core = HubCore.open(mall, db, clock)
    _run(core,
         lambda e, at: e.issue_ticket("ktp", at),
         lambda e, at: e.issue_ticket("ktp", at),
         lambda e, at: e.open_counter("c1", at, "Rina"),
         lambda e, at: e.call_next("c1", at))
    core.close()

    bridges: list[HubBridge] = []
    hub = HubThread(mall, db, clock).__enter__()
    restarted: HubThread | None = None
    try:
        port = int(hub.url.rsplit(":", 1)[1])
        for device_id in ("display-z1", "counter-c1"):
            bridges.append(HubBridge(hub.url, device_id, DEVICE_TOKENS[device_id]))
        display = HallDisplay(mall, mall.device("display-z1"), bridges[0], clock=clock)
        window = CounterWindow(CounterController(bridges[1], mall, "c1"), clock=clock)
        for widget in (display, window):
            qtbot.addWidget(widget)
            widget.show()
        calls: list[Any] = []
        display.called.connect(calls.append)
        for bridge in bridges:
            bridge.start()
        qtbot.waitUntil(lambda: display.tile("c1").text == "A-001", timeout=WAIT_MS)
        qtbot.waitUntil(lambda: window.controller.online, timeout=WAIT_MS)
        assert window.banner.isHidden()
        assert enabled_buttons(window) == {"recall", "park", "transfer", "finish"}
        assert not display.highlighted  # a snapshot is not a call: nothing flashes

        hub.__exit__(None, None, None)
        qtbot.waitUntil(lambda: not window.controller.online and not display.online,
                        timeout=WAIT_MS)
        assert window.banner.isVisible()
        assert "Tidak terhubung ke server antrean" in window.banner.text()
        assert enabled_buttons(window) == set()
        assert not window.controller.finish()  # nothing is sent while offline
        assert display.tile("c1").text == "A-001"  # last known, with the offline mark
        assert not display.header.online

        # While the screens are cut off, the counter moves on (another terminal, say).
        clock.now += dt.timedelta(minutes=4)
        core = HubCore.open(mall, db, clock)
        _run(core, lambda e, at: e.finish("c1", at), lambda e, at: e.call_next("c1", at))
        core.close()
        restarted = HubThread(mall, db, clock, port=port).__enter__()

        qtbot.waitUntil(lambda: display.online and window.controller.online, timeout=20_000)
        qtbot.waitUntil(lambda: display.tile("c1").text == "A-002", timeout=WAIT_MS)
        qtbot.waitUntil(lambda: window.ticket_panel.number.text() == "A-002", timeout=WAIT_MS)
        assert window.banner.isHidden()
        assert window.controller.situation.served_today == 1
        assert [r.label for r in display.recent] == ["A-002", "A-001"]
        assert calls == [] and not display.highlighted  # truth shown, nothing announced
    finally:
        for bridge in bridges:
            bridge.stop()
        if restarted is not None:
            restarted.__exit__(None, None, None)
        else:
            hub.__exit__(None, None, None)


def test_calls_and_recalls_are_queued_for_speech_one_after_another(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock, issue: Issue) -> None:
    display = open_display(qtbot, connect, mall, clock)
    sink = FakeSink()
    announcer = Announcer(FakeSynthesizer(), sink, chime_wav=b"chime")
    display.called.connect(CallAnnouncements(mall, announcer, parent=display).on_called)
    try:
        window = terminal(qtbot, connect, mall, clock)
        issue("ktp")
        open_counter(qtbot, window)
        window.controller.call_next()
        qtbot.waitUntil(lambda: sink.playing == b"chime", timeout=WAIT_MS)
        qtbot.waitUntil(lambda: not window.controller.busy, timeout=WAIT_MS)
        window.controller.recall()
        qtbot.waitUntil(lambda: len(announcer.pending) == 1, timeout=WAIT_MS)
        assert announcer.current is not None and announcer.current.ticket == "A-001"
        assert announcer.pending[0].kind == "recall"

        sink.finish()  # the chime ends: the sentence follows, never cut off by the recall
        qtbot.waitUntil(lambda: sink.playing is not None, timeout=WAIT_MS)
        assert sink.played[1] == b"id:Nomor antrean, a, satu, silakan menuju loket satu."
        sink.finish()
        qtbot.waitUntil(lambda: sink.playing == b"chime", timeout=WAIT_MS)
        sink.finish()
        qtbot.waitUntil(lambda: sink.playing is not None and sink.playing != b"chime",
                        timeout=WAIT_MS)
        assert sink.playing.startswith(b"id:Panggilan ulang, nomor antrean, a, satu")
        sink.finish()
        qtbot.waitUntil(announcer.is_idle, timeout=WAIT_MS)
    finally:
        assert announcer.close(timeout_ms=5_000)


def test_the_waiting_and_serving_minutes_follow_the_clock(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock, issue: Issue) -> None:
    window = terminal(qtbot, connect, mall, clock)
    issue("ktp")
    open_counter(qtbot, window)
    clock.now += dt.timedelta(minutes=12)
    window.controller.call_next()
    qtbot.waitUntil(lambda: window.controller.situation.status == "serving", timeout=WAIT_MS)
    assert window.ticket_panel.times.text() == "Menunggu 12 menit  ·  dilayani < 1 menit"
    clock.now += dt.timedelta(minutes=3)
    window.render()  # what the 5-second timer does
    assert window.ticket_panel.times.text() == "Menunggu 12 menit  ·  dilayani 3 menit"
