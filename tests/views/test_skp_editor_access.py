"""Authorisation matrix of the SKP editor endpoints: owner / assessor / another pegawai / the assessor's superior /
admin / auditor. Hiding a button is never the check: every POST is refused server-side, and nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditLog
from portal.extensions import db

TODAY = dt.date.today()
ROLES = ("owner", "assessor", "other", "top", "admin", "auditor")


@pytest.fixture
def world(make_period, make_unit, make_position, make_employee, make_user, make_skp):
    period = make_period(TODAY.year, planning=(TODAY - dt.timedelta(days=20), TODAY + dt.timedelta(days=20)))
    unit = make_unit("Dinas Matriks")
    top = make_employee("Kepala Dinas", unit=unit,
                        position=make_position("Kepala Dinas", unit=unit, type_code="JPT_PRATAMA", is_head=True))
    assessor = make_employee("Atasan", unit=unit, superior=top)
    owner = make_employee("Pemilik", unit=unit, superior=assessor)
    other = make_employee("Rekan Lain", unit=make_unit("Dinas Lain"))
    users = {
        "owner": make_user("m-owner", employee=owner),
        "assessor": make_user("m-assessor", employee=assessor),
        "other": make_user("m-other", employee=other),
        "top": make_user("m-top", employee=top),
        "admin": make_user("m-admin", role="admin"),
        "auditor": make_user("m-auditor", role="auditor"),
    }
    skp = make_skp(owner, period, rhk=2, indicators=1)
    superior_rhk = make_skp(assessor, period, rhk=1).result_plans[0]
    rhk = skp.result_plans[1]
    return {"skp": skp, "superior_rhk": superior_rhk, "users": users, "rhk": rhk, "indicator": rhk.indicators[0]}


def _requests(world):
    """(name, method, url, data) for every editor endpoint; the data is valid for the owner."""
    skp, rhk, ind = world["skp"], world["rhk"], world["indicator"]
    s, r, i = skp.id, rhk.id, ind.id
    v = {"version_id": str(skp.version_id)}
    new_ind = f"ind-baru-{r}"
    return [
        ("detail", "GET", f"/skp/{s}", None),
        ("rhk_view", "GET", f"/skp/{s}/rhk/{r}", None),
        ("rhk_edit", "GET", f"/skp/{s}/rhk/{r}/ubah", None),
        ("indicator_edit", "GET", f"/skp/{s}/indikator/{i}/ubah", None),
        ("rhk_add", "POST", f"/skp/{s}/rhk", {"rhk-baru-kind": "utama", "rhk-baru-text": "Baru", **v}),
        ("rhk_update", "POST", f"/skp/{s}/rhk/{r}", {f"rhk-{r}-kind": "utama", f"rhk-{r}-text": "Ubah", **v}),
        ("rhk_move", "POST", f"/skp/{s}/rhk/{r}/geser", {"direction": "naik", **v}),
        ("rhk_link", "POST", f"/skp/{s}/rhk/{r}/tautkan", {"parent_id": str(world["superior_rhk"].id), **v}),
        ("indicator_add", "POST", f"/skp/{s}/rhk/{r}/indikator",
         {f"{new_ind}-text": "Baru", f"{new_ind}-aspect": "waktu", f"{new_ind}-target_text": "Juni", **v}),
        ("indicator_update", "POST", f"/skp/{s}/indikator/{i}",
         {f"ind-{i}-text": "Ubah", f"ind-{i}-aspect": "waktu", f"ind-{i}-target_text": "Juli", **v}),
        ("indicator_delete", "POST", f"/skp/{s}/indikator/{i}/hapus", v),
        ("rhk_delete", "POST", f"/skp/{s}/rhk/{r}/hapus", v),
        ("lampiran", "POST", f"/skp/{s}/lampiran", {"resources": "Laptop", **v}),
        ("expectation", "POST", f"/skp/{s}/perilaku", {"ekspektasi-adaptif": "Cepat belajar", **v}),
    ]


# What each role gets. Reading: everyone in the chain above, admin and auditor; editing: the owner only;
# the Ekspektasi Khusus Pimpinan: the assessor only.
EXPECTED = {
    "detail": {"owner": 200, "assessor": 200, "other": 403, "top": 200, "admin": 200, "auditor": 200},
    "rhk_view": {"owner": 302, "assessor": 302, "other": 403, "top": 302, "admin": 302, "auditor": 302},
    "expectation": {"owner": 403, "assessor": 302, "other": 403, "top": 403, "admin": 403, "auditor": 403},
}
OWNER_ONLY_GET = {"owner": 200, "assessor": 403, "other": 403, "top": 403, "admin": 403, "auditor": 403}
OWNER_ONLY_POST = {"owner": 302, "assessor": 403, "other": 403, "top": 403, "admin": 403, "auditor": 403}
ENDPOINTS = ["detail", "rhk_view", "rhk_edit", "indicator_edit", "rhk_add", "rhk_update", "rhk_move", "rhk_link",
             "indicator_add", "indicator_update", "indicator_delete", "rhk_delete", "lampiran", "expectation"]


def _expected(name: str, role: str) -> int:
    if name in EXPECTED:
        return EXPECTED[name][role]
    return OWNER_ONLY_GET[role] if name.endswith("_edit") else OWNER_ONLY_POST[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ENDPOINTS)
def test_editor_access_matrix(client, login, world, name, role):
    login(world["users"][role])
    _, method, url, data = next(req for req in _requests(world) if req[0] == name)
    before = db.session.scalar(select(func.count()).select_from(AuditLog))
    response = client.open(url, method=method, data=data)
    expected = _expected(name, role)
    assert response.status_code == expected, (name, role, response.status_code)
    after = db.session.scalar(select(func.count()).select_from(AuditLog))
    if method == "POST" and expected == 403:
        assert after == before  # refused: nothing written
    if method == "POST" and expected == 302:
        assert after == before + 1  # the change and its audit row


@pytest.mark.parametrize("name", [n for n in ENDPOINTS if n != "detail"])
def test_anonymous_is_sent_to_sign_in(client, world, name):
    _, method, url, data = next(req for req in _requests(world) if req[0] == name)
    response = client.open(url, method=method, data=data)
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_unknown_skp_is_404(client, login, world):
    login(world["users"]["admin"])
    assert client.get("/skp/999999").status_code == 404


def test_post_without_csrf_is_refused(client, login, world):
    login(world["users"]["owner"])
    skp = world["skp"]
    response = client.post(f"/skp/{skp.id}/lampiran", data={"resources": "X", "version_id": skp.version_id},
                           csrf=False)
    assert response.status_code == 400
