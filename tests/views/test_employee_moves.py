"""Employee move history (EmployeeMove): recorded when the admin changes unit, position or superior."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditLog
from portal.extensions import db
from portal.org import services as org_services
from portal.org.models import Employee, EmployeeMove


@pytest.fixture
def world(make_unit, make_position, make_employee, make_user):
    opd = make_unit("Dinas Pendidikan")
    old_unit = make_unit("Bidang SD", parent=opd)
    new_unit = make_unit("Bidang SMP", parent=opd)
    boss = make_employee("Kepala Bidang SD", unit=old_unit)
    new_boss = make_employee("Kepala Bidang SMP", unit=new_unit)
    old_pos = make_position("Pengelola Data SD", unit=old_unit)
    new_pos = make_position("Pengelola Data SMP", unit=new_unit)
    staff = make_employee("Siti Aminah", unit=old_unit, position=old_pos, superior=boss)
    return {"admin": make_user("admin", role="admin"), "staff": staff, "old_unit": old_unit, "new_unit": new_unit,
            "boss": boss, "new_boss": new_boss, "old_pos": old_pos, "new_pos": new_pos}


def _edit_form(employee: Employee, **extra) -> dict:
    data = {
        "nip": employee.nip, "kind": employee.kind, "nama": employee.nama, "gelar_depan": "", "gelar_belakang": "",
        "gender": employee.gender or "", "birth_date": employee.birth_date.isoformat(),
        "golongan_id": str(employee.golongan_id or ""), "unit_id": str(employee.unit_id),
        "position_id": str(employee.position_id or ""),
        "superior": employee.superior.nip if employee.superior else "", "assessor": "",
        "email": "", "phone": "", "version_id": str(employee.version_id), "effective_on": "",
    }
    data.update(extra)
    return data


def _moves():
    return list(db.session.scalars(select(EmployeeMove).order_by(EmployeeMove.id)))


def test_move_recorded_with_effective_date(client, login, world):
    login(world["admin"])
    staff = world["staff"]
    response = client.post(f"/pegawai/{staff.id}/ubah", data=_edit_form(
        staff, unit_id=str(world["new_unit"].id), position_id=str(world["new_pos"].id),
        superior=world["new_boss"].nip, effective_on="2026-07-01"))
    assert response.status_code == 302
    [move] = _moves()
    assert move.employee_id == staff.id and move.effective_on == dt.date(2026, 7, 1)
    assert (move.from_unit_id, move.to_unit_id) == (world["old_unit"].id, world["new_unit"].id)
    assert (move.from_position_id, move.to_position_id) == (world["old_pos"].id, world["new_pos"].id)
    assert (move.from_superior_id, move.to_superior_id) == (world["boss"].id, world["new_boss"].id)
    assert move.recorded_by_id == world["admin"].id
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "employee.move")) is not None
    page = client.get(f"/pegawai/{staff.id}").get_data(as_text=True)
    section = page[page.index('id="employee-moves"'):]
    assert "Riwayat mutasi" in section and "1 Juli 2026" in section
    assert "Bidang SD" in section and "Bidang SMP" in section and "Kepala Bidang SMP" in section


def test_edit_form_offers_the_effective_date(client, login, world):
    login(world["admin"])
    body = client.get(f"/pegawai/{world['staff'].id}/ubah").get_data(as_text=True)
    assert "Berlaku mulai" in body and 'name="effective_on"' in body


def test_superior_change_only_defaults_to_today(admin_today, client, login, world):
    login(world["admin"])
    staff = world["staff"]
    client.post(f"/pegawai/{staff.id}/ubah", data=_edit_form(staff, superior=world["new_boss"].nip))
    [move] = _moves()
    assert move.effective_on == admin_today
    assert move.from_unit_id == move.to_unit_id == world["old_unit"].id


@pytest.fixture
def admin_today(monkeypatch):
    today = dt.date(2026, 3, 2)
    monkeypatch.setattr("portal.org.services.local_today", lambda: today)
    return today


def test_no_move_on_a_no_op_edit_or_a_name_change(client, login, world):
    login(world["admin"])
    staff = world["staff"]
    assert client.post(f"/pegawai/{staff.id}/ubah", data=_edit_form(staff)).status_code == 302
    db.session.expire_all()
    staff = db.session.get(Employee, staff.id)
    assert client.post(f"/pegawai/{staff.id}/ubah", data=_edit_form(staff, nama="Siti A.")).status_code == 302
    assert _moves() == []
    page = client.get(f"/pegawai/{staff.id}").get_data(as_text=True)
    assert "Belum ada mutasi" in page


def test_refused_edit_records_no_move(client, login, world):
    login(world["admin"])
    staff = world["staff"]
    # the position does not belong to the new unit: the whole edit is refused, no move row either
    response = client.post(f"/pegawai/{staff.id}/ubah", data=_edit_form(
        staff, unit_id=str(world["new_unit"].id), position_id=str(world["old_pos"].id)))
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(EmployeeMove)) == 0


def test_service_records_move_in_the_same_transaction(world):
    staff = world["staff"]
    org_services.update_employee(world["admin"], staff, {"unit_id": world["new_unit"].id, "position_id": None},
                                 version=staff.version_id, today=dt.date(2026, 5, 4))
    db.session.rollback()
    assert _moves() == []  # rolled back together with the change
    staff = db.session.get(Employee, staff.id)
    org_services.update_employee(world["admin"], staff, {"unit_id": world["new_unit"].id, "position_id": None,
                                                         "effective_on": dt.date(2026, 4, 1)},
                                 version=staff.version_id, today=dt.date(2026, 5, 4))
    db.session.commit()
    [move] = _moves()
    assert move.effective_on == dt.date(2026, 4, 1) and move.to_position_id is None


def test_detail_query_count_flat_with_many_moves(client, login, queries, world, make_employee):
    login(world["admin"])
    few, many = make_employee("Sedikit", unit=world["old_unit"]), make_employee("Banyak", unit=world["old_unit"])
    units = [world["old_unit"], world["new_unit"]]
    for person, count in ((few, 3), (many, 30)):
        for n in range(count):
            db.session.add(EmployeeMove(employee_id=person.id, effective_on=dt.date(2026, 1, 1) + dt.timedelta(days=n),
                                        from_unit_id=units[n % 2].id, to_unit_id=units[(n + 1) % 2].id,
                                        from_superior_id=world["boss"].id, to_superior_id=world["new_boss"].id,
                                        recorded_by_id=world["admin"].id))
    db.session.commit()
    counts = []
    for person in (few, many):
        client.get(f"/pegawai/{person.id}")
        with queries() as q:
            body = client.get(f"/pegawai/{person.id}").get_data(as_text=True)
        counts.append(q.count)
    assert body.count("Kepala Bidang SMP") >= 30
    assert counts[0] == counts[1]
