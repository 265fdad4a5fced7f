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


# --- workbooks that declare (or hold) far more than a staff list: memory stays bounded


def _workbook(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _patched(data: bytes, dimension: str | None, extra_rows: str = "") -> bytes:
    """The workbook with its sheet's ``<dimension>`` replaced (None: removed) and raw rows appended."""
    import re
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = body.decode()
                replacement = f'<dimension ref="{dimension}"/>' if dimension else ""
                text, found = re.subn(r'<dimension ref="[^"]*"\s*/>', replacement, text)
                assert found == 1
                body = text.replace("</sheetData>", extra_rows + "</sheetData>").encode()
            target.writestr(info, body)
    return out.getvalue()


def _cell(ref: str, text: str = "x") -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


STAFF = [["NIP", "Nama", "Unit Kerja"], ["198503142010011002", "Siti Aminah", "Dinas A"]]
FAR_RIGHT = f'<row r="3">{_cell("XFD3")}</row><row r="2000">{_cell("A2000")}</row>'


def _read_measured(tmp_path, data: bytes):
    """read_table under tracemalloc: (table or the refusal, peak bytes)."""
    import tracemalloc

    path = write(tmp_path, "berkas.xlsx", data)
    tracemalloc.start()
    try:
        result = reader.read_table(path, "berkas.xlsx")
    except reader.UnreadableFile as refusal:
        result = refusal
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, peak


PEAK_LIMIT = 30 * 2**20


@pytest.mark.parametrize("dimension, extra, message", [
    ("A1:XFD2000", FAR_RIGHT, "terlalu besar"),  # 16,384 columns declared, a cell in the last one
    ("A1:C1048576", f'<row r="1048576">{_cell("A1048576")}</row>', "terlalu besar"),  # every row of a sheet
    (None, FAR_RIGHT, "lebih dari 100 kolom"),  # nothing declared: the cells themselves are too far right
    (None, f'<row r="1048576">{_cell("A1048576")}</row>', "terlalu banyak baris"),
    ("A1:C3", FAR_RIGHT, "lebih dari 100 kolom"),  # declared small, but the cells are not
])
def test_oversized_workbooks_are_refused_with_bounded_memory(tmp_path, dimension, extra, message):
    data = _patched(_workbook(STAFF), dimension, extra)
    assert len(data) < 6000
    result, peak = _read_measured(tmp_path, data)
    assert isinstance(result, reader.UnreadableFile) and message in str(result)
    assert peak < PEAK_LIMIT, f"{peak / 2**20:.0f} MiB"


@pytest.mark.parametrize("dimension", ["A1", "A1:C2", "A1:CV60010", None])
def test_the_declared_size_is_not_trusted_for_reading(tmp_path, dimension):
    """A wrong but acceptable <dimension> (too small, missing, or large within the limits) reads the real cells."""
    rows = STAFF + [[f"19850314201001{n:04d}", f"Pegawai {n}", "Dinas B"] for n in range(3, 40)]
    data = _patched(_workbook(rows), dimension, f'<row r="60">{_cell("A60", "198503142010019999")}</row>')
    table, peak = _read_measured(tmp_path, data)
    assert isinstance(table, reader.Table), table
    assert table.headers == ["NIP", "Nama", "Unit Kerja"]
    assert table.records[0] == (2, ["198503142010011002", "Siti Aminah", "Dinas A"])
    assert table.records[-1] == (60, ["198503142010019999"])
    assert len(table.records) == 59
    assert peak < PEAK_LIMIT


def test_styled_empty_cells_far_right_do_not_make_columns(tmp_path):
    """Empty (styled) cells beyond the limit are not data: the workbook is read."""
    extra = '<row r="3"><c r="A3" t="inlineStr"><is><t>198503142010011003</t></is></c><c r="XFD3" s="0"/></row>'
    table, peak = _read_measured(tmp_path, _patched(_workbook(STAFF), None, extra))
    assert isinstance(table, reader.Table), table
    assert table.records[-1] == (3, ["198503142010011003"])
    assert peak < PEAK_LIMIT


def test_a_row_of_200_000_empty_cells_is_refused_before_openpyxl_builds_it(tmp_path):
    """openpyxl turns a whole row into Python objects: 200,000 empty cells (a few KB compressed) took 1 GB."""
    giant = '<row r="3">' + '<c r="A3" s="0"/>' * 200_000 + "</row>"
    result, peak = _read_measured(tmp_path, _patched(_workbook(STAFF), None, giant))
    assert isinstance(result, reader.UnreadableFile) and "lebih dari 100 kolom" in str(result)
    assert peak < PEAK_LIMIT


def test_a_value_in_the_first_column_beyond_the_limit_is_refused(tmp_path):
    headers = [f"Kolom {n}" for n in range(1, reader.MAX_COLUMNS + 2)]
    declared, _peak = _read_measured(tmp_path, _workbook([headers]))
    assert isinstance(declared, reader.UnreadableFile) and "terlalu besar" in str(declared)  # A1:CW1
    undeclared, _peak = _read_measured(tmp_path, _patched(_workbook([headers]), None))
    assert isinstance(undeclared, reader.UnreadableFile) and "lebih dari 100 kolom" in str(undeclared)


def test_a_workbook_at_the_column_limit_is_read(tmp_path):
    headers = ["NIP", "Nama"] + [f"Kolom tambahan {n}" for n in range(3, reader.MAX_COLUMNS + 1)]
    table, _peak = _read_measured(tmp_path, _workbook([headers, ["198503142010011002", "Siti"] + ["x"] * 98]))
    assert isinstance(table, reader.Table), table
    assert len(table.headers) == reader.MAX_COLUMNS == 100
    assert len(table.records[0][1]) == 100
