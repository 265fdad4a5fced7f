"""The assessor's own (non-anonymous) behaviour input: only the assessor, draft and submit, audited, window-bound."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.assessment.models import AssessorInput
from portal.core.audit import AuditLog
from portal.extensions import db
from tests.views.test_results import CLOSED, OPEN, get_results, make_world, text_of


@pytest.fixture
def world():
    return make_world(window=OPEN)


def close_window(world) -> None:
    """Time passes: the window has closed, so the results page shows its release."""
    world.phase.opens_on, world.phase.closes_on = CLOSED
    db.session.commit()


def url(world) -> str:
    return f"/360/{world.subject.id}/{world.phase.id}/masukan-penilai"


def full_answers(world, score="4", **extra) -> dict:
    data = {f"item_{item.id}": score for item in world.items}
    data.update(extra)
    return data


def stored(world) -> AssessorInput | None:
    db.session.expire_all()
    return db.session.scalar(select(AssessorInput).where(AssessorInput.subject_id == world.subject.id))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


@pytest.mark.parametrize("who", ["subject", "colleague", "head", "admin", "auditor"])
def test_only_the_assessor_may_open_or_post(client, login, world, who):
    login(world.users[who])
    assert client.get(url(world)).status_code == 403
    assert client.post(url(world), data=full_answers(world, action="ajukan")).status_code == 403
    assert stored(world) is None
    assert not [a for a in audit_actions() if a.startswith("assessment.assessor_input")]


def test_assessor_sees_the_form_with_every_item(client, login, world):
    login(world.users["assessor"])
    response = client.get(url(world))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "tidak anonim" in html
    for item in world.items:
        assert f'name="item_{item.id}" value="na"' in html
        assert item.text in html
    assert 'name="csrf_token"' in html
    assert html.count("<legend>") >= len(world.items)
    assert "style=" not in html.split('id="assessor-input"', 1)[1].split("</article>")[0]


def test_draft_save_keeps_partial_answers_and_is_audited(client, login, world):
    login(world.users["assessor"])
    first, second = world.items[0], world.items[1]
    response = client.post(url(world), data={f"item_{first.id}": "5", f"item_{second.id}": "na",
                                             "comment_keep": "Rapi", "action": "simpan"})
    assert response.status_code == 302
    row = stored(world)
    assert row.scores == {str(first.id): 5, str(second.id): None}
    assert row.comment_keep == "Rapi" and row.submitted_at is None
    assert row.assessor_id == world.assessor.id
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "assessment.assessor_input_save"))
    assert log is not None and log.actor_id == world.users["assessor"].id
    assert log.changes["scores"][1] == {str(first.id): 5, str(second.id): None}
    # the form shows the saved choices again
    html = client.get(url(world)).get_data(as_text=True)
    assert re.search(rf'id="item_{first.id}-5" name="item_{first.id}" value="5" checked', html)
    assert re.search(rf'id="item_{second.id}-na" name="item_{second.id}" value="na" checked', html)
    # a draft does not appear on the results page
    close_window(world)
    assert "Pejabat Penilai Kinerja belum mengirim masukan." in text_of(get_results(client, login, world))


def test_submit_needs_every_item(client, login, world):
    login(world.users["assessor"])
    data = full_answers(world, action="ajukan")
    del data[f"item_{world.items[3].id}"]
    response = client.post(url(world), data=data)
    assert response.status_code == 422
    assert "Belum dinilai: 1" in response.get_data(as_text=True)
    assert stored(world) is None
    assert "assessment.assessor_input_submit" not in audit_actions()


def test_submit_then_edit_until_the_window_closes(client, login, world):
    login(world.users["assessor"])
    response = client.post(url(world), data=full_answers(world, "3", action="ajukan", comment_improve="Tepat waktu"))
    assert response.status_code == 302
    row = stored(world)
    assert row.submitted_at is not None
    assert set(row.scores.values()) == {3}
    page = text_of(get_results(client, login, world))
    assert "Hasil belum dirilis" in page and "sudah dikirim oleh Budi Penilai" in page
    # edit after submitting: stays submitted, audited again
    html = client.get(url(world)).get_data(as_text=True)
    assert "Simpan perubahan" in html and "Simpan draf" not in html
    response = client.post(url(world), data=full_answers(world, "na", action="ajukan"))
    assert response.status_code == 302
    row = stored(world)
    assert set(row.scores.values()) == {None} and row.submitted_at is not None
    assert audit_actions().count("assessment.assessor_input_submit") == 2
    close_window(world)
    page = text_of(get_results(client, login, world))
    assert "Masukan Pejabat Penilai Kinerja: Budi Penilai (tidak anonim)" in page
    assert "Tepat waktu" not in page  # the second submission left the comment empty


def test_invalid_values_are_ignored_not_stored(client, login, world):
    login(world.users["assessor"])
    item = world.items[0]
    client.post(url(world), data={f"item_{item.id}": "9", f"item_{world.items[1].id}": "2", "action": "simpan"})
    assert stored(world).scores == {str(world.items[1].id): 2}


def test_closed_window_is_read_only(client, login):
    world = make_world(window=CLOSED)
    login(world.users["assessor"])
    html = client.get(url(world)).get_data(as_text=True)
    assert "masukan hanya dapat dilihat" in html
    assert "Kirim masukan" not in html and "disabled" in html
    response = client.post(url(world), data=full_answers(world, action="ajukan"))
    assert response.status_code == 422
    assert "tidak sedang dibuka" in response.get_data(as_text=True)
    assert stored(world) is None


def test_htmx_post_redirects_with_hx_redirect(client, login, world):
    login(world.users["assessor"])
    response = client.post(url(world), data=full_answers(world, action="simpan"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].endswith(url(world))
    assert stored(world) is not None


def test_htmx_invalid_post_returns_the_fragment(client, login, world):
    login(world.users["assessor"])
    response = client.post(url(world), data={"action": "ajukan"}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="assessor-input"' in html and "<html" not in html


def test_post_without_csrf_is_refused(client, login, world):
    login(world.users["assessor"])
    response = client.post(url(world), data=full_answers(world, action="ajukan"), csrf=False)
    assert response.status_code == 400
    assert stored(world) is None
