"""Umpan Balik Berkelanjutan: who gives it, read/unread, requests and the inbox, the phrase library."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditLog
from portal.extensions import db
from portal.progress.models import Feedback, FeedbackPhrase, FeedbackRequest
from portal.progress.services import SHARED_PHRASES, seed_feedback_phrases
from tests import factories

TODAY = dt.date(2026, 4, 8)


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setattr("portal.progress.views.local_today", lambda: TODAY)
    return factories.make_progress_world(rhk=1, indicators=1)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _give(client, world, **data):
    return client.post(f"/skp/{world.skp.id}/umpan-balik", data=data)


@pytest.mark.parametrize("who, status", [
    ("u_assessor", 302), ("u_head", 302),  # the assessor and the assessor's superior chain
    ("u_owner", 403), ("u_peer", 403), ("u_outsider", 403), ("u_admin", 403), ("u_auditor", 403),
])
def test_who_may_give_feedback(client, login, world, who, status):
    login(getattr(world, who))
    response = _give(client, world, text="Bagus, pertahankan.")
    assert response.status_code == status
    assert _count(Feedback) == (1 if status == 302 else 0)


def test_feedback_on_a_realisation_appears_in_its_rhk_thread_with_audit(client, login, world):
    indicator = world.skp.result_plans[0].indicators[0]
    realisation = factories.make_realisation(indicator, 1, text="Laporan Q1")
    login(world.u_assessor)
    response = _give(client, world, text="Laporan Q1 sudah rapi.", realisation_id=str(realisation.id))
    assert response.status_code == 302 and response.headers["Location"].endswith("#umpan-balik")
    feedback = db.session.scalar(select(Feedback))
    assert feedback.realisation_id == realisation.id and feedback.author_id == world.assessor.id
    assert _count(AuditLog, AuditLog.action == "feedback.give") == 1
    login(world.u_owner)
    body = client.get(f"/skp/{world.skp.id}/realisasi").get_data(as_text=True)
    rhk_section = body.split(f'id="rhk-{indicator.result_plan_id}"')[1].split("</section>")[0]
    assert "Laporan Q1 sudah rapi." in rhk_section and "Kepala Bidang" in rhk_section
    assert "Belum dibaca" in rhk_section


def test_feedback_on_a_value_and_validation(client, login, world):
    other = factories.make_progress_skp(world.peer, world.period, assessor=world.assessor)
    foreign = factories.make_realisation(other.result_plans[0].indicators[0], 1)
    login(world.u_assessor)
    assert _give(client, world, text="Ramah melayani.", value_code="berorientasi_pelayanan").status_code == 302
    assert db.session.scalar(select(Feedback.value_code)) == "berorientasi_pelayanan"
    assert _give(client, world, text="").status_code == 422
    assert _give(client, world, text="x", value_code="tidak_ada").status_code == 422
    assert _give(client, world, text="x", realisation_id=str(foreign.id)).status_code == 422
    assert _count(Feedback) == 1


def test_no_feedback_on_a_draft_skp(client, login, monkeypatch):
    monkeypatch.setattr("portal.progress.views.local_today", lambda: TODAY)
    world = factories.make_progress_world(status="draft")
    login(world.u_assessor)
    assert _give(client, world, text="Terlalu dini").status_code == 403


def test_read_unread_is_explicit(client, login, world):
    first = factories.make_feedback(world.skp, world.assessor, "Pertama")
    factories.make_feedback(world.skp, world.assessor, "Kedua")
    login(world.u_owner)
    page = client.get(f"/skp/{world.skp.id}/realisasi").get_data(as_text=True)
    assert "2 belum dibaca" in page
    db.session.expire_all()
    assert _count(Feedback, Feedback.read_at.is_(None)) == 2  # viewing does not mark anything read

    response = client.post(f"/umpan-balik/{first.id}/dibaca", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.get_data(as_text=True).lstrip().startswith(f'<li id="umpan-balik-{first.id}"')
    assert "Sudah dibaca" in response.get_data(as_text=True)
    assert "1 belum dibaca" in client.get(f"/skp/{world.skp.id}/realisasi").get_data(as_text=True)
    assert client.post(f"/skp/{world.skp.id}/umpan-balik/dibaca-semua").status_code == 302
    assert _count(Feedback, Feedback.read_at.is_(None)) == 0


@pytest.mark.parametrize("who", ["u_assessor", "u_head", "u_admin", "u_auditor", "u_peer"])
def test_only_owner_marks_read(client, login, world, who):
    item = factories.make_feedback(world.skp, world.assessor)
    login(getattr(world, who))
    assert client.post(f"/umpan-balik/{item.id}/dibaca").status_code == 403
    assert client.post(f"/skp/{world.skp.id}/umpan-balik/dibaca-semua").status_code in (403,)
    assert _count(Feedback, Feedback.read_at.is_(None)) == 1


def test_mark_read_missing_is_404(client, login, world):
    login(world.u_owner)
    assert client.post("/umpan-balik/99999/dibaca").status_code == 404


def test_request_flow_with_a_peer(client, login, world):
    indicator = world.skp.result_plans[0].indicators[0]
    realisation = factories.make_realisation(indicator, 1, text="Rekap layanan")
    # the peer cannot give feedback before being asked
    login(world.u_peer)
    assert _give(client, world, text="Tanpa diminta").status_code == 403

    login(world.u_owner)
    response = client.post(f"/skp/{world.skp.id}/minta-umpan-balik",
                           data={"asked": world.peer.nip_display, "asked_id": world.peer.id,  # as the picker posts
                                 "message": "Mohon masukan atas rekap ini",
                                 "realisation_id": str(realisation.id)})
    assert response.status_code == 302
    feedback_request = db.session.scalar(select(FeedbackRequest))
    assert feedback_request.asked_id == world.peer.id and feedback_request.realisation_id == realisation.id
    assert _count(AuditLog, AuditLog.action == "feedback.request") == 1

    login(world.u_peer)
    inbox = client.get("/umpan-balik").get_data(as_text=True)
    assert "Mohon masukan atas rekap ini" in inbox and f"/umpan-balik/permintaan/{feedback_request.id}" in inbox
    answer_page = client.get(f"/umpan-balik/permintaan/{feedback_request.id}").get_data(as_text=True)
    assert "Rekap layanan" in answer_page and 'name="request_id"' in answer_page
    # the invited peer still cannot read the whole SKP
    assert client.get(f"/skp/{world.skp.id}/realisasi").status_code == 403
    response = _give(client, world, text="Rekapnya jelas.", request_id=str(feedback_request.id))
    assert response.status_code == 302 and response.headers["Location"].endswith("/umpan-balik")
    db.session.expire_all()
    feedback = db.session.scalar(select(Feedback))
    assert feedback.request_id == feedback_request.id and feedback.realisation_id == realisation.id
    assert db.session.get(FeedbackRequest, feedback_request.id).answered_at is not None
    assert "Dijawab" in client.get("/umpan-balik").get_data(as_text=True)
    # answering twice is refused
    assert _give(client, world, text="Lagi", request_id=str(feedback_request.id)).status_code == 422


def test_request_defaults_to_the_assessor_and_refuses_self(client, login, world):
    login(world.u_owner)
    assert client.post(f"/skp/{world.skp.id}/minta-umpan-balik", data={"message": "Mohon arahan"}).status_code == 302
    assert db.session.scalar(select(FeedbackRequest.asked_id)) == world.assessor.id
    response = client.post(f"/skp/{world.skp.id}/minta-umpan-balik", data={"asked": world.owner.nip,
                                                                            "message": "Mohon masukan"})
    assert response.status_code == 422 and "diri sendiri" in response.get_data(as_text=True)
    response = client.post(f"/skp/{world.skp.id}/minta-umpan-balik", data={"asked": "199001012015011999",
                                                                            "message": "Mohon masukan"})
    assert response.status_code == 422 and "tidak ditemukan" in response.get_data(as_text=True)
    assert _count(FeedbackRequest) == 1


@pytest.mark.parametrize("who", ["u_assessor", "u_admin", "u_auditor", "u_peer"])
def test_only_owner_requests_feedback(client, login, world, who):
    login(getattr(world, who))
    assert client.post(f"/skp/{world.skp.id}/minta-umpan-balik", data={"message": "x"}).status_code == 403


def test_other_people_cannot_open_a_request(client, login, world):
    login(world.u_owner)
    client.post(f"/skp/{world.skp.id}/minta-umpan-balik", data={"asked": world.peer.nip, "message": "Mohon masukan"})
    feedback_request = db.session.scalar(select(FeedbackRequest))
    login(world.u_outsider)
    assert client.get(f"/umpan-balik/permintaan/{feedback_request.id}").status_code == 403
    assert _give(client, world, text="x", request_id=str(feedback_request.id)).status_code == 403


def test_inbox_shows_unread_count_for_me(client, login, world):
    factories.make_feedback(world.skp, world.assessor)
    login(world.u_owner)
    body = client.get("/umpan-balik").get_data(as_text=True)
    assert "1 belum dibaca" in body and f"/skp/{world.skp.id}/realisasi" in body


def test_inbox_needs_an_employee(client, login, world):
    login(world.u_admin)
    assert client.get("/umpan-balik").status_code == 403


def test_inbox_query_count_is_flat(client, login, world, queries):
    def ask(n):
        for _ in range(n):
            db.session.add(FeedbackRequest(skp_id=world.skp.id, requested_by_id=world.owner.id,
                                           asked_id=world.assessor.id, message="Mohon masukan"))
        db.session.commit()

    login(world.u_assessor)
    ask(3)
    db.session.expire_all()
    with queries() as few:
        assert client.get("/umpan-balik").status_code == 200
    ask(20)
    db.session.expire_all()
    with queries() as many:
        assert client.get("/umpan-balik").status_code == 200
    assert many.count == few.count


# ---------------------------------------------------------------------------------------------------------
# Phrases


def test_use_phrase_without_js_fills_the_text(client, login, world):
    seed_feedback_phrases()
    db.session.commit()
    phrase = db.session.scalar(select(FeedbackPhrase).order_by(FeedbackPhrase.id))
    login(world.u_assessor)
    page = client.get(f"/skp/{world.skp.id}/realisasi").get_data(as_text=True)
    assert 'data-fill-target="#text"' in page and "Gunakan frasa" in page
    response = _give(client, world, phrase_id=str(phrase.id), text="", use_phrase="1")
    assert response.status_code == 200
    assert phrase.text in response.get_data(as_text=True).split('id="text"')[1].split("</textarea>")[0]
    assert _count(Feedback) == 0  # nothing sent yet


def test_seed_is_idempotent():
    assert seed_feedback_phrases() == len(SHARED_PHRASES) >= 10
    assert seed_feedback_phrases() == 0
    db.session.commit()
    assert _count(FeedbackPhrase, FeedbackPhrase.owner_id.is_(None)) == len(SHARED_PHRASES)


def test_assessor_manages_own_phrases_and_sees_shared(client, login, world):
    shared = FeedbackPhrase(owner_id=None, text="Frasa bersama", category="umum")
    db.session.add(shared)
    db.session.commit()
    login(world.u_assessor)
    assert client.post("/umpan-balik/frasa", data={"text": "Frasa saya", "category": "hasil"}).status_code == 302
    mine = db.session.scalar(select(FeedbackPhrase).where(FeedbackPhrase.text == "Frasa saya"))
    assert mine.owner_id == world.assessor.id
    body = client.get("/umpan-balik/frasa").get_data(as_text=True)
    assert "Frasa bersama" in body and "Frasa saya" in body
    assert f"/umpan-balik/frasa/{shared.id}/ubah" not in body  # the shared one is the admin's
    assert client.post(f"/umpan-balik/frasa/{shared.id}/ubah", data={"text": "x", "category": "umum"}).status_code \
        == 403
    assert client.post(f"/umpan-balik/frasa/{mine.id}/ubah",
                       data={"text": "Frasa saya, diperbaiki", "category": "hasil", "active": "y"}).status_code == 302
    assert client.post(f"/umpan-balik/frasa/{mine.id}/nonaktifkan").status_code == 302
    db.session.expire_all()
    assert mine.text == "Frasa saya, diperbaiki" and mine.active is False
    # a deactivated phrase is no longer offered on the feedback form
    page = client.get(f"/skp/{world.skp.id}/realisasi").get_data(as_text=True)
    assert "Frasa bersama" in page and "Frasa saya, diperbaiki" not in page
    assert _count(AuditLog, AuditLog.action.like("feedback_phrase.%")) == 3


def test_other_people_cannot_touch_my_phrase(client, login, world):
    phrase = FeedbackPhrase(owner_id=world.assessor.id, text="Milik penilai", category="umum")
    db.session.add(phrase)
    db.session.commit()
    for user in (world.u_peer, world.u_admin, world.u_auditor):
        login(user)
        assert client.get(f"/umpan-balik/frasa/{phrase.id}/ubah").status_code == 403
        assert client.post(f"/umpan-balik/frasa/{phrase.id}/nonaktifkan").status_code == 403
        assert "Milik penilai" not in client.get("/umpan-balik/frasa").get_data(as_text=True)


def test_admin_manages_shared_phrases_auditor_reads(client, login, world):
    login(world.u_admin)
    assert client.post("/umpan-balik/frasa", data={"text": "Frasa BKPSDM", "category": "umum"}).status_code == 302
    assert db.session.scalar(select(FeedbackPhrase.owner_id)) is None
    login(world.u_auditor)
    body = client.get("/umpan-balik/frasa").get_data(as_text=True)
    assert "Frasa BKPSDM" in body and "Simpan frasa" not in body and "Nonaktifkan" not in body
    assert client.post("/umpan-balik/frasa", data={"text": "x", "category": "umum"}).status_code == 403
    assert client.get("/umpan-balik/frasa/999/ubah").status_code == 404
