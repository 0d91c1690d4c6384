"""What the kiosk and its ticket promise: no made-up wait, print first, reprints, breaks.

Each test drives the real kiosk window against a real hub on loopback and reads what a
visitor reads (labels on screen, ESC/POS bytes decoded), with screenshots to look at.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.factories import MONDAY, at
from tests.hub.harness import FakeClock, HubThread
from tests.kiosk.conftest import kiosk_mall, start_kiosk
from tests.kiosk.test_kiosk import take_a_ticket, tap_button, texts, walk_to_ktp

pytestmark = [pytest.mark.gui, pytest.mark.integration]

FRIDAY = MONDAY + dt.timedelta(days=4)
FILE_PRINTER = {"backend": "file", "path": "printer.bin", "paper_mm": 80}


def open_counter(hub: HubThread, counter: str) -> None:
    """Open a counter through the hub, as its terminal would, and tell every client."""
    hub.run(lambda server: server.execute(
        lambda engine, now: engine.open_counter(counter, now)))


def pause_counter(hub: HubThread, counter: str) -> None:
    """Pause a counter for the prayer, as its terminal would."""
    hub.run(lambda server: server.execute(
        lambda engine, now: engine.pause_counter(counter, "sholat", now)))


def test_no_counter_open_is_said_on_screen_and_on_the_ticket_never_a_made_up_wait(
    qtbot: Any, tmp_path: Path,
) -> None:
    from ticket_printer import decode

    with HubThread(kiosk_mall(FILE_PRINTER), tmp_path / "hub.db") as hub:
        kiosk = start_kiosk(qtbot, tmp_path, FILE_PRINTER, hub)
        try:
            tap_button(qtbot, kiosk, "Sentuh")
            from tests.kiosk.test_kiosk import take_a_ticket, tap_tile
            tap_tile(qtbot, kiosk, "Dukcapil")
            assert "Belum ada loket yang buka untuk layanan ini" in texts(kiosk)
            kiosk.shot("20-services-no-counter-open")
            tap_tile(qtbot, kiosk, "Layanan ktp")
            shown = texts(kiosk)
            assert "Belum ada loket yang buka untuk layanan ini" in shown
            assert "menit" not in shown and "Tanpa antre" not in shown
            kiosk.shot("21-detail-no-counter-open")
            take_a_ticket(qtbot, kiosk)
            qtbot.waitUntil(lambda: "A-001" in texts(kiosk), timeout=10_000)
            assert "Belum ada loket yang buka" in texts(kiosk)
            assert "Anda berikutnya" not in texts(kiosk)
            kiosk.shot("22-done-no-counter-open")
            # The ticket is in the queue only now that its paper is out.
            assert kiosk.hub_engine().ticket("A-001").status.value == "waiting"

            open_counter(hub, "c1")
            kiosk.window.go_home()
            walk_to_ktp(qtbot, kiosk)
            qtbot.waitUntil(lambda: "± 10 menit" in texts(kiosk), timeout=5000)
            assert "Belum ada loket" not in texts(kiosk)
        finally:
            kiosk.bridge.stop()
            kiosk.printing.shutdown()
    decoded = decode((tmp_path / "printer.bin").read_bytes(), width_dots=576)
    assert decoded.line_with("A-001")
    assert decoded.line_with("Belum ada loket yang buka")
    assert not [line for line in decoded.lines if "menit" in line.text]


def test_a_jammed_ticket_is_reprinted_with_the_same_number(qtbot: Any, tmp_path: Path) -> None:
    from ticket_printer import decode

    with HubThread(kiosk_mall(FILE_PRINTER), tmp_path / "hub.db") as hub:
        kiosk = start_kiosk(qtbot, tmp_path, FILE_PRINTER, hub)
        try:
            walk_to_ktp(qtbot, kiosk)
            take_a_ticket(qtbot, kiosk)
            qtbot.waitUntil(lambda: "Cetak ulang tiket" in texts(kiosk), timeout=10_000)
            kiosk.shot("23-done-with-reprint")
            tap_button(qtbot, kiosk, "Cetak ulang tiket")
            qtbot.waitUntil(lambda: "dicetak ulang" in texts(kiosk), timeout=10_000)
            assert "A-001" in texts(kiosk)
            kiosk.shot("24-reprinted")
            engine = kiosk.hub_engine()
            assert [t.label for t in engine.tickets.values()] == ["A-001"]  # no new number
            assert engine.ticket("A-001").reprint_count == 1
        finally:
            kiosk.bridge.stop()
            kiosk.printing.shutdown()
    decoded = decode((tmp_path / "printer.bin").read_bytes(), width_dots=576)
    assert len(decoded.cuts) == 2
    numbers = [line for line in decoded.lines if line.text.strip() == "A-001"]
    assert len(numbers) == 2
    assert len([line for line in decoded.lines if "CETAK ULANG" in line.text]) == 1


def test_a_break_is_shown_with_its_end_and_the_estimate_includes_it(
    qtbot: Any, tmp_path: Path,
) -> None:
    clock = FakeClock(at(11, 45, day=FRIDAY))
    with HubThread(kiosk_mall(FILE_PRINTER), tmp_path / "hub.db", clock) as hub:
        kiosk = start_kiosk(qtbot, tmp_path, FILE_PRINTER, hub)
        try:
            walk_to_ktp(qtbot, kiosk)
            shown = texts(kiosk)
            assert "Istirahat Sholat Jumat, dilanjutkan 13.00" in shown
            # No counter was open before the break, so none resumes at 13.00: none is promised.
            assert "Belum ada loket yang buka untuk layanan ini" in shown
            assert "pukul 13.00" not in shown
            open_counter(hub, "c1")
            pause_counter(hub, "c1")
            qtbot.waitUntil(lambda: "± 75 menit" in texts(kiosk), timeout=5000)
            kiosk.shot("26-detail-on-break-counter-paused")
            kiosk.shot("25-detail-on-break")
        finally:
            kiosk.bridge.stop()
            kiosk.printing.shutdown()
