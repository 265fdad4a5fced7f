"""Files of the dashboards, streamed so that the whole regency fits in little memory and the first bytes leave at
once:

- the list behind a number as CSV (a generator of lines: UTF-8 with BOM and ";" between columns, as Excel in an
  Indonesian locale opens it) or XLSX (openpyxl in write-only mode, rows streamed into a temporary file);
- the per-employee annual result for the pay office (TPP): one row per employee with NIP, name, unit, OPD,
  golongan, pangkat, jabatan, the two ratings, the predikat, the document's date, version and verification code -
  as signed (the document's snapshot) when there is a document - and the employees without a finalised rating
  marked as such, so that nobody is forgotten;
- every SKP and every evaluation document of a unit and year as a ZIP of PDFs, written entry by entry into the
  response (zipfile on a stream that cannot seek: the sizes go into data descriptors).

A text cell that a spreadsheet would run as a formula is prefixed with an apostrophe (CSV/formula injection); an
18-digit NIP is written as text (with its spaces) so that no digit is lost.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence

from flask_babel import gettext
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.development.exports import safe
from portal.evaluation.models import Evaluation, EvaluationDocument
from portal.evaluation.services import PREDIKAT_LABELS, RATING_LABELS, STATE_LABELS
from portal.extensions import db
from portal.monitoring import services
from portal.org.models import Employee, Unit
from portal.org.rules import format_nip
from portal.periods.models import PHASE_ANNUAL, Period, PeriodPhase
from portal.skp.models import ResultPlan, Skp

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_TYPE = "application/zip"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(safe(str(value)))


def csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """CSV as a generator of encoded chunks (a BOM first), a few hundred rows at a time."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    yield ("\ufeff" + out.getvalue()).encode("utf-8")
    out.seek(0)
    out.truncate()
    for count, values in enumerate(rows, start=1):
        writer.writerow([_text(v) for v in values])
        if count % 500 == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def xlsx_file(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence], Sequence[int]]]):
    """A workbook written row by row (openpyxl write-only) into a temporary file, returned rewound: [(sheet title,
    header, rows, column widths)]. Strings stay strings, dates get a date format."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    for title, header, rows, widths in sheets:
        sheet = workbook.create_sheet(title[:31])
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        bold = []
        for value in header:
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for values in rows:
            cells = []
            for value in values:
                cell = WriteOnlyCell(sheet, value=safe(value))
                if isinstance(value, str):
                    cell.data_type = "s"
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            sheet.append(cells)
    out = tempfile.SpooledTemporaryFile(max_size=16 * 2**20)  # noqa: SIM115 - returned open, closed by the response
    workbook.save(out)
    out.seek(0)
    return out


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "data"


# ---------------------------------------------------------------------------------------------------------
# The list behind a number


def people_header() -> list[str]:
    return [gettext("No"), gettext("NIP"), gettext("Nama"), gettext("Unit kerja"), gettext("OPD"), gettext("Jabatan"),
            gettext("Golongan"), gettext("Pejabat Penilai Kinerja"), gettext("NIP Pejabat Penilai Kinerja"),
            gettext("Keterangan")]


PEOPLE_WIDTHS = (6, 24, 34, 34, 34, 34, 10, 34, 24, 40)


def people_rows(scope, ctx, metric) -> Iterator[list]:
    opds = services.opd_names()
    number = 0
    for chunk in services.people_chunks(scope, ctx, metric):
        for employee, note in chunk:
            number += 1
            assessor = employee.assessor
            yield [number, format_nip(employee.nip), employee.full_name, employee.unit.name,
                   opds.get(employee.unit.opd_id, ""), employee.position.name if employee.position else "",
                   employee.golongan.code if employee.golongan else "", assessor.full_name if assessor else "",
                   format_nip(assessor.nip) if assessor else "", note]


# ---------------------------------------------------------------------------------------------------------
# The annual result for the pay office


def annual_phase(year: int) -> PeriodPhase | None:
    return db.session.scalar(select(PeriodPhase).join(Period, Period.id == PeriodPhase.period_id)
                             .where(Period.year == year, PeriodPhase.kind == PHASE_ANNUAL)
                             .options(joinedload(PeriodPhase.period)))


def annual_header() -> list[str]:
    return [gettext("No"), gettext("NIP"), gettext("Nama"), gettext("Unit kerja"), gettext("OPD"),
            gettext("Golongan"), gettext("Pangkat"), gettext("Jabatan"), gettext("Rating Hasil Kerja"),
            gettext("Rating Perilaku Kerja"), gettext("Predikat Kinerja Pegawai"), gettext("Kode predikat"),
            gettext("Status evaluasi"), gettext("Tanggal dokumen"), gettext("Versi dokumen"),
            gettext("Kode verifikasi")]


ANNUAL_WIDTHS = (6, 24, 34, 34, 34, 10, 26, 34, 22, 22, 22, 16, 26, 14, 10, 18)


def annual_rows(scope, phase: PeriodPhase) -> Iterator[list]:
    """One row per active employee of the scope (and per employee rated in the window who has left since), in the
    order of the units; the people and their positions as signed on the current document when there is one."""
    opds = services.opd_names()
    evaluated = select(Evaluation.employee_id).where(Evaluation.phase_id == phase.id)
    if scope.kind != services.REGENCY:
        evaluated = evaluated.where(scope.on_evaluation())
    stmt = (select(Employee, Evaluation)
            .outerjoin(Evaluation, and_(Evaluation.employee_id == Employee.id, Evaluation.phase_id == phase.id))
            .join(Unit, Unit.id == Employee.unit_id)
            .where(or_(scope.on_employee(), Employee.id.in_(evaluated)))
            .options(joinedload(Employee.unit), joinedload(Employee.position), joinedload(Employee.golongan),
                     selectinload(Evaluation.documents))
            .order_by(Unit.path, Employee.nama, Employee.id)
            .execution_options(yield_per=500))
    number = 0
    for partition in db.session.execute(stmt).partitions():
        for employee, evaluation in partition:
            number += 1
            document = evaluation.current_document if evaluation is not None else None
            snap = document.snapshot.get("pegawai") if document is not None and isinstance(document.snapshot, dict) \
                else None
            snap = snap if isinstance(snap, dict) else {}
            finalised = evaluation is not None and evaluation.status in services.FINALISED
            status = (str(STATE_LABELS[evaluation.status][0]) if evaluation is not None
                      else gettext("Belum dinilai"))
            yield [
                number, format_nip(snap.get("nip") or employee.nip), snap.get("nama") or employee.full_name,
                snap.get("unit") or employee.unit.name, opds.get(employee.unit.opd_id, ""),
                snap.get("golongan") or (employee.golongan.code if employee.golongan else ""),
                snap.get("pangkat") or (employee.golongan.pangkat if employee.golongan else ""),
                snap.get("jabatan") or (employee.position.name if employee.position else ""),
                str(RATING_LABELS[evaluation.result_rating]) if finalised and evaluation.result_rating else "",
                str(RATING_LABELS[evaluation.behaviour_rating]) if finalised and evaluation.behaviour_rating else "",
                str(PREDIKAT_LABELS[evaluation.predikat]) if finalised and evaluation.predikat else "",
                evaluation.predikat if finalised and evaluation.predikat else "",
                status, document.signed_on if document is not None else None,
                document.version if document is not None else None, document.code if document is not None else "",
            ]


def annual_notes(scope, phase: PeriodPhase, now: dt.datetime) -> list[list]:
    return [[gettext("Hasil evaluasi kinerja tahunan")], [gettext("Tahun"), phase.period.year],
            [gettext("Lingkup"), scope.label], [gettext("Dibuat"), now.strftime("%Y-%m-%d %H:%M UTC")],
            [gettext("Catatan"), gettext("Predikat hanya diisi untuk evaluasi yang sudah final. Nama, golongan, "
                                         "jabatan dan unit mengikuti dokumen yang ditandatangani bila sudah ada.")]]


# ---------------------------------------------------------------------------------------------------------
# A unit's SKP and evaluation documents as a ZIP of PDFs


class _Sink(io.RawIOBase):
    """A write-only stream that hands on what was written: zipfile writes into it, the response takes it out."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []
        self._offset = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        self._chunks.append(data)
        self._offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self._offset

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def zip_stream(entries: Iterable[tuple[str, bytes]]) -> Iterator[bytes]:
    """A ZIP written entry by entry (PDFs are stored as they are: compressing them again gains nothing)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
            yield sink.take()
    yield sink.take()


def archive_counts(unit: Unit, period: Period) -> tuple[int, int]:
    """(SKP, evaluation documents) that the archive of the unit and year holds."""
    units = select(Unit.id).where(Unit.path.startswith(unit.path))
    skps = db.session.scalar(select(func.count(Skp.id)).where(Skp.period_id == period.id, Skp.is_current.is_(True),
                                                              Skp.unit_id.in_(units))) or 0
    documents = db.session.scalar(
        select(func.count(EvaluationDocument.id)).join(Evaluation, Evaluation.id == EvaluationDocument.evaluation_id)
        .join(PeriodPhase, PeriodPhase.id == Evaluation.phase_id)
        .where(PeriodPhase.period_id == period.id, EvaluationDocument.superseded_at.is_(None),
               Evaluation.unit_id.in_(units))) or 0
    return skps, documents


def archive_entries(unit: Unit, period: Period, document_of) -> Iterator[tuple[str, bytes]]:
    """Every current SKP version of the unit's staff for the year and every current evaluation document of the
    year's windows, as PDFs (loaded in chunks; ``document_of`` builds the evaluation document of a record), then a
    table of contents."""
    from portal.evaluation.document import render_pdf
    from portal.monitoring.skp_pdf import render_skp_pdf

    units = select(Unit.id).where(Unit.path.startswith(unit.path))
    contents = [[gettext("Berkas"), gettext("NIP"), gettext("Nama"), gettext("Isi")]]
    skp_ids = list(db.session.scalars(select(Skp.id).join(Employee, Employee.id == Skp.employee_id)
                                      .where(Skp.period_id == period.id, Skp.is_current.is_(True),
                                             Skp.unit_id.in_(units)).order_by(Employee.nama, Skp.id)))
    order = {skp_id: n for n, skp_id in enumerate(skp_ids)}
    for start in range(0, len(skp_ids), 50):
        chunk = db.session.scalars(select(Skp).where(Skp.id.in_(skp_ids[start:start + 50])).options(
            joinedload(Skp.period), joinedload(Skp.unit), joinedload(Skp.assessor),
            joinedload(Skp.employee).options(joinedload(Employee.position), joinedload(Employee.unit),
                                             joinedload(Employee.golongan)),
            selectinload(Skp.result_plans).options(selectinload(ResultPlan.indicators),
                                                   joinedload(ResultPlan.parent), joinedload(ResultPlan.unit_goal)),
            selectinload(Skp.expectations)).order_by(Skp.id)).unique()
        for skp in sorted(chunk, key=lambda s: order[s.id]):
            name = f"skp/{skp.employee.nip}-{slug(skp.employee.nama)}-v{skp.number}.pdf"
            contents.append([name, format_nip(skp.employee.nip), skp.employee.full_name,
                             gettext("SKP %(year)s versi %(n)s", year=period.year, n=skp.number)])
            yield name, render_skp_pdf(skp)
        db.session.expunge_all()
    document_ids = list(db.session.scalars(
        select(EvaluationDocument.id).join(Evaluation, Evaluation.id == EvaluationDocument.evaluation_id)
        .join(PeriodPhase, PeriodPhase.id == Evaluation.phase_id)
        .where(PeriodPhase.period_id == period.id, EvaluationDocument.superseded_at.is_(None),
               Evaluation.unit_id.in_(units)).order_by(PeriodPhase.opens_on, EvaluationDocument.id)))
    for start in range(0, len(document_ids), 50):
        chunk = db.session.scalars(select(EvaluationDocument).where(
            EvaluationDocument.id.in_(document_ids[start:start + 50]))
            .options(joinedload(EvaluationDocument.evaluation).selectinload(Evaluation.documents))
            .order_by(EvaluationDocument.id)).unique()
        for record in chunk:
            doc = document_of(record)
            name = f"evaluasi/{doc.filename}"
            pegawai = record.snapshot.get("pegawai") if isinstance(record.snapshot, dict) else None
            pegawai = pegawai if isinstance(pegawai, dict) else {}
            contents.append([name, format_nip(pegawai.get("nip") or ""), pegawai.get("nama") or "", doc.subject])
            yield name, render_pdf(doc)
        db.session.expunge_all()
    yield "daftar-isi.csv", b"".join(csv_lines(contents[0], contents[1:]))
