"""The `hall` subcommand: the TV display of a zone, optionally announcing calls aloud."""

from __future__ import annotations

import argparse
import logging
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from counter_display.launch import App, Launch

if TYPE_CHECKING:
    from counter_display.announce import AnnouncementSettings

log = logging.getLogger(__name__)


def parse_size(text: str) -> tuple[int, int]:
    """Read "1920x1080" as (1920, 1080)."""
    match = re.fullmatch(r"\s*(\d{3,5})\s*[xX×]\s*(\d{3,5})\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"size must look like 1920x1080, not {text!r}")
    return int(match[1]), int(match[2])


def _arguments(parser: argparse.ArgumentParser) -> None:
    """Add the hall display's own options."""
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen (TV mode)")
    parser.add_argument("--size", type=parse_size, default=(1920, 1080), metavar="WxH",
                        help="window size when not full screen (default 1920x1080)")
    speech = parser.add_argument_group("announcements (spoken calls)")
    speech.add_argument("--announce", action="store_true",
                        help="speak every call and recall: chime, then Bahasa Indonesia")
    speech.add_argument("--announce-en", action="store_true",
                        help="also say it in English, after Indonesian")
    speech.add_argument("--announce-digits", action="store_true",
                        help="read ticket numbers digit by digit (nol satu dua)")
    speech.add_argument("--clips", type=Path, metavar="DIR",
                        help="use recorded clips from DIR instead of espeak-ng")
    speech.add_argument("--no-chime", action="store_true", help="no chime before speech")


def announcer_settings(args: argparse.Namespace) -> AnnouncementSettings:
    """Turn the --announce* options into the announcer's settings."""
    from counter_display.announce import AnnouncementSettings, SpeechSettings

    speech = SpeechSettings(number_style="digits" if args.announce_digits else "words",
                            languages=("id", "en") if args.announce_en else ("id",))
    return AnnouncementSettings(speech=speech, engine="clips" if args.clips else "espeak",
                                clip_folder=args.clips, chime_enabled=not args.no_chime,
                                max_pending=8)


def _run(launch: Launch) -> int:
    """Start the hall display (and the announcer with --announce)."""
    from counter_display.hall.display import HallDisplay
    from counter_display.qtapp import application, run_until_quit

    args = launch.args
    if args.announce and args.clips is not None and not args.clips.is_dir():
        log.error("--clips %s: no such folder (see docs/announcements.md for its layout)",
                  args.clips)
        return 1
    if args.announce and args.clips is None and shutil.which("espeak-ng") is None:
        log.warning("espeak-ng is not installed (apt-get install espeak-ng): calls will only "
                    "chime until it is")
    app = application("Antrean MPP — layar")
    device = launch.device
    bridge = launch.bridge()
    display = HallDisplay(launch.config, device, bridge, launch.config_dir)
    announcements = None
    if args.announce:
        from counter_display.announce import create_announcer
        from counter_display.hall.announcing import CallAnnouncements

        announcer = create_announcer(announcer_settings(args), parent=display)
        announcements = CallAnnouncements(launch.config, announcer, parent=display)
        display.called.connect(announcements.on_called)
        log.info("announcements on (%s)", "clips " + str(args.clips) if args.clips
                 else "espeak-ng")
    if args.fullscreen:
        from PySide6.QtCore import Qt

        display.setCursor(Qt.CursorShape.BlankCursor)  # a TV: no mouse pointer on the board
        display.showFullScreen()
    else:
        display.resize(*args.size)
        display.show()
    return run_until_quit(app, bridge, announcements.close if announcements else None,
                          start=launch.start)


HALL_APP = App(
    name="hall",
    role="display",
    help="the hall display (TV) of a zone",
    description="Hall display: the number each counter of the device's zone is serving, the "
    "newest call highlighted, recent calls, date and clock, and the running text. With "
    "--announce every call is also spoken (see docs/announcements.md).",
    add_arguments=_arguments,
    run=_run,
)
