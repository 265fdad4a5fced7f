"""Development services without HTTP: the dictionary and activity types (seeded, edited by the admin, audited),
standards copied across positions of the same name, the competency assessment (self first, then the assessor;
frozen gaps), plans and items through their state tables (conflicts, optimistic locking), certificates checked by
content, carrying to next year, suggestions from gaps, the evaluation and released 360 results only, dialog actions,
and the unit, team and regency counts in SQL held against the pure JP rule."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditLog
from portal.core.errors import ConflictError, DomainError, StaleVersionError
from portal.core.timeutil import local_today
from portal.development import competencies, reports, rules
from portal.development import services as services
from portal.development.models import (
    ActivityType,
    Competency,
    DevelopmentItem,
    DevelopmentPlan,
)
from portal.evaluation import rules as evaluation_rules
from portal.evaluation.models import FINAL, RELEASED, Evaluation
from portal.extensions import db
from portal.periods.models import PeriodPhase
from tests import factories

TODAY = local_today()
YEAR = TODAY.year
NOW = dt.datetime.combine(TODAY, dt.time(3, 0))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build(today: dt.date = TODAY, team: int = 3):
    """Kepala Dinas (heads the OPD) > Kepala Bidang (assessor, heads the bidang) > staff (Analis Data); another
    bidang of the OPD and another OPD each with an "Analis Data" position."""
    opd = factories.make_unit("Dinas Uji Kompetensi")
    bidang = factories.make_unit("Bidang Uji", parent=opd)
    other = factories.make_unit("Bidang Lain", parent=opd)
    outside = factories.make_unit("Dinas Lain")
    head = factories.make_employee("Kepala Dinas", unit=opd, position=factories.make_position(
        "Kepala Dinas Uji", unit=opd, type_code="JPT_PRATAMA", is_head=True))
    assessor = factories.make_employee("Kepala Bidang", unit=bidang, superior=head, position=factories.make_position(
        "Kepala Bidang Uji", unit=bidang, is_head=True))
    analyst = factories.make_position("Analis Data", unit=bidang)
    staff = [factories.make_employee(f"Staf {i}", unit=bidang, superior=assessor, position=analyst)
             for i in range(team)]
    twin = factories.make_position("ANALIS DATA ", unit=other)
    far = factories.make_position("Analis Data", unit=outside)
    stranger = factories.make_employee("Orang Lain", unit=outside, position=far)
    users = {e.id: factories.make_user(employee=e) for e in [head, assessor, *staff, stranger]}
    competencies.ensure_dictionary()
    competencies.ensure_activity_types()
    db.session.commit()
    return SimpleNamespace(opd=opd, bidang=bidang, other=other, outside=outside, head=head, assessor=assessor,
                           analyst=analyst, staff=staff, twin=twin, far=far, stranger=stranger, users=users,
                           admin=factories.make_user(role="admin"), auditor=factories.make_user(role="auditor"),
                           today=today)


@pytest.fixture
def w():
    return build()


def u(w, employee):
    return w.users[employee.id]


def comp(code: str) -> Competency:
    return db.session.scalar(select(Competency).where(Competency.code == code))


def kind(code: str) -> ActivityType:
    return db.session.scalar(select(ActivityType).where(ActivityType.code == code))


def standard(w, levels: dict[str, int], position=None):
    competencies.save_standard(w.admin, position or w.analyst, {comp(c).id: lvl for c, lvl in levels.items()})
    db.session.commit()


def rate(w, employee, levels: dict[str, int], finalise=True):
    assessment = competencies.save_assessment(u(w, w.assessor), employee, YEAR,
                                              {comp(c).id: lvl for c, lvl in levels.items()}, today=TODAY, now=NOW,
                                              finalise=finalise)
    db.session.commit()
    return assessment


def plan_for(w, employee=None, year=YEAR):
    employee = employee or w.staff[0]
    plan = services.create_plan(u(w, employee), employee, year, today=TODAY)
    db.session.commit()
    return plan


def item_data(**changes):
    data = {"addresses": rules.ADDRESSES_COMPETENCY, "competency_id": comp("komunikasi").id, "gap_note": "",
            "activity_type_id": kind("pelatihan").id, "title": "Pelatihan Komunikasi Efektif", "provider": "BPSDM",
            "starts_on": None, "ends_on": None, "cost": None, "planned_jp": 12}
    data.update(changes)
    return data


def add(w, plan, **changes):
    item = services.add_item(u(w, plan.employee), plan, item_data(**changes), now=NOW)
    db.session.commit()
    return item


def approved_plan(w, employee=None, **changes):
    plan = plan_for(w, employee)
    item = add(w, plan, **changes)
    services.submit_plan(u(w, plan.employee), plan, now=NOW)
    services.approve_plan(u(w, w.assessor), plan, now=NOW)
    db.session.commit()
    return plan, item


# ---------------------------------------------------------------------------------------------------------
# Dictionary, activity types


def test_the_dictionary_is_seeded_with_the_standard_competencies_once(w):
    rows = competencies.dictionary()
    assert len(rows) == 9
    assert sum(c.kind == rules.MANAJERIAL for c in rows) == 8
    assert [c.name for c in rows if c.kind == rules.SOSIAL_KULTURAL] == ["Perekat Bangsa"]
    assert {c.name for c in rows} >= {"Integritas", "Kerja Sama", "Komunikasi", "Orientasi pada Hasil",
                                      "Pelayanan Publik", "Pengembangan Diri dan Orang Lain", "Mengelola Perubahan",
                                      "Pengambilan Keputusan"}
    assert all(len(c.descriptors) == 5 and all(c.descriptors) for c in rows)
    competencies.ensure_dictionary()
    assert db.session.scalar(select(func.count(Competency.id))) == 9


def test_the_admin_adds_a_technical_competency_audited(w):
    levels = [f"Level {n}" for n in range(1, 6)]
    with pytest.raises(DomainError):
        competencies.add_competency(u(w, w.head), name="Pengelolaan Data", description="", descriptors=levels)
    competency = competencies.add_competency(w.admin, name=" Pengelolaan  Data ", description="Mengelola data",
                                             descriptors=levels)
    assert (competency.kind, competency.name, competency.code) == (rules.TEKNIS, "Pengelolaan Data",
                                                                   "pengelolaan_data")
    with pytest.raises(DomainError, match="sudah ada"):
        competencies.add_competency(w.admin, name="pengelolaan data", description="", descriptors=levels)
    with pytest.raises(DomainError) as refused:
        competencies.add_competency(w.admin, name="Lain", description="", descriptors=levels[:4])
    assert refused.value.field == "level_1"
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "competency.create"))


def test_the_admin_edits_the_dictionary_with_optimistic_locking(w):
    komunikasi = comp("komunikasi")
    old = komunikasi.version_id
    descriptors = list(komunikasi.descriptors)
    descriptors[0] = "Menyampaikan informasi dengan jelas."
    competencies.update_competency(w.admin, komunikasi, name="Komunikasi", description=komunikasi.description,
                                   descriptors=descriptors, active=True, version=old)
    db.session.commit()
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "competency.update"))
    assert list(audit.changes) == ["descriptors"]
    with pytest.raises(StaleVersionError):
        competencies.update_competency(w.admin, komunikasi, name="Komunikasi Lisan", description="",
                                       descriptors=descriptors, active=True, version=old)


def test_activity_types_are_seeded_and_edited_by_the_admin(w):
    assert kind("seminar").jp_per_day == 4 and kind("lokakarya").jp_per_day == 5
    assert kind("coaching").mode == rules.NON_KLASIKAL and kind("pelatihan").mode == rules.KLASIKAL
    with pytest.raises(DomainError):
        competencies.add_activity_type(w.auditor, name="Webinar", mode=rules.KLASIKAL, jp_per_day=2)
    webinar = competencies.add_activity_type(w.admin, name="Webinar", mode=rules.NON_KLASIKAL, jp_per_day=2)
    competencies.update_activity_type(w.admin, webinar, name="Webinar", mode=rules.NON_KLASIKAL, jp_per_day=3,
                                      active=False)
    assert webinar.jp_per_day == 3 and not webinar.active
    with pytest.raises(DomainError) as refused:
        competencies.update_activity_type(w.admin, webinar, name="Webinar", mode=rules.NON_KLASIKAL, jp_per_day=30,
                                          active=True)
    assert refused.value.field == "jp_per_day"


# ---------------------------------------------------------------------------------------------------------
# Standards


def test_a_unit_head_sets_the_standard_and_copies_it_within_their_units(w):
    assessor = u(w, w.assessor)  # heads the bidang only
    competencies.save_standard(assessor, w.analyst, {comp("komunikasi").id: 3, comp("integritas").id: 2})
    with pytest.raises(DomainError):
        competencies.save_standard(assessor, w.twin, {comp("komunikasi").id: 3})  # another bidang
    with pytest.raises(DomainError):
        competencies.save_standard(u(w, w.staff[0]), w.analyst, {comp("komunikasi").id: 1})
    with pytest.raises(DomainError, match="Tidak ada jabatan lain"):
        competencies.copy_standard(assessor, w.analyst)
    head = u(w, w.head)  # heads the OPD: the twin in the other bidang, not the other OPD's
    assert competencies.copy_standard(head, w.analyst) == 1
    assert competencies.standard_levels(w.twin.id) == {comp("komunikasi").id: 3, comp("integritas").id: 2}
    assert competencies.standard_levels(w.far.id) == {}
    assert competencies.copy_standard(w.admin, w.analyst) == 2  # the admin: the whole regency
    assert competencies.standard_levels(w.far.id) == competencies.standard_levels(w.analyst.id)
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "competency_standard.copy")) \
        == 2


def test_copy_replaces_the_targets_standard(w):
    standard(w, {"integritas": 5}, position=w.twin)
    standard(w, {"komunikasi": 3})
    competencies.copy_standard(w.admin, w.analyst)
    assert competencies.standard_levels(w.twin.id) == {comp("komunikasi").id: 3}


def test_a_standard_level_out_of_range_is_refused(w):
    with pytest.raises(DomainError):
        competencies.save_standard(w.admin, w.analyst, {comp("komunikasi").id: 6})
    competencies.save_standard(w.admin, w.analyst, {comp("komunikasi").id: 3})
    competencies.save_standard(w.admin, w.analyst, {comp("komunikasi").id: None})
    assert competencies.standard_levels(w.analyst.id) == {}


# ---------------------------------------------------------------------------------------------------------
# Competency assessment


def test_self_assessment_then_the_assessor_finalises_and_the_gap_is_frozen(w):
    standard(w, {"komunikasi": 3, "mengelola_perubahan": 4})
    emp = w.staff[0]
    ids = {c: comp(c).id for c in ("komunikasi", "mengelola_perubahan")}
    assert [c.code for c in competencies.scope(emp, None)] == ["mengelola_perubahan", "komunikasi"] or \
        {c.code for c in competencies.scope(emp, None)} == set(ids)
    with pytest.raises(DomainError, match="Pilih level"):
        competencies.save_self_assessment(u(w, emp), emp, YEAR, {ids["komunikasi"]: 4}, today=TODAY, now=NOW,
                                          submit=True)
    db.session.rollback()
    competencies.save_self_assessment(u(w, emp), emp, YEAR, {ids["komunikasi"]: 4, ids["mengelola_perubahan"]: 4},
                                      today=TODAY, now=NOW, submit=True)
    db.session.commit()
    with pytest.raises(ConflictError):
        competencies.save_self_assessment(u(w, emp), emp, YEAR, {ids["komunikasi"]: 5}, today=TODAY, now=NOW)
    db.session.rollback()
    with pytest.raises(DomainError, match="sebelum memfinalkan"):
        rate(w, emp, {"komunikasi": 1})
    db.session.rollback()
    assessment = rate(w, emp, {"komunikasi": 1, "mengelola_perubahan": 3})
    gaps = {r.competency_id: (r.self_level, r.assessed_level, r.required_level, r.gap) for r in assessment.ratings}
    assert gaps == {ids["komunikasi"]: (4, 1, 3, 2), ids["mengelola_perubahan"]: (4, 3, 4, 1)}
    standard(w, {"komunikasi": 5, "mengelola_perubahan": 4})  # the standard changes later: the assessment not
    db.session.expire_all()
    assert {r.competency_id: r.gap for r in competencies.find_assessment(emp, YEAR).ratings}[ids["komunikasi"]] == 2
    with pytest.raises(ConflictError):
        rate(w, emp, {"komunikasi": 2})


def test_only_the_assessor_rates_and_only_the_employee_self_assesses(w):
    emp = w.staff[0]
    levels = {comp("komunikasi").id: 3}
    for actor in (u(w, emp), u(w, w.head), u(w, w.staff[1]), w.admin):
        with pytest.raises(DomainError):
            competencies.save_assessment(actor, emp, YEAR, levels, today=TODAY, now=NOW)
    for actor in (u(w, w.assessor), u(w, w.staff[1]), w.admin):
        with pytest.raises(DomainError):
            competencies.save_self_assessment(actor, emp, YEAR, levels, today=TODAY, now=NOW)


def test_without_a_standard_the_managerial_and_socio_cultural_are_rated_without_a_gap(w):
    emp = w.staff[0]
    scope = competencies.scope(emp, None)
    assert len(scope) == 9 and all(c.kind != rules.TEKNIS for c in scope)
    assessment = rate(w, emp, {c.code: 3 for c in scope})
    assert all(r.gap is None and r.required_level is None for r in assessment.ratings)


def test_a_year_long_past_cannot_be_rated(w):
    with pytest.raises(DomainError, match="tidak dapat diubah"):
        competencies.save_assessment(u(w, w.assessor), w.staff[0], YEAR - 2, {comp("komunikasi").id: 3},
                                     today=TODAY, now=NOW)


def test_what_each_side_sees_of_the_levels(w):
    standard(w, {"komunikasi": 3})
    emp, kid = w.staff[0], comp("komunikasi").id
    competencies.save_self_assessment(u(w, emp), emp, YEAR, {kid: 4}, today=TODAY, now=NOW)  # a draft
    competencies.save_assessment(u(w, w.assessor), emp, YEAR, {kid: 2}, today=TODAY, now=NOW)  # a draft
    db.session.commit()
    assessment = competencies.find_assessment(emp, YEAR)

    def seen(user):
        row = competencies.gap_rows(emp, assessment, user)[0]
        return row["self_level"], row["assessed"], row["gap"]

    assert seen(u(w, emp)) == (4, None, None)  # not the assessor's draft
    assert seen(u(w, w.assessor)) == (None, 2, None)  # not the unsent self-assessment
    competencies.save_self_assessment(u(w, emp), emp, YEAR, {}, today=TODAY, now=NOW, submit=True)
    rate(w, emp, {"komunikasi": 2})
    assert seen(u(w, emp)) == (4, 2, 1) and seen(u(w, w.assessor)) == (4, 2, 1) and seen(u(w, w.head)) == (4, 2, 1)


def test_the_assessor_reopens_a_final_assessment(w):
    emp = w.staff[0]
    assessment = rate(w, emp, {c.code: 3 for c in competencies.scope(emp, None)})
    with pytest.raises(DomainError):
        competencies.reopen_assessment(u(w, emp), assessment, today=TODAY, now=NOW)
    competencies.reopen_assessment(u(w, w.assessor), assessment, today=TODAY, now=NOW)
    assert assessment.status == rules.ASSESSMENT_DRAFT and all(r.gap is None for r in assessment.ratings)
    with pytest.raises(ConflictError):
        competencies.reopen_assessment(u(w, w.assessor), assessment, today=TODAY, now=NOW)


# ---------------------------------------------------------------------------------------------------------
# Plans and items


def test_a_plan_is_the_employees_for_this_year_or_the_next(w):
    emp = w.staff[0]
    with pytest.raises(DomainError):
        services.create_plan(u(w, w.assessor), emp, YEAR, today=TODAY)
    with pytest.raises(DomainError):
        services.create_plan(u(w, emp), emp, YEAR + 2, today=TODAY)
    plan = services.create_plan(u(w, emp), emp, YEAR, today=TODAY)
    assert services.create_plan(u(w, emp), emp, YEAR, today=TODAY) is plan
    assert services.create_plan(u(w, emp), emp, YEAR + 1, today=TODAY).year == YEAR + 1


@pytest.mark.parametrize("changes, field", [
    ({"addresses": "lainnya"}, "addresses"),
    ({"competency_id": None}, "competency_id"),
    ({"activity_type_id": None}, "activity_type_id"),
    ({"title": "  "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"starts_on": dt.date(YEAR + 1, 1, 5)}, "starts_on"),
    ({"ends_on": dt.date(YEAR, 3, 1)}, "starts_on"),
    ({"starts_on": dt.date(YEAR, 3, 2), "ends_on": dt.date(YEAR, 3, 1)}, "ends_on"),
    ({"cost": -1}, "cost"),
    ({"planned_jp": rules.MAX_JP + 1}, "planned_jp"),
])
def test_an_item_is_checked(w, changes, field):
    plan = plan_for(w)
    with pytest.raises(DomainError) as refused:
        services.add_item(u(w, w.staff[0]), plan, item_data(**changes), now=NOW)
    assert refused.value.field == field


def test_planned_jp_is_proposed_from_the_type_and_the_days(w):
    plan = plan_for(w)
    item = add(w, plan, addresses=rules.ADDRESSES_PERFORMANCE, competency_id=None,
               activity_type_id=kind("lokakarya").id, starts_on=dt.date(YEAR, 1, 5), ends_on=dt.date(YEAR, 1, 6),
               planned_jp=None)
    assert item.planned_jp == 10
    item = add(w, plan, activity_type_id=kind("seminar").id, starts_on=dt.date(YEAR, 2, 1), planned_jp=None)
    assert item.planned_jp == 4
    assert add(w, plan, planned_jp=7, activity_type_id=kind("seminar").id,
               starts_on=dt.date(YEAR, 2, 1)).planned_jp == 7  # what the employee typed wins


def test_submit_approve_and_the_conflicts_of_a_decided_plan(w):
    emp = w.staff[0]
    plan = plan_for(w)
    with pytest.raises(DomainError, match="Tambahkan kegiatan"):
        services.submit_plan(u(w, emp), plan, now=NOW)
    add(w, plan, planned_jp=0)
    with pytest.raises(DomainError, match="JP"):
        services.submit_plan(u(w, emp), plan, now=NOW)
    db.session.rollback()
    plan = db.session.get(DevelopmentPlan, plan.id)
    services.update_item(u(w, emp), plan.items[0], item_data(planned_jp=12), now=NOW)
    with pytest.raises(DomainError):
        services.submit_plan(u(w, w.assessor), plan, now=NOW)
    services.submit_plan(u(w, emp), plan, now=NOW, version=plan.version_id)
    db.session.commit()
    assert (plan.status, plan.assessor_id) == (rules.PLAN_SUBMITTED, w.assessor.id)
    with pytest.raises(ConflictError):  # under review: the employee cannot change it
        services.add_item(u(w, emp), plan, item_data(), now=NOW)
    db.session.rollback()
    for actor in (u(w, emp), u(w, w.head), w.admin):
        with pytest.raises(DomainError):
            services.approve_plan(actor, plan, now=NOW)
    version = plan.version_id
    services.approve_plan(u(w, w.assessor), plan, now=NOW, version=version)
    db.session.commit()
    assert plan.status == rules.PLAN_APPROVED and [i.status for i in plan.items] == [rules.APPROVED]
    with pytest.raises(ConflictError):  # somebody decided first
        services.approve_plan(u(w, w.assessor), plan, now=NOW)
    with pytest.raises(ConflictError):
        services.return_plan(u(w, w.assessor), plan, "Catatan", now=NOW)
    with pytest.raises(StaleVersionError):
        services.submit_plan(u(w, emp), plan, now=NOW, version=version)


def test_return_needs_a_note_and_the_employee_submits_again(w):
    plan = plan_for(w)
    add(w, plan)
    services.submit_plan(u(w, w.staff[0]), plan, now=NOW)
    with pytest.raises(DomainError) as refused:
        services.return_plan(u(w, w.assessor), plan, "  ", now=NOW)
    assert refused.value.field == "note"
    services.return_plan(u(w, w.assessor), plan, "Tambahkan mentoring.", now=NOW)
    assert (plan.status, plan.return_note) == (rules.PLAN_RETURNED, "Tambahkan mentoring.")
    add(w, plan, title="Mentoring oleh Kepala Seksi", activity_type_id=kind("mentoring").id)
    assert plan.status == rules.PLAN_RETURNED
    services.submit_plan(u(w, w.staff[0]), plan, now=NOW)
    assert plan.status == rules.PLAN_SUBMITTED and plan.return_note == ""


def test_a_new_item_sends_an_approved_plan_back_to_draft_and_keeps_approved_items(w):
    plan, first = approved_plan(w)
    second = add(w, plan, title="Seminar Manajemen Perubahan", competency_id=comp("mengelola_perubahan").id)
    assert plan.status == rules.PLAN_DRAFT and first.status == rules.APPROVED and second.status == rules.PLANNED
    with pytest.raises(ConflictError):  # approved: no longer edited
        services.update_item(u(w, w.staff[0]), first, item_data(title="Lain"), now=NOW)
    with pytest.raises(ConflictError):
        services.delete_item(u(w, w.staff[0]), first, now=NOW)


def test_start_complete_and_the_certificate_of_a_klasikal_activity(w, tmp_path):
    plan, item = approved_plan(w)
    emp = u(w, w.staff[0])
    with pytest.raises(DomainError):
        services.start_item(u(w, w.assessor), item, now=NOW)
    services.start_item(emp, item, now=NOW)
    with pytest.raises(DomainError) as refused:  # klasikal: the certificate is the evidence
        services.complete_item(emp, item, actual_jp=12, completed_on=TODAY, today=TODAY, now=NOW)
    assert refused.value.field == "certificate"
    db.session.rollback()
    item = db.session.get(DevelopmentItem, item.id)
    with pytest.raises(DomainError) as refused:  # checked by content: a program named .pdf is refused
        services.complete_item(emp, item, actual_jp=12, completed_on=TODAY, today=TODAY, now=NOW,
                               files=[("sertifikat.pdf", io.BytesIO(b"MZ\x90\x00 program"))])
    assert refused.value.field == "certificate"
    db.session.rollback()
    item = db.session.get(DevelopmentItem, item.id)
    for when in (TODAY + dt.timedelta(days=1), dt.date(YEAR - 1, 12, 31)):
        with pytest.raises(DomainError) as refused:
            services.complete_item(emp, item, actual_jp=12, completed_on=when, today=TODAY, now=NOW,
                                   files=[("s.pdf", io.BytesIO(PDF))])
        assert refused.value.field == "completed_on"
        db.session.rollback()
        item = db.session.get(DevelopmentItem, item.id)
    services.complete_item(emp, item, actual_jp=14, completed_on=TODAY, today=TODAY, now=NOW,
                           files=[("Sertifikat Komunikasi.pdf", io.BytesIO(PDF))])
    db.session.commit()
    assert (item.status, item.actual_jp, len(item.certificates)) == (rules.DONE, 14, 1)
    certificate = item.certificates[0]
    stored = services.certificate_folder() / certificate.stored_name
    assert stored.read_bytes() == PDF and certificate.content_type == "application/pdf"
    assert services.jp_totals(w.staff[0].id, YEAR).done == 14
    for action in (lambda: services.start_item(emp, item, now=NOW),
                   lambda: services.cancel_item(emp, item, "x", now=NOW),
                   lambda: services.complete_item(emp, item, actual_jp=1, completed_on=TODAY, today=TODAY, now=NOW)):
        with pytest.raises(ConflictError):  # decided: a second action is a conflict
            action()


def test_a_non_klasikal_activity_completes_without_a_certificate(w):
    plan, item = approved_plan(w, activity_type_id=kind("coaching").id, addresses=rules.ADDRESSES_PERFORMANCE,
                               competency_id=None)
    services.complete_item(u(w, w.staff[0]), item, actual_jp=6, completed_on=TODAY, today=TODAY, now=NOW)
    assert item.status == rules.DONE


def test_the_assessor_cancels_with_a_reason_but_does_not_complete(w):
    plan, item = approved_plan(w)
    with pytest.raises(DomainError):
        services.complete_item(u(w, w.assessor), item, actual_jp=4, completed_on=TODAY, today=TODAY, now=NOW,
                               files=[("s.pdf", io.BytesIO(PDF))])
    db.session.rollback()
    item = db.session.get(DevelopmentItem, item.id)
    with pytest.raises(DomainError) as refused:
        services.cancel_item(u(w, w.assessor), item, "", now=NOW)
    assert refused.value.field == "note"
    with pytest.raises(DomainError):
        services.cancel_item(u(w, w.head), item, "Anggaran", now=NOW)
    services.cancel_item(u(w, w.assessor), item, "Anggaran dialihkan", now=NOW)
    assert item.status == rules.CANCELLED and services.jp_totals(w.staff[0].id, YEAR).committed == 0


def test_carrying_an_unfinished_item_to_next_year(w):
    plan, item = approved_plan(w, planned_jp=16, starts_on=dt.date(YEAR, 12, 1))
    assert services.jp_totals(w.staff[0].id, YEAR).committed == 16
    copy = services.carry_item(u(w, w.staff[0]), item, today=TODAY, now=NOW)
    db.session.commit()
    assert item.carried_to_id == copy.id and copy.carried_from_id == item.id
    assert (copy.year, copy.status, copy.planned_jp, copy.starts_on) == (YEAR + 1, rules.PLANNED, 16, None)
    assert copy.plan.status == rules.PLAN_DRAFT and copy.plan.year == YEAR + 1
    assert services.jp_totals(w.staff[0].id, YEAR).committed == 0
    assert services.jp_totals(w.staff[0].id, YEAR + 1).proposed == 16
    with pytest.raises(ConflictError):
        services.carry_item(u(w, w.staff[0]), item, today=TODAY, now=NOW)
    with pytest.raises(ConflictError):
        services.start_item(u(w, w.staff[0]), item, now=NOW)
    services.delete_item(u(w, w.staff[0]), copy, now=NOW)  # the copy is removed: the original may go again
    assert item.carried_to_id is None


def test_the_sql_counts_agree_with_the_jp_rule(w):
    first, _ = approved_plan(w, planned_jp=12)
    services.complete_item(u(w, w.staff[0]), first.items[0], actual_jp=12, completed_on=TODAY, today=TODAY,
                           now=NOW, files=[("s.pdf", io.BytesIO(PDF))])
    add(w, first, planned_jp=8, title="Kursus")
    services.submit_plan(u(w, w.staff[0]), first, now=NOW)
    services.approve_plan(u(w, w.assessor), first, now=NOW)  # 12 done + 8 approved: on track
    second, _ = approved_plan(w, w.staff[1], planned_jp=19)  # 19 approved: not on track
    third = plan_for(w, w.staff[2])
    add(w, third, planned_jp=40)  # only proposed: not on track
    db.session.commit()
    summary = reports.unit_summary(w.bidang, YEAR)
    expected = [services.jp_totals(e.id, YEAR) for e in (w.assessor, *w.staff)]
    assert summary.staff == 4
    assert summary.on_track == sum(t.on_track for t in expected) == 1
    assert summary.reached == sum(t.reached for t in expected) == 0
    assert summary.plans == {rules.PLAN_APPROVED: 2, rules.PLAN_DRAFT: 1}
    assert [(c.code, n) for c, n in summary.top] == [("komunikasi", 3)]
    page, rows = reports.team_page(w.assessor.id, YEAR, 1)
    assert {r.employee.id: (r.done, r.committed, r.on_track) for r in rows} == {
        w.staff[0].id: (12, 8, True), w.staff[1].id: (0, 19, False), w.staff[2].id: (0, 0, False)}


# ---------------------------------------------------------------------------------------------------------
# Suggestions


def _evaluation(w, employee, status, result, behaviour):
    period = factories.make_period(YEAR)
    phase = db.session.scalar(select(PeriodPhase).where(PeriodPhase.period_id == period.id,
                                                        PeriodPhase.kind == "evaluasi_periodik",
                                                        PeriodPhase.seq == 1))
    evaluation = Evaluation(employee_id=employee.id, phase_id=phase.id, unit_id=employee.unit_id,
                            assessor_id=w.assessor.id, rated_by_id=w.assessor.id, status=status,
                            result_rating=result, behaviour_rating=behaviour,
                            predikat=evaluation_rules.derive_predikat(result, behaviour))
    db.session.add(evaluation)
    db.session.commit()
    return evaluation


def test_a_competency_gap_of_two_suggests_an_item_that_one_click_adds(w):
    standard(w, {"komunikasi": 4, "integritas": 3})
    emp = w.staff[0]
    rate(w, emp, {"komunikasi": 2, "integritas": 2})  # gaps 2 and 1
    plan = plan_for(w)
    found = services.suggestions_for(u(w, emp), emp, plan, YEAR)
    assert [(s.suggestion.addresses, s.competency.code) for s in found] == [(rules.ADDRESSES_COMPETENCY,
                                                                            "komunikasi")]
    assert found[0].title == "Pelatihan Komunikasi" and "standar jabatan 4" in found[0].gap_note
    with pytest.raises(DomainError):
        services.add_from_suggestion(u(w, w.assessor), plan, found[0].key, now=NOW)
    item = services.add_from_suggestion(u(w, emp), plan, found[0].key, now=NOW)
    db.session.commit()
    assert (item.status, item.competency_id, item.activity_type.code, item.suggestion_key) == (
        rules.PLANNED, comp("komunikasi").id, "pelatihan", "kompetensi-" + str(comp("komunikasi").id))
    assert services.suggestions_for(u(w, emp), emp, plan, YEAR) == []
    with pytest.raises(ConflictError):
        services.add_from_suggestion(u(w, emp), plan, found[0].key, now=NOW)


def test_a_draft_assessment_suggests_nothing(w):
    standard(w, {"komunikasi": 5})
    rate(w, w.staff[0], {"komunikasi": 1}, finalise=False)
    assert services.suggestions_for(u(w, w.assessor), w.staff[0], None, YEAR) == []


def test_di_bawah_in_the_latest_finalised_evaluation_suggests_and_the_employee_sees_it_once_released(w):
    emp = w.staff[0]
    evaluation = _evaluation(w, emp, FINAL, evaluation_rules.BELOW, evaluation_rules.AS_EXPECTED)
    assert [s.suggestion.addresses for s in services.suggestions_for(u(w, w.assessor), emp, None, YEAR)] == [
        rules.ADDRESSES_PERFORMANCE]
    assert services.suggestions_for(u(w, emp), emp, None, YEAR) == []  # not delivered yet
    evaluation.status = RELEASED
    db.session.commit()
    found = services.suggestions_for(u(w, emp), emp, None, YEAR)
    assert [s.title for s in found] == ["Coaching peningkatan hasil kerja"]
    assert "Di Bawah Ekspektasi" in found[0].gap_note


def test_sesuai_ekspektasi_suggests_nothing_and_sangat_baik_is_a_priority(w):
    emp = w.staff[1]
    _evaluation(w, emp, RELEASED, evaluation_rules.ABOVE, evaluation_rules.ABOVE)
    assert services.suggestions_for(u(w, emp), emp, None, YEAR) == []
    assert services.is_priority(u(w, emp), emp) and services.is_priority(u(w, w.head), emp)
    assert not services.is_priority(u(w, w.staff[0]), w.staff[0])


def test_only_released_360_results_suggest():
    from portal.assessment import release
    from portal.assessment.models import GROUP_PEER
    from tests.views.test_results import add_bucket, add_self, make_world, uniform

    world = make_world()
    subject, assessor = world.subject, world.users["assessor"]
    items_of = {}
    for item in world.items:
        items_of.setdefault(item.value_code, []).append(item.id)
    add_self(world, uniform(world, 4))
    low = {i: (2 if i in items_of["kolaboratif"] else 4) for i in uniform(world, 4)}
    add_bucket(world, GROUP_PEER, [low] * 3)
    assert services.suggestions_for(assessor, subject, None, YEAR) == []  # live answers, not released: nothing
    release.release_results(subject, world.phase, TODAY)
    db.session.commit()
    found = services.suggestions_for(assessor, subject, None, YEAR)
    assert [(s.suggestion.value_code, s.title) for s in found] == [("kolaboratif", "Mentoring Kolaboratif")]
    assert services.suggestions_for(world.users["head"], subject, None, YEAR) == []  # not a results reader
    assert [s.key for s in services.suggestions_for(world.users["subject"], subject, None, YEAR)] == [found[0].key]


def test_a_dialog_action_becomes_an_item_once(w):
    from portal.dialog import rules as dialog_rules
    from portal.dialog.models import DialogAction, DialogSession

    emp = w.staff[0]
    session = DialogSession(employee_id=emp.id, assessor_id=w.assessor.id, proposed_by="penilai",
                            starts_at=NOW - dt.timedelta(days=7), status=dialog_rules.CONFIRMED)
    session.actions.append(DialogAction(text="Ikuti seminar pengolahan data", owner_id=emp.id))
    session.actions.append(DialogAction(text="Selesai sudah", owner_id=emp.id, status=dialog_rules.ACTION_DONE))
    db.session.add(session)
    db.session.commit()
    plan = plan_for(w)
    actions = services.open_actions(emp)
    assert [a.text for a in actions] == ["Ikuti seminar pengolahan data"]
    item = services.add_from_action(u(w, emp), plan, actions[0], now=NOW)
    assert (item.title, item.activity_type.code, item.from_action_id) == ("Ikuti seminar pengolahan data",
                                                                          "seminar", actions[0].id)
    db.session.commit()
    assert services.open_actions(emp) == []
    with pytest.raises(ConflictError):
        services.add_from_action(u(w, emp), plan, actions[0], now=NOW)


# ---------------------------------------------------------------------------------------------------------
# Heat map and training needs


def test_the_heat_map_counts_people_per_competency_and_gap(w):
    standard(w, {"komunikasi": 4, "integritas": 3})
    for emp, (k, i) in zip(w.staff, [(1, 3), (2, 3), (4, 1)], strict=True):
        rate(w, emp, {"komunikasi": k, "integritas": i})
    heat = reports.heat_map(w.opd, YEAR)
    cells = {r.competency.code: r.cells for r in heat.rows}
    assert cells == {"komunikasi": {0: 1, 1: 0, 2: 1, 3: 1}, "integritas": {0: 2, 1: 0, 2: 1, 3: 0}}
    assert heat.people == 3 and heat.peak == 1
    assert reports.heat_map(w.outside, YEAR).rows == []
    page = reports.heat_people(w.opd, YEAR, comp("komunikasi").id, 3, 1)
    assert [r.assessment.employee.id for r in page.items] == [w.staff[0].id]
    assert reports.heat_people(w.opd, YEAR, comp("komunikasi").id, 0, 1).total == 1


def test_training_needs_group_what_how_many_and_which_units(w):
    approved_plan(w, w.staff[0])
    plan = plan_for(w, w.staff[1])
    add(w, plan)
    add(w, plan, addresses=rules.ADDRESSES_PERFORMANCE, competency_id=None, activity_type_id=kind("coaching").id,
        title="Coaching", planned_jp=6, cost=0)
    other = plan_for(w, w.stranger)
    add(w, other, cost=1_500_000)
    cancelled, item = approved_plan(w, w.staff[2])
    services.cancel_item(u(w, w.staff[2]), item, "Batal", now=NOW)
    db.session.commit()
    page = reports.needs_page(YEAR, 1)
    assert page.total == 2
    first, second = page.items
    assert (first.competency, first.activity, first.people, first.items, first.approved, first.planned_jp,
            first.cost) == ("Komunikasi", "Pelatihan", 3, 3, 1, 36, 1_500_000)
    assert first.units == ["Dinas Lain", "Dinas Uji Kompetensi"]
    assert (second.competency, second.addresses, second.people, second.units) == (
        None, rules.ADDRESSES_PERFORMANCE, 1, ["Dinas Uji Kompetensi"])
    assert [r.people for r in reports.all_needs(YEAR)] == [3, 1]
    assert reports.needs_page(YEAR + 1, 1).total == 0
