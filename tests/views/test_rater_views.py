"""Views of the rater's side: the task list, the questionnaire (draft, autosave, submit), declining, access."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

from sqlalchemy import select

from portal.assessment import common, rules
from portal.assessment.models import (
    GROUP_PEER,
    GROUP_SUPERIOR,
    NOMINATION_DECLINED,
    NOMINATION_INVITED,
    NOMINATION_PROPOSED,
    FeedbackBucket,
    RaterCompletion,
    RaterDraft,
    RaterNomination,
    ReminderRound,
)
from portal.core.audit import AuditLog
from portal.core.timeutil import local_today
from portal.extensions import db
from tests.factories import make_employee, make_period, make_unit, make_user

SECRET = "test-secret-key"


def nominate(subject, rater, phase, group=GROUP_PEER, status=NOMINATION_INVITED, **fields) -> RaterNomination:
    nomination = RaterNomination(subject_id=subject.id, rater_id=rater.id, phase_id=phase.id, group=group,
                                 status=status, **fields)
    db.session.add(nomination)
    db.session.commit()
    return nomination


def open_period(today=None, *, closed=False):
    """A period of this year whose annual evaluation window is open today (or closed since yesterday)."""
    today = today or local_today()
    window = ((today - dt.timedelta(days=20), today - dt.timedelta(days=1)) if closed
              else (today - dt.timedelta(days=3), today + dt.timedelta(days=10)))
    period = make_period(today.year, evaluasi_tahunan=window)
    phase = next(p for p in period.phases if p.kind == "evaluasi_tahunan")
    return period, phase


def make_world(peers: int = 3, closed: bool = False):
    unit = make_unit("Dinas Penilai")
    assessor = make_employee("Kepala Bidang", unit=unit)
    subject = make_employee("Pegawai Dinilai", unit=unit, superior=assessor)
    raters = [make_employee(f"Rekan Kerja {i}", unit=unit, superior=assessor) for i in range(peers)]
    outsider = make_employee("Orang Lain", unit=unit, superior=assessor)
    period, phase = open_period(closed=closed)
    nominations = [nominate(subject, r, phase) for r in raters]
    items = common.ensure_items(period)
    db.session.commit()
    return SimpleNamespace(
        assessor=assessor, subject=subject, raters=raters, outsider=outsider, period=period, phase=phase,
        nominations=nominations, item_ids=[i.id for i in items],
        u_raters=[make_user(employee=r) for r in raters], u_subject=make_user(employee=subject),
        u_outsider=make_user(employee=outsider), u_assessor=make_user(employee=assessor),
        u_admin=make_user(role="admin"),
    )


def answer_data(item_ids, score="4", keep="", improve="", action="submit", skip=()):
    data = {f"item-{i}": score for i in item_ids if i not in skip}
    data.update(keep=keep, improve=improve, action=action)
    return data


def url(nomination):
    return f"/permintaan-umpan-balik/{nomination.id}"


# --- Task list ----------------------------------------------------------------------------------------------


def test_task_list_shows_own_invitations_with_progress_and_reminder(client, login):
    world = make_world()
    mine = world.nominations[0]
    mine.created_at = dt.datetime(2026, 3, 1, 3, 0)
    db.session.add(ReminderRound(subject_id=world.subject.id, phase_id=world.phase.id,
                                 sent_at=dt.datetime(2026, 3, 2, 3, 0)))
    mine.due_on = local_today() + dt.timedelta(days=5)
    other_subject = make_employee("Pegawai Kedua", unit=world.subject.unit, superior=world.assessor)
    second = nominate(other_subject, world.raters[0], world.phase)
    db.session.add(RaterDraft(token=rules.opaque_token(SECRET, "draft", second.id),
                              payload={"scores": {str(world.item_ids[0]): 3, str(world.item_ids[1]): "na"}}))
    db.session.commit()
    login(world.u_raters[0])
    response = client.get("/permintaan-umpan-balik")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Permintaan Umpan Balik 360</h1>" in html
    assert "Pegawai Dinilai" in html and "Pegawai Kedua" in html
    assert "Belum mulai" in html
    assert f"Draf: 2 dari {len(world.item_ids)} pernyataan" in html
    assert "Pengingat dikirim 2 Maret 2026" in html
    assert "Rekan kerja setingkat" in html
    assert "hari kerja lagi" in html or "hari ini batas akhir" in html
    assert url(mine) in html and url(second) in html


def test_a_rater_sees_only_their_own_tasks(client, login):
    world = make_world()
    other = make_employee("Pegawai Lain", unit=world.subject.unit, superior=world.assessor)
    nominate(other, world.raters[1], world.phase)
    login(world.u_raters[0])
    html = client.get("/permintaan-umpan-balik").get_data(as_text=True)
    assert "Pegawai Dinilai" in html and "Pegawai Lain" not in html
    assert url(world.nominations[1]) not in html
    login(world.u_outsider)
    html = client.get("/permintaan-umpan-balik").get_data(as_text=True)
    assert "Pegawai Dinilai" not in html
    assert "Tidak ada permintaan umpan balik yang perlu Anda jawab." in html
    login(world.u_admin)  # an account without an employee record has no tasks
    assert client.get("/permintaan-umpan-balik").status_code == 403


def test_finished_and_declined_tasks_are_listed_separately(client, login):
    world = make_world()
    db.session.add(RaterCompletion(token=rules.opaque_token(SECRET, "completion", world.nominations[0].id)))
    other = make_employee("Pegawai Tolak", unit=world.subject.unit, superior=world.assessor)
    nominate(other, world.raters[0], world.phase, status=NOMINATION_DECLINED, decline_reason="x")
    proposed = make_employee("Pegawai Usulan", unit=world.subject.unit, superior=world.assessor)
    nominate(proposed, world.raters[0], world.phase, status=NOMINATION_PROPOSED)
    db.session.commit()
    login(world.u_raters[0])
    html = client.get("/permintaan-umpan-balik").get_data(as_text=True)
    open_part, done_part = html.split('id="tasks-done"')
    assert "Pegawai Dinilai" not in open_part.split('id="tasks-open"')[1]
    assert "Pegawai Dinilai" in done_part and "Selesai" in done_part
    assert "Pegawai Tolak" in done_part and "Anda menolak" in done_part
    assert "Pegawai Usulan" not in html  # a proposal is not a task until the assessor approves it


def test_task_list_htmx_returns_the_fragment(client, login):
    world = make_world()
    login(world.u_raters[0])
    response = client.get("/permintaan-umpan-balik", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="tasks-open">') and "<html" not in html


def _subjects(world, n):
    for i in range(n):
        subject = make_employee(f"Subjek {i}", unit=world.subject.unit, superior=world.assessor)
        nominate(subject, world.outsider, world.phase, due_on=local_today() + dt.timedelta(days=i % 7))
        if i % 2:
            db.session.add(ReminderRound(subject_id=subject.id, phase_id=world.phase.id,
                                         sent_at=dt.datetime(2026, 1, 1)))
        if i % 3 == 0:
            nomination = db.session.scalar(select(RaterNomination).order_by(RaterNomination.id.desc()))
            db.session.add(RaterDraft(token=rules.opaque_token(SECRET, "draft", nomination.id),
                                      payload={"scores": {}}))
        db.session.commit()


def test_task_list_query_count_does_not_grow(client, login, queries):
    world = make_world(peers=1)
    login(world.u_outsider)
    _subjects(world, 3)
    client.get("/permintaan-umpan-balik")
    with queries() as few:
        assert client.get("/permintaan-umpan-balik").status_code == 200
    _subjects(world, 27)
    client.get("/permintaan-umpan-balik")
    with queries() as many:
        html = client.get("/permintaan-umpan-balik").get_data(as_text=True)
    assert "Subjek 26" in html or "Halaman 1 dari 2" in html
    assert many.count == few.count, (few, many)


# --- Questionnaire access ----------------------------------------------------------------------------------


def test_only_the_rater_can_open_the_questionnaire(client, login):
    world = make_world()
    nomination = world.nominations[0]
    for user in (world.u_outsider, world.u_subject, world.u_raters[1], world.u_assessor, world.u_admin):
        login(user)
        assert client.get(url(nomination)).status_code == 404, user
        assert client.post(url(nomination), data=answer_data(world.item_ids)).status_code == 404, user
        assert client.post(url(nomination) + "/tolak", data={"reason": "x"}).status_code == 404, user
    assert db.session.query(FeedbackBucket).count() == 0
    assert db.session.get(RaterNomination, nomination.id).status == NOMINATION_INVITED
    login(world.u_raters[0])
    response = client.get(url(nomination))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Pegawai Dinilai" in html and "Tidak dapat menilai" in html
    assert "Apa yang perlu dipertahankan" in html and "Apa yang perlu ditingkatkan" in html
    assert html.count("<fieldset") == len(world.item_ids) and html.count("<legend>") == len(world.item_ids)
    assert "Berorientasi Pelayanan" in html and "Kolaboratif" in html


def test_opening_the_questionnaire_reads_the_items_once(client, login, queries):
    """The page once read every questionnaire item again, one query each, after a commit had expired them."""
    world = make_world()
    login(world.u_raters[0])
    client.get(url(world.nominations[0]))
    with queries() as q:
        response = client.get(url(world.nominations[0]))
    assert response.status_code == 200
    item_reads = [s for s in q.statements if "FROM questionnaire_item" in s]
    assert len(world.item_ids) > 10 and len(item_reads) <= 1, item_reads
    assert q.count <= 16, q.statements


def test_missing_nomination_is_404_and_anonymous_users_are_sent_to_login(client, login):
    world = make_world()
    assert client.get(url(world.nominations[0])).status_code in (302, 401)
    login(world.u_raters[0])
    assert client.get("/permintaan-umpan-balik/999999").status_code == 404


def test_closed_window_is_refused(client, login):
    world = make_world(closed=True)
    login(world.u_raters[0])
    response = client.get(url(world.nominations[0]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "sedang tidak dibuka" in html and "<fieldset" not in html
    response = client.post(url(world.nominations[0]), data=answer_data(world.item_ids))
    assert response.status_code == 409
    assert db.session.query(FeedbackBucket).count() == 0
    assert db.session.query(RaterCompletion).count() == 0


# --- Drafts and submission ----------------------------------------------------------------------------------


def test_save_draft_then_restore(client, login):
    world = make_world()
    nomination = world.nominations[0]
    login(world.u_raters[0])
    first = world.item_ids[0]
    response = client.post(url(nomination), data={f"item-{first}": "5", f"item-{world.item_ids[1]}": "na",
                                                  "keep": "Sabar", "improve": "", "action": "draft"})
    assert response.status_code == 302 and response.headers["Location"].endswith(url(nomination))
    draft = db.session.get(RaterDraft, rules.opaque_token(SECRET, "draft", nomination.id))
    assert draft.payload["scores"] == {str(first): 5, str(world.item_ids[1]): "na"}
    html = client.get(url(nomination)).get_data(as_text=True)
    assert re.search(rf'name="item-{first}" value="5" checked', html)
    assert re.search(rf'name="item-{world.item_ids[1]}" value="na" checked', html)
    assert re.search(r">\s*Sabar</textarea>", html)
    assert db.session.query(FeedbackBucket).count() == 0


def test_htmx_autosave_returns_the_status_line(client, login):
    world = make_world()
    login(world.u_raters[0])
    response = client.post(url(world.nominations[0]), headers={"HX-Request": "true"},
                           data={f"item-{world.item_ids[0]}": "2", "action": "autosave"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.startswith('<small id="questionnaire-status"') and "Draf tersimpan" in html
    assert db.session.query(RaterDraft).count() == 1


def test_an_autosave_that_arrives_after_the_answer_was_sent_is_refused_not_a_500(client, login, monkeypatch):
    """The rater types, then clicks Kirim before the autosave's delay: the autosave reaches the server after the
    submission (or from a second tab). It passes the first check and finds the answer sent when it saves."""
    from portal.assessment import rater_services
    from portal.assessment.rater_forms import posted_scores

    world = make_world()
    nomination = world.nominations[0]
    login(world.u_raters[0])
    save_draft = rater_services.save_draft

    def sent_meanwhile(secret, nom, answers, today):
        sent = rater_services.clean_answers(posted_scores(answer_data(world.item_ids), world.item_ids), "", "",
                                            world.item_ids)
        rater_services.submit_answers(secret, nom, sent, world.item_ids, today)
        db.session.commit()
        return save_draft(secret, nom, answers, today)

    monkeypatch.setattr(rater_services, "save_draft", sent_meanwhile)
    response = client.post(url(nomination), headers={"HX-Request": "true"},
                           data={f"item-{world.item_ids[0]}": "2", "keep": "Teliti", "action": "autosave"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert html.startswith('<small id="questionnaire-status"') and "final" in html
    assert db.session.scalar(select(FeedbackBucket.responses)) == 1
    assert db.session.query(RaterDraft).count() == 0  # nothing of the late autosave was kept


def test_submit_requires_every_item(client, login):
    world = make_world()
    login(world.u_raters[0])
    missing = world.item_ids[2]
    response = client.post(url(world.nominations[0]), data=answer_data(world.item_ids, skip={missing}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="item-{missing}-error"' in html and f'aria-describedby="item-{missing}-error"' in html
    assert "1 pernyataan belum dijawab" in html
    assert db.session.query(FeedbackBucket).count() == 0 and db.session.query(RaterCompletion).count() == 0


def test_submit_stores_anonymously_and_a_second_submit_is_refused(client, login):
    world = make_world()
    nomination = world.nominations[0]
    login(world.u_raters[0])
    client.post(url(nomination), data={f"item-{world.item_ids[0]}": "1", "action": "draft"})
    response = client.post(url(nomination), data=answer_data(world.item_ids, keep="Rajin", improve="Teliti"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/permintaan-umpan-balik")
    bucket = db.session.scalar(select(FeedbackBucket))
    assert (bucket.bucket, bucket.responses) == (GROUP_PEER, 1)
    assert bucket.comments_keep == ["Rajin"] and bucket.comments_improve == ["Teliti"]
    assert db.session.query(RaterDraft).count() == 0
    assert db.session.scalar(select(RaterCompletion.token)) == rules.opaque_token(SECRET, "completion",
                                                                                  nomination.id)
    assert db.session.scalar(select(AuditLog).where(AuditLog.action.like("assessment.%"))) is None
    html = client.get("/permintaan-umpan-balik").get_data(as_text=True)
    assert "Selesai" in html.split('id="tasks-done"')[1]

    again = client.post(url(nomination), data=answer_data(world.item_ids, score="1"))
    assert again.status_code == 409
    assert "final" in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(FeedbackBucket.responses)) == 1
    page = client.get(url(nomination))
    assert page.status_code == 200 and "<fieldset" not in page.get_data(as_text=True)
    assert "final" in page.get_data(as_text=True)
    assert client.post(url(nomination) + "/tolak", data={"reason": "Ragu"}).status_code == 409


def test_submit_without_csrf_is_rejected(client, login):
    world = make_world()
    login(world.u_raters[0])
    response = client.post(url(world.nominations[0]), data=answer_data(world.item_ids), csrf=False)
    assert response.status_code == 400
    assert db.session.query(FeedbackBucket).count() == 0


def test_superior_alone_waits_and_keeps_a_draft(client, login):
    """A superior alone would be the only author of the combined bucket: the answer is kept as a draft and the
    page says why (nothing is stored in a bucket)."""
    world = make_world()
    boss = make_employee("Atasan Lain", unit=world.subject.unit)
    n = nominate(world.subject, boss, world.phase, group=GROUP_SUPERIOR)
    login(make_user(employee=boss))
    response = client.post(url(n), data=answer_data(world.item_ids, keep="Catatan atasan"))
    assert response.status_code == 409
    assert "belum dapat dikirim" in response.get_data(as_text=True)
    assert db.session.scalar(select(FeedbackBucket.bucket)) is None
    draft = db.session.get(RaterDraft, rules.opaque_token(SECRET, "draft", n.id))
    assert draft is not None and draft.payload["keep"] == "Catatan atasan"
    assert "belum dapat dikirim" in client.get(url(n)).get_data(as_text=True)


def test_superiors_together_with_others_go_to_the_combined_bucket(client, login):
    world = make_world()
    bosses = [make_employee(f"Atasan Lain {i}", unit=world.subject.unit) for i in range(2)]
    other = make_employee("Pihak Lain", unit=world.subject.unit)
    ns = [nominate(world.subject, boss, world.phase, group=GROUP_SUPERIOR) for boss in bosses]
    nominate(world.subject, other, world.phase, group="lainnya")
    login(make_user(employee=bosses[0]))
    assert client.post(url(ns[0]), data=answer_data(world.item_ids)).status_code == 302
    assert db.session.scalar(select(FeedbackBucket.bucket)) == "gabungan"


# --- Decline ------------------------------------------------------------------------------------------------


def test_decline_requires_a_reason(client, login):
    world = make_world()
    login(world.u_raters[0])
    response = client.post(url(world.nominations[0]) + "/tolak", data={"reason": "  "})
    assert response.status_code == 422
    assert 'id="reason-error"' in response.get_data(as_text=True)
    assert db.session.get(RaterNomination, world.nominations[0].id).status == NOMINATION_INVITED


def test_decline_with_reason(client, login):
    world = make_world()
    nomination = world.nominations[0]
    login(world.u_raters[0])
    response = client.post(url(nomination) + "/tolak", data={"reason": "Belum pernah bekerja sama"})
    assert response.status_code == 302
    db.session.expire_all()
    nomination = db.session.get(RaterNomination, nomination.id)
    assert (nomination.status, nomination.decline_reason) == (NOMINATION_DECLINED, "Belum pernah bekerja sama")
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "assessment.decline"))
    assert row is not None and row.actor_id == world.u_raters[0].id
    page = client.get(url(nomination)).get_data(as_text=True)
    assert "tidak lagi aktif" in page and "<fieldset" not in page
    html = client.get("/permintaan-umpan-balik").get_data(as_text=True)
    assert "Anda menolak" in html


def test_dashboard_counts_the_requests_still_waiting_for_an_answer(client, login, queries):
    world = make_world()
    other_subject = make_employee("Pegawai Kedua", unit=world.subject.unit, superior=world.assessor)
    nominate(other_subject, world.raters[0], world.phase)
    nominate(world.raters[1], world.raters[0], world.phase, status=NOMINATION_PROPOSED)
    login(world.u_raters[0])

    def panel():
        html = client.get("/").get_data(as_text=True)
        return html.split('id="panel-assessment"')[1].split("</article>")[0]

    assert "menunggu jawaban Anda: 2" in panel()
    client.post(url(world.nominations[0]), data=answer_data(world.item_ids))
    assert "menunggu jawaban Anda: 1" in panel()
    assert "/permintaan-umpan-balik" in panel()
    login(world.u_outsider)
    assert "menunggu jawaban Anda: 0" in panel()
