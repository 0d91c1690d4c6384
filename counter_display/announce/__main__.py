"""Say, save or print one announcement from the command line (for trying texts and voices).

Exit status: 0 done, 1 the announcement could not be produced or played, 2 bad usage.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from hub.speech import wav
from hub.speech.speech_text import (
    Call,
    CallKind,
    InvalidTicketLabel,
    Language,
    NumberStyle,
    SpeechSettings,
    build_texts,
)
from hub.speech.synth import SynthesisError, clip_vocabulary

from .settings import AnnouncementSettings, Engine, load_chime, make_synthesizer

log = logging.getLogger("counter_display.announce")

CHIME_GAP_S = 0.2  # breath between chime and speech in a saved file


def _parser() -> argparse.ArgumentParser:
    """Describe the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m counter_display.announce",
        description="Say, save or print the announcement for one call.",
        epilog="Example: python -m counter_display.announce --ticket A-012 --counter 3",
    )
    parser.add_argument("--ticket", help='ticket label, e.g. "A-012" or "PBG-007"')
    parser.add_argument("--counter", help='counter number or name, e.g. "3" or "Pajak 2"')
    parser.add_argument("--recall", action="store_true", help="announce a recall, not a call")
    parser.add_argument(
        "--lang",
        action="append",
        choices=[lang.value for lang in Language],
        help="language; repeat for several, in speaking order (default: id)",
    )
    parser.add_argument("--digits", action="store_true", help="read numbers digit by digit")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--text-only", action="store_true", help="print the sentence(s) only")
    mode.add_argument("--out", type=Path, metavar="FILE.wav", help="write chime + speech here")
    mode.add_argument(
        "--list-clips", action="store_true", help="print the clip names a clip folder needs"
    )
    parser.add_argument("--clips", type=Path, metavar="DIR", help="speak with recorded clips")
    chime = parser.add_mutually_exclusive_group()
    chime.add_argument("--chime", type=Path, metavar="FILE.wav", help="chime file to use")
    chime.add_argument("--no-chime", action="store_true", help="speech without a chime")
    parser.add_argument("--speed", type=int, default=140, help="espeak-ng words per minute")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    return parser


def _settings(args: argparse.Namespace) -> AnnouncementSettings:
    """Turn arguments into validated settings."""
    return AnnouncementSettings(
        speech=SpeechSettings(
            number_style=NumberStyle.DIGITS if args.digits else NumberStyle.WORDS,
            languages=tuple(Language(lang) for lang in (args.lang or ["id"])),
        ),
        engine=Engine.CLIPS if args.clips else Engine.ESPEAK,
        clip_folder=args.clips,
        chime_enabled=not args.no_chime,
        chime_file=args.chime,
        espeak_words_per_minute=args.speed,
    )


def _write(call: Call, settings: AnnouncementSettings, out: Path) -> None:
    """Synthesize chime + speech into one WAV file."""
    synthesizer = make_synthesizer(settings)
    started = time.perf_counter()
    texts = build_texts(call, settings.speech)
    parts = [synthesizer.synthesize(text, lang) for lang, text in texts]
    log.info("synthesized speech in %.0f ms", (time.perf_counter() - started) * 1000)
    chime_wav = load_chime(settings)
    names = [f"{lang.value} speech" for lang in settings.speech.languages]
    if chime_wav is not None:
        parts.insert(0, chime_wav)
        names.insert(0, "chime")
    out.write_bytes(wav.concat(parts, gap=CHIME_GAP_S, names=names))
    log.info("wrote %s (%.2f s)", out, wav.duration(out.read_bytes()))


def _play(call: Call, settings: AnnouncementSettings) -> int:
    """Play the announcement through the real Qt sink and wait until it has been said."""
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        # FFmpeg prints a format dump per clip and probes optional libraries; not news here.
        os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")
    from PySide6.QtCore import QCoreApplication

    from .player import create_announcer
    from .qt_sink import QtSink

    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    if not QtSink.has_output_device():
        log.error("no audio output device; use --out FILE.wav to save the announcement")
        return 1
    announcer = create_announcer(settings)
    failures: list[str] = []
    announcer.failed.connect(lambda _call, reason: failures.append(reason))
    announcer.idle.connect(app.quit)
    announcer.announce(call)
    app.exec()
    announcer.close()
    return 1 if failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = _settings(args)
    except ValueError as exc:
        parser.error(str(exc))
    if args.list_clips:
        for language in settings.speech.languages:
            for name in clip_vocabulary(settings.speech.texts, language, max_number=9999):
                print(f"{language.value}/{name}.wav")
        return 0
    if not args.ticket or not args.counter:
        parser.error("--ticket and --counter are required")
    try:
        call = Call(args.ticket, args.counter, CallKind.RECALL if args.recall else CallKind.CALL)
    except InvalidTicketLabel as exc:
        parser.error(str(exc))
    try:
        if args.text_only:
            for _language, text in build_texts(call, settings.speech):
                print(text)
        elif args.out:
            _write(call, settings, args.out)
        else:
            return _play(call, settings)
    except (SynthesisError, wav.WavError, OSError) as exc:
        log.error("%s", exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
