"""Ekspektasi Khusus Pimpinan: the assessor writes the seven BerAKHLAK expectations in one form with one
*Simpan ekspektasi* button - saved together, with one version check (optimistic locking), with htmx and without."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditLog
from portal.core.timeutil import local_today
from portal.extensions import db
from portal.skp import berakhlak
from portal.skp.models import BehaviourExpectation, Skp

HX = {"HX-Request": "true"}
TEXTS = {code: f"Ekspektasi {value.name} untuk tahun ini" for code, value in berakhlak.BY_CODE.items()}


@pytest.fixture
def team(make_period, make_unit, make_position, make_employee, make_user):
    today = local_today()
    period = make_period(today.year, planning=(today - dt.timedelta(days=20), today + dt.timedelta(days=20)))
    unit = make_unit("Dinas Uji Ekspektasi")
    boss = make_employee("Budi Atasan", unit=unit, position=make_position("Kepala Bidang", unit=unit))
    owner = make_employee("Siti Pemilik", unit=unit, superior=boss)
    return {"period": period, "owner": owner, "owner_user": make_user("pemilik", employee=owner),
            "boss_user": make_user("atasan", employee=boss)}


@pytest.fixture
def skp(team, make_skp):
    return make_skp(team["owner"], team["period"], status="diajukan")


def _version(skp_id: int) -> int:
    return db.session.scalar(select(Skp.version_id).where(Skp.id == skp_id))


def _saved() -> dict[str, str]:
    return dict(db.session.execute(select(BehaviourExpectation.value_code, BehaviourExpectation.text)).all())


def _data(skp_id: int, texts=TEXTS, version=None) -> dict:
    return {"version_id": _version(skp_id) if version is None else version,
            **{f"ekspektasi-{code}": text for code, text in texts.items()}}


def test_one_form_with_seven_fields_and_one_button(client, login, team, skp):
    login(team["boss_user"])
    html = client.get(f"/skp/{skp.id}").get_data(as_text=True)
    assert html.count(f'action="/skp/{skp.id}/perilaku"') == 1
    section = html[html.index('id="perilaku"'):]
    section = section[:section.index("</section>")]
    assert section.count("<form") == 1 and section.count("<textarea") == 7
    assert section.count("Simpan ekspektasi") == 1
    for value in berakhlak.BERAKHLAK:
        assert f'name="ekspektasi-{value.code}"' in section
        assert f"Ekspektasi Khusus Pimpinan: {value.name}" in section  # each field says its value


def test_saves_all_seven_at_once_without_js(client, login, team, skp):
    login(team["boss_user"])
    version = _version(skp.id)
    response = client.post(f"/skp/{skp.id}/perilaku", data=_data(skp.id))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/skp/{skp.id}#perilaku")
    assert _saved() == TEXTS
    assert _version(skp.id) == version + 1  # one change of the SKP, one version
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "skp.expectation_update")) == 7
    # Saving again what is there changes nothing.
    assert client.post(f"/skp/{skp.id}/perilaku", data=_data(skp.id)).status_code == 302
    assert _version(skp.id) == version + 1
    # Only what changed is written.
    changed = {**TEXTS, "adaptif": "Cepat belajar aplikasi baru", "loyal": ""}
    client.post(f"/skp/{skp.id}/perilaku", data=_data(skp.id, changed))
    assert _saved() == changed
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "skp.expectation_update")) == 9


def test_saves_with_htmx_and_returns_the_section(client, login, team, skp):
    login(team["boss_user"])
    response = client.post(f"/skp/{skp.id}/perilaku", data=_data(skp.id), headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="perilaku"')
    assert "Tersimpan" in html and TEXTS["kolaboratif"] in html
    assert f'value="{_version(skp.id)}" class="skp-version" hx-swap-oob' in html  # every form's version follows
    assert _saved() == TEXTS


@pytest.mark.parametrize("headers", [None, HX], ids=["no-js", "htmx"])
def test_a_stale_form_saves_nothing(client, login, team, skp, headers):
    login(team["boss_user"])
    stale = _version(skp.id)
    client.post(f"/skp/{skp.id}/perilaku", data=_data(skp.id, {**TEXTS, "akuntabel": "Versi pertama"}))
    response = client.post(f"/skp/{skp.id}/perilaku", data=_data(skp.id, version=stale), headers=headers or {})
    assert response.status_code == 409
    assert _saved()["akuntabel"] == "Versi pertama" and _saved()["harmonis"] == TEXTS["harmonis"]
    assert "sudah diubah orang lain" in response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [None, HX], ids=["no-js", "htmx"])
def test_a_text_over_the_limit_saves_nothing_and_keeps_what_was_typed(client, login, team, skp, headers):
    from portal.skp.services import EXPECTATION_MAX

    login(team["boss_user"])
    long_text = "x" * (EXPECTATION_MAX + 1)
    response = client.post(f"/skp/{skp.id}/perilaku", data=_data(skp.id, {**TEXTS, "harmonis": long_text}),
                           headers=headers or {})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert long_text in html and TEXTS["adaptif"] in html  # nothing typed is lost
    assert 'aria-invalid="true"' in html
    assert set(_saved().values()) == {""}


def test_only_the_assessor_and_only_before_approval(client, login, team, skp):
    login(team["owner_user"])
    assert client.post(f"/skp/{skp.id}/perilaku", data=_data(skp.id)).status_code == 403
    skp.status = "disetujui"
    db.session.commit()
    login(team["boss_user"])
    response = client.post(f"/skp/{skp.id}/perilaku", data=_data(skp.id))
    assert response.status_code == 302
    assert "tidak dapat diubah lagi" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert set(_saved().values()) == {""}
