"""The counter's outcome dialog against a real hub: served, berkas tidak lengkap, referred.

Finish (F6/Enter) opens the dialog; Enter finishes as served. Two requirements ticked
as missing reach the hub's log and the day's report with their numbers.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt

from counter_display.counter.outcome import OutcomeDialog
from counter_display.counter.window import CounterWindow
from hub.config import MallConfig, parse_config
from hub.eventlog import open_readonly
from hub.reports import build_report, parse_period
from hub.reports.tables import report_tables
from tests.counter_display.conftest import Connect, Issue, mall_data
from tests.counter_display.screens import (
    ARTIFACTS,
    WAIT_MS,
    open_counter,
    open_terminal,
    settle,
)
from tests.hub.harness import FakeClock, HubThread
from tests.kiosk.screenshot_check import assert_drawn

pytestmark = [pytest.mark.gui, pytest.mark.integration]

KTP = {"id": ["KTP-el lama atau surat kehilangan dari kepolisian", "Fotokopi Kartu Keluarga",
              "Surat pengantar RT/RW", "Pas foto 3x4 berwarna"],
       "en": ["Old e-ID card or a police loss report", "Copy of the family card",
              "Cover letter from the RT/RW", "Colour photo 3x4"]}


@pytest.fixture
def mall() -> MallConfig:
    """The counter tests' mall, ktp publishing four requirements (kk one, as before)."""
    data = mall_data()
    data["services"][0]["requirements"] = KTP
    return parse_config(data)


def _serving(qtbot: Any, window: CounterWindow, issue: Issue, first: bool = True) -> str:
    label = issue("ktp")
    if first:
        open_counter(qtbot, window)
    qtbot.waitUntil(lambda: window.controller.actions.call_next, timeout=WAIT_MS)
    window.trigger("call_next")
    qtbot.waitUntil(lambda: window.controller.situation.ticket is not None
                    and window.controller.situation.ticket.label == label, timeout=WAIT_MS)
    settle(qtbot, window)
    return label


def _open_dialog(window: CounterWindow) -> OutcomeDialog:
    window.trigger("finish")
    dialog = window.dialog
    assert isinstance(dialog, OutcomeDialog) and dialog.isVisible()
    return dialog


def _save(dialog: OutcomeDialog, name: str) -> Path:
    """Save a screenshot; fail if it is nearly blank below its title."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    image = dialog.grab().toImage()
    assert image.save(str(path))
    top = int(image.height() * 0.12)
    assert_drawn(image, QRect(0, top, image.width(), image.height() - top), name)
    return path


def _visit(db: Path, label: str) -> tuple[Any, ...]:
    connection = open_readonly(db)
    try:
        return tuple(connection.execute(
            "SELECT outcome, finish_outcome, missing_requirements, referred_tenant_id, "
            "referred_note FROM visits WHERE label = ?", (label,)).fetchone())
    finally:
        connection.close()


def test_two_missing_requirements_reach_the_log_and_the_days_report(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock, issue: Issue,
        hub: HubThread) -> None:
    window = open_terminal(qtbot, connect, mall, clock)
    label = _serving(qtbot, window, issue)
    dialog = _open_dialog(window)
    dialog.resize(1024, 640)
    assert dialog.outcome() == "served" and dialog.finish_button.isEnabled()
    _save(dialog, "counter-outcome-served.png")

    qtbot.mouseClick(dialog.outcome_buttons["incomplete_documents"], Qt.MouseButton.LeftButton)
    assert dialog.outcome() == "incomplete_documents"
    assert not dialog.finish_button.isEnabled()  # nothing ticked yet: nothing to say
    assert [b.isVisible() for b in dialog.requirement_buttons] == [True] * 4
    qtbot.mouseClick(dialog.requirement_buttons[2], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.requirement_buttons[1], Qt.MouseButton.LeftButton)
    assert dialog.missing() == ["Fotokopi Kartu Keluarga", "Surat pengantar RT/RW"]
    assert dialog.finish_button.isEnabled()
    assert "2 persyaratan kurang" in dialog.hint.text()
    _save(dialog, "counter-outcome-incomplete.png")

    qtbot.mouseClick(dialog.finish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.controller.situation.status == "open", timeout=WAIT_MS)
    settle(qtbot, window)
    assert window.controller.last_error is None
    assert window.controller.situation.served_today == 1
    assert _visit(hub.db_path, label) == (
        "served", "incomplete_documents",
        json.dumps(["Fotokopi Kartu Keluarga", "Surat pengantar RT/RW"]), None, None)

    connection = open_readonly(hub.db_path)
    try:
        report = build_report(connection, mall, parse_period(clock.now.date().isoformat()),
                              generated_at=clock.now.astimezone(dt.UTC))
    finally:
        connection.close()
    assert report.meta.evidence is not None and report.meta.evidence.ok
    tables = {t.key: t for t in report_tables(report)}
    assert tables["berkas_tidak_lengkap"].rows == [
        ["November 2026", "Layanan ktp", "Dukcapil", 1, 1, 1.0, 0],
        ["Jumlah", "", "", 1, 1, 1.0, 0]]
    assert tables["persyaratan_kurang"].rows == [
        ["November 2026", "Layanan ktp", "Fotokopi Kartu Keluarga", 1],
        ["November 2026", "Layanan ktp", "Surat pengantar RT/RW", 1]]


def test_enter_finishes_as_served_and_a_referral_names_the_tenant(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock, issue: Issue,
        hub: HubThread) -> None:
    window = open_terminal(qtbot, connect, mall, clock)
    first = _serving(qtbot, window, issue)
    dialog = _open_dialog(window)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.controller.situation.status == "open", timeout=WAIT_MS)
    settle(qtbot, window)
    assert _visit(hub.db_path, first) == ("served", "served", None, None, None)

    second = _serving(qtbot, window, issue, first=False)
    dialog = _open_dialog(window)
    dialog.choose("referred")
    tenants = [dialog.tenants.item(n).data(Qt.ItemDataRole.UserRole)
               for n in range(dialog.tenants.count())]
    assert tenants == ["pajak", "dpupr"]  # not the visit's own tenant: that is a transfer
    assert not dialog.finish_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter with nowhere named: stays open
    assert dialog.isVisible()
    dialog.choose_tenant("pajak")
    qtbot.keyClicks(dialog.note, "Urus  NPWP dulu")
    _save(dialog, "counter-outcome-referred.png")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.controller.situation.status == "open", timeout=WAIT_MS)
    settle(qtbot, window)
    assert _visit(hub.db_path, second) == ("served", "referred", None, "pajak",
                                           "Urus NPWP dulu")


def test_a_service_without_requirements_cannot_be_marked_incomplete(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock, issue: Issue) -> None:
    data = mall_data()
    data["services"][0]["requirements"] = {"id": []}
    bare = parse_config(data)
    window = open_terminal(qtbot, connect, bare, clock)
    _serving(qtbot, window, issue)
    dialog = _open_dialog(window)
    assert not dialog.outcome_buttons["incomplete_documents"].isEnabled()
    dialog.choose("incomplete_documents")
    assert dialog.outcome() == "served"
    dialog.reject()
    qtbot.waitUntil(lambda: window.dialog is None, timeout=WAIT_MS)
    assert window.controller.situation.status == "serving"  # cancelled: nothing sent
