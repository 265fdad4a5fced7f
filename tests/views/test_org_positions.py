"""Position (jabatan) and reference data (golongan, jenis jabatan) screens."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.core.audit import AuditLog
from portal.extensions import db
from portal.org.models import Golongan, Position, PositionType, Unit
from tests.views.test_org_access import org_world  # noqa: F401  (fixture)

HX = {"HX-Request": "true"}


@pytest.fixture
def admin(client, login, make_user):
    user = make_user(role="admin")
    login(user)
    return user


def test_positions_list_filter_search_fragment(client, admin, org_world):  # noqa: F811
    body = client.get("/jabatan").get_data(as_text=True)
    assert "<html" in body and "Kepala Dinas Pendidikan" in body and "Analis Kurikulum" in body
    fragment = client.get("/jabatan?q=analis", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and fragment.lstrip().startswith('<section id="position-results"')
    assert "Analis Kurikulum" in fragment and "Kepala Dinas" not in fragment
    by_unit = client.get(f"/jabatan?unit={org_world.sub.id}", headers=HX).get_data(as_text=True)
    assert "Analis Kurikulum" in by_unit and "Kepala Dinas Pendidikan" not in by_unit


def test_positions_query_count_is_flat(client, admin, queries, make_unit, make_position, make_employee):
    unit_id = make_unit().id

    def add(n):
        unit = db.session.get(Unit, unit_id)
        for _ in range(n):
            sub = make_unit(parent=unit)
            make_employee(unit=sub, position=make_position(unit=sub))

    def count():
        db.session.remove()
        with queries() as q:
            assert client.get("/jabatan").status_code == 200
        return q.count

    add(3)
    few = count()
    add(27)
    assert count() == few


def test_create_edit_deactivate_position(client, admin, org_world):  # noqa: F811
    ptype = db.session.scalar(select(PositionType).where(PositionType.code == "PENGAWAS"))
    response = client.post("/jabatan/baru", data={"name": "Kepala Seksi Kurikulum", "unit_id": str(org_world.sub.id),
                                                  "position_type_id": str(ptype.id), "eselon": "IV.a", "is_head": "y"})
    assert response.status_code == 302
    position = db.session.scalar(select(Position).where(Position.name == "Kepala Seksi Kurikulum"))
    assert position.is_head and position.eselon == "IV.a" and position.position_type_id == ptype.id
    response = client.post(f"/jabatan/{position.id}/ubah", data={"name": "Kepala Seksi Kurikulum SD",
                                                                 "unit_id": str(org_world.sub.id), "is_head": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Position, position.id).name == "Kepala Seksi Kurikulum SD"
    assert client.post(f"/jabatan/{position.id}/nonaktifkan").status_code == 302
    db.session.expire_all()
    assert db.session.get(Position, position.id).active is False
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"position.create", "position.update", "position.deactivate"} <= actions


def test_position_invalid_and_held_position_not_deactivated(client, admin, org_world):  # noqa: F811
    response = client.post("/jabatan/baru", data={"name": "", "unit_id": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nama jabatan wajib diisi" in body and "Pilih unit kerja" in body
    fragment = client.post("/jabatan/baru", data={"name": ""}, headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and 'id="position-form"' in fragment
    held = org_world.staff_position
    response = client.post(f"/jabatan/{held.id}/nonaktifkan", follow_redirects=True)
    assert "masih dipegang 1 pegawai aktif" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Position, held.id).active is True


def test_references_page_and_fragment(client, admin):
    body = client.get("/referensi").get_data(as_text=True)
    assert "<html" in body and "Pembina Utama" in body and "Fungsional Ahli Muda" in body
    assert "Dapat menjadi Pejabat Penilai Kinerja" in body
    fragment = client.get("/referensi", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="references"')


def test_reference_add_edit_deactivate(client, admin):
    response = client.post("/referensi/golongan/baru", data={"code": "XVIII", "pangkat": "", "kind": "PPPK",
                                                             "rank": "18", "active": "y"})
    assert response.status_code == 302
    gol = db.session.scalar(select(Golongan).where(Golongan.code == "XVIII"))
    assert gol.kind == "PPPK" and gol.active
    response = client.post("/referensi/jenis-jabatan/baru", data={
        "code": "pppk_guru", "name": "Guru PPPK", "category": "Fungsional", "rank": "20", "active": "y"})
    assert response.status_code == 302
    ptype = db.session.scalar(select(PositionType).where(PositionType.code == "PPPK_GURU"))
    assert ptype is not None and ptype.can_assess is False
    response = client.post(f"/referensi/jenis-jabatan/{ptype.id}/ubah", data={
        "code": "PPPK_GURU", "name": "Guru PPPK", "category": "Fungsional", "rank": "20", "can_assess": "y",
        "active": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PositionType, ptype.id).can_assess is True
    assert client.post(f"/referensi/golongan/{gol.id}/nonaktifkan").status_code == 302
    db.session.expire_all()
    assert db.session.get(Golongan, gol.id).active is False
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"golongan.create", "position_type.create", "position_type.update", "golongan.deactivate"} <= actions


def test_reference_duplicate_code_refused(client, admin):
    response = client.post("/referensi/golongan/baru", data={"code": "III/a", "kind": "PNS", "rank": "9"})
    assert response.status_code == 422
    assert "Kode golongan sudah ada" in response.get_data(as_text=True)
    assert len(list(db.session.scalars(select(Golongan).where(Golongan.code == "III/a")))) == 1
