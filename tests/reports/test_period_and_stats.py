"""Periods as people write them, and the small statistics behind the time columns."""

from __future__ import annotations

import pytest

from hub.reports.period import index_only_filter, parse_period, period_filter, visits_source
from hub.reports.stats import count_within, median, percentile, summarize
from hub.reports.tables import format_cell


def test_periods_parse_and_name_themselves_in_indonesian() -> None:
    assert parse_period("2026").label() == "Tahun 2026"
    assert parse_period("2026-02").label() == "Februari 2026"
    assert parse_period("2026-11-22").label() == "Minggu, 22 November 2026"
    assert len(parse_period("2026-02").buckets()) == 28
    assert parse_period("2026").buckets()[0] == "2026-01"
    assert parse_period("2026-11-23").buckets([7, 9]) == list(range(7, 16))
    for wrong in ("26", "2026-13", "2026-02-30", "November"):
        with pytest.raises(ValueError):
            parse_period(wrong)


def test_filters_use_the_indexed_columns() -> None:
    year, day = parse_period("2026"), parse_period("2026-11-23")
    assert period_filter(year) == ("year = ?", [2026])
    assert period_filter(day, "dukcapil") == ("business_day = ? AND tenant_id = ?",
                                              ["2026-11-23", "dukcapil"])
    assert index_only_filter(year) == ("month BETWEEN ? AND ?", ["2026-01", "2026-12"])
    assert visits_source(year) == "visits NOT INDEXED"  # most of the table: scan it
    assert visits_source(year, "dukcapil") == visits_source(day) == "visits"


def test_median_and_nearest_rank_percentile() -> None:
    assert median([1, 2, 3]) == 2 and median([1, 2, 3, 10]) == 2.5
    values = list(range(1, 11))  # 1..10
    assert percentile(values, 0.9) == 9  # ⌈0.9·10⌉ = 9th
    assert percentile([5.0], 0.9) == 5.0
    assert percentile(list(range(1, 21)), 0.9) == 18
    summary = summarize([60.0, 180.0, 120.0])
    assert (summary.count, summary.mean, summary.median, summary.p90) == (3, 120.0, 120.0, 180.0)
    assert summary.mean_minutes == 2.0
    assert summarize([]).mean is None
    assert count_within([60.0, 1800.0, 1800.5], 1800.0) == 2


def test_numbers_are_written_the_indonesian_way() -> None:
    assert format_cell(1234567, "int") == "1.234.567"
    assert format_cell(12.345, "minutes") == "12,3"
    assert format_cell(0.8, "percent") == "80,0 %"
    assert format_cell(80.56, "decimal") == "80,56"
    assert format_cell(None, "int") == "–"
