"""Penilaian diri: the employee's own assessment in one evaluation window (periodic or annual).

Per RHK a summary of realisation against target (prefilled from the year's Realisasi and Bukti Dukung, editable)
with the employee's own Rating Hasil Kerja and a short justification; per BerAKHLAK behaviour guide a 1-5
self-rating on the portal's one scale (portal.assessment.scale); per BerAKHLAK value one optional example (stored
on the row of the value's first guide; examples written per guide before are merged into it on the next save);
an overall reflection. Policy of this portal (the regulation is silent):
- opening the form writes nothing: the draft is created by the first save (autosave or "Simpan draf");
- a draft is saved as often as the employee likes (autosave); saving unchanged data changes nothing; every valid
  answer is saved even when another one is refused (a text over its limit), which stays as it was and is reported
  at its field - an autosave never loses the other answers;
- submitting locks it; the assessor may return it ONCE for completion, with a note; the employee completes and
  resubmits; a second return is refused;
- the employee edits while the window is open for them (or reopened by BKPSDM); a returned self-assessment may be
  completed even after the window closed, or the return would be a dead end.
Services flush, never commit, and write an audit row for every change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import LazyString, format_decimal, gettext, lazy_gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from portal.assessment import common, scale
from portal.assessment.models import (
    RATING_ABOVE,
    RATING_AS_EXPECTED,
    RATING_BELOW,
    RATINGS,
    SELF_DRAFT,
    SELF_RETURNED,
    SELF_SUBMITTED,
    QuestionnaireItem,
    SelfAssessment,
    SelfBehaviourRating,
    SelfResultRating,
)
from portal.core.audit import record
from portal.core.errors import ConflictError, DomainError, check_version
from portal.core.textlimits import length_error, normalise
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.org.models import Employee
from portal.periods import services as period_services
from portal.periods.models import PHASE_PERIODIC, Period, PeriodPhase, PhaseReopening
from portal.progress import rules as progress_rules
from portal.progress.models import Evidence, Realisation
from portal.skp.berakhlak import BERAKHLAK, BY_CODE
from portal.skp.models import STATUS_APPROVED, Indicator, ResultPlan, Skp

SUMMARY_MAX = 4000
JUSTIFICATION_MAX = 1000
EXAMPLE_MAX = 1000
REFLECTION_MAX = 4000
NOTE_MAX = 2000
_AUDIT_TEXT = 160

RATING_LABELS = {
    RATING_ABOVE: lazy_gettext("Di Atas Ekspektasi"),
    RATING_AS_EXPECTED: lazy_gettext("Sesuai Ekspektasi"),
    RATING_BELOW: lazy_gettext("Di Bawah Ekspektasi"),
}
STATE_NOT_STARTED = "belum_dimulai"
STATE_LABELS = {
    STATE_NOT_STARTED: lazy_gettext("belum dimulai"),
    SELF_DRAFT: lazy_gettext("draf"),
    SELF_SUBMITTED: lazy_gettext("diajukan"),
    SELF_RETURNED: lazy_gettext("dikembalikan"),
}
REFLECTION_FIELDS = ("achievements", "obstacles", "support_needed")


class IncompleteError(DomainError):
    """Submission refused: ``missing`` lists (anchor, text) of what still has to be filled in."""

    def __init__(self, missing: list[tuple[str, str]]):
        super().__init__(gettext("Penilaian diri belum lengkap; lengkapi isian yang ditandai lalu ajukan lagi."))
        self.missing = missing


# ---------------------------------------------------------------------------------------------------------
# Queries


def _approved(what, employee: Employee, period: Period):
    return (select(what).where(Skp.employee_id == employee.id, Skp.period_id == period.id,
                               Skp.status == STATUS_APPROVED)
            .order_by(Skp.is_current.desc(), Skp.number.desc()).limit(1))


def approved_skp(employee: Employee, period: Period) -> Skp | None:
    """The approved SKP of the year: the current one, or while a revision is being drafted the approved one."""
    return db.session.scalar(_approved(Skp, employee, period)
                             .options(selectinload(Skp.result_plans).selectinload(ResultPlan.indicators)))


def approved_skp_id(employee: Employee, period: Period) -> int | None:
    """The id of ``approved_skp`` in one light query (no RHK loaded)."""
    return db.session.scalar(_approved(Skp.id, employee, period))


def find_self_assessment(employee: Employee, phase: PeriodPhase) -> SelfAssessment | None:
    return db.session.scalar(
        select(SelfAssessment).where(SelfAssessment.employee_id == employee.id, SelfAssessment.phase_id == phase.id)
        .options(selectinload(SelfAssessment.result_ratings), selectinload(SelfAssessment.behaviour_ratings)))


def load_self_assessment(sa_id: int) -> SelfAssessment | None:
    return db.session.scalar(
        select(SelfAssessment).where(SelfAssessment.id == sa_id)
        .options(selectinload(SelfAssessment.result_ratings), selectinload(SelfAssessment.behaviour_ratings)))


def self_assessments_of(employee: Employee, phases: list[PeriodPhase]) -> dict[int, SelfAssessment]:
    if not phases:
        return {}
    rows = db.session.scalars(select(SelfAssessment).where(
        SelfAssessment.employee_id == employee.id, SelfAssessment.phase_id.in_([p.id for p in phases])))
    return {sa.phase_id: sa for sa in rows}


def open_window_ids(phases: list[PeriodPhase], employee: Employee, today: dt.date) -> set[int]:
    """The windows open for the employee today (inside their dates or reopened for them), in one query at most."""
    result = {p.id for p in phases if p.is_open_on(today)}
    closed = [p.id for p in phases if today > p.closes_on]
    if closed:
        unit_ids = [*employee.unit.ancestor_ids, employee.unit_id]
        result |= set(db.session.scalars(select(PhaseReopening.phase_id).where(
            PhaseReopening.phase_id.in_(closed), PhaseReopening.until >= today,
            or_(PhaseReopening.employee_id == employee.id, PhaseReopening.unit_id.in_(unit_ids)))))
    return result


def pending_windows(employee: Employee, period: Period, today: dt.date) -> list[PeriodPhase]:
    """The evaluation windows open for the employee today whose self-assessment is not submitted yet (the
    dashboard's list and the menu's count; three queries at most)."""
    windows = common.windows(period)
    open_ids = open_window_ids(windows, employee, today)
    opened = [w for w in windows if w.id in open_ids]
    states = self_assessments_of(employee, opened)
    return [w for w in opened if state_of(states.get(w.id)) != SELF_SUBMITTED]


def pending_count_stmt(employee_id, period_id, today):
    """pending_windows as one count query (the menu builds it once with bind parameters): windows of the period
    open for the employee today - inside their dates, or reopened for them or a unit above them - whose
    self-assessment is not submitted."""
    from sqlalchemy.orm import aliased

    from portal.org.models import Unit

    own_unit, reopened_unit = aliased(Unit), aliased(Unit)
    own_path = (select(own_unit.path).join(Employee, Employee.unit_id == own_unit.id)
                .where(Employee.id == employee_id).scalar_subquery())
    reopened = (select(PhaseReopening.id).outerjoin(reopened_unit, reopened_unit.id == PhaseReopening.unit_id)
                .where(PhaseReopening.phase_id == PeriodPhase.id, PhaseReopening.until >= today,
                       or_(PhaseReopening.employee_id == employee_id, own_path.startswith(reopened_unit.path)))
                .exists())
    submitted = (select(SelfAssessment.id)
                 .where(SelfAssessment.phase_id == PeriodPhase.id, SelfAssessment.employee_id == employee_id,
                        SelfAssessment.status == SELF_SUBMITTED)
                 .exists())
    return select(func.count(PeriodPhase.id)).where(
        PeriodPhase.period_id == period_id, PeriodPhase.kind.in_(common.WINDOW_KINDS), PeriodPhase.opens_on <= today,
        or_(PeriodPhase.closes_on >= today, reopened), ~submitted)


def state_of(sa: SelfAssessment | None) -> str:
    return sa.status if sa is not None else STATE_NOT_STARTED


def last_sub_period(phase: PeriodPhase) -> int:
    """The sub-periods a window looks back on: up to its own (periodic), the whole year (annual)."""
    if phase.kind == PHASE_PERIODIC:
        return phase.seq
    return phase.period.sub_period_count


# ---------------------------------------------------------------------------------------------------------
# Permissions (views and templates use the same predicates)


def is_owner(user, sa: SelfAssessment) -> bool:
    return user.is_authenticated and user.employee_id is not None and user.employee_id == sa.employee_id


def can_write(user) -> bool:
    return user.is_authenticated and user.employee_id is not None and not user.is_auditor


def can_edit(user, sa: SelfAssessment, today: dt.date) -> bool:
    """The owner, on a draft while the window is open for them, or on a returned one (to complete it)."""
    if not (can_write(user) and is_owner(user, sa)):
        return False
    if sa.status == SELF_RETURNED:
        return True
    return sa.status == SELF_DRAFT and common.window_open_for(sa.phase, sa.employee, today)


def can_view(user, sa: SelfAssessment) -> bool:
    """The employee, the assessor, the reporting chain and unit heads above (org permissions), admin, auditor."""
    if not user.is_authenticated:
        return False
    if is_owner(user, sa) or user.can_read_all or common.is_assessor_of(user, sa.employee):
        return True
    return org_perms.can_view_employee(user, sa.employee)


def content_visible(user, sa: SelfAssessment) -> bool:
    """A draft is the employee's own work in progress: others see its content once it has been submitted."""
    return is_owner(user, sa) or sa.status != SELF_DRAFT


def can_return(user, sa: SelfAssessment) -> bool:
    """Return for completion: the assessor, once, on a submitted self-assessment."""
    return (can_write(user) and common.is_assessor_of(user, sa.employee) and sa.status == SELF_SUBMITTED
            and sa.returned_count == 0)


# ---------------------------------------------------------------------------------------------------------
# The sheet: what the form and the read view show, in a fixed number of queries


@dataclass
class IndicatorFacts:
    indicator: Indicator
    realisations: list[tuple[str, Realisation]]
    evidence: int


@dataclass
class ResultRow:
    rhk: ResultPlan
    rating: SelfResultRating
    facts: list[IndicatorFacts]
    number: int


@dataclass
class BehaviourRow:
    item: QuestionnaireItem
    rating: SelfBehaviourRating
    number: int


@dataclass
class ValueGroup:
    code: str
    name: str
    rows: list[BehaviourRow] = field(default_factory=list)

    @property
    def example(self) -> str:
        """The value's one example: the first guide's, with any written per guide before (merged, not lost)."""
        return "\n\n".join(row.rating.example for row in self.rows if (row.rating.example or "").strip())


@dataclass
class Sheet:
    sa: SelfAssessment
    skp: Skp
    phase: PeriodPhase
    rows: list[ResultRow]
    values: list[ValueGroup]
    upto: int


def _facts(skp: Skp, upto: int) -> dict[int, IndicatorFacts]:
    """Per indicator: the Realisasi of sub-periods 1..upto and the number of Bukti Dukung (two queries)."""
    indicators = [i for rhk in skp.result_plans for i in rhk.indicators]
    ids = [i.id for i in indicators]
    realisations: list[Realisation] = []
    evidence: dict[int, int] = {}
    if ids:
        realisations = list(db.session.scalars(
            select(Realisation).where(Realisation.indicator_id.in_(ids), Realisation.sub_period <= upto)
            .order_by(Realisation.indicator_id, Realisation.sub_period)))
        evidence = dict(db.session.execute(
            select(Realisation.indicator_id, func.count(Evidence.id))
            .join(Evidence, Evidence.realisation_id == Realisation.id)
            .where(Realisation.indicator_id.in_(ids), Realisation.sub_period <= upto)
            .group_by(Realisation.indicator_id)).all())
    frequency = skp.period.frequency
    by_indicator: dict[int, IndicatorFacts] = {i.id: IndicatorFacts(i, [], evidence.get(i.id, 0)) for i in indicators}
    for realisation in realisations:
        label = gettext(progress_rules.sub_period_label(frequency, realisation.sub_period))
        by_indicator[realisation.indicator_id].realisations.append((label, realisation))
    return by_indicator


def target_text(indicator: Indicator) -> str:
    parts = []
    if indicator.target_number is not None:
        parts.append(f"{format_decimal(indicator.target_number)} {indicator.target_unit}".strip())
    if indicator.target_text:
        parts.append(indicator.target_text)
    return " - ".join(parts) or "-"


def realisation_text(realisation: Realisation, indicator: Indicator) -> str:
    parts = []
    if realisation.number is not None:
        parts.append(f"{format_decimal(realisation.number)} {indicator.target_unit}".strip())
    if realisation.text:
        parts.append(realisation.text)
    return " - ".join(parts)


def prefill_summary(facts: list[IndicatorFacts]) -> str:
    """The starting text of an RHK's summary: per indicator its target, the realisations so far, the evidence."""
    blocks = []
    for fact in facts:
        lines = [gettext("Indikator: %(text)s", text=fact.indicator.text),
                 gettext("Target: %(target)s", target=target_text(fact.indicator))]
        if fact.realisations:
            lines.extend(gettext("Realisasi %(label)s: %(text)s", label=label,
                                 text=realisation_text(r, fact.indicator)) for label, r in fact.realisations)
        else:
            lines.append(gettext("Realisasi: belum diisi"))
        lines.append(gettext("Bukti dukung: %(n)s", n=fact.evidence))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)[:SUMMARY_MAX]


def build_sheet(sa: SelfAssessment, items: list[QuestionnaireItem] | None = None) -> Sheet:
    phase = sa.phase
    skp = db.session.scalar(select(Skp).where(Skp.id == sa.skp_id).options(
        selectinload(Skp.result_plans).selectinload(ResultPlan.indicators)))
    upto = last_sub_period(phase)
    facts = _facts(skp, upto)
    ratings = {r.result_plan_id: r for r in sa.result_ratings}
    rows = []
    for rhk in skp.result_plans:
        if rhk.id in ratings:
            rows.append(ResultRow(rhk, ratings[rhk.id], [facts[i.id] for i in rhk.indicators], len(rows) + 1))
    items = items if items is not None else common.ensure_items(phase.period)
    behaviour = {r.item_id: r for r in sa.behaviour_ratings}
    groups: dict[str, ValueGroup] = {v.code: ValueGroup(v.code, v.name) for v in BERAKHLAK}
    for item in items:
        if item.id not in behaviour:
            continue
        group = groups.setdefault(item.value_code, ValueGroup(item.value_code, item.value_code))
        group.rows.append(BehaviourRow(item, behaviour[item.id], item.guide_index + 1))
    return Sheet(sa, skp, phase, rows, [g for g in groups.values() if g.rows], upto)


# ---------------------------------------------------------------------------------------------------------
# Changes


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > _AUDIT_TEXT:
        return value[:_AUDIT_TEXT] + "…"
    return value


def _sync_rows(sa: SelfAssessment, skp: Skp, items: list[QuestionnaireItem]) -> int:
    """One result row per RHK of ``skp`` (rows of an earlier version follow their RHK through ``origin_id``) and
    one behaviour row per questionnaire item. Returns the number of rows added, moved or removed."""
    touched = 0
    rhk_ids = {rhk.id for rhk in skp.result_plans}
    successor = {rhk.origin_id: rhk.id for rhk in skp.result_plans if rhk.origin_id}
    have = set()
    for rating in list(sa.result_ratings):
        if rating.result_plan_id in rhk_ids and rating.result_plan_id not in have:
            have.add(rating.result_plan_id)
            continue
        new_id = successor.get(rating.result_plan_id)
        if new_id is not None and new_id not in have:
            rating.result_plan_id = new_id
            have.add(new_id)
        else:
            sa.result_ratings.remove(rating)
        touched += 1
    missing = [rhk for rhk in skp.result_plans if rhk.id not in have]
    if missing:
        facts = _facts(skp, last_sub_period(sa.phase))
        for rhk in missing:
            summary = prefill_summary([facts[i.id] for i in rhk.indicators])
            sa.result_ratings.append(SelfResultRating(result_plan_id=rhk.id, summary=summary, rating=None,
                                                      justification=""))
            touched += 1
    scored = {r.item_id for r in sa.behaviour_ratings}
    for item in items:
        if item.id not in scored:
            sa.behaviour_ratings.append(SelfBehaviourRating(item_id=item.id, score=None, example=""))
            touched += 1
    sa.skp_id = skp.id
    return touched


def _startable_skp(actor, employee: Employee, phase: PeriodPhase, today: dt.date) -> Skp:
    """The approved SKP a new self-assessment rates; DomainError when the actor may not start one now."""
    if not can_write(actor) or actor.employee_id != employee.id:
        raise DomainError(gettext("Hanya pegawai yang bersangkutan yang dapat mengisi penilaian dirinya."))
    if not common.window_open_for(phase, employee, today):
        raise DomainError(gettext("Masa penilaian ini tidak sedang dibuka."))
    skp = approved_skp(employee, phase.period)
    if skp is None:
        raise DomainError(gettext("Belum ada SKP yang disetujui untuk tahun ini; belum ada yang dapat dinilai."))
    return skp


def _new_self_assessment(employee: Employee, phase: PeriodPhase, skp: Skp) -> SelfAssessment:
    sa = SelfAssessment(employee_id=employee.id, phase_id=phase.id, skp_id=skp.id, status=SELF_DRAFT,
                        achievements="", obstacles="", support_needed="", returned_count=0, return_note="")
    sa.employee = employee
    sa.phase = phase
    _sync_rows(sa, skp, common.ensure_items(phase.period))
    return sa


def prefilled_self_assessment(actor, employee: Employee, phase: PeriodPhase, today: dt.date) -> SelfAssessment:
    """The employee's self-assessment for a window as it would start, prefilled from the year's records, and NOT
    added to the database: the form shows it before the first save, so opening the page writes nothing."""
    return _new_self_assessment(employee, phase, _startable_skp(actor, employee, phase, today))


def start_self_assessment(actor, employee: Employee, phase: PeriodPhase, today: dt.date) -> SelfAssessment:
    """Create the employee's self-assessment for a window (by its first save), prefilled from the year's records.
    An existing one is returned as it is."""
    skp = _startable_skp(actor, employee, phase, today)
    existing = find_self_assessment(employee, phase)
    if existing is not None:
        return existing
    sa = _new_self_assessment(employee, phase, skp)
    db.session.add(sa)
    db.session.flush()
    record(actor, "self_assessment.create", sa,
           summary=_l("Penilaian diri %(window)s dimulai", window=LazyString(period_services.phase_label, phase)),
           changes={"skp_id": [None, skp.id], "rhk": [None, len(sa.result_ratings)]})
    return sa


def follow_revision(actor, sa: SelfAssessment, today: dt.date) -> bool:
    """While the self-assessment is editable, keep it on the employee's approved SKP: after an approved revision
    its rows move to the new RHK (prefilled for new RHK, dropped for removed ones)."""
    if not can_edit(actor, sa, today):
        return False
    if approved_skp_id(sa.employee, sa.phase.period) in (None, sa.skp_id):
        return False  # the usual case, seen without loading the SKP's RHK
    skp = approved_skp(sa.employee, sa.phase.period)
    if skp is None or skp.id == sa.skp_id:
        return False  # approved or withdrawn in between the two queries
    old = sa.skp_id
    _sync_rows(sa, skp, common.ensure_items(sa.phase.period))
    db.session.flush()
    record(actor, "self_assessment.follow_revision", sa,
           summary=_l("Penilaian diri mengikuti SKP versi %(v)s", v=skp.number), changes={"skp_id": [old, skp.id]})
    return True


def _score(value: Any) -> int | None:
    """A posted 1-5 self-rating; None when none is chosen; ValueError for anything else."""
    if value in (None, ""):
        return None
    score = int(value)
    if score not in scale.SCORES:
        raise ValueError(value)
    return score


@dataclass
class DraftSave:
    """What save_draft did: whether anything changed, and the fields it refused (form field name -> message),
    which it left as they were."""

    changed: bool
    errors: dict[str, str] = field(default_factory=dict)


def example_field(value_code: str) -> str:
    return f"value-{value_code}-example"


def save_draft(actor, sa: SelfAssessment, data: Mapping[str, Any], *, version, today: dt.date,
               now: dt.datetime) -> DraftSave:
    """Save what the employee filled in. ``data``: the reflection fields, ``results`` {rhk_id: {summary, rating,
    justification}}, ``behaviours`` {item_id: {score}} and ``examples`` {value code: text}; what is not in
    ``data`` is left alone. Optimistic locking on the self-assessment's version.

    Every valid answer is saved; an invalid one (a text over its limit, a rating that does not exist) is left as it
    was and reported in ``errors`` under its form field name - one over-long text must not cost the employee the
    other answers of an autosave. Nothing is cut. Nothing changes (and no audit row) when nothing changed."""
    if not can_edit(actor, sa, today):
        raise DomainError(gettext("Penilaian diri ini tidak dapat diubah lagi."))
    check_version(sa, version)
    errors: dict[str, str] = {}
    updates: list[tuple[Any, str, Any, str]] = []  # (row, attribute, new value, audit key)

    def text(value: Any, limit: int, name: str) -> str | None:
        message = length_error(value, limit)
        if message:
            errors[name] = message
            return None
        return normalise(value).strip()

    for name in REFLECTION_FIELDS:
        if name in data:
            value = text(data[name], REFLECTION_MAX, name)
            if value is not None:
                updates.append((sa, name, value, name))
    results = data.get("results") or {}
    for rating in sa.result_ratings:
        row = results.get(rating.result_plan_id)
        if row is None:
            continue
        prefix = f"rhk-{rating.result_plan_id}"
        for key, limit in (("summary", SUMMARY_MAX), ("justification", JUSTIFICATION_MAX)):
            if key in row:
                value = text(row[key], limit, f"{prefix}-{key}")
                if value is not None:
                    updates.append((rating, key, value, f"{prefix}.{key}"))
        if "rating" in row:
            chosen = row["rating"] or None
            if chosen is not None and chosen not in RATINGS:
                errors[f"{prefix}-rating"] = gettext("Pilihan rating tidak dikenal.")
            else:
                updates.append((rating, "rating", chosen, f"{prefix}.rating"))
    behaviours = data.get("behaviours") or {}
    for rating in sa.behaviour_ratings:
        row = behaviours.get(rating.item_id)
        if row is None or "score" not in row:
            continue
        try:
            updates.append((rating, "score", _score(row["score"]), f"item-{rating.item_id}.score"))
        except (TypeError, ValueError):
            errors[f"item-{rating.item_id}-score"] = gettext("Nilai perilaku harus 1 sampai 5.")
    examples = data.get("examples") or {}
    if examples:
        by_value = _rows_by_value(sa)
        for code, value in examples.items():
            rows = by_value.get(code)
            if not rows:
                continue
            clean = text(value, EXAMPLE_MAX, example_field(code))
            if clean is None:
                continue
            # One example per value, on its first guide's row; examples written per guide before are merged into
            # the text the form showed, so clearing the other rows loses nothing.
            updates.append((rows[0], "example", clean, f"{code}.example"))
            updates.extend((other, "example", "", f"item-{other.item_id}.example") for other in rows[1:])
    changes: dict[str, list[Any]] = {}
    for row, attribute, value, key in updates:
        if getattr(row, attribute) != value:
            changes[key] = [_short(getattr(row, attribute)), _short(value)]
            setattr(row, attribute, value)
    if not changes:
        return DraftSave(False, errors)
    sa.updated_at = now  # the row changes, so its version moves on with every effective save
    db.session.flush()
    record(actor, "self_assessment.save", sa, summary=_l("Draf penilaian diri disimpan (%(n)s isian)",
                                                         n=len(changes)), changes=changes, now=now)
    return DraftSave(True, errors)


def _rows_by_value(sa: SelfAssessment) -> dict[str, list[SelfBehaviourRating]]:
    """The behaviour rows of each BerAKHLAK value, in guide order (one query for the period's items)."""
    items = {item.id: item for item in common.ensure_items(sa.phase.period)}
    result: dict[str, list[SelfBehaviourRating]] = {}
    for rating in sorted(sa.behaviour_ratings, key=lambda r: (items[r.item_id].guide_index if r.item_id in items
                                                              else 99, r.item_id)):
        item = items.get(rating.item_id)
        if item is not None:
            result.setdefault(item.value_code, []).append(rating)
    return result


def missing_items(sheet: Sheet) -> list[tuple[str, str]]:
    """What submission still needs: every RHK rated with a justification, every behaviour guide scored."""
    missing = []
    for row in sheet.rows:
        anchor = f"rhk-{row.rhk.id}"
        if row.rating.rating is None:
            missing.append((anchor, gettext("RHK %(n)s: rating belum dipilih", n=row.number)))
        if not row.rating.justification.strip():
            missing.append((anchor, gettext("RHK %(n)s: alasan belum diisi", n=row.number)))
    for group in sheet.values:
        name = BY_CODE[group.code].name if group.code in BY_CODE else group.code
        for row in group.rows:
            if row.rating.score is None:
                missing.append((f"item-{row.item.id}", gettext("%(value)s, pedoman %(n)s: nilai belum dipilih",
                                                               value=name, n=row.number)))
    return missing


def submit_self_assessment(actor, sa: SelfAssessment, *, today: dt.date, now: dt.datetime,
                           version=None) -> SelfAssessment:
    """Ajukan: complete or refused with the list of what is missing (IncompleteError); then locked."""
    if not can_edit(actor, sa, today):
        raise DomainError(gettext("Penilaian diri ini tidak dapat diajukan."))
    if version is not None:
        check_version(sa, version)
    missing = missing_items(build_sheet(sa))
    if missing:
        raise IncompleteError(missing)
    old = sa.status
    sa.status = SELF_SUBMITTED
    sa.submitted_at = now
    db.session.flush()
    record(actor, "self_assessment.submit", sa, summary=_l("Penilaian diri diajukan"),
           changes={"status": [old, SELF_SUBMITTED]}, now=now)
    return sa


def return_self_assessment(actor, sa: SelfAssessment, note: str | None, *, version, now: dt.datetime
                           ) -> SelfAssessment:
    """Kembalikan untuk dilengkapi: by the assessor, once, with a note shown to the employee."""
    if not (can_write(actor) and common.is_assessor_of(actor, sa.employee)):
        raise DomainError(gettext("Hanya Pejabat Penilai Kinerja yang dapat mengembalikan penilaian diri."))
    if sa.status == SELF_RETURNED:  # returned a moment ago (another tab, a double click)
        raise ConflictError(gettext("Penilaian diri ini sudah dikembalikan kepada pegawai untuk dilengkapi. Tidak ada "
                                    "yang diubah."))
    check_version(sa, version)
    if sa.returned_count >= 1:
        raise DomainError(gettext("Penilaian diri hanya dapat dikembalikan satu kali, dan sudah pernah "
                                  "dikembalikan."))
    if sa.status != SELF_SUBMITTED:
        raise DomainError(gettext("Hanya penilaian diri yang sudah diajukan yang dapat dikembalikan."))
    clean = (note or "").strip()
    if not clean:
        raise DomainError(gettext("Tuliskan apa yang perlu dilengkapi."), field="note")
    if len(clean) > NOTE_MAX:
        raise DomainError(gettext("Catatan paling banyak %(n)s karakter.", n=NOTE_MAX), field="note")
    sa.status = SELF_RETURNED
    sa.returned_count = 1
    sa.return_note = clean
    db.session.flush()
    record(actor, "self_assessment.return", sa, summary=_l("Penilaian diri dikembalikan untuk dilengkapi"),
           changes={"status": [SELF_SUBMITTED, SELF_RETURNED], "return_note": [None, _short(clean)]}, now=now)
    return sa
