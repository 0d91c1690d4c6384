"""Human messages for error codes, Bahasa Indonesia first, English second.

Clients show `message_id` or `message_en` by the visitor's language; `code` is stable
and is what programs should test.
"""

from __future__ import annotations

import datetime as dt

from hub.engine import OnBreak, QueueError, ServiceUnavailable

_DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

TEXTS: dict[str, tuple[str, str]] = {
    "bad_json": ("Pesan tidak dapat dibaca (bukan JSON).", "Message is not valid JSON."),
    "unknown_type": ("Jenis pesan tidak dikenal.", "Unknown message type."),
    "bad_message": ("Isi pesan tidak sesuai.", "Message fields are not valid."),
    "not_allowed": ("Perangkat ini tidak berwenang untuk perintah tersebut.",
                    "This device may not send that command."),
    "auth_failed": ("Perangkat tidak dikenal atau token salah.",
                    "Unknown device or wrong token."),
    "hello_expected": ("Perangkat harus memperkenalkan diri terlebih dahulu.",
                       "Send hello first."),
    "unsupported_protocol": ("Versi protokol perangkat tidak didukung.",
                             "This protocol version is not supported."),
    "rate_limited": ("Terlalu banyak permintaan, coba lagi sebentar.",
                     "Too many requests; try again shortly."),
    "internal_error": ("Terjadi kesalahan pada server antrean.", "The queue server failed."),
    "unknown_service": ("Layanan tidak dikenal.", "Unknown service."),
    "unknown_counter": ("Loket tidak dikenal.", "Unknown counter."),
    "unknown_ticket": ("Nomor antrean tidak ditemukan hari ini.", "No such ticket today."),
    "illegal_move": ("Perintah tidak dapat dijalankan pada keadaan ini.",
                     "That command is not possible now."),
    "queue_empty": ("Tidak ada antrean yang menunggu.", "Nobody is waiting."),
    "invalid_argument": ("Isian perintah tidak valid.", "Invalid command argument."),
    "service_unavailable": ("Layanan tidak menerima antrean saat ini.",
                            "The service is not taking tickets now."),
    "on_break": ("Pemanggilan menunggu sampai waktu istirahat selesai.",
                 "Calls wait until the break ends."),
}

UNAVAILABLE: dict[str, tuple[str, str]] = {
    "closed_today": ("Layanan tidak buka hari ini.", "This service is closed today."),
    "holiday": ("Hari ini hari libur.", "Today is a public holiday."),
    "not_open_yet": ("Layanan belum buka.", "This service is not open yet."),
    "after_cutoff": ("Pengambilan nomor antrean hari ini sudah ditutup.",
                     "Tickets for today are no longer issued."),
    "quota_reached": ("Kuota antrean hari ini sudah habis.", "Today's quota is used up."),
    "closed_by_supervisor": ("Layanan ditutup sementara oleh pengelola MPP hari ini.",
                             "The service was closed for today by the MPP management."),
    "priority_not_allowed": ("Layanan ini tidak memiliki antrean prioritas.",
                             "This service has no priority queue."),
}


def opens_text(opens_at: dt.datetime) -> tuple[str, str]:
    """Say when a service opens again: "Buka kembali Selasa, 24/11 pukul 08.00"."""
    day_id = _DAYS_ID[opens_at.weekday()]
    return (
        f"Buka kembali {day_id}, {opens_at:%d/%m} pukul {opens_at:%H.%M}.",
        f"Opens again {opens_at:%A %d/%m at %H:%M}.",
    )


def describe(code: str, detail: str = "") -> dict[str, str]:
    """Return the error body for a protocol-level code."""
    message_id, message_en = TEXTS.get(code, TEXTS["internal_error"])
    return {"code": code, "message_id": message_id,
            "message_en": f"{message_en} {detail}".strip() if detail else message_en}


def describe_queue_error(error: QueueError) -> dict[str, object]:
    """Return the error body for an engine refusal, with the reason a kiosk can show."""
    body: dict[str, object] = dict(describe(error.code, str(error)))
    if isinstance(error, ServiceUnavailable):
        message_id, message_en = UNAVAILABLE.get(error.reason, TEXTS["service_unavailable"])
        if error.opens_at is not None:
            more_id, more_en = opens_text(error.opens_at)
            message_id, message_en = f"{message_id} {more_id}", f"{message_en} {more_en}"
            body["opens_at"] = error.opens_at.isoformat()
        body.update(message_id=message_id, message_en=message_en, reason=error.reason)
    elif isinstance(error, OnBreak):
        message_id, message_en = break_text(error.reason_id, error.reason_en, error.ends_at)
        body.update(message_id=message_id, message_en=message_en,
                    ends_at=error.ends_at.isoformat())
    return body


def break_text(reason_id: str, reason_en: str | None, ends_at: dt.datetime) -> tuple[str, str]:
    """Say a break and its end: "Istirahat Sholat Jumat, dilanjutkan 13.00"."""
    return (f"Istirahat {reason_id}, dilanjutkan {ends_at:%H.%M}.",
            f"Break ({reason_en or reason_id}), resuming at {ends_at:%H:%M}.")
