"""Synthesis for real: espeak-ng output, clip folders, the chime, and WAV plumbing."""

from __future__ import annotations

import io
import math
import shutil
import subprocess
import wave
from pathlib import Path

import pytest

from counter_display.announce.settings import AnnouncementSettings, Engine, make_synthesizer
from hub.speech import wav
from hub.speech.speech_text import AnnouncementTexts, Call, Language, build_text
from hub.speech.synth import (
    ClipSynthesizer,
    EspeakSynthesizer,
    MissingClipError,
    SynthesisError,
    Synthesizer,
    SynthesizerUnavailable,
    chime,
    clip_vocabulary,
    clip_words,
)

EN = Language.ENGLISH
SENTENCE = "Nomor antrean, a, dua belas, silakan menuju loket tiga."
FORMAT = wav.WavFormat(channels=1, sample_width=2, sample_rate=8000)

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")


def tone(seconds: float, fmt: wav.WavFormat = FORMAT, hz: float = 440.0) -> bytes:
    """A short sine WAV standing in for a recorded word."""
    frames = round(seconds * fmt.sample_rate)
    samples = bytearray()
    for n in range(frames):
        value = round(8000 * math.sin(2 * math.pi * hz * n / fmt.sample_rate))
        samples += value.to_bytes(2, "little", signed=True) * fmt.channels
    return wav.write_wav(wav.Pcm(fmt, bytes(samples)))


def write_script(tmp_path: Path, name: str, body: str) -> str:
    """Write an executable stand-in for espeak-ng and return its path."""
    path = tmp_path / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return str(path)


# --- espeak-ng, for real ---------------------------------------------------------------


@needs_espeak
@pytest.mark.integration
def test_espeak_speaks_a_sentence_of_sensible_length(tmp_path: Path) -> None:
    audio = EspeakSynthesizer().synthesize(SENTENCE, "id")
    seconds = wav.duration(audio)
    assert 2.0 <= seconds <= 10.0
    assert wav.rms_level(audio) > 0.02  # speech, not silence
    path = tmp_path / "speech.wav"
    path.write_bytes(audio)
    with wave.open(str(path), "rb") as reader:
        # The header must state the real length (espeak's --stdout header does not).
        assert reader.getnframes() / reader.getframerate() == pytest.approx(seconds)
    if shutil.which("soxi"):
        soxi = subprocess.run(
            ["soxi", "-D", str(path)], capture_output=True, text=True, check=True, timeout=10
        )
        assert float(soxi.stdout) == pytest.approx(seconds, abs=0.01)


@needs_espeak
@pytest.mark.integration
def test_espeak_english_and_longer_sentences_take_longer() -> None:
    engine = EspeakSynthesizer()
    short = wav.duration(engine.synthesize("Queue number, A, twelve.", "en"))
    long = wav.duration(engine.synthesize(build_text(Call("PBG-777", "12"), EN), EN))
    assert 0.5 < short < long < 10.0


@needs_espeak
@pytest.mark.integration
def test_espeak_reads_text_starting_with_a_dash_as_text() -> None:
    audio = EspeakSynthesizer().synthesize("--version dua", "id")
    assert wav.duration(audio) > 0.3


def test_missing_espeak_is_a_clear_error() -> None:
    engine = EspeakSynthesizer(executable="no-such-espeak-ng")
    with pytest.raises(SynthesizerUnavailable, match=r"espeak-ng not found.*install"):
        engine.synthesize(SENTENCE, "id")


def test_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(SynthesisError, match=r"no espeak-ng voice.*'jv'"):
        EspeakSynthesizer().synthesize(SENTENCE, "jv")


def test_hung_espeak_is_stopped_by_the_timeout(tmp_path: Path) -> None:
    hung = write_script(tmp_path, "hung-espeak", "exec tail -f /dev/null")
    engine = EspeakSynthesizer(executable=hung, timeout=0.3)
    with pytest.raises(SynthesisError, match=r"longer than 0.3 s"):
        engine.synthesize(SENTENCE, "id")


def test_failing_espeak_reports_its_stderr(tmp_path: Path) -> None:
    broken = write_script(tmp_path, "broken-espeak", "echo 'voice id missing' >&2; exit 1")
    with pytest.raises(SynthesisError, match=r"exit 1.*voice id missing"):
        EspeakSynthesizer(executable=broken).synthesize(SENTENCE, "id")


def test_synthesizers_satisfy_the_protocol(tmp_path: Path) -> None:
    assert isinstance(EspeakSynthesizer(), Synthesizer)
    assert isinstance(ClipSynthesizer(tmp_path), Synthesizer)


def test_settings_choose_the_engine(tmp_path: Path) -> None:
    assert isinstance(make_synthesizer(AnnouncementSettings()), EspeakSynthesizer)
    clips = make_synthesizer(AnnouncementSettings(engine=Engine.CLIPS, clip_folder=tmp_path))
    assert isinstance(clips, ClipSynthesizer)
    with pytest.raises(ValueError, match="clip_folder"):
        AnnouncementSettings(engine=Engine.CLIPS)


# --- recorded clips --------------------------------------------------------------------


@pytest.fixture
def clip_root(tmp_path: Path) -> Path:
    """A clip folder with one tone per word, each word a different length."""
    folder = tmp_path / "clips" / "id"
    folder.mkdir(parents=True)
    for index, word in enumerate(clip_vocabulary(AnnouncementTexts(), "id")):
        (folder / f"{word}.wav").write_bytes(tone(0.05 + 0.01 * (index % 7)))
    return tmp_path / "clips"


def test_clip_words_marks_pauses() -> None:
    assert clip_words(SENTENCE) == [
        "nomor", "antrean", None, "a", None, "dua", "belas", None,
        "silakan", "menuju", "loket", "tiga",
    ]  # fmt: skip
    assert clip_words("Hi,, (there). ") == ["hi", None, "there"]
    assert clip_words("twenty-one") == ["twenty", "one"]


def test_clips_are_joined_in_order_with_pauses(clip_root: Path) -> None:
    engine = ClipSynthesizer(clip_root, pause_seconds=0.1)
    plan = engine.plan(SENTENCE, "id")
    assert plan == [
        "nomor", "antrean", None, "a", None, "dua", "belas", None,
        "silakan", "menuju", "loket", "tiga",
    ]  # fmt: skip
    expected = sum(wav.duration((clip_root / "id" / f"{n}.wav").read_bytes()) for n in plan if n)
    expected += 0.1 * plan.count(None)
    assert wav.duration(engine.synthesize(SENTENCE, "id")) == pytest.approx(expected, abs=1e-3)


def test_a_phrase_clip_is_preferred_to_single_words(clip_root: Path) -> None:
    (clip_root / "id" / "nomor_antrean.wav").write_bytes(tone(0.5))
    (clip_root / "id" / "silakan_menuju_loket.wav").write_bytes(tone(0.5))
    plan = ClipSynthesizer(clip_root).plan(SENTENCE, "id")
    assert plan[:2] == ["nomor_antrean", None]
    assert plan[-2:] == ["silakan_menuju_loket", "tiga"]


def test_every_missing_clip_is_named(clip_root: Path) -> None:
    (clip_root / "id" / "belas.wav").unlink()
    (clip_root / "id" / "loket.wav").unlink()
    with pytest.raises(MissingClipError, match=r"belas\.wav, loket\.wav in .*id") as caught:
        ClipSynthesizer(clip_root).synthesize(SENTENCE, "id")
    assert caught.value.missing == ("belas", "loket")


def test_clip_file_names_are_case_insensitive(clip_root: Path) -> None:
    (clip_root / "id" / "loket.wav").rename(clip_root / "id" / "Loket.wav")
    assert wav.duration(ClipSynthesizer(clip_root).synthesize(SENTENCE, "id")) > 0.5


def test_clips_in_different_formats_are_refused_naming_the_clip(clip_root: Path) -> None:
    stereo = wav.WavFormat(channels=2, sample_width=2, sample_rate=44100)
    (clip_root / "id" / "tiga.wav").write_bytes(tone(0.05, stereo))
    with pytest.raises(SynthesisError, match=r"tiga\.wav is 44100 Hz stereo 16-bit"):
        ClipSynthesizer(clip_root).synthesize(SENTENCE, "id")


def test_a_broken_clip_is_a_clear_error(clip_root: Path) -> None:
    (clip_root / "id" / "tiga.wav").write_bytes(b"not audio")
    with pytest.raises(SynthesisError, match="not a PCM WAV"):
        ClipSynthesizer(clip_root).synthesize(SENTENCE, "id")


def test_missing_language_folder_is_a_clear_error(clip_root: Path) -> None:
    with pytest.raises(SynthesizerUnavailable, match=r"clip folder .*en does not exist"):
        ClipSynthesizer(clip_root).synthesize("Queue number", "en")


def test_vocabulary_covers_numbers_letters_and_template_words() -> None:
    vocabulary = set(clip_vocabulary(AnnouncementTexts(), "id"))
    assert {"nomor", "antrean", "silakan", "menuju", "loket", "panggilan", "ulang"} <= vocabulary
    assert {"a", "be", "ki", "zet", "nol", "sebelas", "belas", "puluh", "seratus"} <= vocabulary
    assert "seribu" not in vocabulary  # only up to 999 unless asked
    assert "seribu" in clip_vocabulary(AnnouncementTexts(), "id", max_number=1000)


# --- chime -----------------------------------------------------------------------------


def test_generated_chime_is_a_short_soft_ding_dong() -> None:
    audio = chime()
    pcm = wav.read_pcm(audio)
    assert pcm.format == wav.WavFormat(1, 2, 22050)  # joins with espeak-ng output
    # Three bell tones 0.42 s apart, the last ringing 1.3 s: a ding-dong of about 2 s.
    assert pcm.duration == pytest.approx(0.42 * 2 + 1.3, abs=0.001)
    single = wav.read_pcm(chime(tones=[660.0]))
    assert single.duration == pytest.approx(1.3, abs=0.001)  # each tone adds its spacing
    samples = memoryview(pcm.frames).cast("h")
    assert max(abs(s) for s in samples) <= 0.5 * 32768  # leaves headroom under the speech
    assert wav.rms_level(audio) > 0.05
    assert samples[0] == 0 and samples[-1] == 0  # no click at either end


def test_chime_is_generated_once_and_tones_are_configurable() -> None:
    assert chime() is chime()
    two_tone = chime(tones=(659.25, 523.25))
    assert wav.duration(two_tone) < wav.duration(chime())
    with pytest.raises(ValueError, match="at least one tone"):
        chime(tones=())


def test_chime_file_is_loaded_and_its_header_repaired(tmp_path: Path) -> None:
    path = tmp_path / "bell.wav"
    path.write_bytes(tone(0.3))
    assert wav.duration(chime(path)) == pytest.approx(0.3)


def test_bad_chime_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(SynthesizerUnavailable, match="cannot read chime file"):
        chime(tmp_path / "missing.wav")
    (tmp_path / "bad.wav").write_bytes(b"RIFF....")
    with pytest.raises(SynthesisError, match="not a PCM WAV"):
        chime(tmp_path / "bad.wav")


# --- WAV helpers -----------------------------------------------------------------------


def streamed(audio: bytes) -> bytes:
    """Rewrite a WAV's length fields the way espeak-ng --stdout does (unknown length)."""
    data = bytearray(audio)
    data[4:8] = (0x7FFFF024).to_bytes(4, "little")
    data[40:44] = (0x7FFFF000).to_bytes(4, "little")
    return bytes(data)


def test_repair_fixes_a_streaming_header() -> None:
    original = tone(0.25)
    fixed = wav.repair(streamed(original))
    assert fixed == original
    with wave.open(io.BytesIO(fixed)) as reader:
        assert reader.getnframes() == 2000


def test_concat_joins_with_gaps_and_names_a_mismatch() -> None:
    joined = wav.concat([tone(0.1), tone(0.2)], gap=0.05)
    assert wav.duration(joined) == pytest.approx(0.35)
    other = wav.WavFormat(1, 2, 22050)
    with pytest.raises(wav.WavError, match="speech is 22050 Hz mono 16-bit but chime is 8000"):
        wav.concat([tone(0.1), tone(0.1, other)], names=["chime", "speech"])
    with pytest.raises(wav.WavError, match="nothing"):
        wav.concat([])


def test_silence_and_levels() -> None:
    quiet = wav.write_wav(wav.Pcm(FORMAT, wav.silence(FORMAT, 0.5)))
    assert wav.duration(quiet) == pytest.approx(0.5)
    assert wav.rms_level(quiet) == 0.0
    assert wav.rms_level(tone(0.1)) == pytest.approx(8000 / 32768 / math.sqrt(2), rel=0.02)
    assert wav.silence(wav.WavFormat(1, 1, 8000), 0.001) == b"\x80" * 8


def test_not_a_wav_is_a_wav_error() -> None:
    for junk in (b"", b"garbage", b"RIFF\x00\x00\x00\x00WAVE"):
        with pytest.raises(wav.WavError, match="not a PCM WAV"):
            wav.read_pcm(junk)
