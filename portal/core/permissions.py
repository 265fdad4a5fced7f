"""Coarse permission decorators. Object-level predicates live in each area's permissions.py."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def role_required(*roles: str):
    """Allow only signed-in users whose stored role is one of ``roles`` (else 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def admin_required(view):
    return role_required("admin")(view)


def reader_required(view):
    """Admin BKPSDM or auditor: read-only screens over every record."""
    return role_required("admin", "auditor")(view)
