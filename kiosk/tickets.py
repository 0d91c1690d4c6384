"""Turn the hub's answer into what the printer needs, and the config into a printer target."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from hub.config import MallConfig
from hub.config.models import PrinterSettings
from hub.hub_messages import Result
from kiosk.texts import t, wait_text
from ticket_printer import PrinterTarget, TicketData


class KioskTicket(BaseModel):
    """A ticket_issued or ticket_reprinted event (docs/protocol.md §8): what the kiosk prints.

    Read once from the event, so the screens and the printer use attributes; a
    ticket_issued carries no status (it is pending or waiting) and no issued_at (`at`).
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    type: Literal["ticket_issued", "ticket_reprinted"]
    ticket_id: str
    label: str
    service_id: str
    at: dt.datetime
    priority_kind: str | None = None
    channel: str = "kiosk"
    """ticket_issued: kiosk, or online for a checked-in appointment."""
    people_ahead: int
    estimated_wait_minutes: int | None
    status: str = "pending"
    issued_at: dt.datetime | None = None
    device_id: str | None = None
    """ticket_reprinted: the kiosk that prints it."""
    by: str | None = None
    """ticket_reprinted: the device that asked (this kiosk, or a supervisor)."""

    @property
    def waiting(self) -> bool:
        """True while people ahead and the wait still mean something."""
        return self.status in ("pending", "waiting")


def ticket_from(result: Result, kind: str = "ticket_issued") -> KioskTicket:
    """Return the ticket_issued (or ticket_reprinted) event inside a request's result."""
    return KioskTicket.model_validate(next(e for e in result.events if e["type"] == kind))


def status_url(config: MallConfig, ticket_id: str) -> str | None:
    """The QR payload for a ticket (its status page), if the mall configured one."""
    template = config.mpp.status_url
    return template.format(ticket_id=ticket_id) if template else None


def ticket_data(
    config: MallConfig, issued: KioskTicket, language: str, base: Path,
    online_slot: tuple[dt.datetime, dt.datetime] | None = None,
) -> TicketData:
    """Build the printed ticket from a ticket_issued (or ticket_reprinted) event.

    In the visitor's language; an unknown wait is said, not printed as a number, and a
    reprint is marked with its time. A checked-in appointment (channel online) says so,
    with its slot when the check-in gave it.
    """
    service = config.service(issued.service_id)
    tenant = config.tenant(service.tenant)
    tz = ZoneInfo(config.mpp.timezone)
    requirements = service.requirements.get(language)
    priority = None
    if issued.priority_kind:
        kind = t(f"priority_{issued.priority_kind}", language)
        priority = f"{'Priority' if language == 'en' else 'Prioritas'}: {kind}"
    logo = base / config.mpp.logo if config.mpp.logo else None
    waiting = issued.waiting
    minutes = issued.estimated_wait_minutes if waiting else None
    people_ahead = issued.people_ahead if waiting else 0
    wait_note = ""
    if waiting and minutes is None:
        wait_note = wait_text(None, people_ahead, language)
    reprint_note = ""
    if issued.type == "ticket_reprinted":
        at = issued.at.astimezone(tz)
        reprint_note = t("reprint_note", language, time=at.strftime(
            "%H:%M" if language == "en" else "%H.%M"))
    channel_note = ""
    if online_slot is not None:
        start, end = (moment.astimezone(tz) for moment in online_slot)
        pattern = "%H:%M" if language == "en" else "%H.%M"
        channel_note = t("online_slot", language, start=start.strftime(pattern),
                         end=end.strftime(pattern))
    elif issued.channel == "online":
        channel_note = t("online_queue", language)
    return TicketData(
        mpp_name=config.mpp.name,
        tenant_name=tenant.name.get(language),
        service_name=service.name.get(language),
        ticket_label=issued.label,
        issued_at=(issued.issued_at or issued.at).astimezone(tz),
        people_ahead=people_ahead,
        estimated_wait_minutes=minutes,
        wait_note=wait_note,
        reprint_note=reprint_note,
        bring_note=", ".join(requirements[:3]),
        status_url=status_url(config, issued.ticket_id),
        footer=config.mpp.ticket_footer.get(language),
        complaint_url=config.mpp.complaints.lapor_url,
        complaint_text=config.mpp.complaints.lapor_text.get(language),
        language="en" if language == "en" else "id",
        priority_label=priority,
        channel_note=channel_note,
        logo_path=logo if logo and logo.exists() else None,
    )


def printer_target(settings: PrinterSettings, base: Path) -> PrinterTarget:
    """Build the printer target; a relative virtual folder or file path is under `base`."""
    values = settings.model_dump()
    for key in ("folder", "path"):
        if values.get(key) and not Path(values[key]).is_absolute():
            values[key] = str(base / values[key])
    return PrinterTarget.from_settings(values)
