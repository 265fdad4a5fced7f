"""Competencies and personal development plans (issue 12; DOMAIN.md section 8):

- the competency dictionary (teknis, manajerial, sosial kultural) with a descriptor per level 1-5, and the
  standard of each position (Standar Kompetensi Jabatan: the level required per competency);
- the yearly competency assessment of an employee (optionally self-assessed first, finalised by the assessor), whose
  ratings keep the required level and the gap as they were at finalisation - standards change, the assessment does
  not - and store the gap only so that heat maps can be counted in SQL;
- the Rencana Pengembangan Kompetensi (IDP) per employee and year, its items (an activity with planned and actual
  JP), and the certificates that prove completion;
- the admin-editable list of activity types (klasikal, non-klasikal) with a JP-per-day default.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import TimestampMixin, VersionedMixin
from portal.development import rules
from portal.extensions import db
from portal.org.models import Employee, Position


class Competency(TimestampMixin, VersionedMixin, db.Model):
    """A competency of the dictionary. ``descriptors`` holds the five level descriptors (level 1 first)."""

    __tablename__ = "competency"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    descriptors: Mapped[list] = mapped_column(db.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def descriptor(self, level: int) -> str:
        levels = self.descriptors or []
        return levels[level - 1] if 1 <= level <= len(levels) else ""


class CompetencyStandard(TimestampMixin, db.Model):
    """The level a position requires in one competency (Standar Kompetensi Jabatan)."""

    __tablename__ = "competency_standard"
    __table_args__ = (UniqueConstraint("position_id", "competency_id", name="uq_competency_standard_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("position.id", ondelete="CASCADE"), index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competency.id"), index=True)
    required_level: Mapped[int]

    position: Mapped[Position] = relationship()
    competency: Mapped[Competency] = relationship()


class CompetencyAssessment(TimestampMixin, VersionedMixin, db.Model):
    """An employee's competency levels in a year: the self-assessment (optional, first) and the assessor's."""

    __tablename__ = "competency_assessment"
    __table_args__ = (UniqueConstraint("employee_id", "year", name="uq_competency_assessment_employee_year"),
                      Index("ix_competency_assessment_year_status", "year", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=rules.ASSESSMENT_DRAFT)
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))  # who finalised (or is rating)
    position_id: Mapped[int | None] = mapped_column(ForeignKey("position.id", ondelete="SET NULL"))
    self_submitted_at: Mapped[dt.datetime | None]
    finalised_at: Mapped[dt.datetime | None]

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    assessor: Mapped[Employee | None] = relationship(foreign_keys=[assessor_id])
    ratings: Mapped[list[CompetencyRating]] = relationship(back_populates="assessment", cascade="all, delete-orphan",
                                                           order_by="CompetencyRating.id")


class CompetencyRating(db.Model):
    """One competency of an assessment: the self level, the assessor's level, and - frozen at finalisation - the
    required level and the gap (rules.gap)."""

    __tablename__ = "competency_rating"
    __table_args__ = (UniqueConstraint("assessment_id", "competency_id", name="uq_competency_rating_competency"),
                      Index("ix_competency_rating_competency_gap", "competency_id", "gap"))

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("competency_assessment.id", ondelete="CASCADE"),
                                               index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competency.id"))
    self_level: Mapped[int | None]
    assessed_level: Mapped[int | None]
    required_level: Mapped[int | None]
    gap: Mapped[int | None]

    assessment: Mapped[CompetencyAssessment] = relationship(back_populates="ratings")
    competency: Mapped[Competency] = relationship()


class ActivityType(TimestampMixin, db.Model):
    """A kind of development activity (klasikal or non-klasikal) with the JP per day proposed for it (policy)."""

    __tablename__ = "activity_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    mode: Mapped[str] = mapped_column(String(15))
    jp_per_day: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class DevelopmentPlan(TimestampMixin, VersionedMixin, db.Model):
    """Rencana Pengembangan Kompetensi: one per employee and year, drafted by the employee and approved (or
    returned with a note) by the Pejabat Penilai Kinerja."""

    __tablename__ = "development_plan"
    __table_args__ = (UniqueConstraint("employee_id", "year", name="uq_development_plan_employee_year"),
                      Index("ix_development_plan_year_status", "year", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(15), default=rules.PLAN_DRAFT)
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)  # asked to decide
    submitted_at: Mapped[dt.datetime | None]
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    return_note: Mapped[str] = mapped_column(Text, default="")

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    assessor: Mapped[Employee | None] = relationship(foreign_keys=[assessor_id])
    decided_by: Mapped[Employee | None] = relationship(foreign_keys=[decided_by_id])
    items: Mapped[list[DevelopmentItem]] = relationship(
        back_populates="plan", order_by="DevelopmentItem.id", cascade="all, delete-orphan",
        foreign_keys="DevelopmentItem.plan_id")


class DevelopmentItem(TimestampMixin, VersionedMixin, db.Model):
    """One development activity of a plan. ``employee_id`` and ``year`` repeat the plan's, so that units and the
    regency are counted without a join."""

    __tablename__ = "development_item"
    __table_args__ = (Index("ix_development_item_year_status", "year", "status"),
                      Index("ix_development_item_employee_completed", "employee_id", "completed_on"),
                      Index("ix_development_item_competency", "competency_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("development_plan.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    year: Mapped[int]
    addresses: Mapped[str] = mapped_column(String(20))
    competency_id: Mapped[int | None] = mapped_column(ForeignKey("competency.id"))
    gap_note: Mapped[str] = mapped_column(String(300), default="")
    activity_type_id: Mapped[int] = mapped_column(ForeignKey("activity_type.id"))
    title: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[dt.date | None]
    ends_on: Mapped[dt.date | None]
    cost: Mapped[int | None]  # rupiah
    planned_jp: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(15), default=rules.PLANNED)
    actual_jp: Mapped[int | None]
    completed_on: Mapped[dt.date | None]
    note: Mapped[str] = mapped_column(Text, default="")  # why it was cancelled
    suggestion_key: Mapped[str | None] = mapped_column(String(80))
    from_action_id: Mapped[int | None] = mapped_column(ForeignKey("dialog_action.id", ondelete="SET NULL"))
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("development_item.id", ondelete="SET NULL"))
    carried_to_id: Mapped[int | None] = mapped_column(ForeignKey("development_item.id", ondelete="SET NULL"))

    plan: Mapped[DevelopmentPlan] = relationship(back_populates="items", foreign_keys=[plan_id])
    employee: Mapped[Employee] = relationship()
    competency: Mapped[Competency | None] = relationship()
    activity_type: Mapped[ActivityType] = relationship()
    certificates: Mapped[list[DevelopmentCertificate]] = relationship(
        back_populates="item", order_by="DevelopmentCertificate.id", cascade="all, delete-orphan")

    @property
    def carried(self) -> bool:
        return self.carried_to_id is not None

    @property
    def decided(self) -> bool:
        return self.status in rules.DECIDED_ITEM_STATES


class DevelopmentCertificate(db.Model):
    """Evidence of completion (sertifikat), checked by content like Bukti Dukung files and served only to whoever
    may see the plan."""

    __tablename__ = "development_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("development_item.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    item: Mapped[DevelopmentItem] = relationship(back_populates="certificates")
