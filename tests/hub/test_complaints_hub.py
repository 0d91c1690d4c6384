"""submit_complaint against a real hub on loopback: sizes bounded, roles kept, retries once."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from hub.config import MallConfig, parse_config
from tests.factories import small_mall_data
from tests.hub.harness import device, running_hub

SURVEY_TOKEN = "survey-c1-token-for-tests"
T = TypeVar("T")


def mall() -> MallConfig:
    data = small_mall_data()
    data["devices"].append({"id": "survey-c1", "role": "survey", "counter": "c1",
                            "token": SURVEY_TOKEN})
    return parse_config(data)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coroutine, 60))


def test_oversized_or_misplaced_complaints_are_refused_and_a_retry_is_stored_once(
    tmp_path: Path,
) -> None:
    db = tmp_path / "hub.db"

    async def scenario() -> dict[str, dict[str, object]]:
        answers: dict[str, dict[str, object]] = {}
        async with running_hub(mall(), db) as (_server, url):
            async with device(url, "survey-c1", SURVEY_TOKEN) as tablet, \
                    device(url, "kiosk-1") as kiosk:
                fields = {"feedback": "complaint", "category": "waktu", "text": "Lama."}
                answers["long text"] = await tablet.request(
                    "submit_complaint", **{**fields, "text": "x" * 1001})
                answers["long contact"] = await tablet.request(
                    "submit_complaint", **fields, contact="0" * 101)
                answers["unknown category"] = await tablet.request(
                    "submit_complaint", **{**fields, "category": "parkir"})
                answers["kiosk"] = await kiosk.request("submit_complaint", **fields)
                answers["first"] = await tablet.request("submit_complaint", "same-1", **fields)
                answers["retry"] = await tablet.request("submit_complaint", "same-1", **fields)
        return answers

    answers = run(scenario())
    assert answers["long text"]["code"] == "bad_message"
    assert answers["long contact"]["code"] == "bad_message"
    assert answers["unknown category"]["code"] == "invalid_argument"
    assert answers["unknown category"]["message_id"] == "Isian perintah tidak valid."
    assert answers["kiosk"]["code"] == "not_allowed"
    assert answers["first"]["type"] == "result" and answers["retry"]["replayed"] is True
    assert answers["retry"]["events"] == answers["first"]["events"]
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("SELECT complaint_id FROM complaints").fetchall() == [
            ("2026-11-23/PS-001",)]
    finally:
        connection.close()
