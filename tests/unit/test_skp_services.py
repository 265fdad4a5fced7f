"""SKP editor services: create (with copy from last year), RHK and indicator edits, links, locking, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.core.audit import AuditLog
from portal.core.errors import DomainError, StaleVersionError
from portal.extensions import db
from portal.skp import berakhlak, services
from portal.skp.models import Indicator, ResultPlan, Skp, UnitGoal

YEAR = 2031
PLANNING = (dt.date(YEAR, 1, 2), dt.date(YEAR, 1, 31))


@pytest.fixture
def period(make_period):
    return make_period(YEAR, planning=PLANNING)


@pytest.fixture
def team(make_unit, make_position, make_employee, make_user):
    unit = make_unit("Dinas Uji Layanan")
    head = make_employee("Kepala Dinas", unit=unit,
                         position=make_position("Kepala Dinas", unit=unit, type_code="JPT_PRATAMA", is_head=True))
    boss = make_employee("Atasan Langsung", unit=unit, superior=head)
    owner = make_employee("Pegawai Pemilik", unit=unit, superior=boss)
    return {"unit": unit, "head": head, "boss": boss, "owner": owner,
            "owner_user": make_user("pemilik", employee=owner), "boss_user": make_user("atasan", employee=boss),
            "head_user": make_user("kadis", employee=head)}


def _audits(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_create_skp_records_assessor_unit_and_seven_expectations(team, period):
    skp = services.create_skp(team["owner_user"], team["owner"], period)
    db.session.commit()
    assert (skp.number, skp.status, skp.is_current) == (1, "draft", True)
    assert skp.assessor_id == team["boss"].id and skp.unit_id == team["unit"].id
    assert sorted(e.value_code for e in skp.expectations) == sorted(berakhlak.CODES)
    assert all(e.text == "" for e in skp.expectations)
    assert _audits("skp.create")[0].object_id == str(skp.id)


def test_create_twice_is_refused(team, period):
    services.create_skp(team["owner_user"], team["owner"], period)
    with pytest.raises(DomainError):
        services.create_skp(team["owner_user"], team["owner"], period)


def test_employee_without_assessor_can_still_draft(make_employee, make_user, period):
    alone = make_employee("Tanpa Atasan")
    user = make_user(employee=alone)
    skp = services.create_skp(user, alone, period)
    rhk = services.add_rhk(user, skp, {"kind": "utama", "text": "Layanan cepat"}, version=skp.version_id)
    db.session.commit()
    assert skp.assessor_id is None and rhk.parent_id is None
    assert services.parent_choices(skp) == []


def test_copy_from_last_year_copies_texts_kinds_indicators_not_links(team, period, make_period, make_skp,
                                                                      make_rhk, make_indicator):
    last_year = make_period(YEAR - 1)
    boss_old = make_skp(team["boss"], last_year, status="disetujui", rhk=1)
    old = make_skp(team["owner"], last_year, status="disetujui")
    utama = make_rhk(old, "Menyusun laporan", parent=boss_old.result_plans[0])
    make_indicator(utama, "Laporan selesai", aspect="waktu", target_text="Desember", target_number=None)
    make_rhk(old, "Membantu pelatihan", kind="tambahan", indicators=2)

    previous = services.previous_year_skp(team["owner"], period)
    assert previous.id == old.id
    skp = services.create_skp(team["owner_user"], team["owner"], period, copy_from=previous)
    db.session.commit()

    rows = sorted(skp.result_plans, key=lambda r: (r.kind, r.position))
    assert [(r.kind, r.text) for r in rows] == [("tambahan", "Membantu pelatihan"), ("utama", "Menyusun laporan")]
    assert all(r.parent_id is None and r.unit_goal_id is None for r in rows)
    copied = next(r for r in rows if r.kind == "utama").indicators[0]
    assert (copied.text, copied.aspect, copied.target_text, copied.target_number) == (
        "Laporan selesai", "waktu", "Desember", None)
    assert len(next(r for r in rows if r.kind == "tambahan").indicators) == 2
    # last year's SKP is untouched
    db.session.refresh(old)
    assert len(old.result_plans) == 2 and old.result_plans[0].parent_id == boss_old.result_plans[0].id


def test_add_update_delete_rhk_bumps_version_and_audits(team, period):
    user = team["owner_user"]
    skp = services.create_skp(user, team["owner"], period)
    db.session.commit()
    v1 = skp.version_id
    rhk = services.add_rhk(user, skp, {"kind": "utama", "text": "Menyusun rencana"}, version=v1)
    db.session.commit()
    assert skp.version_id == v1 + 1
    changes = services.update_rhk(user, rhk, {"kind": "utama", "text": "Menyusun rencana kerja"},
                                  version=skp.version_id)
    db.session.commit()
    assert changes == {"text": ["Menyusun rencana", "Menyusun rencana kerja"]}
    assert skp.version_id == v1 + 2
    services.delete_rhk(user, rhk, version=skp.version_id)
    db.session.commit()
    assert db.session.scalar(select(ResultPlan).where(ResultPlan.skp_id == skp.id)) is None
    assert [len(_audits(a)) for a in ("skp.rhk_add", "skp.rhk_update", "skp.rhk_delete")] == [1, 1, 1]
    assert skp.version_id == v1 + 3


def test_stale_version_changes_nothing(team, period):
    user = team["owner_user"]
    skp = services.create_skp(user, team["owner"], period)
    db.session.commit()
    stale = skp.version_id
    rhk = services.add_rhk(user, skp, {"kind": "utama", "text": "Pertama"}, version=stale)
    db.session.commit()
    with pytest.raises(StaleVersionError):
        services.update_rhk(user, rhk, {"kind": "utama", "text": "Ditimpa"}, version=stale)
    db.session.rollback()
    assert db.session.get(ResultPlan, rhk.id).text == "Pertama"


def test_move_rhk_within_its_kind(team, period, make_skp, make_rhk):
    skp = make_skp(team["owner"], period)
    a, b, c = (make_rhk(skp, t) for t in ("A", "B", "C"))
    extra = make_rhk(skp, "T", kind="tambahan")
    user = team["owner_user"]
    assert services.move_rhk(user, c, services.UP, version=skp.version_id)
    db.session.commit()
    order = [r.text for r in sorted(skp.result_plans, key=lambda r: (r.kind, r.position)) if r.kind == "utama"]
    assert order == ["A", "C", "B"]
    assert services.move_rhk(user, a, services.UP, version=skp.version_id) is False  # already first
    assert services.move_rhk(user, extra, services.DOWN, version=skp.version_id) is False  # alone in its kind
    assert len(_audits("skp.rhk_move")) == 1
    assert b.position == 2


def test_indicator_add_update_delete_and_target_rules(team, period, make_skp, make_rhk):
    skp = make_skp(team["owner"], period)
    rhk = make_rhk(skp, "Layanan")
    user = team["owner_user"]
    with pytest.raises(DomainError) as missing:
        services.add_indicator(user, rhk, {"text": "Tanpa target", "aspect": "kualitas"}, version=skp.version_id)
    assert missing.value.field == "target_text"
    with pytest.raises(DomainError) as no_unit:
        services.add_indicator(user, rhk, {"text": "Angka", "target_number": Decimal("5")}, version=skp.version_id)
    assert no_unit.value.field == "target_unit"
    indicator = services.add_indicator(user, rhk, {"text": "Dokumen", "aspect": "kuantitas",
                                                   "target_number": Decimal("12"), "target_unit": "dokumen"},
                                       version=skp.version_id)
    db.session.commit()
    assert services.update_indicator(user, indicator, {"text": "Dokumen", "aspect": "kuantitas",
                                                       "target_number": Decimal("12.00"),
                                                       "target_unit": "dokumen"}, version=skp.version_id) == {}
    changes = services.update_indicator(user, indicator, {"text": "Dokumen", "aspect": "kualitas",
                                                          "target_text": "Tanpa revisi"}, version=skp.version_id)
    db.session.commit()
    assert set(changes) == {"aspect", "target_text", "target_number", "target_unit"}
    assert (indicator.target_number, indicator.target_unit) == (None, "")
    services.delete_indicator(user, indicator, version=skp.version_id)
    db.session.commit()
    assert db.session.scalar(select(Indicator).where(Indicator.result_plan_id == rhk.id)) is None
    assert [len(_audits(a)) for a in ("skp.indicator_add", "skp.indicator_update", "skp.indicator_delete")] == [
        1, 1, 1]


def test_link_parent_rhk_from_the_assessors_skp_only(team, period, make_skp, make_rhk, make_employee):
    owner_skp = make_skp(team["owner"], period)
    rhk = make_rhk(owner_skp, "RHK bawahan")
    user = team["owner_user"]
    assert services.parent_choices(owner_skp) == []  # the superior has no SKP yet: still allowed to draft
    boss_skp = make_skp(team["boss"], period)
    boss_rhk = make_rhk(boss_skp, "RHK atasan")
    stranger_skp = make_skp(make_employee("Orang Lain"), period)
    stranger_rhk = make_rhk(stranger_skp, "RHK orang lain")
    assert [r.id for r in services.parent_choices(owner_skp)] == [boss_rhk.id]
    with pytest.raises(DomainError) as refused:
        services.update_rhk(user, rhk, {"kind": "utama", "text": rhk.text, "parent_id": stranger_rhk.id},
                            version=owner_skp.version_id)
    assert refused.value.field == "parent_id"
    services.link_parent_rhk(user, rhk, parent_id=boss_rhk.id, version=owner_skp.version_id)
    db.session.commit()
    assert rhk.parent_id == boss_rhk.id
    assert _audits("skp.rhk_link")[0].changes == {"parent_id": [None, boss_rhk.id]}


def test_link_later_on_an_approved_skp_but_no_other_edit(team, period, make_skp, make_rhk):
    owner_skp = make_skp(team["owner"], period, status="disetujui")
    rhk = make_rhk(owner_skp, "RHK disetujui")
    boss_rhk = make_rhk(make_skp(team["boss"], period), "RHK atasan")
    user = team["owner_user"]
    with pytest.raises(DomainError):
        services.update_rhk(user, rhk, {"kind": "utama", "text": "Diubah"}, version=owner_skp.version_id)
    with pytest.raises(DomainError):
        services.add_rhk(user, owner_skp, {"kind": "utama", "text": "Baru"}, version=owner_skp.version_id)
    services.link_parent_rhk(user, rhk, parent_id=boss_rhk.id, version=owner_skp.version_id)
    db.session.commit()
    assert rhk.parent_id == boss_rhk.id and rhk.text == "RHK disetujui"


def test_head_of_a_top_unit_links_to_unit_goals(team, period, make_skp):
    head_skp = make_skp(team["head"], period)
    goal = UnitGoal(period=period, unit=team["unit"], text="Meningkatnya kualitas layanan")
    db.session.add(goal)
    db.session.commit()
    assert services.uses_unit_goals(head_skp) is True
    assert services.uses_unit_goals(make_skp(team["boss"], period)) is False
    rhk = services.add_rhk(team["head_user"], head_skp, {"kind": "utama", "text": "Layanan prima",
                                                         "unit_goal_id": goal.id}, version=head_skp.version_id)
    db.session.commit()
    assert rhk.unit_goal_id == goal.id
    with pytest.raises(DomainError):
        services.add_rhk(team["head_user"], head_skp, {"kind": "utama", "text": "X", "unit_goal_id": goal.id + 50},
                         version=head_skp.version_id)


def test_lampiran_autosave_of_unchanged_text_is_a_noop(team, period, make_skp):
    skp = make_skp(team["owner"], period)
    user = team["owner_user"]
    saved = services.save_lampiran(user, skp, {"resources": "Laptop", "reporting_scheme": "Bulanan",
                                               "consequences": ""}, version=skp.version_id)
    db.session.commit()
    assert set(saved.changes) == {"resources", "reporting_scheme"} and saved.errors == {}
    version = skp.version_id
    assert services.save_lampiran(user, skp, {"resources": "Laptop", "reporting_scheme": "Bulanan",
                                              "consequences": ""}, version=version).changes == {}
    db.session.commit()
    assert skp.version_id == version and len(_audits("skp.lampiran_update")) == 1


def test_expectation_by_assessor_until_approval(team, period, make_skp):
    skp = make_skp(team["owner"], period, status="diajukan")
    services.save_expectation(team["boss_user"], skp, "akuntabel", "Laporan jujur dan tepat waktu",
                              version=skp.version_id)
    db.session.commit()
    row = next(e for e in skp.expectations if e.value_code == "akuntabel")
    assert row.text == "Laporan jujur dan tepat waktu" and row.written_by_id == team["boss"].id
    assert _audits("skp.expectation_update")[0].changes["text"][1] == "Laporan jujur dan tepat waktu"
    skp.status = "disetujui"
    db.session.commit()
    with pytest.raises(DomainError):
        services.save_expectation(team["boss_user"], skp, "akuntabel", "Lain", version=skp.version_id)


def test_audit_changes_stay_compact(team, period, make_skp):
    skp = make_skp(team["owner"], period)
    long_text = "panjang " * 200
    services.add_rhk(team["owner_user"], skp, {"kind": "utama", "text": long_text}, version=skp.version_id)
    db.session.commit()
    entry = _audits("skp.rhk_add")[0]
    assert len(entry.summary) <= 160
    assert db.session.scalar(select(Skp.version_id).where(Skp.id == skp.id)) == skp.version_id
