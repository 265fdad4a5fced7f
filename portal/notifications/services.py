"""Notifications: reading and marking them (the bell, the page), each user's e-mail preference, writing many at once
(reminders from a dashboard), and the notifications that time brings (``collect_due``: windows that open, deadlines
in three working days), run by ``flask send-reminders``.

Services take an explicit actor and dates, flush, never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.orm import aliased

from portal.auth.models import User
from portal.core.errors import DomainError
from portal.core.pagination import Page, paginate
from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.notifications import rules
from portal.notifications.events import window_label
from portal.notifications.models import Notification, NotificationPreference
from portal.org.models import Employee

CHUNK = 1000  # rows per statement when many notifications are written at once


# ---------------------------------------------------------------------------------------------------------
# Whose notifications


def mine(user):
    """The condition "addressed to this account": to its employee, or to the account itself."""
    conditions = [Notification.user_id == user.id]
    if user.employee_id is not None:
        conditions.append(Notification.employee_id == user.employee_id)
    return or_(*conditions)


def unread_count_stmt(employee_id, user_id):
    """Unread notifications of an account, as a count query (the menu builds it once with bind parameters;
    ``employee_id`` -1 for accounts without an employee record)."""
    return select(func.count(Notification.id)).where(
        Notification.read_at.is_(None), or_(Notification.employee_id == employee_id, Notification.user_id == user_id))


def unread_count(user) -> int:
    return db.session.scalar(unread_count_stmt(user.employee_id if user.employee_id is not None else -1, user.id)) or 0


def page(user, *, unread_only: bool, number: int, per_page: int = 25) -> Page:
    stmt = select(Notification).where(mine(user)).order_by(Notification.created_at.desc(), Notification.id.desc())
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return paginate(stmt, number, per_page)


def get_for(user, notification_id: int) -> Notification | None:
    """The notification when it is addressed to this account (else None: the view answers 404)."""
    return db.session.scalar(select(Notification).where(Notification.id == notification_id, mine(user)))


def mark_read(actor, notification: Notification, *, now: dt.datetime) -> Notification:
    if notification.read_at is None:
        notification.read_at = now
        db.session.flush()
    return notification


def mark_all_read(actor, *, now: dt.datetime) -> int:
    result = db.session.execute(update(Notification).where(mine(actor), Notification.read_at.is_(None))
                                .values(read_at=now).execution_options(synchronize_session=False))
    db.session.flush()
    return result.rowcount or 0


# ---------------------------------------------------------------------------------------------------------
# E-mail preference


@dataclass(frozen=True)
class EmailChoice:
    enabled: bool
    own_address: str  # typed on the settings page (may be empty)
    employee_address: str  # on the employee record
    address: str | None  # where e-mail goes (None: nowhere)


def email_choice(user) -> EmailChoice:
    pref = db.session.get(NotificationPreference, user.id)
    employee_address = (user.employee.email or "") if user.employee is not None else ""
    own = (pref.email or "") if pref is not None else ""
    return EmailChoice(enabled=pref.email_enabled if pref is not None else True, own_address=own,
                       employee_address=employee_address, address=rules.email_address(own, employee_address))


def save_preference(actor, *, enabled: bool, email: str | None) -> NotificationPreference:
    """Each user turns e-mail on or off for their own account, and may give an address for it."""
    email = (email or "").strip()
    if email and not rules.valid_email(email):
        raise DomainError(gettext("Alamat e-mail tidak valid."), field="email")
    pref = db.session.get(NotificationPreference, actor.id)
    if pref is None:
        pref = NotificationPreference(user_id=actor.id)
        db.session.add(pref)
    pref.email_enabled = bool(enabled)
    pref.email = email or None
    db.session.flush()
    return pref


# ---------------------------------------------------------------------------------------------------------
# Writing many notifications at once


def row(kind: str, *, subject: str, occasion: str, params: dict, endpoint: str, values: dict | None = None,
        employee_id: int | None = None, user_id: int | None = None, at: dt.datetime | None = None) -> dict:
    to = rules.recipient(employee_id, None if employee_id is not None else user_id)
    key = rules.dedupe_key(kind, subject, occasion, to)
    return {"kind": kind, "employee_id": employee_id, "user_id": None if employee_id is not None else user_id,
            "subject": subject, "params": params, "target": {"endpoint": endpoint, "values": values or {}},
            "dedupe": key, "created_at": at or utcnow(), "read_at": None}


def bulk_notify(rows: Iterable[dict]) -> int:
    """Insert the rows whose ``dedupe`` key is new (chunked; the same row twice is written once). Returns how many
    were written."""
    pending: dict[str, dict] = {}
    for r in rows:
        pending.setdefault(r["dedupe"], r)
    keys = list(pending)
    written = 0
    table = Notification.__table__
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        existing = set(db.session.scalars(select(Notification.dedupe).where(Notification.dedupe.in_(chunk))))
        fresh = [pending[k] for k in chunk if k not in existing]
        if fresh:
            db.session.execute(insert(table), fresh)
            written += len(fresh)
    db.session.flush()
    return written


def resolve(subjects: Sequence[str], *, now: dt.datetime) -> int:
    """Mark the open notifications of these subjects read (their state moved on)."""
    total = 0
    for start in range(0, len(subjects), CHUNK):
        result = db.session.execute(update(Notification).where(
            Notification.subject.in_(list(subjects[start:start + CHUNK])), Notification.read_at.is_(None))
            .values(read_at=now).execution_options(synchronize_session=False))
        total += result.rowcount or 0
    return total


# ---------------------------------------------------------------------------------------------------------
# What time brings: windows opening, deadlines in three working days (flask send-reminders)


@dataclass
class Collected:
    opened: int = 0
    deadlines: int = 0
    resolved: int = 0

    @property
    def total(self) -> int:
        return self.opened + self.deadlines


def _with_account():
    """Active employees who can sign in (an enabled account)."""
    return (select(Employee.id).join(User, User.employee_id == Employee.id)
            .where(Employee.active.is_(True), User.is_enabled.is_(True)))


def _window_opened(phase, today: dt.date) -> list[dict]:
    from portal.periods.models import PHASE_PLANNING

    endpoint = "skp.mine" if phase.kind == PHASE_PLANNING else "assessment.self_index"
    params = {"phase": window_label(phase), "until": phase.closes_on.isoformat()}
    subject = f"jendela:{phase.id}"
    return [row("jendela.dibuka", subject=subject, occasion="dibuka", params=params, endpoint=endpoint,
                employee_id=employee_id, at=None)
            for employee_id in db.session.scalars(_with_account())]


def _planning_deadline(phase, holidays) -> list[dict]:
    """The planning closes in three working days: employees (with an assessor) without an approved SKP, and the
    assessors with SKPs still waiting for them."""
    from portal.skp.models import STATUS_APPROVED, STATUS_SUBMITTED, Skp

    period = phase.period
    until = phase.closes_on.isoformat()
    approved = select(Skp.employee_id).where(Skp.period_id == period.id, Skp.status == STATUS_APPROVED)
    employees = db.session.scalars(_with_account().where(
        or_(Employee.superior_id.is_not(None), Employee.assessor_id.is_not(None)), Employee.id.not_in(approved)))
    rows = [row("tenggat.skp", subject=f"skp-pegawai:{eid}:{period.id}", occasion=f"tenggat-{until}",
                params={"year": period.year, "until": until}, endpoint="skp.mine", employee_id=eid)
            for eid in employees]
    waiting = db.session.execute(
        select(Skp.assessor_id, func.count(Skp.id)).join(Employee, Employee.id == Skp.employee_id)
        .where(Skp.period_id == period.id, Skp.is_current.is_(True), Skp.status == STATUS_SUBMITTED,
               Skp.assessor_id.is_not(None), Employee.active.is_(True))
        .group_by(Skp.assessor_id)).all()
    rows += [row("tenggat.skp_penilai", subject=f"jendela:{phase.id}:skp-penilai:{aid}", occasion=f"tenggat-{until}",
                 params={"n": n, "until": until}, endpoint="skp.team", employee_id=aid) for aid, n in waiting]
    return rows


def _evaluation_deadline(phase) -> list[dict]:
    """An evaluation window closes in three working days: employees with an approved SKP whose self-assessment is
    not submitted, and assessors whose reports are not rated final."""
    from portal.assessment.models import SELF_SUBMITTED, SelfAssessment
    from portal.evaluation.models import FINAL, RELEASED, Evaluation
    from portal.skp.models import STATUS_APPROVED, Skp

    until = phase.closes_on.isoformat()
    window = window_label(phase)
    approved = select(Skp.employee_id).where(Skp.period_id == phase.period_id, Skp.status == STATUS_APPROVED)
    submitted = select(SelfAssessment.employee_id).where(SelfAssessment.phase_id == phase.id,
                                                         SelfAssessment.status == SELF_SUBMITTED)
    employees = db.session.scalars(_with_account().where(Employee.id.in_(approved), Employee.id.not_in(submitted)))
    rows = [row("tenggat.penilaian_diri", subject=f"jendela:{phase.id}:penilaian-diri:{eid}",
                occasion=f"tenggat-{until}", params={"window": window, "until": until},
                endpoint="assessment.self_index", employee_id=eid) for eid in employees]
    rated = select(Evaluation.employee_id).where(Evaluation.phase_id == phase.id,
                                                 Evaluation.status.in_((FINAL, RELEASED)))
    assessor = func.coalesce(Employee.assessor_id, Employee.superior_id)
    waiting = db.session.execute(
        select(assessor, func.count(Employee.id))
        .where(Employee.active.is_(True), assessor.is_not(None), Employee.id.in_(approved), Employee.id.not_in(rated))
        .group_by(assessor)).all()
    rows += [row("tenggat.evaluasi", subject=f"jendela:{phase.id}:evaluasi:{aid}", occasion=f"tenggat-{until}",
                 params={"n": n, "window": window, "until": until}, endpoint="evaluation.team", employee_id=aid)
             for aid, n in waiting]
    return rows


def _document_deadlines(today: dt.date, holidays) -> list[dict]:
    """Documents not acknowledged whose 14 working days after signing end within three working days."""
    from portal.evaluation import rules as evaluation_rules
    from portal.evaluation.models import RELEASED, Evaluation, EvaluationDocument
    from portal.periods.models import PeriodPhase

    earliest = today - dt.timedelta(days=40)  # 14 working days are never more than ~40 calendar days
    records = db.session.execute(
        select(EvaluationDocument.evaluation_id, EvaluationDocument.signed_on, Evaluation.employee_id, PeriodPhase)
        .join(Evaluation, Evaluation.id == EvaluationDocument.evaluation_id)
        .join(PeriodPhase, PeriodPhase.id == Evaluation.phase_id)
        .where(EvaluationDocument.received_on.is_(None), EvaluationDocument.superseded_at.is_(None),
               Evaluation.status == RELEASED, EvaluationDocument.signed_on >= earliest)).all()
    rows = []
    for evaluation_id, signed_on, employee_id, phase in records:
        due = evaluation_rules.delivery_due(signed_on, holidays)
        if rules.due_soon(today, due, holidays):
            rows.append(row("tenggat.dokumen", subject=f"evaluasi:{evaluation_id}", occasion=f"tenggat-{due}",
                            params={"window": window_label(phase), "until": due.isoformat()},
                            endpoint="evaluation.mine", employee_id=employee_id))
    return rows


def _appeal_deadlines(today: dt.date, holidays) -> list[dict]:
    from portal.auth.models import ROLE_ADMIN
    from portal.evaluation import rules as evaluation_rules
    from portal.evaluation.models import APPEAL_FILED, Appeal

    person = aliased(Employee)
    records = db.session.execute(
        select(Appeal.id, Appeal.filed_on, Appeal.decider_id, person.gelar_depan, person.nama, person.gelar_belakang)
        .join(person, person.id == Appeal.employee_id)
        .where(Appeal.status == APPEAL_FILED, Appeal.filed_on >= today - dt.timedelta(days=30))).all()
    admins = None
    rows = []
    from portal.org.rules import full_name

    for appeal_id, filed_on, decider_id, depan, nama, belakang in records:
        due = evaluation_rules.decision_due(filed_on, holidays)
        if not rules.due_soon(today, due, holidays):
            continue
        if decider_id is None and admins is None:
            admins = list(db.session.scalars(select(User.id).where(User.role == ROLE_ADMIN,
                                                                   User.is_enabled.is_(True))))
        targets = [{"employee_id": decider_id}] if decider_id is not None else [{"user_id": u} for u in admins]
        for target in targets:
            rows.append(row("tenggat.keberatan", subject=f"keberatan:{appeal_id}", occasion=f"tenggat-{due}",
                            params={"name": full_name(depan, nama, belakang), "until": due.isoformat()},
                            endpoint="evaluation.appeal", values={"appeal_id": appeal_id}, **target))
    return rows


def collect_due(today: dt.date, *, now: dt.datetime) -> Collected:
    """The notifications of windows that are open and deadlines within three working days (each written once,
    whatever the number of runs), and the window notifications resolved once their window has closed."""
    from portal.evaluation.lists import WINDOW_KINDS
    from portal.periods import services as period_services
    from portal.periods.models import PHASE_PLANNING, Period, PeriodPhase

    collected = Collected()
    holidays = period_services.holidays_between(today - dt.timedelta(days=60), today + dt.timedelta(days=60))
    phases = list(db.session.scalars(
        select(PeriodPhase).join(Period, Period.id == PeriodPhase.period_id)
        .where(Period.active.is_(True), PeriodPhase.kind.in_((PHASE_PLANNING, *WINDOW_KINDS)),
               PeriodPhase.opens_on <= today, PeriodPhase.closes_on >= today - dt.timedelta(days=60))))
    rows: list[dict] = []
    closed: list[str] = []
    for phase in phases:
        if phase.closes_on < today:
            closed.append(f"jendela:{phase.id}")
            continue
        announced = db.session.scalar(select(Notification.id).where(Notification.subject == f"jendela:{phase.id}")
                                      .limit(1))
        if announced is None:
            opened = _window_opened(phase, today)
            collected.opened += bulk_notify(opened)
        if rules.due_soon(today, phase.closes_on, holidays):
            rows += _planning_deadline(phase, holidays) if phase.kind == PHASE_PLANNING else \
                _evaluation_deadline(phase)
    rows += _document_deadlines(today, holidays)
    rows += _appeal_deadlines(today, holidays)
    collected.deadlines = bulk_notify(rows)
    for subject in closed:
        result = db.session.execute(update(Notification).where(
            or_(Notification.subject == subject, Notification.subject.like(f"{subject}:%")),
            Notification.read_at.is_(None)).values(read_at=now).execution_options(synchronize_session=False))
        collected.resolved += result.rowcount or 0
    db.session.flush()
    return collected


# ---------------------------------------------------------------------------------------------------------
# For the menu


def count_params(user) -> dict:
    return {"notif_employee": user.employee_id if user.employee_id is not None else -1, "notif_user": user.id}


def count_stmt_with_params():
    return unread_count_stmt(bindparam("notif_employee"), bindparam("notif_user"))
