"""Announcement WAVs for browser displays: chime, then the spoken call, cached by text.

A smart TV has no espeak-ng, so the hub speaks for it: `GET /announce.wav?ticket=A-012
&counter=3&kind=call&lang=id` answers one WAV holding the chime and the sentence the
Qt display would say ("Nomor antrean, a, dua belas, silakan menuju loket tiga.").
The page plays one file per call, so one call can never cut off another.

The sentence and the synthesizer come from `hub.speech` (no Qt), which the hall
display's announcer speaks with too, imported on first use. Rendering runs off the
event loop, at most two at once; the same text asked twice while rendering is rendered
once; finished WAVs are kept by text up to `CACHE_BYTES`, oldest dropped first.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

CACHE_BYTES = 8 * 1024 * 1024
"""About 45 announcements of ~4 s: a busy hall's last few minutes, well under the RSS budget."""
RENDERS_AT_ONCE = 2
CHIME_GAP_S = 0.25


class BadAnnouncement(ValueError):
    """The query does not describe a call that can be spoken."""


@dataclass(frozen=True)
class Spoken:
    """What one WAV says: each language's sentence, and whether the chime comes first."""

    sentences: tuple[tuple[str, str], ...]
    chime: bool

    @property
    def key(self) -> str:
        """The cache key: the texts themselves (a label and counter say the same each time)."""
        return ("chime|" if self.chime else "") + " | ".join(f"{lang}:{text}"
                                                          for lang, text in self.sentences)


def spoken(query: dict[str, str]) -> Spoken:
    """Read ticket, counter, kind (call/recall), lang (id, en or id,en) and chime (1/0)."""
    from hub.speech.speech_text import (
        Call,
        CallKind,
        InvalidTicketLabel,
        Language,
        SpeechSettings,
        build_texts,
    )

    try:
        languages = tuple(Language(part) for part in query.get("lang", "id").split(",") if part)
        settings = SpeechSettings(languages=languages or (Language.INDONESIAN,))
        call = Call(query.get("ticket", ""), query.get("counter", ""),
                    kind=CallKind(query.get("kind", "call")))
    except (InvalidTicketLabel, ValueError) as error:
        raise BadAnnouncement(str(error)) from None
    sentences = tuple((str(lang.value), text) for lang, text in build_texts(call, settings))
    return Spoken(sentences, query.get("chime", "1") != "0")


def render(what: Spoken, synthesizer: Any = None) -> bytes:
    """The WAV: chime, a short pause, then each sentence (blocking: run it in a thread).

    Without espeak-ng the WAV is the chime alone (logged): a TV that at least chimes
    is better than a silent one, and the number is on the screen.
    """
    from hub.speech import wav
    from hub.speech.synth import EspeakSynthesizer, SynthesisError, chime

    synthesizer = synthesizer or EspeakSynthesizer()
    parts = [chime()] if what.chime else []
    for language, text in what.sentences:
        try:
            parts.append(synthesizer.synthesize(text, language))
        except SynthesisError as error:
            log.warning("announcement without speech: %s", error)
    if not parts:
        raise BadAnnouncement("nothing to say: chime off and no speech")
    try:
        return wav.concat(parts, gap=CHIME_GAP_S)
    except wav.WavError:  # a chime file of another format than espeak's output
        return parts[-1]


class AnnouncementCache:
    """Rendered WAVs by text, with renders off the loop and never twice at once."""

    def __init__(self, synthesizer: Any = None, limit_bytes: int = CACHE_BYTES) -> None:
        self.synthesizer = synthesizer
        self.limit_bytes = limit_bytes
        self._done: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._rendering: dict[str, asyncio.Future[bytes]] = {}
        self._slots = asyncio.Semaphore(RENDERS_AT_ONCE)
        self.renders = 0
        """How many WAVs were synthesized (the rest came from the cache)."""

    async def wav(self, what: Spoken) -> bytes:
        """The WAV for `what`, from the cache or rendered now."""
        key = what.key
        cached = self._done.get(key)
        if cached is not None:
            self._done.move_to_end(key)
            return cached
        running = self._rendering.get(key)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._rendering[key] = future
        try:
            async with self._slots:
                data = await asyncio.to_thread(render, what, self.synthesizer)
            self.renders += 1
            self._keep(key, data)
            future.set_result(data)
            return data
        except Exception as error:
            future.set_exception(error)
            future.exception()  # retrieved: waiters get it, nobody else must
            raise
        finally:
            self._rendering.pop(key, None)

    def _keep(self, key: str, data: bytes) -> None:
        self._done[key] = data
        self._size += len(data)
        while self._size > self.limit_bytes and len(self._done) > 1:
            _, dropped = self._done.popitem(last=False)
            self._size -= len(dropped)
