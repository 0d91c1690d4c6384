"""Counter terminal and hall display against a real hub on loopback (pytest-qt, offscreen)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from counter_display.counter.dialogs import PauseDialog, TextDialog, TransferDialog
from counter_display.counter.outcome import OutcomeDialog
from hub import protocol as p
from hub.config import MallConfig
from tests.counter_display.conftest import Connect, Issue
from tests.counter_display.screens import (
    WAIT_MS,
    enabled_buttons,
    open_counter,
    open_display,
    open_terminal,
    settle,
)
from tests.hub.harness import FakeClock, HubThread

pytestmark = [pytest.mark.gui, pytest.mark.integration]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "counter_display"


def _press(qtbot: Any, window: Any, name: str) -> None:
    qtbot.mouseClick(window.buttons[name], Qt.MouseButton.LeftButton)


def test_counter_calls_next_and_the_hall_shows_and_highlights_the_number(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock, issue: Issue) -> None:
    display = open_display(qtbot, connect, mall, clock)
    window = open_terminal(qtbot, connect, mall, clock)
    assert [t.counter_id for t in display.tiles] == ["c1", "c2"]  # zone z1: Dukcapil only
    assert display.tile("c1").text == "Tutup"
    assert enabled_buttons(window) == {"open"}

    assert issue("ktp") == "A-001"
    open_counter(qtbot, window)
    qtbot.waitUntil(lambda: display.tile("c1").state == "open", timeout=WAIT_MS)
    assert window.controller.situation.staff == "Rina"
    assert "Petugas: Rina" in window.staff_label.text()

    _press(qtbot, window, "call_next")
    qtbot.waitUntil(lambda: display.tile("c1").text == "A-001", timeout=WAIT_MS)
    assert "c1" in display.highlighted
    assert display.recent[0].label == "A-001" and display.recent[0].counter_name == "Loket 1"
    assert display.board.content.latest_fresh
    qtbot.waitUntil(lambda: window.ticket_panel.number.text() == "A-001", timeout=WAIT_MS)
    assert window.ticket_panel.service.text() == "Layanan ktp"


def test_buttons_follow_the_counter_state(qtbot: Any, connect: Connect, mall: MallConfig,
                                          clock: FakeClock, issue: Issue) -> None:
    window = open_terminal(qtbot, connect, mall, clock)
    assert enabled_buttons(window) == {"open"}
    assert window.buttons["open"].title.text() == "Buka loket"
    open_counter(qtbot, window)
    # nobody waits: calling next makes no sense yet
    assert enabled_buttons(window) == {"call_ticket", "pause", "open"}
    assert window.buttons["open"].title.text() == "Tutup loket"

    issue("ktp")
    qtbot.waitUntil(lambda: "call_next" in enabled_buttons(window), timeout=WAIT_MS)
    _press(qtbot, window, "call_next")
    qtbot.waitUntil(lambda: window.controller.situation.status == "serving", timeout=WAIT_MS)
    settle(qtbot, window)
    # serving: no calling, pausing or closing; no-show only after a recall (min 1 here)
    assert enabled_buttons(window) == {"recall", "park", "transfer", "finish"}
    assert "0 dari 1" in window.buttons["no_show"].toolTip()

    _press(qtbot, window, "finish")  # asks how the visit ended; Enter: served
    assert isinstance(window.dialog, OutcomeDialog) and window.dialog.outcome() == "served"
    qtbot.keyClick(window.dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.controller.situation.status == "open", timeout=WAIT_MS)
    settle(qtbot, window)
    assert window.controller.situation.served_today == 1
    assert "Dilayani hari ini: 1" in window.served_label.text()
    assert enabled_buttons(window) == {"call_ticket", "pause", "open"}


def test_recall_then_no_show_after_the_configured_recalls(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock, issue: Issue) -> None:
    display = open_display(qtbot, connect, mall, clock)
    window = open_terminal(qtbot, connect, mall, clock)
    issue("ktp")
    open_counter(qtbot, window)
    window.controller.call_next()
    qtbot.waitUntil(lambda: display.tile("c1").text == "A-001", timeout=WAIT_MS)
    settle(qtbot, window)
    assert not window.buttons["no_show"].isEnabled()
    assert not window.controller.mark_no_show()  # refused locally: not recalled yet

    display.live_calls = []  # let the recall highlight it afresh
    with qtbot.waitSignal(display.called, timeout=WAIT_MS) as recalled:
        _press(qtbot, window, "recall")
    assert recalled.args[0].recall and recalled.args[0].label == "A-001"
    assert "c1" in display.highlighted
    qtbot.waitUntil(lambda: window.buttons["no_show"].isEnabled(), timeout=WAIT_MS)
    assert "Dipanggil ulang 1×" in window.ticket_panel.extra.text()

    _press(qtbot, window, "no_show")
    qtbot.waitUntil(lambda: display.tile("c1").text == "—", timeout=WAIT_MS)
    settle(qtbot, window)
    assert window.controller.situation.ticket is None
    assert window.controller.situation.served_today == 0


def test_transfer_through_the_dialog_to_another_counter(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock, issue: Issue) -> None:
    display = open_display(qtbot, connect, mall, clock)
    window = open_terminal(qtbot, connect, mall, clock)
    other = open_terminal(qtbot, connect, mall, clock, "counter-c2")
    issue("ktp")
    open_counter(qtbot, window)
    open_counter(qtbot, other, "Budi")
    window.controller.call_next()
    qtbot.waitUntil(lambda: window.controller.situation.status == "serving", timeout=WAIT_MS)
    settle(qtbot, window)

    window.trigger("transfer")
    dialog = window.dialog
    assert isinstance(dialog, TransferDialog) and dialog.isVisible()
    assert "ktp" not in [dialog.services.item(i).data(Qt.ItemDataRole.UserRole)
                         for i in range(dialog.services.count())]  # not to its own service
    assert "c1" not in [dialog.counters.item(i).data(Qt.ItemDataRole.UserRole)
                        for i in range(dialog.counters.count())]  # nor to itself
    dialog.choose_service("kk")
    dialog.choose_counter("c2")
    assert dialog.selection() == (None, "c2")  # one target at a time
    dialog.accept()

    qtbot.waitUntil(lambda: window.controller.situation.status == "open", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: other.controller.situation.reserved == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: display.tile("c1").text == "—", timeout=WAIT_MS)
    settle(qtbot, other)
    other.controller.call_next()  # the visitor keeps the number at the new counter
    qtbot.waitUntil(lambda: display.tile("c2").text == "A-001", timeout=WAIT_MS)


def test_transfer_to_a_service_through_the_controller(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock, issue: Issue) -> None:
    window = open_terminal(qtbot, connect, mall, clock)
    issue("ktp")
    open_counter(qtbot, window)
    window.controller.call_next()
    qtbot.waitUntil(lambda: window.controller.situation.status == "serving", timeout=WAIT_MS)
    settle(qtbot, window)
    assert window.controller.transfer(to_service_id="kk")
    qtbot.waitUntil(lambda: window.controller.situation.waiting == {"ktp": 0, "kk": 1},
                    timeout=WAIT_MS)
    settle(qtbot, window)
    assert window.controller.call_next()
    qtbot.waitUntil(lambda: window.controller.situation.ticket is not None
                    and window.controller.situation.ticket.service_id == "kk", timeout=WAIT_MS)
    ticket = window.controller.situation.ticket
    assert ticket is not None and ticket.label == "A-001" and ticket.transfer_count == 1


def test_park_and_resume_from_the_parked_list(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock, issue: Issue) -> None:
    display = open_display(qtbot, connect, mall, clock)
    window = open_terminal(qtbot, connect, mall, clock)
    issue("ktp")
    issue("ktp")
    open_counter(qtbot, window)
    window.controller.call_next()
    qtbot.waitUntil(lambda: display.tile("c1").text == "A-001", timeout=WAIT_MS)
    settle(qtbot, window)
    _press(qtbot, window, "park")
    qtbot.waitUntil(lambda: "A-001" in window.queue_panel.parked_buttons, timeout=WAIT_MS)
    settle(qtbot, window)
    assert display.tile("c1").text == "—"
    resume = window.queue_panel.parked_buttons["A-001"]
    assert resume.isEnabled() and "A-001" in resume.text()

    window.controller.call_next()  # serve someone else meanwhile
    qtbot.waitUntil(lambda: display.tile("c1").text == "A-002", timeout=WAIT_MS)
    settle(qtbot, window)
    assert not resume.isEnabled()  # busy with A-002
    window.controller.finish()
    qtbot.waitUntil(lambda: resume.isEnabled(), timeout=WAIT_MS)

    qtbot.mouseClick(resume, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: display.tile("c1").text == "A-001", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not window.queue_panel.parked_buttons, timeout=WAIT_MS)
    assert window.controller.situation.parked == ()


def test_pause_with_a_reason_and_resume(qtbot: Any, connect: Connect, mall: MallConfig,
                                        clock: FakeClock, issue: Issue) -> None:
    display = open_display(qtbot, connect, mall, clock)
    window = open_terminal(qtbot, connect, mall, clock)
    issue("ktp")
    open_counter(qtbot, window)
    window.trigger("pause")
    dialog = window.dialog
    assert isinstance(dialog, PauseDialog)
    dialog.choose("sholat")
    qtbot.waitUntil(lambda: display.tile("c1").text == "Istirahat", timeout=WAIT_MS)
    settle(qtbot, window)
    assert window.status_pill.text() == "Istirahat: sholat"
    assert window.ticket_panel.number.text() == "Sholat"
    assert enabled_buttons(window) == {"pause", "open"}
    assert window.buttons["pause"].title.text() == "Lanjutkan"

    window.trigger("pause")  # the same key resumes
    qtbot.waitUntil(lambda: window.controller.situation.status == "open", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: display.tile("c1").text == "—", timeout=WAIT_MS)
    settle(qtbot, window)
    assert window.status_pill.text() == "Buka"
    assert "call_next" in enabled_buttons(window)

    window.trigger("open")  # and closing
    qtbot.waitUntil(lambda: display.tile("c1").text == "Tutup", timeout=WAIT_MS)


def test_keyboard_shortcuts_drive_the_counter(qtbot: Any, connect: Connect, mall: MallConfig,
                                              clock: FakeClock, issue: Issue) -> None:
    window = open_terminal(qtbot, connect, mall, clock)
    issue("ktp")
    open_counter(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.controller.situation.status == "serving", timeout=WAIT_MS)
    settle(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: window.controller.situation.recall_count == 1, timeout=WAIT_MS)
    settle(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Return)  # Finish asks how it ended: Enter again, served
    qtbot.waitUntil(lambda: isinstance(window.dialog, OutcomeDialog), timeout=WAIT_MS)
    qtbot.keyClick(window.dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.controller.situation.served_today == 1, timeout=WAIT_MS)


def test_a_request_in_flight_blocks_a_second_press(
        qtbot: Any, connect: Connect, hub: HubThread, mall: MallConfig, clock: FakeClock,
        issue: Issue) -> None:
    window = open_terminal(qtbot, connect, mall, clock)
    issue("ktp")
    issue("ktp")
    open_counter(qtbot, window)
    gate = threading.Event()
    stall = threading.Thread(target=lambda: hub.call(lambda _server: gate.wait(10)))
    stall.start()  # the hub's loop now waits: the request below stays unanswered
    try:
        _press(qtbot, window, "call_next")
        assert window.controller.busy and enabled_buttons(window) == set()
        _press(qtbot, window, "call_next")  # a double press: ignored, not sent
        window.trigger("call_next")
        assert not window.controller.call_next()
    finally:
        gate.set()
        stall.join(10)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.controller.situation.status == "serving", timeout=WAIT_MS)
    ticket = window.controller.situation.ticket
    assert ticket is not None and ticket.label == "A-001"
    assert window.controller.situation.waiting["ktp"] == 1  # A-002 still waits


def test_a_refusal_shows_the_indonesian_message(qtbot: Any, connect: Connect, mall: MallConfig,
                                                clock: FakeClock, issue: Issue) -> None:
    window = open_terminal(qtbot, connect, mall, clock)
    issue("ktp")
    open_counter(qtbot, window)
    window.trigger("call_ticket")
    dialog = window.dialog
    assert isinstance(dialog, TextDialog)
    dialog.edit.setText("a-999")
    with qtbot.waitSignal(window.controller.refused, timeout=WAIT_MS) as refused:
        dialog.accept()
    assert refused.args[0].code == "unknown_ticket"
    assert window.message_bar.isVisible()
    assert "Nomor antrean tidak ditemukan hari ini." in window.message_bar.text_id.text()
    settle(qtbot, window)
    assert "call_next" in enabled_buttons(window)  # refused, not stuck

    window.controller.call_ticket("A-001")  # a success clears the message
    qtbot.waitUntil(lambda: not window.message_bar.isVisible(), timeout=WAIT_MS)
    ticket = window.controller.situation.ticket
    assert ticket is not None and ticket.label == "A-001"


def test_the_terminal_follows_a_supervisors_change_of_its_services(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock, issue: Issue) -> None:
    """Today's services and what the counter may do come from the hub, not the config file."""
    window = open_terminal(qtbot, connect, mall, clock)
    open_counter(qtbot, window)
    assert list(window.queue_panel.counts) == ["ktp", "kk"]  # as configured
    boss = connect("boss")
    answers: dict[str, Any] = {}
    boss.requestFinished.connect(lambda token, result, error: answers.update({token: error}))
    token = boss.send(p.SetCounterServices, counter_id="c1", services=["pbg"])
    qtbot.waitUntil(lambda: token in answers, timeout=WAIT_MS)
    assert answers[token] is None
    qtbot.waitUntil(lambda: list(window.queue_panel.counts) == ["pbg"], timeout=WAIT_MS)
    issue("ktp")  # no longer this counter's: nothing for it to call
    issue("ktp")
    qtbot.waitUntil(lambda: window.controller.situation.waiting == {"pbg": 0}, timeout=WAIT_MS)
    settle(qtbot, window)
    assert "call_next" not in enabled_buttons(window)
    issue("pbg")
    qtbot.waitUntil(lambda: "call_next" in enabled_buttons(window), timeout=WAIT_MS)
    assert window.queue_panel.counts["pbg"].text() == "1"
    _press(qtbot, window, "call_next")
    qtbot.waitUntil(lambda: window.ticket_panel.number.text() == "G-001", timeout=WAIT_MS)
    settle(qtbot, window)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(ARTIFACTS / "counter-services-changed-today.png"))
