"""The visitor's phone number on a ticket: normalised, kept through a replay, never pushed."""

from __future__ import annotations

import pytest

from hub.config import parse_config
from hub.engine import InvalidArgument, QueueEngine
from hub.engine import events as ev
from hub.engine.appointments import fresh_code
from hub.engine.limits import normalise_contact, phone_or_none
from tests.factories import at, small_mall, small_mall_data


@pytest.mark.parametrize(("typed", "kept"), [
    ("0812-3456-7890", "081234567890"),
    (" +62 812 3456 7890 ", "+6281234567890"),
    ("(021) 555.1234", "0215551234"),
])
def test_a_phone_number_is_kept_as_digits_with_its_leading_plus_or_zero(
        typed: str, kept: str) -> None:
    assert normalise_contact(typed) == kept


@pytest.mark.parametrize("typed", ["1234567", "08123456789012345", "0812abc4567",
                                   "++62812345678", "０８１２３４５６７８９", ""])
def test_what_is_no_phone_number_is_refused(typed: str) -> None:
    with pytest.raises(InvalidArgument, match="phone number"):
        normalise_contact(typed)
    assert phone_or_none(typed) is None


def test_the_ticket_and_its_event_keep_the_contact_and_a_replay_restores_it(
        engine: QueueEngine) -> None:
    [issued] = engine.issue_ticket("ktp", at(9), contact="0812 3456 7890")
    assert isinstance(issued, ev.TicketIssued) and issued.contact == "081234567890"
    assert engine.ticket("A-001").contact == "081234567890"
    data = ev.event_to_dict(issued)
    assert data["contact"] == "081234567890"
    replayed = QueueEngine(small_mall())
    replayed.replay([*QueueEngine(small_mall()).start_day(at(7, 30)), ev.event_from_dict(data)])
    assert replayed.ticket("A-001").contact == "081234567890"


def test_an_older_log_row_without_contact_reads_as_none(engine: QueueEngine) -> None:
    [issued] = engine.issue_ticket("ktp", at(9))
    data = ev.event_to_dict(issued)
    del data["contact"]
    assert ev.event_from_dict(data) == issued


def test_a_bad_contact_issues_nothing(engine: QueueEngine) -> None:
    with pytest.raises(InvalidArgument):
        engine.issue_ticket("ktp", at(9), contact="call me")
    assert engine.tickets == {}


def test_a_phone_ticket_needs_a_contact(engine: QueueEngine) -> None:
    with pytest.raises(InvalidArgument, match="phone"):
        engine.issue_ticket("ktp", at(9), channel="mobile")
    [issued] = engine.issue_ticket("ktp", at(9), channel="mobile", contact="081234567890")
    assert issued.channel == "mobile"  # type: ignore[attr-defined]


def test_contact_is_private_so_a_pushed_ticket_issued_leaves_it_out() -> None:
    assert "contact" in ev.PRIVATE_FIELDS["ticket_issued"]
    assert "ticket_issued" not in ev.SUPERVISORS_ONLY  # the rest still reaches screens


@pytest.mark.parametrize(("booked_contact", "ticket_contact"),
                         [("0812-3456-7890", "081234567890"), ("4321", None)])
def test_an_appointment_check_in_carries_the_bookings_phone_number(
        booked_contact: str, ticket_contact: str | None) -> None:
    data = small_mall_data()
    data["services"][0]["appointments"] = {"slot_minutes": 30, "capacity": 2}
    engine = QueueEngine(parse_config(data))
    engine.start_day(at(7, 30))
    code = fresh_code(engine.appointments, lambda n: bytes(range(n)))
    engine.book_appointment("ktp", at(10), at(8), name="Siti", contact=booked_contact,
                            language="id", code=code, booked_by="supervisor",
                            channel="supervisor")
    issued, _checked_in = engine.check_in_appointment(code, at(9, 50))
    assert issued.contact == ticket_contact  # type: ignore[attr-defined]
