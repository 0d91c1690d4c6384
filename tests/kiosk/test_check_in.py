"""Online check-in at the kiosk (issue 17): the booking code typed on the touch keys or scanned.

Each test books through the hub's HTTP API (the city portal) on a real hub on loopback,
then checks in at the real kiosk window: on the on-screen keys, or as a barcode/QR
scanner does it (key presses ending in Enter). The ticket goes through the usual
print-first flow and is read back from its ESC/POS bytes; refusals are read off the
screen, in Bahasa Indonesia then English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from hub.config import MallConfig, parse_config
from hub.engine.appointments import CODE_ALPHABET
from tests.factories import at
from tests.hub.harness import FakeClock, HubThread
from tests.kiosk.conftest import ARTIFACTS, Kiosk, kiosk_mall, start_kiosk
from tests.kiosk.screenshot_check import assert_drawn
from tests.kiosk.test_kiosk import tap_button, texts
from tests.web.test_appointments_api import PORTAL_TOKEN, call

pytestmark = [pytest.mark.gui, pytest.mark.integration]

FILE_PRINTER = {"backend": "file", "path": "printer.bin", "paper_mm": 80}
VIRTUAL_PRINTER = {"backend": "virtual", "folder": "tickets", "paper_mm": 80}


def online_mall(printer: dict[str, Any]) -> MallConfig:
    """The kiosk test mall whose ktp service takes appointments, and a portal."""
    data = kiosk_mall(printer).model_dump(mode="json", exclude_none=True)
    [ktp] = [s for s in data["services"] if s["id"] == "ktp"]
    ktp["appointments"] = {"slot_minutes": 30, "capacity": 4, "days_ahead": 7,
                           "cutoff_minutes": 60, "early_minutes": 30, "late_minutes": 15,
                           "call": "at_slot"}
    data["devices"].append({"id": "portal-kota", "role": "portal", "token": PORTAL_TOKEN})
    return parse_config(data)


def book(hub: HubThread, slot_hour: int, slot_minute: int = 0) -> str:
    """Book a ktp slot as the city's portal does (HTTP); return the booking code."""
    status, booked = call(hub.url.replace("ws://", "http://"), "POST", "/api/v1/appointments",
                          {"service_id": "ktp", "slot_start": at(slot_hour, slot_minute)
                           .isoformat(), "name": "Siti Aminah", "contact": "4321",
                           "language": "id"})
    assert status == 201, booked
    return str(booked["code"])


def press_keys(qtbot: Any, kiosk: Kiosk, signs: str) -> None:
    """Tap the on-screen keys, one per sign."""
    page = kiosk.window.stack.currentWidget()
    keys = {b.text(): b for b in page.findChildren(QPushButton, "key")}
    for sign in signs:
        qtbot.mouseClick(keys[sign], Qt.MouseButton.LeftButton)


def scan(qtbot: Any, kiosk: Kiosk, payload: str) -> None:
    """What a USB barcode/QR scanner sends: the payload's keys, then Enter.

    Sent to the language button, which a visitor may have tapped last: a scan must reach
    the check-in page whatever holds the focus."""
    qtbot.keyClicks(kiosk.window.lang, payload)
    qtbot.keyClick(kiosk.window.lang, Qt.Key.Key_Return)


def test_the_keys_are_the_signs_of_a_booking_code() -> None:
    from kiosk.checkin import CODE_SIGNS, CodeKeyboard

    assert CODE_SIGNS == CODE_ALPHABET
    assert sorted("".join(CodeKeyboard.ROWS)) == sorted(CODE_ALPHABET)


def test_a_code_typed_on_the_touch_keys_checks_in_prints_and_a_second_time_is_refused(
    qtbot: Any, tmp_path: Path,
) -> None:
    from ticket_printer import decode

    clock = FakeClock(at(8))
    with HubThread(online_mall(FILE_PRINTER), tmp_path / "hub.db", clock) as hub:
        code = book(hub, 10)
        clock.now = at(9, 40)  # check-in opens 30 minutes before the 10.00 slot
        kiosk = start_kiosk(qtbot, tmp_path, FILE_PRINTER, hub, online_mall(FILE_PRINTER))
        try:
            assert "Sudah daftar online? Check-in di sini" in texts(kiosk)
            home = kiosk.shot("40-home-with-check-in")
            assert_drawn(home)
            tap_button(qtbot, kiosk, "Sudah daftar online?")
            assert kiosk.window.screen_name == "check_in"
            submit = tap_button(qtbot, kiosk, "Check-in dan Cetak")  # nothing typed: nothing
            assert not submit.isEnabled()
            press_keys(qtbot, kiosk, code[:3])
            assert " ".join(code[:3] + "___") in texts(kiosk)
            assert not submit.isEnabled()  # three of six signs
            half = kiosk.shot("41-check-in-half-typed")
            assert_drawn(half)
            press_keys(qtbot, kiosk, code[3:])
            assert submit.isEnabled()
            qtbot.mouseClick(submit, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: "A-001" in texts(kiosk), timeout=10_000)
            shown = texts(kiosk)
            assert "Nomor antrean Anda" in shown and "Antrean online" in shown
            kiosk.shot("42-check-in-done")
            engine = kiosk.hub_engine()
            ticket = engine.ticket("A-001")
            assert (ticket.channel, ticket.status.value) == ("online", "waiting")  # confirmed
            assert engine.appointment(code).status.value == "checked_in"

            kiosk.window.go_home()
            tap_button(qtbot, kiosk, "Sudah daftar online?")
            press_keys(qtbot, kiosk, code)
            tap_button(qtbot, kiosk, "Check-in dan Cetak")
            qtbot.waitUntil(lambda: "Check-in tidak berhasil" in texts(kiosk), timeout=10_000)
            shown = texts(kiosk)
            indonesian = "Pendaftaran ini sudah check-in dan sudah mendapat nomor antrean."
            english = "This appointment is already checked in and has its ticket."
            assert indonesian in shown and english in shown
            assert shown.index(indonesian) < shown.index(english)
            assert f"Kode: {code}" in shown
            refused = kiosk.shot("43-check-in-refused-already")
            assert_drawn(refused)
            assert [t.label for t in engine.tickets.values()] == ["A-001"]  # no second ticket
            tap_button(qtbot, kiosk, "Coba lagi")  # the way back: the empty page again
            assert kiosk.window.screen_name == "check_in"
            assert " ".join("______") in texts(kiosk)
        finally:
            kiosk.bridge.stop()
            kiosk.printing.shutdown()
    decoded = decode((tmp_path / "printer.bin").read_bytes(), width_dots=576)
    assert decoded.warnings == ()
    words = " ".join(decoded.texts)
    assert "A-001" in words and "ANTREAN ONLINE, JADWAL 10.00-10.30" in words
    assert decoded.qr_codes[0].payload == "https://mpp.test/t/2026-11-23/A-001"
    assert (tmp_path / "printer.bin").read_bytes().count(b"A-001") >= 1  # printed once


def test_a_scanned_code_checks_in_from_the_home_screen_and_the_ticket_is_printed(
    qtbot: Any, tmp_path: Path,
) -> None:
    clock = FakeClock(at(8))
    with HubThread(online_mall(VIRTUAL_PRINTER), tmp_path / "hub.db", clock) as hub:
        code = book(hub, 10, 30)
        clock.now = at(10, 5)
        kiosk = start_kiosk(qtbot, tmp_path, VIRTUAL_PRINTER, hub,
                            online_mall(VIRTUAL_PRINTER))
        try:
            tap_button(qtbot, kiosk, "English")
            scan(qtbot, kiosk, code.lower())  # a scan on the home screen, in lower case
            qtbot.waitUntil(lambda: "Your queue number" in texts(kiosk), timeout=10_000)
            assert "Online appointment" in texts(kiosk) and "A-001" in texts(kiosk)
            assert kiosk.hub_engine().ticket("A-001").channel == "online"
            qtbot.waitUntil(lambda: bool(list(kiosk.folder.glob("*.png"))), timeout=10_000)
        finally:
            kiosk.bridge.stop()
            kiosk.printing.shutdown()
    [png] = sorted(kiosk.folder.glob("*.png"))
    assert "A-001" in png.name
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "44-online-ticket.png").write_bytes(png.read_bytes())
    assert_drawn(ARTIFACTS / "44-online-ticket.png")


@pytest.mark.parametrize(("slot", "now", "indonesian", "english"), [
    ((11, 0), (9, 40), "Check-in belum dibuka. Check-in mulai 23/11 pukul 10.30.",
     "Check-in is not open yet. Check-in opens 23/11 at 10:30."),
    ((8, 30), (9, 40), "Waktu check-in sudah lewat. Silakan ambil nomor antrean biasa.",
     "Check-in time has passed. Please take an ordinary ticket."),
])
def test_too_early_and_too_late_are_said_in_both_languages_with_a_way_back(
    qtbot: Any, tmp_path: Path, slot: tuple[int, int], now: tuple[int, int],
    indonesian: str, english: str,
) -> None:
    clock = FakeClock(at(7))
    with HubThread(online_mall(VIRTUAL_PRINTER), tmp_path / "hub.db", clock) as hub:
        code = book(hub, *slot)
        clock.now = at(*now)
        kiosk = start_kiosk(qtbot, tmp_path, VIRTUAL_PRINTER, hub,
                            online_mall(VIRTUAL_PRINTER))
        try:
            tap_button(qtbot, kiosk, "Sudah daftar online?")
            scan(qtbot, kiosk, code)
            qtbot.waitUntil(lambda: "Check-in tidak berhasil" in texts(kiosk), timeout=10_000)
            shown = texts(kiosk)
            assert indonesian in shown and english in shown, shown
            if slot == (11, 0):
                assert_drawn(kiosk.shot("45-check-in-refused-too-early"))
            assert not list(kiosk.folder.glob("*.png"))  # nothing printed
            assert kiosk.hub_engine().tickets == {}
            tap_button(qtbot, kiosk, "Selesai")
            assert kiosk.window.screen_name == "welcome"
        finally:
            kiosk.bridge.stop()
            kiosk.printing.shutdown()


def test_an_unknown_code_is_refused_plainly(qtbot: Any, tmp_path: Path) -> None:
    with HubThread(online_mall(VIRTUAL_PRINTER), tmp_path / "hub.db") as hub:
        kiosk = start_kiosk(qtbot, tmp_path, VIRTUAL_PRINTER, hub, online_mall(VIRTUAL_PRINTER))
        try:
            tap_button(qtbot, kiosk, "Sudah daftar online?")
            press_keys(qtbot, kiosk, "ZZZZZZ")
            tap_button(qtbot, kiosk, "Check-in dan Cetak")
            qtbot.waitUntil(lambda: "Check-in tidak berhasil" in texts(kiosk), timeout=10_000)
            shown = texts(kiosk)
            assert "Kode pendaftaran tidak ditemukan. Periksa kembali kodenya." in shown
            assert "Booking code not found. Please check the code." in shown
            assert "Kode: ZZZZZZ" in shown
        finally:
            kiosk.bridge.stop()
            kiosk.printing.shutdown()


def test_a_mall_without_appointments_shows_no_check_in(qtbot: Any, kiosk: Kiosk) -> None:
    assert "Sentuh untuk mengambil nomor antrean" in texts(kiosk)
    assert "Sudah daftar online?" not in texts(kiosk)
    qtbot.keyClicks(kiosk.window.lang, "K7M3QD")  # keys on the home screen open nothing
    assert kiosk.window.screen_name == "welcome"
