"""The team board "SKP Tim" (skp.team) and the dashboard panels "SKP saya" / "SKP tim"."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from portal.core.timeutil import local_today
from portal.extensions import db
from portal.skp import flow
from portal.skp.models import Skp

HTMX = {"HX-Request": "true"}


@pytest.fixture
def today():
    return local_today()


@pytest.fixture
def period(make_period, today):
    return make_period(today.year, planning=(today - dt.timedelta(days=20), today + dt.timedelta(days=20)))


@pytest.fixture
def people(make_unit, make_position, make_employee, make_user):
    unit = make_unit("Dinas Uji Tim")
    head = make_employee("Kepala Dinas", unit=unit,
                         position=make_position("Kepala Dinas", unit=unit, type_code="JPT_PRATAMA", is_head=True))
    boss = make_employee("Kepala Bidang", unit=unit, superior=head)
    return {"unit": unit, "head": head, "boss": boss, "boss_user": make_user("kabid", employee=boss),
            "head_user": make_user("kadis", employee=head)}


def _submit(employee, skp, today, make_user, *, days_ago=0):
    user = make_user(employee=employee)
    now = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(3)) if days_ago else None
    flow.submit_skp(user, skp, today=today, now=now)
    db.session.commit()
    return skp


def _team(people, period, make_employee, make_skp, make_user, today, n):
    """n reports of the assessor, cycling through every state of the board."""
    rows = []
    for i in range(n):
        employee = make_employee(f"Anggota {i:03d}", unit=people["unit"], superior=people["boss"])
        state = i % 5
        skp = None
        if state == 1:
            skp = make_skp(employee, period)
        elif state in (2, 3, 4):
            skp = _submit(employee, make_skp(employee, period, rhk=1), today, make_user)
            if state == 3:
                flow.return_skp(people["boss_user"], skp, "Mohon lengkapi indikatornya.", today=today)
            elif state == 4:
                flow.approve_skp(people["boss_user"], skp, today=today)
            db.session.commit()
        rows.append((employee, skp))
    return rows


def test_board_shows_each_state_and_approve_only_for_submitted(client, login, people, period, make_employee,
                                                               make_skp, make_user, today):
    rows = _team(people, period, make_employee, make_skp, make_user, today, 5)
    login(people["boss_user"])
    response = client.get("/skp/tim")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for label in ("Belum dibuat", "Draf", "Diajukan", "Dikembalikan", "Disetujui"):
        assert label in html
    submitted = rows[2][1]
    assert f'href="/skp/{submitted.id}/setujui?next=tim"' in html
    assert html.count('/setujui?next=tim"') == 1  # only the submitted row leads to approval (after a look)
    assert "hari kerja menunggu" in html
    assert 'hx-target="#tim-' in html and '<th scope="col">' in html


def test_filter_by_state_full_and_htmx(client, login, people, period, make_employee, make_skp, make_user, today):
    _team(people, period, make_employee, make_skp, make_user, today, 5)
    login(people["boss_user"])
    html = client.get("/skp/tim?status=belum").get_data(as_text=True)
    assert "Anggota 000" in html and "Anggota 001" not in html
    response = client.get("/skp/tim?status=disetujui", headers=HTMX)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and fragment.lstrip().startswith('<section id="team-results"')
    assert "Anggota 004" in fragment and "Anggota 000" not in fragment and "<html" not in fragment


def test_board_is_paginated(client, login, people, period, make_employee, make_skp, make_user, today):
    for i in range(27):
        make_employee(f"Staf {i:03d}", unit=people["unit"], superior=people["boss"])
    login(people["boss_user"])
    first = client.get("/skp/tim").get_data(as_text=True)
    second = client.get("/skp/tim?page=2").get_data(as_text=True)
    assert "Staf 000" in first and "Staf 026" not in first
    assert "Staf 026" in second and "Halaman 2 dari 2" in second


def test_approve_from_the_board_htmx_swaps_the_row(client, login, people, period, make_employee, make_skp,
                                                   make_user, today):
    employee = make_employee("Anggota Diajukan", unit=people["unit"], superior=people["boss"])
    skp = _submit(employee, make_skp(employee, period, rhk=1), today, make_user)
    login(people["boss_user"])
    response = client.post(f"/skp/{skp.id}/setujui", data={"next": "tim", "version_id": skp.version_id},
                           headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="tim-{employee.id}"') and "Disetujui" in html
    assert 'hx-swap-oob="true"' in html and "SKP disetujui." in html
    assert "/setujui" not in html
    assert db.session.get(Skp, skp.id).status == "disetujui"


def test_approve_from_the_board_without_js_comes_back_to_the_board(client, login, people, period, make_employee,
                                                                   make_skp, make_user, today):
    employee = make_employee("Anggota Diajukan", unit=people["unit"], superior=people["boss"])
    skp = _submit(employee, make_skp(employee, period, rhk=1), today, make_user)
    login(people["boss_user"])
    response = client.post(f"/skp/{skp.id}/setujui", data={"next": "tim"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/skp/tim")
    assert "SKP disetujui." in client.get("/skp/tim").get_data(as_text=True)


def test_return_from_the_board_without_note_is_refused_in_the_row(client, login, people, period, make_employee,
                                                                  make_skp, make_user, today):
    employee = make_employee("Anggota Diajukan", unit=people["unit"], superior=people["boss"])
    skp = _submit(employee, make_skp(employee, period, rhk=1), today, make_user)
    login(people["boss_user"])
    response = client.post(f"/skp/{skp.id}/kembalikan", data={"next": "tim", "note": "x"}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and f'id="note-tim-{employee.id}-error"' in html
    assert db.session.get(Skp, skp.id).status == "diajukan"
    response = client.post(f"/skp/{skp.id}/kembalikan", data={"next": "tim", "note": "x"})
    assert response.status_code == 422 and "SKP Tim" in response.get_data(as_text=True)
    response = client.post(f"/skp/{skp.id}/kembalikan", data={"next": "tim", "note": "Lengkapi lampiran SKP."},
                           headers=HTMX)
    assert response.status_code == 200 and "Dikembalikan" in response.get_data(as_text=True)


def test_superior_section_lists_late_assessors_and_approves(client, login, people, period, make_employee,
                                                            make_skp, make_user, today):
    late = make_employee("Anggota Terlambat", unit=people["unit"], superior=people["boss"])
    fresh = make_employee("Anggota Baru", unit=people["unit"], superior=people["boss"])
    late_skp = _submit(late, make_skp(late, period, rhk=1), today, make_user, days_ago=14)
    _submit(fresh, make_skp(fresh, period, rhk=1), today, make_user)
    login(people["head_user"])
    html = client.get("/skp/tim").get_data(as_text=True)
    assert "Sebagai atasan pejabat penilai" in html
    assert "Anggota Terlambat" in html and "Anggota Baru" not in html
    assert f'id="atasan-{late.id}"' in html
    response = client.post(f"/skp/{late_skp.id}/setujui", data={"next": "atasan"}, headers=HTMX)
    assert response.status_code == 200 and f'id="atasan-{late.id}"' in response.get_data(as_text=True)
    assert db.session.get(Skp, late_skp.id).status == "disetujui"
    event = db.session.get(Skp, late_skp.id).events[-1]
    assert event.acting_as_superior


def test_no_superior_section_when_nobody_is_late(client, login, people, period, make_employee, make_skp,
                                                 make_user, today):
    fresh = make_employee("Anggota Baru", unit=people["unit"], superior=people["boss"])
    _submit(fresh, make_skp(fresh, period, rhk=1), today, make_user)
    login(people["head_user"])
    assert "Sebagai atasan pejabat penilai" not in client.get("/skp/tim").get_data(as_text=True)


def test_board_access(client, login, people, make_user, make_employee, period):
    login(make_user("admin1", role="admin"))
    assert client.get("/skp/tim").status_code == 403  # no employee record: no team
    lone = make_employee("Staf Tanpa Bawahan", unit=people["unit"], superior=people["boss"])
    login(make_user(employee=lone))
    assert client.get("/skp/tim").status_code == 403  # nobody to assess: no board (and no menu entry)


def test_board_without_period(client, login, people, make_employee):
    make_employee("Anggota", unit=people["unit"], superior=people["boss"])
    login(people["boss_user"])
    assert "Periode kinerja belum dibuka" in client.get("/skp/tim").get_data(as_text=True)


def _count(client, queries, url):
    client.get(url)  # warm up: the test shares its session with the app, so expired test objects reload once
    with queries() as q:
        response = client.get(url)
    assert response.status_code == 200
    return q.count


def q_statements(client, queries):
    with queries() as q:
        client.get("/skp/tim")
    return "\n".join(s[:150] for s in q.statements)


def test_board_query_count_is_flat(client, login, queries, people, period, make_employee, make_skp, make_user,
                                   today):
    _team(people, period, make_employee, make_skp, make_user, today, 3)
    login(people["boss_user"])
    client.get("/skp/tim")
    small = _count(client, queries, "/skp/tim")
    _team(people, period, make_employee, make_skp, make_user, today, 27)
    large = _count(client, queries, "/skp/tim")
    assert db.session.scalar(select(Skp.id).where(Skp.status == "diajukan").limit(1))
    assert large == small, f"{small} queries for 3 reports, {large} for 30: {q_statements(client, queries)}"


def test_superior_section_query_count_is_flat(client, login, queries, people, period, make_employee, make_skp,
                                              make_user, today):
    def late_reports(n):
        for _ in range(n):
            employee = make_employee(unit=people["unit"], superior=people["boss"])
            _submit(employee, make_skp(employee, period, rhk=1), today, make_user, days_ago=14)

    late_reports(3)
    login(people["head_user"])
    client.get("/skp/tim")
    small = _count(client, queries, "/skp/tim")
    late_reports(27)
    assert _count(client, queries, "/skp/tim") == small


# --- the dashboard ---------------------------------------------------------------------------------------------


def test_dashboard_my_skp_panel_and_team_panel(client, login, people, period, make_employee, make_skp, make_user,
                                               today):
    rows = _team(people, period, make_employee, make_skp, make_user, today, 5)
    login(people["boss_user"])
    html = client.get("/").get_data(as_text=True)
    assert 'id="panel-skp"' in html and "Anda belum membuat SKP" in html and "Batas perencanaan SKP" in html
    assert "hari kerja lagi" in html
    assert 'id="panel-skp-team"' in html and 'href="/skp/tim"' in html
    member_user = db.session.scalar(select(type(people["boss_user"])).where(
        type(people["boss_user"]).employee_id == rows[2][0].id))
    login(member_user)
    html = client.get("/").get_data(as_text=True)
    assert "Diajukan" in html and f'href="/skp/{rows[2][1].id}"' in html
    assert 'id="panel-skp-team"' not in html


def test_dashboard_without_period(client, login, people):
    login(people["boss_user"])
    assert "Periode kinerja belum dibuka oleh BKPSDM." in client.get("/").get_data(as_text=True)
