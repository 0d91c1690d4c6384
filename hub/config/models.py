"""Typed models of the mall's configuration (one TOML file, see docs/configuration.md).

Every model is frozen: the configuration is read once at start and shared by the
engine, the hub and the apps. Field-level checks live here; checks that need the
whole file (unknown references, duplicate prefixes, overlapping hours) live in
`hub.config.crossref`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from hub.config.tokens import TOKEN_HASH_PATTERN

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,47}$")]
"""Ids are lowercase slugs so they are safe in URLs, file names and wire messages."""

Role = Literal["kiosk", "counter", "display", "supervisor", "survey", "portal"]
"""portal: a city portal or app that books appointments over the HTTP API, nothing else."""


class Model(BaseModel):
    """Base for config models: immutable, and unknown keys are errors (catches typos)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(Model):
    """A text shown to visitors: Bahasa Indonesia always, English optional."""

    id: str = Field(min_length=1)
    en: str | None = None

    def get(self, language: str) -> str:
        """Return the text in `language`, falling back to Indonesian."""
        return self.en if language == "en" and self.en else self.id


class TextList(Model):
    """A list of texts (requirements, procedure steps) in both languages."""

    id: list[str] = Field(default_factory=list)
    en: list[str] | None = None

    @model_validator(mode="after")
    def _same_length(self) -> TextList:
        if self.en is not None and len(self.en) != len(self.id):
            raise ValueError(
                f"en has {len(self.en)} items but id has {len(self.id)}: translate every item"
            )
        return self

    def get(self, language: str) -> list[str]:
        """Return the items in `language`, falling back to Indonesian."""
        return self.en if language == "en" and self.en else self.id

    def pairs(self) -> list[tuple[str, str]]:
        """Each item as (Indonesian, English, falling back to Indonesian). A service's
        `requirements.pairs()` is the counter's checklist of berkas tidak lengkap and the
        kiosk's and phone page's "Sudah membawa…?" list."""
        return list(zip(self.id, self.get("en"), strict=True))


def _parse_clock(value: object) -> object:
    """Accept "08:00" strings (and "08:00:00", as the hub sends them) and TOML local times."""
    if isinstance(value, str):
        if not re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", value):
            raise ValueError(f"time must look like 08:00, got {value!r}")
        hours, minutes, *seconds = (int(part) for part in value.split(":"))
        if hours > 23 or minutes > 59 or (seconds and seconds[0] > 59):
            raise ValueError(f"not a time of day: {value!r}")
        return dt.time(hours, minutes, seconds[0] if seconds else 0)
    if not isinstance(value, dt.time):
        # pydantic would read a number as seconds since midnight (UTC), which then
        # cannot be compared with the other, naive, times: refuse it here instead.
        raise ValueError(f"time must look like 08:00, got {value!r}")
    return value


class Hours(Model):
    """Opening hours on some weekdays; tickets are issued until `cutoff`."""

    days: list[Weekday] = Field(min_length=1)
    open: dt.time
    close: dt.time
    cutoff: dt.time | None = None

    _clock = field_validator("open", "close", "cutoff", mode="before")(_parse_clock)

    @model_validator(mode="after")
    def _ordered(self) -> Hours:
        if self.open >= self.close:
            raise ValueError(f"open ({self.open:%H:%M}) must be before close ({self.close:%H:%M})")
        if self.cutoff is not None and not self.open < self.cutoff <= self.close:
            raise ValueError(
                f"cutoff ({self.cutoff:%H:%M}) must be after open and not after close"
            )
        if len(set(self.days)) != len(self.days):
            raise ValueError("a weekday is listed twice")
        return self

    @property
    def last_ticket_time(self) -> dt.time:
        """Latest time a ticket may be issued."""
        return self.cutoff or self.close


class Break(Model):
    """A daily pause (Friday prayer, lunch); tickets are still issued, calls wait."""

    days: list[Weekday] = Field(min_length=1)
    start: dt.time
    end: dt.time
    reason: Text

    _clock = field_validator("start", "end", mode="before")(_parse_clock)

    @model_validator(mode="after")
    def _ordered(self) -> Break:
        if self.start >= self.end:
            raise ValueError(f"start ({self.start:%H:%M}) must be before end ({self.end:%H:%M})")
        return self


class Holiday(Model):
    """A date the whole mall is closed (libur nasional, cuti bersama)."""

    date: dt.date
    name: str


class Schedule(Model):
    """The mall's default week; tenants and services may narrow it with their own hours."""

    hours: list[Hours] = Field(min_length=1)
    breaks: list[Break] = Field(default_factory=list)
    holidays: list[Holiday] = Field(default_factory=list)


class ComplaintCategory(Model):
    """One kind of complaint or suggestion the survey tablet offers (reports count by it)."""

    id: Identifier
    name: Text


DEFAULT_COMPLAINT_CATEGORIES = (
    ("pelayanan", "Sikap dan pelayanan petugas", "Staff conduct and service"),
    ("waktu", "Waktu tunggu dan penyelesaian", "Waiting and completion time"),
    ("persyaratan", "Persyaratan dan prosedur", "Requirements and procedure"),
    ("biaya", "Biaya atau pungutan", "Fees or charges"),
    ("sarana", "Sarana dan prasarana", "Facilities"),
    ("lainnya", "Lainnya", "Other"),
)


class Complaints(Model):
    """Pengaduan dan saran: the SP4N-LAPOR! link (kiosk home, every ticket) and the categories
    of the survey tablet's complaint form."""

    lapor_url: str = Field(default="https://www.lapor.go.id", pattern=r"^https?://\S+$",
                           max_length=200)
    """The QR code's payload: the national complaint channel (SP4N-LAPOR!) or the city's."""
    lapor_text: Text = Text(id="Pengaduan dan aspirasi: SP4N-LAPOR! (lapor.go.id)",
                            en="Complaints and suggestions: SP4N-LAPOR! (lapor.go.id)")
    """Printed and shown beside the QR code."""
    categories: list[ComplaintCategory] = Field(
        default_factory=lambda: [ComplaintCategory(id=c, name=Text(id=i, en=e))
                                 for c, i, e in DEFAULT_COMPLAINT_CATEGORIES],
        min_length=1, max_length=12)

    @model_validator(mode="after")
    def _unique_categories(self) -> Complaints:
        ids = [category.id for category in self.categories]
        if len(set(ids)) != len(ids):
            raise ValueError("a complaint category id is listed twice")
        return self

    def category(self, category_id: str) -> ComplaintCategory | None:
        """The category with this id, or None."""
        return next((c for c in self.categories if c.id == category_id), None)


class MallInfo(Model):
    """Who the mall is: shown on the kiosk, the hall display and every ticket."""

    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    address: str = ""
    timezone: str = "Asia/Jakarta"
    logo: str | None = None
    ticket_footer: Text = Text(id="Terima kasih telah menunggu.", en="Thank you for waiting.")
    running_text: Text = Text(id="Selamat datang.", en="Welcome.")
    status_url: str | None = None
    """Template for the QR code on tickets, e.g. "https://mpp.example.go.id/t/{ticket_id}";
    `{public_url}` in it stands for `public_url`. Unset: `public_url` + /tiket/{ticket_id}."""
    public_url: str | None = Field(default=None, pattern=r"^https?://[^/\s]+/?$")
    """How phones and TVs on the MPP's network reach the hub, e.g. "https://10.20.0.1:8765".
    Unset: the hub's own [hub] host and port, when that is one LAN address."""
    complaints: Complaints = Complaints()
    """[mpp.complaints]: the SP4N-LAPOR! QR code and the complaint categories."""

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use e.g. Asia/Jakarta)") from None
        return value


class QueueRules(Model):
    """How the engine orders and ends tickets."""

    priority_mode: Literal["first", "interleave"] = "interleave"
    """first: priority visitors always go first; interleave: see next key."""
    priority_interleave_normal_calls: int = Field(default=2, ge=0, le=20)
    """After a priority call, this many normal tickets are called before the next priority
    one (when both wait). 0 behaves like "first"."""
    priority_kinds: list[Identifier] = Field(
        default_factory=lambda: ["lansia", "disabilitas", "ibu_hamil"]
    )
    no_show_min_recalls: int = Field(default=2, ge=0, le=10)
    """A ticket may be marked no-show only after it was recalled this many times."""
    service_time_window: int = Field(default=20, ge=1, le=500)
    """How many recent service times feed the estimated wait."""
    pause_reasons: list[Identifier] = Field(
        default_factory=lambda: ["istirahat", "sholat", "rapat", "lainnya"]
    )
    print_confirm_seconds: int = Field(default=30, ge=5, le=600)
    """A kiosk ticket still pending its print after this long is cancelled (print_unconfirmed)."""
    reprint_minutes: int = Field(default=5, ge=0, le=120)
    """A kiosk may print its own ticket again within this long of issuing it (0: never)."""
    phone_join: bool = False
    """Visitors may take a ticket on their own phone (the hub's /ambil page, channel mobile);
    needs [hub] visitor_secret."""
    here_grace_seconds: int = Field(default=120, ge=0, le=900)
    """After a visitor says "I'm here" on the phone, no-show waits this long."""


class Tenant(Model):
    """An agency or bank with a desk in the mall."""

    id: Identifier
    name: Text
    short_name: str = Field(min_length=1, max_length=24)
    kind: Literal["opd", "vertical", "bank", "bumn"]
    logo: str | None = None
    hours: list[Hours] | None = None
    """Overrides the mall's hours; vertical agencies often serve on some weekdays only."""


class AppointmentRules(Model):
    """Appointments (antrean online) for one service: its slots, booking and check-in rules."""

    slot_minutes: int = Field(default=30, ge=5, le=240)
    """Length of a slot; slots start at opening time, one after another, until the cut-off."""
    capacity: int = Field(default=2, ge=1, le=200)
    """Appointments one slot takes."""
    days_ahead: int = Field(default=14, ge=0, le=90)
    """The furthest day that can be booked, counted from today (0: today only)."""
    cutoff_minutes: int = Field(default=60, ge=0, le=10080)
    """Booking a slot closes this long before it starts."""
    call: Literal["at_slot", "interleave"] = "at_slot"
    """at_slot: a checked-in visitor is called ahead of walk-ins once the slot has begun;
    interleave: one such visitor after every `interleave_walk_ins` walk-in calls."""
    interleave_walk_ins: int = Field(default=2, ge=0, le=20)
    """With call = "interleave": walk-in calls between two appointment calls (0: at_slot)."""
    early_minutes: int = Field(default=30, ge=0, le=240)
    """Check-in at the kiosk opens this long before the slot starts."""
    late_minutes: int = Field(default=15, ge=0, le=240)
    """Check-in closes this long after the slot ends; then the appointment is missed
    (no_show in the report)."""


class TicketLimits(Model):
    """[services.limits]: anti-calo limits per phone number or NIK (hub/engine/limits.py)."""

    one_active: bool = False
    """No second ticket for the service while one of the same phone number or NIK is open."""
    max_per_day: int | None = Field(default=None, ge=1, le=50)
    """At most this many tickets a day for the service per phone number or NIK."""


class Service(Model):
    """A service a tenant offers, with the standard the law asks it to publish."""

    id: Identifier
    tenant: Identifier
    name: Text
    prefix: Annotated[str, Field(pattern=r"^[A-Z]{1,3}$")]
    category: Literal["perizinan", "non-perizinan"]
    requirements: TextList
    procedure: TextList
    fee_rupiah: int = Field(ge=0)
    fee_note: Text | None = None
    completion_time: Text
    """The published completion time, e.g. "Selesai di tempat" or "5 hari kerja"."""
    service_minutes: float = Field(gt=0, le=240)
    """Standard time at the counter per visitor; the estimated wait starts from it."""
    target_wait_minutes: int = Field(gt=0, le=480)
    daily_quota: int | None = Field(default=None, gt=0)
    allow_priority: bool = True
    hours: list[Hours] | None = None
    appointments: AppointmentRules | None = None
    """[services.appointments]: online booking of slots for this service (none: walk-in only)."""
    limits: TicketLimits | None = None
    """[services.limits]: anti-calo limits on tickets per phone number or NIK (none: no limit)."""


class Counter(Model):
    """A loket: serves one or more services, in order or by weight."""

    id: Identifier
    name: str = Field(min_length=1)
    number: int = Field(ge=1, le=999)
    """Spoken in announcements: "silakan menuju loket tiga"."""
    tenant: Identifier
    services: list[Identifier] = Field(min_length=1)
    selection: Literal["order", "weight"] = "order"
    """order: first service with someone waiting wins; weight: calls shared by `weights`."""
    weights: dict[str, int] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _weights_match(self) -> Counter:
        if len(set(self.services)) != len(self.services):
            raise ValueError("a service is listed twice in services")
        if self.selection == "weight":
            missing = [s for s in self.services if s not in self.weights]
            if missing:
                raise ValueError(f"selection = 'weight' needs a weight for {', '.join(missing)}")
            if any(w < 1 for w in self.weights.values()):
                raise ValueError("weights must be whole numbers ≥ 1")
        extra = [s for s in self.weights if s not in self.services]
        if extra:
            raise ValueError(f"weights name services this counter does not serve: {extra}")
        return self


class Zone(Model):
    """A part of the hall; a display shows the counters of its zone's tenants."""

    id: Identifier
    name: str
    tenants: list[Identifier] = Field(min_length=1)


class PrinterSettings(Model):
    """Where a kiosk's ticket printer is; see docs/printing.md for each backend."""

    backend: Literal["usb", "serial", "network", "cups", "file", "virtual"]
    paper_mm: Literal[58, 80] = 80
    timeout_s: float = Field(default=2.0, gt=0, le=30)
    vendor_id: int | None = None
    product_id: int | None = None
    device: str | None = None
    baudrate: int = 19200
    host: str | None = None
    port: int = Field(default=9100, ge=1, le=65535)
    queue: str | None = None
    path: str | None = None
    folder: str | None = None
    profile: str = "TM-T20II"
    """python-escpos printer profile; TM-T20II fits most 80 mm printers."""
    flow_control: Literal["none", "rtscts", "dsrdtr", "xonxoff"] = "none"
    check_status: bool = True
    """Ask the printer (DLE EOT) before each ticket and refuse on paper out or cover open."""
    require_status: bool = False
    """Also refuse when the printer does not answer (only for printers known to answer)."""
    simulate: Literal["paper_out", "offline", "cover_open", "near_end", "timeout"] | None = None
    """Virtual printer only: behave as if this fault were present (demos and tests)."""
    on_failure: Literal["refuse", "show_on_screen"] = "refuse"
    """refuse: cancel the ticket; show_on_screen: keep it and show the number with a QR."""

    @model_validator(mode="after")
    def _backend_fields(self) -> PrinterSettings:
        needed = {
            "usb": ("vendor_id", "product_id"),
            "serial": ("device",),
            "network": ("host",),
            "cups": ("queue",),
            "file": ("path",),
            "virtual": ("folder",),
        }[self.backend]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"backend {self.backend!r} needs {', '.join(missing)}")
        return self


class Device(Model):
    """A kiosk, counter terminal, display or supervisor seat, and the token it logs in with."""

    id: Identifier
    role: Role
    token: str | None = Field(default=None, min_length=16)
    """The token in plain text: demo configurations only (`hub check` warns)."""
    token_hash: str | None = Field(default=None, pattern=TOKEN_HASH_PATTERN)
    """The token's stored form, sha256$SALT$DIGEST, as `hub device add|rotate` writes it."""
    name: str = ""
    counter: Identifier | None = None
    """Counter terminals: the loket this device acts for; survey tablets: the loket they
    stand at (the visitor rates the visit just finished there)."""
    zone: Identifier | None = None
    """Displays: the zone shown; none means the whole hall."""
    printer: PrinterSettings | None = None
    """Kiosks: the ticket printer attached to this kiosk."""

    @property
    def hub_secret(self) -> str:
        """A secret of this device that only the hub holds (its stored credential), for
        keys the hub derives per device; never the token itself once it is hashed."""
        return self.token_hash or self.token or ""

    @model_validator(mode="after")
    def _role_fields(self, info: ValidationInfo) -> Device:
        public = bool(info.context and info.context.get("public"))
        if public and (self.token or self.token_hash or self.printer):
            raise ValueError("the public mall configuration carries no token and no printer")
        if not public and (self.token is None) == (self.token_hash is None):
            raise ValueError("give token_hash (see `python -m hub device add`) or, for a demo, "
                             "token — exactly one of them")
        if self.role in ("counter", "survey") and self.counter is None:
            raise ValueError(f"a {self.role} device needs counter = <counter id>")
        if self.role not in ("counter", "survey") and self.counter is not None:
            raise ValueError(f"counter is only for counter and survey devices, not {self.role}")
        if self.role != "display" and self.zone is not None:
            raise ValueError(f"zone is only for display devices, not {self.role}")
        if self.role != "kiosk" and self.printer is not None:
            raise ValueError(f"printer is only for kiosk devices, not {self.role}")
        return self


class HubSettings(Model):
    """Where the hub listens and how much it accepts."""

    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=0, le=65535)
    tls_cert: str | None = None
    tls_key: str | None = None
    tls_dir: str | None = None
    """A folder for the hub's own certificate (made on first start); see docs/deployment.md."""
    max_message_bytes: int = Field(default=65536, ge=1024, le=4 * 1024 * 1024)
    coalesce_ms: int = Field(default=200, ge=0, le=2000)
    """Kiosks and counter terminals get queue figures at most this often (services_update)."""
    visitor_secret: str | None = Field(default=None, min_length=16, max_length=200)
    """The hub's secret for visitors' data: NIKs are kept as HMAC-SHA256 under it, and the
    phone page's ticket keys are made with it. Never sent to a device (the [hub] section
    is not in the welcome)."""

    @model_validator(mode="after")
    def _tls_pair(self) -> HubSettings:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("tls_cert and tls_key go together")
        return self


NotificationKind = Literal["near", "called", "transferred"]
NOTIFICATION_KINDS: tuple[NotificationKind, ...] = ("near", "called", "transferred")


class WebhookGateway(Model):
    """[notifications.webhook]: where the sender POSTs each notification (docs/notifications.md)."""

    url: str = Field(pattern=r"^https?://\S+$", max_length=500)
    """The provider's (or the city's WhatsApp/SMS relay's) endpoint."""
    secret_file: str
    """A file holding the HMAC-SHA256 key (relative paths: from the mall file's folder).
    Only the sender reads it; it is never sent to a device."""
    timeout_seconds: float = Field(default=10, gt=0, le=120)


class Notifications(Model):
    """[notifications]: "your turn is near" messages to visitors who left a contact.

    The hub writes them to its outbox; `python -m hub notify` delivers them."""

    mall_id: Identifier
    """Names this MPP in every notification's id, so one provider can de-duplicate many."""
    places_before: int = Field(default=2, ge=0, le=20)
    """"near" is written once a ticket has this many people or fewer ahead of it."""
    kinds: list[NotificationKind] = Field(default_factory=lambda: list(NOTIFICATION_KINDS),
                                          min_length=1)
    gateway: Literal["webhook"] = "webhook"
    webhook: WebhookGateway
    retry_first_seconds: float = Field(default=2, gt=0, le=600)
    """The first retry after a failed delivery; each further one waits twice as long…"""
    retry_max_seconds: float = Field(default=300, gt=0, le=3600)
    """…but never longer than this."""
    max_age_minutes: int = Field(default=60, ge=1, le=1440)
    """A notification still undelivered this long after it was written is dropped
    (an outage outlasted it: "your turn is near" hours later would be false)."""


class MallConfig(Model):
    """The whole configuration of one MPP."""

    mpp: MallInfo
    hub: HubSettings = HubSettings()
    queue: QueueRules = QueueRules()
    schedule: Schedule
    tenants: list[Tenant] = Field(min_length=1)
    services: list[Service] = Field(min_length=1)
    counters: list[Counter] = Field(min_length=1)
    zones: list[Zone] = Field(default_factory=list)
    devices: list[Device] = Field(default_factory=list)
    notifications: Notifications | None = None
    """[notifications]: none written unless configured (docs/notifications.md)."""

    _lookup: dict[str, dict[str, Model]] = PrivateAttr(default_factory=dict)

    def tenant(self, tenant_id: str) -> Tenant:
        """Return the tenant with this id (KeyError if unknown)."""
        return self._index()["tenants"][tenant_id]  # type: ignore[return-value]

    def service(self, service_id: str) -> Service:
        """Return the service with this id (KeyError if unknown)."""
        return self._index()["services"][service_id]  # type: ignore[return-value]

    def counter(self, counter_id: str) -> Counter:
        """Return the counter with this id (KeyError if unknown)."""
        return self._index()["counters"][counter_id]  # type: ignore[return-value]

    def device(self, device_id: str) -> Device:
        """Return the device with this id (KeyError if unknown)."""
        return self._index()["devices"][device_id]  # type: ignore[return-value]

    def zone(self, zone_id: str) -> Zone:
        """Return the zone with this id (KeyError if unknown)."""
        return self._index()["zones"][zone_id]  # type: ignore[return-value]

    def public_base_url(self) -> str | None:
        """The hub's address as a phone on the LAN sees it ([mpp] public_url, else [hub])."""
        if self.mpp.public_url:
            return self.mpp.public_url.rstrip("/")
        host = self.hub.host
        if host in ("", "0.0.0.0", "::") or self.hub.port == 0:
            return None  # every address, or none known yet: nothing to print
        scheme = "https" if self.hub.tls_cert or self.hub.tls_dir else "http"
        shown = f"[{host}]" if ":" in host else host
        return f"{scheme}://{shown}:{self.hub.port}"

    def ticket_status_url(self, ticket_id: str) -> str | None:
        """The QR payload of a ticket: its live status page, or None if none is reachable."""
        base = self.public_base_url()
        if self.mpp.status_url:
            if "{public_url}" in self.mpp.status_url and base is None:
                return None
            return self.mpp.status_url.format(ticket_id=ticket_id, public_url=base or "")
        return f"{base}/tiket/{ticket_id}" if base else None

    def services_of(self, tenant_id: str) -> list[Service]:
        """Return a tenant's services in configuration order."""
        return [s for s in self.services if s.tenant == tenant_id]

    def counters_serving(self, service_id: str) -> list[Counter]:
        """Return the counters that serve a service."""
        return [c for c in self.counters if service_id in c.services]

    def model_post_init(self, _context: object) -> None:
        """Build the id lookups once; the model is frozen, so they never go stale."""
        self._lookup = {
            "tenants": {t.id: t for t in self.tenants},
            "services": {s.id: s for s in self.services},
            "counters": {c.id: c for c in self.counters},
            "devices": {d.id: d for d in self.devices},
            "zones": {z.id: z for z in self.zones},
        }

    def _index(self) -> dict[str, dict[str, Model]]:
        return self._lookup
