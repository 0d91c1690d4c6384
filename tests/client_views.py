"""Typed client views for tests of the apps: partial sections filled with neutral defaults.

The apps read a `ClientView` (hub/client/view.py) whose every field the hub always sends;
a test that cares about three fields of a counter states those and gets the rest here.
"""

from __future__ import annotations

from typing import Any

from hub.client.view import ClientView
from hub.hub_messages import Snapshot

TICKET: dict[str, Any] = {
    "ticket_id": "2026-11-23/A-001", "label": "A-001", "service_id": "ktp", "status": "called",
    "priority_kind": None, "issued_at": "2026-11-23T08:55:00+07:00", "called_at": None,
    "recall_count": 0, "transfer_count": 0}
COUNTER: dict[str, Any] = {
    "status": "closed", "ticket": None, "pause_reason": None, "staff": None, "since": None,
    "served_today": 0, "parked": [], "reserved": 0, "services": [], "allowed": []}
SERVICE: dict[str, Any] = {
    "open": True, "reason": None, "opens_at": None, "on_break": None, "waiting": 0,
    "counters_open": 0, "estimated_wait_minutes": None, "issued_today": 0,
    "oldest_waiting_issued_at": None}
SETTINGS: dict[str, Any] = {"closed_services": {}, "counter_services": {}, "paused_devices": [],
                            "running_text": None}


def ticket(**fields: Any) -> dict[str, Any]:
    """A ticket view; the label also names the ticket id unless one is given."""
    if "label" in fields and "ticket_id" not in fields:
        fields["ticket_id"] = f"2026-11-23/{fields['label']}"
    return {**TICKET, **fields}


def counter(**fields: Any) -> dict[str, Any]:
    """A counter view; a partial `ticket` dict is completed too."""
    if isinstance(fields.get("ticket"), dict):
        fields["ticket"] = ticket(**fields["ticket"])
    return {**COUNTER, **fields}


def view(*, services: dict[str, dict[str, Any]] | None = None,
         counters: dict[str, dict[str, Any]] | None = None,
         recent_calls: list[dict[str, Any]] | None = None,
         devices: dict[str, dict[str, Any]] | None = None,
         settings: dict[str, Any] | None = None, pause: dict[str, Any] | None = None,
         business_day: str = "2026-11-23") -> ClientView:
    """A received view with these sections (None: a section this role is not sent)."""
    data: dict[str, Any] = {"business_day": business_day, "settings": {**SETTINGS,
                                                                      **(settings or {})},
                            "break": pause}
    if services is not None:
        data["services"] = {k: {**SERVICE, **v} for k, v in services.items()}
    if counters is not None:
        data["counters"] = {k: counter(**v) for k, v in counters.items()}
    if recent_calls is not None:
        data["recent_calls"] = recent_calls
    if devices is not None:
        data["devices"] = devices
    return ClientView(Snapshot.model_validate(data), received=True)
