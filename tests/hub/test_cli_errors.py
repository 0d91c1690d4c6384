"""The hub's command line refuses what it cannot do in one line, leaving nothing behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.__main__ import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "example-mpp.toml"


def hub(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `python -m hub ARGV` to the end, as an operator would."""
    return subprocess.run([sys.executable, "-m", "hub", *argv], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port on 127.0.0.1 that another program is listening on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield int(other.getsockname()[1])


def error_lines(stderr: str) -> list[str]:
    """stderr without asyncio's debug chatter (-v)."""
    return [line for line in stderr.splitlines() if "DEBUG" not in line]


@pytest.mark.integration
def test_serve_on_a_busy_port_says_so_in_one_line_and_creates_nothing(
    tmp_path: Path, busy_port: int
) -> None:
    db = tmp_path / "var" / "antrean.db"
    done = hub("serve", "--config", str(EXAMPLE), "--db", str(db), "--host", "127.0.0.1",
               "--port", str(busy_port))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert error_lines(done.stderr) == [
        f"serve: cannot listen on 127.0.0.1:{busy_port}: address already in use — another "
        "program (another hub?) listens there; stop it or choose another --port"
    ]
    assert list(tmp_path.iterdir()) == []  # no database, not even its folder


@pytest.mark.integration
def test_serve_refuses_a_db_whose_folders_do_not_exist(tmp_path: Path) -> None:
    db = tmp_path / "typo" / "var" / "antrean.db"
    done = hub("serve", "--config", str(EXAMPLE), "--db", str(db), "--port", "0")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"serve: --db: folder {tmp_path / 'typo'} does not exist; the hub creates only the "
        f"database's own folder — check the path, or create it first (mkdir -p {db.parent})"
    ]
    assert list(tmp_path.iterdir()) == []


def test_serve_refuses_a_folder_as_db(tmp_path: Path, capsys: Any) -> None:
    assert main(["serve", "--config", str(EXAMPLE), "--db", str(tmp_path), "--port", "0"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"serve: --db: {tmp_path} is a folder; give the database file inside it, "
        f"e.g. {tmp_path / 'antrean.db'}"
    ]
    assert list(tmp_path.iterdir()) == []


def test_serve_refuses_a_clock_start_that_is_not_a_time(tmp_path: Path, capsys: Any) -> None:
    code = main(["serve", "--config", str(EXAMPLE), "--db", str(tmp_path / "h.db"),
                 "--port", "0", "--clock-start", "monday 8"])
    assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        "serve: --clock-start: expected a time like 2026-11-23T08:00, not 'monday 8'"
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.integration
def test_serve_creates_the_db_folder_when_its_parent_exists(tmp_path: Path) -> None:
    """`--db var/antrean.db` on a fresh checkout: one folder is made, the hub serves."""
    db = tmp_path / "var" / "antrean.db"
    port_file = tmp_path / "port"
    process = subprocess.Popen(
        [sys.executable, "-m", "hub", "serve", "--config", str(EXAMPLE), "--db", str(db),
         "--host", "127.0.0.1", "--port", "0", "--port-file", str(port_file)],
        stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    watchdog = threading.Timer(60, process.kill)  # a hub that hangs fails the test, not CI
    watchdog.start()
    try:
        assert process.stderr is not None
        seen = []
        for line in process.stderr:  # blocks until the hub logs; no polling
            seen.append(line)
            if "Ctrl-C stops" in line:
                break
        assert any("serving" in line for line in seen), "".join(seen)
        assert db.exists() and int(port_file.read_text()) > 0
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
        watchdog.cancel()
    assert process.returncode == 0


def test_report_and_verify_refuse_a_missing_db_without_creating_it(
    tmp_path: Path, capsys: Any
) -> None:
    db = tmp_path / "nowhere" / "antrean.db"
    out = tmp_path / "r.zip"
    assert main(["report", "--db", str(db), "--config", str(EXAMPLE), "--period", "2026-11",
                 "--format", "csv", "--out", str(out)]) == 1
    assert capsys.readouterr().err.splitlines() == [f"report: no event log at {db}"]
    assert main(["verify", "--db", str(db)]) == 2
    assert capsys.readouterr().err.splitlines() == [f"verify: no event log at {db}"]
    assert list(tmp_path.iterdir()) == []


def test_report_and_verify_say_plainly_that_a_folder_is_not_a_db(
    tmp_path: Path, capsys: Any
) -> None:
    assert main(["report", "--db", str(tmp_path), "--config", str(EXAMPLE), "--period",
                 "2026-11", "--format", "csv", "--out", str(tmp_path / "r.zip")]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"report: --db: {tmp_path} is a folder; give the hub's event log file in it"
    ]
    assert main(["verify", "--db", str(tmp_path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"verify: --db: {tmp_path} is a folder; give the hub's event log file in it"
    ]


@pytest.mark.parametrize("command", [
    ["check", "--config", "c.toml"],
    ["serve", "--config", "c.toml", "--db", "h.db"],
    ["report", "--db", "h.db", "--config", "c.toml", "--period", "2026", "--format", "csv",
     "--out", "r.zip"],
    ["verify", "--db", "h.db"],
])
def test_verbose_goes_before_or_after_the_command(command: list[str]) -> None:
    parser = build_parser()
    assert parser.parse_args(command).verbose is False
    assert parser.parse_args(["-v", *command]).verbose is True
    assert parser.parse_args([command[0], "-v", *command[1:]]).verbose is True
    assert parser.parse_args([*command, "--verbose"]).verbose is True


def test_serve_names_tls_files_it_cannot_load(tmp_path: Path, capsys: Any) -> None:
    config = tmp_path / "mpp.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        "[hub]\n", '[hub]\ntls_cert = "hub.crt"\ntls_key = "hub.key"\n', 1), encoding="utf-8")
    db = tmp_path / "h.db"
    assert main(["serve", "--config", str(config), "--db", str(db), "--port", "0"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"serve: {config}: hub.tls_cert/tls_key: cannot load "
                           f"{tmp_path / 'hub.crt'} and {tmp_path / 'hub.key'}: ")
    assert not db.exists()
