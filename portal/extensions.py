"""Unbound extensions, initialised in create_app()."""

from flask import abort
from flask_babel import Babel
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

# Named constraints so that Alembic migrations work the same on SQLite (batch mode) and PostgreSQL.
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}



class Database(SQLAlchemy):
    def get_or_404(self, entity, ident, *, description=None, **kwargs):
        """404 also for an integer no id column can hold (0, negative, beyond 32 bits), without asking the
        database: PostgreSQL would fail on it ("integer out of range") and SQLite beyond 64 bits (OverflowError),
        whatever the route or query string it came from."""
        from portal.core.ids import is_id

        if isinstance(ident, int) and not is_id(ident):
            abort(404, description=description)
        return super().get_or_404(entity, ident, description=description, **kwargs)


db = Database(metadata=MetaData(naming_convention=naming_convention))
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
htmx = HTMX()
