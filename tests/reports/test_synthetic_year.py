"""The benchmark's synthetic year is realistic enough to trust its timings."""

from __future__ import annotations

from pathlib import Path

from bench.synthetic_year import write_events, write_year
from hub.config import load_config
from hub.eventlog import open_readonly
from hub.reports import build_report, parse_period
from hub.verify import verify_chain

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "example-mpp.toml"


def test_a_small_synthetic_year_reports_like_a_real_mall(tmp_path: Path) -> None:
    config = load_config(EXAMPLE)
    db = tmp_path / "year.db"
    assert write_year(db, config, 2026, visits=3000, seed=1) == 3000
    connection = open_readonly(db)
    report = build_report(connection, config, parse_period("2026"))
    assert report.totals.issued == 3000
    assert 0.85 < report.totals.served / report.totals.visitors < 0.97
    assert report.hours.weekdays == [1, 2, 3, 4, 5]  # weekdays only
    morning = sum(report.hours.count(h, d) for h in (8, 9, 10) for d in range(1, 6))
    assert morning > report.totals.visitors / 2  # the morning peak
    assert report.by_tenant[0].key == "disdukcapil"
    assert report.by_tenant[0].counts.visitors == max(t.counts.visitors for t in report.by_tenant)
    assert report.skm_total.respondents > 0 and report.skm_total.grade is not None
    # Logged through EventLog, so every visit and answer is what its events give.
    assert report.meta.evidence is not None and report.meta.evidence.ok
    assert report.meta.evidence.projection.rows_compared["visits"] == 3000
    assert report.totals.transferred > 0 and report.totals.expired > 0
    connection.close()


def test_generated_events_form_a_valid_chain(tmp_path: Path) -> None:
    db = tmp_path / "events.db"
    write_events(db, 500)
    connection = open_readonly(db)
    verdict = verify_chain(connection)
    connection.close()
    assert verdict.intact and verdict.checked == 500
