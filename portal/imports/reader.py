"""Read an uploaded staff list (.xlsx or .csv) into a header row and data rows. No Flask, no database.

The format is decided by the content, not the file name: an .xlsx must be a real zip with the OOXML parts;
a CSV must be text (UTF-8 with or without BOM, else cp1252) with ';', ',' or tab between the columns.
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.handler import ContentHandler

from portal.imports.rules import header_score, is_blank

XLSX, CSV = "xlsx", "csv"
HEADER_SCAN_ROWS = 10  # an export may start with a title block; the header is the first row that looks like one
MAX_ROWS = 60_000  # a regency has far fewer staff; more rows means a wrong file (and would exhaust memory)
# A SIASN export has about 70 columns. Wider data means a wrong file; the cap also bounds the memory of each row.
MAX_COLUMNS = 100
# Cell elements in one row of the sheet XML, empty (formatted) ones included: openpyxl turns a whole row into
# Python objects at once, so a single row of millions of cells (a few KB compressed) would take gigabytes.
MAX_ROW_CELLS = 2 * MAX_COLUMNS
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


TOO_BIG = _("Lembar kerja terlalu besar untuk daftar pegawai (paling banyak 60.000 baris dan 100 kolom). "
            "Hapus baris dan kolom di luar tabel lalu simpan ulang.")
TOO_WIDE = _("Tabel berisi lebih dari 100 kolom. Hapus kolom yang tidak diperlukan lalu unggah lagi.")
TOO_MANY_ROWS = _("Berkas berisi terlalu banyak baris (lebih dari 60.000).")
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _split_ref(ref: str) -> tuple[int, int]:
    """'XFD2000' -> (column 16384, row 2000); a part that is missing is 0."""
    letters = "".join(ch for ch in ref if ch.isalpha()).upper()
    digits = "".join(ch for ch in ref if ch.isdigit())
    return _column_number(letters), int(digits[:9] or 0)


class _SizeCheck(ContentHandler):
    """A SAX handler that walks one sheet's XML in constant memory and refuses what is too big for a staff list:
    a ``<dimension>`` claiming more than the limits, a row numbered beyond MAX_ROWS, a value right of
    MAX_COLUMNS, a row of more than MAX_ROW_CELLS cells. Empty formatted cells further right are allowed."""

    def __init__(self) -> None:
        super().__init__()
        self.rows = self.row_cells = self.column = 0
        self.beyond = False  # inside a cell right of MAX_COLUMNS

    def startElement(self, name: str, attrs) -> None:  # noqa: N802 (SAX API)
        tag = name.rpartition(":")[2]
        if tag == "c":
            self.row_cells += 1
            if self.row_cells > MAX_ROW_CELLS:
                raise UnreadableFile(TOO_WIDE)
            column = _split_ref(attrs.get("r", ""))[0]
            self.column = column or self.column + 1
            self.beyond = self.column > MAX_COLUMNS
        elif tag in ("v", "is", "f") and self.beyond:
            raise UnreadableFile(TOO_WIDE)
        elif tag == "row":
            self.rows = _split_ref(attrs.get("r", ""))[1] or self.rows + 1
            if self.rows > MAX_ROWS + HEADER_SCAN_ROWS:
                raise UnreadableFile(TOO_MANY_ROWS)
            self.row_cells = self.column = 0
        elif tag == "dimension":
            last = attrs.get("ref", "").rpartition(":")[2]
            columns, rows = _split_ref(last)
            if columns > MAX_COLUMNS or rows > MAX_ROWS + HEADER_SCAN_ROWS:
                raise UnreadableFile(TOO_BIG)

    def endElement(self, name: str) -> None:  # noqa: N802 (SAX API)
        if name.rpartition(":")[2] == "sheetData":
            raise _SheetChecked


class _SheetChecked(Exception):
    """The sheet's data has been walked: the rest of its XML does not matter."""


def _check_sheet_sizes(path: Path) -> None:
    """Before openpyxl opens the workbook: every worksheet within the limits, whatever it declares.

    openpyxl reads each sheet's ``<dimension>`` when it opens the workbook and pads rows to it; and it builds a
    whole row in memory. Both are checked here on the raw XML, streamed (defusedxml: no entities).
    """
    import defusedxml.ElementTree as SafeTree
    import defusedxml.sax

    try:
        with zipfile.ZipFile(path) as archive:
            types = SafeTree.fromstring(archive.read("[Content_Types].xml"))
            names = archive.namelist()
            parts = {override.get("PartName", "").lstrip("/") for override in types
                     if override.get("ContentType") == WORKSHEET_TYPE}
            parts |= {name for name in names if name.startswith("xl/worksheets/") and name.endswith(".xml")}
            for part in sorted(parts & set(names)):
                with archive.open(part) as source, contextlib.suppress(_SheetChecked):
                    defusedxml.sax.parse(source, _SizeCheck())
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile(_("Berkas Excel tidak dapat dibuka. Pastikan berkas .xlsx tidak rusak.")) from exc


def _trimmed(values) -> list[object]:
    """A row without its trailing empty cells."""
    end = len(values)
    while end and is_blank(values[end - 1]):
        end -= 1
    return list(values[:end])


def _xlsx_rows(path: Path) -> Iterator[list[object]]:
    """The first sheet's rows, streamed (openpyxl read-only mode), at most MAX_COLUMNS wide.

    The sheet's ``<dimension>`` is only a claim: openpyxl padded every row to the declared width and filled every
    declared row, so "A1:XFD2000" in a 1.5 KB file took 130 KB per row (260 MB). A claim beyond the limits is
    refused before any row is read (``_check_sheet_sizes``); below them it is ignored and the cells that are
    really there are read (a claim that is too small no longer cuts rows off either).
    """
    import openpyxl

    _check_sheet_sizes(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise UnreadableFile(_("Berkas Excel tidak dapat dibuka. Pastikan berkas .xlsx tidak rusak.")) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise UnreadableFile(_("Berkas Excel tidak berisi lembar kerja."))
        sheet.reset_dimensions()  # only the rows that exist, each as long as its last cell ...
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):  # ... up to MAX_COLUMNS
            yield _trimmed(values)
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
                raise UnreadableFile(TOO_MANY_ROWS)
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
