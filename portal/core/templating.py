"""Template filters and globals. The menu is portal.core.navigation, filled by each area."""

from __future__ import annotations

from flask import Flask, current_app, request, url_for
from flask_babel import format_datetime

from portal.core import navigation
from portal.core.i18n import file_size, long_date, select_locale


def url_with(**changes) -> str:
    """The current URL with some query arguments changed (pagination, filters); None removes one."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def _datetime(value, fmt: str = "medium") -> str:
    return format_datetime(value, format=fmt) if value else ""


def init_app(app: Flask) -> None:
    app.jinja_env.filters["tanggal"] = long_date
    app.jinja_env.filters["waktu"] = _datetime
    app.jinja_env.filters["ukuran_berkas"] = file_size  # "392 bita", not filesizeformat's "392 Bytes"
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["has_endpoint"] = lambda name: name in current_app.view_functions
    app.jinja_env.add_extension("jinja2.ext.do")
    navigation.init_app(app)

    @app.context_processor
    def inject_globals():
        return {
            "regency_name": current_app.config["REGENCY_NAME"],
            "current_locale": select_locale(),
        }
