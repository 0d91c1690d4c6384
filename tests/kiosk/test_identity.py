"""A service limited per person asks the kiosk's visitor for a NIK or phone number (issue 18).

The limit is the hub's (hub/engine/limits.py), for every channel: here the kiosk's
visitor types a NIK on the digit keys, the hub counts it (keeping only its keyed hash),
and a second ticket with the same NIK is refused on screen, in both languages' texts,
with nothing printed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hub.config import parse_config
from tests.hub.harness import HubThread
from tests.kiosk.conftest import kiosk_mall, start_kiosk
from tests.kiosk.screenshot_check import assert_drawn
from tests.kiosk.test_kiosk import tap_button, texts, walk_to_ktp

pytestmark = [pytest.mark.gui, pytest.mark.integration]

NIK = "3672011708900001"


def limited_mall(printer: dict[str, Any]) -> Any:
    """The kiosk test mall whose KTP service allows one open ticket per person."""
    data = kiosk_mall(printer).model_dump(mode="json", exclude_none=True)
    for service in data["services"]:
        if service["id"] == "ktp":
            service["limits"] = {"one_active": True}
            service["requirements"] = {"id": [], "en": []}  # straight to the identity page
    data["hub"]["visitor_secret"] = "uji-rahasia-pengunjung-0123456789"
    return parse_config(data)


def type_digits(qtbot: Any, kiosk: Any, digits: str, page: str = "identity") -> None:
    """Tap the digit keys of a kiosk page (the identity page's, or the link page's)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    keys = {b.text(): b for b in kiosk.window.pages[page].findChildren(QPushButton, "key")}
    for digit in digits:
        qtbot.mouseClick(keys[digit], Qt.MouseButton.LeftButton)


def test_one_open_ticket_per_nik_at_the_kiosk(qtbot: Any, tmp_path: Path) -> None:
    printer = {"backend": "virtual", "folder": "tickets", "paper_mm": 80}
    config = limited_mall(printer)
    with HubThread(config, tmp_path / "hub.db") as hub:
        kiosk = start_kiosk(qtbot, tmp_path, printer, hub, config)
        try:
            walk_to_ktp(qtbot, kiosk)
            tap_button(qtbot, kiosk, "Ambil Nomor Antrean")
            assert kiosk.window.screen_name == "identity", texts(kiosk)
            type_digits(qtbot, kiosk, NIK[:10])
            page = kiosk.window.pages["identity"]
            assert page._take is not None and not page._take.isEnabled()  # 10 of 16 digits
            assert_drawn(kiosk.shot("49-identity-nik-half-typed"))
            type_digits(qtbot, kiosk, NIK[10:])
            assert page._take.isEnabled()
            tap_button(qtbot, kiosk, "Lanjut, Ambil Nomor Antrean")
            qtbot.waitUntil(lambda: len(list(kiosk.folder.glob("*.png"))) == 1, timeout=10_000)
            [ticket] = hub.call(lambda server: list(server.core.engine.tickets.values()))
            assert ticket.nik_hash is not None and NIK not in ticket.nik_hash
            # The same person again: refused by the hub, said on screen, nothing printed.
            qtbot.waitUntil(lambda: not kiosk.flow.busy, timeout=10_000)  # print confirmed
            kiosk.window.go_home()  # the next visitor
            walk_to_ktp(qtbot, kiosk)
            tap_button(qtbot, kiosk, "Ambil Nomor Antrean")
            type_digits(qtbot, kiosk, NIK)
            tap_button(qtbot, kiosk, "Lanjut, Ambil Nomor Antrean")
            qtbot.waitUntil(lambda: "masih memiliki nomor antrean aktif" in texts(kiosk),
                            timeout=10_000)
            assert "Tutup" not in texts(kiosk).splitlines()  # not "closed": it is open
            assert_drawn(kiosk.shot("50-identity-limit-refused"))
            assert len(list(kiosk.folder.glob("*.png"))) == 1
            assert len(hub.call(lambda server: server.core.engine.tickets)) == 1
        finally:
            kiosk.bridge.stop()
            kiosk.printing.shutdown()
