"""IKM by PermenPANRB 14/2017: worked examples, both weights, grade boundaries."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from hub.eventlog import open_readonly
from hub.reports import parse_period
from hub.reports.skm import (
    GRADES,
    SkmSums,
    grade_for,
    ikm_value,
    raw_answers,
    respondent_profile,
    skm_result,
    skm_sums_by_service,
)

# 20 respondents; in every element 11 answered 4 and 9 answered 3: sum 71, NRR 3.55.
SUMS_355 = [11 * 4 + 9 * 3] * 9


def test_same_answers_give_a_different_ikm_and_grade_with_0_11() -> None:
    # 1/9: 25 × (9 × 3.55) / 9 = 25 × 3.55 = 88.75 → A (Sangat Baik).
    assert ikm_value(SUMS_355, 20, "exact") == Decimal("88.75")
    # 0.11: 25 × 0.11 × (9 × 3.55) = 25 × 0.11 × 31.95 = 87.8625 → 87.86 → B (Baik).
    assert ikm_value(SUMS_355, 20, "0.11") == Decimal("87.86")
    exact = skm_result("all", "Semua", SkmSums(20, tuple(SUMS_355)), "exact")
    regulation = skm_result("all", "Semua", SkmSums(20, tuple(SUMS_355)), "0.11")
    assert exact.grade is not None and (exact.grade.letter, exact.grade.quality) == (
        "A", "Sangat Baik")
    assert regulation.grade is not None and (regulation.grade.letter,
                                             regulation.grade.quality) == ("B", "Baik")
    assert exact.nrr == pytest.approx((3.55,) * 9)


def test_uneven_elements_worked_by_hand() -> None:
    # 4 respondents. Sums per element: 16, 12, 10, 14, 13, 15, 16, 9, 11 (total 116).
    sums = [16, 12, 10, 14, 13, 15, 16, 9, 11]
    # NRRs: 4, 3, 2.5, 3.5, 3.25, 3.75, 4, 2.25, 2.75; their sum is 116 / 4 = 29.
    # 1/9: 25 × 29 / 9 = 80.5555… → 80.56 (B). 0.11: 25 × 0.11 × 29 = 79.75 (B).
    assert ikm_value(sums, 4, "exact") == Decimal("80.56")
    assert ikm_value(sums, 4, "0.11") == Decimal("79.75")


def test_all_fours_and_all_ones() -> None:
    assert ikm_value([4] * 9, 1, "exact") == Decimal("100.00")
    assert ikm_value([4] * 9, 1, "0.11") == Decimal("99.00")  # the weights add up to 0.99
    assert ikm_value([1] * 9, 1, "exact") == Decimal("25.00")
    # 24.75 lies below the regulation's lowest interval (25.00): still graded D.
    assert ikm_value([1] * 9, 1, "0.11") == Decimal("24.75")
    assert grade_for(Decimal("24.75")).letter == "D"


@pytest.mark.parametrize(("ikm", "letter"), [
    ("100.00", "A"), ("88.31", "A"), ("88.30", "B"), ("76.61", "B"), ("76.60", "C"),
    ("65.00", "C"), ("64.99", "D"), ("25.00", "D"),
])
def test_grade_boundaries_are_the_regulation_intervals(ikm: str, letter: str) -> None:
    assert grade_for(Decimal(ikm)).letter == letter


def test_rounding_is_half_up_before_grading() -> None:
    # 200 respondents whose answers add up to 6358 over the nine elements:
    # IKM = 25 × 6358 / (9 × 200) = 88.30555… → 88.31 (A); truncating would give 88.30 (B).
    sums = [6358 // 9 + (1 if n < 6358 % 9 else 0) for n in range(9)]
    assert sum(sums) == 6358
    assert ikm_value(sums, 200, "exact") == Decimal("88.31")
    assert grade_for(ikm_value(sums, 200, "exact")).letter == "A"


def test_no_respondents_means_no_ikm() -> None:
    empty = skm_result("x", "X", SkmSums(0, (0,) * 9), "exact")
    assert (empty.key, empty.label, empty.respondents, empty.nrr, empty.ikm, empty.grade) == (
        "x", "X", 0, (), None, None)
    with pytest.raises(ValueError, match="at least one respondent and nine element sums"):
        ikm_value([0] * 9, 0, "exact")
    with pytest.raises(ValueError, match="at least one respondent and nine element sums"):
        ikm_value([4] * 8, 1, "exact")
    full = skm_result("ktp", "KTP", SkmSums(20, tuple(SUMS_355)), "exact")
    assert (full.key, full.label, full.respondents) == ("ktp", "KTP", 20)
    assert [g.letter for g in GRADES] == ["A", "B", "C", "D"]


def test_an_exact_tie_rounds_half_up_with_both_weights() -> None:
    # 2 respondents, answers adding up to 19: 0.11 gives 25 × 0.11 × 19 / 2 = 26.125 exactly.
    assert ikm_value([2] * 8 + [3], 2, "0.11") == Decimal("26.13")  # half-even: 26.12
    # 8 respondents, 81 in all: 1/9 gives 25 × 81 / (9 × 8) = 28.125 exactly.
    assert ikm_value([9] * 9, 8, "exact") == Decimal("28.13")


def test_a_tenant_sees_only_its_own_survey_answers(day_db: Path) -> None:
    # The logged day (tests/reports/conftest.py): A-002 rated at Dukcapil, G-001 at DPUPR.
    connection = open_readonly(day_db)
    try:
        day = parse_period("2026-11-23")
        assert skm_sums_by_service(connection, day, "dpupr") == {
            ("dpupr", "pbg"): SkmSums(1, (3, 3, 2, 4, 3, 3, 3, 2, 3))}
        assert set(skm_sums_by_service(connection, day)) == {
            ("dpupr", "pbg"), ("dukcapil", "ktp")}
        (answer,) = raw_answers(connection, day, "dpupr")
        assert (answer.business_day, answer.at[:16], answer.tenant_id, answer.service_id,
                answer.counter_id, answer.answers, answer.gender, answer.comment) == (
            "2026-11-23", "2026-11-23T09:25", "dpupr", "pbg", "c4",
            (3, 3, 2, 4, 3, 3, 3, 2, 3), None, "Ruang tunggu panas")
        assert [(a.service_id, a.counter_id, a.gender) for a in raw_answers(connection, day)] == [
            ("ktp", "c1", "perempuan"), ("pbg", "c4", None)]  # in time order
        assert respondent_profile(connection, day, "dukcapil") == [
            ("Usia", "tidak diisi", 1), ("Jenis kelamin", "perempuan", 1),
            ("Pendidikan", "tidak diisi", 1), ("Pekerjaan", "tidak diisi", 1)]
        whole_mall = respondent_profile(connection, day)
        assert ("Jenis kelamin", "tidak diisi", 1) in whole_mall
        assert sum(count for _, _, count in whole_mall) == 2 * 4
    finally:
        connection.close()


def test_sums_of_two_groups_add_up_element_by_element() -> None:
    morning = SkmSums(2, (8, 7, 6, 5, 4, 3, 2, 8, 7))
    afternoon = SkmSums(1, (1, 2, 3, 4, 4, 3, 2, 1, 1))
    assert morning + afternoon == SkmSums(3, (9, 9, 9, 9, 8, 6, 4, 9, 8))
    with pytest.raises(ValueError):  # nine elements only add to nine elements
        morning + SkmSums(1, (4,) * 8)
