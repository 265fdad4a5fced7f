"""Time helpers. The database stores naive UTC; the UI shows Asia/Jakarta (Flask-Babel converts)."""

import datetime as dt


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
