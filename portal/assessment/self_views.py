"""Penilaian diri screens: the employee's windows (/penilaian-diri), the form of one window with draft autosave
(htmx) and a plain "Simpan draf" (PRG), submission, the assessor's one return for completion, and the read view."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from portal.assessment import common, scale
from portal.assessment import self_services as services
from portal.assessment.blueprint import bp
from portal.assessment.models import SelfAssessment
from portal.assessment.self_forms import ReturnForm, SelfAssessmentForm
from portal.core.database import commit_keeping_loaded
from portal.core.errors import ConflictError, DomainError, StaleVersionError
from portal.core.htmx import is_fragment_request, redirect_to, render
from portal.core.timeutil import local_today, utcnow
from portal.extensions import db
from portal.periods import services as period_services
from portal.periods.models import PHASE_PERIODIC
from portal.skp.berakhlak import BERAKHLAK

# The limits of the hand-written text areas of the form (the WTForms fields carry their own).
LIMITS = {"summary": services.SUMMARY_MAX, "justification": services.JUSTIFICATION_MAX,
          "example": services.EXAMPLE_MAX}


def _labels() -> dict:
    return {"scale": scale, "rating_labels": services.RATING_LABELS, "limits": LIMITS,
            "state_labels": services.STATE_LABELS, "target_text": services.target_text,
            "realisation_text": services.realisation_text, "example_field": services.example_field}


@bp.get("/penilaian-diri")
@login_required
def self_index():
    today = local_today()
    employee = current_user.employee
    if employee is None:
        abort(403)  # an account without an employee record assesses nobody, itself included
    period = period_services.current_period(today)
    context = {"employee": employee, "period": period, "rows": [], "skp": None, **_labels()}
    if period is not None:
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
    """The posted form as plain data for services.save_draft. A row is in the form when its text areas are (RHK)
    or its hidden ``item`` marker is (behaviour guide): then an unchecked radio means "no rating"."""
    data: dict = {name: formdata[name] for name in services.REFLECTION_FIELDS if name in formdata}
    results = {}
    for rating in sa.result_ratings:
        prefix = f"rhk-{rating.result_plan_id}-"
        if prefix + "summary" in formdata or prefix + "justification" in formdata:
            row = {"rating": formdata.get(prefix + "rating")}
            for key in ("summary", "justification"):
                if prefix + key in formdata:
                    row[key] = formdata[prefix + key]
            results[rating.result_plan_id] = row
    shown = set(formdata.getlist("item"))
    behaviours = {}
    for rating in sa.behaviour_ratings:
        name = f"item-{rating.item_id}-score"
        if str(rating.item_id) in shown or name in formdata:
            behaviours[rating.item_id] = {"score": formdata.get(name)}
    examples = {value.code: formdata[services.example_field(value.code)] for value in BERAKHLAK
                if services.example_field(value.code) in formdata}
    data.update(results=results, behaviours=behaviours, examples=examples)
    return data


def _by_anchor(missing) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for anchor, text in missing or []:
        result.setdefault(anchor, []).append(text)
    return result


def _text_fields(sheet) -> list[str]:
    """The names of the form's text areas: each has an error slot that an autosave answer updates."""
    names = [f"rhk-{row.rhk.id}-{key}" for row in sheet.rows for key in ("summary", "justification")]
    names += [services.example_field(group.code) for group in sheet.values]
    return [*names, *services.REFLECTION_FIELDS]


def _edit_context(sa: SelfAssessment, *, posted=None, missing=None, notice=None, error_anchor=None,
                  field_errors=None) -> dict:
    today = local_today()
    sheet = services.build_sheet(sa)
    editable = services.can_edit(current_user, sa, today)
    form = SelfAssessmentForm(formdata=None, obj=sa)
    form.version_id.data = sa.version_id
    field_errors = field_errors or {}
    if posted is not None:
        for name in services.REFLECTION_FIELDS:
            if name in posted:
                form[name].data = posted[name]
    for name in services.REFLECTION_FIELDS:
        if name in field_errors:
            form[name].errors = [field_errors[name]]
    return {"sa": sa, "sheet": sheet, "phase": sa.phase, "employee": sa.employee, "form": form,
            "editable": editable, "posted": posted, "missing": missing or [], "field_errors": field_errors,
            "text_fields": _text_fields(sheet),
            "missing_by_anchor": _by_anchor([*(missing or []), *([(error_anchor, notice)] if error_anchor else [])]),
            "notice": notice,
            "return_form": None, "can_return": False, "content_visible": True,
            "window_open": common.window_open_for(sa.phase, sa.employee, today), **_labels()}


def _edit_page(sa: SelfAssessment, status: int = 200, **kwargs):
    return render("assessment/self_edit.html", status=status, **_edit_context(sa, **kwargs))


def _status_fragment(sa: SelfAssessment, status: int = 200, notice: str | None = None, saved: bool = False,
                     field_errors: dict | None = None, oob: bool | None = None):
    """The autosave answer: the status line, and (when the draft was saved) the new version and every text
    area's error slot out of band - set for a refused field, emptied for the others."""
    oob = notice is None if oob is None else oob
    text_fields = _text_fields(services.build_sheet(sa)) if oob else []
    return render("assessment/_self_status.html", "assessment/_self_status.html", status=status, sa=sa,
                  notice=notice, saved=saved, oob=oob, field_errors=field_errors or {}, text_fields=text_fields)


@bp.route("/penilaian-diri/<int:phase_id>", methods=["GET", "POST"])
@login_required
def self_edit(phase_id: int):
    """The form of one window. Opening it writes nothing: before the first save it shows the self-assessment as
    it would start (prefilled); the first save - autosave, "Simpan draf" or "Ajukan" - creates the draft."""
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
    elif services.follow_revision(current_user, sa, today):
        db.session.commit()
    if request.method == "POST":
        return _save(sa, employee, phase, today, submit=request.form.get("action") == "ajukan")
    if sa is None:
        try:
            sa = services.prefilled_self_assessment(current_user, employee, phase, today)
        except DomainError as error:
            flash(error.message, "error")
            return redirect_to(url_for("assessment.self_index"))
        # the period's questionnaire may have been seeded just now (not the draft: it is not added); the page shows
        # what is loaded (a plain commit would expire it and read each RHK and item again)
        commit_keeping_loaded()
    return render("assessment/self_edit.html", "assessment/_self_form.html", **_edit_context(sa))


def _save(sa: SelfAssessment | None, employee, phase, today, *, submit: bool):
    """Save the draft (creating it on the first save) and, for "Ajukan", submit it. Valid answers are saved even
    when one field is refused; the refused one is shown at its field with what was typed (422)."""
    if not services.can_write(current_user):
        abort(403)
    fragment = is_fragment_request() and not submit
    now = utcnow()
    version = request.form.get("version_id")
    try:
        if sa is None:
            sa = services.start_self_assessment(current_user, employee, phase, today)
            version = sa.version_id  # the form was opened before there was a draft: nothing to be stale against
        result = services.save_draft(current_user, sa, _parse(sa, request.form), version=version, today=today,
                                     now=now)
        if submit and not result.errors:
            services.submit_self_assessment(current_user, sa, today=today, now=now)
        commit_keeping_loaded()  # every answer below shows what was just saved
    except services.IncompleteError as error:
        db.session.commit()  # what was typed is kept as the draft
        flash(error.message, "error")
        return _edit_page(sa, 422, missing=error.missing)
    except (StaleVersionError, IntegrityError) as error:  # IntegrityError: another tab created the draft first
        db.session.rollback()
        sa = services.find_self_assessment(employee, phase)
        if sa is None:
            raise
        if fragment:
            return _status_fragment(sa, 409, gettext("Penilaian diri ini sudah diubah di tempat lain; muat ulang "
                                                     "halaman. Perubahan terakhir Anda tidak disimpan."))
        return _edit_page(sa, 409, notice=error.message if isinstance(error, StaleVersionError) else gettext(
            "Data ini sudah diubah orang lain sejak Anda membukanya. Perubahan Anda tidak disimpan; berikut data "
            "terbaru."))
    except DomainError as error:
        db.session.rollback()
        if sa is None or sa.id is None:
            flash(error.message, "error")
            return redirect_to(url_for("assessment.self_index"))
        if fragment:
            return _status_fragment(sa, 422, error.message)
        return _edit_page(sa, 422, posted=request.form, notice=error.message, error_anchor=error.field)
    if result.errors:
        notice = ngettext("%(num)s isian belum disimpan: lihat pesan pada isian yang ditandai. Isian lainnya sudah "
                          "disimpan.",
                          "%(num)s isian belum disimpan: lihat pesan pada isian yang ditandai. Isian lainnya sudah "
                          "disimpan.", len(result.errors))
        if fragment:
            return _status_fragment(sa, 422, notice, field_errors=result.errors, oob=True)
        return _edit_page(sa, 422, posted=request.form, notice=notice, field_errors=result.errors)
    if fragment:
        return _status_fragment(sa, saved=result.changed)
    if submit:
        flash(gettext("Penilaian diri diajukan kepada Pejabat Penilai Kinerja."), "success")
    else:
        flash(gettext("Draf penilaian diri disimpan.") if result.changed else gettext("Tidak ada perubahan."),
              "success")
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
    """Ajukan for a self-assessment that exists (the form itself posts "Ajukan" to its window's address)."""
    sa = _load_or_404(sa_id)
    if not (services.can_write(current_user) and services.is_owner(current_user, sa)):
        abort(403)
    return _save(sa, sa.employee, sa.phase, local_today(), submit=True)


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
        except ConflictError as error:  # returned meanwhile, or a stale form: the page as it is now
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
