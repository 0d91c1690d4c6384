"""The engine's complaint command: checked, numbered per day, replayed to the same count."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.engine import InvalidArgument, QueueEngine, UnknownCounter, UnknownTicket
from hub.engine import events as ev
from tests.factories import MONDAY, at, small_mall


def complain(engine: QueueEngine, minute: int = 0, **changes: object) -> ev.ComplaintSubmitted:
    arguments: dict[str, object] = {
        "counter_id": "c3", "device_id": "survey-c3", "feedback": "complaint",
        "category": "biaya", "text": "  Diminta   uang  tambahan.  ", "contact": None}
    arguments.update(changes)
    [event] = engine.submit_complaint(at(9, minute), **arguments)  # type: ignore[arg-type]
    assert isinstance(event, ev.ComplaintSubmitted)
    return event


def test_a_complaint_is_about_the_counters_tenant_and_numbered_per_day(
    engine: QueueEngine,
) -> None:
    first = complain(engine)
    assert (first.complaint_id, first.tenant_id, first.counter_id) == (
        "2026-11-23/PS-001", "pajak", "c3")
    assert first.text == "Diminta uang tambahan."  # spaces collapsed
    second = complain(engine, 1, feedback="suggestion", category="sarana", counter_id="c1",
                      contact="  0812 555  ")
    assert (second.complaint_id, second.tenant_id, second.contact) == (
        "2026-11-23/PS-002", "dukcapil", "0812 555")
    engine.start_day(at(7, 30, day=MONDAY + dt.timedelta(days=1)))
    [tuesday] = engine.submit_complaint(at(9, 0, day=MONDAY + dt.timedelta(days=1)), "c1",
                                        "survey-c1", "complaint", "waktu", "Lama.")
    assert tuesday.complaint_id == "2026-11-24/PS-001"  # type: ignore[attr-defined]


def test_a_replayed_log_numbers_the_next_complaint_on(engine: QueueEngine) -> None:
    logged = [*QueueEngine(small_mall()).start_day(at(7, 30))]
    replayed = QueueEngine(small_mall())
    replayed.replay(logged)
    replayed.replay([complain(engine), complain(engine, 1)])
    [third] = replayed.submit_complaint(at(9, 5), "c1", "survey-c1", "complaint", "waktu", "x")
    assert third.complaint_id == "2026-11-23/PS-003"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("changes", "error", "says"), [
    ({"category": "parkir"}, InvalidArgument, "unknown complaint category 'parkir'"),
    ({"feedback": "praise"}, InvalidArgument, "feedback must be one of complaint, suggestion"),
    ({"text": "   "}, InvalidArgument, "the complaint text is empty"),
    ({"counter_id": "c9"}, UnknownCounter, "c9"),
    ({"ticket_ref": "A-099"}, UnknownTicket, "A-099"),
])
def test_a_bad_complaint_is_refused_and_changes_nothing(
    engine: QueueEngine, changes: dict[str, object], error: type[Exception], says: str,
) -> None:
    with pytest.raises(error, match=says):
        complain(engine, **changes)
    assert engine.complaints_today == 0


def test_a_complaint_may_name_todays_visit_by_its_number(engine: QueueEngine) -> None:
    engine.issue_ticket("ktp", at(8, 0))
    assert complain(engine, ticket_ref="A-001").ticket_id == "2026-11-23/A-001"
    # Text and contact are cut to what the protocol allows, even from an in-process caller.
    long = complain(engine, 1, text="x" * 1500, contact="9" * 150)
    assert (len(long.text), len(long.contact or "")) == (1000, 100)
