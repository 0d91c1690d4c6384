"""Spoken announcements for calls: text, synthesis, and a queue that never cuts one off.

The text builder and the synthesizers (``hub.speech``: the hub speaks for browser
displays too) import no Qt; the queue (``player``) and sinks need QtCore, and only
``qt_sink`` loads QtMultimedia.
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
    "AnnouncementTexts": "hub.speech.speech_text",
    "Call": "hub.speech.speech_text",
    "CallKind": "hub.speech.speech_text",
    "InvalidTicketLabel": "hub.speech.speech_text",
    "Language": "hub.speech.speech_text",
    "NumberStyle": "hub.speech.speech_text",
    "SpeechSettings": "hub.speech.speech_text",
    "build_text": "hub.speech.speech_text",
    "build_texts": "hub.speech.speech_text",
    "ClipSynthesizer": "hub.speech.synth",
    "EspeakSynthesizer": "hub.speech.synth",
    "MissingClipError": "hub.speech.synth",
    "SynthesisError": "hub.speech.synth",
    "Synthesizer": "hub.speech.synth",
    "SynthesizerUnavailable": "hub.speech.synth",
    "chime": "hub.speech.synth",
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
    where = module if module.startswith("hub.") else f"{__name__}.{module}"
    return getattr(importlib.import_module(where), name)
