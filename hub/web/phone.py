"""The visitor's phone: `/tiket/<ticket id>`, the page the ticket's QR opens.

The page is complete without JavaScript (the server renders it, and a `<noscript>`
refresh every 30 s keeps a script-less phone current). With JavaScript it updates
itself without reloading: `ticket.js` asks `?data=1&since=VERSION`, which the hub
answers as soon as the ticket's status differs from VERSION, or after `WAIT_S` with
the same status (then it asks again). No polling loop on the phone, no reload.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from typing import Any

from hub.engine import QueueEngine, TicketStatus, UnknownTicket

PATH_PREFIX = "/tiket/"
WAIT_S = 7.0
"""How long a phone's request waits for a change: under websockets' 10 s handshake limit,
which also bounds every plain HTTP answer of the hub."""

_STATUS = {
    TicketStatus.PENDING: ("Tiket sedang dicetak", "The ticket is being printed"),
    TicketStatus.WAITING: ("Menunggu dipanggil", "Waiting to be called"),
    TicketStatus.CALLED: ("Silakan menuju {counter}", "Please go to {counter}"),
    TicketStatus.PARKED: ("Ditunda sementara di {counter}", "On hold at {counter}"),
    TicketStatus.DONE: ("Selesai dilayani. Terima kasih!", "Served. Thank you!"),
    TicketStatus.NO_SHOW: ("Tidak hadir saat dipanggil", "Not present when called"),
    TicketStatus.CANCELLED: ("Dibatalkan", "Cancelled"),
    TicketStatus.EXPIRED: ("Kedaluwarsa", "Expired"),
}
NO_COUNTER_ID = "Belum ada loket yang buka untuk layanan ini"
NO_COUNTER_EN = "No counter is open for this service yet"


def ticket_status(engine: QueueEngine, ticket_id: str, at: dt.datetime) -> dict[str, Any] | None:
    """What the phone shows of a ticket of today, or None when there is no such ticket."""
    try:
        ticket = engine.ticket(ticket_id)
    except UnknownTicket:
        return None
    counter = engine.config.counter(ticket.counter_id).name if ticket.counter_id else None
    headline_id, headline_en = (text.format(counter=counter or "")
                                for text in _STATUS[ticket.status])
    service = engine.config.service(ticket.service_id)
    status: dict[str, Any] = {
        "ticket_id": ticket.ticket_id, "label": ticket.label, "status": ticket.status.value,
        "service_id": service.name.id, "service_en": service.name.en or service.name.id,
        "counter": counter, "headline_id": headline_id, "headline_en": headline_en,
        "people_ahead": None, "estimated_wait_minutes": None,
        "recalled": ticket.status == TicketStatus.CALLED and ticket.recall_count > 0,
        "present": ticket.present_at is not None and ticket.status == TicketStatus.CALLED,
        "can_leave": ticket.status == TicketStatus.WAITING,
    }
    if status["recalled"] and not status["present"]:
        status["headline_id"] = f"Anda dipanggil ulang ke {counter}"
        status["headline_en"] = f"You are called again to {counter}"
    if ticket.status in (TicketStatus.WAITING, TicketStatus.PENDING):
        ahead, minutes = engine.ticket_position(ticket.ticket_id, at)
        status["people_ahead"], status["estimated_wait_minutes"] = ahead, minutes
    status["version"] = hashlib.sha256(json.dumps(status, sort_keys=True).encode()
                                       ).hexdigest()[:16]
    status["updated"] = f"{at.astimezone(engine.timezone):%H:%M}"
    status["final"] = ticket.status in (TicketStatus.DONE, TicketStatus.NO_SHOW,
                                        TicketStatus.CANCELLED, TicketStatus.EXPIRED)
    return status


def wait_text(status: dict[str, Any]) -> str:
    """"± 8 menit", or why there is no estimate."""
    minutes = status["estimated_wait_minutes"]
    if minutes is None:
        return f"{NO_COUNTER_ID} / {NO_COUNTER_EN}"
    return f"± {minutes} menit / min"


def rows(status: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The table under the headline: (id, name in both languages, value)."""
    result = [("service", "Layanan / Service", status["service_id"])]
    if status["people_ahead"] is not None:
        result += [("ahead", "Orang di depan Anda / Ahead of you", str(status["people_ahead"])),
                   ("wait", "Perkiraan tunggu / Estimated wait", wait_text(status))]
    return result


def page(mall: str, status: dict[str, Any] | None) -> str:
    """The whole page, readable with or without JavaScript."""
    e = html.escape
    if status is None:
        main = ("<h1 class=nf>Tiket tidak ditemukan</h1><p>Nomor ini bukan dari hari ini, "
                "atau salah ketik.</p><p class=en>No such ticket today.</p>")
        data = "null"
    else:
        table = "".join(f"<tr id={key}><th>{e(name)}</th><td>{e(value)}</td></tr>"
                        for key, name, value in rows(status))
        main = (f"<p class=label>Nomor antrean · Queue number</p>"
                f"<h1 id=number>{e(status['label'])}</h1>"
                f"<section id=state class='state {e(status['status'])}'>"
                f"<h2 id=headline>{e(status['headline_id'])}</h2>"
                f"<p class=en id=headline-en>{e(status['headline_en'])}</p></section>"
                f"<table id=rows>{table}</table>"
                "<p id=notice class=error role=alert hidden></p>"
                "<div id=actions hidden>"
                "<button id=here hidden>Saya di sini, segera datang"
                "<span class=en>I'm here, coming now</span></button>"
                "<button id=leave class=quiet hidden>Keluar dari antrean"
                "<span class=en>Leave the queue</span></button>"
                "<div id=leave-confirm hidden><p>Yakin keluar? Nomor ini tidak dapat dipakai "
                "lagi. <span class=en>Sure? This number cannot be used again.</span></p>"
                "<button id=leave-yes class=danger>Ya, keluar · Yes, leave</button> "
                "<button id=leave-no class=quiet>Tidak · No</button></div></div>"
                f"<p class=small><span id=live>Diperbarui / updated</span> "
                f"<span id=updated>{e(status['updated'])}</span></p>"
                "<p class=small><a href=/pulihkan>Pulihkan halaman tiket · Recover a ticket "
                "page</a></p>")
        data = json.dumps(status).replace("</", "<\\/")
    return (
        "<!doctype html><html lang=id><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        "<noscript><meta http-equiv=refresh content=30></noscript>"
        f"<title>Status antrean — {mall}</title>"
        "<link rel=stylesheet href=/web/phone.css></head>"
        f"<body><header>{mall}</header><main>{main}</main>"
        f"<script type=application/json id=ticket-data>{data}</script>"
        "<script src=/web/phone.js defer></script></body></html>"
    )
