"""360 nominations (DOMAIN.md section 6, policy): who is asked to give input on whom, proposals by the employee,
replacing a rater who declined, reminders, progress counts, and the admin's 360 settings and questionnaire wording.

Nominations are not anonymous (who was asked is known and audited as usual). Whether a nominee *answered* is only
known through the opaque completion tokens (models.RaterCompletion): the pages here show it as counts, never per
person. Services flush, never commit; they take ``today``/``now`` explicitly.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import LazyString, gettext
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
    NOMINATION_CANCELLED,
    NOMINATION_DECLINED,
    NOMINATION_INVITED,
    NOMINATION_PREPARED,
    NOMINATION_PROPOSED,
    NOMINATION_REJECTED,
    NOMINATION_REPLACED,
    AssessmentSetting,
    QuestionnaireItem,
    RaterCompletion,
    RaterDraft,
    RaterNomination,
    ReminderRound,
    SelfAssessment,
)
from portal.core.audit import diff, record
from portal.core.errors import ConflictError, DomainError
from portal.core.i18n import long_date
from portal.core.pagination import Page
from portal.core.timeutil import local_date
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
    NOMINATION_PREPARED: (_l("Belum dikirim"), "badge badge-warn"),
    NOMINATION_INVITED: (_l("Diundang"), "badge badge-ok"),
    NOMINATION_DECLINED: (_l("Menolak"), "badge badge-bad"),
    NOMINATION_REJECTED: (_l("Tidak disetujui"), "badge"),
    NOMINATION_REPLACED: (_l("Diganti"), "badge"),
    NOMINATION_CANCELLED: (_l("Dibatalkan"), "badge"),
}
# States in which a nomination still occupies a place in its group
OCCUPYING = (NOMINATION_PROPOSED, NOMINATION_PREPARED, NOMINATION_INVITED)
# States the assessor's list counts against a group's maximum
LISTED = (NOMINATION_PREPARED, NOMINATION_INVITED)


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
    """Aggregated state of one employee's 360 input in a window. Never who answered, and not even the exact number
    of answers: ``answered_at_least`` is rounded down to a multiple of the anonymity threshold
    (rules.answered_band), so it does not move when one rater answers."""

    proposed: int = 0
    prepared: int = 0
    invited: int = 0
    answered_at_least: int = 0
    declined: int = 0
    threshold: int = 3
    per_group: dict[str, int] = field(default_factory=dict)  # invited per group


def count_nominations(nominations: Iterable[RaterNomination], answered: set[int], threshold: int) -> Counts:
    counts = Counts(threshold=threshold)
    per_group: Counter[str] = Counter()
    answers = 0
    for n in nominations:
        if n.status == NOMINATION_PROPOSED:
            counts.proposed += 1
        elif n.status == NOMINATION_PREPARED:
            counts.prepared += 1
        elif n.status == NOMINATION_INVITED:
            counts.invited += 1
            per_group[n.group] += 1
            if n.id in answered:
                answers += 1
        elif n.status in (NOMINATION_DECLINED, NOMINATION_REPLACED):
            counts.declined += 1
    counts.answered_at_least = rules.answered_band(answers, threshold)
    counts.per_group = dict(per_group)
    return counts


def bucket_of(nomination: RaterNomination, invited_per_group: Mapping[str, int], threshold: int) -> str:
    """The nomination's storage bucket: fixed at invitation; invitations sent before buckets were fixed fall back
    to the group-size rule (rules.storage_bucket)."""
    return nomination.bucket or rules.storage_bucket(nomination.group, invited_per_group, threshold)


def invited_per_bucket(nominations: Iterable[RaterNomination], threshold: int) -> dict[str, int]:
    """Invited raters per storage bucket (declined and cancelled invitations no longer count)."""
    invited = [n for n in nominations if n.status == NOMINATION_INVITED]
    per_group = Counter(n.group for n in invited)
    return dict(Counter(bucket_of(n, per_group, threshold) for n in invited))


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
    """rules.nomination_problems over the invited and prepared raters, as translated messages (warnings)."""
    listed = Counter(n.group for n in nominations if n.status in LISTED)
    return [gettext(template, **values)
            for template, values in rules.nomination_problems(dict(listed), limits, has_subordinates=subordinates)]


def _bucket_names(keys: Iterable[str]) -> str:
    from portal.assessment.results_services import group_label

    return ", ".join(group_label(key).lower() for key in keys)


def send_plan(nominations: list[RaterNomination], threshold: int) -> tuple[dict[str, str], list[str]]:
    """What sending the prepared invitations would do: (bucket per group of the prepared raters, the buckets that
    would hold fewer than the threshold of invited raters). Invitations are sent only when the second is empty."""
    active = invited_per_bucket(nominations, threshold)
    new = dict(Counter(n.group for n in nominations if n.status == NOMINATION_PREPARED))
    assignment = rules.assign_buckets(active, new, threshold)
    return assignment, rules.small_buckets(rules.buckets_after(active, new, assignment), threshold)


def anonymity_problems(nominations: list[RaterNomination], threshold: int) -> dict[str, list[str]]:
    """Translated messages for the nominations page: ``send`` (why the prepared invitations cannot be sent yet)
    and ``waiting`` (buckets whose invited raters dropped below the threshold after a decline or cancellation:
    their answers wait for a replacement)."""
    result: dict[str, list[str]] = {"send": [], "waiting": []}
    if any(n.status == NOMINATION_PREPARED for n in nominations):
        _assignment, small = send_plan(nominations, threshold)
        if small:
            result["send"].append(gettext(
                "Undangan belum dapat dikirim: kelompok %(groups)s akan berisi kurang dari %(t)s penilai, sehingga "
                "jawabannya dapat ditebak penulisnya. Tambahkan penilai hingga setiap kelompok (atau gabungan "
                "kelompok kecil) berisi paling sedikit %(t)s orang.", groups=_bucket_names(small), t=threshold))
    waiting = rules.small_buckets(invited_per_bucket(nominations, threshold), threshold)
    if waiting:
        result["waiting"].append(gettext(
            "Jawaban kelompok %(groups)s ditahan: penilai yang diundang kurang dari %(t)s karena ada yang menolak "
            "atau dibatalkan. Undang pengganti agar penilai kelompok ini dapat mengirim jawabannya.",
            groups=_bucket_names(waiting), t=threshold))
    return result


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


# ---------------------------------------------------------------------------------------------------------
# Changing nominations


def window_editable(phase: PeriodPhase, subject: Employee, today: dt.date) -> bool:
    """Nominations may change until the window closes (or while it is reopened for the subject)."""
    return today <= phase.closes_on or common.window_open_for(phase, subject, today)


def _require_editable(phase: PeriodPhase, subject: Employee, today: dt.date) -> None:
    if not window_editable(phase, subject, today):
        raise DomainError(gettext("Jendela evaluasi ini sudah ditutup; penilai tidak dapat diubah lagi."))


def effective_close(phase: PeriodPhase, subject: Employee, today: dt.date) -> dt.date:
    """The last day the window is open for the subject: its close date, or a later reopening for them (or their
    unit) that is valid today."""
    if today > phase.closes_on:
        reopening = period_services.reopening_for(phase, subject, today)
        if reopening is not None:
            return max(phase.closes_on, reopening.until)
    return phase.closes_on


def due_date(phase: PeriodPhase, setting: AssessmentSetting, today: dt.date,
             subject: Employee | None = None) -> dt.date:
    """The rater's due date: ``rater_working_days`` working days from the invitation (never before the window
    opens), at the latest the day the window closes for the subject - a reopening's end when the window is
    reopened for them."""
    close = effective_close(phase, subject, today) if subject is not None else phase.closes_on
    start = max(today, phase.opens_on)
    holidays = period_services.holidays_between(start, start + dt.timedelta(days=7 * setting.rater_working_days + 60))
    return min(close, period_rules.add_working_days(start, setting.rater_working_days, holidays))


def reopened_until(pairs: Iterable[tuple[PeriodPhase, Employee]], today: dt.date) -> dict[tuple[int, int], dt.date]:
    """For (window, employee) pairs whose window has closed: the end of a reopening valid today for the employee
    or a unit above them, keyed by (phase id, employee id). One query whatever the number of pairs."""
    from portal.periods.models import PhaseReopening

    pairs = [(p, e) for p, e in pairs if today > p.closes_on]
    if not pairs:
        return {}
    rows = db.session.scalars(select(PhaseReopening).where(
        PhaseReopening.phase_id.in_({p.id for p, _e in pairs}), PhaseReopening.until >= today)).all()
    result: dict[tuple[int, int], dt.date] = {}
    for phase, employee in pairs:
        units = set(employee.unit.ancestor_ids) | {employee.unit_id} if employee.unit else {employee.unit_id}
        ends = [r.until for r in rows if r.phase_id == phase.id
                and (r.employee_id == employee.id or (r.unit_id is not None and r.unit_id in units))]
        if ends:
            result[(phase.id, employee.id)] = max(ends)
    return result


def due_for(nomination: RaterNomination, today: dt.date, reopened: Mapping[tuple[int, int], dt.date]) -> dt.date:
    """The due date a rater sees: the stored one, or - once it has passed and the window is reopened for the
    rated employee - the reopening's end (``reopened`` from reopened_until)."""
    due = nomination.due_on or nomination.phase.closes_on
    until = reopened.get((nomination.phase_id, nomination.subject_id))
    if until is not None and due < today:
        return until
    return due


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


def _summary(n: RaterNomination, subject: Employee, rater: Employee, phase: PeriodPhase) -> LazyString:
    """The audit summary of a nomination (lazy: audit.record writes it in the portal's language)."""
    return _l("%(rater)s (%(group)s) untuk %(subject)s, %(window)s", rater=rater.full_name,
              group=LazyString(lambda: str(GROUP_LABELS[n.group]).lower()), subject=subject.full_name,
              window=LazyString(period_services.phase_label, phase))


def nominate(actor, subject: Employee, phase: PeriodPhase, rater: Employee | None, group: str,
             today: dt.date) -> RaterNomination:
    """The assessor puts a rater on the list (at most the group's maximum). The rater sees nothing until the list
    is sent with ``send_invitations``, which checks that every bucket reaches the anonymity threshold."""
    _require_editable(phase, subject, today)
    rater = _check_rater(subject, phase, rater, group)
    _check_room(subject, phase, group, LISTED)
    nomination = RaterNomination(subject_id=subject.id, phase_id=phase.id, rater_id=rater.id, group=group,
                                 status=NOMINATION_PREPARED, nominated_by_id=actor.employee_id)
    db.session.add(nomination)
    db.session.flush()
    record(actor, "assessment.nominate", nomination, summary=_summary(nomination, subject, rater, phase),
           changes={"status": [None, NOMINATION_PREPARED]})
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


def already_decided(nomination: RaterNomination, message: str) -> ConflictError:
    """Someone decided this nomination first (the assessor in another tab, the rater, an admin): its state now."""
    label = STATUS_LABELS.get(nomination.status, (nomination.status, ""))[0]
    return ConflictError(gettext("%(message)s Status %(name)s sekarang: %(status)s. Tidak ada yang diubah.",
                                 message=message, name=nomination.rater.full_name, status=label))


def approve(actor, nomination: RaterNomination, today: dt.date) -> RaterNomination:
    """An approved proposal joins the assessor's list; it is sent with the other prepared invitations."""
    if nomination.status != NOMINATION_PROPOSED:
        raise already_decided(nomination, gettext("Usulan ini sudah diputuskan."))
    _require_editable(nomination.phase, nomination.subject, today)
    _check_room(nomination.subject, nomination.phase, nomination.group, LISTED)
    nomination.status = NOMINATION_PREPARED
    record(actor, "assessment.approve_nomination", nomination,
           summary=_summary(nomination, nomination.subject, nomination.rater, nomination.phase),
           changes={"status": [NOMINATION_PROPOSED, NOMINATION_PREPARED]})
    db.session.flush()
    return nomination


def reject(actor, nomination: RaterNomination, today: dt.date) -> RaterNomination:
    if nomination.status != NOMINATION_PROPOSED:
        raise already_decided(nomination, gettext("Usulan ini sudah diputuskan."))
    _require_editable(nomination.phase, nomination.subject, today)
    nomination.status = NOMINATION_REJECTED
    record(actor, "assessment.reject_nomination", nomination,
           summary=_summary(nomination, nomination.subject, nomination.rater, nomination.phase),
           changes={"status": [NOMINATION_PROPOSED, NOMINATION_REJECTED]})
    db.session.flush()
    return nomination


def send_invitations(actor, subject: Employee, phase: PeriodPhase, today: dt.date) -> list[RaterNomination]:
    """Send every prepared invitation of the subject in the window at once (DOMAIN.md section 6, policy).

    Refused when a storage bucket would then hold fewer invited raters than the anonymity threshold (a group of
    its own, or the combined bucket of the small groups): answers in such a bucket could never reach the
    threshold and would point at one or two people. Each invitation gets its bucket (rules.assign_buckets) and
    its due date now; neither ever changes because of an answer."""
    _require_editable(phase, subject, today)
    nominations = list(db.session.scalars(select(RaterNomination).where(
        RaterNomination.subject_id == subject.id, RaterNomination.phase_id == phase.id).with_for_update()))
    prepared = [n for n in nominations if n.status == NOMINATION_PREPARED]
    if not prepared:
        if any(n.status == NOMINATION_INVITED for n in nominations):  # sent a moment ago (a double click)
            raise ConflictError(gettext("Tidak ada undangan yang menunggu dikirim: undangan sudah dikirim. Tidak ada "
                                        "yang diubah."))
        raise DomainError(gettext("Tidak ada undangan yang menunggu dikirim."))
    threshold = common.settings_for(phase.period).anonymity_threshold
    assignment, small = send_plan(nominations, threshold)
    if small:
        raise DomainError(anonymity_problems(nominations, threshold)["send"][0])
    due = due_date(phase, common.settings_for(phase.period), today, subject)
    for n in prepared:
        n.status = NOMINATION_INVITED
        n.bucket = assignment[n.group]
        n.due_on = due
        record(actor, "assessment.invite", n, summary=_summary(n, subject, n.rater, phase),
               changes={"status": [NOMINATION_PREPARED, NOMINATION_INVITED], "due_on": [None, due.isoformat()]})
    db.session.flush()
    return prepared


def remove(actor, nomination: RaterNomination, today: dt.date, secret: str | None = None) -> None:
    """Take a rater off the list: a proposal, a prepared (unsent) invitation, a declined one, or a sent invitation
    while the window has not opened yet (nobody can have answered). A sent invitation is fixed once the window
    opens - for everyone alike, answered or not, so that the refusal says nothing about answers; only the rater's
    decline or an admin's cancellation (``cancel_invitation``) ends it."""
    if nomination.status not in (NOMINATION_PROPOSED, NOMINATION_PREPARED, NOMINATION_INVITED, NOMINATION_DECLINED):
        raise already_decided(nomination, gettext("Nominasi ini tidak dapat dihapus."))
    _require_editable(nomination.phase, nomination.subject, today)
    if nomination.status == NOMINATION_INVITED and today >= nomination.phase.opens_on:
        raise DomainError(gettext(
            "Undangan yang sudah dikirim tidak dapat dihapus setelah masa evaluasi dibuka. Penilai dapat menolak "
            "sendiri dengan alasan; bila undangan keliru, minta Admin BKPSDM membatalkannya."))
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


def cancel_invitation(actor, nomination: RaterNomination, reason: str, today: dt.date,
                      secret: str | None = None) -> RaterNomination:
    """Admin BKPSDM withdraws a sent invitation (a correction: the wrong person, a conflict of interest), with a
    reason, audited. The same for an answered and an unanswered invitation: an answer already given stays in the
    anonymous results, since nothing can tell which answer it was; an unsent draft is deleted."""
    if not getattr(actor, "is_admin", False):
        raise DomainError(gettext("Hanya Admin BKPSDM yang dapat membatalkan undangan."))
    if nomination.status != NOMINATION_INVITED:
        raise already_decided(nomination, gettext("Hanya undangan yang sudah dikirim yang dapat dibatalkan."))
    _require_editable(nomination.phase, nomination.subject, today)
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(gettext("Alasan pembatalan wajib diisi."), field="reason")
    if len(reason) > 500:
        raise DomainError(gettext("Alasan pembatalan paling banyak 500 karakter."), field="reason")
    db.session.execute(select(RaterNomination.id).where(RaterNomination.id == nomination.id).with_for_update())
    key = _secret(secret)
    db.session.execute(delete(RaterDraft).where(RaterDraft.token == rules.opaque_token(key, DRAFT, nomination.id)))
    nomination.status = NOMINATION_CANCELLED
    nomination.cancel_reason = reason
    record(actor, "assessment.cancel_invitation", nomination,
           summary=_summary(nomination, nomination.subject, nomination.rater, nomination.phase),
           changes={"status": [NOMINATION_INVITED, NOMINATION_CANCELLED], "cancel_reason": [None, reason]})
    db.session.flush()
    return nomination


def replace(actor, old: RaterNomination, rater: Employee | None, today: dt.date) -> RaterNomination:
    """Replace a rater who declined: the new rater is invited at once into the same group and the same storage
    bucket (which restores the bucket's number of raters); the old nomination becomes "diganti"."""
    if old.status != NOMINATION_DECLINED:
        raise already_decided(old, gettext("Hanya penilai yang menolak yang dapat diganti."))
    subject, phase = old.subject, old.phase
    _require_editable(phase, subject, today)
    rater = _check_rater(subject, phase, rater, old.group)
    _check_room(subject, phase, old.group, LISTED)
    setting = common.settings_for(phase.period)
    siblings = nominations_for(subject, phase)
    per_group = Counter(n.group for n in siblings if n.status == NOMINATION_INVITED)
    bucket = old.bucket or rules.storage_bucket(old.group, per_group, setting.anonymity_threshold)
    new = RaterNomination(subject_id=subject.id, phase_id=phase.id, rater_id=rater.id, group=old.group,
                          status=NOMINATION_INVITED, nominated_by_id=actor.employee_id, bucket=bucket,
                          due_on=due_date(phase, setting, today, subject))
    db.session.add(new)
    db.session.flush()
    record(actor, "assessment.nominate", new, summary=_summary(new, subject, rater, phase),
           changes={"status": [None, NOMINATION_INVITED], "due_on": [None, new.due_on.isoformat()]})
    old.status = NOMINATION_REPLACED
    old.replaced_by_id = new.id
    record(actor, "assessment.replace_nomination", old,
           summary=_l("%(old)s diganti oleh %(new)s", old=old.rater.full_name, new=new.rater.full_name),
           changes={"status": [NOMINATION_DECLINED, NOMINATION_REPLACED], "replaced_by_id": [None, new.id]})
    db.session.flush()
    return new


class AlreadyReminded(DomainError):
    """A reminder for this employee and window was already sent today."""


def last_reminders(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], dt.datetime]:
    """The latest reminder round per (subject id, phase id), one query."""
    pairs = set(pairs)
    if not pairs:
        return {}
    subject_ids = {s for s, _p in pairs}
    phase_ids = {p for _s, p in pairs}
    rows = db.session.execute(
        select(ReminderRound.subject_id, ReminderRound.phase_id, func.max(ReminderRound.sent_at))
        .where(ReminderRound.subject_id.in_(subject_ids), ReminderRound.phase_id.in_(phase_ids))
        .group_by(ReminderRound.subject_id, ReminderRound.phase_id)).all()
    return {(s, p): at for s, p, at in rows if (s, p) in pairs}


def remind(actor, subject: Employee, phase: PeriodPhase, now: dt.datetime, today: dt.date) -> ReminderRound:
    """A reminder to every invited rater of the subject in the window who has not answered yet - at most one per
    day. Written as one row for the employee and window: nothing per rater, so that neither the database nor the
    page tells who had answered (each rater sees it on their own open task). (E-mail arrives with the
    notifications issue.)"""
    _require_editable(phase, subject, today)
    invited = db.session.scalar(select(func.count(RaterNomination.id)).where(
        RaterNomination.subject_id == subject.id, RaterNomination.phase_id == phase.id,
        RaterNomination.status == NOMINATION_INVITED)) or 0
    if not invited:
        raise DomainError(gettext("Belum ada undangan yang dikirim; tidak ada yang perlu diingatkan."))
    last = last_reminders([(subject.id, phase.id)]).get((subject.id, phase.id))
    if last is not None and local_date(last) == today:
        raise AlreadyReminded(gettext("Pengingat untuk pegawai ini sudah dikirim hari ini."))
    reminder = ReminderRound(subject_id=subject.id, phase_id=phase.id, sent_at=now,
                             sent_by_id=getattr(actor, "id", None))
    db.session.add(reminder)
    record(actor, "assessment.remind", subject,
           summary=_l("Pengingat 360 dikirim ke penilai yang belum mengisi (%(window)s)",
                      window=LazyString(period_services.phase_label, phase)))
    db.session.flush()
    return reminder


# ---------------------------------------------------------------------------------------------------------
# The assessor's team and the progress overview


def reports_filter(assessor_id: int):
    """The employees this person assesses: delegated to them, or direct reports without another delegate."""
    return and_(Employee.active.is_(True),
                or_(Employee.assessor_id == assessor_id,
                    and_(Employee.assessor_id.is_(None), Employee.superior_id == assessor_id)))


def proposals_waiting_count_stmt(assessor_id, today):
    """How many raters proposed by this assessor's reports wait for the assessor's decision, in windows that can
    still change (not closed yet, or reopened for the employee or a unit above them: window_editable), as a count
    query (the menu builds it once with bind parameters)."""
    from sqlalchemy.orm import aliased

    from portal.periods.models import PhaseReopening

    subject_unit, reopened_unit = aliased(Unit), aliased(Unit)
    reopened = (
        select(PhaseReopening.id)
        .outerjoin(reopened_unit, reopened_unit.id == PhaseReopening.unit_id)
        .where(PhaseReopening.phase_id == RaterNomination.phase_id, PhaseReopening.until >= today,
               or_(PhaseReopening.employee_id == Employee.id, subject_unit.path.startswith(reopened_unit.path)))
        .exists()
    )
    return (
        select(func.count(RaterNomination.id))
        .join(Employee, Employee.id == RaterNomination.subject_id)
        .outerjoin(subject_unit, subject_unit.id == Employee.unit_id)
        .join(PeriodPhase, PeriodPhase.id == RaterNomination.phase_id)
        .where(RaterNomination.status == NOMINATION_PROPOSED, reports_filter(assessor_id),
               or_(PeriodPhase.closes_on >= today, reopened))
    )


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
    per_period = {p.period_id: p.period for p in phases}
    by_period = {pid: common.settings_for(period).anonymity_threshold for pid, period in per_period.items()}
    thresholds = {p.id: by_period[p.period_id] for p in phases}
    return [TeamRow(e, {p.id: count_nominations(grouped.get((e.id, p.id), []), answered, thresholds[p.id])
                        for p in phases})
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
    """Per employee in the user's scope: invited / answered (in steps of the threshold) / declined in the window
    and the self-assessment state. Fixed queries: count, page, nominations, completion tokens, self-assessments."""
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
               summary=_l("Pengaturan 360 %(period)s diubah", period=setting.period.name), changes=changes)
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
