"""Time helpers. The database stores naive UTC; the UI shows Asia/Jakarta (Flask-Babel converts)."""

import datetime as dt


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def local_today() -> dt.date:
    """Today's date in the portal's time zone (Asia/Jakarta by default): deadlines are local dates."""
    from zoneinfo import ZoneInfo

    from flask import current_app, has_app_context

    zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Jakarta") if has_app_context() else "Asia/Jakarta"
    return dt.datetime.now(ZoneInfo(zone)).date()


def local_date(moment: dt.datetime) -> dt.date:
    """The local date (the portal's time zone) of a naive UTC time as stored in the database."""
    from zoneinfo import ZoneInfo

    from flask import current_app, has_app_context

    zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Jakarta") if has_app_context() else "Asia/Jakarta"
    return moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(zone)).date()
