"""A hub process killed with SIGKILL mid-burst loses nothing it acknowledged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hub.core import HubCore
from hub.eventlog import RequestKey
from tests.factories import at, small_mall

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.integration
def test_sigkill_mid_burst_loses_no_acknowledged_ticket(tmp_path: Path) -> None:
    db_path = tmp_path / "burst.db"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.eventlog.burst_issuer", str(db_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    acknowledged: dict[str, str] = {}
    try:
        assert child.stdout is not None
        for line in child.stdout:
            _, request_id, label = line.split()
            acknowledged[request_id] = label
            if len(acknowledged) == 400:
                child.send_signal(signal.SIGKILL)
                break
    finally:
        child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    # Lines written before the kill may still sit in the pipe: they were acked too.
    assert child.stdout is not None
    for line in child.stdout:
        _, request_id, label = line.split()
        acknowledged[request_id] = label

    core = HubCore.open(small_mall(), db_path, lambda: at(10))
    try:
        for request_id, label in acknowledged.items():
            answer = core.log.find_response(RequestKey("kiosk-1", request_id))
            assert answer is not None, f"acknowledged {request_id} ({label}) was lost"
            assert answer["events"][-1]["label"] == label
            assert core.engine.ticket(label).label == label
        issued = [t.label for t in core.engine.tickets.values()]
        assert len(issued) == len(set(issued)) >= len(acknowledged)
        numbers_by_prefix: dict[str, list[int]] = {}
        for label in issued:
            prefix, number = label.split("-")
            numbers_by_prefix.setdefault(prefix, []).append(int(number))
        for numbers in numbers_by_prefix.values():
            assert sorted(numbers) == list(range(1, len(numbers) + 1))
        outcome = core.execute(lambda e, now: e.issue_ticket("ktp", now))
        next_label = outcome.response["events"][-1]["label"]
        assert int(next_label.split("-")[1]) == len(numbers_by_prefix["A"]) + 1
    finally:
        core.close()

