"""The queue engine, command by command: events out, state moved, illegal moves named."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.engine import (
    CounterStatus,
    IllegalMove,
    InvalidArgument,
    NothingToCall,
    QueueEngine,
    ServiceUnavailable,
    TicketStatus,
    UnknownService,
    UnknownTicket,
)
from hub.engine import events as ev
from tests.engine.snapshot import state_of
from tests.factories import MONDAY, at, small_mall

TUESDAY = MONDAY + dt.timedelta(days=1)
FRIDAY = MONDAY + dt.timedelta(days=4)


def issue(engine: QueueEngine, service: str, when: dt.datetime, **kw: object) -> ev.TicketIssued:
    (event,) = engine.issue_ticket(service, when, **kw)  # type: ignore[arg-type]
    assert isinstance(event, ev.TicketIssued)
    return event


def called(events: list[ev.Event]) -> str:
    (event,) = events
    assert isinstance(event, ev.TicketCalled)
    return event.ticket_id.split("/")[1]


def test_numbers_count_up_per_service_prefix(engine: QueueEngine) -> None:
    labels = [issue(engine, "ktp", at(8, i)).label for i in range(3)]
    labels.append(issue(engine, "kk", at(8, 5)).label)
    assert labels == ["A-001", "A-002", "A-003", "B-001"]
    assert issue(engine, "ktp", at(8, 6)).ticket_id == "2026-11-23/A-004"


def test_numbering_restarts_next_business_day_and_leftovers_expire(engine: QueueEngine) -> None:
    issue(engine, "ktp", at(8))
    served = issue(engine, "ktp", at(8, 1))
    engine.open_counter("c2", at(8, 2))
    engine.call_next("c2", at(8, 3))
    engine.finish("c2", at(8, 4))
    rollover = engine.start_day(at(7, 30, day=TUESDAY))
    kinds = [type(e).__name__ for e in rollover]
    assert kinds == ["TicketExpired", "CounterClosed", "BusinessDayStarted"]
    assert isinstance(rollover[0], ev.TicketExpired)
    assert rollover[0].ticket_id == "2026-11-23/A-002"
    assert served.label == "A-002"
    assert issue(engine, "ktp", at(8, day=TUESDAY)).ticket_id == "2026-11-24/A-001"
    assert engine.start_day(at(9, day=TUESDAY)) == []


def test_commands_refuse_a_day_that_was_not_started(engine: QueueEngine) -> None:
    with pytest.raises(IllegalMove, match="business day 2026-11-24 is not started"):
        engine.issue_ticket("ktp", at(8, day=TUESDAY))


def test_closed_day_cutoff_quota_and_holiday_refuse_with_reason_and_opening() -> None:
    engine = QueueEngine(small_mall())
    engine.start_day(at(9))
    with pytest.raises(ServiceUnavailable) as closed:
        engine.issue_ticket("npwp", at(9))  # the tax office serves on Tue and Thu
    assert closed.value.reason == "closed_today"
    assert closed.value.opens_at == at(8, day=TUESDAY)
    with pytest.raises(ServiceUnavailable) as early:
        engine.issue_ticket("ktp", at(7, 59))
    assert early.value.reason == "not_open_yet"
    assert early.value.opens_at == at(8)
    with pytest.raises(ServiceUnavailable) as late:
        engine.issue_ticket("ktp", at(15, 0))
    assert late.value.reason == "after_cutoff"

    engine.start_day(at(8, day=TUESDAY))
    for minute in range(3):
        issue(engine, "npwp", at(9, minute, day=TUESDAY))
    with pytest.raises(ServiceUnavailable) as full:
        engine.issue_ticket("npwp", at(9, 5, day=TUESDAY))
    assert full.value.reason == "quota_reached"
    assert full.value.opens_at == at(8, day=MONDAY + dt.timedelta(days=3))  # Thursday

    christmas = dt.date(2026, 12, 25)
    engine.start_day(at(9, day=christmas))
    with pytest.raises(ServiceUnavailable) as holiday:
        engine.issue_ticket("ktp", at(9, day=christmas))
    assert holiday.value.reason == "holiday"
    assert holiday.value.opens_at == at(8, day=dt.date(2026, 12, 28))


def test_unknown_service_and_priority_rules(engine: QueueEngine) -> None:
    with pytest.raises(UnknownService):
        engine.issue_ticket("sim", at(9))
    with pytest.raises(InvalidArgument, match="unknown priority kind"):
        engine.issue_ticket("ktp", at(9), priority_kind="vip")
    with pytest.raises(ServiceUnavailable, match="priority_not_allowed"):
        engine.issue_ticket("pbg", at(9), priority_kind="lansia")


def test_counter_by_order_takes_first_listed_service_with_someone_waiting(
    engine: QueueEngine,
) -> None:
    issue(engine, "ktp", at(8))
    issue(engine, "kk", at(8, 1))
    engine.open_counter("c2", at(8, 2))  # c2 serves kk before ktp
    assert called(engine.call_next("c2", at(8, 3))) == "B-001"
    engine.finish("c2", at(8, 4))
    assert called(engine.call_next("c2", at(8, 5))) == "A-001"


def test_counter_by_weight_shares_calls_two_to_one(engine: QueueEngine) -> None:
    for minute in range(6):
        issue(engine, "ktp", at(8, minute))
        issue(engine, "kk", at(8, minute))
    engine.open_counter("c1", at(8, 10))
    sequence = []
    for minute in range(6):
        sequence.append(called(engine.call_next("c1", at(9, minute)))[0])
        engine.finish("c1", at(9, minute, 30))
    assert sequence == ["A", "A", "B", "A", "A", "B"]


def test_priority_interleaves_two_normal_calls_between_priority_ones(
    engine: QueueEngine,
) -> None:
    for minute in range(5):
        issue(engine, "kk", at(8, minute))
    issue(engine, "kk", at(8, 10), priority_kind="lansia")
    issue(engine, "kk", at(8, 11), priority_kind="ibu_hamil")
    engine.open_counter("c2", at(8, 20))
    order = []
    for minute in range(7):
        order.append(called(engine.call_next("c2", at(9, minute))))
        engine.finish("c2", at(9, minute, 30))
    assert order == ["B-006", "B-001", "B-002", "B-007", "B-003", "B-004", "B-005"]


def test_priority_first_mode_calls_all_priority_visitors_first() -> None:
    engine = QueueEngine(small_mall(priority_mode="first"))
    engine.start_day(at(8))
    issue(engine, "kk", at(8, 1))
    issue(engine, "kk", at(8, 2), priority_kind="disabilitas")
    issue(engine, "kk", at(8, 3), priority_kind="lansia")
    engine.open_counter("c2", at(8, 5))
    order = []
    for minute in range(3):
        order.append(called(engine.call_next("c2", at(9, minute))))
        engine.finish("c2", at(9, minute, 30))
    assert order == ["B-002", "B-003", "B-001"]


def test_call_next_with_nobody_waiting_or_while_serving(engine: QueueEngine) -> None:
    engine.open_counter("c1", at(8))
    with pytest.raises(NothingToCall):
        engine.call_next("c1", at(8, 1))
    issue(engine, "ktp", at(8, 2))
    issue(engine, "ktp", at(8, 3))
    engine.call_next("c1", at(8, 4))
    with pytest.raises(IllegalMove, match="can't call next when counter c1 is serving"):
        engine.call_next("c1", at(8, 5))


def test_two_counters_never_get_the_same_ticket(engine: QueueEngine) -> None:
    issue(engine, "ktp", at(8))
    issue(engine, "ktp", at(8, 1))
    engine.open_counter("c1", at(8, 2))
    engine.open_counter("c2", at(8, 2))
    first = called(engine.call_next("c1", at(8, 3)))
    second = called(engine.call_next("c2", at(8, 3)))
    assert {first, second} == {"A-001", "A-002"}
    engine.finish("c1", at(8, 4))
    with pytest.raises(IllegalMove, match=f"can't call when ticket {second} is called"):
        engine.call_ticket("c1", second, at(8, 5))


def test_call_specific_number_and_refuse_one_of_another_service(engine: QueueEngine) -> None:
    issue(engine, "ktp", at(8))
    issue(engine, "ktp", at(8, 1))
    issue(engine, "pbg", at(8, 2))
    engine.open_counter("c2", at(8, 3))
    assert called(engine.call_ticket("c2", "A-002", at(8, 4))) == "A-002"
    engine.finish("c2", at(8, 5))
    with pytest.raises(IllegalMove, match="which c2 does not serve"):
        engine.call_ticket("c2", "G-001", at(8, 6))
    with pytest.raises(UnknownTicket):
        engine.call_ticket("c2", "A-999", at(8, 6))


def test_no_show_needs_the_configured_recalls(engine: QueueEngine) -> None:
    issue(engine, "ktp", at(8))
    engine.open_counter("c1", at(8, 1))
    engine.call_next("c1", at(8, 2))
    with pytest.raises(IllegalMove, match="recalled 0 of 1 times"):
        engine.mark_no_show("c1", at(8, 3))
    (recalled,) = engine.recall("c1", at(8, 4))
    assert isinstance(recalled, ev.TicketRecalled) and recalled.recall_count == 1
    (no_show,) = engine.mark_no_show("c1", at(8, 6))
    assert isinstance(no_show, ev.TicketNoShow)
    assert engine.ticket("A-001").status == TicketStatus.NO_SHOW
    assert engine.counters["c1"].status == CounterStatus.OPEN


def test_park_frees_the_counter_and_resume_calls_the_same_visit_back(
    engine: QueueEngine,
) -> None:
    issue(engine, "ktp", at(8))
    issue(engine, "ktp", at(8, 1))
    engine.open_counter("c1", at(8, 2))
    engine.call_next("c1", at(8, 3))
    engine.park("c1", at(8, 4))
    assert engine.ticket("A-001").status == TicketStatus.PARKED
    assert [t.label for t in engine.parked_at("c1")] == ["A-001"]
    assert called(engine.call_next("c1", at(8, 5))) == "A-002"
    engine.finish("c1", at(8, 9))
    (resumed,) = engine.resume_parked("c1", "A-001", at(8, 10))
    assert isinstance(resumed, ev.TicketCalled) and resumed.how == "resume"
    ticket = engine.ticket("A-001")
    assert (ticket.status, ticket.counter_id) == (TicketStatus.CALLED, "c1")
    assert engine.parked_at("c1") == []  # back at the desk, no longer set aside
    assert (engine.counters["c1"].status, engine.counters["c1"].ticket_id) == (
        CounterStatus.SERVING, "2026-11-23/A-001")
    engine.open_counter("c2", at(8, 11))
    with pytest.raises(IllegalMove, match="can't resume when ticket A-001 is called"):
        engine.resume_parked("c2", "A-001", at(8, 11))


def test_transfer_keeps_number_and_visit_and_goes_before_fresh_tickets(
    engine: QueueEngine,
) -> None:
    issue(engine, "ktp", at(8))
    issue(engine, "kk", at(8, 1))
    engine.open_counter("c1", at(8, 2))
    engine.open_counter("c2", at(8, 2))
    engine.call_ticket("c1", "A-001", at(8, 3))
    (moved,) = engine.transfer("c1", at(8, 4), to_service_id="kk")
    assert isinstance(moved, ev.TicketTransferred)
    ticket = engine.ticket("A-001")
    assert (ticket.ticket_id, ticket.label) == ("2026-11-23/A-001", "A-001")
    assert ticket.service_id == "kk"
    assert (ticket.status, ticket.counter_id, ticket.transfer_count) == (
        TicketStatus.WAITING, None, 1)
    assert engine.waiting_count("kk") == 2 and engine.waiting_count("ktp") == 0
    assert engine.counters["c1"].status == CounterStatus.OPEN
    assert engine.counters["c1"].ticket_id is None
    # B-001 was issued earlier, but the transferred visit already waited once.
    assert called(engine.call_next("c2", at(8, 5))) == "A-001"


def test_transfer_to_a_counter_reserves_the_visit_for_it(engine: QueueEngine) -> None:
    issue(engine, "ktp", at(8))
    issue(engine, "ktp", at(8, 1))
    engine.open_counter("c1", at(8, 2))
    engine.open_counter("c2", at(8, 2))
    engine.call_next("c1", at(8, 3))
    engine.transfer("c1", at(8, 4), to_counter_id="c2")
    assert engine.ticket("A-001").assigned_counter_id == "c2"
    assert called(engine.call_next("c1", at(8, 5))) == "A-002"
    engine.finish("c1", at(8, 6))
    with pytest.raises(NothingToCall):
        engine.call_next("c1", at(8, 7))
    assert called(engine.call_next("c2", at(8, 8))) == "A-001"


def test_transfer_needs_a_real_destination(engine: QueueEngine) -> None:
    issue(engine, "ktp", at(8))
    engine.open_counter("c1", at(8, 1))
    engine.call_next("c1", at(8, 2))
    with pytest.raises(InvalidArgument, match="somewhere else"):
        engine.transfer("c1", at(8, 3), to_service_id="ktp")
    with pytest.raises(InvalidArgument, match="does not serve"):
        engine.transfer("c1", at(8, 3), to_service_id="pbg", to_counter_id="c2")
    with pytest.raises(UnknownService):
        engine.transfer("c1", at(8, 3), to_service_id="nope")


def test_counter_pause_resume_close_and_the_moves_they_forbid(engine: QueueEngine) -> None:
    with pytest.raises(IllegalMove, match="can't call next when counter c1 is closed"):
        engine.call_next("c1", at(8))
    engine.open_counter("c1", at(8), staff="Siti")
    with pytest.raises(InvalidArgument, match="unknown pause reason"):
        engine.pause_counter("c1", "ngopi", at(8, 1))
    engine.pause_counter("c1", "sholat", at(8, 1))
    desk = engine.counters["c1"]
    assert (desk.status, desk.pause_reason, desk.staff) == (CounterStatus.PAUSED, "sholat", "Siti")
    issue(engine, "ktp", at(8, 2))
    with pytest.raises(IllegalMove, match="resume the counter first"):
        engine.call_next("c1", at(8, 3))
    engine.resume_counter("c1", at(8, 4))
    engine.call_next("c1", at(8, 5))
    with pytest.raises(IllegalMove, match="finish, transfer or park the current ticket first"):
        engine.close_counter("c1", at(8, 6))
    engine.finish("c1", at(8, 7))
    engine.close_counter("c1", at(8, 8))
    assert engine.counters["c1"].status == CounterStatus.CLOSED
    assert engine.counters["c1"].served_today == 1


def test_cancelled_ticket_leaves_the_queue(engine: QueueEngine) -> None:
    issue(engine, "ktp", at(8))
    issue(engine, "ktp", at(8, 1))
    engine.cancel_ticket("A-001", "print_failed", at(8, 1))
    assert engine.waiting_count("ktp") == 1
    engine.open_counter("c1", at(8, 2))
    assert called(engine.call_next("c1", at(8, 3))) == "A-002"


def test_replaying_the_events_rebuilds_the_same_state(engine: QueueEngine) -> None:
    log: list[ev.Event] = []
    log += engine.start_day(at(8))
    for minute in range(4):
        log += engine.issue_ticket("ktp", at(8, minute))
    log += engine.open_counter("c1", at(8, 5))
    log += engine.call_next("c1", at(8, 6))
    log += engine.transfer("c1", at(8, 7), to_service_id="kk")
    log += engine.call_next("c1", at(8, 8))
    log += engine.park("c1", at(8, 9))
    log += engine.open_counter("c2", at(8, 9))
    log += engine.call_next("c2", at(8, 10))
    log += engine.transfer("c2", at(8, 11), to_counter_id="c1")
    replayed = QueueEngine(engine.config)
    replayed.start_day(at(7, 30))
    replayed.replay(ev.event_from_dict(ev.event_to_dict(e)) for e in log)
    assert state_of(replayed) == state_of(engine)  # every field, every order
    # And what it must be, written down rather than computed by the same apply():
    assert [(t.label, t.status, t.service_id, t.transfer_count)
            for t in replayed.tickets.values()] == [
        ("A-001", TicketStatus.PARKED, "kk", 1), ("A-002", TicketStatus.WAITING, "ktp", 1),
        ("A-003", TicketStatus.WAITING, "ktp", 0), ("A-004", TicketStatus.WAITING, "ktp", 0)]
    assert list(replayed.parked["c1"]) == ["2026-11-23/A-001"]  # transferred visits go first
    assert list(replayed.assigned["c1"]) == ["2026-11-23/A-002"]
    assert list(replayed.queues["kk"].transferred) == []
    assert list(replayed.queues["ktp"].normal) == ["2026-11-23/A-003", "2026-11-23/A-004"]
    assert [replayed.counters[c].status for c in ("c1", "c2")] == [CounterStatus.OPEN] * 2


def test_a_served_visit_can_be_rated_once_at_its_counter(engine: QueueEngine) -> None:
    issue(engine, "ktp", at(8))
    engine.open_counter("c1", at(8, 1))
    engine.call_next("c1", at(8, 2))
    answers = [4, 3, 4, 4, 3, 4, 4, 3, 3]
    with pytest.raises(IllegalMove, match="can't rate when ticket A-001 is called"):
        engine.submit_survey("A-001", answers, at(8, 3), counter_id="c1")
    engine.finish("c1", at(8, 5))
    with pytest.raises(IllegalMove, match="served at c1, not c2"):
        engine.submit_survey("A-001", answers, at(8, 6), counter_id="c2")
    with pytest.raises(InvalidArgument, match="nine answers"):
        engine.submit_survey("A-001", [4, 4], at(8, 6), counter_id="c1")
    (rated,) = engine.submit_survey("A-001", answers, at(8, 6), counter_id="c1",
                                    profile={"gender": "P"}, comment="Cepat")
    assert isinstance(rated, ev.SurveySubmitted)
    assert (rated.service_id, rated.counter_id, rated.gender) == ("ktp", "c1", "P")
    with pytest.raises(IllegalMove, match="already rated"):
        engine.submit_survey("A-001", answers, at(8, 7), counter_id="c1")


def test_supervisor_closes_a_service_for_today_only(engine: QueueEngine) -> None:
    issue(engine, "ktp", at(8))
    (closed,) = engine.set_service_closed("ktp", True, at(9), reason="Server SIAK gangguan")
    assert isinstance(closed, ev.ServiceClosedToday)
    with pytest.raises(ServiceUnavailable) as refused:
        engine.issue_ticket("ktp", at(9, 1))
    assert refused.value.reason == "closed_by_supervisor"
    assert refused.value.opens_at == at(8, day=TUESDAY)
    assert engine.waiting_count("ktp") == 1  # who already waits is still served
    with pytest.raises(IllegalMove, match="service ktp is closed"):
        engine.set_service_closed("ktp", True, at(9, 2))
    engine.start_day(at(8, day=TUESDAY))
    assert issue(engine, "ktp", at(8, 5, day=TUESDAY)).label == "A-001"


def test_supervisor_changes_a_counters_services_for_today(engine: QueueEngine) -> None:
    issue(engine, "pbg", at(8))
    issue(engine, "ktp", at(8, 1))
    engine.open_counter("c2", at(8, 2))
    engine.set_counter_services("c2", ["pbg"], at(8, 3))
    assert called(engine.call_next("c2", at(8, 4))) == "G-001"
    engine.finish("c2", at(8, 5))
    with pytest.raises(NothingToCall):
        engine.call_next("c2", at(8, 6))  # ktp is no longer its service today
    with pytest.raises(UnknownService):
        engine.set_counter_services("c2", ["nope"], at(8, 7))


def test_supervisor_pauses_kiosks_and_sets_the_running_text(engine: QueueEngine) -> None:
    engine.set_device_paused("kiosk-1", True, at(9))
    engine.set_running_text("Layanan PBG dibuka hingga 15.00", None, at(9))
    settings = engine.settings_view()
    assert settings["paused_devices"] == ["kiosk-1"]
    assert settings["running_text"] == {"id": "Layanan PBG dibuka hingga 15.00", "en": None}
    with pytest.raises(InvalidArgument, match="only kiosks"):
        engine.set_device_paused("counter-c1", True, at(9))


def test_a_resumed_visit_is_not_a_new_call_for_weights_or_priority(engine: QueueEngine) -> None:
    for minute in range(3):
        issue(engine, "ktp", at(8, minute))
        issue(engine, "kk", at(8, minute))
    engine.open_counter("c1", at(8, 5))  # weights ktp 2 : kk 1
    assert called(engine.call_next("c1", at(8, 6))) == "A-001"
    engine.park("c1", at(8, 7))
    engine.resume_parked("c1", "A-001", at(8, 8))
    engine.finish("c1", at(8, 9))
    # One ktp call so far, not two: ktp's share is not used up, so ktp again.
    assert called(engine.call_next("c1", at(8, 10))) == "A-002"
    assert engine.counters["c1"].calls_by_service == {"ktp": 2}


def test_a_resumed_normal_visit_does_not_count_towards_the_priority_interleave(
    engine: QueueEngine,
) -> None:
    issue(engine, "kk", at(8))
    issue(engine, "kk", at(8, 1))
    issue(engine, "kk", at(8, 2), priority_kind="lansia")
    engine.open_counter("c2", at(8, 3))
    assert called(engine.call_next("c2", at(8, 4))) == "B-003"  # the first priority visitor
    engine.finish("c2", at(8, 5))
    issue(engine, "kk", at(8, 6), priority_kind="lansia")
    assert called(engine.call_next("c2", at(8, 7))) == "B-001"
    engine.park("c2", at(8, 8))
    engine.resume_parked("c2", "B-001", at(8, 9))  # the same visit, not a second normal call
    engine.finish("c2", at(8, 10))
    # Only one normal call since the last priority one (two are needed): normal again.
    assert called(engine.call_next("c2", at(8, 11))) == "B-002"


def test_a_ticket_is_found_by_its_id_as_well_as_its_label(engine: QueueEngine) -> None:
    issue(engine, "ktp", at(8))
    engine.open_counter("c1", at(8, 1))
    assert called(engine.call_ticket("c1", "2026-11-23/A-001", at(8, 2))) == "A-001"
    assert engine.ticket("2026-11-23/A-001") is engine.ticket("A-001")


def test_a_counters_changed_services_keep_their_weights_and_weigh_new_ones_as_one(
    engine: QueueEngine,
) -> None:
    for minute in range(4):
        issue(engine, "ktp", at(8, minute))
        issue(engine, "pbg", at(8, minute))
    engine.open_counter("c1", at(8, 5))
    engine.set_counter_services("c1", ["ktp", "pbg"], at(8, 5))  # ktp keeps weight 2
    today = engine.counter_config("c1")
    assert (today.services, today.weights) == (["ktp", "pbg"], {"ktp": 2, "pbg": 1})
    assert engine.counter_config("c2").services == ["kk", "ktp"]  # untouched
    sequence = []
    for minute in range(6):
        sequence.append(called(engine.call_next("c1", at(9, minute)))[0])
        engine.finish("c1", at(9, minute, 30))
    assert sequence == ["A", "A", "G", "A", "A", "G"]
    assert [c.id for c in engine.counters_serving("pbg")] == ["c1", "c4"]
    assert [c.id for c in engine.counters_serving("kk")] == ["c2"]


def test_the_day_end_expires_parked_and_called_visits_from_their_state(
    engine: QueueEngine,
) -> None:
    issue(engine, "ktp", at(8))
    issue(engine, "ktp", at(8, 1))
    engine.open_counter("c1", at(8, 2))
    engine.call_next("c1", at(8, 3))
    engine.park("c1", at(8, 4))
    engine.call_next("c1", at(8, 5))
    rollover = engine.start_day(at(7, 30, day=TUESDAY))
    expired = [(e.ticket_id, e.status_before) for e in rollover
               if isinstance(e, ev.TicketExpired)]
    assert expired == [("2026-11-23/A-001", "parked"), ("2026-11-23/A-002", "called")]
    assert engine.parked_at("c1") == [] and engine.tickets == {}
    assert engine.counters["c1"].status == CounterStatus.CLOSED


def test_a_confirmed_print_keeps_its_number_order_at_the_same_instant(
    engine: QueueEngine,
) -> None:
    issue(engine, "ktp", at(8), pending=True)  # kiosk 1 prints A-001
    issue(engine, "ktp", at(8))  # A-002, the same instant, on screen
    engine.confirm_ticket("A-001", "printed", at(8, 0, 5))
    engine.open_counter("c1", at(8, 1))
    assert called(engine.call_next("c1", at(8, 2))) == "A-001"


def test_a_ticket_keeps_its_tenant_and_channel(engine: QueueEngine) -> None:
    issue(engine, "pbg", at(8), channel="counter")
    ticket = engine.ticket("G-001")
    assert (ticket.tenant_id, ticket.channel, ticket.service_id) == ("dpupr", "counter", "pbg")


def test_closing_a_counter_clears_its_staff_and_a_paused_kiosk_can_resume(
    engine: QueueEngine,
) -> None:
    engine.open_counter("c1", at(8), staff="Siti")
    engine.close_counter("c1", at(9))
    assert (engine.counters["c1"].staff, engine.counters["c1"].status) == (
        None, CounterStatus.CLOSED)
    engine.set_device_paused("kiosk-1", True, at(9))
    engine.set_device_paused("kiosk-1", False, at(9, 5))
    assert engine.settings_view()["paused_devices"] == []
    assert issue(engine, "ktp", at(9, 6), issued_by="kiosk-1").label == "A-001"


def test_a_closed_service_keeps_the_supervisors_reason(engine: QueueEngine) -> None:
    engine.set_service_closed("ktp", True, at(9), reason="Server SIAK gangguan")
    assert engine.settings_view()["closed_services"] == {"ktp": "Server SIAK gangguan"}
    engine.set_service_closed("ktp", False, at(10))
    assert engine.settings_view()["closed_services"] == {}
