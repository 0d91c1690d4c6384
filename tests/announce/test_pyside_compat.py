"""The PySide6 6.12.0 emit() reference leak and our guard against it."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from counter_display.announce import _pyside_compat


class Pinger(QObject):
    """A bare signal to emit."""

    ping = Signal(object)


def test_guarded_emit_keeps_the_refcount_of_true() -> None:
    pinger = Pinger()
    received: list[object] = []
    pinger.ping.connect(received.append)
    before = sys.getrefcount(True)
    for n in range(200):
        _pyside_compat.emit(pinger.ping, n)
    assert received == list(range(200))
    assert sys.getrefcount(True) - before > -20


def test_leak_detection_matches_what_raw_emit_does() -> None:
    pinger = Pinger()
    before = sys.getrefcount(True)
    for _ in range(50):
        pinger.ping.emit(None)
    leaked = before - sys.getrefcount(True)
    # Give the references back so this test does not itself shorten the run.
    for _ in range(max(0, leaked)):
        _pyside_compat._incref(True)
    assert (leaked >= 25) is _pyside_compat.EMIT_STEALS_REFERENCE
