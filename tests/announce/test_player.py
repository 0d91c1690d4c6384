"""The announcement queue with a fake sink: order, no cut-offs, dedupe, bounds, threads."""

from __future__ import annotations

import gc
import logging
import shutil
import sys
import threading
from collections.abc import Callable

import pytest
from PySide6.QtCore import QCoreApplication, QTimer
from pytestqt.qtbot import QtBot

from counter_display.announce._pyside_compat import emit
from counter_display.announce.fakes import FakeSink, FakeSynthesizer
from counter_display.announce.player import Announcer, create_announcer
from counter_display.announce.settings import AnnouncementSettings
from counter_display.announce.sink import Sink
from hub.speech.speech_text import (
    Call,
    CallKind,
    Language,
    SpeechSettings,
    build_text,
)

from .conftest import CHIME

pytestmark = pytest.mark.gui

MakeAnnouncer = Callable[..., Announcer]


def speech(call: Call, language: Language = Language.INDONESIAN) -> bytes:
    """What FakeSynthesizer returns for this call's sentence."""
    return f"{language}:{build_text(call, language)}".encode()


def play_through(qtbot: QtBot, sink: FakeSink, count: int) -> None:
    """Finish ``count`` clips, each as soon as the announcer has started it."""
    for _ in range(count):
        qtbot.waitUntil(lambda: sink.playing is not None, timeout=5_000)
        sink.finish()


def test_a_call_plays_chime_then_speech(
    qtbot: QtBot, fake_sink: FakeSink, fake_synth: FakeSynthesizer, make_announcer: MakeAnnouncer
) -> None:
    announcer = make_announcer(fake_synth, fake_sink)
    call = Call("A-012", "3")
    with qtbot.waitSignal(announcer.started) as started:
        announcer.announce(call)
    assert started.args == [call]
    assert fake_sink.played == [CHIME]
    assert announcer.current == call
    fake_sink.finish()
    qtbot.waitUntil(lambda: len(fake_sink.played) == 2)
    assert fake_sink.played[1] == b"id:Nomor antrean, a, dua belas, silakan menuju loket tiga."
    with qtbot.waitSignals([announcer.finished, announcer.idle]):
        fake_sink.finish()
    assert announcer.is_idle()


def test_synthesis_runs_off_the_gui_thread(
    qtbot: QtBot, fake_sink: FakeSink, fake_synth: FakeSynthesizer, make_announcer: MakeAnnouncer
) -> None:
    announcer = make_announcer(fake_synth, fake_sink)
    announcer.announce(Call("A-1", "1"))
    play_through(qtbot, fake_sink, 2)
    assert fake_synth.calls[0].thread is not threading.main_thread()


def test_chime_plays_and_gui_stays_live_while_speech_is_synthesized(
    qtbot: QtBot, fake_sink: FakeSink, make_announcer: MakeAnnouncer
) -> None:
    gate = threading.Event()
    synth = FakeSynthesizer(gate=gate)
    announcer = make_announcer(synth, fake_sink)
    announcer.announce(Call("A-1", "1"))
    assert fake_sink.played == [CHIME]  # the chime does not wait for synthesis
    assert synth.entered.wait(timeout=5)
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(1)
    qtbot.waitUntil(lambda: len(ticks) >= 3)  # the event loop runs while the worker is blocked
    timer.stop()
    fake_sink.finish()  # chime over, speech not ready: the sink waits, silent
    qtbot.waitUntil(lambda: fake_sink.playing is None)
    assert len(fake_sink.played) == 1
    gate.set()
    qtbot.waitUntil(lambda: len(fake_sink.played) == 2)
    assert fake_sink.played[1].startswith(b"id:Nomor antrean, a, satu")


def test_a_new_call_never_cuts_off_the_one_being_spoken(
    qtbot: QtBot, fake_sink: FakeSink, fake_synth: FakeSynthesizer, make_announcer: MakeAnnouncer
) -> None:
    first, second = Call("A-1", "1"), Call("B-2", "2")
    announcer = make_announcer(fake_synth, fake_sink)
    announcer.announce(first)
    fake_sink.finish()
    qtbot.waitUntil(lambda: fake_sink.playing == speech(first))
    announcer.announce(second)  # FakeSink raises OverlapError if this starts playing now
    assert fake_sink.playing == speech(first)
    assert announcer.pending == (second,)
    play_through(qtbot, fake_sink, 3)
    assert fake_sink.played == [CHIME, speech(first), CHIME, speech(second)]


def test_a_burst_of_calls_is_all_played_in_order(
    qtbot: QtBot, fake_sink: FakeSink, fake_synth: FakeSynthesizer, make_announcer: MakeAnnouncer
) -> None:
    calls = [Call(f"A-{n:03d}", str(n % 7 + 1)) for n in range(1, 21)]
    announcer = make_announcer(fake_synth, fake_sink)
    finished: list[Call] = []
    announcer.finished.connect(finished.append)
    for call in calls:
        announcer.announce(call)
    with qtbot.waitSignal(announcer.idle, timeout=10_000):
        play_through(qtbot, fake_sink, 2 * len(calls))
    assert finished == calls
    assert fake_sink.played == [clip for call in calls for clip in (CHIME, speech(call))]


def test_a_recall_replaces_the_queued_call_for_the_same_ticket(
    qtbot: QtBot, fake_sink: FakeSink, fake_synth: FakeSynthesizer, make_announcer: MakeAnnouncer
) -> None:
    announcer = make_announcer(fake_synth, fake_sink)
    dropped: list[Call] = []
    announcer.dropped.connect(dropped.append)
    playing, call, other = Call("C-1", "1"), Call("A-012", "3"), Call("B-5", "2")
    recall = Call("A12", "3", CallKind.RECALL)
    for item in (playing, call, other, recall):
        announcer.announce(item)
    assert dropped == [call]
    assert announcer.pending == (other, recall)  # drop the oldest duplicate, keep arrival order
    play_through(qtbot, fake_sink, 6)
    assert fake_sink.played[-1] == speech(recall)


def test_a_recall_of_the_ticket_being_spoken_is_still_queued(
    qtbot: QtBot, fake_sink: FakeSink, fake_synth: FakeSynthesizer, make_announcer: MakeAnnouncer
) -> None:
    announcer = make_announcer(fake_synth, fake_sink)
    announcer.announce(Call("A-1", "1"))
    announcer.announce(Call("A-1", "1", CallKind.RECALL))
    assert len(announcer.pending) == 1
    play_through(qtbot, fake_sink, 4)
    assert len(fake_sink.played) == 4


def test_deduplication_can_be_turned_off(
    fake_sink: FakeSink, fake_synth: FakeSynthesizer, make_announcer: MakeAnnouncer
) -> None:
    announcer = make_announcer(fake_synth, fake_sink, deduplicate=False)
    for _ in range(3):
        announcer.announce(Call("A-1", "1"))
    assert len(announcer.pending) == 2


def test_a_full_queue_drops_its_oldest_call(
    fake_sink: FakeSink,
    fake_synth: FakeSynthesizer,
    make_announcer: MakeAnnouncer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    announcer = make_announcer(fake_synth, fake_sink, max_pending=2)
    dropped: list[Call] = []
    announcer.dropped.connect(dropped.append)
    calls = [Call(f"A-{n}", "1") for n in range(5)]
    with caplog.at_level(logging.WARNING):
        for call in calls:
            announcer.announce(call)
    assert announcer.current == calls[0]
    assert announcer.pending == (calls[3], calls[4])
    assert dropped == [calls[1], calls[2]]
    assert "queue full" in caplog.text


def test_max_pending_must_be_positive(fake_sink: FakeSink, fake_synth: FakeSynthesizer) -> None:
    with pytest.raises(ValueError, match="max_pending"):
        Announcer(fake_synth, fake_sink, chime_wav=None, max_pending=0)


def test_a_synthesis_failure_is_reported_and_the_queue_goes_on(
    qtbot: QtBot,
    fake_sink: FakeSink,
    make_announcer: MakeAnnouncer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    synth = FakeSynthesizer(fail=RuntimeError("espeak-ng exploded"))
    announcer = make_announcer(synth, fake_sink)
    failed: list[tuple[Call, str]] = []
    announcer.failed.connect(lambda call, reason: failed.append((call, reason)))
    first, second = Call("A-1", "1"), Call("A-2", "1")
    announcer.announce(first)
    announcer.announce(second)
    with qtbot.waitSignal(announcer.idle, timeout=5_000):
        play_through(qtbot, fake_sink, 2)  # a chime each, no speech
    assert [call for call, _ in failed] == [first, second]
    assert failed[0][1] == "RuntimeError: espeak-ng exploded"
    assert fake_sink.played == [CHIME, CHIME]
    assert "cannot speak call A-1" in caplog.text


def test_every_language_is_spoken_in_order_after_one_chime(
    qtbot: QtBot, fake_sink: FakeSink, fake_synth: FakeSynthesizer, make_announcer: MakeAnnouncer
) -> None:
    settings = SpeechSettings(languages=(Language.INDONESIAN, Language.ENGLISH))
    announcer = make_announcer(fake_synth, fake_sink, settings=settings)
    call = Call("A-012", "3")
    announcer.announce(call)
    with qtbot.waitSignal(announcer.idle, timeout=5_000):
        play_through(qtbot, fake_sink, 3)
    assert fake_sink.played == [CHIME, speech(call), speech(call, Language.ENGLISH)]


def test_without_a_chime_only_speech_is_played(
    qtbot: QtBot, fake_sink: FakeSink, fake_synth: FakeSynthesizer, make_announcer: MakeAnnouncer
) -> None:
    announcer = make_announcer(fake_synth, fake_sink, chime_wav=None)
    call = Call("A-1", "1")
    announcer.announce(call)
    qtbot.waitUntil(lambda: fake_sink.playing is not None)
    assert fake_sink.played == [speech(call)]


class InstantSink(Sink):
    """A sink that finishes inside play(), as a sink with no device might."""

    def __init__(self) -> None:
        super().__init__()
        self.played: list[bytes] = []

    def play(self, clip: bytes) -> None:
        self.played.append(clip)
        emit(self.finished)

    def stop(self) -> None:
        pass


def test_a_sink_that_finishes_at_once_does_not_recurse(
    qtbot: QtBot, fake_synth: FakeSynthesizer, make_announcer: MakeAnnouncer
) -> None:
    sink = InstantSink()
    announcer = make_announcer(fake_synth, sink)
    calls = [Call(f"A-{n}", "1") for n in range(300)]
    with qtbot.waitSignal(announcer.idle, timeout=20_000):
        for call in calls:
            announcer.announce(call)
    assert sink.played == [clip for call in calls for clip in (CHIME, speech(call))]


def test_close_stops_playback_drops_the_queue_and_ignores_late_speech(
    qtbot: QtBot, fake_sink: FakeSink, make_announcer: MakeAnnouncer
) -> None:
    gate = threading.Event()
    synth = FakeSynthesizer(gate=gate)
    announcer = make_announcer(synth, fake_sink)
    dropped: list[Call] = []
    announcer.dropped.connect(dropped.append)
    announcer.announce(Call("A-1", "1"))
    announcer.announce(Call("A-2", "1"))
    assert synth.entered.wait(timeout=5)
    assert announcer.close(timeout_ms=20) is False  # the worker is still held by the gate
    assert fake_sink.stops == 1 and fake_sink.playing is None
    assert [c.ticket for c in dropped] == ["A-2"]
    gate.set()
    assert announcer.close() is True
    QCoreApplication.processEvents()  # deliver the late result, which must be ignored
    assert fake_sink.played == [CHIME]
    announcer.announce(Call("A-3", "1"))  # after close: ignored, not an error
    assert fake_sink.played == [CHIME]


def test_clear_keeps_the_current_call(
    fake_sink: FakeSink, fake_synth: FakeSynthesizer, make_announcer: MakeAnnouncer
) -> None:
    announcer = make_announcer(fake_synth, fake_sink)
    announcer.announce(Call("A-1", "1"))
    announcer.announce(Call("A-2", "1"))
    announcer.clear()
    assert announcer.pending == ()
    assert announcer.current == Call("A-1", "1")


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")
def test_create_announcer_from_settings_with_a_fake_sink(qtbot: QtBot, fake_sink: FakeSink) -> None:
    settings = AnnouncementSettings(chime_enabled=False, max_pending=3)
    announcer = create_announcer(settings, sink=fake_sink)
    try:
        announcer.announce(Call("A-1", "1"))
        qtbot.waitUntil(lambda: fake_sink.playing is not None, timeout=10_000)
        assert fake_sink.played[0].startswith(b"RIFF")  # real espeak-ng speech, no chime
    finally:
        assert announcer.close()


def test_a_long_run_leaves_reference_counts_of_true_and_none_intact(
    qtbot: QtBot, fake_synth: FakeSynthesizer, make_announcer: MakeAnnouncer
) -> None:
    """PySide6 6.12.0 steals a reference per emit(); 500 calls would abort Python 3.11."""
    sink = InstantSink()
    announcer = make_announcer(fake_synth, sink)
    gc.collect()  # garbage of earlier tests must not be freed (dropping None refs) meanwhile
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    with qtbot.waitSignal(announcer.idle, timeout=20_000):
        for n in range(500):
            announcer.announce(Call(f"A-{n}", "1"))
    assert announcer.close()
    gc.collect()
    # The leak costs at least one reference per emit (several per call: > 1,000 here);
    # ordinary churn in a long test session moves the counts by far less.
    assert sys.getrefcount(True) - true_before > -450
    assert sys.getrefcount(None) - none_before > -450
