"""Two screens of issue 13's typed client: the dashboard's reprint at a kiosk (against a
real hub) and the hall's break banner (from the view's `break`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from counter_display.hall.display import HallDisplay
from counter_display.supervisor.controller import SupervisorController
from counter_display.supervisor.dialogs import ReprintDialog
from counter_display.supervisor.live import LiveTab
from hub import protocol as p
from hub.config import MallConfig, load_config
from hub.hub_messages import EventMessage, parse_hub_message
from tests.client_views import view as make_view
from tests.counter_display.conftest import Connect
from tests.counter_display.test_screens_agree import EXAMPLE, FakeBridge, hub_time
from tests.kiosk.screenshot_check import assert_drawn

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
WAIT_MS = 10_000


def reprinted_at(kiosk_id: str) -> Any:
    return lambda m: (isinstance(m, EventMessage) and m.event["type"] == "ticket_reprinted"
                      and m.event["device_id"] == kiosk_id)


@pytest.mark.gui
@pytest.mark.integration
def test_the_dashboard_has_a_ticket_of_today_reprinted_at_a_kiosk(
        qtbot: Any, connect: Connect, mall: MallConfig) -> None:
    kiosk = connect("kiosk-1")
    with qtbot.waitSignal(kiosk.requestFinished, timeout=WAIT_MS) as issued:
        kiosk.send(p.IssueTicket, service_id="ktp")
    assert issued.args[2] is None
    controller = SupervisorController(connect("boss"), mall)
    live = LiveTab(controller)
    qtbot.addWidget(live)
    qtbot.waitUntil(lambda: "kiosk-1" in controller.view.devices, timeout=WAIT_MS)
    live.refresh()
    assert live.reprint.isEnabled()
    dialog = live.open_reprint_dialog()
    assert isinstance(dialog, ReprintDialog)
    assert dialog.kiosk_id() == "kiosk-1" and not dialog.ok.isEnabled()  # no label yet
    dialog.edit.setText(" a-001 ")
    assert dialog.ticket() == "A-001" and dialog.ok.isEnabled()
    with qtbot.waitSignal(kiosk.messageReceived, timeout=WAIT_MS,
                          check_params_cb=reprinted_at("kiosk-1")) as pushed:
        with qtbot.waitSignal(controller.succeeded, timeout=WAIT_MS) as done:
            dialog.accept()
    assert done.args[0] == "reprint_ticket"
    event = pushed.args[0].event
    assert (event["label"], event["by"], event["service_id"]) == ("A-001", "boss", "ktp")

    dialog = live.open_reprint_dialog()
    dialog.edit.setText("A-999")  # not issued today: the hub says so, plainly
    with qtbot.waitSignal(controller.refused, timeout=WAIT_MS) as refused:
        dialog.accept()
    assert refused.args[0] == "reprint_ticket" and refused.args[1].code == "unknown_ticket"
    assert refused.args[1].message_id


@pytest.mark.gui
def test_the_hall_shows_the_break_and_when_calls_resume(qtbot: Any) -> None:
    example = load_config(EXAMPLE)
    pause = {"reason_id": "Sholat Jumat", "reason_en": "Friday prayer",
             "ends_at": hub_time(13, 0).isoformat()}
    bridge = FakeBridge(make_view(counters={c.id: {"status": "paused"}
                                            for c in example.counters}, recent_calls=[]))
    display = HallDisplay(example, example.device("display-lobi"), bridge,  # type: ignore[arg-type]
                          EXAMPLE.parent, clock=lambda: hub_time(11, 45))
    qtbot.addWidget(display)
    bridge.messageReceived.connect(display.on_message)
    assert display.banner.isHidden()
    started = parse_hub_message({"type": "schedule_update", "break": pause,
                                 "hub_time": hub_time(11, 45).isoformat()})
    bridge.view = bridge.view.merged(started)
    bridge.messageReceived.emit(started)
    assert display.banner.texts == ("Istirahat Sholat Jumat, dilanjutkan 13.00",
                                    "Friday prayer break, resuming at 13:00")
    display.resize(1920, 1080)
    display.show()
    QApplication.processEvents()
    assert display.banner.isVisible() and display.banner.height() > 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image = display.grab().toImage()
    assert image.save(str(ARTIFACTS / "hall-break-banner.png"))
    assert_drawn(image, display.banner.geometry(), "break banner")
    ended = parse_hub_message({"type": "schedule_update", "break": None,
                               "hub_time": hub_time(13, 0).isoformat()})
    bridge.view = bridge.view.merged(ended)
    bridge.messageReceived.emit(ended)
    assert display.banner.isHidden() and display.banner.texts is None
