"""Appointments in the pure engine: booking rules, check-in windows, missed slots, calling order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hub.config import MallConfig, parse_config
from hub.engine import QueueEngine
from hub.engine import events as ev
from hub.engine.appointments import AppointmentRefused, AppointmentStatus, booking_code
from tests.factories import MONDAY, at, small_mall_data

TUESDAY = MONDAY + dt.timedelta(days=1)
SATURDAY = MONDAY + dt.timedelta(days=5)


def mall_with_appointments(**ktp: Any) -> MallConfig:
    """The small mall; ktp and kk take appointments (ktp at_slot, kk interleaved)."""
    data = small_mall_data()
    rules = {"slot_minutes": 30, "capacity": 2, "days_ahead": 7, "cutoff_minutes": 60,
             "early_minutes": 30, "late_minutes": 15, "call": "at_slot"}
    data["services"][0]["appointments"] = {**rules, **ktp}
    data["services"][1]["appointments"] = {**rules, "call": "interleave",
                                           "interleave_walk_ins": 2}
    return parse_config(data)


@pytest.fixture
def engine() -> QueueEngine:
    engine = QueueEngine(mall_with_appointments())
    engine.start_day(at(7, 30))
    return engine


def book(engine: QueueEngine, slot: dt.datetime, code: str = "K7M3QD", service: str = "ktp",
         now: dt.datetime | None = None) -> ev.AppointmentBooked:
    events = engine.book_appointment(
        service, slot, now or at(7, 45), name="Siti Aminah", contact="0812 3456 7890",
        language="id", code=code, booked_by="portal-kota", channel="portal")
    assert len(events) == 1 and isinstance(events[0], ev.AppointmentBooked)
    return events[0]


def refusal(call: Any) -> str:
    with pytest.raises(AppointmentRefused) as refused:
        call()
    return refused.value.reason


def test_booking_takes_a_place_in_the_slot_and_names_it_by_day_and_code(
        engine: QueueEngine) -> None:
    booked = book(engine, at(10))
    assert booked.appointment_id == "2026-11-23/K7M3QD"
    assert booked.slot_end == at(10, 30)
    assert booked.contact == "081234567890"  # spaces typed in a phone number are dropped
    assert engine.appointments.booked_in("ktp", at(10)) == 1
    slots = {slot.start: (taken, why) for slot, taken, why in
             engine.appointment_slots("ktp", MONDAY, at(7, 45))}
    assert slots[at(10)] == (1, None)
    assert slots[at(8)] == (0, "booking_closed")  # less than 60 minutes ahead
    assert at(14, 30) in slots and at(15) not in slots  # the last slot starts before 15:00


def test_a_full_slot_is_refused_and_a_cancellation_frees_a_place(engine: QueueEngine) -> None:
    book(engine, at(10), "AAAAAA")
    book(engine, at(10), "BBBBBB")
    assert refusal(lambda: book(engine, at(10), "CCCCCC")) == "slot_full"
    engine.cancel_appointment("AAAAAA", at(8), by="portal-kota")
    assert book(engine, at(10), "CCCCCC").code == "CCCCCC"
    assert refusal(lambda: engine.cancel_appointment("AAAAAA", at(8), "x")) == "cancelled"


def test_closed_days_holidays_and_slots_that_do_not_exist_are_refused(
        engine: QueueEngine) -> None:
    assert refusal(lambda: book(engine, at(10, day=SATURDAY))) == "closed_today"
    christmas = dt.date(2026, 12, 25)
    far = QueueEngine(mall_with_appointments(days_ahead=60))
    far.start_day(at(7, 30))
    assert refusal(lambda: book(far, at(10, day=christmas))) == "holiday"
    assert refusal(lambda: book(engine, at(10, 10))) == "not_a_slot"
    assert refusal(lambda: book(engine, at(10, day=MONDAY + dt.timedelta(days=8)))) \
        == "too_far_ahead"
    assert refusal(lambda: book(engine, at(10), service="npwp")) == "not_bookable"


def test_past_the_cutoff_and_past_slots_are_refused(engine: QueueEngine) -> None:
    assert refusal(lambda: book(engine, at(10), now=at(9, 0, 1))) == "booking_closed"
    assert refusal(lambda: book(engine, at(9), now=at(9, 30))) == "booking_closed"
    assert book(engine, at(10), now=at(8, 59)).code == "K7M3QD"


def test_check_in_issues_a_pending_online_ticket_that_joins_the_appointment_line(
        engine: QueueEngine) -> None:
    book(engine, at(10))
    issued, checked_in = engine.check_in_appointment("k7m-3qd", at(9, 40), "kiosk-1",
                                                     pending=True)
    assert isinstance(issued, ev.TicketIssued) and issued.channel == "online"
    assert issued.pending and issued.label == "A-001"
    assert isinstance(checked_in, ev.AppointmentCheckedIn)
    assert checked_in.ticket_id == issued.ticket_id
    engine.confirm_ticket(issued.ticket_id, "printed", at(9, 40, 5), by="kiosk-1")
    assert list(engine.queues["ktp"].online) == [issued.ticket_id]
    assert engine.appointment("K7M3QD").status == AppointmentStatus.CHECKED_IN


def test_a_second_check_in_is_refused(engine: QueueEngine) -> None:
    book(engine, at(10))
    engine.check_in_appointment("K7M3QD", at(9, 40))
    assert refusal(lambda: engine.check_in_appointment("K7M3QD", at(9, 41))) \
        == "already_checked_in"
    assert refusal(lambda: engine.check_in_appointment("ZZZZZZ", at(9, 41))) \
        == "unknown_appointment"


def test_check_in_windows_early_late_and_another_day(engine: QueueEngine) -> None:
    book(engine, at(10), "AAAAAA")
    book(engine, at(10), "BBBBBB")
    book(engine, at(10, day=TUESDAY), "CCCCCC")
    with pytest.raises(AppointmentRefused) as early:
        engine.check_in_appointment("AAAAAA", at(9, 29))
    assert early.value.reason == "too_early" and early.value.when == at(9, 30)
    # Late, but within 15 minutes of the slot's end: accepted.
    assert engine.check_in_appointment("AAAAAA", at(10, 44))[0].channel  # type: ignore[attr-defined]
    with pytest.raises(AppointmentRefused) as late:
        engine.check_in_appointment("BBBBBB", at(10, 45, 1))
    assert late.value.reason == "too_late" and late.value.when == at(10, 45)
    assert refusal(lambda: engine.check_in_appointment("CCCCCC", at(10))) == "too_early"


def test_a_missed_slot_ends_as_missed_once_the_window_closes(engine: QueueEngine) -> None:
    book(engine, at(10), "AAAAAA")
    book(engine, at(10), "BBBBBB")
    engine.check_in_appointment("BBBBBB", at(9, 50))
    assert engine.mark_missed_appointments(at(10, 45)) == []
    assert engine.next_missed_deadline() == at(10, 45)
    [missed] = engine.mark_missed_appointments(at(10, 45, 1))
    assert isinstance(missed, ev.AppointmentMissed)
    assert missed.ticket_id == missed.appointment_id == "2026-11-23/AAAAAA"
    assert engine.appointment("AAAAAA").status == AppointmentStatus.MISSED
    assert engine.mark_missed_appointments(at(11)) == []
    assert refusal(lambda: engine.check_in_appointment("AAAAAA", at(10, 46))) == "missed"


def test_a_cancelled_check_in_ticket_books_the_appointment_again(engine: QueueEngine) -> None:
    book(engine, at(10))
    issued = engine.check_in_appointment("K7M3QD", at(9, 40), "kiosk-1", pending=True)[0]
    engine.cancel_ticket(issued.ticket_id, "print_failed", at(9, 40, 3),  # type: ignore[attr-defined]
                         by="kiosk-1")
    assert engine.appointment("K7M3QD").status == AppointmentStatus.BOOKED
    again = engine.check_in_appointment("K7M3QD", at(9, 41), "kiosk-1", pending=True)[0]
    assert again.label == "A-002"  # type: ignore[attr-defined]


def open_counter_c1_for_ktp_only(engine: QueueEngine, now: dt.datetime) -> None:
    engine.set_counter_services("c1", ["ktp"], now)
    engine.open_counter("c1", now)


def called(engine: QueueEngine, now: dt.datetime) -> str:
    [call] = engine.call_next("c1", now)
    label = engine.tickets[call.ticket_id].label  # type: ignore[attr-defined]
    engine.finish("c1", now)
    return label


def test_at_slot_an_appointment_goes_ahead_of_walk_ins_once_its_slot_begins(
        engine: QueueEngine) -> None:
    book(engine, at(10))
    open_counter_c1_for_ktp_only(engine, at(9))
    engine.issue_ticket("ktp", at(9, 30))  # A-001, a walk-in
    engine.issue_ticket("ktp", at(9, 31))
    engine.check_in_appointment("K7M3QD", at(9, 35))  # A-003, slot at 10:00
    assert called(engine, at(9, 50)) == "A-001"  # before its slot: walk-ins first
    assert called(engine, at(10)) == "A-003"  # the slot began: ahead of A-002
    assert called(engine, at(10, 5)) == "A-002"


def test_an_early_appointment_is_called_when_nobody_else_waits(engine: QueueEngine) -> None:
    book(engine, at(11))
    open_counter_c1_for_ktp_only(engine, at(9))
    engine.check_in_appointment("K7M3QD", at(10, 35))
    assert called(engine, at(10, 40)) == "A-001"


def test_interleave_calls_one_appointment_after_n_walk_ins() -> None:
    engine = QueueEngine(mall_with_appointments(call="interleave", interleave_walk_ins=2))
    engine.start_day(at(7, 30))
    for code in ("AAAAAA", "BBBBBB"):
        book(engine, at(10), code)
    open_counter_c1_for_ktp_only(engine, at(9))
    for minute in range(4):
        engine.issue_ticket("ktp", at(9, minute))  # A-001..A-004
    engine.check_in_appointment("AAAAAA", at(9, 40))
    engine.check_in_appointment("BBBBBB", at(9, 41))
    order = [called(engine, at(10, n)) for n in range(6)]
    assert order == ["A-005", "A-001", "A-002", "A-006", "A-003", "A-004"]


def test_replaying_the_events_rebuilds_the_book(engine: QueueEngine) -> None:
    log: list[ev.Event] = []
    original = QueueEngine(mall_with_appointments())
    log += original.start_day(at(7, 30))
    log += original.book_appointment("ktp", at(10), at(7, 45), name="A", contact="1234",
                                     language="en", code="AAAAAA", booked_by="boss",
                                     channel="supervisor")
    log += original.book_appointment("ktp", at(10), at(7, 46), name="B", contact="5678",
                                     language="id", code="BBBBBB", booked_by="boss",
                                     channel="supervisor")
    log += original.check_in_appointment("AAAAAA", at(9, 45), "kiosk-1", pending=True)
    log += original.cancel_appointment("BBBBBB", at(9, 50), "boss")
    rebuilt = QueueEngine(mall_with_appointments())
    rebuilt.replay(ev.event_from_dict(ev.event_to_dict(e)) for e in log)
    for code in ("AAAAAA", "BBBBBB"):
        assert rebuilt.appointment(code).status == original.appointment(code).status
    assert rebuilt.appointments.booked_in("ktp", at(10)) == 1
    assert rebuilt.tickets["2026-11-23/A-001"].slot_start == at(10)


def test_booking_codes_use_the_unambiguous_alphabet() -> None:
    code = booking_code(bytes(range(250, 256)))
    assert len(code) == 6 and not set(code) & set("01IO")


def limited_engine(**limits: Any) -> QueueEngine:
    """Appointments on ktp with the service's anti-calo limits."""
    data = mall_with_appointments().model_dump(mode="json", exclude_none=True)
    data["services"][0]["limits"] = limits
    engine = QueueEngine(parse_config(data))
    engine.start_day(at(7, 30))
    return engine


def limit_reason(call: Any) -> str:
    from hub.engine.limits import LimitReached

    with pytest.raises(LimitReached) as refused:
        call()
    return refused.value.reason


def test_booking_limits_hold_per_phone_number_like_tickets() -> None:
    """Issue 18: the limits bind bookings too, so one number cannot hoard a day's slots."""
    engine = limited_engine(one_active=True)
    book(engine, at(10))
    second = lambda: engine.book_appointment(  # noqa: E731
        "ktp", at(11), at(7, 45), name="Calo", contact="+62 812-3456-7890", language="id",
        code="B2C3D4", booked_by="portal-kota", channel="portal")
    assert limit_reason(second) == "one_active"  # +62 812… is the same number as 0812…
    engine.book_appointment("ktp", at(11), at(7, 45), name="Budi", contact="0813 0000 1111",
                            language="id", code="C3D4E5", booked_by="portal-kota",
                            channel="portal")  # another number books freely
    engine.cancel_appointment("K7M3QD", at(7, 50), by="portal-kota")
    assert len(second()) == 1  # the first one cancelled: the same number books again

    per_day = limited_engine(max_per_day=2)
    book(per_day, at(10))
    book(per_day, at(11), code="D4E5F6")
    third = lambda: per_day.book_appointment(  # noqa: E731
        "ktp", at(12), at(7, 45), name="Siti Aminah", contact="081234567890", language="id",
        code="E5F6G7", booked_by="portal-kota", channel="portal")
    assert limit_reason(third) == "max_per_day"
    # The last digits of a NIK identify nobody: the check-in's NIK or phone is limited.
    per_day.book_appointment("ktp", at(12), at(7, 45), name="Siti Aminah", contact="0001",
                             language="id", code="F6G7H8", booked_by="portal-kota",
                             channel="portal")


def test_an_import_counts_its_own_earlier_rows_against_the_limits() -> None:
    from hub.engine.appointments import BookingRow, ImportRefused

    engine = limited_engine(max_per_day=1)
    rows = [BookingRow("ktp", at(10), "Siti", "0812 3456 7890", "id"),
            BookingRow("ktp", at(11), "Siti", "0812 3456 7890", "id")]
    with pytest.raises(ImportRefused) as refused:
        engine.import_appointments(rows, at(7, 45), ["G7H8J9", "H8J9K2"], booked_by="boss")
    assert [number for number, _ in refused.value.rows] == [2]
    assert engine.appointments.by_code == {}  # all or nothing
