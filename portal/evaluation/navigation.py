"""Evaluation entries of the menu: Hasil Evaluasi Saya (documents to acknowledge), Evaluasi Kinerja Tim (ratings
still to give), Keberatan (appeals to decide), the unit's distribution and calibration, and for BKPSDM the
distribution policy and the overdue list."""

from __future__ import annotations

from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Integer, and_, bindparam, func, or_, select

from portal.core import facts
from portal.core import navigation as nav
from portal.org import navigation as org_nav


def reads_unit(user) -> bool:
    return nav.reads_all(user) or org_nav.is_head(user)


def decides_appeals(user) -> bool:
    from portal.evaluation.appeals import can_open_appeals

    return can_open_appeals(user)


def _unacknowledged_documents(employee):
    """Released documents not yet acknowledged."""
    from portal.evaluation.models import Evaluation, EvaluationDocument

    return (select(func.count(EvaluationDocument.id))
            .join(Evaluation, Evaluation.id == EvaluationDocument.evaluation_id)
            .where(Evaluation.employee_id == employee, EvaluationDocument.received_on.is_(None),
                   EvaluationDocument.superseded_at.is_(None)))


waiting_documents = nav.employee_count("ev_employee", _unacknowledged_documents)


@nav.prebuilt
def _ratings_query():
    from portal.evaluation.models import DRAFT, RETURNED, Evaluation
    from portal.evaluation.services import reports_filter
    from portal.org.models import Employee
    from portal.periods.models import PeriodPhase

    today = bindparam("ev_today", type_=Date)
    open_windows = select(PeriodPhase.id).where(PeriodPhase.kind.in_(("evaluasi_periodik", "evaluasi_tahunan")),
                                                PeriodPhase.opens_on <= today, PeriodPhase.closes_on >= today)
    rated = select(Evaluation.employee_id).where(Evaluation.phase_id.in_(open_windows),
                                                 Evaluation.status.not_in((DRAFT, RETURNED)))
    return select(func.count(Employee.id)).where(
        open_windows.exists(), reports_filter(bindparam("ev_assessor")), Employee.id.not_in(rated))


def waiting_ratings(visit: nav.Visit) -> nav.Count | int:
    """Reports without a finalised rating in the evaluation windows open today (none when no window is open)."""
    if visit.employee_id is None:
        return 0
    return nav.Count(_ratings_query(), {"ev_assessor": visit.employee_id, "ev_today": visit.today})


@nav.prebuilt
def _appeals_query():
    from portal.evaluation.models import APPEAL_FILED, Appeal, AppealStatement

    decider = bindparam("ev_decider")
    decide = select(func.count(Appeal.id)).where(
        Appeal.status == APPEAL_FILED,
        or_(Appeal.decider_id == decider,
            and_(bindparam("ev_admin", type_=Integer) == 1, Appeal.decider_id.is_(None))))
    answer = (select(func.count(AppealStatement.id)).join(Appeal, Appeal.id == AppealStatement.appeal_id)
              .where(AppealStatement.employee_id == decider, AppealStatement.answered_at.is_(None),
                     Appeal.status == APPEAL_FILED))
    return select(decide.scalar_subquery() + answer.scalar_subquery())


def waiting_appeals(visit: nav.Visit) -> nav.Count:
    """Appeals to decide (mine; for BKPSDM also those without a decider) and explanations asked of me."""
    return nav.Count(_appeals_query(), {"ev_decider": visit.employee_id,
                                        "ev_admin": 1 if getattr(visit.user, "is_admin", False) else 0})


def register(state: BlueprintSetupState) -> None:
    from portal.evaluation.appeals import APPEALED

    facts.register(state.app, APPEALED)
    nav.registry(state.app).add(
        nav.Entry("evaluation.mine", _l("Hasil Evaluasi Saya"), nav.MY_WORK, 50, nav.has_employee, waiting_documents),
        nav.Entry("evaluation.team", _l("Evaluasi Kinerja Tim"), nav.TEAM, 50, org_nav.is_assessor, waiting_ratings),
        nav.Entry("evaluation.appeals_index", _l("Keberatan"), nav.TEAM, 60, decides_appeals, waiting_appeals),
        nav.Entry("evaluation.unit", _l("Distribusi dan Kalibrasi"), nav.UNIT, 60, reads_unit),
        nav.Entry("evaluation.patterns", _l("Pola Distribusi"), nav.ADMIN, 15, nav.reads_all),
        nav.Entry("evaluation.overdue", _l("Evaluasi Terlambat"), nav.ADMIN, 16, nav.reads_all),
    )
