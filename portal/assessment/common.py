"""Shared pieces of the assessment area: settings, questionnaire items, windows, and who may do what."""

from __future__ import annotations

import datetime as dt

from flask import abort
from sqlalchemy import select

from portal.assessment.models import AssessmentSetting, QuestionnaireItem
from portal.assessment.rules import NominationLimits
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.org.models import Employee
from portal.periods import services as period_services
from portal.periods.models import PHASE_ANNUAL, PHASE_PERIODIC, Period, PeriodPhase
from portal.skp.berakhlak import BERAKHLAK

WINDOW_KINDS = (PHASE_PERIODIC, PHASE_ANNUAL)


def settings_for(period: Period) -> AssessmentSetting:
    """The period's 360 settings, created with the policy defaults on first use (the caller commits)."""
    setting = db.session.scalar(select(AssessmentSetting).where(AssessmentSetting.period_id == period.id))
    if setting is None:
        setting = AssessmentSetting(period_id=period.id)
        db.session.add(setting)
        db.session.flush()
    return setting


def limits_for(period: Period) -> NominationLimits:
    s = settings_for(period)
    return NominationLimits(threshold=s.anonymity_threshold, peer_min=s.peer_min, peer_max=s.peer_max,
                            subordinate_max=s.subordinate_max, superior_max=s.superior_max, other_max=s.other_max)


def ensure_items(period: Period) -> list[QuestionnaireItem]:
    """The period's questionnaire: one item per BerAKHLAK behaviour guide, seeded from portal.skp.berakhlak on
    first use (the admin may edit the wording before a window opens)."""
    items = list(db.session.scalars(
        select(QuestionnaireItem).where(QuestionnaireItem.period_id == period.id).order_by(QuestionnaireItem.position)))
    if items:
        return items
    position = 0
    for value in BERAKHLAK:
        for index, guide in enumerate(value.guides):
            items.append(QuestionnaireItem(period_id=period.id, value_code=value.code, guide_index=index, text=guide,
                                           position=position))
            position += 1
    db.session.add_all(items)
    db.session.flush()
    return items


def windows(period: Period) -> list[PeriodPhase]:
    """The evaluation windows of a period (periodic ones in order, then the annual one)."""
    phases = [p for p in period_services.phases_of(period) if p.kind in WINDOW_KINDS]
    return sorted(phases, key=lambda p: (p.kind != PHASE_PERIODIC, p.seq))


def window_open_for(phase: PeriodPhase, employee: Employee, today: dt.date) -> bool:
    return phase.kind in WINDOW_KINDS and period_services.phase_open_for(phase, employee, today)


def get_window_or_404(phase_id: int) -> PeriodPhase:
    phase = db.session.get(PeriodPhase, phase_id)
    if phase is None or phase.kind not in WINDOW_KINDS:
        abort(404)
    return phase


def is_assessor_of(user, subject: Employee) -> bool:
    """The Pejabat Penilai Kinerja of the subject (delegated assessor or direct superior)."""
    assessor = subject.assessor
    return user.employee_id is not None and assessor is not None and assessor.id == user.employee_id


def can_manage_nominations(user, subject: Employee) -> bool:
    """Nominate, approve, replace raters: the subject's assessor."""
    return is_assessor_of(user, subject)


def can_view_progress(user, subject: Employee) -> bool:
    """Counts only (invited / answered / declined): the assessor, the unit head above, admin, auditor."""
    if user.can_read_all or is_assessor_of(user, subject):
        return True
    return user.employee_id is not None and org_perms.unit_in_scope(user, subject.unit)


def can_view_results(user, subject: Employee) -> bool:
    """The results page: the employee, the assessor, admin BKPSDM and auditors (DOMAIN.md section 1: everything
    except anonymous authorship). Not colleagues. What it shows is the window's release (portal.assessment.release):
    nothing before the window has closed for the employee, for anyone alike."""
    if user.can_read_all or is_assessor_of(user, subject):
        return True
    return user.employee_id is not None and user.employee_id == subject.id
