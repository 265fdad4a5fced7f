"""SKP: one plan per employee per year, in versions (DOMAIN.md section 3, step 1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import TimestampMixin, VersionedMixin
from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.org.models import Employee, Unit
from portal.periods.models import Period

# States of an SKP version (the transitions live in portal/skp/rules.py).
STATUS_DRAFT = "draft"
STATUS_SUBMITTED = "diajukan"
STATUS_RETURNED = "dikembalikan"
STATUS_APPROVED = "disetujui"
STATUS_SUPERSEDED = "digantikan"  # an approved version replaced by a later approved revision
STATUS_CANCELLED = "dibatalkan"  # a revision given up before approval; the approved version stays in force
STATUSES = (STATUS_DRAFT, STATUS_SUBMITTED, STATUS_RETURNED, STATUS_APPROVED, STATUS_SUPERSEDED, STATUS_CANCELLED)

RHK_UTAMA = "utama"
RHK_TAMBAHAN = "tambahan"
RHK_KINDS = (RHK_UTAMA, RHK_TAMBAHAN)

ASPECTS = ("kuantitas", "kualitas", "waktu", "biaya")


class UnitGoal(TimestampMixin, db.Model):
    """A goal of a unit for the year (sasaran unit): the first level of the cascade, entered by its head or admin."""

    __tablename__ = "unit_goal"
    __table_args__ = (Index("ix_unit_goal_period_unit", "period_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    period: Mapped[Period] = relationship()
    unit: Mapped[Unit] = relationship()


class Skp(TimestampMixin, VersionedMixin, db.Model):
    """One version of an employee's SKP for a period. Exactly one version per (period, employee) is current."""

    __tablename__ = "skp"
    __table_args__ = (
        UniqueConstraint("period_id", "employee_id", "number", name="uq_skp_period_employee_number"),
        Index("ix_skp_period_current", "period_id", "is_current", "status"),
        # The team board and cascades look up "the current SKP of this employee in this period".
        Index("ix_skp_employee_period_current", "employee_id", "period_id", "is_current"),
        Index("ix_skp_assessor_current", "assessor_id", "is_current"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    number: Mapped[int] = mapped_column(default=1)  # version number, 1, 2, … (revisions during the year)
    is_current: Mapped[bool] = mapped_column(default=True)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("skp.id"))
    status: Mapped[str] = mapped_column(String(15), default=STATUS_DRAFT)
    # The Pejabat Penilai Kinerja for this version (follows the org chart until the SKP is approved).
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    # Lampiran
    resources: Mapped[str] = mapped_column(Text, default="")  # dukungan sumber daya
    reporting_scheme: Mapped[str] = mapped_column(Text, default="")  # skema pertanggungjawaban
    consequences: Mapped[str] = mapped_column(Text, default="")  # konsekuensi
    # Snapshot of both people at submission/approval (names, NIP, pangkat, jabatan, unit): documents do not change.
    snapshot: Mapped[dict | None] = mapped_column(db.JSON)
    submitted_at: Mapped[dt.datetime | None]
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    revision_reason: Mapped[str | None] = mapped_column(String(500))

    period: Mapped[Period] = relationship()
    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    assessor: Mapped[Employee | None] = relationship(foreign_keys=[assessor_id])
    decided_by: Mapped[Employee | None] = relationship(foreign_keys=[decided_by_id])
    unit: Mapped[Unit | None] = relationship()
    previous: Mapped[Skp | None] = relationship(remote_side=[id])
    result_plans: Mapped[list[ResultPlan]] = relationship(
        back_populates="skp", order_by="ResultPlan.position", cascade="all, delete-orphan"
    )
    expectations: Mapped[list[BehaviourExpectation]] = relationship(
        back_populates="skp", order_by="BehaviourExpectation.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[SkpEvent]] = relationship(
        back_populates="skp", order_by="SkpEvent.at", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Skp {self.id} emp={self.employee_id} v{self.number} {self.status}>"


class ResultPlan(TimestampMixin, db.Model):
    """Rencana Hasil Kerja (RHK), Utama or Tambahan, linked to the RHK Pimpinan yang Diintervensi or a unit goal."""

    __tablename__ = "result_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    skp_id: Mapped[int] = mapped_column(ForeignKey("skp.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default=RHK_UTAMA)
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    # RHK Pimpinan yang Diintervensi: an RHK of the superior's current SKP (may be linked later).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("result_plan.id", ondelete="SET NULL"), index=True)
    # First level of the cascade (the unit head): a goal of the unit instead of a superior's RHK.
    unit_goal_id: Mapped[int | None] = mapped_column(ForeignKey("unit_goal.id", ondelete="SET NULL"), index=True)
    # The same RHK in the previous version of the SKP (revisions keep their lineage for realisations).
    origin_id: Mapped[int | None] = mapped_column(ForeignKey("result_plan.id", ondelete="SET NULL"))

    skp: Mapped[Skp] = relationship(back_populates="result_plans")
    parent: Mapped[ResultPlan | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    unit_goal: Mapped[UnitGoal | None] = relationship()
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="result_plan", order_by="Indicator.position", cascade="all, delete-orphan"
    )


class Indicator(TimestampMixin, db.Model):
    """Indikator Kinerja Individu with its aspek and Target (text, or number + unit)."""

    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_plan_id: Mapped[int] = mapped_column(ForeignKey("result_plan.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    aspect: Mapped[str] = mapped_column(String(10), default="kuantitas")
    target_text: Mapped[str] = mapped_column(String(300), default="")
    target_number: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    target_unit: Mapped[str] = mapped_column(String(50), default="")
    position: Mapped[int] = mapped_column(default=0)
    origin_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id", ondelete="SET NULL"))

    result_plan: Mapped[ResultPlan] = relationship(back_populates="indicators")


class BehaviourExpectation(TimestampMixin, db.Model):
    """Ekspektasi Khusus Pimpinan for one BerAKHLAK value, written by the assessor."""

    __tablename__ = "behaviour_expectation"
    __table_args__ = (UniqueConstraint("skp_id", "value_code", name="uq_behaviour_expectation_skp_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    skp_id: Mapped[int] = mapped_column(ForeignKey("skp.id", ondelete="CASCADE"))
    value_code: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text, default="")
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))

    skp: Mapped[Skp] = relationship(back_populates="expectations")


class SkpEvent(db.Model):
    """The history of an SKP version: every state change, with the note (a return note stays here for good)."""

    __tablename__ = "skp_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    skp_id: Mapped[int] = mapped_column(ForeignKey("skp.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    actor_employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    from_status: Mapped[str | None] = mapped_column(String(15))
    to_status: Mapped[str] = mapped_column(String(15))
    note: Mapped[str] = mapped_column(Text, default="")
    acting_as_superior: Mapped[bool] = mapped_column(default=False)  # decided by the assessor's superior

    skp: Mapped[Skp] = relationship(back_populates="events")
