"""Self-assessment and 360 entries of the menu, with what waits for the person: self-assessments to fill in,
360 requests to answer, raters proposed by the assessor's reports to decide on.

Progres 360 is open to BKPSDM, auditors, heads of unit and assessors (nomination_services.has_progress_scope): it
sits under Unit, and under Tim Saya for an assessor who leads no unit.
"""

from __future__ import annotations

from flask import current_app
from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam

from portal.core import navigation as nav
from portal.org import navigation as org_nav
from portal.periods.navigation import current_period


def unit_progress(user) -> bool:
    return nav.reads_all(user) or org_nav.is_head(user)


def team_progress(user) -> bool:
    return org_nav.is_assessor(user) and not unit_progress(user)


@nav.prebuilt
def _self_assessments_query():
    from portal.assessment import self_services

    return self_services.pending_count_stmt(bindparam("assessment_employee"), bindparam("assessment_period"),
                                            bindparam("assessment_today"))


def waiting_self_assessments(visit: nav.Visit) -> nav.Count | int:
    period = current_period(visit)
    if period is None or visit.employee_id is None:
        return 0
    return nav.Count(_self_assessments_query(), {"assessment_employee": visit.employee_id,
                                                 "assessment_period": period.id, "assessment_today": visit.today})


def waiting_tasks(visit: nav.Visit) -> int:
    from portal.assessment import rater_services

    if visit.employee_id is None:
        return 0
    return rater_services.open_task_count(current_app.config["SECRET_KEY"], visit.employee_id, visit.today)


@nav.prebuilt
def _proposals_query():
    from portal.assessment import nomination_services

    return nomination_services.proposals_waiting_count_stmt(bindparam("assessment_assessor"),
                                                            bindparam("assessment_today"))


def waiting_proposals(visit: nav.Visit) -> nav.Count | int:
    if visit.employee_id is None:
        return 0
    return nav.Count(_proposals_query(), {"assessment_assessor": visit.employee_id, "assessment_today": visit.today})


def assessment_home(subject) -> nav.Crumb | None:
    """The menu entry the 360 pages of an employee sit under: Penilaian Diri for the employee, Umpan Balik 360 Tim
    for the assessor, Progres 360 for the unit's head, BKPSDM and auditors."""
    from flask_login import current_user

    from portal.assessment import common

    if current_user.employee_id is not None and current_user.employee_id == subject.id:
        return nav.nav_crumb("assessment.self_index")
    if common.is_assessor_of(current_user, subject):
        return nav.nav_crumb("assessment.team")
    return nav.nav_crumb("assessment.progress")


def register(state: BlueprintSetupState) -> None:
    state.app.add_template_global(assessment_home)
    nav.registry(state.app).add(
        nav.Entry("assessment.self_index", _l("Penilaian Diri"), nav.MY_WORK, 30, nav.has_employee,
                  waiting_self_assessments),
        nav.Entry("assessment.tasks", _l("Permintaan Umpan Balik 360"), nav.MY_WORK, 40, nav.has_employee,
                  waiting_tasks),
        nav.Entry("assessment.team", _l("Umpan Balik 360 Tim"), nav.TEAM, 30, org_nav.is_assessor,
                  waiting_proposals),
        nav.Entry("assessment.progress", _l("Progres 360"), nav.TEAM, 40, team_progress),
        nav.Entry("assessment.progress", _l("Progres 360"), nav.UNIT, 50, unit_progress),
    )
