"""The Qt bridge: hub traffic arrives as signals on the GUI thread (offscreen)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from hub import protocol as p
from hub.hub_messages import ErrorMessage, EventMessage, Result
from tests.factories import small_mall
from tests.hub.harness import TOKENS, HubThread

pytestmark = [pytest.mark.gui, pytest.mark.integration]


def test_bridge_delivers_state_events_and_answers_as_signals(qtbot: Any, tmp_path: Path) -> None:
    from hub.client.qt_bridge import HubBridge

    with HubThread(small_mall(), tmp_path / "h.db") as hub:
        bridge = HubBridge(hub.url, "counter-c1", TOKENS["counter-c1"])
        kiosk = HubBridge(hub.url, "kiosk-1", TOKENS["kiosk-1"])
        states: list[str] = []
        threads: list[bool] = []
        bridge.stateChanged.connect(lambda status, _detail: states.append(status))
        bridge.messageReceived.connect(
            lambda _m: threads.append(threading.current_thread() is threading.main_thread()))
        try:
            with qtbot.waitSignal(bridge.stateChanged, timeout=5000,
                                  check_params_cb=lambda s, _d: s == "online"):
                bridge.start()
            with qtbot.waitSignal(kiosk.stateChanged, timeout=5000,
                                  check_params_cb=lambda s, _d: s == "online"):
                kiosk.start()
            assert bridge.welcome is not None and bridge.welcome.counter_id == "c1"

            with qtbot.waitSignal(kiosk.requestFinished, timeout=5000) as issued:
                token = kiosk.send(p.IssueTicket, service_id="ktp")
            assert issued.args[0] == token
            assert isinstance(issued.args[1], Result) and issued.args[2] is None
            assert issued.args[1].events[0]["label"] == "A-001"

            with qtbot.waitSignal(bridge.requestFinished, timeout=5000):
                bridge.send(p.OpenCounter, staff="Rina")
            answers: dict[str, tuple[Any, Any]] = {}
            bridge.requestFinished.connect(
                lambda token, result, error: answers.__setitem__(token, (result, error)))
            with qtbot.waitSignal(bridge.messageReceived, timeout=5000,
                                  check_params_cb=lambda m: isinstance(m, EventMessage)
                                  and m.event["type"] == "ticket_called"):
                first = bridge.send(p.CallNext)
            qtbot.waitUntil(lambda: first in answers, timeout=5000)
            desk = bridge.view.counters["c1"]
            assert desk.ticket is not None and desk.ticket.label == "A-001"

            second = bridge.send(p.CallNext)
            qtbot.waitUntil(lambda: second in answers, timeout=5000)
            result, error = answers[second]
            assert result is None and isinstance(error, ErrorMessage)
            assert error.code == "illegal_move" and error.message_id
            assert threads and all(threads)  # slots ran on the GUI thread
        finally:
            bridge.stop()
            kiosk.stop()
    assert states[0] == "online"


def test_bridge_reports_offline_when_the_hub_is_gone(qtbot: Any, tmp_path: Path) -> None:
    from hub.client.qt_bridge import HubBridge

    bridge = HubBridge("ws://127.0.0.1:9", "kiosk-1", TOKENS["kiosk-1"])
    try:
        with qtbot.waitSignal(bridge.stateChanged, timeout=5000,
                              check_params_cb=lambda s, _d: s == "offline"):
            bridge.start()
        with qtbot.waitSignal(bridge.requestFinished, timeout=5000) as answer:
            bridge.send(p.IssueTicket, timeout=0.3, service_id="ktp")
        assert answer.args[2].code == "hub_unavailable"
        assert "Server antrean" in answer.args[2].message_id
        with qtbot.waitSignal(bridge.requestFinished, timeout=5000) as answer:
            bridge.send(p.IssueTicket, service_id="")  # not a valid request: never sent
        assert answer.args[2].code == "client_error" and answer.args[1] is None
    finally:
        bridge.stop()


def test_the_hub_server_imports_no_qt_and_no_printer_code() -> None:
    import subprocess
    import sys

    code = ("import sys, hub.server, hub.__main__, hub.client; "
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'escpos', 'serial'))]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2], timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
