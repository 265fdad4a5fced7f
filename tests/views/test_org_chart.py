"""The org chart (bagan) and "my team" (Tim Saya)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from portal.extensions import db
from portal.org.models import ActingAssignment, Employee, Unit
from tests.views.test_org_access import org_world  # noqa: F401  (fixture)

HX = {"HX-Request": "true"}
TYPE_CODES = ["PELAKSANA", "TERAMPIL", "MAHIR", "AHLI_PERTAMA", "AHLI_MUDA"]


def test_chart_defaults_to_own_opd_and_nests_reports(client, login, org_world, make_employee):  # noqa: F811
    make_employee("Staf Dinas", unit=org_world.opd, superior=org_world.head)
    login(org_world.users["pegawai"])  # works in the sub-unit: sees the root OPD
    body = client.get("/bagan").get_data(as_text=True)
    body = body[body.index('id="org-chart"'):]  # the navigation shows the signed-in user's name
    assert "<h1>Dinas Pendidikan</h1>" in body
    assert "Bidang Pembinaan SD" in body and "2 pegawai" in body  # sub-unit with its count
    # Reporting tree: the head first, their subordinates nested below.
    head_at, staff_at = body.index("Hartono"), body.index("Staf Dinas")
    assert head_at < staff_at
    assert re.search(r"Hartono.*?<ul>.*?Staf Dinas", body, re.S)
    # People of sub-units are not part of the parent's tree, except direct reports of its people: they hang
    # under their superior as leaves, marked with (and linked to) their own unit.
    assert re.search(r"Hartono.*?<ul>.*?chart-elsewhere.*?Siti Aminah.*?"
                     rf'href="/bagan\?unit={org_world.sub.id}"><span class="visually-hidden">Bagan unit </span>'
                     r"Bidang Pembinaan SD</a>", body, re.S)
    assert "Pegawai di unit ini <small class=\"muted\">(2)</small>" in body  # the unit's own people only
    fragment = client.get(f"/bagan?unit={org_world.opd.id}", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="org-chart"')


def test_chart_roots_for_superior_outside_unit(client, login, org_world):  # noqa: F811
    login(org_world.users["pegawai"])
    body = client.get(f"/bagan?unit={org_world.sub.id}").get_data(as_text=True)
    assert "Dinas Pendidikan" in body  # breadcrumb
    assert "Siti Aminah" in body and "Bambang Wijaya" in body and "Analis Kurikulum" in body
    assert "Hartono" not in body


def test_chart_admin_without_employee_picks_an_opd(client, login, org_world):  # noqa: F811
    login(org_world.users["admin"])
    body = client.get("/bagan").get_data(as_text=True)
    assert "Pilih OPD" in body
    assert f'href="/bagan?unit={org_world.opd.id}"' in body and f'href="/bagan?unit={org_world.other_opd.id}"' in body
    assert client.get("/bagan?unit=999999").status_code == 404


def _count(client, queries, url):
    db.session.remove()
    with queries() as q:
        assert client.get(url).status_code == 200
    return q.count


@pytest.mark.parametrize("role", ["pegawai", "admin"])  # admin: names are links to the employee pages
def test_chart_query_count_is_flat(client, login, queries, make_unit, make_employee, make_position, make_user,
                                   role):
    unit = make_unit("Dinas Besar")
    head = make_employee("Kepala Dinas", unit=unit, position=make_position("Kepala", unit=unit, is_head=True))
    login(make_user(employee=head, role=role))
    unit_id, head_id = unit.id, head.id
    today = dt.date.today()

    def add(n):
        unit, head = db.session.get(Unit, unit_id), db.session.get(Employee, head_id)  # fresh after remove()
        for i in range(n):
            code = TYPE_CODES[i % len(TYPE_CODES)]  # several jenis jabatan: their loading must not be per row
            staff = make_employee(unit=unit, superior=head, position=make_position(unit=unit, type_code=code))
            make_employee(unit=unit, superior=staff)  # a second level inside the unit
            # A sub-unit whose head reports to the Kepala Dinas: held, held by a Plt, or vacant.
            sub = make_unit(parent=unit)
            head_post = make_position(unit=sub, is_head=True, type_code="ADMINISTRATOR")
            if i % 3 == 0:
                make_employee(unit=sub, superior=head, position=head_post)
            elif i % 3 == 1:
                stand_in = make_employee(unit=sub, superior=head, position=make_position(unit=sub))
                db.session.add(ActingAssignment(employee=stand_in, position=head_post, kind="Plt",
                                                start_date=today - dt.timedelta(days=5)))
                db.session.commit()

    add(3)
    few = _count(client, queries, f"/bagan?unit={unit_id}")
    add(27)
    many = _count(client, queries, f"/bagan?unit={unit_id}")
    body = client.get(f"/bagan?unit={unit_id}").get_data(as_text=True)
    assert body.count('class="chart-elsewhere"') == 20 and body.count(">Plt</span>") == 10  # heads were shown
    assert body.count('class="chart-person chart-head"') == 30 and body.count(">lowong</span>") == 10
    assert few == many, (few, many)


def test_chart_shows_subunit_heads_and_reporting_lines(client, login, make_unit, make_position, make_employee,
                                                       make_user):
    today = dt.date.today()
    opd = make_unit("Dinas Pertanian")
    kadis = make_employee("Sutrisno", unit=opd, position=make_position("Kepala Dinas Pertanian", unit=opd,
                                                                         is_head=True, type_code="JPT_PRATAMA"),
                          email="sutrisno@contoh.go.id", phone="081234567890", birth_date=dt.date(1970, 5, 17))
    make_employee("Staf Umum", unit=opd, superior=kadis)
    sekretariat = make_unit("Sekretariat", parent=opd, kind="sekretariat")
    sekretaris = make_employee(
        "Rina Marlina", unit=sekretariat, superior=kadis, email="rina@contoh.go.id", phone="082233445566",
        position=make_position("Sekretaris Dinas Pertanian", unit=sekretariat, is_head=True, type_code="ADMINISTRATOR"))
    make_employee("Staf Sekretariat", unit=sekretariat, superior=sekretaris)  # not a direct report of the kadis
    # A bidang led by a Plt (the definitive holder has left), one whose Plh assignment has ended, one with no
    # head position at all.
    tanaman = make_unit("Bidang Tanaman Pangan", parent=opd)
    tanaman_head = make_position("Kepala Bidang Tanaman Pangan", unit=tanaman, is_head=True)
    make_employee("Mantan Kabid", unit=tanaman, position=tanaman_head, active=False)
    plt = make_employee("Joko Susilo", unit=tanaman, superior=kadis,
                        position=make_position("Analis Tanaman", unit=tanaman))
    peternakan = make_unit("Bidang Peternakan", parent=opd)
    peternakan_head = make_position("Kepala Bidang Peternakan", unit=peternakan, is_head=True)
    old_plh = make_employee("Dewi Peternakan", unit=peternakan)
    db.session.add_all([
        ActingAssignment(employee=plt, position=tanaman_head, kind="Plt", start_date=today - dt.timedelta(days=30)),
        ActingAssignment(employee=old_plh, position=peternakan_head, kind="Plh",
                         start_date=today - dt.timedelta(days=30), end_date=today - dt.timedelta(days=1)),
    ])
    make_unit("UPT Benih", parent=opd, kind="upt")
    make_employee("Pensiunan", unit=tanaman, superior=kadis, active=False)
    login(make_user(employee=kadis))

    body = client.get(f"/bagan?unit={opd.id}").get_data(as_text=True)
    body = body[body.index('id="org-chart"'):]
    subunits = body[body.index("<h2>Sub-unit</h2>"):body.index("Pegawai di unit ini")]
    items = {name: item for item in subunits.split("<li>")[1:] for name in re.findall(r'">([^<]+)</a>', item)[:1]}
    assert "Rina Marlina" in items["Sekretariat"] and "Sekretaris Dinas Pertanian" in items["Sekretariat"]
    assert "lowong" not in items["Sekretariat"]
    tanaman_item = items["Bidang Tanaman Pangan"]
    assert re.search(r"Joko Susilo</strong>\s*<span class=\"badge badge-warn\">Plt</span>\s*"
                     r"<span class=\"muted\">Kepala Bidang Tanaman Pangan</span>", tanaman_item)
    assert "Mantan Kabid" not in body and "Pensiunan" not in body  # inactive people are not shown
    assert "Kepala Bidang Peternakan" in items["Bidang Peternakan"] and "lowong" in items["Bidang Peternakan"]
    assert "Dewi Peternakan" not in body  # the Plh assignment has ended
    assert "Kepala unit" in items["UPT Benih"] and "lowong" in items["UPT Benih"]

    tree = body[body.index('class="chart-tree"'):]
    # Under the Kepala Dinas: the staff of the unit and, marked with their unit, the Sekretaris and the Plt.
    kadis_node = tree[tree.index("Sutrisno"):]
    for name, unit in (("Rina Marlina", sekretariat), ("Joko Susilo", tanaman)):
        assert re.search(rf'<li class="chart-elsewhere">\s*<span class="chart-person">\s*<strong>{name}</strong>.*?'
                         rf'href="/bagan\?unit={unit.id}"><span class="visually-hidden">Bagan unit </span>'
                         rf"{unit.name}</a>", kadis_node, re.S)
    assert kadis_node.index("Rina Marlina") < kadis_node.index("Staf Umum")  # heads of units come first
    assert re.search(r"Joko Susilo</strong>\s*<span class=\"muted\">Analis Tanaman</span>\s*"
                     r"<span class=\"badge badge-warn\"[^>]*>Plt Kepala Bidang Tanaman Pangan</span>", kadis_node)
    assert "Staf Sekretariat" not in tree  # only direct reports cross the unit boundary
    assert "Bawahan langsung yang berkedudukan di unit lain" in body
    # No personal data on the chart.
    for private in ("sutrisno@contoh.go.id", "081234567890", "rina@contoh.go.id", "082233445566",
                    "17 Mei 1970", "1970-05-17", kadis.nip):
        assert private not in body

    # The sub-unit's own chart: the Sekretaris is a root there (the superior sits outside), with their staff.
    body = client.get(f"/bagan?unit={sekretariat.id}").get_data(as_text=True)
    assert re.search(r"Rina Marlina.*?<ul>.*?Staf Sekretariat", body, re.S) and "chart-elsewhere" not in body


def test_my_team_lists_reports_and_delegated(client, login, org_world, make_employee):  # noqa: F811
    other_unit_person = make_employee("Guru Delegasi", unit=org_world.other_opd)
    other_unit_person.assessor_id = org_world.head.id
    db.session.commit()
    login(org_world.users["head"])
    body = client.get("/tim").get_data(as_text=True)
    assert "Siti Aminah" in body and "Bambang Wijaya" in body and "Guru Delegasi" in body
    assert "Dinilai melalui delegasi" in body
    assert "Analis Kurikulum" in body and "III/a" in body
    fragment = client.get("/tim", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and fragment.lstrip().startswith('<section id="team-results"')
    login(org_world.users["pegawai"])
    assert client.get("/tim").status_code == 403  # nobody to assess: no team page (and no menu entry)


def test_my_team_query_count_is_flat(client, login, queries, make_unit, make_employee, make_position, make_user):
    unit = make_unit()
    boss = make_employee("Atasan", unit=unit)
    login(make_user(employee=boss))
    unit_id, boss_id = unit.id, boss.id

    def add(n):
        unit, boss = db.session.get(Unit, unit_id), db.session.get(Employee, boss_id)
        for _ in range(n):
            sub = make_unit(parent=unit)
            make_employee(unit=sub, superior=boss, position=make_position(unit=sub))

    add(3)
    few = _count(client, queries, "/tim")
    add(27)
    many = _count(client, queries, "/tim")
    assert few == many, (few, many)
    assert db.session.query(Employee).count() == 31
