"""Unit screens: list with counts, create, move (descendants follow), refuse cycles, deactivate rules."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.core.audit import AuditLog
from portal.extensions import db
from portal.org.models import Unit
from tests.views.test_org_access import org_world  # noqa: F401  (fixture)

HX = {"HX-Request": "true"}


@pytest.fixture
def admin(client, login, make_user):
    user = make_user(role="admin")
    login(user)
    return user


def test_list_full_and_fragment_with_counts(client, admin, org_world):  # noqa: F811
    body = client.get("/unit").get_data(as_text=True)
    assert "<html" in body and "Dinas Pendidikan" in body and "Bidang Pembinaan SD" in body
    # Dinas Pendidikan: the head directly, two staff in the sub-unit.
    assert "3 <small" in body and "1 langsung" in body
    fragment = client.get("/unit?q=bidang", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and fragment.lstrip().startswith('<section id="unit-results"')
    assert "Bidang Pembinaan SD" in fragment and "Dinas Kesehatan" not in fragment
    assert "Dinas Pendidikan /" in fragment  # parent breadcrumb
    by_opd = client.get(f"/unit?opd={org_world.other_opd.id}", headers=HX).get_data(as_text=True)
    assert "Dinas Kesehatan" in by_opd and "Bidang Pembinaan SD" not in by_opd


def test_list_query_count_is_flat(client, admin, queries, make_unit, make_employee):
    opd_id = make_unit("OPD").id

    def add(n):
        opd = db.session.get(Unit, opd_id)
        for _ in range(n):
            make_employee(unit=make_unit(parent=opd))

    def count():
        db.session.remove()
        with queries() as q:
            assert client.get("/unit").status_code == 200
        return q.count

    add(2)
    few = count()
    add(27)
    many = count()
    assert few == many, (few, many)


def test_create_unit_no_js_and_htmx(client, admin, org_world):  # noqa: F811
    response = client.post("/unit/baru", data={"name": "Seksi Kurikulum", "kind": "seksi",
                                               "parent_id": str(org_world.sub.id), "code": "SK-01"})
    assert response.status_code == 302
    unit = db.session.scalar(select(Unit).where(Unit.name == "Seksi Kurikulum"))
    assert unit.path == f"{org_world.sub.path}{unit.id}/" and unit.depth == 2
    response = client.post("/unit/baru", data={"name": "Dinas Sosial", "kind": "opd", "parent_id": ""}, headers=HX)
    assert response.status_code == 204 and "HX-Redirect" in response.headers
    opd = db.session.scalar(select(Unit).where(Unit.name == "Dinas Sosial"))
    assert opd.path == f"/{opd.id}/" and opd.depth == 0
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "unit.create")) is not None


def test_create_unit_invalid(client, admin, org_world):  # noqa: F811
    response = client.post("/unit/baru", data={"name": "", "kind": "opd"})
    assert response.status_code == 422 and "Nama unit wajib diisi" in response.get_data(as_text=True)
    response = client.post("/unit/baru", data={"name": "Bidang Pembinaan SD", "kind": "bidang",
                                               "parent_id": str(org_world.opd.id)})
    assert response.status_code == 422
    assert "Sudah ada unit dengan nama ini" in response.get_data(as_text=True)
    fragment = client.post("/unit/baru", data={"name": "", "kind": "opd"}, headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and 'id="unit-form"' in fragment


def test_move_unit_updates_descendants(client, admin, org_world, make_unit):  # noqa: F811
    child = make_unit("Seksi A", parent=org_world.sub)
    sub = org_world.sub
    response = client.post(f"/unit/{sub.id}/ubah", data={
        "name": sub.name, "kind": sub.kind, "parent_id": str(org_world.other_opd.id), "code": "",
        "version_id": str(sub.version_id)})
    assert response.status_code == 302
    db.session.expire_all()
    other = org_world.other_opd
    assert db.session.get(Unit, sub.id).path == f"/{other.id}/{sub.id}/"
    assert db.session.get(Unit, child.id).path == f"/{other.id}/{sub.id}/{child.id}/"
    assert db.session.get(Unit, child.id).depth == 2
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "unit.update"))
    assert log.changes["parent_id"] == [org_world.opd.id, other.id]


def test_move_unit_under_descendant_refused(client, admin, org_world, make_unit):  # noqa: F811
    child = make_unit("Seksi A", parent=org_world.sub)
    opd = org_world.opd
    response = client.post(f"/unit/{opd.id}/ubah", data={
        "name": opd.name, "kind": "opd", "parent_id": str(child.id), "version_id": str(opd.version_id)})
    assert response.status_code == 422
    assert "tidak dapat dipindahkan ke bawah dirinya sendiri" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Unit, opd.id).parent_id is None
    # The edit form does not even offer the unit itself or its descendants as parent.
    page = client.get(f"/unit/{opd.id}/ubah").get_data(as_text=True)
    assert f'value="{child.id}"' not in page and f'value="{org_world.other_opd.id}"' in page


def test_unit_optimistic_locking(client, admin, org_world):  # noqa: F811
    sub = org_world.sub
    data = {"name": "Nama Satu", "kind": "bidang", "parent_id": str(org_world.opd.id),
            "version_id": str(sub.version_id)}
    assert client.post(f"/unit/{sub.id}/ubah", data=data).status_code == 302
    response = client.post(f"/unit/{sub.id}/ubah", data=dict(data, name="Nama Dua"))
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Unit, sub.id).name == "Nama Satu"


def test_deactivate_unit_with_employees_refused(client, admin, org_world, make_unit):  # noqa: F811
    response = client.post(f"/unit/{org_world.sub.id}/nonaktifkan", follow_redirects=True)
    assert "masih memiliki 2 pegawai aktif" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Unit, org_world.sub.id).active is True
    empty = make_unit("Unit Kosong", parent=org_world.opd)
    assert client.post(f"/unit/{empty.id}/nonaktifkan").status_code == 302
    db.session.expire_all()
    assert db.session.get(Unit, empty.id).active is False
    assert client.post(f"/unit/{empty.id}/aktifkan").status_code == 302
    db.session.expire_all()
    assert db.session.get(Unit, empty.id).active is True
