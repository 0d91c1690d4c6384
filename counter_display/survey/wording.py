"""What the survey tablet says, in Bahasa Indonesia and English (pure, no Qt).

The nine elements are those of PermenPANRB 14/2017 in the order the hub stores them
(U1..U9, `answers[0]` is U1). The questions follow the regulation's sample
questionnaire, reworded so that the same four answers (Tidak baik … Sangat baik) fit
every element: one set of faces is quicker to learn than nine scales. Profile answers
are sent as the short codes below (≤ 32 characters, as the protocol allows); reports
show them as stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.hub_messages import ErrorMessage

Lang = str  # "id" or "en"


@dataclass(frozen=True)
class Bilingual:
    """A text in both languages."""

    id: str
    en: str

    def __call__(self, lang: Lang) -> str:
        """The text in `lang` (anything but "en" is Indonesian)."""
        return self.en if lang == "en" else self.id


@dataclass(frozen=True)
class Element:
    """One SKM element: code (U1..U9), name and the question asked."""

    code: str
    name: Bilingual
    question: Bilingual


ELEMENTS: tuple[Element, ...] = (
    Element("U1", Bilingual("Persyaratan", "Requirements"), Bilingual(
        "Bagaimana kesesuaian persyaratan dengan jenis pelayanan yang Anda terima?",
        "How well did the requirements fit the service you received?")),
    Element("U2", Bilingual("Sistem, mekanisme dan prosedur",
                            "Systems, mechanisms and procedures"), Bilingual(
        "Bagaimana kemudahan prosedur pelayanan di sini?",
        "How easy was the service procedure here?")),
    Element("U3", Bilingual("Waktu penyelesaian", "Completion time"), Bilingual(
        "Bagaimana kecepatan waktu pelayanan yang Anda terima?",
        "How fast were you served?")),
    Element("U4", Bilingual("Biaya/tarif", "Cost / fee"), Bilingual(
        "Bagaimana kewajaran biaya/tarif pelayanan (termasuk bila gratis)?",
        "How fair was the fee for the service (including when it is free)?")),
    Element("U5", Bilingual("Produk spesifikasi jenis pelayanan",
                            "Service product specification"), Bilingual(
        "Bagaimana kesesuaian hasil pelayanan dengan standar pelayanan yang diumumkan?",
        "How well did the result match the published service standard?")),
    Element("U6", Bilingual("Kompetensi pelaksana", "Staff competence"), Bilingual(
        "Bagaimana kemampuan petugas dalam memberikan pelayanan?",
        "How capable was the staff member who served you?")),
    Element("U7", Bilingual("Perilaku pelaksana", "Staff conduct"), Bilingual(
        "Bagaimana kesopanan dan keramahan petugas?",
        "How polite and friendly was the staff member?")),
    Element("U8", Bilingual("Penanganan pengaduan, saran dan masukan",
                            "Handling of complaints, suggestions and feedback"), Bilingual(
        "Bagaimana penanganan pengaduan, saran dan masukan di sini?",
        "How are complaints, suggestions and feedback handled here?")),
    Element("U9", Bilingual("Sarana dan prasarana", "Facilities and infrastructure"), Bilingual(
        "Bagaimana kualitas sarana dan prasarana (ruang tunggu, toilet, parkir)?",
        "How good are the facilities (waiting room, toilets, parking)?")),
)

RATINGS: tuple[Bilingual, ...] = (
    Bilingual("Tidak baik", "Poor"),
    Bilingual("Kurang baik", "Fair"),
    Bilingual("Baik", "Good"),
    Bilingual("Sangat baik", "Very good"),
)
"""Answer 1..4 is RATINGS[answer - 1]."""

RATING_COLOURS = ("#dc2626", "#f59e0b", "#65a30d", "#15803d")


@dataclass(frozen=True)
class ProfileQuestion:
    """An optional respondent profile question: the field sent and its choices."""

    field: str
    title: Bilingual
    choices: tuple[tuple[str, Bilingual], ...]
    """(code sent to the hub, label)."""


PROFILE: tuple[ProfileQuestion, ...] = (
    ProfileQuestion("age_band", Bilingual("Usia", "Age"), (
        ("<20", Bilingual("< 20", "< 20")),
        ("20-29", Bilingual("20–29", "20–29")),
        ("30-39", Bilingual("30–39", "30–39")),
        ("40-49", Bilingual("40–49", "40–49")),
        ("50-59", Bilingual("50–59", "50–59")),
        ("60+", Bilingual("60 +", "60 +")),
    )),
    ProfileQuestion("gender", Bilingual("Jenis kelamin", "Gender"), (
        ("L", Bilingual("Laki-laki", "Male")),
        ("P", Bilingual("Perempuan", "Female")),
    )),
    ProfileQuestion("education", Bilingual("Pendidikan", "Education"), (
        ("SD", Bilingual("SD", "Primary")),
        ("SMP", Bilingual("SMP", "Junior high")),
        ("SMA", Bilingual("SMA/SMK", "Senior high")),
        ("D1-D3", Bilingual("D1–D3", "Diploma")),
        ("D4/S1", Bilingual("D4/S1", "Bachelor")),
        ("S2/S3", Bilingual("S2/S3", "Master/PhD")),
    )),
    ProfileQuestion("occupation", Bilingual("Pekerjaan", "Occupation"), (
        ("PNS/TNI/Polri", Bilingual("PNS/TNI/Polri", "Civil servant")),
        ("Swasta", Bilingual("Pegawai swasta", "Private employee")),
        ("Wiraswasta", Bilingual("Wiraswasta", "Self-employed")),
        ("Pelajar/Mahasiswa", Bilingual("Pelajar/Mahasiswa", "Student")),
        ("Lainnya", Bilingual("Lainnya", "Other")),
    )),
)

TITLE = Bilingual("Survei Kepuasan Masyarakat", "Public Satisfaction Survey")
IDLE_TITLE = Bilingual("Terima kasih", "Thank you")
IDLE_HINT = Bilingual(
    "Setelah selesai dilayani di {counter}, Anda dapat menilai pelayanan kami di sini.",
    "After you are served at {counter}, you can rate our service here.")
INTRO = Bilingual("Bagaimana pelayanan kami? Sentuh wajah yang sesuai.",
                  "How was our service? Touch the face that fits.")
TICKET = Bilingual("Nomor {label} · {service}", "Ticket {label} · {service}")
PROGRESS = Bilingual("Unsur {n} dari {total}", "Item {n} of {total}")
BACK = Bilingual("‹ Kembali", "‹ Back")
CANCEL = Bilingual("Batalkan survei", "Cancel survey")
PROFILE_TITLE = Bilingual("Tentang Anda (boleh dilewati)", "About you (optional)")
PROFILE_HINT = Bilingual("Survei ini tanpa nama. Sentuh lagi untuk membatalkan pilihan.",
                         "This survey is anonymous. Touch again to clear a choice.")
COMMENT = Bilingual("Saran atau komentar (boleh dikosongkan)",
                    "Suggestions or comments (optional)")
SUBMIT = Bilingual("Kirim penilaian", "Send my rating")
SENDING = Bilingual("Mengirim…", "Sending…")
THANKS = Bilingual("Terima kasih atas penilaian Anda!", "Thank you for your rating!")
THANKS_HINT = Bilingual("Masukan Anda membantu kami memperbaiki pelayanan.",
                        "Your feedback helps us improve our service.")
ERROR_TITLE = Bilingual("Penilaian belum terkirim", "Your rating was not sent")
ALREADY_RATED = Bilingual("Kunjungan ini sudah dinilai. Terima kasih.",
                          "This visit has already been rated. Thank you.")
RETRY = Bilingual("Coba lagi", "Try again")
DONE = Bilingual("Selesai", "Done")
OFFLINE = Bilingual("Tidak terhubung ke server antrean — menyambung kembali…",
                    "Not connected to the queue server — reconnecting…")
LANGUAGE_BUTTON = Bilingual("English", "Indonesia")
"""The toggle names the language it switches *to*."""

COMPLAINT_BUTTON = Bilingual("Sampaikan pengaduan atau saran",
                             "Make a complaint or a suggestion")
COMPLAINT_TITLE = Bilingual("Pengaduan dan saran", "Complaints and suggestions")
COMPLAINT_FOR = Bilingual("Untuk {tenant} ({counter})", "For {tenant} ({counter})")
COMPLAINT_KIND_QUESTION = Bilingual("Apa yang ingin Anda sampaikan?",
                                    "What would you like to tell us?")
COMPLAINT_CATEGORY_QUESTION = Bilingual("Tentang apa?", "What is it about?")
NEXT = Bilingual("Lanjut ›", "Next ›")
COMPLAINT_CANCEL = Bilingual("Batal", "Cancel")
COMPLAINT_TEXT_TITLE = {
    "complaint": Bilingual("Tulis pengaduan Anda", "Write your complaint"),
    "suggestion": Bilingual("Tulis saran Anda", "Write your suggestion"),
}
TEXT_PLACEHOLDER = Bilingual("Sentuh di sini, lalu ketik dengan papan ketik di bawah…",
                             "Touch here, then type with the keyboard below…")
CHARACTERS = Bilingual("{n} dari {limit} huruf", "{n} of {limit} characters")
CONTACT_PLACEHOLDER = Bilingual("Kontak untuk jawaban (tidak wajib): nomor HP atau email",
                                "Contact for a reply (optional): phone number or e-mail")
CONTACT_NOTE = Bilingual(
    "Kontak hanya dibaca petugas pengaduan MPP dan tidak ditampilkan di layar mana pun.",
    "Only the MPP's complaint officer reads your contact; no screen shows it.")
SEND = Bilingual("Kirim", "Send")
COMPLAINT_THANKS = Bilingual("Terima kasih, pesan Anda kami terima.",
                             "Thank you, we have received your message.")
COMPLAINT_NUMBER = Bilingual("Nomor pengaduan: {number}", "Complaint number: {number}")
COMPLAINT_ERROR_TITLE = Bilingual("Pesan belum terkirim", "Your message was not sent")


def label_of(ticket_id: str) -> str:
    """The ticket's label from its id: "2026-11-23/A-001" → "A-001"."""
    return ticket_id.rsplit("/", 1)[-1]


def refusal_text(error: ErrorMessage, lang: Lang) -> str:
    """Say plainly why the hub refused a survey (already rated is the common case)."""
    detail = error.message_en
    if error.code == "illegal_move" and "already rated" in detail:
        return ALREADY_RATED(lang)
    if lang == "en":
        return detail or error.code
    return error.message_id or error.code or "Terjadi kesalahan."


def can_retry(error: ErrorMessage) -> bool:
    """True when sending again may work (the hub was not reached or did not answer)."""
    return error.code in ("offline", "hub_unavailable", "client_error", "internal_error",
                                 "rate_limited")
