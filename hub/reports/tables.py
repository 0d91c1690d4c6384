"""The report laid out as titled tables with Indonesian headings, shared by every format.

The CSV, XLSX and PDF writers render these `Table`s and nothing else, so a number
means the same in all three and a heading is translated once. Each table may name a
chart (which columns to plot against which labels); each writer draws it its own way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Literal
from zoneinfo import ZoneInfo

from hub.reports import legs
from hub.reports.evidence import describe_id
from hub.reports.period import MONTHS_ID, WEEKDAYS_ID
from hub.reports.report import CountLine, Report, TimeLine
from hub.reports.skm import ELEMENTS, WEIGHT_LABELS, SkmResult

Kind = Literal["text", "int", "minutes", "percent", "decimal"]
Cell = str | int | float | None

ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
              "Asia/Jayapura": "WIT"}


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its heading and how its values are written (minutes and % get 1 decimal)."""

    heading: str
    kind: Kind = "int"


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart of one table: labels from `label_column`, one series per `value_columns`."""

    title: str
    label_column: int
    value_columns: tuple[int, ...]
    kind: Literal["bar", "line"] = "bar"
    horizontal: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """One view: `key` names its CSV file and XLSX sheet; rows hold raw values."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    chart: Chart | None = None
    note: str = ""
    in_pdf: bool = True
    totals_row: bool = False
    """The last row is a total (printed bold)."""
    extra: dict[str, str] = field(default_factory=dict)


def format_cell(value: Cell, kind: Kind) -> str:
    """Write a value the Indonesian way: 1.234 thousands, 12,5 decimals, '–' for none."""
    if value is None:
        return "–"
    if kind == "text":
        return str(value)
    if kind == "int":
        return f"{int(value):,}".replace(",", ".")
    if kind == "decimal":
        return f"{float(value):.2f}".replace(".", ",")
    if kind == "percent":
        return f"{float(value) * 100:.1f}".replace(".", ",") + " %"
    return f"{float(value):.1f}".replace(".", ",")


def local_time_label(moment: dt.datetime, timezone: str = "Asia/Jakarta") -> str:
    """Write a moment as '23 November 2026 14.05 WIB'."""
    local = moment.astimezone(ZoneInfo(timezone))
    zone = ZONE_NAMES.get(timezone, timezone)
    return f"{local.day} {MONTHS_ID[local.month - 1]} {local.year} {local:%H.%M} {zone}"


OUTCOME_COLUMNS = [Column("Pengunjung"), Column("Dilayani"), Column("Tidak hadir"),
                   Column("Tidak terlayani")]
"""The columns that add up: Pengunjung = Dilayani + Tidak hadir + Tidak terlayani
(+ Dalam proses on the running day). Each visitor is in exactly one of them."""
IN_PROGRESS_COLUMN = Column("Dalam proses")
ASIDE_COLUMNS = [Column("Di antaranya dialihkan"), Column("Tiket batal (bukan pengunjung)")]
"""Shown beside the sum, not part of it: transferred visitors are already counted by
their outcome; cancelled tickets never reached a visitor."""
COUNT_NOTE = ("Pengunjung = Dilayani + Tidak hadir + Tidak terlayani{in_progress}; setiap "
              "pengunjung dihitung satu kali, pada layanan tempat tiketnya diambil. Tidak "
              "terlayani: masih menunggu saat layanan tutup, atau kedaluwarsa saat hari "
              "layanan berganti. Di antaranya dialihkan: pengunjung yang dipindah ke layanan "
              "lain, sudah termasuk dalam hasil akhirnya (bukan tambahan). Tiket batal: tiket "
              "yang tidak sampai ke pengunjung (gagal cetak), tidak dihitung sebagai "
              "pengunjung.")


def _counts(line: CountLine, in_progress: bool) -> list[Cell]:
    c = line.counts
    values: list[Cell] = [c.visitors, c.served, c.no_show, c.not_served]
    if in_progress:
        values.append(c.in_progress)
    return [*values, c.transferred, c.cancelled]


def _count_table(key: str, title: str, first: list[Column], lines: list[CountLine],
                 chart: Chart | None, with_group: bool = False, total: bool = True) -> Table:
    in_progress = any(line.counts.in_progress for line in lines)
    rows: list[list[Cell]] = []
    for line in lines:
        lead: list[Cell] = [line.label, line.group] if with_group else [line.label]
        rows.append(lead + _counts(line, in_progress))
    if total and lines:
        summed: list[Cell] = [sum(int(row[i] or 0) for row in rows)
                              for i in range(len(first), len(rows[0]))]
        padding: list[Cell] = [""] * (len(first) - 1)
        rows.append(["Jumlah", *padding, *summed])
    columns = (first + OUTCOME_COLUMNS + ([IN_PROGRESS_COLUMN] if in_progress else [])
               + ASIDE_COLUMNS)
    note = COUNT_NOTE.format(in_progress=" + Dalam proses (pengunjung yang belum selesai "
                             "pada hari layanan yang masih berjalan)" if in_progress else "")
    return Table(key, title, columns, rows, chart, totals_row=total and bool(lines),
                 note=note)


def _not_served_table(report: Report) -> Table:
    """Why visitors were not served, per tenant: waiting at closing or expired."""
    lines = [line for line in report.by_tenant if line.counts.not_served]
    rows: list[list[Cell]] = [
        [line.label, line.counts.not_served, line.counts.waiting_at_close, line.counts.expired]
        for line in lines]
    totals = report.totals
    if rows:
        rows.append(["Jumlah", totals.not_served, totals.waiting_at_close, totals.expired])
    return Table(
        "tidak_terlayani", "Pengunjung tidak terlayani menurut sebab",
        [Column("Instansi", "text"), Column("Tidak terlayani"),
         Column("Masih menunggu saat layanan tutup"),
         Column("Kedaluwarsa (hari layanan berganti)")],
        rows, totals_row=bool(rows), in_pdf=bool(rows),
        note="Masih menunggu saat layanan tutup: tiket diambil tetapi belum dipanggil atau "
             "belum selesai ketika hari layanan berakhir. Kedaluwarsa: tiket yang sama, "
             "ditutup otomatis oleh hub saat hari layanan berikutnya dimulai.")


TIME_COLUMNS = [Column("Dipanggil"), Column("Rata-rata tunggu (menit)", "minutes"),
                Column("Median tunggu (menit)", "minutes"), Column("P90 tunggu (menit)", "minutes"),
                Column("Dalam target", "percent"), Column("Dilayani"),
                Column("Rata-rata layanan (menit)", "minutes"),
                Column("Median layanan (menit)", "minutes"),
                Column("P90 layanan (menit)", "minutes")]


def _times(line: TimeLine) -> list[Cell]:
    w, s = line.wait, line.service
    return [w.count, w.mean_minutes, w.median_minutes, w.p90_minutes, line.within_share,
            s.count, s.mean_minutes, s.median_minutes, s.p90_minutes]


def _skm_table(key: str, title: str, results: list[SkmResult], first: str) -> Table:
    columns = [Column(first, "text"), Column("Responden")]
    columns += [Column(code, "decimal") for code, _ in ELEMENTS]
    columns += [Column("IKM", "decimal"), Column("Mutu", "text"), Column("Kinerja", "text")]
    rows: list[list[Cell]] = [
        [r.label, r.respondents, *r.nrr, float(r.ikm) if r.ikm is not None else None,
         r.grade.letter if r.grade else None, r.grade.quality if r.grade else None]
        for r in results if r.respondents
    ]
    return Table(key, title, columns, rows, chart=Chart("IKM", 0, (11,), horizontal=True)
                 if len(rows) > 1 else None)


def report_tables(report: Report) -> list[Table]:
    """Lay out every view of the report as tables, in reading order."""
    period = report.meta.period
    bucket_name = {"year": "Bulan", "month": "Tanggal", "day": "Jam"}[period.kind]
    bucket_key = {"year": "per_bulan", "month": "per_hari", "day": "per_jam"}[period.kind]
    tables = [
        _count_table(bucket_key, f"Pengunjung per {bucket_name.lower()}",
                     [Column(bucket_name, "text")], report.by_bucket,
                     Chart(f"Pengunjung per {bucket_name.lower()}", 0, (1,),
                           "line" if period.kind == "month" else "bar")),
        _count_table("per_instansi", "Pengunjung per instansi (tenant)",
                     [Column("Instansi", "text")], report.by_tenant,
                     Chart("Pengunjung per instansi", 0, (1,), horizontal=True)),
        _count_table("per_layanan", "Pengunjung per layanan", [Column("Layanan", "text"),
                     Column("Instansi", "text")], report.by_service, None, with_group=True),
        _count_table("per_kategori", "Pengunjung per kategori layanan",
                     [Column("Kategori", "text")], report.by_category, None),
        _not_served_table(report),
    ]
    if period.kind == "year":
        months = period.buckets()
        rows: list[list[Cell]] = []
        for line in report.by_tenant:
            cells = report.tenant_buckets.get(line.key, {})
            values = [cells.get(m, 0) for m in months]
            rows.append([line.short_label, *values, sum(values)])
        rows.append(["Jumlah"] + [sum(int(r[i] or 0) for r in rows) for i in range(1, 14)])
        tables.append(Table(
            "instansi_x_bulan", "Pengunjung per instansi dan bulan",
            [Column("Instansi", "text")] + [Column(MONTHS_ID[n][:3]) for n in range(12)]
            + [Column("Jumlah")], rows, totals_row=True,
        ))
    tables += [
        Table("waktu_instansi", "Waktu tunggu dan layanan per instansi",
              [Column("Instansi", "text"), *TIME_COLUMNS],
              [[t.label, *_times(t)] for t in report.times_by_tenant]
              + [["Semua layanan", *_times(report.times_total)]], totals_row=True,
              note="Waktu tunggu: dari tiket diambil sampai pertama dipanggil. Dalam target: "
                   "tunggu tidak melebihi target layanan. P90: 90 % pengunjung menunggu "
                   "tidak lebih lama dari ini."),
        Table("waktu_layanan", "Waktu tunggu dan layanan per layanan",
              [Column("Layanan", "text"), Column("Target (menit)"), *TIME_COLUMNS],
              [[t.label, t.target_minutes, *_times(t)] for t in report.times_by_service]),
        _hours_table(report),
        _priority_table(report),
        Table("kanal", "Kanal pengambilan tiket",
              [Column("Kanal", "text"), Column("Pengunjung"), Column("Porsi", "percent"),
               Column("Rata-rata tunggu (menit)", "minutes")],
              [[k.label, k.visitors, k.visitors / max(1, report.totals.visitors),
                k.mean_wait_minutes] for k in report.channels]),
    ]
    tables += _skm_tables(report)
    tables += [_complaints_table(report), *_documents_tables(report), _journeys_table(report),
               *_staff_tables(report)]
    evidence = report.meta.evidence
    if evidence is not None:
        tables.append(Table(
            "pemeriksaan_data", "Pemeriksaan data terhadap log kejadian",
            [Column(h, "text") for h in ("Tabel", "ID", "Temuan", "Kolom", "Rincian")],
            [[d.table, d.key, FINDINGS[d.kind], ", ".join(d.columns), describe_id(d)]
             for d in evidence.named()],
            note=evidence.verdict_id() + (
                f" ({evidence.projection.total_differences - len(evidence.named())} baris lagi "
                "tidak dirinci.)" if evidence.projection.total_differences
                > len(evidence.named()) else ""),
            in_pdf=False))
    return tables


FINDINGS = {"differs": "berbeda dari log", "missing": "hilang (ada di log)",
            "extra": "tambahan (tidak ada di log)"}


def _priority_table(report: Report) -> Table:
    in_progress = any(k.in_progress for k in report.priority)
    columns = [Column("Jenis", "text"), Column("Pengunjung"), Column("Dilayani"),
               Column("Tidak hadir"), Column("Tidak terlayani")]
    columns += [IN_PROGRESS_COLUMN] if in_progress else []
    rows: list[list[Cell]] = [
        [k.label, k.visitors, k.served, k.no_show, k.not_served,
         *([k.in_progress] if in_progress else []), k.mean_wait_minutes]
        for k in report.priority]
    return Table("prioritas", "Pengunjung prioritas",
                 [*columns, Column("Rata-rata tunggu (menit)", "minutes")], rows)


def _hours_table(report: Report) -> Table:
    matrix = report.hours
    rows: list[list[Cell]] = [
        [f"{hour:02d}.00", *(matrix.count(hour, day) for day in matrix.weekdays),
         sum(matrix.count(hour, day) for day in matrix.weekdays)]
        for hour in matrix.hours
    ]
    columns = ([Column("Jam", "text")] + [Column(WEEKDAYS_ID[d - 1]) for d in matrix.weekdays]
               + [Column("Jumlah")])
    return Table("jam_sibuk", "Jam sibuk: pengunjung per jam dan hari", columns, rows,
                 Chart("Pengunjung per jam", 0, (len(columns) - 1,)),
                 note="Jam menurut waktu tiket diambil.", extra={"heatmap": "1"})


def _skm_tables(report: Report) -> list[Table]:
    meta = report.meta
    weight = WEIGHT_LABELS[meta.ikm_weight]
    if not meta.surveys_available:
        note = "Belum ada tabel survei di log ini."
    elif not report.skm_total.respondents:
        note = "Belum ada responden pada periode ini."
    else:
        note = f"IKM dihitung dengan {weight}."
    total = report.skm_total
    answered = bool(total.respondents)
    element_rows: list[list[Cell]] = []
    if answered and total.ikm is not None and total.grade is not None:
        element_rows = [[code, name, total.nrr[n]] for n, (code, name) in enumerate(ELEMENTS)]
        element_rows += [["IKM", f"{total.respondents} responden; {weight}", float(total.ikm)],
                         ["Mutu", f"{total.grade.letter} ({total.grade.quality})", None]]
    elements = Table(
        "ikm_unsur", "Indeks Kepuasan Masyarakat (IKM) per unsur",
        [Column("Unsur", "text"), Column("Uraian", "text"), Column("NRR", "decimal")],
        element_rows, note=note, totals_row=answered,
    )
    tables = [elements,
              _skm_table("ikm_instansi", "IKM per instansi", report.skm_by_tenant, "Instansi"),
              _skm_table("ikm_layanan", "IKM per layanan", report.skm_by_service, "Layanan"),
              Table("profil_responden", "Profil responden SKM",
                    [Column("Aspek", "text"), Column("Jawaban", "text"), Column("Responden")],
                    [list(row) for row in report.skm_profile])]
    # Without answers one note in the PDF is enough; CSV and XLSX keep every (empty) view.
    tables = [tables[0], *(replace(table, in_pdf=answered) for table in tables[1:])]
    answers = Table(
        "jawaban_skm", "Jawaban SKM (data mentah)",
        [Column(h, "text") for h in ("ID survei", "Hari layanan", "Waktu", "Instansi",
                                      "Layanan", "Loket")]
        + [Column(code) for code, _ in ELEMENTS]
        + [Column(h, "text") for h in ("Usia", "Jenis kelamin", "Pendidikan", "Pekerjaan",
                                        "Saran/komentar")],
        [[a.survey_id, a.business_day, a.at, a.tenant_id, a.service_id, a.counter_id,
          *a.answers, a.age_band, a.gender, a.education, a.occupation, a.comment]
         for a in report.skm_answers],
        in_pdf=False,
    )
    return [*tables, answers]


def _complaints_table(report: Report) -> Table:
    """Complaints and suggestions per tenant and category: counts, never texts or contacts."""
    categories = report.complaint_categories
    lines = [line for line in report.complaints if line.total]
    rows: list[list[Cell]] = [
        [line.label, line.complaints, line.suggestions, line.total,
         *(line.by_category.get(c, 0) for c, _ in categories)] for line in lines]
    if rows:
        rows.append(["Jumlah", *(sum(int(r[i] or 0) for r in rows)
                                 for i in range(1, 4 + len(categories)))])
    note = ("Pengaduan dan saran dari tablet survei, menurut instansi loket tempat tablet "
            "berada; per kategori: pengaduan dan saran bersama. Isi dan kontak tidak dimuat "
            "di laporan ini (data pribadi): pengelola MPP mengekspornya dengan python -m hub "
            "report --complaints.")
    if not rows:  # printed on one line in the PDF: short
        note = "Tidak ada pengaduan atau saran pada periode ini."
    return Table("pengaduan", "Pengaduan dan saran per instansi",
                 [Column("Instansi", "text"), Column("Pengaduan"), Column("Saran"),
                  Column("Jumlah")] + [Column(name) for _, name in categories],
                 rows, totals_row=bool(rows), note=note)


def _month_label(month: str) -> str:
    """'2026-11' → 'November 2026'."""
    return f"{MONTHS_ID[int(month[5:7]) - 1]} {month[:4]}"


def _documents_tables(report: Report) -> list[Table]:
    """Berkas tidak lengkap per service and per missing requirement, per month."""
    services = {line.key: (line.label, line.group) for line in report.by_service}
    columns = [Column("Bulan", "text"), Column("Layanan", "text"), Column("Instansi", "text")]
    if not report.outcomes_recorded:
        unknown = ("Tidak diketahui: log ini ditulis sebelum hasil layanan (berkas tidak "
                   "lengkap, dirujuk) dicatat.")
        return [Table("berkas_tidak_lengkap", "Berkas tidak lengkap per layanan", columns, [],
                      note=unknown)]
    rows: list[list[Cell]] = [
        [_month_label(o.month), *services.get(o.service_id, (o.service_id, "")),
         o.finished, o.incomplete, o.incomplete_share, o.referred]
        for o in report.finish_outcomes]
    if rows:
        finished = sum(o.finished for o in report.finish_outcomes)
        incomplete = sum(o.incomplete for o in report.finish_outcomes)
        rows.append(["Jumlah", "", "", finished, incomplete,
                     incomplete / finished if finished else None,
                     sum(o.referred for o in report.finish_outcomes)])
    by_service = Table(
        "berkas_tidak_lengkap", "Berkas tidak lengkap dan rujukan per layanan, per bulan",
        [*columns, Column("Selesai di loket"), Column("Berkas tidak lengkap"),
         Column("Porsi", "percent"), Column("Dirujuk")],
        rows, totals_row=bool(rows),
        note=("Kunjungan yang selesai di loket (dihitung sebagai dilayani) dengan hasil "
              "berkas tidak lengkap — pengunjung harus kembali membawa persyaratan yang "
              "kurang — atau dirujuk ke tempat lain; menurut layanan tempat kunjungan selesai. "
              "Hanya layanan dengan kunjungan seperti itu. Porsi: dari kunjungan yang selesai "
              "di loket untuk layanan itu.") if rows else
             "Tidak ada kunjungan dengan berkas tidak lengkap atau dirujuk pada periode ini.")
    requirement_rows: list[list[Cell]] = [
        [_month_label(m.month), services.get(m.service_id, (m.service_id, ""))[0],
         m.requirement, m.visits] for m in report.missing_requirements]
    by_requirement = Table(
        "persyaratan_kurang", "Persyaratan yang kurang, per layanan dan bulan",
        [Column("Bulan", "text"), Column("Layanan", "text"), Column("Persyaratan", "text"),
         Column("Kunjungan")], requirement_rows,
        note=("Untuk tiap kunjungan dengan berkas tidak lengkap, petugas loket mencentang "
              "persyaratan yang kurang (dari persyaratan yang diumumkan layanan): satu "
              "kunjungan dapat kurang lebih dari satu persyaratan. Yang paling sering kurang "
              "di atas.") if requirement_rows else
             "Tidak ada persyaratan yang kurang pada periode ini.")
    return [by_service, by_requirement]


JOURNEY_NOTE = ("Perjalanan: satu kunjungan dari tiket diambil sampai selesai dilayani di "
                "loket terakhir; pengalihan ke layanan atau loket lain tetap satu tiket. "
                "Dihitung untuk perjalanan yang selesai dilayani, menurut layanan (izin) "
                "tiket pertama. Loket: jumlah loket berbeda yang dilalui. Waktu total: dari "
                "tiket diambil sampai selesai di loket terakhir (termasuk menunggu). P90: 90 % "
                "perjalanan tidak lebih dari ini.")


def _journey_cells(line: legs.JourneyLine) -> list[Cell]:
    spread = line.by_counters
    c, t = line.counters, line.total_time
    return [line.journeys, spread.get(1, 0), spread.get(2, 0),
            sum(n for passed, n in spread.items() if passed >= 3),
            c.mean, c.median, c.p90, t.mean_minutes, t.median_minutes, t.p90_minutes]


def _journeys_table(report: Report) -> Table:
    """Counters passed and total time per permit/service: the figure to bring down."""
    rows: list[list[Cell]] = [[line.label, line.tenant, *_journey_cells(line)]
                              for line in report.journeys]
    total = report.journeys_total
    if rows and total is not None:
        rows.append(["Semua layanan", "", *_journey_cells(total)])
    note = JOURNEY_NOTE if report.legs_available else (
        "Tidak diketahui: log ini ditulis sebelum hub mencatat loket per kunjungan.")
    return Table(
        "perjalanan", "Perjalanan pengunjung: loket dilalui dan waktu total per layanan",
        [Column("Layanan", "text"), Column("Instansi", "text"), Column("Perjalanan selesai"),
         Column("1 loket"), Column("2 loket"), Column("3+ loket"),
         Column("Rata-rata loket", "decimal"), Column("Median loket", "decimal"),
         Column("P90 loket", "decimal"), Column("Rata-rata waktu total (menit)", "minutes"),
         Column("Median waktu total (menit)", "minutes"),
         Column("P90 waktu total (menit)", "minutes")],
        rows, totals_row=bool(rows), note=note)


STAFF_COLUMNS = [Column("Selesai dilayani"), Column("Dialihkan"), Column("Tidak hadir"),
                 Column("Rata-rata layanan (menit)", "minutes")]
STAFF_NOTE = ("Selesai dilayani: kunjungan yang diselesaikan di loket itu. Dialihkan: "
              "dikirim dari loket itu ke layanan atau loket lain. Rata-rata layanan: waktu "
              "melayani per pengunjung (selesai dan dialihkan). Nama petugas menurut isian "
              "saat loket dibuka.")


def _staff_cells(line: legs.StaffLine) -> list[Cell]:
    return [line.served, line.transferred, line.no_show, line.mean_service_minutes]


def _staff_tables(report: Report) -> list[Table]:
    """Visitors served and mean service time per counter, per staff name, per day or month."""
    counter_names = report.counter_names
    staff_at: dict[str, list[str]] = {}
    counters_of: dict[str, list[str]] = {}
    for line in report.staff_by_bucket:
        names = staff_at.setdefault(line.counter_id, [])
        if line.staff not in names:
            names.append(line.staff)
        counters = counters_of.setdefault(line.staff, [])
        label = counter_names.get(line.counter_id, line.counter_id)
        if label not in counters:
            counters.append(label)
    note = STAFF_NOTE if report.legs_available else (
        "Tidak diketahui: log ini ditulis sebelum hub mencatat loket per kunjungan.")
    per_counter = Table(
        "kinerja_loket", "Kinerja per loket",
        [Column("Loket", "text"), Column("Petugas", "text"), *STAFF_COLUMNS],
        [[counter_names.get(line.counter_id, line.counter_id),
          ", ".join(sorted(staff_at.get(line.counter_id, []))), *_staff_cells(line)]
         for line in report.staff_by_counter], note=note)
    per_staff = Table(
        "kinerja_petugas", "Kinerja per petugas",
        [Column("Petugas", "text"), Column("Loket", "text"), *STAFF_COLUMNS],
        [[line.staff, ", ".join(counters_of.get(line.staff, [])), *_staff_cells(line)]
         for line in sorted(report.staff_by_name, key=lambda line: line.staff)], note=note)
    bucket = "Bulan" if report.meta.period.kind == "year" else "Tanggal"
    per_bucket = Table(
        "kinerja_harian" if bucket == "Tanggal" else "kinerja_bulanan",
        f"Kinerja petugas per {'hari' if bucket == 'Tanggal' else 'bulan'}",
        [Column(bucket, "text"), Column("Loket", "text"), Column("Petugas", "text"),
         *STAFF_COLUMNS],
        [[line.bucket, counter_names.get(line.counter_id, line.counter_id), line.staff,
          *_staff_cells(line)] for line in report.staff_by_bucket],
        note=note, in_pdf=report.meta.period.kind != "day")
    return [per_counter, per_staff, per_bucket]


def info_rows(report: Report) -> list[tuple[str, str]]:
    """The facts every export starts with: who, which period, and from which log state."""
    meta = report.meta
    head = meta.head
    return [
        ("Mal Pelayanan Publik", meta.mpp_name),
        ("Periode", meta.period.label()),
        ("Instansi", meta.tenant_name or "Semua instansi"),
        ("Dibuat", local_time_label(meta.generated_at, meta.timezone)),
        ("Bobot IKM", WEIGHT_LABELS[meta.ikm_weight]),
        ("Log kejadian: nomor terakhir (seq)", str(head.seq)),
        ("Log kejadian: hash terakhir (SHA-256)", head.hash),
        ("Pemeriksaan keaslian", "python -m hub verify --db <log> (hash di atas harus ada "
                                 "pada nomor yang sama)"),
        ("Data diperiksa terhadap log kejadian",
         "tidak diperiksa" if meta.evidence is None
         else f"{meta.evidence.verdict_id()} / {meta.evidence.verdict_en()}"),
    ]
