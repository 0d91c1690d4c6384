"""When services take tickets: opening hours, breaks, holidays, cut-off and quota.

Pure functions over the configuration and a local (mall time zone) datetime; the
caller supplies the clock. The engine refuses tickets with the reason computed here,
and the kiosk shows the same reason with `opens_at`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hub.config.models import WEEKDAYS, Break, Hours, MallConfig, Service

LOOKAHEAD_DAYS = 21
"""How far ahead to look for the next opening (long holidays such as Lebaran fit)."""


@dataclass(frozen=True, slots=True)
class Availability:
    """Whether a service takes tickets now, and if not why and from when."""

    open: bool
    reason: str | None = None
    """closed_today, holiday, not_open_yet, after_cutoff or quota_reached."""
    opens_at: dt.datetime | None = None
    on_break: Break | None = None
    """Tickets are still issued during a break; calls resume at its end."""
    closes_at: dt.datetime | None = None
    """Last moment a ticket is issued today (the cut-off)."""


def hours_for(config: MallConfig, service: Service) -> list[Hours]:
    """Return the hours that apply: the service's own, else its tenant's, else the mall's."""
    if service.hours is not None:
        return service.hours
    tenant_hours = config.tenant(service.tenant).hours
    return tenant_hours if tenant_hours is not None else config.schedule.hours


def hours_on(hours: list[Hours], day: dt.date) -> Hours | None:
    """Return the hours entry for this weekday, if the service works that day."""
    weekday = WEEKDAYS[day.weekday()]
    return next((entry for entry in hours if weekday in entry.days), None)


def holiday_on(config: MallConfig, day: dt.date) -> str | None:
    """Return the holiday's name if the mall is closed on `day`."""
    return next((h.name for h in config.schedule.holidays if h.date == day), None)


def break_at(config: MallConfig, local: dt.datetime) -> Break | None:
    """Return the break in progress at this local time, if any."""
    weekday = WEEKDAYS[local.weekday()]
    now = local.time()
    for entry in config.schedule.breaks:
        if weekday in entry.days and entry.start <= now < entry.end:
            return entry
    return None


def next_opening(config: MallConfig, service: Service, local: dt.datetime) -> dt.datetime | None:
    """Return the next time (after `local`) the service starts taking tickets."""
    hours = hours_for(config, service)
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = local.date() + dt.timedelta(days=offset)
        entry = hours_on(hours, day)
        if entry is None or holiday_on(config, day):
            continue
        opening = dt.datetime.combine(day, entry.open, tzinfo=local.tzinfo)
        if opening > local:
            return opening
    return None


def availability(
    config: MallConfig, service: Service, local: dt.datetime, issued_today: int
) -> Availability:
    """Say whether `service` takes a ticket at `local` given how many it issued today."""
    day = local.date()
    if holiday_on(config, day):
        return Availability(False, "holiday", next_opening(config, service, local))
    entry = hours_on(hours_for(config, service), day)
    if entry is None:
        return Availability(False, "closed_today", next_opening(config, service, local))
    now = local.time()
    if now < entry.open:
        return Availability(False, "not_open_yet", next_opening(config, service, local))
    if now >= entry.last_ticket_time:
        return Availability(False, "after_cutoff", next_opening(config, service, local))
    if service.daily_quota is not None and issued_today >= service.daily_quota:
        return Availability(False, "quota_reached", next_opening(config, service, local))
    closes_at = dt.datetime.combine(day, entry.last_ticket_time, tzinfo=local.tzinfo)
    return Availability(True, on_break=break_at(config, local), closes_at=closes_at)
