"""The SKM survey tablet against a real hub on loopback (pytest-qt, offscreen)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_display.survey import wording
from counter_display.survey.flow import Form, Page, SurveyController, Visit
from counter_display.survey.screen import SurveyScreen
from hub import protocol as p
from hub.client.qt_bridge import HubBridge
from hub.config import MallConfig, parse_config
from hub.core import CommandRefused
from hub.hub_messages import parse_hub_message
from tests.counter_display import conftest
from tests.counter_display.conftest import Connect, Issue, mall_data
from tests.counter_display.screens import ARTIFACTS
from tests.hub.harness import FakeClock, HubThread

pytestmark = [pytest.mark.gui, pytest.mark.integration]

WAIT_MS = 10_000
SURVEY_TOKEN = "survey-c1-token-for-tests"
ANSWERS = [4, 3, 4, 4, 3, 4, 4, 3, 3]


@pytest.fixture
def mall(monkeypatch: pytest.MonkeyPatch) -> MallConfig:
    """The test mall with a survey tablet at counter c1."""
    data = mall_data()
    data["devices"].append({"id": "survey-c1", "role": "survey", "counter": "c1",
                            "token": SURVEY_TOKEN})
    monkeypatch.setitem(conftest.DEVICE_TOKENS, "survey-c1", SURVEY_TOKEN)
    return parse_config(data)


Counter = Callable[..., Any]


@pytest.fixture
def counter(qtbot: Any, connect: Connect) -> Counter:
    """Send a command as counter c1's terminal; return its result (fail on refusal)."""
    bridge = connect("counter-c1")

    def send(kind: type[p.Request], **fields: Any) -> Any:
        tokens: list[str] = []
        with qtbot.waitSignal(bridge.requestFinished, timeout=WAIT_MS,
                              check_params_cb=lambda t, *_: t in tokens) as answer:
            tokens.append(bridge.send(kind, **fields))
        assert answer.args[2] is None, answer.args[2]
        return answer.args[1]

    return send


def open_tablet(qtbot: Any, connect: Connect, mall: MallConfig,
                idle_timeout_ms: int = 60_000) -> SurveyScreen:
    """The survey screen of survey-c1, online and idle."""
    bridge = connect("survey-c1")
    controller = SurveyController(bridge, mall, "c1", idle_timeout_ms=idle_timeout_ms,
                                  thanks_ms=300)
    screen = SurveyScreen(controller)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: controller.online, timeout=WAIT_MS)
    return screen


def serve_one(counter: Counter, issue: Issue, service: str = "ktp") -> str:
    """Issue a ticket, call and finish it at c1; return its ticket id."""
    issue(service)
    called = counter(p.CallNext)
    ticket_id = str(called.events[0]["ticket_id"])
    counter(p.Finish)
    return ticket_id


def rate_everything(qtbot: Any, screen: SurveyScreen, answers: list[int]) -> None:
    """Tap a face for each of the nine elements."""
    for index, value in enumerate(answers):
        assert screen.controller.index == index
        assert screen.element.text().startswith(wording.ELEMENTS[index].code)
        qtbot.mouseClick(screen.faces[value - 1], Qt.MouseButton.LeftButton)
    assert screen.controller.page is Page.PROFILE


def test_a_finish_at_its_counter_opens_the_survey_and_the_answers_are_stored(
        qtbot: Any, connect: Connect, mall: MallConfig, hub: HubThread, counter: Counter,
        issue: Issue) -> None:
    screen = open_tablet(qtbot, connect, mall)
    c = screen.controller
    assert c.page is Page.IDLE and screen.idle_title.text() == "Terima kasih"
    assert "MPP Uji" in screen.idle_mpp.text()
    counter(p.OpenCounter, staff="Rina")

    ticket_id = serve_one(counter, issue)
    qtbot.waitUntil(lambda: c.page is Page.QUESTION, timeout=WAIT_MS)
    assert c.visit is not None and c.visit.ticket_id == ticket_id
    assert "A-001" in screen.top_ticket.text() and "Layanan ktp" in screen.top_ticket.text()
    assert screen.faces[0].text() == "Tidak baik" and screen.faces[3].text() == "Sangat baik"

    qtbot.mouseClick(screen.faces[2], Qt.MouseButton.LeftButton)  # U1: Baik
    qtbot.mouseClick(screen.back, Qt.MouseButton.LeftButton)
    assert c.index == 0 and screen.faces[2].isChecked()  # the answer is kept on the way back
    rate_everything(qtbot, screen, ANSWERS)
    assert screen.pages.currentWidget() is screen.profile_page
    qtbot.mouseClick(screen.profile.chips["age_band"][2], Qt.MouseButton.LeftButton)  # 30-39
    qtbot.mouseClick(screen.profile.chips["gender"][1], Qt.MouseButton.LeftButton)  # P
    qtbot.mouseClick(screen.profile.chips["gender"][1], Qt.MouseButton.LeftButton)  # cleared again
    qtbot.mouseClick(screen.profile.chips["gender"][0], Qt.MouseButton.LeftButton)  # L
    qtbot.keyClicks(screen.profile.comment, "Petugas ramah.")
    with qtbot.waitSignal(c.submitted, timeout=WAIT_MS):
        qtbot.mouseClick(screen.submit, Qt.MouseButton.LeftButton)
    assert c.page is Page.THANKS
    assert screen.message_title.text() == "Terima kasih atas penilaian Anda!"
    qtbot.waitUntil(lambda: c.page is Page.IDLE, timeout=WAIT_MS)  # back by itself

    assert hub.call(lambda s: ticket_id in s.core.engine.surveyed)
    row = hub.call(lambda s: s.core.log.connection.execute(
        "SELECT u1, u2, u3, u4, u5, u6, u7, u8, u9, age_band, gender, comment "
        "FROM surveys WHERE survey_id = ?", (ticket_id,)).fetchone())
    assert list(row[:9]) == ANSWERS
    assert tuple(row[9:]) == ("30-39", "L", "Petugas ramah.")


def test_a_second_survey_for_the_same_visit_is_refused_plainly(
        qtbot: Any, connect: Connect, mall: MallConfig, hub: HubThread, counter: Counter,
        issue: Issue) -> None:
    screen = open_tablet(qtbot, connect, mall)
    c = screen.controller
    counter(p.OpenCounter, staff="Rina")
    serve_one(counter, issue)
    qtbot.waitUntil(lambda: c.page is Page.QUESTION, timeout=WAIT_MS)
    visit = c.visit
    assert visit is not None
    rate_everything(qtbot, screen, ANSWERS)
    with qtbot.waitSignal(c.submitted, timeout=WAIT_MS):
        c.submit()
    qtbot.waitUntil(lambda: c.page is Page.IDLE, timeout=WAIT_MS)

    c.start(visit)  # the same visit again (as if the event came twice)
    rate_everything(qtbot, screen, [1] * 9)
    c.submit()
    qtbot.waitUntil(lambda: c.page is Page.ERROR, timeout=WAIT_MS)
    assert c.error is not None and c.error.code == "illegal_move"
    assert screen.message_text.text() == "Kunjungan ini sudah dinilai. Terima kasih."
    assert screen.retry.isHidden() and not screen.done.isHidden()
    qtbot.mouseClick(screen.done, Qt.MouseButton.LeftButton)
    assert c.page is Page.IDLE
    count = hub.call(lambda s: s.core.log.connection.execute(
        "SELECT count(*) FROM surveys").fetchone()[0])
    assert count == 1


def test_an_untouched_survey_is_abandoned_and_other_counters_do_not_start_one(
        qtbot: Any, connect: Connect, mall: MallConfig, hub: HubThread, counter: Counter,
        issue: Issue) -> None:
    screen = open_tablet(qtbot, connect, mall, idle_timeout_ms=400)
    c = screen.controller
    other = connect("counter-c2")
    for kind in (p.OpenCounter, p.CallNext, p.Finish):
        if kind is p.CallNext:
            issue("kk")
        with qtbot.waitSignal(other.requestFinished, timeout=WAIT_MS):
            other.send(kind)
    counter(p.OpenCounter, staff="Rina")
    serve_one(counter, issue)  # the event for c2's finish came first: only this one counts
    qtbot.waitUntil(lambda: c.page is Page.QUESTION, timeout=WAIT_MS)
    assert c.visit is not None and c.visit.label == "A-001"
    qtbot.mouseClick(screen.faces[3], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.page is Page.IDLE, timeout=WAIT_MS)  # nobody touched it since
    assert not hub.call(lambda s: s.core.engine.surveyed)


def test_english_toggle_and_a_finish_while_answering_waits_its_turn(
        qtbot: Any, connect: Connect, mall: MallConfig, counter: Counter, issue: Issue) -> None:
    screen = open_tablet(qtbot, connect, mall)
    c = screen.controller
    counter(p.OpenCounter, staff="Rina")
    serve_one(counter, issue)
    qtbot.waitUntil(lambda: c.page is Page.QUESTION, timeout=WAIT_MS)
    qtbot.mouseClick(screen.language, Qt.MouseButton.LeftButton)
    assert c.lang == "en" and screen.faces[3].text() == "Very good"
    assert screen.element.text() == "U1 · Requirements"
    qtbot.mouseClick(screen.faces[1], Qt.MouseButton.LeftButton)

    second = serve_one(counter, issue)  # the next visitor finished meanwhile
    qtbot.waitUntil(lambda: c.queued is not None, timeout=WAIT_MS)
    assert c.visit is not None and c.visit.label == "A-001" and c.index == 1
    qtbot.mouseClick(screen.cancel, Qt.MouseButton.LeftButton)
    assert c.page is Page.QUESTION and c.visit.ticket_id == second and c.lang == "id"


def test_an_offline_submission_can_be_retried_with_the_same_answers(qtbot: Any,
                                                                   mall: MallConfig) -> None:
    bridge = HubBridge("ws://127.0.0.1:9", "survey-c1", SURVEY_TOKEN)  # never started
    controller = SurveyController(bridge, mall, "c1")
    screen = SurveyScreen(controller)
    qtbot.addWidget(screen)
    controller.on_message(parse_hub_message({"type": "event", "seq": 1, "prev_seq": 0,
                                             "event": {
        "type": "ticket_finished", "ticket_id": "2026-11-23/A-004", "counter_id": "c1",
        "service_id": "ktp"}}))
    for value in ANSWERS:
        controller.answer(value)
    assert controller.submit()
    assert controller.page is Page.ERROR and controller.error is not None
    assert not screen.retry.isHidden()  # offline: worth trying again
    assert not screen.offline.isHidden()
    assert controller.form.answers == ANSWERS


def test_the_form_sends_only_what_was_given() -> None:
    form = Form()
    for index, value in enumerate(ANSWERS):
        form.answers[index] = value
    form.profile = {"age_band": "30-39", "gender": None}
    form.comment = "  Antrean   cepat.  "
    assert form.payload("t-1") == {"ticket_id": "t-1", "answers": ANSWERS,
                                   "age_band": "30-39", "comment": "Antrean cepat."}
    assert wording.label_of("2026-11-23/B-012") == "B-012"
    assert len(wording.ELEMENTS) == 9 and wording.ELEMENTS[7].code == "U8"


def test_screenshots_of_the_survey_tablet(qtbot: Any, tmp_path: Path) -> None:
    """Idle, a question, the profile and the thank-you page at 1280×800 (example MPP)."""
    example = Path(__file__).resolve().parents[2] / "config" / "example-mpp.toml"
    config = parse_config(tomllib.loads(example.read_text(encoding="utf-8")))
    clock = FakeClock()
    with HubThread(config, tmp_path / "hub.db", clock) as hub:
        service = config.counter("loket-01").services[0]

        def run(command: Any) -> Any:
            return hub.run(lambda server: server.execute(command))

        run(lambda e, at: e.issue_ticket(service, at))
        run(lambda e, at: e.open_counter("loket-01", at, "Rina Marlina"))
        try:
            called = run(lambda e, at: e.call_next("loket-01", at))
        except CommandRefused as refused:  # pragma: no cover - the example is open on Mondays
            raise AssertionError(refused) from None
        ticket_id = called.response["events"][0]["ticket_id"]
        run(lambda e, at: e.finish("loket-01", at))

        bridge = HubBridge(hub.url, "survey-loket-01", config.device("survey-loket-01").token)
        try:
            bridge.start()
            controller = SurveyController(bridge, config, "loket-01", thanks_ms=60_000)
            screen = SurveyScreen(controller)
            qtbot.addWidget(screen)
            screen.resize(1280, 800)
            screen.show()
            qtbot.waitUntil(lambda: controller.online, timeout=WAIT_MS)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)

            def save(name: str) -> None:
                QApplication.processEvents()  # let the page's layout settle before the grab
                assert screen.grab().save(str(ARTIFACTS / name))

            save("survey-idle.png")
            controller.start(Visit(ticket_id, service))
            for value in (4, 3):
                controller.answer(value)
            save("survey-question.png")
            controller.toggle_language()
            save("survey-question-en.png")
            controller.toggle_language()
            for value in (4, 4, 3, 4, 4):
                controller.answer(value)
            controller.back()
            for value in (4, 3, 3):
                controller.answer(value)
            assert controller.page is Page.PROFILE
            controller.set_profile("age_band", "30-39")
            controller.set_profile("gender", "P")
            controller.set_comment("Petugas ramah, antrean cepat.")
            qtbot.waitUntil(lambda: screen.profile.wide is True, timeout=WAIT_MS)
            save("survey-profile.png")
            with qtbot.waitSignal(controller.submitted, timeout=WAIT_MS):
                assert controller.submit()
            save("survey-thanks.png")
            controller.start(Visit(ticket_id, service))
            for value in ANSWERS:
                controller.answer(value)
            controller.submit()
            qtbot.waitUntil(lambda: controller.page is Page.ERROR, timeout=WAIT_MS)
            save("survey-already-rated.png")
        finally:
            bridge.stop()
    for name in ("idle", "question", "profile", "thanks"):
        assert (ARTIFACTS / f"survey-{name}.png").stat().st_size > 10_000



def test_the_survey_command_line(capsys: Any, caplog: Any) -> None:
    from counter_display import cli

    with pytest.raises(SystemExit) as done:
        cli.main(["survey", "--help"])
    assert done.value.code == 0
    assert "--idle-timeout" in capsys.readouterr().out
    example = Path(__file__).resolve().parents[2] / "config" / "example-mpp.toml"
    assert cli.main(["survey", "--config", str(example), "--device", "supervisor"]) == 1
    assert "role = 'survey'" in caplog.text and "survey-loket-01" in caplog.text
