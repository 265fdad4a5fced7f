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
# Metrics: conditions on an employee


def _approved(period_id) -> select:
    return select(Skp.employee_id).where(Skp.period_id == period_id, Skp.status == STATUS_APPROVED)


def _current(ctx: Context, statuses) -> select:
    return select(Skp.employee_id).where(Skp.period_id == ctx.period.id, Skp.is_current.is_(True),
                                         Skp.status.in_(statuses))


def _any_skp(ctx: Context) -> select:
    return select(Skp.employee_id).where(Skp.period_id == ctx.period.id)


def _self_submitted(ctx: Context) -> select:
    return select(SelfAssessment.employee_id).where(SelfAssessment.phase_id == ctx.phase.id,
                                                    SelfAssessment.status == SELF_SUBMITTED)


def _invited(ctx: Context) -> select:
    return select(RaterNomination.subject_id).where(RaterNomination.phase_id == ctx.phase.id,
                                                    RaterNomination.status == NOMINATION_INVITED)


def _enough_answers(ctx: Context) -> select:
    """Employees with at least the threshold of 360 answers (the first step of the band: no exact count)."""
    return (select(FeedbackBucket.subject_id).where(FeedbackBucket.phase_id == ctx.phase.id)
            .group_by(FeedbackBucket.subject_id).having(func.sum(FeedbackBucket.responses) >= ctx.threshold))


def _finalised(ctx: Context) -> select:
    return select(Evaluation.employee_id).where(Evaluation.phase_id == ctx.phase.id,
                                                Evaluation.status.in_(FINALISED))


def _unacknowledged(ctx: Context) -> select:
    return (select(Evaluation.employee_id).join(EvaluationDocument, EvaluationDocument.evaluation_id == Evaluation.id)
            .where(Evaluation.phase_id == ctx.phase.id, Evaluation.status == RELEASED,
                   EvaluationDocument.superseded_at.is_(None), EvaluationDocument.received_on.is_(None)))


def _open_appeals(ctx: Context) -> select:
    return (select(Evaluation.employee_id).join(Appeal, Appeal.evaluation_id == Evaluation.id)
            .where(Evaluation.phase_id == ctx.phase.id, Appeal.status == APPEAL_FILED))


def _predikat(code: str) -> Callable[[Context], object]:
    def condition(ctx: Context):
        return Employee.id.in_(select(Evaluation.employee_id).where(
            Evaluation.phase_id == ctx.phase.id, Evaluation.status.in_(FINALISED), Evaluation.predikat == code))
    return condition


def _jp(year: int):
    """JP per employee in ``year``: done (completed items, counted in the year they were completed) and committed
    (approved or running items of the year's plan, not carried to a later one) - the arithmetic of
    portal.development.rules.jp_totals, as the development area writes it in SQL, for everyone at once."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_year = DevelopmentItem.completed_on.between(first, last)
    done = case((and_(DevelopmentItem.status == development_rules.DONE, in_year),
                 func.coalesce(DevelopmentItem.actual_jp, 0)), else_=0)
    committed = case((and_(DevelopmentItem.year == year,
                           DevelopmentItem.status.in_((development_rules.APPROVED, development_rules.RUNNING)),
                           DevelopmentItem.carried_to_id.is_(None)), DevelopmentItem.planned_jp), else_=0)
    return (select(DevelopmentItem.employee_id.label("employee_id"), func.sum(done).label("done"),
                   func.sum(committed).label("committed"))
            .where(or_(DevelopmentItem.year == year, in_year)).group_by(DevelopmentItem.employee_id).subquery())


def _reached(ctx: Context) -> select:
    jp = _jp(ctx.year)
    return select(jp.c.employee_id).where(jp.c.done >= development_rules.TARGET_JP)


def _on_track(ctx: Context) -> select:
    """Done plus approved-but-unfinished JP reach 20 (the development area's yardstick)."""
    jp = _jp(ctx.year)
    return select(jp.c.employee_id).where(jp.c.done + jp.c.committed >= development_rules.TARGET_JP)


def _plans(ctx: Context, *statuses) -> select:
    stmt = select(DevelopmentPlan.employee_id).where(DevelopmentPlan.year == ctx.year)
    return stmt.where(DevelopmentPlan.status.in_(statuses)) if statuses else stmt


def _late_items(ctx: Context) -> select:
    return select(DevelopmentItem.employee_id).where(
        DevelopmentItem.status.in_((development_rules.APPROVED, development_rules.RUNNING)),
        DevelopmentItem.ends_on < ctx.today, DevelopmentItem.carried_to_id.is_(None))


@dataclass(frozen=True)
class Metric:
    key: str
    label: object
    needs: str  # "period", "phase" or "year": what the context must hold
    condition: Callable[[Context], object]
    reminder: str | None = None  # who is reminded (see REMINDERS), None: a list of what is done
    evaluation_based: bool = False  # counted by the evaluation's unit (Kurva, trends)


E = Employee
METRICS: dict[str, Metric] = {m.key: m for m in (
    Metric("pegawai", _l("Pegawai"), "", lambda ctx: E.id.is_not(None)),
    Metric("skp_belum", _l("Belum membuat SKP"), "period", lambda ctx: E.id.not_in(_any_skp(ctx)), "skp"),
    Metric("skp_draf", _l("SKP draf atau dikembalikan"), "period",
           lambda ctx: and_(E.id.in_(_current(ctx, (STATUS_DRAFT, STATUS_RETURNED))),
                            E.id.not_in(_approved(ctx.period.id))), "skp"),
    Metric("skp_diajukan", _l("SKP menunggu persetujuan"), "period",
           lambda ctx: and_(E.id.in_(_current(ctx, (STATUS_SUBMITTED,))), E.id.not_in(_approved(ctx.period.id))),
           "skp_keputusan"),
    Metric("skp_disetujui", _l("SKP disetujui"), "period", lambda ctx: E.id.in_(_approved(ctx.period.id))),
    Metric("diri_selesai", _l("Penilaian diri diajukan"), "phase", lambda ctx: E.id.in_(_self_submitted(ctx))),
    Metric("diri_belum", _l("Penilaian diri belum diajukan"), "phase",
           lambda ctx: and_(E.id.in_(_approved(ctx.phase.period_id)), E.id.not_in(_self_submitted(ctx))),
           "penilaian_diri"),
    Metric("r360_diundang", _l("360: penilai sudah diundang"), "phase", lambda ctx: E.id.in_(_invited(ctx))),
    Metric("r360_cukup", _l("360: jawaban mencapai ambang"), "phase", lambda ctx: E.id.in_(_enough_answers(ctx))),
    Metric("r360_kurang", _l("360: jawaban belum mencapai ambang"), "phase",
           lambda ctx: and_(E.id.in_(_invited(ctx)), E.id.not_in(_enough_answers(ctx))), "360"),
    Metric("evaluasi_final", _l("Evaluasi final"), "phase", lambda ctx: E.id.in_(_finalised(ctx))),
    Metric("evaluasi_belum", _l("Evaluasi belum final"), "phase",
           lambda ctx: and_(E.id.in_(_approved(ctx.phase.period_id)), E.id.not_in(_finalised(ctx))), "evaluasi"),
    Metric("dokumen_belum", _l("Dokumen belum dikonfirmasi diterima"), "phase",
           lambda ctx: E.id.in_(_unacknowledged(ctx)), "dokumen"),
    Metric("keberatan_terbuka", _l("Keberatan belum diputuskan"), "phase",
           lambda ctx: E.id.in_(_open_appeals(ctx)), "keberatan"),
    *(Metric(f"predikat_{code}", label, "phase", _predikat(code), evaluation_based=True)
      for code, label in (
          (evaluation_rules.SANGAT_BAIK, _l("Sangat Baik")), (evaluation_rules.BAIK, _l("Baik")),
          (evaluation_rules.BUTUH_PERBAIKAN, _l("Butuh Perbaikan")),
          (evaluation_rules.KURANG, _l("Kurang/Misconduct")), (evaluation_rules.SANGAT_KURANG, _l("Sangat Kurang")))),
    Metric("jp_tercapai", _l("20 JP tercapai"), "year", lambda ctx: E.id.in_(_reached(ctx))),
    Metric("jp_on_track", _l("Menuju 20 JP (disetujui)"), "year",
           lambda ctx: and_(E.id.in_(_on_track(ctx)), E.id.not_in(_reached(ctx)))),
    Metric("jp_kurang", _l("Belum menuju 20 JP"), "year", lambda ctx: E.id.not_in(_on_track(ctx)), "pengembangan"),
    Metric("rencana_tanpa", _l("Tanpa rencana pengembangan"), "year", lambda ctx: E.id.not_in(_plans(ctx)),
           "pengembangan"),
    Metric("rencana_menunggu", _l("Rencana menunggu keputusan"), "year",
           lambda ctx: E.id.in_(_plans(ctx, development_rules.PLAN_SUBMITTED)), "rencana_keputusan"),
    Metric("kegiatan_terlambat", _l("Kegiatan melewati jadwal"), "year", lambda ctx: E.id.in_(_late_items(ctx)),
           "kegiatan"),
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


# ---------------------------------------------------------------------------------------------------------
# Counting per unit, and the rows of a dashboard


def employee_counts(scope: Scope, ctx: Context, keys: tuple[str, ...]) -> dict[int, dict[str, int]]:
    """{unit id: {"pegawai": n, key: n, ...}} for the active employees of the scope: one GROUP BY statement."""
    columns = [func.count(Employee.id).label("pegawai")]
    keys = tuple(k for k in keys if ready(METRICS[k], ctx))
    for key in keys:
        columns.append(func.sum(case((METRICS[key].condition(ctx), 1), else_=0)))
    rows = db.session.execute(select(Employee.unit_id, *columns).where(scope.on_employee())
                              .group_by(Employee.unit_id)).all()
    return {row[0]: {"pegawai": row[1], **{k: int(v or 0) for k, v in zip(keys, row[2:], strict=True)}}
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
        where = Employee.id.in_(evaluated)
    else:
        where = and_(scope.on_employee(), metric.condition(ctx))
    return (select(Employee).where(where)
            .options(joinedload(Employee.unit), joinedload(Employee.position), joinedload(Employee.golongan),
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
        jp = _jp(ctx.year)
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
    ids = select(Employee.id).where(scope.on_employee(), metric.condition(ctx))
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

    subjects = list(db.session.scalars(select(Employee).where(scope.on_employee(), metric.condition(ctx))))
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
               summary=gettext("Pengingat 360 dikirim untuk %(n)s pegawai (%(scope)s, %(window)s)", n=len(rounds),
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
               summary=gettext("Pengingat \u201c%(metric)s\u201d dikirim: %(n)s notifikasi (%(scope)s)",
                               metric=str(metric.label), n=written, scope=scope.label))
    db.session.flush()
    return result

