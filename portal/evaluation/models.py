"""The evaluation of an employee in an evaluation window (Evaluasi Periodik / Tahunan), the unit's Capaian Kinerja
Organisasi, the expected distribution policy, the signed Dokumen Evaluasi Kinerja Pegawai, and appeals (keberatan).

DOMAIN.md sections 3, 4 and 7. The predikat is derived from the two ratings (portal.evaluation.rules) and stored
only so that distributions and exports can be counted in SQL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import TimestampMixin, VersionedMixin
from portal.extensions import db
from portal.org.models import Employee, Unit
from portal.periods.models import PeriodPhase

# Evaluation states (a table of transitions in portal.evaluation.services)
DRAFT = "draft"  # the assessor (or, after the deadline, the assessor's superior) is rating
FINAL = "final"  # finalised; the unit head may still send it back before it is released
RETURNED = "dikembalikan"  # sent back by the unit head with a note (calibration)
RELEASED = "diserahkan"  # the document is signed and delivered to the employee
STATES = (DRAFT, FINAL, RETURNED, RELEASED)

# Appeal states
APPEAL_FILED = "diajukan"
APPEAL_UPHELD = "ditetapkan"  # the decision stands
APPEAL_CHANGED = "diubah"  # new ratings, a new document version
APPEAL_STATES = (APPEAL_FILED, APPEAL_UPHELD, APPEAL_CHANGED)

PARTY_ASSESSOR = "penilai"
PARTY_EMPLOYEE = "pegawai"


class UnitAchievement(TimestampMixin, VersionedMixin, db.Model):
    """Capaian Kinerja Organisasi: the unit's rating in an evaluation window, with its basis. It sets the expected
    distribution of predikat in the unit (and in sub-units without a rating of their own)."""

    __tablename__ = "unit_achievement"
    __table_args__ = (UniqueConstraint("unit_id", "phase_id", name="uq_unit_achievement_unit_phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    phase_id: Mapped[int] = mapped_column(ForeignKey("period_phase.id"), index=True)
    rating: Mapped[str] = mapped_column(String(20))
    basis: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    unit: Mapped[Unit] = relationship()
    phase: Mapped[PeriodPhase] = relationship()


class DistributionRule(db.Model):
    """One constraint of the expected pattern of a unit rating (policy, editable by the admin; seeded with
    rules.DEFAULT_PATTERNS)."""

    __tablename__ = "distribution_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_rating: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    predikats: Mapped[str] = mapped_column(String(100))  # comma-separated predikat codes
    percent: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)


class Evaluation(TimestampMixin, VersionedMixin, db.Model):
    """The ratings of one employee in one evaluation window."""

    __tablename__ = "evaluation"
    __table_args__ = (
        UniqueConstraint("employee_id", "phase_id", name="uq_evaluation_employee_phase"),
        Index("ix_evaluation_phase_status", "phase_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    phase_id: Mapped[int] = mapped_column(ForeignKey("period_phase.id"))
    skp_id: Mapped[int | None] = mapped_column(ForeignKey("skp.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the employee's unit when rated
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    by_superior: Mapped[bool] = mapped_column(default=False)  # rated by the assessor's superior: final
    status: Mapped[str] = mapped_column(String(15), default=DRAFT)
    result_rating: Mapped[str | None] = mapped_column(String(10))
    behaviour_rating: Mapped[str | None] = mapped_column(String(10))
    predikat: Mapped[str | None] = mapped_column(String(20))
    result_justification: Mapped[str] = mapped_column(Text, default="")
    behaviour_justification: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")  # catatan / rekomendasi
    distribution_note: Mapped[str] = mapped_column(Text, default="")  # why the team deviates, when it does
    return_note: Mapped[str] = mapped_column(Text, default="")
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    finalised_at: Mapped[dt.datetime | None]
    released_at: Mapped[dt.datetime | None]

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    assessor: Mapped[Employee | None] = relationship(foreign_keys=[assessor_id])
    rated_by: Mapped[Employee | None] = relationship(foreign_keys=[rated_by_id])
    phase: Mapped[PeriodPhase] = relationship()
    documents: Mapped[list[EvaluationDocument]] = relationship(
        back_populates="evaluation", order_by="EvaluationDocument.version", cascade="all, delete-orphan")

    @property
    def current_document(self) -> EvaluationDocument | None:
        current = [d for d in self.documents if d.superseded_at is None]
        return current[-1] if current else None


class EvaluationDocument(db.Model):
    """Dokumen Evaluasi Kinerja Pegawai: a signed, frozen snapshot (people as they were at finalisation, the
    unit's Capaian Kinerja Organisasi, ratings, predikat, note). A changed appeal decision adds a new version; the
    old one stays, marked superseded. ``code`` is the public verification code; ``fingerprint`` the SHA-256 of the
    snapshot, printed on the document."""

    __tablename__ = "evaluation_document"
    __table_args__ = (UniqueConstraint("evaluation_id", "version", name="uq_evaluation_document_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    snapshot: Mapped[dict] = mapped_column(db.JSON)
    signed_at: Mapped[dt.datetime]
    signed_on: Mapped[dt.date]
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    received_on: Mapped[dt.date | None]  # the employee acknowledged receipt: the appeal clock starts
    received_at: Mapped[dt.datetime | None]
    superseded_at: Mapped[dt.datetime | None]

    evaluation: Mapped[Evaluation] = relationship(back_populates="documents")


class Appeal(TimestampMixin, VersionedMixin, db.Model):
    """Keberatan: the employee objects to a released evaluation, with reasons, addressed to the assessor's superior
    (DOMAIN.md section 7: filed within 14 working days of receipt, decided within 7 working days)."""

    __tablename__ = "appeal"
    __table_args__ = (Index("ix_appeal_decider_status", "decider_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("evaluation_document.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    decider_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))  # Atasan Pejabat Penilai Kinerja
    status: Mapped[str] = mapped_column(String(15), default=APPEAL_FILED)
    reasons: Mapped[str] = mapped_column(Text)
    filed_on: Mapped[dt.date]
    filed_at: Mapped[dt.datetime]
    decided_at: Mapped[dt.datetime | None]
    decided_on: Mapped[dt.date | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    old_result_rating: Mapped[str | None] = mapped_column(String(10))
    old_behaviour_rating: Mapped[str | None] = mapped_column(String(10))
    new_result_rating: Mapped[str | None] = mapped_column(String(10))
    new_behaviour_rating: Mapped[str | None] = mapped_column(String(10))

    evaluation: Mapped[Evaluation] = relationship()
    document: Mapped[EvaluationDocument] = relationship()
    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    decider: Mapped[Employee | None] = relationship(foreign_keys=[decider_id])
    statements: Mapped[list[AppealStatement]] = relationship(
        back_populates="appeal", order_by="AppealStatement.id", cascade="all, delete-orphan")
    attachments: Mapped[list[AppealAttachment]] = relationship(
        back_populates="appeal", order_by="AppealAttachment.id", cascade="all, delete-orphan")


class AppealStatement(db.Model):
    """An explanation the deciding superior asked for, from the assessor or the employee, and its answer."""

    __tablename__ = "appeal_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeal.id", ondelete="CASCADE"), index=True)
    party: Mapped[str] = mapped_column(String(10))  # penilai / pegawai
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))  # who is asked
    question: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[dt.datetime]
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[dt.datetime | None]

    appeal: Mapped[Appeal] = relationship(back_populates="statements")
    employee: Mapped[Employee] = relationship()


class AppealAttachment(db.Model):
    """A file the employee attached to the appeal (checked by content like evidence files; served only to the
    parties of the appeal, admin and auditor)."""

    __tablename__ = "appeal_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeal.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime]

    appeal: Mapped[Appeal] = relationship(back_populates="attachments")
