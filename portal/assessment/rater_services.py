"""The rater's side of the 360 input: the task list, drafts, the anonymous submission, declining.

Anonymity holds in storage (DOMAIN.md section 6; the design is in portal/assessment/models.py):
- a submission never touches the ``RaterNomination`` row (its ``updated_at`` would date the answer);
- completion and draft are stored under ``rules.opaque_token`` (HMAC with the application's secret key);
- the content goes into a ``FeedbackBucket`` as histogram counts and reshuffled comment lists: no row per answer,
  no rater id, no time;
- nothing goes into the audit log for drafts and submissions. Even an audit row without actor or subject would
  carry a time and the client address, which the sign-in rows tie to a person; the submission time is what links
  a rater to the change of one bucket. Declining is not anonymous and is audited.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.assessment import common, rules
from portal.assessment.models import (
    NOMINATION_CANCELLED,
    NOMINATION_DECLINED,
    NOMINATION_INVITED,
    NOMINATION_REPLACED,
    FeedbackBucket,
    QuestionnaireItem,
    RaterCompletion,
    RaterDraft,
    RaterNomination,
)
from portal.assessment.scale import NOT_APPLICABLE
from portal.core import audit, request_cache
from portal.core.errors import DomainError
from portal.core.textlimits import clean_text, length_error, normalise
from portal.extensions import db
from portal.org.models import Employee
from portal.skp.berakhlak import BERAKHLAK

COMMENT_MAX = 2000  # each of the two comments ("keep", "improve")
DECLINE_REASON_MAX = 2000
COMMENT_FIELDS = ("keep", "improve")

# A cryptographic source: the stored order of comments must not be reproducible from a seed.
_RANDOM = random.SystemRandom()


# What a rater sees of their nominations (proposals and prepared invitations are not tasks yet).
VISIBLE_STATES = (NOMINATION_INVITED, NOMINATION_DECLINED, NOMINATION_REPLACED, NOMINATION_CANCELLED)


class AlreadySubmitted(DomainError):
    """The questionnaire of this nomination was already sent: a submitted answer is final."""


class NotAnswerable(DomainError):
    """The window is closed, or the nomination is no longer an open invitation."""


class Waiting(DomainError):
    """The rater's storage bucket holds fewer invited raters than the anonymity threshold (after a decline or a
    cancellation): the answer waits, as a draft, until the assessor invites a replacement."""


def draft_token(secret: str, nomination_id: int) -> str:
    return rules.opaque_token(secret, "draft", nomination_id)


def completion_token(secret: str, nomination_id: int) -> str:
    return rules.opaque_token(secret, "completion", nomination_id)


def is_completed(secret: str, nomination: RaterNomination) -> bool:
    return db.session.get(RaterCompletion, completion_token(secret, nomination.id)) is not None


def load_draft(secret: str, nomination: RaterNomination) -> RaterDraft | None:
    return db.session.get(RaterDraft, draft_token(secret, nomination.id))


def shuffle_comments(comments: list) -> None:
    """Shuffle in place: the stored order of comments must not tell who wrote which one."""
    _RANDOM.shuffle(comments)


# ---------------------------------------------------------------------------------------------------------
# Answers: {"scores": {item id (str): 1..5 or "na"}, "keep": str, "improve": str}


def clean_answers(scores: Mapping, keep: str, improve: str, item_ids: Iterable[int]) -> dict:
    """The answers as stored in a draft: only known items, only valid values. Comments are trimmed, never cut:
    ``comment_errors`` says which one is over its limit."""
    known = {str(i) for i in item_ids}
    clean: dict[str, int | str] = {}
    for key, value in scores.items():
        key = str(key)
        if key not in known or value in (None, ""):
            continue
        if value == NOT_APPLICABLE:
            clean[key] = NOT_APPLICABLE
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if number in rules.SCALE:
            clean[key] = number
    return {"scores": clean, "keep": normalise(keep).strip(), "improve": normalise(improve).strip()}


def comment_errors(answers: Mapping) -> dict[str, str]:
    """{"keep" / "improve": message} for a comment over COMMENT_MAX."""
    errors = {}
    for name in COMMENT_FIELDS:
        message = length_error(answers.get(name), COMMENT_MAX)
        if message:
            errors[name] = message
    return errors


def missing_items(answers: dict, item_ids: Iterable[int]) -> list[int]:
    scores = answers.get("scores", {})
    return [i for i in item_ids if str(i) not in scores]


# ---------------------------------------------------------------------------------------------------------
# The task list


@dataclass(frozen=True)
class TaskProgress:
    state: str  # "belum", "draf", "selesai"
    answered: int = 0
    total: int = 0


def completed_ids(secret: str, nomination_ids: Iterable[int]) -> set[int]:
    """Which of these nominations have a completion token (one query)."""
    by_token = {completion_token(secret, i): i for i in nomination_ids}
    if not by_token:
        return set()
    found = db.session.scalars(select(RaterCompletion.token).where(RaterCompletion.token.in_(list(by_token))))
    return {by_token[t] for t in found}


def item_counts(period_ids: Iterable[int]) -> dict[int, int]:
    """Questionnaire items per period (one query); a period whose items are not seeded yet gets the default."""
    ids = list(set(period_ids))
    counts: dict[int, int] = {}
    if ids:
        counts = dict(db.session.execute(
            select(QuestionnaireItem.period_id, func.count()).where(QuestionnaireItem.period_id.in_(ids))
            .group_by(QuestionnaireItem.period_id)).all())
    default = sum(len(v.guides) for v in BERAKHLAK)
    return {i: counts.get(i) or default for i in ids}


def task_progress(secret: str, nominations: list[RaterNomination], done: set[int]) -> dict[int, TaskProgress]:
    """Belum mulai / draf n dari m / selesai for each nomination, in two queries whatever the number."""
    totals = item_counts(n.phase.period_id for n in nominations)
    by_token = {draft_token(secret, n.id): n.id for n in nominations if n.id not in done}
    drafts = {}
    if by_token:
        for draft in db.session.scalars(select(RaterDraft).where(RaterDraft.token.in_(list(by_token)))):
            drafts[by_token[draft.token]] = draft
    result = {}
    for n in nominations:
        total = totals[n.phase.period_id]
        if n.id in done:
            result[n.id] = TaskProgress("selesai", total, total)
        elif n.id in drafts:
            answered = len((drafts[n.id].payload or {}).get("scores", {}))
            result[n.id] = TaskProgress("draf", min(answered, total), total)
        else:
            result[n.id] = TaskProgress("belum", 0, total)
    return result


# ---------------------------------------------------------------------------------------------------------
# Checks, drafts, submission, declining


def check_answerable(secret: str, nomination: RaterNomination, today: dt.date) -> None:
    """Answer or save a draft only while the nomination is an open invitation, the questionnaire was not sent, and
    the window is open for the rated employee (including an admin reopening for them)."""
    if is_completed(secret, nomination):
        raise AlreadySubmitted(gettext("Jawaban Anda untuk permintaan ini sudah terkirim. Jawaban yang sudah "
                                       "dikirim bersifat final dan tidak dapat diubah."))
    if nomination.status != NOMINATION_INVITED:
        raise NotAnswerable(gettext("Permintaan umpan balik ini tidak lagi aktif."))
    if not common.window_open_for(nomination.phase, nomination.subject, today):
        raise NotAnswerable(gettext("Masa evaluasi untuk permintaan ini sedang tidak dibuka."))


def save_draft(secret: str, nomination: RaterNomination, answers: dict, today: dt.date) -> dict[str, str]:
    """Keep an unfinished questionnaire under an opaque token. Not audited: see the module docstring.

    Every valid answer is kept; a comment over its limit keeps its previously saved text and is returned as
    {field: message} - an autosave must not lose the scores because one comment is too long. Nothing is cut."""
    check_answerable(secret, nomination, today)
    token = draft_token(secret, nomination.id)
    draft = db.session.get(RaterDraft, token)
    errors = comment_errors(answers)
    payload = dict(answers)
    for name in errors:
        payload[name] = (draft.payload or {}).get(name, "") if draft is not None else ""
    if draft is None:
        draft = RaterDraft(token=token, payload=payload)
        db.session.add(draft)
    else:
        draft.payload = payload
    db.session.flush()
    return errors


def invited_per_group(subject_id: int, phase_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(RaterNomination.group, func.count()).where(
            RaterNomination.subject_id == subject_id, RaterNomination.phase_id == phase_id,
            RaterNomination.status == NOMINATION_INVITED).group_by(RaterNomination.group)).all()
    return dict(Counter({group: count for group, count in rows}))


def bucket_and_size(nomination: RaterNomination, threshold: int) -> tuple[str, int]:
    """The nomination's storage bucket and how many invited raters share it (two small queries)."""
    from portal.assessment.nomination_services import bucket_of

    siblings = list(db.session.scalars(select(RaterNomination).where(
        RaterNomination.subject_id == nomination.subject_id, RaterNomination.phase_id == nomination.phase_id,
        RaterNomination.status == NOMINATION_INVITED)))
    per_group = Counter(n.group for n in siblings)
    key = bucket_of(nomination, per_group, threshold)
    return key, sum(1 for n in siblings if bucket_of(n, per_group, threshold) == key)


def waiting_message(threshold: int) -> str:
    return gettext("Kuesioner ini belum dapat dikirim: penilai dalam kelompok Anda sedang kurang dari %(t)s orang "
                   "karena ada yang menolak atau dibatalkan, sehingga jawaban Anda dapat ditebak. Jawaban Anda "
                   "disimpan sebagai draf; kirim setelah Pejabat Penilai Kinerja mengundang pengganti.", t=threshold)


def _locked_bucket(subject_id: int, phase_id: int, key: str) -> FeedbackBucket:
    """The bucket row, locked (SELECT ... FOR UPDATE on PostgreSQL) so two submissions do not lose an update.
    Created under a savepoint when missing: if another submission created it first, lock that one."""
    stmt = (select(FeedbackBucket).where(FeedbackBucket.subject_id == subject_id, FeedbackBucket.phase_id == phase_id,
                                         FeedbackBucket.bucket == key)
            .with_for_update().execution_options(populate_existing=True))
    bucket = db.session.scalar(stmt)
    if bucket is not None:
        return bucket
    try:
        with db.session.begin_nested():
            db.session.add(FeedbackBucket(id=secrets.token_hex(16), subject_id=subject_id, phase_id=phase_id,
                                          bucket=key, responses=0, histogram={}, comments_keep=[],
                                          comments_improve=[]))
    except IntegrityError:
        pass
    return db.session.scalar(stmt)


def submit_answers(secret: str, nomination: RaterNomination, answers: dict, item_ids: list[int],
                   today: dt.date) -> None:
    """Send the questionnaire, final and anonymous, in the caller's transaction:
    (a) the bucket fixed when the invitation was sent (its group, or the combined bucket of the small groups);
        refused (``Waiting``) while fewer than the threshold of invited raters share it, e.g. after a decline;
    (b) the bucket's histogram, count and reshuffled comments;
    (c) the opaque completion token; (d) the draft deleted. No audit row, no time, nothing on the nomination."""
    # Lock the nomination (without changing it) so a decline cannot cross this submission.
    db.session.execute(select(RaterNomination.id).where(RaterNomination.id == nomination.id).with_for_update())
    db.session.refresh(nomination)
    check_answerable(secret, nomination, today)
    too_long = comment_errors(answers)
    if too_long:
        name = next(iter(too_long))
        raise DomainError(too_long[name], field=name)
    missing = missing_items(answers, item_ids)
    if missing:
        raise DomainError(gettext("Beri jawaban pada setiap pernyataan (nilai 1–5 atau \"Tidak dapat menilai\")."),
                          field="scores")
    threshold = common.settings_for(nomination.phase.period).anonymity_threshold
    key, size = bucket_and_size(nomination, threshold)
    if size < threshold:
        raise Waiting(waiting_message(threshold))
    try:
        with db.session.begin_nested():
            db.session.add(RaterCompletion(token=completion_token(secret, nomination.id)))
    except IntegrityError as exc:  # a second submission racing the first
        raise AlreadySubmitted(gettext("Jawaban Anda untuk permintaan ini sudah terkirim. Jawaban yang sudah "
                                       "dikirim bersifat final dan tidak dapat diubah.")) from exc

    bucket = _locked_bucket(nomination.subject_id, nomination.phase_id, key)
    scores = {int(k): (None if v == NOT_APPLICABLE else int(v))
              for k, v in answers["scores"].items() if int(k) in set(item_ids)}
    bucket.histogram = rules.add_answer(bucket.histogram or {}, scores)
    bucket.responses = (bucket.responses or 0) + 1
    keep = list(bucket.comments_keep or [])
    improve = list(bucket.comments_improve or [])
    if answers.get("keep", "").strip():
        keep.append(answers["keep"].strip())
    if answers.get("improve", "").strip():
        improve.append(answers["improve"].strip())
    shuffle_comments(keep)
    shuffle_comments(improve)
    bucket.comments_keep = keep
    bucket.comments_improve = improve

    draft = db.session.get(RaterDraft, draft_token(secret, nomination.id))
    if draft is not None:
        db.session.delete(draft)
    db.session.flush()


def decline_nomination(actor, secret: str, nomination: RaterNomination, reason: str) -> RaterNomination:
    """The rater declines with a reason (not anonymous: audited). The assessor then replaces them. Any draft is
    deleted: no unsent answers are kept for a request the rater refused."""
    reason = clean_text(reason, DECLINE_REASON_MAX, field="reason")
    if not reason:
        raise DomainError(gettext("Alasan menolak wajib diisi."), field="reason")
    db.session.execute(select(RaterNomination.id).where(RaterNomination.id == nomination.id).with_for_update())
    db.session.refresh(nomination)
    if is_completed(secret, nomination):
        raise AlreadySubmitted(gettext("Jawaban Anda untuk permintaan ini sudah terkirim, sehingga tidak dapat "
                                       "ditolak lagi."))
    if nomination.status != NOMINATION_INVITED:
        raise NotAnswerable(gettext("Permintaan umpan balik ini tidak lagi aktif."))
    changes = audit.diff(nomination, ["status", "decline_reason"],
                         {"status": NOMINATION_DECLINED, "decline_reason": reason})
    nomination.status = NOMINATION_DECLINED
    nomination.decline_reason = reason
    draft = db.session.get(RaterDraft, draft_token(secret, nomination.id))
    if draft is not None:
        db.session.delete(draft)
    audit.record(actor, "assessment.decline", nomination,
                 summary=_l("%(rater)s menolak memberi umpan balik 360 untuk %(subject)s",
                            rater=nomination.rater.full_name, subject=nomination.subject.full_name),
                 changes=changes)
    db.session.flush()
    return nomination


def task_ids(secret: str, rater_id: int, today: dt.date) -> tuple[list[int], list[int], set[int]]:
    """The rater's requests across periods: (open: invited, not answered, the window open or still to open for
    the rated employee - a reopening included; finished: answered, declined, replaced, cancelled, or expired
    unanswered; the ids answered). A few queries whatever the number of requests."""
    from portal.assessment.nomination_services import reopened_until
    from portal.periods.models import PeriodPhase, PhaseReopening

    # Whether the window is reopened for anybody today: only then can a closed request be open for its rater.
    reopened_window = (select(PhaseReopening.id).where(PhaseReopening.phase_id == RaterNomination.phase_id,
                                                       PhaseReopening.until >= today).exists())
    rows = db.session.execute(
        select(RaterNomination.id, RaterNomination.status, PeriodPhase.closes_on, reopened_window)
        .join(PeriodPhase, PeriodPhase.id == RaterNomination.phase_id)
        .where(RaterNomination.rater_id == rater_id, RaterNomination.status.in_(VISIBLE_STATES))).all()
    invited = [i for i, status, _close, _reopened in rows if status == NOMINATION_INVITED]
    done = completed_ids(secret, invited)
    waiting = [(i, close, reopened) for i, status, close, reopened in rows
               if status == NOMINATION_INVITED and i not in done]
    open_ids = [i for i, close, _reopened in waiting if close >= today]
    closed = [i for i, close, reopened in waiting if close < today and reopened]
    if closed:
        late = list(db.session.scalars(select(RaterNomination).where(RaterNomination.id.in_(closed)).options(
            joinedload(RaterNomination.phase), joinedload(RaterNomination.subject).joinedload(Employee.unit))))
        reopened = reopened_until(((n.phase, n.subject) for n in late), today)
        open_ids += [n.id for n in late if (n.phase_id, n.subject_id) in reopened]
    opened = set(open_ids)
    finished = [i for i, *_rest in rows if i not in opened]
    return open_ids, finished, done


def open_task_count(secret: str, rater_id: int, today: dt.date) -> int:
    """How many 360 requests wait for this rater's answer (any period: last year's annual window included). Read
    once per request: the dashboard's panel and the navigation's counter both show it."""
    return request_cache.cached(("open_360_tasks", rater_id, today),
                                lambda: len(task_ids(secret, rater_id, today)[0]))
