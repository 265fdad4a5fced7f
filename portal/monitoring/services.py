"""The numbers of the dashboards and the people behind them.

Every number is a *metric*: a condition on an employee (an SQL expression over uncorrelated subqueries, evaluated
once per statement), counted per unit with one GROUP BY (``employee_counts``) and listed with the same condition
(``people_page``, the exports). So the list behind a number holds exactly the people the number counts, and a
dashboard costs the same few statements for a team of five and a regency of 20,000.

Scopes: Admin BKPSDM and the auditor see the regency (rows: the OPDs), a head of unit the units they lead (rows: the
units right below, and the unit's own staff), a Pejabat Penilai Kinerja their team (rows: the units of their
reports). The distribution (Kurva) and the trends count evaluations by the unit the employee was in when rated.

The 360 numbers follow the anonymity rules of portal/assessment/nomination_services.py: per employee only "invited"
and "has at least the threshold of answers" (the first step of the band), never an exact count of answers, and
never who answered. A reminder for the 360 is a ``ReminderRound`` per employee and window, nothing per rater.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask import abort
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, insert, or_, select
from sqlalchemy.orm import aliased, joinedload

from portal.assessment.models import (
    NOMINATION_INVITED,
    SELF_SUBMITTED,
    AssessmentSetting,
    FeedbackBucket,
    RaterNomination,
    ReminderRound,
    SelfAssessment,
)
from portal.core.audit import record
from portal.core.pagination import Page, paginate
from portal.development import rules as development_rules
from portal.development.models import DevelopmentItem, DevelopmentPlan
from portal.evaluation import rules as evaluation_rules
from portal.evaluation.models import (
    APPEAL_FILED,
    FINAL,
    RELEASED,
    Appeal,
    Evaluation,
    EvaluationDocument,
)
from portal.extensions import db
from portal.monitoring import rules
from portal.notifications import services as notification_services
from portal.org import permissions as org_perms
from portal.org.models import Employee, Unit
from portal.periods.models import Period, PeriodPhase
from portal.skp.models import STATUS_APPROVED, STATUS_DRAFT, STATUS_RETURNED, STATUS_SUBMITTED, Skp

FINALISED = (FINAL, RELEASED)

# ---------------------------------------------------------------------------------------------------------
# Scope


REGENCY = "kabupaten"
UNIT = "unit"
TEAM = "tim"


@dataclass(frozen=True)
class Scope:
    kind: str
    unit: Unit | None = None  # UNIT: the unit (and the units below it unless ``direct``); TEAM: within this unit
    assessor_id: int | None = None
    direct: bool = False

    @property
    def label(self) -> str:
        if self.kind == REGENCY:
            return gettext("Seluruh kabupaten")
        if self.kind == TEAM:
            return (gettext("Tim Anda di %(unit)s", unit=self.unit.name) if self.unit is not None
                    else gettext("Tim Anda"))
        return (gettext("%(unit)s (pegawai langsung)", unit=self.unit.name) if self.direct else self.unit.name)

    def _units(self):
        return select(Unit.id).where(Unit.path.startswith(self.unit.path))

    def on_employee(self, person=Employee):
        """Active employees in the scope (``person``: Employee or an alias of it)."""
        conditions = [person.active.is_(True)]
        if self.kind == TEAM:
            conditions.append(or_(person.assessor_id == self.assessor_id,
                                  and_(person.assessor_id.is_(None), person.superior_id == self.assessor_id)))
            if self.unit is not None:
                conditions.append(person.unit_id == self.unit.id)
        elif self.kind == UNIT:
            conditions.append(person.unit_id == self.unit.id if self.direct else person.unit_id.in_(self._units()))
        return and_(*conditions)

    def on_evaluation(self):
        """Evaluations in the scope: by the unit the employee was in when rated; a team's by its assessor."""
        if self.kind == TEAM:
            condition = Evaluation.assessor_id == self.assessor_id
            return and_(condition, Evaluation.unit_id == self.unit.id) if self.unit is not None else condition
        if self.kind == UNIT:
            return Evaluation.unit_id == self.unit.id if self.direct else Evaluation.unit_id.in_(self._units())
        return Evaluation.id.is_not(None)


def can_open(user) -> bool:
    """The dashboards: BKPSDM and the auditor, heads of unit, Pejabat Penilai Kinerja."""
    return user.is_authenticated and (user.can_read_all or bool(org_perms.headed_units(user))
                                      or org_perms.is_assessor(user))


def can_remind(user) -> bool:
    """Sending reminders: everyone who opens the dashboards except the auditor (read-only)."""
    return can_open(user) and not user.is_auditor


def default_scope(user) -> Scope:
    if user.can_read_all:
        return Scope(REGENCY)
    heads = org_perms.headed_units(user)
    if heads:
        return Scope(UNIT, heads[0])
    if org_perms.is_assessor(user):
        return Scope(TEAM, assessor_id=user.employee_id)
    abort(403)


def resolve_scope(user, unit_id: int | None, *, team: bool = False, direct: bool = False) -> Scope:
    """The scope asked for in the URL, checked: a unit the user may see (403 otherwise), their team, or the
    default of their role."""
    if not can_open(user):
        abort(403)
    if team:
        if user.employee_id is None or not org_perms.is_assessor(user):
            abort(403)
        unit = db.get_or_404(Unit, unit_id) if unit_id is not None else None
        return Scope(TEAM, unit, assessor_id=user.employee_id)
    if unit_id is not None:
        unit = db.get_or_404(Unit, unit_id)
        if not org_perms.unit_in_scope(user, unit):
            abort(403)
        return Scope(UNIT, unit, direct=direct)
    return default_scope(user)


# ---------------------------------------------------------------------------------------------------------
# Context: which year and window the numbers are about


@dataclass(frozen=True)
class Context:
    today: dt.date
    period: Period | None = None  # the SKP year
    phase: PeriodPhase | None = None  # the evaluation window
    year: int = 0  # the development year
    threshold: int = 3  # the 360 anonymity threshold of the window's period


def threshold_of(period: Period | None) -> int:
    if period is None:
        return 3
    value = db.session.scalar(select(AssessmentSetting.anonymity_threshold)
                              .where(AssessmentSetting.period_id == period.id))
    return value or 3


# ---------------------------------------------------------------------------------------------------------
# Facts per employee, and the metrics as conditions on them
#
# A count or a list reads Employee (the scope) LEFT JOINed to a few derived tables, one row per employee each: the
# SKP of the year, the self-assessment, the 360 invitations and buckets, the evaluation, its document and appeal,
# JP and plans of the development year. Each is read once per statement (one pass, GROUP BY employee), limited to
# the scope's employees when the scope is a unit or a team, so that a team costs what it holds.


SOURCES = ("skp", "skpw", "sa", "inv", "enough", "ev", "doc", "appeal", "jp", "plan", "late")


def _one(condition):
    return func.max(case((condition, 1), else_=0))


def _jp(year: int, within=None):
    """JP per employee in ``year``: done (completed items, counted in the year they were completed) and committed
    (approved or running items of the year's plan, not carried to a later one) - the arithmetic of
    portal.development.rules.jp_totals, as the development area writes it in SQL."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_year = DevelopmentItem.completed_on.between(first, last)
    done = case((and_(DevelopmentItem.status == development_rules.DONE, in_year),
                 func.coalesce(DevelopmentItem.actual_jp, 0)), else_=0)
    committed = case((and_(DevelopmentItem.year == year,
                           DevelopmentItem.status.in_((development_rules.APPROVED, development_rules.RUNNING)),
                           DevelopmentItem.carried_to_id.is_(None)), DevelopmentItem.planned_jp), else_=0)
    stmt = (select(DevelopmentItem.employee_id.label("employee_id"), func.sum(done).label("done"),
                   func.sum(committed).label("committed"))
            .where(or_(DevelopmentItem.year == year, in_year)))
    if within is not None:
        stmt = stmt.where(DevelopmentItem.employee_id.in_(within))
    return stmt.group_by(DevelopmentItem.employee_id)


def _source(name: str, ctx: Context, within):
    """The derived table ``name`` (a subquery with ``employee_id``), limited to ``within`` (employee ids) if given."""

    def limited(stmt, column):
        return stmt.where(column.in_(within)) if within is not None else stmt

    if name in ("skp", "skpw"):
        period_id = ctx.period.id if name == "skp" else ctx.phase.period_id
        stmt = select(Skp.employee_id.label("employee_id"),
                      _one(Skp.status == STATUS_APPROVED).label("approved"),
                      _one(and_(Skp.is_current.is_(True), Skp.status.in_((STATUS_DRAFT, STATUS_RETURNED))))
                      .label("draft"),
                      _one(and_(Skp.is_current.is_(True), Skp.status == STATUS_SUBMITTED)).label("submitted"))
        return limited(stmt.where(Skp.period_id == period_id), Skp.employee_id).group_by(Skp.employee_id)
    if name == "sa":
        stmt = select(SelfAssessment.employee_id.label("employee_id"),
                      _one(SelfAssessment.status == SELF_SUBMITTED).label("submitted"))
        return limited(stmt.where(SelfAssessment.phase_id == ctx.phase.id), SelfAssessment.employee_id) \
            .group_by(SelfAssessment.employee_id)
    if name == "inv":
        stmt = select(RaterNomination.subject_id.label("employee_id")).where(
            RaterNomination.phase_id == ctx.phase.id, RaterNomination.status == NOMINATION_INVITED)
        return limited(stmt, RaterNomination.subject_id).group_by(RaterNomination.subject_id)
    if name == "enough":
        # At least the threshold of 360 answers: the first step of the band, never an exact count.
        stmt = select(FeedbackBucket.subject_id.label("employee_id")).where(FeedbackBucket.phase_id == ctx.phase.id)
        return limited(stmt, FeedbackBucket.subject_id).group_by(FeedbackBucket.subject_id) \
            .having(func.sum(FeedbackBucket.responses) >= ctx.threshold)
    if name == "ev":
        stmt = select(Evaluation.employee_id.label("employee_id"),
                      _one(Evaluation.status.in_(FINALISED)).label("finalised"))
        return limited(stmt.where(Evaluation.phase_id == ctx.phase.id), Evaluation.employee_id) \
            .group_by(Evaluation.employee_id)
    if name == "doc":
        stmt = (select(Evaluation.employee_id.label("employee_id"))
                .join(EvaluationDocument, EvaluationDocument.evaluation_id == Evaluation.id)
                .where(Evaluation.phase_id == ctx.phase.id, Evaluation.status == RELEASED,
                       EvaluationDocument.superseded_at.is_(None), EvaluationDocument.received_on.is_(None)))
        return limited(stmt, Evaluation.employee_id).group_by(Evaluation.employee_id)
    if name == "appeal":
        stmt = (select(Evaluation.employee_id.label("employee_id")).join(Appeal, Appeal.evaluation_id == Evaluation.id)
                .where(Evaluation.phase_id == ctx.phase.id, Appeal.status == APPEAL_FILED))
        return limited(stmt, Evaluation.employee_id).group_by(Evaluation.employee_id)
    if name == "jp":
        return _jp(ctx.year, within)
    if name == "plan":
        stmt = select(DevelopmentPlan.employee_id.label("employee_id"),
                      _one(DevelopmentPlan.status == development_rules.PLAN_SUBMITTED).label("submitted"))
        return limited(stmt.where(DevelopmentPlan.year == ctx.year), DevelopmentPlan.employee_id) \
            .group_by(DevelopmentPlan.employee_id)
    if name == "late":
        stmt = select(DevelopmentItem.employee_id.label("employee_id")).where(
            DevelopmentItem.status.in_((development_rules.APPROVED, development_rules.RUNNING)),
            DevelopmentItem.ends_on < ctx.today, DevelopmentItem.carried_to_id.is_(None))
        return limited(stmt, DevelopmentItem.employee_id).group_by(DevelopmentItem.employee_id)
    raise ValueError(name)


class Frame:
    """Employee LEFT JOIN the derived tables some metrics need; ``frame.skp.c.approved`` and so on."""

    def __init__(self, scope: Scope, ctx: Context, sources) -> None:
        person = aliased(Employee)
        within = None if scope.kind == REGENCY else select(person.id).where(scope.on_employee(person))
        self.joins = []
        sources = set(sources)
        same_year = ctx.period is not None and ctx.phase is not None and ctx.period.id == ctx.phase.period_id
        if same_year and "skpw" in sources:  # the window's year is the SKP year: one table serves both
            sources = (sources - {"skpw"}) | {"skp"}
        for name in SOURCES:
            if name in sources:
                table_ = _source(name, ctx, within).subquery(f"m_{name}")
                setattr(self, name, table_)
                self.joins.append(table_)
        if same_year and "skp" in sources:
            self.skpw = self.skp

    def apply(self, stmt):
        for table_ in self.joins:
            stmt = stmt.outerjoin(table_, table_.c.employee_id == Employee.id)
        return stmt


def _predikat(code: str):
    def condition(f: Frame, ctx: Context):
        return Employee.id.in_(select(Evaluation.employee_id).where(
            Evaluation.phase_id == ctx.phase.id, Evaluation.status.in_(FINALISED), Evaluation.predikat == code))
    return condition


def _flag(column):
    return func.coalesce(column, 0) == 1


def _none(column):
    return func.coalesce(column, 0) == 0


@dataclass(frozen=True)
class Metric:
    key: str
    label: object
    needs: str  # "period", "phase" or "year": what the context must hold
    sources: tuple[str, ...]
    condition: Callable[[Frame, Context], object]
    reminder: str | None = None  # who is reminded (see _reminder_rows), None: a list of what is done
    evaluation_based: bool = False  # counted by the evaluation's unit (Kurva, trends)


METRICS: dict[str, Metric] = {m.key: m for m in (
    Metric("pegawai", _l("Pegawai"), "", (), lambda f, ctx: Employee.id.is_not(None)),
    Metric("skp_belum", _l("Belum membuat SKP"), "period", ("skp",), lambda f, ctx: f.skp.c.employee_id.is_(None),
           "skp"),
    Metric("skp_draf", _l("SKP draf atau dikembalikan"), "period", ("skp",),
           lambda f, ctx: and_(_none(f.skp.c.approved), _flag(f.skp.c.draft)), "skp"),
    Metric("skp_diajukan", _l("SKP menunggu persetujuan"), "period", ("skp",),
           lambda f, ctx: and_(_none(f.skp.c.approved), _flag(f.skp.c.submitted)), "skp_keputusan"),
    Metric("skp_disetujui", _l("SKP disetujui"), "period", ("skp",), lambda f, ctx: _flag(f.skp.c.approved)),
    Metric("diri_selesai", _l("Penilaian diri diajukan"), "phase", ("sa",), lambda f, ctx: _flag(f.sa.c.submitted)),
    Metric("diri_belum", _l("Penilaian diri belum diajukan"), "phase", ("skpw", "sa"),
           lambda f, ctx: and_(_flag(f.skpw.c.approved), _none(f.sa.c.submitted)), "penilaian_diri"),
    Metric("r360_diundang", _l("360: penilai sudah diundang"), "phase", ("inv",),
           lambda f, ctx: f.inv.c.employee_id.is_not(None)),
    Metric("r360_cukup", _l("360: jawaban mencapai ambang"), "phase", ("enough",),
           lambda f, ctx: f.enough.c.employee_id.is_not(None)),
    Metric("r360_kurang", _l("360: jawaban belum mencapai ambang"), "phase", ("inv", "enough"),
           lambda f, ctx: and_(f.inv.c.employee_id.is_not(None), f.enough.c.employee_id.is_(None)), "360"),
    Metric("evaluasi_final", _l("Evaluasi final"), "phase", ("ev",), lambda f, ctx: _flag(f.ev.c.finalised)),
    Metric("evaluasi_belum", _l("Evaluasi belum final"), "phase", ("skpw", "ev"),
           lambda f, ctx: and_(_flag(f.skpw.c.approved), _none(f.ev.c.finalised)), "evaluasi"),
    Metric("dokumen_belum", _l("Dokumen belum dikonfirmasi diterima"), "phase", ("doc",),
           lambda f, ctx: f.doc.c.employee_id.is_not(None), "dokumen"),
    Metric("keberatan_terbuka", _l("Keberatan belum diputuskan"), "phase", ("appeal",),
           lambda f, ctx: f.appeal.c.employee_id.is_not(None), "keberatan"),
    *(Metric(f"predikat_{code}", label, "phase", (), _predikat(code), evaluation_based=True)
      for code, label in (
          (evaluation_rules.SANGAT_BAIK, _l("Sangat Baik")), (evaluation_rules.BAIK, _l("Baik")),
          (evaluation_rules.BUTUH_PERBAIKAN, _l("Butuh Perbaikan")),
          (evaluation_rules.KURANG, _l("Kurang/Misconduct")), (evaluation_rules.SANGAT_KURANG, _l("Sangat Kurang")))),
    Metric("jp_tercapai", _l("20 JP tercapai"), "year", ("jp",),
           lambda f, ctx: func.coalesce(f.jp.c.done, 0) >= development_rules.TARGET_JP),
    Metric("jp_on_track", _l("Menuju 20 JP (disetujui)"), "year", ("jp",),
           lambda f, ctx: and_(func.coalesce(f.jp.c.done, 0) < development_rules.TARGET_JP,
                               func.coalesce(f.jp.c.done, 0) + func.coalesce(f.jp.c.committed, 0)
                               >= development_rules.TARGET_JP)),
    Metric("jp_kurang", _l("Belum menuju 20 JP"), "year", ("jp",),
           lambda f, ctx: func.coalesce(f.jp.c.done, 0) + func.coalesce(f.jp.c.committed, 0)
           < development_rules.TARGET_JP, "pengembangan"),
    Metric("rencana_tanpa", _l("Tanpa rencana pengembangan"), "year", ("plan",),
           lambda f, ctx: f.plan.c.employee_id.is_(None), "pengembangan"),
    Metric("rencana_menunggu", _l("Rencana menunggu keputusan"), "year", ("plan",),
           lambda f, ctx: _flag(f.plan.c.submitted), "rencana_keputusan"),
    Metric("kegiatan_terlambat", _l("Kegiatan melewati jadwal"), "year", ("late",),
           lambda f, ctx: f.late.c.employee_id.is_not(None), "kegiatan"),
)}

PLANNING = ("skp_belum", "skp_draf", "skp_diajukan", "skp_disetujui")
EVALUATION = ("diri_selesai", "diri_belum", "r360_diundang", "r360_cukup", "r360_kurang", "evaluasi_final",
              "evaluasi_belum", "dokumen_belum", "keberatan_terbuka")
KURVA = tuple(f"predikat_{code}" for code in evaluation_rules.PREDIKATS)
DEVELOPMENT = ("jp_tercapai", "jp_on_track", "jp_kurang", "rencana_tanpa", "rencana_menunggu",
               "kegiatan_terlambat")


def metric_or_404(key: str) -> Metric:
    metric = METRICS.get(key)
    if metric is None or key == "pegawai":
        abort(404)
    return metric


def ready(metric: Metric, ctx: Context) -> bool:
    return {"period": ctx.period is not None, "phase": ctx.phase is not None, "year": bool(ctx.year),
            "": True}[metric.needs]


def frame_for(scope: Scope, ctx: Context, metrics) -> Frame:
    return Frame(scope, ctx, {name for m in metrics for name in m.sources})


def condition_of(scope: Scope, ctx: Context, metric: Metric):
    """(frame, where) of the people behind ``metric``: the scope and the metric's condition."""
    frame = frame_for(scope, ctx, [metric])
    return frame, and_(scope.on_employee(), metric.condition(frame, ctx))


# ---------------------------------------------------------------------------------------------------------
# Counting per unit, and the rows of a dashboard


def employee_counts(scope: Scope, ctx: Context, keys: tuple[str, ...]) -> dict[int, dict[str, int]]:
    """{unit id: {"pegawai": n, key: n, ...}} for the active employees of the scope: one GROUP BY statement."""
    metrics = [METRICS[k] for k in keys if ready(METRICS[k], ctx)]
    frame = frame_for(scope, ctx, metrics)
    columns = [func.count(Employee.id).label("pegawai")]
    columns += [func.sum(case((m.condition(frame, ctx), 1), else_=0)) for m in metrics]
    stmt = frame.apply(select(Employee.unit_id, *columns).select_from(Employee))
    rows = db.session.execute(stmt.where(scope.on_employee()).group_by(Employee.unit_id)).all()
    return {row[0]: {"pegawai": row[1], **{m.key: int(v or 0) for m, v in zip(metrics, row[2:], strict=True)}}
            for row in rows}


def predikat_counts(scope: Scope, phase: PeriodPhase) -> dict[int, dict[str, int]]:
    """{unit id: {"predikat_<code>": n}} of the finalised evaluations of the window, by the unit when rated."""
    rows = db.session.execute(
        select(Evaluation.unit_id, Evaluation.predikat, func.count(Evaluation.id))
        .where(Evaluation.phase_id == phase.id, Evaluation.status.in_(FINALISED), Evaluation.predikat.is_not(None),
               scope.on_evaluation())
        .group_by(Evaluation.unit_id, Evaluation.predikat)).all()
    out: dict[int, dict[str, int]] = {}
    for unit_id, predikat, n in rows:
        out.setdefault(unit_id, {})[f"predikat_{predikat}"] = n
    return out


def _unit_refs(where=None) -> tuple[dict[int, rules.UnitRef], set[int]]:
    """The units (id, path, name, depth) and the ids of those with units below them (one query)."""
    stmt = select(Unit.id, Unit.path, Unit.name, Unit.depth, Unit.parent_id)
    if where is not None:
        stmt = stmt.where(where)
    refs, parents = {}, set()
    for uid, path, name, depth, parent_id in db.session.execute(stmt):
        refs[uid] = rules.UnitRef(uid, path, name, depth)
        if parent_id is not None:
            parents.add(parent_id)
    return refs, parents


def table(scope: Scope, counts: dict[int, dict[str, int]]) -> list[rules.Line]:
    """The rows of a dashboard: the OPDs (regency), the units right below with the unit's own staff first (a unit),
    the units of the team (a team)."""
    if scope.kind == REGENCY:
        units, parents = _unit_refs()
        roots = sorted((u for u in units.values() if u.depth == 0), key=lambda u: u.name)
        return rules.lines(roots, rules.roll_up(counts, units, [u.id for u in roots]), has_children=parents)
    if scope.kind == UNIT and not scope.direct:
        units, parents = _unit_refs(Unit.path.startswith(scope.unit.path))
        children = sorted((u for u in units.values() if u.depth == scope.unit.depth + 1
                           and u.path.startswith(scope.unit.path)), key=lambda u: u.name)
        below = {uid: values for uid, values in counts.items() if uid != scope.unit.id}
        own = rules.UnitRef(scope.unit.id, scope.unit.path, scope.unit.name, scope.unit.depth)
        return rules.lines(children, rules.roll_up(below, units, [u.id for u in children]),
                           direct=(own, counts.get(scope.unit.id, {}), gettext("Pegawai langsung %(unit)s",
                                                                                 unit=scope.unit.name)),
                           has_children=parents)
    units, _parents = _unit_refs(Unit.id.in_(list(counts) or [-1]))
    return rules.lines(sorted(units.values(), key=lambda u: u.name), counts)


# ---------------------------------------------------------------------------------------------------------
# Trends: the predikat per window


@dataclass
class TrendRow:
    phase: PeriodPhase
    values: dict[str, int] = field(default_factory=dict)


def recent_windows(today: dt.date, limit: int = 12) -> list[PeriodPhase]:
    """The evaluation windows that have opened, newest first (at most ``limit``)."""
    from portal.evaluation.lists import WINDOW_KINDS

    return list(db.session.scalars(
        select(PeriodPhase).join(Period, Period.id == PeriodPhase.period_id)
        .where(PeriodPhase.kind.in_(WINDOW_KINDS), PeriodPhase.opens_on <= today)
        .options(joinedload(PeriodPhase.period))
        .order_by(PeriodPhase.opens_on.desc(), PeriodPhase.id.desc()).limit(limit)))


def trends(scope: Scope, windows: list[PeriodPhase]) -> list[TrendRow]:
    """Finalised predikat per window in the scope (one GROUP BY), oldest first."""
    if not windows:
        return []
    rows = db.session.execute(
        select(Evaluation.phase_id, Evaluation.predikat, func.count(Evaluation.id))
        .where(Evaluation.phase_id.in_([w.id for w in windows]), Evaluation.status.in_(FINALISED),
               Evaluation.predikat.is_not(None), scope.on_evaluation())
        .group_by(Evaluation.phase_id, Evaluation.predikat)).all()
    by_phase: dict[int, dict[str, int]] = {}
    for phase_id, predikat, n in rows:
        by_phase.setdefault(phase_id, {})[f"predikat_{predikat}"] = n
    return [TrendRow(w, by_phase.get(w.id, {})) for w in reversed(windows)]


# ---------------------------------------------------------------------------------------------------------
# The people behind a number


def people_stmt(scope: Scope, ctx: Context, metric: Metric):
    if metric.evaluation_based:
        code = metric.key.removeprefix("predikat_")
        evaluated = select(Evaluation.employee_id).where(
            Evaluation.phase_id == ctx.phase.id, Evaluation.status.in_(FINALISED), Evaluation.predikat == code,
            scope.on_evaluation())
        stmt = select(Employee).where(Employee.id.in_(evaluated))
    else:
        frame, where = condition_of(scope, ctx, metric)
        stmt = frame.apply(select(Employee).select_from(Employee)).where(where)
    return (stmt.options(joinedload(Employee.unit), joinedload(Employee.position), joinedload(Employee.golongan),
                         joinedload(Employee.superior), joinedload(Employee.delegated_assessor))
            .order_by(Employee.nama, Employee.id))


def people_page(scope: Scope, ctx: Context, metric: Metric, number: int, per_page: int = 25) -> Page:
    return paginate(people_stmt(scope, ctx, metric), number, per_page)


def details(metric: Metric, ctx: Context, employee_ids: list[int]) -> dict[int, str]:
    """A short "Keterangan" per person for the list and the exports (one query for the ids given)."""
    from portal.evaluation.services import PREDIKAT_LABELS, STATE_LABELS
    from portal.skp.labels import status_label

    if not employee_ids:
        return {}
    key = metric.key
    if key.startswith("skp_") and ctx.period is not None:
        rows = db.session.execute(select(Skp.employee_id, Skp.status, Skp.submitted_at).where(
            Skp.period_id == ctx.period.id, Skp.is_current.is_(True), Skp.employee_id.in_(employee_ids))).all()
        from portal.core.i18n import long_date

        return {eid: str(status_label(status)[0]) + (
            " " + gettext("sejak %(date)s", date=long_date(at.date())) if status == STATUS_SUBMITTED and at else "")
            for eid, status, at in rows}
    if (key.startswith("evaluasi") or key.startswith("predikat_")) and ctx.phase is not None:
        rows = db.session.execute(select(Evaluation.employee_id, Evaluation.status, Evaluation.predikat).where(
            Evaluation.phase_id == ctx.phase.id, Evaluation.employee_id.in_(employee_ids))).all()
        return {eid: str(STATE_LABELS.get(status, (status,))[0]) + (
            f" · {PREDIKAT_LABELS[predikat]}" if predikat in PREDIKAT_LABELS else "") for eid, status, predikat in rows}
    if key.startswith("r360_") and ctx.phase is not None:
        rows = db.session.execute(select(RaterNomination.subject_id, func.count(RaterNomination.id)).where(
            RaterNomination.phase_id == ctx.phase.id, RaterNomination.status == NOMINATION_INVITED,
            RaterNomination.subject_id.in_(employee_ids)).group_by(RaterNomination.subject_id)).all()
        return {eid: gettext("%(n)s penilai diundang", n=n) for eid, n in rows}
    if key == "dokumen_belum" and ctx.phase is not None:
        from portal.core.i18n import long_date

        rows = db.session.execute(
            select(Evaluation.employee_id, EvaluationDocument.signed_on)
            .join(EvaluationDocument, EvaluationDocument.evaluation_id == Evaluation.id)
            .where(Evaluation.phase_id == ctx.phase.id, EvaluationDocument.superseded_at.is_(None),
                   Evaluation.employee_id.in_(employee_ids))).all()
        return {eid: gettext("diserahkan %(date)s", date=long_date(on)) for eid, on in rows}
    if key == "keberatan_terbuka" and ctx.phase is not None:
        from portal.core.i18n import long_date

        rows = db.session.execute(select(Evaluation.employee_id, Appeal.filed_on)
                                  .join(Appeal, Appeal.evaluation_id == Evaluation.id)
                                  .where(Evaluation.phase_id == ctx.phase.id, Appeal.status == APPEAL_FILED,
                                         Evaluation.employee_id.in_(employee_ids))).all()
        return {eid: gettext("diajukan %(date)s", date=long_date(on)) for eid, on in rows}
    if key.startswith(("jp_", "rencana_", "kegiatan_")) and ctx.year:
        jp = _jp(ctx.year, employee_ids).subquery()
        rows = dict((eid, (d, c)) for eid, d, c in db.session.execute(
            select(jp.c.employee_id, jp.c.done, jp.c.committed).where(jp.c.employee_id.in_(employee_ids))))
        return {eid: gettext("%(done)s JP selesai, %(planned)s JP disetujui", done=int(rows.get(eid, (0, 0))[0] or 0),
                             planned=int(rows.get(eid, (0, 0))[1] or 0)) for eid in employee_ids}
    return {}


def people_chunks(scope: Scope, ctx: Context, metric: Metric, size: int = 500) -> Iterator[list[tuple]]:
    """Every person of a number for the exports, streamed in chunks: [(employee, detail)], in a fixed number of
    statements per chunk."""
    stmt = people_stmt(scope, ctx, metric).execution_options(yield_per=size)
    for partition in db.session.execute(stmt).scalars().partitions():
        employees = list(partition)
        notes = details(metric, ctx, [e.id for e in employees])
        yield [(e, notes.get(e.id, "")) for e in employees]


def opd_names() -> dict[int, str]:
    return dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.parent_id.is_(None))).all())


# ---------------------------------------------------------------------------------------------------------
# Reminders ("Kirim pengingat" on the list behind a number)


@dataclass
class Reminded:
    written: int = 0  # notifications (or 360 reminder rounds) written now
    already: int = 0  # reminded earlier today
    skipped: int = 0  # nobody to remind (no assessor, the window closed ...)


def _sender(actor) -> str:
    return actor.display_name


def _window(ctx: Context) -> str:
    from portal.notifications.events import window_label

    return window_label(ctx.phase)


def _reminder_rows(actor, scope: Scope, ctx: Context, metric: Metric, today: dt.date) -> tuple[list[dict], int]:
    """(notification rows, people without anyone to remind) for a reminder to the people behind a number. The
    subjects are those the notifications area resolves when the thing is done."""
    row = notification_services.row
    sender = _sender(actor)
    occasion = f"pengingat-{today.isoformat()}"
    who = metric.reminder
    person = aliased(Employee)
    frame, where = condition_of(scope, ctx, metric)
    ids = frame.apply(select(Employee.id).select_from(Employee)).where(where)
    base = select(person.id, person.gelar_depan, person.nama, person.gelar_belakang, person.assessor_id,
                  person.superior_id).where(person.id.in_(ids))
    from portal.org.rules import full_name

    rows, skipped = [], 0
    if who == "skp":
        for eid, *_rest in db.session.execute(base):
            rows.append(row("pengingat.skp", subject=f"skp-pegawai:{eid}:{ctx.period.id}", occasion=occasion,
                            params={"sender": sender, "year": ctx.period.year}, endpoint="skp.mine", employee_id=eid))
    elif who == "skp_keputusan":
        stmt = (select(Skp.id, Skp.assessor_id, person.gelar_depan, person.nama, person.gelar_belakang)
                .join(person, person.id == Skp.employee_id)
                .where(Skp.period_id == ctx.period.id, Skp.is_current.is_(True), Skp.status == STATUS_SUBMITTED,
                       person.id.in_(ids)))
        for skp_id, assessor_id, depan, nama, belakang in db.session.execute(stmt):
            if assessor_id is None:
                skipped += 1
                continue
            params = {"sender": sender, "year": ctx.period.year, "name": full_name(depan, nama, belakang)}
            rows.append(row("pengingat.skp_keputusan", subject=f"skp:{skp_id}", occasion=occasion, params=params,
                            endpoint="skp.detail", values={"skp_id": skp_id}, employee_id=assessor_id))
    elif who == "penilaian_diri":
        window = _window(ctx)
        for eid, *_rest in db.session.execute(base):
            rows.append(row("pengingat.penilaian_diri", subject=f"jendela:{ctx.phase.id}:penilaian-diri:{eid}",
                            occasion=occasion, params={"sender": sender, "window": window},
                            endpoint="assessment.self_index", employee_id=eid))
    elif who == "evaluasi":
        window = _window(ctx)
        for eid, depan, nama, belakang, assessor_id, superior_id in db.session.execute(base):
            to = assessor_id or superior_id
            if to is None:
                skipped += 1
                continue
            rows.append(row("pengingat.evaluasi", subject=f"jendela:{ctx.phase.id}:evaluasi-pegawai:{eid}",
                            occasion=occasion, params={"sender": sender, "name": full_name(depan, nama, belakang),
                                                       "window": window},
                            endpoint="evaluation.score", values={"employee_id": eid, "phase_id": ctx.phase.id},
                            employee_id=to))
    elif who == "dokumen":
        window = _window(ctx)
        stmt = (select(Evaluation.id, Evaluation.employee_id).join(
            EvaluationDocument, EvaluationDocument.evaluation_id == Evaluation.id)
            .where(Evaluation.phase_id == ctx.phase.id, EvaluationDocument.superseded_at.is_(None),
                   EvaluationDocument.received_on.is_(None), Evaluation.employee_id.in_(ids)))
        for evaluation_id, eid in db.session.execute(stmt):
            rows.append(row("pengingat.dokumen", subject=f"evaluasi:{evaluation_id}", occasion=occasion,
                            params={"sender": sender, "window": window}, endpoint="evaluation.mine", employee_id=eid))
    elif who == "keberatan":
        from portal.auth.models import ROLE_ADMIN, User

        stmt = (select(Appeal.id, Appeal.decider_id, person.gelar_depan, person.nama, person.gelar_belakang)
                .join(Evaluation, Evaluation.id == Appeal.evaluation_id).join(person, person.id == Appeal.employee_id)
                .where(Evaluation.phase_id == ctx.phase.id, Appeal.status == APPEAL_FILED,
                       Appeal.employee_id.in_(ids)))
        admins = None
        for appeal_id, decider_id, depan, nama, belakang in db.session.execute(stmt):
            params = {"sender": sender, "name": full_name(depan, nama, belakang)}
            if decider_id is not None:
                targets = [{"employee_id": decider_id}]
            else:
                if admins is None:
                    admins = list(db.session.scalars(select(User.id).where(User.role == ROLE_ADMIN,
                                                                           User.is_enabled.is_(True))))
                targets = [{"user_id": uid} for uid in admins]
            for target in targets:
                rows.append(row("pengingat.keberatan", subject=f"keberatan:{appeal_id}", occasion=occasion,
                                params=params, endpoint="evaluation.appeal", values={"appeal_id": appeal_id}, **target))
    elif who in ("pengembangan", "kegiatan"):
        kind = "pengingat.pengembangan" if who == "pengembangan" else "pengingat.kegiatan"
        subject = "rencana-pegawai" if who == "pengembangan" else "kegiatan-pegawai"
        for eid, *_rest in db.session.execute(base):
            rows.append(row(kind, subject=f"{subject}:{eid}:{ctx.year}", occasion=occasion,
                            params={"sender": sender, "year": ctx.year}, endpoint="development.mine",
                            employee_id=eid))
    elif who == "rencana_keputusan":
        stmt = (select(DevelopmentPlan.id, DevelopmentPlan.assessor_id, person.gelar_depan, person.nama,
                       person.gelar_belakang, person.id)
                .join(person, person.id == DevelopmentPlan.employee_id)
                .where(DevelopmentPlan.year == ctx.year, DevelopmentPlan.status == development_rules.PLAN_SUBMITTED,
                       person.id.in_(ids)))
        for plan_id, assessor_id, depan, nama, belakang, eid in db.session.execute(stmt):
            if assessor_id is None:
                skipped += 1
                continue
            rows.append(row("pengingat.rencana_keputusan", subject=f"rencana:{plan_id}", occasion=occasion,
                            params={"sender": sender, "name": full_name(depan, nama, belakang)},
                            endpoint="development.employee", values={"employee_id": eid}, employee_id=assessor_id))
    return rows, skipped


def _remind_360(actor, scope: Scope, ctx: Context, metric: Metric, today: dt.date, now: dt.datetime) -> Reminded:
    """One ReminderRound per employee and window (as the assessor's own Kirim pengingat): the raters see it on
    their open task and ``flask send-reminders`` e-mails every invited rater; nothing is written per rater. Only for
    employees whose window can still be answered, at most once a day each."""
    from portal.assessment import nomination_services
    from portal.core.timeutil import local_date

    frame, where = condition_of(scope, ctx, metric)
    subjects = list(db.session.scalars(frame.apply(select(Employee).select_from(Employee)).where(where)))
    result = Reminded()
    if not subjects:
        return result
    pairs = [(s.id, ctx.phase.id) for s in subjects]
    last = nomination_services.last_reminders(pairs)
    open_by_dates = ctx.phase.opens_on <= today <= ctx.phase.closes_on
    reopened = {} if open_by_dates else nomination_services.reopened_until([(ctx.phase, s) for s in subjects], today)
    rounds = []
    for subject in subjects:
        if not open_by_dates and (ctx.phase.id, subject.id) not in reopened:
            result.skipped += 1
            continue
        sent = last.get((subject.id, ctx.phase.id))
        if sent is not None and local_date(sent) == today:
            result.already += 1
            continue
        rounds.append({"subject_id": subject.id, "phase_id": ctx.phase.id, "sent_at": now,
                       "sent_by_id": getattr(actor, "id", None)})
    if rounds:
        db.session.execute(insert(ReminderRound), rounds)
        result.written = len(rounds)
        record(actor, "monitoring.remind_360", None, object_type="period_phase", object_id=ctx.phase.id,
               summary=_l("Pengingat 360 dikirim untuk %(n)s pegawai (%(scope)s, %(window)s)", n=len(rounds),
                               scope=scope.label, window=_window(ctx)))
    db.session.flush()
    return result


def remind(actor, scope: Scope, ctx: Context, metric: Metric, *, today: dt.date, now: dt.datetime) -> Reminded:
    """A reminder to everyone behind the number (not only the page shown): to the people themselves, or to whoever
    must act for them (the assessor, the appeal's decider). Once a day per person and thing: a second click on the
    same day writes nothing."""
    if not can_remind(actor):
        abort(403)
    if metric.reminder is None or not ready(metric, ctx):
        abort(404)
    if metric.reminder == "360":
        return _remind_360(actor, scope, ctx, metric, today, now)
    rows, skipped = _reminder_rows(actor, scope, ctx, metric, today)
    for item in rows:
        item["created_at"] = now
    written = notification_services.bulk_notify(rows)
    result = Reminded(written=written, already=len({r["dedupe"] for r in rows}) - written, skipped=skipped)
    if written:
        record(actor, "monitoring.remind", None, object_type="metric", object_id=metric.key,
               summary=_l("Pengingat \u201c%(metric)s\u201d dikirim: %(n)s notifikasi (%(scope)s)",
                               metric=str(metric.label), n=written, scope=scope.label))
    db.session.flush()
    return result

