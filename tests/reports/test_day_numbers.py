"""Report numbers of the hand-logged day (tests/reports/conftest.py), computed by hand here."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from hub.config import MallConfig
from hub.eventlog import open_readonly
from hub.reports import build_report, parse_period
from hub.reports.queries import OutcomeCounts
from hub.reports.report import Report

MINUTE = 60.0


def report_for(db: Path, config: MallConfig, period: str, tenant: str | None = None) -> Report:
    connection = open_readonly(db)
    try:
        return build_report(connection, config, parse_period(period), tenant,
                            generated_at=dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC))
    finally:
        connection.close()


@pytest.fixture(scope="module")
def day(day_db: Path, mall: MallConfig) -> Report:
    return report_for(day_db, mall, "2026-11-23")


def by_key(lines, key):  # type: ignore[no-untyped-def]
    return next(line for line in lines if line.key == key)


def test_totals_count_cancelled_tickets_but_not_as_visitors(day: Report) -> None:
    # 7 tickets; A-003 was cancelled (printer failed) so 6 visitors, B-001
    # and G-001 served, A-004 no-show, B-002 expired; A-001 was transferred once.
    assert day.totals == OutcomeCounts(issued=7, cancelled=1, served=4, no_show=1, expired=1,
                                       transferred=1)
    assert day.totals.visitors == 6
    assert day.totals.in_progress == 0


def test_visitors_per_tenant_service_and_category(day: Report) -> None:
    dukcapil = by_key(day.by_tenant, "dukcapil").counts
    assert (dukcapil.visitors, dukcapil.served, dukcapil.no_show, dukcapil.expired,
            dukcapil.transferred, dukcapil.cancelled) == (5, 3, 1, 1, 1, 1)
    assert by_key(day.by_tenant, "dpupr").counts.visitors == 1
    assert by_key(day.by_tenant, "pajak").counts.visitors == 0  # closed on Mondays, still listed
    # A visit counts for the service it was issued for: A-001 stays with ktp after its transfer.
    ktp = by_key(day.by_service, "ktp").counts
    assert (ktp.issued, ktp.visitors, ktp.served, ktp.no_show, ktp.transferred) == (4, 3, 2, 1, 1)
    kk = by_key(day.by_service, "kk").counts
    assert (kk.visitors, kk.served, kk.expired) == (2, 1, 1)
    assert by_key(day.by_category, "perizinan").counts.visitors == 1  # G-001 (PBG)
    assert by_key(day.by_category, "non-perizinan").counts.visitors == 5


def test_a_day_breaks_down_by_hour(day: Report) -> None:
    hours = {line.key: line.counts for line in day.by_bucket}
    assert hours["8"].visitors == 4 and hours["8"].issued == 5  # A-003 cancelled at 08:12
    assert hours["9"].visitors == 2
    assert hours["10"].visitors == 0
    assert day.hours.count(8, 1) == 4 and day.hours.count(9, 1) == 2  # Monday is ISO day 1


def test_waiting_times_mean_median_p90_and_target(day: Report) -> None:
    # Called visitors waited 300, 480, 900, 1800 and 2100 s (sorted).
    wait = day.times_total.wait
    assert wait.count == 5
    assert wait.mean == pytest.approx((300 + 480 + 900 + 1800 + 2100) / 5, abs=0.01)
    assert wait.median == pytest.approx(900, abs=0.01)
    assert wait.p90 == pytest.approx(2100, abs=0.01)  # nearest rank ⌈0.9·5⌉ = 5th
    # Targets are 30 min: G-001 waited exactly 30 min (within), B-001 35 min (not).
    assert (day.times_total.within_target, day.times_total.judged) == (4, 5)
    assert day.times_total.within_share == pytest.approx(0.8)


def test_times_per_tenant_and_service(day: Report) -> None:
    dukcapil = by_key(day.times_by_tenant, "dukcapil")
    # Waits 300, 480, 900, 2100: median is the mean of the middle two.
    assert dukcapil.wait.median == pytest.approx((480 + 900) / 2, abs=0.01)
    assert dukcapil.wait.p90 == pytest.approx(2100, abs=0.01)  # ⌈0.9·4⌉ = 4th
    assert (dukcapil.within_target, dukcapil.judged) == (3, 4)
    ktp = by_key(day.times_by_service, "ktp")
    assert ktp.wait.mean == pytest.approx((300 + 480 + 900) / 3, abs=0.01)
    assert ktp.target_minutes == 30
    # A-001 was served 300 s at its first counter before the transfer, then 08:21 → 08:25
    # (240 s) at the second: 540 s in all. A-002: 08:10 → 08:16.
    assert ktp.service.count == 2
    assert ktp.service.mean == pytest.approx((540 + 360) / 2, abs=0.01)
    total_service = day.times_total.service
    assert total_service.median == pytest.approx((540 + 600) / 2, abs=0.01)
    assert total_service.mean_minutes == pytest.approx((540 + 360 + 600 + 1500) / 4 / MINUTE)


def test_priority_and_channel(day: Report) -> None:
    lansia = by_key(day.priority, "lansia")
    assert (lansia.visitors, lansia.served) == (1, 1)
    assert lansia.mean_wait_minutes == pytest.approx(8.0)
    assert by_key(day.priority, "ibu_hamil").visitors == 0
    assert [(c.key, c.visitors) for c in day.channels] == [("kiosk", 6)]
    assert day.channels[0].mean_wait_minutes == pytest.approx(5580 / 5 / MINUTE)


def test_ikm_of_the_day(day: Report) -> None:
    # 4,4,3,3,4,4,4,3,3 (sum 32); G-001: 3,3,2,4,3,3,3,2,3 (sum 26).
    total = day.skm_total
    assert total.respondents == 2
    assert total.nrr[0] == pytest.approx(3.5) and total.nrr[2] == pytest.approx(2.5)
    # 1/9: 25 × mean NRR = 25 × (58 / 2) / 9 = 80.5555… → 80.56, grade B (Baik).
    assert str(total.ikm) == "80.56"
    assert total.grade is not None and total.grade.letter == "B"
    assert [r.key for r in day.skm_by_tenant] == ["dukcapil", "dpupr"]
    assert day.skm_answers[1].comment == "Ruang tunggu panas"
    assert ("Jenis kelamin", "perempuan", 1) in day.skm_profile


def test_report_states_the_chain_head_it_was_computed_from(day_db: Path, day: Report) -> None:
    connection = open_readonly(day_db)
    seq, digest = connection.execute(
        "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    connection.close()
    assert (day.meta.head.seq, day.meta.head.hash) == (seq, digest)


def test_month_and_year_contain_the_day_and_a_tenant_filter_narrows(
    day_db: Path, mall: MallConfig
) -> None:
    month = report_for(day_db, mall, "2026-11")
    days = {line.key: line.counts.visitors for line in month.by_bucket}
    assert len(days) == 30 and days["2026-11-23"] == 6 and days["2026-11-24"] == 0
    year = report_for(day_db, mall, "2026")
    assert [line.counts.visitors for line in year.by_bucket][10] == 6  # November
    assert year.tenant_buckets["dukcapil"]["2026-11"] == 5
    only = report_for(day_db, mall, "2026", tenant="dpupr")
    assert only.totals.visitors == 1
    assert [line.key for line in only.by_tenant] == ["dpupr"]
    assert [line.key for line in only.by_service] == ["pbg"]
    assert only.meta.tenant_name == "DPUPR"


def test_an_empty_period_reports_zeros(day_db: Path, mall: MallConfig) -> None:
    empty = report_for(day_db, mall, "2025-03")
    assert empty.totals == OutcomeCounts()
    assert empty.times_total.wait.mean is None
    assert empty.skm_total.ikm is None


def test_year_service_counts_match_the_day_and_survive_a_category_change(
    tmp_path: Path, day_db: Path, mall: MallConfig
) -> None:
    day = report_for(day_db, mall, "2026-11-23")
    year = report_for(day_db, mall, "2026")
    assert [(s.key, s.counts) for s in year.by_service] == [
        (s.key, s.counts) for s in day.by_service]
    # Had a service changed category during the year, each visit keeps the category it
    # was issued under (the fast path from the day × service index cannot split that).
    changed = tmp_path / "changed.db"
    changed.write_bytes(day_db.read_bytes())
    writer = sqlite3.connect(changed)
    writer.execute("UPDATE visits SET category = 'perizinan' WHERE label = 'A-001'")
    writer.commit()
    writer.close()
    categories = {c.key: c.counts for c in report_for(changed, mall, "2026").by_category}
    assert (categories["perizinan"].visitors, categories["non-perizinan"].visitors) == (2, 4)
    assert categories["perizinan"].transferred == 1
