"""The demo's competency development (issue 12), relative to the day the demo is loaded:

- the dictionary with a technical competency added by BKPSDM, and a standard for every position (the demo's policy
  by kind of position: JPT 4, administrator and pengawas 3, other staff 2; data roles of the education office also
  need the technical one); the standard of the Pengadministrasi Umum of Bidang Pembinaan SD is copied by the admin to
  every position of that name;
- competency levels of the year for everyone with an assessor. The story of the heat map: the education office is
  weak in Komunikasi and Mengelola Perubahan (two levels below the standard for many), the other offices are around
  their standard;
- kabid.dikdas's team through the same services the pages use: `pegawai` self-assessed and rated (Komunikasi two
  levels below), last year's plan completed but for a mentoring carried into this year, this year's plan approved with
  items done (with a certificate), running, approved, cancelled and the carried one, and a dialog action still to be
  turned into an item; other reports with a plan waiting for kabid.dikdas, one returned with a note, one in draft, and
  a self-assessment waiting to be rated; kabid.dikdas's own plan reaches 20 JP;
- everyone else (bulk inserts): this year's approved plans from their gaps, non-klasikal activities done in step with
  the part of the year gone by, klasikal courses still to come; and next year's plans drafted or submitted, so that
  BKPSDM can plan next year's courses from the Kebutuhan Pengembangan page and its workbook.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from sqlalchemy import insert, select

from portal.core.timeutil import utcnow
from portal.demo_cycle import _at
from portal.development import competencies, rules
from portal.development import services as development_services
from portal.development.models import (
    ActivityType,
    Competency,
    CompetencyAssessment,
    CompetencyRating,
    CompetencyStandard,
    DevelopmentItem,
    DevelopmentPlan,
)
from portal.extensions import db
from portal.org.models import Employee, Position, Unit

WEAK_OFFICE = "Dinas Pendidikan"
WEAK = ("komunikasi", "mengelola_perubahan")
LEVEL_BY_TYPE = {"JPT_UTAMA": 5, "JPT_MADYA": 4, "JPT_PRATAMA": 4, "ADMINISTRATOR": 3, "PENGAWAS": 3,
                 "AHLI_UTAMA": 4, "AHLI_MADYA": 3, "AHLI_MUDA": 3}
TECHNICAL = ("Pengelolaan Data Pendidikan",
             "Mengumpulkan, mengolah, dan menyajikan data pendidikan (Dapodik, data peserta didik, rapor mutu) untuk "
             "perencanaan dan layanan.",
             ("Mencatat data sesuai format yang ditetapkan.",
              "Memeriksa kelengkapan dan kebenaran data secara mandiri.",
              "Mengolah data menjadi informasi untuk laporan unit.",
              "Menganalisis data untuk bahan kebijakan dan memberi bimbingan kepada operator sekolah.",
              "Merancang tata kelola data pendidikan daerah."))
COURSES = {  # competency code -> (klasikal course, non-klasikal activity)
    "integritas": ("Pelatihan Integritas dan Antikorupsi", "e_learning"),
    "kerja_sama": ("Lokakarya Kerja Sama Tim Lintas Bidang", "komunitas_belajar"),
    "komunikasi": ("Pelatihan Komunikasi Efektif dan Public Speaking", "e_learning"),
    "orientasi_pada_hasil": ("Pelatihan Manajemen Kinerja Berorientasi Hasil", "coaching"),
    "pelayanan_publik": ("Seminar Standar Pelayanan Publik", "e_learning"),
    "pengembangan_diri_dan_orang_lain": ("Pelatihan Coaching untuk Atasan", "mentoring"),
    "mengelola_perubahan": ("Pelatihan Manajemen Perubahan", "e_learning"),
    "pengambilan_keputusan": ("Pelatihan Analisis dan Pengambilan Keputusan", "coaching"),
    "perekat_bangsa": ("Seminar Wawasan Kebangsaan", "belajar_mandiri"),
    "pengelolaan_data_pendidikan": ("Bimbingan Teknis Dapodik dan Analisis Data Pendidikan", "komunitas_belajar"),
}
PROVIDERS = ("BPSDM Provinsi", "BKPSDM Kabupaten Contoh", "LAN RI", "Pusdiklat Kemendikdasmen", "Atasan langsung")


def _certificate_pdf(name: str, title: str, day: dt.date) -> bytes:
    """A one-page demo certificate (fpdf2), so that the download opens as a real PDF."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 20)
    pdf.cell(0, 18, "SERTIFIKAT", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 12)
    for line in ("Diberikan kepada", name, f"telah mengikuti {title}", f"Kabupaten Contoh, {day.isoformat()}",
                 "(contoh data demo)"):
        pdf.cell(0, 10, line.encode("latin-1", "replace").decode("latin-1"), align="C", new_x="LMARGIN",
                 new_y="NEXT")
    return bytes(pdf.output())


def _in_year(day: dt.date, year: int) -> dt.date:
    return min(max(day, dt.date(year, 1, 1)), dt.date(year, 12, 31))


def _standards(admin, result, technical: Competency, dictionary: list[Competency]) -> None:
    """The pelaksana of Bidang Pembinaan SD through the services (set, then copied to every position of that name);
    every other position in bulk by its kind."""
    pegawai = result.employees["pegawai"]
    base = [c for c in dictionary if c.kind != rules.TEKNIS]
    own = {c.id: (3 if c.code in (*WEAK, "pelayanan_publik") else 2) for c in base}
    own[technical.id] = 3
    competencies.save_standard(admin, pegawai.position, own)
    competencies.copy_standard(admin, pegawai.position)
    db.session.flush()
    done = set(db.session.scalars(select(CompetencyStandard.position_id).distinct()))
    rows, now = [], utcnow()
    positions = db.session.execute(select(Position, Unit.path).join(Unit, Unit.id == Position.unit_id)
                                   .where(Position.active.is_(True))).all()
    weak_opd = result.units[WEAK_OFFICE].id
    for position, path in positions:
        if position.id in done:
            continue
        code = position.position_type.code if position.position_type else "PELAKSANA"
        level = LEVEL_BY_TYPE.get(code, 2)
        levels = {c.id: level for c in base}
        if int(path.strip("/").split("/")[0]) == weak_opd and "Data" in position.name:
            levels[technical.id] = 3
        rows.extend({"position_id": position.id, "competency_id": cid, "required_level": lvl, "created_at": now,
                     "updated_at": now} for cid, lvl in levels.items())
    db.session.execute(insert(CompetencyStandard), rows)


def _levels_for(rng: random.Random, standard: dict[int, int], codes: dict[int, str], weak: bool) -> dict[int, int]:
    levels = {}
    for cid, required in standard.items():
        level = required + rng.choice((-1, 0, 0, 0, 1))
        if weak and codes[cid] in WEAK:
            level = required - rng.choice((0, 1, 1, 2, 2, 2))
        levels[cid] = max(1, min(5, level))
    return levels


def load_demo_development(result, cycle, users: dict, today: dt.date, *, seed: int = 1212) -> dict:
    """See the module docstring. The caller commits. Returns the demo's plans by state and the year's numbers."""
    rng = random.Random(seed)
    year = today.year
    admin = result.users["admin"]
    competencies.ensure_dictionary()
    competencies.ensure_activity_types()
    db.session.flush()
    technical = competencies.add_competency(admin, name=TECHNICAL[0], description=TECHNICAL[1],
                                            descriptors=list(TECHNICAL[2]))
    dictionary = competencies.dictionary()
    codes = {c.id: c.code for c in dictionary}
    by_code = {c.code: c for c in dictionary}
    types = {t.code: t for t in db.session.scalars(select(ActivityType))}
    _standards(admin, result, technical, dictionary)
    db.session.flush()

    kabid = result.employees["kabid.dikdas"]
    kadis = result.employees["kadis.pendidikan"]
    pegawai = result.employees["pegawai"]
    team = sorted((e for e in kabid.subordinates if e.active and e.id != pegawai.id), key=lambda e: e.id)
    demo_ids = {pegawai.id, kabid.id, *(e.id for e in team)}
    weak_opd = result.units[WEAK_OFFICE].id
    standards: dict[int, dict[int, int]] = {}
    for position_id, cid, level in db.session.execute(select(
            CompetencyStandard.position_id, CompetencyStandard.competency_id, CompetencyStandard.required_level)):
        standards.setdefault(position_id, {})[cid] = level
    employees = [e for e in db.session.scalars(select(Employee).where(Employee.active.is_(True)).order_by(Employee.id))
                 if e.assessor is not None]

    # -- Levels of the year: the demo team through the services, everyone else in bulk -----------------------
    def rate(employee, levels, *, self_levels=None, finalise=True):
        if self_levels is not None:
            competencies.save_self_assessment(users[employee.id], employee, year, self_levels, today=today,
                                              now=_at(today, 7), submit=True)
        if levels is not None:
            competencies.save_assessment(users[employee.assessor.id], employee, year, levels, today=today,
                                         now=_at(today, 9), finalise=finalise)
        db.session.flush()

    pegawai_std = standards[pegawai.position_id]
    pegawai_levels = {cid: (lvl - 2 if codes[cid] in WEAK else lvl) for cid, lvl in pegawai_std.items()}
    pegawai_levels = {cid: max(1, lvl) for cid, lvl in pegawai_levels.items()}
    pegawai_levels[by_code["pelayanan_publik"].id] = max(1, pegawai_std[by_code["pelayanan_publik"].id] - 1)
    rate(pegawai, pegawai_levels, self_levels={cid: min(5, lvl + 1) for cid, lvl in pegawai_std.items()})
    waiting_rating = team[0] if team else None
    for n, employee in enumerate(team):
        std = standards.get(employee.position_id, {})
        levels = _levels_for(rng, std, codes, weak=True)
        if n == 0:
            rate(employee, None, self_levels=levels)  # the self-assessment waits for kabid.dikdas
        elif n == 1:
            rate(employee, levels)
    rate(kabid, {cid: lvl for cid, lvl in standards.get(kabid.position_id, {}).items()})

    bulk = [e for e in employees if e.id not in demo_ids]
    now = utcnow()
    assessment_rows = [{"employee_id": e.id, "year": year, "status": rules.ASSESSMENT_FINAL,
                        "assessor_id": e.assessor.id, "position_id": e.position_id, "finalised_at": now,
                        "created_at": now, "updated_at": now, "version_id": 1} for e in bulk]
    if assessment_rows:
        db.session.execute(insert(CompetencyAssessment), assessment_rows)
    assessment_ids = dict(db.session.execute(select(CompetencyAssessment.employee_id, CompetencyAssessment.id)
                                             .where(CompetencyAssessment.year == year)).all())
    gaps: dict[int, dict[int, int]] = {}
    rating_rows = []
    for employee in bulk:
        std = standards.get(employee.position_id, {})
        levels = _levels_for(rng, std, codes, weak=employee.unit.opd_id == weak_opd)
        gaps[employee.id] = {cid: std[cid] - lvl for cid, lvl in levels.items()}
        rating_rows.extend({"assessment_id": assessment_ids[employee.id], "competency_id": cid,
                            "assessed_level": lvl, "required_level": std[cid], "gap": std[cid] - lvl}
                           for cid, lvl in levels.items())
    if rating_rows:
        db.session.execute(insert(CompetencyRating), rating_rows)
    db.session.flush()

    # -- pegawai: last year's plan, carried mentoring, this year's plan in every item state ------------------
    plans = {}
    pegawai_user, kabid_user = users[pegawai.id], users[kabid.id]

    def item(plan, title, code, *, competency=None, addresses=rules.ADDRESSES_COMPETENCY, jp=None, starts=None,
             ends=None, cost=None, provider="BPSDM Provinsi", note="", user=None):
        data = {"addresses": addresses, "competency_id": competency.id if competency else None, "gap_note": note,
                "activity_type_id": types[code].id, "title": title, "provider": provider, "starts_on": starts,
                "ends_on": ends, "cost": cost, "planned_jp": jp}
        added = development_services.add_item(user or users[plan.employee_id], plan, data,
                                              now=_at(min(today, starts or today), 8))
        db.session.flush()
        return added

    def certificate(for_item, day):
        name = f"sertifikat-{for_item.id}.pdf"
        return [(name, io.BytesIO(_certificate_pdf(for_item.employee.full_name, for_item.title, day)))]

    last = year - 1
    start_last = dt.date(last, 2, 10)
    previous = development_services.create_plan(pegawai_user, pegawai, last, today=start_last)
    spreadsheet = item(previous, "Pelatihan Pengolahan Data dengan Spreadsheet", "pelatihan", competency=technical,
                       jp=16, starts=dt.date(last, 3, 10), ends=dt.date(last, 3, 12), user=pegawai_user)
    seminar = item(previous, "Seminar Pelayanan Publik Berbasis Digital", "seminar",
                   competency=by_code["pelayanan_publik"], starts=dt.date(last, 5, 20), user=pegawai_user)
    mentoring = item(previous, "Mentoring Kerja Sama Tim oleh Kepala Seksi", "mentoring",
                     competency=by_code["kerja_sama"], jp=8, provider="Kepala Seksi Kurikulum dan Penilaian SD",
                     user=pegawai_user)
    development_services.submit_plan(pegawai_user, previous, now=_at(start_last, 9))
    development_services.approve_plan(kabid_user, previous, now=_at(start_last + dt.timedelta(days=2), 10))
    for done, day, jp in ((spreadsheet, dt.date(last, 3, 12), 16), (seminar, dt.date(last, 5, 20), 4)):
        development_services.complete_item(pegawai_user, done, actual_jp=jp, completed_on=day,
                                           files=certificate(done, day), today=dt.date(last, 12, 31),
                                           now=_at(day, 15))
    db.session.flush()
    development_services.carry_item(pegawai_user, mentoring, today=today, now=_at(_in_year(today, year), 8))
    db.session.flush()
    plan = development_services.find_plan(pegawai, year)
    suggestion = next(s for s in development_services.suggestions_for(pegawai_user, pegawai, plan, year)
                      if s.competency is not None and s.competency.code == "komunikasi")
    komunikasi = development_services.add_from_suggestion(pegawai_user, plan, suggestion.key, now=_at(today, 8))
    done_day = min(today, max(dt.date(year, 1, 2), today - dt.timedelta(days=21)))
    development_services.update_item(pegawai_user, komunikasi, {
        "addresses": rules.ADDRESSES_COMPETENCY, "competency_id": by_code["komunikasi"].id,
        "gap_note": suggestion.gap_note, "activity_type_id": types["pelatihan"].id,
        "title": "Pelatihan Komunikasi Efektif", "provider": "BPSDM Provinsi", "starts_on": done_day,
        "ends_on": done_day, "cost": 1_750_000, "planned_jp": 12}, now=_at(today, 8))
    change = item(plan, "E-learning Manajemen Perubahan di Sektor Publik", "e_learning",
                  competency=by_code["mengelola_perubahan"], jp=10, provider="LAN RI (ASN Unggul)")
    upcoming = today + dt.timedelta(days=14)
    item(plan, "Seminar Standar Pelayanan Publik", "seminar", competency=by_code["pelayanan_publik"], jp=4,
         starts=upcoming if upcoming.year == year else None)
    english = item(plan, "Kursus Bahasa Inggris untuk Layanan Informasi", "kursus",
                   addresses=rules.ADDRESSES_CAREER_LONG, jp=24, cost=2_500_000, provider="Lembaga kursus mitra BKPSDM",
                   note="Persiapan menjadi pranata humas sekolah")
    development_services.submit_plan(pegawai_user, plan, now=_at(today, 9))
    development_services.approve_plan(kabid_user, plan, now=_at(today, 10))
    development_services.complete_item(pegawai_user, komunikasi, actual_jp=12, completed_on=done_day,
                                       files=certificate(komunikasi, done_day), today=today, now=_at(today, 11))
    development_services.start_item(pegawai_user, change, now=_at(today, 11))
    development_services.cancel_item(pegawai_user, english, "Kuota kursus tahun ini penuh; diusulkan lagi tahun depan.",
                                     now=_at(today, 12))
    db.session.flush()
    plans["disetujui"] = plan

    # -- kabid.dikdas's other reports: waiting for the decision, returned, draft ---------------------------------
    if len(team) > 0:
        waiting = development_services.create_plan(users[team[0].id], team[0], year, today=today)
        item(waiting, "Pelatihan Komunikasi Publik bagi Pengelola Data", "pelatihan",
             competency=by_code["komunikasi"], jp=20, cost=1_500_000)
        item(waiting, "Coaching Penyusunan Laporan Triwulan", "coaching", addresses=rules.ADDRESSES_PERFORMANCE,
             jp=6, provider="Kepala Bidang Pembinaan SD")
        development_services.submit_plan(users[team[0].id], waiting, now=_at(today, 9))
        plans["diajukan"] = waiting
    if len(team) > 1:
        returned = development_services.create_plan(users[team[1].id], team[1], year, today=today)
        item(returned, "Seminar Kepemimpinan Pengawas", "seminar", competency=by_code["orientasi_pada_hasil"], jp=4,
             starts=upcoming if upcoming.year == year else None)
        development_services.submit_plan(users[team[1].id], returned, now=_at(today, 9))
        development_services.return_plan(kabid_user, returned, "JP masih jauh dari 20. Tambahkan kegiatan untuk "
                                         "kesenjangan Mengelola Perubahan, misalnya e-learning LAN.",
                                         now=_at(today, 10))
        plans["dikembalikan"] = returned
    if len(team) > 2:
        draft = development_services.create_plan(users[team[2].id], team[2], year, today=today)
        item(draft, "E-learning Manajemen Perubahan", "e_learning", competency=by_code["mengelola_perubahan"], jp=10)
        plans["draft"] = draft

    own = development_services.create_plan(kabid_user, kabid, year, today=today)
    coaching = item(own, "Pelatihan Coaching untuk Atasan", "pelatihan",
                    competency=by_code["pengembangan_diri_dan_orang_lain"], jp=16, starts=done_day, ends=done_day)
    community = item(own, "Komunitas Belajar Kepala Bidang", "komunitas_belajar", competency=by_code["kerja_sama"],
                     jp=8, provider="BKPSDM Kabupaten Contoh")
    development_services.submit_plan(kabid_user, own, now=_at(today, 9))
    development_services.approve_plan(users[kadis.id], own, now=_at(today, 10))
    development_services.complete_item(kabid_user, coaching, actual_jp=16, completed_on=done_day,
                                       files=certificate(coaching, done_day), today=today, now=_at(today, 11))
    development_services.complete_item(kabid_user, community, actual_jp=8, completed_on=done_day, today=today,
                                       now=_at(today, 11))
    db.session.flush()

    # -- Everyone else in bulk: this year's approved plans, next year's drafted or submitted -------------------
    elapsed = (today - dt.date(year, 1, 1)).days / 365
    plan_rows, later_rows = [], []
    chosen = [e for e in bulk if rng.random() < 0.8]
    for employee in chosen:
        plan_rows.append({"employee_id": employee.id, "year": year, "status": rules.PLAN_APPROVED,
                          "assessor_id": employee.assessor.id, "submitted_at": now, "decided_at": now,
                          "decided_by_id": employee.assessor.id, "return_note": "", "created_at": now,
                          "updated_at": now, "version_id": 1})
    upcoming_bulk = [e for e in bulk if rng.random() < 0.55]
    for employee in upcoming_bulk:
        later_rows.append({"employee_id": employee.id, "year": year + 1,
                           "status": rng.choice((rules.PLAN_DRAFT, rules.PLAN_SUBMITTED)),
                           "assessor_id": employee.assessor.id, "submitted_at": now, "return_note": "",
                           "created_at": now, "updated_at": now, "version_id": 1})
    for rows in (plan_rows, later_rows):
        if rows:
            db.session.execute(insert(DevelopmentPlan), rows)
    plan_ids = {(p.employee_id, p.year): p.id for p in db.session.execute(
        select(DevelopmentPlan.employee_id, DevelopmentPlan.year, DevelopmentPlan.id)
        .where(DevelopmentPlan.year.in_((year, year + 1))))}

    def bulk_item(employee, plan_year, status, code, title, competency_id, jp, *, actual=None, done_on=None,
                  starts=None, cost=None):
        return {"plan_id": plan_ids[(employee.id, plan_year)], "employee_id": employee.id, "year": plan_year,
                "addresses": rules.ADDRESSES_COMPETENCY if competency_id else rules.ADDRESSES_PERFORMANCE,
                "competency_id": competency_id, "gap_note": "", "activity_type_id": types[code].id, "title": title,
                "provider": rng.choice(PROVIDERS), "starts_on": starts, "ends_on": starts, "cost": cost,
                "planned_jp": jp, "status": status, "actual_jp": actual, "completed_on": done_on, "note": "",
                "created_at": now, "updated_at": now, "version_id": 1}

    def course_of(cid: int) -> tuple[str, str, str]:
        """(klasikal code, title, non-klasikal code) for a competency."""
        title, other = COURSES.get(codes[cid], ("Pelatihan Teknis", "e_learning"))
        first = title.split()[0].lower()
        code = {"pelatihan": "pelatihan", "seminar": "seminar", "lokakarya": "lokakarya"}.get(first,
                                                                                            "bimbingan_teknis")
        return code, title, other

    def wanted(employee) -> list[int]:
        """The competencies furthest below the standard (at most two; the largest gap when none is below)."""
        needs = sorted(gaps[employee.id].items(), key=lambda kv: (-kv[1], kv[0]))
        below = [cid for cid, g in needs if g >= 1][:2]
        return below or [cid for cid, _g in needs[:1]]

    days_gone = max(1, (today - dt.date(year, 1, 1)).days)
    item_rows = []
    for employee in chosen:
        for cid in wanted(employee):
            code, course, other = course_of(cid)
            finished = rng.random() < elapsed
            jp = rng.choice((8, 10, 12))
            done_on = dt.date(year, 1, 1) + dt.timedelta(days=int(rng.random() * days_gone)) if finished else None
            item_rows.append(bulk_item(employee, year, rules.DONE if finished else rules.RUNNING, other,
                                       f"{types[other].name} {competency_name(dictionary, cid)}", cid, jp,
                                       actual=jp if finished else None, done_on=done_on and min(done_on, today)))
            later = today + dt.timedelta(days=rng.randint(10, 60))
            item_rows.append(bulk_item(employee, year, rules.APPROVED, code, course, cid, rng.choice((12, 16, 24)),
                                       starts=later if later.year == year else None,
                                       cost=rng.choice((0, 750_000, 1_500_000, 2_500_000))))
    for employee in upcoming_bulk:
        for cid in wanted(employee):
            code, course, _other = course_of(cid)
            item_rows.append(bulk_item(employee, year + 1, rules.PLANNED, code, course, cid, rng.choice((12, 16, 24)),
                                       cost=rng.choice((0, 1_000_000, 1_500_000, 3_000_000))))
    if item_rows:
        for start in range(0, len(item_rows), 2000):
            db.session.execute(insert(DevelopmentItem), item_rows[start:start + 2000])
    db.session.flush()
    return {"year": year, "plans": plans, "pegawai": pegawai, "waiting_rating": waiting_rating,
            "weak_office": result.units[WEAK_OFFICE], "weak": [by_code[c] for c in WEAK],
            "dialog_action": "Daftarkan pelatihan spreadsheet"}


def competency_name(dictionary: list[Competency], competency_id: int) -> str:
    return next((c.name for c in dictionary if c.id == competency_id), "")


def seed_scale_development(today: dt.date, *, seed: int = 12) -> dict:
    """Bulk data for benchmarks: the dictionary and activity types, a standard for every position (by its kind),
    a final competency assessment of the year for every active employee with a position, and an approved plan with
    two items (an e-learning done, a course approved) for each. Core bulk inserts: 20,000 employees take seconds."""
    from sqlalchemy import func

    from portal.org.models import PositionType

    rng = random.Random(seed)
    year = today.year
    competencies.ensure_dictionary()
    competencies.ensure_activity_types()
    db.session.flush()
    dictionary = [c for c in competencies.dictionary() if c.kind != rules.TEKNIS]
    types = {t.code: t.id for t in db.session.scalars(select(ActivityType))}
    now = utcnow()
    have = set(db.session.scalars(select(CompetencyStandard.position_id).distinct()))
    positions = db.session.execute(select(Position.id, PositionType.code).outerjoin(
        PositionType, PositionType.id == Position.position_type_id)).all()
    standard = {pid: LEVEL_BY_TYPE.get(code or "", 2) for pid, code in positions}
    rows = [{"position_id": pid, "competency_id": c.id, "required_level": level, "created_at": now,
             "updated_at": now} for pid, level in standard.items() if pid not in have for c in dictionary]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(CompetencyStandard), rows[start:start + 5000])
    assessed = set(db.session.scalars(select(CompetencyAssessment.employee_id).where(
        CompetencyAssessment.year == year)))
    people = [r for r in db.session.execute(select(Employee.id, Employee.position_id, Employee.superior_id)
                                            .where(Employee.active.is_(True), Employee.position_id.is_not(None)))
              if r.id not in assessed]
    next_id = {model: (db.session.scalar(select(func.max(model.id))) or 0) + 1
               for model in (CompetencyAssessment, DevelopmentPlan)}
    assessments, ratings, plans, items = [], [], [], []
    done_day = _in_year(today - dt.timedelta(days=30), year)
    for person in people:
        aid, pid = next_id[CompetencyAssessment], next_id[DevelopmentPlan]
        next_id[CompetencyAssessment] += 1
        next_id[DevelopmentPlan] += 1
        assessments.append({"id": aid, "employee_id": person.id, "year": year, "status": rules.ASSESSMENT_FINAL,
                            "assessor_id": person.superior_id, "position_id": person.position_id,
                            "finalised_at": now, "created_at": now, "updated_at": now, "version_id": 1})
        required = standard.get(person.position_id, 2)
        worst = None
        for c in dictionary:
            level = max(1, min(5, required + rng.choice((-2, -1, 0, 0, 0, 1))))
            ratings.append({"assessment_id": aid, "competency_id": c.id, "assessed_level": level,
                            "required_level": required, "gap": required - level})
            if worst is None or required - level > worst[1]:
                worst = (c.id, required - level)
        plans.append({"id": pid, "employee_id": person.id, "year": year, "status": rules.PLAN_APPROVED,
                      "assessor_id": person.superior_id, "submitted_at": now, "decided_at": now,
                      "decided_by_id": person.superior_id, "return_note": "", "created_at": now, "updated_at": now,
                      "version_id": 1})
        for code, status, jp in (("e_learning", rules.DONE, 10), ("pelatihan", rules.APPROVED, 16)):
            items.append({"plan_id": pid, "employee_id": person.id, "year": year,
                          "addresses": rules.ADDRESSES_COMPETENCY, "competency_id": worst[0], "gap_note": "",
                          "activity_type_id": types[code], "title": f"Kegiatan {code}", "provider": "BPSDM",
                          "planned_jp": jp, "status": status, "actual_jp": jp if status == rules.DONE else None,
                          "completed_on": done_day if status == rules.DONE else None, "note": "",
                          "created_at": now, "updated_at": now, "version_id": 1})
    for model, batch in ((CompetencyAssessment, assessments), (CompetencyRating, ratings),
                         (DevelopmentPlan, plans), (DevelopmentItem, items)):
        for start in range(0, len(batch), 5000):
            db.session.execute(insert(model), batch[start:start + 5000])
    db.session.flush()
    return {"assessments": len(assessments), "ratings": len(ratings), "plans": len(plans), "items": len(items)}
