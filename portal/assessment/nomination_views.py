"""360 nominations: the assessor's team list (/360), nominations per employee and window, proposals by the
employee, replacing a rater who declined, reminders, and the progress overview (/360/progres).

Nobody sees per rater whether they answered: only counts (assessment.models, anonymity design).
"""

from __future__ import annotations

from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.assessment import common
from portal.assessment import nomination_services as services
from portal.assessment.blueprint import bp
from portal.assessment.models import (
    GROUPS,
    NOMINATION_DECLINED,
    NOMINATION_PROPOSED,
    NOMINATION_REPLACED,
    RaterNomination,
)
from portal.assessment.nomination_forms import AddRaterForm, CancelForm, EmptyForm, ReplaceForm
from portal.core.errors import ConflictError, DomainError
from portal.core.htmx import redirect_to, render
from portal.core.pagination import page_number
from portal.core.timeutil import local_today, utcnow
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.org.models import Employee, Unit
from portal.periods import services as period_services

PANEL = "assessment/_nominations_panel.html"


@bp.app_template_global("nomination_status_label")
def nomination_status_label(status: str) -> tuple[str, str]:
    return services.STATUS_LABELS.get(status, (status, "badge"))


@bp.app_template_global("answered_text")
def answered_text(counts: services.Counts) -> str:
    """Answers in steps of the anonymity threshold ("paling sedikit 3", "kurang dari 3"), never the exact number."""
    if counts.answered_at_least:
        return gettext("paling sedikit %(n)s", n=counts.answered_at_least)
    return gettext("kurang dari %(t)s", t=counts.threshold)


@bp.app_template_global("rater_group_label")
def rater_group_label(group: str) -> str:
    return services.GROUP_LABELS.get(group, group)


# ---------------------------------------------------------------------------------------------------------
# Loaders


def _subject_or_404(subject_id: int) -> Employee:
    subject = db.get_or_404(Employee, subject_id)
    return subject


def _role(user, subject: Employee) -> str:
    """"assessor" (manages), "subject" (proposes), "reader" (admin/auditor, read-only); else 403."""
    if common.can_manage_nominations(user, subject):
        return "assessor"
    if user.employee_id is not None and user.employee_id == subject.id:
        return "subject"
    if user.can_read_all:
        return "reader"
    abort(403)


def _nomination_or_404(nomination_id: int) -> RaterNomination:
    nomination = services.load_nomination(nomination_id)
    if nomination is None:
        abort(404)
    return nomination


# ---------------------------------------------------------------------------------------------------------
# The nominations page


def _context(subject: Employee, phase, role: str, *, form=None, error: str | None = None, replace_for=None,
             replace_form=None) -> dict:
    today = local_today()
    nominations = services.nominations_for(subject, phase)
    answered = services.answered_nomination_ids(nominations)
    limits = common.limits_for(phase.period)
    counts = services.count_nominations(nominations, answered, limits.threshold)
    editable = services.window_editable(phase, subject, today)
    may_change = editable and role in ("assessor", "subject")
    reopened = services.reopened_until([(phase, subject)], today)
    return {
        "subject": subject,
        "phase": phase,
        "role": role,
        "today": today,
        "grouped": services.by_group(nominations),
        "groups": GROUPS,
        "counts": counts,
        "limits": limits,
        "maxima": {g: services.group_maximum(limits, g) for g in GROUPS},
        "problems": services.problems(nominations, limits, services.has_subordinates(subject)),
        "anonymity": services.anonymity_problems(nominations, limits.threshold),
        "due": {n.id: services.due_for(n, today, reopened) for n in nominations if n.status == "diundang"},
        "window_opened": today >= phase.opens_on,
        "may_cancel": editable and role == "reader" and current_user.is_admin,
        "cancel_form": CancelForm(formdata=None),
        "suggested": services.suggestions(subject, nominations) if may_change else {},
        "editable": editable,
        "may_change": may_change,
        "form": form or AddRaterForm(formdata=None),
        "replace_form": replace_form or ReplaceForm(formdata=None),
        "replace_for": replace_for,
        "button": EmptyForm(),
        "error": error,
    }


def _page(subject, phase, role, status: int = 200, **kwargs):
    return render("assessment/nominations.html", PANEL, status=status, **_context(subject, phase, role, **kwargs))


@bp.get("/360/<int:subject_id>/<int:phase_id>")
@login_required
def nominations(subject_id: int, phase_id: int):
    subject = _subject_or_404(subject_id)
    phase = common.get_window_or_404(phase_id)
    role = _role(current_user, subject)
    response = _page(subject, phase, role)
    db.session.commit()  # settings_for may have created the period's default settings
    return response


def _back(subject: Employee, phase) -> str:
    return url_for("assessment.nominations", subject_id=subject.id, phase_id=phase.id)


def _refused(subject, phase, role, error: DomainError, **kwargs):
    """The panel as it is now with the message (role=alert; a flash would repeat it on the next page): 409 when
    someone decided first, else 422."""
    db.session.rollback()
    status = 409 if isinstance(error, ConflictError) else 422
    return _page(subject, phase, role, status=status, error=error.message, **kwargs)


@bp.post("/360/<int:subject_id>/<int:phase_id>/undang")
@login_required
def nominate(subject_id: int, phase_id: int):
    """The assessor invites a rater (a suggestion's button, or anyone chosen with the people picker); the employee
    proposes one."""
    subject = _subject_or_404(subject_id)
    phase = common.get_window_or_404(phase_id)
    role = _role(current_user, subject)
    if role not in ("assessor", "subject"):
        abort(403)
    form = AddRaterForm()
    if not form.validate():
        return _page(subject, phase, role, status=422, form=form, error=gettext("Periksa kembali isian yang ditandai."))
    action = services.nominate if role == "assessor" else services.propose
    try:
        nomination = action(current_user, subject, phase, form.rater.data, form.group.data, local_today())
    except DomainError as error:
        picked = "rater" in request.form  # chosen in the form, not with a suggestion's button: show the form again
        if picked and error.field == "nip":
            form.rater.errors = [error.message]
        return _refused(subject, phase, role, error, form=form if picked else None)
    db.session.commit()
    if role == "assessor":
        flash(gettext("%(name)s masuk daftar penilai. Kirim undangan setelah daftar lengkap.",
                      name=nomination.rater.full_name), "success")
    else:
        flash(gettext("%(name)s diusulkan; menunggu persetujuan Pejabat Penilai Kinerja.",
                      name=nomination.rater.full_name), "success")
    return redirect_to(_back(subject, phase))


def _assessor_action(nomination_id: int, action, message: str):
    nomination = _nomination_or_404(nomination_id)
    subject, phase = nomination.subject, nomination.phase
    if not common.can_manage_nominations(current_user, subject):
        abort(403)
    try:
        action(current_user, nomination, local_today())
    except DomainError as error:
        return _refused(subject, phase, "assessor", error)
    db.session.commit()
    flash(message, "success")
    return redirect_to(_back(subject, phase))


@bp.post("/360/nominasi/<int:nomination_id>/setujui")
@login_required
def approve_nomination(nomination_id: int):
    return _assessor_action(nomination_id, services.approve, gettext(
        "Usulan penilai disetujui dan masuk daftar; kirim undangan setelah daftar lengkap."))


@bp.post("/360/nominasi/<int:nomination_id>/tidak-setujui")
@login_required
def reject_nomination(nomination_id: int):
    return _assessor_action(nomination_id, services.reject, gettext("Usulan penilai tidak disetujui."))


@bp.post("/360/nominasi/<int:nomination_id>/hapus")
@login_required
def remove_nomination(nomination_id: int):
    """The assessor withdraws an invitation; the employee may withdraw their own pending proposal."""
    nomination = _nomination_or_404(nomination_id)
    subject = nomination.subject
    manager = common.can_manage_nominations(current_user, subject)
    own_proposal = current_user.employee_id == subject.id and (
        nomination.status == NOMINATION_PROPOSED or nomination.nominated_by_id == subject.id)
    if not (manager or own_proposal):
        abort(403)
    role = "assessor" if manager else "subject"
    phase = nomination.phase
    if not manager and nomination.status != NOMINATION_PROPOSED:  # the assessor decided on it meanwhile
        return _refused(subject, phase, role, services.already_decided(
            nomination, gettext("Usulan ini sudah diputuskan.")))
    try:
        services.remove(current_user, nomination, local_today())
    except DomainError as error:
        return _refused(subject, phase, role, error)
    db.session.commit()
    flash(gettext("Nominasi dihapus."), "success")
    return redirect_to(_back(subject, phase))


@bp.route("/360/nominasi/<int:nomination_id>/ganti", methods=["GET", "POST"])
@login_required
def replace_nomination(nomination_id: int):
    """Replace a rater who declined with another employee (chosen with the people picker) in the same group."""
    nomination = _nomination_or_404(nomination_id)
    subject, phase = nomination.subject, nomination.phase
    if not common.can_manage_nominations(current_user, subject):
        abort(403)
    if nomination.status == NOMINATION_REPLACED:  # replaced a moment ago (another tab): the list as it is now
        return _refused(subject, phase, "assessor", services.already_decided(
            nomination, gettext("Hanya penilai yang menolak yang dapat diganti.")))
    if nomination.status != NOMINATION_DECLINED:
        abort(404)
    form = ReplaceForm()
    if request.method == "GET":
        return _page(subject, phase, "assessor", replace_for=nomination, replace_form=ReplaceForm(formdata=None))
    if not form.validate():
        return _page(subject, phase, "assessor", status=422, replace_for=nomination, replace_form=form,
                     error=gettext("Periksa kembali isian yang ditandai."))
    try:
        new = services.replace(current_user, nomination, form.replacement.data, local_today())
    except DomainError as error:
        form.replacement.errors = [error.message]
        db.session.rollback()
        return _page(subject, phase, "assessor", status=422, replace_for=db.session.get(RaterNomination, nomination_id),
                     replace_form=form, error=error.message)
    db.session.commit()
    flash(gettext("%(name)s diundang sebagai pengganti.", name=new.rater.full_name), "success")
    return redirect_to(_back(subject, phase))


@bp.post("/360/<int:subject_id>/<int:phase_id>/kirim")
@login_required
def send_invitations(subject_id: int, phase_id: int):
    """The assessor sends the prepared invitations at once (refused while a bucket would stay below the
    anonymity threshold)."""
    subject = _subject_or_404(subject_id)
    phase = common.get_window_or_404(phase_id)
    if not common.can_manage_nominations(current_user, subject):
        abort(403)
    try:
        sent = services.send_invitations(current_user, subject, phase, local_today())
    except DomainError as error:
        return _refused(subject, phase, "assessor", error)
    db.session.commit()
    flash(gettext("Undangan dikirim kepada %(n)s penilai.", n=len(sent)), "success")
    return redirect_to(_back(subject, phase))


@bp.post("/360/nominasi/<int:nomination_id>/batalkan")
@login_required
def cancel_invitation(nomination_id: int):
    """Admin BKPSDM withdraws a sent invitation with a reason (a correction; audited)."""
    nomination = _nomination_or_404(nomination_id)
    subject, phase = nomination.subject, nomination.phase
    if not current_user.is_admin:
        abort(403)
    form = CancelForm()
    if not form.validate():
        return _page(subject, phase, "reader", status=422,
                     error=form.reason.errors[0] if form.reason.errors else gettext("Periksa kembali isian."))
    try:
        services.cancel_invitation(current_user, nomination, form.reason.data, local_today())
    except DomainError as error:
        return _refused(subject, phase, "reader", error)
    db.session.commit()
    flash(gettext("Undangan untuk %(name)s dibatalkan.", name=nomination.rater.full_name), "success")
    return redirect_to(_back(subject, phase))


@bp.post("/360/<int:subject_id>/<int:phase_id>/ingatkan")
@login_required
def remind(subject_id: int, phase_id: int):
    """A reminder to every invited rater who has not answered (written once for the employee and window: the
    page and the database say neither who nor how many)."""
    subject = _subject_or_404(subject_id)
    phase = common.get_window_or_404(phase_id)
    if not common.can_manage_nominations(current_user, subject):
        abort(403)
    try:
        services.remind(current_user, subject, phase, utcnow(), local_today())
    except DomainError as error:
        return _refused(subject, phase, "assessor", error)
    db.session.commit()
    flash(gettext("Pengingat dikirim kepada setiap penilai yang belum mengisi."), "success")
    return redirect_to(_back(subject, phase))


# ---------------------------------------------------------------------------------------------------------
# The assessor's team and progress


@bp.get("/360")
@login_required
def team():
    """The signed-in assessor's reports (direct and delegated) with nomination counts per evaluation window."""
    if not org_perms.is_assessor(current_user):
        abort(403)  # nobody to assess: the menu has no "Umpan Balik 360 Tim" either
    period = period_services.current_period(local_today())
    phases = common.windows(period) if period else []
    page = services.team_page(current_user.employee_id, phases, page_number())
    return render("assessment/team.html", "assessment/_nomination_team.html", period=period, phases=phases,
                  page=page)


@bp.get("/360/progres")
@login_required
def progress():
    """Counts per employee and window: invited / answered / declined (never who) and the self-assessment."""
    user = current_user
    if not services.has_progress_scope(user):
        abort(403)
    today = local_today()
    period = period_services.current_period(today)
    phases = common.windows(period) if period else []
    phase = None
    wanted = request.args.get("jendela", type=int)
    if wanted is not None:
        phase = next((p for p in phases if p.id == wanted), None)
        if phase is None:
            abort(404)
    if phase is None and phases:
        opened = [p for p in phases if p.opens_on <= today]
        phase = max(opened, key=lambda p: (p.opens_on, p.id)) if opened else phases[0]
    unit = None
    units = []
    if user.can_read_all:
        units = list(db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.path)))
        unit_id = request.args.get("unit", type=int)
        if unit_id:
            unit = db.get_or_404(Unit, unit_id)
    page = services.progress_page(user, phase, unit=unit, number=page_number(),
                                  secret=current_app.config["SECRET_KEY"]) if phase else None
    return render("assessment/progress.html", "assessment/_nomination_progress.html", period=period,
                  phases=phases, phase=phase, page=page, units=units, unit=unit,
                  show_team_link=org_perms.is_assessor(user))
