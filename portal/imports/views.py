"""Staff import screens: upload, column mapping, dry run (preview), confirm, rejected-rows download.

Admin BKPSDM uploads and confirms; auditors may look at the list and the previews (read-only).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.auth.models import User
from portal.core.errors import DomainError
from portal.core.htmx import invalid, is_fragment_request, redirect_to, render
from portal.core.pagination import paginate
from portal.core.permissions import admin_required, reader_required
from portal.core.timeutil import local_today
from portal.extensions import db
from portal.imports import export, navigation, services
from portal.imports.forms import (
    FIELD_LABELS,
    INACTIVE_REASON_LABELS,
    REQUIRED_FIELDS,
    EmptyForm,
    MissingChoiceForm,
    UploadForm,
    mapping_form,
    mapping_from_form,
)
from portal.imports.models import (
    OUTCOMES,
    STATUS_COMMITTED,
    STATUS_LABELS,
    STATUS_UPLOADED,
    ImportBatch,
    ImportMissing,
)
from portal.imports.rules import OTHER_KIND, WARNING_KINDS

bp = Blueprint("imports", __name__, url_prefix="/impor")
bp.record_once(navigation.register)  # the menu entries of this area

OUTCOME_LABELS = {
    "create": _l("Baru"),
    "update": _l("Diubah"),
    "unchanged": _l("Tidak berubah"),
    "rejected": _l("Ditolak"),
}
OUTCOME_BADGES = {"create": "badge-ok", "update": "badge-warn", "unchanged": "", "rejected": "badge-bad"}
CHANGE_LABELS = {
    "nama": _l("Nama"),
    "gelar_depan": _l("Gelar depan"),
    "gelar_belakang": _l("Gelar belakang"),
    "kind": _l("Status pegawai"),
    "birth_date": _l("Tanggal lahir"),
    "gender": _l("Jenis kelamin"),
    "golongan": _l("Golongan"),
    "unit": _l("Unit kerja"),
    "position": _l("Jabatan"),
    "superior": _l("Atasan langsung"),
    "email": _l("Email"),
    "phone": _l("No. HP"),
    "active": _l("Status aktif"),
}
ROWS_PER_PAGE = 50
MISSING_PER_PAGE = 25
# Kinds of warning (rules.WARNING_KINDS), as the dry run groups and filters them.
WARNING_LABELS = {
    "jenis": _l("Jenis jabatan tidak dapat ditentukan"),
    "jenis_beda": _l("Kolom jenis jabatan tidak sesuai dengan nama jabatan"),
    "golongan": _l("Pangkat tidak sesuai dengan golongan"),
    "golongan_rendah": _l("Golongan di bawah kewajaran untuk jabatannya"),
    "gelar": _l("Gelar dalam nama tidak dapat dipisah"),
    "nip_ganda": _l("NIP juga tertulis di baris lain"),
    "atasan_ditolak": _l("Atasan menunggu: baris atasan ditolak"),
    "atasan_opd": _l("Atasan di OPD lain"),
    "dua_kepala": _l("Unit dengan dua kepala"),
    "email": _l("Email tidak sah"),
    OTHER_KIND: _l("Catatan lain"),
}
TYPE_SOURCES = {
    "kolom": _l("dari kolom jenis jabatan"),
    "nama": _l("dari nama jabatan"),
    "golongan": _l("dari nama jabatan dan golongan"),
    "eselon": _l("dari eselon"),
    "jabatan": _l("jenis jabatan yang sudah tercatat"),
}


@bp.app_template_filter("import_message")
def import_message(message: dict) -> str:
    """A stored reason/warning ({"m": msgid, "a": args}) in the user's language."""
    return gettext(message["m"], **message.get("a", {}))


def _upload_root() -> str:
    return current_app.config["UPLOAD_FOLDER"]


def _get_batch_or_404(batch_id: int) -> ImportBatch:
    batch = db.get_or_404(ImportBatch, batch_id)
    return batch


def _batches_page():
    stmt = (
        select(ImportBatch)
        .options(selectinload(ImportBatch.created_by).selectinload(User.employee))
        .order_by(ImportBatch.id.desc())
    )
    return paginate(stmt, per_page=current_app.config.get("PAGE_SIZE", 25))


def _index_context(form: UploadForm | None = None) -> dict:
    return {
        "form": form or UploadForm(),
        "page": _batches_page(),
        "status_labels": STATUS_LABELS,
        "max_mb": current_app.config["MAX_CONTENT_LENGTH"] // 2**20,
    }


@bp.get("")
@reader_required
def index():
    return render("imports/index.html", **_index_context())


@bp.post("")
@admin_required
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return invalid("imports/index.html", **_index_context(form))
    storage = form.file.data
    try:
        batch = services.store_upload(storage.read(), storage.filename or "", actor=current_user,
                                      upload_root=_upload_root(), full_export=form.full_export.data)
    except DomainError as exc:
        db.session.rollback()
        form.file.errors = [*form.file.errors, exc.message]
        return invalid("imports/index.html", **_index_context(form))
    db.session.commit()
    flash(gettext("Berkas %(name)s diunggah: %(n)s baris data. Periksa pemetaan kolom.",
                  name=batch.filename, n=batch.row_count), "success")
    return redirect_to(url_for("imports.mapping", batch_id=batch.id))


@bp.route("/<int:batch_id>/kolom", methods=["GET", "POST"])
@admin_required
def mapping(batch_id: int):
    batch = _get_batch_or_404(batch_id)
    if batch.status == STATUS_COMMITTED:
        flash(gettext("Impor ini sudah disimpan; pemetaan kolom tidak dapat diubah lagi."), "info")
        return redirect_to(url_for("imports.preview", batch_id=batch.id))
    headers = batch.headers or []
    form = mapping_form(headers, batch.mapping or {}, formdata=request.form if request.method == "POST" else None)
    context = {"batch": batch, "form": form, "field_labels": FIELD_LABELS, "required": REQUIRED_FIELDS}
    if request.method == "GET":
        return render("imports/mapping.html", **context)
    if not form.validate():
        return invalid("imports/mapping.html", **context)
    try:
        services.run_dry_run(batch, mapping_from_form(form), actor=current_user, upload_root=_upload_root())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return render("imports/mapping.html", status=422, **context)
    db.session.commit()
    return redirect_to(url_for("imports.preview", batch_id=batch.id))


def _warning_filter() -> str:
    value = request.args.get("catatan", "")
    return value if value in (services.ANY_WARNING, *WARNING_KINDS, OTHER_KIND) else ""


def _preview_context(batch: ImportBatch) -> dict:
    outcome = request.args.get("hasil", "")
    if outcome not in OUTCOMES:
        outcome = ""
    warning = _warning_filter()
    page = paginate(services.rows_query(batch, outcome or None, warning or None), per_page=ROWS_PER_PAGE)
    summary = batch.summary or {}
    to_deactivate = 0
    if summary.get("missing"):
        to_deactivate = db.session.scalar(
            select(func.count(ImportMissing.id))
            .where(ImportMissing.batch_id == batch.id, ImportMissing.reason.is_not(None))) or 0
    return {
        "batch": batch,
        "page": page,
        "outcome": outcome,
        "warning": warning,
        "any_warning": services.ANY_WARNING,
        "warning_labels": WARNING_LABELS,
        "warning_counts": [(kind, WARNING_LABELS.get(kind, kind), n)
                           for kind, n in (summary.get("warning_kinds") or {}).items()],
        "type_sources": TYPE_SOURCES,
        "to_deactivate": to_deactivate,
        "outcome_labels": OUTCOME_LABELS,
        "outcome_badges": OUTCOME_BADGES,
        "change_labels": CHANGE_LABELS,
        "status_labels": STATUS_LABELS,
        "confirm_form": EmptyForm(),
        "can_confirm": current_user.is_admin and batch.status not in (STATUS_COMMITTED, STATUS_UPLOADED),
    }


@bp.get("/<int:batch_id>")
@reader_required
def preview(batch_id: int):
    batch = _get_batch_or_404(batch_id)
    if batch.status == STATUS_UPLOADED and current_user.is_admin:
        return redirect(url_for("imports.mapping", batch_id=batch.id))
    return render("imports/preview.html", "imports/_rows.html", **_preview_context(batch))


@bp.post("/<int:batch_id>/konfirmasi")
@admin_required
def confirm(batch_id: int):
    batch = _get_batch_or_404(batch_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        written = services.commit_batch(batch, actor=current_user, upload_root=_upload_root())
    except services.PreviewChanged as exc:
        db.session.commit()  # keep the new dry run: the admin looks at it and confirms again
        flash(exc.message, "warning")
        return render("imports/preview.html", status=409, **_preview_context(batch))
    except services.ImportConflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return render("imports/preview.html", status=409, **_preview_context(batch))
    except Exception as exc:  # anything else: nothing half-written, the batch keeps the reason
        db.session.rollback()
        current_app.logger.exception("import %s failed", batch_id)
        message = exc.message if isinstance(exc, DomainError) else gettext(
            "Impor gagal disimpan (%(error)s). Tidak ada data yang berubah.", error=type(exc).__name__)
        services.record_failure(batch_id, message)
        db.session.commit()
        flash(message, "error")
        return redirect_to(url_for("imports.preview", batch_id=batch_id))
    db.session.commit()
    if any(written.values()):
        flash(gettext("Impor selesai: %(created)s pegawai baru, %(updated)s pegawai diubah, %(units)s unit dan "
                      "%(positions)s jabatan baru.", **written), "success")
    else:
        flash(gettext("Impor selesai: tidak ada data yang berubah."), "success")
    if written.get("deactivated"):
        flash(gettext("%(n)s pegawai yang tidak ada di berkas dinonaktifkan.", n=written["deactivated"]), "success")
    if written.get("linked"):
        flash(gettext("%(n)s pegawai yang menunggu atasannya kini ditautkan ke atasan itu.", n=written["linked"]),
              "success")
    return redirect_to(url_for("imports.preview", batch_id=batch_id))


# ---------------------------------------------------------------------------------------------------------
# People missing from a full export: "tidak ada di berkas"


def _work_links(kind: str, item: dict) -> str:
    """Where an open piece of work is taken over (opened by the admin)."""
    if kind in ("subordinates", "delegated", "skp_to_approve"):
        return url_for("org.employee_edit", employee_id=item["employee_id"])
    if kind == "own_skp":
        return url_for("skp.detail", skp_id=item["skp_id"])
    if kind == "nominations":
        return url_for("assessment.nominations", subject_id=item["subject_id"], phase_id=item["phase_id"])
    if kind == "evaluations":
        return url_for("evaluation.score", employee_id=item["employee_id"], phase_id=item["phase_id"])
    if kind == "appeals":
        return url_for("evaluation.appeal", appeal_id=item["appeal_id"])
    return url_for("dialog.session", session_id=item["session_id"])


WORK_LABELS = {
    "subordinates": _l("Bawahan langsung (pilih atasan baru)"),
    "delegated": _l("Pegawai yang penilaiannya didelegasikan kepadanya"),
    "skp_to_approve": _l("SKP menunggu persetujuannya (pilih atasan baru pegawai itu)"),
    "own_skp": _l("SKP sendiri belum disetujui"),
    "nominations": _l("Undangan umpan balik 360 sebagai penilai"),
    "evaluations": _l("Evaluasi kinerja yang belum selesai sebagai penilai"),
    "appeals": _l("Keberatan menunggu keputusannya"),
    "dialogs": _l("Dialog kinerja terjadwal sebagai penilai"),
}
WORK_SHOWN = 5  # links per kind of work and person; the rest are counted


def _open_work(employee_ids: list[int]) -> dict[int, list]:
    """Per employee: (kind, label, count, [(name, url) of the first WORK_SHOWN])."""
    work = services.open_work(employee_ids, local_today())
    return {
        employee_id: [(kind, WORK_LABELS[kind], len(items),
                       [(item.get("name", ""), _work_links(kind, item)) for item in items[:WORK_SHOWN]])
                      for kind, items in kinds.items()]
        for employee_id, kinds in work.items()
    }


def _row_form(entry: ImportMissing) -> MissingChoiceForm:
    return MissingChoiceForm(formdata=None, prefix=f"m{entry.id}", reason=entry.reason or "")


def _missing_common(batch: ImportBatch) -> dict:
    return {
        "batch": batch,
        "reason_labels": INACTIVE_REASON_LABELS,
        "row_form": _row_form,
        "can_choose": current_user.is_admin and batch.status != STATUS_COMMITTED,
        "status_labels": STATUS_LABELS,
    }


def _missing_context(batch: ImportBatch, form: MissingChoiceForm | None = None) -> dict:
    page = paginate(services.missing_query(batch), per_page=MISSING_PER_PAGE)
    chosen = dict(db.session.execute(
        select(ImportMissing.reason, func.count(ImportMissing.id))
        .where(ImportMissing.batch_id == batch.id).group_by(ImportMissing.reason)).all())
    return {
        **_missing_common(batch),
        "page": page,
        "work": _open_work([entry.employee_id for entry in page.items]),
        "to_deactivate": sum(n for reason, n in chosen.items() if reason),
        "kept": chosen.get(None, 0),
        "all_form": form or MissingChoiceForm(prefix="semua"),
    }


@bp.get("/<int:batch_id>/tidak-di-berkas")
@reader_required
def missing(batch_id: int):
    batch = _get_batch_or_404(batch_id)
    return render("imports/missing.html", "imports/_missing.html", **_missing_context(batch))


@bp.post("/<int:batch_id>/tidak-di-berkas")
@admin_required
def choose_all(batch_id: int):
    """One choice for everyone missing from the file (keep active, or deactivate with a reason)."""
    batch = _get_batch_or_404(batch_id)
    form = MissingChoiceForm(prefix="semua")
    if not form.validate_on_submit():
        return invalid("imports/missing.html", "imports/_missing.html", **_missing_context(batch, form))
    try:
        count = services.choose_missing_all(batch, form.reason.data, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return render("imports/missing.html", "imports/_missing.html", status=409, **_missing_context(batch))
    db.session.commit()
    flash(gettext("Pilihan diterapkan pada %(n)s pegawai; berlaku saat impor dikonfirmasi.", n=count), "success")
    return redirect_to(url_for("imports.missing", batch_id=batch.id))


@bp.post("/<int:batch_id>/tidak-di-berkas/<int:missing_id>")
@admin_required
def choose_one(batch_id: int, missing_id: int):
    """The choice for one person; with htmx only that row is swapped."""
    batch = _get_batch_or_404(batch_id)
    entry = db.session.get(ImportMissing, missing_id)
    if entry is None or entry.batch_id != batch.id:
        abort(404)
    form = MissingChoiceForm(prefix=f"m{entry.id}")
    if not form.validate_on_submit():
        return invalid("imports/missing.html", "imports/_missing.html", **_missing_context(batch))
    try:
        services.choose_missing(batch, entry, form.reason.data, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return render("imports/missing.html", "imports/_missing.html", status=409, **_missing_context(batch))
    db.session.commit()
    if is_fragment_request():  # only the row, with its choice saved
        return render("imports/missing.html", "imports/_missing_row.html", entry=entry, saved=True,
                      work=_open_work([entry.employee_id]), **_missing_common(batch))
    flash(gettext("Pilihan untuk %(name)s disimpan; berlaku saat impor dikonfirmasi.",
                  name=entry.employee.full_name), "success")
    return redirect_to(url_for("imports.missing", batch_id=batch.id, page=request.args.get("page", type=int)))


def _rejected_download(batch_id: int, fmt: str) -> Response:
    batch = _get_batch_or_404(batch_id)
    rows = [(row.raw or [], export.join_reasons(row.reasons, gettext)) for row in services.rejected_rows(batch)]
    headers = batch.headers or []
    stem = f"impor-{batch.id}-ditolak"
    if fmt == "xlsx":
        body = export.rejected_xlsx(headers, rows)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = export.rejected_csv(headers, rows)
        mimetype = "text/csv; charset=utf-8"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@bp.get("/<int:batch_id>/ditolak.xlsx")
@reader_required
def rejected_xlsx(batch_id: int):
    return _rejected_download(batch_id, "xlsx")


@bp.get("/<int:batch_id>/ditolak.csv")
@reader_required
def rejected_csv(batch_id: int):
    return _rejected_download(batch_id, "csv")
