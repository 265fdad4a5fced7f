"""Values read once per request: the current period, a period's phases, the holidays. The dashboard's panels,
the navigation and the pages ask for them several times; each asking was a query.

Only inside a request (a service called from a script or a test reads the database every time), and dropped
whenever the session flushes, so a request that changes periods or holidays reads them anew."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import g, has_request_context

T = TypeVar("T")
_KEY = "_request_cache"


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    if not has_request_context():
        return compute()
    store = g.setdefault(_KEY, {})
    if key not in store:
        store[key] = compute()
    return store[key]


def clear(*_args) -> None:
    """Forget everything (a SQLAlchemy after_flush/after_rollback listener)."""
    if has_request_context():
        g.pop(_KEY, None)
