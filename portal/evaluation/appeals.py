"""Keberatan (appeals) against a released evaluation (DOMAIN.md section 7).

- Filed by the employee, with reasons and attachments, within 14 working days of acknowledging receipt of the
  document (rules.appeal_due), addressed to the Atasan Pejabat Penilai Kinerja (the assessor's superior; Admin
  BKPSDM decides when there is none). One open appeal per evaluation.
- The deciding superior asks the assessor and the employee for explanations; both answer in the portal.
- Decided within 7 working days of filing (rules.decision_due): upheld, or changed - new ratings, the predikat
  re-derived, a new document version signed by the decider; the old version stays, marked superseded.
Every step is audited. Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from portal.core.audit import record
from portal.core.errors import ConflictError, DomainError, check_version_if_sent
from portal.core.facts import Fact, holds
from portal.core.i18n import long_date
from portal.evaluation import rules
from portal.evaluation import services as evaluation_services
from portal.evaluation.models import (
    APPEAL_CHANGED,
    APPEAL_FILED,
    APPEAL_UPHELD,
    PARTY_ASSESSOR,
    PARTY_EMPLOYEE,
    RELEASED,
    Appeal,
    AppealAttachment,
    AppealStatement,
    Evaluation,
)
from portal.extensions import db
from portal.periods import services as period_services
from portal.progress import services as progress_services

REASONS_MAX = 8000
STATEMENT_MAX = 4000
ATTACHMENTS_MAX = 5

APPEALED = Fact("appealed", lambda employee: exists().where(Appeal.employee_id == employee))


def _holidays(start: dt.date) -> frozenset[dt.date]:
    return period_services.holidays_between(start, start + dt.timedelta(days=120))


def appeal_due(evaluation: Evaluation) -> dt.date | None:
    document = evaluation.current_document
    if document is None or document.received_on is None:
        return None
    return rules.appeal_due(document.received_on, _holidays(document.received_on))


def decision_due(appeal: Appeal) -> dt.date:
    return rules.decision_due(appeal.filed_on, _holidays(appeal.filed_on))


def open_appeal(evaluation: Evaluation) -> Appeal | None:
    return db.session.scalar(select(Appeal).where(Appeal.evaluation_id == evaluation.id,
                                                  Appeal.status == APPEAL_FILED))


def appeals_of(evaluation: Evaluation) -> list[Appeal]:
    return list(db.session.scalars(select(Appeal).where(Appeal.evaluation_id == evaluation.id).order_by(Appeal.id)))


def can_file(user, evaluation: Evaluation, today: dt.date) -> bool:
    due = appeal_due(evaluation)
    return (user.employee_id == evaluation.employee_id and evaluation.status == RELEASED and due is not None
            and today <= due and open_appeal(evaluation) is None)


def is_decider(user, appeal: Appeal) -> bool:
    if appeal.decider_id is None:
        return bool(getattr(user, "is_admin", False))
    return user.employee_id is not None and user.employee_id == appeal.decider_id


def is_party(user, appeal: Appeal) -> bool:
    """The employee, the assessor (and whoever rated), the decider, admin and auditor."""
    if user.can_read_all or is_decider(user, appeal):
        return True
    evaluation = appeal.evaluation
    return user.employee_id is not None and user.employee_id in (
        evaluation.employee_id, evaluation.assessor_id, evaluation.rated_by_id)


def can_open_appeals(user) -> bool:
    """The appeals list: BKPSDM and auditors, assessors (who decide, or whose ratings are appealed), and an employee
    with an appeal of their own."""
    if not user.is_authenticated:
        return False
    if user.can_read_all:
        return True
    if user.employee_id is None:
        return False
    from portal.org import permissions as org_perms

    return org_perms.is_assessor(user) or holds(user.employee_id, APPEALED.key)


def attachment_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "appeals"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _store(appeal: Appeal, filename: str, stream: BinaryIO, now: dt.datetime) -> AppealAttachment:
    """An attachment checked like evidence files (type by content, size limit) and stored under a random name."""
    stored = progress_services.store_upload(attachment_folder(), filename, stream, field="files")
    attachment = AppealAttachment(original_name=stored.original_name, stored_name=stored.stored_name,
                                  content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                                  uploaded_at=now)
    appeal.attachments.append(attachment)
    return attachment


def file_appeal(actor, evaluation: Evaluation, reasons: str | None, files: Iterable[tuple[str, BinaryIO]], *,
                today: dt.date, now: dt.datetime) -> Appeal:
    if actor.employee_id != evaluation.employee_id:
        raise DomainError(gettext("Hanya pegawai yang dinilai yang dapat mengajukan keberatan."))
    if evaluation.status != RELEASED or evaluation.current_document is None:
        raise DomainError(gettext("Keberatan hanya dapat diajukan atas dokumen evaluasi yang sudah diserahkan."))
    due = appeal_due(evaluation)
    if due is None:
        raise DomainError(gettext("Konfirmasi dahulu bahwa Anda sudah menerima dokumen evaluasi."))
    if today > due:
        raise DomainError(gettext("Batas pengajuan keberatan sudah lewat (%(date)s: 14 hari kerja sejak dokumen "
                                  "diterima).", date=long_date(due)))
    if open_appeal(evaluation) is not None:
        raise ConflictError(gettext("Keberatan atas penilaian ini sedang diproses."))
    reasons = (reasons or "").strip()
    if not reasons:
        raise DomainError(gettext("Tuliskan alasan keberatan Anda."), field="reasons")
    if len(reasons) > REASONS_MAX:
        raise DomainError(gettext("Alasan keberatan paling banyak %(n)s karakter.", n=REASONS_MAX), field="reasons")
    files = [(name, stream) for name, stream in files if name]
    if len(files) > ATTACHMENTS_MAX:
        raise DomainError(gettext("Paling banyak %(n)s lampiran.", n=ATTACHMENTS_MAX), field="files")
    decider = evaluation_services.decider_of(evaluation.employee)
    appeal = Appeal(evaluation_id=evaluation.id, document_id=evaluation.current_document.id,
                    employee_id=evaluation.employee_id, decider_id=decider.id if decider else None,
                    status=APPEAL_FILED, reasons=reasons, filed_on=today, filed_at=now,
                    old_result_rating=evaluation.result_rating, old_behaviour_rating=evaluation.behaviour_rating)
    appeal.evaluation = evaluation
    db.session.add(appeal)
    for name, stream in files:
        _store(appeal, name, stream, now)
    db.session.flush()
    record(actor, "appeal.file", appeal,
           summary=_l("Keberatan atas penilaian %(window)s diajukan kepada %(decider)s",
                      window=LazyString(period_services.phase_label, evaluation.phase),
                      decider=decider.full_name if decider else _l("Admin BKPSDM")),
           changes={"status": [None, APPEAL_FILED], "attachments": [None, len(files)]})
    return appeal


def request_statement(actor, appeal: Appeal, party: str, question: str | None, *, now: dt.datetime
                      ) -> AppealStatement:
    """The decider asks the assessor or the employee for an explanation."""
    if not is_decider(actor, appeal):
        raise DomainError(gettext("Hanya Atasan Pejabat Penilai Kinerja yang memutuskan keberatan ini."))
    if appeal.status != APPEAL_FILED:
        raise ConflictError(gettext("Keberatan ini sudah diputuskan."))
    evaluation = appeal.evaluation
    if party == PARTY_ASSESSOR:
        who = evaluation.rated_by_id or evaluation.assessor_id
    elif party == PARTY_EMPLOYEE:
        who = evaluation.employee_id
    else:
        raise DomainError(gettext("Pilih pihak yang dimintai penjelasan."), field="party")
    if who is None:
        raise DomainError(gettext("Pihak ini tidak ada."), field="party")
    question = (question or "").strip()
    if not question:
        raise DomainError(gettext("Tuliskan hal yang perlu dijelaskan."), field="question")
    if len(question) > STATEMENT_MAX:
        raise DomainError(gettext("Paling banyak %(n)s karakter.", n=STATEMENT_MAX), field="question")
    statement = AppealStatement(party=party, employee_id=who, question=question, requested_at=now)
    appeal.statements.append(statement)
    db.session.flush()
    record(actor, "appeal.request_statement", appeal,
           summary=_l("Penjelasan diminta dari %(party)s", party=party), changes={"question": [None, question]})
    return statement


def answer_statement(actor, statement: AppealStatement, answer: str | None, *, now: dt.datetime
                     ) -> AppealStatement:
    if actor.employee_id != statement.employee_id:
        raise DomainError(gettext("Permintaan penjelasan ini bukan untuk Anda."))
    if statement.appeal.status != APPEAL_FILED:
        raise ConflictError(gettext("Keberatan ini sudah diputuskan."))
    if statement.answered_at is not None:
        raise ConflictError(gettext("Penjelasan ini sudah dikirim."))
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(gettext("Tuliskan penjelasan Anda."), field="answer")
    if len(answer) > STATEMENT_MAX:
        raise DomainError(gettext("Penjelasan paling banyak %(n)s karakter.", n=STATEMENT_MAX), field="answer")
    statement.answer = answer
    statement.answered_at = now
    db.session.flush()
    record(actor, "appeal.answer_statement", statement.appeal,
           summary=_l("Penjelasan %(party)s dikirim", party=statement.party), changes={"answer": [None, answer]})
    return statement


def decide(actor, appeal: Appeal, outcome: str, note: str | None, *, result_rating: str | None = None,
           behaviour_rating: str | None = None, today: dt.date, now: dt.datetime, version=None) -> Appeal:
    """Uphold, or change the ratings: the predikat is re-derived and a new document version is signed by the
    decider (the old one stays, superseded). Late decisions are still possible; the page shows them as late."""
    if not is_decider(actor, appeal):
        raise DomainError(gettext("Hanya Atasan Pejabat Penilai Kinerja yang memutuskan keberatan ini."))
    check_version_if_sent(appeal, version)
    if appeal.status != APPEAL_FILED:
        raise ConflictError(gettext("Keberatan ini sudah diputuskan."))
    note = (note or "").strip()
    if not note:
        raise DomainError(gettext("Tuliskan pertimbangan keputusan."), field="decision_note")
    if len(note) > STATEMENT_MAX:
        raise DomainError(gettext("Pertimbangan paling banyak %(n)s karakter.", n=STATEMENT_MAX),
                          field="decision_note")
    evaluation = appeal.evaluation
    if outcome == APPEAL_UPHELD:
        appeal.status = APPEAL_UPHELD
    elif outcome == APPEAL_CHANGED:
        if result_rating not in rules.RATINGS or behaviour_rating not in rules.RATINGS:
            raise DomainError(gettext("Pilih rating baru."), field="result_rating")
        if (result_rating, behaviour_rating) == (evaluation.result_rating, evaluation.behaviour_rating):
            raise DomainError(gettext("Rating baru sama dengan yang lama: pilih \"Keputusan tetap\" bila penilaian "
                                      "tidak berubah."), field="result_rating")
        evaluation.result_rating = result_rating
        evaluation.behaviour_rating = behaviour_rating
        evaluation.predikat = rules.derive_predikat(result_rating, behaviour_rating)
        evaluation.note = (evaluation.note + "\n\n" if evaluation.note else "") + gettext(
            "Diubah atas keberatan: %(note)s", note=note)
        evaluation.updated_at = now
        appeal.status = APPEAL_CHANGED
        appeal.new_result_rating, appeal.new_behaviour_rating = result_rating, behaviour_rating
        evaluation_services.issue_document(actor, evaluation, today=today, now=now)
    else:
        raise DomainError(gettext("Pilih keputusan."), field="outcome")
    appeal.decision_note = note
    appeal.decided_at, appeal.decided_on, appeal.decided_by_id = now, today, actor.employee_id
    db.session.flush()
    record(actor, "appeal.decide", appeal,
           summary=_l("Keberatan diputuskan: %(outcome)s", outcome=outcome),
           changes={"status": [APPEAL_FILED, appeal.status], "decision_note": [None, note],
                    "predikat": [None, evaluation.predikat]})
    return appeal
