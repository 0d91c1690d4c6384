"""A complaint typed on the survey tablet, against a real hub on loopback (issue 17).

The citizen taps through the tablet's form and types on its on-screen keyboard; the
complaint must then be in the hub's log and complaints table, counted per tenant in the
day's report, exported with its text and contact for the manager — and never reach the
hall display (its messages, its model, its screen), nor a supervisor's screen beyond
the fact that there was one.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from counter_display.survey.flow import Page, SurveyController
from counter_display.survey.screen import SurveyScreen
from hub.__main__ import main
from hub.config import MallConfig, parse_config
from hub.eventlog import open_readonly
from hub.hub_messages import EventMessage
from hub.reports import build_report, parse_period
from hub.reports.tables import report_tables
from tests.counter_display import conftest
from tests.counter_display.conftest import Connect, mall_data
from tests.counter_display.screens import ARTIFACTS, WAIT_MS, open_display
from tests.hub.harness import FakeClock, HubThread
from tests.kiosk.screenshot_check import assert_drawn
from tests.reports.test_exports import MALL_TOML

pytestmark = [pytest.mark.gui, pytest.mark.integration]

SURVEY_TOKEN = "survey-c1-token-for-tests"
TEXT = "Antrean lama, loket 2 tutup. Mohon ditambah petugas!"
CONTACT = "0812-555-7788"


@pytest.fixture
def mall(monkeypatch: pytest.MonkeyPatch) -> MallConfig:
    """The test mall with a survey tablet at counter c1 (Disdukcapil)."""
    data = mall_data()
    data["devices"].append({"id": "survey-c1", "role": "survey", "counter": "c1",
                            "token": SURVEY_TOKEN})
    monkeypatch.setitem(conftest.DEVICE_TOKENS, "survey-c1", SURVEY_TOKEN)
    return parse_config(data)


def open_tablet(qtbot: Any, connect: Connect, mall: MallConfig) -> SurveyScreen:
    bridge = connect("survey-c1")
    controller = SurveyController(bridge, mall, "c1", idle_timeout_ms=120_000,
                                  thanks_ms=60_000)
    screen = SurveyScreen(controller)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    qtbot.waitUntil(lambda: controller.online, timeout=WAIT_MS)
    return screen


def tap(qtbot: Any, screen: SurveyScreen, text: str) -> QPushButton:
    """Tap the visible button whose text is `text` on the page shown."""
    page = screen.pages.currentWidget()
    for button in page.findChildren(QPushButton):
        if button.isVisible() and button.text() == text:
            assert button.isEnabled(), f"{text!r} is disabled"
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            return button
    shown = [b.text() for b in page.findChildren(QPushButton) if b.isVisible()]
    raise AssertionError(f"no button {text!r}; shown: {shown}")


def type_on_keyboard(qtbot: Any, screen: SurveyScreen, text: str) -> None:
    """Type `text` key by key on the tablet's on-screen keyboard, as a citizen would."""
    keyboard = screen.text_page.keyboard
    keys = {button.text(): button for button in keyboard.findChildren(QPushButton)}
    for char in text:
        form = screen.controller.complaint
        if char.isalpha() and char.isupper() != form.shift:
            qtbot.mouseClick(keyboard.shift, Qt.MouseButton.LeftButton)
            keys = {button.text(): button for button in keyboard.findChildren(QPushButton)}
        label = "spasi / space" if char == " " else char
        qtbot.mouseClick(keys[label], Qt.MouseButton.LeftButton)
        keys = {button.text(): button for button in keyboard.findChildren(QPushButton)}


def shot(screen: SurveyScreen, name: str) -> Path:
    QApplication.processEvents()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    assert screen.grab().save(str(path))
    assert_drawn(path)
    return path


def screen_texts(widget: Any) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel)
                     if label.isVisible())


def test_a_complaint_from_the_tablet_is_stored_counted_exported_and_never_shown(
    qtbot: Any, connect: Connect, mall: MallConfig, hub: HubThread, clock: FakeClock,
    tmp_path: Path,
) -> None:
    display = open_display(qtbot, connect, mall, clock, "display-all")
    shown_to_hall: list[Any] = []
    display.bridge.messageReceived.connect(shown_to_hall.append)
    boss = connect("boss")
    shown_to_boss: list[Any] = []
    boss.messageReceived.connect(shown_to_boss.append)
    screen = open_tablet(qtbot, connect, mall)
    controller = screen.controller

    shot(screen, "survey-complaint-idle.png")
    tap(qtbot, screen, "Sampaikan pengaduan atau saran")
    assert controller.page is Page.COMPLAINT_TOPIC
    assert "Untuk Disdukcapil (Loket 1)" in screen_texts(screen)
    next_button = next(b for b in screen.topic_page.findChildren(QPushButton)
                       if b.text() == "Lanjut ›")
    assert not next_button.isEnabled()  # nothing chosen yet
    tap(qtbot, screen, "Pengaduan")
    tap(qtbot, screen, "Waktu tunggu dan penyelesaian")
    shot(screen, "survey-complaint-topic.png")
    tap(qtbot, screen, "Lanjut ›")
    assert controller.page is Page.COMPLAINT_TEXT
    send = next(b for b in screen.text_page.findChildren(QPushButton) if b.text() == "Kirim")
    assert not send.isEnabled()  # no text yet
    type_on_keyboard(qtbot, screen, TEXT)
    assert screen.text_page.text.toPlainText() == TEXT
    contact = screen.text_page.contact
    qtbot.mouseClick(contact, Qt.MouseButton.LeftButton, pos=QPoint(20, contact.height() // 2))
    assert controller.complaint.field == "contact"
    type_on_keyboard(qtbot, screen, CONTACT)
    assert contact.text() == CONTACT and screen.text_page.text.toPlainText() == TEXT
    assert "Kontak hanya dibaca petugas pengaduan MPP" in screen_texts(screen)
    shot(screen, "survey-complaint-text.png")
    tap(qtbot, screen, "Kirim")
    qtbot.waitUntil(lambda: controller.page is Page.THANKS, timeout=WAIT_MS)
    assert "Terima kasih, pesan Anda kami terima." in screen_texts(screen)
    assert "Nomor pengaduan: PS-001" in screen_texts(screen)
    assert TEXT not in screen_texts(screen) and CONTACT not in screen_texts(screen)
    shot(screen, "survey-complaint-thanks.png")

    # The supervisor hears that there was one (a count), never what or who.
    qtbot.waitUntil(lambda: any(isinstance(m, EventMessage)
                                and m.event["type"] == "complaint_submitted"
                                for m in shown_to_boss), timeout=WAIT_MS)
    [told] = [m.event for m in shown_to_boss if isinstance(m, EventMessage)
              and m.event["type"] == "complaint_submitted"]
    assert told["tenant_id"] == "dukcapil" and "text" not in told and "contact" not in told

    # Stored durably, with its text and contact, in the log and the complaints table.
    db = hub.db_path
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        [row] = connection.execute(
            "SELECT complaint_id, kind, category, tenant_id, counter_id, text, contact "
            "FROM complaints").fetchall()
        logged = connection.execute(
            "SELECT count(*) FROM events WHERE type = 'complaint_submitted'").fetchone()[0]
    finally:
        connection.close()
    assert row == ("2026-11-23/PS-001", "complaint", "waktu", "dukcapil", "c1", TEXT, CONTACT)
    assert logged == 1

    # Never on the hall: not in what the display was sent, its model or its screen.
    assert not [m for m in shown_to_hall if isinstance(m, EventMessage)
                and m.event["type"] == "complaint_submitted"]
    assert TEXT not in repr(shown_to_hall) and CONTACT not in repr(shown_to_hall)
    hall_text = screen_texts(display)
    assert "Antrean lama" not in hall_text and CONTACT not in hall_text
    hall_model = repr(display.tiles) + repr(display.live_calls) + repr(display.bridge.view)
    assert "PS-001" not in hall_model and "Antrean lama" not in hall_model
    assert CONTACT not in hall_model

    # Counted per tenant and category in the day's report, with no text or contact in it.
    readonly = open_readonly(db)
    try:
        report = build_report(readonly, mall, parse_period("2026-11-23"))
    finally:
        readonly.close()
    assert report.meta.evidence is not None and report.meta.evidence.ok
    by_tenant = {line.tenant_id: line for line in report.complaints}
    assert (by_tenant["dukcapil"].complaints, by_tenant["dukcapil"].suggestions) == (1, 0)
    assert by_tenant["dukcapil"].by_category == {"waktu": 1}
    assert by_tenant["pajak"].total == 0
    table = next(t for t in report_tables(report) if t.key == "pengaduan")
    assert table.rows[0][:4] == ["Disdukcapil", 1, 0, 1]
    waktu = [c.heading for c in table.columns].index("Waktu tunggu dan penyelesaian")
    assert table.rows[0][waktu] == 1
    everything = repr([t.rows for t in report_tables(report)])
    assert "Antrean lama" not in everything and CONTACT not in everything

    # The manager's export has the text and the contact.
    config_file = tmp_path / "mall.toml"
    config_file.write_text(MALL_TOML, encoding="utf-8")  # the same tenants and counters
    out = tmp_path / "pengaduan.csv"
    assert main(["report", "--db", str(db), "--config", str(config_file), "--period",
                 "2026-11-23", "--complaints", "--format", "csv", "--out", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    heading = rows.index(next(r for r in rows if r and r[0] == "ID"))
    [exported] = rows[heading + 1:]
    assert exported[0] == "2026-11-23/PS-001"
    assert exported[3:8] == ["Disdukcapil", "Loket 1", "Pengaduan",
                             "Waktu tunggu dan penyelesaian", TEXT]
    assert exported[8] == CONTACT


def test_the_complaint_pages_follow_the_language_and_cancel_goes_back_idle(
    qtbot: Any, connect: Connect, mall: MallConfig,
) -> None:
    screen = open_tablet(qtbot, connect, mall)
    tap(qtbot, screen, "Sampaikan pengaduan atau saran")
    assert screen.language.text() == "English"  # the top bar's toggle
    qtbot.mouseClick(screen.language, Qt.MouseButton.LeftButton)
    assert "What would you like to tell us?" in screen_texts(screen)
    tap(qtbot, screen, "Suggestion")
    tap(qtbot, screen, "Facilities")
    tap(qtbot, screen, "Next ›")
    assert "Write your suggestion" in screen_texts(screen)
    type_on_keyboard(qtbot, screen, "More chairs")
    assert screen.controller.complaint.payload("en") == {
        "feedback": "suggestion", "category": "sarana", "text": "More chairs", "language": "en"}
    screen.resize(1024, 600)  # a short tablet: everything still on screen
    QApplication.processEvents()
    assert (screen.width(), screen.height()) == (1024, 600)
    page = screen.text_page
    for widget in (page.text, page.contact, *page.keyboard.findChildren(QPushButton),
                   *[b for b in page.findChildren(QPushButton) if b.text() == "Send"]):
        corner = widget.mapTo(screen, widget.rect().bottomRight())
        assert corner.y() < screen.height() and corner.x() < screen.width(), widget.text()
    shot(screen, "survey-complaint-text-1024x600-en.png")
    tap(qtbot, screen, "‹ Back")
    shot(screen, "survey-complaint-topic-1024x600-en.png")
    tap(qtbot, screen, "Cancel")
    assert screen.controller.page is Page.IDLE
    assert screen.controller.complaint.text == ""  # nothing typed stays on the tablet


def test_a_refused_complaint_says_so_in_indonesian_and_can_be_sent_again(
    qtbot: Any, connect: Connect, mall: MallConfig, hub: HubThread,
) -> None:
    screen = open_tablet(qtbot, connect, mall)
    controller = screen.controller
    tap(qtbot, screen, "Sampaikan pengaduan atau saran")
    tap(qtbot, screen, "Saran")
    tap(qtbot, screen, "Lainnya")
    tap(qtbot, screen, "Lanjut ›")
    type_on_keyboard(qtbot, screen, "Tambah kursi")
    controller.complaint.category = "parkir"  # a category the hub does not know
    tap(qtbot, screen, "Kirim")
    qtbot.waitUntil(lambda: controller.page is Page.ERROR, timeout=WAIT_MS)
    assert "Pesan belum terkirim" in screen_texts(screen)
    assert "Isian perintah tidak valid." in screen_texts(screen)
    assert "Traceback" not in screen_texts(screen)
