"""The org chart (bagan) and "my team" (Tim Saya)."""

from __future__ import annotations

import re

from portal.extensions import db
from portal.org.models import Employee, Unit
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
    assert "Siti Aminah" not in body  # people of sub-units are not rendered in the parent's tree
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


def test_chart_query_count_is_flat(client, login, queries, make_unit, make_employee, make_position, make_user):
    unit = make_unit("Sekolah Besar", kind="sekolah")
    head = make_employee("Kepala Sekolah", unit=unit, position=make_position("Kepala", unit=unit, is_head=True))
    user = make_user(employee=head)
    login(user)

    unit_id, head_id = unit.id, head.id

    def add(n):
        unit, head = db.session.get(Unit, unit_id), db.session.get(Employee, head_id)  # fresh after remove()
        for i in range(n):
            code = TYPE_CODES[i % len(TYPE_CODES)]  # several jenis jabatan: their loading must not be per row
            make_employee(unit=unit, superior=head, position=make_position(unit=unit, type_code=code))
            make_unit(parent=unit)

    add(3)
    few = _count(client, queries, f"/bagan?unit={unit.id}")
    add(27)
    many = _count(client, queries, f"/bagan?unit={unit.id}")
    assert few == many, (few, many)


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
    assert "Belum ada pegawai yang Anda nilai" in client.get("/tim").get_data(as_text=True)


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
