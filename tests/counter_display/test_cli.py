"""The command line: subcommands, clear refusals at start, the hub URL, options."""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from counter_display import cli
from counter_display.hall.app import announcer_settings, parse_size
from counter_display.launch import App, StartupError, default_hub_url, prepare
from tests.counter_display.conftest import mall_data

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "example-mpp.toml"


def test_help_lists_the_counter_and_hall_subcommands(capsys: Any) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "counter" in out and "hall" in out


def test_hall_help_shows_its_own_options(capsys: Any) -> None:
    with pytest.raises(SystemExit):
        cli.main(["hall", "--help"])
    out = capsys.readouterr().out
    for option in ("--config", "--device", "--hub", "--fullscreen", "--size", "--announce"):
        assert option in out


def test_a_device_of_another_role_is_refused_clearly(caplog: Any) -> None:
    caplog.set_level(logging.ERROR)
    assert cli.main(["counter", "--config", str(EXAMPLE), "--device", "display-lobi"]) == 1
    assert "device 'display-lobi' has role = 'display'" in caplog.text
    assert "counter-loket-01" in caplog.text  # says which devices would do


def test_an_unknown_device_is_refused_clearly(caplog: Any) -> None:
    caplog.set_level(logging.ERROR)
    assert cli.main(["hall", "--config", str(EXAMPLE), "--device", "tv-9"]) == 1
    assert "no device 'tv-9'" in caplog.text and "display-lantai-1" in caplog.text


def test_every_config_problem_is_reported_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("port = 8765", 'port = "x"', 1)
    text = text.replace("no_show_min_recalls = 2", "no_show_min_recalls = 99", 1)
    bad.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "counter_display", "hall", "--config", str(bad),
         "--device", "display-lobi"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1
    assert "hub.port" in result.stderr and "queue.no_show_min_recalls" in result.stderr
    assert "2 problem(s) in the configuration" in result.stderr
    assert "Traceback" not in result.stderr


def test_hub_url_comes_from_the_config_unless_given() -> None:
    from hub.config import parse_config

    data = mall_data()
    assert default_hub_url(parse_config(data)) == "ws://127.0.0.1:8765"
    data["hub"] = {"host": "0.0.0.0", "port": 9000}
    assert default_hub_url(parse_config(data)) == "ws://127.0.0.1:9000"
    data["hub"] = {"host": "10.0.0.5", "port": 9000, "tls_cert": "a.crt", "tls_key": "a.key"}
    assert default_hub_url(parse_config(data)) == "wss://10.0.0.5:9000"

    args = argparse.Namespace(config=EXAMPLE, device="display-lobi", hub="ws://hub.lan:1")
    assert prepare(args, "display").hub_url == "ws://hub.lan:1"
    with pytest.raises(StartupError, match="ws:// or wss://"):
        prepare(argparse.Namespace(config=EXAMPLE, device="display-lobi", hub="http://x"),
                "display")


def test_a_new_subcommand_only_needs_an_app_entry(capsys: Any) -> None:
    ran: list[str] = []
    example = App("example", "kiosk", "an example app", "An app added for this test.",
                  lambda parser: parser.add_argument("--lang", default="id"),
                  lambda launch: ran.append(launch.device.id) or 0)
    parser = cli.build_parser([*cli.APPS, example])
    args = parser.parse_args(["example", "--config", str(EXAMPLE), "--device", "kiosk-1"])
    launch = prepare(args, args.app.role)
    assert args.app.run(launch) == 0 and ran == ["kiosk-1"]
    assert launch.args.lang == "id"


def test_size_and_announcement_options() -> None:
    assert parse_size("1280x720") == (1280, 720)
    assert parse_size("1920×1080") == (1920, 1080)
    with pytest.raises(argparse.ArgumentTypeError):
        parse_size("big")
    parser = cli.build_parser()
    args = parser.parse_args(["hall", "--config", "x", "--device", "d", "--announce",
                              "--announce-en", "--announce-digits", "--no-chime"])
    settings = announcer_settings(args)
    assert settings.speech.languages == ("id", "en")
    assert settings.speech.number_style == "digits"
    assert not settings.chime_enabled and settings.engine == "espeak"
