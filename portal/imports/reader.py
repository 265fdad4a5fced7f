"""Read an uploaded staff list (.xlsx or .csv) into a header row and data rows. No Flask, no database.

The format is decided by the content, not the file name: an .xlsx must be a real zip with the OOXML parts;
a CSV must be text (UTF-8 with or without BOM, else cp1252) with ';', ',' or tab between the columns.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from portal.imports.rules import header_score, is_blank

XLSX, CSV = "xlsx", "csv"
HEADER_SCAN_ROWS = 10  # an export may start with a title block; the header is the first row that looks like one
MAX_ROWS = 60_000  # a regency has far fewer staff; more rows means a wrong file (and would exhaust memory)
MAX_UNZIPPED_BYTES = 300 * 2**20  # an .xlsx is a zip: refuse "zip bombs" before openpyxl inflates them


def _(message: str) -> str:
    """Marks a message for translation; the service translates it when it reaches the admin."""
    return message


class UnreadableFile(ValueError):
    """The file cannot be read as a staff list; the message is Indonesian and shown to the admin."""


@dataclass
class Table:
    format: str
    headers: list[str]
    header_row: int  # 1-based row number of the header
    records: list[tuple[int, list[object]]]  # (row number, cells), blank rows included


def detect_format(data: bytes, filename: str) -> str:
    """'xlsx' or 'csv' from the bytes; raise UnreadableFile for anything else."""
    name = filename.lower()
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                unzipped = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile as exc:
            raise UnreadableFile(_("Berkas Excel rusak atau bukan berkas .xlsx yang sah.")) from exc
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnreadableFile(_("Berkas ini bukan buku kerja Excel .xlsx yang sah."))
        if unzipped > MAX_UNZIPPED_BYTES:
            raise UnreadableFile(_("Isi berkas Excel terlalu besar untuk diimpor."))
        return XLSX
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile(_("Format Excel lama (.xls) tidak didukung. Simpan ulang sebagai .xlsx lalu unggah lagi."))
    if name.endswith(".xlsx"):
        raise UnreadableFile(_("Berkas ini bukan berkas Excel .xlsx yang sah."))
    if b"\x00" in data[:4096]:
        raise UnreadableFile(_("Berkas ini bukan berkas CSV (teks) yang dapat dibaca."))
    if not name.endswith((".csv", ".txt")):
        raise UnreadableFile(_("Jenis berkas tidak didukung. Unggah berkas .xlsx atau .csv."))
    return CSV


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes) -> Iterator[list[object]]:
    text = decode_text(data)
    first_lines = "\n".join(text.splitlines()[:HEADER_SCAN_ROWS])
    delimiter = max([";", ",", "\t"], key=first_lines.count)
    if first_lines.count(delimiter) == 0:
        delimiter = ","
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(path: Path) -> Iterator[list[object]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise UnreadableFile(_("Berkas Excel tidak dapat dibuka. Pastikan berkas .xlsx tidak rusak.")) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise UnreadableFile(_("Berkas Excel tidak berisi lembar kerja."))
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile(_("Isi berkas Excel tidak dapat dibaca.")) from exc
    finally:
        workbook.close()


def _unique_headers(cells: list[object]) -> list[str]:
    headers, seen = [], {}
    for index, cell in enumerate(cells):
        text = " ".join(str(cell).split()) if not is_blank(cell) else ""
        text = text or f"Kolom {index + 1}"
        if text in seen:
            seen[text] += 1
            text = f"{text} ({seen[text]})"
        else:
            seen[text] = 1
        headers.append(text)
    return headers


def read_table(path: Path, filename: str) -> Table:
    """The whole table: the header (the first of the top rows that looks most like one) and every row after it."""
    data = Path(path).read_bytes()
    fmt = detect_format(data, filename)
    rows: list[list[object]] = []
    try:
        for cells in _xlsx_rows(Path(path)) if fmt == XLSX else _csv_rows(data):
            rows.append(cells)
            if len(rows) > MAX_ROWS + HEADER_SCAN_ROWS:
                raise UnreadableFile(_("Berkas berisi terlalu banyak baris (lebih dari 60.000)."))
    except csv.Error as exc:
        raise UnreadableFile(_("Berkas CSV tidak dapat dibaca.")) from exc
    # Trailing empty cells (openpyxl pads to the sheet's width) do not make columns.
    top = [(i, r) for i, r in enumerate(rows[:HEADER_SCAN_ROWS]) if any(not is_blank(c) for c in r)]
    if not top:
        raise UnreadableFile(_("Berkas kosong: tidak ada baris judul kolom."))
    best = max(top, key=lambda item: (header_score(item[1]), -item[0]))
    header_index, header_cells = best if header_score(best[1]) else top[0]
    while header_cells and is_blank(header_cells[-1]):
        header_cells = header_cells[:-1]
    headers = _unique_headers(list(header_cells))
    width = len(headers)
    records = [(header_index + 2 + offset, list(cells[:width]))
               for offset, cells in enumerate(rows[header_index + 1:])]
    return Table(format=fmt, headers=headers, header_row=header_index + 1, records=records)
