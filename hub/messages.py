"""Human messages for error codes, Bahasa Indonesia first, English second.

Clients show `message_id` or `message_en` by the visitor's language; `code` is stable
and is what programs should test.
"""

from __future__ import annotations

import datetime as dt

from hub.engine import OnBreak, QueueError, ServiceUnavailable
from hub.engine.appointments import AppointmentRefused, ImportRefused
from hub.engine.limits import LimitReached

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
    "import_refused": ("Impor ditolak: ada baris yang tidak dapat didaftarkan. Tidak ada "
                       "yang didaftarkan.",
                       "Import refused: some rows cannot be booked. Nothing was booked."),
    "appointment_refused": ("Pendaftaran online tidak dapat diproses.",
                            "The appointment cannot be processed."),
    "limit_reached": ("Batas nomor antrean untuk nomor HP/NIK ini sudah tercapai.",
                      "The ticket limit for this phone number or NIK is reached."),
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


APPOINTMENT: dict[str, tuple[str, str]] = {
    "not_bookable": ("Layanan ini tidak menerima pendaftaran online.",
                     "This service takes no online appointments."),
    "not_a_slot": ("Tidak ada jadwal pada jam tersebut.", "No slot starts at that time."),
    "holiday": ("Hari itu hari libur.", "That day is a public holiday."),
    "closed_today": ("Layanan tidak buka pada hari itu.", "The service is closed that day."),
    "slot_full": ("Jadwal tersebut sudah penuh. Silakan pilih jam lain.",
                  "That slot is full. Please choose another time."),
    "booking_closed": ("Pendaftaran untuk jadwal tersebut sudah ditutup.",
                       "Booking for that slot has closed."),
    "too_far_ahead": ("Tanggal tersebut belum dapat dipesan.",
                      "That day cannot be booked yet."),
    "code_taken": ("Kode pendaftaran sudah dipakai.", "That booking code is in use."),
    "unknown_appointment": ("Kode pendaftaran tidak ditemukan. Periksa kembali kodenya.",
                            "Booking code not found. Please check the code."),
    "cancelled": ("Pendaftaran ini sudah dibatalkan.", "This appointment was cancelled."),
    "missed": ("Jadwal pendaftaran ini sudah lewat.", "This appointment's time has passed."),
    "already_checked_in": ("Pendaftaran ini sudah check-in dan sudah mendapat nomor antrean.",
                           "This appointment is already checked in and has its ticket."),
    "too_early": ("Check-in belum dibuka.", "Check-in is not open yet."),
    "too_late": ("Waktu check-in sudah lewat. Silakan ambil nomor antrean biasa.",
                 "Check-in time has passed. Please take an ordinary ticket."),
}
"""Why an appointment was refused, as the portal and the kiosk say it (`reason`)."""

LIMITS: dict[str, tuple[str, str]] = {
    "one_active": ("Anda masih memiliki nomor antrean aktif untuk layanan ini. Selesaikan "
                   "atau batalkan dulu nomor tersebut.",
                   "You already hold an open ticket for this service. Finish or leave it "
                   "first."),
    "max_per_day": ("Batas nomor antrean hari ini untuk layanan ini sudah tercapai bagi "
                    "nomor HP/NIK tersebut.",
                    "This phone number or NIK has reached today's ticket limit for this "
                    "service."),
}
"""Why a service's anti-calo limit refused a ticket (`reason`, hub/engine/limits.py)."""


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
    elif isinstance(error, ImportRefused):
        body["message_en"] = TEXTS["import_refused"][1]  # the rows say what, one by one
        body["rows"] = [{"row": number, **describe_queue_error(refused)}
                        for number, refused in error.rows]
    elif isinstance(error, AppointmentRefused):
        message_id, message_en = APPOINTMENT.get(error.reason, TEXTS["appointment_refused"])
        if error.when is not None and error.reason == "too_early":
            message_id += f" Check-in mulai {error.when:%d/%m} pukul {error.when:%H.%M}."
            message_en += f" Check-in opens {error.when:%d/%m} at {error.when:%H:%M}."
        elif error.when is not None and error.reason in ("too_late", "booking_closed"):
            message_id += f" (ditutup {error.when:%d/%m} pukul {error.when:%H.%M})"
            message_en += f" (closed {error.when:%d/%m} at {error.when:%H:%M})"
        body.update(message_id=message_id, message_en=message_en, reason=error.reason)
        if error.when is not None:
            body["at"] = error.when.isoformat()
    elif isinstance(error, LimitReached):
        message_id, message_en = LIMITS.get(error.reason, TEXTS["limit_reached"])
        if error.reason == "max_per_day":
            message_id += f" (maksimal {error.limit} per hari)"
            message_en += f" (at most {error.limit} a day)"
        body.update(message_id=message_id, message_en=message_en, reason=error.reason,
                    limit=error.limit)
    elif isinstance(error, OnBreak):
        message_id, message_en = break_text(error.reason_id, error.reason_en, error.ends_at)
        body.update(message_id=message_id, message_en=message_en,
                    ends_at=error.ends_at.isoformat())
    return body


def break_text(reason_id: str, reason_en: str | None, ends_at: dt.datetime) -> tuple[str, str]:
    """Say a break and its end: "Istirahat Sholat Jumat, dilanjutkan 13.00"."""
    return (f"Istirahat {reason_id}, dilanjutkan {ends_at:%H.%M}.",
            f"Break ({reason_en or reason_id}), resuming at {ends_at:%H:%M}.")
