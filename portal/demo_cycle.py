"""The demo regency's performance year: periods, SKPs in every state, realisation, evidence and feedback.

Built on ``portal.demo.load_demo`` and run by ``flask demo`` right after it. Everything goes through the same
services the screens use (with simulated dates), so the demo data obeys the same rules as real data:

- the current year (today's year) runs quarterly: every active employee with a Pejabat Penilai Kinerja has an SKP
  approved in January, linked to the superior's RHK (the Sekretaris Daerah's to the unit goals), with realisation
  and some evidence and feedback for every quarter that has ended;
- planning is reopened for Puskesmas Sukamaju (staff who moved there), whose SKPs show the other states: draft,
  submitted, returned with a note, and one still to be written; one BKPSDM employee has a revision in draft;
- last year's period holds the education office's demo team (approved SKPs, a year of realisation), so that the
  demo has a history and a closed evaluation window on any date;
- 360 input in the latest closed periodic window: a released result and a reopened window whose results wait;
- every demo employee can sign in with their NIP and ``DEMO_STAFF_PASSWORD``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlalchemy import select

from portal.auth.models import User
from portal.demo import DemoResult
from portal.extensions import db
from portal.org.models import Employee
from portal.periods import services as period_services
from portal.periods.models import FREQUENCY_QUARTERLY, PHASE_PLANNING, Period
from portal.progress import services as progress_services
from portal.skp import flow, goals
from portal.skp import services as skp_services
from portal.skp.models import RHK_TAMBAHAN, RHK_UTAMA, STATUS_APPROVED, Skp

DEMO_STAFF_PASSWORD = "contoh-2026"
REOPENED_UNIT = "Dinas Kesehatan/Puskesmas Sukamaju"
REVISION_UNIT = "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia/Bidang Mutasi dan Promosi"

UNIT_GOALS = {
    "Sekretariat Daerah": [
        "Meningkatnya kualitas tata kelola pemerintahan daerah",
        "Meningkatnya kualitas pelayanan publik perangkat daerah",
    ],
}

# RHK templates by unit kind: (RHK text, [(indicator, aspect, target number or None, unit or target text)]).
HEAD_RHK = [
    ("Meningkatnya kinerja {unit} sesuai rencana strategis", [
        ("Persentase program dan kegiatan {unit} yang terealisasi sesuai rencana", "kuantitas", 95, "persen"),
        ("Nilai evaluasi akuntabilitas kinerja {unit}", "kualitas", None, "Minimal predikat B"),
    ]),
    ("Meningkatnya kualitas layanan {unit} kepada masyarakat", [
        ("Indeks kepuasan masyarakat terhadap layanan {unit}", "kualitas", 85, "indeks"),
    ]),
]
STAFF_RHK = {
    "sekolah": [
        ("Terlaksananya pembelajaran yang berkualitas pada kelas yang diampu", [
            ("Persentase peserta didik yang mencapai kriteria ketercapaian tujuan pembelajaran", "kualitas", 80,
             "persen"),
            ("Jumlah perangkat ajar yang disusun tepat waktu", "waktu", 4, "dokumen"),
        ]),
    ],
    "puskesmas": [
        ("Meningkatnya cakupan pelayanan kesehatan di wilayah kerja puskesmas", [
            ("Persentase sasaran yang mendapat pelayanan sesuai standar", "kuantitas", 90, "persen"),
            ("Laporan pelayanan bulanan disampaikan tepat waktu", "waktu", 12, "laporan"),
        ]),
    ],
}
GENERIC_STAFF_RHK = [
    ("Terselesaikannya tugas {position} pada {unit} sesuai standar", [
        ("Jumlah dokumen/laporan {position} yang diselesaikan", "kuantitas", 12, "dokumen"),
        ("Persentase dokumen yang diterima tanpa revisi", "kualitas", 90, "persen"),
    ]),
    ("Tertibnya administrasi dan data pendukung {unit}", [
        ("Data pendukung {unit} diperbarui setiap bulan", "waktu", None, "Setiap bulan, paling lambat tanggal 10"),
    ]),
]
TAMBAHAN_RHK = ("Terlaksananya tugas tambahan sebagai anggota tim penyusun laporan kinerja {opd}", [
    ("Bahan laporan kinerja disampaikan kepada tim tepat waktu", "waktu", None, "Sesuai jadwal tim"),
])

# Ekspektasi Khusus Pimpinan the assessors write (two per SKP).
EXPECTATIONS = [
    ("berorientasi_pelayanan", "Menanggapi setiap permintaan layanan paling lambat satu hari kerja."),
    ("akuntabel", "Menyampaikan laporan kegiatan lengkap dengan bukti pada akhir setiap triwulan."),
    ("kompeten", "Mengikuti paling sedikit 20 JP pengembangan kompetensi tahun ini dan berbagi hasilnya di unit."),
    ("harmonis", "Membantu rekan kerja yang baru bergabung memahami tugas di unit."),
    ("adaptif", "Mengusulkan satu perbaikan cara kerja yang memanfaatkan aplikasi."),
    ("kolaboratif", "Berkoordinasi dengan bidang lain sebelum jadwal kegiatan ditetapkan."),
]

REALISATION_TEXTS = [
    "Tercapai sesuai rencana triwulan; dokumen pendukung terlampir.",
    "Sebagian besar tercapai; dua kegiatan bergeser ke triwulan berikutnya karena jadwal narasumber.",
    "Tercapai melebihi rencana berkat kerja sama dengan unit terkait.",
    "Tercapai; laporan telah diverifikasi atasan langsung.",
]
FEEDBACK_TEXTS = [
    "Capaian triwulan ini baik. Pertahankan ketepatan waktu pelaporan dan lengkapi bukti dukung.",
    "Terima kasih atas inisiatifnya. Untuk triwulan berikut, mohon koordinasi lebih awal dengan bidang lain.",
    "Hasil kerja sudah sesuai ekspektasi. Dokumentasikan kendala yang ditemui agar dapat dibahas bersama.",
]


@dataclass
class CycleResult:
    period: Period | None = None
    skps: dict[str, Skp] = field(default_factory=dict)  # by state label ("draft", "diajukan", …) and by key
    accounts_added: int = 0
    feedback360: dict = field(default_factory=dict)  # the 360 window and its complete/incomplete subjects
    previous: Period | None = None  # last year's period (the education office's demo team)
    evaluations: dict = field(default_factory=dict)  # the evaluation windows and the appealed evaluation
    dialog: dict = field(default_factory=dict)  # sessions in every state, coaching, a counselling referral
    development: dict = field(default_factory=dict)  # competency levels, development plans in every state
    monitoring: dict = field(default_factory=dict)  # Suara Masyarakat pages, notifications, dashboard reminders


class DemoActor:
    """Acts as an employee of the demo (their own account), for services that take an ``actor``."""


def _accounts(result: DemoResult) -> dict[int, User]:
    """Every active demo employee gets an account (login: NIP) sharing one password hash (hashed once)."""
    users = {u.employee_id: u for u in db.session.scalars(select(User).where(User.employee_id.is_not(None)))}
    template = User(username="_", must_change_password=False)
    template.set_password(DEMO_STAFF_PASSWORD)
    for employee in db.session.scalars(select(Employee).where(Employee.active.is_(True))):
        if employee.id not in users:
            user = User(username=employee.nip, employee=employee, password_hash=template.password_hash,
                        must_change_password=False)
            db.session.add(user)
            users[employee.id] = user
    db.session.flush()
    return users


def _hierarchy_order(employees: list[Employee]) -> list[Employee]:
    """Superiors before their reports, so that each SKP can link to its superior's RHK."""
    def depth(emp: Employee) -> int:
        d, current, seen = 0, emp.assessor, set()
        while current is not None and current.id not in seen:
            seen.add(current.id)
            d += 1
            current = current.assessor
        return d

    return sorted(employees, key=lambda e: (depth(e), e.id))


def _templates(employee: Employee) -> list[tuple[str, list]]:
    if employee.position is not None and employee.position.is_head:
        return HEAD_RHK
    return STAFF_RHK.get(employee.unit.kind, GENERIC_STAFF_RHK)


def _fill(text: str, employee: Employee, opd_name: str) -> str:
    return text.format(unit=employee.unit.name, position=employee.position.name if employee.position else "pegawai",
                       opd=opd_name)


def _write_skp(actor: User, employee: Employee, period: Period, opd_names: dict[int, str],
               superior_skps: dict[int, Skp], rng: random.Random) -> Skp:
    skp = skp_services.create_skp(actor, employee, period)
    opd_name = opd_names.get(employee.unit.opd_id, employee.unit.name)
    superior_skp = superior_skps.get(employee.assessor.id) if employee.assessor else None
    parents = [r for r in (superior_skp.result_plans if superior_skp else []) if r.kind == RHK_UTAMA]
    unit_goals = skp_services.unit_goal_choices(skp) if skp_services.uses_unit_goals(skp) else []
    for n, (text, indicators) in enumerate(_templates(employee)):
        data = {"kind": RHK_UTAMA, "text": _fill(text, employee, opd_name)}
        if parents:
            data["parent_id"] = parents[n % len(parents)].id
        elif unit_goals:
            data["unit_goal_id"] = unit_goals[n % len(unit_goals)].id
        rhk = skp_services.add_rhk(actor, skp, data, version=skp.version_id)
        db.session.flush()
        for ind_text, aspect, number, unit_or_text in indicators:
            values = {"text": _fill(ind_text, employee, opd_name), "aspect": aspect}
            if number is None:
                values["target_text"] = unit_or_text
            else:
                values["target_number"] = number
                values["target_unit"] = unit_or_text
            skp_services.add_indicator(actor, rhk, values, version=skp.version_id)
            db.session.flush()
    if rng.random() < 0.4:
        text, indicators = TAMBAHAN_RHK
        data = {"kind": RHK_TAMBAHAN, "text": _fill(text, employee, opd_name)}
        if parents:
            data["parent_id"] = parents[-1].id
        elif unit_goals:
            data["unit_goal_id"] = unit_goals[-1].id
        rhk = skp_services.add_rhk(actor, skp, data, version=skp.version_id)
        db.session.flush()
        ind_text, aspect, _number, target = indicators[0]
        skp_services.add_indicator(actor, rhk, {"text": ind_text, "aspect": aspect, "target_text": target},
                                   version=skp.version_id)
        db.session.flush()
    skp_services.save_lampiran(actor, skp, {
        "resources": "Akses aplikasi kepegawaian, ruang kerja dan perangkat komputer.",
        "reporting_scheme": "Laporan triwulanan kepada Pejabat Penilai Kinerja melalui portal.",
        "consequences": "Capaian menjadi dasar penilaian kinerja dan pemberian tunjangan kinerja.",
    }, version=skp.version_id)
    db.session.flush()
    return skp


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    # 09:00 in Jakarta is 02:00 UTC; the database keeps naive UTC.
    return dt.datetime.combine(day, dt.time(hour)) - dt.timedelta(hours=7)


def _quarters_done(year: int, today: dt.date) -> list[int]:
    if today.year > year:
        return [1, 2, 3, 4]
    if today.year < year:
        return []
    return list(range(1, (today.month - 1) // 3 + 1))


def _record_progress(users: dict[int, User], skp: Skp, period: Period, rng: random.Random,
                     today: dt.date) -> None:
    """Realisation per indicator for each finished quarter (on a day inside its evaluation window)."""
    owner = users[skp.employee_id]
    assessor_user = users.get(skp.assessor_id) if skp.assessor_id else None
    for quarter in _quarters_done(period.year, today):
        window = period_services.find_phase(period, "evaluasi_periodik", quarter)
        if window is None:
            continue
        day = window.opens_on + dt.timedelta(days=2)
        if day > today:
            continue
        for rhk in skp.result_plans:
            for indicator in rhk.indicators:
                number = None
                if indicator.target_number is not None:
                    target = float(indicator.target_number)
                    if indicator.target_unit in ("persen", "indeks"):  # a rate: measured each quarter
                        number = f"{min(100.0, target * rng.uniform(0.88, 1.06)):.0f}"
                    else:  # a count: this quarter's share of the yearly target
                        number = f"{max(1.0, target / 4 * rng.uniform(0.7, 1.3)):.0f}"
                realisation = progress_services.save_realisation(
                    owner, skp, indicator, quarter, text=rng.choice(REALISATION_TEXTS), number=number,
                    version="", today=day)
                db.session.flush()
                if rng.random() < 0.3:
                    progress_services.add_link_evidence(
                        owner, skp, indicator, quarter, url=f"https://arsip.kab-contoh.example/bukti/{realisation.id}",
                        title=f"Laporan triwulan {quarter}", today=day)
                    db.session.flush()
                if assessor_user is not None and rng.random() < 0.15:
                    progress_services.give_feedback(assessor_user, skp, text=rng.choice(FEEDBACK_TEXTS),
                                                    realisation_id=realisation.id, now=_at(day, 14))
                    db.session.flush()


def load_demo_cycle(result: DemoResult, today: dt.date, *, seed: int = 2026) -> CycleResult:
    """The current performance year of the demo regency (see the module docstring). The caller commits."""
    rng = random.Random(seed)
    cycle = CycleResult()
    admin = result.users["admin"]
    users = _accounts(result)
    cycle.accounts_added = len(users)
    year = today.year
    period = period_services.create_period(admin, year, None, FREQUENCY_QUARTERLY)
    cycle.period = period
    progress_services.seed_feedback_phrases(admin)
    planning = period_services.find_phase(period, PHASE_PLANNING)
    plan_day = min(planning.opens_on + dt.timedelta(days=7), today)
    decide_day = min(planning.opens_on + dt.timedelta(days=16), today)

    sekda = result.employees["sekda"]
    for text in UNIT_GOALS["Sekretariat Daerah"]:
        goals.add_goal(admin, sekda.unit, period, text)
    db.session.flush()

    reopened = result.units[REOPENED_UNIT]
    employees = [e for e in db.session.scalars(select(Employee).where(Employee.active.is_(True)))]
    opd_names = {u.id: u.name for u in result.units.values() if u.parent_id is None}
    late = [e for e in employees if e.unit_id == reopened.id and not (e.position and e.position.is_head)]
    # One report of the demo assessor (not the demo pegawai) joined late: their SKP waits for kabid.dikdas.
    waiting = next(e for e in sorted(employees, key=lambda e: e.id)
                   if e.superior_id == result.employees["kabid.dikdas"].id
                   and e.id != result.employees["pegawai"].id and not (e.position and e.position.is_head))
    late_ids = {e.id for e in late} | {waiting.id}
    superior_skps: dict[int, Skp] = {}
    for employee in _hierarchy_order([e for e in employees if e.id not in late_ids]):
        actor = users[employee.id]
        skp = _write_skp(actor, employee, period, opd_names, superior_skps, rng)
        superior_skps[employee.id] = skp
        if employee.assessor is None:
            continue  # the Sekretaris Daerah is rated by the regent, outside the portal: stays a draft
        flow.submit_skp(actor, skp, today=plan_day, now=_at(plan_day), version=skp.version_id)
        db.session.flush()
        assessor_user = users[employee.assessor.id]
        for code, text in rng.sample(EXPECTATIONS, 2):
            skp_services.save_expectation(assessor_user, skp, code, text, version=skp.version_id)
            db.session.flush()
        flow.approve_skp(assessor_user, skp, today=decide_day, now=_at(decide_day, 10), version=skp.version_id)
        db.session.flush()
    cycle.skps["disetujui"] = superior_skps[result.employees["pegawai"].id]

    # Realisation for the education office and BKPSDM (the demo logins' offices).
    progress_opds = {result.units["Dinas Pendidikan"].id,
                     result.units["Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"].id}
    for skp in superior_skps.values():
        if skp.status == STATUS_APPROVED and skp.employee.unit.opd_id in progress_opds:
            _record_progress(users, skp, period, rng, today)

    # The demo pegawai asks the assessor for feedback on the latest realisation.
    pegawai_skp = cycle.skps["disetujui"]
    progress_services.request_feedback(users[pegawai_skp.employee_id], pegawai_skp,
                                       asked_nip=pegawai_skp.employee.assessor.nip,
                                       message="Mohon masukan atas capaian triwulan terakhir saya.",
                                       now=_at(today, 8))

    # Puskesmas Sukamaju: planning reopened for the unit; its staff show the other states of the flow.
    if today > planning.closes_on:
        period_services.reopen_phase(admin, planning, today, today + dt.timedelta(days=30),
                                     "Pegawai mutasi ke Puskesmas Sukamaju: SKP disusun menyusul",
                                     unit=reopened)
        db.session.flush()
        period_services.reopen_phase(admin, planning, today, today + dt.timedelta(days=14),
                                     "Pegawai pindahan: SKP disusun menyusul", employee=waiting)
        db.session.flush()
    states = ["draft", "diajukan", "dikembalikan", "diajukan", "belum dibuat"]
    scenario = [(waiting, "diajukan")] + list(zip(sorted(late, key=lambda e: e.id), states * 3, strict=False))
    for employee, state in scenario:
        if state == "belum dibuat":
            continue
        actor = users[employee.id]
        skp = _write_skp(actor, employee, period, opd_names, superior_skps, rng)
        cycle.skps.setdefault(state, skp)
        if state in ("diajukan", "dikembalikan") and employee.assessor is not None:
            flow.submit_skp(actor, skp, today=today, now=_at(today, 8), version=skp.version_id)
            db.session.flush()
            if state == "dikembalikan":
                flow.return_skp(users[employee.assessor.id], skp,
                                "Indikator belum terukur: tambahkan target angka dan satuannya pada RHK pertama.",
                                today=today, now=_at(today, 11), version=skp.version_id)
                db.session.flush()

    # A revision in draft: new assignments in the Bidang Mutasi dan Promosi.
    for employee in employees:
        skp = superior_skps.get(employee.id)
        if (skp is not None and skp.status == STATUS_APPROVED and employee.unit_id == result.units[REVISION_UNIT].id
                and not (employee.position and employee.position.is_head)):
            revision = flow.revise_skp(users[employee.id], skp, "Penugasan baru sebagai tim seleksi terbuka JPT",
                                       today=today, now=_at(today, 9), version=skp.version_id)
            cycle.skps["revisi"] = revision
            break
    db.session.flush()
    from flask import current_app

    cycle.previous = load_previous_year(result, users, today, rng)
    db.session.flush()
    cycle.feedback360 = load_demo_360(result, cycle, users, today, current_app.config["SECRET_KEY"])
    db.session.flush()
    from portal.demo_evaluation import load_demo_evaluations

    cycle.evaluations = load_demo_evaluations(result, cycle, users, today)
    db.session.flush()
    from portal.demo_dialog import load_demo_dialog

    cycle.dialog = load_demo_dialog(result, cycle, users, today)
    db.session.flush()
    from portal.demo_development import load_demo_development

    cycle.development = load_demo_development(result, cycle, users, today)
    db.session.flush()
    from portal.demo_monitoring import load_demo_monitoring

    cycle.monitoring = load_demo_monitoring(result, cycle, users, today)
    return cycle


def seed_scale_cycle(today: dt.date, *, quarters: int = 2) -> dict:
    """Bulk data for benchmarks: a period of ``today``'s year (if missing) and an approved SKP for every active
    employee without one (2 RHK Utama linked to the superior's first RHK, 2 indicators each), with realisation
    for the first ``quarters`` quarters. Core bulk inserts with explicit ids: 20,000 employees take seconds."""
    from sqlalchemy import func, insert, text

    from portal.progress.models import Realisation
    from portal.skp.berakhlak import CODES
    from portal.skp.models import BehaviourExpectation, Indicator, ResultPlan

    period = period_services.period_for_year(today.year)
    if period is None:
        period = period_services.create_period(None, today.year, None, FREQUENCY_QUARTERLY)
        db.session.flush()
    have = set(db.session.scalars(select(Skp.employee_id).where(Skp.period_id == period.id)))
    rows = db.session.execute(
        select(Employee.id, Employee.superior_id, Employee.assessor_id, Employee.unit_id)
        .where(Employee.active.is_(True))
    ).all()
    todo = [r for r in rows if r.id not in have]
    by_id = {r.id: r for r in todo}

    def depth(emp_id: int) -> int:
        d, current, seen = 0, by_id.get(emp_id), set()
        while current is not None and current.superior_id in by_id and current.id not in seen:
            seen.add(current.id)
            d += 1
            current = by_id.get(current.superior_id)
        return d

    todo.sort(key=lambda r: (depth(r.id), r.id))
    next_id = {model: (db.session.scalar(select(func.max(model.id))) or 0) + 1
               for model in (Skp, ResultPlan, Indicator, BehaviourExpectation, Realisation)}
    approved_at = _at(dt.date(today.year, 1, 20))
    skps, plans, indicators, expectations, realisations = [], [], [], [], []
    first_rhk: dict[int, int] = {}
    for row in todo:
        skp_id = next_id[Skp]
        next_id[Skp] += 1
        skps.append({"id": skp_id, "period_id": period.id, "employee_id": row.id, "number": 1, "is_current": True,
                     "status": STATUS_APPROVED, "assessor_id": row.assessor_id or row.superior_id,
                     "unit_id": row.unit_id, "resources": "", "reporting_scheme": "", "consequences": "",
                     "submitted_at": approved_at, "decided_at": approved_at, "version_id": 1,
                     "created_at": approved_at, "updated_at": approved_at})
        for code in CODES:
            expectations.append({"id": next_id[BehaviourExpectation], "skp_id": skp_id, "value_code": code,
                                 "text": "", "created_at": approved_at, "updated_at": approved_at})
            next_id[BehaviourExpectation] += 1
        for n in range(2):
            rhk_id = next_id[ResultPlan]
            next_id[ResultPlan] += 1
            first_rhk.setdefault(row.id, rhk_id)
            plans.append({"id": rhk_id, "skp_id": skp_id, "kind": RHK_UTAMA, "position": n,
                          "text": f"Rencana hasil kerja {n + 1} pegawai {row.id}",
                          "parent_id": first_rhk.get(row.superior_id), "created_at": approved_at,
                          "updated_at": approved_at})
            for m in range(2):
                ind_id = next_id[Indicator]
                next_id[Indicator] += 1
                indicators.append({"id": ind_id, "result_plan_id": rhk_id, "text": f"Indikator {m + 1}",
                                   "aspect": "kuantitas", "target_text": "", "target_number": 12,
                                   "target_unit": "dokumen", "position": m, "created_at": approved_at,
                                   "updated_at": approved_at})
                for quarter in range(1, quarters + 1):
                    realisations.append({"id": next_id[Realisation], "indicator_id": ind_id, "sub_period": quarter,
                                         "text": "Tercapai sesuai rencana", "number": 3, "version_id": 1,
                                         "created_at": approved_at, "updated_at": approved_at})
                    next_id[Realisation] += 1
    for model, batch in ((Skp, skps), (BehaviourExpectation, expectations), (ResultPlan, plans),
                         (Indicator, indicators), (Realisation, realisations)):
        for start in range(0, len(batch), 5000):
            db.session.execute(insert(model), batch[start:start + 5000])
        if batch and db.session.get_bind().dialect.name == "postgresql":
            # Explicit ids leave PostgreSQL's sequence behind: the next ordinary insert would reuse an id.
            table = model.__tablename__
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT max(id) FROM {table}))"))
    db.session.flush()
    return {"period_id": period.id, "skps": len(skps), "realisations": len(realisations)}


# -- 360 input (issue 4) -------------------------------------------------------------------------------------

KEEP_COMMENTS = [
    "Selalu siap membantu rekan yang kesulitan memakai aplikasi.",
    "Laporan yang disusun rapi dan tepat waktu.",
    "Ramah kepada tamu dan sekolah yang datang berkonsultasi.",
    "Terbuka menerima masukan dan cepat memperbaikinya.",
]
IMPROVE_COMMENTS = [
    "Lebih berani menyampaikan pendapat dalam rapat bidang.",
    "Membagi jadwal kerja agar tidak menumpuk di akhir triwulan.",
    "Mendokumentasikan cara kerja supaya bisa dipelajari rekan lain.",
    "Lebih sering berkoordinasi dengan seksi lain sebelum kegiatan.",
]


def _answers(rng: random.Random, item_ids: list[int], keep: str = "", improve: str = "") -> dict:
    scores = {str(i): ("na" if rng.random() < 0.08 else rng.choice((3, 4, 4, 4, 5, 5))) for i in item_ids}
    return {"scores": scores, "keep": keep, "improve": improve}


def load_previous_year(result: DemoResult, users: dict[int, User], today: dt.date, rng: random.Random) -> Period:
    """Last year's period for the education office's demo team (the Kepala Dinas, kabid.dikdas and the Bidang
    Pembinaan SD): SKPs approved in last January and a year of realisation. It gives the demo a history, and a
    closed evaluation window with 360 input whatever the date the demo is loaded on (between January and
    mid-April no window of the current year has closed yet)."""
    admin = result.users["admin"]
    period = period_services.create_period(admin, today.year - 1, None, FREQUENCY_QUARTERLY)
    planning = period_services.find_phase(period, PHASE_PLANNING)
    plan_day, decide_day = planning.opens_on + dt.timedelta(days=7), planning.opens_on + dt.timedelta(days=16)
    kabid = result.employees["kabid.dikdas"]
    team = [result.employees["kadis.pendidikan"], kabid,
            *sorted((e for e in kabid.subordinates if e.active), key=lambda e: e.id)]
    opd_names = {u.id: u.name for u in result.units.values() if u.parent_id is None}
    skps: dict[int, Skp] = {}
    for employee in _hierarchy_order(team):
        actor = users[employee.id]
        skp = _write_skp(actor, employee, period, opd_names, skps, rng)
        skps[employee.id] = skp
        flow.submit_skp(actor, skp, today=plan_day, now=_at(plan_day), version=skp.version_id)
        db.session.flush()
        flow.approve_skp(users[employee.assessor.id], skp, today=decide_day, now=_at(decide_day, 10),
                         version=skp.version_id)
        db.session.flush()
    for skp in skps.values():
        _record_progress(users, skp, period, rng, today)
    return period


def _latest_closed_window(periods: list[Period], today: dt.date):
    from portal.assessment import common

    closed = [w for period in periods for w in common.windows(period)
              if w.kind == "evaluasi_periodik" and w.closes_on < today]
    return max(closed, key=lambda w: w.closes_on, default=None)


def load_demo_360(result: DemoResult, cycle: CycleResult, users: dict[int, User], today: dt.date,
                  secret: str, *, seed: int = 360) -> dict:
    """The latest periodic window that has closed (this year's, or last year's before mid-April): `pegawai` has a
    complete 360 (self-assessment, six raters of whom one declined and was replaced, the assessor's input),
    released when the window closed. A Kepala Seksi has an incomplete one (one answer, one decline, two open
    requests, one of them pegawai's); the window is reopened for them, so their results wait for it to close and
    `pegawai` has an open questionnaire to try."""
    from portal.assessment import common, nomination_services, rater_services, release, results_services, self_services
    from portal.assessment.models import GROUP_OTHER, GROUP_PEER
    from portal.assessment.rater_services import NOT_APPLICABLE

    rng = random.Random(seed)
    window = _latest_closed_window([p for p in (cycle.previous, cycle.period) if p is not None], today)
    if window is None:
        return {}
    period = window.period
    day = window.opens_on + dt.timedelta(days=1)
    items = common.ensure_items(period)
    item_ids = [item.id for item in items]
    kabid = result.employees["kabid.dikdas"]
    kabid_user = users[kabid.id]
    pegawai = result.employees["pegawai"]
    reports = sorted((e for e in kabid.subordinates if e.active and e.id != pegawai.id), key=lambda e: e.id)
    kasi = next(e for e in reports if e.position and e.position.is_head)
    others_pool = sorted(
        (e for e in db.session.scalars(select(Employee).where(Employee.active.is_(True)))
         if e.unit.opd_id == pegawai.unit.opd_id and e.superior_id not in (kabid.id, None)
         and e.id not in {pegawai.id, kabid.id} and not (e.position and e.position.is_head)),
        key=lambda e: e.id)

    def answer(nomination, keep: str = "", improve: str = "", when: dt.date = day) -> None:
        raw = _answers(rng, item_ids, keep, improve)
        raw["scores"] = {k: (NOT_APPLICABLE if v == "na" else v) for k, v in raw["scores"].items()}
        rater_services.submit_answers(secret, nomination, raw, item_ids, when)
        db.session.flush()

    # Complete: pegawai. Three peers and three others, sent at once; one peer declines and is replaced.
    peers = reports[:3]
    nominations = [nomination_services.nominate(kabid_user, pegawai, window, p, GROUP_PEER, day) for p in peers]
    nominations += [nomination_services.nominate(kabid_user, pegawai, window, o, GROUP_OTHER, day)
                    for o in others_pool[:3]]
    nomination_services.send_invitations(kabid_user, pegawai, window, day)
    db.session.flush()
    declined = nominations[2]
    rater_services.decline_nomination(users[declined.rater_id], secret, declined,
                                      "Sedang tugas belajar di luar daerah selama masa evaluasi.")
    replacement = nomination_services.replace(kabid_user, declined, others_pool[3], day)
    db.session.flush()
    nomination_services.remind(kabid_user, pegawai, window, _at(day + dt.timedelta(days=1), 8),
                               day + dt.timedelta(days=1))
    for n, nomination in enumerate(n for n in nominations if n.id != declined.id):
        answer(nomination, KEEP_COMMENTS[n % 4], IMPROVE_COMMENTS[n % 4] if n % 2 else "")
    answer(replacement, KEEP_COMMENTS[3], IMPROVE_COMMENTS[0])
    sa = self_services.start_self_assessment(users[pegawai.id], pegawai, window, day)
    db.session.flush()
    sheet_results = {r.result_plan_id: {"summary": r.summary or "Sesuai realisasi triwulan.",
                                        "rating": "sesuai", "justification": "Target triwulan tercapai."}
                     for r in sa.result_ratings}
    behaviours = {r.item_id: {"score": rng.choice((4, 4, 5))} for r in sa.behaviour_ratings}
    self_services.save_draft(users[pegawai.id], sa, {
        "achievements": "Seluruh laporan triwulan selesai tepat waktu.",
        "obstacles": "Jaringan internet kantor sering terputus.",
        "support_needed": "Pelatihan pengolahan data dengan spreadsheet.",
        "results": sheet_results, "behaviours": behaviours,
    }, version=sa.version_id, today=day, now=_at(day, 10))
    db.session.flush()
    self_services.submit_self_assessment(users[pegawai.id], sa, today=day, now=_at(day, 11), version=sa.version_id)
    results_services.save_assessor_input(
        pegawai, window, actor=kabid_user,
        scores={i: rng.choice((3, 4, 4, 5)) for i in item_ids},
        comment_keep="Teliti dan dapat diandalkan dalam administrasi bidang.",
        comment_improve="Perlu lebih aktif mengusulkan perbaikan layanan.",
        submit=True, today=day, now=_at(day, 15))
    db.session.flush()
    # Released the day after the window closed (what the first visit after the close does).
    release.release_results(pegawai, window, window.closes_on + dt.timedelta(days=1))
    db.session.flush()

    # Incomplete: the Kepala Seksi; the window is reopened for them so that pegawai's request is still open.
    kasi_peers = [e for e in reports if e.id != kasi.id][:3] + [pegawai]
    kasi_nominations = [nomination_services.nominate(kabid_user, kasi, window, p, GROUP_PEER, day)
                        for p in kasi_peers]
    nomination_services.send_invitations(kabid_user, kasi, window, day)
    db.session.flush()
    answer(kasi_nominations[0], KEEP_COMMENTS[1], IMPROVE_COMMENTS[2])
    rater_services.decline_nomination(users[kasi_nominations[1].rater_id], secret, kasi_nominations[1],
                                      "Belum cukup lama bekerja sama dengan yang bersangkutan.")
    period_services.reopen_phase(result.users["admin"], window, today, today + dt.timedelta(days=7),
                                 "Penilaian 360 belum lengkap: masa evaluasi diperpanjang", employee=kasi)
    db.session.flush()
    return {"window": window, "complete": pegawai, "incomplete": kasi}


def seed_scale_360(period_id: int, *, peers: int = 4) -> dict:
    """Bulk 360 data for benchmarks in the period's first periodic window: every active employee who has a
    superior gets up to ``peers`` invited peers (others with the same superior) and a peer bucket of 3 answers."""
    import secrets
    from collections import defaultdict

    from sqlalchemy import insert

    from portal.assessment import common, rules
    from portal.assessment.models import FeedbackBucket, RaterNomination
    from portal.periods.models import PeriodPhase

    period = db.session.get(Period, period_id)
    window = next(w for w in common.windows(period) if w.kind == "evaluasi_periodik")
    item_ids = [item.id for item in common.ensure_items(period)]
    team: dict[int, list[int]] = defaultdict(list)
    for emp_id, superior_id in db.session.execute(
            select(Employee.id, Employee.superior_id).where(Employee.active.is_(True),
                                                            Employee.superior_id.is_not(None))):
        team[superior_id].append(emp_id)
    histogram: dict = {}
    for score in (3, 4, 5):
        histogram = rules.add_answer(histogram, dict.fromkeys(item_ids, score))
    nominations, buckets = [], []
    now = _at(window.opens_on)
    for members in team.values():
        for subject in members:
            raters = [m for m in members if m != subject][:peers]
            for rater in raters:
                nominations.append({"subject_id": subject, "phase_id": window.id, "rater_id": rater,
                                    "group": "rekan", "status": "diundang", "decline_reason": "",
                                    "due_on": window.closes_on, "created_at": now, "updated_at": now})
            if len(raters) >= 3:
                buckets.append({"id": secrets.token_hex(16), "subject_id": subject, "phase_id": window.id,
                                "bucket": "rekan", "responses": 3, "histogram": histogram,
                                "comments_keep": ["Teliti."], "comments_improve": ["Lebih proaktif."]})
    for model, rows in ((RaterNomination, nominations), (FeedbackBucket, buckets)):
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(model), rows[start:start + 5000])
    db.session.flush()
    assert isinstance(window, PeriodPhase)
    return {"window_id": window.id, "nominations": len(nominations), "buckets": len(buckets)}
