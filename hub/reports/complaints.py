"""Complaints and suggestions (pengaduan dan saran): counted in the report, read in an export.

The period report counts them per tenant, kind and category (`complaint_counts`) and
never carries what was written or the contact. The texts, with the contact a citizen
left (personal data, UU 27/2022), go only into the manager's export
(`python -m hub report --complaints`, `write_complaint_texts`), written on the hub's
machine from its log. See docs/reports.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from hub.config import MallConfig
from hub.eventlog import open_readonly
from hub.reports import queries as q
from hub.reports.period import Period, period_filter

KIND_LABELS = {"complaint": "Pengaduan", "suggestion": "Saran"}


@dataclass(frozen=True, slots=True)
class ComplaintCount:
    """Submissions of one tenant, kind and category in the period."""

    tenant_id: str
    kind: str
    category: str
    count: int


@dataclass(frozen=True, slots=True)
class ComplaintLine:
    """A tenant's complaints and suggestions, and both together per category."""

    tenant_id: str
    label: str
    complaints: int = 0
    suggestions: int = 0
    by_category: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Complaints and suggestions together."""
        return self.complaints + self.suggestions


@dataclass(frozen=True, slots=True)
class ComplaintText:
    """One submission as the manager reads it."""

    complaint_id: str
    business_day: str
    at: str
    tenant_id: str
    counter_id: str
    kind: str
    category: str
    text: str
    contact: str | None
    ticket_id: str | None
    language: str


def has_complaints(connection: sqlite3.Connection) -> bool:
    """True when the log has the complaints table (a log from before it has none)."""
    return connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'complaints'"
    ).fetchone() is not None


def complaint_counts(connection: sqlite3.Connection, period: Period,
                     tenant_id: str | None = None) -> list[ComplaintCount]:
    """Count the period's submissions per tenant, kind and category."""
    if not has_complaints(connection):
        return []
    where, params = period_filter(period, tenant_id)
    rows = connection.execute(
        f"SELECT tenant_id, kind, category, count(*) FROM complaints WHERE {where} "
        "GROUP BY tenant_id, kind, category", params)
    return [ComplaintCount(str(t), str(k), str(c), int(n)) for t, k, c, n in rows]


def complaint_lines(counts: list[ComplaintCount], tenant_ids: list[str],
                    label: dict[str, str]) -> list[ComplaintLine]:
    """Roll the counts up per tenant, in `tenant_ids` order (every tenant, even with none)."""
    kinds: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    categories: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in counts:
        kinds[row.tenant_id][row.kind] += row.count
        categories[row.tenant_id][row.category] += row.count
    ordered = tenant_ids + sorted(set(kinds) - set(tenant_ids))
    return [ComplaintLine(tenant, label.get(tenant, tenant), kinds[tenant]["complaint"],
                          kinds[tenant]["suggestion"], dict(categories[tenant]))
            for tenant in ordered]


def complaint_texts(connection: sqlite3.Connection, period: Period,
                    tenant_id: str | None = None) -> list[ComplaintText]:
    """Every submission of the period with its text and contact, oldest first."""
    if not has_complaints(connection):
        return []
    where, params = period_filter(period, tenant_id)
    rows = connection.execute(
        "SELECT complaint_id, business_day, at, tenant_id, counter_id, kind, category, text, "
        f"contact, ticket_id, language FROM complaints WHERE {where} ORDER BY at, complaint_id",
        params)
    return [ComplaintText(*row) for row in rows]


TEXT_HEADINGS = ("ID", "Hari layanan", "Waktu", "Instansi", "Loket", "Jenis", "Kategori",
                 "Isi pengaduan/saran", "Kontak (data pribadi)", "Tiket", "Bahasa")


def text_rows(config: MallConfig, texts: list[ComplaintText]) -> list[list[str]]:
    """The export's rows: names from the configuration (ids for what it no longer has)."""
    tenants = {t.id: t.name.get("id") for t in config.tenants}
    counters = {c.id: c.name for c in config.counters}
    categories = {c.id: c.name.get("id") for c in config.mpp.complaints.categories}
    return [[t.complaint_id, t.business_day, t.at, tenants.get(t.tenant_id, t.tenant_id),
             counters.get(t.counter_id, t.counter_id), KIND_LABELS.get(t.kind, t.kind),
             categories.get(t.category, t.category), t.text, t.contact or "",
             (t.ticket_id or "").split("/")[-1], t.language] for t in texts]


@dataclass(frozen=True, slots=True)
class TextsWritten:
    """What `write_complaint_texts` wrote: the file, how many submissions, the log head."""

    path: Path
    count: int
    head: q.ChainHead


def write_complaint_texts(db_path: Path, config: MallConfig, period: Period, out: Path,
                          tenant_id: str | None = None,
                          generated_at: dt.datetime | None = None) -> TextsWritten:
    """Write the period's complaints with texts and contacts: CSV (.csv) or XLSX (.xlsx)."""
    if not db_path.exists():
        raise FileNotFoundError(f"no event log at {db_path}")
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError("the complaint export is one file: give --out NAME.csv or NAME.xlsx")
    connection = open_readonly(db_path)
    try:
        with q.snapshot(connection):
            head = q.chain_head(connection)
            texts = complaint_texts(connection, period, tenant_id)
    finally:
        connection.close()
    generated_at = generated_at or dt.datetime.now(dt.UTC)
    info = [("Mal Pelayanan Publik", config.mpp.name), ("Periode", period.label()),
            ("Dibuat", generated_at.isoformat(timespec="seconds")),
            ("Log kejadian: nomor terakhir (seq)", str(head.seq)),
            ("Log kejadian: hash terakhir (SHA-256)", head.hash),
            ("Perhatian", "Berisi data pribadi (kontak): hanya untuk pengelola MPP, jangan "
                          "disebarkan (UU 27/2022 tentang Pelindungan Data Pribadi).")]
    rows = text_rows(config, texts)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerows([*info, (), TEXT_HEADINGS, *rows])
        out.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "Pengaduan dan saran"
        for pair in info:
            sheet.append(list(pair))
        sheet.append([])
        sheet.append(list(TEXT_HEADINGS))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
            sheet.cell(sheet.max_row, 8).alignment = Alignment(wrap_text=True, vertical="top")
        for column, width in zip("ABCDEFGHIJK", (18, 12, 26, 28, 12, 11, 26, 60, 22, 8, 7),
                                 strict=True):
            sheet.column_dimensions[column].width = width
        book.save(out)
    return TextsWritten(out, len(texts), head)
