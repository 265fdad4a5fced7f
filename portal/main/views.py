"""Dashboard per role and the language switch."""

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.core.htmx import render
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.org.models import Employee, Unit

bp = Blueprint("main", __name__)


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
        if org_perms.is_assessor(current_user):
            team_count = db.session.scalar(
                select(func.count(Employee.id)).where(
                    Employee.active.is_(True),
                    (Employee.superior_id == me.id) | (Employee.assessor_id == me.id),
                )
            )
            panels["team_count"] = team_count
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
