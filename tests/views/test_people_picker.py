"""The people picker's search endpoint (GET /orang/cari) and every form that chooses a person with it: without
JavaScript, an ambiguous name comes back as radio buttons (422) and the chosen one then goes through; with it, the
picker posts the chosen person's NIP and id. Who may be chosen stays the services' decision."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.assessment.models import NOMINATION_DECLINED, RaterNomination
from portal.extensions import db
from portal.org.models import Employee
from portal.org.rules import format_nip
from portal.periods.models import PhaseReopening
from portal.progress.models import FeedbackRequest
from tests import factories

HX = {"HX-Request": "true"}


def _options(body: str) -> list[str]:
    return re.findall(r'<li class="pp-option" id="([^"]+)" role="option"', body)


def _radios(body: str, name: str) -> set[int]:
    return {int(v) for v in re.findall(rf'<input type="radio" id="[^"]+" name="{name}" value="(\d+)"', body)}


# ---------------------------------------------------------------------------------------------------------
# The search endpoint


@pytest.fixture
def staff(make_unit, make_position, make_employee, make_user):
    unit = make_unit("Puskesmas Sukamaju")
    nurse = make_position("Perawat Ahli Pertama", unit=unit)
    budi = make_employee("Budi Santoso", unit=unit, position=nurse, gelar_belakang="S.Kep.")
    siti = make_employee("Siti Budiarti", unit=unit)
    gone = make_employee("Budi Pensiun", unit=unit, active=False)
    return {"unit": unit, "budi": budi, "siti": siti, "gone": gone, "user": make_user("siti", employee=siti)}


def test_search_requires_sign_in(client, staff):
    response = client.get("/orang/cari?picker=rater&rater=budi", headers=HX)
    assert response.status_code in (302, 401) and "Budi" not in response.get_data(as_text=True)


def test_search_fragment_is_a_listbox_of_options(client, login, staff):
    login(staff["user"])  # any signed-in employee: the org chart's facts are visible to all
    response = client.get("/orang/cari?picker=rater&rater=budi", headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "HX-Request" in response.headers["Vary"]
    assert '<ul class="pp-listbox" id="rater-listbox" role="listbox" aria-labelledby="rater-label">' in body
    budi, siti = staff["budi"], staff["siti"]
    assert _options(body) == [f"rater-opt-{budi.id}", f"rater-opt-{siti.id}"]  # name starts, then contains
    option = body[body.index(f'id="rater-opt-{budi.id}"'):body.index("</li>")]
    assert 'aria-selected="false"' in option and f'data-id="{budi.id}"' in option
    assert "Budi Santoso, S.Kep." in option and format_nip(budi.nip) in option
    assert "Perawat Ahli Pertama" in option and "Puskesmas Sukamaju" in option
    assert "2 pegawai ditemukan." in body and "Pensiun" not in body  # inactive people are not offered


def test_search_by_nip_and_unit(client, login, staff):
    login(staff["user"])
    budi = staff["budi"]
    for typed in (budi.nip, format_nip(budi.nip), budi.nip[:14]):
        body = client.get("/orang/cari", query_string={"picker": "p", "p": typed}, headers=HX).get_data(as_text=True)
        assert _options(body)[0] == f"p-opt-{budi.id}", typed
    body = client.get("/orang/cari?picker=p&p=sukamaju", headers=HX).get_data(as_text=True)
    assert len(_options(body)) == 2  # the unit's active people


def test_search_shows_ten_and_asks_for_more_detail(client, login, staff, make_employee):
    for i in range(12):
        make_employee(f"Budiman {i:02d}", unit=staff["unit"])
    login(staff["user"])
    body = client.get("/orang/cari?picker=rater&rater=budi", headers=HX).get_data(as_text=True)
    assert len(_options(body)) == 10 and "ketik lebih spesifik" in body


def test_search_short_empty_and_none(client, login, staff):
    login(staff["user"])
    short = client.get("/orang/cari?picker=rater&rater=b", headers=HX).get_data(as_text=True)
    assert _options(short) == [] and "paling sedikit 3 huruf" in short
    empty = client.get("/orang/cari?picker=rater&rater=", headers=HX).get_data(as_text=True)
    assert _options(empty) == [] and "pp-summary" not in empty
    none = client.get("/orang/cari?picker=rater&rater=zulkarnain", headers=HX).get_data(as_text=True)
    assert _options(none) == [] and "tidak ditemukan" in none


def test_search_query_count_does_not_grow(client, login, queries, staff, make_unit, make_position,
                                          make_employee):
    login(staff["user"])
    db.session.expire_all()
    with queries() as few:
        client.get("/orang/cari?picker=rater&rater=budi", headers=HX)
    for i in range(8):  # more matches, each in its own unit with its own position
        unit = make_unit(f"Unit Budi {i}")
        make_employee(f"Budi Lain {i}", unit=unit, position=make_position(f"Jabatan {i}", unit=unit))
    db.session.expire_all()
    with queries() as many:
        body = client.get("/orang/cari?picker=rater&rater=budi", headers=HX).get_data(as_text=True)
    assert len(_options(body)) == 10 and many.count == few.count <= 3  # the user, their employee, the search


def test_search_page_without_htmx(client, login, staff):
    login(staff["user"])
    body = client.get("/orang/cari?q=budi").get_data(as_text=True)
    assert "<html" in body and "Budi Santoso" in body and 'role="option"' not in body
    picker_id = client.get('/orang/cari?picker="><script>&q=budi', headers=HX).get_data(as_text=True)
    assert "<script>" not in picker_id


# ---------------------------------------------------------------------------------------------------------
# 360 nominations: add a rater, replace a declined one


@pytest.fixture
def w360():
    from tests.unit.test_nomination_services import build_world

    w = build_world()
    unit = w.other_unit
    w.budi_a = factories.make_employee("Budi Anggoro", unit=unit)
    w.budi_b = factories.make_employee("Budi Basuki", unit=unit)
    return w


def _nominations(w):
    return f"/360/{w.subject.id}/{w.phase.id}"


def test_nomination_ambiguous_name_without_js(client, login, w360):
    w = w360
    login(w.u_assessor)
    response = client.post(_nominations(w) + "/undang", data={"rater": "budi", "group": "lainnya"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "2 pegawai cocok dengan" in body and _radios(body, "rater_id") == {w.budi_a.id, w.budi_b.id}
    assert db.session.scalar(select(func.count(RaterNomination.id))) == 0
    response = client.post(_nominations(w) + "/undang",
                           data={"rater": "budi", "rater_id": str(w.budi_b.id), "group": "lainnya"})
    assert response.status_code == 302
    assert db.session.scalar(select(RaterNomination.rater_id)) == w.budi_b.id


def test_nomination_ambiguous_name_with_htmx_returns_the_panel(client, login, w360):
    w = w360
    login(w.u_subject)
    response = client.post(_nominations(w) + "/undang", data={"rater": "budi", "group": "lainnya"}, headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and body.lstrip().startswith('<div id="nominations-panel"')
    assert _radios(body, "rater_id") == {w.budi_a.id, w.budi_b.id}


def test_nomination_unknown_and_refused_people(client, login, w360):
    w = w360
    login(w.u_assessor)
    response = client.post(_nominations(w) + "/undang", data={"rater": "zulkarnain", "group": "lainnya"})
    assert response.status_code == 422 and "tidak ditemukan" in response.get_data(as_text=True)
    # the picker finds the subject's assessor like anyone else; the service refuses them as a 360 rater
    response = client.post(_nominations(w) + "/undang", data={
        "rater": format_nip(w.assessor.nip), "rater_id": str(w.assessor.id), "group": "rekan"})
    assert response.status_code == 422 and "tidak anonim" in response.get_data(as_text=True)
    gone = factories.make_employee("Budi Pensiun", unit=w.other_unit, active=False)
    response = client.post(_nominations(w) + "/undang", data={
        "rater": format_nip(gone.nip), "rater_id": str(gone.id), "group": "lainnya"})
    assert response.status_code == 422 and "sudah tidak aktif" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(RaterNomination.id))) == 0


def test_replace_declined_rater_ambiguous_name_without_js(client, login, w360):
    from portal.assessment import nomination_services as services

    w = w360
    old = services.nominate(w.u_assessor, w.subject, w.phase, w.peers[0], "rekan", w.today)
    old.status = NOMINATION_DECLINED
    db.session.commit()
    login(w.u_assessor)
    page = client.get(f"/360/nominasi/{old.id}/ganti").get_data(as_text=True)
    assert 'id="field-replacement"' in page and 'name="replacement_id"' in page and 'id="field-rater"' in page
    response = client.post(f"/360/nominasi/{old.id}/ganti", data={"replacement": "budi"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and _radios(body, "replacement_id") == {w.budi_a.id, w.budi_b.id}
    response = client.post(f"/360/nominasi/{old.id}/ganti",
                           data={"replacement": "budi", "replacement_id": str(w.budi_a.id)})
    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.get(RaterNomination, db.session.get(RaterNomination, old.id).replaced_by_id)
    assert new.rater_id == w.budi_a.id


# ---------------------------------------------------------------------------------------------------------
# Feedback request recipient


@pytest.fixture
def progress_world(monkeypatch):
    from portal.core.timeutil import local_today

    monkeypatch.setattr("portal.progress.views.local_today", lambda: local_today().replace(year=2026))
    world = factories.make_progress_world(rhk=1, indicators=1)
    world.budi_a = factories.make_employee("Budi Anggoro", unit=world.unit)
    world.budi_b = factories.make_employee("Budi Basuki", unit=world.unit)
    return world


def test_feedback_request_ambiguous_name_without_js(client, login, progress_world):
    world = progress_world
    login(world.u_owner)
    url = f"/skp/{world.skp.id}/minta-umpan-balik"
    page = client.get(f"/skp/{world.skp.id}/realisasi").get_data(as_text=True)
    assert 'id="field-asked"' in page and 'data-people-picker' in page
    response = client.post(url, data={"asked": "budi", "message": "Mohon masukan"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and _radios(body, "asked_id") == {world.budi_a.id, world.budi_b.id}
    assert "Mohon masukan" in body  # what was typed stays
    response = client.post(url, data={"asked": "budi", "asked_id": str(world.budi_a.id), "message": "Mohon masukan"})
    assert response.status_code == 302
    assert db.session.scalar(select(FeedbackRequest.asked_id)) == world.budi_a.id


def test_feedback_request_htmx_refusal_stays_at_the_field(client, login, progress_world):
    world = progress_world
    login(world.u_owner)
    response = client.post(f"/skp/{world.skp.id}/minta-umpan-balik", headers=HX,
                           data={"asked": format_nip(world.owner.nip), "asked_id": str(world.owner.id),
                                 "message": "Mohon masukan"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and body.lstrip().startswith('<section id="minta-umpan-balik"')
    field = body[body.index('id="field-asked"'):]
    assert "diri sendiri" in field[:field.index('role="status"')]


# ---------------------------------------------------------------------------------------------------------
# Reopening a phase for one employee


@pytest.fixture
def reopen_world(monkeypatch, make_user, make_unit, make_employee, make_period):
    import datetime as dt

    from portal.periods import services

    monkeypatch.setattr("portal.periods.views.local_today", lambda: dt.date(2026, 2, 10))
    unit = make_unit("Dinas Pendidikan")
    period = make_period(2026, "triwulanan")
    return {"admin": make_user("admin", role="admin"), "unit": unit,
            "budi_a": make_employee("Budi Anggoro", unit=unit), "budi_b": make_employee("Budi Basuki", unit=unit),
            "phase": services.find_phase(period, "perencanaan", 0)}


def test_reopen_for_one_employee_ambiguous_name_without_js(client, login, reopen_world):
    w = reopen_world
    login(w["admin"])
    url = f"/periode/fase/{w['phase'].id}/buka-ulang"
    data = {"target": "pegawai", "employee": "budi", "until": "2026-02-20", "reason": "Cuti sakit"}
    response = client.post(url, data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and _radios(body, "employee_id") == {w["budi_a"].id, w["budi_b"].id}
    assert db.session.scalar(select(func.count(PhaseReopening.id))) == 0
    response = client.post(url, data={**data, "employee_id": str(w["budi_b"].id)})
    assert response.status_code == 302
    assert db.session.scalar(select(PhaseReopening.employee_id)) == w["budi_b"].id


def test_reopen_for_a_unit_ignores_the_employee_field(client, login, reopen_world):
    w = reopen_world
    login(w["admin"])
    response = client.post(f"/periode/fase/{w['phase'].id}/buka-ulang", data={
        "target": "unit", "unit_id": str(w["unit"].id), "employee": "budi", "until": "2026-02-20", "reason": "x"})
    assert response.status_code == 302
    assert db.session.scalar(select(PhaseReopening.unit_id)) == w["unit"].id


# ---------------------------------------------------------------------------------------------------------
# The employee's superior and delegated assessor


def _employee_form(employee: Employee, **extra) -> dict:
    data = {
        "nip": employee.nip, "kind": employee.kind, "nama": employee.nama, "gender": employee.gender or "",
        "birth_date": employee.birth_date.isoformat(), "unit_id": str(employee.unit_id), "golongan_id": "",
        "position_id": "", "superior": "", "assessor": "", "version_id": str(employee.version_id),
    }
    data.update(extra)
    return data


def test_employee_superior_and_assessor_ambiguous_name_without_js(client, login, make_unit, make_employee,
                                                                   make_user):
    unit = make_unit("Dinas Pendidikan")
    staff = make_employee("Rina Wati", unit=unit)
    budi_a, budi_b = make_employee("Budi Anggoro", unit=unit), make_employee("Budi Basuki", unit=unit)
    login(make_user("admin", role="admin"))
    url = f"/pegawai/{staff.id}/ubah"
    response = client.post(url, data=_employee_form(staff, superior="budi", assessor="Budi Basuki"))
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and _radios(body, "superior_id") == {budi_a.id, budi_b.id}
    assert _radios(body, "assessor_id") == set()  # the assessor's text named one person: chosen, shown
    assert f'name="assessor_id" value="{budi_b.id}"' in body
    response = client.post(url, data=_employee_form(staff, superior="budi", superior_id=str(budi_a.id),
                                                    assessor="Budi Basuki", assessor_id=str(budi_b.id)))
    assert response.status_code == 302
    db.session.expire_all()
    staff = db.session.get(Employee, staff.id)
    assert (staff.superior_id, staff.assessor_id) == (budi_a.id, budi_b.id)
    # cleared with an empty text (the picker's "Ganti", then nothing typed)
    response = client.post(url, data=_employee_form(staff, superior="", superior_id=str(budi_a.id),
                                                    assessor=format_nip(budi_b.nip), assessor_id=str(budi_b.id)))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Employee, staff.id).superior_id is None


# ---------------------------------------------------------------------------------------------------------
# Counsellors (konseling kinerja): Admin BKPSDM grants the role


def test_counsellor_ambiguous_name_without_js(client, login, make_unit, make_employee, make_user):
    from portal.dialog.models import Counsellor

    unit = make_unit("Dinas Pendidikan")
    budi_a, budi_b = make_employee("Budi Anggoro", unit=unit), make_employee("Budi Basuki", unit=unit)
    login(make_user("admin", role="admin"))
    response = client.post("/admin/konselor", data={"employee": "budi", "active": "1"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and _radios(body, "employee_id") == {budi_a.id, budi_b.id}
    assert db.session.scalar(select(func.count(Counsellor.id))) == 0
    response = client.post("/admin/konselor", data={"employee": "budi", "employee_id": str(budi_a.id), "active": "1"})
    assert response.status_code == 302
    assert db.session.scalar(select(Counsellor.employee_id).where(Counsellor.active.is_(True))) == budi_a.id
    # the row's button posts only the id: withdraw
    response = client.post("/admin/konselor", data={"employee_id": str(budi_a.id), "active": "0"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Counsellor.id)).where(Counsellor.active.is_(True))) == 0
