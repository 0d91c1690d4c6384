"""The announcement queue: chime, then speech, one call after another, never cut off.

Theory of operation.  ``announce()`` appends a call to ``pending``.  When nothing is
active, the oldest pending call becomes *active*: its chime starts on the sink at once
and its sentences are synthesized on a worker thread (so the display never freezes and
synthesis hides behind the chime).  Each time the sink reports ``finished`` the next
ready part is played; when the parts are exhausted and the speech has arrived (or
failed), the call is finished and the next one starts.  The sink is fed only when it
is idle, so a new call can never cut off the one being spoken.

All methods must be called from the thread that owns the ``Announcer`` (the GUI
thread); the hub client's Qt bridge already delivers events there.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance

from hub.speech.speech_text import Call, SpeechSettings, build_texts
from hub.speech.synth import Synthesizer

from ._pyside_compat import emit
from .settings import AnnouncementSettings, load_chime, make_synthesizer
from .sink import Sink

log = logging.getLogger(__name__)


@dataclass
class _Active:
    """The call being announced: what is left to play and whether its speech is in."""

    call: Call
    token: int
    parts: deque[bytes] = field(default_factory=deque)
    speech_ready: bool = False


class _JobSignals(QObject):
    """Carries worker results back to the announcer's thread (queued connections)."""

    done = Signal(int, object)  # token, list[bytes]
    failed = Signal(int, str)  # token, reason


class _SpeechWorker:
    """One plain Python thread that synthesizes calls in order and reports by signal.

    Not a QThreadPool: PySide6 6.12.0 leaks a reference per ``QRunnable.run`` call
    (see ``_pyside_compat``).  Daemon, so a stuck engine can never block exit.
    """

    def __init__(
        self, synthesizer: Synthesizer, settings: SpeechSettings, signals: _JobSignals
    ) -> None:
        """Prepare the queue; the thread starts with the first job."""
        self._synthesizer = synthesizer
        self._settings = settings
        self._signals = signals
        self._jobs: queue.SimpleQueue[tuple[int, Call] | None] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="announce-speech", daemon=True)

    def submit(self, token: int, call: Call) -> None:
        """Queue a call for synthesis."""
        if not self._thread.is_alive():
            self._thread.start()
        self._jobs.put((token, call))

    def stop(self, timeout: float) -> bool:
        """Skip queued jobs, end the thread, and say whether it ended within ``timeout``."""
        self._stopping.set()
        self._jobs.put(None)
        if self._thread.ident is not None:
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        """Synthesize jobs until told to stop."""
        while (job := self._jobs.get()) is not None:
            if not self._stopping.is_set():
                self._synthesize(*job)

    def _synthesize(self, token: int, call: Call) -> None:
        """Speak every sentence of one call; report the WAVs or the reason it failed."""
        try:
            texts = build_texts(call, self._settings)
            parts = [self._synthesizer.synthesize(text, lang) for lang, text in texts]
        except Exception as exc:
            self._report(self._signals.failed, token, f"{type(exc).__name__}: {exc}")
        else:
            self._report(self._signals.done, token, parts)

    def _report(self, signal: SignalInstance, *args: object) -> None:
        """Emit to the GUI thread unless the announcer is already gone."""
        if self._stopping.is_set():
            return
        try:
            emit(signal, *args)
        except RuntimeError:  # the QObject was deleted after a timed-out close()
            log.debug("announcer gone; speech result dropped")


class Announcer(QObject):
    """Queue calls and play each as chime + speech, strictly one after another."""

    started = Signal(object)  # Call — its chime is starting
    finished = Signal(object)  # Call — everything for it has been played
    dropped = Signal(object)  # Call — removed from the queue before it was played
    failed = Signal(object, str)  # Call, reason — speech could not be synthesized
    idle = Signal()  # nothing playing and nothing queued

    def __init__(
        self,
        synthesizer: Synthesizer,
        sink: Sink,
        *,
        chime_wav: bytes | None,
        settings: SpeechSettings | None = None,
        max_pending: int | None = None,
        deduplicate: bool = True,
        parent: QObject | None = None,
    ) -> None:
        """Wire the sink and a synthesis thread; ``chime_wav=None`` means no chime."""
        super().__init__(parent)
        if max_pending is not None and max_pending < 1:
            raise ValueError(f"max_pending must be at least 1, not {max_pending}")
        self._sink = sink
        self._chime = chime_wav
        self._settings = settings or SpeechSettings()
        self._max_pending = max_pending
        self._deduplicate = deduplicate
        self._pending: deque[Call] = deque()
        self._active: _Active | None = None
        self._sink_busy = False
        self._token = 0
        self._closed = False
        self._signals = _JobSignals(self)
        self._signals.done.connect(self._on_speech_ready)
        self._signals.failed.connect(self._on_speech_failed)
        # One thread: sentences are synthesized in call order and never pile up.
        self._worker = _SpeechWorker(synthesizer, self._settings, self._signals)
        # Queued even from the same thread, so a sink that finishes inside play()
        # cannot recurse through a whole burst of calls.
        sink.finished.connect(self._on_sink_finished, Qt.ConnectionType.QueuedConnection)

    @property
    def pending(self) -> tuple[Call, ...]:
        """Calls waiting their turn, oldest first (the active call is not included)."""
        return tuple(self._pending)

    @property
    def current(self) -> Call | None:
        """The call being announced now, if any."""
        return self._active.call if self._active else None

    def is_idle(self) -> bool:
        """Say whether nothing is playing and nothing is queued."""
        return self._active is None and not self._pending

    def announce(self, call: Call) -> None:
        """Queue a call; a pending call for the same ticket is replaced, not repeated."""
        if self._closed:
            log.warning("announcer closed; not announcing %s", call.ticket)
            return
        if self._deduplicate:
            for old in [c for c in self._pending if c.ticket_key == call.ticket_key]:
                self._pending.remove(old)
                log.info("%s %s superseded by %s", old.kind, old.ticket, call.kind)
                emit(self.dropped, old)
        if self._max_pending is not None and len(self._pending) >= self._max_pending:
            oldest = self._pending.popleft()
            log.warning("announcement queue full (%d); dropped %s", self._max_pending, oldest)
            emit(self.dropped, oldest)
        self._pending.append(call)
        self._start_next()

    def clear(self) -> None:
        """Drop every pending call; the one being spoken still finishes."""
        while self._pending:
            emit(self.dropped, self._pending.popleft())

    def close(self, timeout_ms: int = 15_000) -> bool:
        """Stop playback, drop the queue and wait for the worker; True if it stopped in time."""
        self._closed = True
        self.clear()
        self._token += 1  # results still in flight are now stale
        self._active = None
        if self._sink_busy:
            self._sink_busy = False
            self._sink.stop()
        stopped = self._worker.stop(timeout_ms / 1000)
        if not stopped:
            log.warning("speech worker still busy after %d ms", timeout_ms)
        return stopped

    def _start_next(self) -> None:
        """Make the oldest pending call active: chime now, speech from the worker."""
        if self._active is not None or not self._pending or self._closed:
            return
        call = self._pending.popleft()
        self._token += 1
        active = _Active(call, self._token)
        if self._chime:
            active.parts.append(self._chime)
        self._active = active
        log.info("announcing %s %s at counter %s", call.kind, call.ticket, call.counter)
        emit(self.started, call)
        self._worker.submit(active.token, call)
        self._play_next_part()

    def _play_next_part(self) -> None:
        """Feed the sink if it is idle, or finish the call when nothing is left."""
        active = self._active
        if active is None or self._sink_busy:
            return
        if active.parts:
            self._sink_busy = True
            self._sink.play(active.parts.popleft())
            return
        if not active.speech_ready:
            return  # chime done, speech still being synthesized
        self._active = None
        emit(self.finished, active.call)
        if self._pending:
            self._start_next()
        else:
            emit(self.idle)

    def _on_sink_finished(self) -> None:
        """Move on after the sink finished a part."""
        if not self._sink_busy:
            log.debug("ignoring finished from a stopped clip")
            return
        self._sink_busy = False
        self._play_next_part()

    def _on_speech_ready(self, token: int, parts: list[bytes]) -> None:
        """Queue the synthesized sentences behind the chime."""
        if self._active is None or token != self._active.token:
            return
        self._active.parts.extend(parts)
        self._active.speech_ready = True
        self._play_next_part()

    def _on_speech_failed(self, token: int, reason: str) -> None:
        """Log and report a synthesis failure; the queue carries on with the next call."""
        if self._active is None or token != self._active.token:
            return
        call = self._active.call
        log.error("cannot speak %s %s: %s", call.kind, call.ticket, reason)
        emit(self.failed, call, reason)
        self._active.speech_ready = True
        self._play_next_part()


def create_announcer(
    settings: AnnouncementSettings | None = None,
    sink: Sink | None = None,
    parent: QObject | None = None,
) -> Announcer:
    """Build the announcer the hall display uses, from settings; the real Qt sink by default."""
    settings = settings or AnnouncementSettings()
    owns_sink = sink is None
    if sink is None:
        from .qt_sink import QtSink  # QtMultimedia only when real audio is wanted

        sink = QtSink(volume=settings.volume)
    announcer = Announcer(
        make_synthesizer(settings),
        sink,
        chime_wav=load_chime(settings),
        settings=settings.speech,
        max_pending=settings.max_pending,
        deduplicate=settings.deduplicate,
        parent=parent,
    )
    if owns_sink:
        sink.setParent(announcer)  # the sink we made lives and dies with the announcer
    return announcer
