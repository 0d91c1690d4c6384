"""SKM (Survei Kepuasan Masyarakat) and IKM by PermenPANRB 14/2017, from stored answers.

Nine elements U1–U9, each answered 1–4. Per element the NRR (nilai rata-rata) is the
mean answer; IKM = 25 × Σ(NRR × weight). The weight is an explicit choice because
sources differ: exactly 1/9 (IKM is then 25 × the mean of the NRRs, as DESIGN.md
says), or the regulation's printed 0.11 — whose nine weights add up to 0.99, so the
same answers score slightly lower; we keep that arithmetic as the regulation has it.
Sums are integers and the arithmetic is exact (fractions); the IKM is rounded half up
to two decimals before it is graded, because the grade intervals are two-decimal.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

from hub.reports.period import Period, period_filter

ELEMENTS: tuple[tuple[str, str], ...] = (
    ("U1", "Persyaratan"),
    ("U2", "Sistem, mekanisme dan prosedur"),
    ("U3", "Waktu penyelesaian"),
    ("U4", "Biaya/tarif"),
    ("U5", "Produk spesifikasi jenis pelayanan"),
    ("U6", "Kompetensi pelaksana"),
    ("U7", "Perilaku pelaksana"),
    ("U8", "Penanganan pengaduan, saran dan masukan"),
    ("U9", "Sarana dan prasarana"),
)

IkmWeight = Literal["exact", "0.11"]
WEIGHTS: dict[str, Fraction] = {"exact": Fraction(1, 9), "0.11": Fraction(11, 100)}
WEIGHT_LABELS: dict[str, str] = {
    "exact": "bobot 1/9 per unsur (IKM = 25 × rata-rata NRR)",
    "0.11": "bobot 0,11 per unsur sesuai lampiran PermenPANRB 14/2017 (jumlah bobot 0,99)",
}
PROFILE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("age_band", "Usia"), ("gender", "Jenis kelamin"), ("education", "Pendidikan"),
    ("occupation", "Pekerjaan"),
)


@dataclass(frozen=True, slots=True)
class Grade:
    """A quality grade: letter (mutu pelayanan) and its name (kinerja unit pelayanan)."""

    letter: str
    quality: str
    lower: Decimal


GRADES = (
    Grade("A", "Sangat Baik", Decimal("88.31")),
    Grade("B", "Baik", Decimal("76.61")),
    Grade("C", "Kurang Baik", Decimal("65.00")),
    Grade("D", "Tidak Baik", Decimal("25.00")),
)


def grade_for(ikm: Decimal) -> Grade:
    """Grade a two-decimal IKM; below 25.00 (possible only with 0.11 weights) is still D."""
    return next((grade for grade in GRADES if ikm >= grade.lower), GRADES[-1])


def ikm_value(element_sums: Sequence[int], respondents: int, weight: IkmWeight) -> Decimal:
    """Return 25 × Σ(NRR × weight), rounded half up to two decimals."""
    if respondents <= 0 or len(element_sums) != len(ELEMENTS):
        raise ValueError("IKM needs at least one respondent and nine element sums")
    total = sum(Fraction(s, respondents) for s in element_sums) * WEIGHTS[weight] * 25
    exact = Decimal(total.numerator) / Decimal(total.denominator)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class SkmSums:
    """Answer sums of one group of respondents (adds up across groups)."""

    respondents: int
    element_sums: tuple[int, ...]

    def __add__(self, other: SkmSums) -> SkmSums:
        return SkmSums(
            self.respondents + other.respondents,
            tuple(a + b for a, b in zip(self.element_sums, other.element_sums, strict=True)),
        )


NO_ANSWERS = SkmSums(0, (0,) * len(ELEMENTS))


@dataclass(frozen=True, slots=True)
class SkmResult:
    """IKM of one group: respondents, NRR per element, IKM and grade (None without answers)."""

    key: str
    label: str
    respondents: int
    nrr: tuple[float, ...]
    ikm: Decimal | None
    grade: Grade | None


def skm_result(key: str, label: str, sums: SkmSums, weight: IkmWeight) -> SkmResult:
    """Turn answer sums into NRRs, the IKM and its grade."""
    if sums.respondents == 0:
        return SkmResult(key, label, 0, (), None, None)
    ikm = ikm_value(sums.element_sums, sums.respondents, weight)
    nrr = tuple(total / sums.respondents for total in sums.element_sums)
    return SkmResult(key, label, sums.respondents, nrr, ikm, grade_for(ikm))


@dataclass(frozen=True, slots=True)
class SurveyAnswer:
    """One respondent's raw answers, exactly as stored (anonymous, linked to the visit)."""

    survey_id: str
    business_day: str
    at: str
    tenant_id: str
    service_id: str
    counter_id: str | None
    answers: tuple[int, ...]
    age_band: str | None
    gender: str | None
    education: str | None
    occupation: str | None
    comment: str | None


def has_surveys(connection: sqlite3.Connection) -> bool:
    """Tell whether the log has a surveys table (older logs do not)."""
    row = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'surveys'"
    ).fetchone()
    return row is not None


_ELEMENT_COLUMNS = ", ".join(f"u{n}" for n in range(1, len(ELEMENTS) + 1))


def skm_sums_by_service(
    connection: sqlite3.Connection, period: Period, tenant_id: str | None = None
) -> dict[tuple[str, str], SkmSums]:
    """Sum the answers per (tenant, service) for the period; empty without a surveys table."""
    if not has_surveys(connection):
        return {}
    where, params = period_filter(period, tenant_id)
    sums = ", ".join(f"sum(u{n})" for n in range(1, len(ELEMENTS) + 1))
    rows = connection.execute(
        f"SELECT tenant_id, service_id, count(*), {sums} FROM surveys WHERE {where} "
        "GROUP BY tenant_id, service_id",
        params,
    )
    return {(r[0], r[1]): SkmSums(int(r[2]), tuple(int(v) for v in r[3:])) for r in rows}


def respondent_profile(
    connection: sqlite3.Connection, period: Period, tenant_id: str | None = None
) -> list[tuple[str, str, int]]:
    """Count respondents per profile answer: (aspect, answer or 'tidak diisi', count)."""
    if not has_surveys(connection):
        return []
    where, params = period_filter(period, tenant_id)
    profile: list[tuple[str, str, int]] = []
    for column, aspect in PROFILE_COLUMNS:
        rows = connection.execute(
            f"SELECT {column}, count(*) FROM surveys WHERE {where} GROUP BY {column} "
            f"ORDER BY {column} IS NULL, {column}",
            params,
        )
        profile += [(aspect, value or "tidak diisi", int(count)) for value, count in rows]
    return profile


def raw_answers(
    connection: sqlite3.Connection, period: Period, tenant_id: str | None = None
) -> list[SurveyAnswer]:
    """Return every answer of the period in time order (for the raw-answers export)."""
    if not has_surveys(connection):
        return []
    where, params = period_filter(period, tenant_id)
    rows = connection.execute(
        "SELECT survey_id, business_day, at, tenant_id, service_id, counter_id, "
        f"{_ELEMENT_COLUMNS}, age_band, gender, education, occupation, comment "
        f"FROM surveys WHERE {where} ORDER BY at, survey_id",
        params,
    )
    nine = len(ELEMENTS)
    return [
        SurveyAnswer(r[0], r[1], r[2], r[3], r[4], r[5], tuple(int(v) for v in r[6:6 + nine]),
                     *r[6 + nine:])
        for r in rows
    ]
