"""SKP Tim: an SKP is approved after it was seen (its page) or after a confirmation with its summary, never in one
click from the list; and the state tabs' counts follow an action taken in a row."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from portal.auth.models import User
from portal.core.timeutil import local_today
from portal.extensions import db
from portal.skp import flow
from portal.skp.models import Skp
from tests.views.test_skp_team import HTMX, _submit


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
    return {"unit": unit, "boss": boss, "boss_user": make_user("kabid", employee=boss)}


def _submitted(people, period, make_employee, make_skp, make_user, today, name="Anggota Diajukan", rhk=2):
    employee = make_employee(name, unit=people["unit"], superior=people["boss"])
    return employee, _submit(employee, make_skp(employee, period, rhk=rhk, indicators=2), today, make_user)


def test_the_board_leads_to_the_skp_and_has_no_one_click_approval(client, login, people, period, make_employee,
                                                                  make_skp, make_user, today):
    employee, skp = _submitted(people, period, make_employee, make_skp, make_user, today)
    login(people["boss_user"])
    html = client.get("/skp/tim").get_data(as_text=True)
    row = html[html.index(f'<tr id="tim-{employee.id}"'):]
    row = row[:row.index("</tr>")]
    assert f'href="/skp/{skp.id}"' in row and "Periksa" in row
    assert f'href="/skp/{skp.id}/setujui?next=tim"' in row  # the fast path asks first
    assert not re.search(r'<form[^>]*action="/skp/\d+/setujui"', html)  # no approve button in a list row


def test_confirmation_page_summarises_the_skp_and_approves(client, login, people, period, make_employee, make_skp,
                                                           make_user, today):
    employee, skp = _submitted(people, period, make_employee, make_skp, make_user, today)
    login(people["boss_user"])
    response = client.get(f"/skp/{skp.id}/setujui?next=tim")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert employee.full_name in html and '<button type="submit">Setujui SKP</button>' in html
    assert "2 Rencana Hasil Kerja" in html and "4 Indikator Kinerja Individu" in html
    assert "Diajukan" in html and "hari kerja menunggu" in html
    assert "0 dari 7" in html  # Ekspektasi Khusus Pimpinan still empty: said before approving
    assert f'href="/skp/{skp.id}"' in html  # the whole SKP is one click away
    form = html[html.index(f'action="/skp/{skp.id}/setujui"'):]
    assert f'name="version_id" value="{skp.version_id}"' in form and 'name="next" value="tim"' in form
    assert db.session.get(Skp, skp.id).status == "diajukan"  # looking changes nothing

    response = client.post(f"/skp/{skp.id}/setujui", data={"next": "tim", "version_id": skp.version_id})
    assert response.status_code == 302 and response.headers["Location"].endswith("/skp/tim")
    assert db.session.get(Skp, skp.id).status == "disetujui"


def test_confirmation_of_an_skp_decided_meanwhile_shows_its_state(client, login, people, period, make_employee,
                                                                   make_skp, make_user, today):
    _employee, skp = _submitted(people, period, make_employee, make_skp, make_user, today)
    flow.return_skp(people["boss_user"], skp, "Lengkapi indikator RHK pertama.", today=today)
    db.session.commit()
    login(people["boss_user"])
    response = client.get(f"/skp/{skp.id}/setujui?next=tim")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Dikembalikan" in html and "Setujui SKP</button>" not in html
    assert f'action="/skp/{skp.id}/setujui"' not in html


def test_confirmation_page_access(client, login, people, period, make_employee, make_skp, make_user, today):
    employee, skp = _submitted(people, period, make_employee, make_skp, make_user, today)
    colleague = make_employee("Rekan", unit=people["unit"], superior=people["boss"])
    login(make_user("rekan", employee=colleague))
    assert client.get(f"/skp/{skp.id}/setujui").status_code in (403, 404)
    login(db.session.scalar(select(User).where(User.employee_id == employee.id)))
    assert client.get(f"/skp/{skp.id}/setujui").status_code == 403  # the owner does not approve
    login(people["boss_user"])
    assert client.get(f"/skp/{skp.id}/setujui", headers=HTMX).status_code == 200


# --- the state tabs follow an action in a row ----------------------------------------------------------------


def _tab(html: str, state: str) -> str:
    start = html.index(f'id="team-count-{state}"')
    return html[start:html.index("</span>", start)]


def test_returning_from_a_row_updates_the_tab_counts(client, login, people, period, make_employee, make_skp,
                                                     make_user, today):
    first, first_skp = _submitted(people, period, make_employee, make_skp, make_user, today, "Anggota Satu")
    _submitted(people, period, make_employee, make_skp, make_user, today, "Anggota Dua")
    login(people["boss_user"])
    board = client.get("/skp/tim").get_data(as_text=True)
    assert _tab(board, "diajukan").endswith("(2)") and _tab(board, "dikembalikan").endswith("(0)")
    assert _tab(board, "all").endswith("(2)")

    response = client.post(f"/skp/{first_skp.id}/kembalikan", headers=HTMX,
                           data={"next": "tim", "version_id": first_skp.version_id,
                                 "note": "Lengkapi target indikator pertama."})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and fragment.lstrip().startswith(f'<tr id="tim-{first.id}"')
    # The tab bar's counts come along out of band.
    assert 'id="team-count-diajukan" hx-swap-oob="true"' in fragment
    assert _tab(fragment, "diajukan").endswith("(1)") and _tab(fragment, "dikembalikan").endswith("(1)")
    assert _tab(fragment, "all").endswith("(2)")
    board = client.get("/skp/tim").get_data(as_text=True)
    assert _tab(board, "diajukan").endswith("(1)")  # the same as a fresh page


def test_a_refused_action_sends_the_counts_as_they_are(client, login, people, period, make_employee, make_skp,
                                                       make_user, today):
    _employee, skp = _submitted(people, period, make_employee, make_skp, make_user, today)
    login(people["boss_user"])
    response = client.post(f"/skp/{skp.id}/kembalikan", headers=HTMX, data={"next": "tim", "note": "x"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 422 and _tab(fragment, "diajukan").endswith("(1)")
