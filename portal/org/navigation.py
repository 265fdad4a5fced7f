"""The organisation's menu entries, the roles that follow from the org chart, and the NIP filter.

Pejabat Penilai Kinerja and Kepala Unit are not stored roles: they follow from the org chart (portal.org.permissions),
each in one cached query per request, and the header names them.
"""

from __future__ import annotations

from flask import Flask
from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l

from portal.core import facts
from portal.core import navigation as nav
from portal.org import permissions as perms
from portal.org.rules import format_nip


def is_head(user) -> bool:
    """Kepala Unit: heads a unit (also as Plt/Plh today)."""
    return user.is_authenticated and bool(perms.headed_units(user))


def is_assessor(user) -> bool:
    return user.is_authenticated and perms.is_assessor(user)


def employee_home(employee) -> nav.Crumb | None:
    """The menu entry an employee's pages sit under for the signed-in user (None on one's own page)."""
    from flask_login import current_user

    me = current_user.employee_id
    if me is not None and employee.id == me:
        return None
    if perms.can_list_employees(current_user):
        return nav.nav_crumb("org.employees")
    if me is not None and me in (employee.superior_id, employee.assessor_id):
        return nav.nav_crumb("org.my_team")
    return nav.nav_crumb("org.chart")


def register(state: BlueprintSetupState) -> None:
    init_app(state.app)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["nip"] = format_nip
    app.add_template_global(employee_home)
    facts.register(app, perms.ASSESSOR)
    registry = nav.registry(app)
    registry.add(
        nav.Entry("org.my_team", _l("Tim Saya"), nav.TEAM, 10, is_assessor),
        nav.Entry("org.chart", _l("Struktur Organisasi"), nav.UNIT, 10, perms.can_view_org_chart),
        nav.Entry("org.employees", _l("Pegawai"), nav.UNIT, 20, perms.can_list_employees),
        nav.Entry("org.units", _l("Unit Kerja"), nav.ADMIN, 30, nav.reads_all),
        nav.Entry("org.positions", _l("Jabatan"), nav.ADMIN, 40, nav.reads_all),
        nav.Entry("org.references", _l("Data Referensi"), nav.ADMIN, 70, nav.reads_all),
    )
    registry.add_roles(
        nav.Role(_l("Kepala Unit"), 20, is_head),
        nav.Role(_l("Pejabat Penilai Kinerja"), 30, is_assessor),
    )
