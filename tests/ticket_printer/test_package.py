"""Package-wide promises: settings checks, error codes, and how escpos is imported."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import ticket_printer
from ticket_printer import Paper, PrinterConfigError, PrinterTarget, TicketData
from ticket_printer.errors import ALL_ERRORS

PACKAGE = Path(ticket_printer.__file__).parent


def test_error_codes_are_stable_and_messages_bilingual() -> None:
    codes = {error.code for error in ALL_ERRORS}
    assert {"printer_offline", "paper_out", "cover_open", "printer_timeout"} <= codes
    assert len(codes) == len(ALL_ERRORS)
    for error in ALL_ERRORS:
        assert error.message_id and error.message_en and error.message_id != error.message_en
        assert issubclass(error, ticket_printer.PrinterError)


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [
        ({"backend": "network"}, "needs host"),
        ({"backend": "usb", "vendor_id": 1}, "needs product_id"),
        ({"backend": "bluetooth"}, "backend must be one of"),
        ({"backend": "virtual", "folder": "x", "paper_mm": 76}, "paper_mm"),
        ({"backend": "virtual", "folder": "x", "profile": "NoSuch"}, "profile"),
        ({"backend": "serial", "device": "/dev/ttyS0", "flow_control": "magic"}, "flow_control"),
        ({"backend": "network", "host": "h", "timeout_s": 0}, "timeout_s"),
    ],
)
def test_bad_settings_are_rejected_naming_the_field(settings: dict, fragment: str) -> None:
    with pytest.raises(PrinterConfigError) as raised:
        PrinterTarget(**settings)
    assert fragment in raised.value.detail


def test_from_settings_takes_the_config_table_as_is() -> None:
    settings = {
        "backend": "network",
        "paper_mm": 58,
        "timeout_s": 2.0,
        "host": "10.0.0.9",
        "port": 9100,
        "vendor_id": None,
        "on_failure": "refuse",
    }
    target = PrinterTarget.from_settings(settings)
    assert (target.host, target.port, target.paper) == ("10.0.0.9", 9100, Paper.MM58)
    assert target.describe() == "network 10.0.0.9:9100"


def test_ticket_data_rejects_naive_times_and_bad_values() -> None:
    from datetime import datetime

    from tests.ticket_printer.conftest import make_ticket

    with pytest.raises(ValueError, match="timezone-aware"):
        make_ticket(issued_at=datetime(2026, 11, 23, 9, 41))
    with pytest.raises(ValueError, match="language"):
        make_ticket(language="jv")
    with pytest.raises(ValueError, match="people_ahead"):
        make_ticket(people_ahead=-1)
    assert isinstance(make_ticket(), TicketData)


def test_only_one_module_imports_escpos_and_none_imports_queue_or_qt_code() -> None:
    importers = []
    for source in PACKAGE.glob("*.py"):
        text = source.read_text()
        if re.search(r"^\s*(from|import) escpos\b", text, re.MULTILINE):
            importers.append(source.name)
        assert not re.search(
            r"^\s*(from|import) (hub|kiosk|counter_display|PySide6)\b", text, re.MULTILINE
        ), source.name
    assert importers == ["_escpos.py"]


def test_importing_leaks_no_temp_dir_and_leaves_logging_alone(tmp_path: Path) -> None:
    temp, cache = tmp_path / "tmp", tmp_path / "cache"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "XDG_CACHE_HOME": str(cache)}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    code = (
        "import logging, os, ticket_printer\n"
        "assert logging.getLogger().handlers == [], 'escpos left a root log handler'\n"
        "print(os.environ['ESCPOS_CAPABILITIES_PICKLE_DIR'])"
    )
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            cwd=PACKAGE.parent,
        )
    assert done.stdout.strip() == str(cache / "antrean-mpp" / "escpos")
    assert list(temp.iterdir()) == []
    assert any((cache / "antrean-mpp" / "escpos").glob("*.capabilities.pickle"))
