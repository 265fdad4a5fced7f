"""SKP entries of the menu: SKP Saya, SKP Tim (with the SKPs waiting for the assessor's decision), and for heads of
unit, BKPSDM and auditors the unit goals and the cascade."""

from __future__ import annotations

from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam

from portal.core import navigation as nav
from portal.org import navigation as org_nav
from portal.periods.navigation import current_period


def reads_unit(user) -> bool:
    """Sasaran Unit and Kaskade Kinerja open on the unit the user heads, or on any unit for admin and auditor."""
    return nav.reads_all(user) or org_nav.is_head(user)


@nav.prebuilt
def _submitted_query():
    from portal.skp import flow

    return flow.submitted_count_stmt(bindparam("skp_assessor"), bindparam("skp_period"))


def waiting_for_decision(visit: nav.Visit) -> nav.Count | int:
    period = current_period(visit)
    if period is None or visit.employee_id is None:
        return 0
    return nav.Count(_submitted_query(), {"skp_assessor": visit.employee_id, "skp_period": period.id})


def skp_home(skp) -> nav.Crumb | None:
    """The menu entry an SKP's pages sit under for the signed-in user: SKP Saya for its owner, SKP Tim for the
    assessor (and the assessor's superior), else where the employee is found (Pegawai, Tim Saya...)."""
    from flask_login import current_user

    from portal.skp import permissions

    if permissions.is_owner(current_user, skp):
        return nav.nav_crumb("skp.mine")
    if permissions.is_assessor(current_user, skp) or permissions.is_assessors_superior(current_user, skp):
        crumb = nav.nav_crumb("skp.team")
        if crumb is not None:
            return crumb
    return org_nav.employee_home(skp.employee)


def register(state: BlueprintSetupState) -> None:
    state.app.add_template_global(skp_home)
    nav.registry(state.app).add(
        nav.Entry("skp.mine", _l("SKP Saya"), nav.MY_WORK, 10, nav.has_employee),
        nav.Entry("skp.team", _l("SKP Tim"), nav.TEAM, 20, org_nav.is_assessor, waiting_for_decision),
        nav.Entry("skp.goals", _l("Sasaran Unit"), nav.UNIT, 30, reads_unit),
        nav.Entry("skp.cascade", _l("Kaskade Kinerja"), nav.UNIT, 40, reads_unit),
    )
