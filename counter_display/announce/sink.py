"""The audio output seen by the announcer: play one WAV, say when it is done."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Sink(QObject):
    """Plays one WAV at a time.

    Contract for implementations: ``play()`` returns at once; ``finished`` is emitted
    exactly once per ``play()`` — also when playback failed or there is no audio
    device, so the queue never stalls — except after ``stop()``, which emits nothing.
    ``play()`` is only called when the previous clip has finished or was stopped.
    """

    finished = Signal()

    def play(self, clip: bytes) -> None:
        """Start playing a complete WAV file held in memory."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop the current clip without emitting ``finished``."""
        raise NotImplementedError
