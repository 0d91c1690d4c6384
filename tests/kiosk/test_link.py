"""A second ticket for the same visit, taken at the kiosk with the first one's number
(issue 17): the hub links it (ticket_issued.journey_id) and the report counts one journey;
a number that does not exist today is refused on screen with nothing printed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.hub.harness import HubThread
from tests.kiosk.conftest import kiosk_mall, start_kiosk
from tests.kiosk.screenshot_check import assert_drawn
from tests.kiosk.test_identity import type_digits
from tests.kiosk.test_kiosk import take_a_ticket, tap_button, texts, walk_to_ktp

pytestmark = [pytest.mark.gui, pytest.mark.integration]


def link_number(qtbot: Any, kiosk: Any, prefix: str, digits: str) -> None:
    """On the detail page: "Lanjutan dari nomor antrean lain?", then the number."""
    tap_button(qtbot, kiosk, "Lanjutan dari nomor antrean lain?")
    assert kiosk.window.screen_name == "link"
    tap_button(qtbot, kiosk, prefix)
    type_digits(qtbot, kiosk, digits, page="link")


def test_a_second_ticket_continues_the_first_visit(qtbot: Any, tmp_path: Path) -> None:
    printer = {"backend": "virtual", "folder": "tickets", "paper_mm": 80}
    config = kiosk_mall(printer)
    with HubThread(config, tmp_path / "hub.db") as hub:
        kiosk = start_kiosk(qtbot, tmp_path, printer, hub, config)
        try:
            walk_to_ktp(qtbot, kiosk)
            take_a_ticket(qtbot, kiosk)  # A-001, the visit's first ticket
            qtbot.waitUntil(lambda: len(list(kiosk.folder.glob("*.png"))) == 1, timeout=10_000)
            qtbot.waitUntil(lambda: not kiosk.flow.busy, timeout=10_000)
            kiosk.window.go_home()
            walk_to_ktp(qtbot, kiosk)
            link_number(qtbot, kiosk, "A", "1")
            assert kiosk.window.pages["link"].chosen() == "A-001"
            assert_drawn(kiosk.shot("51-link-earlier-ticket"))
            tap_button(qtbot, kiosk, "Gunakan nomor ini")
            assert kiosk.window.screen_name == "detail"
            assert "Melanjutkan kunjungan nomor A-001" in texts(kiosk)
            assert_drawn(kiosk.shot("52-detail-continuing-a-001"))
            take_a_ticket(qtbot, kiosk)
            qtbot.waitUntil(lambda: len(list(kiosk.folder.glob("*.png"))) == 2, timeout=10_000)
            second = hub.call(lambda server: server.core.engine.ticket("A-002"))
            assert second.journey_id == hub.call(
                lambda server: server.core.engine.ticket("A-001")).ticket_id
            qtbot.waitUntil(lambda: not kiosk.flow.busy, timeout=10_000)
            # A number nobody holds today: the hub's words, nothing printed.
            kiosk.window.go_home()
            walk_to_ktp(qtbot, kiosk)
            link_number(qtbot, kiosk, "A", "77")
            tap_button(qtbot, kiosk, "Gunakan nomor ini")
            take_a_ticket(qtbot, kiosk)
            qtbot.waitUntil(lambda: "Nomor antrean tidak ditemukan hari ini." in texts(kiosk),
                            timeout=10_000)
            assert len(list(kiosk.folder.glob("*.png"))) == 2
        finally:
            kiosk.bridge.stop()
            kiosk.printing.shutdown()


def test_the_link_page_needs_letters_and_a_number(qtbot: Any, tmp_path: Path) -> None:
    from kiosk.link import LinkPage, ticket_label

    page = LinkPage(1.0)
    qtbot.addWidget(page)
    page.show_link(kiosk_mall({"backend": "virtual", "folder": "t"}), "id", lambda _: None)
    assert page.chosen() is None
    page.key("1")
    assert page.chosen() is None  # no letters yet
    page.choose("A")
    page.key("2")
    assert page.chosen() == "A-012"
    page.key("\x1b")
    page.key("0")
    assert page.chosen() is None  # zero is no ticket
    assert ticket_label("BN", "7") == "BN-007" and ticket_label("A", "1234") == "A-1234"
