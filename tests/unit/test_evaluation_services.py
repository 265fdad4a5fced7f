"""Evaluation services without HTTP: who rates (and when the superior takes over), finalising with the required
justifications and the distribution note, calibration send-back, release with a frozen snapshot, acknowledgement,
admin reopening, and appeals (clocks, explanations, a changed decision with a new document version)."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.core.audit import AuditLog
from portal.core.errors import DomainError
from portal.evaluation import appeals, rules
from portal.evaluation import services as services
from portal.evaluation.models import (
    APPEAL_CHANGED,
    APPEAL_UPHELD,
    DRAFT,
    FINAL,
    RELEASED,
    RETURNED,
    UnitAchievement,
)
from portal.extensions import db
from portal.periods.models import PeriodPhase
from tests import factories

TODAY = dt.date(2026, 11, 10)
NOW = dt.datetime(2026, 11, 10, 3, 0)
RATE = {"result_rating": rules.AS_EXPECTED, "behaviour_rating": rules.AS_EXPECTED}


def build(today: dt.date = TODAY, team: int = 3):
    """Kepala Dinas (head of the OPD) > Kepala Bidang (assessor) > staff; the window Triwulan III open on today."""
    opd = factories.make_unit("Dinas Evaluasi")
    bidang = factories.make_unit("Bidang Evaluasi", parent=opd)
    head = factories.make_employee("Kepala Dinas", unit=opd, position=factories.make_position(
        "Kepala Dinas Evaluasi", unit=opd, type_code="JPT_PRATAMA", is_head=True), golongan="IV/c")
    assessor = factories.make_employee("Kepala Bidang", unit=bidang, superior=head, position=factories.make_position(
        "Kepala Bidang Evaluasi", unit=bidang, is_head=True))
    staff = [factories.make_employee(f"Staf {i}", unit=bidang, superior=assessor) for i in range(team)]
    period = factories.make_period(today.year, evaluasi_periodik_3=(today - dt.timedelta(days=3),
                                                                     today + dt.timedelta(days=7)))
    phase = db.session.scalar(select(PeriodPhase).where(PeriodPhase.period_id == period.id,
                                                        PeriodPhase.kind == "evaluasi_periodik",
                                                        PeriodPhase.seq == 3))
    users = {e.id: factories.make_user(employee=e) for e in [head, assessor, *staff]}
    return SimpleNamespace(opd=opd, bidang=bidang, head=head, assessor=assessor, staff=staff, period=period,
                           phase=phase, users=users, admin=factories.make_user(role="admin"))


@pytest.fixture
def w():
    return build()


def _u(w, employee):
    return w.users[employee.id]


def test_the_assessor_rates_while_the_window_is_open_and_the_superior_after(w):
    emp = w.staff[0]
    assert services.rater_role(_u(w, w.assessor), emp, w.phase, None, TODAY) == "assessor"
    assert services.rater_role(_u(w, w.head), emp, w.phase, None, TODAY) is None
    assert services.rater_role(_u(w, w.staff[1]), emp, w.phase, None, TODAY) is None
    late = w.phase.closes_on + dt.timedelta(days=1)
    assert services.rater_role(_u(w, w.assessor), emp, w.phase, None, late) is None
    assert services.rater_role(_u(w, w.head), emp, w.phase, None, late) == "superior"
    with pytest.raises(DomainError, match="Atasan Pejabat Penilai"):
        services.save_ratings(_u(w, w.assessor), emp, w.phase, RATE, today=late, now=NOW)
    evaluation = services.finalise(_u(w, w.head), emp, w.phase, RATE, today=late, now=NOW)
    assert evaluation.by_superior and evaluation.rated_by_id == w.head.id and evaluation.status == FINAL


def test_draft_then_finalise_derives_the_predikat(w):
    emp = w.staff[0]
    evaluation = services.save_ratings(_u(w, w.assessor), emp, w.phase, {"result_rating": rules.ABOVE},
                                       today=TODAY, now=NOW)
    db.session.commit()
    assert evaluation.status == DRAFT and evaluation.predikat is None
    with pytest.raises(DomainError, match="Rating Perilaku Kerja"):
        services.finalise(_u(w, w.assessor), emp, w.phase, {"result_rating": rules.ABOVE}, today=TODAY, now=NOW)
    db.session.rollback()
    evaluation = services.finalise(_u(w, w.assessor), emp, w.phase,
                                   {"result_rating": rules.ABOVE, "behaviour_rating": rules.ABOVE}, today=TODAY,
                                   now=NOW)
    assert (evaluation.status, evaluation.predikat) == (FINAL, rules.SANGAT_BAIK)
    with pytest.raises(DomainError, match="sudah final"):
        services.save_ratings(_u(w, w.assessor), emp, w.phase, RATE, today=TODAY, now=NOW)


def test_di_bawah_needs_a_justification(w):
    data = {"result_rating": rules.BELOW, "behaviour_rating": rules.AS_EXPECTED}
    with pytest.raises(DomainError) as refused:
        services.finalise(_u(w, w.assessor), w.staff[0], w.phase, data, today=TODAY, now=NOW)
    assert refused.value.field == "result_justification"
    db.session.rollback()
    evaluation = services.finalise(_u(w, w.assessor), w.staff[0], w.phase,
                                   {**data, "result_justification": "Dua RHK utama tidak tercapai."}, today=TODAY,
                                   now=NOW)
    assert evaluation.predikat == rules.BUTUH_PERBAIKAN


def test_over_long_text_is_refused_not_cut(w):
    with pytest.raises(DomainError) as refused:
        services.save_ratings(_u(w, w.assessor), w.staff[0], w.phase, {**RATE, "note": "x" * 4001}, today=TODAY,
                              now=NOW)
    assert refused.value.field == "note"


def test_a_deviating_team_asks_for_a_justification_which_is_kept(w):
    db.session.add(UnitAchievement(unit_id=w.opd.id, phase_id=w.phase.id, rating=rules.UNIT_BAIK, basis="SAKIP B"))
    db.session.commit()
    assessor = _u(w, w.assessor)
    with pytest.raises(DomainError) as refused:  # one Baik and nobody below: "ada Butuh Perbaikan/Kurang" unmet
        services.finalise(assessor, w.staff[0], w.phase, RATE, today=TODAY, now=NOW)
    assert refused.value.field == "distribution_note"
    db.session.rollback()
    services.finalise(assessor, w.staff[0], w.phase, RATE, today=TODAY, now=NOW,
                      distribution_note="Tim baru, semua mencapai target.")
    db.session.commit()
    assert services.find(w.staff[0], w.phase).distribution_note == "Tim baru, semua mencapai target."
    # The next deviating finalisation of the same assessor reuses the note given once.
    services.finalise(assessor, w.staff[1], w.phase, RATE, today=TODAY, now=NOW)
    db.session.commit()
    assert services.find(w.staff[1], w.phase).distribution_note == "Tim baru, semua mencapai target."
    # A Butuh Perbaikan in the team: the pattern of a Baik unit is met, no note needed.
    services.finalise(assessor, w.staff[2], w.phase,
                      {"result_rating": rules.BELOW, "behaviour_rating": rules.AS_EXPECTED,
                       "result_justification": "Target tidak tercapai."}, today=TODAY, now=NOW)


def test_achievements_apply_to_sub_units(w):
    db.session.add(UnitAchievement(unit_id=w.opd.id, phase_id=w.phase.id, rating=rules.UNIT_ISTIMEWA, basis="x"))
    db.session.commit()
    assert services.achievements_for([w.bidang], w.phase)[w.bidang.id].unit_id == w.opd.id
    with pytest.raises(DomainError, match="Hanya Admin"):
        services.record_achievement(_u(w, w.staff[0]), w.bidang, w.phase, rules.UNIT_BAIK, "dasar")
    row = services.record_achievement(_u(w, w.head), w.bidang, w.phase, rules.UNIT_BAIK, "Capaian IKU 92 %")
    db.session.commit()
    assert services.achievements_for([w.bidang], w.phase)[w.bidang.id].id == row.id
    with pytest.raises(DomainError):
        services.record_achievement(w.admin, w.bidang, w.phase, rules.UNIT_BAIK, "  ")


def test_send_back_release_acknowledge(w):
    emp = w.staff[0]
    evaluation = services.finalise(_u(w, w.assessor), emp, w.phase, RATE, today=TODAY, now=NOW)
    db.session.commit()
    with pytest.raises(DomainError, match="pimpinan unit"):
        services.send_back(_u(w, w.staff[1]), evaluation, "x", now=NOW)
    services.send_back(_u(w, w.head), evaluation, "Bandingkan dengan capaian IKU bidang.", now=NOW)
    assert evaluation.status == RETURNED
    evaluation = services.finalise(_u(w, w.assessor), emp, w.phase,
                                   {"result_rating": rules.ABOVE, "behaviour_rating": rules.AS_EXPECTED,
                                    "result_justification": "Melampaui target IKU."}, today=TODAY, now=NOW)
    with pytest.raises(DomainError):
        services.release(_u(w, w.head), evaluation, today=TODAY, now=NOW)
    document = services.release(_u(w, w.assessor), evaluation, today=TODAY, now=NOW)
    db.session.commit()
    assert evaluation.status == RELEASED and document.version == 1 and len(document.code) == 14
    snap = document.snapshot
    assert snap["pegawai"]["nama"] == emp.full_name and snap["penilai"]["nip"] == w.assessor.nip
    assert snap["atasan_penilai"]["nama"] == w.head.full_name and snap["predikat"] == rules.BAIK
    assert document.fingerprint == services.fingerprint(snap)
    # People move: the document does not change.
    emp.nama = "Nama Baru"
    db.session.commit()
    assert document.snapshot["pegawai"]["nama"] != "Nama Baru"
    with pytest.raises(DomainError, match="Hanya pegawai"):
        services.acknowledge(_u(w, w.assessor), document, today=TODAY, now=NOW)
    services.acknowledge(_u(w, emp), document, today=TODAY, now=NOW)
    assert document.received_on == TODAY
    with pytest.raises(DomainError, match="sudah dikonfirmasi"):
        services.acknowledge(_u(w, emp), document, today=TODAY, now=NOW)


def test_a_superiors_rating_cannot_be_sent_back(w):
    late = w.phase.closes_on + dt.timedelta(days=2)
    evaluation = services.finalise(_u(w, w.head), w.staff[0], w.phase, RATE, today=late, now=NOW)
    other_head = factories.make_employee("Sekda", unit=w.opd)
    w.head.superior = other_head
    w.opd.parent = None
    db.session.commit()
    with pytest.raises(DomainError):
        services.send_back(w.admin, evaluation, "x", now=NOW)


def test_admin_reopens_with_a_reason(w):
    evaluation = services.finalise(_u(w, w.assessor), w.staff[0], w.phase, RATE, today=TODAY, now=NOW)
    with pytest.raises(DomainError, match="Hanya Admin"):
        services.reopen(_u(w, w.head), evaluation, "x", now=NOW)
    with pytest.raises(DomainError, match="Alasan"):
        services.reopen(w.admin, evaluation, " ", now=NOW)
    services.reopen(w.admin, evaluation, "Salah pilih rating", now=NOW)
    db.session.commit()
    assert evaluation.status == DRAFT
    assert db.session.scalar(select(AuditLog.summary).where(AuditLog.action == "evaluation.reopen"))


def _released(w, emp=None):
    emp = emp or w.staff[0]
    evaluation = services.finalise(_u(w, w.assessor), emp, w.phase, RATE, today=TODAY, now=NOW)
    document = services.release(_u(w, w.assessor), evaluation, today=TODAY, now=NOW)
    db.session.commit()
    return evaluation, document


def test_appeal_clock_starts_at_receipt(w):
    evaluation, document = _released(w)
    emp = _u(w, w.staff[0])
    with pytest.raises(DomainError, match="Konfirmasi dahulu"):
        appeals.file_appeal(emp, evaluation, "Tidak adil", [], today=TODAY, now=NOW)
    services.acknowledge(emp, document, today=TODAY, now=NOW)
    due = appeals.appeal_due(evaluation)
    assert due == rules.appeal_due(TODAY, appeals._holidays(TODAY))
    with pytest.raises(DomainError, match="sudah lewat"):
        appeals.file_appeal(emp, evaluation, "Terlambat", [], today=due + dt.timedelta(days=1), now=NOW)
    with pytest.raises(DomainError, match="Hanya pegawai"):
        appeals.file_appeal(_u(w, w.assessor), evaluation, "x", [], today=TODAY, now=NOW)
    appeal = appeals.file_appeal(emp, evaluation, "Realisasi triwulan III belum dipertimbangkan.", [],
                                 today=due, now=NOW)
    assert appeal.decider_id == w.head.id
    with pytest.raises(DomainError, match="sedang diproses"):
        appeals.file_appeal(emp, evaluation, "lagi", [], today=due, now=NOW)


def test_appeal_with_explanations_and_a_changed_decision(w, app):
    evaluation, document = _released(w)
    emp = _u(w, w.staff[0])
    services.acknowledge(emp, document, today=TODAY, now=NOW)
    pdf = io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    appeal = appeals.file_appeal(emp, evaluation, "Bukti dukung triwulan III tidak dilihat.", [("bukti.pdf", pdf)],
                                 today=TODAY, now=NOW)
    db.session.commit()
    assert len(appeal.attachments) == 1 and appeal.attachments[0].content_type == "application/pdf"
    with pytest.raises(DomainError, match="Hanya Atasan"):
        appeals.request_statement(_u(w, w.assessor), appeal, "penilai", "Jelaskan", now=NOW)
    asked = appeals.request_statement(_u(w, w.head), appeal, "penilai", "Mengapa bukti tidak dipakai?", now=NOW)
    asked_emp = appeals.request_statement(_u(w, w.head), appeal, "pegawai", "Bukti mana yang dimaksud?", now=NOW)
    with pytest.raises(DomainError, match="bukan untuk Anda"):
        appeals.answer_statement(emp, asked, "x", now=NOW)
    appeals.answer_statement(_u(w, w.assessor), asked, "Terlambat diunggah.", now=NOW)
    appeals.answer_statement(emp, asked_emp, "Laporan kegiatan September.", now=NOW)
    with pytest.raises(DomainError, match="sama dengan yang lama"):
        appeals.decide(_u(w, w.head), appeal, APPEAL_CHANGED, "x", result_rating=rules.AS_EXPECTED,
                       behaviour_rating=rules.AS_EXPECTED, today=TODAY, now=NOW)
    appeals.decide(_u(w, w.head), appeal, APPEAL_CHANGED, "Bukti sah; hasil kerja melampaui target.",
                   result_rating=rules.ABOVE, behaviour_rating=rules.ABOVE, today=TODAY, now=NOW)
    db.session.commit()
    assert evaluation.predikat == rules.SANGAT_BAIK
    versions = sorted(evaluation.documents, key=lambda d: d.version)
    assert [d.version for d in versions] == [1, 2]
    assert versions[0].superseded_at is not None and versions[1].superseded_at is None
    assert versions[1].snapshot["predikat"] == rules.SANGAT_BAIK and versions[1].code != versions[0].code
    assert evaluation.current_document.id == versions[1].id
    with pytest.raises(DomainError, match="sudah diputuskan"):
        appeals.decide(_u(w, w.head), appeal, APPEAL_UPHELD, "x", today=TODAY, now=NOW)


def test_an_upheld_appeal_keeps_the_document(w):
    evaluation, document = _released(w)
    services.acknowledge(_u(w, w.staff[0]), document, today=TODAY, now=NOW)
    appeal = appeals.file_appeal(_u(w, w.staff[0]), evaluation, "Keberatan", [], today=TODAY, now=NOW)
    appeals.decide(_u(w, w.head), appeal, APPEAL_UPHELD, "Penilaian sudah sesuai bukti.", today=TODAY, now=NOW)
    db.session.commit()
    assert [d.version for d in evaluation.documents] == [1] and evaluation.current_document.id == document.id
    assert appeals.decision_due(appeal) == rules.decision_due(TODAY, appeals._holidays(TODAY))


def test_suggestion_from_a_submitted_self_assessment(w):
    from portal.assessment.models import SELF_SUBMITTED, SelfAssessment, SelfResultRating

    emp = w.staff[0]
    skp = factories.make_skp(emp, w.period, status="disetujui", rhk=2)
    sa = SelfAssessment(employee_id=emp.id, phase_id=w.phase.id, skp_id=skp.id, status=SELF_SUBMITTED)
    sa.result_ratings = [SelfResultRating(result_plan_id=r.id, rating=rules.ABOVE) for r in skp.result_plans]
    db.session.add(sa)
    db.session.commit()
    hint = services.suggestion(emp, w.phase)
    assert hint.result == rules.ABOVE and hint.behaviour is None
    # Rating below what the employee suggests needs a justification.
    with pytest.raises(DomainError) as refused:
        services.finalise(_u(w, w.assessor), emp, w.phase, RATE, today=TODAY, now=NOW)
    assert refused.value.field == "result_justification"
