"""Self-assessment services: creation with prefill, autosave, submission, the one return, revisions."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from portal.assessment import common
from portal.assessment import self_services as services
from portal.assessment.models import SELF_DRAFT, SELF_RETURNED, SELF_SUBMITTED, SelfAssessment
from portal.core.audit import AuditLog
from portal.core.errors import DomainError, StaleVersionError
from portal.core.timeutil import local_today, utcnow
from portal.extensions import db
from portal.periods.models import PeriodPhase
from portal.progress.models import Evidence
from tests import factories

NOW = dt.datetime(2026, 1, 1, 3, 0)


def build_world(*, rhk: int = 2, indicators: int = 2, today: dt.date | None = None, skp_status: str = "disetujui"):
    """kepala > kabid (assessor) > owner and a peer; period of today's year whose Triwulan III window is open
    today (Triwulan I closed, the annual one upcoming unless today is in December); the owner's SKP."""
    today = today or local_today()
    unit = factories.make_unit("Dinas Uji")
    head = factories.make_employee("Kepala Dinas", unit=unit)
    assessor = factories.make_employee("Kepala Bidang", unit=unit, superior=head)
    owner = factories.make_employee("Pegawai Pemilik", unit=unit, superior=assessor)
    peer = factories.make_employee("Rekan Kerja", unit=unit, superior=assessor)
    period = factories.make_period(
        today.year, evaluasi_periodik_3=(today - dt.timedelta(days=3), today + dt.timedelta(days=10)),
        evaluasi_periodik_1=(today - dt.timedelta(days=40), today - dt.timedelta(days=30)),
        evaluasi_tahunan=(today + dt.timedelta(days=20), today + dt.timedelta(days=60)))
    skp = factories.make_progress_skp(owner, period, status=skp_status, rhk=rhk, indicators=indicators,
                                      assessor=assessor)
    phases = {(p.kind, p.seq): p for p in db.session.scalars(select(PeriodPhase).where(
        PeriodPhase.period_id == period.id))}
    return SimpleNamespace(
        today=today, unit=unit, head=head, assessor=assessor, owner=owner, peer=peer, period=period, skp=skp,
        window=phases[("evaluasi_periodik", 3)], closed=phases[("evaluasi_periodik", 1)],
        annual=phases[("evaluasi_tahunan", 0)],
        u_head=factories.make_user(employee=head), u_assessor=factories.make_user(employee=assessor),
        u_owner=factories.make_user(employee=owner), u_peer=factories.make_user(employee=peer),
        u_admin=factories.make_user(role="admin"), u_auditor=factories.make_user(role="auditor"))


def complete_data(sa: SelfAssessment, **overrides) -> dict:
    data = {"achievements": "Semua laporan selesai", "obstacles": "Jaringan", "support_needed": "Pelatihan",
            "results": {r.result_plan_id: {"summary": r.summary, "rating": "sesuai", "justification": "Sesuai target"}
                        for r in sa.result_ratings},
            "behaviours": {b.item_id: {"score": "4"} for b in sa.behaviour_ratings}, "examples": {}}
    data.update(overrides)
    return data


def audit_count(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == action))


@pytest.fixture
def w():
    return build_world()


def start(w) -> SelfAssessment:
    sa = services.start_self_assessment(w.u_owner, w.owner, w.window, w.today)
    db.session.commit()
    return sa


def test_start_creates_rows_prefilled_from_realisation_and_evidence(w):
    rhk1 = w.skp.result_plans[0]
    ind = rhk1.indicators[0]
    r1 = factories.make_realisation(ind, 1, text="Tiga laporan", number=3)
    factories.make_realisation(ind, 4, text="Laporan Triwulan IV")  # after this window: not in the summary
    db.session.add(Evidence(realisation_id=r1.id, kind="link", url="https://contoh.go.id/a", title="a"))
    db.session.add(Evidence(realisation_id=r1.id, kind="link", url="https://contoh.go.id/b", title="b"))
    db.session.commit()

    sa = start(w)

    assert sa.status == SELF_DRAFT and sa.skp_id == w.skp.id
    assert len(sa.result_ratings) == 2
    assert len(sa.behaviour_ratings) == 21  # seven values, three guides each
    summary = next(r.summary for r in sa.result_ratings if r.result_plan_id == rhk1.id)
    assert "Target: 12 dokumen - Laporan lengkap" in summary
    assert "Realisasi Triwulan I: 3 dokumen - Tiga laporan" in summary
    assert "Triwulan IV" not in summary
    assert "Bukti dukung: 2" in summary
    assert audit_count("self_assessment.create") == 1
    # Opening again returns the same one
    assert services.start_self_assessment(w.u_owner, w.owner, w.window, w.today).id == sa.id


def test_annual_window_looks_back_on_the_whole_year(w):
    factories.make_realisation(w.skp.result_plans[0].indicators[0], 4, text="Laporan akhir")
    sa = SelfAssessment(employee_id=w.owner.id, phase_id=w.annual.id, skp_id=w.skp.id)
    db.session.add(sa)
    db.session.flush()
    services._sync_rows(sa, w.skp, [])
    assert any("Realisasi Triwulan IV: Laporan akhir" in r.summary for r in sa.result_ratings)


def test_start_refused_without_approved_skp_or_outside_the_window():
    w = build_world(skp_status="draft")
    with pytest.raises(DomainError, match="SKP yang disetujui"):
        services.start_self_assessment(w.u_owner, w.owner, w.window, w.today)
    with pytest.raises(DomainError, match="tidak sedang dibuka"):
        services.start_self_assessment(w.u_owner, w.owner, w.closed, w.today)
    with pytest.raises(DomainError):
        services.start_self_assessment(w.u_peer, w.owner, w.window, w.today)
    assert db.session.scalar(select(func.count()).select_from(SelfAssessment)) == 0


def test_revision_being_drafted_uses_the_approved_version(w):
    w.skp.is_current = False
    db.session.commit()
    draft = factories.make_progress_skp(w.owner, w.period, status="draft", number=2, rhk=5)
    assert draft.is_current
    sa = start(w)
    assert sa.skp_id == w.skp.id and len(sa.result_ratings) == 2


def test_autosave_saves_then_unchanged_save_is_a_no_op(w):
    sa = start(w)
    version = sa.version_id
    rhk_id = sa.result_ratings[0].result_plan_id
    data = {"achievements": "Capaian saya", "results": {rhk_id: {"summary": "Ringkas", "rating": "di_atas",
                                                                  "justification": "Melampaui target"}}}
    assert services.save_draft(w.u_owner, sa, data, version=version, today=w.today, now=NOW).changed is True
    db.session.commit()
    assert sa.version_id == version + 1
    assert sa.achievements == "Capaian saya"
    rating = next(r for r in sa.result_ratings if r.result_plan_id == rhk_id)
    assert (rating.rating, rating.justification, rating.summary) == ("di_atas", "Melampaui target", "Ringkas")
    assert audit_count("self_assessment.save") == 1

    assert services.save_draft(w.u_owner, sa, data, version=sa.version_id, today=w.today, now=NOW).changed is False
    db.session.commit()
    assert sa.version_id == version + 1
    assert audit_count("self_assessment.save") == 1


def test_save_with_a_stale_version_changes_nothing(w):
    sa = start(w)
    old = sa.version_id
    services.save_draft(w.u_owner, sa, {"obstacles": "A"}, version=old, today=w.today, now=NOW)
    db.session.commit()
    with pytest.raises(StaleVersionError):
        services.save_draft(w.u_owner, sa, {"obstacles": "B"}, version=old, today=w.today, now=NOW)
    db.session.rollback()
    assert db.session.get(SelfAssessment, sa.id).obstacles == "A"


def test_save_keeps_every_valid_answer_and_reports_the_invalid_ones_at_their_fields(w):
    """One refused field (too long, or a value that does not exist) must not cost the other answers: they are
    saved, the refused ones stay as they were and are reported under their form field names. Nothing is cut."""
    sa = start(w)
    rhk_id = sa.result_ratings[0].result_plan_id
    item_id = sa.behaviour_ratings[0].item_id
    data = {"achievements": "x" * (services.REFLECTION_MAX + 1), "obstacles": "Jaringan",
            "results": {rhk_id: {"rating": "luar_biasa", "justification": "y" * (services.JUSTIFICATION_MAX + 1),
                                 "summary": "Ringkas"}},
            "behaviours": {item_id: {"score": "6"}, sa.behaviour_ratings[1].item_id: {"score": "4"}},
            "examples": {"akuntabel": "z" * (services.EXAMPLE_MAX + 1)}}
    result = services.save_draft(w.u_owner, sa, data, version=sa.version_id, today=w.today, now=NOW)
    db.session.commit()
    assert result.changed
    assert set(result.errors) == {"achievements", f"rhk-{rhk_id}-rating", f"rhk-{rhk_id}-justification",
                                  f"item-{item_id}-score", "value-akuntabel-example"}
    assert "Paling banyak 1.000 karakter; isian ini 1.001 karakter" in result.errors[f"rhk-{rhk_id}-justification"]
    rating = next(r for r in sa.result_ratings if r.result_plan_id == rhk_id)
    assert (sa.achievements, sa.obstacles) == ("", "Jaringan")
    assert (rating.rating, rating.justification, rating.summary) == (None, "", "Ringkas")
    assert sa.behaviour_ratings[0].score is None and sa.behaviour_ratings[1].score == 4
    assert all(not r.example for r in sa.behaviour_ratings)
    # a text exactly at the limit fits, its line breaks counted once (browsers send them as CR LF)
    at_limit = "a\r\n" * (services.JUSTIFICATION_MAX // 2)
    result = services.save_draft(w.u_owner, sa, {"results": {rhk_id: {"justification": at_limit}}},
                                 version=sa.version_id, today=w.today, now=NOW)
    assert result.errors == {} and len(rating.justification) == services.JUSTIFICATION_MAX - 1
    with pytest.raises(DomainError):  # not the owner
        services.save_draft(w.u_peer, sa, {"achievements": "x"}, version=sa.version_id, today=w.today, now=NOW)


def test_one_example_per_value_on_its_first_guide_merging_examples_written_per_guide(w):
    sa = start(w)
    items = {item.id: item for item in common.ensure_items(w.period)}
    rows = sorted((r for r in sa.behaviour_ratings if items[r.item_id].value_code == "akuntabel"),
                  key=lambda r: items[r.item_id].guide_index)
    rows[1].example, rows[2].example = "Jujur melapor", "Hemat ATK"  # written per guide before
    db.session.commit()
    group = next(g for g in services.build_sheet(sa).values if g.code == "akuntabel")
    assert group.example == "Jujur melapor\n\nHemat ATK"
    services.save_draft(w.u_owner, sa, {"examples": {"akuntabel": group.example + "\nMenolak gratifikasi"}},
                        version=sa.version_id, today=w.today, now=NOW)
    db.session.commit()
    assert [r.example for r in rows] == ["Jujur melapor\n\nHemat ATK\nMenolak gratifikasi", "", ""]
    assert next(g for g in services.build_sheet(sa).values if g.code == "akuntabel").example == rows[0].example


def test_submit_requires_every_rating_and_justification(w):
    sa = start(w)
    rhk_id = sa.result_ratings[0].result_plan_id
    data = complete_data(sa)
    data["results"][rhk_id]["justification"] = ""
    data["behaviours"][sa.behaviour_ratings[0].item_id]["score"] = ""
    services.save_draft(w.u_owner, sa, data, version=sa.version_id, today=w.today, now=NOW)
    with pytest.raises(services.IncompleteError) as info:
        services.submit_self_assessment(w.u_owner, sa, today=w.today, now=NOW)
    anchors = [anchor for anchor, _ in info.value.missing]
    assert anchors == [f"rhk-{rhk_id}", f"item-{sa.behaviour_ratings[0].item_id}"]
    assert sa.status == SELF_DRAFT

    data["results"][rhk_id]["justification"] = "Alasan"
    data["behaviours"][sa.behaviour_ratings[0].item_id]["score"] = "3"
    services.save_draft(w.u_owner, sa, data, version=sa.version_id, today=w.today, now=NOW)
    services.submit_self_assessment(w.u_owner, sa, today=w.today, now=NOW)
    db.session.commit()
    assert sa.status == SELF_SUBMITTED and sa.submitted_at == NOW
    assert audit_count("self_assessment.submit") == 1
    # locked
    with pytest.raises(DomainError):
        services.save_draft(w.u_owner, sa, {"achievements": "lagi"}, version=sa.version_id, today=w.today, now=NOW)


def submitted(w) -> SelfAssessment:
    sa = start(w)
    services.save_draft(w.u_owner, sa, complete_data(sa), version=sa.version_id, today=w.today, now=NOW)
    services.submit_self_assessment(w.u_owner, sa, today=w.today, now=NOW)
    db.session.commit()
    return sa


def test_return_once_then_resubmit_then_second_return_refused(w):
    sa = submitted(w)
    with pytest.raises(DomainError, match="Pejabat Penilai"):
        services.return_self_assessment(w.u_peer, sa, "Lengkapi", version=sa.version_id, now=NOW)
    with pytest.raises(DomainError):
        services.return_self_assessment(w.u_assessor, sa, "  ", version=sa.version_id, now=NOW)
    services.return_self_assessment(w.u_assessor, sa, "Lengkapi contoh perilaku", version=sa.version_id, now=NOW)
    db.session.commit()
    assert (sa.status, sa.returned_count, sa.return_note) == (SELF_RETURNED, 1, "Lengkapi contoh perilaku")
    assert audit_count("self_assessment.return") == 1

    # the employee completes and resubmits, even after the window has closed
    later = w.window.closes_on + dt.timedelta(days=5)
    assert services.can_edit(w.u_owner, sa, later)
    item_id = sa.behaviour_ratings[0].item_id
    services.save_draft(w.u_owner, sa, {"behaviours": {item_id: {"score": "5"}},
                                        "examples": {"harmonis": "Menolong rekan"}},
                        version=sa.version_id, today=later, now=NOW)
    services.submit_self_assessment(w.u_owner, sa, today=later, now=utcnow())
    db.session.commit()
    assert sa.status == SELF_SUBMITTED

    assert not services.can_return(w.u_assessor, sa)
    with pytest.raises(DomainError, match="satu kali"):
        services.return_self_assessment(w.u_assessor, sa, "Sekali lagi", version=sa.version_id, now=NOW)
    db.session.rollback()
    assert db.session.get(SelfAssessment, sa.id).status == SELF_SUBMITTED
    assert audit_count("self_assessment.return") == 1


def test_draft_cannot_be_returned(w):
    sa = start(w)
    with pytest.raises(DomainError, match="sudah diajukan"):
        services.return_self_assessment(w.u_assessor, sa, "Lengkapi", version=sa.version_id, now=NOW)


def test_closed_window_draft_is_read_only(w):
    sa = start(w)
    after = w.window.closes_on + dt.timedelta(days=1)
    assert services.can_edit(w.u_owner, sa, w.today)
    assert not services.can_edit(w.u_owner, sa, after)
    with pytest.raises(DomainError):
        services.save_draft(w.u_owner, sa, {"achievements": "terlambat"}, version=sa.version_id, today=after, now=NOW)


def test_an_approved_revision_moves_the_rows_to_the_new_rhk(w):
    sa = start(w)
    old_rhk = w.skp.result_plans[0]
    services.save_draft(w.u_owner, sa, {"results": {old_rhk.id: {"summary": "S", "rating": "sesuai",
                                                                  "justification": "J"}}},
                        version=sa.version_id, today=w.today, now=NOW)
    db.session.commit()
    w.skp.status, w.skp.is_current = "digantikan", False
    new = factories.make_progress_skp(w.owner, w.period, number=2, rhk=3)
    new.result_plans[0].origin_id = old_rhk.id
    db.session.commit()
    assert services.follow_revision(w.u_owner, sa, w.today)
    db.session.commit()
    assert sa.skp_id == new.id
    by_rhk = {r.result_plan_id: r for r in sa.result_ratings}
    assert set(by_rhk) == {r.id for r in new.result_plans}
    assert by_rhk[new.result_plans[0].id].justification == "J"
    assert audit_count("self_assessment.follow_revision") == 1
