"""Model mixins shared by every area."""

import datetime as dt

from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from portal.core.timeutil import utcnow


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """Optimistic locking: SQLAlchemy refuses an UPDATE whose version no longer matches (StaleDataError).

    Forms carry the version they were rendered with; services compare it first (see
    ``portal.core.errors.check_version``) so that the second of two people editing the same record gets a clear
    message instead of silently overwriting the first.
    """

    version_id: Mapped[int] = mapped_column(default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version_id}
