"""The phone pages' HTML (phone_api.py routes them): join, recover, poster.

Plain server-rendered HTML, Bahasa Indonesia first with English under it, one column for
a phone; every file they need is served by the hub (`/web/…`), so they work on the
mall's Wi-Fi with no internet. What the page says about a service (open or why not,
people waiting, the estimate) is the engine's, as the kiosk shows it.
"""

from __future__ import annotations

import datetime as dt
import html
import io

import qrcode
import qrcode.image.svg

from hub.engine import QueueEngine
from hub.messages import UNAVAILABLE, opens_text

PRIORITY_NAMES = {"lansia": ("Lansia", "Elderly"), "disabilitas": ("Disabilitas", "Disability"),
                  "ibu_hamil": ("Ibu hamil", "Pregnant")}
"""As the kiosk names them (kiosk/texts.py); another configured kind shows its id."""

REFUSALS: dict[str, tuple[str, str]] = {
    "phone_join_off": ("Pengambilan nomor antrean lewat HP tidak tersedia di MPP ini.",
                       "Taking a ticket by phone is not offered at this MPP."),
    "wrong_key": ("Halaman ini tidak dapat mengubah tiket tersebut. Pulihkan halaman "
                  "tiket Anda dengan nomor antrean dan 4 angka terakhir HP.",
                  "This page cannot change that ticket. Recover your ticket page with the "
                  "number and the last 4 digits of your phone."),
    "no_match": ("Nomor antrean dan 4 angka terakhir HP tidak cocok dengan tiket hari ini.",
                 "The number and the last 4 digits do not match a ticket of today."),
    "too_many_attempts": ("Terlalu banyak percobaan untuk nomor ini. Silakan ke petugas "
                          "informasi.",
                          "Too many attempts for this number. Please ask at the "
                          "information desk."),
}
"""The phone pages' own refusals (error codes of docs/protocol.md §22.5)."""


def _head(title: str, mall: str) -> str:
    return ("<!doctype html><html lang=id><head><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width, initial-scale=1'>"
            f"<title>{title} — {mall}</title>"
            "<link rel=stylesheet href=/web/phone.css></head>"
            f"<body><header>{mall}</header><main>")


def _foot(script: str | None) -> str:
    tag = f"<script src=/web/{script} defer></script>" if script else ""
    return f"</main>{tag}</body></html>"


def closed_page(mall: str) -> str:
    """Joining by phone is not offered here."""
    message_id, message_en = REFUSALS["phone_join_off"]
    return (_head("Ambil nomor antrean", mall) + f"<h1 class=nf>{message_id}</h1>"
            f"<p class=en>{message_en}</p>"
            "<p><a href=/pulihkan>Pulihkan halaman tiket · Recover a ticket page</a></p>"
            + _foot(None))


def _service_choice(engine: QueueEngine, service_id: str, at: dt.datetime) -> str:
    e = html.escape
    service = engine.config.service(service_id)
    state = engine.availability(service_id, at)
    ahead, minutes = engine.estimate_wait(service_id, at)
    name_en = service.name.en or service.name.id
    if state.open:
        wait = (f"± {minutes} menit / min" if minutes is not None
                else "belum ada loket buka / no counter open yet")
        meta = f"{ahead} menunggu / waiting · {wait}"
        disabled = ""
    else:
        reason_id, reason_en = UNAVAILABLE.get(state.reason or "", (
            "Layanan tidak menerima antrean saat ini.", "Not taking tickets now."))
        if state.opens_at is not None:
            more_id, more_en = opens_text(engine.local(state.opens_at))
            reason_id, reason_en = f"{reason_id} {more_id}", f"{reason_en} {more_en}"
        meta = f"{reason_id} / {reason_en}"
        disabled = " disabled"
    kinds = ",".join(engine.config.queue.priority_kinds) if service.allow_priority else ""
    limited = "1" if service.limits is not None else ""
    return (f"<label class='svc{' closed' if disabled else ''}'>"
            f"<input type=radio name=service value={e(service_id)}{disabled} "
            f"data-priority='{e(kinds)}' data-limits='{limited}'>"
            f"<span><b>{e(service.name.id)}</b><span class=en> {e(name_en)}</span>"
            f"<small>{e(meta)}</small></span></label>")


def _requirements(engine: QueueEngine, service_id: str) -> str:
    """The service's published requirements as a "Sudah membawa…?" checklist."""
    e = html.escape
    service = engine.config.service(service_id)
    items_id = service.requirements.id
    if not items_id:
        return ""
    items_en = service.requirements.en or items_id
    boxes = "".join(f"<label><input type=checkbox> {e(i)}<span class=en> · {e(n)}</span></label>"
                    for i, n in zip(items_id, items_en, strict=True))
    return (f"<div class=req data-for={e(service_id)} hidden>"
            "<p><b>Sudah membawa…?</b> <span class=en>Have you brought…?</span></p>"
            f"{boxes}</div>")


def join_page(mall: str, engine: QueueEngine, at: dt.datetime) -> str:
    """The join page: services by tenant, then the visitor's number, NIK and priority."""
    e = html.escape
    config = engine.config
    groups = []
    for tenant in config.tenants:
        services = [s.id for s in config.services if s.tenant == tenant.id]
        if services:
            # Each tenant folds (a mall has dozens of services); a service's checklist
            # sits right under it, shown once it is chosen.
            choices = "".join(_service_choice(engine, s, at) + _requirements(engine, s)
                              for s in services)
            open_now = sum(1 for s in services if engine.availability(s, at).open)
            groups.append(f"<details id=tenant-{e(tenant.id)}><summary>{e(tenant.name.id)}"
                          f"<small>{open_now} dari {len(services)} layanan buka · "
                          f"{open_now} of {len(services)} open</small></summary>"
                          f"{choices}</details>")
    requirements = ""
    kinds = "".join(
        f"<option value={e(kind)} hidden>{e(' / '.join(PRIORITY_NAMES.get(kind, (kind,))))}"
        "</option>" for kind in config.queue.priority_kinds)
    return (
        _head("Ambil nomor antrean", mall)
        + "<h1 class=title>Ambil nomor antrean</h1><p class=en>Take a queue number</p>"
        "<noscript><p class=error>Halaman ini memerlukan JavaScript. · This page needs "
        "JavaScript.</p></noscript>"
        "<form id=join novalidate>"
        "<h2>1. Pilih layanan <span class=en>· Choose a service</span></h2>"
        + "".join(groups) + requirements
        + "<h2>2. Data Anda <span class=en>· About you</span></h2>"
        "<label class=field>Nomor HP <span class=en>· Phone number</span>"
        "<input id=contact name=contact type=tel inputmode=tel autocomplete=tel "
        "maxlength=32 required placeholder='08xx xxxx xxxx'></label>"
        "<p class=hint>Untuk memulihkan halaman ini dan pemberitahuan giliran. "
        "<span class=en>To recover this page and to tell you when your turn is near.</span></p>"
        "<label class=field id=nik-field hidden>NIK (16 angka) <span class=en>· national ID "
        "number</span><input id=nik name=nik inputmode=numeric maxlength=20></label>"
        "<label class=field id=priority-field hidden>Antrean prioritas (bila berlaku) "
        "<span class=en>· Priority queue (if it applies)</span>"
        "<select id=priority name=priority><option value=''>Tidak / No</option>"
        f"{kinds}</select></label>"
        "<p id=error class=error role=alert hidden></p>"
        "<button id=take type=submit>Ambil nomor <span class=en>· Take a number</span></button>"
        "</form>"
        "<p class=small><a href=/pulihkan>Halaman tiket hilang? Pulihkan · "
        "Lost your ticket page? Recover it</a></p>"
        + _foot("join.js"))


def recover_page(mall: str) -> str:
    """Recover a lost ticket page: its number and the last 4 digits of the phone given."""
    return (
        _head("Pulihkan tiket", mall)
        + "<h1 class=title>Pulihkan halaman tiket</h1><p class=en>Recover your ticket page</p>"
        "<form id=recover novalidate>"
        "<label class=field>Nomor antrean <span class=en>· Queue number</span>"
        "<input id=label name=label maxlength=16 autocapitalize=characters required "
        "placeholder='A-012'></label>"
        "<label class=field>4 angka terakhir nomor HP <span class=en>· Last 4 digits of the "
        "phone number</span><input id=last4 name=last4 inputmode=numeric maxlength=4 "
        "required></label>"
        "<p id=error class=error role=alert hidden></p>"
        "<button id=find type=submit>Pulihkan <span class=en>· Recover</span></button></form>"
        "<p class=small><a href=/ambil>Ambil nomor antrean · Take a queue number</a></p>"
        + _foot("join.js"))


def qr_svg(text: str) -> str:
    """A QR code of `text` as inline SVG (made here: no internet needed to print it)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=12,
                        border=2)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg"):]


def poster_page(mall: str, url: str, joining: bool) -> str:
    """The A4 poster for the hall: scan to take a number (or to follow a ticket)."""
    e = html.escape
    if joining:
        title_id, title_en = "Ambil nomor antrean dari HP Anda", "Take a queue number on your phone"
    else:
        title_id, title_en = "Pulihkan halaman tiket Anda", "Recover your ticket page"
        url = url.replace("/ambil", "/pulihkan")
    return (
        "<!doctype html><html lang=id><head><meta charset=utf-8>"
        f"<title>Poster — {mall}</title><link rel=stylesheet href=/web/phone.css></head>"
        f"<body class=poster><h1>{mall}</h1><h2>{title_id}</h2><p class=en>{title_en}</p>"
        f"<div class=qr>{qr_svg(url)}</div>"
        "<p>Sambungkan ke Wi-Fi MPP, lalu pindai kode ini. Tanpa kuota internet.</p>"
        "<p class=en>Join the MPP's Wi-Fi, then scan this code. No mobile data needed.</p>"
        f"<p class=url>{e(url)}</p></body></html>")
