"""The audit trail: who did what to which record, used by every feature.

Services call ``record(...)`` inside the same transaction as the change, so a change and its audit row are
committed or rolled back together.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.i18n import in_portal_language
from portal.core.timeutil import utcnow
from portal.extensions import db


class AuditLog(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_object", "object_type", "object_id"),
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_actor_at", "actor_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(200), default="")  # snapshot: accounts may be renamed
    action: Mapped[str] = mapped_column(String(60), index=True)  # e.g. "employee.update"
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(500), default="")
    changes: Mapped[dict | None] = mapped_column(db.JSON)
    address: Mapped[str | None] = mapped_column(String(64))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def diff(obj: Any, fields: list[str], new_values: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value would change."""
    changes = {}
    for name in fields:
        if name not in new_values:
            continue
        old, new = getattr(obj, name), new_values[name]
        if old != new:
            changes[name] = [_jsonable(old), _jsonable(new)]
    return changes


def record(
    actor,
    action: str,
    obj: Any = None,
    *,
    summary: str = "",
    changes: dict | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    address: str | None = None,
    now: dt.datetime | None = None,
) -> AuditLog:
    """Add an audit row to the session (the caller commits).

    ``summary`` is read by everyone in the portal's language: pass it as a lazy string (lazy_gettext), it is
    written in that language whatever the language of the actor's pages (tests/unit/test_audit_language.py)."""
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    if address is None:
        from flask import has_request_context, request

        address = request.remote_addr if has_request_context() else None
    entry = AuditLog(
        at=now or utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_name=(actor.display_name if actor is not None else "sistem")[:200],
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        summary=in_portal_language(summary)[:500],
        changes={k: v for k, v in (changes or {}).items()} or None,
        address=address,
    )
    db.session.add(entry)
    return entry
