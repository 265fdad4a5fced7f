"""The Dokumen Evaluasi Kinerja Pegawai: the printable page (A4 print CSS) and the PDF of one signed version, and the
public verification page of its code.

Access to a document follows the evaluation (services.can_view): the assessor and whoever rated, the assessor's
superior, the unit head above, Admin BKPSDM and the auditor; the employee once it is released. Everyone else gets
404, as for appeals, so that a colleague cannot even confirm that a document number exists.

The verification pages (/verifikasi, /verifikasi/<code>) are public like the sign-in page: they carry no
``login_required`` on purpose and show nothing but validity (portal.evaluation.verification).
"""

from __future__ import annotations

import math

from flask import Response, abort, current_app, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.core.timeutil import utcnow
from portal.evaluation import services, verification
from portal.evaluation.blueprint import bp
from portal.evaluation.document import Document, build_document, qr_svg_data_uri, render_pdf
from portal.evaluation.forms import EmptyForm
from portal.evaluation.models import RELEASED, Evaluation, EvaluationDocument
from portal.extensions import db
from portal.org.models import Employee


def get_document_or_404(document_id: int, user) -> EvaluationDocument:
    """The signed version with its evaluation (and the evaluation's other versions); 404 when missing or when the
    user may not see the evaluation."""
    record = db.session.scalar(
        select(EvaluationDocument).where(EvaluationDocument.id == document_id).options(
            joinedload(EvaluationDocument.evaluation).options(
                joinedload(Evaluation.employee).options(joinedload(Employee.unit), joinedload(Employee.superior)),
                selectinload(Evaluation.documents))))
    if record is None or not services.can_view(user, record.evaluation):
        abort(404)
    return record


def _place() -> str:
    return current_app.config.get("REGENCY_PLACE") or current_app.config["REGENCY_NAME"]


def document_of(record: EvaluationDocument) -> Document:
    return build_document(
        record,
        newest_version=max(d.version for d in record.evaluation.documents),
        verify_url=url_for("evaluation.verify", code=record.code, _external=True),
        verify_page_url=url_for("evaluation.verify_form", _external=True),
        place=_place(),
        regency=current_app.config["REGENCY_NAME"],
    )


@bp.get("/evaluasi/dokumen/<int:document_id>")
@login_required
def document(document_id: int):
    record = get_document_or_404(document_id, current_user)
    evaluation = record.evaluation
    doc = document_of(record)
    is_employee = current_user.employee_id == evaluation.employee_id
    can_acknowledge = (is_employee and evaluation.status == RELEASED and record.superseded_at is None
                       and record.received_on is None)
    return render_template(
        "evaluation/document.html", doc=doc, record=record, qr=qr_svg_data_uri(doc.verify_url),
        versions=sorted(evaluation.documents, key=lambda d: d.version, reverse=True), is_employee=is_employee,
        can_acknowledge=can_acknowledge, button=EmptyForm() if can_acknowledge else None)


@bp.get("/evaluasi/dokumen/<int:document_id>/pdf")
@login_required
def document_pdf(document_id: int):
    record = get_document_or_404(document_id, current_user)
    doc = document_of(record)
    response = Response(render_pdf(doc), mimetype="application/pdf")
    # The filename holds only [a-z0-9-.] (document.pdf_filename): no quoting or encoding issues.
    response.headers["Content-Disposition"] = f'attachment; filename="{doc.filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------------------
# Public verification (no login, like auth.login): validity only, rate-limited per client address


def _verification_page(typed: str | None, *, lookup: bool):
    result = None
    if lookup:
        wait = verification.take_lookup(request.remote_addr, verification.Limits.from_config(current_app.config),
                                        utcnow())
        if wait is not None:
            db.session.commit()  # the pruning of old lookups
            response = Response(render_template("evaluation/verify.html", state="throttled", typed=typed,
                                                minutes=max(1, math.ceil(wait.total_seconds() / 60))), status=429)
            response.headers["Retry-After"] = str(math.ceil(wait.total_seconds()))
            return response
        result = verification.verify(typed)
        db.session.commit()
    state = "form" if not lookup else ("found" if result is not None else "unknown")
    status = 404 if state == "unknown" else 200
    return render_template("evaluation/verify.html", state=state, result=result,
                           typed=(typed or "")[:verification.CODE_INPUT_MAX]), status


@bp.get("/verifikasi")
def verify_form():
    """The form (GET, works without JavaScript); with ?kode= it answers the lookup on the same page."""
    typed = request.args.get("kode")
    return _verification_page(typed, lookup=typed is not None and typed.strip() != "")


@bp.get("/verifikasi/<path:code>")
def verify(code: str):
    """Where the QR code on the paper points."""
    return _verification_page(code, lookup=True)
