"""Visitors by channel with several channels (kiosk, online, and one the labels do not know).

Monday 2026-11-23, the small test mall, one counter (c1) calling ktp in this order:

| ticket | channel  | priority | issued | called | wait   | end                         |
|--------|----------|----------|--------|--------|--------|-----------------------------|
| A-001  | kiosk    | –        | 08:00  | 08:10  | 600 s  | served 08:15                |
| A-002  | kiosk    | lansia   | 08:01  | 08:05  | 240 s  | served 08:09                |
| A-003  | online   | –        | 08:02  | 08:16  | 840 s  | served 08:20                |
| A-004  | online   | lansia   | 08:03  | 08:21  | 1080 s | no-show 08:23               |
| A-005  | whatsapp | –        | 08:04  | 08:24  | 1200 s | served 08:30                |
| A-006  | kiosk    | –        | 08:06  | –      | –      | expired when Tuesday starts |

kiosk: 3 visitors, 2 served, mean wait (600 + 240) / 2 = 7 min; online: 2, 1 served,
1 no-show, (840 + 1080) / 2 = 16 min; whatsapp: 1, 1 served, 20 min. Shares of 6.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hub.config import MallConfig
from hub.core import HubCore
from hub.eventlog import open_readonly
from hub.reports import build_report, parse_period
from hub.reports.tables import report_tables
from tests.factories import MONDAY, at, small_mall
from tests.reports.conftest import FakeClock


def build_channels(db_path: Path, config: MallConfig) -> None:
    clock = FakeClock(at(8, 0))
    core = HubCore.open(config, db_path, clock)

    def run(hour: int, minute: int, command) -> None:  # type: ignore[no-untyped-def]
        clock.now = at(hour, minute)
        core.execute(command)

    run(8, 0, lambda e, now: e.open_counter("c1", now, "Andi"))
    run(8, 0, lambda e, now: e.issue_ticket("ktp", now))
    run(8, 1, lambda e, now: e.issue_ticket("ktp", now, "lansia"))
    run(8, 2, lambda e, now: e.issue_ticket("ktp", now, channel="online"))
    run(8, 3, lambda e, now: e.issue_ticket("ktp", now, "lansia", channel="online"))
    run(8, 4, lambda e, now: e.issue_ticket("ktp", now, channel="whatsapp"))
    run(8, 5, lambda e, now: e.call_ticket("c1", "A-002", now))
    run(8, 6, lambda e, now: e.issue_ticket("ktp", now))
    run(8, 9, lambda e, now: e.finish("c1", now))
    run(8, 10, lambda e, now: e.call_ticket("c1", "A-001", now))
    run(8, 15, lambda e, now: e.finish("c1", now))
    run(8, 16, lambda e, now: e.call_ticket("c1", "A-003", now))
    run(8, 20, lambda e, now: e.finish("c1", now))
    run(8, 21, lambda e, now: e.call_ticket("c1", "A-004", now))
    run(8, 22, lambda e, now: e.recall("c1", now))
    run(8, 23, lambda e, now: e.mark_no_show("c1", now))
    run(8, 24, lambda e, now: e.call_ticket("c1", "A-005", now))
    run(8, 30, lambda e, now: e.finish("c1", now))
    clock.now = at(8, 0, day=MONDAY + dt.timedelta(days=1))
    core.start_day_if_needed()
    core.close()


def test_every_channel_has_its_own_line_and_the_lines_add_up(tmp_path: Path) -> None:
    mall = small_mall()
    db = tmp_path / "antrean.db"
    build_channels(db, mall)
    connection = open_readonly(db)
    try:
        report = build_report(connection, mall, parse_period("2026-11-23"),
                              generated_at=dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
    finally:
        connection.close()
    assert report.meta.evidence is not None and report.meta.evidence.ok
    lines = {line.key: line for line in report.channels}
    assert list(lines) == ["kiosk", "online", "whatsapp"]  # known ones first, then the rest
    figures = {key: (line.visitors, line.served, line.no_show, line.not_served)
               for key, line in lines.items()}
    assert figures == {"kiosk": (3, 2, 0, 1), "online": (2, 1, 1, 0),
                       "whatsapp": (1, 1, 0, 0)}
    assert lines["kiosk"].mean_wait_minutes == pytest.approx(7.0)
    assert lines["online"].mean_wait_minutes == pytest.approx(16.0)
    assert lines["whatsapp"].mean_wait_minutes == pytest.approx(20.0)
    assert (lines["kiosk"].label, lines["online"].label, lines["whatsapp"].label) == (
        "Anjungan (kios)", "Daring (online)", "whatsapp")
    assert sum(line.visitors for line in lines.values()) == report.totals.visitors == 6
    lansia = next(line for line in report.priority if line.key == "lansia")
    assert (lansia.visitors, lansia.served, lansia.no_show) == (2, 1, 1)  # kiosk and online
    table = next(t for t in report_tables(report) if t.key == "kanal")
    assert [row[:2] for row in table.rows] == [["Anjungan (kios)", 3], ["Daring (online)", 2],
                                               ["whatsapp", 1]]
    assert [row[2] for row in table.rows] == pytest.approx([0.5, 2 / 6, 1 / 6])
