"""The kiosk's "Sudah membawa…?" before the ticket, against a real hub on loopback.

The list is the service's published requirements — the same the counter ticks when
documents are missing. It advises only: the ticket can be taken with some unticked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt

from hub.config import MallConfig, parse_config
from tests.factories import small_mall_data
from tests.hub.harness import HubThread
from tests.kiosk.conftest import Kiosk, start_kiosk
from tests.kiosk.screenshot_check import assert_drawn
from tests.kiosk.test_kiosk import tap_button, tap_tile, texts, walk_to_ktp

pytestmark = [pytest.mark.gui, pytest.mark.integration]

PRINTER = {"backend": "virtual", "folder": "tickets", "paper_mm": 80}
KTP = {"id": ["KTP-el lama atau surat kehilangan", "Fotokopi Kartu Keluarga",
              "Surat pengantar RT/RW"],
       "en": ["Old e-ID card or a loss report", "Copy of the family card",
              "Cover letter from the RT/RW"]}


def _mall() -> MallConfig:
    data = small_mall_data()
    data["mpp"].update(name="Mal Pelayanan Publik Kota Uji",
                       status_url="https://mpp.test/t/{ticket_id}")
    data["services"][0]["requirements"] = KTP
    data["services"][1]["requirements"] = {"id": []}  # kk: nothing to bring
    for device in data["devices"]:
        if device["id"] == "kiosk-1":
            device["printer"] = PRINTER
    return parse_config(data)


@pytest.fixture
def kiosk(qtbot: Any, tmp_path: Path) -> Iterator[Kiosk]:
    mall = _mall()
    with HubThread(mall, tmp_path / "hub.db") as hub:
        running = start_kiosk(qtbot, tmp_path, PRINTER, hub, mall)
        try:
            yield running
        finally:
            running.bridge.stop()
            running.printing.shutdown()


def _checked_shot(kiosk: Kiosk, name: str) -> Path:
    """Save the screen and fail if it is nearly blank below the header."""
    path = kiosk.shot(name)
    top = int(kiosk.window.height() * 0.12)
    assert_drawn(path, QRect(0, top, kiosk.window.width(), kiosk.window.height() - top * 2),
                 name)
    return path


def test_the_precheck_lists_the_requirements_and_then_prints(qtbot: Any, kiosk: Kiosk) -> None:
    walk_to_ktp(qtbot, kiosk)
    tap_button(qtbot, kiosk, "Ambil Nomor Antrean")
    assert kiosk.window.screen_name == "precheck"
    shown = texts(kiosk)
    assert "Sudah membawa…?" in shown and "Did you bring…?" in shown
    for text_id, text_en in zip(KTP["id"], KTP["en"], strict=True):
        assert text_id in shown and text_en in shown
    assert "Belum dibawa: 3" in shown
    assert kiosk.hub_engine().tickets == {}  # nothing taken yet
    page = kiosk.window.pages["precheck"]
    qtbot.mouseClick(page.toggles[1], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(kiosk.window.pages["precheck"].toggles[0], Qt.MouseButton.LeftButton)
    assert kiosk.window.brought == {0, 1}
    assert "Belum dibawa: 1" in texts(kiosk)
    assert "○  Surat pengantar RT/RW" in texts(kiosk)
    assert "✓  Fotokopi Kartu Keluarga" in texts(kiosk)
    _checked_shot(kiosk, "46-precheck-id")

    qtbot.mouseClick(kiosk.window.pages["precheck"].toggles[2], Qt.MouseButton.LeftButton)
    assert "Semua persyaratan sudah dibawa." in texts(kiosk)
    tap_button(qtbot, kiosk, "Ya, Ambil Nomor Antrean")
    qtbot.waitUntil(lambda: "A-001" in texts(kiosk), timeout=10_000)
    assert [t.label for t in kiosk.hub_engine().tickets.values()] == ["A-001"]
    assert len(list(kiosk.folder.glob("*.png"))) == 1


def test_not_yet_goes_back_without_a_ticket_and_english_reads_english(
        qtbot: Any, kiosk: Kiosk) -> None:
    tap_button(qtbot, kiosk, "English")
    walk_to_ktp(qtbot, kiosk, "en")
    tap_button(qtbot, kiosk, "Take a Queue Number")
    shown = texts(kiosk)
    assert "Did you bring…?" in shown and "Copy of the family card" in shown
    assert "Not with you: 3" in shown
    _checked_shot(kiosk, "47-precheck-en")
    tap_button(qtbot, kiosk, "Not yet, go back")
    assert kiosk.window.screen_name == "detail"
    assert kiosk.hub_engine().tickets == {}
    tap_button(qtbot, kiosk, "Take a Queue Number")  # starts afresh: nothing ticked
    assert kiosk.window.brought == set() and "Not with you: 3" in texts(kiosk)
    tap_button(qtbot, kiosk, "Take a Queue Number")  # taken with documents missing
    qtbot.waitUntil(lambda: "A-001" in texts(kiosk), timeout=10_000)


def test_a_service_with_nothing_to_bring_prints_at_once(qtbot: Any, kiosk: Kiosk) -> None:
    tap_button(qtbot, kiosk, "Sentuh")
    tap_tile(qtbot, kiosk, "Dukcapil")
    tap_tile(qtbot, kiosk, "Layanan kk")
    tap_button(qtbot, kiosk, "Ambil Nomor Antrean")
    assert kiosk.window.screen_name != "precheck"
    qtbot.waitUntil(lambda: "B-001" in texts(kiosk), timeout=10_000)
