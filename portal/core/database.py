"""Engine tuning: SQLite in WAL mode with a busy timeout and foreign keys on; the per-request cache of
portal/core/request_cache.py forgets what it holds whenever the session writes or rolls back."""

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from portal.core import request_cache
from portal.extensions import db


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Overwrite deleted content (e.g. an anonymous rater's draft, deleted on submission) instead of leaving it
    # readable in free pages of the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def init_app(app: Flask) -> None:
    if not event.contains(Session, "after_flush", request_cache.clear):
        event.listen(Session, "after_flush", request_cache.clear)
        event.listen(Session, "after_soft_rollback", request_cache.clear)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def commit_keeping_loaded() -> None:
    """Commit without expiring what this request has loaded, for a save that answers with what it has just
    written (an htmx fragment of the saved cell or draft). A plain commit expires every object, and the answer then
    read the SKP, its period, the employee and the phases again, one statement each: more than the save cost."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
