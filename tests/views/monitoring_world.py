"""A small regency whose dashboard numbers are counted by hand (tests/views/test_monitoring*.py and the browser
journey). Every number the tests expect is written next to the rows that make it.

    Dinas Satu (OPD, head: Kepala Satu)            Dinas Dua (OPD, head: Kepala Dua)
      Bidang A: Kabid A (assesses a1-a4), a1-a4        c1, c2 (assessed by Kepala Dua)
      Bidang B: Kasi B (not a head; assesses b1-b3), b1-b3
      + an inactive employee in Bidang A (never counted)

SKP of the year:   approved  kabid_a a1 a2(+ a revision in draft) kasi_b b3 c1 = 6
                   submitted a3 c2 = 2 · draft/returned b1 b2 = 2 · none head1 a4 head2 = 3      (13 employees)
Self-assessment:   submitted a1 b3 = 2; not submitted though the SKP is approved: kabid_a a2 kasi_b c1 = 4
360:               invited for a1 (3 answers: at the threshold) and b3 (2 answers: below it)
Evaluations:       final/released a1 a2 kabid_a b3 c1 = 5; not final (approved SKP): kasi_b = 1
                   document not acknowledged: kabid_a · appeal open: b3
Predikat (by the unit when rated; c1 was rated in Bidang B): Dinas Satu: SB 1 (a2), B 3 (a1 kabid_a c1), BP 1 (b3)
                   Bidang A has its own Capaian "Istimewa": its 1 SB against 2 B deviates from the pattern
Development:       a1 20 JP done (reached), a2 8 done + 12 approved (on track), b1 10 approved with an activity
                   overdue; plans: a1 a2 b1 approved, a3 submitted
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from sqlalchemy import select

from portal.assessment.models import (
    GROUP_PEER,
    NOMINATION_INVITED,
    SELF_DRAFT,
    SELF_SUBMITTED,
    FeedbackBucket,
    RaterNomination,
    SelfAssessment,
)
from portal.core.timeutil import local_today, utcnow
from portal.evaluation.models import Appeal, Evaluation, EvaluationDocument, UnitAchievement
from portal.extensions import db
from portal.periods.models import PHASE_ANNUAL, PeriodPhase
from tests import factories


def _evaluation(employee, phase, status, predikat=None, unit=None, assessor=None):
    ratings = {"sangat_baik": ("di_atas", "di_atas"), "baik": ("sesuai", "sesuai"),
               "butuh_perbaikan": ("di_bawah", "sesuai")}
    result, behaviour = ratings.get(predikat, (None, None))
    rater = assessor or employee.assessor
    evaluation = Evaluation(employee_id=employee.id, phase_id=phase.id, unit_id=(unit or employee.unit).id,
                            assessor_id=rater.id, rated_by_id=rater.id,
                            status=status, result_rating=result, behaviour_rating=behaviour, predikat=predikat,
                            finalised_at=utcnow() if status in ("final", "diserahkan") else None)
    db.session.add(evaluation)
    db.session.flush()
    return evaluation


def _document(evaluation, *, received: bool, code: str):
    person = evaluation.employee
    document = EvaluationDocument(
        evaluation_id=evaluation.id, version=1, code=code, fingerprint="0" * 64,
        snapshot={"pegawai": {"nama": person.full_name + " (ditandatangani)", "nip": person.nip, "golongan": "III/b",
                              "pangkat": "Penata Muda Tingkat I", "jabatan": "Jabatan saat ditandatangani",
                              "unit": person.unit.name},
                  "periode": {"tahun": evaluation.phase.period.year, "jendela": "Tahunan"},
                  "predikat": evaluation.predikat},
        signed_at=utcnow(), signed_on=local_today() - dt.timedelta(days=3), signed_by_id=evaluation.rated_by_id,
        received_on=local_today() - dt.timedelta(days=2) if received else None)
    db.session.add(document)
    db.session.flush()
    return document


def build():
    today = local_today()
    mk_unit, mk_pos, mk_emp = factories.make_unit, factories.make_position, factories.make_employee
    opd1, opd2 = mk_unit("Dinas Satu"), mk_unit("Dinas Dua")
    sub_a, sub_b = mk_unit("Bidang A", parent=opd1), mk_unit("Bidang B", parent=opd1)
    head1 = mk_emp("Kepala Satu", position=mk_pos("Kepala Dinas Satu", unit=opd1, type_code="JPT_PRATAMA",
                                                  is_head=True))
    head2 = mk_emp("Kepala Dua", position=mk_pos("Kepala Dinas Dua", unit=opd2, type_code="JPT_PRATAMA",
                                                 is_head=True))
    kabid_a = mk_emp("Kabid A", superior=head1,
                     position=mk_pos("Kepala Bidang A", unit=sub_a, type_code="ADMINISTRATOR", is_head=True))
    kasi_b = mk_emp("Kasi B", unit=sub_b, superior=head1,
                    position=mk_pos("Kepala Seksi B", unit=sub_b, type_code="PENGAWAS"))
    a = [mk_emp(f"Anggota A{n}", unit=sub_a, superior=kabid_a) for n in range(1, 5)]
    b = [mk_emp(f"Anggota B{n}", unit=sub_b, superior=kasi_b) for n in range(1, 4)]
    c = [mk_emp(f"Anggota C{n}", unit=opd2, superior=head2) for n in range(1, 3)]
    gone = mk_emp("Pensiunan A", unit=sub_a, superior=kabid_a, active=False)

    period = factories.make_period(today.year, evaluasi_tahunan=(today - dt.timedelta(days=5),
                                                                  today + dt.timedelta(days=20)))
    phase = db.session.scalar(select(PeriodPhase).where(PeriodPhase.period_id == period.id,
                                                        PeriodPhase.kind == PHASE_ANNUAL))
    skp = {}
    for person, status in [(kabid_a, "disetujui"), (a[0], "disetujui"), (a[2], "diajukan"), (kasi_b, "disetujui"),
                           (b[0], "draft"), (b[1], "dikembalikan"), (b[2], "disetujui"), (c[0], "disetujui"),
                           (c[1], "diajukan"), (gone, "disetujui")]:
        skp[person.id] = factories.make_skp(person, period, status=status)
    skp[a[1].id] = factories.make_skp(a[1], period, status="disetujui", is_current=False)
    factories.make_skp(a[1], period, status="draft", number=2)  # a revision: the approved version still counts

    for person, status in [(a[0], SELF_SUBMITTED), (a[1], SELF_DRAFT), (b[2], SELF_SUBMITTED)]:
        db.session.add(SelfAssessment(employee_id=person.id, phase_id=phase.id, skp_id=skp[person.id].id,
                                      status=status))
    for subject, raters, answers in [(a[0], a[1:4], 3), (b[2], [c[0]], 2)]:
        for rater in raters:
            db.session.add(RaterNomination(subject_id=subject.id, phase_id=phase.id, rater_id=rater.id,
                                           group=GROUP_PEER, status=NOMINATION_INVITED,
                                           nominated_by_id=subject.assessor.id, bucket="rekan",
                                           due_on=today + dt.timedelta(days=10)))
        db.session.add(FeedbackBucket(id=f"bucket{subject.id:026d}", subject_id=subject.id, phase_id=phase.id,
                                      bucket="rekan", responses=answers, histogram={}))
    db.session.flush()

    released_a1 = _evaluation(a[0], phase, "diserahkan", "baik")
    _document(released_a1, received=True, code="AAAA-AAAA-AAA1")
    _evaluation(a[1], phase, "final", "sangat_baik")
    released_kabid = _evaluation(kabid_a, phase, "diserahkan", "baik")
    _document(released_kabid, received=False, code="AAAA-AAAA-AAA2")
    _evaluation(kasi_b, phase, "draft")
    released_b3 = _evaluation(b[2], phase, "diserahkan", "butuh_perbaikan")
    document_b3 = _document(released_b3, received=True, code="AAAA-AAAA-AAA3")
    _evaluation(c[0], phase, "final", "baik", unit=sub_b)  # rated while still in Bidang B
    db.session.add(Appeal(evaluation_id=released_b3.id, document_id=document_b3.id, employee_id=b[2].id,
                          decider_id=head1.id, reasons="Capaian saya lebih baik dari penilaian ini.",
                          filed_on=today - dt.timedelta(days=1), filed_at=utcnow()))
    db.session.add_all([UnitAchievement(unit_id=opd1.id, phase_id=phase.id, rating="baik", basis="SAKIP"),
                        UnitAchievement(unit_id=sub_a.id, phase_id=phase.id, rating="istimewa", basis="IKU")])

    _development(today, a, b)
    db.session.commit()
    users = {"admin": factories.make_user("admin.bkpsdm", role="admin"),
             "auditor": factories.make_user("auditor.inspektorat", role="auditor"),
             "head1": factories.make_user("kepala.satu", employee=head1),
             "head2": factories.make_user("kepala.dua", employee=head2),
             "kabid_a": factories.make_user("kabid.a", employee=kabid_a),
             "kasi_b": factories.make_user("kasi.b", employee=kasi_b),
             "b1": factories.make_user("anggota.b1", employee=b[0]),
             "b2": factories.make_user("anggota.b2", employee=b[1]),
             "a1": factories.make_user("anggota.a1", employee=a[0])}
    return SimpleNamespace(today=today, opd1=opd1, opd2=opd2, sub_a=sub_a, sub_b=sub_b, head1=head1, head2=head2,
                           kabid_a=kabid_a, kasi_b=kasi_b, a=a, b=b, c=c, gone=gone, period=period, phase=phase,
                           skp=skp, users=users)


def _development(today: dt.date, a, b) -> None:
    from portal.development.competencies import ensure_activity_types
    from portal.development.models import ActivityType, DevelopmentItem, DevelopmentPlan

    ensure_activity_types()
    activity = db.session.scalar(select(ActivityType).order_by(ActivityType.id).limit(1))
    year = today.year

    def plan(person, status, items):
        p = DevelopmentPlan(employee_id=person.id, year=year, status=status, assessor_id=person.assessor.id)
        db.session.add(p)
        db.session.flush()
        for item_status, planned, actual, ends_on in items:
            db.session.add(DevelopmentItem(
                plan_id=p.id, employee_id=person.id, year=year, addresses="kompetensi", activity_type_id=activity.id,
                title=f"Kegiatan {person.nama}", planned_jp=planned, status=item_status, actual_jp=actual,
                completed_on=dt.date(year, 1, 1) if item_status == "selesai" else None, ends_on=ends_on))

    plan(a[0], "disetujui", [("selesai", 20, 20, None)])
    plan(a[1], "disetujui", [("selesai", 8, 8, None), ("disetujui", 12, None, today + dt.timedelta(days=30))])
    plan(b[0], "disetujui", [("disetujui", 10, None, today - dt.timedelta(days=1))])
    plan(a[2], "diajukan", [("direncanakan", 16, None, None)])
    db.session.flush()
