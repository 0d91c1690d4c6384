"""What a ticket promises: the wait estimate, print-first tickets, reprints and breaks.

The estimate counts only counters that will really call (open, or paused until a break
ends); with none it is unknown (None), never a number made up from closed counters.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hub.engine import (
    IllegalMove,
    InvalidArgument,
    NothingToCall,
    OnBreak,
    QueueEngine,
    TicketStatus,
)
from hub.engine import events as ev
from tests.engine.test_engine import issue
from tests.factories import MONDAY, at, small_mall

FRIDAY = MONDAY + dt.timedelta(days=4)


def serve(engine: QueueEngine, counter: str, start: dt.datetime, minutes: float) -> None:
    engine.call_next(counter, start)
    engine.finish(counter, start + dt.timedelta(minutes=minutes))


# ------------------------------------------------------------------ estimate


def test_no_estimate_while_every_counter_of_the_service_is_closed(engine: QueueEngine) -> None:
    for minute in range(4):
        issue(engine, "ktp", at(8, minute))
    fifth = issue(engine, "ktp", at(8, 5))
    assert (fifth.people_ahead, fifth.estimated_wait_minutes) == (4, None)
    assert engine.counters_open("ktp") == 0
    assert engine.estimate_wait("ktp", at(8, 5)) == (5, None)


def test_nobody_ahead_with_an_open_counter_is_no_wait(engine: QueueEngine) -> None:
    engine.open_counter("c1", at(8))
    first = issue(engine, "ktp", at(8, 1))
    assert (first.people_ahead, first.estimated_wait_minutes) == (0, 0)


def test_estimate_uses_the_standard_then_the_mean_of_recent_times_per_open_counter(
    engine: QueueEngine,
) -> None:
    engine.open_counter("c1", at(8))
    for minute in range(4):
        issue(engine, "ktp", at(8, minute))
    # 4 ahead × 10 standard minutes on the one open counter (c2 is closed, not counted).
    assert engine.estimate_wait("ktp", at(8, 5)) == (4, 40)
    engine.open_counter("c2", at(8, 5))
    assert engine.counters_open("ktp") == 2
    assert engine.estimate_wait("ktp", at(8, 5)) == (4, 20)
    serve(engine, "c1", at(8, 6), 2)   # served in 2 minutes
    serve(engine, "c1", at(8, 9), 6)   # and in 6: the mean is 4, not 2, 6 or 12
    # 2 waiting × 4 minutes / 2 open counters; a counter serving someone still counts.
    engine.call_next("c2", at(8, 16))
    assert engine.counters_open("ktp") == 2
    assert engine.estimate_wait("ktp", at(8, 16)) == (1, 2)


def test_a_paused_counter_does_not_count_outside_a_break(engine: QueueEngine) -> None:
    engine.open_counter("c1", at(8))
    engine.open_counter("c2", at(8))
    engine.pause_counter("c2", "rapat", at(8, 1))
    for minute in range(3):
        issue(engine, "ktp", at(8, 2 + minute))
    assert engine.counters_open("ktp") == 1
    assert engine.estimate_wait("ktp", at(8, 5)) == (3, 30)
    engine.close_counter("c1", at(8, 6))
    assert engine.estimate_wait("ktp", at(8, 6)) == (3, None)


def test_priority_tickets_count_only_transferred_and_priority_ahead(engine: QueueEngine) -> None:
    engine.open_counter("c1", at(8))
    issue(engine, "ktp", at(8, 1))
    issue(engine, "ktp", at(8, 2))
    issue(engine, "ktp", at(8, 3), priority_kind="lansia")
    assert engine.estimate_wait("ktp", at(8, 4), priority=True) == (1, 10)
    assert engine.estimate_wait("ktp", at(8, 4), priority=False) == (3, 30)


def test_a_supervisors_change_of_services_moves_the_estimate(engine: QueueEngine) -> None:
    engine.open_counter("c3", at(8))  # the tax counter, open on a Monday but not for ktp
    issue(engine, "ktp", at(8, 1))
    assert engine.estimate_wait("ktp", at(8, 2)) == (1, None)
    engine.set_counter_services("c3", ["ktp"], at(8, 2))
    assert engine.counters_open("ktp") == 1
    assert engine.estimate_wait("ktp", at(8, 3)) == (1, 10)


def test_wait_estimate_includes_the_rest_of_a_break_with_counters_paused_for_it() -> None:
    engine = QueueEngine(small_mall())
    engine.start_day(at(11, day=FRIDAY))
    engine.open_counter("c1", at(11, day=FRIDAY))
    engine.pause_counter("c1", "sholat", at(11, 30, day=FRIDAY))
    ticket = issue(engine, "ktp", at(12, day=FRIDAY))
    # Nobody ahead, c1 paused until the break ends: Sholat Jumat until 13:00.
    assert (ticket.people_ahead, ticket.estimated_wait_minutes) == (0, 60)
    assert engine.break_ends_at(at(12, day=FRIDAY)) == at(13, day=FRIDAY)
    engine.close_counter("c1", at(12, 1, day=FRIDAY))
    assert engine.estimate_wait("ktp", at(12, 2, day=FRIDAY)) == (1, None)


# --------------------------------------------------------------- print first


def test_a_pending_ticket_is_numbered_but_cannot_be_called_until_confirmed(
    engine: QueueEngine,
) -> None:
    engine.open_counter("c1", at(8))
    pending = issue(engine, "ktp", at(8, 1), issued_by="kiosk-1", pending=True)
    assert pending.pending and pending.label == "A-001"
    assert engine.ticket("A-001").status == TicketStatus.PENDING
    with pytest.raises(NothingToCall):
        engine.call_next("c1", at(8, 2))
    with pytest.raises(IllegalMove, match="A-001 is pending"):
        engine.call_ticket("c1", "A-001", at(8, 2))
    # Numbered before the next visitor: counted ahead of them.
    assert issue(engine, "ktp", at(8, 2)).people_ahead == 1
    (confirmed,) = engine.confirm_ticket("A-001", "printed", at(8, 3), by="kiosk-1")
    assert isinstance(confirmed, ev.TicketConfirmed)
    assert engine.ticket("A-001").status == TicketStatus.WAITING
    (call,) = engine.call_next("c1", at(8, 4))
    assert isinstance(call, ev.TicketCalled) and call.ticket_id.endswith("A-001")


def test_a_ticket_confirmed_late_keeps_its_place_by_number(engine: QueueEngine) -> None:
    engine.open_counter("c1", at(8))
    issue(engine, "ktp", at(8, 1), issued_by="kiosk-1", pending=True)   # A-001, slow printer
    issue(engine, "ktp", at(8, 1, 5), issued_by="kiosk-2", pending=True)
    engine.confirm_ticket("A-002", "printed", at(8, 1, 8))
    engine.confirm_ticket("A-001", "on_screen", at(8, 1, 9))
    order = []
    for minute in (2, 4):
        (call,) = engine.call_next("c1", at(8, minute))
        assert isinstance(call, ev.TicketCalled)
        order.append(call.ticket_id.split("/")[1])
        engine.finish("c1", at(8, minute + 1))
    assert order == ["A-001", "A-002"]


def test_only_the_issuing_kiosk_confirms_and_only_a_pending_ticket(engine: QueueEngine) -> None:
    issue(engine, "ktp", at(8, 1), issued_by="kiosk-1", pending=True)
    issue(engine, "ktp", at(8, 1), issued_by="kiosk-1")
    with pytest.raises(IllegalMove, match="not issued by kiosk-2"):
        engine.confirm_ticket("A-001", "printed", at(8, 2), by="kiosk-2")
    with pytest.raises(IllegalMove, match="A-002 is waiting"):
        engine.confirm_ticket("A-002", "printed", at(8, 2), by="kiosk-1")
    with pytest.raises(InvalidArgument):
        engine.confirm_ticket("A-001", "faxed", at(8, 2), by="kiosk-1")


def test_unconfirmed_tickets_are_cancelled_after_the_configured_time() -> None:
    engine = QueueEngine(small_mall(print_confirm_seconds=30))
    engine.start_day(at(8))
    issue(engine, "ktp", at(8, 0, 0), issued_by="kiosk-1", pending=True)
    issue(engine, "ktp", at(8, 0, 20), issued_by="kiosk-1", pending=True)
    assert engine.next_unconfirmed_deadline() == at(8, 0, 30)
    assert engine.cancel_unconfirmed(at(8, 0, 29)) == []
    (cancelled,) = engine.cancel_unconfirmed(at(8, 0, 30))
    assert isinstance(cancelled, ev.TicketCancelled)
    assert (cancelled.ticket_id, cancelled.reason) == ("2026-11-23/A-001", "print_unconfirmed")
    assert engine.ticket("A-001").status == TicketStatus.CANCELLED
    assert engine.next_unconfirmed_deadline() == at(8, 0, 50)
    engine.confirm_ticket("A-002", "printed", at(8, 0, 40))
    assert engine.next_unconfirmed_deadline() is None
    assert engine.cancel_unconfirmed(at(9)) == []
    with pytest.raises(IllegalMove, match="A-001 is cancelled"):
        engine.confirm_ticket("A-001", "printed", at(8, 0, 41))


def test_a_pending_ticket_can_be_cancelled_by_its_kiosk_and_expires_at_day_end(
    engine: QueueEngine,
) -> None:
    issue(engine, "ktp", at(8, 1), issued_by="kiosk-1", pending=True)
    issue(engine, "ktp", at(8, 1), issued_by="kiosk-1", pending=True)
    (cancel,) = engine.cancel_ticket("A-001", "print_failed", at(8, 2), by="kiosk-1")
    assert isinstance(cancel, ev.TicketCancelled)
    assert engine.estimate_wait("ktp", at(8, 2))[0] == 1
    rollover = engine.start_day(at(7, 30, day=MONDAY + dt.timedelta(days=1)))
    expired = [e for e in rollover if isinstance(e, ev.TicketExpired)]
    assert [(e.ticket_id, e.status_before) for e in expired] == [("2026-11-23/A-002", "pending")]


def test_replaying_print_first_events_rebuilds_the_same_queue(engine: QueueEngine) -> None:
    events: list[ev.Event] = list(engine.start_day(at(7, 30)))
    fresh = QueueEngine(small_mall())
    fresh.start_day(at(7, 30))
    events += engine.issue_ticket("ktp", at(8, 1), issued_by="kiosk-1", pending=True)
    events += engine.issue_ticket("ktp", at(8, 1, 5), issued_by="kiosk-1", pending=True)
    events += engine.confirm_ticket("A-002", "printed", at(8, 1, 8))
    events += engine.confirm_ticket("A-001", "printed", at(8, 1, 9))
    events += engine.issue_ticket("ktp", at(8, 2), issued_by="kiosk-1", pending=True)
    fresh.replay(events)
    for a, b in ((engine, fresh),):
        assert list(a.queues["ktp"].normal) == list(b.queues["ktp"].normal) == [
            "2026-11-23/A-001", "2026-11-23/A-002"]
        assert dict(a.queues["ktp"].pending) == dict(b.queues["ktp"].pending) == {
            "2026-11-23/A-003": False}


# ------------------------------------------------------------------ reprint


def test_a_kiosk_reprints_its_own_ticket_within_the_window_with_the_same_number() -> None:
    engine = QueueEngine(small_mall(reprint_minutes=5))
    engine.start_day(at(8))
    issue(engine, "ktp", at(8), issued_by="kiosk-1", pending=True)
    (again,) = engine.reprint_ticket("A-001", at(8, 4), by="kiosk-1")
    assert isinstance(again, ev.TicketReprinted)
    assert (again.ticket_id, again.device_id, again.by) == ("2026-11-23/A-001", "kiosk-1",
                                                            "kiosk-1")
    assert engine.ticket("A-001").reprint_count == 1
    assert engine.queues["ktp"].last_number == 1  # no new number
    with pytest.raises(IllegalMove, match="more than 5 minutes ago"):
        engine.reprint_ticket("A-001", at(8, 6), by="kiosk-1")
    with pytest.raises(IllegalMove, match="not issued by kiosk-2"):
        engine.reprint_ticket("A-001", at(8, 1), by="kiosk-2")


def test_a_supervisor_reprints_any_ticket_of_today_at_a_named_kiosk() -> None:
    engine = QueueEngine(small_mall(reprint_minutes=5))
    engine.start_day(at(8))
    issue(engine, "ktp", at(8), issued_by="kiosk-1")
    (again,) = engine.reprint_ticket("A-001", at(11), by="boss", kiosk="kiosk-1")
    assert isinstance(again, ev.TicketReprinted) and again.device_id == "kiosk-1"
    with pytest.raises(InvalidArgument, match="only a kiosk prints"):
        engine.reprint_ticket("A-001", at(11), by="boss", kiosk="display-z1")
    with pytest.raises(InvalidArgument, match="unknown device"):
        engine.reprint_ticket("A-001", at(11), by="boss", kiosk="kiosk-9")


# ------------------------------------------------------------------- breaks


def test_calls_wait_during_a_break_and_the_refusal_names_it_and_its_end() -> None:
    engine = QueueEngine(small_mall())
    engine.start_day(at(11, day=FRIDAY))
    engine.open_counter("c1", at(11, day=FRIDAY))
    issue(engine, "ktp", at(11, 40, day=FRIDAY))
    issue(engine, "ktp", at(11, 41, day=FRIDAY))
    with pytest.raises(OnBreak) as refused:
        engine.call_next("c1", at(11, 45, day=FRIDAY))
    assert refused.value.reason_id == "Sholat Jumat"
    assert refused.value.ends_at == at(13, day=FRIDAY)
    assert "until 13:00" in str(refused.value)
    with pytest.raises(OnBreak):
        engine.call_ticket("c1", "A-002", at(12, 59, day=FRIDAY))
    (call,) = engine.call_next("c1", at(13, day=FRIDAY))
    assert isinstance(call, ev.TicketCalled)


def test_a_visitor_parked_before_the_break_can_still_be_resumed() -> None:
    engine = QueueEngine(small_mall())
    engine.start_day(at(11, day=FRIDAY))
    engine.open_counter("c1", at(11, day=FRIDAY))
    issue(engine, "ktp", at(11, 10, day=FRIDAY))
    engine.call_next("c1", at(11, 15, day=FRIDAY))
    engine.park("c1", at(11, 20, day=FRIDAY))
    (resumed,) = engine.resume_parked("c1", "A-001", at(11, 35, day=FRIDAY))
    assert isinstance(resumed, ev.TicketCalled) and resumed.how == "resume"
