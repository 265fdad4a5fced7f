"""The main navigation (issue 9, item 1): grouped by what the person is doing, only what the role may open, with
counts of what waits for the person, one name per thing in menu, title and breadcrumbs, and the roles in the header.

One matrix of (role, menu entry): the entry answers 200 to the roles whose menu shows it and 403 to the others.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import unescape

import pytest
from flask import url_for

from portal.assessment.models import (
    GROUP_PEER,
    NOMINATION_INVITED,
    NOMINATION_PROPOSED,
    SELF_SUBMITTED,
    RaterNomination,
    SelfAssessment,
)
from portal.auth.models import User
from portal.core import navigation as nav
from portal.core.timeutil import local_today
from portal.extensions import db
from portal.org.models import Employee
from portal.periods.models import PhaseReopening
from portal.progress.models import FeedbackRequest
from tests import factories
from tests.unit.test_nomination_services import complete

HTMX = {"HX-Request": "true"}
TODAY = local_today()
ROLES = ["admin", "auditor", "head", "assessor", "pegawai"]
# The areas whose menu entries this module pins down (other areas add theirs; the rights test covers those too).
AREAS = {"main", "skp", "progress", "assessment", "org", "periods", "imports", "auth", "audit"}

ADMIN_MENU = {
    "beranda": ["main.dashboard"],
    "unit": ["org.chart", "org.employees", "skp.goals", "skp.cascade", "assessment.progress"],
    "administrasi": ["periods.index", "periods.holidays", "org.units", "org.positions", "imports.index",
                     "auth.accounts", "org.references", "progress.phrases", "audit.index"],
    "akun": ["auth.change_password"],
}
MY_WORK = ["skp.mine", "progress.inbox", "assessment.self_index", "assessment.tasks"]
EXPECTED_MENU = {
    "admin": ADMIN_MENU,
    "auditor": ADMIN_MENU,
    "head": {"beranda": ["main.dashboard"], "kinerja": MY_WORK,
             "unit": ["org.chart", "org.employees", "skp.goals", "skp.cascade", "assessment.progress"],
             "akun": ["auth.change_password"]},
    "assessor": {"beranda": ["main.dashboard"], "kinerja": MY_WORK,
                 "tim": ["org.my_team", "skp.team", "assessment.team", "assessment.progress"],
                 "unit": ["org.chart"], "akun": ["auth.change_password"]},
    "pegawai": {"beranda": ["main.dashboard"], "kinerja": MY_WORK, "unit": ["org.chart"],
                "akun": ["auth.change_password"]},
}
ENTRIES = sorted({e for menu in EXPECTED_MENU.values() for group in menu.values() for e in group}
                 | {"org.my_team", "skp.team", "assessment.team"})
# Pages a role may open without a menu entry, and where it finds them instead.
REACHED_FROM_A_PAGE = {
    ("progress.phrases", "head"): "progress.inbox",
    ("progress.phrases", "assessor"): "progress.inbox",
    ("progress.phrases", "pegawai"): "progress.inbox",
}


@dataclass
class World:
    opd: object
    sub: object
    head: Employee  # Kepala Dinas: heads the OPD, assesses nobody
    assessor: Employee  # Kepala Bidang (not a head position): assesses ``staff``
    staff: Employee
    period: object
    users: dict[str, User]


@pytest.fixture
def world(make_unit, make_position, make_employee, make_user) -> World:
    opd = make_unit("Dinas Pendidikan", kind="opd")
    sub = make_unit("Bidang Pembinaan SD", parent=opd)
    head = make_employee("Hartono", unit=opd, position=make_position("Kepala Dinas Pendidikan", unit=opd,
                                                                       type_code="JPT_PRATAMA", is_head=True))
    assessor = make_employee("Budi Santoso", unit=sub, position=make_position("Kepala Seksi Kurikulum", unit=sub,
                                                                              type_code="PENGAWAS"))
    staff = make_employee("Siti Aminah", unit=sub, superior=assessor)
    period = factories.make_period(TODAY.year)
    users = {"admin": make_user("admin", role="admin"), "auditor": make_user("auditor", role="auditor"),
             "head": make_user("hartono", employee=head), "assessor": make_user("budi", employee=assessor),
             "pegawai": make_user("siti", employee=staff)}
    return World(opd, sub, head, assessor, staff, period, users)


def _menu(app, user) -> dict[str, list[str]]:
    with app.test_request_context():
        entries = nav.registry(app).visible(user)
    menu: dict[str, list[str]] = {}
    for entry in entries:
        if entry.endpoint.split(".")[0] in AREAS:
            menu.setdefault(entry.group, []).append(entry.endpoint)
    return menu


def _url(app, endpoint: str) -> str:
    with app.test_request_context():
        return url_for(endpoint)


def _nav_html(html: str) -> str:
    match = re.search(r'<nav class="site-nav[^>]*>(.*?)</nav>', html, re.S)
    assert match, "no main navigation on the page"
    return match.group(1)


def _link(html: str, label: str) -> str:
    """The <a> of the menu entry named ``label`` (its text up to the badge)."""
    match = re.search(rf'<a href="[^"]*"[^>]*>{re.escape(label)}(?:\s*<span[^<]*</span><span[^<]*</span>)?</a>',
                      _nav_html(html))
    assert match, f"{label!r} not in the menu"
    return match.group(0)


# ---------------------------------------------------------------------------------------------------------
# Grouping and visibility per role, and the rights behind each entry


@pytest.mark.parametrize("role", ROLES)
def test_menu_per_role(app, world, role):
    assert _menu(app, world.users[role]) == EXPECTED_MENU[role]


def _cases():
    for role in ROLES:
        for endpoint in ENTRIES:
            shown = any(endpoint in group for group in EXPECTED_MENU[role].values())
            expected = 200 if shown or (endpoint, role) in REACHED_FROM_A_PAGE else 403
            yield pytest.param(role, endpoint, expected, id=f"{role}-{endpoint}")


@pytest.mark.parametrize(("role", "endpoint", "status"), list(_cases()))
def test_entry_answers_the_roles_that_see_it(app, client, login, world, role, endpoint, status):
    login(world.users[role])
    assert client.get(_url(app, endpoint)).status_code == status


@pytest.mark.parametrize("role", ROLES)
def test_every_registered_entry_follows_the_rights(app, client, login, world, role):
    """Whatever area registered it: shown means 200, not shown means 403 (or a documented page that links it)."""
    user = world.users[role]
    registry = nav.registry(app)
    with app.test_request_context():
        shown = {e.endpoint for e in registry.visible(user)}
    login(user)
    wrong = []
    for endpoint in sorted({e.endpoint for e in registry.entries}):
        expected = 200 if endpoint in shown or (endpoint, role) in REACHED_FROM_A_PAGE else 403
        status = client.get(_url(app, endpoint)).status_code
        if status != expected:
            wrong.append(f"{endpoint}: {status}, expected {expected}")
    assert not wrong, wrong


@pytest.mark.parametrize("role", ROLES)
def test_no_entry_twice(app, world, role):
    with app.test_request_context():
        endpoints = [e.endpoint for e in nav.registry(app).visible(world.users[role])]
    assert len(endpoints) == len(set(endpoints))


def test_pages_reached_from_a_page_are_linked_there(app, client, login, world):
    for (endpoint, role), parent in REACHED_FROM_A_PAGE.items():
        login(world.users[role])
        assert f'href="{_url(app, endpoint)}"' in client.get(_url(app, parent)).get_data(as_text=True)


def test_every_page_without_parameters_has_a_place(app, client, login, world):
    """A GET page without URL parameters is a menu entry or is linked from one (listed here and checked), so that
    no page is left without a way to it."""
    linked = {"auth.bulk_issue": "auth.accounts", "org.employee_new": "org.employees", "org.unit_new": "org.units",
              "org.position_new": "org.positions", "monitoring.curve": "monitoring.index",
              "monitoring.development": "monitoring.index", "monitoring.trends": "monitoring.index"}
    elsewhere = {
        "auth.issued_slips", "auth.issued_csv",  # shown after issuing accounts (auth.bulk_issue)
        "org.employee_form_options",  # a fragment of the employee form
        "org.people_search",  # the people picker's live results, a fragment of the forms that pick people
        "auth.login", "static", "evaluation.verify_form",  # public (sign-in; checking a printed document's code)
        "notifications.bell",  # the bell in the header, polled by htmx
    }
    entries = {e.endpoint for e in nav.registry(app).entries}
    orphans = [rule.endpoint for rule in app.url_map.iter_rules()
               if "GET" in rule.methods and not rule.arguments
               and rule.endpoint not in entries | set(linked) | elsewhere]
    assert not orphans, orphans
    login(world.users["admin"])
    for endpoint, parent in linked.items():
        assert f'href="{_url(app, endpoint)}"' in client.get(_url(app, parent)).get_data(as_text=True), endpoint


def test_admin_with_an_employee_record_also_has_own_performance(app, world, make_employee, make_user):
    admin = make_user("admin.pegawai", role="admin", employee=make_employee("Admin Pegawai", unit=world.sub))
    menu = _menu(app, admin)
    assert menu["kinerja"] == MY_WORK and menu["administrasi"] == ADMIN_MENU["administrasi"]


def test_accounts_without_employee_record_have_no_own_pages(app, client, login, world):
    login(world.users["admin"])
    for path in ("/skp/", "/penilaian-diri", "/umpan-balik", "/permintaan-umpan-balik", "/tim", "/skp/tim", "/360"):
        assert client.get(path).status_code == 403, path


# ---------------------------------------------------------------------------------------------------------
# The rendered menu: groups, labels, no-JS disclosure, current entry, fragments


def test_menu_renders_groups_as_labelled_lists_in_a_disclosure(client, login, world):
    login(world.users["admin"])
    html = client.get("/").get_data(as_text=True)
    menu = _nav_html(html)
    # Without JavaScript a <details> opens on "Menu" (phone); the links are plain links in the HTML.
    assert '<details class="nav-menu"' in menu and '<summary class="nav-toggle">Menu</summary>' in menu
    for key, label in (("unit", "Unit"), ("administrasi", "Administrasi")):
        assert f'<summary id="nav-group-{key}">{label}</summary>' in menu
        assert f'<ul aria-labelledby="nav-group-{key}">' in menu
    labels = [unescape(t) for t in re.findall(r'<a href="[^"]*"(?: aria-current="page")?>([^<]+)', menu)]
    expected = ["Beranda", "Struktur Organisasi", "Pegawai", "Sasaran Unit", "Kaskade Kinerja", "Progres 360",
                "Periode Kinerja", "Kalender Kerja", "Unit Kerja", "Jabatan", "Impor Pegawai", "Akun Pengguna",
                "Data Referensi", "Pustaka Frasa Umpan Balik", "Log Audit"]
    assert [label for label in labels if label in expected] == expected  # in this order (other areas add theirs)
    # Account items sit in the user menu next to the name, not in the navigation.
    assert "Ganti kata sandi" not in menu
    user_menu = re.search(r'<details class="user-menu".*?</details>', html, re.S).group(0)
    assert 'href="/akun/kata-sandi"' in user_menu and ">Keluar</button>" in user_menu
    assert "/static/js/nav.js" in html


@pytest.mark.parametrize(("role", "roles"), [
    ("admin", "Admin BKPSDM"), ("auditor", "Auditor"), ("head", "Kepala Unit"),
    ("assessor", "Pejabat Penilai Kinerja"), ("pegawai", "Pegawai")])
def test_header_names_the_effective_roles(client, login, world, role, roles):
    login(world.users[role])
    html = client.get("/").get_data(as_text=True)
    assert f'<span class="user-roles">{roles}</span>' in html


def test_header_names_every_role_held(client, login, world, make_employee):
    make_employee("Staf Tata Usaha", unit=world.opd, superior=world.head)  # the head now assesses someone too
    login(world.users["head"])
    html = client.get("/").get_data(as_text=True)
    assert '<span class="user-roles">Kepala Unit, Pejabat Penilai Kinerja</span>' in html


def test_current_entry_is_marked_on_its_page_and_group(client, login, world):
    login(world.users["assessor"])
    html = client.get("/skp/tim").get_data(as_text=True)
    assert 'aria-current="page">SKP Tim</a>' in _nav_html(html)
    assert '<details class="nav-group" data-nav-group data-nav-current>' in html
    assert '<summary id="nav-group-tim" class="nav-current">Tim Saya</summary>' in html
    assert _nav_html(html).count('aria-current="page"') == 1


def test_sub_pages_mark_their_entry_and_show_breadcrumbs(client, login, world):
    skp = factories.make_skp(world.staff, world.period, status="draft")
    cases = [
        ("pegawai", f"/skp/{skp.id}", "SKP Saya", "/skp/"),  # one's own SKP
        ("assessor", f"/skp/{skp.id}", "SKP Tim", "/skp/tim"),  # a report's SKP
        ("admin", f"/skp/{skp.id}", "Pegawai", "/pegawai"),  # anyone's SKP, found through the staff list
        ("head", f"/pegawai/{world.staff.id}", "Pegawai", "/pegawai"),
        ("assessor", f"/pegawai/{world.staff.id}", "Tim Saya", "/tim"),
        ("admin", f"/periode/{world.period.id}", "Periode Kinerja", "/periode"),
        ("pegawai", f"/skp/{skp.id}/versi", "SKP Saya", "/skp/"),
    ]
    for role, path, entry, entry_url in cases:
        db.session.expire_all()
        login(world.users[role])
        html = client.get(path).get_data(as_text=True)
        assert f'aria-current="page">{entry}</a>' in _nav_html(html), (role, path)
        crumbs = re.search(r'<nav class="breadcrumb" aria-label="Jejak halaman">(.*?)</nav>', html, re.S)
        assert crumbs and f'<li><a href="{entry_url}">{entry}</a></li>' in crumbs.group(1), (role, path)
        title = unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1)).rsplit(" · ", 1)[0].strip()
        assert f'<span aria-current="page">{title}</span>' in unescape(crumbs.group(1)), (role, path)


def test_htmx_fragments_do_not_build_the_menu(app, client, login, world, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("the menu was built for a fragment")

    login(world.users["admin"])
    monkeypatch.setattr(nav, "build_menu", refuse)
    for path in ("/pegawai", "/unit", "/admin/audit", "/periode"):
        response = client.get(path, headers=HTMX)
        assert response.status_code == 200 and "site-nav" not in response.get_data(as_text=True), path
    with pytest.raises(AssertionError, match="the menu was built"):
        client.get("/pegawai")  # the full page does build it


def test_one_name_in_menu_title_and_heading(app, client, login, world):
    """Every page of the menu carries the entry's name in its <title> and its <h1>."""
    headed_otherwise = {"main.dashboard": "Selamat datang", "org.chart": ""}  # the chart's h1 names the unit
    for role in ("admin", "assessor", "pegawai", "head"):
        user = world.users[role]
        login(user)
        with app.test_request_context():
            entries = nav.registry(app).visible(user)
        for entry in entries:
            if entry.endpoint.split(".")[0] not in AREAS:
                continue
            response = client.get(_url(app, entry.endpoint))
            assert response.status_code == 200, entry.endpoint
            html = unescape(response.get_data(as_text=True))
            label = str(entry.label)
            title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
            h1 = re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)).strip()
            assert title.startswith(label), (entry.endpoint, title)
            assert h1.startswith(headed_otherwise.get(entry.endpoint, label)), (entry.endpoint, h1)


# ---------------------------------------------------------------------------------------------------------
# Counts of what waits for the person


def _badge(html: str, label: str) -> int:
    link = _link(html, label)
    match = re.search(r'<span class="nav-badge" aria-hidden="true">(\d+)</span>'
                      r'<span class="visually-hidden">(\d+) menunggu</span>', link)
    if not match:
        return 0
    assert match.group(1) == match.group(2)
    return int(match.group(1))


def _open_window(world, days_before=2, days_after=10):
    from portal.periods.models import PeriodPhase

    phase = db.session.query(PeriodPhase).filter_by(period_id=world.period.id, kind="evaluasi_periodik",
                                                    seq=1).one()
    phase.opens_on, phase.closes_on = TODAY - dt.timedelta(days=days_before), TODAY + dt.timedelta(days=days_after)
    db.session.commit()
    return phase


def test_submitted_skp_waits_for_the_assessor(client, login, world):
    login(world.users["assessor"])
    assert _badge(client.get("/").get_data(as_text=True), "SKP Tim") == 0
    skp = factories.make_skp(world.staff, world.period, status="diajukan")
    html = client.get("/").get_data(as_text=True)
    assert _badge(html, "SKP Tim") == 1
    assert '<summary id="nav-group-tim">Tim Saya <span class="nav-badge" aria-hidden="true">1</span>' in html
    assert 'Menu <span class="nav-badge" aria-hidden="true">1</span><span class="visually-hidden">1 menunggu' in html
    skp.status = "disetujui"
    db.session.commit()
    assert _badge(client.get("/").get_data(as_text=True), "SKP Tim") == 0


def test_feedback_request_waits_for_an_answer(client, login, world, make_employee):
    colleague = make_employee("Rekan Siti", unit=world.sub, superior=world.assessor)
    skp = factories.make_skp(colleague, world.period, status="disetujui")
    request = FeedbackRequest(skp_id=skp.id, requested_by_id=colleague.id, asked_id=world.staff.id, message="Mohon")
    db.session.add(request)
    db.session.commit()
    login(world.users["pegawai"])
    assert _badge(client.get("/").get_data(as_text=True), "Umpan Balik Berkelanjutan") == 1
    request.answered_at = dt.datetime(TODAY.year, 1, 2)
    db.session.commit()
    assert _badge(client.get("/").get_data(as_text=True), "Umpan Balik Berkelanjutan") == 0


def test_360_request_waits_for_the_rater_until_answered(client, login, world, make_employee):
    phase = _open_window(world)
    colleague = make_employee("Rekan Siti", unit=world.sub, superior=world.assessor)
    nomination = RaterNomination(subject_id=colleague.id, phase_id=phase.id, rater_id=world.staff.id,
                                 group=GROUP_PEER, status=NOMINATION_INVITED, nominated_by_id=world.assessor.id)
    db.session.add(nomination)
    db.session.commit()
    login(world.users["pegawai"])
    assert _badge(client.get("/").get_data(as_text=True), "Permintaan Umpan Balik 360") == 1
    complete(nomination)
    assert _badge(client.get("/").get_data(as_text=True), "Permintaan Umpan Balik 360") == 0


def test_open_self_assessment_waits_until_submitted(client, login, world):
    phase = _open_window(world)
    login(world.users["pegawai"])
    assert _badge(client.get("/").get_data(as_text=True), "Penilaian Diri") == 1
    skp = factories.make_skp(world.staff, world.period, status="disetujui")
    db.session.add(SelfAssessment(employee_id=world.staff.id, phase_id=phase.id, skp_id=skp.id, status=SELF_SUBMITTED))
    db.session.commit()
    assert _badge(client.get("/").get_data(as_text=True), "Penilaian Diri") == 0


def test_proposed_rater_waits_for_the_assessor(client, login, world, make_employee):
    phase = _open_window(world)
    colleague = make_employee("Rekan Siti", unit=world.sub, superior=world.assessor)
    db.session.add(RaterNomination(subject_id=world.staff.id, phase_id=phase.id, rater_id=colleague.id,
                                   group=GROUP_PEER, status=NOMINATION_PROPOSED, nominated_by_id=world.staff.id))
    db.session.commit()
    login(world.users["assessor"])
    assert _badge(client.get("/").get_data(as_text=True), "Umpan Balik 360 Tim") == 1
    # Once the window has closed nobody can decide any more, unless it is reopened for the employee's unit.
    phase.opens_on, phase.closes_on = TODAY - dt.timedelta(days=20), TODAY - dt.timedelta(days=5)
    db.session.commit()
    assert _badge(client.get("/").get_data(as_text=True), "Umpan Balik 360 Tim") == 0
    db.session.add(PhaseReopening(phase_id=phase.id, unit_id=world.opd.id, until=TODAY + dt.timedelta(days=3),
                                  reason="Perpanjangan"))
    db.session.commit()
    assert _badge(client.get("/").get_data(as_text=True), "Umpan Balik 360 Tim") == 1


def test_self_assessment_count_follows_the_window_rules(world, make_employee):
    """The menu's count query (SQL) and pending_windows (Python, the dashboard) agree: window dates, a reopening
    for the employee or a unit above, and the submitted state."""
    from portal.assessment import self_services

    phase = _open_window(world, days_before=20, days_after=-5)  # closed five days ago
    other = make_employee("Pegawai Lain", unit=world.opd)

    def both(employee):
        sql = db.session.scalar(self_services.pending_count_stmt(employee.id, world.period.id, TODAY))
        return sql, len(self_services.pending_windows(employee, world.period, TODAY))

    assert both(world.staff) == (0, 0)
    db.session.add(PhaseReopening(phase_id=phase.id, unit_id=world.opd.id, until=TODAY, reason="Perpanjangan"))
    db.session.commit()
    assert both(world.staff) == (1, 1) and both(other) == (1, 1)  # the OPD and its sub-units
    db.session.query(PhaseReopening).delete()
    db.session.add(PhaseReopening(phase_id=phase.id, employee_id=other.id, until=TODAY, reason="Sakit"))
    db.session.commit()
    assert both(world.staff) == (0, 0) and both(other) == (1, 1)


# ---------------------------------------------------------------------------------------------------------
# Cost: a fixed number of queries whatever the data


def _menu_queries(client, queries, path="/akun/kata-sandi") -> int:
    client.get(path)  # warm up
    with queries() as q:
        assert client.get(path).status_code == 200
    return q.count


def test_menu_query_count_is_flat_as_data_grows(client, login, queries, world, make_employee):
    phase = _open_window(world)
    login(world.users["assessor"])

    def grow(n):
        for i in range(n):
            member = make_employee(f"Anggota {i}", unit=world.sub, superior=world.assessor)
            skp = factories.make_skp(member, world.period, status="disetujui", is_current=False)
            factories.make_skp(member, world.period, status="diajukan", number=2)  # a revision to decide on
            db.session.add_all([
                FeedbackRequest(skp_id=skp.id, requested_by_id=member.id, asked_id=world.assessor.id, message="-"),
                RaterNomination(subject_id=member.id, phase_id=phase.id, rater_id=world.assessor.id,
                                group=GROUP_PEER, status=NOMINATION_INVITED, nominated_by_id=world.assessor.id),
                RaterNomination(subject_id=member.id, phase_id=phase.id, rater_id=world.staff.id,
                                group=GROUP_PEER, status=NOMINATION_PROPOSED, nominated_by_id=member.id),
            ])
            db.session.commit()

    grow(2)
    few = _menu_queries(client, queries)
    html = client.get("/akun/kata-sandi").get_data(as_text=True)
    assert _badge(html, "SKP Tim") == 2 and _badge(html, "Permintaan Umpan Balik 360") == 2
    grow(25)
    many = _menu_queries(client, queries)
    html = client.get("/akun/kata-sandi").get_data(as_text=True)
    assert _badge(html, "SKP Tim") == 27 and _badge(html, "Umpan Balik Berkelanjutan") == 27
    assert _badge(html, "Umpan Balik 360 Tim") == 27 and _badge(html, "Permintaan Umpan Balik 360") == 27
    assert few == many, (few, many)


def test_counts_of_the_areas_run_as_one_statement(app, client, login, queries, world):
    """The registered Count queries (SKP, feedback, self-assessment, 360 proposals) cost one statement together."""
    _open_window(world)
    login(world.users["assessor"])
    client.get("/akun/kata-sandi")
    with queries() as q:
        client.get("/akun/kata-sandi")
    combined = [s for s in q.statements if s.lstrip().startswith("SELECT (SELECT count(")]
    assert len(combined) == 1
    for table in ("skp", "feedback_request", "rater_nomination", "self_assessment"):
        assert f"FROM {table}" in combined[0], table


def test_admin_without_employee_pays_for_no_personal_counts(client, login, queries, world):
    login(world.users["admin"])
    client.get("/akun/kata-sandi")
    with queries() as q:
        client.get("/akun/kata-sandi")
    assert not any("rater_nomination" in s or "feedback_request" in s or "skp" in s for s in q.statements)


def test_error_page_of_a_failure_builds_no_menu(app, world, monkeypatch):
    """A 500 may come from the database itself: its page shows no menu (and runs none of the counts)."""
    from flask import render_template
    from flask_login import login_user

    def refuse(*_args, **_kwargs):
        raise AssertionError("the menu was built for the error page")

    monkeypatch.setattr(nav, "build_menu", refuse)
    with app.test_request_context("/"):
        login_user(world.users["assessor"])
        html = render_template("errors/500.html", title="Terjadi kesalahan", message="Coba lagi.")
        assert "Terjadi kesalahan" in html and "site-nav" not in html
        with pytest.raises(AssertionError, match="the menu was built"):
            render_template("errors/404.html", title="Tidak ditemukan", message="-")
