"""Emit Qt signals safely on PySide6 6.12.0, which steals a reference to True per emit.

On PySide6 6.12.0 with Python 3.11 (where True is not immortal) every Python-side
``signal.emit()`` returns True without owning a reference, so True's refcount drops
by one per emit; after a few hundred emits the interpreter aborts with "Fatal Python
error: bool_dealloc". 6.11.3 does not do this.  We measure the leak once at import
and give the reference back after each emit.  Giving back one too many is harmless
(True is never freed), giving back too few crashes, so the probe errs towards
"leaks".  The same release also drops the return value of Python callables that
C++ calls directly (``QRunnable.run``, ``QTimer.singleShot`` functors), so this
package uses neither.  Delete this module once PySide6 < 6.12 or a fixed release is
pinned.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_PROBE_EMITS = 32

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    """A throw-away object whose signal measures the leak."""

    ping = Signal()


def _emit_steals_reference() -> bool:
    """Say whether ``emit()`` lowers the refcount of what it returns."""
    if sys.version_info >= (3, 12):
        return False  # True is immortal there; nothing can go wrong
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBE_EMITS):
        probe.ping.emit()
    steals = before - sys.getrefcount(True) >= _PROBE_EMITS // 2
    if steals:
        for _ in range(_PROBE_EMITS):  # return what the probe itself lost
            _incref(True)
    return steals


EMIT_STEALS_REFERENCE = _emit_steals_reference()


def emit(signal: SignalInstance, *args: Any) -> None:
    """Emit ``signal`` and, on an affected PySide6, restore the reference it stole."""
    # The stubs say emit() returns None; at run time it returns True.
    result = signal.emit(*args)  # type: ignore[func-returns-value]
    if EMIT_STEALS_REFERENCE and isinstance(result, bool):
        _incref(result)
