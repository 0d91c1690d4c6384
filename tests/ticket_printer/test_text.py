"""Words on the ticket: ASCII folding, wrapping, dates and waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ticket_printer.text import (
    format_issued_at,
    format_wait,
    key_value,
    to_ascii,
    wrap,
    wrap_balanced,
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Café Résumé", "Cafe Resume"),
        ("Perizinan — Non-Perizinan", "Perizinan - Non-Perizinan"),
        ("“Kartu” ‘Keluarga’", "\"Kartu\" 'Keluarga'"),
        ("Tunggu…", "Tunggu..."),
        ("Straße Øst Łódź", "Strasse Ost Lodz"),
        ("± 15 menit", "+/- 15 menit"),
        ("Nº 5 ² ½", "No 5 2 1/2"),
        ("Loket\u00a0 3\t\n", "Loket 3"),
        ("Selamat datang 🙂👍", "Selamat datang"),
        ("Dinas\x1b@Sosial\x07", "Dinas@Sosial"),
        ("Nama: السلام عليكم", "Nama: ? ?"),
        ("", ""),
    ],
)
def test_to_ascii_folds_to_what_a_person_would_write(raw: str, folded: str) -> None:
    assert to_ascii(raw) == folded


@settings(derandomize=True, database=None, max_examples=300, deadline=None)
@given(st.text(), st.integers(min_value=1, max_value=64))
def test_to_ascii_output_is_always_printable_ascii(text: str, columns: int) -> None:
    folded = to_ascii(text)
    assert all(" " <= char <= "~" for char in folded)
    assert folded == folded.strip() and "  " not in folded
    for line in wrap(text, columns):
        assert len(line) <= columns


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzAEIOU-.,", min_size=1, max_size=12)


@settings(derandomize=True, database=None, max_examples=300, deadline=None)
@given(st.lists(words, min_size=1, max_size=30), st.integers(min_value=12, max_value=64))
def test_wrap_breaks_only_between_words_when_words_fit(parts: list[str], columns: int) -> None:
    text = " ".join(parts)
    lines = wrap(text, columns)
    assert all(len(line) <= columns for line in lines)
    assert [word for line in lines for word in line.split()] == parts


@settings(derandomize=True, database=None, max_examples=300, deadline=None)
@given(st.lists(words, min_size=1, max_size=30), st.integers(min_value=12, max_value=64))
def test_balanced_wrap_keeps_words_and_line_count(parts: list[str], columns: int) -> None:
    text = " ".join(parts)
    balanced = wrap_balanced(text, columns)
    assert len(balanced) == len(wrap(text, columns))
    assert all(len(line) <= columns for line in balanced)
    assert [word for line in balanced for word in line.split()] == parts


def test_balanced_wrap_leaves_no_lone_last_word() -> None:
    text = "Keep this ticket until your number is called"
    assert wrap(text, 37) == ["Keep this ticket until your number is", "called"]
    assert wrap_balanced(text, 37) == ["Keep this ticket until", "your number is called"]


def test_wrap_splits_only_a_word_longer_than_the_line() -> None:
    assert wrap("ab Pencatatansipil cd", 8) == ["ab", "Pencatat", "ansipil", "cd"]


def test_issued_at_in_both_languages_with_indonesian_zone_names() -> None:
    wib = timezone(timedelta(hours=7))
    moment = datetime(2026, 8, 17, 8, 5, tzinfo=wib)
    assert format_issued_at(moment, "id") == "Senin, 17 Agu 2026 08:05 WIB"
    assert format_issued_at(moment, "en") == "Monday, 17 Aug 2026 08:05 WIB"
    wit = moment.astimezone(timezone(timedelta(hours=9)))
    assert format_issued_at(wit, "id") == "Senin, 17 Agu 2026 10:05 WIT"
    utc = moment.astimezone(UTC)
    assert format_issued_at(utc, "id") == "Senin, 17 Agu 2026 01:05"


@pytest.mark.parametrize(
    ("minutes", "indonesian", "english"),
    [
        (0, "segera", "any moment now"),
        (5, "sekitar 5 menit", "about 5 min"),
        (60, "sekitar 1 jam", "about 1 h"),
        (95, "sekitar 1 jam 35 menit", "about 1 h 35 min"),
    ],
)
def test_wait_is_said_like_a_person_would(minutes: int, indonesian: str, english: str) -> None:
    assert format_wait(minutes, "id") == indonesian
    assert format_wait(minutes, "en") == english


def test_key_value_fills_the_line_or_falls_back_to_two_lines() -> None:
    assert key_value("Orang di depan Anda", "12", 32) == ["Orang di depan Anda           12"]
    assert key_value("Perkiraan waktu tunggu", "sekitar 1 jam 25 menit", 32) == [
        "Perkiraan waktu tunggu",
        "          sekitar 1 jam 25 menit",
    ]
