"""Counting development across people, in SQL (a fixed number of statements whatever the size of the unit): the
unit's competency heat map (competency x gap size, with the people behind each cell), the share of staff on track
for 20 JP and the most requested competencies, the assessor's team, the regency's training needs for BKPSDM, and an
employee's JP record. The JP arithmetic is rules.jp_totals, written once more as SQL here; a test holds the two
together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import and_, case, distinct, func, or_, select
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


def staff_ids(unit: Unit | None):
    """The ids of the unit's active staff, as a subquery (None: the whole regency)."""
    return _in_unit(select(Employee.id), unit)


def same_year(column, year: int, scoped: bool):
    """``column == year``; when the rows are limited to a unit's employees, ``column + 0 == year`` instead. Without
    statistics SQLite always reads through the year index when it can, that is the whole regency's year, and keeps
    the unit's rows afterwards; adding 0 hides the index so that the employees lead (the employee index: a unit
    costs what it holds). PostgreSQL plans by cost either way."""
    return column + 0 == year if scoped else column == year


def jp_per_employee(year: int, employees=None):
    """Per employee with any item that counts in ``year``: JP done (completed items counted in the year they were
    completed, whatever plan they came from) and committed (approved or running items of the year's plan, not
    carried to a later one). rules.jp_totals in SQL. ``employees`` (a subquery or list of ids) limits the rows
    read, so that a unit or a team costs what it holds, not what the regency holds."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_year = DevelopmentItem.completed_on.between(first, last)
    done = case((and_(DevelopmentItem.status == rules.DONE, in_year), func.coalesce(DevelopmentItem.actual_jp, 0)),
                else_=0)
    committed = case((and_(DevelopmentItem.year == year, DevelopmentItem.status.in_(OPEN_COMMITTED),
                           DevelopmentItem.carried_to_id.is_(None)), DevelopmentItem.planned_jp), else_=0)
    stmt = (select(DevelopmentItem.employee_id.label("employee_id"), func.sum(done).label("done"),
                   func.sum(committed).label("committed"))
            .where(or_(DevelopmentItem.year == year, in_year)))
    if employees is not None:
        stmt = stmt.where(DevelopmentItem.employee_id.in_(employees))
    return stmt.group_by(DevelopmentItem.employee_id).subquery()


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
    """Staff, how many are on track for 20 JP and how many reached it, the year's plans by state, and the ``top``
    competencies planned for the most people (none asked: not counted)."""
    staff = staff_ids(unit)
    per = jp_per_employee(year, staff if unit is not None else None)
    total = per.c.done + per.c.committed
    jp = (select(func.coalesce(func.sum(case((total >= rules.TARGET_JP, 1), else_=0)), 0),
                 func.coalesce(func.sum(case((per.c.done >= rules.TARGET_JP, 1), else_=0)), 0))
          .select_from(per).join(Employee, Employee.id == per.c.employee_id).where(Employee.active.is_(True)))
    people = db.session.scalar(select(func.count()).select_from(staff.subquery())) or 0
    on_track, reached = db.session.execute(jp).one()
    scoped = unit is not None
    plans = dict(db.session.execute(
        select(DevelopmentPlan.status, func.count(DevelopmentPlan.id))
        .where(same_year(DevelopmentPlan.year, year, scoped), DevelopmentPlan.employee_id.in_(staff))
        .group_by(DevelopmentPlan.status)).all())
    ranked: list[tuple[Competency, int]] = []
    if top:
        stmt = (select(DevelopmentItem.competency_id, func.count(distinct(DevelopmentItem.employee_id)))
                .where(same_year(DevelopmentItem.year, year, scoped), DevelopmentItem.status != rules.CANCELLED,
                       DevelopmentItem.carried_to_id.is_(None), DevelopmentItem.competency_id.is_not(None)))
        if unit is not None:
            stmt = stmt.where(DevelopmentItem.employee_id.in_(staff))
        rows = db.session.execute(stmt.group_by(DevelopmentItem.competency_id)).all()
        by_id = {c.id: c for c in db.session.scalars(select(Competency).where(
            Competency.id.in_([cid for cid, _n in rows])))} if rows else {}
        ranked = sorted(((by_id[cid], n) for cid, n in rows if cid in by_id), key=lambda r: (-r[1], r[0].name))[:top]
    return UnitSummary(int(people), int(on_track or 0), int(reached or 0), plans, ranked)


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
    """Ratings of the year's final assessments of the unit's active staff."""
    return (stmt.select_from(CompetencyRating)
            .join(CompetencyAssessment, CompetencyAssessment.id == CompetencyRating.assessment_id)
            .where(same_year(CompetencyAssessment.year, year, unit is not None),
                   CompetencyAssessment.status == rules.ASSESSMENT_FINAL,
                   CompetencyAssessment.employee_id.in_(staff_ids(unit)), CompetencyRating.gap.is_not(None)))


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
    stmt = _final_ratings(select(CompetencyRating), unit, year).join(
        Employee, Employee.id == CompetencyAssessment.employee_id).where(
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
    per = jp_per_employee(year, ids)
    jp = {row[0]: (int(row[1] or 0), int(row[2] or 0)) for row in db.session.execute(
        select(per.c.employee_id, per.c.done, per.c.committed))}
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


def _needs(year: int) -> list[NeedRow]:
    """Every need of the year, the most people first, with the OPD the people work in: one grouped pass over the
    year's items per need and unit (an employee is in one unit, so the people of a need add up over its units),
    then the names of the few competencies, activity types and OPD involved."""
    approved = func.sum(case((DevelopmentItem.status.in_((rules.APPROVED, rules.RUNNING, rules.DONE)), 1), else_=0))
    rows = db.session.execute(
        select(DevelopmentItem.competency_id, DevelopmentItem.addresses, DevelopmentItem.activity_type_id,
               Employee.unit_id, func.count(distinct(DevelopmentItem.employee_id)), func.count(DevelopmentItem.id),
               approved, func.coalesce(func.sum(DevelopmentItem.planned_jp), 0),
               func.coalesce(func.sum(DevelopmentItem.cost), 0))
        .join(Employee, Employee.id == DevelopmentItem.employee_id)
        .where(DevelopmentItem.year == year, DevelopmentItem.status != rules.CANCELLED,
               DevelopmentItem.carried_to_id.is_(None))
        .group_by(DevelopmentItem.competency_id, DevelopmentItem.addresses, DevelopmentItem.activity_type_id,
                  Employee.unit_id)).all()
    if not rows:
        return []
    paths = dict(db.session.execute(select(Unit.id, Unit.path).where(Unit.id.in_({r[3] for r in rows}))).all())
    opd_of = {uid: int(path.strip("/").split("/")[0]) for uid, path in paths.items()}
    opd_names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(set(opd_of.values())))).all())
    names = {c.id: (c.name, c.kind) for c in db.session.execute(
        select(Competency.id, Competency.name, Competency.kind).where(
            Competency.id.in_({r[0] for r in rows if r[0] is not None})))}
    kinds = {t.id: (t.name, t.mode) for t in db.session.execute(
        select(ActivityType.id, ActivityType.name, ActivityType.mode).where(ActivityType.id.in_({r[2] for r in rows})))}
    needs: dict[tuple, NeedRow] = {}
    opds: dict[tuple, set[str]] = {}
    for cid, addresses, type_id, unit_id, people, items, ok, jp, cost in rows:
        key = (cid, addresses, type_id)
        need = needs.get(key)
        if need is None:
            need = needs[key] = NeedRow(cid, *names.get(cid, (None, None)), addresses, type_id,
                                        *kinds.get(type_id, ("", "")), 0, 0, 0, 0, 0)
        need.people += int(people)
        need.items += int(items)
        need.approved += int(ok or 0)
        need.planned_jp += int(jp or 0)
        need.cost += int(cost or 0)
        opds.setdefault(key, set()).add(opd_names.get(opd_of.get(unit_id), ""))
    for key, need in needs.items():
        need.units = sorted(n for n in opds[key] if n)
    return sorted(needs.values(), key=lambda n: (-n.people, -n.items, n.competency or "", n.addresses, n.activity))


def needs_page(year: int, number: int, per_page: int = 25) -> Page:
    """The year's training needs across the regency, the most people first: what (competency or kind of gap, and
    activity), how many people, items, approved items, JP and cost, and the OPD the people work in. The needs are
    few (competencies x activity types), so they are counted once and the page is cut from them."""
    rows = _needs(year)
    last = max(1, -(-len(rows) // per_page))
    number = min(max(1, number), last)
    return Page(items=rows[(number - 1) * per_page:number * per_page], number=number, per_page=per_page,
                total=len(rows))


def all_needs(year: int) -> list[NeedRow]:
    return _needs(year)


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
