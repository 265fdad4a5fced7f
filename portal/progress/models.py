"""Realisation with evidence, and continuous feedback (DOMAIN.md section 3, step 2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.core.models import TimestampMixin, VersionedMixin
from portal.extensions import db
from portal.org.models import Employee
from portal.skp.models import Indicator, Skp

EVIDENCE_FILE = "file"
EVIDENCE_LINK = "link"


class Realisation(TimestampMixin, VersionedMixin, db.Model):
    """Realisasi of one indicator in one sub-period (month 1–12 or quarter 1–4 of the period)."""

    __tablename__ = "realisation"
    __table_args__ = (UniqueConstraint("indicator_id", "sub_period", name="uq_realisation_indicator_sub_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    sub_period: Mapped[int]
    text: Mapped[str] = mapped_column(Text, default="")
    number: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    indicator: Mapped[Indicator] = relationship()
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="realisation", order_by="Evidence.created_at", cascade="all, delete-orphan"
    )


class Evidence(TimestampMixin, db.Model):
    """Bukti dukung: an uploaded file (stored outside static/, served only to who may see the SKP) or a link."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    realisation_id: Mapped[int] = mapped_column(ForeignKey("realisation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(5))  # file / link
    title: Mapped[str] = mapped_column(String(255), default="")
    url: Mapped[str | None] = mapped_column(String(1000))
    original_name: Mapped[str | None] = mapped_column(String(255))
    stored_name: Mapped[str | None] = mapped_column(String(255))  # random name under UPLOAD_FOLDER/evidence
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    realisation: Mapped[Realisation] = relationship(back_populates="evidence")


class FeedbackRequest(TimestampMixin, db.Model):
    """The employee asks someone (by default the assessor) for feedback on a realisation or a behaviour value."""

    __tablename__ = "feedback_request"
    __table_args__ = (Index("ix_feedback_request_asked_open", "asked_id", "answered_at"),
                      UniqueConstraint("skp_id", "asked_id", "open_key", name="uq_feedback_request_open"))

    id: Mapped[int] = mapped_column(primary_key=True)
    skp_id: Mapped[int] = mapped_column(ForeignKey("skp.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    asked_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    realisation_id: Mapped[int | None] = mapped_column(ForeignKey("realisation.id", ondelete="SET NULL"))
    value_code: Mapped[str | None] = mapped_column(String(30))
    message: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[dt.datetime | None]
    # What the request is about while it waits (services.open_key), NULL once answered: the unique constraint keeps
    # one waiting request per SKP, person asked and subject, even when a double click sends the form twice at once.
    open_key: Mapped[str | None] = mapped_column(String(40))

    skp: Mapped[Skp] = relationship()
    requested_by: Mapped[Employee] = relationship(foreign_keys=[requested_by_id])
    asked: Mapped[Employee] = relationship(foreign_keys=[asked_id])

    @validates("answered_at")
    def _answered(self, _key, value):
        if value is not None:
            self.open_key = None  # an answered request holds no place: the same question may be asked again
        return value


class Feedback(TimestampMixin, db.Model):
    """Umpan balik berkelanjutan on an SKP: on a realisation, on a behaviour value, or general."""

    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_skp_created", "skp_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    skp_id: Mapped[int] = mapped_column(ForeignKey("skp.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    realisation_id: Mapped[int | None] = mapped_column(ForeignKey("realisation.id", ondelete="SET NULL"))
    value_code: Mapped[str | None] = mapped_column(String(30))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_request.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    read_at: Mapped[dt.datetime | None]  # when the employee (the SKP owner) first read it

    skp: Mapped[Skp] = relationship()
    author: Mapped[Employee] = relationship()
    realisation: Mapped[Realisation | None] = relationship()


class FeedbackPhrase(TimestampMixin, db.Model):
    """A reusable feedback phrase: shared (owner empty, kept by the admin) or an assessor's own."""

    __tablename__ = "feedback_phrase"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    category: Mapped[str] = mapped_column(String(20), default="hasil")  # hasil / perilaku / umum
    text: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
