"""``python -m ticket_printer``: each subcommand once, in-process, plus the module entry."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from ticket_printer.cli import main


def test_help_lists_the_subcommands() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ticket_printer", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    for command in ("profiles", "preview", "print-test", "status"):
        assert command in done.stdout


def test_profiles_lists_tm_t20ii(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles"]) == 0
    row = next(
        line for line in capsys.readouterr().out.splitlines() if line.startswith("TM-T20II ")
    )
    assert row.split()[:4] == ["TM-T20II", "576", "yes", "yes"]


def test_preview_writes_png_and_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, raw = tmp_path / "t.png", tmp_path / "t.bin"
    code = main(
        [
            "preview",
            "--paper",
            "58",
            "--language",
            "en",
            "--label",
            "C-101",
            "--out",
            str(out),
            "--save-bytes",
            str(raw),
        ]
    )
    assert code == 0
    assert json.loads(capsys.readouterr().out)["bytes"] == raw.stat().st_size
    with Image.open(out) as image:
        assert image.width == 384 + 64
    again = tmp_path / "again.png"
    assert main(["preview", "--paper", "58", "--from-bytes", str(raw), "--out", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()


def test_print_test_and_status_on_the_virtual_printer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["print-test", "--backend", "virtual", "--folder", str(tmp_path)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["ok"] and Path(printed["preview"]).exists()

    assert main(["status", "--backend", "virtual", "--folder", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["ready"] is True

    (tmp_path / "PAPER_OUT").touch()
    assert main(["status", "--backend", "virtual", "--folder", str(tmp_path)]) == 1
    assert json.loads(capsys.readouterr().out)["paper"] == "out"
    assert main(["print-test", "--backend", "virtual", "--folder", str(tmp_path)]) == 1
    failure = json.loads(capsys.readouterr().out)
    assert (failure["ok"], failure["code"]) == (False, "paper_out")
    assert failure["message_id"].startswith("Kertas printer habis")


def test_missing_backend_field_is_a_config_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--backend", "network"]) == 1
    assert json.loads(capsys.readouterr().out)["code"] == "printer_config_invalid"
