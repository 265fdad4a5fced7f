"""Notifications from what happens in the other areas, without those areas calling anything.

After every flush the session's new and changed rows are read (their history is still there), and for the ones
that ask someone to act a notification row is written in the same transaction: an SKP submitted (for its assessor)
or returned (for its owner), feedback given or asked for, a 360 invitation or a proposed rater, a self-assessment
returned, an evaluation document delivered or a rating sent back in calibration, an appeal filed, an explanation
asked or given, an appeal decided, a dialog session proposed or closed, a development plan submitted or returned.

Every notification names its ``subject`` ("skp:12"). When the subject moves on (the SKP is approved, the
feedback read, the session accepted), its open notifications are marked read: a notification asks to act on the
state it was written for, and stays unread only while that state lasts. The rollback of the service's transaction
removes the notifications with it.

What is deliberately *not* watched: the 360 answers (``RaterCompletion``, ``FeedbackBucket``, ``RaterDraft``) and
the reminder rounds (``ReminderRound``). Nothing here may tell who answered: an invitation's notification is
written when the invitation is sent, for every invited rater, and is never marked read by answering.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_app_context
from flask_babel import force_locale
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import get_history

from portal.core.timeutil import local_date, utcnow
from portal.notifications import rules
from portal.notifications.models import Notification


def portal_text(compute: Callable[[], str]) -> str:
    """A label computed in the portal's language (a notification is stored once and read by its recipient)."""
    if has_app_context():
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            return str(compute())
    return str(compute())


def window_label(phase) -> str:
    from portal.periods.services import phase_label

    return portal_text(lambda: f"{phase_label(phase)} {phase.period.year}")


def _stamp(moment: dt.datetime | dt.date | None) -> str:
    if moment is None:
        return "-"
    return moment.strftime("%Y%m%d%H%M%S%f") if isinstance(moment, dt.datetime) else moment.isoformat()


@dataclass
class Plan:
    """The notifications one flush writes, and the subjects it resolves."""

    session: Session
    rows: dict[str, dict] = field(default_factory=dict)
    resolved: set[str] = field(default_factory=set)

    def get(self, model, ident):
        return self.session.get(model, ident) if ident is not None else None

    def notify(self, kind: str, *, subject: str, occasion: str, params: dict, endpoint: str,
               values: dict | None = None, employee_id: int | None = None, user_id: int | None = None,
               at: dt.datetime | None = None) -> None:
        if employee_id is None and user_id is None:
            return
        to = rules.recipient(employee_id, None if employee_id is not None else user_id)
        key = rules.dedupe_key(kind, subject, occasion, to)
        self.rows[key] = {
            "kind": kind, "employee_id": employee_id, "user_id": None if employee_id is not None else user_id,
            "subject": subject, "params": params, "target": {"endpoint": endpoint, "values": values or {}},
            "dedupe": key, "created_at": at or utcnow(), "read_at": None,
        }

    def resolve(self, subject: str) -> None:
        self.resolved.add(subject)

    def execute(self) -> None:
        if not self.rows and not self.resolved:
            return
        connection = self.session.connection()
        table = Notification.__table__
        if self.resolved:
            connection.execute(update(table).where(table.c.subject.in_(sorted(self.resolved)),
                                                   table.c.read_at.is_(None)).values(read_at=utcnow()))
        if self.rows:
            existing = set(connection.execute(select(table.c.dedupe).where(table.c.dedupe.in_(list(self.rows))))
                           .scalars())
            fresh = [row for key, row in self.rows.items() if key not in existing]
            if fresh:
                connection.execute(insert(table), fresh)


def _changed(obj, attribute: str) -> tuple[Any, Any] | None:
    """(old, new) when ``attribute`` changed in this flush, else None."""
    history = get_history(obj, attribute)
    if not history.added:
        return None
    new = history.added[0]
    old = history.deleted[0] if history.deleted else None
    return None if new == old else (old, new)


def _admins(plan: Plan) -> list[int]:
    from portal.auth.models import ROLE_ADMIN, User

    return list(plan.session.execute(select(User.id).where(User.role == ROLE_ADMIN, User.is_enabled.is_(True)))
                .scalars())


# ---------------------------------------------------------------------------------------------------------
# Watchers: (new or changed object, plan)


def _skp_event(ev, plan: Plan) -> None:
    from portal.skp.models import STATUS_APPROVED, STATUS_RETURNED, STATUS_SUBMITTED, Skp

    skp = ev.skp or plan.get(Skp, ev.skp_id)
    if skp is None or skp.id is None:
        return
    subject = f"skp:{skp.id}"
    plan.resolve(subject)
    if ev.to_status not in (STATUS_SUBMITTED, STATUS_RETURNED, STATUS_APPROVED):
        return
    from portal.org.models import Employee
    from portal.periods.models import Period

    owner = skp.employee or plan.get(Employee, skp.employee_id)
    period = skp.period or plan.get(Period, skp.period_id)
    params = {"year": period.year if period else "", "name": owner.full_name if owner else ""}
    if ev.to_status == STATUS_SUBMITTED:
        plan.notify("skp.diajukan", subject=subject, occasion=_stamp(ev.at), params=params, endpoint="skp.detail",
                    values={"skp_id": skp.id}, employee_id=skp.assessor_id, at=ev.at)
    elif ev.to_status == STATUS_RETURNED:
        plan.notify("skp.dikembalikan", subject=subject, occasion=_stamp(ev.at), params=params,
                    endpoint="skp.detail", values={"skp_id": skp.id}, employee_id=skp.employee_id, at=ev.at)
    if ev.to_status in (STATUS_SUBMITTED, STATUS_APPROVED):
        plan.resolve(f"skp-pegawai:{skp.employee_id}:{skp.period_id}")


def _feedback(fb, plan: Plan, new: bool) -> None:
    from portal.org.models import Employee
    from portal.skp.models import Skp

    if new:
        skp = plan.get(Skp, fb.skp_id)
        if fb.request_id is not None:
            plan.resolve(f"permintaan-umpan-balik:{fb.request_id}")
        if skp is None or skp.employee_id == fb.author_id:
            return
        author = plan.get(Employee, fb.author_id)
        plan.notify("umpan_balik.diterima", subject=f"umpan-balik:{fb.id}", occasion="baru",
                    params={"author": author.full_name if author else ""}, endpoint="progress.skp_progress",
                    values={"skp_id": skp.id}, employee_id=skp.employee_id, at=fb.created_at)
    elif _changed(fb, "read_at"):
        plan.resolve(f"umpan-balik:{fb.id}")


def _feedback_request(request_, plan: Plan, new: bool) -> None:
    from portal.org.models import Employee

    subject = f"permintaan-umpan-balik:{request_.id}"
    if new:
        asker = plan.get(Employee, request_.requested_by_id)
        plan.notify("umpan_balik.diminta", subject=subject, occasion="baru",
                    params={"name": asker.full_name if asker else ""}, endpoint="progress.inbox",
                    employee_id=request_.asked_id, at=request_.created_at)
    elif _changed(request_, "answered_at"):
        plan.resolve(subject)


def _nomination(nomination, plan: Plan, new: bool) -> None:
    from portal.assessment.models import NOMINATION_INVITED, NOMINATION_PROPOSED
    from portal.org.models import Employee

    subject = f"360:{nomination.id}"
    if new:
        status = nomination.status
    else:
        change = _changed(nomination, "status")
        if change is None:
            return
        plan.resolve(subject)
        status = change[1]
    person = plan.get(Employee, nomination.subject_id)
    if person is None:
        return
    if status == NOMINATION_INVITED:
        # Written for every invited rater when the invitation is sent; answering never touches it (anonymity).
        plan.notify("360.diundang", subject=subject, occasion="undangan",
                    params={"name": person.full_name, "due": nomination.due_on.isoformat() if nomination.due_on
                            else ""},
                    endpoint="assessment.tasks", employee_id=nomination.rater_id)
    elif status == NOMINATION_PROPOSED and person.assessor is not None:
        rater = plan.get(Employee, nomination.rater_id)
        plan.notify("360.diusulkan", subject=subject, occasion="usulan",
                    params={"name": person.full_name, "rater": rater.full_name if rater else ""},
                    endpoint="assessment.nominations",
                    values={"subject_id": person.id, "phase_id": nomination.phase_id},
                    employee_id=person.assessor.id)


def _self_assessment(sa, plan: Plan, new: bool) -> None:
    from portal.assessment.models import SELF_RETURNED

    change = None if new else _changed(sa, "status")
    if change is None:
        return
    subject = f"penilaian-diri:{sa.id}"
    plan.resolve(subject)
    if change[1] == SELF_RETURNED:
        plan.notify("penilaian_diri.dikembalikan", subject=subject, occasion=_stamp(sa.updated_at),
                    params={"window": window_label(sa.phase)}, endpoint="assessment.self_index",
                    employee_id=sa.employee_id)
    plan.resolve(f"jendela:{sa.phase_id}:penilaian-diri:{sa.employee_id}")


def _evaluation(evaluation, plan: Plan, new: bool) -> None:
    from portal.evaluation.models import RELEASED, RETURNED

    change = None if new else _changed(evaluation, "status")
    if change is None:
        return
    subject = f"evaluasi:{evaluation.id}"
    plan.resolve(subject)
    window = window_label(evaluation.phase)
    if change[1] != RETURNED:  # rated (or released): reminders to rate this employee are done
        plan.resolve(f"jendela:{evaluation.phase_id}:evaluasi-pegawai:{evaluation.employee_id}")
    if change[1] == RELEASED:
        plan.notify("evaluasi.diserahkan", subject=subject, occasion=_stamp(evaluation.released_at),
                    params={"window": window}, endpoint="evaluation.mine", employee_id=evaluation.employee_id,
                    at=evaluation.released_at)
    elif change[1] == RETURNED:
        plan.notify("evaluasi.dikembalikan", subject=subject, occasion=_stamp(evaluation.updated_at),
                    params={"name": evaluation.employee.full_name, "window": window}, endpoint="evaluation.score",
                    values={"employee_id": evaluation.employee_id, "phase_id": evaluation.phase_id},
                    employee_id=evaluation.rated_by_id or evaluation.assessor_id)


def _document(document, plan: Plan, new: bool) -> None:
    if not new and _changed(document, "received_on"):
        plan.resolve(f"evaluasi:{document.evaluation_id}")


def _appeal(appeal, plan: Plan, new: bool) -> None:
    from portal.evaluation.appeals import decision_due
    from portal.evaluation.models import APPEAL_CHANGED, APPEAL_UPHELD
    from portal.org.models import Employee

    subject = f"keberatan:{appeal.id}"
    employee = appeal.employee or plan.get(Employee, appeal.employee_id)
    if employee is None:
        return
    if new:
        params = {"name": employee.full_name, "due": decision_due(appeal).isoformat()}
        for kwargs in ([{"employee_id": appeal.decider_id}] if appeal.decider_id is not None
                       else [{"user_id": uid} for uid in _admins(plan)]):
            plan.notify("keberatan.diajukan", subject=subject, occasion="baru", params=params,
                        endpoint="evaluation.appeal", values={"appeal_id": appeal.id}, at=appeal.filed_at, **kwargs)
        return
    change = _changed(appeal, "status")
    if change is None:
        return
    plan.resolve(subject)
    if change[1] in (APPEAL_UPHELD, APPEAL_CHANGED):
        plan.notify("keberatan.diputuskan", subject=subject, occasion=change[1],
                    params={"window": window_label(appeal.evaluation.phase)}, endpoint="evaluation.appeal",
                    values={"appeal_id": appeal.id}, employee_id=appeal.employee_id, at=appeal.decided_at)


def _statement(statement, plan: Plan, new: bool) -> None:
    from portal.evaluation.models import Appeal

    subject = f"keberatan-penjelasan:{statement.id}"
    appeal = statement.appeal or plan.get(Appeal, statement.appeal_id)
    if appeal is None:
        return
    name = appeal.employee.full_name
    if new:
        plan.notify("keberatan.penjelasan", subject=subject, occasion="baru", params={"name": name},
                    endpoint="evaluation.appeal", values={"appeal_id": appeal.id}, employee_id=statement.employee_id,
                    at=statement.requested_at)
    elif _changed(statement, "answered_at"):
        plan.resolve(subject)
        plan.notify("keberatan.dijawab", subject=f"keberatan:{appeal.id}", occasion=f"jawaban-{statement.id}",
                    params={"name": name}, endpoint="evaluation.appeal", values={"appeal_id": appeal.id},
                    employee_id=appeal.decider_id, at=statement.answered_at)


def _dialog(session_, plan: Plan, new: bool) -> None:
    from portal.dialog import rules as dialog_rules

    subject = f"dialog:{session_.id}"
    if not new:
        moved = [_changed(session_, name) for name in ("status", "starts_at", "proposed_by")]
        if not any(moved):
            return
        plan.resolve(subject)
    from portal.org.models import Employee

    when = local_date(session_.starts_at).isoformat()
    if session_.status == dialog_rules.PROPOSED:
        if session_.proposed_by == dialog_rules.EMPLOYEE:
            proposer, to = plan.get(Employee, session_.employee_id), session_.assessor_id
        else:
            proposer, to = plan.get(Employee, session_.assessor_id), session_.employee_id
        occasion = f"{_stamp(session_.starts_at)}-{session_.proposed_by}"
        plan.notify("dialog.diusulkan", subject=subject, occasion=occasion,
                    params={"name": proposer.full_name if proposer else "", "when": when},
                    endpoint="dialog.session", values={"session_id": session_.id}, employee_id=to)
    elif session_.status == dialog_rules.CLOSED and not new:
        plan.notify("dialog.ditutup", subject=subject, occasion="ditutup", params={"when": when},
                    endpoint="dialog.session", values={"session_id": session_.id}, employee_id=session_.employee_id,
                    at=session_.closed_at)


def _plan(development_plan, plan: Plan, new: bool) -> None:
    from portal.development import rules as development_rules

    change = None if new else _changed(development_plan, "status")
    if change is None:
        return
    subject = f"rencana:{development_plan.id}"
    plan.resolve(subject)
    if change[1] in (development_rules.PLAN_SUBMITTED, development_rules.PLAN_APPROVED):
        plan.resolve(f"rencana-pegawai:{development_plan.employee_id}:{development_plan.year}")
    params = {"year": development_plan.year, "name": development_plan.employee.full_name}
    if change[1] == development_rules.PLAN_SUBMITTED:
        plan.notify("pengembangan.diajukan", subject=subject, occasion=_stamp(development_plan.submitted_at),
                    params=params, endpoint="development.employee",
                    values={"employee_id": development_plan.employee_id}, employee_id=development_plan.assessor_id,
                    at=development_plan.submitted_at)
    elif change[1] == development_rules.PLAN_RETURNED:
        plan.notify("pengembangan.dikembalikan", subject=subject, occasion=_stamp(development_plan.decided_at),
                    params=params, endpoint="development.mine", employee_id=development_plan.employee_id,
                    at=development_plan.decided_at)


def _watchers() -> dict[type, Callable]:
    from portal.assessment.models import RaterNomination, SelfAssessment
    from portal.development.models import DevelopmentPlan
    from portal.dialog.models import DialogSession
    from portal.evaluation.models import Appeal, AppealStatement, Evaluation, EvaluationDocument
    from portal.progress.models import Feedback, FeedbackRequest
    from portal.skp.models import SkpEvent

    return {
        SkpEvent: lambda obj, plan, new: _skp_event(obj, plan) if new else None,
        Feedback: _feedback,
        FeedbackRequest: _feedback_request,
        RaterNomination: _nomination,
        SelfAssessment: _self_assessment,
        Evaluation: _evaluation,
        EvaluationDocument: _document,
        Appeal: _appeal,
        AppealStatement: _statement,
        DialogSession: _dialog,
        DevelopmentPlan: _plan,
    }


_WATCHERS: dict[type, Callable] | None = None


def after_flush(session: Session, _flush_context) -> None:
    """Write the notifications of what this flush inserted or changed (same transaction)."""
    global _WATCHERS
    if not has_app_context():
        return
    if _WATCHERS is None:
        _WATCHERS = _watchers()
    plan = Plan(session)
    for obj in list(session.new):
        watcher = _WATCHERS.get(type(obj))
        if watcher is not None:
            watcher(obj, plan, True)
    for obj in list(session.dirty):
        watcher = _WATCHERS.get(type(obj))
        if watcher is not None and session.is_modified(obj, include_collections=False):
            watcher(obj, plan, False)
    plan.execute()


def init_app() -> None:
    if not event.contains(Session, "after_flush", after_flush):
        event.listen(Session, "after_flush", after_flush)
