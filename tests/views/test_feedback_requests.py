"""Asking for feedback: a request says what it is about (an empty message is refused at its field) and is not
sent twice - a second request to the same person about the same thing of the same SKP while the first still waits
is refused with a message that says so."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from portal.core.errors import DomainError
from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.progress import services
from portal.progress.models import FeedbackRequest
from tests import factories

TODAY = dt.date(2026, 4, 8)
HTMX = {"HX-Request": "true"}


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setattr("portal.progress.views.local_today", lambda: TODAY)
    return factories.make_progress_world(rhk=1, indicators=1)


def _requests() -> int:
    return db.session.scalar(select(func.count(FeedbackRequest.id)))


def _ask(client, world, headers=None, **data):
    return client.post(f"/skp/{world.skp.id}/minta-umpan-balik", data=data, headers=headers or {})


@pytest.mark.parametrize("message", ["", "   \n  "])
@pytest.mark.parametrize("headers", [None, HTMX], ids=["no-js", "htmx"])
def test_an_empty_request_is_refused_at_its_field(client, login, world, message, headers):
    login(world.u_owner)
    response = _ask(client, world, headers, asked=world.peer.nip, message=message)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tuliskan apa yang ingin Anda mintai umpan balik." in html
    assert 'aria-invalid="true"' in html and "This field is required" not in html
    assert _requests() == 0


def test_the_message_field_is_required_in_the_browser_too(client, login, world):
    login(world.u_owner)
    html = client.get(f"/skp/{world.skp.id}/realisasi").get_data(as_text=True)
    form = html[html.index('id="minta-umpan-balik"'):]
    textarea = form[form.index("<textarea"):form.index("</textarea>")]
    assert "required" in textarea


def test_a_second_pending_request_to_the_same_person_is_refused(client, login, world):
    indicator = world.skp.result_plans[0].indicators[0]
    realisation = factories.make_realisation(indicator, 1, text="Rekap layanan")
    login(world.u_owner)
    first = {"asked": world.peer.nip, "message": "Mohon masukan atas rekap ini", "realisation_id": realisation.id}
    assert _ask(client, world, **first).status_code == 302
    response = _ask(client, world, **{**first, "message": "Sekali lagi, mohon masukan"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "masih menunggu jawaban" in html and world.peer.full_name in html
    # the refusal sits at the person picked, not at the message
    assert re.search(r'id="[\w-]*asked-error">[^<]*masih menunggu jawaban', html)
    assert _requests() == 1
    # htmx: the form comes back with the message, nothing sent
    response = _ask(client, world, HTMX, **first)
    assert response.status_code == 422 and "masih menunggu jawaban" in response.get_data(as_text=True)
    assert _requests() == 1

    # Another subject, or another person, is a new request.
    assert _ask(client, world, asked=world.peer.nip, message="Tentang perilaku kerja saya").status_code == 302
    assert _ask(client, world, message="Mohon masukan atas rekap ini", realisation_id=realisation.id).status_code \
        == 302  # to the assessor
    assert _requests() == 3

    # Once answered, the same question may be asked again.
    pending = db.session.scalar(select(FeedbackRequest).where(FeedbackRequest.realisation_id == realisation.id,
                                                               FeedbackRequest.asked_id == world.peer.id))
    pending.answered_at = utcnow()
    db.session.commit()
    assert _ask(client, world, **first).status_code == 302
    assert _requests() == 4


def test_the_service_refuses_both(world):
    now = utcnow()
    with pytest.raises(DomainError) as empty:
        services.request_feedback(world.u_owner, world.skp, asked_nip=world.peer.nip, message=" ", now=now)
    assert empty.value.field == "message"
    services.request_feedback(world.u_owner, world.skp, asked_nip=world.peer.nip, message="Mohon masukan", now=now)
    with pytest.raises(DomainError) as twice:
        services.request_feedback(world.u_owner, world.skp, asked_nip=world.peer.nip, message="Lagi", now=now)
    assert "masih menunggu jawaban" in twice.value.message


def test_two_requests_at_the_same_moment_make_one(world, monkeypatch):
    """A double click sends the form twice; both requests can pass the check for a pending request before either
    has written. The database holds one open request per person and subject, and the second gets the same answer
    as a later duplicate."""
    now = utcnow()
    services.request_feedback(world.u_owner, world.skp, asked_nip=world.peer.nip, message="Mohon masukan", now=now)
    db.session.commit()
    monkeypatch.setattr(services, "_pending_request", lambda *args: None)  # the other request has not written yet
    with pytest.raises(DomainError) as twice:
        services.request_feedback(world.u_owner, world.skp, asked_nip=world.peer.nip, message="Mohon masukan",
                                  now=now)
    assert "masih menunggu jawaban" in twice.value.message and twice.value.field == "asked_nip"
    db.session.commit()  # the transaction is still usable: nothing half-written
    assert _requests() == 1
    # Answered, the question may be asked again (an answered request holds no place).
    db.session.scalar(select(FeedbackRequest)).answered_at = utcnow()
    db.session.commit()
    services.request_feedback(world.u_owner, world.skp, asked_nip=world.peer.nip, message="Lagi", now=now)
    db.session.commit()
    assert _requests() == 2
