"""A performance year with its phases, admin reopenings, and the holiday calendar (DOMAIN.md sections 3 and 7)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import TimestampMixin, VersionedMixin
from portal.extensions import db

FREQUENCY_MONTHLY = "bulanan"
FREQUENCY_QUARTERLY = "triwulanan"
FREQUENCIES = (FREQUENCY_MONTHLY, FREQUENCY_QUARTERLY)

# Phase kinds, in the order of the cycle. "evaluasi_periodik" has one window per sub-period (seq 1..12 or 1..4).
PHASE_PLANNING = "perencanaan"
PHASE_RUNNING = "pelaksanaan"
PHASE_PERIODIC = "evaluasi_periodik"
PHASE_ANNUAL = "evaluasi_tahunan"
PHASE_APPEALS = "keberatan"
PHASE_KINDS = (PHASE_PLANNING, PHASE_RUNNING, PHASE_PERIODIC, PHASE_ANNUAL, PHASE_APPEALS)

HOLIDAY_NATIONAL = "libur_nasional"
HOLIDAY_CUTI_BERSAMA = "cuti_bersama"


class Period(TimestampMixin, VersionedMixin, db.Model):
    """A performance year (periode kinerja), e.g. 2026, evaluated monthly or quarterly (a regency setting)."""

    __tablename__ = "period"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(100))
    frequency: Mapped[str] = mapped_column(String(12), default=FREQUENCY_QUARTERLY)
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    active: Mapped[bool] = mapped_column(default=True)

    phases: Mapped[list[PeriodPhase]] = relationship(
        back_populates="period", order_by="(PeriodPhase.opens_on, PeriodPhase.seq)", cascade="all, delete-orphan"
    )

    @property
    def sub_period_count(self) -> int:
        return 12 if self.frequency == FREQUENCY_MONTHLY else 4

    def __repr__(self) -> str:
        return f"<Period {self.year}>"


class PeriodPhase(db.Model):
    """One window of the cycle with its open and close dates (inclusive)."""

    __tablename__ = "period_phase"
    __table_args__ = (UniqueConstraint("period_id", "kind", "seq", name="uq_period_phase_kind_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    seq: Mapped[int] = mapped_column(default=0)  # sub-period number for periodic evaluation windows, else 0
    opens_on: Mapped[dt.date]
    closes_on: Mapped[dt.date]

    period: Mapped[Period] = relationship(back_populates="phases")

    def is_open_on(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.closes_on


class PhaseReopening(TimestampMixin, db.Model):
    """An admin reopened a closed phase for one employee or one unit (and its sub-units) until a date."""

    __tablename__ = "phase_reopening"
    __table_args__ = (Index("ix_phase_reopening_phase_until", "phase_id", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("period_phase.id", ondelete="CASCADE"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    until: Mapped[dt.date]
    reason: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    phase: Mapped[PeriodPhase] = relationship()


class Holiday(db.Model):
    """A national holiday or cuti bersama: not a working day. Seeded for the current year, edited by the admin."""

    __tablename__ = "holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(20), default=HOLIDAY_NATIONAL)
