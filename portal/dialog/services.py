"""Dialog kinerja services: proposing and scheduling a session (either side), talking points that carry over,
live notes, the assessor's private note, agreed actions, closing and confirming; an agenda prefilled from the
year's data; an .ics file; coaching records; confidential counselling referrals. Services take an explicit actor
and time, raise DomainError, flush, never commit. Counselling steps are audited without content."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from portal.core.audit import record
from portal.core.errors import DomainError, check_version_if_sent
from portal.core.textlimits import normalise
from portal.dialog import permissions as perms
from portal.dialog import rules
from portal.dialog.models import (
    CoachingMeeting,
    CoachingRecord,
    CounsellingNote,
    CounsellingReferral,
    Counsellor,
    DialogAction,
    DialogSession,
    TalkingPoint,
)
from portal.extensions import db
from portal.org.models import Employee

TEXT_MAX = 4000
NOTES_MAX = 20000
PLACE_MAX = 200
LINK_MAX = 500

KIND_LABELS = {
    rules.KIND_PLANNING: _l("Perencanaan kinerja"),
    rules.KIND_CHECKIN: _l("Pemantauan berkala"),
    rules.KIND_YEAR_END: _l("Evaluasi akhir tahun"),
    rules.KIND_ADHOC: _l("Lainnya"),
}
STATE_LABELS = {
    rules.PROPOSED: (_l("Diusulkan"), "badge badge-warn"),
    rules.SCHEDULED: (_l("Dijadwalkan"), "badge badge-ok"),
    rules.CLOSED: (_l("Menunggu konfirmasi pegawai"), "badge badge-warn"),
    rules.CONFIRMED: (_l("Selesai"), "badge badge-ok"),
    rules.CANCELLED: (_l("Dibatalkan"), "badge"),
}
ACTION_LABELS = {rules.ACTION_OPEN: _l("Terbuka"), rules.ACTION_DONE: _l("Selesai"),
                 rules.ACTION_DROPPED: _l("Dibatalkan")}
REFERRAL_LABELS = {rules.REFERRAL_OPEN: _l("Dirujuk"), rules.REFERRAL_ACTIVE: _l("Berlangsung"),
                   rules.REFERRAL_DONE: _l("Selesai")}
COACHING_LABELS = {rules.COACHING: _l("Coaching"), rules.MENTORING: _l("Mentoring")}


def _text(value: str | None, field_name: str, label: str, maximum: int = TEXT_MAX, required: bool = True) -> str:
    value = normalise(value).strip()  # a line break counts once, as in the browser's maxlength; never cut
    if required and not value:
        raise DomainError(gettext("%(label)s wajib diisi.", label=label), field=field_name)
    if len(value) > maximum:
        raise DomainError(gettext("%(label)s paling banyak %(n)s karakter.", label=label, n=maximum),
                          field=field_name)
    return value


def _side(actor, session: DialogSession) -> str:
    side = perms.side_of(actor, session)
    if side is None:
        raise DomainError(gettext("Hanya pegawai dan Pejabat Penilai Kinerja sesi ini yang dapat mengubahnya."))
    return side


def _move(actor, session: DialogSession, action: str, now: dt.datetime) -> str:
    side = _side(actor, session)
    try:
        session.status = rules.transition(action, session.status, side, session.proposed_by)
    except rules.TransitionRefused:
        raise DomainError(gettext("Langkah ini tidak dapat dilakukan pada sesi berstatus %(state)s.",
                                  state=STATE_LABELS[session.status][0])) from None
    session.updated_at = now
    return side


# ---------------------------------------------------------------------------------------------------------
# Sessions


def previous_session(employee_id: int, assessor_id: int, before: dt.datetime | None = None) -> DialogSession | None:
    """The latest held (closed or confirmed) session of the pair."""
    stmt = select(DialogSession).where(DialogSession.employee_id == employee_id,
                                       DialogSession.assessor_id == assessor_id,
                                       DialogSession.status.in_((rules.CLOSED, rules.CONFIRMED)))
    if before is not None:
        stmt = stmt.where(DialogSession.starts_at < before)
    return db.session.scalar(stmt.order_by(DialogSession.starts_at.desc()).limit(1))


def propose(actor, employee: Employee, *, starts_at: dt.datetime, duration: int, place: str | None,
            link: str | None, kind: str, message: str | None, now: dt.datetime, evaluation=None) -> DialogSession:
    """Either side proposes a session: the assessor to a report, or the employee to their assessor. Undiscussed
    talking points of the pair's last held session carry over (rules.carry_over)."""
    assessor = employee.assessor
    if assessor is None:
        raise DomainError(gettext("Pegawai ini belum memiliki Pejabat Penilai Kinerja."))
    if actor.employee_id == assessor.id:
        side = rules.ASSESSOR
    elif actor.employee_id == employee.id:
        side = rules.EMPLOYEE
    else:
        raise DomainError(gettext("Sesi dialog kinerja diusulkan oleh pegawai atau Pejabat Penilai Kinerjanya."))
    if kind not in rules.KINDS:
        raise DomainError(gettext("Pilih jenis sesi."), field="kind")
    if starts_at < now - dt.timedelta(days=1):
        raise DomainError(gettext("Waktu sesi tidak boleh di masa lalu."), field="starts_at")
    if not 15 <= duration <= 480:
        raise DomainError(gettext("Durasi antara 15 dan 480 menit."), field="duration")
    place = _text(place, "place", gettext("Tempat"), PLACE_MAX, required=False)
    link = _text(link, "link", gettext("Tautan rapat daring"), LINK_MAX, required=False)
    if link and not link.startswith(("http://", "https://")):
        raise DomainError(gettext("Tautan harus diawali http:// atau https://."), field="link")
    if not place and not link:
        raise DomainError(gettext("Isi tempat atau tautan rapat daring."), field="place")
    session = DialogSession(employee_id=employee.id, assessor_id=assessor.id, kind=kind, status=rules.PROPOSED,
                            proposed_by=side, starts_at=starts_at, duration_minutes=duration, place=place, link=link,
                            message=_text(message, "message", gettext("Pesan"), required=False))
    if evaluation is not None:  # the year-end talk of an evaluation (issue 10): the evaluation links it
        if evaluation.employee_id != employee.id:
            raise DomainError(gettext("Penilaian ini bukan milik pegawai tersebut."))
        session.evaluation_id = evaluation.id
    session.employee, session.assessor = employee, assessor
    db.session.add(session)
    db.session.flush()
    last = previous_session(employee.id, assessor.id)
    if last is not None:
        carried_ids = set(db.session.scalars(select(TalkingPoint.carried_from_id).where(
            TalkingPoint.carried_from_id.in_([p.id for p in last.points] or [-1]))))
        for n, point_id in enumerate(rules.carry_over(rules.Point(p.id, p.discussed) for p in last.points)):
            if point_id in carried_ids:
                continue
            old = next(p for p in last.points if p.id == point_id)
            session.points.append(TalkingPoint(author_id=old.author_id, text=old.text, position=n,
                                               carried_from_id=old.id))
    db.session.flush()
    record(actor, "dialog.propose", session,
           summary=_l("Sesi dialog kinerja diusulkan untuk %(name)s", name=employee.full_name),
           changes={"starts_at": [None, starts_at.isoformat()], "kind": [None, kind],
                    "carried_points": [None, len(session.points)]})
    return session


def accept(actor, session: DialogSession, *, now: dt.datetime, version=None) -> DialogSession:
    check_version_if_sent(session, version)
    _move(actor, session, "accept", now)
    db.session.flush()
    record(actor, "dialog.accept", session, summary=_l("Jadwal sesi dialog kinerja diterima"),
           changes={"status": [rules.PROPOSED, rules.SCHEDULED]})
    return session


def reschedule(actor, session: DialogSession, *, starts_at: dt.datetime, place: str | None, link: str | None,
               message: str | None, now: dt.datetime, version=None) -> DialogSession:
    """Propose another time: the other side then accepts (or proposes again)."""
    check_version_if_sent(session, version)
    old = session.starts_at
    side = _move(actor, session, "reschedule", now)
    if starts_at < now - dt.timedelta(days=1):
        raise DomainError(gettext("Waktu sesi tidak boleh di masa lalu."), field="starts_at")
    session.starts_at = starts_at
    session.proposed_by = side
    session.place = _text(place, "place", gettext("Tempat"), PLACE_MAX, required=False) or session.place
    session.link = _text(link, "link", gettext("Tautan rapat daring"), LINK_MAX, required=False) or session.link
    session.message = _text(message, "message", gettext("Pesan"), required=False)
    db.session.flush()
    record(actor, "dialog.reschedule", session, summary=_l("Waktu lain diusulkan untuk sesi dialog kinerja"),
           changes={"starts_at": [old.isoformat(), starts_at.isoformat()]})
    return session


def cancel(actor, session: DialogSession, reason: str | None, *, now: dt.datetime, version=None) -> DialogSession:
    check_version_if_sent(session, version)
    reason = _text(reason, "reason", gettext("Alasan pembatalan"))
    old = session.status
    _move(actor, session, "cancel", now)
    session.cancel_reason = reason
    db.session.flush()
    record(actor, "dialog.cancel", session, summary=_l("Sesi dialog kinerja dibatalkan"),
           changes={"status": [old, rules.CANCELLED], "reason": [None, reason]})
    return session


def close(actor, session: DialogSession, *, now: dt.datetime, version=None) -> DialogSession:
    """The assessor closes the held session; undiscussed points will carry over to the next one."""
    check_version_if_sent(session, version)
    _move(actor, session, "close", now)
    session.closed_at = now
    db.session.flush()
    record(actor, "dialog.close", session, summary=_l("Sesi dialog kinerja ditutup oleh penilai"),
           changes={"status": [rules.SCHEDULED, rules.CLOSED],
                    "not_discussed": [None, len(rules.carry_over(rules.Point(p.id, p.discussed)
                                                                 for p in session.points))]})
    return session


def confirm(actor, session: DialogSession, comment: str | None, *, now: dt.datetime, version=None
            ) -> DialogSession:
    """The employee confirms the record of the session, optionally with a comment."""
    check_version_if_sent(session, version)
    comment = _text(comment, "comment", gettext("Komentar"), required=False)
    _move(actor, session, "confirm", now)
    session.confirmed_at = now
    session.employee_comment = comment
    db.session.flush()
    record(actor, "dialog.confirm", session, summary=_l("Hasil sesi dialog kinerja dikonfirmasi pegawai"),
           changes={"status": [rules.CLOSED, rules.CONFIRMED], "comment": [None, comment]})
    return session


def _editable(session: DialogSession) -> None:
    if not rules.editable_notes(session.status):
        raise DomainError(gettext("Sesi sudah ditutup; catatan dan pokok bahasan tidak dapat diubah lagi."))


def add_point(actor, session: DialogSession, text: str | None) -> TalkingPoint:
    _side(actor, session)
    _editable(session)
    text = _text(text, "text", gettext("Pokok bahasan"))
    position = max((p.position for p in session.points), default=-1) + 1
    point = TalkingPoint(author_id=actor.employee_id, text=text, position=position)
    session.points.append(point)
    db.session.flush()
    return point


def set_discussed(actor, point: TalkingPoint, discussed: bool) -> TalkingPoint:
    _side(actor, point.session)
    _editable(point.session)
    point.discussed = bool(discussed)
    db.session.flush()
    return point


def save_notes(actor, session: DialogSession, notes: str | None, *, now: dt.datetime, version=None) -> DialogSession:
    """The live notes, seen by both sides (autosaved while the meeting runs)."""
    _side(actor, session)
    check_version_if_sent(session, version)
    _editable(session)
    notes = _text(notes, "notes", gettext("Catatan sesi"), NOTES_MAX, required=False)
    if notes != session.notes:
        session.notes = notes
        session.updated_at = now
        db.session.flush()
    return session


def save_private_note(actor, session: DialogSession, text: str | None) -> DialogSession:
    """The assessor's private note: never shown to the employee; not written to the audit log."""
    if not perms.can_view_private_note(actor, session):
        raise DomainError(gettext("Catatan pribadi hanya untuk Pejabat Penilai Kinerja sesi ini."))
    session.private_note = _text(text, "private_note", gettext("Catatan pribadi"), NOTES_MAX, required=False)
    db.session.flush()
    return session


def add_action(actor, session: DialogSession, text: str | None, owner_side: str, due_on: dt.date | None,
               *, today: dt.date) -> DialogAction:
    _side(actor, session)
    _editable(session)
    text = _text(text, "action_text", gettext("Tindak lanjut"))
    if owner_side not in (rules.ASSESSOR, rules.EMPLOYEE):
        raise DomainError(gettext("Pilih penanggung jawab."), field="owner")
    if due_on is not None and due_on < today:
        raise DomainError(gettext("Tenggat tidak boleh di masa lalu."), field="due_on")
    owner = session.assessor_id if owner_side == rules.ASSESSOR else session.employee_id
    action = DialogAction(text=text, owner_id=owner, due_on=due_on, status=rules.ACTION_OPEN,
                          updated_by_id=actor.employee_id)
    session.actions.append(action)
    db.session.flush()
    record(actor, "dialog.action_add", session, summary=_l("Tindak lanjut disepakati: %(text)s", text=text[:150]),
           changes={"due_on": [None, due_on.isoformat() if due_on else None]})
    return action


def update_action(actor, action: DialogAction, status: str, *, now: dt.datetime) -> DialogAction:
    """Both sides update an action's status, also after the session closed."""
    _side(actor, action.session)
    if status not in rules.ACTION_STATES:
        raise DomainError(gettext("Status tidak dikenal."), field="status")
    old = action.status
    action.status = status
    action.updated_by_id = actor.employee_id
    action.updated_at = now
    db.session.flush()
    if old != status:
        record(actor, "dialog.action_status", action.session,
               summary=_l("Status tindak lanjut diubah: %(text)s", text=action.text[:150]),
               changes={"status": [old, status]})
    return action


def load_session(session_id: int) -> DialogSession | None:
    return db.session.scalar(select(DialogSession).where(DialogSession.id == session_id).options(
        joinedload(DialogSession.employee).joinedload(Employee.unit),
        joinedload(DialogSession.assessor)))


# ---------------------------------------------------------------------------------------------------------
# The agenda, prefilled from the year's data (each item links to its source)


@dataclass
class Agenda:
    behind: list = field(default_factory=list)  # (indicator, target text, latest realisation) behind target
    feedback: list = field(default_factory=list)  # feedback since the last session
    gaps: list = field(default_factory=list)  # released 360 perception gaps, largest first
    self_assessment: object = None
    open_actions: list = field(default_factory=list)  # open actions of earlier sessions
    skp: object = None
    results_url: tuple | None = None


def agenda(session: DialogSession, today: dt.date) -> Agenda:
    """A fixed number of queries: the current SKP and its realisation, feedback since the previous session, the
    latest released 360 results and self-assessment of the employee, and open actions of earlier sessions."""
    from portal.assessment import release as release_360
    from portal.assessment import results_services
    from portal.assessment.models import SELF_SUBMITTED, SelfAssessment
    from portal.periods import services as period_services
    from portal.progress import services as progress_services
    from portal.progress.models import Feedback, Realisation
    from portal.skp.models import STATUS_APPROVED, Skp

    employee = session.employee
    result = Agenda()
    period = period_services.current_period(today)
    if period is not None:
        skp = db.session.scalar(select(Skp).where(Skp.employee_id == employee.id, Skp.period_id == period.id,
                                                  Skp.is_current.is_(True), Skp.status == STATUS_APPROVED))
        if skp is not None:
            result.skp = skp
            loaded = progress_services.load_skp(skp.id)
            latest = {}
            indicator_ids = [i.id for r in loaded.result_plans for i in r.indicators]
            for realisation in db.session.scalars(select(Realisation).where(
                    Realisation.indicator_id.in_(indicator_ids or [-1])).order_by(Realisation.sub_period)):
                latest[realisation.indicator_id] = realisation
            periods = period.sub_period_count
            for rhk in loaded.result_plans:
                for indicator in rhk.indicators:
                    done = latest.get(indicator.id)
                    if indicator.target_number is None:
                        if done is None:
                            result.behind.append((indicator, None))
                        continue
                    expected = float(indicator.target_number)
                    if indicator.target_unit not in ("persen", "indeks"):
                        expected = expected * max(1, done.sub_period if done else 1) / periods
                    if done is None or done.number is None or float(done.number) < expected:
                        result.behind.append((indicator, done))
            last = previous_session(employee.id, session.assessor_id, before=session.starts_at)
            since = last.starts_at if last is not None else dt.datetime(period.year, 1, 1)
            result.feedback = list(db.session.scalars(
                select(Feedback).where(Feedback.skp_id == skp.id, Feedback.created_at > since)
                .options(joinedload(Feedback.author)).order_by(Feedback.created_at.desc()).limit(10)))
    sa = db.session.scalar(select(SelfAssessment).where(SelfAssessment.employee_id == employee.id,
                                                        SelfAssessment.status == SELF_SUBMITTED)
                           .order_by(SelfAssessment.submitted_at.desc()).limit(1))
    result.self_assessment = sa
    from portal.assessment.models import ResultRelease

    latest_release = db.session.scalar(select(ResultRelease).where(ResultRelease.subject_id == employee.id)
                                       .order_by(ResultRelease.released_on.desc()).limit(1))
    if latest_release is not None:
        from portal.periods.models import PeriodPhase

        phase = db.session.get(PeriodPhase, latest_release.phase_id)
        results = results_services.load_results(employee, phase, release_360.current_release(employee, phase))
        result.gaps = results.gaps
        result.results_url = (employee.id, phase.id)
    result.open_actions = list(db.session.scalars(
        select(DialogAction).join(DialogSession, DialogSession.id == DialogAction.session_id)
        .where(DialogSession.employee_id == employee.id, DialogSession.id != session.id,
               DialogAction.status == rules.ACTION_OPEN)
        .options(joinedload(DialogAction.owner)).order_by(DialogAction.due_on)))
    return result


# ---------------------------------------------------------------------------------------------------------
# Lists


def reports_page(assessor_id: int, number: int, per_page: int = 25):
    """The assessor's reports (direct and delegated), a page of them (count + page: two queries)."""
    from portal.core.pagination import Page
    from portal.evaluation.services import reports_filter

    where = reports_filter(assessor_id)
    total = db.session.scalar(select(func.count(Employee.id)).where(where)) or 0
    number = min(max(1, number), max(1, -(-total // per_page)))
    items = list(db.session.scalars(select(Employee).where(where)
                                    .options(joinedload(Employee.position), joinedload(Employee.unit))
                                    .order_by(Employee.nama, Employee.id)
                                    .limit(per_page).offset((number - 1) * per_page)))
    return Page(items=items, number=number, per_page=per_page, total=total)


@dataclass
class TeamRow:
    employee: Employee
    next_session: DialogSession | None
    last_session: DialogSession | None
    overdue_actions: int


def team_rows(employees: list[Employee], assessor_id: int, today: dt.date, now: dt.datetime) -> list[TeamRow]:
    """Next and last session and the number of overdue actions per report (three queries for the page)."""
    ids = [e.id for e in employees]
    if not ids:
        return []
    upcoming = {}
    for s in db.session.scalars(select(DialogSession).where(
            DialogSession.employee_id.in_(ids), DialogSession.assessor_id == assessor_id,
            DialogSession.status.in_((rules.PROPOSED, rules.SCHEDULED))).order_by(DialogSession.starts_at)):
        upcoming.setdefault(s.employee_id, s)
    held = {}
    for s in db.session.scalars(select(DialogSession).where(
            DialogSession.employee_id.in_(ids), DialogSession.status.in_((rules.CLOSED, rules.CONFIRMED)))
            .order_by(DialogSession.starts_at.desc())):
        held.setdefault(s.employee_id, s)
    overdue = dict(db.session.execute(
        select(DialogSession.employee_id, func.count(DialogAction.id))
        .join(DialogAction, DialogAction.session_id == DialogSession.id)
        .where(DialogSession.employee_id.in_(ids), DialogAction.status == rules.ACTION_OPEN,
               DialogAction.due_on < today).group_by(DialogSession.employee_id)).all())
    return [TeamRow(e, upcoming.get(e.id), held.get(e.id), overdue.get(e.id, 0)) for e in employees]


def sessions_for_evaluation(evaluation_id: int) -> list[DialogSession]:
    return list(db.session.scalars(select(DialogSession).where(DialogSession.evaluation_id == evaluation_id)
                                   .order_by(DialogSession.starts_at)))


def sessions_of(employee_id: int, limit: int = 50) -> list[DialogSession]:
    return list(db.session.scalars(select(DialogSession).where(DialogSession.employee_id == employee_id)
                                   .options(joinedload(DialogSession.assessor))
                                   .order_by(DialogSession.starts_at.desc()).limit(limit)))


def upcoming_for(employee_id: int, now: dt.datetime, limit: int = 5) -> list[DialogSession]:
    """Sessions proposed or scheduled where the person is either side (the dashboard)."""
    return list(db.session.scalars(select(DialogSession).where(
        or_(DialogSession.employee_id == employee_id, DialogSession.assessor_id == employee_id),
        DialogSession.status.in_((rules.PROPOSED, rules.SCHEDULED, rules.CLOSED)))
        .options(joinedload(DialogSession.employee), joinedload(DialogSession.assessor))
        .order_by(DialogSession.starts_at).limit(limit)))


def waiting_count_stmt(employee_id):
    """Sessions that wait for this person: a proposal by the other side, or a closed session to confirm
    (``employee_id`` a value or a bind parameter)."""
    return select(func.count(DialogSession.id)).where(or_(
        and_(DialogSession.status == rules.PROPOSED,
             or_(and_(DialogSession.employee_id == employee_id, DialogSession.proposed_by == rules.ASSESSOR),
                 and_(DialogSession.assessor_id == employee_id, DialogSession.proposed_by == rules.EMPLOYEE))),
        and_(DialogSession.status == rules.CLOSED, DialogSession.employee_id == employee_id)))


def waiting_count(employee_id: int) -> int:
    return db.session.scalar(waiting_count_stmt(employee_id)) or 0


# ---------------------------------------------------------------------------------------------------------
# The calendar file


def _ics_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_status(state: str) -> str:
    if state == rules.CANCELLED:
        return "CANCELLED"
    return "TENTATIVE" if state == rules.PROPOSED else "CONFIRMED"


def ics(session: DialogSession, host: str, now: dt.datetime) -> str:
    """An iCalendar (RFC 5545) event for the session, in UTC, folded at 75 octets."""
    def stamp(moment: dt.datetime) -> str:
        return moment.strftime("%Y%m%dT%H%M%SZ")

    title = gettext("Dialog kinerja: %(employee)s dan %(assessor)s", employee=session.employee.full_name,
                    assessor=session.assessor.full_name)
    description = str(KIND_LABELS.get(session.kind, session.kind))
    if session.link:
        description += "\n" + session.link
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Portal Kinerja ASN//Dialog Kinerja//ID", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH", "BEGIN:VEVENT", f"UID:dialog-{session.id}@{host}", f"DTSTAMP:{stamp(now)}",
        f"DTSTART:{stamp(session.starts_at)}",
        f"DTEND:{stamp(session.starts_at + dt.timedelta(minutes=session.duration_minutes))}",
        f"SUMMARY:{_ics_escape(title)}", f"DESCRIPTION:{_ics_escape(description)}",
        f"LOCATION:{_ics_escape(session.place or session.link)}",
        f"STATUS:{_ics_status(session.status)}",
        "END:VEVENT", "END:VCALENDAR"]
    folded = []
    for line in lines:
        encoded = line.encode()
        while len(encoded) > 75:
            cut = 75
            while (encoded[cut] & 0xC0) == 0x80:  # do not split a UTF-8 character
                cut -= 1
            folded.append(encoded[:cut].decode())
            encoded = b" " + encoded[cut:]
        folded.append(encoded.decode())
    return "\r\n".join(folded) + "\r\n"


# ---------------------------------------------------------------------------------------------------------
# Pembinaan: coaching and mentoring


def start_coaching(actor, employee: Employee, coach: Employee | None, *, kind: str, goal: str | None,
                   result_plan_id: int | None = None, value_code: str | None = None,
                   from_action: DialogAction | None = None) -> CoachingRecord:
    """Started by the employee's assessor (or from an agreed action of a session)."""
    if employee.assessor is None or actor.employee_id != employee.assessor.id:
        raise DomainError(gettext("Pembinaan dimulai oleh Pejabat Penilai Kinerja pegawai."))
    if coach is None or not coach.active:
        raise DomainError(gettext("Pilih coach atau mentor yang aktif."), field="coach")
    if coach.id == employee.id:
        raise DomainError(gettext("Pegawai tidak dapat menjadi coach bagi dirinya sendiri."), field="coach")
    if kind not in rules.COACHING_KINDS:
        raise DomainError(gettext("Pilih jenis pembinaan."), field="kind")
    record_ = CoachingRecord(employee_id=employee.id, coach_id=coach.id, kind=kind,
                             goal=_text(goal, "goal", gettext("Tujuan")), result_plan_id=result_plan_id,
                             value_code=value_code, started_by_id=actor.employee_id,
                             from_action_id=from_action.id if from_action else None)
    record_.employee, record_.coach = employee, coach
    db.session.add(record_)
    db.session.flush()
    record(actor, "coaching.start", record_, summary=_l("Pembinaan %(name)s dimulai", name=employee.full_name),
           changes={"coach_id": [None, coach.id], "kind": [None, kind]})
    return record_


def add_meeting(actor, record_: CoachingRecord, held_on: dt.date | None, journal: str | None,
                today: dt.date) -> CoachingMeeting:
    if actor.employee_id not in (record_.coach_id, record_.employee_id, record_.started_by_id):
        raise DomainError(gettext("Hanya coach, pegawai dan penilainya yang mencatat pertemuan."))
    if record_.status != rules.COACHING_ACTIVE:
        raise DomainError(gettext("Pembinaan ini sudah selesai."))
    if held_on is None or held_on > today:
        raise DomainError(gettext("Isi tanggal pertemuan (tidak di masa depan)."), field="held_on")
    meeting = CoachingMeeting(held_on=held_on, journal=_text(journal, "journal", gettext("Jurnal")),
                              author_id=actor.employee_id)
    record_.meetings.append(meeting)
    db.session.flush()
    return meeting


def close_coaching(actor, record_: CoachingRecord, outcome: str | None, *, version=None) -> CoachingRecord:
    if actor.employee_id not in (record_.coach_id, record_.started_by_id):
        raise DomainError(gettext("Pembinaan ditutup oleh coach atau penilai."))
    check_version_if_sent(record_, version)
    if record_.status != rules.COACHING_ACTIVE:
        raise DomainError(gettext("Pembinaan ini sudah selesai."))
    record_.outcome = _text(outcome, "outcome", gettext("Hasil pembinaan"))
    record_.status = rules.COACHING_DONE
    db.session.flush()
    record(actor, "coaching.close", record_, summary=_l("Pembinaan selesai"),
           changes={"status": [rules.COACHING_ACTIVE, rules.COACHING_DONE]})
    return record_


# ---------------------------------------------------------------------------------------------------------
# Konseling kinerja (confidential): audited without content


def counsellors() -> list[Employee]:
    return list(db.session.scalars(select(Employee).join(Counsellor, Counsellor.employee_id == Employee.id)
                                   .where(Counsellor.active.is_(True), Employee.active.is_(True))
                                   .order_by(Employee.nama)))


def grant_counsellor(actor, employee: Employee, active: bool, now: dt.datetime) -> Counsellor:
    if not getattr(actor, "is_admin", False):
        raise DomainError(gettext("Hanya Admin BKPSDM yang menetapkan konselor."))
    row = db.session.scalar(select(Counsellor).where(Counsellor.employee_id == employee.id))
    if row is None:
        row = Counsellor(employee_id=employee.id, active=active, granted_by_id=actor.id, granted_at=now)
        db.session.add(row)
    else:
        row.active = active
    db.session.flush()
    record(actor, "counselling.counsellor", row,
           summary=_l("%(name)s ditetapkan sebagai konselor", name=employee.full_name) if active
           else _l("%(name)s tidak lagi konselor", name=employee.full_name),
           changes={"active": [None, active]})
    return row


def refer(actor, employee: Employee, counsellor: Employee | None, reason: str | None) -> CounsellingReferral:
    """The assessor refers an employee to a counsellor. The reason is confidential: not in the audit log."""
    if employee.assessor is None or actor.employee_id != employee.assessor.id:
        raise DomainError(gettext("Rujukan konseling dibuat oleh Pejabat Penilai Kinerja pegawai."))
    if counsellor is None or not perms.is_counsellor(_UserLike(counsellor.id)):
        raise DomainError(gettext("Pilih konselor yang ditetapkan BKPSDM."), field="counsellor")
    if counsellor.id in (employee.id, actor.employee_id):
        raise DomainError(gettext("Konselor harus orang lain."), field="counsellor")
    referral = CounsellingReferral(employee_id=employee.id, referred_by_id=actor.employee_id,
                                   counsellor_id=counsellor.id, reason=_text(reason, "reason", gettext("Alasan")))
    referral.employee = employee
    db.session.add(referral)
    db.session.flush()
    record(actor, "counselling.refer", referral, summary=_l("Rujukan konseling kinerja dibuat"),
           changes={"status": [None, rules.REFERRAL_OPEN]})
    return referral


class _UserLike:
    def __init__(self, employee_id: int) -> None:
        self.employee_id = employee_id


def add_counselling_note(actor, referral: CounsellingReferral, text: str | None, now: dt.datetime
                         ) -> CounsellingNote:
    if not perms.can_view_counselling(actor, referral):
        raise DomainError(gettext("Catatan konseling hanya untuk konselor dan pegawai."))
    if referral.status == rules.REFERRAL_DONE:
        raise DomainError(gettext("Konseling ini sudah selesai."))
    note = CounsellingNote(author_id=actor.employee_id, text=_text(text, "text", gettext("Catatan")), created_at=now)
    referral.notes.append(note)
    if actor.employee_id == referral.counsellor_id and referral.status == rules.REFERRAL_OPEN:
        referral.status = rules.REFERRAL_ACTIVE
    db.session.flush()
    record(actor, "counselling.note", referral, summary=_l("Catatan konseling ditambahkan"), changes={})
    return note


def close_counselling(actor, referral: CounsellingReferral, now: dt.datetime, version=None) -> CounsellingReferral:
    if actor.employee_id != referral.counsellor_id:
        raise DomainError(gettext("Konseling ditutup oleh konselor."))
    check_version_if_sent(referral, version)
    if referral.status == rules.REFERRAL_DONE:
        raise DomainError(gettext("Konseling ini sudah selesai."))
    old = referral.status
    referral.status = rules.REFERRAL_DONE
    referral.closed_at = now
    db.session.flush()
    record(actor, "counselling.close", referral, summary=_l("Konseling kinerja selesai"),
           changes={"status": [old, rules.REFERRAL_DONE]})
    return referral
