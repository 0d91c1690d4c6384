"""Report periods (a year, a month or a business day) and the SQL filter each one uses.

A period is written the way people say it: `2026`, `2026-11` or `2026-11-22`. Each
kind filters on the visits column the hub's indexes were built for (`year`, `month`,
`business_day`, each with `tenant_id`), and breaks down into smaller buckets for the
"visitors per …" view: a year into months, a month into days, a day into hours.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

PeriodKind = Literal["year", "month", "day"]

MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember")
WEEKDAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
"""ISO order: index 0 is Monday (isoweekday 1), as stored in visits.weekday."""

DAY_HOURS = range(8, 16)
"""Hours always shown for a single day, even when quiet (the mall's working day)."""


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period; `value` is its canonical text ('2026', '2026-11', '2026-11-22')."""

    kind: PeriodKind
    value: str

    @property
    def column(self) -> str:
        """The visits/surveys column that selects this period."""
        return {"year": "year", "month": "month", "day": "business_day"}[self.kind]

    @property
    def sql_value(self) -> int | str:
        """The value compared with `column` (year is stored as an integer)."""
        return int(self.value) if self.kind == "year" else self.value

    @property
    def bucket_column(self) -> str:
        """The column the period breaks down by: month, business_day or hour."""
        return {"year": "month", "month": "business_day", "day": "hour"}[self.kind]

    @property
    def year(self) -> int:
        """The calendar year the period lies in."""
        return int(self.value[:4])

    def label(self) -> str:
        """Name the period in Indonesian: 'Tahun 2026', 'November 2026', 'Senin, 23 Nov…'."""
        if self.kind == "year":
            return f"Tahun {self.value}"
        if self.kind == "month":
            return f"{MONTHS_ID[int(self.value[5:7]) - 1]} {self.value[:4]}"
        day = dt.date.fromisoformat(self.value)
        return f"{WEEKDAYS_ID[day.weekday()]}, {day.day} {MONTHS_ID[day.month - 1]} {day.year}"

    def buckets(self, seen: list[int | str] | None = None) -> list[int | str]:
        """Return every bucket of the period in order (a day's hours widen to those `seen`)."""
        if self.kind == "year":
            return [f"{self.value}-{month:02d}" for month in range(1, 13)]
        if self.kind == "month":
            year, month = self.year, int(self.value[5:7])
            days = calendar.monthrange(year, month)[1]
            return [f"{self.value}-{day:02d}" for day in range(1, days + 1)]
        hours = {int(hour) for hour in (seen or [])} | set(DAY_HOURS)
        return list(range(min(hours), max(hours) + 1))

    def bucket_label(self, bucket: int | str) -> str:
        """Name one bucket: 'Januari', 'Sen 02', '08.00–08.59'."""
        if self.kind == "year":
            return MONTHS_ID[int(str(bucket)[5:7]) - 1]
        if self.kind == "month":
            day = dt.date.fromisoformat(str(bucket))
            return f"{WEEKDAYS_ID[day.weekday()][:3]} {day.day:02d}"
        return f"{int(bucket):02d}.00–{int(bucket):02d}.59"

    def file_tag(self) -> str:
        """A short tag for file names: '2026', '2026-11', '2026-11-22'."""
        return self.value


def parse_period(text: str) -> Period:
    """Read '2026', '2026-11' or '2026-11-22'; raise ValueError saying what is accepted."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            return Period("year", text)
        if re.fullmatch(r"\d{4}-\d{2}", text):
            dt.date.fromisoformat(f"{text}-01")
            return Period("month", text)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            dt.date.fromisoformat(text)
            return Period("day", text)
    except ValueError:
        raise ValueError(f"not a real date: {text!r}") from None
    raise ValueError(f"period must be a year (2026), a month (2026-11) or a day (2026-11-22), "
                     f"not {text!r}")


def period_filter(period: Period, tenant_id: str | None = None) -> tuple[str, list[int | str]]:
    """Return a WHERE clause (without WHERE) and its parameters for a period and tenant."""
    if tenant_id is not None:
        return f"{period.column} = ? AND tenant_id = ?", [period.sql_value, tenant_id]
    return f"{period.column} = ?", [period.sql_value]


def visits_source(period: Period, tenant_id: str | None = None) -> str:
    """Return the FROM target for reading visit rows of the period.

    A whole year of the whole mall is most of the table: reading it in order is about
    three times faster than an index lookup per row (measured, bench/bench_reports.py),
    so SQLite is told not to use an index. Months, days and single tenants use them.
    """
    return "visits NOT INDEXED" if period.kind == "year" and tenant_id is None else "visits"


def index_only_filter(period: Period, tenant_id: str | None = None) -> tuple[str, list[int | str]]:
    """Return a filter that a count by bucket and tenant can answer from an index alone.

    A year becomes its month range, so `GROUP BY month, tenant_id` walks the
    (month, tenant_id) index in order without touching the table or sorting.
    """
    if period.kind == "year" and tenant_id is None:
        return "month BETWEEN ? AND ?", [f"{period.value}-01", f"{period.value}-12"]
    return period_filter(period, tenant_id)
