"""Penilaian diri screens: the employee's windows (/penilaian-diri), the form of one window with draft autosave
(htmx) and a plain "Simpan draf" (PRG), submission, the assessor's one return for completion, and the read view."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from portal.assessment import common
from portal.assessment import self_services as services
from portal.assessment.blueprint import bp
from portal.assessment.models import SelfAssessment
from portal.assessment.self_forms import ReturnForm, SelfAssessmentForm
from portal.core.errors import DomainError, StaleVersionError
from portal.core.htmx import is_fragment_request, redirect_to, render
from portal.core.timeutil import local_today, utcnow
from portal.extensions import db
from portal.periods import services as period_services
from portal.periods.models import PHASE_PERIODIC


def _labels() -> dict:
    return {"scale_labels": services.SCALE_LABELS, "rating_labels": services.RATING_LABELS,
            "state_labels": services.STATE_LABELS, "target_text": services.target_text,
            "realisation_text": services.realisation_text}


@bp.get("/penilaian-diri")
@login_required
def self_index():
    today = local_today()
    employee = current_user.employee
    period = period_services.current_period(today)
    context = {"employee": employee, "period": period, "rows": [], "skp": None, **_labels()}
    if employee is not None and period is not None:
        # periodic windows in order, then the annual one (whatever order common.windows returns)
        phases = sorted(common.windows(period), key=lambda p: (p.kind != PHASE_PERIODIC, p.seq))
        sas = services.self_assessments_of(employee, phases)
        open_ids = services.open_window_ids(phases, employee, today)
        context["skp"] = services.approved_skp(employee, period)
        context["rows"] = [{"phase": p, "sa": sas.get(p.id), "state": services.state_of(sas.get(p.id)),
                            "open": p.id in open_ids, "upcoming": today < p.opens_on} for p in phases]
    return render("assessment/self_index.html", **context)


# ---------------------------------------------------------------------------------------------------------
# The form of one window


def _parse(sa: SelfAssessment, formdata) -> dict:
    """The posted rows of the form as plain data for services.save_draft (an unchecked radio means no rating)."""
    data: dict = {name: formdata[name] for name in services.REFLECTION_FIELDS if name in formdata}
    results = {}
    for rating in sa.result_ratings:
        prefix = f"rhk-{rating.result_plan_id}-"
        if prefix + "summary" in formdata or prefix + "justification" in formdata:
            results[rating.result_plan_id] = {"summary": formdata.get(prefix + "summary", rating.summary),
                                              "rating": formdata.get(prefix + "rating"),
                                              "justification": formdata.get(prefix + "justification", "")}
    behaviours = {}
    for rating in sa.behaviour_ratings:
        prefix = f"item-{rating.item_id}-"
        if prefix + "example" in formdata:
            behaviours[rating.item_id] = {"score": formdata.get(prefix + "score"),
                                          "example": formdata.get(prefix + "example", "")}
    data["results"] = results
    data["behaviours"] = behaviours
    return data


def _has_rows(formdata) -> bool:
    return any(key.startswith(("rhk-", "item-")) or key in services.REFLECTION_FIELDS for key in formdata)


def _by_anchor(missing) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for anchor, text in missing or []:
        result.setdefault(anchor, []).append(text)
    return result


def _edit_context(sa: SelfAssessment, *, posted=None, missing=None, notice=None, error_anchor=None) -> dict:
    today = local_today()
    sheet = services.build_sheet(sa)
    editable = services.can_edit(current_user, sa, today)
    form = SelfAssessmentForm(formdata=None, obj=sa)
    form.version_id.data = sa.version_id
    if posted is not None:
        for name in services.REFLECTION_FIELDS:
            if name in posted:
                form[name].data = posted[name]
    return {"sa": sa, "sheet": sheet, "phase": sa.phase, "employee": sa.employee, "form": form,
            "editable": editable, "posted": posted, "missing": missing or [],
            "missing_by_anchor": _by_anchor([*(missing or []), *([(error_anchor, notice)] if error_anchor else [])]),
            "notice": notice,
            "return_form": None, "can_return": False, "content_visible": True,
            "window_open": common.window_open_for(sa.phase, sa.employee, today), **_labels()}


def _edit_page(sa: SelfAssessment, status: int = 200, **kwargs):
    return render("assessment/self_edit.html", status=status, **_edit_context(sa, **kwargs))


def _status_fragment(sa: SelfAssessment, status: int = 200, notice: str | None = None, saved: bool = False):
    return render("assessment/_self_status.html", "assessment/_self_status.html", status=status, sa=sa,
                  notice=notice, saved=saved, oob=notice is None)


@bp.route("/penilaian-diri/<int:phase_id>", methods=["GET", "POST"])
@login_required
def self_edit(phase_id: int):
    phase = common.get_window_or_404(phase_id)
    employee = current_user.employee
    if employee is None:
        abort(403)
    today = local_today()
    sa = services.find_self_assessment(employee, phase)
    if sa is None:
        if not common.window_open_for(phase, employee, today):
            abort(404)
        if not services.can_write(current_user):
            abort(403)
        try:
            sa = services.start_self_assessment(current_user, employee, phase, today)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect_to(url_for("assessment.self_index"))
        except IntegrityError:  # opened twice at the same moment: the other request created it
            db.session.rollback()
            sa = services.find_self_assessment(employee, phase)
            if sa is None:
                raise
    elif services.follow_revision(current_user, sa, today):
        db.session.commit()
    if request.method == "GET":
        return render("assessment/self_edit.html", "assessment/_self_form.html", **_edit_context(sa))
    return _save(sa, today)


def _save(sa: SelfAssessment, today):
    if not services.can_write(current_user):
        abort(403)
    form = SelfAssessmentForm()
    fragment = is_fragment_request()
    try:
        changed = services.save_draft(current_user, sa, _parse(sa, request.form), version=form.version_id.data,
                                      today=today, now=utcnow())
        db.session.commit()
    except StaleVersionError as error:
        db.session.rollback()
        if fragment:
            return _status_fragment(sa, 409, gettext("Penilaian diri ini sudah diubah di tempat lain; muat ulang "
                                                     "halaman. Perubahan terakhir Anda tidak disimpan."))
        return _edit_page(sa, 409, notice=error.message)
    except DomainError as error:
        db.session.rollback()
        if fragment:
            return _status_fragment(sa, 422, error.message)
        return _edit_page(sa, 422, posted=request.form, notice=error.message, error_anchor=error.field)
    if fragment:
        return _status_fragment(sa, saved=changed)
    flash(gettext("Draf penilaian diri disimpan.") if changed else gettext("Tidak ada perubahan."), "success")
    return redirect_to(url_for("assessment.self_edit", phase_id=sa.phase_id))


def _load_or_404(sa_id: int) -> SelfAssessment:
    sa = services.load_self_assessment(sa_id)
    if sa is None:
        abort(404)
    if not services.can_view(current_user, sa):
        abort(403)
    return sa


@bp.post("/penilaian-diri/<int:sa_id>/ajukan")
@login_required
def self_submit(sa_id: int):
    sa = _load_or_404(sa_id)
    if not (services.can_write(current_user) and services.is_owner(current_user, sa)):
        abort(403)
    today, now = local_today(), utcnow()
    form = SelfAssessmentForm()
    try:
        version = form.version_id.data
        if _has_rows(request.form):
            services.save_draft(current_user, sa, _parse(sa, request.form), version=version, today=today, now=now)
            version = None
        services.submit_self_assessment(current_user, sa, today=today, now=now, version=version)
        db.session.commit()
    except services.IncompleteError as error:
        db.session.commit()  # what was typed is kept as the draft
        flash(error.message, "error")
        return _edit_page(sa, 422, missing=error.missing)
    except StaleVersionError as error:
        db.session.rollback()
        return _edit_page(sa, 409, notice=error.message)
    except DomainError as error:
        db.session.rollback()
        return _edit_page(sa, 422, posted=request.form, notice=error.message, error_anchor=error.field)
    flash(gettext("Penilaian diri diajukan kepada Pejabat Penilai Kinerja."), "success")
    return redirect_to(url_for("assessment.self_edit", phase_id=sa.phase_id))


# ---------------------------------------------------------------------------------------------------------
# The read view and the assessor's return


def _view_context(sa: SelfAssessment, return_form: ReturnForm | None = None, notice: str | None = None) -> dict:
    visible = services.content_visible(current_user, sa)
    can_return = services.can_return(current_user, sa)
    if can_return and return_form is None:
        return_form = ReturnForm(formdata=None)
        return_form.version_id.data = sa.version_id
    return {"sa": sa, "sheet": services.build_sheet(sa) if visible else None, "phase": sa.phase,
            "employee": sa.employee, "content_visible": visible, "can_return": can_return,
            "return_form": return_form, "notice": notice, "editable": False, "missing_by_anchor": {},
            "posted": None, "window_open": common.window_open_for(sa.phase, sa.employee, local_today()),
            "is_owner": services.is_owner(current_user, sa), **_labels()}


@bp.get("/penilaian-diri/lihat/<int:sa_id>")
@login_required
def self_view(sa_id: int):
    sa = _load_or_404(sa_id)
    return render("assessment/self_view.html", **_view_context(sa))


@bp.post("/penilaian-diri/<int:sa_id>/kembalikan")
@login_required
def self_return(sa_id: int):
    sa = _load_or_404(sa_id)
    if not (services.can_write(current_user) and common.is_assessor_of(current_user, sa.employee)):
        abort(403)
    form = ReturnForm()
    if form.validate():
        try:
            services.return_self_assessment(current_user, sa, form.note.data, version=form.version_id.data,
                                            now=utcnow())
            db.session.commit()
        except StaleVersionError as error:
            db.session.rollback()
            return render("assessment/self_view.html", status=409, **_view_context(sa, notice=error.message))
        except DomainError as error:
            db.session.rollback()
            if error.field == "note":
                form.note.errors = [*form.note.errors, error.message]
            else:
                return render("assessment/self_view.html", status=422, **_view_context(sa, notice=error.message))
        else:
            flash(gettext("Penilaian diri dikembalikan untuk dilengkapi."), "success")
            return redirect_to(url_for("assessment.self_view", sa_id=sa.id))
    return render("assessment/self_view.html", status=422, **_view_context(sa, return_form=form))
