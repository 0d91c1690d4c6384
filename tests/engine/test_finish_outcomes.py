"""Finishing a visit with its outcome: served, berkas tidak lengkap, or referred elsewhere."""

from __future__ import annotations

import pytest

from hub.config import MallConfig, parse_config
from hub.engine import InvalidArgument, QueueEngine, TicketStatus
from hub.engine import events as ev
from tests.factories import at, small_mall_data

KTP_REQUIREMENTS = {"id": ["KTP-el lama", "Fotokopi KK", "Surat pengantar RT/RW"],
                    "en": ["Old e-ID card", "Copy of the family card", "Letter from the RT/RW"]}


def _mall() -> MallConfig:
    data = small_mall_data()
    data["services"][0]["requirements"] = KTP_REQUIREMENTS
    data["services"][1]["requirements"] = {"id": []}  # kk publishes none
    return parse_config(data)


@pytest.fixture
def engine() -> QueueEngine:
    engine = QueueEngine(_mall())
    engine.start_day(at(7, 30))
    engine.open_counter("c1", at(8, 0))
    return engine


def _serving(engine: QueueEngine, service_id: str = "ktp") -> str:
    ticket_id = engine.issue_ticket(service_id, at(8, 5))[0].ticket_id  # type: ignore[attr-defined]
    called = engine.call_ticket("c1", ticket_id, at(8, 10))
    assert called
    return str(ticket_id)


def test_a_plain_finish_is_served_with_nothing_missing(engine: QueueEngine) -> None:
    ticket_id = _serving(engine)
    [event] = engine.finish("c1", at(8, 14))
    assert isinstance(event, ev.TicketFinished)
    assert (event.outcome, event.missing_requirements, event.referred_tenant_id,
            event.referred_note) == ("served", [], None, None)
    assert event.service_seconds == 240.0
    assert engine.tickets[ticket_id].status == TicketStatus.DONE


def test_incomplete_documents_keeps_the_missing_requirements_in_configured_order(
        engine: QueueEngine) -> None:
    _serving(engine)
    [event] = engine.finish("c1", at(8, 14), "incomplete_documents",
                            ["Surat pengantar RT/RW", "KTP-el lama"])
    assert isinstance(event, ev.TicketFinished)
    assert event.outcome == "incomplete_documents"
    assert event.missing_requirements == ["KTP-el lama", "Surat pengantar RT/RW"]
    assert engine.counters["c1"].ticket_id is None
    assert engine.counters["c1"].served_today == 1


def test_the_requirements_are_those_of_the_service_after_a_transfer(
        engine: QueueEngine) -> None:
    _serving(engine, "kk")
    engine.transfer("c1", at(8, 12), to_service_id="ktp")
    engine.call_next("c1", at(8, 13))
    [event] = engine.finish("c1", at(8, 20), "incomplete_documents", ["Fotokopi KK"])
    assert isinstance(event, ev.TicketFinished)
    assert (event.service_id, event.missing_requirements) == ("ktp", ["Fotokopi KK"])


@pytest.mark.parametrize(("missing", "says"), [
    ([], "needs the missing requirements"),
    (["Akta kelahiran"], "not a requirement of ktp"),
    (["ktp-el lama"], "not a requirement of ktp"),  # as configured, not loosely
    (["Fotokopi KK", "Fotokopi KK"], "named twice"),
])
def test_incomplete_documents_refuses_what_the_service_does_not_publish(
        engine: QueueEngine, missing: list[str], says: str) -> None:
    _serving(engine)
    with pytest.raises(InvalidArgument, match=says):
        engine.finish("c1", at(8, 14), "incomplete_documents", missing)
    assert engine.counters["c1"].ticket_id is not None  # nothing changed


def test_a_service_without_requirements_cannot_be_incomplete(engine: QueueEngine) -> None:
    _serving(engine, "kk")
    with pytest.raises(InvalidArgument, match="publishes no requirements"):
        engine.finish("c1", at(8, 14), "incomplete_documents", ["KTP-el"])


def test_referred_to_another_tenant_or_somewhere_in_words(engine: QueueEngine) -> None:
    _serving(engine)
    [event] = engine.finish("c1", at(8, 14), "referred", referred_tenant_id="pajak",
                            referred_note="  bawa   NPWP ke  KPP ")
    assert isinstance(event, ev.TicketFinished)
    assert (event.outcome, event.referred_tenant_id, event.referred_note) == (
        "referred", "pajak", "bawa NPWP ke KPP")
    _serving(engine)
    [event] = engine.finish("c1", at(8, 30), "referred",
                            referred_note="Kantor Imigrasi Serang" + "x" * 300)
    assert isinstance(event, ev.TicketFinished)
    assert event.referred_tenant_id is None
    assert event.referred_note is not None and len(event.referred_note) == 200


@pytest.mark.parametrize(("kwargs", "says"), [
    ({}, "needs a tenant or where to go"),
    ({"referred_note": "   "}, "needs a tenant or where to go"),
    ({"referred_tenant_id": "imigrasi"}, "unknown tenant"),
    ({"referred_tenant_id": "dukcapil"}, "own tenant: transfer"),
])
def test_a_referral_must_say_where_and_not_to_its_own_tenant(
        engine: QueueEngine, kwargs: dict[str, str], says: str) -> None:
    _serving(engine)
    with pytest.raises(InvalidArgument, match=says):
        engine.finish("c1", at(8, 14), "referred", **kwargs)  # type: ignore[arg-type]


def test_details_belong_to_their_own_outcome_only(engine: QueueEngine) -> None:
    _serving(engine)
    with pytest.raises(InvalidArgument, match="belong to incomplete_documents"):
        engine.finish("c1", at(8, 14), "served", ["Fotokopi KK"])
    with pytest.raises(InvalidArgument, match="belongs to referred"):
        engine.finish("c1", at(8, 14), "served", referred_tenant_id="pajak")
    with pytest.raises(InvalidArgument, match="belongs to referred"):
        engine.finish("c1", at(8, 14), "incomplete_documents", ["Fotokopi KK"],
                      referred_note="KPP")
    with pytest.raises(InvalidArgument, match="unknown outcome 'sent_home'"):
        engine.finish("c1", at(8, 14), "sent_home")
    assert engine.counters["c1"].ticket_id is not None


def test_outcomes_survive_the_json_codec_and_old_rows_read_as_served(
        engine: QueueEngine) -> None:
    _serving(engine)
    [event] = engine.finish("c1", at(8, 14), "incomplete_documents", ["Fotokopi KK"])
    assert ev.event_from_dict(ev.event_to_dict(event)) == event
    old_row = {"type": "ticket_finished", "at": at(8, 14).isoformat(),
               "ticket_id": "2026-11-23/A-001", "counter_id": "c1", "service_id": "ktp",
               "service_seconds": 60.0}
    old = ev.event_from_dict(old_row)
    assert isinstance(old, ev.TicketFinished)
    assert (old.outcome, old.missing_requirements) == ("served", [])
