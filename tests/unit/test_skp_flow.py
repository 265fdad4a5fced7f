"""SKP flow services: submit, withdraw, approve, return with a note, revise into a new version, and the team board
queries (portal/skp/flow.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from portal.core.audit import AuditLog
from portal.core.errors import DomainError, StaleVersionError
from portal.extensions import db
from portal.skp import flow
from portal.skp.models import Skp, SkpEvent

YEAR = 2031
PLANNING = (dt.date(YEAR, 1, 2), dt.date(YEAR, 1, 31))
TODAY = dt.date(YEAR, 1, 6)  # a Monday inside planning
NOW = dt.datetime(YEAR, 1, 6, 2, 0)


@pytest.fixture
def period(make_period):
    return make_period(YEAR, planning=PLANNING)


@pytest.fixture
def team(make_unit, make_position, make_employee, make_user):
    unit = make_unit("Dinas Uji Alur")
    head = make_employee("Kepala Dinas", unit=unit, golongan="IV/c",
                         position=make_position("Kepala Dinas", unit=unit, type_code="JPT_PRATAMA", is_head=True))
    boss = make_employee("Kepala Bidang", unit=unit, superior=head, golongan="IV/a",
                         position=make_position("Kepala Bidang Uji", unit=unit))
    owner = make_employee("Pegawai Pemilik", unit=unit, superior=boss, position=make_position("Analis", unit=unit))
    other = make_employee("Pegawai Lain", unit=unit, superior=boss)
    return {
        "unit": unit, "head": head, "boss": boss, "owner": owner, "other": other,
        "owner_user": make_user("pemilik", employee=owner), "boss_user": make_user("kabid", employee=boss),
        "head_user": make_user("kadis", employee=head), "other_user": make_user("lain", employee=other),
    }


def _audits(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def _submitted(team, period, make_skp, **kwargs) -> Skp:
    skp = make_skp(team["owner"], period, rhk=2, **kwargs)
    flow.submit_skp(team["owner_user"], skp, today=TODAY, now=NOW)
    db.session.commit()
    return skp


# --- submit / withdraw -------------------------------------------------------------------------------------


def test_submit_without_rhk_is_refused_and_lists_what_is_missing(team, period, make_skp):
    skp = make_skp(team["owner"], period)
    with pytest.raises(DomainError) as refused:
        flow.submit_skp(team["owner_user"], skp, today=TODAY, now=NOW)
    assert "Rencana Hasil Kerja Utama" in refused.value.message
    db.session.rollback()
    assert db.session.get(Skp, skp.id).status == "draft"
    assert db.session.scalars(select(SkpEvent)).all() == []


def test_submit_lists_rhk_without_indicator(team, period, make_skp, make_rhk):
    skp = make_skp(team["owner"], period, rhk=1)
    make_rhk(skp, "Laporan tanpa indikator", kind="tambahan")
    with pytest.raises(DomainError) as refused:
        flow.submit_skp(team["owner_user"], skp, today=TODAY, now=NOW)
    assert "Laporan tanpa indikator" in refused.value.message
    assert "Rencana Hasil Kerja Utama" not in refused.value.message


def test_only_tambahan_is_not_enough(team, period, make_skp, make_rhk):
    skp = make_skp(team["owner"], period)
    make_rhk(skp, kind="tambahan", indicators=1)
    with pytest.raises(DomainError, match="Rencana Hasil Kerja Utama"):
        flow.submit_skp(team["owner_user"], skp, today=TODAY, now=NOW)


def test_submit_records_time_snapshot_event_audit_and_refreshes_the_assessor(team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=1, assessor=team["head"])  # stale assessor on the SKP
    version = skp.version_id
    flow.submit_skp(team["owner_user"], skp, today=TODAY, now=NOW, version=version)
    db.session.commit()
    skp = db.session.get(Skp, skp.id)
    assert skp.status == "diajukan" and skp.submitted_at == NOW
    assert skp.assessor_id == team["boss"].id  # from the org chart
    assert skp.version_id > version
    employee, assessor = skp.snapshot["pegawai"], skp.snapshot["penilai"]
    assert employee["nama"] == "Pegawai Pemilik" and employee["nip"] == team["owner"].nip
    assert employee["jabatan"] == "Analis" and employee["unit"] == "Dinas Uji Alur"
    assert employee["golongan"] == "III/a" and employee["pangkat"]
    assert assessor["nama"] == "Kepala Bidang" and assessor["golongan"] == "IV/a"
    [event] = skp.events
    assert (event.from_status, event.to_status, event.actor_user_id) == ("draft", "diajukan",
                                                                           team["owner_user"].id)
    [row] = _audits("skp.submit")
    assert row.changes["assessor_id"] == [team["head"].id, team["boss"].id]


def test_submit_by_someone_else_is_refused(team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=1)
    with pytest.raises(DomainError):
        flow.submit_skp(team["boss_user"], skp, today=TODAY, now=NOW)


def test_submit_after_planning_closed_is_refused(team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=1)
    with pytest.raises(DomainError, match="perencanaan"):
        flow.submit_skp(team["owner_user"], skp, today=dt.date(YEAR, 2, 3), now=NOW)


def test_submit_without_an_assessor_is_refused(period, make_skp, make_employee, make_user):
    alone = make_employee("Tanpa Atasan")
    skp = make_skp(alone, period, rhk=1)
    with pytest.raises(DomainError, match="Pejabat Penilai Kinerja"):
        flow.submit_skp(make_user(employee=alone), skp, today=TODAY, now=NOW)


def test_stale_form_is_refused(team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=1)
    with pytest.raises(StaleVersionError):
        flow.submit_skp(team["owner_user"], skp, today=TODAY, now=NOW, version=skp.version_id - 1)


def test_withdraw_back_to_draft_and_not_twice(team, period, make_skp):
    skp = _submitted(team, period, make_skp)
    flow.withdraw_skp(team["owner_user"], skp, today=TODAY, now=NOW + dt.timedelta(hours=1))
    db.session.commit()
    assert skp.status == "draft" and skp.submitted_at is None
    assert [e.to_status for e in skp.events] == ["diajukan", "draft"]
    with pytest.raises(DomainError, match="sedang diajukan"):
        flow.withdraw_skp(team["owner_user"], skp, today=TODAY)
    assert len(_audits("skp.withdraw")) == 1


# --- approve / return --------------------------------------------------------------------------------------


@pytest.mark.parametrize("note", ["", "   ", "terlalu"])
def test_return_without_a_real_note_is_refused(team, period, make_skp, note):
    skp = _submitted(team, period, make_skp)
    with pytest.raises(DomainError) as refused:
        flow.return_skp(team["boss_user"], skp, note, today=TODAY)
    assert refused.value.field == "note"
    db.session.rollback()
    assert db.session.get(Skp, skp.id).status == "diajukan"


def test_return_keeps_the_note_in_history_after_resubmission(team, period, make_skp):
    skp = _submitted(team, period, make_skp)
    note = "Indikator RHK 2 belum terukur, mohon tambahkan target angka."
    flow.return_skp(team["boss_user"], skp, f"  {note} ", today=TODAY, now=NOW + dt.timedelta(hours=1))
    db.session.commit()
    assert skp.status == "dikembalikan" and skp.decided_by_id == team["boss"].id
    assert flow.latest_return(skp).note == note
    flow.submit_skp(team["owner_user"], skp, today=TODAY, now=NOW + dt.timedelta(hours=2))
    db.session.commit()
    assert skp.status == "diajukan" and flow.latest_return(skp) is None
    assert [e.note for e in skp.events if e.to_status == "dikembalikan"] == [note]
    assert _audits("skp.return")[0].changes["note"] == note


def test_approve_by_the_assessor_sets_decision_and_refreshes_snapshot(team, period, make_skp):
    skp = _submitted(team, period, make_skp)
    team["owner"].nama = "Pegawai Pemilik Baru"
    db.session.commit()
    later = NOW + dt.timedelta(days=1)
    event = flow.approve_skp(team["boss_user"], skp, today=TODAY, now=later)
    db.session.commit()
    assert skp.status == "disetujui" and skp.decided_at == later and skp.decided_by_id == team["boss"].id
    assert event.acting_as_superior is False
    assert skp.snapshot["pegawai"]["nama"] == "Pegawai Pemilik Baru"
    assert len(_audits("skp.approve")) == 1


@pytest.mark.parametrize("who", ["owner_user", "other_user", "head_user"])
def test_approve_by_others_is_refused(team, period, make_skp, who):
    skp = _submitted(team, period, make_skp)
    with pytest.raises(DomainError):
        flow.approve_skp(team[who], skp, today=TODAY)  # the head's assessor is on time: not acting


def test_superior_may_approve_when_the_assessor_is_absent(team, period, make_skp):
    skp = _submitted(team, period, make_skp)
    team["boss"].active = False
    db.session.commit()
    event = flow.approve_skp(team["head_user"], skp, today=TODAY)
    db.session.commit()
    assert event.acting_as_superior is True and skp.status == "disetujui"
    assert skp.decided_by_id == team["head"].id
    assert skp.snapshot["atasan_penilai"]["nama"] == "Kepala Dinas"
    assert _audits("skp.approve")[0].changes["acting_as_superior"] is True


def test_superior_may_return_when_the_assessor_is_late(team, period, make_skp):
    skp = _submitted(team, period, make_skp)
    assert flow.decider_role(team["head_user"], skp, dt.date(YEAR, 1, 13)) is None  # 5 working days: not late
    late = dt.date(YEAR, 1, 14)  # 6 working days after Monday 6 January
    event = flow.return_skp(team["head_user"], skp, "Mohon lengkapi lampiran SKP.", today=late)
    assert event.acting_as_superior is True and skp.status == "dikembalikan"


def test_approve_a_draft_is_refused_with_a_clear_message(team, period, make_skp):
    skp = make_skp(team["owner"], period, rhk=1)
    with pytest.raises(DomainError, match="sedang diajukan"):
        flow.approve_skp(team["boss_user"], skp, today=TODAY)


# --- revise ------------------------------------------------------------------------------------------------


def _approved(team, period, make_skp, **kwargs) -> Skp:
    skp = _submitted(team, period, make_skp, **kwargs)
    flow.approve_skp(team["boss_user"], skp, today=TODAY, now=NOW + dt.timedelta(days=1))
    db.session.commit()
    return skp


def test_revise_creates_version_two_as_a_copy_with_origins(team, period, make_skp, make_rhk):
    boss_skp = make_skp(team["boss"], period, rhk=1)
    parent = boss_skp.result_plans[0]
    skp = make_skp(team["owner"], period, resources="Laptop", consequences="Teguran")
    make_rhk(skp, "RHK bertaut", parent=parent, indicators=2)
    make_rhk(skp, "RHK tambahan", kind="tambahan", indicators=1)
    skp.expectations[0].text = "Tanggap terhadap pengaduan"
    db.session.commit()
    flow.submit_skp(team["owner_user"], skp, today=TODAY, now=NOW)
    flow.approve_skp(team["boss_user"], skp, today=TODAY, now=NOW + dt.timedelta(hours=1))
    db.session.commit()

    new = flow.revise_skp(team["owner_user"], skp, "Tugas tambahan dari Bupati bulan Juni.",
                          today=dt.date(YEAR, 6, 10), now=dt.datetime(YEAR, 6, 10, 3))
    db.session.commit()
    old = db.session.get(Skp, skp.id)
    assert (new.number, new.status, new.is_current, new.previous_id) == (2, "draft", True, old.id)
    assert (old.status, old.is_current) == ("disetujui", False)
    assert new.revision_reason == "Tugas tambahan dari Bupati bulan Juni."
    assert (new.resources, new.consequences) == ("Laptop", "Teguran")
    old_rhk = {r.id: r for r in old.result_plans}
    assert sorted(r.origin_id for r in new.result_plans) == sorted(old_rhk)
    for rhk in new.result_plans:
        original = old_rhk[rhk.origin_id]
        assert (rhk.text, rhk.kind, rhk.parent_id) == (original.text, original.kind, original.parent_id)
        assert sorted(i.origin_id for i in rhk.indicators) == sorted(i.id for i in original.indicators)
        assert {i.id for i in rhk.indicators}.isdisjoint({i.id for i in original.indicators})
    assert next(r for r in new.result_plans if r.text == "RHK bertaut").parent_id == parent.id
    assert {e.value_code: e.text for e in new.expectations}[old.expectations[0].value_code] == \
        "Tanggap terhadap pengaduan"
    assert [e.to_status for e in new.events] == ["draft"]
    assert len(_audits("skp.revise")) == 1


def test_only_one_open_revision_and_the_old_version_cannot_be_revised_again(team, period, make_skp):
    skp = _approved(team, period, make_skp)
    new = flow.revise_skp(team["boss_user"], skp, "Penyesuaian target triwulan II.", today=TODAY)
    db.session.commit()
    with pytest.raises(DomainError, match="versi 2"):
        flow.revise_skp(team["owner_user"], skp, "Revisi kedua kalinya sekaligus.", today=TODAY)
    with pytest.raises(DomainError, match="sudah disetujui"):
        flow.revise_skp(team["owner_user"], new, "Revisi atas draf revisi.", today=TODAY)


@pytest.mark.parametrize(("who", "reason"), [("owner_user", "singkat"), ("other_user", "Alasan yang cukup panjang"),
                                             ("head_user", "Alasan yang cukup panjang")])
def test_revise_needs_a_reason_and_the_owner_or_assessor(team, period, make_skp, who, reason):
    skp = _approved(team, period, make_skp)
    with pytest.raises(DomainError):
        flow.revise_skp(team[who], skp, reason, today=TODAY)
    db.session.rollback()
    assert db.session.scalar(select(Skp).where(Skp.number == 2)) is None


def test_approving_version_two_supersedes_version_one(team, period, make_skp):
    v1 = _approved(team, period, make_skp)
    later = NOW + dt.timedelta(days=2)
    v2 = flow.revise_skp(team["owner_user"], v1, "Tugas baru dari Kepala Dinas.", today=TODAY, now=later)
    db.session.commit()
    flow.submit_skp(team["owner_user"], v2, today=TODAY, now=later + dt.timedelta(hours=1))
    flow.approve_skp(team["boss_user"], v2, today=TODAY, now=later + dt.timedelta(hours=2))
    db.session.commit()
    v1 = db.session.get(Skp, v1.id)
    assert (v1.status, v1.is_current) == ("digantikan", False)
    assert (v2.status, v2.is_current) == ("disetujui", True)
    assert v1.events[-1].to_status == "digantikan"
    assert len(_audits("skp.supersede")) == 1
    assert [v.number for v in flow.versions_of(v2)] == [1, 2]


def test_a_non_current_version_cannot_be_decided(team, period, make_skp):
    v1 = _approved(team, period, make_skp)
    v1.is_current = False
    v1.status = "diajukan"
    db.session.commit()
    with pytest.raises(DomainError, match="bukan versi terkini"):
        flow.approve_skp(team["boss_user"], v1, today=TODAY)


# --- cancel a revision ------------------------------------------------------------------------------------


def test_cancelling_a_revision_makes_the_approved_version_current_again(team, period, make_skp, make_rhk):
    boss_v1 = make_skp(team["boss"], period, rhk=1)
    boss_v1.status = "disetujui"
    db.session.commit()
    boss_v2 = flow.revise_skp(team["boss_user"], boss_v1, "Tugas tambahan dari Kepala Dinas.", today=TODAY)
    db.session.commit()
    copied = boss_v2.result_plans[0]
    new_in_revision = make_rhk(boss_v2, "RHK baru dalam revisi")
    # Two subordinates linked to the revision meanwhile: one to a copied RHK, one to the RHK new in it.
    mine = make_skp(team["owner"], period)
    linked_copy = make_rhk(mine, "Bertaut ke salinan", parent=copied)
    linked_new = make_rhk(mine, "Bertaut ke RHK baru", parent=new_in_revision)
    db.session.commit()

    current = flow.cancel_revision(team["boss_user"], boss_v2, "Salah tekan tombol revisi.", today=TODAY, now=NOW)
    db.session.commit()
    db.session.expire_all()
    v1, v2 = db.session.get(Skp, boss_v1.id), db.session.get(Skp, boss_v2.id)
    assert current.id == v1.id
    assert (v1.status, v1.is_current) == ("disetujui", True)
    assert (v2.status, v2.is_current) == ("dibatalkan", False)
    assert [(e.from_status, e.to_status, e.note) for e in v2.events][-1] == (
        "draft", "dibatalkan", "Salah tekan tombol revisi.")
    assert db.session.get(type(linked_copy), linked_copy.id).parent_id == copied.origin_id == v1.result_plans[0].id
    assert db.session.get(type(linked_new), linked_new.id).parent_id is None
    audit = _audits("skp.cancel_revision")
    assert len(audit) == 1 and audit[0].changes["relinked"] == 2 and audit[0].changes["current"] == v1.id
    assert flow.open_revision(v1) is None
    assert [v.number for v in flow.versions_of(v1)] == [1, 2]

    # A new revision later takes the next number; the cancelled one keeps its own.
    v3 = flow.revise_skp(team["boss_user"], v1, "Revisi yang sebenarnya dari Kepala Bidang.",
                         today=TODAY)
    db.session.commit()
    assert v3.number == 3 and [v.number for v in flow.versions_of(v1)] == [1, 2, 3]


def test_only_a_draft_or_returned_revision_can_be_cancelled(team, period, make_skp):
    v1 = _approved(team, period, make_skp)
    with pytest.raises(DomainError, match="Hanya revisi"):
        flow.cancel_revision(team["owner_user"], v1, today=TODAY)  # approved, not a revision
    draft = make_skp(team["other"], period, rhk=1)
    with pytest.raises(DomainError, match="Hanya revisi"):
        flow.cancel_revision(team["other_user"], draft, today=TODAY)  # the first version stays a draft
    v2 = flow.revise_skp(team["owner_user"], v1, "Tugas baru dari Kepala Dinas.", today=TODAY)
    db.session.commit()
    flow.submit_skp(team["owner_user"], v2, today=TODAY, now=NOW)
    db.session.commit()
    with pytest.raises(DomainError, match="Tarik kembali"):
        flow.cancel_revision(team["owner_user"], v2, today=TODAY)  # withdraw the submission first
    flow.return_skp(team["boss_user"], v2, "Target triwulan belum jelas.", today=TODAY, now=NOW)
    db.session.commit()
    flow.cancel_revision(team["owner_user"], v2, today=TODAY)  # a returned revision may be given up
    db.session.commit()
    assert (v2.status, db.session.get(Skp, v1.id).is_current) == ("dibatalkan", True)


@pytest.mark.parametrize("who", ["other_user", "head_user"])
def test_cancel_is_for_the_owner_or_the_assessor_only(team, period, make_skp, who):
    v1 = _approved(team, period, make_skp)
    v2 = flow.revise_skp(team["owner_user"], v1, "Tugas baru dari Kepala Dinas.", today=TODAY)
    db.session.commit()
    with pytest.raises(DomainError, match="Hanya Pegawai yang Dinilai atau Pejabat Penilai"):
        flow.cancel_revision(team[who], v2, today=TODAY)
    with pytest.raises(StaleVersionError):
        flow.cancel_revision(team["boss_user"], v2, today=TODAY, version=v2.version_id - 1)
    db.session.rollback()
    assert db.session.get(Skp, v2.id).status == "draft"


# --- team board queries ------------------------------------------------------------------------------------


def test_team_counts_and_board_states(team, period, make_skp, make_employee):
    _submitted(team, period, make_skp)  # owner: diajukan
    make_employee("Pegawai Delegasi", assessor_id=team["boss"].id)  # delegated, no SKP
    make_employee("Pegawai Nonaktif", superior=team["boss"], active=False)  # not listed
    counts = flow.team_counts(team["boss"].id, period)
    assert counts == {"belum": 2, "draft": 0, "diajukan": 1, "dikembalikan": 0, "disetujui": 0}
    board = flow.team_board(team["boss"].id, period, dt.date(YEAR, 1, 9))
    assert board.total == 3
    rows = {row.employee.nama: row for row in board.items}
    assert rows["Pegawai Pemilik"].state == "diajukan" and rows["Pegawai Pemilik"].waiting_days == 3
    assert rows["Pegawai Pemilik"].may_decide
    assert rows["Pegawai Delegasi"].state == "belum" and not rows["Pegawai Delegasi"].may_decide
    only = flow.team_board(team["boss"].id, period, TODAY, state="belum")
    assert {r.employee.nama for r in only.items} == {"Pegawai Lain", "Pegawai Delegasi"}


def test_superior_queue_lists_only_late_or_absent_assessors(team, period, make_skp):
    _submitted(team, period, make_skp)
    assert flow.superior_queue(team["head"].id, period, dt.date(YEAR, 1, 13)).total == 0
    queue = flow.superior_queue(team["head"].id, period, dt.date(YEAR, 1, 14))
    assert [r.employee.nama for r in queue.items] == ["Pegawai Pemilik"] and queue.items[0].acting
    assert flow.superior_queue(team["boss"].id, period, dt.date(YEAR, 1, 14)).total == 0
