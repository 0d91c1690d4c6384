"""Today's IKM (SKM satisfaction index) for the dashboard header, from the hub's database.

The supervisor view carries no survey figures, so the IKM is read from the event log
with the reports module (`hub.reports.skm`) through a read-only connection — possible
when the dashboard runs where it can read the hub's database (`--db`). It is re-read
when a `survey_submitted` event arrives (the hub writes before it broadcasts), never
on a timer. Without a database or a reports module the header says "—" and why.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

log = logging.getLogger(__name__)

Weight = Literal["exact", "0.11"]
"""The SKM element weight (see hub.reports.skm): exactly 1/9, or the regulation's 0.11."""


@dataclass(frozen=True)
class IkmFigure:
    """The IKM of one day: respondents, the index and its grade (None without answers)."""

    respondents: int
    ikm: str | None
    """Two decimals with a comma, as Indonesians write it ("87,50")."""
    grade: str | None
    quality: str | None
    weight_label: str


class IkmSource:
    """Reads a day's IKM from the hub's SQLite log, read-only."""

    def __init__(self, db_path: Path, weight: Weight = "exact") -> None:
        self.db_path = db_path
        self.weight = weight

    def day(self, business_day: str) -> IkmFigure | None:
        """The IKM of a business day ("2026-11-23"); None if it cannot be read."""
        try:
            from hub.eventlog import open_readonly
            from hub.reports import skm
            from hub.reports.period import Period
        except ImportError as error:  # the reports module is not installed here
            log.warning("no IKM: %s", error)
            return None
        try:
            connection = open_readonly(self.db_path)
        except sqlite3.Error as error:
            log.warning("no IKM: cannot open %s: %s", self.db_path, error)
            return None
        try:
            sums = skm.skm_sums_by_service(connection, Period("day", business_day))
            total = sum(sums.values(), skm.NO_ANSWERS)
            result = skm.skm_result("total", "MPP", total, self.weight)
        except (sqlite3.Error, ValueError) as error:
            log.warning("no IKM: %s", error)
            return None
        finally:
            connection.close()
        label = skm.WEIGHT_LABELS.get(self.weight, self.weight)
        if result.ikm is None or result.grade is None:
            return IkmFigure(0, None, None, None, label)
        return IkmFigure(result.respondents, f"{result.ikm:.2f}".replace(".", ","),
                         result.grade.letter, result.grade.quality, label)
