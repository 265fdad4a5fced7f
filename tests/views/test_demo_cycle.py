"""The demo's performance year: an open year with SKPs in every state, realisation and feedback, and the
screens a demo user opens on it render for the demo logins."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from portal.demo import load_demo
from portal.demo_cycle import load_demo_cycle
from portal.extensions import db
from portal.progress.models import Evidence, Feedback, FeedbackRequest, Realisation
from portal.skp.models import ResultPlan, Skp

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _on_the_demo_day():
    """The pages run on the day the demo was loaded (the demo's dates are relative to it)."""
    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10), tzinfo=ZoneInfo("Asia/Jakarta")), tick=False):
        yield


def test_the_demo_year(app, client, login):
    """One load of the demo (it takes seconds), every check of this module on it."""
    result = load_demo(today=TODAY)
    cycle = load_demo_cycle(result, TODAY)
    db.session.commit()
    demo = (result, cycle)
    check_every_state_is_present(demo)
    check_cascade_links_and_progress(demo)
    check_demo_logins_open_their_pages(demo, app, login)
    check_pegawai_progress_page_shows_realisation(demo, client, login)
    check_demo_360_complete_and_incomplete(demo, app, login)


def app_client(client):
    return client.application.test_client()


def check_every_state_is_present(demo):
    _result, cycle = demo
    states = dict(db.session.execute(select(Skp.status, func.count()).group_by(Skp.status)).all())
    for state in ("draft", "diajukan", "dikembalikan", "disetujui"):
        assert states.get(state, 0) >= 1, state
    revision = cycle.skps["revisi"]
    assert revision.number == 2 and revision.status == "draft" and revision.previous.status == "disetujui"
    returned = cycle.skps["dikembalikan"]
    assert any(e.to_status == "dikembalikan" and "Indikator" in e.note for e in returned.events)


def check_cascade_links_and_progress(demo):
    result, cycle = demo
    pegawai_skp = cycle.skps["disetujui"]
    assert pegawai_skp.employee_id == result.employees["pegawai"].id
    assert all(r.parent_id is not None for r in pegawai_skp.result_plans if r.kind == "utama")
    linked = db.session.scalar(select(func.count(ResultPlan.id)).where(ResultPlan.parent_id.is_not(None)))
    assert linked > 100
    assert db.session.scalar(select(func.count(Realisation.id))) > 100
    assert db.session.scalar(select(func.count(Evidence.id))) > 10
    assert db.session.scalar(select(func.count(Feedback.id))) > 10
    assert db.session.scalar(select(func.count(FeedbackRequest.id)).where(FeedbackRequest.answered_at.is_(None))) == 1


PAGES = {
    "pegawai": ["/", "/skp/", "/umpan-balik"],
    "kabid.dikdas": ["/", "/skp/tim", "/skp/", "/umpan-balik"],
    "kadis.pendidikan": ["/", "/skp/tim", "/skp/kaskade"],
    "admin": ["/", "/periode", "/kalender", "/skp/kaskade"],
    "auditor": ["/", "/periode", "/admin/audit"],
}


def check_demo_logins_open_their_pages(demo, app, login):
    result, _cycle = demo
    for username, paths in PAGES.items():
        client = login(result.users[username], app.test_client())
        for path in paths:
            response = client.get(path, follow_redirects=True)
            assert response.status_code == 200, (username, path)


def check_pegawai_progress_page_shows_realisation(demo, client, login):
    result, cycle = demo
    client = login(result.users["pegawai"], app_client(client))
    body = client.get(f"/skp/{cycle.skps['disetujui'].id}/realisasi").get_data(as_text=True)
    assert "Triwulan III" in body
    assert "Tercapai" in body


def check_demo_360_complete_and_incomplete(demo, app, login):
    result, cycle = demo
    info = cycle.feedback360
    window = info["window"]
    pegawai, kasi = info["complete"], info["incomplete"]
    from portal.assessment.models import FeedbackBucket, SelfAssessment

    buckets = {b.bucket: b.responses for b in db.session.scalars(
        select(FeedbackBucket).where(FeedbackBucket.subject_id == pegawai.id, FeedbackBucket.phase_id == window.id))}
    assert buckets == {"rekan": 3, "lainnya": 3}
    assert db.session.scalar(select(SelfAssessment.status).where(SelfAssessment.employee_id == pegawai.id)) == \
        "diajukan"

    employee_client = login(result.users["pegawai"], app.test_client())
    body = employee_client.get(f"/360/{pegawai.id}/{window.id}/hasil").get_data(as_text=True)
    assert "Rekan kerja setingkat" in body or "rekan kerja setingkat" in body
    # pegawai still has the Kepala Seksi's questionnaire open (the window was reopened for that employee).
    tasks = employee_client.get("/permintaan-umpan-balik").get_data(as_text=True)
    assert kasi.nama in tasks

    assessor_client = login(result.users["kabid.dikdas"], app.test_client())
    waiting = assessor_client.get(f"/360/{kasi.id}/{window.id}/hasil").get_data(as_text=True)
    assert "Hasil belum dirilis" in waiting  # reopened for the Kepala Seksi: the results wait for the close
