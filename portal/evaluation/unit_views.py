"""The unit: its Capaian Kinerja Organisasi per window, the predikat distribution against the expected pattern
(Monitoring Kurva), and calibration (the unit head reviews and sends back ratings before they are released); the
admin's distribution policy and the list of overdue work."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.core.errors import DomainError
from portal.core.htmx import invalid, redirect_to, render
from portal.core.ids import query_id
from portal.core.pagination import page_number
from portal.core.timeutil import local_today
from portal.evaluation import lists, rules
from portal.evaluation import services as services
from portal.evaluation.blueprint import bp
from portal.evaluation.forms import AchievementForm
from portal.evaluation.models import FINAL, UnitAchievement
from portal.evaluation.scoring_views import _distribution, _window
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.org.models import Unit
from portal.periods.models import PeriodPhase


def _units_for(user) -> list[Unit]:
    if user.can_read_all:
        return list(db.session.scalars(select(Unit).where(Unit.active.is_(True), Unit.parent_id.is_(None))
                                       .order_by(Unit.name)))
    return org_perms.headed_units(user)


def _unit_or_default(units: list[Unit]) -> Unit | None:
    if not request.args.get("unit"):
        return units[0] if units else None
    wanted = query_id("unit")
    if wanted is None:
        abort(404)
    unit = db.get_or_404(Unit, wanted)
    if not org_perms.unit_in_scope(current_user, unit):
        abort(403)
    return unit


def _context(unit: Unit, phase: PeriodPhase, windows, units, form=None) -> dict:
    achievement = services.achievements_for([unit], phase).get(unit.id)
    pattern = services.patterns().get(achievement.rating, ()) if achievement else ()
    distribution = _distribution(lists.unit_distribution(unit, phase), pattern)
    distribution["achievement"] = achievement
    own = db.session.scalar(select(UnitAchievement).where(UnitAchievement.unit_id == unit.id,
                                                          UnitAchievement.phase_id == phase.id))
    if form is None:
        form = AchievementForm(formdata=None, obj=own)
        form.version.data = own.version_id if own else ""
    status = request.args.get("status") if request.args.get("status") in (FINAL,) else None
    return dict(unit=unit, phase=phase, windows=windows, units=units, distribution=distribution,
                achievement=achievement, own=own, form=form,
                can_record=services.can_record_achievement(current_user, unit),
                page=lists.calibration_page(unit, phase, status=status, number=page_number()),
                status_counts=lists.unit_status_counts(unit, phase), status_filter=status)


@bp.get("/evaluasi/unit")
@login_required
def unit():
    units = _units_for(current_user)
    if not units:
        abort(403)
    chosen = _unit_or_default(units)
    today = local_today()
    windows = lists.windows_around(today)
    phase = _window(windows, today)
    if phase is None:
        return render("evaluation/unit.html", None, unit=chosen, phase=None, units=units, windows=windows)
    return render("evaluation/unit.html", "evaluation/_unit.html", **_context(chosen, phase, windows, units))


@bp.post("/evaluasi/unit/<int:unit_id>/<int:phase_id>/capaian")
@login_required
def record_achievement(unit_id: int, phase_id: int):
    unit = db.get_or_404(Unit, unit_id)
    phase = db.get_or_404(PeriodPhase, phase_id)
    if phase.kind not in lists.WINDOW_KINDS:
        abort(404)
    if not services.can_record_achievement(current_user, unit):
        abort(403)
    form = AchievementForm()
    windows = lists.windows_around(local_today())
    units = _units_for(current_user)
    if not form.validate():
        return invalid("evaluation/unit.html", "evaluation/_unit.html", **_context(unit, phase, windows, units, form))
    try:
        services.record_achievement(current_user, unit, phase, form.rating.data, form.basis.data,
                                    version=form.version.data)
    except DomainError as error:
        db.session.rollback()
        target = getattr(form, error.field, None) if error.field else None
        (target.errors.append if target is not None else form.form_errors.append)(error.message)
        return invalid("evaluation/unit.html", "evaluation/_unit.html", **_context(unit, phase, windows, units, form))
    db.session.commit()
    flash(gettext("Capaian Kinerja Organisasi dicatat."), "success")
    return redirect_to(url_for("evaluation.unit", unit=unit.id, jendela=phase.id))


@bp.route("/evaluasi/pola-distribusi", methods=["GET", "POST"])
@login_required
def patterns():
    """The expected pattern per unit rating (policy; the admin edits, the auditor reads)."""
    if not current_user.can_read_all:
        abort(403)
    services.seed_distribution_rules()
    db.session.commit()
    error = None
    if request.method == "POST":
        if not current_user.is_admin:
            abort(403)
        from portal.evaluation.forms import EmptyForm

        if not EmptyForm().validate():
            abort(400)
        rating = request.form.get("unit_rating", "")
        constraints = []
        for n in range(6):
            kind = request.form.get(f"kind-{n}", "")
            if not kind:
                continue
            predikats = tuple(p for p in request.form.getlist(f"predikat-{n}") if p)
            try:
                percent = int(request.form.get(f"percent-{n}", "0") or 0)
            except ValueError:
                percent = -1
            constraints.append(rules.Constraint(kind, predikats, percent))
        try:
            services.update_pattern(current_user, rating, constraints)
        except DomainError as exc:
            db.session.rollback()
            error = exc.message
        else:
            db.session.commit()
            flash(gettext("Pola distribusi disimpan."), "success")
            return redirect_to(url_for("evaluation.patterns"))
    return render("evaluation/patterns.html", None, status=422 if error else 200, error=error,
                  patterns=services.patterns(), kinds=rules.CONSTRAINT_KINDS, predikats=rules.PREDIKATS,
                  unit_ratings=rules.UNIT_RATINGS)


@bp.get("/evaluasi/terlambat")
@login_required
def overdue():
    """Overdue work for BKPSDM: ratings not finalised after the window closed, documents not acknowledged,
    appeals not decided in time."""
    if not current_user.can_read_all:
        abort(403)
    today = local_today()
    windows = lists.windows_around(today)
    closed = [w for w in windows if w.closes_on < today]
    phase = _window(windows, today) if request.args.get("jendela") else (closed[0] if closed else None)
    page = lists.not_finalised_page(phase, today, page_number()) if phase else None
    unack_total, unack = lists.unacknowledged_documents(today)
    appeal_total, late_appeals = lists.overdue_appeals(today)
    return render("evaluation/overdue.html", None, windows=windows, phase=phase, page=page, unack=unack,
                  unack_total=unack_total, late_appeals=late_appeals, appeal_total=appeal_total, today=today)


@bp.app_template_global("constraint_text")
def constraint_text(constraint: rules.Constraint) -> str:
    return services.constraint_text(constraint)
