"""The SKP editor pages: SKP Saya, create, the one-page editor (full page, htmx fragments, no-JS PRG), inline
validation (422), optimistic locking (409), refusals, and a flat query count."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditLog
from portal.extensions import db
from portal.skp.models import BehaviourExpectation, Indicator, ResultPlan, Skp, UnitGoal

TODAY = dt.date.today()
HX = {"HX-Request": "true"}


@pytest.fixture
def period(make_period):
    """This year's period with planning open around today (views use the real local date)."""
    return make_period(TODAY.year, planning=(TODAY - dt.timedelta(days=20), TODAY + dt.timedelta(days=20)))


@pytest.fixture
def team(make_unit, make_position, make_employee, make_user):
    unit = make_unit("Dinas Uji Editor")
    head = make_employee("Kepala Dinas", unit=unit,
                         position=make_position("Kepala Dinas", unit=unit, type_code="JPT_PRATAMA", is_head=True))
    boss = make_employee("Budi Atasan", unit=unit, superior=head,
                         position=make_position("Kepala Bidang", unit=unit, type_code="ADMINISTRATOR"))
    owner = make_employee("Siti Pemilik", unit=unit, superior=boss,
                          position=make_position("Analis Data", unit=unit))
    return {"unit": unit, "head": head, "boss": boss, "owner": owner,
            "owner_user": make_user("pemilik", employee=owner), "boss_user": make_user("atasan", employee=boss),
            "head_user": make_user("kadis", employee=head)}


def _body(response) -> str:
    return response.get_data(as_text=True)


def _version(skp_id: int) -> int:
    return db.session.scalar(select(Skp.version_id).where(Skp.id == skp_id))


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- SKP Saya and create ---------------------------------------------------------------------------------


def test_mine_without_skp_offers_create_and_copy(client, login, team, period, make_period, make_skp):
    login(team["owner_user"])
    body = _body(client.get("/skp/"))
    assert "Buat SKP" in body and "Salin dari SKP tahun lalu" not in body
    make_skp(team["owner"], make_period(TODAY.year - 1), status="disetujui", rhk=2)
    body = _body(client.get("/skp/"))
    assert "Salin dari SKP tahun lalu" in body and "Budi Atasan" in body


def test_mine_without_open_period_explains(client, login, team):
    login(team["owner_user"])
    response = client.get("/skp/")
    assert response.status_code == 200
    assert "Belum ada periode kinerja yang dibuka" in _body(response)
    assert client.post("/skp/baru").status_code == 302
    assert _count(Skp) == 0


def test_create_then_mine_redirects_to_the_skp(client, login, team, period):
    login(team["owner_user"])
    response = client.post("/skp/baru")
    skp = db.session.scalar(select(Skp))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/skp/{skp.id}")
    assert (skp.assessor_id, skp.number, skp.status) == (team["boss"].id, 1, "draft")
    assert _count(BehaviourExpectation, BehaviourExpectation.skp_id == skp.id) == 7
    assert client.get("/skp/").headers["Location"].endswith(f"/skp/{skp.id}")
    assert client.post("/skp/baru").status_code == 302 and _count(Skp) == 1  # no second SKP


def test_employee_without_assessor_drafts_anyway(client, login, period, make_employee, make_user):
    alone = make_employee("Tanpa Atasan")
    login(make_user(employee=alone))
    client.post("/skp/baru")
    skp = db.session.scalar(select(Skp))
    assert skp.assessor_id is None
    body = _body(client.get(f"/skp/{skp.id}"))
    assert "Belum ada Pejabat Penilai Kinerja" in body and "Tambah RHK" in body
    response = client.post(f"/skp/{skp.id}/rhk", data=_rhk_data(skp.id, text="Tetap bisa menyusun"))
    assert response.status_code == 302 and _count(ResultPlan) == 1


def test_create_with_copy_from_last_year(client, login, team, period, make_period, make_skp):
    make_skp(team["owner"], make_period(TODAY.year - 1), status="disetujui", rhk=2, indicators=2)
    login(team["owner_user"])
    client.post("/skp/baru", data={"copy_previous": "y"})
    skp = db.session.scalar(select(Skp).where(Skp.period_id == period.id))
    assert len(skp.result_plans) == 2 and all(len(r.indicators) == 2 for r in skp.result_plans)


def test_create_when_planning_closed_is_refused(client, login, team, make_period):
    make_period(TODAY.year, planning=(TODAY - dt.timedelta(days=40), TODAY - dt.timedelta(days=10)))
    login(team["owner_user"])
    assert "Masa perencanaan SKP sudah ditutup" in _body(client.get("/skp/"))
    client.post("/skp/baru")
    assert _count(Skp) == 0


# --- the page --------------------------------------------------------------------------------------------


def test_detail_full_page_shows_header_sections_and_superior_note(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=1)
    login(team["owner_user"])
    body = _body(client.get(f"/skp/{skp.id}"))
    for text in ("Pegawai yang Dinilai", "Pejabat Penilai Kinerja", "Siti Pemilik", "Budi Atasan", "Analis Data",
                 "Kepala Bidang", "Rencana Hasil Kerja", "Perilaku Kerja", "Berorientasi Pelayanan",
                 "Ramah, cekatan, solutif, dan dapat diandalkan", "Lampiran", "Dukungan sumber daya",
                 "Atasan belum menyusun RHK; Anda dapat menautkannya nanti", "Tambah RHK", "Draf"):
        assert text in body, text
    assert team["owner"].nip[:8] + " " in body
    assert 'class="skp-version"' in body and f'value="{skp.version_id}"' in body


def test_detail_offers_the_superiors_rhk(client, login, team, period, make_skp, make_rhk):
    boss_skp = make_skp(team["boss"], period)
    make_rhk(boss_skp, "Meningkatnya kualitas data bidang")
    skp = make_skp(team["owner"], period)
    login(team["owner_user"])
    body = _body(client.get(f"/skp/{skp.id}"))
    assert "Meningkatnya kualitas data bidang" in body
    assert "Atasan belum menyusun RHK" not in body


def test_read_only_for_the_assessor(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=1)
    login(team["boss_user"])
    body = _body(client.get(f"/skp/{skp.id}"))
    assert "RHK 1 Siti Pemilik" in body
    assert "Tambah RHK" not in body and "Ubah RHK" not in body and "Simpan lampiran" not in body
    assert "Simpan ekspektasi" in body  # the assessor writes the Ekspektasi Khusus Pimpinan


def test_head_of_top_unit_links_to_unit_goals(client, login, team, period, make_skp):
    db.session.add(UnitGoal(period=period, unit=team["unit"], text="Meningkatnya indeks kepuasan layanan"))
    db.session.commit()
    skp = make_skp(team["head"], period)
    login(team["head_user"])
    body = _body(client.get(f"/skp/{skp.id}"))
    assert "Sasaran unit yang diintervensi" in body and "Meningkatnya indeks kepuasan layanan" in body
    goal = db.session.scalar(select(UnitGoal))
    client.post(f"/skp/{skp.id}/rhk", data={"rhk-baru-kind": "utama", "rhk-baru-text": "Layanan prima",
                                            "rhk-baru-unit_goal_id": str(goal.id), "version_id": skp.version_id})
    assert db.session.scalar(select(ResultPlan.unit_goal_id)) == goal.id


# --- RHK: no-JS and htmx ---------------------------------------------------------------------------------


def _rhk_data(skp_id, text="Tersusunnya laporan kinerja", kind="utama", prefix="rhk-baru", **extra):
    return {f"{prefix}-kind": kind, f"{prefix}-text": text, "version_id": _version(skp_id), **extra}


def test_add_rhk_without_js_redirects_to_the_row(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period)
    login(team["owner_user"])
    response = client.post(f"/skp/{skp.id}/rhk", data=_rhk_data(skp.id))
    rhk = db.session.scalar(select(ResultPlan))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/skp/{skp.id}#rhk-{rhk.id}")
    assert rhk.text == "Tersusunnya laporan kinerja"
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "skp.rhk_add")) == "skp.rhk_add"


def test_add_rhk_with_htmx_returns_the_section_and_new_version(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period)
    login(team["owner_user"])
    response = client.post(f"/skp/{skp.id}/rhk", data=_rhk_data(skp.id), headers=HX)
    body = _body(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="rhk-section"') and "<html" not in body
    assert "Tersusunnya laporan kinerja" in body
    assert f'value="{_version(skp.id)}" class="skp-version" hx-swap-oob="outerHTML:.skp-version"' in body


def test_add_rhk_invalid_is_422_inline_in_indonesian(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period)
    login(team["owner_user"])
    response = client.post(f"/skp/{skp.id}/rhk", data=_rhk_data(skp.id, text="  "), headers=HX)
    assert response.status_code == 422
    body = _body(response)
    assert "Rencana Hasil Kerja wajib diisi." in body and 'aria-invalid="true"' in body
    no_js = client.post(f"/skp/{skp.id}/rhk", data=_rhk_data(skp.id, text=""))
    assert no_js.status_code == 422 and "<html" in _body(no_js)
    assert _count(ResultPlan) == 0


def test_edit_rhk_fragment_and_full_page(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=1)
    rhk = skp.result_plans[0]
    login(team["owner_user"])
    fragment = _body(client.get(f"/skp/{skp.id}/rhk/{rhk.id}/ubah", headers=HX))
    assert fragment.lstrip().startswith(f'<li id="rhk-{rhk.id}"') and f'name="rhk-{rhk.id}-text"' in fragment
    page = _body(client.get(f"/skp/{skp.id}/rhk/{rhk.id}/ubah"))
    assert "<html" in page and f'name="rhk-{rhk.id}-text"' in page and "Perilaku Kerja" in page
    view = client.get(f"/skp/{skp.id}/rhk/{rhk.id}", headers=HX)
    assert _body(view).lstrip().startswith(f'<li id="rhk-{rhk.id}"') and "Ubah RHK" in _body(view)


def test_update_rhk_htmx_swaps_only_the_row(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=2)
    rhk = skp.result_plans[0]
    login(team["owner_user"])
    data = _rhk_data(skp.id, text="Teks baru", prefix=f"rhk-{rhk.id}")
    response = client.post(f"/skp/{skp.id}/rhk/{rhk.id}", data=data, headers=HX)
    body = _body(response)
    assert response.status_code == 200 and body.lstrip().startswith(f'<li id="rhk-{rhk.id}"')
    assert "Teks baru" in body and "RHK 2" not in body
    assert db.session.get(ResultPlan, rhk.id).text == "Teks baru"


def test_update_rhk_invalid_returns_the_row_form_with_errors(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=1)
    rhk = skp.result_plans[0]
    login(team["owner_user"])
    response = client.post(f"/skp/{skp.id}/rhk/{rhk.id}", headers=HX,
                           data=_rhk_data(skp.id, text="", prefix=f"rhk-{rhk.id}"))
    assert response.status_code == 422
    body = _body(response)
    assert body.lstrip().startswith(f'<li id="rhk-{rhk.id}"') and "Rencana Hasil Kerja wajib diisi." in body
    assert f'aria-describedby="rhk-{rhk.id}-text-error"' in body


def test_changing_kind_moves_the_rhk_and_retargets_the_section(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=1)
    rhk = skp.result_plans[0]
    login(team["owner_user"])
    response = client.post(f"/skp/{skp.id}/rhk/{rhk.id}", headers=HX,
                           data=_rhk_data(skp.id, text=rhk.text, kind="tambahan", prefix=f"rhk-{rhk.id}"))
    assert response.headers["HX-Retarget"] == "#rhk-section"
    assert db.session.get(ResultPlan, rhk.id).kind == "tambahan"


def test_move_and_delete_rhk(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=3)
    first, _second, third = skp.result_plans
    login(team["owner_user"])
    response = client.post(f"/skp/{skp.id}/rhk/{third.id}/geser",
                           data={"direction": "naik", "version_id": _version(skp.id)})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#rhk-{third.id}")
    texts = list(db.session.scalars(select(ResultPlan.text).where(ResultPlan.skp_id == skp.id)
                                    .order_by(ResultPlan.position)))
    assert texts == ["RHK 1 Siti Pemilik", "RHK 3 Siti Pemilik", "RHK 2 Siti Pemilik"]
    section = client.post(f"/skp/{skp.id}/rhk/{first.id}/hapus", data={"version_id": _version(skp.id)}, headers=HX)
    assert _body(section).lstrip().startswith('<section id="rhk-section"')
    assert _count(ResultPlan) == 2 and _count(Indicator) == 2
    assert client.post(f"/skp/{skp.id}/rhk/{third.id}/geser",
                       data={"direction": "samping", "version_id": _version(skp.id)}).status_code == 400


# --- indicators --------------------------------------------------------------------------------------------


def test_add_indicator_htmx_and_validation(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=1, indicators=0)
    rhk = skp.result_plans[0]
    login(team["owner_user"])
    prefix = f"ind-baru-{rhk.id}"
    bad = client.post(f"/skp/{skp.id}/rhk/{rhk.id}/indikator", headers=HX, data={
        f"{prefix}-text": "Dokumen", f"{prefix}-aspect": "kuantitas", f"{prefix}-target_number": "12",
        "version_id": _version(skp.id)})
    assert bad.status_code == 422 and "Satuan wajib diisi bila Target berupa angka." in _body(bad)
    good = client.post(f"/skp/{skp.id}/rhk/{rhk.id}/indikator", headers=HX, data={
        f"{prefix}-text": "Dokumen analisis", f"{prefix}-aspect": "kuantitas", f"{prefix}-target_number": "12,5",
        f"{prefix}-target_unit": "dokumen", "version_id": _version(skp.id)})
    assert good.status_code == 200 and _body(good).lstrip().startswith(f'<li id="rhk-{rhk.id}"')
    indicator = db.session.scalar(select(Indicator))
    assert (indicator.text, str(indicator.target_number), indicator.target_unit) == (
        "Dokumen analisis", "12.50", "dokumen")
    assert "12,5 dokumen" in _body(good)
    not_a_number = client.post(f"/skp/{skp.id}/rhk/{rhk.id}/indikator", headers=HX, data={
        f"{prefix}-text": "Lain", f"{prefix}-target_number": "dua belas", f"{prefix}-target_unit": "dokumen",
        "version_id": _version(skp.id)})
    assert not_a_number.status_code == 422 and "Target angka tidak valid." in _body(not_a_number)
    assert _count(Indicator) == 1


def test_update_and_delete_indicator(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=1, indicators=2)
    indicator = skp.result_plans[0].indicators[0]
    login(team["owner_user"])
    prefix = f"ind-{indicator.id}"
    edit = client.get(f"/skp/{skp.id}/indikator/{indicator.id}/ubah", headers=HX)
    assert _body(edit).lstrip().startswith(f'<li id="indikator-{indicator.id}"')
    response = client.post(f"/skp/{skp.id}/indikator/{indicator.id}", headers=HX, data={
        f"{prefix}-text": "Laporan tanpa revisi", f"{prefix}-aspect": "kualitas",
        f"{prefix}-target_text": "Tanpa revisi", "version_id": _version(skp.id)})
    body = _body(response)
    assert response.status_code == 200 and body.lstrip().startswith(f'<li id="indikator-{indicator.id}"')
    assert "Laporan tanpa revisi" in body and "Kualitas" in body
    no_js = client.post(f"/skp/{skp.id}/indikator/{indicator.id}/hapus", data={"version_id": _version(skp.id)})
    assert no_js.status_code == 302 and no_js.headers["Location"].endswith(f"#rhk-{skp.result_plans[0].id}")
    assert _count(Indicator) == 1


# --- optimistic locking ------------------------------------------------------------------------------------


def test_two_tabs_second_save_is_409_and_nothing_changes(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=1)
    rhk = skp.result_plans[0]
    login(team["owner_user"])
    opened = _version(skp.id)  # both tabs rendered this version
    first = client.post(f"/skp/{skp.id}/rhk/{rhk.id}", headers=HX,
                        data={**_rhk_data(skp.id, text="Dari tab satu", prefix=f"rhk-{rhk.id}"), "version_id": opened})
    assert first.status_code == 200
    second = client.post(f"/skp/{skp.id}/rhk/{rhk.id}", headers=HX,
                         data={**_rhk_data(skp.id, text="Dari tab dua", prefix=f"rhk-{rhk.id}"), "version_id": opened})
    assert second.status_code == 409
    body = _body(second)
    # the whole editor comes back with the current data and version, the message next to the row
    assert body.lstrip().startswith('<div id="skp-editor"') and second.headers["HX-Retarget"] == "#skp-editor"
    row = body[body.index(f'<li id="rhk-{rhk.id}"'):]
    assert row.index("sudah diubah orang lain") < row.index("Dari tab satu")
    assert f'value="{_version(skp.id)}" class="skp-version"' in body
    assert f'value="{opened}" class="skp-version"' not in body
    assert db.session.get(ResultPlan, rhk.id).text == "Dari tab satu"
    # also without JS: the whole page with the current data and the message
    page = client.post(f"/skp/{skp.id}/rhk", data={**_rhk_data(skp.id, text="Baru"), "version_id": opened})
    assert page.status_code == 409 and "<html" in _body(page) and "sudah diubah orang lain" in _body(page)
    assert _count(ResultPlan) == 1


def test_opening_an_edit_form_from_an_outdated_page_refreshes_the_editor(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=2)
    first, second = skp.result_plans
    login(team["owner_user"])
    opened = _version(skp.id)
    client.post(f"/skp/{skp.id}/rhk/{first.id}", data=_rhk_data(skp.id, text="Diubah tab lain",
                                                                 prefix=f"rhk-{first.id}"))
    response = client.get(f"/skp/{skp.id}/rhk/{second.id}/ubah?version_id={opened}", headers=HX)
    assert response.status_code == 409 and response.headers["HX-Retarget"] == "#skp-editor"
    assert "Diubah tab lain" in _body(response)
    current = client.get(f"/skp/{skp.id}/rhk/{second.id}/ubah?version_id={_version(skp.id)}", headers=HX)
    assert current.status_code == 200 and f'name="rhk-{second.id}-text"' in _body(current)


def test_stale_lampiran_autosave_refreshes_the_editor(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period)
    login(team["owner_user"])
    opened = _version(skp.id)
    ok = client.post(f"/skp/{skp.id}/lampiran", headers=HX, data={
        "resources": "Laptop", "reporting_scheme": "", "consequences": "", "version_id": opened})
    assert ok.status_code == 200 and re.search(r"Tersimpan \d\d\.\d\d", _body(ok))
    assert _body(ok).lstrip().startswith('<small id="lampiran-status"')
    stale = client.post(f"/skp/{skp.id}/lampiran", headers=HX, data={
        "resources": "Mobil dinas", "reporting_scheme": "", "consequences": "", "version_id": opened})
    assert stale.status_code == 409 and stale.headers["HX-Retarget"] == "#skp-editor"
    assert "Laptop" in _body(stale) and "sudah diubah orang lain" in _body(stale)
    assert db.session.get(Skp, skp.id).resources == "Laptop"


def test_lampiran_save_button_without_js(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period)
    login(team["owner_user"])
    response = client.post(f"/skp/{skp.id}/lampiran", data={
        "resources": "Akses data", "reporting_scheme": "Laporan bulanan", "consequences": "Teguran",
        "version_id": _version(skp.id)})
    assert response.status_code == 302 and response.headers["Location"].endswith("#lampiran")
    saved = db.session.get(Skp, skp.id)
    assert (saved.resources, saved.reporting_scheme, saved.consequences) == (
        "Akses data", "Laporan bulanan", "Teguran")


# --- perilaku kerja ----------------------------------------------------------------------------------------


def test_assessor_saves_expectation_inline(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period)
    login(team["boss_user"])
    response = client.post(f"/skp/{skp.id}/perilaku", headers=HX, data={
        "ekspektasi-kolaboratif": "Aktif berbagi data dengan bidang lain", "version_id": _version(skp.id)})
    body = _body(response)
    assert response.status_code == 200 and body.lstrip().startswith('<section id="perilaku"')
    assert "Tersimpan" in body and "Ekspektasi Khusus Pimpinan: Kolaboratif" in body
    row = db.session.scalar(select(BehaviourExpectation).where(BehaviourExpectation.value_code == "kolaboratif"))
    assert row.text == "Aktif berbagi data dengan bidang lain"
    login(team["owner_user"])
    assert "Aktif berbagi data dengan bidang lain" in _body(client.get(f"/skp/{skp.id}"))


# --- refusals ----------------------------------------------------------------------------------------------


def test_post_on_an_approved_skp_is_refused_with_a_message(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period, status="disetujui", rhk=1)
    rhk = skp.result_plans[0]
    login(team["owner_user"])
    response = client.post(f"/skp/{skp.id}/rhk/{rhk.id}",
                           data=_rhk_data(skp.id, text="Diubah diam-diam", prefix=f"rhk-{rhk.id}"))
    assert response.status_code == 302
    assert "SKP yang sudah disetujui tidak dapat diubah" in _body(client.get(response.headers["Location"]))
    assert db.session.get(ResultPlan, rhk.id).text == "RHK 1 Siti Pemilik"
    assert "Ubah RHK" not in _body(client.get(f"/skp/{skp.id}"))


def test_assessor_post_to_change_an_rhk_is_403(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=1)
    rhk = skp.result_plans[0]
    login(team["boss_user"])
    response = client.post(f"/skp/{skp.id}/rhk/{rhk.id}",
                           data=_rhk_data(skp.id, text="Oleh atasan", prefix=f"rhk-{rhk.id}"))
    assert response.status_code == 403
    assert db.session.get(ResultPlan, rhk.id).text == "RHK 1 Siti Pemilik"


def test_rhk_of_another_skp_is_404(client, login, team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=1)
    other = make_skp(team["boss"], period, rhk=1)
    login(team["owner_user"])
    response = client.post(f"/skp/{skp.id}/rhk/{other.result_plans[0].id}",
                           data=_rhk_data(skp.id, prefix=f"rhk-{other.result_plans[0].id}"))
    assert response.status_code == 404


# --- queries -----------------------------------------------------------------------------------------------


def test_detail_query_count_does_not_grow_with_rhk(client, login, team, period, make_skp, make_rhk, queries):
    boss_skp = make_skp(team["boss"], period, rhk=3)
    small = make_skp(team["owner"], period, rhk=2, indicators=3)
    for rhk in small.result_plans:
        rhk.parent_id = boss_skp.result_plans[0].id
    big_owner = team["owner"].__class__(nip="198503142010011999", nama="Pegawai Besar", unit=team["unit"],
                                        superior=team["boss"])
    db.session.add(big_owner)
    db.session.commit()
    big = make_skp(big_owner, period, rhk=15, indicators=3)
    for rhk in big.result_plans:
        rhk.parent_id = boss_skp.result_plans[1].id
    db.session.commit()
    login(team["boss_user"])  # the assessor sees both, with the expectation forms
    counts = []
    for skp_id in (small.id, big.id):
        db.session.expunge_all()  # as on a real server: nothing cached from the previous request
        with queries() as q:
            response = client.get(f"/skp/{skp_id}")
        assert response.status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts
