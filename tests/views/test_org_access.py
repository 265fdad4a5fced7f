"""Who may open which organisation screen: one parametrised matrix of (endpoint, role, expected status).

The ``org_world`` fixture is imported by the other test_org_* modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from portal.auth.models import User
from portal.org.models import Employee, Position, Unit
from tests.factories import make_nip

ROLES = ["anonymous", "pegawai", "head", "auditor", "admin"]


@dataclass
class OrgWorld:
    opd: Unit
    sub: Unit
    other_opd: Unit
    head_position: Position
    staff_position: Position
    head: Employee  # Kepala Dinas of ``opd``
    staff: Employee  # in ``sub``, reports to ``head``
    peer: Employee  # another employee of ``sub``
    outsider: Employee  # in ``other_opd``
    users: dict[str, User | None]


@pytest.fixture
def org_world(make_unit, make_position, make_employee, make_user) -> OrgWorld:
    opd = make_unit("Dinas Pendidikan", kind="opd")
    sub = make_unit("Bidang Pembinaan SD", parent=opd)
    other = make_unit("Dinas Kesehatan", kind="opd")
    head_position = make_position("Kepala Dinas Pendidikan", unit=opd, is_head=True, type_code="JPT_PRATAMA")
    staff_position = make_position("Analis Kurikulum", unit=sub)
    head = make_employee("Hartono", unit=opd, position=head_position, golongan="IV/b")
    staff = make_employee("Siti Aminah", unit=sub, superior=head, position=staff_position, gender="P",
                          nip=make_nip(gender=2))
    peer = make_employee("Bambang Wijaya", unit=sub, superior=head)
    outsider = make_employee("Oktaviani", unit=other)
    users = {
        "anonymous": None,
        "pegawai": make_user("siti", employee=staff),
        "head": make_user("hartono", employee=head),
        "auditor": make_user("auditor", role="auditor"),
        "admin": make_user("admin", role="admin"),
    }
    return OrgWorld(opd, sub, other, head_position, staff_position, head, staff, peer, outsider, users)


def _url(template: str, w: OrgWorld) -> str:
    return template.format(staff=w.staff.id, peer=w.peer.id, outsider=w.outsider.id, head=w.head.id,
                           sub=w.sub.id, opd=w.opd.id, pos=w.staff_position.id)


# (url, {role: expected status}); anonymous always goes to the sign-in page (302).
GET_MATRIX = [
    ("/pegawai", {"pegawai": 403, "head": 200, "auditor": 200, "admin": 200}),
    ("/pegawai/{staff}", {"pegawai": 200, "head": 200, "auditor": 200, "admin": 200}),
    ("/pegawai/{peer}", {"pegawai": 403, "head": 200, "auditor": 200, "admin": 200}),
    ("/pegawai/{outsider}", {"pegawai": 403, "head": 403, "auditor": 200, "admin": 200}),
    ("/pegawai/{peer}/ubah", {"pegawai": 403, "head": 403, "auditor": 403, "admin": 200}),
    ("/pegawai/{staff}/ubah", {"pegawai": 403, "head": 403, "auditor": 403, "admin": 200}),
    ("/pegawai/baru", {"pegawai": 403, "head": 403, "auditor": 403, "admin": 200}),
    ("/unit", {"pegawai": 403, "head": 403, "auditor": 200, "admin": 200}),
    ("/unit/baru", {"pegawai": 403, "head": 403, "auditor": 403, "admin": 200}),
    ("/unit/{sub}/ubah", {"pegawai": 403, "head": 403, "auditor": 403, "admin": 200}),
    ("/jabatan", {"pegawai": 403, "head": 403, "auditor": 200, "admin": 200}),
    ("/jabatan/baru", {"pegawai": 403, "head": 403, "auditor": 403, "admin": 200}),
    ("/jabatan/{pos}/ubah", {"pegawai": 403, "head": 403, "auditor": 403, "admin": 200}),
    ("/referensi", {"pegawai": 403, "head": 403, "auditor": 200, "admin": 200}),
    ("/referensi/golongan/baru", {"pegawai": 403, "head": 403, "auditor": 403, "admin": 200}),
    ("/bagan", {"pegawai": 200, "head": 200, "auditor": 200, "admin": 200}),
    ("/bagan?unit={opd}", {"pegawai": 200, "head": 200, "auditor": 200, "admin": 200}),
    ("/tim", {"pegawai": 403, "head": 200, "auditor": 403, "admin": 403}),  # assessors only (the head assesses staff)
]
POST_MATRIX = [
    ("/pegawai/{peer}/nonaktifkan", {"pegawai": 403, "head": 403, "auditor": 403, "admin": 302}),
    ("/pegawai/baru", {"pegawai": 403, "head": 403, "auditor": 403, "admin": 422}),
    ("/pegawai/{peer}/ubah", {"pegawai": 403, "head": 403, "auditor": 403, "admin": 422}),
    ("/pegawai/{peer}/plt", {"pegawai": 403, "head": 403, "auditor": 403, "admin": 422}),
    ("/pegawai/validasi/nip", {"pegawai": 403, "head": 403, "auditor": 403, "admin": 200}),
    ("/unit/{sub}/nonaktifkan", {"pegawai": 403, "head": 403, "auditor": 403, "admin": 302}),
    ("/unit/baru", {"pegawai": 403, "head": 403, "auditor": 403, "admin": 422}),
    ("/jabatan/{pos}/nonaktifkan", {"pegawai": 403, "head": 403, "auditor": 403, "admin": 302}),
    ("/referensi/golongan/1/nonaktifkan", {"pegawai": 403, "head": 403, "auditor": 403, "admin": 302}),
]


def _cases(matrix):
    for url, expected in matrix:
        for role in ROLES:
            yield pytest.param(url, role, 302 if role == "anonymous" else expected[role], id=f"{role}-{url}")


@pytest.mark.parametrize("url, role, status", list(_cases(GET_MATRIX)))
def test_get_access(client, login, org_world, url, role, status):
    if org_world.users[role] is not None:
        login(org_world.users[role])
    response = client.get(_url(url, org_world))
    assert response.status_code == status
    if status == 302:
        assert "/masuk" in response.headers["Location"]


@pytest.mark.parametrize("url, role, status", list(_cases(POST_MATRIX)))
def test_post_access(client, login, org_world, url, role, status):
    if org_world.users[role] is not None:
        login(org_world.users[role])
    response = client.post(_url(url, org_world), data={})
    assert response.status_code == status


def test_auditor_sees_no_edit_buttons(client, login, org_world):
    login(org_world.users["auditor"])
    for url in ("/pegawai", f"/pegawai/{org_world.staff.id}", "/unit", "/jabatan", "/referensi"):
        body = client.get(url).get_data(as_text=True)
        assert "/ubah" not in body and "/nonaktifkan" not in body and "/baru" not in body, url


def test_admin_sees_edit_buttons(client, login, org_world):
    login(org_world.users["admin"])
    body = client.get(f"/pegawai/{org_world.staff.id}").get_data(as_text=True)
    assert f"/pegawai/{org_world.staff.id}/ubah" in body
    assert f"/pegawai/{org_world.staff.id}/nonaktifkan" in body


def test_head_lists_only_their_units(client, login, org_world):
    login(org_world.users["head"])
    body = client.get("/pegawai").get_data(as_text=True)
    assert "Siti Aminah" in body and "Bambang Wijaya" in body
    assert "Oktaviani" not in body
    assert "Dinas Kesehatan" not in body  # not even in the unit filter


def test_chart_shows_no_personal_data(client, login, org_world):
    login(org_world.users["pegawai"])
    body = client.get(f"/bagan?unit={org_world.opd.id}").get_data(as_text=True)
    assert "Hartono" in body
    assert org_world.head.nip not in body and "1985" not in body
