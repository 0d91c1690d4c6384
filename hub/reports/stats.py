"""Small statistics for waiting and service times: mean, median, p90, share within target.

Pure functions over plain lists of seconds, so the numbers in a report can be checked
by hand. p90 is the nearest-rank percentile (the smallest time that at least 90 % of
visitors did not exceed), which is what "90 % dilayani dalam X menit" means.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Summary:
    """Count, mean, median and p90 of a set of durations in seconds (None when empty)."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None

    @property
    def mean_minutes(self) -> float | None:
        """The mean in minutes."""
        return None if self.mean is None else self.mean / 60

    @property
    def median_minutes(self) -> float | None:
        """The median in minutes."""
        return None if self.median is None else self.median / 60

    @property
    def p90_minutes(self) -> float | None:
        """The 90th percentile in minutes."""
        return None if self.p90 is None else self.p90 / 60


EMPTY = Summary(0, None, None, None)


def median(ordered: Sequence[float]) -> float:
    """Return the median of sorted values (the mean of the middle two for an even count)."""
    count = len(ordered)
    middle = count // 2
    if count % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(ordered: Sequence[float], share: float) -> float:
    """Return the nearest-rank percentile of sorted values: the ⌈share·n⌉-th smallest."""
    rank = max(1, math.ceil(round(share * len(ordered), 9)))
    return float(ordered[rank - 1])


def summarize(values: Sequence[float], already_sorted: bool = False) -> Summary:
    """Summarize durations; pass already_sorted=True to skip sorting a sorted list."""
    if not values:
        return EMPTY
    ordered = values if already_sorted else sorted(values)
    return Summary(len(ordered), sum(ordered) / len(ordered), median(ordered),
                   percentile(ordered, 0.9))


def count_within(ordered: Sequence[float], limit_seconds: float) -> int:
    """Count the sorted durations not longer than the limit (exactly at target is within)."""
    return bisect.bisect_right(ordered, limit_seconds)


def share(part: int, whole: int) -> float | None:
    """Return part/whole, or None when there is nothing to divide."""
    return part / whole if whole else None
