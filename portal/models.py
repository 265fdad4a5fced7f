"""Imports every model module so that SQLAlchemy and Alembic see the whole schema."""

from portal.auth.models import LoginAttempt, User  # noqa: F401
from portal.core.audit import AuditLog  # noqa: F401
from portal.imports.models import ImportBatch, ImportRow  # noqa: F401
from portal.org.models import ActingAssignment, Employee, Golongan, Position, PositionType, Unit  # noqa: F401
