"""Who may see, edit and decide an SKP. Views and templates use the same predicates; loaders return 404/403.

- the Pegawai yang Dinilai sees and edits their own draft/returned SKP;
- the Pejabat Penilai Kinerja (the SKP's assessor) sees it and approves or returns it, and writes the
  Ekspektasi Khusus Pimpinan;
- the Atasan Pejabat Penilai Kinerja may decide instead when the assessor is absent or late (rules.superior_may_act);
- everyone above in the reporting chain, the head of a unit above, admin BKPSDM and auditors may read it;
- nobody else.
"""

from __future__ import annotations

import datetime as dt

from flask import abort

from portal.extensions import db
from portal.org import permissions as org_perms
from portal.periods import services as period_services
from portal.periods.models import PHASE_PLANNING
from portal.skp import rules
from portal.skp.models import STATUS_SUBMITTED, Skp


def is_owner(user, skp: Skp) -> bool:
    return user.employee_id is not None and user.employee_id == skp.employee_id


def is_assessor(user, skp: Skp) -> bool:
    return user.employee_id is not None and user.employee_id == _assessor_id(skp)


def _assessor_id(skp: Skp) -> int | None:
    """The assessor recorded on the SKP, else the employee's current assessor from the org chart."""
    if skp.assessor_id is not None:
        return skp.assessor_id
    assessor = skp.employee.assessor
    return assessor.id if assessor else None


def is_assessors_superior(user, skp: Skp) -> bool:
    assessor = skp.assessor or skp.employee.assessor
    return (user.employee_id is not None and assessor is not None
            and assessor.superior_id == user.employee_id)


def can_view_skp(user, skp: Skp) -> bool:
    if not user.is_authenticated:
        return False
    if user.can_read_all or is_owner(user, skp) or is_assessor(user, skp):
        return True
    return org_perms.can_view_employee(user, skp.employee)


def can_edit_skp(user, skp: Skp, today: dt.date | None = None) -> bool:
    """The owner edits a current draft/returned version while planning is open for them (or reopened)."""
    if not (is_owner(user, skp) and skp.is_current and rules.is_editable(skp.status)):
        return False
    return planning_open(skp, today or dt.date.today())


def planning_open(skp: Skp, today: dt.date) -> bool:
    """Planning is open for the SKP's owner; a revision (version > 1) may be drafted all year."""
    if skp.number > 1:
        return today <= skp.period.ends_on
    phase = period_services.find_phase(skp.period, PHASE_PLANNING)
    if phase is None:  # a period without a planning window: planning is open during the whole year
        return skp.period.starts_on - dt.timedelta(days=62) <= today <= skp.period.ends_on
    if today < phase.opens_on:
        return False
    if today <= phase.closes_on:
        return True
    return period_services.phase_open_for(phase, skp.employee, today)


def superior_acting(user, skp: Skp, today: dt.date) -> bool:
    """The user is the assessor's superior and may act now because the assessor is absent or late."""
    if not is_assessors_superior(user, skp) or skp.status != STATUS_SUBMITTED:
        return False
    assessor = skp.assessor or skp.employee.assessor
    phase = period_services.find_phase(skp.period, PHASE_PLANNING)
    return rules.superior_may_act(
        assessor_present=assessor is not None and assessor.active,
        submitted_on=skp.submitted_at.date() if skp.submitted_at else None,
        today=today,
        planning_closes_on=phase.closes_on if phase else None,
        holidays=period_services.holidays_around(today),
    )


def can_decide_skp(user, skp: Skp, today: dt.date | None = None) -> bool:
    """Approve or return: the assessor, or the assessor's superior when the assessor is absent or late."""
    if skp.status != STATUS_SUBMITTED or not skp.is_current:
        return False
    if is_assessor(user, skp):
        return True
    return superior_acting(user, skp, today or dt.date.today())


def can_write_expectations(user, skp: Skp) -> bool:
    """Ekspektasi Khusus Pimpinan: the assessor, while the version is not yet approved."""
    open_for_writing = rules.is_editable(skp.status) or skp.status == STATUS_SUBMITTED
    return skp.is_current and open_for_writing and is_assessor(user, skp)


def get_skp_or_404(skp_id: int, user) -> Skp:
    skp = db.get_or_404(Skp, skp_id)
    if not can_view_skp(user, skp):
        abort(403)
    return skp
