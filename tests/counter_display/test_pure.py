"""The pure parts: wording, which buttons make sense, what the hall shows, the geometry."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from pytestqt.qtbot import QtBot

from counter_display import texts
from counter_display.counter.state import Situation, allowed_actions, situation_from_view
from counter_display.hall import model
from hub.client.view import ClientView
from hub.config import MallConfig
from hub.hub_messages import TicketView, parse_hub_message
from tests import client_views
from tests.client_views import view as make_view

JAKARTA = ZoneInfo("Asia/Jakarta")


def test_indonesian_dates_and_clock_faces() -> None:
    assert texts.long_date(dt.date(2026, 11, 23)) == "Senin, 23 November 2026"
    assert texts.long_date(dt.date(2026, 8, 17)) == "Senin, 17 Agustus 2026"
    assert texts.long_date(dt.date(2027, 1, 1)) == "Jumat, 1 Januari 2027"
    moment = dt.datetime(2026, 11, 23, 9, 5, 7, tzinfo=JAKARTA)
    assert texts.clock_face(moment) == "09.05"
    assert texts.clock_face(moment, seconds=True) == "09.05.07"
    assert texts.zone_name(moment) == "WIB"
    assert texts.zone_name(moment.astimezone(ZoneInfo("Asia/Makassar"))) == "WITA"
    assert texts.zone_name(moment.astimezone(ZoneInfo("Asia/Jayapura"))) == "WIT"
    assert texts.zone_name(moment.astimezone(ZoneInfo("Europe/Amsterdam"))) == ""


@pytest.mark.parametrize(("status", "reason", "expected"), [
    ("open", None, "Buka"),
    ("serving", None, "Buka"),
    ("paused", "sholat", "Istirahat: sholat"),
    ("paused", "istirahat", "Istirahat"),
    ("paused", "rapat", "Istirahat: rapat"),
    ("paused", "pelatihan_staf", "Istirahat: pelatihan staf"),
    ("closed", None, "Tutup"),
])
def test_counter_status_words(status: str, reason: str | None, expected: str) -> None:
    assert texts.counter_status(status, reason)[0] == expected


def test_minutes_are_whole_and_never_negative() -> None:
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=JAKARTA)
    assert texts.minutes_between(start, start + dt.timedelta(seconds=59)) == 0
    assert texts.minutes_between(start, start + dt.timedelta(minutes=12, seconds=30)) == 12
    assert texts.minutes_between(start, start - dt.timedelta(minutes=5)) == 0
    assert texts.minutes_text(0) == ("< 1 menit", "< 1 min")
    assert texts.minutes_text(7) == ("7 menit", "7 min")


def _actions(situation: Situation, online: bool = True, busy: bool = False) -> set[str]:
    actions = allowed_actions(situation, online=online, busy=busy)
    return {name for name, allowed in vars(actions).items() if allowed}


def test_buttons_are_what_the_hub_allows_and_nothing_offline_or_busy() -> None:
    ticket = TicketView.model_validate(client_views.ticket(label="A-001"))
    assert _actions(Situation("c1", allowed=frozenset({"call_next"}))) == set()  # no view yet
    assert _actions(Situation("c1", "closed", allowed=frozenset({"open_counter"}))) == {"open"}
    idle = Situation("c1", "open", allowed=frozenset(
        {"call_next", "call_ticket", "pause_counter", "close_counter", "resume_parked"}))
    assert _actions(idle) == {"call_next", "call_ticket", "pause", "close", "resume_parked"}
    # Someone waits, but the hub does not allow calling (a break, pending prints): no button.
    waiting = Situation("c1", "open", waiting={"ktp": 2},
                        allowed=frozenset({"call_ticket", "pause_counter", "close_counter"}))
    assert "call_next" not in _actions(waiting)
    serving = Situation("c1", "serving", ticket=ticket, allowed=frozenset(
        {"recall", "park", "transfer", "finish", "mark_no_show"}))
    assert _actions(serving) == {"recall", "park", "transfer", "finish", "no_show"}
    assert _actions(Situation("c1", "paused", allowed=frozenset(
        {"resume_counter", "close_counter"}))) == {"resume", "close"}
    assert _actions(serving, online=False) == set()
    assert _actions(serving, busy=True) == set()


def test_situation_reads_the_counter_and_its_services_from_the_view(mall: MallConfig) -> None:
    services = {"ktp": {"waiting": 3}, "kk": {"waiting": 1}, "npwp": {"waiting": 9}}
    desk = {"status": "open", "ticket": None, "staff": "Rina", "served_today": 4,
            "parked": ["A-002"], "reserved": 2, "services": ["ktp", "kk"],
            "allowed": ["call_next"]}
    situation = situation_from_view(make_view(services=services, counters={"c1": desk}),
                                    mall, "c1")
    assert situation.waiting == {"ktp": 3, "kk": 1}  # only what c1 serves
    assert situation.allowed == {"call_next"}
    changed = {**desk, "services": ["npwp"]}  # a supervisor changed them for today
    assert situation_from_view(make_view(services=services, counters={"c1": changed}),
                               mall, "c1").waiting == {"npwp": 9}
    assert situation.waiting_total == 6  # plus the two sent to c1
    assert (situation.staff, situation.served_today, situation.parked) == ("Rina", 4, ("A-002",))
    assert situation_from_view(ClientView(), mall, "c1").status is None


def test_tiles_say_number_or_state(mall: MallConfig) -> None:
    view = make_view(counters={
        "c1": {"status": "serving", "ticket": {"label": "A-007"}},
        "c2": {"status": "paused", "ticket": None},
        "c3": {"status": "closed", "ticket": None},
        "c4": {"status": "open", "ticket": None},
    })
    shown = model.zone_counters(mall, None)
    assert [(t.name, t.text, t.state) for t in model.tiles(mall, shown, view)] == [
        ("Loket 1", "A-007", "serving"), ("Loket 2", "Istirahat", "paused"),
        ("Loket 3", "Tutup", "closed"), ("Loket 4", "—", "open")]
    assert model.zone_counters(mall, "z1") == ["c1", "c2"]
    assert [t.state for t in model.tiles(mall, ["c1"], ClientView())] == ["unknown"]


def test_the_hall_and_the_hub_agree_on_a_zones_counters(mall: MallConfig) -> None:
    from hub import views

    for zone in [None, *(z.id for z in mall.zones)]:
        hub_side = views.zone_counters(mall, zone)
        assert hub_side is None if zone is None else hub_side == set(
            model.zone_counters(mall, zone))


def test_recent_calls_are_newest_first_once_each_in_local_time(mall: MallConfig) -> None:
    view = make_view(recent_calls=[
        {"label": "A-002", "counter_id": "c2", "called_at": "2026-11-23T02:10:00+00:00"},
        {"label": "A-001", "counter_id": "c1", "called_at": "2026-11-23T02:05:00+00:00"},
        {"label": "A-002", "counter_id": "c2", "called_at": "2026-11-23T02:01:00+00:00"},
    ])
    calls = model.recent_calls(mall, view, "Asia/Jakarta")
    assert [(c.label, c.counter_name, c.time) for c in calls] == [
        ("A-002", "Loket 2", "09.10"), ("A-001", "Loket 1", "09.05")]
    assert len(model.recent_calls(mall, view, "Asia/Jakarta", limit=1)) == 1


def test_only_live_calls_at_shown_counters_are_highlighted() -> None:
    def event(kind: str, counter: str) -> object:
        return parse_hub_message({"type": "event", "seq": 2, "prev_seq": 1, "event": {
            "type": kind, "counter_id": counter, "ticket_id": "2026-11-23/A-012"}})

    assert model.live_call(event("ticket_called", "c1"), ["c1"]) == model.LiveCall(
        "A-012", "c1", False)
    assert model.live_call(event("ticket_recalled", "c1"), ["c1"]) == model.LiveCall(
        "A-012", "c1", True)
    assert model.live_call(event("ticket_called", "c3"), ["c1"]) is None
    assert model.live_call(event("ticket_finished", "c1"), ["c1"]) is None
    assert model.live_call(parse_hub_message({"type": "pong", "hub_time": "x"}), ["c1"]) is None


def test_running_text_from_the_config_or_the_supervisor_of_today(mall: MallConfig) -> None:
    assert model.running_text(mall, ClientView()) == (
        "Selamat datang di MPP Uji.     •     Welcome.")
    today = make_view(settings={"running_text": {"id": "Layanan KTP tutup pukul 14.00",
                                                 "en": None}})
    assert model.running_text(mall, today) == "Layanan KTP tutup pukul 14.00"
    assert model.running_text(mall, make_view()).startswith("Selamat")


def test_the_break_banner_says_the_break_and_when_calls_resume() -> None:
    assert model.break_notice(make_view(), "Asia/Jakarta") is None
    friday = make_view(pause={"reason_id": "Sholat Jumat", "reason_en": "Friday prayer",
                              "ends_at": "2026-11-27T06:00:00+00:00"})  # 13.00 in Jakarta
    assert model.break_notice(friday, "Asia/Jakarta") == (
        "Istirahat Sholat Jumat, dilanjutkan 13.00", "Friday prayer break, resuming at 13:00")
    unnamed = make_view(pause={"reason_id": "Istirahat siang", "reason_en": None,
                               "ends_at": "2026-11-23T13:00:00+07:00"})
    assert model.break_notice(unnamed, "Asia/Jakarta") == (
        "Istirahat Istirahat siang, dilanjutkan 13.00",
        "Istirahat siang break, resuming at 13:00")


def test_the_hall_clock_follows_the_hub_not_the_tv(qtbot: QtBot) -> None:
    """A TV whose own clock is off (or a demo hub on a shifted clock) shows the hub's time."""
    from counter_display.hall.display import HallDisplay
    from hub.client.qt_bridge import HubBridge
    from tests.factories import small_mall

    jakarta = ZoneInfo("Asia/Jakarta")
    tv_time = dt.datetime(2026, 11, 23, 22, 15, tzinfo=jakarta)
    mall = small_mall()
    bridge = HubBridge("ws://127.0.0.1:9", "display-z1", "display-token-for-tests")
    display = HallDisplay(mall, mall.device("display-z1"), bridge, clock=lambda: tv_time)
    qtbot.addWidget(display)
    display.tick()
    assert display.header.now is not None and display.header.now.hour == 22
    display.on_message(parse_hub_message({
        "type": "event", "seq": 1, "prev_seq": 0, "counters": {},
        "event": {"type": "counter_opened", "at": "2026-11-23T10:16:00+07:00",
                  "counter_id": "c1", "staff": None}}))
    display.tick()
    assert display.header.now.strftime("%H:%M") == "10:16"
