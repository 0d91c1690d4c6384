"""The one place that imports python-escpos, without letting it leak a temp dir per import.

python-escpos pickles its printer database into ``ESCPOS_CAPABILITIES_PICKLE_DIR``, but it
reads that variable as ``environ.get(NAME, mkdtemp())``, so a fresh empty temp dir is made
(and never removed) on every import even when the variable is set. Here the variable points
at a cache folder, and the import runs with ``tempfile.tempdir`` aimed at a sink folder that
is emptied right after; the root log handler escpos installs on import is removed again.
Every other module imports escpos names from here, never directly.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def _pickle_dir() -> str:
    """Pick (and create once) a writable folder for escpos' capabilities cache."""
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    candidates = [
        Path(cache_home) / "antrean-mpp" / "escpos",
        Path(tempfile.gettempdir()) / f"antrean-mpp-escpos-{os.getuid()}",
    ]
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return str(folder)
    return tempfile.gettempdir()


@contextlib.contextmanager
def _temp_dirs_swept_into(sink: Path) -> Iterator[None]:
    """Send temp dirs made during the block into ``sink`` and remove the empty ones after."""
    try:
        sink.mkdir(parents=True, exist_ok=True)
    except OSError:
        yield
        return
    saved = tempfile.tempdir
    tempfile.tempdir = str(sink)
    try:
        yield
    finally:
        tempfile.tempdir = saved
        for leftover in sink.iterdir():
            with contextlib.suppress(OSError):
                leftover.rmdir()


_CACHE = _pickle_dir()
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", _CACHE)

_root_handlers = list(logging.getLogger().handlers)
with _temp_dirs_swept_into(Path(_CACHE) / "import-tmp"):
    from escpos.capabilities import CAPABILITIES, get_profile_class
    from escpos.constants import QR_ECLEVEL_H, QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q
    from escpos.printer import Dummy
# escpos.capabilities calls logging.basicConfig() on import, which would turn the app's own
# later basicConfig() into a no-op; take back any root handler it added.
for _handler in logging.getLogger().handlers[:]:
    if _handler not in _root_handlers:
        logging.getLogger().removeHandler(_handler)

__all__ = [
    "QR_ECLEVEL_H",
    "QR_ECLEVEL_L",
    "QR_ECLEVEL_M",
    "QR_ECLEVEL_Q",
    "dummy_printer",
    "make_profile",
    "profile_names",
    "profile_summary",
]

_DERIVED: dict[tuple[str, int], Any] = {}


def profile_names() -> list[str]:
    """List the printer profiles python-escpos knows, for the CLI and config checks."""
    return sorted(CAPABILITIES["profiles"])


def profile_summary(name: str) -> dict[str, Any]:
    """Describe one profile: its width in dots and whether it can cut and print native QR."""
    data = CAPABILITIES["profiles"][name]
    features = data.get("features", {})
    width = data.get("media", {}).get("width", {}).get("pixels", "Unknown")
    return {
        "name": name,
        "model": data.get("name", name),
        "width_dots": width if isinstance(width, int) else None,
        "native_qr": bool(features.get("qrCode")),
        "cut": bool(features.get("paperFullCut") or features.get("paperPartCut")),
    }


def make_profile(name: str, width_dots: int) -> Any:
    """Build a profile instance of printer ``name`` whose printable width is ``width_dots``.

    A 58 mm roll in an 80 mm-class printer (or a 58 mm printer that speaks the same
    commands) keeps every feature of the named profile but centres images on 384 dots.
    """
    if name not in CAPABILITIES["profiles"]:
        raise KeyError(f"unknown printer profile {name!r}; see `python -m ticket_printer profiles`")
    key = (name, width_dots)
    if key not in _DERIVED:
        base = get_profile_class(name)
        data = dict(base.profile_data)
        media = dict(data.get("media", {}))
        media["width"] = {"mm": round(width_dots / 8), "pixels": width_dots}
        data["media"] = media
        data["fonts"] = {
            "0": {"name": "Font A", "columns": width_dots // 12},
            "1": {"name": "Font B", "columns": width_dots // 9},
        }
        _DERIVED[key] = type(f"{base.__name__}W{width_dots}", (base,), {"profile_data": data})
    return _DERIVED[key]()


def dummy_printer(name: str, width_dots: int) -> Any:
    """Return an escpos ``Dummy`` that collects bytes for profile ``name`` at ``width_dots``.

    escpos' ``get_profile`` only accepts names or its own ``Profile`` class (which drops the
    named printer's features), so the derived profile is put in place after construction;
    the code pages, which ``MagicEncode`` reads at construction, are the same in both.
    Text reaching escpos is already ASCII (see ``text.to_ascii``), so code page switching is
    turned off: no ESC t is ever sent and the printer's default page prints it unchanged.
    """
    pages = get_profile_class(name).profile_data.get("codePages", {}).values()
    encoding = "CP437" if "CP437" in pages else next(iter(pages), "CP437")
    printer = Dummy(profile=name, magic_encode_args={"disabled": True, "encoding": encoding})
    printer.profile = make_profile(name, width_dots)
    return printer
