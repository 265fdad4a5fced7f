"""The database engine is set up as documented: SQLite in WAL mode with foreign keys; PostgreSQL really used."""

import pytest
from sqlalchemy import text

from portal.extensions import db


def test_backend_matches_option(request):
    expected = request.config.getoption("--db")
    assert db.engine.dialect.name == expected


def test_sqlite_pragmas():
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10000


def test_foreign_keys_enforced(make_unit):
    from sqlalchemy.exc import IntegrityError

    from portal.org.models import Employee

    unit = make_unit()
    db.session.add(Employee(nip="198609262015051001", nama="X", unit_id=unit.id, superior_id=987654))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
