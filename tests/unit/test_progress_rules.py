"""Pure rules of the progress area: file sniffing by content, names, links, numbers and sub-periods."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest

from portal.progress import rules

MB = 1024 * 1024
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _zip(parts: dict[str, bytes | str], first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first:
            archive.writestr(first, parts.pop(first), compress_type=zipfile.ZIP_STORED)
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>", "word/document.xml": "<w/>"})
XLSX = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
PPTX = _zip({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p/>"})
ODT = _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<c/>"}, first="mimetype")
ODS = _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<c/>"}, first="mimetype")


def check(data: bytes, name: str, max_bytes: int = 10 * MB) -> rules.FileKind:
    return rules.check_upload(name, io.BytesIO(data), len(data), max_bytes)


@pytest.mark.parametrize("data, name, key, content_type", [
    (PDF, "laporan.pdf", "pdf", "application/pdf"),
    (PDF, "LAPORAN.PDF", "pdf", "application/pdf"),
    (PNG, "foto.png", "png", "image/png"),
    (JPEG, "foto.jpg", "jpeg", "image/jpeg"),
    (JPEG, "foto.jpeg", "jpeg", "image/jpeg"),
    (DOCX, "surat.docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (XLSX, "rekap.xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (PPTX, "paparan.pptx", "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    (ODT, "surat.odt", "odt", "application/vnd.oasis.opendocument.text"),
    (ODS, "rekap.ods", "ods", "application/vnd.oasis.opendocument.spreadsheet"),
])
def test_allowed_types_are_recognised_by_content(data, name, key, content_type):
    kind = check(data, name)
    assert kind.key == key and kind.content_type == content_type


@pytest.mark.parametrize("data, name, code", [
    (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "laporan.pdf", "executable"),  # a renamed .exe
    (b"MZ\x90\x00" + b"\x00" * 60, "program.exe", "executable"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 50, "laporan.pdf", "executable"),
    (b"#!/bin/sh\nrm -rf /\n", "skrip.pdf", "executable"),
    (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "laporan.pdf", "markup"),
    (b"\xef\xbb\xbf  <html><script>x</script></html>", "laporan.pdf", "markup"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "gambar.png", "markup"),
    (b"<svg onload=alert(1)>", "gambar.jpg", "markup"),
    (_zip({"data.txt": "halo"}), "laporan.docx", "unknown"),  # a zip that is not an office document
    (_zip({"[Content_Types].xml": "<Types/>", "other.xml": "<x/>"}), "laporan.docx", "unknown"),
    (_zip({"[Content_Types].xml": "<T/>", "word/document.xml": "<w/>", "word/vbaProject.bin": "x"}),
     "makro.docx", "macro"),
    (b"PK\x03\x04 this is not really a zip", "laporan.xlsx", "bad_zip"),
    (b"Just some plain text", "catatan.pdf", "unknown"),
    (b"GIF89a\x01\x00", "animasi.png", "unknown"),
    (PDF, "laporan.docx", "extension"),  # content and name disagree
    (PNG, "foto.jpg", "extension"),
    (DOCX, "surat.xlsx", "extension"),
    (DOCX, "surat", "extension"),
])
def test_refused_files(data, name, code):
    with pytest.raises(rules.UploadRejected) as exc:
        check(data, name)
    assert exc.value.code == code


def test_size_limit_and_empty_file():
    with pytest.raises(rules.UploadRejected) as exc:
        rules.check_upload("besar.pdf", io.BytesIO(PDF), 10 * MB + 1, 10 * MB)
    assert exc.value.code == "too_large" and exc.value.params["max_mb"] == 10
    assert check(PDF + b"0" * (MB - len(PDF)), "pas.pdf", max_bytes=MB).key == "pdf"  # exactly the limit is fine
    with pytest.raises(rules.UploadRejected) as exc:
        check(b"", "kosong.pdf")
    assert exc.value.code == "empty"


def test_sniff_leaves_the_stream_at_the_start():
    stream = io.BytesIO(DOCX)
    assert rules.sniff_file_kind(stream) == "docx"
    assert stream.tell() == 0


@pytest.mark.parametrize("raw, expected", [
    ("laporan.pdf", "laporan.pdf"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\budi\\Laporan Q1.pdf", "Laporan Q1.pdf"),
    ('a<b>:"c|?*.pdf', "a_b_c_.pdf"),
    ("  .hidden.pdf  ", "hidden.pdf"),
    ("tab\tand\nnewline.pdf", "tab_and_newline.pdf"),
    ("Rekap Kinerja Triwulan – Dinas Pendidikan.xlsx", "Rekap Kinerja Triwulan – Dinas Pendidikan.xlsx"),
    ("", ""),
    ("..", ""),
])
def test_sanitise_filename(raw, expected):
    assert rules.sanitise_filename(raw) == expected


def test_sanitise_long_name_keeps_extension():
    name = rules.sanitise_filename("a" * 400 + ".pdf")
    assert len(name) <= 150 and name.endswith(".pdf")


@pytest.mark.parametrize("url", ["https://drive.contoh.go.id/berkas/1", "http://10.0.0.5/laporan?id=3"])
def test_valid_links(url):
    assert rules.validate_link(url) == url


@pytest.mark.parametrize("url", [
    "", "javascript:alert(1)", "data:text/html,<script>", "ftp://contoh.go.id/a", "https://", "contoh.go.id/a",
    "https://user:secret@contoh.go.id/", "https://contoh.go.id/a b", "https://contoh.go.id/" + "a" * 1000,
])
def test_invalid_links(url):
    with pytest.raises(ValueError):
        rules.validate_link(url)


@pytest.mark.parametrize("raw, expected", [
    ("12", Decimal("12.00")), ("12,5", Decimal("12.50")), ("1.250,75", Decimal("1250.75")),
    ("1250.75", Decimal("1250.75")), ("1.000.000", Decimal("1000000.00")), ("", None), ("  ", None), (None, None),
])
def test_parse_number(raw, expected):
    assert rules.parse_number(raw) == expected


@pytest.mark.parametrize("raw", ["dua belas", "12,5,1", "NaN", "Infinity", "1e20"])
def test_parse_number_refuses(raw):
    with pytest.raises(ValueError):
        rules.parse_number(raw)


def test_sub_period_labels():
    assert rules.sub_period_labels("bulanan") == (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
        "November", "Desember")
    assert rules.sub_period_labels("triwulanan") == ("Triwulan I", "Triwulan II", "Triwulan III", "Triwulan IV")
    assert rules.sub_period_label("triwulanan", 3) == "Triwulan III"
    assert rules.sub_period_label("bulanan", 0) == "Tahunan"


def test_sub_period_bounds_and_current():
    assert rules.sub_period_bounds(2024, "bulanan", 2) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert rules.sub_period_bounds(2026, "triwulanan", 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    with pytest.raises(ValueError):
        rules.sub_period_bounds(2026, "triwulanan", 5)
    assert rules.current_sub_period(2026, "triwulanan", dt.date(2026, 4, 1)) == 2
    assert rules.current_sub_period(2026, "bulanan", dt.date(2026, 4, 30)) == 4
    assert rules.current_sub_period(2026, "triwulanan", dt.date(2025, 12, 31)) == 0
    assert rules.current_sub_period(2026, "triwulanan", dt.date(2027, 1, 5)) == 5
    assert rules.is_future_sub_period(2026, "triwulanan", 3, dt.date(2026, 6, 30))
    assert not rules.is_future_sub_period(2026, "triwulanan", 3, dt.date(2026, 7, 1))


def test_sub_period_editable():
    assert rules.sub_period_editable(started=True, window_open=True)
    assert not rules.sub_period_editable(started=False, window_open=True)
    assert not rules.sub_period_editable(started=True, window_open=False)
