"""Suara Masyarakat: a unit's public feedback page, the citizens' ratings and comments, and the counter of the
public page's rate limit.

Nothing here names an employee: a rating is of the unit's service. Comments are held (``comment_status``
"menunggu") until the head of the unit (or of a unit above it) publishes or rejects them; until then nobody else
reads them. The client address is never stored: the rate limit counts a keyed hash of it (HMAC with the
application's secret key), and those rows are deleted after a day.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import TimestampMixin, VersionedMixin
from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.org.models import Unit

COMMENT_NONE = ""  # a rating without a comment
COMMENT_PENDING = "menunggu"
COMMENT_PUBLISHED = "terbit"
COMMENT_REJECTED = "ditolak"
COMMENT_STATES = (COMMENT_NONE, COMMENT_PENDING, COMMENT_PUBLISHED, COMMENT_REJECTED)


class ServicePoint(TimestampMixin, VersionedMixin, db.Model):
    """The public feedback page of a unit's service counter (one per unit), reached at /suara/<code>."""

    __tablename__ = "service_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    service_types: Mapped[list] = mapped_column(db.JSON, default=list)  # optional choices for the citizen
    active: Mapped[bool] = mapped_column(default=True)  # published: the public page answers
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    unit: Mapped[Unit] = relationship()


class CitizenFeedback(db.Model):
    """One citizen's rating (1-5) of the service, with an optional service type and comment."""

    __tablename__ = "citizen_feedback"
    __table_args__ = (
        Index("ix_citizen_feedback_point_created", "service_point_id", "created_at"),
        Index("ix_citizen_feedback_unit_created", "unit_id", "created_at"),
        Index("ix_citizen_feedback_point_comment", "service_point_id", "comment_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # the point's unit, counted without a join
    rating: Mapped[int]
    service_type: Mapped[str] = mapped_column(String(100), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    comment_status: Mapped[str] = mapped_column(String(10), default=COMMENT_NONE)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    moderated_at: Mapped[dt.datetime | None]
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    service_point: Mapped[ServicePoint] = relationship()


class CitizenSubmission(db.Model):
    """One accepted post of the public page, for its rate limits (per client address and per page)."""

    __tablename__ = "citizen_submission"
    __table_args__ = (
        Index("ix_citizen_submission_address_at", "address_hash", "at"),
        Index("ix_citizen_submission_point_at", "service_point_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64))
    service_point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(index=True)
