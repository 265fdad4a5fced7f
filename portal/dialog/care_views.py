"""Pembinaan (coaching and mentoring records) and konseling kinerja (confidential referrals to a counsellor).

Counselling content is for the counsellor and the employee alone: anyone else asking for a referral's page gets
404 (the list shows others only that a referral exists and its state, portal.dialog.permissions)."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from portal.core.errors import DomainError
from portal.core.htmx import invalid, redirect_to, render
from portal.core.ids import id_or_none, query_id
from portal.core.timeutil import local_today, utcnow
from portal.dialog import permissions as perms
from portal.dialog import rules
from portal.dialog import services as services
from portal.dialog.blueprint import bp
from portal.dialog.forms import (
    CoachingForm,
    CounsellingNoteForm,
    CounsellorForm,
    EmptyForm,
    MeetingForm,
    OutcomeForm,
    ReferralForm,
)
from portal.dialog.models import CoachingRecord, CounsellingReferral, Counsellor, DialogAction
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.org.models import Employee
from portal.skp.berakhlak import BERAKHLAK


@bp.app_template_global("referral_state")
def referral_state(status: str) -> str:
    return str(services.REFERRAL_LABELS.get(status, status))


@bp.app_template_global("coaching_kind")
def coaching_kind(kind: str) -> str:
    return str(services.COACHING_LABELS.get(kind, kind))


def _field_error(form, error: DomainError) -> None:
    target = getattr(form, error.field, None) if error.field else None
    (target.errors.append if target is not None else form.form_errors.append)(error.message)


# ---------------------------------------------------------------------------------------------------------
# Pembinaan


@bp.get("/pembinaan")
@login_required
def coaching_index():
    me = current_user.employee_id
    if me is None and not current_user.can_read_all:
        abort(403)
    stmt = select(CoachingRecord).options(joinedload(CoachingRecord.employee), joinedload(CoachingRecord.coach))
    if not current_user.can_read_all:
        stmt = stmt.where(or_(CoachingRecord.employee_id == me, CoachingRecord.coach_id == me,
                              CoachingRecord.started_by_id == me))
    records = list(db.session.scalars(stmt.order_by(CoachingRecord.status, CoachingRecord.created_at.desc())
                                      .limit(100)))
    return render("dialog/coaching_index.html", None, records=records)


@bp.route("/pembinaan/baru/<int:employee_id>", methods=["GET", "POST"])
@login_required
def start_coaching(employee_id: int):
    employee = db.get_or_404(Employee, employee_id)
    if employee.assessor is None or current_user.employee_id != employee.assessor.id:
        abort(403)
    form = CoachingForm() if request.method == "POST" else CoachingForm(formdata=None)
    form.value_code.choices = [("", gettext("— tidak ada —")), *[(v.code, v.name) for v in BERAKHLAK]]
    action = None
    if request.args.get("tindak_lanjut"):
        action_id = query_id("tindak_lanjut")
        action = db.session.get(DialogAction, action_id) if action_id else None
        if action is None or action.session.employee_id != employee.id:
            abort(404)
        if request.method == "GET":
            form.goal.data = action.text
    context = dict(employee=employee, form=form, action=action)
    if request.method == "GET" or not form.validate():
        return render("dialog/coaching_new.html", None, status=200 if request.method == "GET" else 422, **context)
    try:
        record_ = services.start_coaching(current_user, employee, form.coach.data, kind=form.kind.data,
                                          goal=form.goal.data, value_code=form.value_code.data or None,
                                          from_action=action)
    except DomainError as error:
        db.session.rollback()
        _field_error(form, error)
        return invalid("dialog/coaching_new.html", None, **context)
    db.session.commit()
    flash(gettext("Pembinaan dimulai."), "success")
    return redirect_to(url_for("dialog.coaching", record_id=record_.id))


def _record_or_404(record_id: int) -> CoachingRecord:
    record_ = db.get_or_404(CoachingRecord, record_id)
    if not perms.can_view_coaching(current_user, record_):
        abort(404)
    return record_


def _coaching_page(record_: CoachingRecord, status: int = 200, meeting_form=None, outcome_form=None):
    return render("dialog/coaching.html", None, status=status, record=record_, today=local_today(),
                  meeting_form=meeting_form or MeetingForm(formdata=None),
                  outcome_form=outcome_form or OutcomeForm(formdata=None),
                  may_write=current_user.employee_id in (record_.coach_id, record_.employee_id, record_.started_by_id),
                  may_close=current_user.employee_id in (record_.coach_id, record_.started_by_id))


@bp.get("/pembinaan/<int:record_id>")
@login_required
def coaching(record_id: int):
    return _coaching_page(_record_or_404(record_id))


@bp.post("/pembinaan/<int:record_id>/pertemuan")
@login_required
def add_meeting(record_id: int):
    record_ = _record_or_404(record_id)
    form = MeetingForm()
    if not form.validate():
        return _coaching_page(record_, 422, meeting_form=form)
    try:
        services.add_meeting(current_user, record_, form.held_on.data, form.journal.data, local_today())
    except DomainError as error:
        db.session.rollback()
        _field_error(form, error)
        return _coaching_page(db.session.get(CoachingRecord, record_id), 422, meeting_form=form)
    db.session.commit()
    flash(gettext("Pertemuan dicatat."), "success")
    return redirect_to(url_for("dialog.coaching", record_id=record_id))


@bp.post("/pembinaan/<int:record_id>/selesai")
@login_required
def close_coaching(record_id: int):
    record_ = _record_or_404(record_id)
    form = OutcomeForm()
    if not form.validate():
        return _coaching_page(record_, 422, outcome_form=form)
    try:
        services.close_coaching(current_user, record_, form.outcome.data, version=form.version.data)
    except DomainError as error:
        db.session.rollback()
        _field_error(form, error)
        return _coaching_page(db.session.get(CoachingRecord, record_id), 409, outcome_form=form)
    db.session.commit()
    flash(gettext("Pembinaan selesai."), "success")
    return redirect_to(url_for("dialog.coaching", record_id=record_id))


# ---------------------------------------------------------------------------------------------------------
# Konseling kinerja


@bp.get("/konseling")
@login_required
def counselling_index():
    """Own referrals (as employee or counsellor) with content links; referrals others may know of, state only."""
    if not perms.can_open_counselling_list(current_user):
        abort(403)
    me = current_user.employee_id
    stmt = select(CounsellingReferral).options(joinedload(CounsellingReferral.employee),
                                               joinedload(CounsellingReferral.counsellor))
    if current_user.is_admin:
        rows = list(db.session.scalars(stmt.order_by(CounsellingReferral.created_at.desc()).limit(200)))
    elif me is not None:
        heads = org_perms.headed_units(current_user)
        stmt = stmt.join(Employee, Employee.id == CounsellingReferral.employee_id)
        from portal.org.models import Unit

        scope = [CounsellingReferral.employee_id == me, CounsellingReferral.counsellor_id == me,
                 CounsellingReferral.referred_by_id == me]
        if heads:
            stmt = stmt.join(Unit, Unit.id == Employee.unit_id)
            scope += [Unit.path.startswith(h.path) for h in heads]
        rows = list(db.session.scalars(stmt.where(or_(*scope))
                                       .order_by(CounsellingReferral.created_at.desc()).limit(200)))
    else:
        abort(403)
    return render("dialog/counselling_index.html", None, referrals=rows,
                  content={r.id: perms.can_view_counselling(current_user, r) for r in rows},
                  is_counsellor=perms.is_counsellor(current_user))


@bp.route("/konseling/baru/<int:employee_id>", methods=["GET", "POST"])
@login_required
def refer(employee_id: int):
    employee = db.get_or_404(Employee, employee_id)
    if employee.assessor is None or current_user.employee_id != employee.assessor.id:
        abort(403)
    form = ReferralForm() if request.method == "POST" else ReferralForm(formdata=None)
    form.counsellor_id.choices = [("", gettext("— pilih —"))] + [
        (str(c.id), c.full_name) for c in services.counsellors() if c.id not in (employee.id, current_user.employee_id)]
    context = dict(employee=employee, form=form)
    if request.method == "GET" or not form.validate():
        return render("dialog/refer.html", None, status=200 if request.method == "GET" else 422, **context)
    try:
        counsellor_id = id_or_none(form.counsellor_id.data)
        counsellor = db.session.get(Employee, counsellor_id) if counsellor_id else None
        services.refer(current_user, employee, counsellor, form.reason.data)
    except DomainError as error:
        db.session.rollback()
        _field_error(form, error)
        return invalid("dialog/refer.html", None, **context)
    db.session.commit()
    flash(gettext("Rujukan konseling dibuat. Isinya hanya dibaca konselor dan pegawai."), "success")
    return redirect_to(url_for("dialog.counselling_index"))


def _referral_or_404(referral_id: int) -> CounsellingReferral:
    referral = db.get_or_404(CounsellingReferral, referral_id)
    if not perms.can_view_counselling(current_user, referral):
        abort(404)  # content: never confirm to anyone else even that this page exists
    return referral


def _counselling_page(referral: CounsellingReferral, status: int = 200, note_form=None):
    return render("dialog/counselling.html", None, status=status, referral=referral,
                  note_form=note_form or CounsellingNoteForm(formdata=None), button=EmptyForm(formdata=None),
                  counsellor=current_user.employee_id == referral.counsellor_id)


@bp.get("/konseling/<int:referral_id>")
@login_required
def counselling(referral_id: int):
    return _counselling_page(_referral_or_404(referral_id))


@bp.post("/konseling/<int:referral_id>/catatan")
@login_required
def counselling_note(referral_id: int):
    referral = _referral_or_404(referral_id)
    form = CounsellingNoteForm()
    if not form.validate():
        return _counselling_page(referral, 422, note_form=form)
    try:
        services.add_counselling_note(current_user, referral, form.text.data, utcnow())
    except DomainError as error:
        db.session.rollback()
        _field_error(form, error)
        return _counselling_page(db.session.get(CounsellingReferral, referral_id), 409, note_form=form)
    db.session.commit()
    flash(gettext("Catatan disimpan."), "success")
    return redirect_to(url_for("dialog.counselling", referral_id=referral_id))


@bp.post("/konseling/<int:referral_id>/selesai")
@login_required
def close_counselling(referral_id: int):
    referral = _referral_or_404(referral_id)
    form = EmptyForm()
    if not form.validate():
        abort(400)
    try:
        services.close_counselling(current_user, referral, utcnow(), version=form.version.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _counselling_page(db.session.get(CounsellingReferral, referral_id), 409)
    db.session.commit()
    flash(gettext("Konseling selesai."), "success")
    return redirect_to(url_for("dialog.counselling", referral_id=referral_id))


@bp.route("/admin/konselor", methods=["GET", "POST"])
@login_required
def counsellors():
    """Admin BKPSDM grants or withdraws the counsellor role; the auditor reads."""
    if not current_user.can_read_all:
        abort(403)
    form = CounsellorForm(formdata=None)
    if request.method == "POST":
        if not current_user.is_admin:
            abort(403)
        form = CounsellorForm()
        if form.validate():
            services.grant_counsellor(current_user, form.employee.data, form.active.data == "1", utcnow())
            db.session.commit()
            flash(gettext("Daftar konselor diperbarui."), "success")
            return redirect_to(url_for("dialog.counsellors"))
        if form.csrf_token.errors:
            abort(400)
    rows = list(db.session.scalars(select(Counsellor).options(joinedload(Counsellor.employee))
                                   .order_by(Counsellor.active.desc(), Counsellor.id)))
    context = dict(rows=rows, button=EmptyForm(formdata=None), form=form, states=rules.REFERRAL_STATES)
    if request.method == "POST":  # the person typed is nobody, or several (radio buttons to pick one)
        return invalid("dialog/counsellors.html", None, **context)
    return render("dialog/counsellors.html", None, **context)
