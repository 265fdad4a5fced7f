"""The lists of the evaluation: the assessor's team, the superior's queue of late cases, a unit's distribution and
calibration list, an employee's history, and what is overdue. Each loads a page in a fixed number of queries and
counts in SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from portal.core.pagination import Page
from portal.evaluation import rules
from portal.evaluation.models import (
    APPEAL_FILED,
    DRAFT,
    FINAL,
    RELEASED,
    RETURNED,
    Appeal,
    Evaluation,
    EvaluationDocument,
)
from portal.evaluation.services import reports_filter
from portal.extensions import db
from portal.org.models import Employee, Unit
from portal.periods import rules as period_rules
from portal.periods import services as period_services
from portal.periods.models import Period, PeriodPhase

WINDOW_KINDS = ("evaluasi_periodik", "evaluasi_tahunan")


def windows_around(today: dt.date) -> list[PeriodPhase]:
    """The evaluation windows of the current and the previous period (January is last year's annual
    evaluation), newest first."""
    periods = list(db.session.scalars(select(Period).where(Period.active.is_(True),
                                                           Period.year.in_([today.year, today.year - 1]))))
    if not periods:
        return []
    phases = db.session.scalars(select(PeriodPhase).where(
        PeriodPhase.period_id.in_([p.id for p in periods]), PeriodPhase.kind.in_(WINDOW_KINDS))
        .options(joinedload(PeriodPhase.period)))
    return sorted(phases, key=lambda p: (p.opens_on, p.id), reverse=True)


def default_window(windows: list[PeriodPhase], today: dt.date) -> PeriodPhase | None:
    """The window open today, else the latest one that has opened, else the first to come."""
    opened = [w for w in windows if w.opens_on <= today]
    current = [w for w in opened if w.closes_on >= today]
    if current:
        return max(current, key=lambda w: (w.opens_on, w.id))
    if opened:
        return max(opened, key=lambda w: (w.closes_on, w.id))
    return min(windows, key=lambda w: w.opens_on, default=None)


@dataclass
class Row:
    employee: Employee
    evaluation: Evaluation | None


def _page(stmt, number: int, per_page: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    number = min(max(1, number), max(1, -(-total // per_page)))
    rows = db.session.execute(stmt.limit(per_page).offset((number - 1) * per_page)).unique().all()
    return Page(items=[Row(e, ev) for e, ev in rows], number=number, per_page=per_page, total=total)


def _with_evaluation(where, phase: PeriodPhase):
    return (select(Employee, Evaluation)
            .outerjoin(Evaluation, and_(Evaluation.employee_id == Employee.id, Evaluation.phase_id == phase.id))
            .where(where)
            .options(joinedload(Employee.position), joinedload(Employee.unit))
            .order_by(Employee.nama, Employee.id))


def team_page(assessor_id: int, phase: PeriodPhase, number: int = 1, per_page: int = 25) -> Page:
    """The assessor's reports (direct and delegated) with their evaluation in the window."""
    return _page(_with_evaluation(reports_filter(assessor_id), phase), number, per_page)


def team_status_counts(assessor_id: int, phase: PeriodPhase) -> dict[str, int]:
    """How many reports are not started, in draft, final, released (one query)."""
    rows = db.session.execute(
        select(Evaluation.status, func.count()).select_from(Employee)
        .outerjoin(Evaluation, and_(Evaluation.employee_id == Employee.id, Evaluation.phase_id == phase.id))
        .where(reports_filter(assessor_id)).group_by(Evaluation.status)).all()
    counts = {"belum": 0, DRAFT: 0, RETURNED: 0, FINAL: 0, RELEASED: 0}
    for status, n in rows:
        counts["belum" if status is None else status] += n
    return counts


def superior_queue(superior_id: int, phase: PeriodPhase, today: dt.date, number: int = 1,
                   per_page: int = 25) -> Page:
    """Cases of the superior's direct reports' teams that the assessor did not finalise by the window's close:
    the superior rates them (DOMAIN.md section 3). Empty while the window is open."""
    if today <= phase.closes_on:
        return Page(items=[], number=1, per_page=per_page, total=0)
    assessor = aliased(Employee)
    mine = select(assessor.id).where(assessor.superior_id == superior_id, assessor.active.is_(True))
    where = and_(Employee.active.is_(True),
                 or_(Employee.assessor_id.in_(mine),
                     and_(Employee.assessor_id.is_(None), Employee.superior_id.in_(mine))),
                 or_(Evaluation.id.is_(None), Evaluation.status.in_((DRAFT, RETURNED))))
    return _page(_with_evaluation(where, phase), number, per_page)


def unit_distribution(unit: Unit, phase: PeriodPhase) -> dict[str, int]:
    """Predikat of the finalised and released evaluations of the unit and its sub-units (one query)."""
    rows = db.session.execute(
        select(Evaluation.predikat, func.count()).join(Unit, Unit.id == Evaluation.unit_id)
        .where(Evaluation.phase_id == phase.id, Evaluation.status.in_((FINAL, RELEASED)),
               Unit.path.startswith(unit.path)).group_by(Evaluation.predikat)).all()
    counts = dict.fromkeys(rules.PREDIKATS, 0)
    for predikat, n in rows:
        if predikat in counts:
            counts[predikat] = n
    return counts


def unit_status_counts(unit: Unit, phase: PeriodPhase) -> dict[str, int]:
    rows = db.session.execute(
        select(Evaluation.status, func.count()).select_from(Employee)
        .join(Unit, Unit.id == Employee.unit_id)
        .outerjoin(Evaluation, and_(Evaluation.employee_id == Employee.id, Evaluation.phase_id == phase.id))
        .where(Employee.active.is_(True), Unit.path.startswith(unit.path)).group_by(Evaluation.status)).all()
    counts = {"belum": 0, DRAFT: 0, RETURNED: 0, FINAL: 0, RELEASED: 0}
    for status, n in rows:
        counts["belum" if status is None else status] += n
    return counts


def calibration_page(unit: Unit, phase: PeriodPhase, *, status: str | None = None, number: int = 1,
                     per_page: int = 25) -> Page:
    """The unit's evaluations in the window for calibration: finalised ones first (they can still be sent back)."""
    stmt = (select(Employee, Evaluation).join(Evaluation, Evaluation.employee_id == Employee.id)
            .join(Unit, Unit.id == Evaluation.unit_id)
            .where(Evaluation.phase_id == phase.id, Unit.path.startswith(unit.path))
            .options(joinedload(Employee.position), joinedload(Employee.unit),
                     joinedload(Evaluation.rated_by))
            .order_by((Evaluation.status != FINAL), Employee.nama, Employee.id))
    if status:
        stmt = stmt.where(Evaluation.status == status)
    return _page(stmt, number, per_page)


def history(employee: Employee, *, released_only: bool) -> list[Evaluation]:
    """Every window's evaluation of the employee across years, newest first (the employee sees released ones)."""
    stmt = (select(Evaluation).where(Evaluation.employee_id == employee.id)
            .join(PeriodPhase, PeriodPhase.id == Evaluation.phase_id)
            .options(joinedload(Evaluation.phase).joinedload(PeriodPhase.period),
                     joinedload(Evaluation.documents))
            .order_by(PeriodPhase.opens_on.desc()))
    if released_only:
        stmt = stmt.where(Evaluation.status == RELEASED)
    return list(db.session.scalars(stmt).unique())


# ---------------------------------------------------------------------------------------------------------
# Overdue work (Admin BKPSDM)


def _working_days_before(today: dt.date, days: int) -> dt.date:
    holidays = period_services.holidays_between(today - dt.timedelta(days=days * 3 + 30), today)
    day, left = today, days
    while left:
        day -= dt.timedelta(days=1)
        if period_rules.is_working_day(day, holidays):
            left -= 1
    return day


def not_finalised_page(phase: PeriodPhase, today: dt.date, number: int = 1, per_page: int = 25) -> Page:
    """Active employees with a Pejabat Penilai Kinerja and no finalised evaluation after the window closed."""
    if today <= phase.closes_on:
        return Page(items=[], number=1, per_page=per_page, total=0)
    where = and_(Employee.active.is_(True), or_(Employee.assessor_id.is_not(None), Employee.superior_id.is_not(None)),
                 or_(Evaluation.id.is_(None), Evaluation.status.in_((DRAFT, RETURNED))))
    return _page(_with_evaluation(where, phase), number, per_page)


def unacknowledged_documents(today: dt.date, limit: int = 50) -> tuple[int, list[EvaluationDocument]]:
    """Current documents not confirmed as received 14 working days after signing."""
    cutoff = _working_days_before(today, rules.DELIVERY_WORKING_DAYS)
    where = and_(EvaluationDocument.received_on.is_(None), EvaluationDocument.superseded_at.is_(None),
                 EvaluationDocument.signed_on < cutoff)
    total = db.session.scalar(select(func.count(EvaluationDocument.id)).where(where)) or 0
    items = list(db.session.scalars(select(EvaluationDocument).where(where)
                                    .options(joinedload(EvaluationDocument.evaluation).joinedload(Evaluation.employee),
                                             joinedload(EvaluationDocument.evaluation).joinedload(Evaluation.phase))
                                    .order_by(EvaluationDocument.signed_on).limit(limit)))
    return total, items


def overdue_appeals(today: dt.date, limit: int = 50) -> tuple[int, list[Appeal]]:
    """Appeals still open 7 working days after filing."""
    cutoff = _working_days_before(today, rules.DECISION_WORKING_DAYS)
    where = and_(Appeal.status == APPEAL_FILED, Appeal.filed_on < cutoff)
    total = db.session.scalar(select(func.count(Appeal.id)).where(where)) or 0
    items = list(db.session.scalars(select(Appeal).where(where).options(
        joinedload(Appeal.employee), joinedload(Appeal.decider)).order_by(Appeal.filed_on).limit(limit)))
    return total, items


def decider_queue(employee_id: int | None, *, admin: bool) -> list[Appeal]:
    """Open appeals this person decides (Admin BKPSDM also those without a decider)."""
    conditions = []
    if employee_id is not None:
        conditions.append(Appeal.decider_id == employee_id)
    if admin:
        conditions.append(Appeal.decider_id.is_(None))
    if not conditions:
        return []
    return list(db.session.scalars(select(Appeal).where(Appeal.status == APPEAL_FILED, or_(*conditions))
                                   .options(joinedload(Appeal.employee),
                                            joinedload(Appeal.evaluation).joinedload(Evaluation.phase))
                                   .order_by(Appeal.filed_on)))
