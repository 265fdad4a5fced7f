"""The Alembic migrations build exactly the schema the models describe (guards model/migration drift).

On a fresh, empty database (a new SQLite file; with --db=postgresql a second database on the test server)
``flask db upgrade`` runs, then Alembic's autogenerate comparison must find nothing to change.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db


@pytest.fixture
def keep_loggers():
    """migrations/env.py calls logging.config.fileConfig, which disables every existing logger: undo that, so
    that later tests still see the portal's log records."""
    manager = logging.Logger.manager
    state = {name: logger.disabled for name, logger in manager.loggerDict.items()
             if isinstance(logger, logging.Logger)}
    root_level, root_handlers = logging.root.level, list(logging.root.handlers)
    yield
    for name, logger in manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            logger.disabled = state.get(name, False)
    logging.root.setLevel(root_level)
    logging.root.handlers[:] = root_handlers


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    import psycopg

    name = f"portal_migrate_{uuid.uuid4().hex[:8]}"
    admin = dict(host=url.host, port=url.port, user=url.username, password=url.password, dbname="postgres",
                 autocommit=True)
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _significant(diffs: list) -> list:
    """Drop differences that are not schema drift (none known today; kept as the one place to add them)."""
    return list(diffs)


def test_migrations_match_the_models(empty_database_url, keep_loggers):
    from flask_migrate import upgrade

    instance = tempfile.mkdtemp(prefix="portal-migrate-")
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": empty_database_url,
        "SECRET_KEY": "test-secret-key",
        "UPLOAD_FOLDER": str(Path(instance) / "uploads"),
    })
    with app.app_context():
        try:
            assert inspect(db.engine).get_table_names() == []
            upgrade()
            tables = set(inspect(db.engine).get_table_names())
            assert "alembic_version" in tables
            assert {"employee", "unit", "user_account", "audit_log"} <= tables
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                                 "compare_server_default": False})
                diffs = _significant(compare_metadata(context, db.metadata))
            assert diffs == [], "models and migrations differ; regenerate migrations/versions/:\n" + "\n".join(
                map(str, diffs))
        finally:
            db.session.remove()
            db.engine.dispose()


def test_the_waiting_feedback_request_migration_keeps_every_request(empty_database_url, keep_loggers):
    """b2f7c4d91e3a: the oldest waiting request per SKP, person asked and subject gets the key that the new unique
    constraint guards; a duplicate sent before the constraint existed and answered requests keep no key, and no
    row is lost."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from portal.org.reference import seed_reference_data
    from tests import factories

    instance = tempfile.mkdtemp(prefix="portal-migrate-")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url,
                      "SECRET_KEY": "test-secret-key", "UPLOAD_FOLDER": str(Path(instance) / "uploads")})
    with app.app_context():
        try:
            upgrade(revision="d0ea260a12ff")
            seed_reference_data()
            world = factories.make_progress_world(rhk=1, indicators=1)
            db.session.commit()
            insert = text("INSERT INTO feedback_request (skp_id, requested_by_id, asked_id, value_code, message, "
                          "answered_at, created_at, updated_at) VALUES (:skp, :by, :asked, :value, 'Mohon', "
                          ":answered, :at, :at)")
            rows = [(None, None, "2026-04-01 08:00:00"),  # general, waiting: keeps the place
                    (None, None, "2026-04-01 08:00:01"),  # the double click: a duplicate, kept without a key
                    ("berorientasi_pelayanan", None, "2026-04-02 08:00:00"),  # another subject: its own place
                    (None, "2026-04-03 09:00:00", "2026-03-01 08:00:00")]  # answered: no place
            for value, answered, at in rows:
                db.session.execute(insert, {"skp": world.skp.id, "by": world.owner.id, "asked": world.peer.id,
                                            "value": value, "answered": answered, "at": at})
            db.session.commit()
            db.session.remove()
            upgrade()
            keys = db.session.execute(text("SELECT open_key FROM feedback_request ORDER BY id")).scalars().all()
            assert keys == ["umum", None, "nilai:berorientasi_pelayanan", None]
        finally:
            db.session.remove()
            db.engine.dispose()
