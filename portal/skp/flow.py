"""The SKP flow (DOMAIN.md section 3, step 1): submit, withdraw, approve, return with a note, revise.

Each operation takes the acting user, the SKP version and the time explicitly, checks the state machine of
portal/skp/rules.py, records an SkpEvent (the history shown on the SKP, notes kept for good) and an audit row in
the same transaction, and flushes; the view commits once. Who may press which button is decided first by the views
with portal/skp/permissions.py; the operations refuse again whatever the rules forbid (defence in depth).

Also here: the read side of the flow (the team board of a Pejabat Penilai Kinerja, the versions of an SKP, the
counts on the dashboard), each in a fixed number of queries whatever the size of the team.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from flask_babel import format_datetime, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.orm import aliased, joinedload

from portal.core import audit
from portal.core.errors import ConflictError, DomainError, check_version
from portal.core.pagination import Page
from portal.core.textlimits import clean_text
from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.org.models import Employee
from portal.periods import rules as period_rules
from portal.periods import services as period_services
from portal.periods.models import PHASE_PLANNING, Period
from portal.skp import permissions, rules
from portal.skp.models import (
    RHK_UTAMA,
    STATUS_APPROVED,
    STATUS_CANCELLED,
    STATUS_DRAFT,
    STATUS_RETURNED,
    STATUS_SUBMITTED,
    BehaviourExpectation,
    Indicator,
    ResultPlan,
    Skp,
    SkpEvent,
)

NOTE_MIN_LENGTH = 10  # a return note / revision reason must say something the employee can act on
# Text limits (portal/core/textlimits.py): refused when longer, never cut.
NOTE_MAX = 2000  # a return (or approval) note
REVISION_REASON_MAX = 500  # skp.revision_reason is VARCHAR(500)
CANCEL_NOTE_MAX = 500
NOT_CREATED = "belum"  # team board: the employee has no SKP yet for the period
TEAM_STATES = (NOT_CREATED, STATUS_DRAFT, STATUS_SUBMITTED, STATUS_RETURNED, STATUS_APPROVED)


# ---------------------------------------------------------------------------------------------------------
# Helpers


def _transition(action: str, skp: Skp, role: str) -> rules.Transition:
    """The transition of ``action`` from the SKP's state now; a ConflictError when the state no longer allows it
    (another person decided, withdrew or revised it since the page was opened)."""
    try:
        return rules.find_transition(action, skp.status, role)
    except rules.TransitionError as error:
        raise ConflictError(_conflict_message(_refusal(action, skp.status), skp)) from error


def _conflict_message(rule: str, skp: Skp) -> str:
    """The rule that refused, and what the SKP is now: its state, since when and by whom (the latest event)."""
    from portal.skp.labels import status_label

    latest = max(skp.events, key=lambda e: (e.at, e.id or 0), default=None)
    if latest is None or latest.to_status != skp.status:
        current = gettext("SKP ini sekarang berstatus \u201c%(status)s\u201d.", status=status_label(skp.status)[0])
    else:
        current = gettext("SKP ini sekarang berstatus \u201c%(status)s\u201d sejak %(when)s oleh %(name)s.",
                          status=status_label(skp.status)[0], when=format_datetime(latest.at, "d MMM yyyy HH.mm"),
                          name=latest.actor_name)
    return f"{current} {rule} {gettext('Tidak ada yang diubah.')}"


def _refusal(action: str, status: str) -> str:
    """The Indonesian message for a refused transition (the rules' message names internal codes)."""
    messages = {
        rules.SUBMIT: gettext("Hanya SKP berstatus draf atau dikembalikan yang dapat diajukan."),
        rules.WITHDRAW: gettext("Hanya SKP yang sedang diajukan yang dapat ditarik kembali."),
        rules.APPROVE: gettext("Hanya SKP yang sedang diajukan yang dapat disetujui."),
        rules.RETURN: gettext("Hanya SKP yang sedang diajukan yang dapat dikembalikan."),
        rules.REVISE: gettext("Hanya SKP yang sudah disetujui yang dapat direvisi."),
        rules.CANCEL: gettext("Hanya revisi berstatus draf atau dikembalikan yang dapat dibatalkan. Tarik kembali "
                              "pengajuannya terlebih dahulu."),
    }
    return messages.get(action, gettext("Tindakan ini tidak dapat dilakukan pada SKP ini."))


def _require_current(skp: Skp) -> None:
    if not skp.is_current:  # a revision was opened or cancelled meanwhile
        raise ConflictError(gettext("Versi SKP ini bukan versi terkini; tindakan hanya dapat dilakukan pada versi "
                                  "terkini."))


def _check_version(skp: Skp, version) -> None:
    """Optimistic locking when the form carried the version it was rendered with (None: not checked)."""
    if version is not None and version != "":
        check_version(skp, version)


def _clean_note(note: str | None, message: str, limit: int = NOTE_MAX) -> str:
    text = clean_text(note, limit, field="note")
    if len(text) < NOTE_MIN_LENGTH:
        raise DomainError(message, field="note")
    return text


def _owner_or_assessor(actor, skp: Skp, refusal: str) -> str:
    """The actor's role for actions both people may take (revise, cancel a revision); DomainError otherwise."""
    if permissions.is_owner(actor, skp):
        return rules.OWNER
    if permissions.is_assessor(actor, skp):
        return rules.ASSESSOR
    raise DomainError(refusal)


def _event(skp: Skp, actor, from_status: str | None, to_status: str, now: dt.datetime, note: str = "",
           acting_as_superior: bool = False) -> SkpEvent:
    event = SkpEvent(
        at=now, actor_user_id=getattr(actor, "id", None), actor_employee_id=getattr(actor, "employee_id", None),
        actor_name=(actor.display_name if actor is not None else "sistem")[:200],
        from_status=from_status, to_status=to_status, note=note, acting_as_superior=acting_as_superior,
    )
    skp.events.append(event)
    return event


def person_snapshot(employee: Employee | None) -> dict | None:
    if employee is None:
        return None
    golongan = employee.golongan
    return {
        "id": employee.id,
        "nama": employee.full_name,
        "nip": employee.nip,
        "pangkat": golongan.pangkat if golongan else "",
        "golongan": golongan.code if golongan else "",
        "jabatan": employee.position.name if employee.position else "",
        "unit": employee.unit.name if employee.unit else "",
    }


def snapshot(skp: Skp, now: dt.datetime) -> dict:
    """Names, NIP, pangkat/golongan, jabatan and unit of both people as they are now: the signed document keeps
    them even when people are promoted or move later."""
    return {"pegawai": person_snapshot(skp.employee), "penilai": person_snapshot(skp.assessor),
            "diambil": now.isoformat()}


def _touch(skp: Skp, now: dt.datetime) -> None:
    """Bump updated_at (and so version_id): every form rendered before this change is now stale."""
    if skp.updated_at is not None and now <= skp.updated_at:
        now = skp.updated_at + dt.timedelta(microseconds=1)
    skp.updated_at = now


def missing_for_submission(skp: Skp) -> list[str]:
    """What the SKP still lacks before it may be submitted (empty: complete)."""
    missing = []
    plans = list(skp.result_plans)
    if not any(r.kind == RHK_UTAMA and r.indicators for r in plans):
        missing.append(gettext("minimal satu Rencana Hasil Kerja Utama dengan Indikator Kinerja Individu"))
    for rhk in plans:
        if not rhk.indicators:
            text = rhk.text if len(rhk.text) <= 80 else rhk.text[:79] + "…"
            missing.append(gettext("Indikator Kinerja Individu untuk RHK \u201c%(text)s\u201d", text=text))
    return missing


# ---------------------------------------------------------------------------------------------------------
# The flow


def submit_skp(actor, skp: Skp, *, today: dt.date, now: dt.datetime | None = None, version=None) -> SkpEvent:
    """The Pegawai yang Dinilai submits the draft (or the returned SKP) to the Pejabat Penilai Kinerja.

    The assessor is refreshed from the org chart (the employee may have moved) and both people are captured in
    the snapshot."""
    now = now or utcnow()
    if not permissions.is_owner(actor, skp):
        raise DomainError(gettext("Hanya Pegawai yang Dinilai yang dapat mengajukan SKP-nya."))
    _require_current(skp)
    transition = _transition(rules.SUBMIT, skp, rules.OWNER)
    _check_version(skp, version)
    if not permissions.planning_open(skp, today):
        raise DomainError(gettext("Masa perencanaan SKP sudah ditutup. Hubungi admin BKPSDM bila perlu dibuka "
                                  "kembali."))
    missing = missing_for_submission(skp)
    if missing:
        raise DomainError(gettext("SKP belum dapat diajukan. Masih diperlukan: %(items)s.",
                                  items="; ".join(missing)))
    assessor = skp.employee.assessor
    if assessor is None:
        raise DomainError(gettext("Belum ada Pejabat Penilai Kinerja di struktur organisasi Anda. Hubungi admin "
                                  "BKPSDM untuk melengkapinya sebelum mengajukan SKP."))
    old_assessor_id = skp.assessor_id
    skp.assessor = assessor
    skp.status = transition.target
    skp.submitted_at = now
    skp.decided_at = None
    skp.decided_by_id = None
    skp.snapshot = snapshot(skp, now)
    _touch(skp, now)
    event = _event(skp, actor, transition.source, transition.target, now)
    db.session.flush()
    changes = {"status": [transition.source, transition.target]}
    if old_assessor_id != assessor.id:
        changes["assessor_id"] = [old_assessor_id, assessor.id]
    audit.record(actor, "skp.submit", skp, summary=_l("SKP %(year)s %(name)s diajukan",
                                                      year=skp.period.year, name=skp.employee.full_name),
                 changes=changes, now=now)
    return event


def withdraw_skp(actor, skp: Skp, *, today: dt.date, now: dt.datetime | None = None, version=None) -> SkpEvent:
    """The owner takes a submitted SKP back to draft (before the assessor has decided)."""
    now = now or utcnow()
    if not permissions.is_owner(actor, skp):
        raise DomainError(gettext("Hanya Pegawai yang Dinilai yang dapat menarik kembali pengajuan SKP-nya."))
    _require_current(skp)
    transition = _transition(rules.WITHDRAW, skp, rules.OWNER)
    _check_version(skp, version)
    if not permissions.planning_open(skp, today):
        raise DomainError(gettext("Masa perencanaan SKP sudah ditutup; pengajuan tidak dapat ditarik kembali."))
    skp.status = transition.target
    skp.submitted_at = None
    _touch(skp, now)
    event = _event(skp, actor, transition.source, transition.target, now)
    db.session.flush()
    audit.record(actor, "skp.withdraw", skp, summary=_l("Pengajuan SKP %(year)s %(name)s ditarik kembali",
                                                        year=skp.period.year, name=skp.employee.full_name),
                 changes={"status": [transition.source, transition.target]}, now=now)
    return event


def decider_role(actor, skp: Skp, today: dt.date) -> bool | None:
    """None: the actor may not decide; False: as the assessor; True: as the assessor's superior (acting)."""
    if permissions.is_assessor(actor, skp):
        return False
    if permissions.superior_acting(actor, skp, today):
        return True
    return None


def _decide(action: str, actor, skp: Skp, note: str, today: dt.date, now: dt.datetime, version) -> SkpEvent:
    refusal = gettext("Hanya Pejabat Penilai Kinerja (atau atasannya bila Pejabat Penilai Kinerja berhalangan atau "
                      "terlambat) yang dapat menyetujui atau mengembalikan SKP.")
    if not (permissions.is_assessor(actor, skp) or permissions.is_assessors_superior(actor, skp)):
        raise DomainError(refusal)
    # Decided meanwhile (by the assessor or their superior): a conflict naming who decided, before anything else.
    _require_current(skp)
    transition = _transition(action, skp, rules.ASSESSOR)
    _check_version(skp, version)
    acting = decider_role(actor, skp, today)
    if acting is None:
        raise DomainError(refusal)
    if transition.needs_note:
        note = _clean_note(note, gettext("Tuliskan catatan pengembalian minimal %(n)s karakter: apa yang perlu "
                                         "diperbaiki.", n=NOTE_MIN_LENGTH))
    else:
        note = clean_text(note, NOTE_MAX, field="note")
    skp.status = transition.target
    skp.decided_at = now
    skp.decided_by_id = actor.employee_id
    if action == rules.APPROVE:
        fresh = snapshot(skp, now)
        if acting:
            fresh["atasan_penilai"] = person_snapshot(actor.employee)
        skp.snapshot = fresh
    _touch(skp, now)
    event = _event(skp, actor, transition.source, transition.target, now, note, acting_as_superior=acting)
    changes = {"status": [transition.source, transition.target]}
    if acting:
        changes["acting_as_superior"] = True
    if note:
        changes["note"] = note if len(note) <= 160 else note[:159] + "…"
    if action == rules.APPROVE:
        _supersede_previous(actor, skp, now)
    db.session.flush()
    verb = "skp.approve" if action == rules.APPROVE else "skp.return"
    summary = (_l("SKP %(year)s %(name)s disetujui", year=skp.period.year, name=skp.employee.full_name)
               if action == rules.APPROVE else
               _l("SKP %(year)s %(name)s dikembalikan", year=skp.period.year, name=skp.employee.full_name))
    audit.record(actor, verb, skp, summary=summary, changes=changes, now=now)
    return event


def approve_skp(actor, skp: Skp, note: str = "", *, today: dt.date, now: dt.datetime | None = None,
                version=None) -> SkpEvent:
    """The Pejabat Penilai Kinerja (or, when the assessor is absent or late, the assessor's superior: DOMAIN.md
    section 7) approves the submitted SKP. Approving a revision supersedes the version it revised."""
    return _decide(rules.APPROVE, actor, skp, note, today, now or utcnow(), version)


def return_skp(actor, skp: Skp, note: str, *, today: dt.date, now: dt.datetime | None = None,
               version=None) -> SkpEvent:
    """Return the submitted SKP to the employee with a note (required; it stays in the history for good)."""
    return _decide(rules.RETURN, actor, skp, note, today, now or utcnow(), version)


def _supersede_previous(actor, skp: Skp, now: dt.datetime) -> None:
    previous = skp.previous
    if previous is None or previous.status != STATUS_APPROVED:
        return
    transition = rules.find_transition(rules.SUPERSEDE, previous.status, "system")
    previous.status = transition.target
    previous.is_current = False
    _touch(previous, now)
    # The year's realisations, evidence and feedback follow the RHK/indicators into the approved revision.
    from portal.progress.services import carry_over_realisations

    carry_over_realisations(actor, previous, skp)
    _event(previous, actor, transition.source, transition.target, now,
           gettext("Digantikan oleh versi %(n)s yang disetujui.", n=skp.number))
    audit.record(actor, "skp.supersede", previous, summary=_l("SKP versi %(old)s digantikan versi %(new)s",
                                                              old=previous.number, new=skp.number),
                 changes={"status": [transition.source, transition.target], "replaced_by": skp.id}, now=now)


def open_revision(skp: Skp) -> Skp | None:
    """A later version of the same SKP that is not approved yet (only one open revision at a time)."""
    return db.session.scalar(
        select(Skp).where(Skp.employee_id == skp.employee_id, Skp.period_id == skp.period_id,
                          Skp.number > skp.number, Skp.status != STATUS_CANCELLED)
        .order_by(Skp.number.desc()).limit(1)
    )


def _next_number(skp: Skp) -> int:
    """Version numbers are never reused: a cancelled revision keeps its number."""
    return (db.session.scalar(select(func.max(Skp.number)).where(
        Skp.employee_id == skp.employee_id, Skp.period_id == skp.period_id)) or skp.number) + 1


def revise_skp(actor, skp: Skp, reason: str, *, today: dt.date, now: dt.datetime | None = None,
               version=None) -> Skp:
    """Open a revision of the approved SKP during the year (new assignments): a new draft version, number + 1,
    copying the RHK (with their links to the superior's RHK), indicators, Ekspektasi Khusus Pimpinan and lampiran.
    Copied rows point to their originals (origin_id) so that realisations keep their lineage. The approved
    version stays approved and readable until the revision is approved (then it is superseded)."""
    now = now or utcnow()
    role = _owner_or_assessor(actor, skp, gettext(
        "Hanya Pegawai yang Dinilai atau Pejabat Penilai Kinerja yang dapat membuka revisi SKP."))
    pending = open_revision(skp)
    if pending is not None:  # opened by the other person meanwhile, or earlier
        raise ConflictError(gettext("Sudah ada revisi SKP yang belum selesai (versi %(n)s). Selesaikan revisi itu "
                                    "terlebih dahulu.", n=pending.number))
    _require_current(skp)
    transition = _transition(rules.REVISE, skp, role)
    _check_version(skp, version)
    reason = _clean_note(reason, gettext("Tuliskan alasan revisi minimal %(n)s karakter.", n=NOTE_MIN_LENGTH),
                         REVISION_REASON_MAX)
    if today > skp.period.ends_on:
        raise DomainError(gettext("Periode kinerja sudah berakhir; SKP tidak dapat direvisi lagi."))
    employee = skp.employee
    assessor = employee.assessor
    new = Skp(
        period_id=skp.period_id, employee_id=skp.employee_id, number=_next_number(skp), is_current=True,
        previous=skp, status=STATUS_DRAFT, assessor_id=assessor.id if assessor else skp.assessor_id,
        unit_id=skp.unit_id, resources=skp.resources, reporting_scheme=skp.reporting_scheme,
        consequences=skp.consequences, revision_reason=reason,
    )
    for old in sorted(skp.result_plans, key=lambda r: (r.position, r.id)):
        new.result_plans.append(ResultPlan(
            kind=old.kind, text=old.text, position=old.position, parent_id=old.parent_id,
            unit_goal_id=old.unit_goal_id, origin_id=old.id,
            indicators=[
                Indicator(text=i.text, aspect=i.aspect, target_text=i.target_text, target_number=i.target_number,
                          target_unit=i.target_unit, position=i.position, origin_id=i.id)
                for i in old.indicators
            ],
        ))
    new.expectations = [BehaviourExpectation(value_code=e.value_code, text=e.text, written_by_id=e.written_by_id)
                        for e in skp.expectations]
    skp.is_current = False
    _touch(skp, now)
    db.session.flush()  # the old version stops being current before the new one is inserted
    db.session.add(new)
    _event(skp, actor, transition.source, transition.target, now,
           gettext("Revisi dibuka (versi %(n)s): %(reason)s", n=new.number, reason=reason))
    _event(new, actor, None, STATUS_DRAFT, now, reason)
    db.session.flush()
    audit.record(actor, "skp.revise", new, summary=_l("Revisi SKP %(year)s %(name)s dibuka (versi %(n)s)",
                                                      year=skp.period.year, name=employee.full_name,
                                                      n=new.number),
                 changes={"previous": skp.id, "number": new.number, "reason": reason[:160]}, now=now)
    return new


def cancel_revision(actor, skp: Skp, note: str = "", *, today: dt.date, now: dt.datetime | None = None,
                    version=None) -> Skp:
    """Give up a revision that is not approved (opened by mistake, or no longer needed): it becomes
    "dibatalkan" and stays readable in the versions, and the approved version it came from is current again.

    Subordinates who already linked their RHK to an RHK of the revision are linked back to the approved RHK it
    was copied from (or left unlinked, shown as such in the cascade, when the RHK was new in the revision).
    Returns the approved version, current again."""
    now = now or utcnow()
    role = _owner_or_assessor(actor, skp, gettext(
        "Hanya Pegawai yang Dinilai atau Pejabat Penilai Kinerja yang dapat membatalkan revisi SKP."))
    _require_current(skp)
    previous = skp.previous
    if not rules.is_cancellable_revision(skp.number, previous.status if previous is not None else None):
        raise DomainError(gettext("Hanya revisi SKP yang dapat dibatalkan; SKP pertama tetap dipakai sebagai draf."))
    transition = _transition(rules.CANCEL, skp, role)
    _check_version(skp, version)
    note = clean_text(note, CANCEL_NOTE_MAX, field="note")

    # Subordinates' links to the revision's RHK go back to the approved RHK they were copied from.
    origins = {rhk.id: rhk.origin_id for rhk in skp.result_plans}
    relinked = 0
    if origins:
        children = db.session.scalars(select(ResultPlan).where(ResultPlan.parent_id.in_(list(origins))))
        for child in children:
            child.parent_id = origins[child.parent_id]
            relinked += 1

    skp.status = transition.target
    skp.is_current = False
    _touch(skp, now)
    db.session.flush()  # the revision stops being current before the approved version is current again
    previous.is_current = True
    _touch(previous, now)
    _event(skp, actor, transition.source, transition.target, now, note)
    db.session.flush()
    audit.record(actor, "skp.cancel_revision", skp,
                 summary=_l("Revisi SKP %(year)s %(name)s (versi %(n)s) dibatalkan", year=skp.period.year,
                            name=skp.employee.full_name, n=skp.number),
                 changes={"status": [transition.source, transition.target], "current": previous.id,
                          "relinked": relinked, "note": note[:160]}, now=now)
    return previous


# ---------------------------------------------------------------------------------------------------------
# Read side: versions, the team board, counts


def versions_of(skp: Skp) -> list[Skp]:
    """Every version of this employee's SKP for the period, oldest first (one query)."""
    return list(db.session.scalars(
        select(Skp).where(Skp.employee_id == skp.employee_id, Skp.period_id == skp.period_id)
        .options(joinedload(Skp.decided_by)).order_by(Skp.number)
    ))


def latest_return(skp: Skp) -> SkpEvent | None:
    """The note of the latest return while the SKP is still returned (it stays in the history afterwards)."""
    if skp.status != STATUS_RETURNED:
        return None
    returns = [e for e in skp.events if e.to_status == STATUS_RETURNED]
    return max(returns, key=lambda e: (e.at, e.id or 0)) if returns else None


def _team_filter(assessor_id: int):
    """Direct reports and employees whose assessment is delegated to this assessor (active only)."""
    return and_(Employee.active.is_(True),
                or_(Employee.superior_id == assessor_id, Employee.assessor_id == assessor_id))


def _current_skp_join(period_id: int):
    return and_(Skp.employee_id == Employee.id, Skp.period_id == period_id, Skp.is_current.is_(True))


def _state_column():
    return func.coalesce(Skp.status, literal(NOT_CREATED))


@dataclass
class TeamRow:
    employee: Employee
    skp: Skp | None
    waiting_days: int | None = None  # working days a submitted SKP has waited
    may_decide: bool = False  # the signed-in user may approve/return it now
    acting: bool = False  # ... as the assessor's superior

    @property
    def state(self) -> str:
        return self.skp.status if self.skp is not None else NOT_CREATED


def team_counts(assessor_id: int, period: Period) -> dict[str, int]:
    """{state: n} for the assessor's team, one query (states without anybody are 0)."""
    state = _state_column()
    rows = db.session.execute(
        select(state, func.count(Employee.id))
        .select_from(Employee)
        .outerjoin(Skp, _current_skp_join(period.id))
        .where(_team_filter(assessor_id))
        .group_by(state)
    ).all()
    counts = dict.fromkeys(TEAM_STATES, 0)
    for name, n in rows:
        counts[name] = counts.get(name, 0) + n
    return counts


def submitted_count_stmt(assessor_id, period_id):
    """How many current SKPs of the assessor's team wait for the assessor's decision (the "Diajukan" tab of the
    team board), as a count query (the menu builds it once with bind parameters)."""
    return (select(func.count(Skp.id)).join(Employee, Employee.id == Skp.employee_id)
            .where(_team_filter(assessor_id), Skp.period_id == period_id, Skp.is_current.is_(True),
                   Skp.status == STATUS_SUBMITTED))


def _paged(stmt, number: int, per_page: int) -> tuple[list, int, int]:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    number = min(max(1, number), max(1, -(-total // per_page)))
    rows = db.session.execute(stmt.limit(per_page).offset((number - 1) * per_page)).all()
    return rows, number, total


def _employee_options():
    return (joinedload(Employee.position), joinedload(Employee.unit), joinedload(Employee.golongan))


def waiting_days(skp: Skp | None, today: dt.date, holidays: Collection[dt.date]) -> int | None:
    if skp is None or skp.status != STATUS_SUBMITTED or skp.submitted_at is None:
        return None
    return period_rules.working_days_between(skp.submitted_at.date(), today, holidays)


def team_board(assessor_id: int, period: Period, today: dt.date, *, state: str | None = None, number: int = 1,
               per_page: int = 25, holidays: Collection[dt.date] | None = None) -> Page:
    """The assessor's team with each member's current SKP of the period (one outer-joined query plus a count)."""
    stmt = (
        select(Employee, Skp)
        .outerjoin(Skp, _current_skp_join(period.id))
        .where(_team_filter(assessor_id))
        .options(*_employee_options())
        .order_by(Employee.nama, Employee.id)
    )
    if state in TEAM_STATES:
        stmt = stmt.where(Skp.id.is_(None) if state == NOT_CREATED else Skp.status == state)
    rows, number, total = _paged(stmt, number, per_page)
    holidays = holidays if holidays is not None else period_services.holidays_around(today)
    items = []
    for employee, skp in rows:
        row = TeamRow(employee, skp, waiting_days(skp, today, holidays))
        # The assessor decides for people they assess: the SKP's recorded assessor (else the org chart's).
        row.may_decide = (skp is not None and skp.status == STATUS_SUBMITTED
                          and (skp.assessor_id or employee.assessor_id or employee.superior_id) == assessor_id)
        items.append(row)
    return Page(items=items, number=number, per_page=per_page, total=total)


def superior_cutoff(today: dt.date, holidays: Collection[dt.date],
                    grace: int = rules.SUPERIOR_GRACE_WORKING_DAYS) -> dt.date:
    """The latest submission date from which the assessor is late today (more than ``grace`` working days)."""
    day = today
    while period_rules.working_days_between(day, today, holidays) <= grace:
        day -= dt.timedelta(days=1)
    return day


def superior_queue(superior_id: int, period: Period, today: dt.date, *, number: int = 1, per_page: int = 25,
                   holidays: Collection[dt.date] | None = None) -> Page:
    """Submitted SKPs of the people assessed by this employee's reports, where the assessor is absent or late, so
    that the Atasan Pejabat Penilai Kinerja may decide (rules.superior_may_act, filtered in SQL)."""
    holidays = holidays if holidays is not None else period_services.holidays_around(today)
    phase = period_services.find_phase(period, PHASE_PLANNING)
    assessor = aliased(Employee)
    late = [assessor.active.is_(False),
            Skp.submitted_at < dt.datetime.combine(superior_cutoff(today, holidays) + dt.timedelta(days=1),
                                                   dt.time())]
    if phase is not None and today > phase.closes_on:
        late.append(literal(True))
    stmt = (
        select(Employee, Skp)
        .join(Skp, _current_skp_join(period.id))
        .join(assessor, assessor.id == Skp.assessor_id)
        .where(Skp.status == STATUS_SUBMITTED, assessor.superior_id == superior_id, Employee.active.is_(True),
               or_(*late))
        .options(*_employee_options(), joinedload(Skp.assessor))
        .order_by(Skp.submitted_at, Employee.id)
    )
    rows, number, total = _paged(stmt, number, per_page)
    items = [TeamRow(employee, skp, waiting_days(skp, today, holidays), may_decide=True, acting=True)
             for employee, skp in rows]
    return Page(items=items, number=number, per_page=per_page, total=total)


def current_skp_of(employee_id: int, period: Period) -> Skp | None:
    return db.session.scalar(
        select(Skp).where(Skp.employee_id == employee_id, Skp.period_id == period.id, Skp.is_current.is_(True))
    )


def team_row(user, skp: Skp, today: dt.date) -> TeamRow:
    """One row of the team board after an action (htmx swaps just that row)."""
    holidays = period_services.holidays_around(today)
    return TeamRow(skp.employee, skp, waiting_days(skp, today, holidays),
                   may_decide=permissions.can_decide_skp(user, skp, today),
                   acting=not permissions.is_assessor(user, skp))
