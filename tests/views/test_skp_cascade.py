"""The cascade of performance (skp.cascade "/skp/kaskade"): authorisation, content, and a flat query count."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.skp.models import UnitGoal

YEAR = 2026


@pytest.fixture
def org(make_period, make_unit, make_position, make_employee, make_user, make_skp, make_rhk):
    """Dinas (head: Kepala Dinas) > Bidang (head: Kepala Bidang) > two staff; plus another Dinas."""
    period = make_period(YEAR)
    dinas = make_unit("Dinas Kaskade")
    bidang = make_unit("Bidang Kaskade", parent=dinas)
    other_unit = make_unit("Dinas Tetangga")
    kadis = make_employee("Kepala Dinas", unit=dinas, position=make_position(
        "Kepala Dinas Kaskade", unit=dinas, type_code="JPT_PRATAMA", is_head=True))
    kabid = make_employee("Kepala Bidang", unit=bidang, superior=kadis, position=make_position(
        "Kepala Bidang Kaskade", unit=bidang, type_code="ADMINISTRATOR", is_head=True))
    staff = make_employee("Staf Satu", unit=bidang, superior=kabid,
                          position=make_position("Analis Kaskade", unit=bidang))
    staff2 = make_employee("Staf Dua", unit=bidang, superior=kabid)
    other_head = make_employee("Kepala Tetangga", unit=other_unit, position=make_position(
        "Kepala Dinas Tetangga", unit=other_unit, type_code="JPT_PRATAMA", is_head=True))
    goal = UnitGoal(period=period, unit=dinas, text="Meningkatnya kualitas layanan publik", position=1)
    goal2 = UnitGoal(period=period, unit=dinas, text="Sasaran yang belum didukung", position=2)
    db.session.add_all([goal, goal2])
    db.session.commit()
    skp_kadis = make_skp(kadis, period, status="disetujui")
    r_kadis = make_rhk(skp_kadis, "RHK Kadis didukung", unit_goal=goal)
    make_rhk(skp_kadis, "RHK Kadis tanpa pendukung", unit_goal=goal)
    skp_kabid = make_skp(kabid, period, status="diajukan")
    r_kabid = make_rhk(skp_kabid, "RHK Kabid", parent=r_kadis)
    skp_staff = make_skp(staff, period, status="draft")
    make_rhk(skp_staff, "RHK Staf bertaut", parent=r_kabid)
    make_rhk(skp_staff, "RHK Staf lepas", kind="tambahan")
    users = {
        "kadis": make_user("c-kadis", employee=kadis),
        "kabid": make_user("c-kabid", employee=kabid),
        "staff": make_user("c-staff", employee=staff),
        "other_head": make_user("c-other", employee=other_head),
        "admin": make_user("c-admin", role="admin"),
        "auditor": make_user("c-auditor", role="auditor"),
    }
    return {"period": period, "dinas": dinas, "bidang": bidang, "other_unit": other_unit, "users": users,
            "staff2": staff2, "kabid": kabid}


def url(org, unit=None):
    unit = org["dinas"] if unit is None else unit
    return f"/skp/kaskade?unit={unit.id}&period={org['period'].id}"


@pytest.mark.parametrize(("role", "target", "expected"), [
    ("kadis", "dinas", 200),
    ("kadis", "bidang", 200),  # a unit below the one they lead
    ("kadis", "other_unit", 403),
    ("kabid", "bidang", 200),
    ("kabid", "dinas", 403),
    ("other_head", "dinas", 403),
    ("staff", "bidang", 403),
    ("admin", "dinas", 200),
    ("auditor", "other_unit", 200),
])
def test_cascade_authorisation(client, login, org, role, target, expected):
    login(org["users"][role])
    assert client.get(url(org, org[target])).status_code == expected


def test_cascade_without_unit_defaults_to_the_headed_unit(client, login, org):
    login(org["users"]["kabid"])
    response = client.get(f"/skp/kaskade?period={org['period'].id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Bidang Kaskade" in html and "RHK Kabid" in html
    assert "RHK Kadis tanpa pendukung" not in html  # the Kepala Dinas is outside the bidang
    # the bidang head's RHK intervenes the Kepala Dinas's RHK: shown as a root, naming the outside RHK
    assert "Mengintervensi RHK di luar unit ini: RHK Kadis didukung — Kepala Dinas (Dinas Kaskade)" in html


def test_cascade_pegawai_without_unit_403_and_admin_chooses(client, login, org):
    login(org["users"]["staff"])
    assert client.get("/skp/kaskade").status_code == 403
    login(org["users"]["admin"])
    response = client.get(f"/skp/kaskade?period={org['period'].id}")
    assert response.status_code == 200
    assert "Pilih unit kerja" in response.get_data(as_text=True)


def test_cascade_anonymous_is_sent_to_login(client, org):
    response = client.get(url(org))
    assert response.status_code in (302, 401)


def test_cascade_tree_content(client, login, org):
    login(org["users"]["kadis"])
    response = client.get(url(org))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # nesting: goal > kadis RHK > kabid RHK > staff RHK
    goal_at = html.index("Meningkatnya kualitas layanan publik")
    kadis_at = html.index("RHK Kadis didukung")
    kabid_at = html.index("RHK Kabid")
    staff_at = html.index("RHK Staf bertaut")
    assert goal_at < kadis_at < kabid_at < staff_at
    # names, jabatan, kind, status badges
    assert "Kepala Bidang" in html and "Kepala Bidang Kaskade" in html and "Analis Kaskade" in html
    assert "Utama" in html and "Tambahan" in html
    assert "Diajukan" in html and "Disetujui" in html and "Draf" in html
    # the highlights
    assert "RHK pimpinan yang belum diintervensi" in html
    assert 'id="rhk-' in html and "cascade-unsupported" in html
    unsupported = html[html.index('id="cascade-unsupported-heading"'):html.index('id="cascade-tree-heading"')]
    assert "RHK Kadis tanpa pendukung" in unsupported
    assert "Sasaran yang belum didukung" in unsupported
    assert "RHK Kadis didukung" not in unsupported
    orphans = html[html.index('id="cascade-orphan-heading"'):html.index('id="cascade-tree-heading"')]
    assert "RHK Staf lepas" in orphans and "RHK Staf bertaut" not in orphans
    # employees without an SKP
    assert "Pegawai yang belum membuat SKP" in html and "Staf Dua" in html


def test_cascade_htmx_returns_the_fragment(client, login, org):
    login(org["users"]["admin"])
    response = client.get(url(org), headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith("<section id=\"cascade\"") or 'id="cascade"' in html
    assert "<html" not in html


def _grow(ids, start, n, make_employee, make_skp, make_rhk):
    from portal.org.models import Employee, Unit
    from portal.periods.models import Period
    from portal.skp.models import ResultPlan

    bidang, kabid = db.session.get(Unit, ids["bidang"]), db.session.get(Employee, ids["kabid"])
    period = db.session.get(Period, ids["period"])
    kabid_rhk = db.session.scalar(db.select(ResultPlan).where(ResultPlan.text == "RHK Kabid"))
    for i in range(start, start + n):
        employee = make_employee(f"Staf Banyak {i}", unit=bidang, superior=kabid)
        skp = make_skp(employee, period)
        make_rhk(skp, f"RHK banyak {i} a", parent=kabid_rhk)
        make_rhk(skp, f"RHK banyak {i} b")


def test_cascade_query_count_is_flat(client, login, org, queries, make_employee, make_skp, make_rhk):
    login(org["users"]["admin"])
    ids = {"bidang": org["bidang"].id, "kabid": org["kabid"].id, "period": org["period"].id}
    page = url(org)
    _grow(ids, 0, 3, make_employee, make_skp, make_rhk)
    db.session.remove()  # each measured request starts with an empty session, as on a real server
    with queries() as few:
        assert client.get(page).status_code == 200
    _grow(ids, 3, 27, make_employee, make_skp, make_rhk)
    db.session.remove()
    with queries() as many:
        response = client.get(page)
    assert response.status_code == 200
    assert "RHK banyak 29 b" in response.get_data(as_text=True)
    assert many.count == few.count, many


def test_a_large_tree_loads_its_branches_on_demand(app, client, login, org, monkeypatch):
    from portal.skp.models import ResultPlan

    monkeypatch.setitem(app.config, "CASCADE_RENDER_BUDGET", 5)  # goals, kadis, kabid
    kabid_rhk = db.session.scalar(db.select(ResultPlan).where(ResultPlan.text == "RHK Kabid"))
    login(org["users"]["admin"])
    html = client.get(url(org)).get_data(as_text=True)
    branch = f"cabang=rhk-{kabid_rhk.id}"
    assert branch in html and "Tampilkan cabang ini" in html
    assert "RHK Staf bertaut</span>" not in html  # below the lazy branch: not rendered yet
    # htmx: only the children of the branch
    fragment = client.get(f"{url(org)}&{branch}", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text
    assert text.lstrip().startswith(f'<ul id="cabang-rhk-{kabid_rhk.id}"') and "RHK Staf bertaut" in text
    # without JavaScript: a page with that branch as its root
    page = client.get(f"{url(org)}&{branch}").get_data(as_text=True)
    assert "RHK Staf bertaut" in page and "Kembali ke seluruh pohon kinerja" in page
    assert client.get(f"{url(org)}&cabang=rhk-999999").status_code == 404


def test_unlinked_rhk_without_followers_are_listed_not_drawn(client, login, org):
    login(org["users"]["admin"])
    html = client.get(url(org)).get_data(as_text=True)
    tree = html[html.index('id="cascade-tree-heading"'):]
    assert "RHK Staf lepas" not in tree
    assert "RHK Staf lepas" in html[html.index('id="cascade-orphan-heading"'):html.index('id="cascade-tree-heading"')]


def test_the_tree_reads_top_down_parents_prominent_children_indented(client, login, org):
    """The level of each node is on its element, so that the stylesheet draws parents prominent and each level
    below lighter (the cascade used to draw parents grey and children bold)."""
    login(org["users"]["admin"])
    html = client.get(url(org)).get_data(as_text=True)
    tree = html[html.index('id="cascade-tree-heading"'):]

    def level_of(text: str) -> str:
        item = tree[tree.rindex("<li", 0, tree.index(text)):tree.index(text)]
        return item.split("cascade-level-")[1][0]

    assert level_of("Meningkatnya kualitas layanan publik") == "0"  # the unit goal: the top
    assert level_of("RHK Kadis didukung") == "1"
    assert level_of("RHK Kabid") == level_of("RHK Staf bertaut") == "2"  # and every level further down


def test_a_500_person_opd_opens_level_by_level_under_150_kb(client, login, make_user):
    """The scale data's OPD (one of 500 people, 1,000 RHK): whole levels while they fit, the rest on demand."""
    from portal.core.timeutil import local_today
    from portal.demo import seed_scale
    from portal.demo_cycle import seed_scale_cycle
    from portal.org.models import Unit

    seed_scale(employees=500, opd=1, seed=3)
    seed_scale_cycle(local_today())
    db.session.commit()
    opd = db.session.scalar(db.select(Unit).where(Unit.parent_id.is_(None)))
    login(make_user("kaskade-admin", role="admin"))
    response = client.get(f"/skp/kaskade?unit={opd.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and len(response.data) < 150 * 1024
    assert html.count('class="cascade-node') <= 150 and "Tampilkan cabang ini" in html
    lazy = html[html.index('hx-trigger="toggle once"') - 300:html.index('hx-trigger="toggle once"')]
    branch_url = lazy[lazy.index('hx-get="') + 8:].split('"')[0].replace("&amp;", "&")
    fragment = client.get(branch_url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and len(fragment.data) < 150 * 1024
    assert fragment.get_data(as_text=True).count('class="cascade-node') > 0
