"""Checks that need the whole configuration: references, duplicates, overlapping hours.

They read the raw TOML data (not the models) so they still run, and still report,
when some fields failed their own checks — the operator sees every problem at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

SECTIONS = ("tenants", "services", "counters", "zones", "devices")
REQUIRED_SECTIONS = ("tenants", "services", "counters")


def _items(data: dict[str, Any], section: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(section)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def item_path(data: dict[str, Any], section: str, index: int) -> str:
    """Name a list item the way a person finds it: section[index](id)."""
    items = data.get(section)
    ident = None
    if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
        ident = items[index].get("id")
    return f"{section}[{index}]" + (f"({ident})" if isinstance(ident, str) else "")


def _unusable(data: dict[str, Any], section: str) -> bool:
    """True when the section itself is missing or malformed, which the models report.

    References into it are then not checked: one `[tenants]` written for `[[tenants]]`
    should give one message, not one per service and counter.
    """
    if section in data and not isinstance(data[section], list):
        return True
    return section in REQUIRED_SECTIONS and not data.get(section)


def _known_ids(data: dict[str, Any], section: str) -> set[str]:
    return {str(item["id"]) for _, item in _items(data, section) if "id" in item}


def check_references(data: dict[str, Any], public: bool = False) -> list[str]:
    """Return a 'path: problem' line for every cross-reference problem in `data`.

    `public`: the configuration a device got from its hub, without the hub's [hub] section
    (its secrets): what only the hub needs is not checked there."""
    problems: list[str] = []
    problems += _duplicates(data)
    tenants = _known_ids(data, "tenants")
    services = _known_ids(data, "services")
    counters = _known_ids(data, "counters")
    zones = _known_ids(data, "zones")

    def unknown(path: str, kind: str, value: object, known: set[str]) -> None:
        if _unusable(data, f"{kind}s"):
            return
        if isinstance(value, str) and value not in known:
            choices = ", ".join(sorted(known)) or "none defined"
            problems.append(f"{path}: unknown {kind} {value!r} (known: {choices})")

    for i, service in _items(data, "services"):
        path = item_path(data, "services", i)
        unknown(f"{path}.tenant", "tenant", service.get("tenant"), tenants)
    owner = {
        item["id"]: item.get("tenant")
        for _, item in _items(data, "services")
        if isinstance(item.get("id"), str)
    }
    served: set[str] = set()
    for i, counter in _items(data, "counters"):
        path = item_path(data, "counters", i)
        tenant = counter.get("tenant")
        unknown(f"{path}.tenant", "tenant", tenant, tenants)
        listed = counter.get("services")
        for j, service_id in enumerate(listed if isinstance(listed, list) else []):
            unknown(f"{path}.services[{j}]", "service", service_id, services)
            if not isinstance(service_id, str):
                continue
            served.add(service_id)
            service_tenant = owner.get(service_id)
            comparable = isinstance(tenant, str) and isinstance(service_tenant, str)
            if comparable and service_tenant != tenant:
                problems.append(
                    f"{path}.services[{j}]: service {service_id!r} belongs to tenant "
                    f"{service_tenant!r}, not to this counter's tenant {tenant!r}"
                )
    for i, zone in _items(data, "zones"):
        listed = zone.get("tenants")
        for j, tenant_id in enumerate(listed if isinstance(listed, list) else []):
            unknown(f"{item_path(data, 'zones', i)}.tenants[{j}]", "tenant", tenant_id, tenants)
    for i, device in _items(data, "devices"):
        path = item_path(data, "devices", i)
        unknown(f"{path}.counter", "counter", device.get("counter"), counters)
        unknown(f"{path}.zone", "zone", device.get("zone"), zones)
    for i, service in _items(data, "services"):
        if _unusable(data, "counters"):
            break
        if service.get("id") in services and service.get("id") not in served:
            problems.append(
                f"{item_path(data, 'services', i)}: no counter serves this service, "
                "so its tickets could never be called"
            )
    problems += _overlapping_hours(data)
    queue, hub = data.get("queue"), data.get("hub")
    if (not public and isinstance(queue, dict) and queue.get("phone_join") is True
            and not (isinstance(hub, dict) and hub.get("visitor_secret"))):
        problems.append("queue.phone_join: needs hub.visitor_secret (the phone page's "
                        "ticket keys are made with it)")
    return problems


def _duplicates(data: dict[str, Any]) -> list[str]:
    problems = []
    checks = [(section, "id") for section in SECTIONS]
    checks += [("services", "prefix"), ("counters", "number"), ("devices", "token")]
    for section, key in checks:
        seen: dict[object, int] = {}
        for i, item in _items(data, section):
            value = item.get(key)
            if value is None or isinstance(value, dict | list):
                continue
            if value in seen:
                shown = "(hidden)" if key == "token" else repr(value)
                problems.append(
                    f"{item_path(data, section, i)}.{key}: duplicate {key} {shown}, "
                    f"already used by {item_path(data, section, seen[value])}"
                )
            else:
                seen[value] = i
    for i, service in _items(data, "services"):
        # The counter names a missing requirement by its text: two alike are one.
        texts = service.get("requirements", {})
        found = texts.get("id") if isinstance(texts, dict) else None
        items: list[Any] = found if isinstance(found, list) else []
        for n, text in enumerate(items):
            if isinstance(text, str) and text in items[:n]:
                problems.append(f"{item_path(data, 'services', i)}.requirements.id[{n}]: "
                                f"duplicate requirement {text!r}, already item "
                                f"{items.index(text)}")
    holidays = _table(data, "schedule").get("holidays", [])
    seen_dates: dict[object, int] = {}
    for i, holiday in enumerate(holidays if isinstance(holidays, list) else []):
        date = holiday.get("date") if isinstance(holiday, dict) else None
        if date is None or isinstance(date, dict | list):
            continue
        if date in seen_dates:
            problems.append(
                f"schedule.holidays[{i}].date: {date} is already "
                f"schedule.holidays[{seen_dates[date]}]"
            )
        else:
            seen_dates[date] = i
    return problems


def _overlapping_hours(data: dict[str, Any]) -> list[str]:
    """A weekday may appear in only one hours entry of a list, and breaks may not overlap."""
    problems = []
    schedule = _table(data, "schedule")
    lists: list[tuple[str, object]] = [("schedule.hours", schedule.get("hours"))]
    for section in ("tenants", "services"):
        for i, item in _items(data, section):
            lists.append((f"{item_path(data, section, i)}.hours", item.get("hours")))
    for path, hours in lists:
        first_seen: dict[str, int] = {}
        for j, entry in enumerate(hours if isinstance(hours, list) else []):
            days = entry.get("days") if isinstance(entry, dict) else None
            for day in days if isinstance(days, list) else []:
                if not isinstance(day, str):
                    continue  # the model reports it
                if day in first_seen and first_seen[day] != j:
                    problems.append(
                        f"{path}[{j}].days: overlapping hours, {day!r} is already in "
                        f"{path}[{first_seen[day]}]"
                    )
                first_seen.setdefault(day, j)
    breaks = schedule.get("breaks")
    spans: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for j, entry in enumerate(breaks if isinstance(breaks, list) else []):
        if not isinstance(entry, dict):
            continue
        start, end = _clock(entry.get("start")), _clock(entry.get("end"))
        if start is None or end is None:
            continue  # the model reports the bad time
        days = entry.get("days")
        for day in days if isinstance(days, list) else []:
            if not isinstance(day, str):
                continue
            for other_start, other_end, k in spans[day]:
                if start < other_end and other_start < end:
                    problems.append(
                        f"schedule.breaks[{j}]: overlaps schedule.breaks[{k}] on {day!r}"
                    )
            spans[day].append((start, end, j))
    return problems


def _clock(value: object) -> str | None:
    """Normalise 8:00 / 08:00 / 08:00:00 / a TOML time to "08:00" (ordered as strings).

    None if `value` is not a time of day at all.
    """
    text = str(value) if isinstance(value, str | dt.time) else ""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(:\d{2}(\.\d+)?)?", text)
    return f"{int(match[1]):02d}:{match[2]}" if match else None
