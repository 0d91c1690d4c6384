"""Merge hub messages into a client's view: no queue logic, only what the hub said."""

from __future__ import annotations

import copy
from typing import Any

RECENT_CALLS = 12
CALL_EVENTS = ("ticket_called", "ticket_recalled")


def apply_message(view: dict[str, Any], message: dict[str, Any]) -> None:
    """Update `view` in place from an event, services_update, device_status or schedule_update."""
    kind = message.get("type")
    if kind == "event":
        event = message["event"]
        if event["type"] == "business_day_started":
            view["business_day"] = event["business_day"]
            if "recent_calls" in view:
                view["recent_calls"] = []
        if "settings" in message:
            view["settings"] = message["settings"]
        for section in ("services", "counters"):
            if section in message and section in view:
                view[section].update(message[section])
        if event["type"] in CALL_EVENTS and "recent_calls" in view:
            counters = view.get("counters", {})
            if event["counter_id"] in counters:
                call = {"label": event["ticket_id"].split("/")[-1],
                        "counter_id": event["counter_id"], "called_at": event["at"]}
                view["recent_calls"] = [call, *view["recent_calls"]][:RECENT_CALLS]
    elif kind == "services_update":
        for section in ("services", "counters"):  # counters: coalesced, for counter terminals
            if section in message and section in view:
                view[section].update(message[section])
    elif kind == "device_status":
        view.setdefault("devices", {}).update(message["devices"])
    elif kind == "schedule_update":
        view["break"] = message["break"]


def fresh_view(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Return a private copy of a snapshot to merge into."""
    return copy.deepcopy(snapshot)
