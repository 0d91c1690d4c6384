"""Real audio output through QtMultimedia (QMediaPlayer + QAudioOutput).

A hall display without speakers, or with a broken audio stack, must keep working:
every failure is logged and reported as ``finished`` so the announcement queue moves
on, and a watchdog ends any clip the backend forgets to end.

Deadlock rule.  Loading a new source or stopping makes the FFmpeg backend wait for
its audio thread, and that thread, while tearing down, calls back into our
Python-wrapped ``QAudioOutput`` and needs the GIL.  Called straight from Python (GIL
held) that waits forever — seen here about once in a hundred clips.  So the player
is only ever driven through queued signals: the calls run from the event loop, which
has released the GIL.  For the same reason, delete a ``QtSink`` with
``deleteLater()``, never by dropping the last Python reference mid-playback.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtMultimedia import QAudioDevice, QAudioOutput, QMediaDevices, QMediaPlayer

from hub.speech import wav

from ._pyside_compat import emit
from .sink import Sink

log = logging.getLogger(__name__)

WATCHDOG_MARGIN_S = 3.0  # backend start-up plus slack before we give up on a clip
SOURCE_HINT = QUrl("announcement.wav")  # only tells FFmpeg what format to expect


class _PlayerCommands(QObject):
    """Queued commands to the player, so its blocking calls never hold the GIL."""

    load = Signal(QIODevice, QUrl)
    play = Signal()
    stop = Signal()
    set_device = Signal(QAudioDevice)


class QtSink(Sink):
    """Play WAV bytes on the default audio output, following it when devices change."""

    def __init__(
        self,
        *,
        volume: float = 1.0,
        require_device: bool = True,
        parent: QObject | None = None,
    ) -> None:
        """Create the player; ``require_device=False`` plays even with no device (tests)."""
        super().__init__(parent)
        self._require_device = require_device
        self._output = QAudioOutput(self)
        self._output.setVolume(volume)
        self._player = QMediaPlayer(self)
        self._player.setAudioOutput(self._output)
        self._player.mediaStatusChanged.connect(self._on_status)
        self._player.errorOccurred.connect(self._on_error)
        queued = Qt.ConnectionType.QueuedConnection
        self._commands = _PlayerCommands(self)
        self._commands.load.connect(self._player.setSourceDevice, queued)
        self._commands.play.connect(self._player.play, queued)
        self._commands.stop.connect(self._player.stop, queued)
        self._commands.set_device.connect(self._output.setDevice, queued)
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._on_watchdog)
        # A zero-time timer, not QTimer.singleShot(functor): see _pyside_compat.
        self._deferred_finish = QTimer(self)
        self._deferred_finish.setSingleShot(True)
        self._deferred_finish.setInterval(0)
        self._deferred_finish.timeout.connect(self._finish)
        self._buffers: list[QBuffer] = []  # the current clip's and the one before
        self._device: QAudioDevice | None = None
        self._playing = False
        self._loading = False  # our clip's load has begun; an earlier clip's end is stale
        self._warned_no_device = False

    @staticmethod
    def has_output_device() -> bool:
        """Say whether the system has a default audio output right now."""
        return not QMediaDevices.defaultAudioOutput().isNull()

    def play(self, clip: bytes) -> None:
        """Start a clip; on any problem log it and report ``finished`` soon after."""
        if self._playing:
            log.warning("play() while a clip is playing; stopping the old clip")
            self.stop()
        self._playing = True
        self._loading = False
        try:
            seconds = wav.duration(clip)
        except wav.WavError as exc:
            log.warning("announcement audio skipped: %s", exc)
            self._deferred_finish.start()
            return
        device = QMediaDevices.defaultAudioOutput()
        if device.isNull() and self._require_device:
            if not self._warned_no_device:
                log.warning("no audio output device: announcements are skipped until one appears")
                self._warned_no_device = True
            self._deferred_finish.start()
            return
        self._warned_no_device = False
        if not device.isNull() and device != self._device:
            self._device = device  # follow the default, e.g. HDMI plugged in later
            emit(self._commands.set_device, device)
        buffer = QBuffer(self)
        buffer.setData(QByteArray(clip))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._buffers.append(buffer)
        # The player may still hold the previous buffer until the queued load runs.
        while len(self._buffers) > 2:
            self._buffers.pop(0).deleteLater()
        emit(self._commands.load, buffer, SOURCE_HINT)
        emit(self._commands.play)
        self._watchdog.start(round((seconds + WATCHDOG_MARGIN_S) * 1000))

    def stop(self) -> None:
        """Stop the current clip; no ``finished`` follows."""
        self._playing = False
        self._watchdog.stop()
        self._deferred_finish.stop()
        emit(self._commands.stop)

    def _finish(self) -> None:
        """Emit ``finished`` once for the current clip."""
        if not self._playing:
            return
        self._playing = False
        self._watchdog.stop()
        self._deferred_finish.stop()
        emit(self.finished)

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        """Finish at end of media, or when the backend cannot read the clip."""
        if status == QMediaPlayer.MediaStatus.LoadingMedia:
            self._loading = True
        elif not self._loading:
            return  # about an earlier clip
        elif status == QMediaPlayer.MediaStatus.EndOfMedia:
            self._finish()
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            log.warning("announcement audio could not be decoded; skipped")
            self._finish()

    def _on_error(self, error: QMediaPlayer.Error, message: str) -> None:
        """Log a playback error and move on."""
        if error == QMediaPlayer.Error.NoError or not self._playing:
            return
        log.warning("announcement playback failed: %s", message or error.name)
        emit(self._commands.stop)
        self._finish()

    def _on_watchdog(self) -> None:
        """End a clip the backend never reported as finished."""
        log.warning("announcement playback did not end in time; skipped")
        emit(self._commands.stop)
        self._finish()
