"""The audit log browser: Admin BKPSDM and auditors read who changed what, newest first."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, request
from sqlalchemy import func, select

from portal.audit import labels, navigation
from portal.core.audit import AuditLog
from portal.core.htmx import is_fragment_request, render
from portal.core.pagination import paginate
from portal.core.permissions import reader_required
from portal.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
bp.record_once(navigation.register)  # the menu entries of this area


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _local_midnight_utc(day: dt.date) -> dt.datetime:
    """Midnight of a local (Asia/Jakarta) day as naive UTC, the way ``at`` is stored."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Jakarta"))
    return dt.datetime.combine(day, dt.time.min, zone).astimezone(dt.UTC).replace(tzinfo=None)


def _filtered(args) -> tuple:
    stmt = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    filters = {
        "actor": args.get("actor", "").strip()[:100],
        "action": args.get("action", "").strip()[:60],
        "object_type": args.get("object_type", "").strip()[:40],
        "object_id": args.get("object_id", "").strip()[:40],
        "dari": _parse_date(args.get("dari")),
        "sampai": _parse_date(args.get("sampai")),
    }
    if filters["actor"]:
        stmt = stmt.where(func.lower(AuditLog.actor_name).contains(filters["actor"].lower(), autoescape=True))
    if filters["action"]:
        stmt = stmt.where(AuditLog.action == filters["action"])
    if filters["object_type"]:
        stmt = stmt.where(AuditLog.object_type == filters["object_type"])
    if filters["object_id"]:
        stmt = stmt.where(AuditLog.object_id == filters["object_id"])
    if filters["dari"]:
        stmt = stmt.where(AuditLog.at >= _local_midnight_utc(filters["dari"]))
    if filters["sampai"]:
        stmt = stmt.where(AuditLog.at < _local_midnight_utc(filters["sampai"] + dt.timedelta(days=1)))
    return stmt, filters


@bp.get("")
@reader_required
def index():
    stmt, filters = _filtered(request.args)
    page = paginate(stmt, per_page=current_app.config["PAGE_SIZE"])
    actions, object_types = [], []
    if not is_fragment_request():  # the select boxes' options: two index scans (one over both columns was a
        # scan of the whole trail with a temporary b-tree, 6x slower)
        actions = list(db.session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)))
        object_types = [t for t in db.session.scalars(
            select(AuditLog.object_type).distinct().order_by(AuditLog.object_type)) if t]
    return render("audit/index.html", "audit/_results.html", page=page, filters=filters, actions=actions,
                  object_types=object_types)


@bp.context_processor
def _labels() -> dict:
    """The Indonesian names of the codes the log stores (actions, kinds of object), for its templates."""
    return {"action_label": labels.action_label, "object_label": labels.object_label,
            "change_value": labels.change_value}
