"""The pure sentence builder: numbers, letters, templates, languages, bad input."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.speech.speech_text import (
    LETTER_NAMES_ID,
    AnnouncementTexts,
    Call,
    CallKind,
    InvalidTicketLabel,
    Language,
    NumberStyle,
    SpeechSettings,
    build_text,
    build_texts,
    speak_counter,
    speak_ticket,
)
from hub.speech.synth import clip_vocabulary, clip_words

ID = Language.INDONESIAN
EN = Language.ENGLISH


def test_call_sentence_matches_the_issue_example() -> None:
    assert build_text(Call("A-012", "3")) == (
        "Nomor antrean, a, dua belas, silakan menuju loket tiga."
    )


def test_recall_sentence_says_it_is_a_recall() -> None:
    assert build_text(Call("A-012", "3", CallKind.RECALL)) == (
        "Panggilan ulang, nomor antrean, a, dua belas, silakan menuju loket tiga."
    )


def test_english_sentence() -> None:
    assert build_text(Call("A-012", "3"), EN) == (
        "Queue number, A, twelve, please proceed to counter three."
    )


def test_english_recall_sentence() -> None:
    assert build_text(Call("B-101", "12", CallKind.RECALL), EN) == (
        "Calling again, queue number, B, one hundred and one, please proceed to counter twelve."
    )


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (1, "satu"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
        (100, "seratus"),
        (101, "seratus satu"),
        (110, "seratus sepuluh"),
        (999, "sembilan ratus sembilan puluh sembilan"),
        (1000, "seribu"),
        (1234, "seribu dua ratus tiga puluh empat"),
    ],
)
def test_ticket_numbers_in_indonesian_words(number: int, words: str) -> None:
    assert speak_ticket(f"A-{number:03d}", ID) == f"a, {words}"


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (1, "one"),
        (11, "eleven"),
        (21, "twenty-one"),
        (110, "one hundred and ten"),
        (1234, "one thousand two hundred and thirty-four"),  # num2words' comma removed
    ],
)
def test_ticket_numbers_in_english_words(number: int, words: str) -> None:
    assert speak_ticket(f"A-{number:03d}", EN) == f"A, {words}"


@pytest.mark.parametrize(
    ("label", "spoken"),
    [
        ("A-012", "a, nol satu dua"),
        ("A-001", "a, nol nol satu"),
        ("A-100", "a, satu nol nol"),
        ("A-000", "a, nol nol nol"),
        ("PBG-007", "pe be ge, nol nol tujuh"),
    ],
)
def test_digit_mode_keeps_leading_zeros(label: str, spoken: str) -> None:
    assert speak_ticket(label, ID, NumberStyle.DIGITS) == spoken


def test_digit_mode_in_english() -> None:
    assert speak_ticket("A-012", EN, NumberStyle.DIGITS) == "A, zero one two"


@pytest.mark.parametrize(("label", "spoken"), [("A-000", "a, nol"), ("A-007", "a, tujuh")])
def test_word_mode_drops_leading_zeros(label: str, spoken: str) -> None:
    assert speak_ticket(label, ID) == spoken


@pytest.mark.parametrize(
    ("letter", "name"),
    [
        ("A", "a"), ("B", "be"), ("C", "ce"), ("D", "de"), ("E", "e"), ("F", "ef"),
        ("G", "ge"), ("H", "ha"), ("I", "i"), ("J", "je"), ("K", "ka"), ("L", "el"),
        ("M", "em"), ("N", "en"), ("O", "o"), ("P", "pe"), ("Q", "ki"), ("R", "er"),
        ("S", "es"), ("T", "te"), ("U", "u"), ("V", "fe"), ("W", "we"), ("X", "eks"),
        ("Y", "ye"), ("Z", "zet"),
    ],
)  # fmt: skip
def test_letters_are_spoken_by_indonesian_names(letter: str, name: str) -> None:
    assert speak_ticket(f"{letter}-5", ID) == f"{name}, lima"
    assert speak_ticket(f"{letter.lower()}-5", ID) == f"{name}, lima"


def test_letter_names_are_all_distinct() -> None:
    assert len(set(LETTER_NAMES_ID.values())) == 26


def test_multi_letter_prefix_is_spelled_letter_by_letter() -> None:
    assert speak_ticket("PBG-007", ID) == "pe be ge, tujuh"
    assert speak_ticket("PBG-007", EN) == "P B G, seven"


@pytest.mark.parametrize(
    ("label", "spoken"),
    [("A012", "a, dua belas"), ("a 12", "a, dua belas"), ("12", "dua belas"),
     ("A-12-B", "a, dua belas, be"), ("A/3", "a, tiga"), ("A.3", "a, tiga")],
)  # fmt: skip
def test_separators_and_missing_prefix(label: str, spoken: str) -> None:
    assert speak_ticket(label, ID) == spoken


@pytest.mark.parametrize(
    ("counter", "spoken"),
    [
        ("3", "tiga"),
        ("12", "dua belas"),
        ("Pajak 2", "Pajak dua"),
        ("BPJS 1", "be pe je es satu"),
        ("12A", "dua belas a"),
        ("B", "be"),
        ("PAJAK", "PAJAK"),
    ],
)
def test_counter_names(counter: str, spoken: str) -> None:
    assert speak_counter(counter, ID) == spoken


def test_counter_number_is_always_words_even_in_digit_mode() -> None:
    text = build_text(Call("A-012", "12"), ID, number_style=NumberStyle.DIGITS)
    assert text == "Nomor antrean, a, nol satu dua, silakan menuju loket dua belas."


def test_counter_may_be_given_as_int() -> None:
    assert Call("A-1", 7).counter == "7"  # type: ignore[arg-type]


def test_custom_templates() -> None:
    texts = AnnouncementTexts(call_id="Antrean {ticket} ke loket {counter}.")
    assert build_text(Call("C-3", "4"), texts=texts) == "Antrean ce, tiga ke loket empat."


def test_template_with_unknown_placeholder_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match=r"call_id.*\{loket\}"):
        AnnouncementTexts(call_id="Nomor {ticket} ke {loket}")


def test_template_without_ticket_is_refused() -> None:
    with pytest.raises(ValueError, match=r"recall_en.*\{ticket\}"):
        AnnouncementTexts(recall_en="Please go to counter {counter}")


def test_malformed_template_is_refused() -> None:
    with pytest.raises(ValueError, match="call_en"):
        AnnouncementTexts(call_en="Queue {ticket")


def test_build_texts_follows_language_order() -> None:
    settings = SpeechSettings(languages=(ID, EN))
    texts = build_texts(Call("A-012", "3"), settings)
    assert [lang for lang, _ in texts] == [ID, EN]
    assert texts[1][1].startswith("Queue number, A, twelve")


def test_settings_accept_plain_strings_and_refuse_no_language() -> None:
    settings = SpeechSettings(number_style="digits", languages=("en",))  # type: ignore[arg-type]
    assert settings.languages == (EN,)
    assert settings.number_style is NumberStyle.DIGITS
    with pytest.raises(ValueError, match="at least one"):
        SpeechSettings(languages=())


@pytest.mark.parametrize(
    "label",
    ["", "   ", "-", "A-0x!", "Ä-1", "A-1234567890", "A" * 33, "A\n1", "A_{ticket}"],
)
def test_bad_ticket_labels_are_refused(label: str) -> None:
    with pytest.raises(InvalidTicketLabel):
        Call(label, "1")


@pytest.mark.parametrize("counter", ["", "  ", "x" * 33, "1\n2", "1234567890"])
def test_bad_counters_are_refused(counter: str) -> None:
    with pytest.raises(InvalidTicketLabel):
        Call("A-1", counter)


def test_ticket_key_ignores_spelling() -> None:
    assert Call("A-012", "1").ticket_key == Call("a12", "2").ticket_key
    assert Call("A-012", "1").ticket_key == Call("A 12", "1", CallKind.RECALL).ticket_key
    assert Call("A-012", "1").ticket_key != Call("A-013", "1").ticket_key
    assert Call("A-012", "1").ticket_key != Call("B-012", "1").ticket_key


# --- properties -------------------------------------------------------------------------

prefixes = st.text(alphabet=string.ascii_uppercase, min_size=0, max_size=3)
numbers = st.integers(min_value=0, max_value=9999)
widths = st.integers(min_value=1, max_value=4)
languages = st.sampled_from(list(Language))
kinds = st.sampled_from(list(CallKind))
counters = st.integers(min_value=1, max_value=999).map(str)
VOCABULARY_ID = frozenset(clip_vocabulary(AnnouncementTexts(), ID, max_number=9999))


@st.composite
def labels(draw: st.DrawFn) -> tuple[str, str]:
    """A realistic ticket label and its digit run, e.g. ("PBG-007", "007")."""
    digits = f"{draw(numbers):0{draw(widths)}d}"
    prefix = draw(prefixes)
    separator = draw(st.sampled_from(["-", "", " "])) if prefix else ""
    return f"{prefix}{separator}{digits}", digits


@given(labels(), counters, kinds, languages)
def test_word_mode_text_never_contains_digits(
    label: tuple[str, str], counter: str, kind: CallKind, language: Language
) -> None:
    text = build_text(Call(label[0], counter, kind), language)
    assert not re.search(r"[0-9]", text)


@given(labels(), counters, kinds, languages)
def test_digit_mode_says_one_word_per_digit(
    label: tuple[str, str], counter: str, kind: CallKind, language: Language
) -> None:
    spoken = speak_ticket(label[0], language, NumberStyle.DIGITS)
    assert not re.search(r"[0-9]", spoken)
    assert len(spoken.split(", ")[-1].split()) == len(label[1])


@given(labels(), counters, kinds, languages)
def test_sentence_is_the_template_with_ticket_and_counter_filled(
    label: tuple[str, str], counter: str, kind: CallKind, language: Language
) -> None:
    call = Call(label[0], counter, kind)
    template = AnnouncementTexts().template(kind, language)
    head, _, tail = template.partition("{ticket}")
    text = build_text(call, language)
    assert text.startswith(head)
    assert text.endswith(tail.replace("{counter}", speak_counter(counter, language)))
    assert speak_ticket(label[0], language) in text


@given(labels(), counters, kinds, st.sampled_from(list(NumberStyle)))
def test_indonesian_words_are_all_in_the_clip_vocabulary(
    label: tuple[str, str], counter: str, kind: CallKind, style: NumberStyle
) -> None:
    text = build_text(Call(label[0], counter, kind), ID, number_style=style)
    assert {w for w in clip_words(text) if w is not None} <= VOCABULARY_ID


@given(st.text(max_size=40), st.text(max_size=40))
def test_any_input_either_builds_a_call_or_raises_invalid_label(ticket: str, counter: str) -> None:
    try:
        call = Call(ticket, counter)
    except InvalidTicketLabel:
        return
    assert build_text(call)


@given(labels(), labels())
def test_ticket_key_equal_exactly_when_spoken_alike(
    first: tuple[str, str], second: tuple[str, str]
) -> None:
    a, b = Call(first[0], "1"), Call(second[0], "1")
    assert (a.ticket_key == b.ticket_key) == (
        speak_ticket(a.ticket, ID) == speak_ticket(b.ticket, ID)
    )
