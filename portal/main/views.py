"""Dashboard per role and the language switch."""

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.assessment import rater_services, self_services
from portal.core.htmx import render
from portal.core.timeutil import local_today, utcnow
from portal.extensions import db
from portal.main import navigation
from portal.org import permissions as org_perms
from portal.org.models import Employee, Unit
from portal.periods import rules as period_rules
from portal.periods import services as period_services
from portal.periods.models import PHASE_PLANNING
from portal.skp import flow

bp = Blueprint("main", __name__)
bp.record_once(navigation.register)  # the menu entries of this area


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.dashboard")


@bp.post("/bahasa")
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(_safe_next(request.form.get("next")))


def _current_period():
    return period_services.current_period(local_today())


def _skp_panel(me: Employee, period) -> dict | None:
    """"SKP saya": the current period, my current SKP's state and my planning deadline (None: no period).

    The deadline is the one that holds for me: the phase's close, or, once it has passed, a reopening for me or
    my unit (periods.services.phase_open_for), so that the panel never says "closed" while the SKP page lets me
    submit."""
    if period is None:
        return None
    today = local_today()
    phase = period_services.find_phase(period, PHASE_PLANNING)
    panel = {"period": period, "skp": flow.current_skp_of(me.id, period),
             "deadline": phase.closes_on if phase else None, "days_left": None, "reopened": False}
    if phase is not None and today > phase.closes_on and period_services.phase_open_for(phase, me, today):
        reopening = period_services.reopening_for(phase, me, today)
        panel.update(deadline=reopening.until, reopened=True)
    if panel["deadline"] is not None and panel["deadline"] >= today:
        try:
            panel["days_left"] = period_rules.working_days_left(today, panel["deadline"],
                                                                period_services.holidays_around(today))
        except (TypeError, ValueError):  # a deadline is shown as a date anyway
            panel["days_left"] = None
    return panel


def _skp_team_panel(me: Employee, period) -> dict | None:
    """"SKP tim": how many SKP of my team are in each state (one query)."""
    if period is None:
        return None
    return {"period": period, "counts": flow.team_counts(me.id, period), "states": flow.TEAM_STATES}


def _assessment_panel(me: Employee, period) -> dict:
    """Open evaluation windows for my self-assessment, and 360 requests waiting for my answer."""
    today = local_today()
    return {
        "self_windows": self_services.pending_windows(me, period, today),
        "tasks": rater_services.open_task_count(current_app.config["SECRET_KEY"], me.id, today),
    }


@bp.get("/")
@login_required
def dashboard():
    panels: dict = {}
    if current_user.employee_id:
        me = db.session.get(
            Employee,
            current_user.employee_id,
            options=[selectinload(Employee.superior), selectinload(Employee.position), selectinload(Employee.unit)],
        )
        panels["me"] = me
        period = _current_period()
        if org_perms.is_assessor(current_user):
            panels["skp_team"] = _skp_team_panel(me, period)
            if panels["skp_team"] is not None:  # the team is the sum of its SKP states: no second count
                panels["team_count"] = sum(panels["skp_team"]["counts"].values())
            else:
                panels["team_count"] = db.session.scalar(
                    select(func.count(Employee.id)).where(
                        Employee.active.is_(True),
                        (Employee.superior_id == me.id) | (Employee.assessor_id == me.id),
                    )
                )
        panels["skp"] = _skp_panel(me, period)
        if period is not None:
            panels["assessment"] = _assessment_panel(me, period)
        from portal.dialog import services as dialog_services

        panels["dialog"] = dialog_services.upcoming_for(me.id, utcnow())
        head = org_perms.headed_unit(current_user)
        if head is not None:
            panels["head_unit"] = head
            panels["head_unit_count"] = db.session.scalar(
                select(func.count(Employee.id))
                .join(Unit, Unit.id == Employee.unit_id)
                .where(Employee.active.is_(True), Unit.path.startswith(head.path))
            )
    if current_user.can_read_all:
        panels["totals"] = {
            "employees": db.session.scalar(select(func.count(Employee.id)).where(Employee.active.is_(True))),
            "units": db.session.scalar(select(func.count(Unit.id)).where(Unit.active.is_(True))),
            "opd": db.session.scalar(
                select(func.count(Unit.id)).where(Unit.active.is_(True), Unit.parent_id.is_(None))
            ),
        }
    return render("main/dashboard.html", panels=panels)
