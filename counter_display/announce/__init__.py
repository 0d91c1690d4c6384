"""Spoken announcements for calls: text, synthesis, and a queue that never cuts one off.

The text builder (``speech_text``) and synthesizers (``synth``) import no Qt; the
queue (``player``) and sinks need QtCore, and only ``qt_sink`` loads QtMultimedia.
Names are resolved lazily here so ``from counter_display.announce import Call`` stays
Qt-free.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hub.speech.speech_text import (
        AnnouncementTexts,
        Call,
        CallKind,
        InvalidTicketLabel,
        Language,
        NumberStyle,
        SpeechSettings,
        build_text,
        build_texts,
    )
    from hub.speech.synth import (
        ClipSynthesizer,
        EspeakSynthesizer,
        MissingClipError,
        SynthesisError,
        Synthesizer,
        SynthesizerUnavailable,
        chime,
    )

    from .fakes import FakeSink, FakeSynthesizer
    from .player import Announcer, create_announcer
    from .qt_sink import QtSink
    from .settings import AnnouncementSettings, Engine, load_chime, make_synthesizer
    from .sink import Sink

_EXPORTS: dict[str, str] = {
    "AnnouncementTexts": "speech_text",
    "Call": "speech_text",
    "CallKind": "speech_text",
    "InvalidTicketLabel": "speech_text",
    "Language": "speech_text",
    "NumberStyle": "speech_text",
    "SpeechSettings": "speech_text",
    "build_text": "speech_text",
    "build_texts": "speech_text",
    "ClipSynthesizer": "synth",
    "EspeakSynthesizer": "synth",
    "MissingClipError": "synth",
    "SynthesisError": "synth",
    "Synthesizer": "synth",
    "SynthesizerUnavailable": "synth",
    "chime": "synth",
    "AnnouncementSettings": "settings",
    "Engine": "settings",
    "load_chime": "settings",
    "make_synthesizer": "settings",
    "Sink": "sink",
    "FakeSink": "fakes",
    "FakeSynthesizer": "fakes",
    "Announcer": "player",
    "create_announcer": "player",
    "QtSink": "qt_sink",
}

__all__ = [
    "AnnouncementSettings",
    "AnnouncementTexts",
    "Announcer",
    "Call",
    "CallKind",
    "ClipSynthesizer",
    "Engine",
    "EspeakSynthesizer",
    "FakeSink",
    "FakeSynthesizer",
    "InvalidTicketLabel",
    "Language",
    "MissingClipError",
    "NumberStyle",
    "QtSink",
    "Sink",
    "SpeechSettings",
    "SynthesisError",
    "Synthesizer",
    "SynthesizerUnavailable",
    "build_text",
    "build_texts",
    "chime",
    "create_announcer",
    "load_chime",
    "make_synthesizer",
]


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
