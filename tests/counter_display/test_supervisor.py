"""The supervisor dashboard against a real hub on loopback (pytest-qt, offscreen)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from counter_display.supervisor import model
from counter_display.supervisor.controller import SupervisorController
from counter_display.supervisor.dialogs import (
    CloseServiceDialog,
    CounterServicesDialog,
    RunningTextDialog,
)
from counter_display.supervisor.ikm import HubReports
from counter_display.supervisor.tables import LEVEL_COLOURS
from counter_display.supervisor.window import SupervisorWindow
from hub import protocol as p
from hub.client.qt_bridge import HubBridge
from hub.config import MallConfig, parse_config
from tests.client_views import view as make_view
from tests.counter_display import conftest
from tests.counter_display.conftest import Connect, mall_data
from tests.factories import at
from tests.hub.harness import FakeClock, HubThread

pytestmark = [pytest.mark.gui, pytest.mark.integration]

WAIT_MS = 10_000
SURVEY_TOKEN = "survey-c1-token-for-tests"
Ask = Callable[..., tuple[Any, Any]]


@pytest.fixture
def mall(monkeypatch: pytest.MonkeyPatch) -> MallConfig:
    """The test mall with a survey tablet at counter c1 (for the IKM)."""
    data = mall_data()
    data["devices"].append({"id": "survey-c1", "role": "survey", "counter": "c1",
                            "token": SURVEY_TOKEN})
    monkeypatch.setitem(conftest.DEVICE_TOKENS, "survey-c1", SURVEY_TOKEN)
    return parse_config(data)


@pytest.fixture
def ask(qtbot: Any) -> Ask:
    """Send a request through a bridge; return (result, error) once answered."""

    def send(bridge: HubBridge, kind: type[p.Request], **fields: Any) -> tuple[Any, Any]:
        tokens: list[str] = []
        with qtbot.waitSignal(bridge.requestFinished, timeout=WAIT_MS,
                              check_params_cb=lambda t, *_: t in tokens) as answer:
            tokens.append(bridge.send(kind, **fields))
        return answer.args[1], answer.args[2]

    return send


def open_dashboard(qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock,
                   hub: HubThread | None = None) -> SupervisorWindow:
    """The dashboard as the supervisor device "boss", online and showing the snapshot."""
    controller = SupervisorController(connect("boss"), mall, clock)
    # IKM and reports over the network, as the dashboard gets them: no database here
    reports = HubReports(hub.url, conftest.DEVICE_TOKENS["boss"]) if hub else None
    window = SupervisorWindow(controller, reports)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitUntil(lambda: controller.online and bool(controller.view.services),
                    timeout=WAIT_MS)
    return window


def click(qtbot: Any, button: Any) -> None:
    """Press a button like the supervisor does."""
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# columns of the live tables
WAITING, LONGEST, STATUS = 3, 4, 2
C_STATUS, C_STAFF, C_SERVING, C_SERVED = 2, 3, 5, 6


def test_waiting_counts_and_counter_states_follow_the_hub(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock, ask: Ask) -> None:
    window = open_dashboard(qtbot, connect, mall, clock)
    services, counters = window.live.services, window.live.counters
    kiosk, terminal = connect("kiosk-1"), connect("counter-c1")
    assert counters.text("c1", C_STATUS) == "Tutup"
    for _ in range(2):
        assert ask(kiosk, p.IssueTicket, service_id="ktp")[1] is None
    qtbot.waitUntil(lambda: services.text("ktp", WAITING) == "2", timeout=WAIT_MS)
    assert window.figures["visitors"].value.text() == "2"
    assert window.figures["waiting"].value.text() == "2"

    clock.now += dt.timedelta(minutes=25)
    assert ask(terminal, p.OpenCounter, staff="Rina")[1] is None
    qtbot.waitUntil(lambda: counters.text("c1", C_STATUS) == "Buka", timeout=WAIT_MS)
    assert counters.text("c1", C_STAFF) == "Rina"
    assert counters.text("c1", 4) == "09.25"  # since when, on the mall's clock
    assert window.figures["counters"].value.text() == "1/4"

    assert ask(terminal, p.CallNext)[1] is None
    qtbot.waitUntil(lambda: counters.text("c1", C_STATUS) == "Melayani", timeout=WAIT_MS)
    assert counters.text("c1", C_SERVING).startswith("A-001")
    assert services.text("ktp", WAITING) == "1"
    # A-002 has waited 25 of its 30 target minutes: amber (over 80 % of the target)
    assert services.text("ktp", LONGEST) == "25 mnt"
    assert services.cell_background("ktp", LONGEST) == LEVEL_COLOURS["warn"][0]
    clock.now += dt.timedelta(minutes=10)
    window.refresh()  # what the 10-second refresh does
    assert counters.text("c1", C_SERVING) == "A-001 · 10 mnt"

    assert ask(terminal, p.Finish)[1] is None
    qtbot.waitUntil(lambda: counters.text("c1", C_SERVED) == "1", timeout=WAIT_MS)
    assert window.figures["served"].value.text() == "1"
    assert ask(terminal, p.PauseCounter, reason="sholat")[1] is None
    qtbot.waitUntil(lambda: counters.text("c1", C_STATUS) == "Istirahat: sholat",
                    timeout=WAIT_MS)


def test_closing_a_service_makes_the_hub_refuse_tickets_until_reopened(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock, hub: HubThread,
        ask: Ask) -> None:
    window = open_dashboard(qtbot, connect, mall, clock)
    live = window.live
    kiosk = connect("kiosk-1")
    assert not live.close_service.isEnabled()  # nothing selected yet
    assert live.services.select_key("kk")
    click(qtbot, live.close_service)
    dialog = live.dialog
    assert isinstance(dialog, CloseServiceDialog) and dialog.isVisible()
    dialog.edit.setText("Jaringan SIAK terputus")
    dialog.accept()

    qtbot.waitUntil(lambda: live.services.text("kk", STATUS).startswith("Ditutup pengelola"),
                    timeout=WAIT_MS)
    assert "Jaringan SIAK terputus" in live.services.text("kk", STATUS)
    assert "Jaringan SIAK terputus" in live.decisions.text()
    assert hub.call(lambda s: dict(s.core.engine.closed_services)) == {
        "kk": "Jaringan SIAK terputus"}
    _result, error = ask(kiosk, p.IssueTicket, service_id="kk")
    assert error is not None and error.code == "service_unavailable"
    assert error.reason == "closed_by_supervisor"
    assert not live.close_service.isEnabled() and live.reopen_service.isEnabled()

    click(qtbot, live.reopen_service)
    qtbot.waitUntil(lambda: live.services.text("kk", STATUS) == "Buka", timeout=WAIT_MS)
    assert ask(kiosk, p.IssueTicket, service_id="kk")[1] is None


def test_pausing_and_resuming_a_kiosk(qtbot: Any, connect: Connect, mall: MallConfig,
                                      clock: FakeClock, hub: HubThread) -> None:
    window = open_dashboard(qtbot, connect, mall, clock)
    live = window.live
    assert live.devices.select_key("kiosk-1")
    assert live.pause_kiosk.text() == "Jeda anjungan"
    click(qtbot, live.pause_kiosk)
    qtbot.waitUntil(lambda: "dijeda" in live.devices.text("kiosk-1", 1), timeout=WAIT_MS)
    assert hub.call(lambda s: set(s.core.engine.paused_devices)) == {"kiosk-1"}
    assert live.pause_kiosk.text() == "Lanjutkan anjungan"
    assert "dijeda" in live.decisions.text()
    click(qtbot, live.pause_kiosk)
    qtbot.waitUntil(lambda: "dijeda" not in live.devices.text("kiosk-1", 1), timeout=WAIT_MS)
    assert hub.call(lambda s: set(s.core.engine.paused_devices)) == set()
    assert live.devices.select_key("display-z1")
    assert not live.pause_kiosk.isEnabled()  # only kiosks can be paused


def test_a_printer_fault_reported_by_a_kiosk_shows_in_red(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock, ask: Ask) -> None:
    window = open_dashboard(qtbot, connect, mall, clock)
    devices = window.live.devices
    kiosk = connect("kiosk-1")
    qtbot.waitUntil(lambda: devices.text("kiosk-1", 1) == "Terhubung", timeout=WAIT_MS)
    assert ask(kiosk, p.ReportDeviceStatus, ok=False, code="paper_out",
               detail="Kertas printer habis.")[1] is None
    qtbot.waitUntil(lambda: devices.text("kiosk-1", 1) == "Kertas habis", timeout=WAIT_MS)
    assert devices.cell_background("kiosk-1", 1) == LEVEL_COLOURS["fault"][0]
    assert devices.keys[0] == "kiosk-1"  # faults first
    assert window.figures["faults"].value.text() == "3"  # and both displays are off
    assert window.figures["faults"].property("alert") is True

    assert ask(kiosk, p.ReportDeviceStatus, ok=True)[1] is None
    qtbot.waitUntil(lambda: devices.text("kiosk-1", 1) == "Terhubung", timeout=WAIT_MS)
    assert devices.cell_background("kiosk-1", 1) == LEVEL_COLOURS["ok"][0]


def test_changing_a_counters_services_and_the_running_text(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock,
        hub: HubThread) -> None:
    window = open_dashboard(qtbot, connect, mall, clock)
    live = window.live
    assert live.counters.select_key("c1")
    click(qtbot, live.change_services)
    dialog = live.dialog
    assert isinstance(dialog, CounterServicesDialog)
    assert dialog.services() == ["ktp", "kk"]
    dialog.set_checked([])
    assert not dialog.ok.isEnabled()  # a counter needs at least one service
    dialog.set_checked(["kk", "pbg"])
    dialog.accept()
    qtbot.waitUntil(lambda: live.counters.text("c1", 0) == "Loket 1 *", timeout=WAIT_MS)
    assert hub.call(lambda s: dict(s.core.engine.counter_services)) == {"c1": ["kk", "pbg"]}
    assert window.controller.counter_services("c1") == ["kk", "pbg"]

    click(qtbot, live.edit_text)
    text_dialog = live.dialog
    assert isinstance(text_dialog, RunningTextDialog)
    assert text_dialog.edit_id.text() == "Selamat datang di MPP Uji."  # the configured one
    text_dialog.edit_id.setText("Layanan KK dibantu Loket 1 hari ini.")
    text_dialog.edit_en.setText("")
    text_dialog.accept()
    qtbot.waitUntil(lambda: "dibantu Loket 1" in live.running.text(), timeout=WAIT_MS)
    assert hub.call(lambda s: s.core.engine.running_text) == (
        "Layanan KK dibantu Loket 1 hari ini.", None)
    assert "diatur pengelola hari ini" in live.running.text()


def test_a_refusal_is_shown_plainly(qtbot: Any, connect: Connect, mall: MallConfig,
                                    clock: FakeClock) -> None:
    window = open_dashboard(qtbot, connect, mall, clock)
    with qtbot.waitSignal(window.controller.refused, timeout=WAIT_MS):
        window.controller.reopen_service("ktp")  # it was never closed
    assert window.message_bar.isVisible()
    assert "tidak dapat dijalankan" in window.message_bar.text_id.text()


def test_ikm_of_today_follows_new_surveys(qtbot: Any, connect: Connect, mall: MallConfig,
                                          clock: FakeClock, hub: HubThread, ask: Ask,
                                          tmp_path: Path) -> None:
    window = open_dashboard(qtbot, connect, mall, clock, hub=hub)
    assert window.figures["ikm"].value.text() == "—"
    assert "Belum ada survei" in window.figures["ikm"].toolTip()
    kiosk, terminal, tablet = connect("kiosk-1"), connect("counter-c1"), connect("survey-c1")
    ask(kiosk, p.IssueTicket, service_id="ktp")
    ask(terminal, p.OpenCounter, staff="Rina")
    ticket_id = ask(terminal, p.CallNext)[0].events[0]["ticket_id"]
    ask(terminal, p.Finish)
    with qtbot.waitSignal(window.controller.surveyed, timeout=WAIT_MS):
        assert ask(tablet, p.SubmitSurvey, ticket_id=ticket_id,
                   answers=[4, 4, 4, 4, 3, 3, 3, 3, 3])[1] is None
    # NRRs 4,4,4,4,3,3,3,3,3 → mean 31/9 → IKM 25 × 31/9 = 86,11: grade B
    assert window.figures["ikm"].value.text() == "86,11 B"
    assert "1 responden" in window.figures["ikm"].toolTip()


def test_waits_are_measured_on_the_hubs_clock_not_this_pcs(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock, ask: Ask) -> None:
    controller = SupervisorController(connect("boss"), mall,
                                      lambda: clock.now - dt.timedelta(minutes=7))
    assert controller.now() == clock.now - dt.timedelta(minutes=7)  # no event yet
    with qtbot.waitSignal(controller.changed, timeout=WAIT_MS):
        ask(connect("kiosk-1"), p.IssueTicket, service_id="ktp")
    qtbot.waitUntil(lambda: controller.now() == clock.now, timeout=WAIT_MS)


def test_offline_dashboard_says_so_and_offers_no_actions(qtbot: Any, mall: MallConfig) -> None:
    bridge = HubBridge("ws://127.0.0.1:9", "boss", "supervisor-token-for-tests")  # not started
    window = SupervisorWindow(SupervisorController(bridge, mall, FakeClock()))
    qtbot.addWidget(window)
    window.show()
    assert window.banner.isVisible() and "Tidak terhubung" in window.banner.text()
    assert window.live.services.select_key("ktp")
    assert not window.live.close_service.isEnabled()
    assert not window.live.edit_text.isEnabled()
    assert window.figures["ikm"].value.text() == "—"
    assert "token pengawas" in window.figures["ikm"].toolTip()


# ------------------------------------------------------------------------ pure model

def test_wait_colours_against_the_target() -> None:
    assert model.wait_level(None, 30) == "idle"
    assert model.wait_level(24, 30) == "ok"
    assert model.wait_level(25, 30) == "warn"
    assert model.wait_level(30, 30) == "warn"
    assert model.wait_level(31, 30) == "late"


def test_longest_wait_is_exact_when_the_hub_sends_the_oldest_ticket() -> None:
    now = at(10)
    figures = {"waiting": 3, "estimated_wait_minutes": 12,
               "oldest_waiting_issued_at": at(9, 20).isoformat()}
    view = make_view(services={"ktp": figures})
    assert model.longest_wait("ktp", view.services["ktp"], {}, now) == (40, True)
    view = make_view(
        services={"ktp": {**figures, "oldest_waiting_issued_at": None},
                  "kk": {"waiting": 0}},
        counters={"c1": {"ticket": {"service_id": "ktp", "issued_at": at(9, 5).isoformat(),
                                    "called_at": at(9, 35).isoformat()}},
                  "c2": {"ticket": {"service_id": "kk", "issued_at": at(8).isoformat(),
                                    "called_at": at(9, 59).isoformat()}}})
    assert model.longest_wait("ktp", view.services["ktp"], view.counters, now) == (30, False)
    assert model.longest_wait("ktp", view.services["kk"], view.counters, now) == (None, True)


def test_quiet_counter_terminals_are_summed_up_but_faults_stand_out(mall: MallConfig) -> None:
    view = make_view(devices={
        "kiosk-1": {"role": "kiosk", "online": True, "ok": False, "code": "near_end"},
        "counter-c1": {"role": "counter", "online": True, "ok": None},
        "counter-c2": {"role": "counter", "online": False, "ok": None},
        "counter-c3": {"role": "counter", "online": False, "ok": None},
        "display-z1": {"role": "display", "online": False, "ok": None},
    }, counters={"c3": {"status": "open"}}, settings={"paused_devices": ["kiosk-1"]})
    rows = {r.device_id: r for r in model.device_rows(mall, view, group_terminals=True)}
    assert rows["kiosk-1"].level == "warn" and rows["kiosk-1"].text == (
        "Kertas hampir habis · dijeda")
    assert rows["display-z1"].level == "fault"  # a dark TV stops the hall
    assert rows["counter-c3"].level == "warn"  # open loket, terminal gone
    assert rows[model.TERMINALS_KEY].text == "1 terhubung"
    assert "counter-c1" not in rows and "counter-c2" not in rows


def test_reports_tab_previews_a_period_and_exports_xlsx_and_pdf(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock, ask: Ask,
        tmp_path: Path, hub: HubThread) -> None:
    import openpyxl

    window = open_dashboard(qtbot, connect, mall, clock, hub=hub)
    tab = window.reports
    kiosk = connect("kiosk-1")
    for service in ("ktp", "ktp", "kk"):
        ask(kiosk, p.IssueTicket, service_id=service)
    assert tab.available and tab.xlsx_button.isEnabled()
    tab.kind.setCurrentIndex(1)  # month
    assert tab.period() == "2026-11"
    with qtbot.waitSignal(tab.reportReady, timeout=WAIT_MS) as ready:
        assert tab.build()
    assert not isinstance(ready.args[0], Exception), ready.args[0]
    assert tab.figures["visitors"].text() == "3"
    assert "November 2026" in tab.status.text()
    assert ("Dukcapil", 3) in tab.tenant_chart.points

    for fmt in ("xlsx", "pdf"):
        out = tmp_path / f"laporan.{fmt}"
        with qtbot.waitSignal(tab.exported, timeout=30_000) as done:
            assert tab.export_to(out, fmt)
        assert done.args == [str(out), None]
        assert out.stat().st_size > 1_000
        assert "Tersimpan" in tab.status.text()
    workbook = openpyxl.load_workbook(tmp_path / "laporan.xlsx")
    assert len(workbook.sheetnames) > 1


def test_without_a_database_the_reports_tab_shows_live_figures_and_no_export(
        qtbot: Any, connect: Connect, mall: MallConfig, clock: FakeClock, ask: Ask) -> None:
    window = open_dashboard(qtbot, connect, mall, clock)
    tab = window.reports
    ask(connect("kiosk-1"), p.IssueTicket, service_id="ktp")
    qtbot.waitUntil(lambda: tab.figures["visitors"].text() == "1", timeout=WAIT_MS)
    assert not tab.available and not tab.build()
    assert not tab.xlsx_button.isEnabled() and not tab.pdf_button.isEnabled()
    assert "token pengawas" in tab.xlsx_button.toolTip()
    assert ("Dukcapil", 1) in tab.bucket_chart.points


def test_the_supervisor_command_line(capsys: Any, caplog: Any, tmp_path: Path) -> None:
    from counter_display import cli

    with pytest.raises(SystemExit) as done:
        cli.main(["supervisor", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "--db" not in out and "--ikm-weight" in out  # reports come from the hub
    example = Path(__file__).resolve().parents[2] / "config" / "example-mpp.toml"
    assert cli.main(["supervisor", "--config", str(example), "--device", "kiosk-1"]) == 1
    assert "role = 'supervisor'" in caplog.text
