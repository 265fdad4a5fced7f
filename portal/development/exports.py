"""Files for BKPSDM: the year's training needs as a workbook (openpyxl in write-only mode: rows are streamed to the
file, so the whole regency fits in little memory), and an employee's JP record as a workbook or CSV. Text cells are
written as text (an 18-digit NIP keeps its digits); a cell that a spreadsheet would run as a formula is prefixed
with an apostrophe (CSV/formula injection)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Sequence

from flask_babel import gettext

from portal.development import reports, rules
from portal.development.labels import ADDRESSES_LABELS, KIND_LABELS, MODE_LABELS, item_state, plan_state
from portal.org.rules import format_nip, full_name

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _label(mapping, code) -> str:
    return str(mapping.get(code, code or "")) if code else ""


def _workbook():
    from openpyxl import Workbook

    return Workbook(write_only=True)


def _row(sheet, values: Sequence) -> None:
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=safe(value))
        if isinstance(value, str):
            cell.data_type = "s"
        elif isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        cells.append(cell)
    sheet.append(cells)


def _save(workbook) -> bytes:
    with tempfile.SpooledTemporaryFile(max_size=8 * 2**20) as out:
        workbook.save(out)
        out.seek(0)
        return out.read()


def what(competency: str | None, addresses: str) -> str:
    return competency or _label(ADDRESSES_LABELS, addresses)


def needs_xlsx(year: int) -> bytes:
    """Three sheets: Kebutuhan (one row per competency or gap and activity: people, items, JP, cost, OPD), Rincian
    (every item with its employee and unit), Kesenjangan (people per competency and gap size, final assessments)."""
    workbook = _workbook()
    sheet = workbook.create_sheet(gettext("Kebutuhan"))
    sheet.freeze_panes = "A2"
    _row(sheet, [gettext("Tahun"), gettext("Kompetensi atau kebutuhan"), gettext("Jenis kompetensi"),
                 gettext("Jenis kegiatan"), gettext("Klasikal/non-klasikal"), gettext("Jumlah pegawai"),
                 gettext("Jumlah kegiatan"), gettext("Kegiatan disetujui"), gettext("Total JP direncanakan"),
                 gettext("Total biaya (Rp)"), gettext("Jumlah OPD"), gettext("OPD")])
    for row in reports.all_needs(year):
        _row(sheet, [year, what(row.competency, row.addresses), _label(KIND_LABELS, row.competency_kind),
                     row.activity, _label(MODE_LABELS, row.mode), row.people, row.items, row.approved,
                     row.planned_jp, row.cost, len(row.units), "; ".join(row.units)])
    details = workbook.create_sheet(gettext("Rincian"))
    details.freeze_panes = "A2"
    _row(details, [gettext("NIP"), gettext("Nama"), gettext("Unit kerja"), gettext("OPD"),
                   gettext("Kompetensi atau kebutuhan"), gettext("Jenis kegiatan"), gettext("Klasikal/non-klasikal"),
                   gettext("Nama kegiatan"), gettext("Penyelenggara"), gettext("Mulai"), gettext("Selesai"),
                   gettext("JP direncanakan"), gettext("Biaya (Rp)"), gettext("Status kegiatan"),
                   gettext("Status rencana")])
    opds = reports.opd_names()
    for r in reports.need_details(year):
        (nip, front, name, back, unit, path, competency, addresses, activity, mode, title, provider, starts, ends,
         jp, cost, status, plan_status) = r
        opd = opds.get(int(path.strip("/").split("/")[0]), "")
        _row(details, [format_nip(nip), full_name(front, name, back), unit, opd, what(competency, addresses),
                       activity, _label(MODE_LABELS, mode), title, provider, starts, ends, jp, cost,
                       item_state(status)[0], plan_state(plan_status)[0]])
    gaps = workbook.create_sheet(gettext("Kesenjangan"))
    _row(gaps, [gettext("Kompetensi"), gettext("Jenis kompetensi"), gettext("Memenuhi standar"),
                gettext("Kurang 1 level"), gettext("Kurang 2 level"), gettext("Kurang 3 level atau lebih")])
    for heat in reports.regency_gaps(year).rows:
        _row(gaps, [heat.competency.name, _label(KIND_LABELS, heat.competency.kind),
                    *(heat.cells.get(b, 0) for b in rules.GAP_BUCKETS)])
    return _save(workbook)


def _record_rows(items) -> Iterable[list]:
    for item in items:
        yield [item.year, what(item.competency.name if item.competency else None, item.addresses),
               item.activity_type.name, _label(MODE_LABELS, item.activity_type.mode), item.title, item.provider,
               item.starts_on, item.ends_on, item_state(item.status)[0] + (
                   " " + gettext("(dibawa ke %(year)s)", year=item.year + 1) if item.carried else ""),
               item.planned_jp, item.actual_jp, item.completed_on, gettext("ya") if item.certificates else
               gettext("tidak")]


def _record_headers() -> list[str]:
    return [gettext("Tahun rencana"), gettext("Kompetensi atau kebutuhan"), gettext("Jenis kegiatan"),
            gettext("Klasikal/non-klasikal"), gettext("Nama kegiatan"), gettext("Penyelenggara"), gettext("Mulai"),
            gettext("Selesai"), gettext("Status"), gettext("JP direncanakan"), gettext("JP diperoleh"),
            gettext("Tanggal selesai"), gettext("Sertifikat")]


def _summary_headers() -> list[str]:
    return [gettext("Tahun"), gettext("JP selesai"), gettext("JP disetujui belum selesai"), gettext("JP diusulkan"),
            gettext("Target JP"), gettext("Target tercapai")]


def _summary_rows(years: list[reports.JpYear]) -> Iterable[list]:
    for y in years:
        t = y.totals
        yield [y.year, t.done, t.committed, t.proposed, t.target, gettext("ya") if t.reached else gettext("tidak")]


def jp_record_xlsx(employee) -> bytes:
    items, years = reports.jp_record(employee)
    workbook = _workbook()
    summary = workbook.create_sheet(gettext("Ringkasan JP"))
    _row(summary, [gettext("NIP"), format_nip(employee.nip)])
    _row(summary, [gettext("Nama"), employee.full_name])
    _row(summary, [])
    _row(summary, _summary_headers())
    for values in _summary_rows(years):
        _row(summary, values)
    sheet = workbook.create_sheet(gettext("Kegiatan"))
    _row(sheet, _record_headers())
    for values in _record_rows(items):
        _row(sheet, values)
    return _save(workbook)


def jp_record_csv(employee) -> bytes:
    """UTF-8 with BOM and ';' between columns, as Excel in an Indonesian locale opens it: one row per item, then
    the yearly totals."""
    items, years = reports.jp_record(employee)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")

    def text(value):
        if value is None:
            return ""
        if isinstance(value, dt.date):
            return value.isoformat()
        return safe(str(value))

    writer.writerow([gettext("NIP"), format_nip(employee.nip), gettext("Nama"), safe(employee.full_name)])
    writer.writerow(_record_headers())
    for values in _record_rows(items):
        writer.writerow([text(v) for v in values])
    writer.writerow([])
    writer.writerow(_summary_headers())
    for values in _summary_rows(years):
        writer.writerow([text(v) for v in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
