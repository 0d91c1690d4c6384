"""What a ticket says and what paper it goes on: plain, frozen, validated on construction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar, Literal

Language = Literal["id", "en"]

FONT_A_DOTS = 12
"""Width of one Font A character cell in dots (12 x 24 on Epson-class printers)."""
FONT_B_DOTS = 9
"""Width of one Font B character cell in dots (9 x 17)."""


@dataclass(frozen=True)
class TicketData:
    """Everything printed on one ticket; self-contained so printing needs no queue knowledge."""

    mpp_name: str
    tenant_name: str
    service_name: str
    ticket_label: str
    """The number as the visitor knows it, e.g. ``"A-012"``."""
    issued_at: datetime
    """Timezone-aware; printed in its own timezone, never converted."""
    people_ahead: int
    estimated_wait_minutes: int | None = None
    wait_note: str = ""
    """Printed instead of the estimate when there is none, e.g. "Belum ada loket yang buka"."""
    reprint_note: str = ""
    """Marks a second print of the same ticket, e.g. "CETAK ULANG 10.32"; empty for the first."""
    bring_note: str = ""
    """A short "what to bring" line; empty prints nothing."""
    status_url: str | None = None
    """Payload of the QR code; ``None`` prints no QR code."""
    footer: str = ""
    complaint_url: str | None = None
    """Payload of a second, smaller QR code: where to file a complaint (SP4N-LAPOR!)."""
    complaint_text: str = ""
    """Printed under the complaint QR code, e.g. "Pengaduan: SP4N-LAPOR! (lapor.go.id)"."""
    language: Language = "id"
    priority_label: str | None = None
    """E.g. ``"Prioritas: Lansia"``; printed reversed under the number."""
    channel_note: str = ""
    """E.g. ``"Antrean online, jadwal 10.30–11.00"`` for a checked-in appointment; printed
    reversed under the number (after any priority); empty prints nothing."""
    logo_path: Path | None = None

    def __post_init__(self) -> None:
        """Reject tickets that would print wrong rather than fail later at the printer."""
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError("issued_at must be timezone-aware (e.g. Asia/Jakarta)")
        if self.language not in ("id", "en"):
            raise ValueError(f"language must be 'id' or 'en', not {self.language!r}")
        if self.people_ahead < 0:
            raise ValueError(f"people_ahead must be >= 0, not {self.people_ahead}")
        if self.estimated_wait_minutes is not None and self.estimated_wait_minutes < 0:
            raise ValueError("estimated_wait_minutes must be >= 0 or None")
        if not self.ticket_label.strip():
            raise ValueError("ticket_label must not be empty")
        if self.logo_path is not None and not isinstance(self.logo_path, Path):
            object.__setattr__(self, "logo_path", Path(self.logo_path))


@dataclass(frozen=True)
class Paper:
    """A roll width in printer dots, and the escpos profile whose commands the printer speaks."""

    name: str
    width_dots: int
    profile: str = "TM-T20II"

    MM80: ClassVar[Paper]
    MM58: ClassVar[Paper]

    def __post_init__(self) -> None:
        """Keep widths to what a thermal head can have."""
        if not 96 <= self.width_dots <= 1024:
            raise ValueError(f"width_dots {self.width_dots} is not a receipt printer width")

    @property
    def columns(self) -> int:
        """Characters per line in Font A at normal size."""
        return self.width_dots // FONT_A_DOTS

    @property
    def columns_small(self) -> int:
        """Characters per line in Font B at normal size."""
        return self.width_dots // FONT_B_DOTS

    @classmethod
    def for_mm(cls, paper_mm: int, profile: str | None = None) -> Paper:
        """Return the standard paper for a roll width of 80 or 58 mm."""
        papers = {80: cls.MM80, 58: cls.MM58}
        if paper_mm not in papers:
            raise ValueError(f"paper_mm must be 80 or 58, not {paper_mm}")
        paper = papers[paper_mm]
        return paper if profile is None else cls(paper.name, paper.width_dots, profile)


Paper.MM80 = Paper("80mm", 576)
Paper.MM58 = Paper("58mm", 384)
