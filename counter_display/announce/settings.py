"""Announcement settings as one typed object, and the engine it selects."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from hub.speech.speech_text import SpeechSettings
from hub.speech.synth import ClipSynthesizer, EspeakSynthesizer, Synthesizer, chime


class Engine(StrEnum):
    """Where speech comes from."""

    ESPEAK = "espeak"
    CLIPS = "clips"


@dataclass(frozen=True)
class AnnouncementSettings:
    """Every announcement knob, validated on construction (config maps onto this)."""

    speech: SpeechSettings = field(default_factory=SpeechSettings)
    engine: Engine = Engine.ESPEAK
    clip_folder: Path | None = None  # <clip_folder>/<language>/<word>.wav, engine "clips"
    chime_enabled: bool = True
    chime_file: Path | None = None  # None: the generated ding-dong
    espeak_words_per_minute: int = 140  # espeak's 175 is too fast for a hall with an echo
    max_pending: int | None = None  # None: unbounded; else drop the oldest when full
    deduplicate: bool = True  # a new call for a queued ticket replaces the queued one
    volume: float = 1.0  # 0.0 to 1.0, of the Qt audio output

    def __post_init__(self) -> None:
        """Refuse settings that would only fail later, at the first call."""
        object.__setattr__(self, "engine", Engine(self.engine))
        if self.engine is Engine.CLIPS and self.clip_folder is None:
            raise ValueError('announcement engine "clips" needs clip_folder')
        if not 0.0 <= self.volume <= 1.0:
            raise ValueError(f"volume must be between 0.0 and 1.0, not {self.volume}")
        if self.max_pending is not None and self.max_pending < 1:
            raise ValueError(f"max_pending must be at least 1, not {self.max_pending}")
        if not 80 <= self.espeak_words_per_minute <= 450:
            raise ValueError(
                f"espeak_words_per_minute must be 80–450, not {self.espeak_words_per_minute}"
            )


def make_synthesizer(settings: AnnouncementSettings) -> Synthesizer:
    """Return the synthesizer the settings ask for."""
    if settings.engine is Engine.CLIPS:
        assert settings.clip_folder is not None  # checked in __post_init__
        return ClipSynthesizer(settings.clip_folder)
    return EspeakSynthesizer(words_per_minute=settings.espeak_words_per_minute)


def load_chime(settings: AnnouncementSettings) -> bytes | None:
    """Return the chime WAV to play before speech, or None when the chime is off."""
    if not settings.chime_enabled:
        return None
    return chime(settings.chime_file)
