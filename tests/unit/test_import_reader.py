"""Reading uploaded staff lists (format by content, CSV dialects, header row) and writing rejected rows."""

import csv
import datetime as dt
import io

import openpyxl
import pytest

from portal.imports import export, reader


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("text, encoding", [
    ("NIP;Nama;Unit Kerja\n198503142010011002;Siti Aminah;Dinas A\n", "utf-8-sig"),
    ("NIP,Nama,Unit Kerja\r\n198503142010011002,Siti Aminah,Dinas A\r\n", "utf-8"),
    ("NIP\tNama\tUnit Kerja\n198503142010011002\tSiti Aminah\tDinas A\n", "cp1252"),
])
def test_csv_dialects_and_encodings(tmp_path, text, encoding):
    table = reader.read_table(write(tmp_path, "a.csv", text.encode(encoding)), "a.csv")
    assert table.format == "csv"
    assert table.headers == ["NIP", "Nama", "Unit Kerja"]
    assert table.records[0] == (2, ["198503142010011002", "Siti Aminah", "Dinas A"])


def test_cp1252_fallback_keeps_accents(tmp_path):
    table = reader.read_table(write(tmp_path, "a.csv", "NIP;Nama\n1;Andrés\n".encode("cp1252")), "a.csv")
    assert table.records[0][1][1] == "Andrés"


def test_xlsx_header_found_below_a_title_block(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DAFTAR NOMINATIF PEGAWAI"])
    sheet.append([])
    sheet.append(["NIP", "Nama", "Tgl Lahir", None, None])
    sheet.append(["198503142010011002", "Siti", dt.datetime(1985, 3, 14)])
    sheet.append([])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = reader.read_table(write(tmp_path, "x.xlsx", buffer.getvalue()), "x.xlsx")
    assert table.format == "xlsx" and table.header_row == 3
    assert table.headers == ["NIP", "Nama", "Tgl Lahir"]
    assert table.records[0] == (4, ["198503142010011002", "Siti", dt.datetime(1985, 3, 14)])


def test_duplicate_and_blank_headers_get_unique_names(tmp_path):
    table = reader.read_table(write(tmp_path, "a.csv", b"NIP;;NIP\n1;2;3\n"), "a.csv")
    assert table.headers == ["NIP", "Kolom 2", "NIP (2)"]


@pytest.mark.parametrize("data, name, message", [
    (b"NIP;Nama\n", "a.xlsx", "bukan berkas Excel"),
    (b"PK\x03\x04not a zip", "a.xlsx", "rusak"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a.xls", ".xls"),
    (b"\x00\x00", "a.csv", "bukan berkas CSV"),
    (b"NIP;Nama\n", "a.pdf", "tidak didukung"),
])
def test_format_is_decided_by_content(data, name, message):
    with pytest.raises(reader.UnreadableFile, match=message):
        reader.detect_format(data, name)


def test_zip_without_ooxml_parts_is_refused():
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(reader.UnreadableFile, match="buku kerja"):
        reader.detect_format(buffer.getvalue(), "a.xlsx")


def test_rejected_exports_keep_text_and_defuse_formulas():
    rows = [(["198503142010011002", "=HYPERLINK(\"x\")"], "NIP ganda")]
    data = export.rejected_xlsx(["NIP", "Nama"], rows)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in sheet[2]] == ["198503142010011002", "=HYPERLINK(\"x\")", "NIP ganda"]
    assert all(c.data_type == "s" for c in sheet[2])
    text = export.rejected_csv(["NIP", "Nama"], rows).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines == [["NIP", "Nama", "ALASAN_DITOLAK"], ["198503142010011002", "'=HYPERLINK(\"x\")", "NIP ganda"]]


def test_too_many_rows_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 5)
    data = ("NIP;Nama\n" + "".join(f"{i};X\n" for i in range(20))).encode()
    with pytest.raises(reader.UnreadableFile, match="terlalu banyak baris"):
        reader.read_table(write(tmp_path, "a.csv", data), "a.csv")
