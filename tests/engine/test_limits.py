"""Anti-calo limits in the engine: per phone number or NIK (kept only as a keyed hash),
one open ticket and N a day per service, alike for the kiosk, phone and appointment
channels; "I'm here" and leaving the queue."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hub.config import parse_config
from hub.engine import IllegalMove, InvalidArgument, QueueEngine, TicketStatus
from hub.engine import events as ev
from hub.engine.appointments import fresh_code
from hub.engine.limits import LimitReached, nik_hash
from tests.factories import at, small_mall_data

SECRET = "a-secret-for-tests-only"
NIK = "3201 1234 5678 0001"


def limited(**limits: Any) -> QueueEngine:
    data = small_mall_data()
    data["hub"] = {"visitor_secret": SECRET}
    data["services"][0]["limits"] = limits
    data["services"][0]["appointments"] = {"slot_minutes": 30, "capacity": 4}
    engine = QueueEngine(parse_config(data))
    engine.start_day(at(7, 30))
    return engine


def test_one_active_refuses_a_second_open_ticket_across_kiosk_and_phone() -> None:
    engine = limited(one_active=True)
    engine.issue_ticket("ktp", at(9), contact="0812-3456-7890", issued_by="kiosk-1")
    with pytest.raises(LimitReached) as refused:
        engine.issue_ticket("ktp", at(9, 5), channel="mobile", contact="+62 812 3456 7890")
    assert (refused.value.reason, refused.value.identity) == ("one_active", "tel")
    engine.issue_ticket("ktp", at(9, 5), contact="0813 0000 0000")  # another number
    engine.issue_ticket("ktp", at(9, 5))  # no number given: not counted
    engine.issue_ticket("kk", at(9, 5), contact="081234567890")  # another service: no limits
    engine.open_counter("c1", at(9, 6))
    engine.call_next("c1", at(9, 7))
    engine.finish("c1", at(9, 10))  # A-001 done: the number may queue again
    [again] = engine.issue_ticket("ktp", at(9, 11), channel="mobile", contact="081234567890")
    assert again.label == "A-004"  # type: ignore[attr-defined]


def test_max_per_day_counts_tickets_left_but_not_those_never_printed() -> None:
    engine = limited(max_per_day=2)
    [printing] = engine.issue_ticket("ktp", at(9), contact="081234567890", pending=True,
                                     issued_by="kiosk-1")
    engine.cancel_ticket(printing.ticket_id, "print_failed", at(9, 1), by="kiosk-1")
    [first] = engine.issue_ticket("ktp", at(9, 2), contact="081234567890", channel="mobile")
    engine.leave_queue(first.ticket_id, at(9, 3))  # the visitor left: it still counts
    assert engine.ticket(first.ticket_id).status == TicketStatus.CANCELLED
    engine.issue_ticket("ktp", at(9, 4), contact="081234567890")
    with pytest.raises(LimitReached) as refused:
        engine.issue_ticket("ktp", at(9, 5), contact="081234567890")
    assert (refused.value.reason, refused.value.limit) == ("max_per_day", 2)
    engine.start_day(at(7, 30, day=at(9).date().replace(day=24)))  # a new day: counted afresh
    engine.issue_ticket("ktp", at(9, day=at(9).date().replace(day=24)), contact="081234567890")


def test_a_nik_is_kept_only_as_its_keyed_hash_and_limits_on_it() -> None:
    engine = limited(one_active=True)
    [issued] = engine.issue_ticket("ktp", at(9), nik=NIK)
    assert issued.nik_hash == nik_hash(SECRET, "3201123456780001")  # type: ignore[attr-defined]
    assert "3201123456780001" not in json.dumps(ev.event_to_dict(issued))
    assert "nik_hash" in ev.PRIVATE_FIELDS["ticket_issued"]
    assert nik_hash("another-secret-entirely", NIK) != nik_hash(SECRET, NIK)
    with pytest.raises(LimitReached) as refused:  # another phone, the same NIK
        engine.issue_ticket("ktp", at(9, 1), channel="mobile", contact="081299998888", nik=NIK)
    assert refused.value.identity == "nik"
    with pytest.raises(InvalidArgument, match="16 digits"):
        engine.issue_ticket("ktp", at(9, 2), nik="1234")


def test_a_hub_without_a_secret_takes_no_nik() -> None:
    data = small_mall_data()
    engine = QueueEngine(parse_config(data))
    engine.start_day(at(7, 30))
    with pytest.raises(InvalidArgument, match="visitor_secret"):
        engine.issue_ticket("ktp", at(9), nik=NIK)


def test_an_appointments_check_in_meets_the_same_limit() -> None:
    engine = limited(one_active=True)
    code = fresh_code(engine.appointments, lambda n: bytes(range(n)))
    engine.book_appointment("ktp", at(10), at(8), name="Siti", contact="0812-3456-7890",
                            language="id", code=code, booked_by="supervisor",
                            channel="supervisor")
    engine.issue_ticket("ktp", at(9), contact="081234567890", issued_by="kiosk-1")
    with pytest.raises(LimitReached):
        engine.check_in_appointment(code, at(9, 45), issued_by="kiosk-1")
    assert engine.appointment(code).status.value == "booked"  # nothing changed


def test_replaying_the_log_rebuilds_the_counts() -> None:
    engine = limited(max_per_day=1)
    emitted = engine.issue_ticket("ktp", at(9), contact="081234567890")
    replayed = limited(max_per_day=1)
    replayed.replay(emitted)
    with pytest.raises(LimitReached):
        replayed.issue_ticket("ktp", at(9, 1), contact="081234567890")


def test_im_here_needs_a_recall_and_holds_off_the_no_show_for_the_grace() -> None:
    engine = limited()
    [issued] = engine.issue_ticket("ktp", at(9), channel="mobile", contact="081234567890")
    engine.open_counter("c1", at(9))
    engine.call_next("c1", at(9, 1))
    with pytest.raises(IllegalMove, match="not recalled"):
        engine.say_present(issued.ticket_id, at(9, 2))  # type: ignore[attr-defined]
    engine.recall("c1", at(9, 3))
    [present] = engine.say_present(issued.ticket_id, at(9, 3, 10))  # type: ignore[attr-defined]
    assert isinstance(present, ev.VisitorPresent) and present.counter_id == "c1"
    with pytest.raises(IllegalMove, match="already"):
        engine.say_present(issued.ticket_id, at(9, 3, 20))  # type: ignore[attr-defined]
    with pytest.raises(IllegalMove, match="on the way"):
        engine.mark_no_show("c1", at(9, 4))  # 50 s after: within 120 s
    [no_show] = engine.mark_no_show("c1", at(9, 5, 10))  # the grace is over
    assert no_show.type == "ticket_no_show"


def test_only_a_waiting_ticket_can_be_left() -> None:
    engine = limited()
    [issued] = engine.issue_ticket("ktp", at(9), channel="mobile", contact="081234567890")
    engine.open_counter("c1", at(9))
    engine.call_next("c1", at(9, 1))
    with pytest.raises(IllegalMove):
        engine.leave_queue(issued.ticket_id, at(9, 2))  # type: ignore[attr-defined]


def test_phone_join_without_a_secret_is_a_configuration_error() -> None:
    from hub.config import ConfigError

    data = small_mall_data()
    data["queue"]["phone_join"] = True
    with pytest.raises(ConfigError, match=r"needs hub\.visitor_secret"):
        parse_config(data)
    data["hub"] = {"visitor_secret": SECRET}
    assert parse_config(data).queue.phone_join is True
