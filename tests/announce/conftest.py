"""Fixtures for the announcement tests: offscreen Qt, fakes, and announcers that always close."""

from __future__ import annotations

import os
import threading

# Before any QApplication exists: the tests run headless.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# FFmpeg's per-clip format dump and optional-library probing are noise in test output.
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from counter_display.announce.fakes import FakeSink, FakeSynthesizer
from counter_display.announce.player import Announcer

CHIME = b"chime"


@pytest.fixture(autouse=True)
def no_speech_thread_left_behind() -> Iterator[None]:
    """Fail a test that leaves an announcer's synthesis thread running."""
    yield
    alive = [t.name for t in threading.enumerate() if t.name == "announce-speech"]
    assert not alive, f"{len(alive)} speech worker thread(s) still running"


@pytest.fixture
def fake_sink() -> FakeSink:
    """A sink the test finishes by hand."""
    return FakeSink()


@pytest.fixture
def fake_synth() -> FakeSynthesizer:
    """A synthesizer that answers ``b"<lang>:<text>"`` at once."""
    return FakeSynthesizer()


@pytest.fixture
def make_announcer(qapp: Any) -> Iterator[Callable[..., Announcer]]:
    """Build announcers (chime ``b"chime"`` by default) and close every one, worker included."""
    made: list[Announcer] = []

    def make(synthesizer: Any, sink: Any, **kwargs: Any) -> Announcer:
        kwargs.setdefault("chime_wav", CHIME)
        announcer = Announcer(synthesizer, sink, **kwargs)
        made.append(announcer)
        return announcer

    yield make
    for announcer in made:
        assert announcer.close(timeout_ms=5_000), "speech worker thread did not stop"
