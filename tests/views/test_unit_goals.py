"""Unit goals (skp.goals "/skp/sasaran-unit"): list, add, edit, deactivate; htmx and plain forms; who may."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditLog
from portal.extensions import db
from portal.skp.models import UnitGoal

YEAR = 2026


@pytest.fixture
def world(make_period, make_unit, make_position, make_employee, make_user):
    period = make_period(YEAR)
    dinas = make_unit("Dinas Sasaran")
    bidang = make_unit("Bidang Sasaran", parent=dinas)
    other = make_unit("Dinas Lain Sasaran")
    kadis = make_employee("Kepala Sasaran", unit=dinas, position=make_position(
        "Kepala Dinas Sasaran", unit=dinas, type_code="JPT_PRATAMA", is_head=True))
    kabid = make_employee("Kabid Sasaran", unit=bidang, superior=kadis, position=make_position(
        "Kepala Bidang Sasaran", unit=bidang, type_code="ADMINISTRATOR", is_head=True))
    staff = make_employee("Staf Sasaran", unit=dinas, superior=kadis)
    other_head = make_employee("Kepala Lain", unit=other, position=make_position(
        "Kepala Dinas Lain", unit=other, type_code="JPT_PRATAMA", is_head=True))
    goal = UnitGoal(period=period, unit=dinas, text="Sasaran awal", position=1)
    db.session.add(goal)
    db.session.commit()
    users = {
        "kadis": make_user("g-kadis", employee=kadis),
        "kabid": make_user("g-kabid", employee=kabid),
        "staff": make_user("g-staff", employee=staff),
        "other_head": make_user("g-other", employee=other_head),
        "admin": make_user("g-admin", role="admin"),
        "auditor": make_user("g-auditor", role="auditor"),
    }
    return {"period": period, "dinas": dinas, "bidang": bidang, "goal": goal, "users": users}


def page_url(world, unit=None):
    unit = unit or world["dinas"]
    return f"/skp/sasaran-unit?unit={unit.id}&period={world['period'].id}"


def new_url(world, unit=None):
    unit = unit or world["dinas"]
    return f"/skp/sasaran-unit/baru?unit={unit.id}&period={world['period'].id}"


def goal_count():
    return db.session.scalar(select(func.count(UnitGoal.id)))


def audit_count(action):
    return db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == action))


@pytest.mark.parametrize(("role", "read", "write"), [
    ("kadis", 200, True),
    ("admin", 200, True),
    ("auditor", 200, False),
    ("kabid", 403, False),  # head of a sub-unit: the Dinas is above them
    ("staff", 403, False),
    ("other_head", 403, False),
])
def test_goals_page_authorisation(client, login, world, role, read, write):
    login(world["users"][role])
    response = client.get(page_url(world))
    assert response.status_code == read
    html = response.get_data(as_text=True)
    if read == 200:
        assert "Sasaran awal" in html
        assert ("Tambah sasaran unit" in html) is write
        assert ("Nonaktifkan" in html) is write


@pytest.mark.parametrize("role", ["auditor", "kabid", "staff", "other_head"])
def test_goal_writes_refused(client, login, world, role):
    login(world["users"][role])
    goal_id = world["goal"].id
    assert client.post(new_url(world), data={"goal-baru-text": "Tidak boleh"}).status_code == 403
    assert client.get(f"/skp/sasaran-unit/{goal_id}/ubah").status_code == 403
    assert client.post(f"/skp/sasaran-unit/{goal_id}/ubah", data={f"goal-{goal_id}-text": "X"}).status_code == 403
    assert client.post(f"/skp/sasaran-unit/{goal_id}/nonaktifkan").status_code == 403
    db.session.expire_all()
    goal = db.session.get(UnitGoal, goal_id)
    assert goal_count() == 1 and goal.text == "Sasaran awal" and goal.active


def test_sub_unit_head_manages_own_unit_goals(client, login, world):
    login(world["users"]["kabid"])
    assert client.get(page_url(world, world["bidang"])).status_code == 200
    response = client.post(new_url(world, world["bidang"]), data={"goal-baru-text": "Sasaran bidang"})
    assert response.status_code == 302
    goal = db.session.scalar(select(UnitGoal).where(UnitGoal.text == "Sasaran bidang"))
    assert goal.unit_id == world["bidang"].id and goal.period_id == world["period"].id


def test_head_defaults_to_their_unit_and_pegawai_without_unit_gets_403(client, login, world):
    login(world["users"]["kadis"])
    response = client.get(f"/skp/sasaran-unit?period={world['period'].id}")
    assert response.status_code == 200 and "Sasaran awal" in response.get_data(as_text=True)
    login(world["users"]["staff"])
    assert client.get("/skp/sasaran-unit").status_code == 403


def test_add_goal_without_js(client, login, world):
    login(world["users"]["kadis"])
    response = client.post(new_url(world), data={"goal-baru-text": "  Meningkatnya capaian imunisasi  "})
    assert response.status_code == 302
    assert f"unit={world['dinas'].id}" in response.headers["Location"]
    goal = db.session.scalar(select(UnitGoal).where(UnitGoal.text == "Meningkatnya capaian imunisasi"))
    assert goal is not None and goal.active and goal.position == 2
    assert audit_count("unit_goal.create") == 1
    assert "Meningkatnya capaian imunisasi" in client.get(page_url(world)).get_data(as_text=True)


def test_add_goal_with_htmx_returns_the_list(client, login, world):
    login(world["users"]["admin"])
    response = client.post(new_url(world), data={"goal-baru-text": "Sasaran lewat htmx"},
                           headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="unit-goals"' in html and "Sasaran lewat htmx" in html and "Sasaran awal" in html
    assert 'hx-swap-oob="true"' in html and "Sasaran unit ditambahkan." in html
    assert "<html" not in html
    assert goal_count() == 2


def test_add_empty_goal_is_refused(client, login, world):
    login(world["users"]["kadis"])
    response = client.post(new_url(world), data={"goal-baru-text": "   "})
    assert response.status_code == 422
    assert "Sasaran unit wajib diisi." in response.get_data(as_text=True)
    response = client.post(new_url(world), data={"goal-baru-text": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and 'id="unit-goals"' in response.get_data(as_text=True)
    assert goal_count() == 1 and audit_count("unit_goal.create") == 0


def test_post_without_csrf_is_refused(client, login, world):
    login(world["users"]["kadis"])
    assert client.post(new_url(world), data={"goal-baru-text": "Tanpa token"}, csrf=False).status_code == 400
    assert goal_count() == 1


def test_edit_goal(client, login, world):
    goal_id = world["goal"].id
    login(world["users"]["kadis"])
    # plain page with the row in edit mode
    html = client.get(f"/skp/sasaran-unit/{goal_id}/ubah").get_data(as_text=True)
    assert f'id="goal-{goal_id}-text"' in html and "<html" in html
    # htmx: only the row
    fragment = client.get(f"/skp/sasaran-unit/{goal_id}/ubah", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith(f'<li id="goal-{goal_id}"')
    response = client.post(f"/skp/sasaran-unit/{goal_id}/ubah", data={f"goal-{goal_id}-text": "Sasaran diubah"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(UnitGoal, goal_id).text == "Sasaran diubah"
    assert audit_count("unit_goal.update") == 1
    # htmx save returns the row
    response = client.post(f"/skp/sasaran-unit/{goal_id}/ubah", data={f"goal-{goal_id}-text": "Lagi"},
                           headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'id="goal-{goal_id}"' in html and "Lagi" in html
    # invalid: 422, unchanged
    response = client.post(f"/skp/sasaran-unit/{goal_id}/ubah", data={f"goal-{goal_id}-text": ""},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(UnitGoal, goal_id).text == "Lagi"


def test_deactivate_goal(client, login, world):
    goal_id = world["goal"].id
    login(world["users"]["kadis"])
    response = client.post(f"/skp/sasaran-unit/{goal_id}/nonaktifkan")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(UnitGoal, goal_id).active is False
    assert audit_count("unit_goal.deactivate") == 1
    html = client.get(page_url(world)).get_data(as_text=True)
    assert "Nonaktif" in html
    # a second time (another tab): a conflict with the goal as it is now, nothing more audited
    response = client.post(f"/skp/sasaran-unit/{goal_id}/nonaktifkan", headers={"HX-Request": "true"})
    assert response.status_code == 409 and "sudah nonaktif" in response.get_data(as_text=True)
    response = client.post(f"/skp/sasaran-unit/{goal_id}/nonaktifkan")
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "sudah nonaktif" in html and "Nonaktif" in html and "<html" in html
    assert audit_count("unit_goal.deactivate") == 1


def test_goals_list_query_count_is_flat(client, login, world, queries):
    login(world["users"]["admin"])
    url = page_url(world)
    period_id, unit_id = world["period"].id, world["dinas"].id
    db.session.add_all([UnitGoal(period_id=period_id, unit_id=unit_id, text=f"S {i}", position=i + 2)
                        for i in range(2)])
    db.session.commit()
    db.session.remove()
    with queries() as few:
        assert client.get(url).status_code == 200
    db.session.add_all([UnitGoal(period_id=period_id, unit_id=unit_id, text=f"T {i}", position=i + 10)
                        for i in range(27)])
    db.session.commit()
    db.session.remove()
    with queries() as many:
        response = client.get(url)
    assert "T 26" in response.get_data(as_text=True)
    assert many.count == few.count
