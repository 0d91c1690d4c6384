"""The real QtMultimedia sink, offscreen: it must finish every clip and never crash."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from counter_display.announce import qt_sink
from counter_display.announce.fakes import FakeSynthesizer
from counter_display.announce.player import Announcer, create_announcer
from counter_display.announce.qt_sink import QtSink
from counter_display.announce.settings import AnnouncementSettings
from hub.speech import wav
from hub.speech.speech_text import Call
from hub.speech.synth import chime

pytestmark = pytest.mark.gui


def short_clip(seconds: float = 0.2) -> bytes:
    """The start of the chime: a real WAV, short enough to play in a test."""
    pcm = wav.read_pcm(chime())
    frame_bytes = pcm.format.channels * pcm.format.sample_width
    frames = round(seconds * pcm.format.sample_rate) * frame_bytes
    return wav.write_wav(wav.Pcm(pcm.format, pcm.frames[:frames]))


@pytest.fixture
def sink(qapp: object) -> Iterator[QtSink]:
    """A real sink, stopped at the end of the test."""
    real = QtSink()
    yield real
    real.stop()
    real.deleteLater()


def test_real_sink_plays_a_wav_or_skips_it_with_a_warning(
    qtbot: QtBot, sink: QtSink, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING), qtbot.waitSignal(sink.finished, timeout=10_000):
        sink.play(short_clip())
    if QtSink.has_output_device():
        assert "no audio output device" not in caplog.text
    else:
        assert "no audio output device" in caplog.text


def test_without_a_device_the_warning_is_logged_once(
    qtbot: QtBot, sink: QtSink, caplog: pytest.LogCaptureFixture
) -> None:
    if QtSink.has_output_device():
        pytest.skip("this machine has an audio device")
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            with qtbot.waitSignal(sink.finished, timeout=5_000):
                sink.play(short_clip())
    assert caplog.text.count("no audio output device") == 1


@pytest.fixture
def player_sink(qtbot: QtBot) -> Iterator[QtSink]:
    """A sink that drives QMediaPlayer even without a device; deleted from the event loop."""
    real = QtSink(require_device=False)
    yield real
    real.stop()
    with qtbot.waitSignal(real.destroyed, timeout=10_000):
        real.deleteLater()  # see the deadlock rule in qt_sink


def test_the_media_player_path_reaches_end_of_media_clip_after_clip(
    qtbot: QtBot, player_sink: QtSink
) -> None:
    # Once in ~100 clips this deadlocked when the player was driven straight from Python.
    for n in range(25):
        with qtbot.waitSignal(player_sink.finished, timeout=10_000):
            player_sink.play(short_clip(0.15 if n == 0 else 0.02))


def test_garbage_is_skipped_with_a_warning(
    qtbot: QtBot, sink: QtSink, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING), qtbot.waitSignal(sink.finished, timeout=5_000):
        sink.play(b"definitely not a wav")
    assert "not a PCM WAV" in caplog.text


def test_stop_means_no_finished(qtbot: QtBot, sink: QtSink) -> None:
    finished: list[bool] = []
    sink.finished.connect(lambda: finished.append(True))
    sink.play(b"garbage")  # finishes on the next event loop turn...
    sink.stop()  # ...unless stopped first
    QCoreApplication.processEvents()
    assert finished == []


def test_watchdog_ends_a_clip_the_backend_never_finishes(
    qtbot: QtBot,
    player_sink: QtSink,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(qt_sink, "WATCHDOG_MARGIN_S", 0.05)
    player_sink._commands.play.disconnect()  # a backend that never starts playing
    with caplog.at_level(logging.WARNING), qtbot.waitSignal(player_sink.finished, timeout=5_000):
        player_sink.play(short_clip(0.05))
    assert "did not end in time" in caplog.text


def test_announcer_with_the_real_sink_gets_through_a_call(qtbot: QtBot, qapp: object) -> None:
    announcer = Announcer(FakeSynthesizer(), QtSink(), chime_wav=short_clip())
    try:
        with qtbot.waitSignal(announcer.idle, timeout=15_000):
            announcer.announce(Call("A-012", "3"))  # fake speech is not a WAV: skipped
    finally:
        assert announcer.close()


def test_create_announcer_makes_and_owns_a_real_sink(qtbot: QtBot, qapp: object) -> None:
    announcer = create_announcer(AnnouncementSettings(chime_enabled=False, volume=0.5))
    try:
        sinks = announcer.findChildren(QtSink)
        assert len(sinks) == 1
        with qtbot.waitSignal(announcer.idle, timeout=15_000):
            announcer.announce(Call("A-012", "3"))
    finally:
        assert announcer.close()
