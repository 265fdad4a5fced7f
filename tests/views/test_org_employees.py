"""Employee screens: list with live search, detail, create/edit with validation and locking, Plt/Plh."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditLog
from portal.extensions import db
from portal.org.models import ActingAssignment, Employee, Golongan, Unit
from portal.org.rules import format_nip
from tests.views.test_org_access import org_world  # noqa: F401  (fixture)

HX = {"HX-Request": "true"}


def _admin(client, login, org_world):  # noqa: F811
    login(org_world.users["admin"])
    return org_world


# ---------------------------------------------------------------------------------------------------------
# List


def test_list_full_page_and_fragment(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    page = client.get("/pegawai")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in body
    assert 'hx-trigger="input changed delay:300ms, search"' in body
    assert "Siti Aminah" in body and format_nip(org_world.staff.nip) in body
    fragment = client.get("/pegawai?q=siti", headers=HX)
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text
    assert text.lstrip().startswith('<section id="employee-results"')
    assert "Siti Aminah" in text and "Bambang" not in text
    assert "HX-Request" in fragment.headers["Vary"]


@pytest.mark.parametrize("query", ["siti", "AMINAH", "{nip_spaced}", "{nip_part}"])
def test_search_by_name_or_nip(client, login, org_world, query):  # noqa: F811
    _admin(client, login, org_world)
    nip = org_world.staff.nip
    q = query.format(nip_spaced=format_nip(nip), nip_part=f"{nip[8:14]} {nip[14]} {nip[15:]}")
    body = client.get("/pegawai", query_string={"q": q}, headers=HX).get_data(as_text=True)
    assert "Siti Aminah" in body
    assert "Hartono" not in body


def test_filter_by_unit_includes_sub_units_and_status(client, login, org_world, make_employee):  # noqa: F811
    _admin(client, login, org_world)
    body = client.get(f"/pegawai?unit={org_world.opd.id}", headers=HX).get_data(as_text=True)
    assert "Hartono" in body and "Siti Aminah" in body and "Oktaviani" not in body
    body = client.get(f"/pegawai?unit={org_world.sub.id}", headers=HX).get_data(as_text=True)
    assert "Hartono" not in body and "Siti Aminah" in body
    make_employee("Pensiunan Lama", unit=org_world.sub, active=False)
    assert "Pensiunan Lama" not in client.get("/pegawai", headers=HX).get_data(as_text=True)
    assert "Pensiunan Lama" in client.get("/pegawai?status=nonaktif", headers=HX).get_data(as_text=True)
    body = client.get("/pegawai?status=semua", headers=HX).get_data(as_text=True)
    assert "Pensiunan Lama" in body and "Siti Aminah" in body


def test_list_is_sorted_and_paginated(client, login, make_user, make_unit, make_employee):
    unit = make_unit()
    for i in range(30):
        make_employee(f"Pegawai {i:02d}", unit=unit)
    login(make_user(role="admin"))
    first = client.get("/pegawai").get_data(as_text=True)
    assert "Pegawai 00" in first and "Pegawai 24" in first and "Pegawai 25" not in first
    assert first.index("Pegawai 00") < first.index("Pegawai 01")
    second = client.get("/pegawai?page=2").get_data(as_text=True)
    assert "Pegawai 25" in second and "Pegawai 29" in second and "Pegawai 24" not in second


def _count_list_queries(client, queries, url):
    db.session.remove()  # as on a real server: nothing cached from setting up the test
    with queries() as q:
        response = client.get(url)
    assert response.status_code == 200
    return q.count


@pytest.mark.parametrize("url", ["/pegawai", "/pegawai?q=pegawai"])
def test_list_query_count_is_flat(client, login, queries, make_user, make_unit, make_position, make_employee, url):
    login(make_user(role="admin"))
    unit = make_unit()
    boss = make_employee("Atasan", unit=unit)
    unit_id, boss_id = unit.id, boss.id

    def add(n):
        unit, boss = db.session.get(Unit, unit_id), db.session.get(Employee, boss_id)  # fresh after remove()
        for _ in range(n):
            sub = make_unit(parent=unit)
            make_employee(unit=sub, superior=boss, position=make_position(unit=sub))

    add(3)
    few = _count_list_queries(client, queries, url)
    add(27)
    many = _count_list_queries(client, queries, url)
    assert few == many, (few, many)


# ---------------------------------------------------------------------------------------------------------
# Detail


def test_detail_shows_position_path_superior_and_reports(client, login, org_world, make_employee):  # noqa: F811
    _admin(client, login, org_world)
    delegate = make_employee("Kepala Sekolah Delegasi", unit=org_world.sub)
    staff = db.session.get(Employee, org_world.staff.id)
    staff.assessor_id = delegate.id
    db.session.commit()
    body = client.get(f"/pegawai/{staff.id}").get_data(as_text=True)
    assert "Analis Kurikulum" in body
    assert "Dinas Pendidikan" in body and "Bidang Pembinaan SD" in body  # breadcrumb
    assert "Hartono" in body  # superior
    assert "Kepala Sekolah Delegasi" in body and "delegasi" in body
    head_page = client.get(f"/pegawai/{org_world.head.id}").get_data(as_text=True)
    assert "Siti Aminah" in head_page and "Bambang Wijaya" in head_page  # direct reports
    fragment = client.get(f"/pegawai/{staff.id}", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="employee-detail"')


# ---------------------------------------------------------------------------------------------------------
# Create and edit


def _form(w, **extra):
    gol = db.session.scalar(select(Golongan).where(Golongan.code == "III/b"))
    data = {"nip": "19860926 201505 2 001", "kind": "PNS", "nama": "Dewi Lestari", "gelar_belakang": "S.Pd.",
            "unit_id": str(w.sub.id), "position_id": str(w.staff_position.id), "golongan_id": str(gol.id),
            "superior": format_nip(w.head.nip), "gender": "", "birth_date": "", "email": "dewi@contoh.go.id"}
    data.update(extra)
    return data


def test_create_employee_no_js(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    response = client.post("/pegawai/baru", data=_form(org_world))
    assert response.status_code == 302
    employee = db.session.scalar(select(Employee).where(Employee.nip == "198609262015052001"))
    assert employee is not None and response.headers["Location"].endswith(f"/pegawai/{employee.id}")
    assert employee.gender == "P" and employee.birth_date == dt.date(1986, 9, 26)  # from the NIP
    assert employee.superior_id == org_world.head.id
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "employee.create")) is not None


def test_create_employee_htmx_gets_hx_redirect(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    response = client.post("/pegawai/baru", data=_form(org_world), headers=HX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/pegawai/")


@pytest.mark.parametrize("extra, message", [
    ({"nip": "1986092620150520"}, "NIP harus 18 angka"),
    ({"nip": "19861326 201505 2 001"}, "bukan tanggal lahir"),
    ({"gender": "L"}, "Jenis kelamin tidak sesuai dengan NIP"),
    ({"birth_date": "1986-09-27"}, "Tanggal lahir tidak sesuai dengan NIP"),
    ({"nama": ""}, "Nama wajib diisi"),
    ({"superior": "19000101 192001 1 001"}, "tidak ditemukan"),
    ({"kind": "PPPK"}, "Golongan tidak sesuai"),
])
def test_create_employee_invalid(client, login, org_world, extra, message):  # noqa: F811
    _admin(client, login, org_world)
    before = db.session.scalar(select(func.count(Employee.id)))
    response = client.post("/pegawai/baru", data=_form(org_world, **extra))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body
    assert 'aria-invalid="true"' in body
    assert db.session.scalar(select(func.count(Employee.id))) == before


def test_position_from_another_unit_refused(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    response = client.post("/pegawai/baru", data=_form(org_world, position_id=str(org_world.head_position.id)))
    assert response.status_code == 422
    assert "Jabatan harus berada di unit kerja yang dipilih" in response.get_data(as_text=True)


def test_duplicate_nip_refused(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    staff = org_world.staff
    response = client.post("/pegawai/baru", data=_form(org_world, nip=staff.nip, gender="P"))
    assert response.status_code == 422
    assert "NIP ini sudah terdaftar" in response.get_data(as_text=True)


def _edit_form(employee: Employee, **extra) -> dict:
    data = {
        "nip": employee.nip, "kind": employee.kind, "nama": employee.nama, "gelar_depan": employee.gelar_depan or "",
        "gelar_belakang": employee.gelar_belakang or "", "gender": employee.gender or "",
        "birth_date": employee.birth_date.isoformat() if employee.birth_date else "",
        "golongan_id": str(employee.golongan_id or ""), "unit_id": str(employee.unit_id),
        "position_id": str(employee.position_id or ""),
        # as the people picker posts them: the chosen person's NIP and id
        "superior": employee.superior.nip if employee.superior else "", "superior_id": str(employee.superior_id or ""),
        "assessor": employee.delegated_assessor.nip if employee.delegated_assessor else "",
        "assessor_id": str(employee.assessor_id or ""),
        "email": employee.email or "", "phone": employee.phone or "", "version_id": str(employee.version_id),
    }
    data.update(extra)
    return data


def test_edit_employee_and_audit_diff(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    staff = org_world.staff
    page = client.get(f"/pegawai/{staff.id}/ubah").get_data(as_text=True)
    assert format_nip(staff.nip) in page and 'name="version_id"' in page
    response = client.post(f"/pegawai/{staff.id}/ubah", data=_edit_form(staff, nama="Siti Aminah Baru"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Employee, staff.id).nama == "Siti Aminah Baru"
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "employee.update"))
    assert log.changes == {"nama": ["Siti Aminah", "Siti Aminah Baru"]}


def test_optimistic_locking_second_edit_refused(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    staff = org_world.staff
    first = _edit_form(staff, nama="Versi Pertama")
    second = _edit_form(staff, nama="Versi Kedua")  # opened at the same time: same version
    assert client.post(f"/pegawai/{staff.id}/ubah", data=first).status_code == 302
    response = client.post(f"/pegawai/{staff.id}/ubah", data=second)
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "sudah diubah orang lain" in body
    assert 'value="Versi Pertama"' in body  # the current data is shown again
    db.session.expire_all()
    assert db.session.get(Employee, staff.id).nama == "Versi Pertama"


def test_superior_cycle_refused(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    head = org_world.head
    response = client.post(f"/pegawai/{head.id}/ubah", data=_edit_form(head, superior=org_world.staff.nip))
    assert response.status_code == 422
    assert "lingkaran" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Employee, head.id).superior_id is None


def test_self_as_superior_refused(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    staff = org_world.staff
    response = client.post(f"/pegawai/{staff.id}/ubah", data=_edit_form(staff, assessor=format_nip(staff.nip)))
    assert response.status_code == 422
    assert "dirinya sendiri" in response.get_data(as_text=True)


def test_edit_form_htmx_invalid_returns_fragment(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    staff = org_world.staff
    response = client.post(f"/pegawai/{staff.id}/ubah", data=_edit_form(staff, nama=""), headers=HX)
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in text
    assert text.lstrip().startswith('<form method="post"') and 'id="employee-form"' in text


def test_no_js_refresh_reloads_positions_without_saving(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    data = _form(org_world, unit_id=str(org_world.opd.id), position_id="", action="refresh")
    response = client.post("/pegawai/baru", data=data)
    assert response.status_code == 200
    assert "Kepala Dinas Pendidikan" in response.get_data(as_text=True)
    assert db.session.scalar(select(Employee).where(Employee.nama == "Dewi Lestari")) is None


# ---------------------------------------------------------------------------------------------------------
# Inline validation and dependent selects


def test_validate_nip_field_fragment_with_prefill(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    response = client.post("/pegawai/validasi/nip", data={"nip": "19860926 201505 2 001", "kind": "PNS"}, headers=HX)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in text
    assert 'id="field-nip"' in text and "error" not in text
    assert 'value="1986-09-26"' in text and 'hx-swap-oob="true"' in text
    bad = client.post("/pegawai/validasi/nip", data={"nip": "123", "kind": "PNS"}, headers=HX).get_data(as_text=True)
    assert "NIP harus 18 angka" in bad and 'aria-invalid="true"' in bad


def test_edit_form_shows_the_chosen_superior(client, login, org_world):  # noqa: F811
    """The superior is chosen with the people picker (checked on saving: see the cycle and self tests); the form
    shows who is chosen, by name, NIP, jabatan and unit, and only the NIP has an inline check."""
    _admin(client, login, org_world)
    page = client.get(f"/pegawai/{org_world.staff.id}/ubah").get_data(as_text=True)
    chosen = page[page.index('id="field-superior"'):page.index('id="field-assessor"')]
    assert "Hartono" in chosen and "Kepala Dinas Pendidikan" in chosen and format_nip(org_world.head.nip) in chosen
    assert f'name="superior_id" value="{org_world.head.id}"' in chosen
    assert 'name="assessor_id" value=""' in page  # no delegate: not the superior again
    assert client.post("/pegawai/validasi/superior_nip", data={"superior_nip": org_world.head.nip},
                       headers=HX).status_code == 404


def test_position_options_follow_unit(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    text = client.get(f"/pegawai/pilihan?field=position_id&unit_id={org_world.sub.id}", headers=HX)
    body = text.get_data(as_text=True)
    assert "Analis Kurikulum" in body and "Kepala Dinas Pendidikan" not in body
    gol = client.get("/pegawai/pilihan?field=golongan_id&kind=PPPK", headers=HX).get_data(as_text=True)
    assert ">XVII<" in gol and "III/a" not in gol


# ---------------------------------------------------------------------------------------------------------
# Deactivate / reactivate, Plt/Plh


def test_deactivate_and_reactivate(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    peer = org_world.peer
    response = client.post(f"/pegawai/{peer.id}/nonaktifkan")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Employee, peer.id).active is False
    assert client.post(f"/pegawai/{peer.id}/aktifkan").status_code == 302
    db.session.expire_all()
    assert db.session.get(Employee, peer.id).active is True
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"employee.deactivate", "employee.reactivate"} <= actions


def test_deactivate_without_csrf_refused(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    assert client.post(f"/pegawai/{org_world.peer.id}/nonaktifkan", csrf=False).status_code == 400
    db.session.expire_all()
    assert db.session.get(Employee, org_world.peer.id).active is True


def test_acting_assignment_add_end_delete(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    staff = org_world.staff
    data = {"position_id": str(org_world.head_position.id), "kind": "Plt", "start_date": "2026-01-05",
            "end_date": "", "note": "SK Bupati 800/12"}
    response = client.post(f"/pegawai/{staff.id}/plt", data=data)
    assert response.status_code == 302
    assignment = db.session.scalar(select(ActingAssignment))
    assert assignment.kind == "Plt" and assignment.end_date is None
    body = client.get(f"/pegawai/{staff.id}").get_data(as_text=True)
    assert "SK Bupati 800/12" in body and "5 Januari 2026" in body
    chart = client.get(f"/bagan?unit={org_world.sub.id}").get_data(as_text=True)
    assert "Plt Kepala Dinas Pendidikan" in chart
    assert client.post(f"/pegawai/{staff.id}/plt/{assignment.id}/akhiri").status_code == 302
    db.session.expire_all()
    assert db.session.get(ActingAssignment, assignment.id).end_date == dt.date.today()
    assert client.post(f"/pegawai/{staff.id}/plt/{assignment.id}/hapus").status_code == 302
    assert db.session.scalar(select(func.count(ActingAssignment.id))) == 0
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"acting.create", "acting.end", "acting.delete"} <= actions


def test_acting_assignment_invalid_dates(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    data = {"position_id": str(org_world.head_position.id), "kind": "Plh", "start_date": "2026-03-01",
            "end_date": "2026-02-01"}
    response = client.post(f"/pegawai/{org_world.staff.id}/plt", data=data)
    assert response.status_code == 422
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ActingAssignment.id))) == 0


def test_acting_assignment_of_other_employee_is_404(client, login, org_world):  # noqa: F811
    _admin(client, login, org_world)
    db.session.add(ActingAssignment(employee_id=org_world.peer.id, position_id=org_world.head_position.id,
                                    kind="Plh", start_date=dt.date(2026, 1, 1)))
    db.session.commit()
    assignment = db.session.scalar(select(ActingAssignment))
    assert client.post(f"/pegawai/{org_world.staff.id}/plt/{assignment.id}/hapus").status_code == 404


def test_pegawai_sees_own_page_without_links_they_cannot_open(client, login, org_world):  # noqa: F811
    login(org_world.users["pegawai"])
    body = client.get(f"/pegawai/{org_world.staff.id}").get_data(as_text=True)
    assert "Hartono" in body  # the superior's name is shown …
    assert f'href="/pegawai/{org_world.head.id}"' not in body  # … without a link to a page that would be 403
    assert "/ubah" not in body and "/nonaktifkan" not in body
    login(org_world.users["head"])
    body = client.get(f"/pegawai/{org_world.head.id}").get_data(as_text=True)
    assert f'href="/pegawai/{org_world.staff.id}"' in body  # the head may open their reports
