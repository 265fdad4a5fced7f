"""The rejected rows as a file to fix and upload again: the original columns plus ALASAN_DITOLAK."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence

REASON_COLUMN = "ALASAN_DITOLAK"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_csv(value: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheet programs (CSV injection).
    return "'" + value if value.startswith(_FORMULA_START) and not value.lstrip("-").isdigit() else value


def rejected_csv(headers: Sequence[str], rows: Iterable[tuple[Sequence[str], str]]) -> bytes:
    """UTF-8 with BOM and ';' between columns, as Excel in an Indonesian locale opens it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([*headers, REASON_COLUMN])
    for raw, reasons in rows:
        cells = list(raw) + [""] * (len(headers) - len(raw))
        writer.writerow([_safe_csv(c) for c in cells[: len(headers)]] + [_safe_csv(reasons)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def rejected_xlsx(headers: Sequence[str], rows: Iterable[tuple[Sequence[str], str]],
                  sheet_title: str = "Ditolak") -> bytes:
    """Every cell written as text (NIPs keep all 18 digits; nothing becomes a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)

    def text_cells(values: Sequence[str]) -> list:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        return cells

    sheet.append(text_cells([*headers, REASON_COLUMN]))
    for raw, reasons in rows:
        cells = list(raw) + [""] * (len(headers) - len(raw))
        sheet.append(text_cells([*cells[: len(headers)], reasons]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def join_reasons(reasons: Iterable[dict], translate: Callable[..., str]) -> str:
    return "; ".join(translate(r["m"], **r.get("a", {})) for r in reasons or [])
