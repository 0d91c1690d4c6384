"""The ticket layout, checked by decoding the bytes the way the printer would read them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests.ticket_printer.conftest import STATUS_URL, make_ticket
from ticket_printer import Paper, TicketData, decode, render_ticket
from ticket_printer.decode import Cut, Decoded, RasterImage


def rendered(ticket: TicketData, paper: Paper) -> Decoded:
    result = decode(render_ticket(ticket, paper), paper.width_dots)
    assert result.warnings == ()
    return result


def test_number_is_the_largest_text_and_centred(ticket: TicketData, paper: Paper) -> None:
    result = rendered(ticket, paper)
    number = result.line_with("A-012")
    assert number.text == "A-012"
    assert number.align == "center"
    assert number.bold
    assert number.width >= 5 and number.height >= 5
    others = [line for line in result.lines if line is not number]
    assert all(line.height < number.height for line in others)
    # Big, yet inside the paper: the printer never has to wrap it.
    assert number.dots <= paper.width_dots and not number.overflowed


def test_number_uses_most_of_the_width_on_both_papers() -> None:
    sizes = {
        paper.name: rendered(make_ticket(), paper).line_with("A-012").width
        for paper in (Paper.MM80, Paper.MM58)
    }
    assert sizes == {"80mm": 7, "58mm": 6}


def test_qr_code_carries_the_status_url_centred(ticket: TicketData, paper: Paper) -> None:
    result = rendered(ticket, paper)
    assert [qr.payload for qr in result.qr_codes] == [STATUS_URL]
    qr = result.qr_codes[0]
    assert qr.align == "center"
    assert qr.error_correction == "M"
    assert 3 <= qr.module_size <= 6


LAPOR_URL = "https://www.lapor.go.id"
LAPOR_TEXT = "Pengaduan dan aspirasi: SP4N-LAPOR! (lapor.go.id)"


def test_the_complaint_qr_comes_last_smaller_than_the_status_qr(paper: Paper) -> None:
    result = rendered(make_ticket(complaint_url=LAPOR_URL, complaint_text=LAPOR_TEXT), paper)
    status, lapor = result.qr_codes
    assert (status.payload, lapor.payload) == (STATUS_URL, LAPOR_URL)
    assert lapor.align == "center" and lapor.error_correction == "M"
    assert 3 <= lapor.module_size < status.module_size
    assert " ".join(result.texts).endswith(LAPOR_TEXT)  # its caption is the last text
    assert isinstance(result.elements[-1], Cut)


def test_no_complaint_url_prints_no_second_qr(paper: Paper) -> None:
    result = rendered(make_ticket(complaint_url=None, complaint_text=LAPOR_TEXT), paper)
    assert [qr.payload for qr in result.qr_codes] == [STATUS_URL]
    assert LAPOR_TEXT not in " ".join(result.texts)


def test_no_status_url_prints_no_qr_and_no_scan_caption(paper: Paper) -> None:
    result = rendered(make_ticket(status_url=None), paper)
    assert result.qr_codes == []
    assert not any("Pindai" in text for text in result.texts)


def test_ticket_ends_with_a_full_cut(ticket: TicketData, paper: Paper) -> None:
    result = rendered(ticket, paper)
    assert result.cuts == [Cut(partial=False)]
    assert isinstance(result.elements[-1], Cut)


def test_indonesian_labels_by_default(ticket: TicketData) -> None:
    texts = rendered(ticket, Paper.MM80).texts
    assert "Nomor Antrean" in texts
    assert any(t.startswith("Orang di depan Anda") and t.endswith(" 7") for t in texts)
    assert any(
        t.startswith("Perkiraan waktu tunggu") and t.endswith("sekitar 35 menit") for t in texts
    )
    assert "Senin, 23 Nov 2026 09:41 WIB" in texts
    assert "Yang perlu dibawa:" in texts
    assert "Pindai untuk melihat status antrean" in texts


def test_english_labels_when_the_visitor_chose_english() -> None:
    texts = rendered(make_ticket(language="en"), Paper.MM80).texts
    assert "Queue number" in texts
    assert any(t.startswith("People ahead of you") and t.endswith(" 7") for t in texts)
    assert any(t.startswith("Estimated wait") and t.endswith("about 35 min") for t in texts)
    assert "Monday, 23 Nov 2026 09:41 WIB" in texts
    assert "Scan to check your queue status" in texts
    assert not any("Antrean" in t for t in texts)


def test_all_ticket_facts_are_printed(ticket: TicketData, paper: Paper) -> None:
    joined = " ".join(rendered(ticket, paper).texts)
    for fact in (
        "Mal Pelayanan Publik Kota Cilegon",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "Perekaman dan Pencetakan KTP-el",
        "KTP asli dan fotokopi Kartu Keluarga",
        "Pengaduan: SP4N-LAPOR! lapor.go.id / WA 0811-0000-000",
    ):
        assert fact in joined


def test_unknown_wait_leaves_the_wait_line_out() -> None:
    texts = rendered(make_ticket(estimated_wait_minutes=None), Paper.MM80).texts
    assert not any("Perkiraan" in t for t in texts)


LONG_TENANT = "Badan Pelayanan Pajak Daerah dan Retribusi Kabupaten Serang Provinsi Banten"
LONG_SERVICE = (
    "Permohonan Persetujuan Bangunan Gedung dan Sertifikat Laik Fungsi "
    "untuk Bangunan Usaha Mikro Kecil dan Menengah di Kawasan Industri"
)


def test_long_names_wrap_between_words_only(paper: Paper) -> None:
    ticket = make_ticket(
        tenant_name=LONG_TENANT,
        service_name=LONG_SERVICE,
        mpp_name="Mal Pelayanan Publik Kabupaten Serang Provinsi Banten",
    )
    result = rendered(ticket, paper)
    assert not any(line.overflowed for line in result.lines)
    assert all(line.dots <= paper.width_dots for line in result.lines)
    for name in (LONG_TENANT, LONG_SERVICE):
        words = name.split()
        printed = [
            line.text.strip()
            for line in result.lines
            if line.text.strip() and set(line.text.split()) <= set(words)
        ]
        # The wrapped lines put back together are the name, word for word.
        assert " ".join(printed).count(" ".join(words)) == 1
        assert len(printed) >= 2


def test_a_word_too_wide_for_double_height_text_still_fits(paper: Paper) -> None:
    word = "Pencatatansipildanpendudukan"  # 28 letters, wider than 58 mm at double width
    result = rendered(make_ticket(mpp_name=word), paper)
    line = result.line_with(word)
    assert line.text == word and not line.overflowed


def test_non_ascii_is_replaced_sensibly_never_sent_raw(paper: Paper) -> None:
    ticket = make_ticket(
        tenant_name="Café “Sehat” — Pelayanan ‘Terpadu’",
        service_name="Konsultasi Pajak… ½ hari 🙂",
        bring_note="KTP-el, NPWP, Surat Kuasa (bermaterai)\u00a0dan\u200bfoto",
        priority_label="Prioritas: Ibu Hamil",
    )
    data = render_ticket(ticket, paper)
    result = decode(data, paper.width_dots)
    joined = " ".join(result.texts)
    assert "Cafe \"Sehat\" - Pelayanan 'Terpadu'" in joined
    assert "Konsultasi Pajak... 1/2 hari" in joined
    assert "KTP-el, NPWP, Surat Kuasa (bermaterai) dan foto" in joined
    assert all(32 <= ord(char) < 127 for char in joined)
    assert "?" not in joined


def test_control_characters_in_names_cannot_inject_printer_commands(paper: Paper) -> None:
    hostile = make_ticket(tenant_name="Dinas\x1bi\x1dV\x00 Sosial")
    result = rendered(hostile, paper)
    assert result.cuts == [Cut(partial=False)]
    assert "Dinasi V Sosial" in result.texts  # ESC and NUL dropped, GS (a separator) spaced


def test_priority_badge_is_reversed_and_centred() -> None:
    result = rendered(make_ticket(priority_label="Prioritas: Lansia"), Paper.MM80)
    badge = result.line_with("PRIORITAS: LANSIA")
    assert badge.align == "center"
    assert all(span.invert for span in badge.spans)
    others = [line for line in result.lines if line is not badge]
    assert not any(span.invert for line in others for span in line.spans)


def test_rendering_is_pure(ticket: TicketData, paper: Paper) -> None:
    assert render_ticket(ticket, paper) == render_ticket(ticket, paper)


def test_time_is_printed_in_the_tickets_own_timezone() -> None:
    from zoneinfo import ZoneInfo

    makassar = make_ticket().issued_at.astimezone(ZoneInfo("Asia/Makassar"))
    texts = rendered(make_ticket(issued_at=makassar), Paper.MM80).texts
    assert "Senin, 23 Nov 2026 10:41 WITA" in texts


def test_logo_is_printed_centred_within_the_paper(tmp_path: Path, paper: Paper) -> None:
    logo = Image.new("RGBA", (400, 200), (255, 255, 255, 0))
    logo.paste((0, 0, 0, 255), (150, 50, 250, 150))
    logo.save(tmp_path / "logo.png")
    result = rendered(make_ticket(logo_path=tmp_path / "logo.png"), paper)
    assert isinstance(result.elements[0], RasterImage)
    image = result.images[0]
    assert image.width == paper.width_dots and image.height <= 120
    black = [x for x in range(image.width) if image.pixel(x, image.height // 2)]
    assert black, "the logo's black square is missing"
    middle = (black[0] + black[-1]) / 2
    assert abs(middle - paper.width_dots / 2) <= 4


def test_missing_logo_is_left_out_not_fatal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    result = rendered(make_ticket(logo_path=tmp_path / "nope.png"), Paper.MM80)
    assert result.images == []
    assert "A-012" in result.texts
    assert "logo" in caplog.text


def test_profile_without_native_qr_prints_the_qr_as_a_picture() -> None:
    paper = Paper("58mm", 384, profile="POS-5890")
    result = rendered(make_ticket(), paper)
    assert result.qr_codes == []
    [picture] = result.images
    assert picture.width == 384
    assert any(picture.pixel(x, 0) for x in range(picture.width))


def test_section_order_reads_top_to_bottom(ticket: TicketData) -> None:
    result = rendered(ticket, Paper.MM80)
    texts = result.texts
    order = [
        "Mal Pelayanan Publik Kota Cilegon",
        "Nomor Antrean",
        "A-012",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "Perekaman dan Pencetakan KTP-el",
        "Senin, 23 Nov 2026 09:41 WIB",
        "Yang perlu dibawa:",
        "Pindai untuk melihat status antrean",
        "Pengaduan: SP4N-LAPOR! lapor.go.id / WA 0811-0000-000",
    ]
    positions = [texts.index(text) for text in order]
    assert positions == sorted(positions)
    qr_at = result.elements.index(result.qr_codes[0])
    caption_at = result.elements.index(result.line_with("Pindai"))
    bring_at = result.elements.index(result.line_with("Yang perlu dibawa:"))
    assert bring_at < qr_at < caption_at
