"""360 nominations (DOMAIN.md section 6, policy): who is asked to give input on whom, proposals by the employee,
replacing a rater who declined, reminders, progress counts, and the admin's 360 settings and questionnaire wording.

Nominations are not anonymous (who was asked is known and audited as usual). Whether a nominee *answered* is only
known through the opaque completion tokens (models.RaterCompletion): the pages here show it as counts, never per
person. Services flush, never commit; they take ``today``/``now`` explicitly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import joinedload

from portal.assessment import common, rules
from portal.assessment.models import (
    GROUP_OTHER,
    GROUP_PEER,
    GROUP_SUBORDINATE,
    GROUP_SUPERIOR,
    GROUPS,
    NOMINATION_DECLINED,
    NOMINATION_INVITED,
    NOMINATION_PROPOSED,
    NOMINATION_REJECTED,
    NOMINATION_REPLACED,
    AssessmentSetting,
    QuestionnaireItem,
    RaterCompletion,
    RaterDraft,
    RaterNomination,
    SelfAssessment,
)
from portal.core.audit import diff, record
from portal.core.errors import DomainError
from portal.core.i18n import long_date
from portal.core.pagination import Page
from portal.extensions import db
from portal.org.models import Employee, Unit
from portal.periods import rules as period_rules
from portal.periods import services as period_services
from portal.periods.models import Period, PeriodPhase

COMPLETION = "completion"  # token purposes shared with the rater side
DRAFT = "draft"

GROUP_LABELS = {
    GROUP_SUPERIOR: _l("Atasan"),
    GROUP_PEER: _l("Rekan kerja setingkat"),
    GROUP_SUBORDINATE: _l("Bawahan"),
    GROUP_OTHER: _l("Pihak lain"),
}
STATUS_LABELS = {
    NOMINATION_PROPOSED: (_l("Diusulkan"), "badge badge-warn"),
    NOMINATION_INVITED: (_l("Diundang"), "badge badge-ok"),
    NOMINATION_DECLINED: (_l("Menolak"), "badge badge-bad"),
    NOMINATION_REJECTED: (_l("Tidak disetujui"), "badge"),
    NOMINATION_REPLACED: (_l("Diganti"), "badge"),
}
# States in which a nomination still occupies a place in its group
OCCUPYING = (NOMINATION_PROPOSED, NOMINATION_INVITED)


# ---------------------------------------------------------------------------------------------------------
# Completion tokens: answered counts without names


def _secret(secret: str | None) -> str:
    return secret if secret is not None else current_app.config["SECRET_KEY"]


def answered_nomination_ids(nominations: Iterable[RaterNomination], secret: str | None = None) -> set[int]:
    """The ids of the nominations whose questionnaire was submitted: their completion tokens are computed here
    (HMAC with the application's secret) and looked up in one query. Callers must only show aggregates."""
    key = _secret(secret)
    by_token = {rules.opaque_token(key, COMPLETION, n.id): n.id for n in nominations}
    if not by_token:
        return set()
    found = db.session.scalars(select(RaterCompletion.token).where(RaterCompletion.token.in_(list(by_token))))
    return {by_token[token] for token in found}


def has_answered(nomination: RaterNomination, secret: str | None = None) -> bool:
    return bool(answered_nomination_ids([nomination], secret))


@dataclass
class Counts:
    """Aggregated state of one employee's 360 input in a window (never who answered)."""

    proposed: int = 0
    invited: int = 0
    answered: int = 0
    declined: int = 0
    per_group: dict[str, int] = field(default_factory=dict)  # invited per group

    @property
    def open(self) -> int:
        return max(0, self.invited - self.answered)


def count_nominations(nominations: Iterable[RaterNomination], answered: set[int]) -> Counts:
    counts = Counts()
    per_group: Counter[str] = Counter()
    for n in nominations:
        if n.status == NOMINATION_PROPOSED:
            counts.proposed += 1
        elif n.status == NOMINATION_INVITED:
            counts.invited += 1
            per_group[n.group] += 1
            if n.id in answered:
                counts.answered += 1
        elif n.status in (NOMINATION_DECLINED, NOMINATION_REPLACED):
            counts.declined += 1
    counts.per_group = dict(per_group)
    return counts


# ---------------------------------------------------------------------------------------------------------
# Reading nominations


def nominations_for(subject: Employee, phase: PeriodPhase) -> list[RaterNomination]:
    """Every nomination of the subject in the window, raters with unit and position (fixed queries)."""
    return list(db.session.scalars(
        select(RaterNomination)
        .where(RaterNomination.subject_id == subject.id, RaterNomination.phase_id == phase.id)
        .options(joinedload(RaterNomination.rater).joinedload(Employee.position),
                 joinedload(RaterNomination.rater).joinedload(Employee.unit))
        .order_by(RaterNomination.id)
    ).unique())


def by_group(nominations: Iterable[RaterNomination]) -> dict[str, list[RaterNomination]]:
    grouped: dict[str, list[RaterNomination]] = {g: [] for g in GROUPS}
    for n in nominations:
        grouped.setdefault(n.group, []).append(n)
    return grouped


def has_subordinates(subject: Employee) -> bool:
    return db.session.execute(
        select(Employee.id).where(Employee.superior_id == subject.id, Employee.active.is_(True)).limit(1)
    ).first() is not None


def problems(nominations: Iterable[RaterNomination], limits: rules.NominationLimits,
             subordinates: bool = False) -> list[str]:
    """rules.nomination_problems over the invited raters, as translated messages."""
    invited = Counter(n.group for n in nominations if n.status == NOMINATION_INVITED)
    return [gettext(template, **values)
            for template, values in rules.nomination_problems(dict(invited), limits, has_subordinates=subordinates)]


def group_maximum(limits: rules.NominationLimits, group: str) -> int:
    return {GROUP_PEER: limits.peer_max, GROUP_SUBORDINATE: limits.subordinate_max,
            GROUP_SUPERIOR: limits.superior_max, GROUP_OTHER: limits.other_max}[group]


def suggestions(subject: Employee, nominations: Iterable[RaterNomination], limit: int = 30
                ) -> dict[str, list[Employee]]:
    """The obvious raters from the org chart, not yet nominated: same-superior peers (rekan kerja setingkat),
    the subject's direct reports (bawahan), and the assessor's own superior (atasan; also the subject's direct
    superior when the assessment is delegated). Never the subject or the assessor."""
    assessor = subject.assessor
    taken = {n.rater_id for n in nominations} | {subject.id}
    if assessor is not None:
        taken.add(assessor.id)
    options = (joinedload(Employee.position), joinedload(Employee.unit))
    result: dict[str, list[Employee]] = {g: [] for g in GROUPS}
    if subject.superior_id is not None:
        result[GROUP_PEER] = list(db.session.scalars(
            select(Employee).where(Employee.superior_id == subject.superior_id, Employee.active.is_(True),
                                   Employee.id.not_in(taken))
            .options(*options).order_by(Employee.nama, Employee.id).limit(limit)).unique())
    result[GROUP_SUBORDINATE] = list(db.session.scalars(
        select(Employee).where(Employee.superior_id == subject.id, Employee.active.is_(True),
                               Employee.id.not_in(taken))
        .options(*options).order_by(Employee.nama, Employee.id).limit(limit)).unique())
    superiors = []
    for candidate in (assessor.superior if assessor else None, subject.superior):
        if candidate is not None and candidate.active and candidate.id not in taken and candidate not in superiors:
            superiors.append(candidate)
    result[GROUP_SUPERIOR] = superiors
    return result


def find_by_nip(nip: str) -> Employee | None:
    digits = re.sub(r"\D", "", nip or "")
    if not digits:
        return None
    return db.session.scalar(select(Employee).where(Employee.nip == digits))


# ---------------------------------------------------------------------------------------------------------
# Changing nominations


def window_editable(phase: PeriodPhase, subject: Employee, today: dt.date) -> bool:
    """Nominations may change until the window closes (or while it is reopened for the subject)."""
    return today <= phase.closes_on or common.window_open_for(phase, subject, today)


def _require_editable(phase: PeriodPhase, subject: Employee, today: dt.date) -> None:
    if not window_editable(phase, subject, today):
        raise DomainError(gettext("Jendela evaluasi ini sudah ditutup; penilai tidak dapat diubah lagi."))


def due_date(phase: PeriodPhase, setting: AssessmentSetting, today: dt.date) -> dt.date:
    """The rater's due date: the window's close date, or ``rater_working_days`` working days from the
    invitation if that is earlier (never before the window opens)."""
    start = max(today, phase.opens_on)
    holidays = period_services.holidays_between(start, start + dt.timedelta(days=7 * setting.rater_working_days + 60))
    return min(phase.closes_on, period_rules.add_working_days(start, setting.rater_working_days, holidays))


def _occupied(subject: Employee, phase: PeriodPhase, group: str, states: tuple[str, ...]) -> int:
    return db.session.scalar(
        select(func.count(RaterNomination.id)).where(
            RaterNomination.subject_id == subject.id, RaterNomination.phase_id == phase.id,
            RaterNomination.group == group, RaterNomination.status.in_(states))) or 0


def _check_rater(subject: Employee, phase: PeriodPhase, rater: Employee | None, group: str) -> Employee:
    if group not in GROUPS:
        raise DomainError(gettext("Pilih kelompok penilai."), field="group")
    if rater is None:
        raise DomainError(gettext("Pegawai dengan NIP ini tidak ditemukan."), field="nip")
    if not rater.active:
        raise DomainError(gettext("Pegawai ini sudah tidak aktif."), field="nip")
    if rater.id == subject.id:
        raise DomainError(gettext("Pegawai yang dinilai tidak dapat menilai dirinya sendiri dalam umpan balik 360."),
                          field="nip")
    assessor = subject.assessor
    if assessor is not None and assessor.id == rater.id:
        raise DomainError(gettext("Pejabat Penilai Kinerja memberi masukan tersendiri (tidak anonim), bukan sebagai "
                                  "penilai 360."), field="nip")
    exists = db.session.scalar(select(RaterNomination.id).where(
        RaterNomination.subject_id == subject.id, RaterNomination.phase_id == phase.id,
        RaterNomination.rater_id == rater.id))
    if exists is not None:
        raise DomainError(gettext("%(name)s sudah dinominasikan pada jendela evaluasi ini.", name=rater.full_name),
                          field="nip")
    return rater


def _check_room(subject: Employee, phase: PeriodPhase, group: str, states: tuple[str, ...]) -> None:
    maximum = group_maximum(common.limits_for(phase.period), group)
    if _occupied(subject, phase, group, states) >= maximum:
        raise DomainError(gettext("Kelompok %(group)s sudah penuh (paling banyak %(n)s orang).",
                                  group=str(GROUP_LABELS[group]).lower(), n=maximum), field="group")


def _summary(n: RaterNomination, subject: Employee, rater: Employee, phase: PeriodPhase) -> str:
    return gettext("%(rater)s (%(group)s) untuk %(subject)s, %(window)s", rater=rater.full_name,
                   group=str(GROUP_LABELS[n.group]).lower(), subject=subject.full_name,
                   window=period_services.phase_label(phase))


def nominate(actor, subject: Employee, phase: PeriodPhase, rater: Employee | None, group: str,
             today: dt.date) -> RaterNomination:
    """The assessor invites a rater into a group (at most the group's maximum of invited raters)."""
    _require_editable(phase, subject, today)
    rater = _check_rater(subject, phase, rater, group)
    _check_room(subject, phase, group, (NOMINATION_INVITED,))
    setting = common.settings_for(phase.period)
    nomination = RaterNomination(subject_id=subject.id, phase_id=phase.id, rater_id=rater.id, group=group,
                                 status=NOMINATION_INVITED, nominated_by_id=actor.employee_id,
                                 due_on=due_date(phase, setting, today))
    db.session.add(nomination)
    db.session.flush()
    record(actor, "assessment.nominate", nomination, summary=_summary(nomination, subject, rater, phase),
           changes={"status": [None, NOMINATION_INVITED], "due_on": [None, nomination.due_on.isoformat()]})
    return nomination


def propose(actor, subject: Employee, phase: PeriodPhase, rater: Employee | None, group: str,
            today: dt.date) -> RaterNomination:
    """The employee proposes a rater; the assessor approves or rejects (proposals count towards the maximum)."""
    _require_editable(phase, subject, today)
    rater = _check_rater(subject, phase, rater, group)
    _check_room(subject, phase, group, OCCUPYING)
    nomination = RaterNomination(subject_id=subject.id, phase_id=phase.id, rater_id=rater.id, group=group,
                                 status=NOMINATION_PROPOSED, nominated_by_id=actor.employee_id)
    db.session.add(nomination)
    db.session.flush()
    record(actor, "assessment.propose", nomination, summary=_summary(nomination, subject, rater, phase),
           changes={"status": [None, NOMINATION_PROPOSED]})
    return nomination


def approve(actor, nomination: RaterNomination, today: dt.date) -> RaterNomination:
    if nomination.status != NOMINATION_PROPOSED:
        raise DomainError(gettext("Usulan ini sudah diputuskan."))
    _require_editable(nomination.phase, nomination.subject, today)
    _check_room(nomination.subject, nomination.phase, nomination.group, (NOMINATION_INVITED,))
    nomination.status = NOMINATION_INVITED
    nomination.due_on = due_date(nomination.phase, common.settings_for(nomination.phase.period), today)
    record(actor, "assessment.approve_nomination", nomination,
           summary=_summary(nomination, nomination.subject, nomination.rater, nomination.phase),
           changes={"status": [NOMINATION_PROPOSED, NOMINATION_INVITED],
                    "due_on": [None, nomination.due_on.isoformat()]})
    db.session.flush()
    return nomination


def reject(actor, nomination: RaterNomination, today: dt.date) -> RaterNomination:
    if nomination.status != NOMINATION_PROPOSED:
        raise DomainError(gettext("Usulan ini sudah diputuskan."))
    _require_editable(nomination.phase, nomination.subject, today)
    nomination.status = NOMINATION_REJECTED
    record(actor, "assessment.reject_nomination", nomination,
           summary=_summary(nomination, nomination.subject, nomination.rater, nomination.phase),
           changes={"status": [NOMINATION_PROPOSED, NOMINATION_REJECTED]})
    db.session.flush()
    return nomination


def remove(actor, nomination: RaterNomination, today: dt.date, secret: str | None = None) -> None:
    """Withdraw an invitation (or a proposal) - only while the rater has not answered. The rater's draft goes too."""
    if nomination.status not in (NOMINATION_PROPOSED, NOMINATION_INVITED, NOMINATION_DECLINED):
        raise DomainError(gettext("Nominasi ini tidak dapat dihapus."))
    _require_editable(nomination.phase, nomination.subject, today)
    if has_answered(nomination, secret):
        raise DomainError(gettext("Penilai ini sudah mengirim kuesioner; undangannya tidak dapat dihapus."))
    summary = _summary(nomination, nomination.subject, nomination.rater, nomination.phase)
    key = _secret(secret)
    db.session.execute(delete(RaterDraft).where(RaterDraft.token == rules.opaque_token(key, DRAFT, nomination.id)))
    # A removed replacement gives the declined nomination its place back (it can be replaced again).
    for old in db.session.scalars(select(RaterNomination).where(RaterNomination.replaced_by_id == nomination.id)):
        old.replaced_by_id = None
        old.status = NOMINATION_DECLINED
    db.session.flush()
    record(actor, "assessment.remove_nomination", nomination, summary=summary,
           changes={"status": [nomination.status, None]})
    db.session.delete(nomination)
    db.session.flush()


def replace(actor, old: RaterNomination, rater: Employee | None, today: dt.date) -> RaterNomination:
    """Replace a rater who declined: the new rater joins the same group; the old nomination becomes "diganti"."""
    if old.status != NOMINATION_DECLINED:
        raise DomainError(gettext("Hanya penilai yang menolak yang dapat diganti."))
    new = nominate(actor, old.subject, old.phase, rater, old.group, today)
    old.status = NOMINATION_REPLACED
    old.replaced_by_id = new.id
    record(actor, "assessment.replace_nomination", old,
           summary=gettext("%(old)s diganti oleh %(new)s", old=old.rater.full_name, new=new.rater.full_name),
           changes={"status": [NOMINATION_DECLINED, NOMINATION_REPLACED], "replaced_by_id": [None, new.id]})
    db.session.flush()
    return new


def remind(actor, subject: Employee, phase: PeriodPhase, now: dt.datetime, secret: str | None = None) -> int:
    """In-app reminder to every rater with an open request (invited, not answered): sets ``reminded_at``.
    Returns how many - the caller says how many, never who. (E-mail arrives with the notifications issue.)"""
    invited = list(db.session.scalars(select(RaterNomination).where(
        RaterNomination.subject_id == subject.id, RaterNomination.phase_id == phase.id,
        RaterNomination.status == NOMINATION_INVITED)))
    answered = answered_nomination_ids(invited, secret)
    open_ = [n for n in invited if n.id not in answered]
    for n in open_:
        n.reminded_at = now
    # The audit row names the window and the count only: listing the reminded raters would tell who answered.
    record(actor, "assessment.remind", subject,
           summary=gettext("Pengingat 360 dikirim ke %(n)s penilai (%(window)s)", n=len(open_),
                           window=period_services.phase_label(phase)))
    db.session.flush()
    return len(open_)


# ---------------------------------------------------------------------------------------------------------
# The assessor's team and the progress overview


def reports_filter(assessor_id: int):
    """The employees this person assesses: delegated to them, or direct reports without another delegate."""
    return and_(Employee.active.is_(True),
                or_(Employee.assessor_id == assessor_id,
                    and_(Employee.assessor_id.is_(None), Employee.superior_id == assessor_id)))


def _paginate_employees(stmt, number: int, per_page: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    number = min(max(1, number), max(1, -(-total // per_page)))
    items = list(db.session.scalars(stmt.limit(per_page).offset((number - 1) * per_page)).unique())
    return Page(items=items, number=number, per_page=per_page, total=total)


def _employee_stmt(where):
    return (select(Employee).where(where)
            .options(joinedload(Employee.position), joinedload(Employee.unit))
            .order_by(Employee.nama, Employee.id))


def _nominations_of(subject_ids: list[int], phase_ids: list[int]) -> list[RaterNomination]:
    if not subject_ids or not phase_ids:
        return []
    return list(db.session.scalars(select(RaterNomination).where(
        RaterNomination.subject_id.in_(subject_ids), RaterNomination.phase_id.in_(phase_ids))))


@dataclass
class TeamRow:
    employee: Employee
    counts: dict[int, Counts]  # phase id -> counts


def team_page(assessor_id: int, phases: list[PeriodPhase], number: int = 1, per_page: int = 25,
              secret: str | None = None) -> Page:
    """The assessor's reports with their nomination counts per window (count, page, nominations, tokens)."""
    page = _paginate_employees(_employee_stmt(reports_filter(assessor_id)), number, per_page)
    page.items = _rows(page.items, phases, secret)
    return page


def _rows(employees: list[Employee], phases: list[PeriodPhase], secret: str | None) -> list[TeamRow]:
    nominations = _nominations_of([e.id for e in employees], [p.id for p in phases])
    answered = answered_nomination_ids([n for n in nominations if n.status == NOMINATION_INVITED], secret)
    grouped: dict[tuple[int, int], list[RaterNomination]] = {}
    for n in nominations:
        grouped.setdefault((n.subject_id, n.phase_id), []).append(n)
    return [TeamRow(e, {p.id: count_nominations(grouped.get((e.id, p.id), []), answered) for p in phases})
            for e in employees]


@dataclass
class ProgressRow:
    employee: Employee
    counts: Counts
    self_status: str | None


def progress_scope(user) -> tuple[bool, list[str]]:
    """(every unit?, unit path prefixes led by the user). Assessors see their reports on top of this."""
    from portal.org import permissions as org_perms

    if user.can_read_all:
        return True, []
    return False, [u.path for u in org_perms.headed_units(user)]


def progress_page(user, phase: PeriodPhase, *, unit: Unit | None = None, number: int = 1, per_page: int = 25,
                  secret: str | None = None) -> Page:
    """Per employee in the user's scope: invited / answered / declined in the window and the self-assessment
    state. Fixed queries: count, page, nominations, completion tokens, self-assessments."""
    everything, paths = progress_scope(user)
    if everything:
        where = Employee.active.is_(True)
    else:
        scopes = [Unit.path.startswith(p) for p in paths]
        if user.employee_id is not None:
            scopes.append(reports_filter(user.employee_id))
        where = and_(Employee.active.is_(True), or_(*scopes))
    stmt = _employee_stmt(where).join(Unit, Unit.id == Employee.unit_id)
    if unit is not None:
        stmt = stmt.where(Unit.path.startswith(unit.path))
    page = _paginate_employees(stmt, number, per_page)
    employees = page.items
    rows = _rows(employees, [phase], secret)
    states = {}
    if employees:
        states = dict(db.session.execute(select(SelfAssessment.employee_id, SelfAssessment.status).where(
            SelfAssessment.phase_id == phase.id, SelfAssessment.employee_id.in_([e.id for e in employees]))).all())
    page.items = [ProgressRow(r.employee, r.counts[phase.id], states.get(r.employee.id)) for r in rows]
    return page


def has_progress_scope(user) -> bool:
    from portal.org import permissions as org_perms

    return user.can_read_all or org_perms.is_assessor(user) or bool(org_perms.headed_units(user))


# ---------------------------------------------------------------------------------------------------------
# Admin: settings and questionnaire wording

SETTING_FIELDS = ["anonymity_threshold", "peer_min", "peer_max", "subordinate_max", "superior_max", "other_max",
                  "rater_working_days"]


def update_settings(actor, setting: AssessmentSetting, data: Mapping[str, int]) -> AssessmentSetting:
    """The period's 360 settings. Anonymity needs a threshold of at least 2; the peer minimum may not exceed the
    peer maximum (nor the threshold be above what the groups allow)."""
    values = {name: int(data[name]) for name in SETTING_FIELDS if data.get(name) is not None}
    merged = {name: values.get(name, getattr(setting, name)) for name in SETTING_FIELDS}
    if merged["anonymity_threshold"] < 2:
        raise DomainError(gettext("Ambang anonimitas paling sedikit 2 jawaban."), field="anonymity_threshold")
    if any(merged[name] < 0 for name in SETTING_FIELDS):
        raise DomainError(gettext("Nilai tidak boleh negatif."))
    if merged["peer_min"] > merged["peer_max"]:
        raise DomainError(gettext("Jumlah minimum rekan kerja tidak boleh melebihi jumlah maksimumnya."),
                          field="peer_min")
    if merged["rater_working_days"] < 1:
        raise DomainError(gettext("Batas waktu penilai paling sedikit 1 hari kerja."), field="rater_working_days")
    changes = diff(setting, SETTING_FIELDS, merged)
    for name, value in merged.items():
        setattr(setting, name, value)
    if changes:
        record(actor, "assessment.settings", setting,
               summary=gettext("Pengaturan 360 %(period)s diubah", period=setting.period.name), changes=changes)
    db.session.flush()
    return setting


def first_window_opens(period: Period) -> dt.date | None:
    return min((w.opens_on for w in common.windows(period)), default=None)


def items_editable(period: Period, today: dt.date) -> bool:
    """The wording may change only before the first evaluation window of the period opens."""
    first = first_window_opens(period)
    return first is None or today < first


def update_items(actor, period: Period, items: list[QuestionnaireItem], texts: Mapping[int, str],
                 today: dt.date) -> int:
    """Change the wording of questionnaire items; refused once the first evaluation window has opened (raters
    answering the same item must all have read the same words). Returns how many changed."""
    if not items_editable(period, today):
        raise DomainError(gettext("Kuesioner tidak dapat diubah lagi: jendela evaluasi pertama periode ini sudah "
                                  "dibuka pada %(date)s.", date=long_date(first_window_opens(period))))
    changed = 0
    for item in items:
        if item.id not in texts:
            continue
        text = " ".join((texts[item.id] or "").split())
        if not text:
            raise DomainError(gettext("Teks butir kuesioner tidak boleh kosong."), field=f"item-{item.id}")
        if len(text) > 1000:
            raise DomainError(gettext("Teks butir kuesioner paling banyak 1000 karakter."), field=f"item-{item.id}")
        if text != item.text:
            record(actor, "assessment.item_update", item, summary=text[:200], changes={"text": [item.text, text]})
            item.text = text
            changed += 1
    db.session.flush()
    return changed


def load_nomination(nomination_id: int) -> RaterNomination | None:
    return db.session.scalar(select(RaterNomination).where(RaterNomination.id == nomination_id).options(
        joinedload(RaterNomination.subject), joinedload(RaterNomination.rater),
        joinedload(RaterNomination.phase).joinedload(PeriodPhase.period)))
