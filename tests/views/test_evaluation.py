"""The evaluation pages through HTTP: scoring (draft, finalise, refusals at the field), the team list and the
superior's queue, calibration send-back, release and acknowledgement, appeals, the unit's distribution, the admin's
policy and overdue lists; authorisation for every URL by role; htmx fragments; query counts."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from portal.core.timeutil import local_today, utcnow
from portal.evaluation import appeals, rules
from portal.evaluation import services as services
from portal.evaluation.models import (
    FINAL,
    RELEASED,
    RETURNED,
    Appeal,
    Evaluation,
    UnitAchievement,
)
from portal.extensions import db
from tests import factories
from tests.unit.test_evaluation_services import build

HTMX = {"HX-Request": "true"}
TODAY = local_today()
RATE = {"result_rating": rules.AS_EXPECTED, "behaviour_rating": rules.AS_EXPECTED}


@pytest.fixture
def w():
    world = build(TODAY)
    world.colleague_unit = factories.make_unit("Dinas Lain")
    world.stranger = factories.make_employee("Orang Lain", unit=world.colleague_unit)
    world.users[world.stranger.id] = factories.make_user(employee=world.stranger)
    world.auditor = factories.make_user(role="auditor")
    return world


def _login(login, client, user):
    return login(user, client.application.test_client())


def _who(w, who):
    return {"assessor": w.users[w.assessor.id], "head": w.users[w.head.id], "employee": w.users[w.staff[0].id],
            "colleague": w.users[w.staff[1].id], "stranger": w.users[w.stranger.id], "admin": w.admin,
            "auditor": w.auditor}[who]


def _url(w, emp=None):
    return f"/evaluasi/{(emp or w.staff[0]).id}/{w.phase.id}"


def _close(w, days=1):
    w.phase.opens_on, w.phase.closes_on = TODAY - dt.timedelta(days=30), TODAY - dt.timedelta(days=days)
    db.session.commit()


def _final(w, emp=None, data=None, actor=None):
    evaluation = services.finalise(actor or w.users[w.assessor.id], emp or w.staff[0], w.phase, data or RATE,
                                   today=TODAY, now=utcnow(), distribution_note="Catatan distribusi")
    db.session.commit()
    return evaluation


# ---------------------------------------------------------------------------------------------------------
# Scoring through the page


def test_assessor_scores_draft_then_finalises(w, client, login):
    c = _login(login, client, w.users[w.assessor.id])
    page = c.get(_url(w))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Rating Hasil Kerja" in html and "Sebagian besar hasil kerja melampaui target" in html  # guidance
    assert 'name="predikat"' not in html  # never typed
    response = c.post(_url(w), data={"result_rating": rules.ABOVE, "action": "simpan", "version": ""})
    assert response.status_code == 302
    evaluation = db.session.scalar(select(Evaluation))
    assert evaluation.status == "draft" and evaluation.result_rating == rules.ABOVE
    response = c.post(_url(w), data={"result_rating": rules.ABOVE, "behaviour_rating": rules.ABOVE,
                                     "action": "finalkan", "version": evaluation.version_id,
                                     "distribution_note": "Tim berkinerja tinggi"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    evaluation = db.session.scalar(select(Evaluation))
    assert (evaluation.status, evaluation.predikat) == (FINAL, rules.SANGAT_BAIK)
    html = c.get(_url(w)).get_data(as_text=True)
    assert "Sangat Baik" in html and "Tandatangani dan serahkan dokumen" in html and 'value="finalkan"' not in html


def test_a_missing_justification_is_shown_at_the_field_and_nothing_is_final(w, client, login):
    c = _login(login, client, w.users[w.assessor.id])
    response = c.post(_url(w), data={"result_rating": rules.BELOW, "behaviour_rating": rules.AS_EXPECTED,
                                     "action": "finalkan", "version": ""}, headers=HTMX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="evaluation-score"' in html and "<html" not in html
    assert re.search(r'id="result_justification-error"[^>]*>[^<]*Tulis alasan', html)
    assert db.session.scalar(select(Evaluation.status)) in (None, "draft")


def test_a_stale_form_is_a_conflict(w, client, login):
    c = _login(login, client, w.users[w.assessor.id])
    c.post(_url(w), data={**RATE, "action": "simpan", "version": ""})
    evaluation = db.session.scalar(select(Evaluation))
    old = evaluation.version_id
    c.post(_url(w), data={**RATE, "note": "pertama", "action": "simpan", "version": old})
    response = c.post(_url(w), data={**RATE, "note": "kedua", "action": "simpan", "version": old})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.scalar(select(Evaluation.note)) == "pertama"


def test_the_superior_rates_after_the_close_and_the_assessor_cannot(w, client, login):
    _close(w)
    assessor = _login(login, client, w.users[w.assessor.id])
    assert assessor.post(_url(w), data={**RATE, "action": "simpan", "version": ""}).status_code == 403
    head = _login(login, client, w.users[w.head.id])
    queue = head.get(f"/evaluasi?jendela={w.phase.id}").get_data(as_text=True)
    assert "Sebagai Atasan Pejabat Penilai Kinerja" in queue and w.staff[0].full_name in queue
    assert "Anda menilai sebagai Atasan Pejabat Penilai Kinerja" in head.get(_url(w)).get_data(as_text=True)
    response = head.post(_url(w), data={**RATE, "action": "finalkan", "version": "",
                                        "distribution_note": "x"})
    assert response.status_code == 302
    evaluation = db.session.scalar(select(Evaluation))
    assert evaluation.by_superior and evaluation.status == FINAL


def test_team_list_and_distribution(w, client, login):
    db.session.add(UnitAchievement(unit_id=w.opd.id, phase_id=w.phase.id, rating=rules.UNIT_BAIK, basis="SAKIP"))
    db.session.commit()
    _final(w)
    c = _login(login, client, w.users[w.assessor.id])
    html = c.get("/evaluasi").get_data(as_text=True)
    for emp in w.staff:
        assert emp.full_name in html
    assert "Distribusi predikat tim Anda" in html and "Menyimpang dari pola" in html
    fragment = c.get(f"/evaluasi?jendela={w.phase.id}", headers=HTMX)
    assert "<html" not in fragment.get_data(as_text=True) and "HX-Request" in fragment.headers["Vary"]


# ---------------------------------------------------------------------------------------------------------
# Calibration, release, acknowledgement


def test_unit_head_sends_back_then_assessor_releases_and_employee_acknowledges(w, client, login):
    evaluation = _final(w)
    head = _login(login, client, w.users[w.head.id])
    unit_page = head.get(f"/evaluasi/unit?unit={w.opd.id}&jendela={w.phase.id}").get_data(as_text=True)
    assert w.staff[0].full_name in unit_page and "Kalibrasi" in unit_page
    response = head.post(f"/evaluasi/{evaluation.id}/kembalikan",
                         data={"note": "Periksa lagi capaian IKU", "version": evaluation.version_id})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Evaluation, evaluation.id).status == RETURNED
    assessor = _login(login, client, w.users[w.assessor.id])
    assert "Periksa lagi capaian IKU" in assessor.get(_url(w)).get_data(as_text=True)
    evaluation = _final(w)
    employee = _login(login, client, w.users[w.staff[0].id])
    assert "Belum ada hasil evaluasi" in employee.get("/evaluasi/saya").get_data(as_text=True)  # not released yet
    assert assessor.post(f"/evaluasi/{evaluation.id}/serahkan",
                         data={"version": evaluation.version_id}).status_code == 302
    db.session.expire_all()
    evaluation = db.session.get(Evaluation, evaluation.id)
    assert evaluation.status == RELEASED and evaluation.current_document.version == 1
    html = employee.get("/evaluasi/saya").get_data(as_text=True)
    assert "Konfirmasi dokumen diterima" in html
    doc = evaluation.current_document
    assert employee.post(f"/evaluasi/dokumen/{doc.id}/terima").status_code == 302
    db.session.expire_all()
    assert db.session.get(Evaluation, evaluation.id).current_document.received_on == TODAY
    assert "Ajukan keberatan" in employee.get("/evaluasi/saya").get_data(as_text=True)


def test_a_second_release_is_a_conflict(w, client, login):
    evaluation = _final(w)
    assessor = _login(login, client, w.users[w.assessor.id])
    assert assessor.post(f"/evaluasi/{evaluation.id}/serahkan").status_code == 302
    response = assessor.post(f"/evaluasi/{evaluation.id}/serahkan")
    assert response.status_code == 409 and "Diserahkan" in response.get_data(as_text=True)


def test_the_admin_reopens_with_a_reason(w, client, login):
    evaluation = _final(w)
    admin = _login(login, client, w.admin)
    assert admin.post(f"/evaluasi/{evaluation.id}/buka-kembali", data={"reason": "Salah rating"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Evaluation, evaluation.id).status == "draft"


# ---------------------------------------------------------------------------------------------------------
# Appeals


def _released_and_received(w):
    evaluation = _final(w)
    services.release(w.users[w.assessor.id], evaluation, today=TODAY, now=utcnow())
    services.acknowledge(w.users[w.staff[0].id], evaluation.current_document, today=TODAY, now=utcnow())
    db.session.commit()
    return evaluation


def test_appeal_through_the_pages(w, client, login):
    evaluation = _released_and_received(w)
    employee = _login(login, client, w.users[w.staff[0].id])
    form = employee.get(f"/evaluasi/{evaluation.id}/keberatan").get_data(as_text=True)
    assert w.head.full_name in form
    pdf = (io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), "bukti.pdf")
    response = employee.post(f"/evaluasi/{evaluation.id}/keberatan",
                             data={"reasons": "Bukti September tidak dipertimbangkan.", "files": [pdf]},
                             content_type="multipart/form-data")
    assert response.status_code == 302
    appeal = db.session.scalar(select(Appeal))
    # The decider asks both sides; both answer in the portal.
    head = _login(login, client, w.users[w.head.id])
    assert w.staff[0].full_name in head.get("/keberatan").get_data(as_text=True)
    for party in ("penilai", "pegawai"):
        assert head.post(f"/keberatan/{appeal.id}/minta-penjelasan",
                         data={"party": party, "question": f"Jelaskan ({party})"}).status_code == 302
    db.session.expire_all()
    appeal = db.session.get(Appeal, appeal.id)
    by_party = {s.party: s for s in appeal.statements}
    assessor = _login(login, client, w.users[w.assessor.id])
    prefix = f"s{by_party['penilai'].id}-"
    assert assessor.post(f"/keberatan/penjelasan/{by_party['penilai'].id}",
                         data={f"{prefix}answer": "Bukti terlambat diunggah."}).status_code == 302
    prefix = f"s{by_party['pegawai'].id}-"
    assert employee.post(f"/keberatan/penjelasan/{by_party['pegawai'].id}",
                         data={f"{prefix}answer": "Diunggah 30 September."}).status_code == 302
    # Attachments are for the parties only.
    attachment = appeal.attachments[0]
    assert head.get(f"/keberatan/lampiran/{attachment.id}").status_code == 200
    colleague = _login(login, client, w.users[w.staff[1].id])
    assert colleague.get(f"/keberatan/lampiran/{attachment.id}").status_code == 404
    assert colleague.get(f"/keberatan/{appeal.id}").status_code == 404
    # A changed decision: a new document version, the old one superseded.
    response = head.post(f"/keberatan/{appeal.id}/putuskan",
                         data={"outcome": "diubah", "result_rating": rules.ABOVE, "behaviour_rating": rules.ABOVE,
                               "decision_note": "Bukti sah.", "version": appeal.version_id})
    assert response.status_code == 302
    db.session.expire_all()
    evaluation = db.session.get(Evaluation, evaluation.id)
    assert evaluation.predikat == rules.SANGAT_BAIK and [d.version for d in evaluation.documents] == [1, 2]
    second = head.post(f"/keberatan/{appeal.id}/putuskan",
                       data={"outcome": "ditetapkan", "decision_note": "x", "version": ""})
    assert second.status_code == 409
    assert "Diputuskan: penilaian diubah" in employee.get(f"/keberatan/{appeal.id}").get_data(as_text=True)


def test_appeal_refused_after_the_deadline(w, client, login, monkeypatch):
    evaluation = _released_and_received(w)
    due = appeals.appeal_due(evaluation)
    monkeypatch.setattr("portal.evaluation.appeal_views.local_today", lambda: due + dt.timedelta(days=1))
    employee = _login(login, client, w.users[w.staff[0].id])
    response = employee.post(f"/evaluasi/{evaluation.id}/keberatan", data={"reasons": "Terlambat"})
    assert response.status_code == 422 and "sudah lewat" in response.get_data(as_text=True)
    assert db.session.scalar(select(Appeal.id)) is None


# ---------------------------------------------------------------------------------------------------------
# Authorisation for every URL by role


def _urls(w):
    evaluation = _released_and_received(w)
    appeal = appeals.file_appeal(w.users[w.staff[0].id], evaluation, "Keberatan", [], today=TODAY, now=utcnow())
    db.session.commit()
    return evaluation, appeal


@pytest.mark.parametrize("who, expected", [
    ("assessor", 200), ("head", 200), ("employee", 302), ("colleague", 403), ("stranger", 403), ("admin", 200),
    ("auditor", 200)])
def test_score_page_by_role(w, client, login, who, expected):
    _urls(w)
    assert _login(login, client, _who(w, who)).get(_url(w)).status_code == expected


@pytest.mark.parametrize("who", ["head", "colleague", "stranger", "admin", "auditor", "employee"])
def test_only_the_rater_may_post_ratings(w, client, login, who):
    response = _login(login, client, _who(w, who)).post(_url(w), data={**RATE, "action": "simpan", "version": ""})
    assert response.status_code in (302, 403)
    assert db.session.scalar(select(Evaluation.id)) is None


@pytest.mark.parametrize("who, appeal_page, decide", [
    ("employee", 200, 403), ("assessor", 200, 403), ("head", 200, 302), ("colleague", 404, 404),
    ("stranger", 404, 404), ("admin", 200, 403), ("auditor", 200, 403)])
def test_appeal_urls_by_role(w, client, login, who, appeal_page, decide):
    _evaluation, appeal = _urls(w)
    c = _login(login, client, _who(w, who))
    assert c.get(f"/keberatan/{appeal.id}").status_code == appeal_page
    response = c.post(f"/keberatan/{appeal.id}/putuskan", data={"outcome": "ditetapkan", "decision_note": "ok"})
    assert response.status_code == decide


@pytest.mark.parametrize("who, status", [
    ("employee", 403), ("colleague", 403), ("assessor", 403), ("head", 302), ("admin", 403), ("auditor", 403)])
def test_send_back_by_role(w, client, login, who, status):
    evaluation = _final(w)
    response = _login(login, client, _who(w, who)).post(f"/evaluasi/{evaluation.id}/kembalikan",
                                                        data={"note": "x"})
    assert response.status_code == status


@pytest.mark.parametrize("who, status", [("admin", 302), ("auditor", 403), ("head", 403), ("assessor", 403)])
def test_reopen_by_role(w, client, login, who, status):
    evaluation = _final(w)
    response = _login(login, client, _who(w, who)).post(f"/evaluasi/{evaluation.id}/buka-kembali",
                                                        data={"reason": "x"})
    assert response.status_code == status


@pytest.mark.parametrize("path, allowed", [
    ("/evaluasi/unit", {"assessor", "head", "admin", "auditor"}),  # the Kepala Bidang heads the bidang
    ("/evaluasi/pola-distribusi", {"admin", "auditor"}),
    ("/evaluasi/terlambat", {"admin", "auditor"}),
    ("/evaluasi", {"assessor", "head"}),
    ("/evaluasi/saya", {"assessor", "head", "employee", "colleague", "stranger"}),
])
def test_list_pages_by_role(w, client, login, path, allowed):
    for who in ("assessor", "head", "employee", "colleague", "stranger", "admin", "auditor"):
        status = _login(login, client, _who(w, who)).get(path).status_code
        assert status == (200 if who in allowed else 403), (path, who, status)


def test_history_and_others(w, client, login):
    evaluation = _final(w)
    assessor = _login(login, client, w.users[w.assessor.id])
    assert predikat_in(assessor.get(f"/evaluasi/riwayat/{w.staff[0].id}").get_data(as_text=True))
    assert _login(login, client, w.users[w.stranger.id]).get(f"/evaluasi/riwayat/{w.staff[0].id}").status_code == 403
    assert evaluation.id


def predikat_in(html: str) -> bool:
    return "Baik" in html


def test_acknowledge_only_own_document(w, client, login):
    evaluation = _final(w)
    services.release(w.users[w.assessor.id], evaluation, today=TODAY, now=utcnow())
    db.session.commit()
    doc = evaluation.current_document
    assert _login(login, client, w.users[w.staff[1].id]).post(f"/evaluasi/dokumen/{doc.id}/terima").status_code == 404
    assert _login(login, client, w.users[w.assessor.id]).post(f"/evaluasi/dokumen/{doc.id}/terima").status_code == 404


# ---------------------------------------------------------------------------------------------------------
# Unit achievement, policy, overdue


def test_head_records_the_capaian_and_admin_edits_the_policy(w, client, login):
    head = _login(login, client, w.users[w.head.id])
    url = f"/evaluasi/unit/{w.opd.id}/{w.phase.id}/capaian"
    assert head.post(url, data={"rating": "", "basis": ""}).status_code == 422
    assert head.post(url, data={"rating": rules.UNIT_BAIK, "basis": "Nilai SAKIP BB"}).status_code == 302
    assert db.session.scalar(select(UnitAchievement.rating)) == rules.UNIT_BAIK
    colleague = _login(login, client, w.users[w.staff[1].id])
    assert colleague.post(url, data={"rating": rules.UNIT_ISTIMEWA, "basis": "x"}).status_code == 403
    admin = _login(login, client, w.admin)
    response = admin.post("/evaluasi/pola-distribusi", data={
        "unit_rating": rules.UNIT_BAIK, "kind-0": rules.AT_MOST, "predikat-0": [rules.BAIK], "percent-0": "80"})
    assert response.status_code == 302
    assert services.patterns()[rules.UNIT_BAIK] == (rules.Constraint(rules.AT_MOST, (rules.BAIK,), 80),)
    auditor = _login(login, client, w.auditor)
    assert auditor.post("/evaluasi/pola-distribusi", data={"unit_rating": rules.UNIT_BAIK}).status_code == 403


def test_overdue_lists_not_finalised_after_the_close(w, client, login):
    _close(w)
    admin = _login(login, client, w.admin)
    html = admin.get("/evaluasi/terlambat").get_data(as_text=True)
    assert w.staff[0].full_name in html


# ---------------------------------------------------------------------------------------------------------
# Queries


def test_team_and_unit_pages_query_counts_are_flat(w, client, login, queries, make_employee):
    assessor = _login(login, client, w.users[w.assessor.id])
    head = _login(login, client, w.users[w.head.id])

    def measure():
        assessor.get("/evaluasi")
        head.get(f"/evaluasi/unit?unit={w.opd.id}&jendela={w.phase.id}")
        with queries() as team:
            assert assessor.get("/evaluasi").status_code == 200
        with queries() as unit:
            assert head.get(f"/evaluasi/unit?unit={w.opd.id}&jendela={w.phase.id}").status_code == 200
        return team.count, unit.count

    _final(w)
    small = measure()
    for i in range(20):
        emp = make_employee(f"Tambahan {i}", unit=w.bidang, superior=w.assessor)
        w.users[emp.id] = factories.make_user(employee=emp)
        _final(w, emp)
    assert measure() == small
