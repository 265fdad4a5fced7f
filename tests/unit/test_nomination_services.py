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
    NOMINATION_DECLINED,
    NOMINATION_INVITED,
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
    n = services.nominate(w.u_assessor, w.subject, w.phase, rater, group, w.today)
    db.session.commit()
    return n


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


def test_nominate_sets_due_date_and_audits(w):
    n = _invite(w, w.peers[0])
    assert n.status == NOMINATION_INVITED
    assert n.nominated_by_id == w.assessor.id
    setting = common.settings_for(w.period)
    assert n.due_on == services.due_date(w.phase, setting, w.today)
    assert w.today < n.due_on <= w.phase.closes_on
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "assessment.nominate"))
    assert audit is not None and w.peers[0].full_name in audit.summary


def test_due_date_is_the_window_close_when_earlier(w):
    setting = common.settings_for(w.period)
    setting.rater_working_days = 60
    assert services.due_date(w.phase, setting, w.today) == w.phase.closes_on
    setting.rater_working_days = 2
    assert services.due_date(w.phase, setting, w.today) < w.phase.closes_on


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
    assert a.status == NOMINATION_INVITED and a.due_on is not None
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
    old = _invite(w, w.peers[0])
    with pytest.raises(DomainError, match="menolak"):
        services.replace(w.u_assessor, old, w.peers[1], w.today)
    old.status = NOMINATION_DECLINED
    old.decline_reason = "Sedang cuti"
    db.session.commit()
    new = services.replace(w.u_assessor, old, w.outsider, w.today)
    db.session.commit()
    assert old.status == NOMINATION_REPLACED and old.replaced_by_id == new.id
    assert new.group == GROUP_PEER and new.status == NOMINATION_INVITED and new.rater_id == w.outsider.id
    # removing the replacement gives the declined nomination back its place
    services.remove(w.u_assessor, new, w.today)
    db.session.commit()
    assert old.status == NOMINATION_DECLINED and old.replaced_by_id is None


def test_remove_only_before_the_rater_answered(w):
    answered = _invite(w, w.peers[0])
    pending = _invite(w, w.peers[1])
    secret = current_app.config["SECRET_KEY"]
    db.session.add(RaterDraft(token=rules.opaque_token(secret, "draft", pending.id), payload={"x": 1}))
    db.session.commit()
    complete(answered)
    with pytest.raises(DomainError, match="sudah mengirim"):
        services.remove(w.u_assessor, answered, w.today)
    pending_id = pending.id
    services.remove(w.u_assessor, pending, w.today)
    db.session.commit()
    assert db.session.get(RaterNomination, pending_id) is None
    assert db.session.get(RaterNomination, answered.id) is not None
    assert db.session.scalar(select(RaterDraft.token)) is None  # the draft went with the invitation


def test_changes_refused_after_the_window_closed(w):
    w.phase.opens_on = w.today - dt.timedelta(days=30)
    w.phase.closes_on = w.today - dt.timedelta(days=1)
    db.session.commit()
    with pytest.raises(DomainError, match="sudah ditutup"):
        services.nominate(w.u_assessor, w.subject, w.phase, w.peers[0], GROUP_PEER, w.today)


def test_answered_ids_and_counts(w):
    ns = [_invite(w, p) for p in w.peers[:3]]
    complete(ns[1])
    ns[2].status = NOMINATION_DECLINED
    db.session.commit()
    answered = services.answered_nomination_ids(ns)
    assert answered == {ns[1].id}
    counts = services.count_nominations(ns, answered)
    assert (counts.invited, counts.answered, counts.declined, counts.open) == (2, 1, 1, 1)
    # a token made with another secret matches nothing
    assert services.answered_nomination_ids(ns, secret="another-secret") == set()


def test_remind_open_requests_only(w):
    a, b, c = (_invite(w, p) for p in w.peers[:3])
    complete(a)
    c.status = NOMINATION_DECLINED
    db.session.commit()
    now = dt.datetime(2026, 11, 23, 3, 0)
    assert services.remind(w.u_assessor, w.subject, w.phase, now) == 1
    db.session.commit()
    assert b.reminded_at == now and a.reminded_at is None and c.reminded_at is None
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "assessment.remind"))
    assert "1 penilai" in audit.summary and w.peers[1].full_name not in audit.summary


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
