"""Flask-Login wiring: load the user from the session id '<id>:<session_version>'."""

from flask_babel import lazy_gettext
from sqlalchemy.orm import joinedload

from portal.extensions import db, login_manager


@login_manager.user_loader
def load_user(session_id: str):
    from portal.auth.models import User

    try:
        user_id, version = (int(part) for part in session_id.split(":", 1))
    except ValueError:
        return None
    user = db.session.get(User, user_id, options=[joinedload(User.employee)])
    if user is None or user.session_version != version:
        return None  # password changed or reset elsewhere: this session is over
    return user


login_manager.login_view = "auth.login"
login_manager.login_message = lazy_gettext("Silakan masuk untuk membuka halaman ini.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"
