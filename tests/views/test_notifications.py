"""In-app notifications: written when something asks someone to act (whatever area changed it), resolved when it is
done, the bell (on every page without a query of its own, and polled by htmx), the list with read and unread, the
e-mail setting, and what time brings (``collect_due``: windows that open, deadlines in three working days), each
written once however often it runs."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from portal.core.timeutil import local_today, utcnow
from portal.extensions import db
from portal.notifications import services
from portal.notifications.models import Notification, NotificationPreference
from portal.periods.models import PHASE_ANNUAL, PHASE_PLANNING, PeriodPhase
from portal.skp import flow
from tests import factories

HTMX = {"HX-Request": "true"}
TODAY = local_today()


@pytest.fixture
def w():
    world = factories.make_progress_world()
    skp = world.skp
    skp.status = "draft"
    factories.make_rhk(skp, "RHK utama", indicators=1)
    db.session.commit()
    return world


def _mine(employee, kind=None):
    stmt = select(Notification).where(Notification.employee_id == employee.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt.order_by(Notification.id)))


def _bell(html: str) -> int:
    match = re.search(r'<a id="notification-bell"[^>]*>.*?<span class="visually-hidden">Notifikasi: (\d+) belum dibaca',
                      html, re.S)
    assert match, "no bell"
    return int(match.group(1))


def _open_planning(w):
    phase = db.session.scalar(select(PeriodPhase).where(PeriodPhase.period_id == w.period.id,
                                                        PeriodPhase.kind == PHASE_PLANNING))
    phase.opens_on, phase.closes_on = TODAY - dt.timedelta(days=3), TODAY + dt.timedelta(days=20)
    db.session.commit()
    return phase


# ---------------------------------------------------------------------------------------------------------
# Written from what happens, resolved when it is done


def test_an_skp_submitted_waits_for_the_assessor_until_decided(w):
    _open_planning(w)
    flow.submit_skp(w.u_owner, w.skp, today=TODAY, now=utcnow())
    db.session.commit()
    [note] = _mine(w.assessor, "skp.diajukan")
    assert note.read_at is None and note.params["name"] == "Pegawai Pemilik" and note.target == {
        "endpoint": "skp.detail", "values": {"skp_id": w.skp.id}}
    flow.return_skp(w.u_assessor, w.skp, "Lengkapi target indikator pertama.", today=TODAY, now=utcnow())
    db.session.commit()
    db.session.refresh(note)
    assert note.read_at is not None  # the assessor acted
    [returned] = _mine(w.owner, "skp.dikembalikan")
    assert returned.read_at is None
    flow.submit_skp(w.u_owner, w.skp, today=TODAY, now=utcnow())
    db.session.commit()
    db.session.refresh(returned)
    assert returned.read_at is not None and len(_mine(w.assessor, "skp.diajukan")) == 2


def test_feedback_and_a_feedback_request_are_notified_and_resolved(w):
    from portal.progress.models import FeedbackRequest

    w.skp.status = "disetujui"
    db.session.add(FeedbackRequest(skp_id=w.skp.id, requested_by_id=w.owner.id, asked_id=w.assessor.id,
                                   message="Mohon masukan."))
    db.session.commit()
    [asked] = _mine(w.assessor, "umpan_balik.diminta")
    request = db.session.scalar(select(FeedbackRequest))
    feedback = factories.make_feedback(w.skp, w.assessor, "Pertahankan.", request=request)
    request.answered_at = utcnow()
    db.session.commit()
    db.session.refresh(asked)
    assert asked.read_at is not None
    [received] = _mine(w.owner, "umpan_balik.diterima")
    assert received.params == {"author": "Kepala Bidang"} and received.read_at is None
    feedback.read_at = utcnow()
    db.session.commit()
    db.session.refresh(received)
    assert received.read_at is not None
    factories.make_feedback(w.skp, w.owner, "Catatan sendiri.")  # one's own note notifies nobody
    assert len(_mine(w.owner, "umpan_balik.diterima")) == 1


def test_a_360_invitation_is_notified_to_the_rater_and_answering_never_touches_it(w, client, login):
    from portal.assessment import common
    from portal.assessment.models import GROUP_PEER, NOMINATION_INVITED, NOMINATION_PREPARED, RaterNomination

    phase = db.session.scalar(select(PeriodPhase).where(PeriodPhase.period_id == w.period.id,
                                                        PeriodPhase.kind == PHASE_ANNUAL))
    common.ensure_items(w.period)
    nomination = RaterNomination(subject_id=w.owner.id, phase_id=phase.id, rater_id=w.peer.id, group=GROUP_PEER,
                                 status=NOMINATION_PREPARED, nominated_by_id=w.assessor.id)
    db.session.add(nomination)
    db.session.commit()
    assert _mine(w.peer) == []  # prepared: the rater sees nothing yet
    nomination.status = NOMINATION_INVITED
    nomination.due_on = TODAY + dt.timedelta(days=7)
    db.session.commit()
    [note] = _mine(w.peer, "360.diundang")
    assert note.params == {"name": "Pegawai Pemilik", "due": (TODAY + dt.timedelta(days=7)).isoformat()}
    assert note.target["endpoint"] == "assessment.tasks"


def test_dialog_proposal_goes_to_the_other_side_and_is_resolved_on_accept(w):
    from portal.dialog import services as dialog_services

    start = utcnow() + dt.timedelta(days=3)
    session = dialog_services.propose(w.u_owner, w.owner, starts_at=start, duration=60, place="Ruang rapat",
                                      link="", kind="periodik", message="", now=utcnow())
    db.session.commit()
    [note] = _mine(w.assessor, "dialog.diusulkan")
    assert note.params["name"] == "Pegawai Pemilik" and _mine(w.owner) == []
    dialog_services.reschedule(w.u_assessor, session, starts_at=start + dt.timedelta(days=1), place="", link="",
                               message="", now=utcnow())
    db.session.commit()
    db.session.refresh(note)
    assert note.read_at is not None and len(_mine(w.owner, "dialog.diusulkan")) == 1
    dialog_services.accept(w.u_owner, session, now=utcnow())
    db.session.commit()
    assert all(n.read_at is not None for n in _mine(w.owner, "dialog.diusulkan"))


def test_an_appeal_without_decider_goes_to_every_admin(w):
    from portal.evaluation.models import Appeal, Evaluation, EvaluationDocument

    phase = db.session.scalar(select(PeriodPhase).where(PeriodPhase.period_id == w.period.id,
                                                        PeriodPhase.kind == PHASE_ANNUAL))
    evaluation = Evaluation(employee_id=w.owner.id, phase_id=phase.id, unit_id=w.unit.id, status="diserahkan")
    db.session.add(evaluation)
    db.session.flush()
    document = EvaluationDocument(evaluation_id=evaluation.id, code="BBBB-BBBB-BBB1", fingerprint="0" * 64,
                                  snapshot={}, signed_at=utcnow(), signed_on=TODAY, received_on=TODAY)
    db.session.add(document)
    db.session.flush()
    db.session.add(Appeal(evaluation_id=evaluation.id, document_id=document.id, employee_id=w.owner.id,
                          decider_id=None, reasons="Tidak sesuai.", filed_on=TODAY, filed_at=utcnow()))
    db.session.commit()
    notes = list(db.session.scalars(select(Notification).where(Notification.kind == "keberatan.diajukan")))
    assert [(n.user_id, n.employee_id) for n in notes] == [(w.u_admin.id, None)]


# ---------------------------------------------------------------------------------------------------------
# The bell and the list


def _note(employee=None, user=None, kind="pengingat.skp", n=0, **params):
    row = services.row(kind, subject=f"uji:{n}", occasion=str(n), params={"sender": "BKPSDM", "year": 2026, **params},
                       endpoint="skp.mine", employee_id=getattr(employee, "id", None),
                       user_id=getattr(user, "id", None))
    services.bulk_notify([row])
    db.session.commit()
    return db.session.scalar(select(Notification).where(Notification.dedupe == row["dedupe"]))


def test_the_bell_counts_unread_on_every_page_and_when_polled(w, client, login, queries):
    login(w.u_owner)
    assert _bell(client.get("/").get_data(as_text=True)) == 0
    _note(w.owner, n=1)
    _note(w.owner, n=2)
    _note(w.peer, n=3)  # someone else's
    html = client.get("/umpan-balik").get_data(as_text=True)
    assert _bell(html) == 2 and 'hx-trigger="every 60s"' in html and 'href="/notifikasi"' in html
    polled = client.get("/notifikasi/lonceng", headers=HTMX)
    assert polled.status_code == 200 and _bell(polled.get_data(as_text=True)) == 2
    assert "site-nav" not in polled.get_data(as_text=True)
    # The bell reads the count of the menu: no query of its own on a full page, only a part of the menu's one
    # statement of counts.
    with queries() as q:
        assert _bell(client.get("/akun/kata-sandi").get_data(as_text=True)) == 2
    reading = [s for s in q.statements if "notification" in s]
    assert len(reading) == 1 and "feedback_request" in reading[0]


def test_polling_after_sign_out_stops(client):
    response = client.get("/notifikasi/lonceng", headers=HTMX)
    assert response.status_code == 286 and response.get_data() == b""


def test_the_list_with_read_and_unread(w, client, login):
    first = _note(w.owner, n=1)
    _note(w.owner, n=2)
    login(w.u_owner)
    page = client.get("/notifikasi").get_data(as_text=True)
    assert page.count('class="notification-item unread"') == 2 and "Belum dibaca (2)" in page
    assert "Pengingat dari BKPSDM: susun dan ajukan SKP 2026 Anda." in page
    # htmx: the item is swapped, the bell updated out of band
    swapped = client.post(f"/notifikasi/{first.id}/dibaca", headers=HTMX)
    html = swapped.get_data(as_text=True)
    assert swapped.status_code == 200 and html.lstrip().startswith(f'<li id="notification-{first.id}"')
    assert 'hx-swap-oob="true"' in html and "Notifikasi: 1 belum dibaca" in html
    unread = client.get("/notifikasi?tampil=belum").get_data(as_text=True)
    assert unread.count('class="notification-item unread"') == 1 and f"notification-{first.id}" not in unread
    # without JavaScript: Post/Redirect/Get; open = read and go where it leads
    second = db.session.scalar(select(Notification).where(Notification.id != first.id))
    opened = client.post(f"/notifikasi/{second.id}/buka")
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/skp/")
    assert client.post("/notifikasi/dibaca-semua", follow_redirects=True).status_code == 200
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.read_at.is_(None))) == 0


def test_an_admin_account_without_employee_has_its_own_notifications(w, client, login):
    _note(user=w.u_admin, n=1)
    login(w.u_admin)
    assert _bell(client.get("/").get_data(as_text=True)) == 1


def test_nobody_opens_someone_elses_notification(w, client, login):
    note = _note(w.owner, n=1)
    login(w.u_peer)
    assert client.post(f"/notifikasi/{note.id}/buka").status_code == 404
    assert client.post(f"/notifikasi/{note.id}/dibaca").status_code == 404
    assert f"notification-{note.id}" not in client.get("/notifikasi").get_data(as_text=True)
    db.session.refresh(note)
    assert note.read_at is None


def test_a_notification_reads_in_english_when_the_reader_switched(w, client, login):
    _note(w.owner, n=1, kind="tenggat.dokumen", window="Tahunan 2026", until="2027-01-31")
    login(w.u_owner)
    assert "31 Januari 2027" in client.get("/notifikasi").get_data(as_text=True)


# ---------------------------------------------------------------------------------------------------------
# E-mail setting


def test_each_user_turns_email_off_and_sets_an_address(w, client, login):
    login(w.u_owner)
    page = client.get("/notifikasi/pengaturan").get_data(as_text=True)
    assert "Belum ada alamat e-mail" in page and 'type="checkbox"' in page
    bad = client.post("/notifikasi/pengaturan", data={"email_enabled": "y", "email": "bukan-alamat"})
    assert bad.status_code == 422
    ok = client.post("/notifikasi/pengaturan", data={"email_enabled": "y", "email": "pemilik@contoh.go.id"})
    assert ok.status_code == 302
    pref = db.session.get(NotificationPreference, w.u_owner.id)
    assert pref.email_enabled and pref.email == "pemilik@contoh.go.id"
    client.post("/notifikasi/pengaturan", data={"email": "pemilik@contoh.go.id"})  # the box unticked
    db.session.refresh(pref)
    assert pref.email_enabled is False
    assert "E-mail dimatikan." in client.get("/notifikasi/pengaturan").get_data(as_text=True)


# ---------------------------------------------------------------------------------------------------------
# What time brings: written once


def test_an_open_window_is_announced_once_to_everyone_who_can_sign_in(w):
    phase = _open_planning(w)
    first = services.collect_due(TODAY, now=utcnow())
    db.session.commit()
    second = services.collect_due(TODAY, now=utcnow())
    db.session.commit()
    opened = list(db.session.scalars(select(Notification).where(Notification.kind == "jendela.dibuka")))
    with_accounts = {w.head.id, w.assessor.id, w.owner.id, w.peer.id, w.outsider.id}
    assert first.opened == len(with_accounts) and second.opened == 0
    assert {n.employee_id for n in opened} == with_accounts
    assert opened[0].params["until"] == phase.closes_on.isoformat()
    # Once the window has closed, its notifications are done.
    phase.closes_on = TODAY - dt.timedelta(days=1)
    db.session.commit()
    later = services.collect_due(TODAY, now=utcnow())
    db.session.commit()
    assert later.resolved == len(with_accounts)


def test_deadlines_in_three_working_days_are_written_once(w):
    from portal.periods import rules as period_rules
    from portal.periods import services as period_services

    phase = _open_planning(w)
    holidays = period_services.holidays_between(TODAY, TODAY + dt.timedelta(days=30))
    phase.closes_on = period_rules.add_working_days(TODAY, 2, holidays)  # three working days, today included
    db.session.commit()
    flow.submit_skp(w.u_owner, w.skp, today=TODAY, now=utcnow())
    db.session.commit()
    collected = services.collect_due(TODAY, now=utcnow())
    db.session.commit()
    assert services.collect_due(TODAY, now=utcnow()).deadlines == 0
    owners = {n.employee_id for n in db.session.scalars(select(Notification).where(Notification.kind == "tenggat.skp"))}
    assert w.owner.id in owners and w.peer.id in owners  # no approved SKP yet
    [waiting] = db.session.scalars(select(Notification).where(Notification.kind == "tenggat.skp_penilai"))
    assert waiting.employee_id == w.assessor.id and waiting.params["n"] == 1
    assert collected.deadlines == len(owners) + 1
    # Approving resolves the owner's deadline.
    flow.approve_skp(w.u_assessor, w.skp, today=TODAY, now=utcnow())
    db.session.commit()
    mine = db.session.scalar(select(Notification).where(Notification.kind == "tenggat.skp",
                                                        Notification.employee_id == w.owner.id))
    assert mine.read_at is not None


def test_a_deadline_four_working_days_away_is_not_yet_written(w):
    from portal.periods import rules as period_rules
    from portal.periods import services as period_services

    phase = _open_planning(w)
    holidays = period_services.holidays_between(TODAY, TODAY + dt.timedelta(days=30))
    phase.closes_on = period_rules.add_working_days(TODAY, 3 if period_rules.is_working_day(TODAY, holidays) else 4,
                                                    holidays)
    db.session.commit()
    assert services.collect_due(TODAY, now=utcnow()).deadlines == 0

