"""What the dashboard shows, computed from config, the hub's supervisor view and a time.

Pure (no Qt, no clock of its own): the window rebuilds these rows after every hub
message and every few seconds, so a wait shown is always "now − then" and a reconnect
(new snapshot) can never leave a stale row.

Longest current wait: the supervisor view has no per-service "oldest waiting ticket".
When the hub sends `oldest_waiting_issued_at` in a service view it is used exactly;
until then the row shows an estimate (`exact=False`, drawn with "≈"): the longer of
the hub's estimated wait for a ticket taken now and the wait of the visitors being
served at this moment (called_at − issued_at), since the head of the queue has waited
about as long as the one just called.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from counter_display import texts
from hub.client.view import ClientView
from hub.config import MallConfig
from hub.hub_messages import CounterView, ServiceView

AMBER_SHARE = 0.8
"""A wait above this share of the service's target is amber; above the target, red."""

CLOSED_REASONS: dict[str, str] = {
    "closed_today": "Tidak buka hari ini",
    "holiday": "Hari libur",
    "not_open_yet": "Belum buka",
    "after_cutoff": "Lewat batas ambil nomor",
    "quota_reached": "Kuota habis",
    "closed_by_supervisor": "Ditutup pengelola",
}

DEVICE_CODES: dict[str, str] = {
    "paper_out": "Kertas habis",
    "near_end": "Kertas hampir habis",
    "cover_open": "Tutup printer terbuka",
    "printer_offline": "Printer tidak terhubung",
    "offline": "Printer tidak terhubung",
    "printer_timeout": "Printer tidak merespons",
    "timeout": "Printer tidak merespons",
    "backend_unavailable": "Printer belum siap",
}
WARNING_CODES = frozenset({"near_end"})
"""Codes that need attention soon but do not stop the device (amber, not red)."""

ROLE_NAMES = {"kiosk": "Anjungan", "display": "Layar TV", "counter": "Terminal loket",
              "survey": "Tablet survei", "supervisor": "Dasbor"}
ROLE_ORDER = ("kiosk", "display", "survey", "counter", "supervisor")
OFFLINE_IS_FAULT = frozenset({"kiosk", "display"})
"""Roles whose being offline stops visitors (red); a closed loket's terminal may be off."""


def wait_level(minutes: int | None, target: int) -> str:
    """Colour a wait against its target: idle (nobody waits), ok, warn or late."""
    if minutes is None:
        return "idle"
    if minutes > target:
        return "late"
    if minutes > target * AMBER_SHARE:
        return "warn"
    return "ok"


def local_time(text: str | None, zone: ZoneInfo) -> str:
    """An ISO time from the hub as the mall's clock face ("09.14"), or "—"."""
    moment = texts.parse_time(text)
    return texts.clock_face(moment.astimezone(zone)) if moment else "—"


@dataclass(frozen=True)
class ServiceRow:
    """One service's line in the live table."""

    service_id: str
    tenant: str
    name: str
    prefix: str
    open: bool
    status: str
    """Buka, or why not (Ditutup pengelola: <reason>, Belum buka…)."""
    closed_by_supervisor: bool
    waiting: int
    longest_minutes: int | None
    exact: bool
    """False: longest_minutes is an estimate (see module docstring)."""
    estimate_minutes: int | None
    """The hub's estimate for a ticket taken now; None while it has no estimate."""
    target_minutes: int
    issued_today: int

    @property
    def level(self) -> str:
        """idle, ok, warn or late (see wait_level)."""
        return wait_level(self.longest_minutes, self.target_minutes)


@dataclass(frozen=True)
class CounterRow:
    """One counter's line: state, staff, since when, the ticket it serves."""

    counter_id: str
    name: str
    tenant: str
    status: str
    """open, serving, paused, closed or unknown."""
    status_text: str
    staff: str
    since: str
    ticket: str
    serving_minutes: int | None
    served_today: int
    services: tuple[str, ...]
    services_changed: bool


@dataclass(frozen=True)
class DeviceRow:
    """One device's health."""

    device_id: str
    name: str
    role: str
    level: str
    """ok, warn, fault, off (offline, harmless) or unknown."""
    text: str
    detail: str
    paused: bool


@dataclass(frozen=True)
class Totals:
    """The header figures."""

    visitors_today: int
    waiting: int
    served_today: int
    counters_open: int
    counters_paused: int
    counters_total: int
    faults: int


def _tenant_names(config: MallConfig) -> dict[str, str]:
    return {t.id: t.short_name for t in config.tenants}


def longest_wait(service_id: str, service: ServiceView, counters: Mapping[str, CounterView],
                 now: dt.datetime) -> tuple[int | None, bool]:
    """Minutes the longest-waiting visitor of a service has waited, and whether exact."""
    if service.waiting <= 0:
        return None, True
    oldest = texts.parse_time(service.oldest_waiting_issued_at)
    if oldest is not None:
        return texts.minutes_between(oldest, now), True
    estimate = service.estimated_wait_minutes
    waited = [estimate] if estimate is not None else []
    for desk in counters.values():
        ticket = desk.ticket
        if ticket is None or ticket.service_id != service_id:
            continue
        issued, called = texts.parse_time(ticket.issued_at), texts.parse_time(ticket.called_at)
        if issued and called:
            waited.append(texts.minutes_between(issued, called))
    return (max(waited), False) if waited else (None, False)


def service_rows(config: MallConfig, view: ClientView, now: dt.datetime) -> list[ServiceRow]:
    """Every configured service, in configuration order (grouped by tenant)."""
    closed = view.settings.closed_services
    tenants = _tenant_names(config)
    tenant_order = {t.id: index for index, t in enumerate(config.tenants)}
    rows = []
    for service in sorted(config.services, key=lambda s: tenant_order.get(s.tenant, 0)):
        sv = view.service(service.id)
        is_open = sv is not None and sv.open
        reason = sv.reason if sv is not None else None
        if is_open:
            status = "Buka"
        elif reason == "closed_by_supervisor" or service.id in closed:
            note = closed.get(service.id, "")
            status = "Ditutup pengelola" + (f": {note}" if note else "")
        else:
            status = CLOSED_REASONS.get(str(reason), "Tutup") if sv is not None else "—"
        longest, exact = (longest_wait(service.id, sv, view.counters, now) if sv is not None
                          else (None, True))
        rows.append(ServiceRow(
            service_id=service.id, tenant=tenants.get(service.tenant, service.tenant),
            name=service.name.id, prefix=service.prefix, open=is_open, status=status,
            closed_by_supervisor=service.id in closed,
            waiting=sv.waiting if sv is not None else 0,
            longest_minutes=longest, exact=exact,
            estimate_minutes=sv.estimated_wait_minutes if sv is not None else None,
            target_minutes=service.target_wait_minutes,
            issued_today=sv.issued_today if sv is not None else 0,
        ))
    return rows


def counter_rows(config: MallConfig, view: ClientView, now: dt.datetime) -> list[CounterRow]:
    """Every counter in configuration order."""
    changed = view.settings.counter_services
    zone = ZoneInfo(config.mpp.timezone)
    tenants = _tenant_names(config)
    rows = []
    for counter in config.counters:
        desk = view.counter(counter.id)
        status = desk.status if desk is not None else "unknown"
        status_text = texts.counter_status(desk.status if desk is not None else None,
                                           desk.pause_reason if desk is not None else None)[0]
        if status == "serving":
            status_text = "Melayani"  # staff see "Buka"; the supervisor wants the difference
        ticket = desk.ticket if desk is not None else None
        called = texts.parse_time(ticket.called_at) if ticket is not None else None
        services = changed.get(counter.id, counter.services)
        rows.append(CounterRow(
            counter_id=counter.id, name=counter.name,
            tenant=tenants.get(counter.tenant, counter.tenant), status=status,
            status_text=status_text,
            staff=(desk.staff if desk is not None else None) or "—",
            since=local_time(desk.since if desk is not None else None, zone),
            ticket=ticket.label if ticket is not None else "",
            serving_minutes=texts.minutes_between(called, now) if called else None,
            served_today=desk.served_today if desk is not None else 0,
            services=tuple(services), services_changed=counter.id in changed,
        ))
    return rows


def device_rows(config: MallConfig, view: ClientView,
                group_terminals: bool = False) -> list[DeviceRow]:
    """Every configured device: faults first, then kiosks, displays, tablets, terminals.

    With `group_terminals`, counter terminals that are merely on or off become one
    summary row (key "counter-terminals"): 27 lines of "Tidak terhubung" for closed
    lokets would hide the one kiosk that matters.
    """
    paused = set(view.settings.paused_devices)
    rows = []
    for device in config.devices:
        entry = view.devices.get(device.id)
        is_paused = device.id in paused
        if entry is None:
            level, text, detail = "unknown", "—", ""
        else:
            code = entry.code or ""
            detail = entry.detail or ""
            if not entry.online:
                level, text = ("fault" if device.role in OFFLINE_IS_FAULT else "off",
                               "Tidak terhubung")
                desk = view.counter(device.counter) if device.counter else None
                if device.role == "counter" and desk is not None and desk.status != "closed":
                    level = "warn"  # the loket is open but staff cannot call from it
                    detail = "Loket sedang buka, terminalnya tidak terhubung"
            elif entry.ok is False:
                level = "warn" if code in WARNING_CODES else "fault"
                text = DEVICE_CODES.get(code, code.replace("_", " ").capitalize() or "Gangguan")
            else:
                level, text = "ok", "Terhubung"
        if is_paused:
            text += " · dijeda"
        rows.append(DeviceRow(device.id, device.name or device.id, device.role, level, text,
                              detail, is_paused))
    if group_terminals:
        rows = _group_terminals(rows)
    rank = {"fault": 0, "warn": 1}
    return sorted(rows, key=lambda r: (rank.get(r.level, 2), ROLE_ORDER.index(r.role)
                                       if r.role in ROLE_ORDER else 9))


TERMINALS_KEY = "counter-terminals"


def _group_terminals(rows: list[DeviceRow]) -> list[DeviceRow]:
    quiet = [r for r in rows if r.role == "counter" and r.level in ("ok", "off", "unknown")]
    if len(quiet) < 2:
        return rows
    online = sum(1 for r in quiet if r.level == "ok")
    summary = DeviceRow(TERMINALS_KEY, f"Terminal loket ({len(quiet)})", "counter",
                        "ok" if online else "off", f"{online} terhubung",
                        ", ".join(r.device_id for r in quiet if r.level == "ok"), False)
    return [r for r in rows if r not in quiet] + [summary]


def totals(config: MallConfig, view: ClientView) -> Totals:
    """Header figures: visitors today (tickets issued), waiting, served, counters, faults."""
    services = view.services.values()
    counters = view.counters.values()
    statuses = [c.status for c in counters]
    faults = sum(1 for row in device_rows(config, view) if row.level == "fault")
    return Totals(
        visitors_today=sum(s.issued_today for s in services),
        waiting=sum(s.waiting for s in services),
        served_today=sum(c.served_today for c in counters),
        counters_open=sum(1 for s in statuses if s in ("open", "serving")),
        counters_paused=statuses.count("paused"),
        counters_total=len(config.counters),
        faults=faults,
    )


def running_text(config: MallConfig, view: ClientView) -> tuple[str, str | None, bool]:
    """The hall displays' running text now: (id, en, set today by the supervisor)."""
    chosen = view.settings.running_text
    if chosen is not None and chosen.id:
        return chosen.id, chosen.en, True
    return config.mpp.running_text.id, config.mpp.running_text.en, False


def todays_decisions(config: MallConfig, view: ClientView) -> list[str]:
    """The supervisor's settings for today, one line each (empty: all as configured)."""
    settings = view.settings
    lines = []
    for service_id, reason in settings.closed_services.items():
        name = _service_label(config, service_id)
        lines.append(f"Layanan {name} ditutup" + (f": {reason}" if reason else ""))
    for counter_id, services in settings.counter_services.items():
        try:
            counter = config.counter(counter_id).name
        except KeyError:
            counter = counter_id
        prefixes = ", ".join(_prefix(config, s) for s in services)
        lines.append(f"{counter} memanggil: {prefixes}")
    for device_id in settings.paused_devices:
        try:
            device = config.device(device_id).name or device_id
        except KeyError:
            device = device_id
        lines.append(f"{device} dijeda")
    return lines


def _prefix(config: MallConfig, service_id: str) -> str:
    try:
        return config.service(service_id).prefix
    except KeyError:
        return service_id


def _service_label(config: MallConfig, service_id: str) -> str:
    try:
        service = config.service(service_id)
    except KeyError:
        return service_id
    return f"{service.prefix} · {service.name.id}"
