"""The page a ticket's QR code opens: where the visitor is in the queue, in plain words.

Pure: engine state in, HTML out (no scripts, no external resources, refreshes itself
every 30 s so a phone left open stays current).
"""

from __future__ import annotations

import datetime as dt
import html
from urllib.parse import unquote

from hub.engine import QueueEngine, TicketStatus, UnknownTicket

PATH_PREFIX = "/tiket/"

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


def ticket_page(engine: QueueEngine, path: str, at: dt.datetime) -> tuple[int, str]:
    """Return (HTTP status, HTML) for GET /tiket/<ticket id>."""
    ticket_id = unquote(path[len(PATH_PREFIX):])
    mall = html.escape(engine.config.mpp.name)
    try:
        ticket = engine.ticket(ticket_id)
    except UnknownTicket:
        body = ("<h1>Tiket tidak ditemukan</h1><p>Nomor ini bukan dari hari ini, atau salah "
                "ketik.</p><p class=en>No such ticket today.</p>")
        return 404, _page(mall, body)
    service = engine.config.service(ticket.service_id)
    counter = ""
    if ticket.counter_id:
        counter = engine.config.counter(ticket.counter_id).name
    indonesian, english = (text.format(counter=html.escape(counter))
                           for text in _STATUS[ticket.status])
    rows = [("Layanan / Service", html.escape(service.name.id))]
    if ticket.status in (TicketStatus.WAITING, TicketStatus.PENDING):
        ahead, minutes = engine.ticket_position(ticket.ticket_id, at)
        wait = (f"± {minutes} menit" if minutes is not None else
                "Belum ada loket yang buka untuk layanan ini / "
                "No counter is open for this service yet")
        rows += [("Orang di depan Anda / Ahead of you", str(ahead)),
                 ("Perkiraan tunggu / Estimated wait", wait)]
    table = "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in rows)
    body = (f"<p class=label>Nomor antrean / Queue number</p><h1>{html.escape(ticket.label)}"
            f"</h1><h2>{indonesian}</h2><p class=en>{english}</p><table>{table}</table>"
            f"<p class=small>Diperbarui / updated {at.astimezone(engine.timezone):%H:%M}</p>")
    return 200, _page(mall, body)


def _page(mall: str, body: str) -> str:
    return (
        "<!doctype html><html lang=id><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        "<meta http-equiv=refresh content=30>"
        f"<title>Status antrean — {mall}</title><style>"
        "body{font-family:sans-serif;margin:0;background:#f4f6fa;color:#1f2933;text-align:center}"
        "header{background:#0b4f9c;color:#fff;padding:14px;font-weight:bold}"
        "h1{font-size:64px;margin:8px 0;color:#083a73}h2{margin:8px}"
        ".en{color:#52606d;margin-top:0}.label{margin-bottom:0}.small{font-size:12px}"
        "table{margin:16px auto;border-collapse:collapse}th,td{padding:6px 10px;"
        "text-align:left;border-bottom:1px solid #d3dbe6}</style></head>"
        f"<body><header>{mall}</header><main>{body}</main></body></html>"
    )
