"""Who sees and changes competencies and development plans (issue 12). Views and templates call these; hiding a
button is never the check.

| who                         | plan, items, certificates, levels | changes                                           |
|-----------------------------|-----------------------------------|---------------------------------------------------|
| the employee                | own                               | self-assessment; the plan, its items, certificates |
| the Pejabat Penilai Kinerja | the reports'                      | rates competencies; approves/returns; cancels      |
| the unit head above         | the unit's (read)                 | standards of the unit's positions                 |
| Admin BKPSDM                | all (read)                        | dictionary, activity types, standards             |
| auditor                     | all (read)                        | nothing                                           |
| anyone else                 | 403 on an employee's pages; 404 on a plan, item or certificate id | -               |

The employee sees the assessor's levels once the assessment is final; the assessor sees the self-assessment once it
is submitted.
"""

from __future__ import annotations

from flask import abort

from portal.development.models import (
    CompetencyAssessment,
    DevelopmentCertificate,
    DevelopmentItem,
    DevelopmentPlan,
)
from portal.development.rules import ASSESSMENT_FINAL
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.org.models import Employee, Position, Unit


def is_self(user, employee: Employee) -> bool:
    return user.employee_id is not None and user.employee_id == employee.id


def is_assessor(user, employee: Employee) -> bool:
    """The employee's Pejabat Penilai Kinerja now (a delegate, else the direct superior)."""
    assessor = employee.assessor
    return user.employee_id is not None and assessor is not None and assessor.id == user.employee_id


def heads_above(user, employee: Employee) -> bool:
    return user.employee_id is not None and bool(org_perms.headed_units(user)) and \
        org_perms.unit_in_scope(user, employee.unit)


def can_view(user, employee: Employee) -> bool:
    """An employee's development plan, items, certificates, competency levels and JP record."""
    if not user.is_authenticated:
        return False
    if user.can_read_all or is_self(user, employee) or is_assessor(user, employee):
        return True
    return heads_above(user, employee)


def can_edit_plan(user, plan: DevelopmentPlan) -> bool:
    return user.employee_id is not None and user.employee_id == plan.employee_id


def can_decide_plan(user, plan: DevelopmentPlan) -> bool:
    return is_assessor(user, plan.employee)


def can_rate(user, employee: Employee) -> bool:
    return is_assessor(user, employee)


def can_self_assess(user, employee: Employee) -> bool:
    return is_self(user, employee)


def sees_self_levels(user, assessment: CompetencyAssessment | None) -> bool:
    """The employee's own levels: the employee always; others once submitted."""
    if assessment is None:
        return False
    return is_self(user, assessment.employee) or assessment.self_submitted_at is not None


def sees_assessed_levels(user, assessment: CompetencyAssessment | None) -> bool:
    """The assessor's levels: the assessor while rating; everyone who may see the plan once final."""
    if assessment is None:
        return False
    return assessment.status == ASSESSMENT_FINAL or is_assessor(user, assessment.employee)


def can_view_unit(user, unit: Unit) -> bool:
    """A unit's heat map and numbers: admin, auditor, and heads of the unit or of a unit above it."""
    return user.is_authenticated and (user.can_read_all or (bool(org_perms.headed_units(user))
                                                            and org_perms.unit_in_scope(user, unit)))


def reads_units(user) -> bool:
    return user.is_authenticated and (user.can_read_all or bool(org_perms.headed_units(user)))


def can_edit_standard(user, position: Position) -> bool:
    """Admin BKPSDM, or the head of the position's unit (or of a unit above it)."""
    if not user.is_authenticated or user.is_auditor:
        return False
    if user.is_admin:
        return True
    return bool(org_perms.headed_units(user)) and org_perms.unit_in_scope(user, position.unit)


def can_view_standard(user, position: Position) -> bool:
    return user.is_authenticated and (user.can_read_all or can_edit_standard(user, position))


# ---------------------------------------------------------------------------------------------------------
# Loaders: an id the user may not see is a 404 (its existence is not revealed)


def get_plan_or_404(plan_id: int, user) -> DevelopmentPlan:
    plan = db.session.get(DevelopmentPlan, plan_id)
    if plan is None or not can_view(user, plan.employee):
        abort(404)
    return plan


def get_item_or_404(item_id: int, user) -> DevelopmentItem:
    item = db.session.get(DevelopmentItem, item_id)
    if item is None or not can_view(user, item.employee):
        abort(404)
    return item


def get_certificate_or_404(certificate_id: int, user) -> DevelopmentCertificate:
    certificate = db.session.get(DevelopmentCertificate, certificate_id)
    if certificate is None or not can_view(user, certificate.item.employee):
        abort(404)
    return certificate


def get_employee_or_403(employee_id: int, user) -> Employee:
    """Employees are on the org chart (no secret): an employee's development pages are a 403 for outsiders."""
    employee = db.get_or_404(Employee, employee_id)
    if not can_view(user, employee):
        abort(403)
    return employee
