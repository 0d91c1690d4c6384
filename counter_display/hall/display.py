"""The hall display: a TV showing which number goes to which counter of its zone.

It re-renders from `bridge.view` after every hub message, so after a reconnect it
shows the snapshot's truth; during a break a banner says when calls resume. Calls and
recalls that arrive as events (never those in a snapshot) are announced through
`called`; the latest few (model.MAX_HIGHLIGHTED) are highlighted for a few seconds
while their tile still shows the number. The clock is the
hub's (common.hub_clock), like the times of the calls.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from counter_display.common.hub_clock import Clock, HubClock, newest_time, system_clock
from counter_display.hall import model
from counter_display.hall.banner import BreakBanner
from counter_display.hall.board import BoardContent, HallBoard
from counter_display.hall.header import HallHeader, load_logo
from counter_display.hall.ticker import Ticker
from hub.client.qt_bridge import HubBridge
from hub.client.view import ClientView
from hub.config import Device, MallConfig

__all__ = ["Clock", "HallDisplay", "system_clock"]

HIGHLIGHT_SECONDS = 10.0
FLASH_MS = 500
HEADER_SHARE = 0.115
TICKER_SHARE = 0.07
BANNER_SHARE = 0.09


class HallDisplay(QWidget):
    """Header, counter board and running text, filled from the hub's view."""

    called = Signal(object)
    """A LiveCall for a counter shown here (for announcements)."""

    def __init__(self, config: MallConfig, device: Device, bridge: HubBridge,
                 config_dir: Path | None = None, clock: Clock = system_clock,
                 highlight_seconds: float = HIGHLIGHT_SECONDS,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.device = device
        self.bridge = bridge
        self.clock = clock
        self.hub_clock = HubClock(clock)
        """The hub's time, learnt from its events: the calls are stamped with it."""
        self.highlight_seconds = highlight_seconds
        self.counter_ids = model.zone_counters(config, device.zone)
        self.timezone = config.mpp.timezone
        self.online = bridge.client.state.status == "online"  # it may be connected already
        self.tiles: list[model.Tile] = model.tiles(config, self.counter_ids, ClientView())
        self.recent: list[model.RecentCall] = []
        self.live_calls: list[tuple[model.LiveCall, float]] = []
        """The latest calls seen as events, newest first, with the monotonic time their
        highlight ends (see model.remember_call)."""
        self.latest_live: model.LiveCall | None = None
        self.flash_on = True
        self.setWindowTitle(f"{config.mpp.short_name} — layar antrean")
        self.setStyleSheet("background: #07111f;")

        zone = config.zone(device.zone).name if device.zone else "Semua loket"
        logo_path = None
        if config.mpp.logo:
            logo_path = Path(config.mpp.logo)
            if not logo_path.is_absolute() and config_dir is not None:
                logo_path = config_dir / logo_path
        self.header = HallHeader(config.mpp.name, f"{zone} · Nomor antrean yang dilayani",
                                 load_logo(logo_path))
        self.board = HallBoard()
        self.banner = BreakBanner()
        self.ticker = Ticker(model.running_text(config, ClientView()),
                             label=config.mpp.short_name.upper())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.banner)
        layout.addWidget(self.board, 1)
        layout.addWidget(self.ticker)

        bridge.messageReceived.connect(self.on_message)
        bridge.stateChanged.connect(self.on_state)
        self.clock_timer = QTimer(self, interval=1000)
        self.clock_timer.timeout.connect(self.tick)
        self.clock_timer.start()
        self.flash_timer = QTimer(self, interval=FLASH_MS)
        self.flash_timer.timeout.connect(self._flash)
        self.resize(1280, 720)
        self.on_state(bridge.client.state.status, bridge.client.state.detail)
        self.tick()
        self.refresh()

    # ------------------------------------------------------------------ reading

    def tile(self, counter_id: str) -> model.Tile:
        """The tile of one counter, as shown now."""
        return next(t for t in self.tiles if t.counter_id == counter_id)

    @property
    def highlighted(self) -> set[str]:
        """Counters highlighted now: of the latest calls, those still showing their number."""
        return model.highlighted_counters(self.live_calls, self.tiles, time.monotonic())

    # ------------------------------------------------------------------- events

    def on_message(self, message: object) -> None:
        """Re-render from the bridge's view; highlight a call that just happened."""
        self.hub_clock.observe_message(message)
        call = model.live_call(message, self.counter_ids)
        if call is not None:
            self.live_calls = model.remember_call(
                self.live_calls, call, time.monotonic() + self.highlight_seconds)
            self.latest_live = call
            self.flash_on = True
            self.flash_timer.start()
        self.refresh()
        if call is not None:
            self.called.emit(call)

    def on_state(self, status: str, _detail: str) -> None:
        """Show or hide the offline mark."""
        self.online = status == "online"
        self.header.online = self.online
        self.header.offline_text = ("Perangkat ditolak" if status == "refused"
                                    else "Tidak terhubung")
        self.header.update()

    def refresh(self) -> None:
        """Rebuild tiles and recent calls from the bridge's view and repaint."""
        view = self.bridge.view
        self.tiles = model.tiles(self.config, self.counter_ids, view)
        self.recent = model.recent_calls(self.config, view, self.timezone)
        self.ticker.set_text(model.running_text(self.config, view))
        self.banner.set_texts(model.break_notice(view, self.timezone))
        self._push()

    def tick(self) -> None:
        """Once a second: the clock, and ending highlights that ran out."""
        self.header.now = model.local_now(self.hub_now(), self.timezone)
        self.header.update()
        if self.live_calls and not self.highlighted:
            self.live_calls = []
            self.flash_timer.stop()
            self._push()

    def hub_now(self) -> dt.datetime:
        """The hub's time now, never earlier than the newest call on the screen."""
        return self.hub_clock.now(floor=newest_time(self.bridge.view))

    def _flash(self) -> None:
        """Toggle the highlight colour; stop when no highlight is left."""
        if not self.highlighted:
            self.live_calls = []
            self.flash_timer.stop()
            self.flash_on = True
        else:
            self.flash_on = not self.flash_on
        self._push()

    def _push(self) -> None:
        """Hand the board what to paint now."""
        highlighted = self.highlighted
        latest = self.recent[0] if self.recent else None
        fresh = (latest is not None and self.latest_live is not None
                 and latest.label == self.latest_live.label
                 and self.latest_live.counter_id in highlighted)
        self.board.set_content(BoardContent(self.tiles, self.recent, highlighted,
                                            self.flash_on, fresh))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Scale header and ticker with the height."""
        height = event.size().height()
        self.header.setFixedHeight(round(height * HEADER_SHARE))
        self.ticker.setFixedHeight(round(height * TICKER_SHARE))
        self.banner.setFixedHeight(round(height * BANNER_SHARE))
        super().resizeEvent(event)
