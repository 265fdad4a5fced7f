"""Who may record realisation, see Bukti Dukung, give, ask for and read Umpan Balik Berkelanjutan.

- Realisation and evidence: only the Pegawai yang Dinilai, on the approved SKP version, for a sub-period that
  has started and whose evaluation window is still open (or reopened) - see services.sub_period_state.
- Evidence is served to whoever may view the SKP (skp.permissions.can_view_skp); ids are sequential, so the
  check happens on every download.
- Feedback is given by the SKP's assessor, anyone above the assessor in the reporting line, and anyone the
  employee asked through a FeedbackRequest; never by the employee on their own SKP (they ask instead).
- Auditors read, never write.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from portal.extensions import db
from portal.progress.models import Evidence, Feedback, FeedbackPhrase, FeedbackRequest, Realisation
from portal.skp import permissions as skp_perms
from portal.skp.models import STATUS_APPROVED, Indicator, ResultPlan, Skp


def is_progress_open(skp: Skp) -> bool:
    """Realisation and feedback happen on the approved version of an SKP. There is one per employee and period at
    a time: while a revision is being drafted (the new draft is the "current" version) the approved one stays
    approved and open, so the employee is never blocked; once the revision is approved the old one is superseded
    (services.carry_over_realisations moves its realisations to the new version)."""
    return skp.status == STATUS_APPROVED


def _writer(user) -> bool:
    return user.is_authenticated and not user.is_auditor and user.employee_id is not None


def can_record(user, skp: Skp) -> bool:
    """The owner, on an open SKP (the sub-period check is services.require_sub_period_editable)."""
    return _writer(user) and skp_perms.is_owner(user, skp) and is_progress_open(skp)


def in_assessor_chain(user, skp: Skp) -> bool:
    """The SKP's assessor or anyone above the assessor in the reporting line."""
    if user.employee_id is None:
        return False
    assessor = skp.assessor or skp.employee.assessor
    seen: set[int] = set()
    while assessor is not None and assessor.id not in seen and len(seen) < 20:
        if assessor.id == user.employee_id:
            return True
        seen.add(assessor.id)
        assessor = assessor.superior
    return False


def was_invited(user, skp: Skp) -> bool:
    if user.employee_id is None:
        return False
    stmt = select(FeedbackRequest.id).where(FeedbackRequest.skp_id == skp.id,
                                            FeedbackRequest.asked_id == user.employee_id).limit(1)
    return db.session.execute(stmt).first() is not None


def can_give_feedback(user, skp: Skp) -> bool:
    if not _writer(user) or skp_perms.is_owner(user, skp) or not is_progress_open(skp):
        return False
    return in_assessor_chain(user, skp) or was_invited(user, skp)


def can_request_feedback(user, skp: Skp) -> bool:
    return _writer(user) and skp_perms.is_owner(user, skp) and is_progress_open(skp)


def can_mark_read(user, skp: Skp) -> bool:
    """Only the Pegawai yang Dinilai marks feedback on their SKP as read."""
    return _writer(user) and skp_perms.is_owner(user, skp)


def can_answer_request(user, feedback_request: FeedbackRequest) -> bool:
    return (_writer(user) and feedback_request.asked_id == user.employee_id
            and feedback_request.answered_at is None and is_progress_open(feedback_request.skp))


# Phrases: shared ones (owner_id NULL) are kept by the admin; every employee keeps their own.


def can_use_phrases(user) -> bool:
    return user.is_authenticated and (user.can_read_all or user.employee_id is not None)


def can_add_shared_phrase(user) -> bool:
    return user.is_authenticated and user.is_admin


def can_add_own_phrase(user) -> bool:
    return _writer(user) and not user.is_admin


def can_edit_phrase(user, phrase: FeedbackPhrase) -> bool:
    if not user.is_authenticated or user.is_auditor:
        return False
    if phrase.owner_id is None:
        return user.is_admin
    return phrase.owner_id == user.employee_id


# ---------------------------------------------------------------------------------------------------------
# Loaders (404 when missing, 403 when not allowed)


def evidence_skp(evidence: Evidence) -> Skp:
    return evidence.realisation.indicator.result_plan.skp


def get_evidence_or_404(evidence_id: int, user) -> Evidence:
    from sqlalchemy.orm import joinedload

    evidence = db.session.scalar(
        select(Evidence).where(Evidence.id == evidence_id).options(
            joinedload(Evidence.realisation).joinedload(Realisation.indicator)
            .joinedload(Indicator.result_plan).joinedload(ResultPlan.skp))
    )
    if evidence is None:
        abort(404)
    if not skp_perms.can_view_skp(user, evidence_skp(evidence)):
        abort(403)
    return evidence


def get_indicator_or_404(skp: Skp, indicator_id: int) -> Indicator:
    """The indicator must belong to the SKP named in the URL."""
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None or indicator.result_plan.skp_id != skp.id:
        abort(404)
    return indicator


def get_feedback_or_404(feedback_id: int, user) -> Feedback:
    feedback = db.get_or_404(Feedback, feedback_id)
    if not can_mark_read(user, feedback.skp):
        abort(403)
    return feedback


def get_request_or_404(request_id: int, user) -> FeedbackRequest:
    feedback_request = db.get_or_404(FeedbackRequest, request_id)
    if feedback_request.asked_id != user.employee_id and not skp_perms.is_owner(user, feedback_request.skp):
        abort(403)
    return feedback_request


def get_phrase_or_404(phrase_id: int, user) -> FeedbackPhrase:
    phrase = db.get_or_404(FeedbackPhrase, phrase_id)
    if not can_edit_phrase(user, phrase):
        abort(403)
    return phrase
