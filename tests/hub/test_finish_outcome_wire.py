"""Finish outcomes over the wire, on a real hub: the rule answered in both languages.

A refused outcome changes nothing (the visitor is still at the counter) and says why; a
retried finish is answered from the log; a restart replays the outcome.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from hub.config import MallConfig, parse_config
from hub.eventlog import open_readonly
from tests.factories import small_mall_data
from tests.hub.harness import FakeClock, device, running_hub

pytestmark = pytest.mark.integration

KTP = {"id": ["Fotokopi KK", "Surat pengantar RT/RW"],
       "en": ["Copy of the family card", "Cover letter from the RT/RW"]}


def mall() -> MallConfig:
    data = small_mall_data()
    data["services"][0]["requirements"] = KTP
    return parse_config(data)


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 60))


def test_refusals_say_why_and_a_retry_is_answered_from_the_log(tmp_path: Path) -> None:
    config, db, clock = mall(), tmp_path / "hub.db", FakeClock()

    async def scenario() -> None:
        async with running_hub(config, db, clock) as (_server, url), \
                device(url, "kiosk-1") as kiosk, device(url, "counter-c1") as counter:
            assert (await kiosk.request("issue_ticket", service_id="ktp"))["type"] == "result"
            await counter.request("open_counter")
            await counter.request("call_next")
            unknown = await counter.request("finish", outcome="incomplete_documents",
                                            missing_requirements=["Akta kelahiran"])
            assert unknown["type"] == "error" and unknown["code"] == "invalid_argument"
            assert unknown["message_id"] == "Isian perintah tidak valid."
            assert "not a requirement of ktp: 'Akta kelahiran'" in unknown["message_en"]
            nowhere = await counter.request("finish", outcome="referred", referred_note=" ")
            assert nowhere["code"] == "invalid_argument"
            assert "needs a tenant" in nowhere["message_en"]
            typo = await counter.request("finish", outcome="sent_home")
            assert typo["code"] == "bad_message" and "outcome" in typo["message_en"]
            too_many = await counter.request("finish", outcome="incomplete_documents",
                                             missing_requirements=["x"] * 31)
            assert too_many["code"] == "bad_message"
            done = await counter.request("finish", "fin-1", outcome="incomplete_documents",
                                         missing_requirements=["Surat pengantar RT/RW",
                                                               "Fotokopi KK"])
            assert done["type"] == "result", done
            [event] = done["events"]
            assert event["missing_requirements"] == ["Fotokopi KK", "Surat pengantar RT/RW"]
            again = await counter.request("finish", "fin-1", outcome="incomplete_documents",
                                          missing_requirements=["Fotokopi KK"])
            assert again["type"] == "result" and again["replayed"] is True
            assert again["events"] == done["events"]  # the first answer, not a second finish

    run(scenario())
    connection = open_readonly(db)
    try:
        rows = connection.execute(
            "SELECT type, payload FROM events WHERE type = 'ticket_finished'").fetchall()
        visit = connection.execute(
            "SELECT finish_outcome, missing_requirements FROM visits").fetchone()
    finally:
        connection.close()
    assert len(rows) == 1 and json.loads(rows[0][1])["outcome"] == "incomplete_documents"
    assert visit == ("incomplete_documents",
                     json.dumps(["Fotokopi KK", "Surat pengantar RT/RW"]))

    async def restarted() -> None:
        async with running_hub(config, db, clock) as (server, _url):
            ticket = server.core.engine.ticket("A-001")
            assert ticket.status.value == "done"

    run(restarted())
