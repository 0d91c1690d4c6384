"""A small, real business day built through HubCore with a fake clock, known to the second.

Monday 2026-11-23 in the small test mall (tests/factories.py), every wait target 30 min:

| ticket | service   | issued | 1st call | wait   | end                          | service |
|--------|-----------|--------|----------|--------|------------------------------|---------|
| A-001  | ktp       | 08:00  | 08:15 c2 | 900 s  | to kk 08:20, 08:21 → 08:25   | 240 s   |
| A-002  | ktp (lansia) | 08:02 | 08:10 c1 | 480 s | served 08:16                | 360 s   |
| B-001  | kk        | 08:05  | 08:40 c1 | 2100 s | served 08:50 (over target)   | 600 s   |
| G-001  | pbg       | 08:10  | 08:40 c4 | 1800 s | served 09:05 (at target)     | 1500 s  |
| A-003  | ktp       | 08:12  | –        | –      | cancelled 08:12:30 (printer) | –       |
| B-002  | kk        | 09:00  | –        | –      | expired when Tuesday starts  | –       |
| A-004  | ktp       | 09:05  | 09:10 c1 | 300 s  | recall 09:11, no-show 09:12  | –       |

Surveys: A-002 answers 4,4,3,3,4,4,4,3,3; G-001 answers 3,3,2,4,3,3,3,2,3.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hub.config import MallConfig
from hub.core import HubCore
from tests.factories import MONDAY, at, small_mall


class FakeClock:
    """A clock the test sets by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def build_day(db_path: Path, config: MallConfig) -> None:
    """Log the day described above into a fresh database."""
    clock = FakeClock(at(8, 0))
    core = HubCore.open(config, db_path, clock)

    def run(hour: int, minute: int, command, second: int = 0) -> None:  # type: ignore[no-untyped-def]
        clock.now = at(hour, minute, second)
        core.execute(command)

    for counter in ("c1", "c2", "c4"):
        run(8, 0, lambda e, now, c=counter: e.open_counter(c, now))
    run(8, 0, lambda e, now: e.issue_ticket("ktp", now))
    run(8, 2, lambda e, now: e.issue_ticket("ktp", now, priority_kind="lansia"))
    run(8, 5, lambda e, now: e.issue_ticket("kk", now))
    run(8, 10, lambda e, now: e.issue_ticket("pbg", now))
    run(8, 10, lambda e, now: e.call_ticket("c1", "A-002", now))
    run(8, 12, lambda e, now: e.issue_ticket("ktp", now))
    run(8, 12, lambda e, now: e.cancel_ticket("A-003", "printer_failed", now), second=30)
    run(8, 15, lambda e, now: e.call_ticket("c2", "A-001", now))
    run(8, 16, lambda e, now: e.finish("c1", now))
    run(8, 20, lambda e, now: e.transfer("c2", now, to_service_id="kk"))
    run(8, 21, lambda e, now: e.call_ticket("c2", "A-001", now))
    run(8, 25, lambda e, now: e.finish("c2", now))
    run(8, 40, lambda e, now: e.call_ticket("c1", "B-001", now))
    run(8, 40, lambda e, now: e.call_ticket("c4", "G-001", now))
    run(8, 50, lambda e, now: e.finish("c1", now))
    run(9, 0, lambda e, now: e.issue_ticket("kk", now))
    run(9, 5, lambda e, now: e.finish("c4", now))
    run(9, 5, lambda e, now: e.issue_ticket("ktp", now))
    run(9, 10, lambda e, now: e.call_ticket("c1", "A-004", now))
    run(9, 11, lambda e, now: e.recall("c1", now))
    run(9, 12, lambda e, now: e.mark_no_show("c1", now))
    run(9, 20, lambda e, now: e.submit_survey("A-002", [4, 4, 3, 3, 4, 4, 4, 3, 3], now,
                                              profile={"gender": "perempuan"}))
    run(9, 25, lambda e, now: e.submit_survey("G-001", [3, 3, 2, 4, 3, 3, 3, 2, 3], now,
                                              comment="Ruang tunggu panas"))
    clock.now = at(8, 0, day=MONDAY + dt.timedelta(days=1))
    core.start_day_if_needed()
    core.close()


@pytest.fixture(scope="module")
def mall() -> MallConfig:
    return small_mall()


@pytest.fixture(scope="module")
def day_db(tmp_path_factory: pytest.TempPathFactory, mall: MallConfig) -> Path:
    """The logged day (built once per test module; tests only read it)."""
    path = tmp_path_factory.mktemp("day") / "antrean.db"
    build_day(path, mall)
    return path
