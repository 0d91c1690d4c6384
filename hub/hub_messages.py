"""Messages from the hub to its clients: one typed model per message and per view.

The other direction is `hub/protocol.py`. The hub builds these
messages as plain JSON for speed on its hot path; a test holds every message a real
hub sends to these models (tests/hub/test_protocol_doc.py), and the client library
parses each frame with `parse_hub_message`, so apps read attributes, never `.get()`
on wire dicts. Unknown fields are ignored (docs/protocol.md §3: the hub may add fields
within a version); missing or mistyped ones are an error.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

RECENT_CALLS = 12
"""How many of the latest calls a snapshot's `recent_calls` holds (the hub and clients agree)."""
CALL_EVENTS = ("ticket_called", "ticket_recalled")
"""The events that put a ticket on the hall's list of recent calls."""


class HubModel(BaseModel):
    """Base of everything the hub sends: immutable, unknown fields ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


# --------------------------------------------------------------------- views


class ServiceView(HubModel):
    """A service as kiosks show it (§9.2)."""

    open: bool
    reason: str | None
    opens_at: str | None
    on_break: str | None
    waiting: int
    counters_open: int
    estimated_wait_minutes: int | None
    """None: no counter serving the service is open, so nobody can say."""
    issued_today: int
    oldest_waiting_issued_at: str | None


class TicketView(HubModel):
    """A ticket as counters and displays show it (§9.4)."""

    ticket_id: str
    label: str
    service_id: str
    status: str
    priority_kind: str | None
    issued_at: str
    called_at: str | None
    recall_count: int
    transfer_count: int


class CounterView(HubModel):
    """A counter, with today's services and what it may do now (§9.3)."""

    status: Literal["closed", "open", "serving", "paused"]
    ticket: TicketView | None
    pause_reason: str | None
    staff: str | None
    since: str | None
    served_today: int
    parked: list[str]
    reserved: int
    services: list[str]
    allowed: list[str]


class RecentCall(HubModel):
    """One of the latest calls, for the hall's list (§9.5)."""

    label: str
    counter_id: str
    called_at: str


class RunningText(HubModel):
    """The hall displays' running text for today."""

    id: str
    en: str | None


class Settings(HubModel):
    """The supervisor's decisions for today (§9.7)."""

    closed_services: dict[str, str]
    counter_services: dict[str, list[str]]
    paused_devices: list[str]
    running_text: RunningText | None


class BreakView(HubModel):
    """The break in progress: calls wait until `ends_at` (§9.1)."""

    reason_id: str
    reason_en: str | None
    ends_at: str


class DeviceEntry(HubModel):
    """A device as supervisors see it (§9.6); `ok` is None until it reported."""

    role: str
    online: bool
    ok: bool | None
    code: str | None = None
    detail: str | None = None
    since: str | None = None


class Snapshot(HubModel):
    """Everything a role may see now (§9.1); sections a role is not sent are None."""

    business_day: str | None
    settings: Settings
    break_: BreakView | None = Field(alias="break")
    services: dict[str, ServiceView] | None = None
    counters: dict[str, CounterView] | None = None
    recent_calls: list[RecentCall] | None = None
    devices: dict[str, DeviceEntry] | None = None


# ------------------------------------------------------------------ messages


class Welcome(HubModel):
    """The answer to a good hello (§7.1)."""

    type: Literal["welcome"]
    protocol: int
    device_id: str
    role: str
    counter_id: str | None
    zone_id: str | None
    seq: int
    hub_time: str
    snapshot: Snapshot
    mall_version: str | None = None
    """The version of the hub's public mall configuration (hub/config/public.py)."""
    mall: dict[str, Any] | None = None
    """That configuration, when the hello's `mall_version` differed from it; else None."""


class Result(HubModel):
    """A request was carried out (§7.2); `events` are what it caused (§8)."""

    type: Literal["result"]
    request_id: str
    replayed: bool
    seq: int
    events: list[dict[str, Any]]


class ErrorMessage(HubModel):
    """A refusal (§7.3, codes in §10); `request_id` None for a frame that was not read."""

    type: Literal["error"]
    request_id: str | None
    code: str
    message_id: str
    message_en: str
    reason: str | None = None
    opens_at: str | None = None
    ends_at: str | None = None
    rows: list[dict[str, Any]] | None = None
    """import_refused: each refused row (`row` from 1) with its own code, texts, reason."""


class EventMessage(HubModel):
    """One change, with the views it changed that this device may see (§7.4)."""

    type: Literal["event"]
    seq: int
    prev_seq: int
    event: dict[str, Any]
    services: dict[str, ServiceView] | None = None
    counters: dict[str, CounterView] | None = None
    settings: Settings | None = None


class SnapshotMessage(HubModel):
    """The answer to resync (§7.5)."""

    type: Literal["snapshot"]
    seq: int
    hub_time: str
    snapshot: Snapshot


class ServicesUpdate(HubModel):
    """Coalesced queue figures, or services the clock opened or closed (§7.6)."""

    type: Literal["services_update"]
    hub_time: str
    services: dict[str, ServiceView]
    counters: dict[str, CounterView] | None = None


class ScheduleUpdate(HubModel):
    """A break started (`break`) or ended (None) (§7.6a)."""

    type: Literal["schedule_update"]
    hub_time: str
    break_: BreakView | None = Field(alias="break")


class DeviceStatus(HubModel):
    """A device connected, disconnected or reported its health (§7.7, supervisors)."""

    type: Literal["device_status"]
    devices: dict[str, DeviceEntry]


class Pong(HubModel):
    """The answer to ping, with the hub's time (§7.8)."""

    type: Literal["pong"]
    hub_time: str


HubMessage = Annotated[
    Welcome | Result | ErrorMessage | EventMessage | SnapshotMessage | ServicesUpdate
    | ScheduleUpdate | DeviceStatus | Pong,
    Field(discriminator="type"),
]
_HUB_MESSAGE: TypeAdapter[Any] = TypeAdapter(HubMessage)

HUB_MESSAGE_TYPES: frozenset[str] = frozenset(
    cls.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr]
    for cls in (Welcome, Result, ErrorMessage, EventMessage, SnapshotMessage, ServicesUpdate,
                ScheduleUpdate, DeviceStatus, Pong)
)


def parse_hub_message(raw: str | bytes | dict[str, Any]) -> Any:
    """Parse one frame (or its decoded JSON) from the hub; pydantic.ValidationError if wrong."""
    if isinstance(raw, dict):
        return _HUB_MESSAGE.validate_python(raw)
    return _HUB_MESSAGE.validate_json(raw)
