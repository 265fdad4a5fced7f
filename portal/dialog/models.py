"""Dialog kinerja (feedback sessions with talking points, live notes and agreed actions), pembinaan (coaching and
mentoring records) and konseling kinerja (confidential counselling referrals).

Privacy promises, enforced in portal.dialog.permissions and tested per role and page:
- ``DialogSession.private_note`` is the assessor's alone: the employee never sees it.
- Counselling content (``CounsellingReferral.reason`` and ``CounsellingNote``) is seen only by the counsellor and the
  employee; the assessor, the unit head and BKPSDM see that a referral exists and its state; the audit log records
  the steps without content.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import TimestampMixin, VersionedMixin
from portal.dialog import rules
from portal.extensions import db
from portal.org.models import Employee


class DialogSession(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "dialog_session"
    __table_args__ = (Index("ix_dialog_session_employee_start", "employee_id", "starts_at"),
                      Index("ix_dialog_session_assessor_start", "assessor_id", "starts_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    assessor_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    kind: Mapped[str] = mapped_column(String(15), default=rules.KIND_CHECKIN)
    status: Mapped[str] = mapped_column(String(15), default=rules.PROPOSED)
    proposed_by: Mapped[str] = mapped_column(String(10))  # the side that proposed the current time
    starts_at: Mapped[dt.datetime]  # naive UTC
    duration_minutes: Mapped[int] = mapped_column(default=60)
    place: Mapped[str] = mapped_column(String(200), default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    message: Mapped[str] = mapped_column(Text, default="")  # with the proposal
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("evaluation.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")  # written live, seen by both
    private_note: Mapped[str] = mapped_column(Text, default="")  # the assessor's only
    closed_at: Mapped[dt.datetime | None]
    confirmed_at: Mapped[dt.datetime | None]
    employee_comment: Mapped[str] = mapped_column(Text, default="")
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    assessor: Mapped[Employee] = relationship(foreign_keys=[assessor_id])
    points: Mapped[list[TalkingPoint]] = relationship(
        back_populates="session", order_by="TalkingPoint.position, TalkingPoint.id", cascade="all, delete-orphan",
        foreign_keys="TalkingPoint.session_id")
    actions: Mapped[list[DialogAction]] = relationship(
        back_populates="session", order_by="DialogAction.id", cascade="all, delete-orphan")


class TalkingPoint(db.Model):
    """A point either side adds before or during the meeting; undiscussed points carry over to the next session."""

    __tablename__ = "talking_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("dialog_session.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    text: Mapped[str] = mapped_column(Text)
    discussed: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("talking_point.id", ondelete="SET NULL"))

    session: Mapped[DialogSession] = relationship(back_populates="points", foreign_keys=[session_id])
    author: Mapped[Employee] = relationship()


class DialogAction(TimestampMixin, db.Model):
    """An agreed action with an owner and a due date; both sides update its status afterwards."""

    __tablename__ = "dialog_action"
    __table_args__ = (Index("ix_dialog_action_owner_status", "owner_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("dialog_session.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    due_on: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(String(12), default=rules.ACTION_OPEN)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))

    session: Mapped[DialogSession] = relationship(back_populates="actions")
    owner: Mapped[Employee] = relationship(foreign_keys=[owner_id])


class CoachingRecord(TimestampMixin, VersionedMixin, db.Model):
    """Pembinaan: coaching or mentoring towards a goal, linked to an RHK or a behaviour value, with meetings."""

    __tablename__ = "coaching_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12), default=rules.COACHING)
    goal: Mapped[str] = mapped_column(Text)
    result_plan_id: Mapped[int | None] = mapped_column(ForeignKey("result_plan.id", ondelete="SET NULL"))
    value_code: Mapped[str | None] = mapped_column(String(30))
    started_by_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    from_action_id: Mapped[int | None] = mapped_column(ForeignKey("dialog_action.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default=rules.COACHING_ACTIVE)
    outcome: Mapped[str] = mapped_column(Text, default="")

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    coach: Mapped[Employee] = relationship(foreign_keys=[coach_id])
    meetings: Mapped[list[CoachingMeeting]] = relationship(
        back_populates="record", order_by="CoachingMeeting.held_on, CoachingMeeting.id", cascade="all, delete-orphan")


class CoachingMeeting(db.Model):
    __tablename__ = "coaching_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("coaching_record.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date]
    journal: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))

    record: Mapped[CoachingRecord] = relationship(back_populates="meetings")
    author: Mapped[Employee] = relationship()


class Counsellor(db.Model):
    """An employee Admin BKPSDM has granted the counsellor role (konselor kinerja)."""

    __tablename__ = "counsellor"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    granted_at: Mapped[dt.datetime]

    employee: Mapped[Employee] = relationship()


class CounsellingReferral(TimestampMixin, VersionedMixin, db.Model):
    """Konseling kinerja: a confidential referral by the assessor to a counsellor (content: see module docstring)."""

    __tablename__ = "counselling_referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    referred_by_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=rules.REFERRAL_OPEN)
    reason: Mapped[str] = mapped_column(Text)  # confidential
    closed_at: Mapped[dt.datetime | None]

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    referred_by: Mapped[Employee] = relationship(foreign_keys=[referred_by_id])
    counsellor: Mapped[Employee] = relationship(foreign_keys=[counsellor_id])
    notes: Mapped[list[CounsellingNote]] = relationship(
        back_populates="referral", order_by="CounsellingNote.id", cascade="all, delete-orphan")


class CounsellingNote(db.Model):
    """A confidential note of the counsellor or the employee within a referral."""

    __tablename__ = "counselling_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("counselling_referral.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]

    referral: Mapped[CounsellingReferral] = relationship(back_populates="notes")
    author: Mapped[Employee] = relationship()
