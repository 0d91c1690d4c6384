"""The ESC/POS decoder, on byte streams written by hand from the command reference."""

from __future__ import annotations

from ticket_printer.decode import Cut, Feed, QrCode, RasterImage, TextLine, decode

ESC, GS = b"\x1b", b"\x1d"


def test_plain_text_lines_with_alignment_and_emphasis() -> None:
    data = ESC + b"a\x01" + ESC + b"E\x01" + b"Judul\n" + ESC + b"E\x00" + ESC + b"a\x00isi\n"
    result = decode(data)
    assert [(line.text, line.align, line.bold) for line in result.lines] == [
        ("Judul", "center", True),
        ("isi", "left", False),
    ]


def test_gs_exclamation_sets_width_and_height_independently() -> None:
    line = decode(GS + b"!\x52" + b"B-7\n").lines[0]
    assert (line.width, line.height) == (6, 3)
    assert line.dots == 3 * 12 * 6
    assert line.line_height == 3 * 24


def test_esc_exclamation_selects_double_size_font_b_and_bold() -> None:
    span = decode(ESC + b"!\x39" + b"x\n").lines[0].spans[0]
    assert (span.width, span.height, span.bold, span.font) == (2, 2, True, "b")


def test_alignment_takes_effect_only_at_the_start_of_a_line() -> None:
    result = decode(b"ab" + ESC + b"a\x02" + b"cd\nef\n")
    assert [(line.text, line.align) for line in result.lines] == [
        ("abcd", "left"),
        ("ef", "right"),
    ]


def test_printer_wraps_an_overlong_line_and_flags_it() -> None:
    result = decode(b"x" * 50 + b"\n", width_dots=576)
    assert [len(line.text) for line in result.lines] == [48, 2]
    assert [line.overflowed for line in result.lines] == [True, False]


def test_feeds_and_blank_lines() -> None:
    result = decode(b"a\n" + ESC + b"d\x02" + ESC + b"J\x10")
    assert result.elements[1:] == (
        TextLine((), "left", 30),
        TextLine((), "left", 30),
        Feed(16),
    )


def test_native_qr_code_sequence() -> None:
    payload = b"https://example.go.id/t/1"

    def fn(function: int, body: bytes) -> bytes:
        size = len(body) + 2
        return GS + b"(k" + bytes([size % 256, size // 256, 49, function]) + body

    data = (
        ESC
        + b"a\x01"
        + fn(65, b"2\x00")
        + fn(67, b"\x05")
        + fn(69, b"1")
        + fn(80, b"0" + payload)
        + fn(81, b"0")
    )
    assert decode(data).elements == (QrCode(payload.decode(), 5, "M", "center"),)


def test_raster_image_pixels() -> None:
    # 16 x 2 dots: first row has dots 0 and 15 black, second row all white.
    data = GS + b"v0\x00" + bytes([2, 0, 2, 0]) + bytes([0x80, 0x01, 0x00, 0x00])
    [image] = decode(data).elements
    assert isinstance(image, RasterImage)
    assert (image.width, image.height) == (16, 2)
    assert [x for x in range(16) if image.pixel(x, 0)] == [0, 15]
    assert not any(image.pixel(x, 1) for x in range(16))


def test_cut_variants() -> None:
    data = GS + b"V\x00" + GS + b"V\x01" + GS + b"VA\x10" + GS + b"VB\x00" + ESC + b"m"
    assert decode(data).cuts == [Cut(False), Cut(True), Cut(False), Cut(True), Cut(True)]


def test_code_page_decides_how_high_bytes_read() -> None:
    data = ESC + b"t\x10" + b"caf\xe9\n" + ESC + b"t\x00" + b"caf\x82\n"
    assert decode(data).texts == ["café", "café"]


def test_unknown_commands_and_realtime_requests_are_reported() -> None:
    result = decode(ESC + b"\x7f" + b"\x10\x04\x01" + b"ok\n")
    assert result.texts == ["ok"]
    assert len(result.warnings) == 2
    assert "unknown command ESC 0x7f" in result.warnings[0]
    assert "real-time" in result.warnings[1]


def test_init_resets_modes() -> None:
    result = decode(ESC + b"E\x01" + GS + b"!\x11" + ESC + b"@" + b"normal\n")
    line = result.lines[0]
    assert (line.bold, line.width, line.height) == (False, 1, 1)
