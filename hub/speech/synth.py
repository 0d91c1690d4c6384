"""Turn announcement text into WAV bytes: espeak-ng, recorded clips, and the chime.

Synthesizers are called from a worker thread, never the GUI thread; they may block
(espeak-ng runs as a subprocess) but always return or raise within their timeout.
"""

from __future__ import annotations

import array
import cmath
import functools
import logging
import math
import re
import shutil
import string
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from . import wav
from .speech_text import (
    AnnouncementTexts,
    CallKind,
    Language,
    digit_words,
    number_words,
    spell_letters,
)

log = logging.getLogger(__name__)


class SynthesisError(RuntimeError):
    """Speech could not be produced for this text."""


class SynthesizerUnavailable(SynthesisError):
    """The engine itself is missing (no espeak-ng, no clip folder), not just one text."""


class MissingClipError(SynthesisError):
    """Recorded clips needed for a sentence are not in the clip folder."""

    def __init__(self, folder: Path, missing: Sequence[str], text: str) -> None:
        """Name every missing file so the MPP can record them all in one go."""
        self.folder = folder
        self.missing = tuple(missing)
        files = ", ".join(f"{name}.wav" for name in self.missing)
        super().__init__(f"missing clip(s) {files} in {folder} (needed for {text!r})")


@runtime_checkable
class Synthesizer(Protocol):
    """Anything that turns a sentence into a WAV."""

    def synthesize(self, text: str, language: Language | str) -> bytes:
        """Return a complete WAV for ``text`` spoken in ``language``."""
        ...


class EspeakSynthesizer:
    """Speak with the espeak-ng command (offline, ~15 ms per sentence)."""

    def __init__(
        self,
        *,
        executable: str = "espeak-ng",
        voices: Mapping[str, str] | None = None,
        words_per_minute: int = 140,
        pitch: int = 50,
        timeout: float = 10.0,
    ) -> None:
        """Configure the command; nothing is run until the first synthesis."""
        self.executable = executable
        self.voices = dict(voices or {"id": "id", "en": "en"})
        self.words_per_minute = words_per_minute
        self.pitch = pitch
        self.timeout = timeout

    def command(self, language: Language | str) -> list[str]:
        """Build the argv; text goes on stdin so a leading "-" is never read as an option."""
        voice = self.voices.get(str(language))
        if voice is None:
            raise SynthesisError(f"no espeak-ng voice configured for language {language!r}")
        path = shutil.which(self.executable)
        if path is None:
            raise SynthesizerUnavailable(
                f"espeak-ng not found ({self.executable!r} is not on PATH); install the "
                "Debian package espeak-ng, or use recorded clips"
            )
        return [
            path, "-v", voice, "-s", str(self.words_per_minute), "-p", str(self.pitch),
            "-b", "1", "--stdout",
        ]  # fmt: skip

    def synthesize(self, text: str, language: Language | str) -> bytes:
        """Run espeak-ng and return its WAV with a corrected header."""
        argv = self.command(language)
        try:
            done = subprocess.run(
                argv,
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise SynthesisError(
                f"espeak-ng took longer than {self.timeout:g} s for {text!r}"
            ) from None
        except OSError as exc:
            raise SynthesizerUnavailable(f"cannot run {argv[0]}: {exc}") from None
        if done.returncode != 0 or not done.stdout:
            detail = done.stderr.decode("utf-8", "replace").strip()[:300]
            raise SynthesisError(
                f"espeak-ng failed (exit {done.returncode}) for {text!r}: {detail or 'no output'}"
            )
        # --stdout writes a streaming header with a bogus length; rewrite it.
        return wav.repair(done.stdout)


_PAUSE_MARKS = re.compile(r"[,.;:!?]")
_WORD_SPLIT = re.compile(r"[\s\-]+")


def clip_words(text: str) -> list[str | None]:
    """Split a sentence into lower-case words; ``None`` marks a pause (comma, full stop)."""
    words: list[str | None] = []
    for chunk in re.split(r"([,.;:!?])", text):
        if _PAUSE_MARKS.fullmatch(chunk):
            if words and words[-1] is not None:
                words.append(None)
            continue
        cleaned = (w.lower().strip("'\"()") for w in _WORD_SPLIT.split(chunk))
        words.extend(w for w in cleaned if w)
    while words and words[-1] is None:
        words.pop()
    return words


class ClipSynthesizer:
    """Speak by joining recorded clips, one file per word or phrase.

    Clips live in ``<root>/<language>/<name>.wav`` where ``name`` is the word in lower
    case, or a phrase with ``_`` between words (``nomor_antrean.wav``); the longest
    phrase that exists wins. All clips of a language must share one WAV format.
    """

    def __init__(
        self, root: str | Path, *, pause_seconds: float = 0.15, max_phrase_words: int = 5
    ) -> None:
        """Point at the clip root; clips are read lazily and cached."""
        self.root = Path(root)
        self.pause_seconds = pause_seconds
        self.max_phrase_words = max_phrase_words
        self._cache: dict[Path, bytes] = {}

    def folder(self, language: Language | str) -> Path:
        """Return the clip folder for a language."""
        return self.root / str(language)

    def plan(self, text: str, language: Language | str) -> list[str | None]:
        """Choose clip names for a sentence (``None`` is a pause); raise naming missing ones."""
        folder = self.folder(language)
        if not folder.is_dir():
            raise SynthesizerUnavailable(f"clip folder {folder} does not exist")
        available = {p.stem.lower() for p in folder.glob("*.wav")}
        words = clip_words(text)
        plan: list[str | None] = []
        missing: list[str] = []
        i = 0
        while i < len(words):
            word = words[i]
            if word is None:
                plan.append(None)
                i += 1
                continue
            for size in range(self.max_phrase_words, 0, -1):
                span = words[i : i + size]
                if len(span) == size and None not in span:
                    name = "_".join(w for w in span if w is not None)
                    if name in available:
                        plan.append(name)
                        i += size
                        break
            else:
                if word not in missing:
                    missing.append(word)
                i += 1
        if missing:
            raise MissingClipError(folder, missing, text)
        return plan

    def _clip(self, folder: Path, name: str) -> bytes:
        """Read one clip (case-insensitively), caching it for the next sentence."""
        path = folder / f"{name}.wav"
        if not path.exists():
            path = next(p for p in folder.glob("*.wav") if p.stem.lower() == name)
        if path not in self._cache:
            self._cache[path] = path.read_bytes()
        return self._cache[path]

    def synthesize(self, text: str, language: Language | str) -> bytes:
        """Join the clips for ``text`` with short pauses at commas and full stops."""
        folder = self.folder(language)
        plan = self.plan(text, language)
        names = [name for name in plan if name is not None]
        if not names:
            raise SynthesisError(f"nothing to say in {text!r}")
        try:
            pcms = [wav.read_pcm(self._clip(folder, name)) for name in names]
        except wav.WavError as exc:
            raise SynthesisError(f"a clip in {folder} is not a PCM WAV: {exc}") from None
        fmt = pcms[0].format
        for name, pcm in zip(names, pcms, strict=True):
            if pcm.format != fmt:
                raise SynthesisError(
                    f"clip {name}.wav is {pcm.format.describe()} but {names[0]}.wav is "
                    f"{fmt.describe()}; record every clip in {folder} in one format"
                )
        pause = wav.silence(fmt, self.pause_seconds)
        frames = iter(pcm.frames for pcm in pcms)
        joined = b"".join(pause if name is None else next(frames) for name in plan)
        return wav.write_wav(wav.Pcm(fmt, joined))


def clip_vocabulary(
    texts: AnnouncementTexts, language: Language | str, *, max_number: int = 999
) -> list[str]:
    """List the clip names a folder needs for every call up to ``max_number`` (both styles).

    Counter names that are words (``Pajak``) are not included: add a clip for each.
    """
    language = Language(language)
    words: set[str] = set()
    for kind in CallKind:
        template = texts.template(kind, language).format(ticket="", counter="")
        words.update(w for w in clip_words(template) if w is not None)
    words.update(spell_letters(letter, language).lower() for letter in string.ascii_uppercase)
    for n in range(max_number + 1):
        words.update(w for w in clip_words(number_words(str(n), language)) if w is not None)
    words.update(digit_words("0123456789", language).split())
    return sorted(words)


# Ding-dong: G5, E5, C5 — a falling major triad, soft and unmistakably "attention".
DEFAULT_CHIME_TONES: tuple[float, ...] = (783.99, 659.25, 523.25)
CHIME_SAMPLE_RATE = 22050  # espeak-ng's rate, so chime and speech can be joined
_PARTIALS = ((1.0, 1.0), (2.0, 0.25), (3.0, 0.08))  # a few harmonics make it a bell, not a beep


def chime(
    path: str | Path | None = None,
    *,
    tones: Sequence[float] = DEFAULT_CHIME_TONES,
    sample_rate: int = CHIME_SAMPLE_RATE,
) -> bytes:
    """Return the chime WAV: the configured file if given, else a generated ding-dong."""
    if path is not None:
        try:
            return wav.repair(Path(path).read_bytes())
        except OSError as exc:
            raise SynthesizerUnavailable(f"cannot read chime file {path}: {exc}") from None
        except wav.WavError as exc:
            raise SynthesisError(f"chime file {path} is not a PCM WAV: {exc}") from None
    return _generated_chime(tuple(tones), sample_rate)


@functools.cache
def _generated_chime(
    tones: tuple[float, ...],
    sample_rate: int,
    spacing: float = 0.42,
    ring: float = 1.3,
    peak: float = 0.5,
) -> bytes:
    """Synthesize decaying bell tones, each starting ``spacing`` s after the last."""
    if not tones:
        raise ValueError("a chime needs at least one tone")
    total = round((spacing * (len(tones) - 1) + ring) * sample_rate)
    mix = [0.0] * total
    attack = max(1, round(0.006 * sample_rate))  # a few ms of fade-in avoids a click
    ring_frames = round(ring * sample_rate)
    decay = 4.5 / ring_frames  # reaches ~1 % by the end of the ring
    for index, tone in enumerate(tones):
        start = round(index * spacing * sample_rate)
        for multiple, weight in _PARTIALS:
            # A decaying phasor: multiplying by one complex constant per sample gives
            # exp(-damp·n)·e^(i·step·n) without a sin() and exp() call per sample.
            # Higher partials die away faster, as on a real bell.
            step = 2 * math.pi * tone * multiple / sample_rate
            rotate = cmath.exp(complex(-decay * multiple, step))
            phasor = complex(weight, 0.0)
            for n in range(min(ring_frames, total - start)):
                mix[start + n] += phasor.imag * (n / attack if n < attack else 1.0)
                phasor *= rotate
    # Fade the last 20 ms to exact zero so playback never ends on a click.
    tail = round(0.02 * sample_rate)
    for n in range(tail):
        mix[total - 1 - n] *= n / tail
    scale = peak * 32767 / max(abs(v) for v in mix)
    samples = array.array("h", (round(v * scale) for v in mix))
    if sys.byteorder == "big":
        samples.byteswap()
    return wav.write_wav(wav.Pcm(wav.WavFormat(1, 2, sample_rate), samples.tobytes()))
