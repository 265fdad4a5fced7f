"""Periods, phases, reopenings and the holiday calendar: queries and changes used by every area."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select

from portal.extensions import db
from portal.org.models import Employee, Unit
from portal.periods.models import Holiday, Period, PeriodPhase, PhaseReopening


def holidays_between(start: dt.date, end: dt.date) -> frozenset[dt.date]:
    """The non-working holiday dates in [start, end] (one query)."""
    rows = db.session.scalars(select(Holiday.date).where(Holiday.date >= start, Holiday.date <= end))
    return frozenset(rows)


def holidays_around(day: dt.date) -> frozenset[dt.date]:
    """Holidays of the year before, the year of and the year after ``day``: enough for any deadline here."""
    return holidays_between(dt.date(day.year - 1, 1, 1), dt.date(day.year + 1, 12, 31))


def period_for_year(year: int) -> Period | None:
    return db.session.scalar(select(Period).where(Period.year == year))


def current_period(today: dt.date) -> Period | None:
    """The active period whose year contains ``today``, else the latest active one that has started."""
    period = db.session.scalar(
        select(Period).where(Period.active.is_(True), Period.starts_on <= today, Period.ends_on >= today)
    )
    if period is None:
        period = db.session.scalar(
            select(Period).where(Period.active.is_(True), Period.starts_on <= today).order_by(Period.year.desc())
        )
    return period


def find_phase(period: Period, kind: str, seq: int = 0) -> PeriodPhase | None:
    return db.session.scalar(
        select(PeriodPhase).where(PeriodPhase.period_id == period.id, PeriodPhase.kind == kind,
                                  PeriodPhase.seq == seq)
    )


def reopening_for(phase: PeriodPhase, employee: Employee, today: dt.date) -> PhaseReopening | None:
    """A reopening of ``phase`` valid today for this employee or for a unit above them."""
    unit_ids = [*employee.unit.ancestor_ids, employee.unit_id] if employee.unit else [employee.unit_id]
    return db.session.scalar(
        select(PhaseReopening)
        .where(
            PhaseReopening.phase_id == phase.id,
            PhaseReopening.until >= today,
            or_(PhaseReopening.employee_id == employee.id, PhaseReopening.unit_id.in_(unit_ids)),
        )
        .order_by(PhaseReopening.until.desc())
        .limit(1)
    )


def phase_open_for(phase: PeriodPhase | None, employee: Employee, today: dt.date) -> bool:
    """Is the phase open for this employee today: inside its dates, or reopened for them (or their unit)?"""
    if phase is None:
        return False
    if phase.is_open_on(today):
        return True
    if today < phase.opens_on:
        return False
    return reopening_for(phase, employee, today) is not None


def unit_subtree_ids(unit: Unit) -> list[int]:
    return list(db.session.scalars(select(Unit.id).where(Unit.path.startswith(unit.path))))
