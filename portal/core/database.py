"""Engine tuning: SQLite in WAL mode with a busy timeout and foreign keys on."""

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

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
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"
