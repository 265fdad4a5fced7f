"""Keberatan: the employee files an appeal (reasons, attachments), the deciding superior asks both sides for
explanations and decides; everyone involved sees the clocks. Only the parties, admin and auditor see an appeal."""

from __future__ import annotations

from flask import abort, flash, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from portal.core.errors import DomainError
from portal.core.htmx import invalid, redirect_to, render
from portal.core.timeutil import local_today, utcnow
from portal.evaluation import appeals, lists
from portal.evaluation import services as services
from portal.evaluation.blueprint import bp
from portal.evaluation.forms import AppealForm, DecisionForm, StatementAnswerForm, StatementRequestForm
from portal.evaluation.models import (
    APPEAL_CHANGED,
    APPEAL_FILED,
    APPEAL_UPHELD,
    Appeal,
    AppealAttachment,
    AppealStatement,
)
from portal.extensions import db


@bp.app_template_global("appeal_state")
def appeal_state(appeal: Appeal) -> str:
    return {APPEAL_FILED: gettext("Menunggu keputusan"), APPEAL_UPHELD: gettext("Diputuskan: penilaian tetap"),
            APPEAL_CHANGED: gettext("Diputuskan: penilaian diubah")}.get(appeal.status, appeal.status)


@bp.route("/evaluasi/<int:evaluation_id>/keberatan", methods=["GET", "POST"])
@login_required
def file_appeal(evaluation_id: int):
    evaluation = services.load(evaluation_id)
    if evaluation is None or current_user.employee_id != evaluation.employee_id:
        abort(404)
    today = local_today()
    form = AppealForm() if request.method == "POST" else AppealForm(formdata=None)
    context = dict(evaluation=evaluation, due=appeals.appeal_due(evaluation), today=today,
                   decider=services.decider_of(evaluation.employee))
    if request.method == "GET":
        if not appeals.can_file(current_user, evaluation, today):
            existing = appeals.open_appeal(evaluation)
            if existing is not None:
                return redirect_to(url_for("evaluation.appeal", appeal_id=existing.id))
        return render("evaluation/appeal_new.html", None, form=form, **context)
    if not form.validate():
        return invalid("evaluation/appeal_new.html", None, form=form, **context)
    files = [(f.filename, f.stream) for f in (request.files.getlist(form.files.name) or []) if f and f.filename]
    try:
        appeal = appeals.file_appeal(current_user, evaluation, form.reasons.data, files, today=today, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        target = getattr(form, error.field, None) if error.field else None
        (target.errors.append if target is not None else form.form_errors.append)(error.message)
        return invalid("evaluation/appeal_new.html", None, form=form, **context)
    db.session.commit()
    flash(gettext("Keberatan Anda diajukan kepada Atasan Pejabat Penilai Kinerja."), "success")
    return redirect_to(url_for("evaluation.appeal", appeal_id=appeal.id))


def _appeal_or_404(appeal_id: int) -> Appeal:
    appeal = db.get_or_404(Appeal, appeal_id)
    if not appeals.is_party(current_user, appeal):
        abort(404)  # do not confirm to others that an appeal exists
    return appeal


def _page(appeal: Appeal, *, status: int = 200, request_form=None, decision_form=None, answer_forms=None):
    today = local_today()
    mine = [s for s in appeal.statements if s.employee_id == current_user.employee_id and s.answered_at is None]
    forms = answer_forms or {s.id: StatementAnswerForm(formdata=None, prefix=f"s{s.id}") for s in mine}
    decision_form = decision_form or DecisionForm(formdata=None)
    decision_form.version.data = decision_form.version.data or appeal.version_id
    return render("evaluation/appeal.html", None, status=status, appeal=appeal, evaluation=appeal.evaluation,
                  today=today, decision_due=appeals.decision_due(appeal),
                  decider=appeals.is_decider(current_user, appeal),
                  request_form=request_form or StatementRequestForm(formdata=None), decision_form=decision_form,
                  answer_forms=forms)


@bp.get("/keberatan/<int:appeal_id>")
@login_required
def appeal(appeal_id: int):
    return _page(_appeal_or_404(appeal_id))


@bp.post("/keberatan/<int:appeal_id>/minta-penjelasan")
@login_required
def request_statement(appeal_id: int):
    appeal = _appeal_or_404(appeal_id)
    if not appeals.is_decider(current_user, appeal):
        abort(403)
    form = StatementRequestForm()
    if not form.validate():
        return _page(appeal, status=422, request_form=form)
    try:
        appeals.request_statement(current_user, appeal, form.party.data, form.question.data, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        form.question.errors = [error.message]
        return _page(appeal, status=409 if appeal.status != APPEAL_FILED else 422, request_form=form)
    db.session.commit()
    flash(gettext("Permintaan penjelasan dikirim."), "success")
    return redirect_to(url_for("evaluation.appeal", appeal_id=appeal.id))


@bp.post("/keberatan/penjelasan/<int:statement_id>")
@login_required
def answer_statement(statement_id: int):
    statement = db.get_or_404(AppealStatement, statement_id)
    appeal = _appeal_or_404(statement.appeal_id)
    if statement.employee_id != current_user.employee_id:
        abort(403)
    form = StatementAnswerForm(prefix=f"s{statement.id}")
    if not form.validate():
        return _page(appeal, status=422, answer_forms={statement.id: form})
    try:
        appeals.answer_statement(current_user, statement, form.answer.data, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        form.answer.errors = [error.message]
        return _page(appeal, status=409, answer_forms={statement.id: form})
    db.session.commit()
    flash(gettext("Penjelasan Anda dikirim."), "success")
    return redirect_to(url_for("evaluation.appeal", appeal_id=appeal.id))


@bp.post("/keberatan/<int:appeal_id>/putuskan")
@login_required
def decide(appeal_id: int):
    appeal = _appeal_or_404(appeal_id)
    if not appeals.is_decider(current_user, appeal):
        abort(403)
    form = DecisionForm()
    if not form.validate():
        return _page(appeal, status=422, decision_form=form)
    try:
        appeals.decide(current_user, appeal, form.outcome.data, form.decision_note.data,
                       result_rating=form.result_rating.data, behaviour_rating=form.behaviour_rating.data,
                       today=local_today(), now=utcnow(), version=form.version.data)
    except DomainError as error:
        db.session.rollback()
        decided = db.session.get(Appeal, appeal_id).status != APPEAL_FILED
        target = getattr(form, error.field, None) if error.field else None
        (target.errors.append if target is not None else form.form_errors.append)(error.message)
        return _page(db.session.get(Appeal, appeal_id), status=409 if decided else 422, decision_form=form)
    db.session.commit()
    flash(gettext("Keberatan diputuskan."), "success")
    return redirect_to(url_for("evaluation.appeal", appeal_id=appeal.id))


@bp.get("/keberatan/lampiran/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    item = db.get_or_404(AppealAttachment, attachment_id)
    _appeal_or_404(item.appeal_id)
    path = appeals.attachment_folder() / item.stored_name
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=item.content_type, as_attachment=True, download_name=item.original_name)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/keberatan")
@login_required
def appeals_index():
    """Appeals to decide (the assessor's superior; Admin BKPSDM for those without one) and the person's own."""
    if not appeals.can_open_appeals(current_user):
        abort(403)
    to_decide = lists.decider_queue(current_user.employee_id, admin=current_user.is_admin)
    from sqlalchemy import or_, select

    from portal.evaluation.models import Evaluation

    involved = []
    if current_user.employee_id is not None:
        me = current_user.employee_id
        involved = list(db.session.scalars(
            select(Appeal).join(Evaluation, Evaluation.id == Appeal.evaluation_id)
            .where(or_(Appeal.employee_id == me, Evaluation.assessor_id == me, Evaluation.rated_by_id == me))
            .order_by(Appeal.filed_at.desc()).limit(50)))
    return render("evaluation/appeals.html", None, to_decide=to_decide, involved=involved,
                  due={a.id: appeals.decision_due(a) for a in [*to_decide, *involved]}, today=local_today())
