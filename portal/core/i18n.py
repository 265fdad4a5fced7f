"""Language choice: Indonesian by default, English on request (stored in the session)."""

from flask import Flask, current_app, has_request_context, session
from flask_babel import format_date

from portal.extensions import babel


def select_locale() -> str:
    # Outside a request (CLI, import jobs, services in tests) there is no session: use the default.
    lang = session.get("lang") if has_request_context() else None
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    from portal import PROJECT_ROOT

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "portal" / "translations"))
    babel.init_app(app, locale_selector=select_locale)


def long_date(value) -> str:
    """'31 Januari 2027' in Indonesian, 'January 31, 2027' in English."""
    if value is None:
        return ""
    return format_date(value, format="long")
