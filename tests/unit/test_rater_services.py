"""The rater's side of the 360 input: bucket choice, histogram, completion token, drafts, final answers, decline."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.assessment import common, rules
from portal.assessment import rater_services as services
from portal.assessment.models import (
    BUCKET_COMBINED,
    GROUP_PEER,
    GROUP_SUBORDINATE,
    GROUP_SUPERIOR,
    NOMINATION_DECLINED,
    NOMINATION_INVITED,
    FeedbackBucket,
    RaterCompletion,
    RaterDraft,
    RaterNomination,
)
from portal.core.audit import AuditLog
from portal.core.errors import DomainError
from portal.extensions import db
from tests.factories import make_employee, make_period, make_unit, make_user

SECRET = "test-secret-key"
TODAY = dt.date(2026, 6, 15)


def nominate(subject, rater, phase, group=GROUP_PEER, status=NOMINATION_INVITED, **fields) -> RaterNomination:
    nomination = RaterNomination(subject_id=subject.id, rater_id=rater.id, phase_id=phase.id, group=group,
                                 status=status, **fields)
    db.session.add(nomination)
    db.session.commit()
    return nomination


def make_world(peers: int = 3):
    unit = make_unit("Dinas Rater")
    assessor = make_employee("Kepala Bidang", unit=unit)
    subject = make_employee("Pegawai Dinilai", unit=unit, superior=assessor)
    raters = [make_employee(f"Rekan {i}", unit=unit, superior=assessor) for i in range(peers)]
    period = make_period(2026, evaluasi_periodik_2=(dt.date(2026, 6, 1), dt.date(2026, 6, 30)))
    phase = next(p for p in period.phases if p.kind == "evaluasi_periodik" and p.seq == 2)
    nominations = [nominate(subject, r, phase) for r in raters]
    items = common.ensure_items(period)
    db.session.commit()
    return SimpleNamespace(unit=unit, assessor=assessor, subject=subject, raters=raters, period=period, phase=phase,
                           nominations=nominations, items=items, item_ids=[i.id for i in items])


def full_answers(world, score=4, keep="Tetap ramah", improve="Lebih tepat waktu", na=()):
    scores = {str(i): ("na" if i in na else score) for i in world.item_ids}
    return services.clean_answers(scores, keep, improve, world.item_ids)


def submit(world, nomination, **kwargs):
    services.submit_answers(SECRET, nomination, full_answers(world, **kwargs), world.item_ids, TODAY)
    db.session.commit()


def test_clean_answers_keeps_only_known_items_and_valid_values(app):
    answers = services.clean_answers({"1": "5", "2": "na", "3": "9", "4": "x", "99": "3", "5": ""}, " a ", "",
                                     [1, 2, 3, 4, 5])
    assert answers == {"scores": {"1": 5, "2": "na"}, "keep": "a", "improve": ""}
    assert services.missing_items(answers, [1, 2, 3]) == [3]


def test_bucket_is_the_group_when_it_reaches_the_threshold(app):
    world = make_world(peers=3)
    submit(world, world.nominations[0])
    bucket = db.session.scalar(select(FeedbackBucket))
    assert (bucket.subject_id, bucket.phase_id, bucket.bucket) == (world.subject.id, world.phase.id, GROUP_PEER)
    assert len(bucket.id) == 32 and int(bucket.id, 16) >= 0  # random hex, not a sequence


def test_small_groups_land_in_the_combined_bucket(app):
    world = make_world(peers=3)
    bosses = [make_employee(f"Atasan Lain {i}", unit=world.unit) for i in range(2)]
    subordinate = make_employee("Bawahan", unit=world.unit, superior=world.subject)
    n_sup = [nominate(world.subject, boss, world.phase, group=GROUP_SUPERIOR) for boss in bosses]
    n_sub = nominate(world.subject, subordinate, world.phase, group=GROUP_SUBORDINATE)
    submit(world, n_sup[0])
    submit(world, n_sub)
    buckets = db.session.scalars(select(FeedbackBucket)).all()
    assert [(b.bucket, b.responses) for b in buckets] == [(BUCKET_COMBINED, 2)]


def test_the_bucket_fixed_at_invitation_wins(app):
    world = make_world(peers=3)
    for n in world.nominations:
        n.bucket = BUCKET_COMBINED  # e.g. invited when the group was small; others joined the bucket later
    db.session.commit()
    submit(world, world.nominations[0])
    assert db.session.scalar(select(FeedbackBucket.bucket)) == BUCKET_COMBINED


def test_a_bucket_below_the_threshold_holds_the_answer(app):
    world = make_world(peers=3)
    common.settings_for(world.period).anonymity_threshold = 4
    db.session.commit()
    with pytest.raises(services.Waiting):
        submit(world, world.nominations[0])
    db.session.rollback()
    assert db.session.scalar(select(FeedbackBucket.id)) is None
    assert db.session.scalar(select(RaterCompletion.token)) is None
    # a decline shrinks the bucket below the threshold (3 -> 2): the others wait too
    common.settings_for(world.period).anonymity_threshold = 3
    world.nominations[2].status = NOMINATION_DECLINED
    db.session.commit()
    with pytest.raises(services.Waiting):
        submit(world, world.nominations[0])


def test_histogram_counts_scores_and_not_applicable(app):
    world = make_world()
    first, second = world.item_ids[0], world.item_ids[1]
    submit(world, world.nominations[0], score=5, na={second})
    submit(world, world.nominations[1], score=3)
    bucket = db.session.scalar(select(FeedbackBucket))
    assert bucket.responses == 2
    assert bucket.histogram[str(first)] == [0, 0, 1, 0, 1, 0]
    assert bucket.histogram[str(second)] == [0, 0, 1, 0, 0, 1]
    assert rules.mean(bucket.histogram[str(second)]) == 3
    assert sorted(bucket.comments_keep) == ["Tetap ramah", "Tetap ramah"]


def test_blank_comments_are_not_stored(app):
    world = make_world()
    submit(world, world.nominations[0], keep="", improve="  ")
    bucket = db.session.scalar(select(FeedbackBucket))
    assert bucket.comments_keep == [] and bucket.comments_improve == []


def test_comments_are_reshuffled_on_every_write(app, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "shuffle_comments", lambda items: (calls.append(list(items)), items.reverse()))
    world = make_world()
    for n, text in zip(world.nominations, ["satu", "dua", "tiga"], strict=True):
        submit(world, n, keep=text)
    bucket = db.session.scalar(select(FeedbackBucket))
    # the whole stored list is shuffled (here: reversed) after each append, not only the new comment
    assert bucket.comments_keep == ["tiga", "satu", "dua"]
    assert ["satu", "dua"] in calls and ["dua", "satu", "tiga"] in calls


def test_the_real_shuffle_uses_the_system_random_source(app):
    import random

    assert isinstance(services._RANDOM, random.SystemRandom)


def test_completion_token_is_the_hmac_and_the_nomination_is_untouched(app):
    world = make_world()
    nomination = world.nominations[0]
    before = (nomination.status, nomination.updated_at)
    submit(world, nomination)
    tokens = db.session.scalars(select(RaterCompletion.token)).all()
    assert tokens == [rules.opaque_token(SECRET, "completion", nomination.id)]
    db.session.refresh(nomination)
    assert (nomination.status, nomination.updated_at) == before
    assert services.is_completed(SECRET, nomination)
    assert not services.is_completed(SECRET, world.nominations[1])


def test_submission_writes_no_audit_row(app):
    world = make_world()
    submit(world, world.nominations[0])
    assert db.session.scalar(select(AuditLog).where(AuditLog.action.like("assessment.%"))) is None


def test_draft_save_restore_and_delete_on_submit(app):
    world = make_world()
    nomination = world.nominations[0]
    partial = services.clean_answers({str(world.item_ids[0]): "2"}, "draf", "", world.item_ids)
    services.save_draft(SECRET, nomination, partial, TODAY)
    db.session.commit()
    draft = services.load_draft(SECRET, nomination)
    assert draft.token == rules.opaque_token(SECRET, "draft", nomination.id)
    assert draft.payload == {"scores": {str(world.item_ids[0]): 2}, "keep": "draf", "improve": ""}
    # saving again replaces the payload in the same row
    services.save_draft(SECRET, nomination, full_answers(world), TODAY)
    db.session.commit()
    assert db.session.query(RaterDraft).count() == 1
    progress = services.task_progress(SECRET, [nomination, world.nominations[1]], set())
    assert progress[nomination.id] == services.TaskProgress("draf", len(world.item_ids), len(world.item_ids))
    assert progress[world.nominations[1].id].state == "belum"
    submit(world, nomination)
    assert db.session.query(RaterDraft).count() == 0


def test_incomplete_submission_is_refused_and_nothing_is_stored(app):
    world = make_world()
    answers = full_answers(world)
    del answers["scores"][str(world.item_ids[-1])]
    with pytest.raises(DomainError) as error:
        services.submit_answers(SECRET, world.nominations[0], answers, world.item_ids, TODAY)
    assert error.value.field == "scores"
    db.session.rollback()
    assert db.session.query(FeedbackBucket).count() == 0
    assert db.session.query(RaterCompletion).count() == 0


def test_second_submission_is_refused(app):
    world = make_world()
    nomination = world.nominations[0]
    submit(world, nomination)
    with pytest.raises(services.AlreadySubmitted):
        services.submit_answers(SECRET, nomination, full_answers(world), world.item_ids, TODAY)
    db.session.rollback()
    assert db.session.scalar(select(FeedbackBucket.responses)) == 1
    with pytest.raises(services.AlreadySubmitted):
        services.save_draft(SECRET, nomination, full_answers(world), TODAY)


def test_closed_window_and_inactive_nomination_are_refused(app):
    world = make_world()
    with pytest.raises(services.NotAnswerable):
        services.submit_answers(SECRET, world.nominations[0], full_answers(world), world.item_ids,
                                dt.date(2026, 7, 15))
    world.nominations[1].status = NOMINATION_DECLINED
    db.session.commit()
    with pytest.raises(services.NotAnswerable):
        services.save_draft(SECRET, world.nominations[1], full_answers(world), TODAY)


def test_decline_sets_status_reason_deletes_draft_and_is_audited(app):
    world = make_world()
    nomination = world.nominations[0]
    user = make_user(employee=nomination.rater)
    services.save_draft(SECRET, nomination, full_answers(world), TODAY)
    db.session.commit()
    services.decline_nomination(user, SECRET, nomination, "  Belum pernah bekerja sama  ")
    db.session.commit()
    assert (nomination.status, nomination.decline_reason) == (NOMINATION_DECLINED, "Belum pernah bekerja sama")
    assert db.session.query(RaterDraft).count() == 0
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "assessment.decline"))
    assert row.actor_id == user.id and row.object_id == str(nomination.id)
    assert row.changes["status"] == [NOMINATION_INVITED, NOMINATION_DECLINED]


def test_decline_needs_a_reason_and_an_open_unanswered_nomination(app):
    world = make_world()
    user = make_user(employee=world.nominations[0].rater)
    with pytest.raises(DomainError):
        services.decline_nomination(user, SECRET, world.nominations[0], "  ")
    submit(world, world.nominations[0])
    with pytest.raises(services.AlreadySubmitted):
        services.decline_nomination(user, SECRET, world.nominations[0], "Tidak kenal")
    db.session.rollback()
    assert db.session.get(RaterNomination, world.nominations[0].id).status == NOMINATION_INVITED


def test_invited_per_group_counts_only_open_invitations(app):
    world = make_world(peers=3)
    world.nominations[0].status = NOMINATION_DECLINED
    db.session.commit()
    assert services.invited_per_group(world.subject.id, world.phase.id) == {GROUP_PEER: 2}


def test_concurrent_submissions_do_not_lose_an_update(app, monkeypatch):
    """Two raters submit at the same moment into the same bucket. On PostgreSQL the bucket row is locked
    (SELECT ... FOR UPDATE): the second waits for the first and adds to its counts instead of overwriting them."""
    import threading
    import time

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers; the row lock matters on PostgreSQL")
    world = make_world(peers=3)
    submit(world, world.nominations[0])  # the bucket exists: both racers update the same row
    slow_add = rules.add_answer

    def add_answer_slowly(histogram, scores):
        result = slow_add(histogram, scores)
        time.sleep(0.4)  # widen the window between reading and writing the row
        return result

    monkeypatch.setattr(rules, "add_answer", add_answer_slowly)
    ids = [n.id for n in world.nominations[1:]]
    errors = []

    def racer(nomination_id):
        try:
            with app.app_context():
                nomination = db.session.get(RaterNomination, nomination_id)
                services.submit_answers(SECRET, nomination, full_answers(world), world.item_ids, TODAY)
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=racer, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors
    db.session.expire_all()
    bucket = db.session.scalar(select(FeedbackBucket))
    assert bucket.responses == 3
    assert bucket.histogram[str(world.item_ids[0])][3] == 3
    assert len(bucket.comments_keep) == 3
