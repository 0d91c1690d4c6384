"""GET /announce.wav: the hub speaks for TVs that have no espeak-ng."""

from __future__ import annotations

import io
import json
import shutil
import urllib.error
import urllib.request
import wave

import pytest

from hub import web
from tests.hub.harness import HubThread
from tests.web.conftest import http_base


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="apt-get install espeak-ng")
def test_a_call_is_one_wav_of_chime_and_speech_rendered_once(hub: HubThread) -> None:
    url = f"{http_base(hub)}/announce.wav?ticket=A-012&counter=3&kind=call&lang=id"
    status, first = fetch(url)
    assert status == 200 and first[:4] == b"RIFF"
    with wave.open(io.BytesIO(first)) as audio:
        seconds = audio.getnframes() / audio.getframerate()
    assert seconds > 2.5  # the chime alone is 2.1 s: the sentence follows it
    assert fetch(url)[1] == first
    app = web._apps[hub.server]
    assert app.audio.renders == 1  # the same text twice: rendered once, then cached
    assert [text for _, text in web.audio.spoken(
        {"ticket": "A-012", "counter": "3"}).sentences] == [
        "Nomor antrean, a, dua belas, silakan menuju loket tiga."]


def test_what_cannot_be_spoken_is_refused_with_a_reason(hub: HubThread) -> None:
    for query in ("ticket=&counter=3", "ticket=A-1%0A2&counter=3", "ticket=A-1&counter=3&kind=x",
                  "ticket=A-1&counter=3&lang=fr"):
        status, body = fetch(f"{http_base(hub)}/announce.wav?{query}")
        assert status == 400, query
        assert json.loads(body)["error"] == "invalid_argument"
