"""360 nominations (assessment.nomination_services): suggestions, duplicates, self and assessor refused, group
limits, proposals, replacing a declined rater, removal before/after answering, reminders, settings and items."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from flask import current_app
from sqlalchemy import select

from portal.assessment import common, rules
from portal.assessment import nomination_services as services
from portal.assessment.models import (
    GROUP_OTHER,
    GROUP_PEER,
    GROUP_SUBORDINATE,
    GROUP_SUPERIOR,
    NOMINATION_CANCELLED,
    NOMINATION_DECLINED,
    NOMINATION_INVITED,
    NOMINATION_PREPARED,
    NOMINATION_PROPOSED,
    NOMINATION_REJECTED,
    NOMINATION_REPLACED,
    RaterCompletion,
    RaterDraft,
    RaterNomination,
)
from portal.core.audit import AuditLog
from portal.core.errors import DomainError
from portal.core.timeutil import local_today
from portal.extensions import db
from portal.periods.models import PHASE_ANNUAL, PeriodPhase
from tests import factories


def build_world(today: dt.date | None = None, peers: int = 4):
    """Kepala Dinas (unit head) > Kepala Bidang (the assessor) > the subject and its peers; two subordinates of
    the subject; an employee of another OPD; admin and auditor. The annual window is open around ``today``."""
    today = today or local_today()
    unit = factories.make_unit("Dinas Uji 360")
    other_unit = factories.make_unit("Dinas Lain 360")
    head = factories.make_employee("Kepala Dinas", unit=unit, position=factories.make_position(
        "Kepala Dinas Uji", unit=unit, type_code="JPT_PRATAMA", is_head=True))
    assessor = factories.make_employee("Kepala Bidang", unit=unit, superior=head)
    subject = factories.make_employee("Pegawai Dinilai", unit=unit, superior=assessor)
    peer_list = [factories.make_employee(f"Rekan {i}", unit=unit, superior=assessor) for i in range(peers)]
    subs = [factories.make_employee(f"Bawahan {i}", unit=unit, superior=subject) for i in range(2)]
    outsider = factories.make_employee("Orang OPD Lain", unit=other_unit)
    period = factories.make_period(today.year, evaluasi_tahunan=(today - dt.timedelta(days=3),
                                                                  today + dt.timedelta(days=30)))
    phase = db.session.scalar(select(PeriodPhase).where(PeriodPhase.period_id == period.id,
                                                        PeriodPhase.kind == PHASE_ANNUAL))
    return SimpleNamespace(
        today=today, unit=unit, other_unit=other_unit, head=head, assessor=assessor, subject=subject,
        peers=peer_list, subs=subs, outsider=outsider, period=period, phase=phase,
        u_head=factories.make_user(employee=head), u_assessor=factories.make_user(employee=assessor),
        u_subject=factories.make_user(employee=subject), u_peer=factories.make_user(employee=peer_list[0]),
        u_admin=factories.make_user(role="admin"), u_auditor=factories.make_user(role="auditor"))


def complete(nomination) -> None:
    """What the rater side does on submission: an opaque completion token, nothing else."""
    db.session.add(RaterCompletion(token=rules.opaque_token(current_app.config["SECRET_KEY"], "completion",
                                                            nomination.id)))
    db.session.commit()


@pytest.fixture
def w():
    return build_world()


def _invite(w, rater, group=GROUP_PEER):
    """Put a rater on the assessor's list (prepared, not sent)."""
    n = services.nominate(w.u_assessor, w.subject, w.phase, rater, group, w.today)
    db.session.commit()
    return n


def _send(w):
    sent = services.send_invitations(w.u_assessor, w.subject, w.phase, w.today)
    db.session.commit()
    return sent


def test_suggestions_follow_the_org_chart(w):
    suggested = services.suggestions(w.subject, [])
    assert {e.id for e in suggested[GROUP_PEER]} == {p.id for p in w.peers}
    assert {e.id for e in suggested[GROUP_SUBORDINATE]} == {s.id for s in w.subs}
    assert [e.id for e in suggested[GROUP_SUPERIOR]] == [w.head.id]  # the assessor's own superior
    everyone = {e.id for group in suggested.values() for e in group}
    assert w.subject.id not in everyone and w.assessor.id not in everyone


def test_suggestions_leave_out_those_already_nominated(w):
    n = _invite(w, w.peers[0])
    suggested = services.suggestions(w.subject, [n])
    assert w.peers[0].id not in {e.id for e in suggested[GROUP_PEER]}
    assert len(suggested[GROUP_PEER]) == len(w.peers) - 1


def test_nominate_prepares_and_send_invites_with_due_date_and_bucket(w):
    ns = [_invite(w, p) for p in w.peers[:3]]
    assert {n.status for n in ns} == {NOMINATION_PREPARED} and all(n.due_on is None for n in ns)
    assert ns[0].nominated_by_id == w.assessor.id
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "assessment.nominate"))
    assert audit is not None and w.peers[0].full_name in audit.summary
    assert _send(w) == ns
    setting = common.settings_for(w.period)
    for n in ns:
        assert n.status == NOMINATION_INVITED and n.bucket == GROUP_PEER
        assert n.due_on == services.due_date(w.phase, setting, w.today, w.subject)
        assert w.today < n.due_on <= w.phase.closes_on
    assert db.session.query(AuditLog).filter(AuditLog.action == "assessment.invite").count() == 3
    with pytest.raises(DomainError, match="Tidak ada undangan"):
        services.send_invitations(w.u_assessor, w.subject, w.phase, w.today)


def test_send_refuses_a_bucket_below_the_threshold_and_changes_nothing(w):
    for p in w.peers[:3]:
        _invite(w, p)
    lone = _invite(w, w.subs[0], GROUP_SUBORDINATE)
    with pytest.raises(DomainError, match="belum dapat dikirim"):
        services.send_invitations(w.u_assessor, w.subject, w.phase, w.today)
    db.session.rollback()
    assert {n.status for n in db.session.scalars(select(RaterNomination))} == {NOMINATION_PREPARED}
    # A second small group makes the combined bucket: subordinates 2 + other 1 = 3.
    _invite(w, w.subs[1], GROUP_SUBORDINATE)
    _invite(w, w.outsider, GROUP_OTHER)
    _send(w)
    assert lone.bucket == "gabungan" and lone.status == NOMINATION_INVITED


def test_later_invitations_join_the_bucket_of_their_group(w):
    for p in w.peers[:3]:
        _invite(w, p)
    _send(w)
    late = _invite(w, w.peers[3])
    _send(w)
    assert late.bucket == GROUP_PEER
    # one more small-group rater alone is refused: the combined bucket would hold one person
    _invite(w, w.outsider, GROUP_OTHER)
    with pytest.raises(DomainError, match="belum dapat dikirim"):
        services.send_invitations(w.u_assessor, w.subject, w.phase, w.today)


def test_due_date_is_the_window_close_when_earlier(w):
    setting = common.settings_for(w.period)
    setting.rater_working_days = 60
    assert services.due_date(w.phase, setting, w.today) == w.phase.closes_on
    setting.rater_working_days = 2
    assert services.due_date(w.phase, setting, w.today) < w.phase.closes_on


def test_due_date_follows_a_reopening_for_the_subject(w):
    from portal.periods import services as period_services

    setting = common.settings_for(w.period)
    w.phase.opens_on, w.phase.closes_on = w.today - dt.timedelta(days=60), w.today - dt.timedelta(days=30)
    db.session.commit()
    until = w.today + dt.timedelta(days=3)
    period_services.reopen_phase(w.u_admin, w.phase, w.today, until, "Tambahan", unit=w.unit)
    db.session.commit()
    assert services.effective_close(w.phase, w.subject, w.today) == until
    due = services.due_date(w.phase, setting, w.today, w.subject)
    assert w.today <= due <= until
    # without a reopening for them, an employee of another unit keeps the window's close date
    assert services.effective_close(w.phase, w.outsider, w.today) == w.phase.closes_on
    # a stored due date that has passed shows the reopening's end
    old = RaterNomination(subject_id=w.subject.id, phase_id=w.phase.id, rater_id=w.peers[0].id, group=GROUP_PEER,
                          status=NOMINATION_INVITED, due_on=w.phase.closes_on)
    db.session.add(old)
    db.session.commit()
    reopened = services.reopened_until([(w.phase, w.subject), (w.phase, w.outsider)], w.today)
    assert reopened == {(w.phase.id, w.subject.id): until}
    assert services.due_for(old, w.today, reopened) == until


def test_nobody_nominated_twice(w):
    _invite(w, w.peers[0])
    with pytest.raises(DomainError, match="sudah dinominasikan"):
        services.nominate(w.u_assessor, w.subject, w.phase, w.peers[0], GROUP_OTHER, w.today)
    with pytest.raises(DomainError, match="sudah dinominasikan"):
        services.propose(w.u_subject, w.subject, w.phase, w.peers[0], GROUP_PEER, w.today)


def test_subject_and_assessor_cannot_be_raters(w):
    with pytest.raises(DomainError, match="dirinya sendiri"):
        services.nominate(w.u_assessor, w.subject, w.phase, w.subject, GROUP_PEER, w.today)
    with pytest.raises(DomainError, match="tidak anonim"):
        services.nominate(w.u_assessor, w.subject, w.phase, w.assessor, GROUP_SUPERIOR, w.today)
    with pytest.raises(DomainError, match="tidak ditemukan"):
        services.nominate(w.u_assessor, w.subject, w.phase, None, GROUP_PEER, w.today)
    with pytest.raises(DomainError, match="kelompok"):
        services.nominate(w.u_assessor, w.subject, w.phase, w.peers[0], "teman", w.today)
    assert db.session.scalar(select(RaterNomination.id)) is None


def test_inactive_employee_refused(w):
    w.outsider.active = False
    db.session.commit()
    with pytest.raises(DomainError, match="tidak aktif"):
        services.nominate(w.u_assessor, w.subject, w.phase, w.outsider, GROUP_OTHER, w.today)


def test_group_maximum_is_enforced(w):
    setting = common.settings_for(w.period)
    setting.peer_max = 3
    db.session.commit()
    for peer in w.peers[:3]:
        _invite(w, peer)
    with pytest.raises(DomainError, match="sudah penuh"):
        services.nominate(w.u_assessor, w.subject, w.phase, w.peers[3], GROUP_PEER, w.today)
    # other groups still have room
    _invite(w, w.outsider, GROUP_OTHER)


def test_a_declined_rater_frees_the_place(w):
    setting = common.settings_for(w.period)
    setting.superior_max = 1
    db.session.commit()
    n = _invite(w, w.head, GROUP_SUPERIOR)
    with pytest.raises(DomainError, match="sudah penuh"):
        services.nominate(w.u_assessor, w.subject, w.phase, w.outsider, GROUP_SUPERIOR, w.today)
    n.status = NOMINATION_DECLINED
    db.session.commit()
    _invite(w, w.outsider, GROUP_SUPERIOR)


def test_propose_approve_reject(w):
    a = services.propose(w.u_subject, w.subject, w.phase, w.peers[0], GROUP_PEER, w.today)
    b = services.propose(w.u_subject, w.subject, w.phase, w.outsider, GROUP_OTHER, w.today)
    db.session.commit()
    assert a.status == NOMINATION_PROPOSED and a.due_on is None and a.nominated_by_id == w.subject.id
    services.approve(w.u_assessor, a, w.today)
    services.reject(w.u_assessor, b, w.today)
    db.session.commit()
    assert a.status == NOMINATION_PREPARED and a.due_on is None
    assert b.status == NOMINATION_REJECTED
    with pytest.raises(DomainError, match="sudah diputuskan"):
        services.approve(w.u_assessor, b, w.today)
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"assessment.propose", "assessment.approve_nomination", "assessment.reject_nomination"} <= actions


def test_proposals_count_towards_the_maximum(w):
    setting = common.settings_for(w.period)
    setting.other_max = 1
    db.session.commit()
    services.propose(w.u_subject, w.subject, w.phase, w.outsider, GROUP_OTHER, w.today)
    with pytest.raises(DomainError, match="sudah penuh"):
        services.propose(w.u_subject, w.subject, w.phase, w.peers[0], GROUP_OTHER, w.today)


def test_replace_a_declined_rater(w):
    old, *_rest = [_invite(w, p) for p in w.peers[:3]]
    _send(w)
    with pytest.raises(DomainError, match="menolak"):
        services.replace(w.u_assessor, old, w.peers[3], w.today)
    old.status = NOMINATION_DECLINED
    old.decline_reason = "Sedang cuti"
    db.session.commit()
    new = services.replace(w.u_assessor, old, w.outsider, w.today)
    db.session.commit()
    assert old.status == NOMINATION_REPLACED and old.replaced_by_id == new.id
    assert new.group == GROUP_PEER and new.status == NOMINATION_INVITED and new.rater_id == w.outsider.id
    assert new.bucket == old.bucket == GROUP_PEER and new.due_on is not None  # sent at once, into the same bucket
    # removing the replacement (the window has opened: refused like any sent invitation) ...
    with pytest.raises(DomainError, match="tidak dapat dihapus"):
        services.remove(w.u_assessor, new, w.today)


def test_removing_a_replacement_before_the_window_opens_gives_the_place_back(w):
    w.phase.opens_on = w.today + dt.timedelta(days=2)
    db.session.commit()
    old, *_rest = [_invite(w, p) for p in w.peers[:3]]
    _send(w)
    old.status = NOMINATION_DECLINED
    db.session.commit()
    new = services.replace(w.u_assessor, old, w.outsider, w.today)
    services.remove(w.u_assessor, new, w.today)
    db.session.commit()
    assert old.status == NOMINATION_DECLINED and old.replaced_by_id is None


def test_a_sent_invitation_is_fixed_once_the_window_opens_answered_or_not(w):
    answered, pending, _third = [_invite(w, p) for p in w.peers[:3]]
    prepared = _invite(w, w.peers[3])
    _send(w)
    unsent = _invite(w, w.outsider, GROUP_OTHER)
    secret = current_app.config["SECRET_KEY"]
    db.session.add(RaterDraft(token=rules.opaque_token(secret, "draft", pending.id), payload={"x": 1}))
    db.session.commit()
    complete(answered)
    messages = []
    for n in (answered, pending, prepared):
        with pytest.raises(DomainError) as refused:
            services.remove(w.u_assessor, n, w.today)
        messages.append(refused.value.message)
        db.session.rollback()
    assert len(set(messages)) == 1 and "tidak dapat dihapus" in messages[0]
    # an invitation not sent yet can be taken off the list
    services.remove(w.u_assessor, unsent, w.today)
    db.session.commit()
    assert db.session.scalar(select(RaterDraft.token)) is not None  # nothing of the sent ones touched


def test_invitations_can_be_removed_before_the_window_opens(w):
    w.phase.opens_on = w.today + dt.timedelta(days=2)
    db.session.commit()
    ns = [_invite(w, p) for p in w.peers[:3]]
    _send(w)
    services.remove(w.u_assessor, ns[0], w.today)
    db.session.commit()
    assert db.session.get(RaterNomination, ns[0].id) is None


def test_admin_cancels_an_invitation_answered_or_not(w):
    answered, pending, _third = [_invite(w, p) for p in w.peers[:3]]
    _send(w)
    secret = current_app.config["SECRET_KEY"]
    db.session.add(RaterDraft(token=rules.opaque_token(secret, "draft", pending.id), payload={"x": 1}))
    db.session.commit()
    complete(answered)
    with pytest.raises(DomainError, match="Hanya Admin"):
        services.cancel_invitation(w.u_assessor, pending, "Keliru", w.today)
    with pytest.raises(DomainError, match="wajib diisi"):
        services.cancel_invitation(w.u_admin, pending, "  ", w.today)
    for n in (answered, pending):
        services.cancel_invitation(w.u_admin, n, "Konflik kepentingan", w.today)
    db.session.commit()
    assert {answered.status, pending.status} == {NOMINATION_CANCELLED}
    assert db.session.scalar(select(RaterDraft.token)) is None  # the unsent draft is gone
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "assessment.cancel_invitation")).all()
    assert len(audit) == 2 and all(a.changes["cancel_reason"][1] == "Konflik kepentingan" for a in audit)


def test_changes_refused_after_the_window_closed(w):
    w.phase.opens_on = w.today - dt.timedelta(days=30)
    w.phase.closes_on = w.today - dt.timedelta(days=1)
    db.session.commit()
    with pytest.raises(DomainError, match="sudah ditutup"):
        services.nominate(w.u_assessor, w.subject, w.phase, w.peers[0], GROUP_PEER, w.today)


def test_answered_ids_and_counts_in_steps_of_the_threshold(w):
    ns = [_invite(w, p) for p in w.peers[:4]]
    _send(w)
    complete(ns[1])
    ns[3].status = NOMINATION_DECLINED
    db.session.commit()
    answered = services.answered_nomination_ids(ns)
    assert answered == {ns[1].id}
    counts = services.count_nominations(ns, answered, 3)
    assert (counts.invited, counts.answered_at_least, counts.declined) == (3, 0, 1)
    complete(ns[0])
    complete(ns[2])
    counts = services.count_nominations(ns, services.answered_nomination_ids(ns), 3)
    assert counts.answered_at_least == 3
    # a token made with another secret matches nothing
    assert services.answered_nomination_ids(ns, secret="another-secret") == set()


def test_remind_writes_one_round_per_subject_and_window_once_a_day(w):
    a, b, c = (_invite(w, p) for p in w.peers[:3])
    with pytest.raises(DomainError, match="Belum ada undangan"):
        services.remind(w.u_assessor, w.subject, w.phase, dt.datetime(2026, 11, 23, 3, 0), w.today)
    _send(w)
    complete(a)
    now = dt.datetime.combine(w.today, dt.time(3, 0))
    services.remind(w.u_assessor, w.subject, w.phase, now, w.today)
    db.session.commit()
    assert services.last_reminders([(w.subject.id, w.phase.id)]) == {(w.subject.id, w.phase.id): now}
    with pytest.raises(services.AlreadyReminded):
        services.remind(w.u_assessor, w.subject, w.phase, now, w.today)
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "assessment.remind"))
    assert "belum mengisi" in audit.summary and not any(p.full_name in audit.summary for p in w.peers)


def test_problems_use_the_period_limits(w):
    ns = [_invite(w, w.peers[0])]
    messages = services.problems(ns, common.limits_for(w.period))
    assert any("paling sedikit 3" in m for m in messages)


def test_settings_validation(w):
    setting = common.settings_for(w.period)
    with pytest.raises(DomainError, match="paling sedikit 2"):
        services.update_settings(w.u_admin, setting, {"anonymity_threshold": 1})
    with pytest.raises(DomainError, match="minimum rekan"):
        services.update_settings(w.u_admin, setting, {"peer_min": 6, "peer_max": 5})
    services.update_settings(w.u_admin, setting, {"anonymity_threshold": 4, "peer_min": 4, "peer_max": 6})
    db.session.commit()
    assert (setting.anonymity_threshold, setting.peer_min, setting.peer_max) == (4, 4, 6)
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "assessment.settings"))
    assert audit.changes["anonymity_threshold"] == [3, 4]


def test_items_editable_only_before_the_first_window(w):
    future = factories.make_period(w.today.year + 1)
    items = common.ensure_items(future)
    assert services.items_editable(future, w.today)
    assert services.update_items(w.u_admin, future, items, {items[0].id: "  Teks   baru  "}, w.today) == 1
    assert items[0].text == "Teks baru"
    with pytest.raises(DomainError, match="tidak boleh kosong"):
        services.update_items(w.u_admin, future, items, {items[1].id: "   "}, w.today)
    current = common.ensure_items(w.period)  # its first periodic window opened early in the year
    assert not services.items_editable(w.period, w.today)
    with pytest.raises(DomainError, match="sudah dibuka"):
        services.update_items(w.u_admin, w.period, current, {current[0].id: "Lain"}, w.today)
