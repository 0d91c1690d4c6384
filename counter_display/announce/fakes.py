"""Hand-written fakes for tests and demos: a sink you finish by hand, a scripted voice."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from hub.speech.speech_text import Language

from ._pyside_compat import emit
from .sink import Sink


class OverlapError(AssertionError):
    """A clip was started while another was still playing — an announcement was cut off."""


class FakeSink(Sink):
    """Records every clip; the test decides when the current one has finished."""

    def __init__(self) -> None:
        """Start empty and silent."""
        super().__init__()
        self.played: list[bytes] = []
        self.playing: bytes | None = None
        self.stops = 0

    def play(self, clip: bytes) -> None:
        """Record the clip; refuse to start one over another."""
        if self.playing is not None:
            raise OverlapError(f"play({clip[:40]!r}) while {self.playing[:40]!r} is playing")
        self.played.append(clip)
        self.playing = clip

    def finish(self) -> None:
        """Pretend the current clip reached its end."""
        if self.playing is None:
            raise AssertionError("finish() called but nothing is playing")
        self.playing = None
        emit(self.finished)

    def stop(self) -> None:
        """Drop the current clip silently, as a real sink does."""
        self.stops += 1
        self.playing = None


@dataclass(frozen=True)
class SynthesisRecord:
    """One call to ``FakeSynthesizer.synthesize``: what, in which language, on which thread."""

    text: str
    language: str
    thread: threading.Thread


class FakeSynthesizer:
    """Returns ``b"<lang>:<text>"`` instead of audio; can be held or made to fail."""

    def __init__(self, *, gate: threading.Event | None = None, fail: Exception | None = None):
        """``gate``: block each call until it is set; ``fail``: raise this instead."""
        self.gate = gate
        self.fail = fail
        self.calls: list[SynthesisRecord] = []
        self.entered = threading.Event()

    def synthesize(self, text: str, language: Language | str) -> bytes:
        """Record the call, wait for the gate if any, then answer or fail."""
        self.calls.append(SynthesisRecord(text, str(language), threading.current_thread()))
        self.entered.set()
        if self.gate is not None and not self.gate.wait(timeout=30):
            raise TimeoutError("FakeSynthesizer gate was never opened")
        if self.fail is not None:
            raise self.fail
        return f"{language}:{text}".encode()
