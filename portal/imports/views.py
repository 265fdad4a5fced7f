"""Staff import screens: upload, column mapping, dry run (preview), confirm, rejected-rows download.

Admin BKPSDM uploads and confirms; auditors may look at the list and the previews (read-only).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.auth.models import User
from portal.core.errors import DomainError
from portal.core.htmx import invalid, redirect_to, render
from portal.core.pagination import paginate
from portal.core.permissions import admin_required, reader_required
from portal.extensions import db
from portal.imports import export, navigation, services
from portal.imports.forms import FIELD_LABELS, REQUIRED_FIELDS, EmptyForm, UploadForm, mapping_form, mapping_from_form
from portal.imports.models import OUTCOMES, STATUS_COMMITTED, STATUS_LABELS, STATUS_UPLOADED, ImportBatch

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
                                      upload_root=_upload_root())
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


def _preview_context(batch: ImportBatch) -> dict:
    outcome = request.args.get("hasil", "")
    if outcome not in OUTCOMES:
        outcome = ""
    page = paginate(services.rows_query(batch, outcome or None), per_page=ROWS_PER_PAGE)
    return {
        "batch": batch,
        "page": page,
        "outcome": outcome,
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
    return redirect_to(url_for("imports.preview", batch_id=batch_id))


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
