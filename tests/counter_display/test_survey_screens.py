"""The survey tablet's pages are drawn the moment they are shown (no blank screenshot).

The survey's own screenshot test lets Qt process events before each grab; this one
grabs at once, as the simulated day does, and fails on a nearly blank page.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect

from counter_display.survey.flow import Page, SurveyController, Visit
from counter_display.survey.screen import SurveyScreen
from hub.client.qt_bridge import HubBridge
from hub.config import parse_config
from tests.counter_display.screens import ARTIFACTS, WAIT_MS
from tests.hub.harness import FakeClock, HubThread
from tests.kiosk.screenshot_check import assert_drawn

pytestmark = [pytest.mark.gui, pytest.mark.integration]

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "example-mpp.toml"


def shot_now(screen: Any, name: str) -> None:
    """Grab without processing events first; fail if the page below its top 12 % is blank."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image = screen.grab().toImage()
    assert image.save(str(ARTIFACTS / name))
    top = int(image.height() * 0.12)
    assert_drawn(image, QRect(0, top, image.width(), image.height() - top), name)


def test_every_survey_page_is_drawn_when_grabbed_at_once(qtbot: Any, tmp_path: Path) -> None:
    config = parse_config(tomllib.loads(EXAMPLE.read_text(encoding="utf-8")))
    with HubThread(config, tmp_path / "hub.db", FakeClock()) as hub:
        service = config.counter("loket-01").services[0]

        def run(command: Any) -> Any:
            return hub.call(lambda server: server.core.execute(command))

        run(lambda e, at: e.issue_ticket(service, at))
        run(lambda e, at: e.open_counter("loket-01", at, "Rina Marlina"))
        ticket_id = run(lambda e, at: e.call_next("loket-01", at)).response["events"][0][
            "ticket_id"]
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
            shot_now(screen, "survey-idle-at-once.png")
            controller.start(Visit(ticket_id, service))
            shot_now(screen, "survey-question-at-once.png")
            for value in (4, 3, 4, 4, 3, 4, 4, 3, 3):
                controller.answer(value)
            assert controller.page is Page.PROFILE
            shot_now(screen, "survey-profile-at-once.png")
            with qtbot.waitSignal(controller.submitted, timeout=WAIT_MS):
                assert controller.submit()
            shot_now(screen, "survey-thanks-at-once.png")
        finally:
            bridge.stop()
