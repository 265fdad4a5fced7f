"""Unit goals (sasaran unit): the first level of the cascade, entered by the head of the unit or the admin.

Services take the actor explicitly, flush, never commit, and write an audit row with every change.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.core import audit
from portal.core.errors import ConflictError, DomainError
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.org.models import Unit
from portal.periods.models import Period
from portal.skp.models import UnitGoal

MAX_TEXT = 1000


def can_manage_goals(user, unit: Unit) -> bool:
    """Admin BKPSDM, or the head (also Plt/Plh) of this very unit. Auditors never write."""
    if not user.is_authenticated or user.is_auditor:
        return False
    if user.is_admin:
        return True
    return any(head.id == unit.id for head in org_perms.headed_units(user))


def can_read_goals(user, unit: Unit) -> bool:
    return user.is_authenticated and (can_manage_goals(user, unit) or org_perms.unit_in_scope(user, unit))


def goals_query(unit: Unit, period: Period):
    """The goals of a unit for a period, active first, in their order."""
    return (
        select(UnitGoal)
        .where(UnitGoal.unit_id == unit.id, UnitGoal.period_id == period.id)
        .order_by(UnitGoal.active.desc(), UnitGoal.position, UnitGoal.id)
    )


def _clean(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(gettext("Sasaran unit wajib diisi."), field="text")
    if len(text) > MAX_TEXT:
        raise DomainError(gettext("Sasaran unit paling banyak %(max)d karakter.", max=MAX_TEXT), field="text")
    return text


def add_goal(actor, unit: Unit, period: Period, text: str) -> UnitGoal:
    text = _clean(text)
    last = db.session.scalar(
        select(func.max(UnitGoal.position)).where(UnitGoal.unit_id == unit.id, UnitGoal.period_id == period.id)
    )
    goal = UnitGoal(unit_id=unit.id, period_id=period.id, text=text, position=(last or 0) + 1, active=True)
    db.session.add(goal)
    db.session.flush()
    audit.record(actor, "unit_goal.create", goal,
                 summary=_l("Sasaran unit %(unit)s (%(year)s) ditambahkan", unit=unit.name, year=period.year),
                 changes={"text": [None, text[:160]]})
    return goal


def update_goal(actor, goal: UnitGoal, text: str) -> dict:
    text = _clean(text)
    changes = audit.diff(goal, ["text"], {"text": text})
    if changes:
        goal.text = text
        db.session.flush()
        audit.record(actor, "unit_goal.update", goal,
                     summary=_l("Sasaran unit %(unit)s diubah", unit=goal.unit.name), changes=changes)
    return changes


def deactivate_goal(actor, goal: UnitGoal) -> None:
    """A goal is never deleted (RHK may link to it): it is deactivated and no longer offered."""
    if not goal.active:  # deactivated a moment ago (another tab, the head and the admin at once)
        raise ConflictError(gettext("Sasaran unit ini sudah nonaktif. Tidak ada yang diubah."))
    goal.active = False
    db.session.flush()
    audit.record(actor, "unit_goal.deactivate", goal,
                 summary=_l("Sasaran unit %(unit)s dinonaktifkan", unit=goal.unit.name),
                 changes={"active": [True, False]})
