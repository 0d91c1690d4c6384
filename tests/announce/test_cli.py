"""``python -m counter_display.announce``: text, WAV file, clip list, errors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from counter_display.announce.__main__ import main
from hub.speech import wav

REPO = Path(__file__).resolve().parents[2]
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")


def test_help_runs_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "counter_display.announce", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert "--ticket" in done.stdout and "--text-only" in done.stdout


def test_text_only_prints_the_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--ticket", "A-012", "--counter", "3", "--text-only"]) == 0
    assert capsys.readouterr().out == "Nomor antrean, a, dua belas, silakan menuju loket tiga.\n"


def test_text_only_in_both_languages_digit_by_digit_as_a_recall(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--ticket", "A-012", "--counter", "3", "--text-only", "--digits", "--recall"]
    assert main([*argv, "--lang", "id", "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Panggilan ulang, nomor antrean, a, nol satu dua, silakan menuju loket tiga.",
        "Calling again, queue number, A, zero one two, please proceed to counter three.",
    ]


@needs_espeak
@pytest.mark.integration
def test_out_writes_chime_and_speech(tmp_path: Path) -> None:
    out = tmp_path / "call.wav"
    assert main(["--ticket", "A-012", "--counter", "3", "--out", str(out)]) == 0
    with_chime = wav.duration(out.read_bytes())
    assert main(["--ticket", "A-012", "--counter", "3", "--out", str(out), "--no-chime"]) == 0
    speech_only = wav.duration(out.read_bytes())
    assert 2.0 < speech_only < 10.0
    assert with_chime > speech_only + 1.0


def test_out_with_clips_and_a_missing_clip_fails_clearly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "id").mkdir()
    argv = ["--ticket", "A-1", "--counter", "3", "--out", str(tmp_path / "x.wav")]
    assert main([*argv, "--clips", str(tmp_path), "--no-chime"]) == 1
    assert "missing clip(s) nomor.wav" in caplog.text


def test_list_clips(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-clips"]) == 0
    names = capsys.readouterr().out.split()
    assert {"id/nomor.wav", "id/belas.wav", "id/zet.wav", "id/seribu.wav"} <= set(names)


@pytest.mark.parametrize(
    "argv",
    [
        ["--ticket", "A-0!", "--counter", "3", "--text-only"],
        ["--counter", "3", "--text-only"],
        ["--ticket", "A-1", "--counter", "3", "--text-only", "--out", "x.wav"],
        ["--ticket", "A-1", "--counter", "3", "--speed", "5"],
    ],
)
def test_bad_usage_exits_2_with_a_message(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_saying_without_an_audio_device_fails_with_advice(
    qapp: object, caplog: pytest.LogCaptureFixture
) -> None:
    from counter_display.announce.qt_sink import QtSink

    if QtSink.has_output_device():
        pytest.skip("this machine has an audio device; playing would make noise")
    assert main(["--ticket", "A-1", "--counter", "3", "--no-chime"]) == 1
    assert "no audio output device; use --out" in caplog.text
