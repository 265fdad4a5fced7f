"""Evaluation entries of the menu: Hasil Evaluasi Saya (documents to acknowledge), Evaluasi Kinerja Tim (ratings
still to give), Keberatan (appeals to decide), the unit's distribution and calibration, and for BKPSDM the
distribution policy and the overdue list."""

from __future__ import annotations

from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from portal.core import navigation as nav
from portal.org import navigation as org_nav


def reads_unit(user) -> bool:
    return nav.reads_all(user) or org_nav.is_head(user)


def decides_appeals(user) -> bool:
    from portal.evaluation.appeals import can_open_appeals

    return can_open_appeals(user)


def waiting_documents(visit: nav.Visit) -> int:
    """Released documents not yet acknowledged, and explanations asked of me in an appeal."""
    from portal.evaluation.models import Evaluation, EvaluationDocument
    from portal.extensions import db

    if visit.employee_id is None:
        return 0
    documents = db.session.scalar(
        select(func.count(EvaluationDocument.id)).join(Evaluation, Evaluation.id == EvaluationDocument.evaluation_id)
        .where(Evaluation.employee_id == visit.employee_id, EvaluationDocument.received_on.is_(None),
               EvaluationDocument.superseded_at.is_(None))) or 0
    return documents


def waiting_ratings(visit: nav.Visit) -> int:
    """Reports without a finalised rating in the evaluation windows open today."""
    from portal.evaluation.models import DRAFT, RETURNED, Evaluation
    from portal.evaluation.services import reports_filter
    from portal.extensions import db
    from portal.org.models import Employee
    from portal.periods.models import PeriodPhase

    if visit.employee_id is None:
        return 0
    open_windows = select(PeriodPhase.id).where(PeriodPhase.kind.in_(("evaluasi_periodik", "evaluasi_tahunan")),
                                                PeriodPhase.opens_on <= visit.today,
                                                PeriodPhase.closes_on >= visit.today)
    rated = select(Evaluation.employee_id).where(Evaluation.phase_id.in_(open_windows),
                                                 Evaluation.status.not_in((DRAFT, RETURNED)))
    windows = db.session.scalar(select(func.count()).select_from(open_windows.subquery())) or 0
    if not windows:
        return 0
    return db.session.scalar(select(func.count(Employee.id)).where(
        reports_filter(visit.employee_id), Employee.id.not_in(rated))) or 0


def waiting_appeals(visit: nav.Visit) -> int:
    from portal.evaluation.models import APPEAL_FILED, Appeal, AppealStatement
    from portal.extensions import db

    conditions = []
    if visit.employee_id is not None:
        conditions.append(Appeal.decider_id == visit.employee_id)
    if getattr(visit.user, "is_admin", False):
        conditions.append(Appeal.decider_id.is_(None))
    decide = db.session.scalar(select(func.count(Appeal.id)).where(Appeal.status == APPEAL_FILED,
                                                                   or_(*conditions))) if conditions else 0
    answer = 0
    if visit.employee_id is not None:
        answer = db.session.scalar(select(func.count(AppealStatement.id)).join(Appeal).where(
            AppealStatement.employee_id == visit.employee_id, AppealStatement.answered_at.is_(None),
            Appeal.status == APPEAL_FILED)) or 0
    return (decide or 0) + answer


def register(state: BlueprintSetupState) -> None:
    nav.registry(state.app).add(
        nav.Entry("evaluation.mine", _l("Hasil Evaluasi Saya"), nav.MY_WORK, 50, nav.has_employee, waiting_documents),
        nav.Entry("evaluation.team", _l("Evaluasi Kinerja Tim"), nav.TEAM, 50, org_nav.is_assessor, waiting_ratings),
        nav.Entry("evaluation.appeals_index", _l("Keberatan"), nav.TEAM, 60, decides_appeals, waiting_appeals),
        nav.Entry("evaluation.unit", _l("Distribusi dan Kalibrasi"), nav.UNIT, 60, reads_unit),
        nav.Entry("evaluation.patterns", _l("Pola Distribusi"), nav.ADMIN, 15, nav.reads_all),
        nav.Entry("evaluation.overdue", _l("Evaluasi Terlambat"), nav.ADMIN, 16, nav.reads_all),
    )
