"""The kiosk as a visitor uses it: tap tenant → service → ticket, against a real hub."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from kiosk.widgets import Tile
from tests.hub.harness import HubThread
from tests.kiosk.conftest import Kiosk, kiosk_mall, start_kiosk

pytestmark = [pytest.mark.gui, pytest.mark.integration]


def texts(kiosk: Kiosk) -> str:
    """All text currently visible in the window, to check what the visitor reads."""
    page = kiosk.window.stack.currentWidget()
    labels = [w.text() for w in page.findChildren(QLabel) if w.isVisibleTo(kiosk.window)]
    buttons = [w.text() for w in page.findChildren(QPushButton) if w.isVisibleTo(kiosk.window)]
    return "\n".join(labels + buttons)


def tap_tile(qtbot: Any, kiosk: Kiosk, containing: str) -> None:
    """Tap the tile whose text contains `containing`."""
    page = kiosk.window.stack.currentWidget()
    for tile in page.findChildren(Tile):
        words = " ".join(label.text() for label in tile.findChildren(QLabel))
        if containing in words:
            qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
            return
    raise AssertionError(f"no tile with {containing!r} in:\n{texts(kiosk)}")


def tap_button(qtbot: Any, kiosk: Kiosk, text: str) -> QPushButton:
    page = kiosk.window.stack.currentWidget()
    for button in page.findChildren(QPushButton):
        if text in button.text():
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            return button
    raise AssertionError(f"no button {text!r} in:\n{texts(kiosk)}")


def take_button(kiosk: Kiosk) -> QPushButton:
    """The big "Ambil Nomor Antrean" button on the detail page."""
    page = kiosk.window.stack.currentWidget()
    return next(b for b in page.findChildren(QPushButton) if "Ambil" in b.text())


def take_a_ticket(qtbot: Any, kiosk: Kiosk, text: str = "Ambil Nomor Antrean") -> QPushButton:
    """Tap the detail page's big button, then the pre-check's ("Sudah membawa…?")."""
    tap_button(qtbot, kiosk, text)
    assert kiosk.window.screen_name == "precheck", texts(kiosk)
    return tap_button(qtbot, kiosk, text)


def walk_to_ktp(qtbot: Any, kiosk: Kiosk, language: str = "id") -> None:
    tap_button(qtbot, kiosk, "Touch" if language == "en" else "Sentuh")
    tap_tile(qtbot, kiosk, "Dukcapil")
    tap_tile(qtbot, kiosk, "ktp" if language == "id" else "Service ktp")


def test_visitor_takes_a_ticket_and_it_is_in_the_hub_and_printed(qtbot: Any,
                                                                 kiosk: Kiosk) -> None:
    kiosk.shot("01-welcome-id")
    tap_button(qtbot, kiosk, "Sentuh")
    assert kiosk.window.screen_name == "tenants"
    kiosk.shot("02-tenants-id")
    tap_tile(qtbot, kiosk, "Dukcapil")
    kiosk.shot("03-services-id")
    tap_tile(qtbot, kiosk, "Layanan ktp")
    assert kiosk.window.screen_name == "detail"
    shown = texts(kiosk)
    assert "Persyaratan" in shown and "KTP-el" in shown and "Gratis" in shown
    kiosk.shot("04-detail-id")
    detail_take = tap_button(qtbot, kiosk, "Ambil Nomor Antrean")
    qtbot.mouseClick(detail_take, Qt.MouseButton.LeftButton)  # a double tap: nothing more
    assert kiosk.window.screen_name == "precheck"
    take = tap_button(qtbot, kiosk, "Ambil Nomor Antrean")
    qtbot.mouseClick(take, Qt.MouseButton.LeftButton)  # an impatient double tap
    qtbot.waitUntil(lambda: "A-001" in texts(kiosk), timeout=10_000)
    kiosk.shot("05-done-id")
    assert "Nomor antrean Anda" in texts(kiosk)
    engine = kiosk.hub_engine()
    assert [t.label for t in engine.tickets.values()] == ["A-001"]  # one ticket, not two
    pngs = sorted(kiosk.folder.glob("*.png"))
    assert len(pngs) == 1 and "A-001" in pngs[0].name


def test_english_visitor_sees_english_everywhere(qtbot: Any, kiosk: Kiosk) -> None:
    tap_button(qtbot, kiosk, "English")
    kiosk.shot("06-welcome-en")
    walk_to_ktp(qtbot, kiosk, "en")
    shown = texts(kiosk)
    assert "Requirements" in shown and "Take a Queue Number" in shown
    assert "Persyaratan" not in shown
    kiosk.shot("07-detail-en")
    take_a_ticket(qtbot, kiosk, "Take a Queue Number")
    qtbot.waitUntil(lambda: "Your queue number" in texts(kiosk), timeout=10_000)
    kiosk.shot("08-done-en")
    kiosk.window.go_home()
    assert kiosk.window.language == "id"


def test_closed_service_says_why_and_when_it_opens(qtbot: Any, kiosk: Kiosk) -> None:
    tap_button(qtbot, kiosk, "Sentuh")
    tap_tile(qtbot, kiosk, "KPP")  # the tax office serves on Tuesday and Thursday
    kiosk.shot("09-services-closed-id")
    tap_tile(qtbot, kiosk, "npwp")
    shown = texts(kiosk)
    assert "tidak buka hari ini" in shown and "Selasa" in shown
    assert not take_button(kiosk).isEnabled()
    kiosk.shot("10-detail-closed-id")


def test_priority_visitor_gets_a_priority_ticket(qtbot: Any, kiosk: Kiosk) -> None:
    walk_to_ktp(qtbot, kiosk)
    tap_button(qtbot, kiosk, "Lansia")
    take_a_ticket(qtbot, kiosk)
    qtbot.waitUntil(lambda: "A-001" in texts(kiosk), timeout=10_000)
    engine = kiosk.hub_engine()
    assert engine.ticket("A-001").priority_kind == "lansia"


def shown_tiles(kiosk: Kiosk) -> list[str]:
    """The text of every service or tenant tile on the current page, in order."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()  # a rebuilt list is laid out and shown by the event loop
    page = kiosk.window.stack.currentWidget()
    return [" ".join(label.text() for label in tile.findChildren(QLabel))
            for tile in page.findChildren(Tile) if tile.isVisibleTo(kiosk.window)]


def test_search_finds_a_service_with_the_touch_keyboard(qtbot: Any, kiosk: Kiosk) -> None:
    tap_button(qtbot, kiosk, "Sentuh")
    kiosk.window.open_search()
    broader: list[str] = []
    for key in "PBG":
        keys = [b for b in kiosk.window.stack.currentWidget().findChildren(QPushButton)
                if b.text() == key]
        qtbot.mouseClick(keys[0], Qt.MouseButton.LeftButton)
        if key == "P":
            broader = shown_tiles(kiosk)  # "P" matches more than the building permit
    assert kiosk.window.pages["search"].query == "PBG"
    found = shown_tiles(kiosk)
    # Only what matches is left: the building permit, not the KTP or the tax services.
    assert len(found) == 1 and "Layanan pbg" in found[0], found
    assert len(broader) > len(found) and any("pbg" not in t for t in broader), broader
    kiosk.shot("11-search-id")
    for key in "XYZ":  # nothing matches "PBGXYZ": say so instead of showing everything
        keys = [b for b in kiosk.window.stack.currentWidget().findChildren(QPushButton)
                if b.text() == key]
        qtbot.mouseClick(keys[0], Qt.MouseButton.LeftButton)
    assert shown_tiles(kiosk) == []
    assert "Tidak ada layanan yang cocok." in texts(kiosk)
    for _ in "XYZ":  # back to PBG with the delete key
        delete = [b for b in kiosk.window.stack.currentWidget().findChildren(QPushButton)
                  if b.text() in ("⌫", "Hapus", "←")]
        qtbot.mouseClick(delete[0], Qt.MouseButton.LeftButton)
    tap_tile(qtbot, kiosk, "Layanan pbg")
    assert kiosk.window.service_id == "pbg"


def test_paper_out_cancels_the_ticket_tells_the_visitor_and_stops_tickets(
    qtbot: Any, kiosk: Kiosk
) -> None:
    kiosk.folder.mkdir(parents=True, exist_ok=True)
    (kiosk.folder / "PAPER_OUT").touch()
    walk_to_ktp(qtbot, kiosk)
    take_a_ticket(qtbot, kiosk)
    qtbot.waitUntil(lambda: "Mohon maaf" in texts(kiosk), timeout=10_000)
    assert "kertas" in texts(kiosk).lower()
    kiosk.shot("12-paper-out-id")
    qtbot.waitUntil(lambda: kiosk.hub_engine().ticket("A-001").status.value == "cancelled",
                    timeout=5000)
    health = kiosk.hub.call(lambda server: server.health_report())
    assert health["devices_with_faults"] == ["kiosk-1"]
    assert kiosk.flow.fault is not None and not kiosk.flow.can_issue
    tap_button(qtbot, kiosk, "Selesai")
    walk_to_ktp(qtbot, kiosk)
    assert not take_button(kiosk).isEnabled()
    kiosk.shot("13-detail-printer-fault-id")
    (kiosk.folder / "PAPER_OUT").unlink()  # staff refilled the paper
    kiosk.printing.check_status()
    qtbot.waitUntil(lambda: kiosk.flow.fault is None, timeout=5000)
    qtbot.waitUntil(lambda: kiosk.hub.call(
        lambda server: server.health_report()["devices_with_faults"]) == [], timeout=5000)


def test_show_on_screen_policy_keeps_the_ticket_and_shows_a_qr(qtbot: Any,
                                                               tmp_path: Path) -> None:
    printer = {"backend": "virtual", "folder": "tickets", "simulate": "paper_out",
               "on_failure": "show_on_screen", "check_status": True}
    with HubThread(kiosk_mall(printer), tmp_path / "hub.db") as hub:
        kiosk = start_kiosk(qtbot, tmp_path, printer, hub)
        try:
            walk_to_ktp(qtbot, kiosk)
            take_a_ticket(qtbot, kiosk)
            qtbot.waitUntil(lambda: "foto layar" in texts(kiosk), timeout=10_000)
            assert "A-001" in texts(kiosk)
            kiosk.shot("14-show-on-screen-id")
            assert kiosk.hub_engine().ticket("A-001").status.value == "waiting"
        finally:
            kiosk.bridge.stop()
            kiosk.printing.shutdown()


def test_hub_unreachable_shows_unavailable_and_issues_nothing(qtbot: Any,
                                                              tmp_path: Path) -> None:
    printer = {"backend": "virtual", "folder": "tickets"}
    with HubThread(kiosk_mall(printer), tmp_path / "hub.db") as hub:
        kiosk = start_kiosk(qtbot, tmp_path, printer, hub)
    try:  # the hub is gone now
        qtbot.waitUntil(lambda: "Layanan sementara tidak tersedia" in texts(kiosk),
                        timeout=10_000)
        kiosk.shot("15-unavailable-id")
        assert not kiosk.flow.can_issue
        assert kiosk.flow.take_ticket("ktp", None, "id") is False
    finally:
        kiosk.bridge.stop()
        kiosk.printing.shutdown()


def test_printed_bytes_carry_the_number_and_qr(qtbot: Any, tmp_path: Path) -> None:
    from ticket_printer import decode

    printer = {"backend": "file", "path": "printer.bin", "paper_mm": 58}
    with HubThread(kiosk_mall(printer), tmp_path / "hub.db") as hub:
        kiosk = start_kiosk(qtbot, tmp_path, printer, hub)
        try:
            walk_to_ktp(qtbot, kiosk)
            take_a_ticket(qtbot, kiosk)
            qtbot.waitUntil(lambda: "A-001" in texts(kiosk), timeout=10_000)
        finally:
            kiosk.bridge.stop()
            kiosk.printing.shutdown()
    decoded = decode((tmp_path / "printer.bin").read_bytes(), width_dots=384)
    number = decoded.line_with("A-001")
    assert number.align == "center"
    # The ticket's status first, then where to complain (the default SP4N-LAPOR! link).
    assert [qr.payload for qr in decoded.qr_codes] == ["https://mpp.test/t/2026-11-23/A-001",
                                                       "https://www.lapor.go.id"]
    assert len(decoded.cuts) == 1
    assert not [line for line in decoded.lines if line.overflowed]


def assert_fits(window: Any) -> None:
    """No visible text is cut off: every label is inside the window and wide enough."""
    from PySide6.QtWidgets import QApplication, QScrollArea

    QApplication.processEvents()
    page = window.stack.currentWidget()
    scrolled = {area.widget() for area in page.findChildren(QScrollArea)}
    for label in page.findChildren(QLabel):
        if not label.isVisibleTo(window) or not label.text() or label.wordWrap():
            continue
        needed = label.fontMetrics().horizontalAdvance(label.text())
        assert needed <= label.contentsRect().width() + 2, (
            f"{label.text()!r} needs {needed} px, has {label.contentsRect().width()}")
        inside_scroll = any(area is not None and area.isAncestorOf(label) for area in scrolled)
        if not inside_scroll:  # what is not in a scroll area must be on the screen
            right = label.mapTo(window, label.rect().topRight()).x()
            assert right <= window.width(), f"{label.text()!r} runs off the screen"


def test_the_example_mall_fits_on_the_kiosk(qtbot: Any, tmp_path: Path) -> None:
    """Eighteen tenants and forty services from config/example-mpp.toml, screenshotted."""
    from hub.client.qt_bridge import HubBridge
    from hub.config import load_config
    from kiosk.flow import KioskFlow
    from kiosk.printing import PrintService
    from kiosk.tickets import printer_target
    from kiosk.window import KioskWindow
    from ticket_printer import open_printer

    root = Path(__file__).resolve().parents[2]
    config = load_config(root / "config" / "example-mpp.toml")
    device = config.device("kiosk-1")
    assert device.printer is not None
    with HubThread(config, tmp_path / "hub.db") as hub:
        bridge = HubBridge(hub.url, device.id, device.token)
        printing = PrintService(open_printer(printer_target(device.printer, tmp_path)))
        flow = KioskFlow(config, bridge, printing, device.printer, tmp_path)
        window = KioskWindow(config, bridge, flow, height=1080)
        qtbot.addWidget(window)
        window.show()
        kiosk = Kiosk(hub, window, flow, bridge, printing, tmp_path / "var")
        try:
            bridge.start()
            qtbot.waitUntil(lambda: bridge.view.snapshot.services is not None, timeout=5000)
            kiosk.shot("20-example-welcome-id")
            window.open_tenants()
            tenants = shown_tiles(kiosk)
            assert len(tenants) == len(config.tenants)
            for tenant, tile in zip(config.tenants, tenants, strict=True):
                assert tenant.short_name in tile, (tenant.id, tile)  # every tenant, in order
            assert_fits(window)
            kiosk.shot("21-example-tenants-id")
            for tenant in config.tenants:  # every service of every tenant can be reached
                window.open_tenant(tenant.id)
                services = shown_tiles(kiosk)
                expected = config.services_of(tenant.id)
                assert len(services) == len(expected), tenant.id
                for service, tile in zip(expected, services, strict=True):
                    assert service.name.id in tile and service.prefix in tile, (service.id, tile)
                assert_fits(window)
            window.open_tenant("disdukcapil")
            kiosk.shot("22-example-services-id")
            window.open_service("ktp-el")
            assert all(req in texts(kiosk)
                       for req in config.service("ktp-el").requirements.get("id"))
            assert_fits(window)
            kiosk.shot("23-example-detail-id")
            window.set_language("en")
            window.open_service("paspor-baru")
            assert "Requirements" in texts(kiosk) and "Persyaratan" not in texts(kiosk)
            assert_fits(window)
            kiosk.shot("24-example-detail-en")
        finally:
            bridge.stop()
            printing.shutdown()


def test_a_kiosk_paused_by_the_supervisor_offers_no_tickets(qtbot: Any, kiosk: Kiosk) -> None:
    from hub.client.qt_bridge import HubBridge
    from hub.protocol import SetDevicePaused
    from tests.hub.harness import TOKENS

    boss = HubBridge(kiosk.hub.url, "boss", TOKENS["boss"])
    try:
        with qtbot.waitSignal(boss.stateChanged, timeout=5000,
                              check_params_cb=lambda status, _d: status == "online"):
            boss.start()
        boss.send(SetDevicePaused, device_id="kiosk-1", paused=True)
        qtbot.waitUntil(lambda: "ditutup sementara" in texts(kiosk), timeout=5000)
        assert not kiosk.flow.can_issue
        kiosk.shot("16-paused-id")
        boss.send(SetDevicePaused, device_id="kiosk-1", paused=False)
        qtbot.waitUntil(lambda: "Sentuh" in texts(kiosk), timeout=5000)
        assert kiosk.flow.can_issue
    finally:
        boss.stop()


def test_an_idle_kiosk_goes_back_to_welcome(qtbot: Any, kiosk: Kiosk) -> None:
    kiosk.window.idle.setInterval(50)
    walk_to_ktp(qtbot, kiosk)
    assert kiosk.window.screen_name == "detail"
    qtbot.waitUntil(lambda: kiosk.window.screen_name == "welcome", timeout=5000)
    assert "Sentuh" in texts(kiosk)


def test_the_kiosk_clock_follows_the_hub(qtbot: Any, kiosk: Kiosk) -> None:
    """The hub in these tests lives on Monday 09:00; the kiosk shows that, not the PC's time."""
    walk_to_ktp(qtbot, kiosk)
    take_a_ticket(qtbot, kiosk)  # any event carries the hub's time
    qtbot.waitUntil(lambda: "A-001" in texts(kiosk), timeout=10_000)
    kiosk.window._tick()
    assert kiosk.window.date.text().endswith("09:00")
