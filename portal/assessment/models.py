"""Self-assessment, 360 nominations, and the anonymous store of 360 answers.

Anonymity holds in storage (DOMAIN.md section 6): nothing in the answer tables names the rater.
- ``RaterNomination`` says who was asked (and who declined) - never whether or what they answered. Its storage
  ``bucket`` is fixed when the invitation is sent, from counts alone; reminders are written per employee and
  window (``ReminderRound``), never per rater, so no rater row changes because of an answer.
- ``RaterCompletion`` holds one opaque token per finished questionnaire: HMAC(SECRET_KEY, nomination id). Without
  the application's secret key the token cannot be matched to a nomination; the rows carry no time.
- ``FeedbackBucket`` holds the content: per rated employee, window and *bucket* (a rater group that has at least
  the anonymity threshold of invited raters, or the combined bucket), score histograms per questionnaire item and
  the comments as lists reshuffled on every write. No row per answer, no rater id, no timestamp, no order.
- ``RaterDraft`` keeps an unfinished questionnaire under an opaque token too, and is deleted on submission
  (SQLite's secure_delete overwrites the freed pages).
- ``ResultRelease`` / ``ReleasedBucket``: what the results pages show is a frozen copy of the buckets, made when the
  window closes for the employee; later answers are held until at least the threshold of them arrived per bucket
  (rules.buckets_to_release), so two visits never differ by one answer.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import TimestampMixin, VersionedMixin
from portal.extensions import db
from portal.org.models import Employee
from portal.periods.models import Period, PeriodPhase

# Self-assessment states
SELF_DRAFT = "draft"
SELF_SUBMITTED = "diajukan"
SELF_RETURNED = "dikembalikan"  # returned once by the assessor for completion

# Result ratings (PermenPANRB 6/2022: three levels)
RATING_ABOVE = "di_atas"
RATING_AS_EXPECTED = "sesuai"
RATING_BELOW = "di_bawah"
RATINGS = (RATING_ABOVE, RATING_AS_EXPECTED, RATING_BELOW)

# Rater groups (the regulation: atasan, rekan kerja setingkat, bawahan, pihak lain)
GROUP_SUPERIOR = "atasan"
GROUP_PEER = "rekan"
GROUP_SUBORDINATE = "bawahan"
GROUP_OTHER = "lainnya"
GROUPS = (GROUP_SUPERIOR, GROUP_PEER, GROUP_SUBORDINATE, GROUP_OTHER)
BUCKET_COMBINED = "gabungan"  # answers of groups too small to stand alone

# Nomination states
NOMINATION_PROPOSED = "diusulkan"  # proposed by the employee, waiting for the assessor
NOMINATION_PREPARED = "disiapkan"  # on the assessor's list, invitation not sent yet (the rater sees nothing)
NOMINATION_INVITED = "diundang"  # invitation sent: the rater has a task
NOMINATION_DECLINED = "menolak"  # the rater declined (with a reason)
NOMINATION_REJECTED = "tidak_disetujui"  # the assessor did not approve the proposal
NOMINATION_REPLACED = "diganti"  # declined and replaced by another rater
NOMINATION_CANCELLED = "dibatalkan"  # an admin correction: the invitation was withdrawn after the window opened
NOMINATION_STATES = (NOMINATION_PROPOSED, NOMINATION_PREPARED, NOMINATION_INVITED, NOMINATION_DECLINED,
                     NOMINATION_REJECTED, NOMINATION_REPLACED, NOMINATION_CANCELLED)


class AssessmentSetting(TimestampMixin, db.Model):
    """360 settings of a period (policy, DOMAIN.md section 6), editable by the admin."""

    __tablename__ = "assessment_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id", ondelete="CASCADE"), unique=True)
    anonymity_threshold: Mapped[int] = mapped_column(default=3)
    peer_min: Mapped[int] = mapped_column(default=3)
    peer_max: Mapped[int] = mapped_column(default=8)
    subordinate_max: Mapped[int] = mapped_column(default=8)
    superior_max: Mapped[int] = mapped_column(default=2)
    other_max: Mapped[int] = mapped_column(default=5)
    rater_working_days: Mapped[int] = mapped_column(default=7)  # due date for raters after the invitation

    period: Mapped[Period] = relationship()


class QuestionnaireItem(TimestampMixin, db.Model):
    """One BerAKHLAK behaviour guide as a questionnaire item of a period (wording editable before the window)."""

    __tablename__ = "questionnaire_item"
    __table_args__ = (UniqueConstraint("period_id", "value_code", "guide_index", name="uq_questionnaire_item_guide"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id", ondelete="CASCADE"), index=True)
    value_code: Mapped[str] = mapped_column(String(30))
    guide_index: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class SelfAssessment(TimestampMixin, VersionedMixin, db.Model):
    """The employee's own assessment in one evaluation window (periodic or annual)."""

    __tablename__ = "self_assessment"
    __table_args__ = (UniqueConstraint("employee_id", "phase_id", name="uq_self_assessment_employee_phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    phase_id: Mapped[int] = mapped_column(ForeignKey("period_phase.id"), index=True)
    skp_id: Mapped[int] = mapped_column(ForeignKey("skp.id"))
    status: Mapped[str] = mapped_column(String(15), default=SELF_DRAFT)
    achievements: Mapped[str] = mapped_column(Text, default="")
    obstacles: Mapped[str] = mapped_column(Text, default="")
    support_needed: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[dt.datetime | None]
    returned_count: Mapped[int] = mapped_column(default=0)
    return_note: Mapped[str] = mapped_column(Text, default="")

    employee: Mapped[Employee] = relationship()
    phase: Mapped[PeriodPhase] = relationship()
    result_ratings: Mapped[list[SelfResultRating]] = relationship(
        back_populates="self_assessment", order_by="SelfResultRating.id", cascade="all, delete-orphan")
    behaviour_ratings: Mapped[list[SelfBehaviourRating]] = relationship(
        back_populates="self_assessment", order_by="SelfBehaviourRating.id", cascade="all, delete-orphan")


class SelfResultRating(db.Model):
    """Per RHK: the realisation summary (prefilled from the year's records) and the employee's own rating."""

    __tablename__ = "self_result_rating"
    __table_args__ = (UniqueConstraint("self_assessment_id", "result_plan_id", name="uq_self_result_rating_rhk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    self_assessment_id: Mapped[int] = mapped_column(ForeignKey("self_assessment.id", ondelete="CASCADE"))
    result_plan_id: Mapped[int] = mapped_column(ForeignKey("result_plan.id", ondelete="CASCADE"))
    summary: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[str | None] = mapped_column(String(10))
    justification: Mapped[str] = mapped_column(Text, default="")

    self_assessment: Mapped[SelfAssessment] = relationship(back_populates="result_ratings")


class SelfBehaviourRating(db.Model):
    """Per behaviour guide: a 1–5 self-rating with an optional example."""

    __tablename__ = "self_behaviour_rating"
    __table_args__ = (UniqueConstraint("self_assessment_id", "item_id", name="uq_self_behaviour_rating_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    self_assessment_id: Mapped[int] = mapped_column(ForeignKey("self_assessment.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_item.id"))
    score: Mapped[int | None]
    example: Mapped[str] = mapped_column(Text, default="")

    self_assessment: Mapped[SelfAssessment] = relationship(back_populates="behaviour_ratings")


class RaterNomination(TimestampMixin, db.Model):
    """Who is asked to give 360 input on whom, in which group. Never records whether or what they answered."""

    __tablename__ = "rater_nomination"
    __table_args__ = (
        UniqueConstraint("subject_id", "phase_id", "rater_id", name="uq_rater_nomination_subject_rater"),
        Index("ix_rater_nomination_rater_phase", "rater_id", "phase_id"),
        Index("ix_rater_nomination_subject_phase", "subject_id", "phase_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    phase_id: Mapped[int] = mapped_column(ForeignKey("period_phase.id"))
    rater_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    group: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default=NOMINATION_INVITED)
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[dt.date | None]
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("rater_nomination.id"))
    # Where this rater's answer goes (a group or the combined bucket), fixed when the invitation is sent.
    bucket: Mapped[str | None] = mapped_column(String(10))
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    subject: Mapped[Employee] = relationship(foreign_keys=[subject_id])
    rater: Mapped[Employee] = relationship(foreign_keys=[rater_id])
    phase: Mapped[PeriodPhase] = relationship()


class ReminderRound(db.Model):
    """A reminder to every invited rater of one employee and window who has not answered yet. Written per employee
    and window, never per rater: a row per reminded rater would tell a database reader who had answered. Each
    rater's task list shows it on their own open task."""

    __tablename__ = "reminder_round"
    __table_args__ = (Index("ix_reminder_round_subject_phase", "subject_id", "phase_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    phase_id: Mapped[int] = mapped_column(ForeignKey("period_phase.id"))
    sent_at: Mapped[dt.datetime]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class RaterCompletion(db.Model):
    """An opaque token per finished questionnaire (HMAC of the nomination id): no link, no time."""

    __tablename__ = "rater_completion"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)


class RaterDraft(db.Model):
    """An unfinished questionnaire under an opaque token; deleted when the questionnaire is submitted."""

    __tablename__ = "rater_draft"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    payload: Mapped[dict] = mapped_column(db.JSON)


class FeedbackBucket(db.Model):
    """The anonymous 360 content for one rated employee, window and bucket (see the module docstring)."""

    __tablename__ = "feedback_bucket"
    __table_args__ = (UniqueConstraint("subject_id", "phase_id", "bucket", name="uq_feedback_bucket_subject_bucket"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random hex, not a sequence
    subject_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    phase_id: Mapped[int] = mapped_column(ForeignKey("period_phase.id"))
    bucket: Mapped[str] = mapped_column(String(10))
    responses: Mapped[int] = mapped_column(default=0)
    # {item_id (str): [count of 1, of 2, of 3, of 4, of 5, of "tidak dapat menilai"]}
    histogram: Mapped[dict] = mapped_column(db.JSON, default=dict)
    comments_keep: Mapped[list] = mapped_column(db.JSON, default=list)
    comments_improve: Mapped[list] = mapped_column(db.JSON, default=list)


class ResultRelease(db.Model):
    """The released 360 results of one employee and window: made when the window closes for the employee
    (reopenings included) and changed only by a re-release of at least the threshold of new answers per bucket."""

    __tablename__ = "result_release"
    __table_args__ = (UniqueConstraint("subject_id", "phase_id", name="uq_result_release_subject_phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    phase_id: Mapped[int] = mapped_column(ForeignKey("period_phase.id"))
    released_on: Mapped[dt.date]  # first release
    updated_on: Mapped[dt.date]  # last re-release (same as released_on when there was none)

    buckets: Mapped[list[ReleasedBucket]] = relationship(back_populates="release", order_by="ReleasedBucket.id",
                                                         cascade="all, delete-orphan")


class ReleasedBucket(db.Model):
    """A frozen copy of one FeedbackBucket as released (same content, no rater, no answer time)."""

    __tablename__ = "released_bucket"
    __table_args__ = (UniqueConstraint("release_id", "bucket", name="uq_released_bucket_release_bucket"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random hex
    release_id: Mapped[int] = mapped_column(ForeignKey("result_release.id", ondelete="CASCADE"))
    bucket: Mapped[str] = mapped_column(String(10))
    responses: Mapped[int] = mapped_column(default=0)
    histogram: Mapped[dict] = mapped_column(db.JSON, default=dict)
    comments_keep: Mapped[list] = mapped_column(db.JSON, default=list)
    comments_improve: Mapped[list] = mapped_column(db.JSON, default=list)

    release: Mapped[ResultRelease] = relationship(back_populates="buckets")


class AssessorInput(TimestampMixin, db.Model):
    """The assessor's own behaviour input in the window: NOT anonymous, shown with the assessor's name."""

    __tablename__ = "assessor_input"
    __table_args__ = (UniqueConstraint("subject_id", "phase_id", name="uq_assessor_input_subject_phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    phase_id: Mapped[int] = mapped_column(ForeignKey("period_phase.id"))
    assessor_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    scores: Mapped[dict] = mapped_column(db.JSON, default=dict)  # {item_id (str): 1..5 or None}
    comment_keep: Mapped[str] = mapped_column(Text, default="")
    comment_improve: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[dt.datetime | None]

    assessor: Mapped[Employee] = relationship(foreign_keys=[assessor_id])
