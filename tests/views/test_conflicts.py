"""Decide-once actions answer a late second decision as a conflict: 409 with the record as it is now and an
Indonesian message, never 403 or a silent second change (issue: the assessor's superior clicking *Setujui* one
second after the assessor). The SKP flow is covered in test_skp_flow.py; here the 360 nominations and the
self-assessment return, each without JS (the full page) and with htmx (the fragment)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.assessment.models import (
    GROUP_PEER,
    NOMINATION_CANCELLED,
    NOMINATION_DECLINED,
    NOMINATION_INVITED,
    NOMINATION_PREPARED,
    NOMINATION_PROPOSED,
    NOMINATION_REJECTED,
    NOMINATION_REPLACED,
    SELF_RETURNED,
    RaterNomination,
)
from portal.core.audit import AuditLog
from portal.extensions import db
from tests.unit.test_nomination_services import build_world

HTMX = {"HX-Request": "true"}


@pytest.fixture
def w():
    return build_world()


def _url(w):
    return f"/360/{w.subject.id}/{w.phase.id}"


def _nomination(w, rater, status, nominated_by=None):
    n = RaterNomination(subject_id=w.subject.id, phase_id=w.phase.id, rater_id=rater.id, group=GROUP_PEER,
                        status=status, nominated_by_id=(nominated_by or w.assessor).id)
    db.session.add(n)
    db.session.commit()
    return n


def _status(n) -> str:
    db.session.expire_all()
    return db.session.get(RaterNomination, n.id).status


def _audit_count(action: str) -> int:
    return db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == action))


def _assert_conflict(response, *texts, fragment: bool):
    html = response.get_data(as_text=True)
    assert response.status_code == 409, html[:300]
    assert "Akses ditolak" not in html and "Tidak ada yang diubah." in html
    assert ("<html" in html) != fragment
    assert 'id="nominations-panel"' in html  # the list as it is now
    for text in texts:
        assert text in html


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["no-js", "htmx"])
@pytest.mark.parametrize(("first", "second", "state", "label"), [
    ("setujui", "tidak-setujui", NOMINATION_PREPARED, "Belum dikirim"),
    ("tidak-setujui", "setujui", NOMINATION_REJECTED, "Tidak disetujui"),
    ("setujui", "setujui", NOMINATION_PREPARED, "Belum dikirim"),
])
def test_second_decision_on_a_proposal_is_409_with_its_state(w, client, login, first, second, state, label,
                                                              headers):
    proposal = _nomination(w, w.peers[0], NOMINATION_PROPOSED, nominated_by=w.subject)
    login(w.u_assessor)
    assert client.post(f"/360/nominasi/{proposal.id}/{first}").status_code == 302  # the first tab
    audited = _audit_count("assessment.approve_nomination") + _audit_count("assessment.reject_nomination")
    response = client.post(f"/360/nominasi/{proposal.id}/{second}", headers=headers)  # the second tab
    _assert_conflict(response, "Usulan ini sudah diputuskan.", f"sekarang: {label}", fragment=bool(headers))
    assert _status(proposal) == state
    assert _audit_count("assessment.approve_nomination") + _audit_count("assessment.reject_nomination") == audited


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["no-js", "htmx"])
def test_employee_withdrawing_a_proposal_the_assessor_just_approved_gets_409_not_403(w, client, login, headers):
    proposal = _nomination(w, w.peers[0], NOMINATION_PREPARED, nominated_by=w.subject)  # approved a moment ago
    login(w.u_subject)
    response = client.post(f"/360/nominasi/{proposal.id}/hapus", headers=headers)
    _assert_conflict(response, "Usulan ini sudah diputuskan.", "Belum dikirim", fragment=bool(headers))
    assert _status(proposal) == NOMINATION_PREPARED


def test_employee_still_cannot_touch_the_assessors_own_invitation(w, client, login):
    invited = _nomination(w, w.peers[0], NOMINATION_PREPARED)
    login(w.u_subject)
    assert client.post(f"/360/nominasi/{invited.id}/hapus").status_code == 403


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["no-js", "htmx"])
def test_replacing_a_rater_already_replaced_is_409(w, client, login, headers):
    declined = _nomination(w, w.peers[0], NOMINATION_DECLINED)
    login(w.u_assessor)
    assert client.post(f"/360/nominasi/{declined.id}/ganti", data={"replacement": w.peers[1].nip}).status_code == 302
    response = client.post(f"/360/nominasi/{declined.id}/ganti", data={"replacement": w.peers[2].nip}, headers=headers)
    _assert_conflict(response, "Hanya penilai yang menolak yang dapat diganti.", "sekarang: Diganti",
                     fragment=bool(headers))
    assert _status(declined) == NOMINATION_REPLACED
    assert db.session.scalar(select(func.count(RaterNomination.id)).where(
        RaterNomination.status == NOMINATION_INVITED)) == 1


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["no-js", "htmx"])
def test_sending_the_invitations_twice_is_409(w, client, login, headers):
    for peer in w.peers[:3]:
        _nomination(w, peer, NOMINATION_PREPARED)
    login(w.u_assessor)
    assert client.post(_url(w) + "/kirim").status_code == 302
    response = client.post(_url(w) + "/kirim", headers=headers)
    _assert_conflict(response, "undangan sudah dikirim", fragment=bool(headers))


def test_sending_with_nothing_prepared_and_nothing_sent_stays_422(w, client, login):
    login(w.u_assessor)
    assert client.post(_url(w) + "/kirim").status_code == 422


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["no-js", "htmx"])
def test_cancelling_an_invitation_twice_is_409(w, client, login, headers):
    invited = _nomination(w, w.peers[0], NOMINATION_INVITED)
    login(w.u_admin)
    assert client.post(f"/360/nominasi/{invited.id}/batalkan", data={"reason": "Keliru orang"}).status_code == 302
    response = client.post(f"/360/nominasi/{invited.id}/batalkan", data={"reason": "Keliru orang"},
                           headers=headers)
    _assert_conflict(response, "sekarang: Dibatalkan", fragment=bool(headers))
    assert _status(invited) == NOMINATION_CANCELLED
    assert _audit_count("assessment.cancel_invitation") == 1


# --- the self-assessment return ---------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["no-js", "htmx"])
def test_returning_a_self_assessment_twice_is_409_with_its_state(client, login, app, headers):
    from tests.views.test_self_assessment import build_world as self_world
    from tests.views.test_self_assessment import submitted, the_sa

    sw = self_world()
    sa = submitted(sw, client, login)
    version = sa.version_id
    assessor = login(sw.u_assessor, app.test_client())
    data = {"version_id": version, "note": "Tambahkan contoh perilaku"}
    assert assessor.post(f"/penilaian-diri/{sa.id}/kembalikan", data=data).status_code == 302  # the first tab
    response = assessor.post(f"/penilaian-diri/{sa.id}/kembalikan", data=data, headers=headers)  # the second
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "sudah dikembalikan" in html and "Tidak ada yang diubah." in html and "Akses ditolak" not in html
    assert f'action="/penilaian-diri/{sa.id}/kembalikan"' not in html  # the page as it is now: returned
    sa = the_sa(sw)
    assert (sa.status, sa.returned_count) == (SELF_RETURNED, 1)
    assert _audit_count("self_assessment.return") == 1
