"""Org services: unit paths, reporting-line cycles, employee validation, optimistic locking, audit rows."""

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.core.audit import AuditLog
from portal.core.errors import DomainError, StaleVersionError
from portal.extensions import db
from portal.org import permissions, services
from portal.org.models import Employee, Golongan, Unit
from tests.factories import make_nip


@pytest.fixture
def admin(make_user):
    return make_user("admin", role="admin")


def test_create_unit_sets_paths(admin):
    opd = services.create_unit(admin, "Dinas Pendidikan", "opd", None, "DISDIK")
    bidang = services.create_unit(admin, "Bidang SD", "bidang", opd, None)
    db.session.commit()
    assert opd.path == f"/{opd.id}/" and opd.depth == 0
    assert bidang.path == f"/{opd.id}/{bidang.id}/" and bidang.depth == 1
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "unit.create", AuditLog.object_id == str(opd.id)))
    assert log is not None and log.changes["name"] == [None, "Dinas Pendidikan"]


def test_moving_a_unit_moves_descendants(admin, make_unit):
    a = make_unit("A")
    b = make_unit("B")
    child = make_unit("Child", parent=a)
    grandchild = make_unit("Grandchild", parent=child)
    services.update_unit(admin, child, {"parent": b}, version=child.version_id)
    db.session.commit()
    db.session.expire_all()
    child, grandchild = db.session.get(Unit, child.id), db.session.get(Unit, grandchild.id)
    assert child.path == f"/{b.id}/{child.id}/" and child.depth == 1
    assert grandchild.path == f"/{b.id}/{child.id}/{grandchild.id}/" and grandchild.depth == 2
    # To the top level, then one level deeper again.
    services.update_unit(admin, child, {"parent": None}, version=child.version_id)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Unit, grandchild.id).path == f"/{child.id}/{grandchild.id}/"
    assert db.session.get(Unit, grandchild.id).depth == 1


def test_unit_cannot_move_under_itself_or_descendant(admin, make_unit):
    a = make_unit("A")
    child = make_unit("Child", parent=a)
    for target in (a, child):
        with pytest.raises(DomainError) as exc:
            services.update_unit(admin, a, {"parent": target}, version=a.version_id)
        assert exc.value.field == "parent_id"
    db.session.rollback()
    assert db.session.get(Unit, a.id).parent_id is None


def test_deactivate_unit_refused_with_active_employees(admin, make_unit, make_employee):
    opd = make_unit("OPD")
    sub = make_unit("Sub", parent=opd)
    make_employee(unit=sub)
    with pytest.raises(DomainError, match="1 pegawai aktif"):
        services.deactivate_unit(admin, opd)
    empty = make_unit("Kosong")
    services.deactivate_unit(admin, empty)
    db.session.commit()
    assert db.session.get(Unit, empty.id).active is False


def test_would_create_cycle_walks_the_chain(make_employee):
    top = make_employee("Top")
    mid = make_employee("Mid", superior=top)
    low = make_employee("Low", superior=mid)
    assert services.would_create_cycle(top.id, low.id) is True
    assert services.would_create_cycle(top.id, mid.id) is True
    assert services.would_create_cycle(low.id, top.id) is False
    assert services.would_create_cycle(top.id, top.id) is True
    assert services.would_create_cycle(top.id, None) is False
    # An override map (the import's pending links) wins over the database.
    assert services.would_create_cycle(top.id, low.id, superiors={mid.id: None}) is False


def _data(unit, **extra):
    gol = db.session.scalar(select(Golongan).where(Golongan.code == "III/b"))
    base = {"nip": "19860926 201505 2 001", "kind": "PNS", "nama": "Siti Aminah", "unit_id": unit.id,
            "golongan_id": gol.id, "gender": "P", "birth_date": dt.date(1986, 9, 26)}
    base.update(extra)
    return base


def test_create_employee_stores_digits_and_audits(admin, make_unit):
    unit = make_unit()
    employee = services.create_employee(admin, _data(unit, gelar_belakang="S.Kom."))
    db.session.commit()
    assert employee.nip == "198609262015052001"
    assert employee.search_text == "siti aminah, s.kom. 198609262015052001"
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "employee.create"))
    assert log.changes["nama"] == [None, "Siti Aminah"]


@pytest.mark.parametrize("extra, field", [
    ({"nip": "12345"}, "nip"),
    ({"gender": "L"}, "gender"),
    ({"birth_date": dt.date(1986, 9, 27)}, "birth_date"),
    ({"kind": "PPPK"}, "golongan_id"),
    ({"nama": " "}, "nama"),
])
def test_create_employee_rejects_bad_data(admin, make_unit, extra, field):
    with pytest.raises(DomainError) as exc:
        services.create_employee(admin, _data(make_unit(), **extra))
    assert exc.value.field == field


def test_position_must_belong_to_unit(admin, make_unit, make_position):
    unit, other = make_unit(), make_unit()
    position = make_position(unit=other)
    with pytest.raises(DomainError) as exc:
        services.create_employee(admin, _data(unit, position_id=position.id))
    assert exc.value.field == "position_id"


def test_duplicate_nip_refused(admin, make_unit, make_employee):
    existing = make_employee(nip=make_nip(5))
    with pytest.raises(DomainError, match="sudah terdaftar") as exc:
        services.create_employee(admin, _data(make_unit(), nip=existing.nip, gender="L",
                                              birth_date=existing.birth_date))
    assert exc.value.field == "nip"


def test_update_employee_refuses_self_and_cycle(admin, make_employee):
    top = make_employee("Top")
    low = make_employee("Low", superior=top)
    with pytest.raises(DomainError, match="lingkaran"):
        services.update_employee(admin, top, {"superior_id": low.id}, version=top.version_id)
    with pytest.raises(DomainError, match="dirinya sendiri"):
        services.update_employee(admin, top, {"superior_id": top.id}, version=top.version_id)
    with pytest.raises(DomainError, match="dirinya sendiri"):
        services.update_employee(admin, top, {"assessor_id": top.id}, version=top.version_id)


def test_update_employee_optimistic_locking(admin, make_employee):
    employee = make_employee("Lama")
    version = employee.version_id
    services.update_employee(admin, employee, {"nama": "Baru Satu"}, version=version)
    db.session.commit()
    with pytest.raises(StaleVersionError):
        services.update_employee(admin, employee, {"nama": "Baru Dua"}, version=version)
    db.session.rollback()
    assert db.session.get(Employee, employee.id).nama == "Baru Satu"
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "employee.update"))
    assert log.changes == {"nama": ["Lama", "Baru Satu"]}


def test_deactivate_and_reactivate_employee(admin, make_employee):
    employee = make_employee()
    services.deactivate_employee(admin, employee)
    db.session.commit()
    assert db.session.get(Employee, employee.id).active is False
    services.reactivate_employee(admin, employee)
    db.session.commit()
    assert db.session.get(Employee, employee.id).active is True
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"employee.deactivate", "employee.reactivate"} <= actions


def test_acting_assignment_lifecycle(admin, make_employee, make_position, make_unit):
    unit = make_unit()
    head = make_position("Kepala", unit=unit, is_head=True)
    employee = make_employee(unit=unit)
    with pytest.raises(DomainError):
        services.add_acting_assignment(admin, employee, head, "Plt", dt.date(2026, 5, 1), dt.date(2026, 4, 1))
    assignment = services.add_acting_assignment(admin, employee, head, "Plt", dt.date(2026, 1, 1))
    db.session.commit()
    assert assignment.is_current(dt.date(2026, 6, 1))
    services.end_acting_assignment(admin, assignment, dt.date(2026, 6, 30))
    db.session.commit()
    assert not assignment.is_current(dt.date(2026, 7, 1))
    services.remove_acting_assignment(admin, assignment)
    db.session.commit()
    assert {"acting.create", "acting.end", "acting.delete"} <= set(db.session.scalars(select(AuditLog.action)))


def test_reference_data_edit(admin):
    gol = services.save_golongan(admin, None, {"code": "XVIII", "pangkat": "", "kind": "PPPK", "rank": 18})
    db.session.commit()
    with pytest.raises(DomainError):
        services.save_golongan(admin, None, {"code": "XVIII", "kind": "PPPK"})
    services.set_reference_active(admin, gol, False)
    db.session.commit()
    assert db.session.get(Golongan, gol.id).active is False


def test_headed_units_are_read_again_after_a_write_in_the_same_request(app, make_unit, make_position, make_employee):
    """Inside a request the units someone leads are read once; a write (here: the position becomes the head one)
    must not leave the request with the old answer (the rights of the rest of the request follow the change)."""
    unit = make_unit("Dinas Uji")
    position = make_position("Kepala Dinas Uji", unit=unit, is_head=False)
    employee = make_employee("Calon Kepala", unit=unit, position=position)
    user = SimpleNamespace(employee_id=employee.id)
    with app.test_request_context("/"):
        assert permissions.headed_units(user) == []
        position.is_head = True
        db.session.flush()
        assert [u.id for u in permissions.headed_units(user)] == [unit.id]
