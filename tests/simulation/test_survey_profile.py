"""Simulated SKM respondents fill in the optional profile as real ones do, some not at all."""

from __future__ import annotations

import random

from counter_display.survey.wording import PROFILE
from hub.simulation.model import PROFILE_CHOICES, survey_profile


def test_profile_codes_are_the_survey_tablets() -> None:
    tablet = {question.field: [code for code, _ in question.choices] for question in PROFILE}
    simulated = {field: [code for code, _ in choices] for field, choices in
                 PROFILE_CHOICES.items()}
    assert simulated == tablet


def test_most_respondents_fill_the_profile_and_some_leave_it_empty() -> None:
    rng = random.Random(5)
    profiles = [survey_profile(rng) for _ in range(1000)]
    empty = sum(all(value is None for value in profile.values()) for profile in profiles)
    complete = sum(all(value is not None for value in profile.values()) for profile in profiles)
    assert 150 < empty < 260  # about one in five skips the page
    assert complete > 350  # every question answered
    assert 1000 - empty > 700  # most answer at least one
    genders = {profile["gender"] for profile in profiles}
    assert genders == {"L", "P", None}
