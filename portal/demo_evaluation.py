"""The demo's evaluations (issue 10), on the education office's team of kabid.dikdas, through the same services the
screens use, at simulated dates relative to the day the demo is loaded:

- an earlier closed window: every report finalised, signed and delivered (Capaian Kinerja Organisasi: Baik);
  `pegawai` acknowledged, appealed, the Kepala Dinas asked both sides and changed the rating (document version 2);
  another report acknowledged; a third appealed and waits for the Kepala Dinas's decision (past its deadline);
- the latest closed window (the 360 window): some ratings final and not yet delivered, one sent back by the Kepala
  Dinas in calibration, drafts left after the close (overdue: they wait in the Kepala Dinas's queue and on the
  BKPSDM overdue list); the window is reopened for the Kepala Seksi (see the 360 demo), so kabid.dikdas can run the
  whole path now: score, finalise, sign and deliver, and the Kepala Seksi can acknowledge and appeal.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal.demo_cycle import CycleResult, _at, _latest_closed_window
from portal.evaluation import appeals, rules
from portal.evaluation import services as evaluation_services
from portal.evaluation.models import APPEAL_CHANGED, UnitAchievement
from portal.extensions import db

NOTE = "Tim mencapai target triwulan; sebaran mengikuti capaian nyata."


def _windows(cycle: CycleResult, today: dt.date):
    from portal.assessment import common

    periods = [p for p in (cycle.previous, cycle.period) if p is not None]
    closed = sorted((w for p in periods for w in common.windows(p)
                     if w.kind == "evaluasi_periodik" and w.closes_on < today), key=lambda w: w.closes_on)
    return (closed[-2] if len(closed) > 1 else None), (closed[-1] if closed else None)


def load_demo_evaluations(result, cycle: CycleResult, users: dict, today: dt.date) -> dict:
    earlier, latest = _windows(cycle, today)
    if earlier is None or latest is None:
        return {}
    assert latest.id == _latest_closed_window([p for p in (cycle.previous, cycle.period) if p], today).id
    kadis = result.employees["kadis.pendidikan"]
    kabid = result.employees["kabid.dikdas"]
    pegawai = result.employees["pegawai"]
    kabid_user, kadis_user = users[kabid.id], users[kadis.id]
    team = sorted((e for e in kabid.subordinates if e.active), key=lambda e: (e.id != pegawai.id, e.id))
    kasi = cycle.feedback360.get("incomplete")
    opd = kadis.unit
    for window in (earlier, latest):
        db.session.add(UnitAchievement(unit_id=opd.id, phase_id=window.id, rating=rules.UNIT_BAIK,
                                       basis="Nilai SAKIP BB dan capaian IKU Dinas Pendidikan 93 %.",
                                       recorded_by_id=result.users["admin"].id))
    db.session.flush()

    ratings = [(rules.AS_EXPECTED, rules.AS_EXPECTED), (rules.ABOVE, rules.AS_EXPECTED),
               (rules.BELOW, rules.AS_EXPECTED), (rules.AS_EXPECTED, rules.ABOVE), (rules.ABOVE, rules.ABOVE)]

    def rate(employee, window, n, day, finalise=True):
        result_rating, behaviour_rating = ratings[n % len(ratings)]
        data = {"result_rating": result_rating, "behaviour_rating": behaviour_rating,
                "result_justification": "Sesuai realisasi dan bukti dukung triwulan ini.",
                "behaviour_justification": "Sesuai pengamatan dan masukan 360.",
                "note": "Pertahankan ketepatan waktu; ikuti pelatihan pengolahan data."}
        action = evaluation_services.finalise if finalise else evaluation_services.save_ratings
        kwargs = {"distribution_note": NOTE} if finalise else {}
        evaluation = action(kabid_user, employee, window, data, today=day, now=_at(day, 10), **kwargs)
        db.session.flush()
        return evaluation

    # The earlier window: everything delivered; acknowledgements and appeals.
    day = earlier.opens_on + dt.timedelta(days=2)
    done = {}
    for n, employee in enumerate(team):
        evaluation = rate(employee, earlier, n, day)
        evaluation_services.release(kabid_user, evaluation, today=day, now=_at(day, 11))
        db.session.flush()
        done[employee.id] = evaluation
    others = [e for e in team if e.id in done and e.id != pegawai.id]
    received = day + dt.timedelta(days=3)
    for employee in [pegawai, *others[:2]]:
        evaluation_services.acknowledge(users[employee.id], done[employee.id].current_document, today=received,
                                        now=_at(received, 8))
    db.session.flush()
    filed = received + dt.timedelta(days=2)
    appeal = appeals.file_appeal(
        users[pegawai.id], done[pegawai.id],
        "Realisasi dan bukti dukung bulan terakhir triwulan belum dipertimbangkan; laporan kegiatan sudah "
        "diunggah tepat waktu.", [], today=filed, now=_at(filed, 9))
    asked = appeals.request_statement(kadis_user, appeal, "penilai", "Apakah bukti bulan terakhir sudah dinilai?",
                                      now=_at(filed, 13))
    asked_employee = appeals.request_statement(kadis_user, appeal, "pegawai", "Sebutkan bukti yang dimaksud.",
                                               now=_at(filed, 13))
    appeals.answer_statement(kabid_user, asked, "Bukti diunggah setelah penilaian dibuat; isinya sah.",
                             now=_at(filed + dt.timedelta(days=1), 9))
    appeals.answer_statement(users[pegawai.id], asked_employee, "Laporan kegiatan dan daftar hadir pelatihan guru.",
                             now=_at(filed + dt.timedelta(days=1), 10))
    decided = filed + dt.timedelta(days=3)
    appeals.decide(kadis_user, appeal, APPEAL_CHANGED, "Bukti sah dan melampaui target; rating hasil kerja diubah.",
                   result_rating=rules.ABOVE, behaviour_rating=rules.AS_EXPECTED, today=decided,
                   now=_at(decided, 14))
    received_again = decided + dt.timedelta(days=1)
    evaluation_services.acknowledge(users[pegawai.id], done[pegawai.id].current_document, today=received_again,
                                    now=_at(received_again, 8))
    pending = None
    if len(others) >= 2:
        late = received + dt.timedelta(days=4)
        pending = appeals.file_appeal(users[others[1].id], done[others[1].id],
                                      "Rating perilaku kerja tidak sesuai masukan rekan kerja.", [], today=late,
                                      now=_at(late, 9))
        appeals.request_statement(kadis_user, pending, "penilai", "Apa dasar rating perilaku kerja ini?",
                                  now=_at(late, 14))
    db.session.flush()

    # The latest window: in progress and overdue.
    day = latest.opens_on + dt.timedelta(days=2)
    states = {}
    rest = [e for e in team if kasi is None or e.id != kasi.id]
    for n, employee in enumerate(rest):
        # every third is left as a draft: overdue after the close, in the Kepala Dinas's queue
        states[employee.id] = rate(employee, latest, n, day, finalise=n % 3 != 2)
    returned = next((e for e in states.values() if e.status == "final" and e.employee_id != pegawai.id), None)
    if returned is not None:
        evaluation_services.send_back(kadis_user, returned, "Bandingkan dengan capaian IKU bidang sebelum difinalkan.",
                                      now=_at(day + dt.timedelta(days=1), 9))
    db.session.flush()
    return {"earlier": earlier, "latest": latest, "appealed": done[pegawai.id], "pending_appeal": pending}


def seed_scale_evaluations(window_id: int, *, seed: int = 12) -> dict:
    """Bulk evaluations for benchmarks: every active employee with a superior gets a finalised (or released)
    evaluation in the window, with ratings drawn from a realistic spread; every top unit gets a Capaian Kinerja
    Organisasi. Core bulk inserts: 20,000 employees take seconds."""
    import random

    from sqlalchemy import insert

    from portal.core.timeutil import utcnow
    from portal.evaluation.models import Evaluation
    from portal.org.models import Employee, Unit

    rng = random.Random(seed)
    now = utcnow()
    spread = [(rules.AS_EXPECTED, rules.AS_EXPECTED)] * 6 + [(rules.ABOVE, rules.ABOVE)] * 2 + [
        (rules.ABOVE, rules.AS_EXPECTED), (rules.BELOW, rules.AS_EXPECTED)]
    rows = []
    for emp_id, unit_id, superior_id in db.session.execute(
            select(Employee.id, Employee.unit_id, Employee.superior_id).where(
                Employee.active.is_(True), Employee.superior_id.is_not(None))):
        result_rating, behaviour_rating = rng.choice(spread)
        rows.append({"employee_id": emp_id, "phase_id": window_id, "unit_id": unit_id, "assessor_id": superior_id,
                     "rated_by_id": superior_id, "by_superior": False,
                     "status": "diserahkan" if rng.random() < 0.5 else "final",
                     "result_rating": result_rating, "behaviour_rating": behaviour_rating,
                     "predikat": rules.derive_predikat(result_rating, behaviour_rating),
                     "result_justification": "", "behaviour_justification": "", "note": "",
                     "distribution_note": "", "return_note": "", "finalised_at": now, "created_at": now,
                     "updated_at": now, "version_id": 1})
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Evaluation), rows[start:start + 5000])
    top = db.session.scalars(select(Unit.id).where(Unit.parent_id.is_(None))).all()
    db.session.execute(insert(UnitAchievement), [
        {"unit_id": unit_id, "phase_id": window_id, "rating": rules.UNIT_BAIK, "basis": "SAKIP", "version_id": 1,
         "created_at": now, "updated_at": now} for unit_id in top])
    db.session.flush()
    return {"evaluations": len(rows)}
