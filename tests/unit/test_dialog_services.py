"""Dialog services without HTTP: proposing from either side, accepting and rescheduling, points carried over, notes
and the private note, actions after the close, the agenda, the .ics file, coaching and confidential counselling."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.core.audit import AuditLog
from portal.core.errors import DomainError
from portal.dialog import permissions as perms
from portal.dialog import rules
from portal.dialog import services as services
from portal.dialog.models import TalkingPoint
from portal.extensions import db
from tests import factories

NOW = dt.datetime(2026, 11, 10, 2, 0)
TODAY = dt.date(2026, 11, 10)
AT = dt.datetime(2026, 11, 12, 2, 0)


def build():
    unit = factories.make_unit("Dinas Dialog")
    head = factories.make_employee("Kepala Dinas", unit=unit, position=factories.make_position(
        "Kepala Dinas Dialog", unit=unit, is_head=True))
    assessor = factories.make_employee("Kepala Bidang", unit=unit, superior=head)
    employee = factories.make_employee("Pegawai Berdialog", unit=unit, superior=assessor)
    colleague = factories.make_employee("Rekan", unit=unit, superior=assessor)
    counsellor = factories.make_employee("Konselor", unit=factories.make_unit("BKPSDM"))
    people = [head, assessor, employee, colleague, counsellor]
    users = {p.id: factories.make_user(employee=p) for p in people}
    return SimpleNamespace(unit=unit, head=head, assessor=assessor, employee=employee, colleague=colleague,
                           counsellor=counsellor, users=users, admin=factories.make_user(role="admin"),
                           auditor=factories.make_user(role="auditor"))


@pytest.fixture
def w():
    return build()


def _u(w, e):
    return w.users[e.id]


def _propose(w, actor=None, at=AT):
    session = services.propose(actor or _u(w, w.assessor), w.employee, starts_at=at, duration=60,
                               place="Ruang rapat bidang", link="", kind=rules.KIND_CHECKIN, message="", now=NOW)
    db.session.commit()
    return session


def test_either_side_proposes_the_other_accepts(w):
    session = _propose(w)
    assert session.proposed_by == rules.ASSESSOR
    with pytest.raises(DomainError):
        services.accept(_u(w, w.assessor), session, now=NOW)
    services.accept(_u(w, w.employee), session, now=NOW)
    assert session.status == rules.SCHEDULED
    mine = services.propose(_u(w, w.employee), w.employee, starts_at=AT, duration=30, place="", link="https://x.id/r",
                            kind=rules.KIND_ADHOC, message="Saya ingin membahas target", now=NOW)
    assert mine.proposed_by == rules.EMPLOYEE
    services.reschedule(_u(w, w.assessor), mine, starts_at=AT + dt.timedelta(days=1), place="", link="",
                        message="Besok saja", now=NOW)
    assert (mine.status, mine.proposed_by) == (rules.PROPOSED, rules.ASSESSOR)
    services.accept(_u(w, w.employee), mine, now=NOW)
    assert mine.status == rules.SCHEDULED


def test_strangers_cannot_propose_or_act(w):
    with pytest.raises(DomainError):
        services.propose(_u(w, w.colleague), w.employee, starts_at=AT, duration=60, place="x", link="",
                         kind=rules.KIND_CHECKIN, message="", now=NOW)
    session = _propose(w)
    for who in (w.colleague, w.head):
        with pytest.raises(DomainError):
            services.accept(_u(w, who), session, now=NOW)
        with pytest.raises(DomainError):
            services.add_point(_u(w, who), session, "x")


def test_refusals(w):
    with pytest.raises(DomainError, match="tempat atau tautan"):
        services.propose(_u(w, w.assessor), w.employee, starts_at=AT, duration=60, place="", link="",
                         kind=rules.KIND_CHECKIN, message="", now=NOW)
    with pytest.raises(DomainError, match="masa lalu"):
        services.propose(_u(w, w.assessor), w.employee, starts_at=NOW - dt.timedelta(days=3), duration=60,
                         place="x", link="", kind=rules.KIND_CHECKIN, message="", now=NOW)
    with pytest.raises(DomainError, match="http"):
        services.propose(_u(w, w.assessor), w.employee, starts_at=AT, duration=60, place="", link="javascript:x",
                         kind=rules.KIND_CHECKIN, message="", now=NOW)


def test_points_not_discussed_carry_over_to_the_next_session(w):
    first = _propose(w)
    services.accept(_u(w, w.employee), first, now=NOW)
    a = services.add_point(_u(w, w.employee), first, "Beban kerja triwulan IV")
    b = services.add_point(_u(w, w.assessor), first, "Pelatihan data")
    services.add_point(_u(w, w.employee), first, "Cuti akhir tahun")
    services.set_discussed(_u(w, w.assessor), a, True)
    services.add_action(_u(w, w.assessor), first, "Daftarkan pelatihan", rules.EMPLOYEE, TODAY + dt.timedelta(7),
                        today=TODAY)
    services.close(_u(w, w.assessor), first, now=NOW)
    db.session.commit()
    with pytest.raises(DomainError, match="sudah ditutup"):
        services.add_point(_u(w, w.employee), first, "terlambat")
    second = _propose(w, at=AT + dt.timedelta(days=30))
    assert [p.text for p in second.points] == ["Pelatihan data", "Cuti akhir tahun"]
    assert second.points[0].carried_from_id == b.id
    # A third session does not carry the same points again from the first.
    third = _propose(w, at=AT + dt.timedelta(days=60))
    assert third.points == []


def test_actions_can_be_updated_after_the_close_by_both_sides(w):
    session = _propose(w)
    services.accept(_u(w, w.employee), session, now=NOW)
    action = services.add_action(_u(w, w.employee), session, "Susun laporan", rules.EMPLOYEE, None, today=TODAY)
    with pytest.raises(DomainError, match="masa lalu"):
        services.add_action(_u(w, w.assessor), session, "x", rules.EMPLOYEE, TODAY - dt.timedelta(1), today=TODAY)
    services.close(_u(w, w.assessor), session, now=NOW)
    services.confirm(_u(w, w.employee), session, "Sesuai", now=NOW)
    services.update_action(_u(w, w.employee), action, rules.ACTION_DONE, now=NOW)
    assert action.status == rules.ACTION_DONE
    with pytest.raises(DomainError):
        services.update_action(_u(w, w.colleague), action, rules.ACTION_OPEN, now=NOW)


def test_only_the_assessor_closes_only_the_employee_confirms(w):
    session = _propose(w)
    services.accept(_u(w, w.employee), session, now=NOW)
    with pytest.raises(DomainError):
        services.close(_u(w, w.employee), session, now=NOW)
    services.close(_u(w, w.assessor), session, now=NOW)
    with pytest.raises(DomainError):
        services.confirm(_u(w, w.assessor), session, "", now=NOW)
    services.confirm(_u(w, w.employee), session, "Ada yang kurang: target diturunkan", now=NOW)
    assert session.status == rules.CONFIRMED and session.employee_comment.startswith("Ada")


def test_the_private_note_is_the_assessors_alone_and_not_audited(w):
    session = _propose(w)
    services.save_private_note(_u(w, w.assessor), session, "Perhatikan motivasi; pertimbangkan konseling.")
    db.session.commit()
    for who in (_u(w, w.employee), _u(w, w.head), w.admin, w.auditor):
        assert not perms.can_view_private_note(who, session)
        with pytest.raises(DomainError):
            services.save_private_note(who, session, "x")
    assert perms.can_view_private_note(_u(w, w.assessor), session)
    assert "motivasi" not in str([(a.summary, a.changes) for a in db.session.scalars(select(AuditLog))])


def test_ics_is_an_rfc5545_event(w):
    session = _propose(w)
    text = services.ics(session, "portal.example", NOW)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20261112T020000Z" in text and "DTEND:20261112T030000Z" in text
    assert "STATUS:TENTATIVE" in text and f"UID:dialog-{session.id}@portal.example" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_coaching(w):
    with pytest.raises(DomainError, match="Pejabat Penilai"):
        services.start_coaching(_u(w, w.colleague), w.employee, w.colleague, kind=rules.COACHING, goal="x")
    record = services.start_coaching(_u(w, w.assessor), w.employee, w.colleague, kind=rules.MENTORING,
                                     goal="Menguasai penyusunan laporan kinerja")
    services.add_meeting(_u(w, w.colleague), record, TODAY, "Membahas format laporan", TODAY)
    with pytest.raises(DomainError, match="masa depan"):
        services.add_meeting(_u(w, w.colleague), record, TODAY + dt.timedelta(1), "x", TODAY)
    services.close_coaching(_u(w, w.colleague), record, "Laporan triwulan IV disusun sendiri")
    assert record.status == rules.COACHING_DONE and len(record.meetings) == 1
    assert perms.can_view_coaching(_u(w, w.employee), record) and not perms.can_view_coaching(_u(w, w.head), record)
    assert perms.can_see_coaching_exists(_u(w, w.head), record)


def test_counselling_is_confidential(w):
    services.grant_counsellor(w.admin, w.counsellor, True, NOW)
    with pytest.raises(DomainError, match="konselor"):
        services.refer(_u(w, w.assessor), w.employee, w.colleague, "x")
    referral = services.refer(_u(w, w.assessor), w.employee, w.counsellor, "Sering terlambat; konflik dengan rekan.")
    services.add_counselling_note(_u(w, w.counsellor), referral, "Sesi pertama: akar masalah di rumah.", NOW)
    services.add_counselling_note(_u(w, w.employee), referral, "Terima kasih.", NOW)
    db.session.commit()
    assert referral.status == rules.REFERRAL_ACTIVE
    content = {who: perms.can_view_counselling(u, referral) for who, u in (
        ("employee", _u(w, w.employee)), ("counsellor", _u(w, w.counsellor)), ("assessor", _u(w, w.assessor)),
        ("head", _u(w, w.head)), ("admin", w.admin), ("auditor", w.auditor), ("colleague", _u(w, w.colleague)))}
    assert content == {"employee": True, "counsellor": True, "assessor": False, "head": False, "admin": False,
                       "auditor": False, "colleague": False}
    exists = {who: perms.can_see_referral_exists(u, referral) for who, u in (
        ("assessor", _u(w, w.assessor)), ("head", _u(w, w.head)), ("admin", w.admin), ("auditor", w.auditor),
        ("colleague", _u(w, w.colleague)))}
    assert exists == {"assessor": True, "head": True, "admin": True, "auditor": False, "colleague": False}
    with pytest.raises(DomainError):
        services.add_counselling_note(_u(w, w.assessor), referral, "x", NOW)
    audit = str([(a.summary, a.changes) for a in db.session.scalars(select(AuditLog))])
    assert "terlambat" not in audit and "akar masalah" not in audit and "Terima kasih" not in audit
    services.close_counselling(_u(w, w.counsellor), referral, NOW)
    assert referral.status == rules.REFERRAL_DONE


def test_team_rows_in_three_queries(w, queries):
    session = _propose(w)
    services.accept(_u(w, w.employee), session, now=NOW)
    services.add_action(_u(w, w.assessor), session, "x", rules.EMPLOYEE, TODAY, today=TODAY)
    db.session.commit()
    team, assessor_id = [w.employee, w.colleague], w.assessor.id
    [e.id for e in team]  # loaded before counting: the page has its employees already
    with queries() as q:
        rows = services.team_rows(team, assessor_id, TODAY + dt.timedelta(days=2), NOW)
    assert q.count == 3
    assert rows[0].next_session.id == session.id and rows[0].overdue_actions == 1 and rows[1].next_session is None


def test_waiting_count(w):
    session = _propose(w)
    assert services.waiting_count(w.employee.id) == 1 and services.waiting_count(w.assessor.id) == 0
    services.accept(_u(w, w.employee), session, now=NOW)
    services.close(_u(w, w.assessor), session, now=NOW)
    assert services.waiting_count(w.employee.id) == 1
    assert db.session.scalar(select(TalkingPoint.id)) is None
