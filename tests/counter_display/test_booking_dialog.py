"""The dashboard books an appointment for a visitor against a real hub (issue 17).

The slots are the hub's (GET /slots with the supervisor's token, the portal's figures);
the booking is the supervisor's `book_appointment`; the code shown is the one the hub
booked, and a kiosk could check it in. A full slot is greyed and refused plainly.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QStandardItemModel

from counter_display.supervisor.controller import SupervisorController
from counter_display.supervisor.ikm import HubReports, ReportError
from counter_display.supervisor.live import LiveTab
from hub.config import MallConfig, parse_config
from tests.counter_display.conftest import Connect, mall_data
from tests.factories import at
from tests.hub.harness import TOKENS, FakeClock, HubThread
from tests.kiosk.screenshot_check import assert_drawn

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
WAIT_MS = 10_000

pytestmark = [pytest.mark.gui, pytest.mark.integration]


@pytest.fixture
def mall() -> MallConfig:
    """The dashboard test mall whose ktp service takes two appointments a slot."""
    data = mall_data()
    data["services"][0]["appointments"] = {
        "slot_minutes": 30, "capacity": 2, "days_ahead": 3, "cutoff_minutes": 60,
        "early_minutes": 30, "late_minutes": 15, "call": "at_slot"}
    return parse_config(data)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(at(8))


def slot_texts(dialog: Any) -> list[tuple[str, bool]]:
    model = dialog.slot.model()
    assert isinstance(model, QStandardItemModel)
    return [(dialog.slot.itemText(i), model.item(i).isEnabled())
            for i in range(dialog.slot.count())]


def test_the_dashboard_books_a_free_slot_and_shows_the_hubs_code(
        qtbot: Any, connect: Connect, mall: MallConfig, hub: HubThread) -> None:
    controller = SupervisorController(connect("boss"), mall)
    reports = HubReports(hub.url, TOKENS["boss"])
    live = LiveTab(controller, slots=reports.slots)
    qtbot.addWidget(live)
    live.refresh()
    assert live.book.isVisible() or not live.isVisible()
    assert live.book.isEnabled()
    dialog = live.open_booking_dialog()
    dialog.resize(760, 640)
    assert dialog.service_id() == "ktp"
    assert dialog.day.itemData(0) == "2026-11-23" and dialog.day.count() == 4  # days_ahead 3
    slots = slot_texts(dialog)
    assert slots[0] == ("08.00–08.30 · ditutup · closed", False)  # past its cut-off
    assert ("10.00–10.30 · 2 dari 2 kosong · free", True) in slots
    assert ("09.00–09.30 · ditutup · closed", False) in slots  # closed at 08.00, now
    assert dialog.slot_start() == "2026-11-23T09:30:00+07:00"  # the first bookable
    dialog.slot.setCurrentIndex(next(i for i, (text, _on) in enumerate(slots)
                                     if text.startswith("10.00")))
    assert not dialog.ok.isEnabled()  # no name, no contact yet
    dialog.name.setText("Budi Santoso")
    dialog.contact.setText("0813 2222 3333")
    assert dialog.ok.isEnabled()
    with qtbot.waitSignal(controller.bookingAnswered, timeout=WAIT_MS):
        dialog.ok.click()
    code = dialog.code
    assert code is not None and code in dialog.result.text()
    assert dialog.status.text() == "Terdaftar · Booked"
    engine = hub.call(lambda server: server.core.engine)
    booked = engine.appointment(code)
    assert (booked.name, booked.contact, booked.channel, booked.booked_by) == (
        "Budi Santoso", "081322223333", "supervisor", "boss")
    assert booked.slot_start == at(10)
    assert dialog.name.text() == "" and "10.00–10.30 · 1 dari 2 kosong · free" in [
        text for text, _on in slot_texts(dialog)]  # the slots were read again
    qtbot.waitExposed(dialog)
    path = ARTIFACTS / "supervisor-booking-code.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(path))
    assert_drawn(path)

    dialog.slot.setCurrentIndex(next(i for i, (text, _on) in enumerate(slot_texts(dialog))
                                     if text.startswith("10.00")))
    dialog.name.setText("Rina Wati")
    dialog.contact.setText("4321")
    with qtbot.waitSignal(controller.bookingAnswered, timeout=WAIT_MS):
        dialog.ok.click()
    second = dialog.code
    assert second is not None and second != code
    full = next(text for text, on in slot_texts(dialog) if text.startswith("10.00"))
    assert full == "10.00–10.30 · penuh · full"
    assert not dict(slot_texts(dialog))[full]


def test_a_refusal_and_an_unreadable_hub_are_said_in_both_languages(
        qtbot: Any, connect: Connect, mall: MallConfig, hub: HubThread,
        clock: FakeClock) -> None:
    controller = SupervisorController(connect("boss"), mall)
    live = LiveTab(controller, slots=HubReports(hub.url, TOKENS["boss"]).slots)
    qtbot.addWidget(live)
    dialog = live.open_booking_dialog()
    dialog.name.setText("Siti")
    dialog.contact.setText("0812")
    assert dialog.slot_start() == "2026-11-23T09:30:00+07:00"
    clock.now = at(8, 45)  # the 09.30 slot's booking closed at 08.30: the hub refuses
    with qtbot.waitSignal(controller.bookingAnswered, timeout=WAIT_MS):
        dialog.ok.click()
    assert dialog.code is None
    assert ("Pendaftaran untuk jadwal tersebut sudah ditutup." in dialog.status.text()
            and "Booking for that slot has closed." in dialog.status.text())
    path = ARTIFACTS / "supervisor-booking-refused.png"
    dialog.grab().save(str(path))
    assert_drawn(path)

    wrong = HubReports(hub.url, "not-a-supervisor-token")
    with pytest.raises(ReportError, match="Missing or wrong supervisor token"):
        wrong.slots("ktp", "2026-11-23")
    other = LiveTab(controller, slots=wrong.slots)
    qtbot.addWidget(other)
    unreadable = other.open_booking_dialog()
    assert "Jadwal tidak dapat dibaca · Slots cannot be read" in unreadable.status.text()
    assert unreadable.slot.count() == 0 and not unreadable.ok.isEnabled()


def test_no_booking_button_without_a_slot_source_or_appointments(
        qtbot: Any, connect: Connect, mall: MallConfig) -> None:
    controller = SupervisorController(connect("boss"), mall)
    live = LiveTab(controller)
    qtbot.addWidget(live)
    live.show()
    assert not live.book.isVisible()
    assert dt.date(2026, 11, 23) == at(8).date()
