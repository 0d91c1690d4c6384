"""Group commit: many requests per fsync, nothing told before it is written, failures honest."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from tests.factories import small_mall_data
from tests.hub.harness import device, running_hub

pytestmark = pytest.mark.integration


def mall_with_kiosks(count: int) -> Any:
    from hub.config import parse_config

    data = small_mall_data()
    data["devices"] += [{"id": f"kiosk-x{n}", "role": "kiosk",
                         "token": f"kiosk-x{n}-token-for-tests"} for n in range(count)]
    return parse_config(data)


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 60))


def test_concurrent_kiosks_get_distinct_durable_numbers(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall_with_kiosks(8), tmp_path / "h.db") as (server, url):
            batches: list[int] = []
            real_append = server.core.log.append

            def counting_append(entries: Any) -> Any:
                batches.append(len(entries))
                return real_append(entries)

            server.core.log.append = counting_append  # type: ignore[method-assign]

            async def kiosk(n: int) -> list[str]:
                async with device(url, f"kiosk-x{n}", f"kiosk-x{n}-token-for-tests") as k:
                    for i in range(10):  # send all, then read: requests overlap at the hub
                        await k.send({"type": "issue_ticket", "request_id": f"r{i}",
                                      "service_id": "ktp"})
                    labels = []
                    while len(labels) < 10:
                        message = await k.receive()
                        if message["type"] == "result":
                            labels.append(message["events"][0]["label"])
                    return labels

            labels = [label for got in await asyncio.gather(*(kiosk(n) for n in range(8)))
                      for label in got]
            assert sorted(labels) == [f"A-{n:03d}" for n in range(1, 81)]
            written = server.core.log.reader.execute(
                "SELECT count(*) FROM visits").fetchone()[0]
            assert written == 80
            assert sum(batches) >= 80 and len(batches) < 80  # some fsyncs carried several

    run(scenario())


def test_a_request_sent_twice_gets_one_ticket_and_the_same_answer(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall_with_kiosks(0), tmp_path / "h.db") as (server, url):
            async with device(url, "kiosk-1") as kiosk:
                twice = json.dumps({"type": "issue_ticket", "request_id": "same",
                                    "service_id": "ktp"})
                await kiosk.send(twice)
                await kiosk.send(twice)
                results = []
                while len(results) < 2:
                    message = await kiosk.receive()
                    if message["type"] == "result":
                        results.append(message)
                assert results[0]["events"] == results[1]["events"]
                assert sorted(r["replayed"] for r in results) == [False, True]
                assert server.core.engine.waiting_count("ktp") == 1

    run(scenario())


def test_a_failed_write_tells_nobody_and_the_hub_carries_on(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall_with_kiosks(0), tmp_path / "h.db") as (server, url):
            async with device(url, "kiosk-1") as kiosk, device(url, "display-z1") as display:
                first = await kiosk.request("issue_ticket", service_id="ktp")
                assert first["events"][0]["label"] == "A-001"
                real_append = server.core.log.append
                failures = [OSError("disk full")]

                def failing_append(entries: Any) -> Any:
                    if failures:
                        raise failures.pop()
                    return real_append(entries)

                server.core.log.append = failing_append  # type: ignore[method-assign]
                refused = await kiosk.request("issue_ticket", service_id="ktp")
                assert refused["type"] == "error" and refused["code"] == "internal_error"
                assert server.core.engine.waiting_count("ktp") == 1  # reloaded from the log
                again = await kiosk.request("issue_ticket", service_id="ktp")
                assert again["events"][0]["label"] == "A-002"  # never told, so not lost
                await display.send({"type": "ping"})
                while (message := await display.receive())["type"] != "pong":
                    assert message["type"] != "event"  # no ticket events reach displays

    run(scenario())
