"""The attacks on 360 anonymity found by probing (issue 8), played through the HTTP interface.

Each test is an attack a curious assessor, the rated employee or a database reader tried; it fails if the attack
still works. Runs on SQLite and on PostgreSQL (``pytest tests/test_anonymity_attacks.py --db=postgresql``).

Time passes in these tests by moving the window's dates (and a reopening's end) relative to today, as the calendar
would: the pages always use the real date.
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select, text

from portal.assessment import common
from portal.assessment.models import (
    GROUP_OTHER,
    GROUP_PEER,
    GROUP_SUBORDINATE,
    NOMINATION_INVITED,
    FeedbackBucket,
    RaterNomination,
)
from portal.core.timeutil import local_today
from portal.extensions import db
from portal.periods import services as period_services
from portal.periods.models import PHASE_ANNUAL, PeriodPhase, PhaseReopening
from tests import factories

HTMX = {"HX-Request": "true"}


def _world(peers: int = 7, subordinates: int = 3, others: int = 2):
    today = local_today()
    unit = factories.make_unit("Dinas Serangan")
    head = factories.make_employee("Kepala Dinas Serangan", unit=unit)
    assessor = factories.make_employee("Kepala Bidang Penilai", unit=unit, superior=head)
    subject = factories.make_employee("Pegawai Dinilai", unit=unit, superior=assessor)
    peer_list = [factories.make_employee(f"Rekan Nomor{i}", unit=unit, superior=assessor) for i in range(peers)]
    subs = [factories.make_employee(f"Bawahan Nomor{i}", unit=unit, superior=subject) for i in range(subordinates)]
    other_list = [factories.make_employee(f"Pihak Lain{i}", unit=unit, superior=head) for i in range(others)]
    period = factories.make_period(today.year, evaluasi_tahunan=(today - dt.timedelta(days=3),
                                                                  today + dt.timedelta(days=20)))
    phase = db.session.scalar(select(PeriodPhase).where(PeriodPhase.period_id == period.id,
                                                        PeriodPhase.kind == PHASE_ANNUAL))
    users = {e.id: factories.make_user(employee=e) for e in [head, assessor, subject, *peer_list, *subs, *other_list]}
    item_ids = [i.id for i in common.ensure_items(period)]
    db.session.commit()
    return SimpleNamespace(today=today, unit=unit, head=head, assessor=assessor, subject=subject, peers=peer_list,
                           subs=subs, others=other_list, period=period, phase=phase, users=users, item_ids=item_ids,
                           admin=factories.make_user(role="admin"))


@pytest.fixture
def w():
    return _world()


def _as(client, login, user):
    """A fresh browser session signed in as ``user`` (no flash messages carried over from someone else)."""
    return login(user, client.application.test_client())


def _nominate(w, client, login, raters, group=GROUP_PEER):
    client = _as(client, login, w.users[w.assessor.id])
    for rater in raters:
        response = client.post(f"/360/{w.subject.id}/{w.phase.id}/undang", data={"rater_id": rater.id, "group": group})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]


def _send(w, client, login):
    client = _as(client, login, w.users[w.assessor.id])
    return client.post(f"/360/{w.subject.id}/{w.phase.id}/kirim")


def _nomination(w, rater) -> RaterNomination:
    return db.session.scalar(select(RaterNomination).where(RaterNomination.subject_id == w.subject.id,
                                                           RaterNomination.rater_id == rater.id))


def _answer(w, client, login, rater, score: int, keep: str = "", improve: str = ""):
    n = _nomination(w, rater)
    client = _as(client, login, w.users[rater.id])
    data = {f"item-{item_id}": str(score) for item_id in w.item_ids}
    data.update(keep=keep, improve=improve, action="submit")
    return client.post(f"/permintaan-umpan-balik/{n.id}", data=data)


def _close_window(w, days_ago: int = 1):
    """Time passes: the window closed ``days_ago`` days ago (and every reopening has ended)."""
    today = local_today()
    w.phase.opens_on = today - dt.timedelta(days=days_ago + 20)
    w.phase.closes_on = today - dt.timedelta(days=days_ago)
    for reopening in db.session.scalars(select(PhaseReopening).where(PhaseReopening.phase_id == w.phase.id)):
        reopening.until = min(reopening.until, today - dt.timedelta(days=1))
    db.session.commit()


def _reopen(w, days: int = 7):
    period_services.reopen_phase(w.admin, w.phase, local_today(), local_today() + dt.timedelta(days=days),
                                 "Penilai tambahan", employee=w.subject)
    db.session.commit()


def _results(w, client, login, user, htmx=False):
    client = _as(client, login, user)
    response = client.get(f"/360/{w.subject.id}/{w.phase.id}/hasil", headers=HTMX if htmx else None)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _figures(body: str) -> tuple[list[str], list[str], list[str]]:
    """What a reader can compare between two visits: every score and count in page order, and the comments as
    sorted lists (their order is shuffled on every view)."""
    main = body[body.index('id="results"'):]
    scores = re.findall(r"\b\d+[.,]\d\d\b|: \d+ jawaban</li>", main)
    keep = sorted(re.findall(r"<li>([^<]*)</li>", main.split('id="comments-keep"')[1].split("</ul>")[0])) \
        if 'id="comments-keep"' in main else []
    improve = sorted(re.findall(r"<li>([^<]*)</li>", main.split('id="comments-improve"')[1].split("</ul>")[0])) \
        if 'id="comments-improve"' in main else []
    return scores, keep, improve


def _normalised(body: str) -> str:
    """A page without what differs on every request (CSRF tokens)."""
    body = re.sub(r'name="csrf_token"( type="hidden")? value="[^"]+"', 'name="csrf_token" value=""', body)
    return re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": ""', body)


# ---------------------------------------------------------------------------------------------------------
# 1. Differencing through the results page


def test_results_are_not_shown_while_the_window_is_open_to_anyone(w, client, login):
    _nominate(w, client, login, w.peers[:4])
    assert _send(w, client, login).status_code == 302
    for i, rater in enumerate(w.peers[:3]):
        assert _answer(w, client, login, rater, 5 - i, keep=f"Komentar {i}").status_code == 302
    for user in (w.users[w.assessor.id], w.users[w.subject.id], w.admin):
        body = _results(w, client, login, user)
        assert "Hasil belum dirilis" in body
        assert _figures(body) == ([], [], [])
        assert "Komentar 0" not in body


def test_reopening_does_not_let_the_subject_difference_one_more_answer(w, client, login):
    """The attack seen in the demo: results read, the window reopened, one more peer answers, results read again
    give that peer's exact scores and the only new comment. Now both visits (and the htmx fragment) show the same
    frozen release."""
    _nominate(w, client, login, w.peers[:4])
    _send(w, client, login)
    for i, rater in enumerate(w.peers[:3]):
        assert _answer(w, client, login, rater, 3 + i % 2, keep=f"Pertahankan {i}").status_code == 302
    _close_window(w)
    subject_user = w.users[w.subject.id]
    before = _figures(_results(w, client, login, subject_user))
    assert before[0] and len(before[1]) == 3  # the release shows the peers' means and three comments

    _reopen(w)
    assert _answer(w, client, login, w.peers[3], 1, keep="Komentar si penilai terlambat").status_code == 302
    during = {who: _figures(_results(w, client, login, user, htmx=htmx))
              for who, user in (("subject", subject_user), ("assessor", w.users[w.assessor.id]))
              for htmx in (False, True)}
    _close_window(w)
    after = _figures(_results(w, client, login, subject_user))
    assessor_after = _figures(_results(w, client, login, w.users[w.assessor.id], htmx=True))
    assert all(figures == before for figures in during.values())
    assert after == before and assessor_after == before
    assert "Komentar si penilai terlambat" not in str(after)
    # The late answer is stored (nothing is lost), only held.
    assert db.session.scalar(select(FeedbackBucket.responses).where(FeedbackBucket.bucket == GROUP_PEER)) == 4


def test_held_answers_are_released_only_with_the_threshold_of_new_ones(w, client, login):
    _nominate(w, client, login, w.peers[:7])
    _send(w, client, login)
    for rater in w.peers[:3]:
        _answer(w, client, login, rater, 4)
    _close_window(w)
    first = _figures(_results(w, client, login, w.users[w.subject.id]))
    assert ": 3 jawaban</li>" in first[0]

    for count, rater in enumerate(w.peers[3:6], start=1):
        _reopen(w)
        _answer(w, client, login, rater, 1, keep=f"Baru {count}")
        _close_window(w)
        figures = _figures(_results(w, client, login, w.users[w.subject.id]))
        if count < 3:
            assert figures == first, count  # one or two new answers: held
        else:
            assert ": 6 jawaban</li>" in figures[0] and figures != first  # three new answers: released together
            assert {"Baru 1", "Baru 2", "Baru 3"} <= set(figures[1])


# ---------------------------------------------------------------------------------------------------------
# 2. "Who answered" oracle on delete


def test_deleting_an_answered_and_an_unanswered_rater_look_alike(w, client, login):
    _nominate(w, client, login, w.peers[:4])
    _send(w, client, login)
    answered, silent = w.peers[0], w.peers[1]
    _answer(w, client, login, answered, 4)
    client = _as(client, login, w.users[w.assessor.id])
    replies = {}
    for rater in (answered, silent):
        for headers in (None, HTMX):
            response = client.post(f"/360/nominasi/{_nomination(w, rater).id}/hapus", headers=headers)
            body = _normalised(response.get_data(as_text=True))
            replies[(rater.id, bool(headers))] = (response.status_code, body)
    for htmx in (False, True):
        assert replies[(answered.id, htmx)] == replies[(silent.id, htmx)]
    assert replies[(answered.id, False)][0] == 422
    assert "tidak dapat dihapus" in replies[(answered.id, False)][1]
    # Neither was removed: both still invited.
    assert {_nomination(w, r).status for r in (answered, silent)} == {NOMINATION_INVITED}


def test_an_admin_cancellation_looks_the_same_for_answered_and_unanswered(w, client, login):
    _nominate(w, client, login, w.peers[:5])
    _send(w, client, login)
    answered, silent = w.peers[0], w.peers[1]
    _answer(w, client, login, answered, 4)
    replies = []
    for rater in (answered, silent):
        admin = _as(client, login, w.admin)
        response = admin.post(f"/360/nominasi/{_nomination(w, rater).id}/batalkan", data={"reason": "Keliru"})
        with admin.session_transaction() as session:
            flashes = [(kind, message.replace(rater.full_name, "NAMA")) for kind, message in session["_flashes"]]
        replies.append((response.status_code, response.headers.get("Location"), flashes))
    assert replies[0] == replies[1]
    assert {_nomination(w, r).status for r in (answered, silent)} == {"dibatalkan"}


# ---------------------------------------------------------------------------------------------------------
# 3. Reminders mark the unanswered


def _dump() -> dict[str, list[tuple]]:
    db.session.expire_all()
    dump = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows = conn.execute(text(f'SELECT * FROM "{table.name}"')).all()
            dump[table.name] = sorted(tuple(str(v) for v in row) for row in rows)
    return dump


def test_a_reminder_writes_nothing_per_rater(w, client, login):
    _nominate(w, client, login, w.peers[:4])
    _send(w, client, login)
    _answer(w, client, login, w.peers[0], 4)
    before = _dump()
    client = _as(client, login, w.users[w.assessor.id])
    response = client.post(f"/360/{w.subject.id}/{w.phase.id}/ingatkan", follow_redirects=True)
    assert response.status_code == 200
    after = _dump()
    changed = {table for table, rows in after.items() if rows != before[table]}
    assert changed == {"reminder_round", "audit_log"}  # nothing per rater: no nomination row touched
    assert [row[1:3] for row in after["reminder_round"]] == [(str(w.subject.id), str(w.phase.id))]
    new_audit = set(after["audit_log"]) - set(before["audit_log"])
    assert len(new_audit) == 1 and not any(p.full_name in str(new_audit) for p in w.peers)
    # The page says neither who nor how many.
    body = response.get_data(as_text=True)
    assert "Pengingat dikirim kepada setiap penilai yang belum mengisi." in body
    assert not re.search(r"kepada \d+ penilai", body)
    # Every rater who has not answered sees the reminder on their task; whoever answered has no task left.
    client = _as(client, login, w.users[w.peers[1].id])
    assert "Pengingat dikirim" in client.get("/permintaan-umpan-balik").get_data(as_text=True)
    client = _as(client, login, w.users[w.peers[0].id])
    assert "Pengingat dikirim" not in client.get("/permintaan-umpan-balik").get_data(as_text=True)


def test_progress_counts_do_not_move_by_one_answer(w, client, login):
    """A "sudah mengisi" count that moves by one just after a reminder to two people tells who answered: the
    nominations page, the team list and the progress overview show the same page after 0, 1 and 2 answers."""
    _nominate(w, client, login, w.peers[:4])
    _send(w, client, login)
    pages = {"/360", f"/360/{w.subject.id}/{w.phase.id}", f"/360/progres?jendela={w.phase.id}"}

    def snapshot():
        assessor = _as(client, login, w.users[w.assessor.id])
        return {path: _normalised(assessor.get(path).get_data(as_text=True)) for path in pages}

    views = [snapshot()]
    for rater in w.peers[:3]:
        _answer(w, client, login, rater, 4)
        views.append(snapshot())
    assert views[0] == views[1] == views[2]
    assert views[3] != views[2]  # the threshold reached: the count moves, by three
    assert "paling sedikit 3" in views[3][f"/360/{w.subject.id}/{w.phase.id}"]


# ---------------------------------------------------------------------------------------------------------
# 4. A combined bucket of one


def test_a_combined_bucket_of_one_cannot_be_sent(w, client, login):
    _nominate(w, client, login, w.peers[:3])
    _nominate(w, client, login, w.subs[:1], group=GROUP_SUBORDINATE)
    response = _send(w, client, login)
    assert response.status_code == 422
    assert "Undangan belum dapat dikirim" in response.get_data(as_text=True)
    lone = _nomination(w, w.subs[0])
    assert lone.status == "disiapkan"
    # The subordinate has no task and cannot answer.
    client = _as(client, login, w.users[w.subs[0].id])
    assert w.subject.nama not in client.get("/permintaan-umpan-balik").get_data(as_text=True)
    assert _answer(w, client, login, w.subs[0], 1).status_code == 404
    assert db.session.scalar(select(FeedbackBucket.id)) is None

    # Two people from another group make the combined bucket three: now it can be sent.
    _nominate(w, client, login, w.others[:2], group=GROUP_OTHER)
    assert _send(w, client, login).status_code == 302
    buckets = {n.rater_id: n.bucket for n in db.session.scalars(select(RaterNomination))}
    assert {buckets[e.id] for e in [w.subs[0], *w.others[:2]]} == {"gabungan"}


def test_a_decline_that_leaves_a_bucket_too_small_holds_its_answers(w, client, login):
    _nominate(w, client, login, w.peers[:3])
    _nominate(w, client, login, w.subs[:1], group=GROUP_SUBORDINATE)
    _nominate(w, client, login, w.others[:2], group=GROUP_OTHER)
    _send(w, client, login)
    # One of the combined bucket declines: two possible authors are left.
    decliner = _nomination(w, w.others[0])
    client = _as(client, login, w.users[w.others[0].id])
    assert client.post(f"/permintaan-umpan-balik/{decliner.id}/tolak",
                       data={"reason": "Tidak bekerja sama"}).status_code == 302
    response = _answer(w, client, login, w.subs[0], 2, keep="Rahasia bawahan")
    assert response.status_code == 409
    assert "belum dapat dikirim" in response.get_data(as_text=True)
    assert db.session.scalar(select(FeedbackBucket.id).where(FeedbackBucket.bucket == "gabungan")) is None
    # The assessor sees why and replaces the decliner into the same bucket; then the answer can be sent.
    client = _as(client, login, w.users[w.assessor.id])
    assert "ditahan" in client.get(f"/360/{w.subject.id}/{w.phase.id}").get_data(as_text=True)
    assert client.post(f"/360/nominasi/{decliner.id}/ganti", data={"replacement": w.peers[5].nip}).status_code == 302
    assert _nomination(w, w.peers[5]).bucket == "gabungan"
    assert _answer(w, client, login, w.subs[0], 2, keep="Rahasia bawahan").status_code == 302


# ---------------------------------------------------------------------------------------------------------
# 5. Due dates follow reopenings


def test_invitations_and_tasks_in_a_reopened_window_get_the_reopening_due_date(w, client, login):
    _nominate(w, client, login, w.peers[:3])
    _send(w, client, login)
    _close_window(w, days_ago=40)
    _reopen(w, days=10)
    today = local_today()
    # Existing tasks show the reopening's end, not a date 40 days ago.
    client = _as(client, login, w.users[w.peers[0].id])
    body = client.get("/permintaan-umpan-balik").get_data(as_text=True)
    assert "sudah lewat" not in body
    # New invitations sent during the reopening are due within it.
    _nominate(w, client, login, w.peers[3:6])
    assert _send(w, client, login).status_code == 302
    due = _nomination(w, w.peers[3]).due_on
    assert today <= due <= today + dt.timedelta(days=10)
    client = _as(client, login, w.users[w.peers[3].id])
    body = client.get("/permintaan-umpan-balik").get_data(as_text=True)
    assert "sudah lewat" not in body
