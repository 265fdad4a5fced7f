"""Template filters, globals and the role-aware navigation."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_babel import format_datetime, lazy_gettext
from flask_login import current_user

from portal.core.i18n import file_size, long_date, select_locale
from portal.org.rules import format_nip


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    roles: tuple[str, ...] | None = None  # None = every signed-in user
    needs: str | None = None  # a derived role: "assessor" or "head"


NAV = [
    NavItem("main.dashboard", lazy_gettext("Beranda")),
    NavItem("skp.mine", lazy_gettext("SKP Saya"), needs="employee"),
    NavItem("skp.team", lazy_gettext("SKP Tim"), needs="assessor"),
    NavItem("progress.inbox", lazy_gettext("Umpan Balik"), needs="employee"),
    NavItem("assessment.self_index", lazy_gettext("Penilaian Diri"), needs="employee"),
    NavItem("assessment.tasks", lazy_gettext("Permintaan Umpan Balik 360"), needs="employee"),
    NavItem("assessment.team", lazy_gettext("Penilaian 360 Tim"), needs="assessor"),
    NavItem("assessment.progress", lazy_gettext("Progres 360"), roles=("admin", "auditor"), needs="head"),
    NavItem("skp.cascade", lazy_gettext("Kaskade Kinerja"), roles=("admin", "auditor"), needs="head"),
    NavItem("org.chart", lazy_gettext("Struktur Organisasi")),
    NavItem("org.my_team", lazy_gettext("Tim Saya"), needs="assessor"),
    NavItem("org.employees", lazy_gettext("Pegawai"), roles=("admin", "auditor"), needs="head"),
    NavItem("org.units", lazy_gettext("Unit Kerja"), roles=("admin", "auditor")),
    NavItem("org.positions", lazy_gettext("Jabatan"), roles=("admin", "auditor")),
    NavItem("imports.index", lazy_gettext("Impor Pegawai"), roles=("admin",)),
    NavItem("auth.accounts", lazy_gettext("Akun Pengguna"), roles=("admin", "auditor")),
    NavItem("periods.index", lazy_gettext("Periode Kinerja"), roles=("admin", "auditor")),
    NavItem("periods.holidays", lazy_gettext("Kalender Kerja"), roles=("admin", "auditor")),
    NavItem("org.references", lazy_gettext("Data Referensi"), roles=("admin", "auditor")),
    NavItem("audit.index", lazy_gettext("Log Audit"), roles=("admin", "auditor")),
]


def nav_items() -> list[NavItem]:
    if not current_user.is_authenticated:
        return []
    from portal.org import permissions as org_perms

    items = []
    for item in NAV:
        if item.endpoint not in current_app.view_functions:
            continue
        allowed = item.roles is None and item.needs is None
        if item.roles and current_user.role in item.roles:
            allowed = True
        if item.needs == "assessor" and org_perms.is_assessor(current_user):
            allowed = True
        if item.needs == "head" and org_perms.headed_unit(current_user) is not None:
            allowed = True
        if item.needs == "employee" and current_user.employee_id is not None:
            allowed = True
        if allowed:
            items.append(item)
    return items


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
    app.jinja_env.filters["nip"] = format_nip
    app.jinja_env.filters["tanggal"] = long_date
    app.jinja_env.filters["waktu"] = _datetime
    app.jinja_env.filters["ukuran_berkas"] = file_size  # "392 bita", not filesizeformat's "392 Bytes"
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["has_endpoint"] = lambda name: name in current_app.view_functions
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def inject_globals():
        return {
            "regency_name": current_app.config["REGENCY_NAME"],
            "current_locale": select_locale(),
        }
