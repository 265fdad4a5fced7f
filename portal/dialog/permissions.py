"""Who sees what of dialog sessions, coaching and counselling (issue 11). Views and templates call these; hiding is
never the check.

| who                         | session content | private note | coaching        | counselling                 |
|-----------------------------|-----------------|--------------|-----------------|-----------------------------|
| the employee                | yes             | never        | yes             | content                     |
| the assessor (of the pair)  | yes             | yes (own)    | yes             | exists + state (own referral)|
| the assessor's superior     | dates and state | no           | exists + state  | no                          |
| the unit head above         | dates and state | no           | exists + state  | exists + state              |
| Admin BKPSDM                | yes (read)      | no           | yes (read)      | exists + state              |
| auditor                     | yes (read)      | no           | yes (read)      | audit trail only            |
| the counsellor              | no              | no           | no              | content (own referrals)     |
"""

from __future__ import annotations

from sqlalchemy import exists

from portal.core.facts import Fact, holds
from portal.dialog.models import CoachingRecord, CounsellingReferral, Counsellor, DialogSession
from portal.dialog.rules import ASSESSOR, EMPLOYEE
from portal.org import permissions as org_perms
from portal.org.models import Employee

COUNSELLOR = Fact("counsellor", lambda employee: exists().where(Counsellor.employee_id == employee,
                                                                 Counsellor.active.is_(True)))
REFERRED = Fact("referred", lambda employee: exists().where(CounsellingReferral.employee_id == employee))


def is_counsellor(user) -> bool:
    """An active counsellor (konselor) appointed by BKPSDM."""
    return holds(getattr(user, "employee_id", None), COUNSELLOR.key)


def side_of(user, session: DialogSession) -> str | None:
    me = user.employee_id
    if me is None:
        return None
    if me == session.assessor_id:
        return ASSESSOR
    if me == session.employee_id:
        return EMPLOYEE
    return None


def _manages(user, employee: Employee) -> bool:
    """The assessor's superior or a unit head above the employee (oversight without content)."""
    if user.employee_id is None:
        return False
    assessor = employee.assessor
    if assessor is not None and assessor.superior_id == user.employee_id:
        return True
    return bool(org_perms.headed_units(user)) and org_perms.unit_in_scope(user, employee.unit)


def can_view_session(user, session: DialogSession) -> bool:
    return side_of(user, session) is not None or user.can_read_all


def can_see_session_exists(user, session: DialogSession) -> bool:
    return can_view_session(user, session) or _manages(user, session.employee)


def can_view_private_note(user, session: DialogSession) -> bool:
    """The assessor's private note: the assessor of the session alone (not the employee, not BKPSDM)."""
    return user.employee_id is not None and user.employee_id == session.assessor_id


def can_view_coaching(user, record: CoachingRecord) -> bool:
    me = user.employee_id
    if user.can_read_all:
        return True
    return me is not None and (me in (record.employee_id, record.coach_id, record.started_by_id)
                               or (record.employee.assessor is not None and record.employee.assessor.id == me))


def can_see_coaching_exists(user, record: CoachingRecord) -> bool:
    return can_view_coaching(user, record) or _manages(user, record.employee)


def can_view_counselling(user, referral: CounsellingReferral) -> bool:
    """The content: the counsellor and the employee only."""
    return user.employee_id is not None and user.employee_id in (referral.counsellor_id, referral.employee_id)


def can_see_referral_exists(user, referral: CounsellingReferral) -> bool:
    """That a referral exists and its state: also the referring assessor, the unit head above, Admin BKPSDM."""
    if can_view_counselling(user, referral) or getattr(user, "is_admin", False):
        return True
    if user.employee_id is None:
        return False
    if user.employee_id == referral.referred_by_id:
        return True
    return bool(org_perms.headed_units(user)) and org_perms.unit_in_scope(user, referral.employee.unit)


def can_open_counselling_list(user) -> bool:
    """The list of referrals: Admin BKPSDM, counsellors, assessors and unit heads (who may refer or know of
    referrals), and an employee who has been referred. Not the auditor (the audit trail is theirs) and not other
    employees: the menu entry alone would otherwise suggest something."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_admin", False):
        return True
    if user.employee_id is None:
        return False
    return (is_counsellor(user) or org_perms.is_assessor(user) or holds(user.employee_id, REFERRED.key)
            or bool(org_perms.headed_units(user)))
