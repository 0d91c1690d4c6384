"""Words the counter terminal and hall display show: Bahasa Indonesia first, English second.

Pure functions (no Qt, no clock): dates, clock faces, statuses and durations, so the
wording is tested once and both apps say the same thing.
"""

from __future__ import annotations

import datetime as dt

DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember")

PAUSE_REASONS: dict[str, tuple[str, str]] = {
    "istirahat": ("Istirahat", "Break"),
    "sholat": ("Sholat", "Prayer"),
    "rapat": ("Rapat", "Meeting"),
    "lainnya": ("Lainnya", "Other"),
}

OFFLINE_ID = "Tidak terhubung ke server antrean — menyambung kembali…"
OFFLINE_EN = "Not connected to the queue server — reconnecting…"
REFUSED_ID = "Perangkat ini ditolak oleh server antrean. Periksa device id dan token."
REFUSED_EN = "The queue server refused this device. Check the device id and token."

_ZONE_NAMES = {7: "WIB", 8: "WITA", 9: "WIT"}


def long_date(day: dt.date) -> str:
    """Say a date the Indonesian way: "Senin, 23 November 2026"."""
    return f"{DAYS_ID[day.weekday()]}, {day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def clock_face(moment: dt.datetime, seconds: bool = False) -> str:
    """Say the time as Indonesians write it: "09.05" (or "09.05.07")."""
    return moment.strftime("%H.%M.%S" if seconds else "%H.%M")


def zone_name(moment: dt.datetime) -> str:
    """Name Indonesia's time zone of an aware time (WIB, WITA, WIT), or "" elsewhere."""
    offset = moment.utcoffset()
    if offset is None:
        return ""
    hours = offset.total_seconds() / 3600
    return _ZONE_NAMES.get(int(hours), "") if hours.is_integer() else ""


def pause_reason(reason: str | None) -> tuple[str, str]:
    """Name a configured pause reason; unknown ids are shown as written, capitalised."""
    if not reason:
        return PAUSE_REASONS["istirahat"]
    fallback = reason.replace("_", " ").replace("-", " ").capitalize()
    return PAUSE_REASONS.get(reason, (fallback, fallback))


def counter_status(status: str | None, reason: str | None = None) -> tuple[str, str]:
    """Say what a counter is doing, for staff: Buka / Istirahat: sholat / Tutup."""
    if status in ("open", "serving"):
        return ("Buka", "Open")
    if status == "paused":
        reason_id, reason_en = pause_reason(reason)
        if reason in (None, "", "istirahat"):
            return ("Istirahat", "On break")
        return (f"Istirahat: {reason_id.lower()}", f"Paused: {reason_en.lower()}")
    if status == "closed":
        return ("Tutup", "Closed")
    return ("—", "Unknown")


def minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole minutes from start to end (never negative)."""
    return max(0, int((end - start).total_seconds() // 60))


def minutes_text(minutes: int) -> tuple[str, str]:
    """Say a duration in minutes: "< 1 menit", "12 menit"."""
    if minutes < 1:
        return ("< 1 menit", "< 1 min")
    return (f"{minutes} menit", f"{minutes} min")


def parse_time(text: str | None) -> dt.datetime | None:
    """Read an ISO time the hub sent (None stays None)."""
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None
