"""The menu's own rules (portal/core/navigation.py): groups and order, the current entry of a sub-page, the roles named
in the header, and the counts run as one statement."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import bindparam, func, literal, select

from portal.core import navigation as nav
from portal.org.models import Employee


def _user(**fields):
    return SimpleNamespace(is_authenticated=True, employee_id=None, can_read_all=False, **fields)


def test_an_entry_needs_a_known_group():
    with pytest.raises(ValueError, match="unknown navigation group"):
        nav.Registry().add(nav.Entry("x.y", "X", "lain"))


def test_visible_entries_come_home_first_then_groups_in_order_then_the_user_menu(app):
    registry = nav.Registry()
    registry.add(
        nav.Entry("audit.index", "Log Audit", nav.ADMIN, 90),
        nav.Entry("auth.change_password", "Ganti kata sandi", nav.ACCOUNT, 10),
        nav.Entry("org.chart", "Struktur Organisasi", nav.UNIT, 10),
        nav.Entry("skp.team", "SKP Tim", nav.TEAM, 20, allowed=lambda user: False),
        nav.Entry("skp.mine", "SKP Saya", nav.MY_WORK, 10),
        nav.Entry("periods.index", "Periode Kinerja", nav.ADMIN, 10),
        nav.Entry("main.dashboard", "Beranda", nav.HOME, 0),
        nav.Entry("nowhere.page", "Belum ada", nav.UNIT, 1),  # an endpoint the app does not have
    )
    with app.test_request_context():
        shown = [e.endpoint for e in registry.visible(_user())]
        assert registry.visible(SimpleNamespace(is_authenticated=False)) == []
    assert shown == ["main.dashboard", "skp.mine", "org.chart", "periods.index", "audit.index", "auth.change_password"]


def test_a_sub_page_belongs_to_the_first_breadcrumb_that_is_an_entry():
    entries = ["skp.mine", "skp.team", "periods.index"]
    period = nav.Crumb("Periode Kinerja 2026", "/periode/1")
    assert nav.current_endpoint(entries, "skp.team") == "skp.team"
    team = nav.Crumb("SKP Tim", "/skp/tim", "skp.team")
    assert nav.current_endpoint(entries, "skp.detail", [None, team]) == "skp.team"
    assert nav.current_endpoint(entries, "assessment.settings",
                                [nav.Crumb("Periode Kinerja", "/periode", "periods.index"), period]) == "periods.index"
    assert nav.current_endpoint(entries, "skp.detail", [period]) is None
    assert nav.current_endpoint(entries, "skp.detail", [nav.Crumb("Pegawai", "/pegawai", "org.employees")]) is None


def test_header_names_held_roles_or_else_the_fallback():
    registry = nav.Registry()
    registry.add_roles(
        nav.Role("Pegawai", 99, nav.signed_in, fallback=True),
        nav.Role("Pejabat Penilai Kinerja", 30, lambda user: user.assesses),
        nav.Role("Kepala Unit", 20, lambda user: user.heads),
    )
    assert registry.role_labels(_user(assesses=False, heads=False)) == ["Pegawai"]
    assert registry.role_labels(_user(assesses=True, heads=False)) == ["Pejabat Penilai Kinerja"]
    assert registry.role_labels(_user(assesses=True, heads=True)) == ["Kepala Unit", "Pejabat Penilai Kinerja"]
    assert registry.role_labels(SimpleNamespace(is_authenticated=False)) == []


def test_counts_run_as_one_statement_and_parameters_must_not_clash(app, queries, make_employee):
    make_employee("Satu")
    make_employee("Dua")
    employees = nav.prebuilt(lambda: select(func.count(Employee.id)).where(Employee.nama != bindparam("t_name")))
    assert employees() is employees()  # built once
    entries = [
        nav.Entry("a.a", "A", nav.UNIT, waiting=lambda visit: nav.Count(employees(), {"t_name": "Satu"})),
        nav.Entry("b.b", "B", nav.UNIT),
        nav.Entry("c.c", "C", nav.UNIT, waiting=lambda visit: 7),
        nav.Entry("d.d", "D", nav.UNIT, waiting=lambda visit: nav.Count(select(literal(3)), {})),
    ]
    with app.test_request_context(), queries() as q:
        counts = nav.waiting_counts(entries, nav.Visit(_user(), None))
    assert counts == {0: 1, 2: 7, 3: 3} and q.count == 1
    clash = [*entries, nav.Entry("e.e", "E", nav.UNIT,
                                 waiting=lambda visit: nav.Count(employees(), {"t_name": "Dua"}))]
    with app.test_request_context(), pytest.raises(ValueError, match="t_name"):
        nav.waiting_counts(clash, nav.Visit(_user(), None))


def test_an_employee_count_is_built_once_and_waits_for_no_one_without_an_employee(app, make_employee):
    built = []

    def build(employee):
        built.append(employee)
        return select(func.count(Employee.id)).where(Employee.id == employee)

    waiting = nav.employee_count("t_employee", build)
    assert waiting(nav.Visit(_user(), None)) == 0
    someone = make_employee("Satu")
    person = SimpleNamespace(is_authenticated=True, employee_id=someone.id, can_read_all=False)
    first = waiting(nav.Visit(person, None))
    second = waiting(nav.Visit(person, None))
    assert first.query is second.query and len(built) == 1 and first.params == {"t_employee": someone.id}
    with app.test_request_context():
        assert nav.waiting_counts([nav.Entry("a.a", "A", nav.UNIT, waiting=waiting)],
                                  nav.Visit(person, None)) == {0: 1}
