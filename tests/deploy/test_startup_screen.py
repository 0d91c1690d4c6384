"""A device that cannot start says why on its own screen (nobody reads a kiosk's terminal)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from counter_display.common.startup_screen import StartupScreen
from hub.client.startup import _describe_pin
from hub.client.tls import PinMismatch
from tests.kiosk.screenshot_check import assert_drawn

pytestmark = pytest.mark.gui
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "deploy"


def test_a_wrong_certificate_is_explained_on_the_screen(qtbot: QtBot) -> None:
    lines = _describe_pin(PinMismatch("SHA256:" + ":".join(["AB"] * 32),
                                      "SHA256:" + ":".join(["CD"] * 32)))
    screen = StartupScreen(lines, "/etc/antrean/device.toml")
    qtbot.addWidget(screen)
    screen.resize(1280, 720)
    screen.show()
    qtbot.waitExposed(screen)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image = screen.grab().toImage()
    image.save(str(ARTIFACTS / "startup-wrong-certificate.png"))
    assert_drawn(image, name="startup screen")
    shown = [label.text() for label in screen.findChildren(QLabel)]
    assert any(text.startswith("Sertifikat hub tidak cocok") for text in shown)
    assert any("CD:CD" in text and "expected SHA256:AB" in text for text in shown)
