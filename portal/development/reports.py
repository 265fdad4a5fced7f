"""Counting development across people, in SQL (a fixed number of statements whatever the size of the unit): the
unit's competency heat map (competency x gap size, with the people behind each cell), the share of staff on track
for 20 JP and the most requested competencies, the assessor's team, the regency's training needs for BKPSDM, and an
employee's JP record. The JP arithmetic is rules.jp_totals, written once more as SQL here; a test holds the two
together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import case, distinct, func, or_, select
from sqlalchemy.orm import joinedload

from portal.core.pagination import Page, paginate
from portal.development import rules
from portal.development.models import (
    ActivityType,
    Competency,
    CompetencyAssessment,
    CompetencyRating,
    DevelopmentItem,
    DevelopmentPlan,
)
from portal.extensions import db
from portal.org.models import Employee, Unit

OPEN_COMMITTED = (rules.APPROVED, rules.RUNNING)


def _in_unit(stmt, unit: Unit | None):
    """Active employees of the unit and the units below it (None: the whole regency); ``stmt`` selects from
    Employee already."""
    stmt = stmt.where(Employee.active.is_(True))
    if unit is not None:
        stmt = stmt.join(Unit, Unit.id == Employee.unit_id).where(Unit.path.startswith(unit.path))
    return stmt


def done_subquery(year: int):
    """JP done per employee in the year: completed items counted in the year they were completed."""
    return (select(DevelopmentItem.employee_id.label("employee_id"),
                   func.sum(func.coalesce(DevelopmentItem.actual_jp, 0)).label("done"))
            .where(DevelopmentItem.status == rules.DONE,
                   DevelopmentItem.completed_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
            .group_by(DevelopmentItem.employee_id).subquery())


def committed_subquery(year: int):
    """JP approved (or running) in the year's plan, without items carried to a later plan."""
    return (select(DevelopmentItem.employee_id.label("employee_id"),
                   func.sum(DevelopmentItem.planned_jp).label("committed"))
            .where(DevelopmentItem.year == year, DevelopmentItem.status.in_(OPEN_COMMITTED),
                   DevelopmentItem.carried_to_id.is_(None))
            .group_by(DevelopmentItem.employee_id).subquery())


# ---------------------------------------------------------------------------------------------------------
# A unit: JP on track, plans, the most requested competencies, the heat map


@dataclass
class UnitSummary:
    staff: int
    on_track: int  # done + approved reach 20 JP
    reached: int  # done alone reaches 20 JP
    plans: dict[str, int]  # plans of the year by state
    top: list[tuple[Competency, int]]  # most requested competencies: (competency, people)
    target: int = rules.TARGET_JP

    @property
    def on_track_percent(self) -> int:
        return round(100 * self.on_track / self.staff) if self.staff else 0

    @property
    def reached_percent(self) -> int:
        return round(100 * self.reached / self.staff) if self.staff else 0

    @property
    def with_plan(self) -> int:
        return sum(self.plans.values())


def unit_summary(unit: Unit | None, year: int, top: int = 5) -> UnitSummary:
    done, committed = done_subquery(year), committed_subquery(year)
    total = func.coalesce(done.c.done, 0) + func.coalesce(committed.c.committed, 0)
    stmt = _in_unit(select(
        func.count(Employee.id),
        func.coalesce(func.sum(case((total >= rules.TARGET_JP, 1), else_=0)), 0),
        func.coalesce(func.sum(case((func.coalesce(done.c.done, 0) >= rules.TARGET_JP, 1), else_=0)), 0))
        .select_from(Employee)
        .outerjoin(done, done.c.employee_id == Employee.id)
        .outerjoin(committed, committed.c.employee_id == Employee.id), unit)
    staff, on_track, reached = db.session.execute(stmt).one()
    plans = dict(db.session.execute(_in_unit(
        select(DevelopmentPlan.status, func.count(DevelopmentPlan.id))
        .select_from(Employee).join(DevelopmentPlan, DevelopmentPlan.employee_id == Employee.id)
        .where(DevelopmentPlan.year == year), unit).group_by(DevelopmentPlan.status)).all())
    people = func.count(distinct(DevelopmentItem.employee_id))
    ranked = db.session.execute(_in_unit(
        select(Competency, people.label("people")).select_from(Employee)
        .join(DevelopmentItem, DevelopmentItem.employee_id == Employee.id)
        .join(Competency, Competency.id == DevelopmentItem.competency_id)
        .where(DevelopmentItem.year == year, DevelopmentItem.status != rules.CANCELLED,
               DevelopmentItem.carried_to_id.is_(None)), unit)
        .group_by(Competency.id).order_by(people.desc(), Competency.name).limit(top)).all()
    return UnitSummary(staff or 0, int(on_track or 0), int(reached or 0), plans, [(c, n) for c, n in ranked])


def _bucket():
    return case((CompetencyRating.gap <= 0, 0), (CompetencyRating.gap >= rules.GAP_BUCKETS[-1],
                                                 rules.GAP_BUCKETS[-1]), else_=CompetencyRating.gap)


def _bucket_filter(bucket: int):
    if bucket == 0:
        return CompetencyRating.gap <= 0
    if bucket >= rules.GAP_BUCKETS[-1]:
        return CompetencyRating.gap >= rules.GAP_BUCKETS[-1]
    return CompetencyRating.gap == bucket


@dataclass
class HeatRow:
    competency: Competency
    cells: dict[int, int]  # gap bucket -> people

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    @property
    def below_two(self) -> int:
        """People two levels or more below the standard."""
        return sum(n for b, n in self.cells.items() if b >= rules.SUGGEST_GAP)


@dataclass
class HeatMap:
    rows: list[HeatRow] = field(default_factory=list)

    @property
    def people(self) -> int:
        return max((r.total for r in self.rows), default=0)

    @property
    def peak(self) -> int:
        return max((n for r in self.rows for b, n in r.cells.items() if b > 0), default=0)


def _final_ratings(stmt, unit: Unit | None, year: int):
    stmt = (stmt.select_from(CompetencyRating)
            .join(CompetencyAssessment, CompetencyAssessment.id == CompetencyRating.assessment_id)
            .join(Employee, Employee.id == CompetencyAssessment.employee_id)
            .where(CompetencyAssessment.year == year, CompetencyAssessment.status == rules.ASSESSMENT_FINAL,
                   CompetencyRating.gap.is_not(None)))
    return _in_unit(stmt, unit)


def heat_map(unit: Unit | None, year: int) -> HeatMap:
    """Per competency of the dictionary, how many people of the unit are at each gap size (final assessments of
    the year, frozen gaps): one grouped count, then the dictionary."""
    bucket = _bucket().label("bucket")
    counts = db.session.execute(_final_ratings(
        select(CompetencyRating.competency_id, bucket, func.count(CompetencyRating.id)), unit, year)
        .group_by(CompetencyRating.competency_id, bucket)).all()
    if not counts:
        return HeatMap()
    cells: dict[int, dict[int, int]] = {}
    for competency_id, b, n in counts:
        cells.setdefault(competency_id, dict.fromkeys(rules.GAP_BUCKETS, 0))[int(b)] += n
    competencies = db.session.scalars(select(Competency).where(Competency.id.in_(cells))
                                      .order_by(Competency.kind, Competency.position, Competency.name))
    return HeatMap([HeatRow(c, cells[c.id]) for c in competencies])


def heat_people(unit: Unit | None, year: int, competency_id: int, bucket: int, number: int,
                per_page: int = 25) -> Page:
    """The people behind one cell of the heat map, the largest gap first."""
    stmt = _final_ratings(select(CompetencyRating), unit, year).where(
        CompetencyRating.competency_id == competency_id, _bucket_filter(bucket)).options(
        joinedload(CompetencyRating.assessment).joinedload(CompetencyAssessment.employee)
        .joinedload(Employee.position),
        joinedload(CompetencyRating.assessment).joinedload(CompetencyAssessment.employee).joinedload(Employee.unit),
    ).order_by(CompetencyRating.gap.desc(), Employee.nama, Employee.id)
    return paginate(stmt, number, per_page)


# ---------------------------------------------------------------------------------------------------------
# The assessor's team


@dataclass
class TeamRow:
    employee: Employee
    plan: DevelopmentPlan | None
    assessment: CompetencyAssessment | None
    done: int
    committed: int
    priority: bool
    target: int = rules.TARGET_JP

    @property
    def on_track(self) -> bool:
        return self.done + self.committed >= self.target

    @property
    def bar_value(self) -> int:
        return min(self.done, self.target)


def team_page(assessor_id: int, year: int, number: int, per_page: int = 25) -> tuple[Page, list[TeamRow]]:
    """The assessor's reports with their plan, assessment, JP and priority flag: five statements per page."""
    from portal.evaluation.models import FINAL, RELEASED, Evaluation
    from portal.evaluation.services import reports_filter
    from portal.periods.models import PeriodPhase

    page = paginate(select(Employee).where(reports_filter(assessor_id))
                    .options(joinedload(Employee.position), joinedload(Employee.unit))
                    .order_by(Employee.nama, Employee.id), number, per_page)
    ids = [e.id for e in page.items]
    if not ids:
        return page, []
    plans = {p.employee_id: p for p in db.session.scalars(
        select(DevelopmentPlan).where(DevelopmentPlan.employee_id.in_(ids), DevelopmentPlan.year == year))}
    assessments = {a.employee_id: a for a in db.session.scalars(
        select(CompetencyAssessment).where(CompetencyAssessment.employee_id.in_(ids),
                                           CompetencyAssessment.year == year))}
    done, committed = done_subquery(year), committed_subquery(year)
    jp = {row[0]: (int(row[1] or 0), int(row[2] or 0)) for row in db.session.execute(
        select(Employee.id, done.c.done, committed.c.committed)
        .outerjoin(done, done.c.employee_id == Employee.id)
        .outerjoin(committed, committed.c.employee_id == Employee.id).where(Employee.id.in_(ids)))}
    latest: dict[int, str | None] = {}
    for employee_id, predikat in db.session.execute(
            select(Evaluation.employee_id, Evaluation.predikat)
            .join(PeriodPhase, PeriodPhase.id == Evaluation.phase_id)
            .where(Evaluation.employee_id.in_(ids), Evaluation.status.in_((FINAL, RELEASED)))
            .order_by(PeriodPhase.closes_on.desc(), Evaluation.id.desc())):
        latest.setdefault(employee_id, predikat)
    rows = [TeamRow(e, plans.get(e.id), assessments.get(e.id), *jp.get(e.id, (0, 0)),
                    priority=rules.is_development_priority(latest.get(e.id))) for e in page.items]
    return page, rows


def waiting_plans_stmt(assessor_id):
    """Plans submitted to this assessor, waiting for a decision (the menu's count)."""
    return select(func.count(DevelopmentPlan.id)).where(DevelopmentPlan.status == rules.PLAN_SUBMITTED,
                                                        DevelopmentPlan.assessor_id == assessor_id)


def returned_plans_stmt(employee_id):
    return select(func.count(DevelopmentPlan.id)).where(DevelopmentPlan.status == rules.PLAN_RETURNED,
                                                        DevelopmentPlan.employee_id == employee_id)


# ---------------------------------------------------------------------------------------------------------
# The regency's training needs (BKPSDM)


@dataclass
class NeedRow:
    competency_id: int | None
    competency: str | None
    competency_kind: str | None
    addresses: str
    activity_type_id: int
    activity: str
    mode: str
    people: int
    items: int
    approved: int  # items approved, running or done
    planned_jp: int
    cost: int
    units: list[str] = field(default_factory=list)  # the OPD the people work in


def _needs_stmt(year: int):
    people = func.count(distinct(DevelopmentItem.employee_id))
    approved = func.sum(case((DevelopmentItem.status.in_((rules.APPROVED, rules.RUNNING, rules.DONE)), 1), else_=0))
    return (select(DevelopmentItem.competency_id, Competency.name, Competency.kind, DevelopmentItem.addresses,
                   DevelopmentItem.activity_type_id, ActivityType.name, ActivityType.mode, people.label("people"),
                   func.count(DevelopmentItem.id).label("items"), approved.label("approved"),
                   func.coalesce(func.sum(DevelopmentItem.planned_jp), 0).label("jp"),
                   func.coalesce(func.sum(DevelopmentItem.cost), 0).label("cost"))
            .select_from(DevelopmentItem)
            .join(ActivityType, ActivityType.id == DevelopmentItem.activity_type_id)
            .outerjoin(Competency, Competency.id == DevelopmentItem.competency_id)
            .where(DevelopmentItem.year == year, DevelopmentItem.status != rules.CANCELLED,
                   DevelopmentItem.carried_to_id.is_(None))
            .group_by(DevelopmentItem.competency_id, Competency.name, Competency.kind, DevelopmentItem.addresses,
                      DevelopmentItem.activity_type_id, ActivityType.name, ActivityType.mode)
            .order_by(people.desc(), func.count(DevelopmentItem.id).desc(), Competency.name,
                      DevelopmentItem.addresses, ActivityType.name))


def _need(row) -> NeedRow:
    return NeedRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6], int(row[7]), int(row[8]),
                   int(row[9] or 0), int(row[10] or 0), int(row[11] or 0))


def _key(competency_id, addresses, activity_type_id) -> tuple:
    return (competency_id, addresses if competency_id is None else None, activity_type_id)


def _attach_units(rows: list[NeedRow], year: int) -> None:
    """The OPD names behind each row (two statements for any number of rows)."""
    if not rows:
        return
    types = {r.activity_type_id for r in rows}
    comps = {r.competency_id for r in rows if r.competency_id is not None}
    conditions = [DevelopmentItem.competency_id.in_(comps)] if comps else []
    if any(r.competency_id is None for r in rows):
        conditions.append(DevelopmentItem.competency_id.is_(None))
    found = db.session.execute(
        select(DevelopmentItem.competency_id, DevelopmentItem.addresses, DevelopmentItem.activity_type_id,
               Unit.path).distinct()
        .join(Employee, Employee.id == DevelopmentItem.employee_id).join(Unit, Unit.id == Employee.unit_id)
        .where(DevelopmentItem.year == year, DevelopmentItem.status != rules.CANCELLED,
               DevelopmentItem.carried_to_id.is_(None), DevelopmentItem.activity_type_id.in_(types),
               or_(*conditions))).all()
    opd_of = {path: int(path.strip("/").split("/")[0]) for *_k, path in found}
    names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(set(opd_of.values())))).all()) \
        if opd_of else {}
    per_key: dict[tuple, set[int]] = {}
    for competency_id, addresses, type_id, path in found:
        per_key.setdefault(_key(competency_id, addresses, type_id), set()).add(opd_of[path])
    for row in rows:
        opds = per_key.get(_key(row.competency_id, row.addresses, row.activity_type_id), set())
        row.units = sorted(names.get(i, "") for i in opds)


def needs_page(year: int, number: int, per_page: int = 25) -> Page:
    """The year's training needs across the regency, the most people first: what (competency or kind of gap, and
    activity), how many people, items, approved items, JP and cost, and the OPD the people work in."""
    stmt = _needs_stmt(year)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    last = max(1, -(-total // per_page))
    number = min(max(1, number), last)
    rows = [_need(r) for r in db.session.execute(stmt.limit(per_page).offset((number - 1) * per_page))]
    _attach_units(rows, year)
    return Page(items=rows, number=number, per_page=per_page, total=total)


def all_needs(year: int) -> list[NeedRow]:
    rows = [_need(r) for r in db.session.execute(_needs_stmt(year))]
    _attach_units(rows, year)
    return rows


def need_details(year: int) -> Iterator:
    """Every item behind the needs (for the export), streamed in batches."""
    stmt = (select(Employee.nip, Employee.gelar_depan, Employee.nama, Employee.gelar_belakang, Unit.name, Unit.path,
                   Competency.name, DevelopmentItem.addresses, ActivityType.name, ActivityType.mode,
                   DevelopmentItem.title, DevelopmentItem.provider, DevelopmentItem.starts_on, DevelopmentItem.ends_on,
                   DevelopmentItem.planned_jp, DevelopmentItem.cost, DevelopmentItem.status, DevelopmentPlan.status)
            .select_from(DevelopmentItem)
            .join(DevelopmentPlan, DevelopmentPlan.id == DevelopmentItem.plan_id)
            .join(Employee, Employee.id == DevelopmentItem.employee_id)
            .join(Unit, Unit.id == Employee.unit_id)
            .join(ActivityType, ActivityType.id == DevelopmentItem.activity_type_id)
            .outerjoin(Competency, Competency.id == DevelopmentItem.competency_id)
            .where(DevelopmentItem.year == year, DevelopmentItem.status != rules.CANCELLED,
                   DevelopmentItem.carried_to_id.is_(None))
            .order_by(Unit.path, Employee.nama, DevelopmentItem.id))
    return db.session.execute(stmt.execution_options(yield_per=1000))


def opd_names() -> dict[int, str]:
    return dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.parent_id.is_(None))).all())


def regency_gaps(year: int) -> HeatMap:
    return heat_map(None, year)


def plan_years_with_data() -> list[int]:
    return list(db.session.scalars(select(DevelopmentPlan.year).distinct().order_by(DevelopmentPlan.year.desc())))


# ---------------------------------------------------------------------------------------------------------
# An employee's JP record


@dataclass
class JpYear:
    year: int
    totals: rules.JpTotals


def jp_record(employee: Employee) -> tuple[list[DevelopmentItem], list[JpYear]]:
    """Every item of the employee's plans (oldest first) and the JP totals of each year they touch."""
    items = list(db.session.scalars(
        select(DevelopmentItem).where(DevelopmentItem.employee_id == employee.id)
        .options(joinedload(DevelopmentItem.activity_type), joinedload(DevelopmentItem.competency),
                 joinedload(DevelopmentItem.certificates))
        .order_by(DevelopmentItem.year, DevelopmentItem.id)).unique())
    entries = [rules.JpEntry(i.year, i.status, i.planned_jp, i.actual_jp, i.completed_on, i.carried) for i in items]
    years = sorted({i.year for i in items} | {i.completed_on.year for i in items if i.completed_on})
    return items, [JpYear(y, rules.jp_totals(entries, y)) for y in years]
