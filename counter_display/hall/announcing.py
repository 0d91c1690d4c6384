"""Hook the hall display's calls to the spoken announcements (counter_display.announce).

The display emits `called(LiveCall)` for each call or recall event at one of its
counters; this turns it into an announce `Call` ("silakan menuju loket tiga": the
counter's configured number is spoken) and queues it. The announcer queues, so one
call never cuts off another.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from counter_display.hall.model import LiveCall
from hub.config import MallConfig

if TYPE_CHECKING:
    from counter_display.announce import Announcer

log = logging.getLogger(__name__)


class CallAnnouncements(QObject):
    """Queue an announcement for every live call the display shows."""

    def __init__(self, config: MallConfig, announcer: Announcer,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.announcer = announcer

    def on_called(self, call: LiveCall) -> None:
        """Queue the call (or recall) for speech; a bad label is logged, never raised."""
        from counter_display.announce import Call, CallKind

        counter = self.config.counter(call.counter_id)
        kind = CallKind.RECALL if call.recall else CallKind.CALL
        try:
            spoken = Call(call.label, str(counter.number), kind=kind)
        except ValueError as error:  # InvalidTicketLabel is a ValueError
            log.error("cannot announce %s at %s: %s", call.label, counter.name, error)
            return
        self.announcer.announce(spoken)

    def close(self) -> None:
        """Stop speech and the synthesis thread (on shutdown)."""
        self.announcer.close()
