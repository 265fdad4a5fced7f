"""Who may see or change which part of the org chart. Used by views and templates alike."""

from __future__ import annotations

import datetime as dt

from flask import abort
from sqlalchemy import exists, or_, select

from portal.core import request_cache
from portal.core.facts import Fact, holds
from portal.extensions import db
from portal.org.models import ActingAssignment, Employee, Position, Unit


def _assessor_exists(employee):
    return exists().where(Employee.active.is_(True),
                          or_(Employee.superior_id == employee, Employee.assessor_id == employee))


ASSESSOR = Fact("assessor", _assessor_exists)


def is_assessor(user) -> bool:
    """Pejabat Penilai Kinerja: someone has this employee as direct superior or delegated assessor."""
    return holds(getattr(user, "employee_id", None), ASSESSOR.key)


def headed_units(user, today: dt.date | None = None) -> list[Unit]:
    """Units this user leads: through a head position, or as Plt/Plh of one today."""
    emp_id = getattr(user, "employee_id", None)
    if emp_id is None:
        return []
    today = today or dt.date.today()

    def compute() -> list[Unit]:
        own = select(Position.unit_id).join(Employee, Employee.position_id == Position.id).where(
            Employee.id == emp_id, Employee.active.is_(True), Position.is_head.is_(True)
        )
        acting = (
            select(Position.unit_id)
            .join(ActingAssignment, ActingAssignment.position_id == Position.id)
            .where(
                ActingAssignment.employee_id == emp_id,
                Position.is_head.is_(True),
                ActingAssignment.start_date <= today,
                or_(ActingAssignment.end_date.is_(None), ActingAssignment.end_date >= today),
            )
        )
        ids = {row[0] for row in db.session.execute(own.union(acting))}
        if not ids:
            return []
        return list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.depth)))

    return request_cache.cached(("headed_units", emp_id, today), compute)  # read again after a write


def headed_unit(user) -> Unit | None:
    units = headed_units(user)
    return units[0] if units else None


def unit_in_scope(user, unit: Unit) -> bool:
    """Admin/auditor see every unit; a head sees the units below the one they lead."""
    if user.can_read_all:
        return True
    return any(unit.path.startswith(head.path) for head in headed_units(user))


def can_view_employee(user, employee: Employee) -> bool:
    """Full personal details: the employee, their assessor and superior chain, the unit head, admin, auditor."""
    if user.can_read_all or user.employee_id == employee.id:
        return True
    if user.employee_id is None:
        return False
    if employee.assessor_id == user.employee_id:
        return True
    if unit_in_scope(user, employee.unit):
        return True
    # Walk up the reporting line (a handful of levels; cycles are refused on write, capped here anyway).
    current, seen = employee.superior, set()
    while current is not None and current.id not in seen and len(seen) < 20:
        if current.id == user.employee_id:
            return True
        seen.add(current.id)
        current = current.superior
    return False


def can_manage_org(user) -> bool:
    """Create, edit and deactivate units, positions, employees and reference data: Admin BKPSDM only."""
    return user.is_authenticated and user.is_admin


def get_employee_or_404(employee_id: int, user, *, for_edit: bool = False) -> Employee:
    employee = db.get_or_404(Employee, employee_id)
    allowed = can_manage_org(user) if for_edit else can_view_employee(user, employee)
    if not allowed:
        abort(403)
    return employee


def get_unit_or_404(unit_id: int, user, *, for_edit: bool = False) -> Unit:
    unit = db.get_or_404(Unit, unit_id)
    allowed = can_manage_org(user) if for_edit else unit_in_scope(user, unit)
    if not allowed:
        abort(403)
    return unit


def can_list_employees(user) -> bool:
    """The employee list: admin and auditor (all), a unit head (the units they lead)."""
    if not user.is_authenticated:
        return False
    return user.can_read_all or bool(headed_units(user))


def employee_scope_paths(user) -> list[str] | None:
    """Unit path prefixes the user may list employees from; None means every unit."""
    if user.can_read_all:
        return None
    return [unit.path for unit in headed_units(user)]


def can_view_org_chart(user) -> bool:
    """Names and positions are not secret: every signed-in user sees the org chart (no personal data on it)."""
    return user.is_authenticated


def get_acting_or_404(assignment_id: int, employee: Employee) -> ActingAssignment:
    assignment = db.session.get(ActingAssignment, assignment_id)
    if assignment is None or assignment.employee_id != employee.id:
        abort(404)
    return assignment
