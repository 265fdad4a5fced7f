"""Scoring: the assessor's team list (/evaluasi) with the superior's queue of late cases, the scoring screen with
everything side by side, and the transitions (finalise, release, send back, reopen, acknowledge); the employee's
own evaluations and any employee's history."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from portal.assessment import release as release_360
from portal.assessment import results_services
from portal.core.errors import DomainError, StaleVersionError
from portal.core.htmx import invalid, redirect_to, render
from portal.core.ids import query_id
from portal.core.pagination import page_number
from portal.core.timeutil import local_today, utcnow
from portal.dialog import rules as dialog_rules
from portal.dialog import services as dialog_services
from portal.evaluation import appeals, lists, rules
from portal.evaluation import services as services
from portal.evaluation.blueprint import bp
from portal.evaluation.forms import EmptyForm, RatingForm, ReopenForm, SendBackForm
from portal.evaluation.models import FINAL, RELEASED, RETURNED, Evaluation, EvaluationDocument
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.org.models import Employee
from portal.periods.models import PeriodPhase
from portal.progress import services as progress_services


@bp.app_template_global("evaluation_state")
def evaluation_state(evaluation: Evaluation | None) -> tuple[str, str]:
    if evaluation is None:
        return gettext("Belum dinilai"), "badge"
    label, css = services.STATE_LABELS.get(evaluation.status, (evaluation.status, "badge"))
    return str(label), css


@bp.app_template_global("predikat_label")
def predikat_label(code: str | None) -> str:
    return services.predikat_label(code)


@bp.app_template_global("rating_label")
def rating_label(code: str | None) -> str:
    return str(services.RATING_LABELS.get(code, "–")) if code else "–"


@bp.app_template_global("unit_rating_label")
def unit_rating_label(code: str | None) -> str:
    return str(services.UNIT_RATING_LABELS.get(code, "–")) if code else "–"


def _window(windows: list[PeriodPhase], today):
    if request.args.get("jendela"):
        wanted = query_id("jendela")
        phase = next((w for w in windows if w.id == wanted), None)
        if phase is None:
            abort(404)
        return phase
    return lists.default_window(windows, today)


def _distribution(counts: dict[str, int], pattern) -> dict:
    total = sum(counts.values())
    return {"counts": counts, "total": total,
            "rows": [(p, counts.get(p, 0), rules.share(counts.get(p, 0), total)) for p in rules.PREDIKATS],
            "pattern": [services.constraint_text(c) for c in pattern],
            "deviations": [(services.constraint_text(d.constraint), d.percent)
                           for d in rules.check_distribution(counts, pattern)]}


# ---------------------------------------------------------------------------------------------------------
# The team list and the superior's queue


@bp.get("/evaluasi")
@login_required
def team():
    me = current_user.employee_id
    if me is None:
        abort(403)
    today = local_today()
    windows = lists.windows_around(today)
    phase = _window(windows, today)
    page = queue = None
    status_counts = {}
    distribution = None
    if phase is not None:
        page = lists.team_page(me, phase, page_number())
        status_counts = lists.team_status_counts(me, phase)
        queue = lists.superior_queue(me, phase, today, page_number("hal_atasan"))
        if page.total:
            achievement, pattern = services.pattern_for(page.items[0].employee, phase)
            distribution = _distribution(services.team_counts(me, phase), pattern)
            distribution["achievement"] = achievement
    if not (page and page.total) and not (queue and queue.total) and not org_perms.is_assessor(current_user):
        abort(403)
    return render("evaluation/team.html", "evaluation/_team.html", windows=windows, phase=phase, page=page,
                  queue=queue, status_counts=status_counts, distribution=distribution, today=today)


# ---------------------------------------------------------------------------------------------------------
# The scoring screen


def _employee_and_window(employee_id: int, phase_id: int) -> tuple[Employee, PeriodPhase]:
    phase = db.get_or_404(PeriodPhase, phase_id)
    if phase.kind not in lists.WINDOW_KINDS:
        abort(404)
    return db.get_or_404(Employee, employee_id), phase


def _context(employee: Employee, phase: PeriodPhase, evaluation: Evaluation | None, role: str | None, today,
             form: RatingForm | None = None) -> dict:
    skp = services.approved_skp(employee, phase)
    progress = None
    if skp is not None:
        loaded = progress_services.load_skp(skp.id)
        progress = progress_services.progress_view(loaded, today) if loaded else None
    from portal.assessment import self_services

    self_assessment = self_services.find_self_assessment(employee, phase)
    if self_assessment is not None and self_assessment.status != "diajukan":
        self_assessment = None
    release = release_360.current_release(employee, phase)
    results = results_services.load_results(employee, phase, release) if release is not None else None
    hint = services.suggestion(employee, phase)
    achievement, pattern = services.pattern_for(employee, phase)
    assessor_id = evaluation.assessor_id if evaluation else (employee.assessor.id if employee.assessor else None)
    distribution = _distribution(services.team_counts(assessor_id, phase), pattern) if assessor_id else None
    if form is None:
        form = RatingForm(formdata=None, obj=evaluation)
        form.version.data = evaluation.version_id if evaluation else ""
    editable = role is not None and (evaluation is None or evaluation.status in ("draft", RETURNED))
    return dict(employee=employee, phase=phase, evaluation=evaluation, role=role, skp=skp, progress=progress,
                self_assessment=self_assessment, results=results, hint=hint, achievement=achievement,
                distribution=distribution, form=form, editable=editable, today=today,
                result_guidance=services.RESULT_GUIDANCE, behaviour_guidance=services.BEHAVIOUR_GUIDANCE,
                decider=services.decider_of(employee), fmt=results_services.format_score,
                button=EmptyForm(), send_back_form=SendBackForm(formdata=None), reopen_form=ReopenForm(formdata=None),
                can_calibrate=evaluation is not None and services.can_calibrate(current_user, evaluation),
                may_release=evaluation is not None and services.may_release(current_user, evaluation),
                appeals=appeals.appeals_of(evaluation) if evaluation else [],
                year_end_sessions=dialog_services.sessions_for_evaluation(evaluation.id) if evaluation else [],
                offers_coaching=evaluation is not None and evaluation.status in (FINAL, RELEASED)
                and dialog_rules.offers_coaching(evaluation.predikat))


def _may_read(employee: Employee, evaluation: Evaluation | None, role: str | None) -> bool:
    if role is not None:
        return True
    if evaluation is not None:
        return services.can_view(current_user, evaluation) and current_user.employee_id != employee.id
    user = current_user
    if user.can_read_all:
        return True
    return user.employee_id is not None and org_perms.can_view_employee(user, employee) \
        and user.employee_id != employee.id and (bool(org_perms.headed_units(user))
                                                 or services.decider_of(employee) is not None
                                                 and services.decider_of(employee).id == user.employee_id)


@bp.route("/evaluasi/<int:employee_id>/<int:phase_id>", methods=["GET", "POST"])
@login_required
def score(employee_id: int, phase_id: int):
    employee, phase = _employee_and_window(employee_id, phase_id)
    today = local_today()
    evaluation = services.find(employee, phase)
    role = services.rater_role(current_user, employee, phase, evaluation, today)
    if current_user.employee_id == employee.id:
        return redirect_to(url_for("evaluation.mine"))
    if not _may_read(employee, evaluation, role):
        abort(403)
    if request.method == "GET":
        if release_360.window_closed_for(phase, employee, today):
            release_360.release_results(employee, phase, today)  # the 360 release the screen shows
            db.session.commit()
        return render("evaluation/score.html", "evaluation/_score.html",
                      **_context(employee, phase, evaluation, role, today))
    if role is None:
        abort(403)
    form = RatingForm()
    if not form.validate():
        return invalid("evaluation/score.html", "evaluation/_score.html",
                       **_context(employee, phase, evaluation, role, today, form))
    data = {name: getattr(form, name).data for name in ("result_rating", "behaviour_rating", "result_justification",
                                                        "behaviour_justification", "note")}
    finalising = request.form.get("action") == "finalkan"
    try:
        if finalising:
            services.finalise(current_user, employee, phase, data, today=today, now=utcnow(),
                              version=form.version.data, distribution_note=form.distribution_note.data)
        else:
            services.save_ratings(current_user, employee, phase, data, today=today, now=utcnow(),
                                  version=form.version.data)
    except DomainError as error:
        db.session.rollback()
        fresh = services.find(employee, phase)
        if isinstance(error, StaleVersionError):
            form = RatingForm(formdata=None, obj=fresh)
            form.version.data = fresh.version_id if fresh else ""
            flash(error.message, "error")
            return render("evaluation/score.html", "evaluation/_score.html", status=409,
                          **_context(employee, phase, fresh, role, today, form))
        target = getattr(form, error.field, None) if error.field else None
        if target is not None:
            target.errors = [*target.errors, error.message]
        else:
            form.form_errors.append(error.message)
        return invalid("evaluation/score.html", "evaluation/_score.html",
                       **_context(employee, phase, fresh, role, today, form))
    db.session.commit()
    if finalising:
        flash(gettext("Penilaian %(name)s difinalkan. Tandatangani dan serahkan dokumennya bila sudah siap.",
                      name=employee.full_name), "success")
    else:
        flash(gettext("Draf penilaian disimpan."), "success")
    return redirect_to(url_for("evaluation.score", employee_id=employee.id, phase_id=phase.id))


def _evaluation_or_404(evaluation_id: int) -> Evaluation:
    evaluation = services.load(evaluation_id)
    if evaluation is None:
        abort(404)
    return evaluation


def _back(evaluation: Evaluation) -> str:
    return url_for("evaluation.score", employee_id=evaluation.employee_id, phase_id=evaluation.phase_id)


def _transition(evaluation: Evaluation, action, success: str, *, allowed: bool):
    if not allowed:
        abort(403)
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        status = 409 if isinstance(error, StaleVersionError) or evaluation.status in (FINAL, RELEASED) else 422
        today = local_today()
        fresh = services.load(evaluation.id)
        role = services.rater_role(current_user, fresh.employee, fresh.phase, fresh, today)
        return render("evaluation/score.html", "evaluation/_score.html", status=status,
                      **_context(fresh.employee, fresh.phase, fresh, role, today))
    db.session.commit()
    flash(success, "success")
    return redirect_to(_back(evaluation))


@bp.post("/evaluasi/<int:evaluation_id>/serahkan")
@login_required
def release(evaluation_id: int):
    evaluation = _evaluation_or_404(evaluation_id)
    form = EmptyForm()
    version = request.form.get("version")
    return _transition(
        evaluation,
        lambda: services.release(current_user, evaluation, today=local_today(), now=utcnow(), version=version),
        gettext("Dokumen evaluasi ditandatangani dan diserahkan kepada %(name)s.", name=evaluation.employee.full_name),
        allowed=form.validate() and services.can_view(current_user, evaluation))


@bp.post("/evaluasi/<int:evaluation_id>/kembalikan")
@login_required
def send_back(evaluation_id: int):
    evaluation = _evaluation_or_404(evaluation_id)
    form = SendBackForm()
    if not services.can_calibrate(current_user, evaluation):
        abort(403)
    return _transition(
        evaluation,
        lambda: services.send_back(current_user, evaluation, form.note.data, now=utcnow(), version=form.version.data),
        gettext("Penilaian dikembalikan kepada Pejabat Penilai Kinerja dengan catatan."), allowed=True)


@bp.post("/evaluasi/<int:evaluation_id>/buka-kembali")
@login_required
def reopen(evaluation_id: int):
    evaluation = _evaluation_or_404(evaluation_id)
    form = ReopenForm()
    return _transition(
        evaluation,
        lambda: services.reopen(current_user, evaluation, form.reason.data, now=utcnow(), version=form.version.data),
        gettext("Penilaian dibuka kembali."), allowed=current_user.is_admin)


# ---------------------------------------------------------------------------------------------------------
# The employee's own evaluations, acknowledgement, history


@bp.get("/evaluasi/saya")
@login_required
def mine():
    me = current_user.employee
    if me is None:
        abort(403)
    today = local_today()
    evaluations = lists.history(me, released_only=True)
    return render("evaluation/mine.html", None, evaluations=evaluations, today=today, button=EmptyForm(),
                  appeal_due={e.id: appeals.appeal_due(e) for e in evaluations},
                  can_file={e.id: appeals.can_file(current_user, e, today) for e in evaluations},
                  open_appeal={e.id: appeals.open_appeal(e) for e in evaluations})


@bp.post("/evaluasi/dokumen/<int:document_id>/terima")
@login_required
def acknowledge(document_id: int):
    document = db.get_or_404(EvaluationDocument, document_id)
    if current_user.employee_id != document.evaluation.employee_id:
        abort(404)
    if not EmptyForm().validate():
        abort(400)
    try:
        services.acknowledge(current_user, document, today=local_today(), now=utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect_to(url_for("evaluation.mine"))
    db.session.commit()
    flash(gettext("Penerimaan dokumen dicatat. Bila tidak setuju, Anda dapat mengajukan keberatan dalam 14 hari "
                  "kerja."), "success")
    return redirect_to(url_for("evaluation.mine"))


@bp.get("/evaluasi/riwayat/<int:employee_id>")
@login_required
def history(employee_id: int):
    employee = db.get_or_404(Employee, employee_id)
    if current_user.employee_id == employee.id:
        return redirect_to(url_for("evaluation.mine"))
    if not (current_user.can_read_all or org_perms.can_view_employee(current_user, employee)):
        abort(403)
    evaluations = [e for e in lists.history(employee, released_only=False) if services.can_view(current_user, e)]
    return render("evaluation/history.html", None, employee=employee, evaluations=evaluations)
