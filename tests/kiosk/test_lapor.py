"""The SP4N-LAPOR! link on the kiosk's home screen and on every ticket (issue 17).

The QR codes are read back, not trusted: the home screen's by sampling its modules off
the screenshot and comparing them with the QR symbol of the configured URL, the
ticket's from the ESC/POS bytes the printer got, and from the ticket image.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hub.config import parse_config
from tests.factories import small_mall_data
from tests.hub.harness import HubThread
from tests.kiosk.conftest import ARTIFACTS, kiosk_mall, start_kiosk
from tests.kiosk.screenshot_check import assert_drawn
from tests.kiosk.test_kiosk import take_a_ticket, tap_button, texts, walk_to_ktp

pytestmark = [pytest.mark.gui, pytest.mark.integration]

CITY_LAPOR = "https://www.lapor.go.id/instansi/pemerintah-kota-uji"
CITY_TEXT = {"id": "Lapor! Pengaduan warga Kota Uji", "en": "Lapor! Citizens' complaints"}
FILE_PRINTER = {"backend": "file", "path": "printer.bin", "paper_mm": 80}


def city_mall(printer: dict[str, Any]) -> Any:
    """The kiosk test mall with its own LAPOR! page and text."""
    data = kiosk_mall(printer).model_dump(mode="json", exclude_none=True)
    data["mpp"]["complaints"]["lapor_url"] = CITY_LAPOR
    data["mpp"]["complaints"]["lapor_text"] = CITY_TEXT
    return parse_config(data)


def qr_modules_on_screen(label: Any) -> list[list[bool]]:
    """Read the QR symbol a label shows: the colour at the centre of each module."""
    import qrcode

    code = qrcode.QRCode(border=2, box_size=10)
    code.add_data(label.toolTip())
    code.make(fit=True)
    cells = len(code.get_matrix())
    image = label.grab().toImage()
    pixmap = label.pixmap()
    side = pixmap.width()
    left = (label.width() - side) // 2
    top = (label.height() - pixmap.height()) // 2
    step = side / cells
    return [[image.pixelColor(int(left + (x + 0.5) * step),
                              int(top + (y + 0.5) * step)).lightness() < 128
             for x in range(cells)] for y in range(cells)]


def expected_modules(payload: str) -> list[list[bool]]:
    import qrcode

    code = qrcode.QRCode(border=2, box_size=10)
    code.add_data(payload)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def test_the_home_screen_shows_the_configured_lapor_qr_and_text(
    qtbot: Any, tmp_path: Path,
) -> None:
    from PySide6.QtWidgets import QLabel

    printer = {"backend": "virtual", "folder": "tickets", "paper_mm": 80}
    config = city_mall(printer)
    with HubThread(config, tmp_path / "hub.db") as hub:
        kiosk = start_kiosk(qtbot, tmp_path, printer, hub, config)
        try:
            assert kiosk.window.screen_name == "welcome"
            assert CITY_TEXT["id"] in texts(kiosk)
            assert "Pindai dengan ponsel untuk menyampaikan pengaduan" in texts(kiosk)
            [qr] = [w for w in kiosk.window.findChildren(QLabel, "laporQr") if w.isVisible()]
            assert qr_modules_on_screen(qr) == expected_modules(CITY_LAPOR)
            assert qr_modules_on_screen(qr) != expected_modules("https://www.lapor.go.id")
            inside = qr.mapTo(kiosk.window, qr.rect().bottomRight())
            assert inside.y() < kiosk.window.height() and inside.x() < kiosk.window.width()
            path = kiosk.shot("30-home-lapor-qr")
            assert_drawn(path)
            tap_button(qtbot, kiosk, "English")
            assert CITY_TEXT["en"] in texts(kiosk)
            assert "Scan with your phone to file a complaint" in texts(kiosk)
            kiosk.shot("31-home-lapor-qr-en")
            tap_button(qtbot, kiosk, "Bahasa Indonesia")
            walk_to_ktp(qtbot, kiosk)
            take_a_ticket(qtbot, kiosk)
            qtbot.waitUntil(lambda: bool(list(kiosk.folder.glob("*.png"))), timeout=10_000)
        finally:
            kiosk.bridge.stop()
            kiosk.printing.shutdown()
    [png] = sorted(kiosk.folder.glob("*.png"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "32-ticket-with-lapor-qr.png").write_bytes(png.read_bytes())


def test_the_printed_ticket_carries_the_lapor_qr_and_its_text(
    qtbot: Any, tmp_path: Path,
) -> None:
    from ticket_printer import decode

    config = city_mall(FILE_PRINTER)
    with HubThread(config, tmp_path / "hub.db") as hub:
        kiosk = start_kiosk(qtbot, tmp_path, FILE_PRINTER, hub, config)
        try:
            tap_button(qtbot, kiosk, "English")
            walk_to_ktp(qtbot, kiosk, "en")
            take_a_ticket(qtbot, kiosk, "Take a Queue Number")
            qtbot.waitUntil(lambda: "A-001" in texts(kiosk), timeout=10_000)
        finally:
            kiosk.bridge.stop()
            kiosk.printing.shutdown()
    decoded = decode((tmp_path / "printer.bin").read_bytes(), width_dots=576)
    assert decoded.warnings == ()
    status, lapor = decoded.qr_codes
    assert status.payload == "https://mpp.test/t/2026-11-23/A-001"
    assert lapor.payload == CITY_LAPOR
    assert lapor.module_size < status.module_size
    assert " ".join(decoded.texts).endswith(CITY_TEXT["en"])  # in the visitor's language


def test_the_default_lapor_link_is_the_national_one() -> None:
    config = parse_config(small_mall_data())
    assert config.mpp.complaints.lapor_url == "https://www.lapor.go.id"
    assert config.mpp.complaints.lapor_text.id.startswith("Pengaduan dan aspirasi: SP4N-LAPOR!")
    assert [c.id for c in config.mpp.complaints.categories][:2] == ["pelayanan", "waktu"]


def test_the_home_screen_offers_the_phone_join_page_on_the_lan_address_only(
    qtbot: Any, tmp_path: Path,
) -> None:
    """Issue 18: "queue from your phone" next to LAPOR!, a QR of the hub's /ambil — and
    none when phones cannot reach the hub (no public address) or the mall does not offer it."""
    from PySide6.QtWidgets import QLabel

    printer = {"backend": "virtual", "folder": "tickets", "paper_mm": 80}
    data = city_mall(printer).model_dump(mode="json", exclude_none=True)
    data["queue"]["phone_join"] = True
    data["hub"]["visitor_secret"] = "uji-rahasia-pengunjung-0123456789"
    data["mpp"]["public_url"] = "https://10.20.0.1:8765"
    config = parse_config(data)
    with HubThread(config, tmp_path / "hub.db") as hub:
        kiosk = start_kiosk(qtbot, tmp_path, printer, hub, config)
        try:
            [join] = [w for w in kiosk.window.findChildren(QLabel, "phoneJoinQr")
                      if w.isVisible()]
            assert qr_modules_on_screen(join) == expected_modules("https://10.20.0.1:8765/ambil")
            assert "Antre dari HP Anda" in texts(kiosk)
            [lapor] = [w for w in kiosk.window.findChildren(QLabel, "laporQr") if w.isVisible()]
            assert qr_modules_on_screen(lapor) == expected_modules(CITY_LAPOR)
            for qr in (join, lapor):
                corner = qr.mapTo(kiosk.window, qr.rect().bottomRight())
                assert corner.y() < kiosk.window.height() and corner.x() < kiosk.window.width()
            assert_drawn(kiosk.shot("48-home-phone-join-qr"))
        finally:
            kiosk.bridge.stop()
            kiosk.printing.shutdown()
    from kiosk.pages import phone_join_url

    assert phone_join_url(city_mall(printer)) is None  # phone joining not offered
    data["mpp"]["public_url"] = None
    data["hub"]["host"] = "127.0.0.1"
    assert phone_join_url(parse_config(data)) is None  # loopback: no phone reaches it
