"""What the hall display shows, computed from config and the hub's view (pure, no Qt).

The display keeps no queue state of its own: after every message it rebuilds these
from `bridge.view`, so a reconnect (new snapshot) can never leave a stale screen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from counter_display import texts
from hub.client.view import ClientView
from hub.config import MallConfig
from hub.config.zones import zone_counters
from hub.hub_messages import CALL_EVENTS, EventMessage

__all__ = ["zone_counters"]  # the hub's own zone membership, re-exported for the display

MAX_HIGHLIGHTED = 3
"""Calls highlighted at once: in a busy hall a dozen amber tiles point nowhere."""


@dataclass(frozen=True)
class Tile:
    """One counter on the screen."""

    counter_id: str
    name: str
    tenant: str
    state: str
    """serving, open, paused, closed or unknown (no view yet)."""
    text: str
    """The ticket number, or —, Istirahat, Tutup."""

    @property
    def serving(self) -> bool:
        """True when the text is a ticket number."""
        return self.state == "serving"


@dataclass(frozen=True)
class RecentCall:
    """A line of the recent-calls list."""

    label: str
    counter_id: str
    counter_name: str
    time: str


@dataclass(frozen=True)
class LiveCall:
    """A call or recall that just happened (from an event, never from a snapshot)."""

    label: str
    counter_id: str
    recall: bool


def tiles(config: MallConfig, counter_ids: list[str], view: ClientView) -> list[Tile]:
    """One tile per counter, saying what it serves now."""
    result = []
    for counter_id in counter_ids:
        counter = config.counter(counter_id)
        tenant = config.tenant(counter.tenant).short_name
        desk = view.counter(counter_id)
        if desk is None:
            result.append(Tile(counter_id, counter.name, tenant, "unknown", "—"))
            continue
        status = desk.status
        if desk.ticket is not None:
            result.append(Tile(counter_id, counter.name, tenant, "serving", desk.ticket.label))
        elif status == "paused":
            result.append(Tile(counter_id, counter.name, tenant, "paused", "Istirahat"))
        elif status == "closed":
            result.append(Tile(counter_id, counter.name, tenant, "closed", "Tutup"))
        else:
            result.append(Tile(counter_id, counter.name, tenant, status, "—"))
    return result


def recent_calls(config: MallConfig, view: ClientView, timezone: str,
                 limit: int = 12) -> list[RecentCall]:
    """The newest calls first, each ticket once, with counter names and times ("09.05")."""
    zone = ZoneInfo(timezone)
    result: list[RecentCall] = []
    seen: set[str] = set()
    for call in view.recent_calls:
        label = call.label
        if label in seen:
            continue  # a recall puts the ticket on top again; show it once
        seen.add(label)
        if len(result) >= limit:
            break
        counter_id = call.counter_id
        try:
            name = config.counter(counter_id).name
        except KeyError:
            name = counter_id
        moment = texts.parse_time(call.called_at)
        time = texts.clock_face(moment.astimezone(zone)) if moment else ""
        result.append(RecentCall(label, counter_id, name, time))
    return result


def live_call(message: object, counter_ids: set[str] | list[str]) -> LiveCall | None:
    """Return the call an event announces, if it is a call/recall at a counter shown here."""
    if not isinstance(message, EventMessage) or message.event["type"] not in CALL_EVENTS:
        return None
    event = message.event
    if event["counter_id"] not in counter_ids:
        return None
    label = str(event["ticket_id"]).split("/")[-1]
    return LiveCall(label, event["counter_id"], event["type"] == "ticket_recalled")


def remember_call(calls: list[tuple[LiveCall, float]], call: LiveCall, until: float,
                  limit: int = MAX_HIGHLIGHTED) -> list[tuple[LiveCall, float]]:
    """The latest calls, newest first, one per counter, at most `limit` (with their end)."""
    kept = [(old, end) for old, end in calls if old.counter_id != call.counter_id]
    return [(call, until), *kept][:limit]


def highlighted_counters(calls: list[tuple[LiveCall, float]], tiles: list[Tile],
                         now: float) -> set[str]:
    """Counters to highlight: among the latest calls, those not yet run out whose tile
    still shows the called number (a counter that finished or paused since shows "—",
    and a tile without a number is never highlighted)."""
    showing = {tile.counter_id: tile.text for tile in tiles if tile.serving}
    return {call.counter_id for call, until in calls
            if until > now and showing.get(call.counter_id) == call.label}


def running_text(config: MallConfig, view: ClientView) -> str:
    """The ticker text: the supervisor's text of today if the hub sent one, else the config's."""
    override = view.settings.running_text
    if override is not None and override.id:
        text_id, text_en = override.id, override.en
    else:
        text_id, text_en = config.mpp.running_text.id, config.mpp.running_text.en
    return text_id + (f"     •     {text_en}" if text_en else "")


def local_now(now: dt.datetime, timezone: str) -> dt.datetime:
    """The mall's local time (for the header clock)."""
    return now.astimezone(ZoneInfo(timezone))


def break_notice(view: ClientView, timezone: str) -> tuple[str, str] | None:
    """The banner during a break: ("Istirahat Sholat Jumat, dilanjutkan 13.00", English).

    From the snapshot's `break` and every schedule_update; None outside breaks. The
    time is the mall's clock face, whatever offset the hub wrote it with.
    """
    pause = view.break_
    if pause is None:
        return None
    ends = texts.parse_time(pause.ends_at)
    local = ends.astimezone(ZoneInfo(timezone)) if ends is not None else None
    at_id = texts.clock_face(local) if local is not None else "?"
    at_en = f"{local:%H:%M}" if local is not None else "?"
    return (f"Istirahat {pause.reason_id}, dilanjutkan {at_id}",
            f"{pause.reason_en or pause.reason_id} break, resuming at {at_en}")
