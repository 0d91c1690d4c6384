"""Every text the kiosk shows, Bahasa Indonesia first and English second."""

from __future__ import annotations

import datetime as dt

from hub.hub_messages import BreakView
from hub.messages import UNAVAILABLE

TEXTS: dict[str, tuple[str, str]] = {
    "welcome": ("Selamat Datang", "Welcome"),
    "touch_to_start": ("Sentuh untuk mengambil nomor antrean",
                       "Touch to take a queue number"),
    "choose_tenant": ("Pilih instansi", "Choose an agency"),
    "lapor_scan": ("Pindai dengan ponsel untuk menyampaikan pengaduan atau saran.",
                   "Scan with your phone to file a complaint or a suggestion."),
    "phone_join": ("Antre dari HP Anda", "Queue from your phone"),
    "phone_join_scan": ("Pindai dengan Wi-Fi MPP: ambil nomor tanpa kertas dan pantau "
                        "antrean.", "Scan on the MPP's Wi-Fi: a number without paper, "
                        "followed live."),
    "choose_service": ("Pilih layanan", "Choose a service"),
    "booked_online": ("Sudah daftar online? Check-in di sini",
                      "Booked online? Check in here"),
    "check_in_title": ("Check-in antrean online", "Online appointment check-in"),
    "check_in_how": ("Ketik kode pendaftaran Anda (6 huruf dan angka), atau pindai kode QR "
                     "pendaftaran pada pemindai.",
                     "Type your booking code (6 letters and digits), or scan the booking's "
                     "QR code at the scanner."),
    "booking_code": ("Kode", "Code"),
    "delete_key": ("Hapus", "Delete"),
    "clear_key": ("Ulangi", "Clear"),
    "check_in_button": ("Check-in dan Cetak Nomor", "Check In and Print My Number"),
    "check_in_failed": ("Check-in tidak berhasil", "Check-in did not succeed"),
    "code_typed": ("Kode: {code}", "Code: {code}"),
    "try_again": ("Coba lagi", "Try again"),
    "online_queue": ("Antrean online", "Online appointment"),
    "online_slot": ("Antrean online, jadwal {start}–{end}",
                    "Online appointment, slot {start}–{end}"),
    "search": ("Cari layanan…", "Search services…"),
    "search_results": ("Hasil pencarian", "Search results"),
    "no_results": ("Tidak ada layanan yang cocok.", "No matching service."),
    "back": ("Kembali", "Back"),
    "home": ("Beranda", "Home"),
    "open": ("Buka", "Open"),
    "closed": ("Tutup", "Closed"),
    "services_count": ("{n} layanan", "{n} services"),
    "waiting": ("{n} menunggu", "{n} waiting"),
    "wait_estimate": ("± {m} menit", "about {m} min"),
    "requirements": ("Persyaratan", "Requirements"),
    "procedure": ("Prosedur", "Procedure"),
    "fee": ("Biaya", "Fee"),
    "free": ("Gratis", "Free"),
    "completion_time": ("Waktu penyelesaian", "Completion time"),
    "people_waiting": ("Orang menunggu", "People waiting"),
    "estimated_wait": ("Perkiraan waktu tunggu", "Estimated wait"),
    "category_perizinan": ("Perizinan", "Permit"),
    "category_non-perizinan": ("Non-perizinan", "Non-permit"),
    "priority_question": ("Antrean prioritas (bila berlaku):",
                          "Priority queue (if it applies):"),
    "priority_lansia": ("Lansia", "Elderly"),
    "priority_disabilitas": ("Disabilitas", "Disability"),
    "priority_ibu_hamil": ("Ibu hamil", "Pregnant"),
    "take_ticket": ("Ambil Nomor Antrean", "Take a Queue Number"),
    "printing": ("Mencetak tiket Anda…", "Printing your ticket…"),
    "your_number": ("Nomor antrean Anda", "Your queue number"),
    "please_wait": ("Silakan menunggu, nomor Anda akan dipanggil.",
                    "Please wait; your number will be called."),
    "take_your_ticket": ("Silakan ambil tiket Anda.", "Please take your ticket."),
    "ahead_of_you": ("{n} orang di depan Anda", "{n} people ahead of you"),
    "you_are_next": ("Anda berikutnya — belum ada yang menunggu.",
                     "You are next — nobody is waiting ahead of you."),
    "no_wait": ("Tanpa antre", "No wait"),
    "photo_this": ("Printer bermasalah: foto layar ini sebagai bukti nomor antrean Anda.",
                   "Printer problem: take a photo of this screen as your ticket."),
    "ok": ("Selesai", "Done"),
    "unavailable_title": ("Layanan sementara tidak tersedia",
                          "Service temporarily unavailable"),
    "unavailable_body": ("Anjungan sedang menyambung kembali ke server antrean. "
                         "Silakan hubungi petugas bila perlu.",
                         "The kiosk is reconnecting to the queue server. "
                         "Please ask a staff member if you need help."),
    "paused_title": ("Anjungan ini ditutup sementara", "This kiosk is temporarily closed"),
    "paused_body": ("Silakan gunakan anjungan lain atau hubungi petugas.",
                    "Please use another kiosk or ask a staff member."),
    "printer_fault_title": ("Pengambilan nomor dihentikan sementara",
                            "Ticket issuing is paused"),
    "printer_fault_banner": ("Printer tiket bermasalah — petugas sudah diberi tahu.",
                             "The ticket printer has a problem — staff have been told."),
    "ticket_not_printed": ("Maaf, tiket tidak dapat dicetak dan nomor dibatalkan.",
                           "Sorry, the ticket could not be printed and the number was cancelled."),
    "ask_staff": ("Silakan hubungi petugas.", "Please ask a staff member."),
    "sorry": ("Mohon maaf", "We are sorry"),
    "offline_short": ("Luring", "Offline"),
    "online_short": ("Terhubung", "Online"),
    "opens_again": ("Buka kembali {day}, {date} pukul {time}",
                    "Opens again {day} {date} at {time}"),
    "on_break": ("Istirahat {reason}, dilanjutkan {time}. Nomor tetap dapat diambil.",
                 "{reason} break, resuming at {time}. You can still take a number."),
    "no_counter_open": ("Belum ada loket yang buka untuk layanan ini",
                        "No counter is open for this service yet"),
    "reprint": ("Cetak ulang tiket", "Reprint ticket"),
    "reprinted": ("Tiket dicetak ulang dengan nomor yang sama.",
                  "The ticket was printed again with the same number."),
    "reprint_note": ("CETAK ULANG {time}", "REPRINT {time}"),
    "ticket_void": ("Maaf, pencetakan terlalu lama sehingga nomor ini dibatalkan. "
                    "Silakan ambil nomor baru.",
                    "Sorry, printing took too long and this number was cancelled. "
                    "Please take a new number."),
    # the pre-check (precheck.py)
    "precheck_title": ("Sudah membawa…?", "Did you bring…?"),
    "precheck_how": ("Sentuh setiap persyaratan yang Anda bawa.",
                     "Touch each requirement you have with you."),
    "precheck_all": ("Semua persyaratan sudah dibawa.", "You have everything required."),
    "precheck_missing": ("Belum dibawa: {count}. Tanpa berkas lengkap, Anda mungkin harus "
                         "kembali lagi.",
                         "Not with you: {count}. Without every document you may have to "
                         "come back."),
    "precheck_take": ("Ya, Ambil Nomor Antrean", "Yes, Take a Queue Number"),
    "precheck_back": ("Belum, kembali", "Not yet, go back"),
    # who takes a limited ticket (identity.py)
    "identity_title": ("Nomor Induk Kependudukan atau nomor HP",
                       "Your NIK or phone number"),
    "identity_why": ("Layanan ini membatasi jumlah antrean per orang agar adil bagi semua "
                     "(mencegah calo). NIK hanya disimpan tersandi.",
                     "This service limits tickets per person, fair to everyone (no ticket "
                     "brokers). The NIK is only kept scrambled."),
    "identity_nik": ("NIK (16 angka)", "NIK (16 digits)"),
    "identity_phone": ("Nomor HP", "Phone number"),
    "identity_take": ("Lanjut, Ambil Nomor Antrean", "Continue, Take a Queue Number"),
    "identity_back": ("Kembali", "Back"),
    # a second ticket of the same visit (link.py)
    "link_offer": ("Lanjutan dari nomor antrean lain? (mis. A-012)",
                   "Continuing from another ticket? (e.g. A-012)"),
    "link_linked": ("Melanjutkan kunjungan nomor {label} · ubah",
                    "Continuing visit {label} · change"),
    "link_title": ("Nomor antrean sebelumnya", "Your earlier ticket number"),
    "link_how": ("Pilih huruf di depan nomor, lalu ketik angkanya, seperti tercetak di "
                 "tiket Anda.", "Choose the letters, then type the digits, as printed on "
                 "your ticket."),
    "link_use": ("Gunakan nomor ini", "Use this number"),
    "link_none": ("Tanpa nomor sebelumnya", "No earlier ticket"),
}

DAYS = (("Senin", "Monday"), ("Selasa", "Tuesday"), ("Rabu", "Wednesday"),
        ("Kamis", "Thursday"), ("Jumat", "Friday"), ("Sabtu", "Saturday"),
        ("Minggu", "Sunday"))
MONTHS = (("Januari", "January"), ("Februari", "February"), ("Maret", "March"),
          ("April", "April"), ("Mei", "May"), ("Juni", "June"), ("Juli", "July"),
          ("Agustus", "August"), ("September", "September"), ("Oktober", "October"),
          ("November", "November"), ("Desember", "December"))


def t(key: str, language: str, **values: object) -> str:
    """Return the text for `key` in `language` ("id" or "en"), filled with `values`."""
    indonesian, english = TEXTS[key]
    text = english if language == "en" else indonesian
    return text.format(**values) if values else text


def closed_reason(reason: str | None, opens_at: str | None, language: str) -> str:
    """Say why a service takes no tickets and when it opens again."""
    indonesian, english = UNAVAILABLE.get(reason or "", (TEXTS["closed"][0], TEXTS["closed"][1]))
    text = english if language == "en" else indonesian
    if opens_at:
        when = dt.datetime.fromisoformat(opens_at)
        day = DAYS[when.weekday()][1 if language == "en" else 0]
        text += " " + t("opens_again", language, day=day, date=f"{when:%d/%m}",
                        time=when.strftime("%H.%M" if language == "id" else "%H:%M")) + "."
    return text


def clock_time(iso: str, language: str) -> str:
    """A time as people write it: "13.00" in Indonesian, "13:00" in English."""
    when = dt.datetime.fromisoformat(iso)
    return when.strftime("%H:%M" if language == "en" else "%H.%M")


def wait_text(minutes: int | None, waiting: int, language: str) -> str:
    """The estimated wait as the hub gave it; unknown (no counter open) is said, not guessed.

    The hub counts counters paused for a break as resuming at its end, so an unknown wait
    during a break means no counter will resume either: no time is promised then.
    """
    if minutes is None:
        return t("no_counter_open", language)
    if waiting == 0 and minutes == 0:
        return t("no_wait", language)
    return t("wait_estimate", language, m=minutes)


def break_text(pause: BreakView, language: str) -> str:
    """ "Istirahat Sholat Jumat, dilanjutkan 13.00. …" from the hub's break view."""
    reason = (pause.reason_en or pause.reason_id) if language == "en" else pause.reason_id
    return t("on_break", language, reason=reason, time=clock_time(pause.ends_at, language))


def long_date(moment: dt.datetime, language: str) -> str:
    """Format a date the way people say it: "Senin, 23 November 2026"."""
    index = 1 if language == "en" else 0
    return (f"{DAYS[moment.weekday()][index]}, {moment.day} "
            f"{MONTHS[moment.month - 1][index]} {moment.year}")


def rupiah(amount: int, language: str) -> str:
    """Format a fee: "Gratis" or "Rp 350.000"."""
    if amount == 0:
        return t("free", language)
    return "Rp " + f"{amount:,}".replace(",", ".")
