"""Dialog kinerja, coaching and counselling pages: the whole session through HTTP (htmx and no-JS), and exactly
what each of the employee, the assessor, the assessor's superior, the unit head, the admin, the auditor and the
counsellor may see through every page and fragment - the private note and counselling content above all."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from portal.core.timeutil import local_today, utcnow
from portal.dialog import permissions, rules
from portal.dialog import services as services
from portal.dialog.models import DialogAction, DialogSession, TalkingPoint
from portal.extensions import db
from tests import factories
from tests.unit.test_dialog_services import build

HTMX = {"HX-Request": "true"}
PRIVATE = "RAHASIA-PENILAI motivasi menurun"
SECRET = "RAHASIA-KONSELING masalah keluarga"
FUTURE = (local_today() + dt.timedelta(days=3)).isoformat()


@pytest.fixture
def w():
    world = build()
    # The unit head above: w.head heads Dinas Dialog; the assessor's superior is also w.head. Add a second head
    # of a parent unit to tell them apart.
    return world


def _c(login, client, user):
    return login(user, client.application.test_client())


def _who(w, who):
    return {"employee": w.users[w.employee.id], "assessor": w.users[w.assessor.id], "superior": w.users[w.head.id],
            "colleague": w.users[w.colleague.id], "counsellor": w.users[w.counsellor.id], "admin": w.admin,
            "auditor": w.auditor}[who]


def _session(w, client, login, scheduled=True):
    assessor = _c(login, client, w.users[w.assessor.id])
    response = assessor.post(f"/dialog/baru/{w.employee.id}", data={
        "kind": rules.KIND_CHECKIN, "date": FUTURE, "time": "09:30", "duration": "45", "place": "Ruang Bidang"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    session = db.session.scalar(select(DialogSession).order_by(DialogSession.id.desc()))
    if scheduled:
        employee = _c(login, client, w.users[w.employee.id])
        assert employee.post(f"/dialog/{session.id}/terima", data={"version": session.version_id}).status_code == 302
    db.session.expire_all()
    return db.session.get(DialogSession, session.id)


def test_a_session_from_proposal_to_confirmation(w, client, login):
    session = _session(w, client, login, scheduled=False)
    assert session.starts_at.hour == 2 and session.starts_at.minute == 30  # 09:30 WIB kept as UTC
    employee = _c(login, client, w.users[w.employee.id])
    page = employee.get(f"/dialog/{session.id}").get_data(as_text=True)
    assert "Terima jadwal" in page and "Tutup sesi" not in page
    response = employee.post(f"/dialog/{session.id}/pokok", data={"text": "Beban kerja"}, headers=HTMX)
    assert response.status_code == 204 and response.headers["HX-Redirect"].endswith(f"/dialog/{session.id}")
    assert employee.post(f"/dialog/{session.id}/terima", data={"version": session.version_id}).status_code == 302
    assessor = _c(login, client, w.users[w.assessor.id])
    db.session.expire_all()
    session = db.session.get(DialogSession, session.id)
    # Live notes autosave (htmx status fragment with the new version out of band), then the no-JS save.
    response = assessor.post(f"/dialog/{session.id}/catatan", data={"notes": "Dibahas beban kerja",
                                                                    "version": session.version_id,
                                                                    "action": "autosave"}, headers=HTMX)
    assert response.status_code == 200 and 'id="notes-version"' in response.get_data(as_text=True)
    db.session.expire_all()
    session = db.session.get(DialogSession, session.id)
    assert session.notes == "Dibahas beban kerja"
    stale = assessor.post(f"/dialog/{session.id}/catatan", data={"notes": "x", "version": "1", "action": "autosave"},
                          headers=HTMX)
    assert stale.status_code == 409
    for text in ("Daftar pelatihan data", "Susun jadwal kerja"):
        assert assessor.post(f"/dialog/{session.id}/tindak-lanjut",
                             data={"action_text": text, "owner": rules.EMPLOYEE, "due_on": FUTURE}).status_code == 302
    assert employee.post(f"/dialog/{session.id}/tutup", data={"version": session.version_id}).status_code == 422
    assert assessor.post(f"/dialog/{session.id}/tutup", data={"version": session.version_id}).status_code == 302
    assert employee.post(f"/dialog/{session.id}/konfirmasi", data={"comment": "Sepakat"}).status_code == 302
    action = db.session.scalar(select(DialogAction).order_by(DialogAction.id))
    assert employee.post(f"/dialog/tindak-lanjut/{action.id}", data={"status": rules.ACTION_DONE}).status_code == 302
    db.session.expire_all()
    assert db.session.get(DialogAction, action.id).status == rules.ACTION_DONE
    assert db.session.get(DialogSession, session.id).status == rules.CONFIRMED
    # The next session carries the undiscussed point.
    second = _session(w, client, login, scheduled=False)
    assert [p.text for p in second.points] == ["Beban kerja"]


def test_invalid_proposal_stays_on_the_form(w, client, login):
    assessor = _c(login, client, w.users[w.assessor.id])
    response = assessor.post(f"/dialog/baru/{w.employee.id}", data={"kind": rules.KIND_CHECKIN, "date": FUTURE,
                                                                    "time": "09:00", "duration": "60"})
    assert response.status_code == 422 and "tempat atau tautan" in response.get_data(as_text=True)
    assert db.session.scalar(select(DialogSession.id)) is None


def test_ics_download(w, client, login):
    session = _session(w, client, login)
    response = _c(login, client, w.users[w.employee.id]).get(f"/dialog/{session.id}/kalender.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in response.get_data(as_text=True)


# ---------------------------------------------------------------------------------------------------------
# Who sees what: the private note


@pytest.mark.parametrize("who, status, private", [
    ("assessor", 200, True), ("employee", 200, False), ("admin", 200, False), ("auditor", 200, False),
    ("superior", 404, False), ("colleague", 404, False), ("counsellor", 404, False)])
def test_the_private_note_is_the_assessors_alone(w, client, login, who, status, private):
    session = _session(w, client, login)
    services.save_private_note(w.users[w.assessor.id], session, PRIVATE)
    db.session.commit()
    c = _c(login, client, _who(w, who))
    for path, headers in ((f"/dialog/{session.id}", None), (f"/dialog/{session.id}", HTMX)):
        response = c.get(path, headers=headers)
        assert response.status_code == status
        assert (PRIVATE in response.get_data(as_text=True)) is private
    # Every fragment returned by an action of the employee omits it too (a refusal re-renders the session).
    if who == "employee":
        refused = c.post(f"/dialog/{session.id}/pokok", data={"text": ""}, headers=HTMX)
        assert refused.status_code == 422 and 'id="dialog-session"' in refused.get_data(as_text=True)
        assert PRIVATE not in refused.get_data(as_text=True)
    response = c.post(f"/dialog/{session.id}/catatan-pribadi", data={"private_note": "ditimpa"})
    assert response.status_code == (302 if who == "assessor" else 404)


def test_history_shows_sessions_without_content_to_the_superior(w, client, login):
    session = _session(w, client, login)
    services.save_notes(w.users[w.assessor.id], session, "Isi catatan sesi", now=utcnow())
    db.session.commit()
    page = _c(login, client, w.users[w.head.id]).get(f"/dialog/pegawai/{w.employee.id}").get_data(as_text=True)
    assert "Dijadwalkan" in page and "Isi catatan sesi" not in page and f"/dialog/{session.id}" not in page


# ---------------------------------------------------------------------------------------------------------
# Counselling


def _referral(w):
    services.grant_counsellor(w.admin, w.counsellor, True, utcnow())
    referral = services.refer(w.users[w.assessor.id], w.employee, w.counsellor, SECRET)
    services.add_counselling_note(w.users[w.counsellor.id], referral, SECRET + " (catatan)", utcnow())
    db.session.commit()
    return referral


@pytest.mark.parametrize("who, page, listed, content_in_list", [
    ("employee", 200, True, True), ("counsellor", 200, True, True), ("assessor", 404, True, False),
    ("superior", 404, True, False), ("admin", 404, True, False), ("auditor", 404, False, False),
    ("colleague", 404, False, False)])
def test_counselling_content_is_for_the_counsellor_and_the_employee(w, client, login, who, page, listed,
                                                                     content_in_list):
    referral = _referral(w)
    c = _c(login, client, _who(w, who))
    response = c.get(f"/konseling/{referral.id}")
    assert response.status_code == page
    assert (SECRET in response.get_data(as_text=True)) is (page == 200)
    listing = c.get("/konseling")
    if listing.status_code == 200:
        body = listing.get_data(as_text=True)
        assert (w.employee.full_name in body) is listed
        assert SECRET not in body
        assert (f"/konseling/{referral.id}" in body) is content_in_list
    else:
        assert not listed
    note = c.post(f"/konseling/{referral.id}/catatan", data={"text": "menyusup"})
    assert note.status_code == (302 if page == 200 else 404)


def test_the_auditor_sees_the_counselling_trail_without_content(w, client, login):
    _referral(w)
    body = _c(login, client, w.auditor).get("/admin/audit").get_data(as_text=True)
    assert "Rujukan konseling kinerja dibuat" in body and SECRET not in body and "masalah keluarga" not in body


def test_only_the_assessor_refers_and_starts_coaching(w, client, login):
    services.grant_counsellor(w.admin, w.counsellor, True, utcnow())
    db.session.commit()
    for who, status in (("assessor", 200), ("employee", 403), ("superior", 403), ("admin", 403)):
        c = _c(login, client, _who(w, who))
        assert c.get(f"/konseling/baru/{w.employee.id}").status_code == status
        assert c.get(f"/pembinaan/baru/{w.employee.id}").status_code == status
    assessor = _c(login, client, w.users[w.assessor.id])
    response = assessor.post(f"/pembinaan/baru/{w.employee.id}", data={
        "coach": w.colleague.nip, "coach_id": str(w.colleague.id), "kind": rules.MENTORING,
        "goal": "Laporan kinerja", "value_code": ""})
    assert response.status_code == 302
    record_id = int(re.search(r"/pembinaan/(\d+)", response.headers["Location"]).group(1))
    colleague = _c(login, client, w.users[w.colleague.id])
    assert colleague.post(f"/pembinaan/{record_id}/pertemuan",
                          data={"held_on": local_today().isoformat(), "journal": "Format laporan"}).status_code == 302
    assert _c(login, client, w.users[w.head.id]).get(f"/pembinaan/{record_id}").status_code == 404


@pytest.mark.parametrize("who, status", [("admin", 302), ("auditor", 403), ("assessor", 403)])
def test_admin_grants_the_counsellor_role(w, client, login, who, status):
    response = _c(login, client, _who(w, who)).post("/admin/konselor",
                                                    data={"employee": w.counsellor.nip, "active": "1"})
    assert response.status_code == status
    assert permissions.is_counsellor(w.users[w.counsellor.id]) is (status == 302)


def test_team_page_query_count_is_flat(w, client, login, queries):
    assessor = _c(login, client, w.users[w.assessor.id])
    _session(w, client, login)
    assessor.get("/dialog")
    with queries() as small:
        assert assessor.get("/dialog").status_code == 200
    for i in range(15):
        factories.make_employee(f"Anggota {i}", unit=w.unit, superior=w.assessor)
    assessor.get("/dialog")
    with queries() as large:
        assert assessor.get("/dialog").status_code == 200
    assert large.count == small.count
    assert db.session.scalar(select(TalkingPoint.id)) is None


def test_the_year_end_talk_is_linked_from_the_evaluation(w, client, login):
    from portal.evaluation.models import Evaluation
    from portal.periods.models import PeriodPhase

    period = factories.make_period(local_today().year)
    phase = db.session.scalar(select(PeriodPhase).where(PeriodPhase.period_id == period.id,
                                                        PeriodPhase.kind == "evaluasi_tahunan"))
    evaluation = Evaluation(employee_id=w.employee.id, phase_id=phase.id, unit_id=w.employee.unit_id,
                            assessor_id=w.assessor.id, status="final", result_rating="sesuai",
                            behaviour_rating="sesuai", predikat="baik")
    other = Evaluation(employee_id=w.colleague.id, phase_id=phase.id, unit_id=w.unit.id, assessor_id=w.assessor.id)
    db.session.add_all([evaluation, other])
    db.session.commit()
    assessor = _c(login, client, w.users[w.assessor.id])
    form = assessor.get(f"/dialog/baru/{w.employee.id}?jenis=akhir_tahun&evaluasi={evaluation.id}")
    assert 'selected value="akhir_tahun"' in form.get_data(as_text=True)
    assert assessor.get(f"/dialog/baru/{w.employee.id}?evaluasi={other.id}").status_code == 404
    response = assessor.post(f"/dialog/baru/{w.employee.id}", data={
        "kind": rules.KIND_YEAR_END, "date": FUTURE, "time": "10:00", "duration": "60", "place": "Ruang",
        "evaluation_id": str(evaluation.id)})
    assert response.status_code == 302
    assert db.session.scalar(select(DialogSession.evaluation_id)) == evaluation.id
    page = assessor.get(f"/evaluasi/{w.employee.id}/{phase.id}").get_data(as_text=True)
    assert "/dialog/" in page and "Jadwalkan dialog evaluasi" not in page
