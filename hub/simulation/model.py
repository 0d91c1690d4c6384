"""The day's plan: who arrives when, for what, and how long staff take. Pure and seeded."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from hub.config import MallConfig
from hub.schedule import holiday_on, hours_for, hours_on

PRIORITY_SHARE = 0.08
"""About one visitor in twelve is elderly, disabled or pregnant."""
NO_SHOW_SHARE = 0.05
TRANSFER_SHARE = 0.04
SURVEY_SHARE = 0.35


@dataclass(frozen=True, slots=True)
class Arrival:
    """One visitor: when they reach a kiosk and what they ask for."""

    at: dt.datetime
    service_id: str
    priority_kind: str | None
    shows_up: bool
    """False: the visitor leaves before being called (a no-show)."""
    transfer: bool
    """True: the first counter sends them on to another service."""
    answers_survey: bool


def service_weights(config: MallConfig, day: dt.date) -> dict[str, float]:
    """How popular each service open on `day` is (population services dominate)."""
    weights = {}
    for service in config.services:
        if holiday_on(config, day) or hours_on(hours_for(config, service), day) is None:
            continue
        tenant = config.tenant(service.tenant)
        base = {"opd": 1.0, "vertical": 1.4, "bank": 1.2, "bumn": 0.8}[tenant.kind]
        if tenant.id in ("disdukcapil", "samsat"):
            base *= 2.5
        weights[service.id] = base
    return weights


def arrival_density(minute_of_day: float) -> float:
    """Relative arrival rate over the day: a morning peak around 09:30, a smaller one at 13:30."""
    morning = math.exp(-(((minute_of_day - 570) / 70) ** 2))
    afternoon = 0.45 * math.exp(-(((minute_of_day - 810) / 60) ** 2))
    return 0.08 + morning + afternoon


def plan_day(
    config: MallConfig, day: dt.date, visitors: int, seed: int = 20261123,
    opens: dt.time = dt.time(8, 0), closes: dt.time = dt.time(14, 50),
) -> list[Arrival]:
    """Draw `visitors` arrivals between `opens` and `closes`, in time order."""
    rng = random.Random(seed)
    weights = service_weights(config, day)
    services, shares = list(weights), list(weights.values())
    zone = ZoneInfo(config.mpp.timezone)
    start = opens.hour * 60 + opens.minute
    end = closes.hour * 60 + closes.minute
    minutes = [start + i for i in range(end - start)]
    density = [arrival_density(m) for m in minutes]
    kinds = config.queue.priority_kinds
    arrivals = []
    for minute in sorted(rng.choices(minutes, density, k=visitors)):
        second = rng.uniform(0, 60)
        at = dt.datetime.combine(day, dt.time(0), tzinfo=zone) + dt.timedelta(
            minutes=minute, seconds=second)
        service_id = rng.choices(services, shares)[0]
        priority = None
        if config.service(service_id).allow_priority and rng.random() < PRIORITY_SHARE:
            priority = rng.choice(kinds)
        arrivals.append(Arrival(
            at, service_id, priority,
            shows_up=rng.random() >= NO_SHOW_SHARE,
            transfer=rng.random() < TRANSFER_SHARE,
            answers_survey=rng.random() < SURVEY_SHARE,
        ))
    arrivals.sort(key=lambda a: a.at)
    return arrivals


def service_seconds(rng: random.Random, standard_minutes: float) -> float:
    """A service time around the standard: log-normal, rarely under a third of it."""
    return max(standard_minutes * 20, rng.lognormvariate(math.log(standard_minutes * 60), 0.35))


def survey_answers(rng: random.Random) -> list[int]:
    """Nine SKM answers, mostly 3 and 4, as in real MPP surveys."""
    return [rng.choices((1, 2, 3, 4), (0.02, 0.08, 0.5, 0.4))[0] for _ in range(9)]


PROFILE_CHOICES: dict[str, tuple[tuple[str, float], ...]] = {
    "age_band": (("<20", 0.06), ("20-29", 0.27), ("30-39", 0.28), ("40-49", 0.2),
                 ("50-59", 0.13), ("60+", 0.06)),
    "gender": (("L", 0.52), ("P", 0.48)),
    "education": (("SD", 0.08), ("SMP", 0.12), ("SMA", 0.42), ("D1-D3", 0.1),
                  ("D4/S1", 0.24), ("S2/S3", 0.04)),
    "occupation": (("PNS/TNI/Polri", 0.1), ("Swasta", 0.34), ("Wiraswasta", 0.28),
                   ("Pelajar/Mahasiswa", 0.12), ("Lainnya", 0.16)),
}
"""The survey tablet's profile codes (counter_display/survey/wording.py PROFILE; a test
keeps them equal) with how often respondents pick each, roughly as in published SKM
reports of city MPPs."""
PROFILE_SKIPPED_SHARE = 0.2
"""Respondents who skip the whole (optional) profile page."""
PROFILE_ITEM_SKIPPED_SHARE = 0.12
"""Of those who fill it in, how often one question is left empty (occupation the most)."""


def survey_profile(rng: random.Random) -> dict[str, str | None]:
    """A respondent's optional profile: most fill it in, some skip it or single questions."""
    if rng.random() < PROFILE_SKIPPED_SHARE:
        return dict.fromkeys(PROFILE_CHOICES)
    profile: dict[str, str | None] = {}
    for field, choices in PROFILE_CHOICES.items():
        skipped = PROFILE_ITEM_SKIPPED_SHARE * (2 if field == "occupation" else 1)
        profile[field] = None if rng.random() < skipped else rng.choices(
            [code for code, _ in choices], [share for _, share in choices])[0]
    return profile
