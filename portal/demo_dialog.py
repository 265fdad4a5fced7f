"""The demo's dialog kinerja, coaching and counselling (issue 11), on kabid.dikdas's team, through the services at
simulated times relative to the day the demo is loaded:

- `pegawai`: a session six weeks ago, held and confirmed (points discussed and one left open, live notes, the
  assessor's private note, two actions - one done, one open and overdue); a session two weeks ago closed by the
  assessor and waiting for pegawai's confirmation; a session in three days, scheduled, with the open point carried
  over and a point pegawai added;
- another report proposed a session that waits for kabid.dikdas; another one was cancelled;
- coaching: a mentoring for the report rated Butuh Perbaikan (running, one meeting) and a finished coaching;
- counselling: a BKPSDM employee is a counsellor; one report is referred (in progress, with notes only the
  counsellor and that employee can read).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal.demo_cycle import _at
from portal.dialog import rules
from portal.dialog import services as dialog_services
from portal.extensions import db
from portal.org.models import Employee, Unit


def load_demo_dialog(result, cycle, users: dict, today: dt.date) -> dict:
    kabid = result.employees["kabid.dikdas"]
    pegawai = result.employees["pegawai"]
    kabid_user, pegawai_user = users[kabid.id], users[pegawai.id]
    others = sorted((e for e in kabid.subordinates if e.active and e.id != pegawai.id), key=lambda e: e.id)

    def session(employee, when: dt.date, hour: int, proposer, *, kind=rules.KIND_CHECKIN, place="Ruang rapat bidang"):
        moment = _at(when, hour)
        return dialog_services.propose(proposer, employee, starts_at=moment, duration=60, place=place, link="",
                                       kind=kind, message="", now=moment - dt.timedelta(days=3))

    # Six weeks ago: held and confirmed.
    past = today - dt.timedelta(days=42)
    first = session(pegawai, past, 9, kabid_user)
    dialog_services.accept(pegawai_user, first, now=_at(past - dt.timedelta(days=2), 8))
    done_point = dialog_services.add_point(pegawai_user, first, "Beban kerja pengelolaan data sekolah")
    dialog_services.add_point(kabid_user, first, "Rencana pelatihan pengolahan data")
    dialog_services.set_discussed(kabid_user, done_point, True)
    dialog_services.save_notes(kabid_user, first, "Data sekolah menumpuk di akhir bulan; disepakati jadwal mingguan.",
                               now=_at(past, 10))
    dialog_services.save_private_note(kabid_user, first, "Perlu dukungan; pertimbangkan mentoring oleh rekan senior.")
    finished = dialog_services.add_action(kabid_user, first, "Susun jadwal mingguan pengolahan data", rules.EMPLOYEE,
                                          past + dt.timedelta(days=7), today=past)
    dialog_services.add_action(kabid_user, first, "Daftarkan pelatihan spreadsheet", rules.ASSESSOR,
                               past + dt.timedelta(days=14), today=past)
    dialog_services.close(kabid_user, first, now=_at(past, 11))
    dialog_services.confirm(pegawai_user, first, "Sepakat.", now=_at(past + dt.timedelta(days=1), 8))
    dialog_services.update_action(pegawai_user, finished, rules.ACTION_DONE, now=_at(past + dt.timedelta(days=6), 9))

    # Two weeks ago: closed, waiting for pegawai's confirmation.
    recent = today - dt.timedelta(days=14)
    second = session(pegawai, recent, 13, pegawai_user, place="Ruang Kepala Bidang")
    dialog_services.accept(kabid_user, second, now=_at(recent - dt.timedelta(days=1), 8))
    dialog_services.save_notes(kabid_user, second, "Jadwal mingguan berjalan; pelatihan belum terdaftar.",
                               now=_at(recent, 14))
    dialog_services.close(kabid_user, second, now=_at(recent, 14))

    # In three days: scheduled, with the point carried over from the first session.
    upcoming = today + dt.timedelta(days=3)
    third = session(pegawai, upcoming, 10, kabid_user)
    dialog_services.accept(pegawai_user, third, now=_at(today, 8))
    dialog_services.add_point(pegawai_user, third, "Target triwulan IV dan dukungan yang diperlukan")

    proposed = cancelled = None
    if others:
        proposed = session(others[0], today + dt.timedelta(days=5), 9, users[others[0].id])
    if len(others) > 1:
        cancelled = session(others[1], today + dt.timedelta(days=2), 15, kabid_user)
        dialog_services.cancel(kabid_user, cancelled, "Bertabrakan dengan rapat dinas.", now=_at(today, 7))

    # Coaching for the report rated Butuh Perbaikan, and a finished one.
    from portal.evaluation.models import Evaluation

    weak = db.session.scalar(select(Evaluation.employee_id).where(
        Evaluation.assessor_id == kabid.id, Evaluation.predikat.in_(("butuh_perbaikan", "kurang", "sangat_kurang")))
        .limit(1))
    coach = next((e for e in others if e.id != weak), pegawai)
    weak_employee = db.session.get(Employee, weak) if weak else (others[0] if others else None)
    if weak_employee is not None:
        running = dialog_services.start_coaching(kabid_user, weak_employee, coach, kind=rules.MENTORING,
                                                 goal="Menyelesaikan RHK utama tepat waktu dengan jadwal kerja "
                                                      "mingguan.", value_code="kompeten")
        dialog_services.add_meeting(users[coach.id], running, today - dt.timedelta(days=10),
                                    "Membahas jadwal kerja dan hambatan pengumpulan data.", today)
    closed = dialog_services.start_coaching(kabid_user, pegawai, coach if coach.id != pegawai.id else kabid,
                                            kind=rules.COACHING, goal="Menguasai pengolahan data dengan spreadsheet.")
    dialog_services.add_meeting(kabid_user, closed, today - dt.timedelta(days=30), "Latihan rumus dasar.", today)
    dialog_services.close_coaching(kabid_user, closed, "Laporan bulanan kini disusun sendiri.")

    # Counselling: a BKPSDM employee is the counsellor; one report is referred.
    bkpsdm = result.units.get("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia")
    counsellor = None
    if bkpsdm is not None:
        counsellor = db.session.scalar(
            select(Employee).join(Unit, Unit.id == Employee.unit_id)
            .where(Unit.path.startswith(bkpsdm.path), Employee.active.is_(True)).order_by(Employee.id).offset(2)
            .limit(1))
    referral = None
    if counsellor is not None and others:
        dialog_services.grant_counsellor(result.users["admin"], counsellor, True, _at(today - dt.timedelta(days=60)))
        client = others[-1]
        referral = dialog_services.refer(kabid_user, client, counsellor,
                                         "Sering terlambat dan tampak tertekan; mohon pendampingan.")
        dialog_services.add_counselling_note(users[counsellor.id], referral,
                                             "Pertemuan pertama: menyepakati jadwal konseling dua minggu sekali.",
                                             _at(today - dt.timedelta(days=5), 10))
    db.session.flush()
    return {"confirmed": first, "to_confirm": second, "scheduled": third, "proposed": proposed,
            "cancelled": cancelled, "referral": referral, "counsellor": counsellor}


def seed_scale_dialog(today: dt.date, *, seed: int = 13) -> dict:
    """Bulk dialog sessions for benchmarks: a held session last month and a scheduled one next week for every
    active employee with a superior, and an open action on each held session (half of them overdue)."""
    import random

    from sqlalchemy import func, insert

    from portal.core.timeutil import utcnow
    from portal.dialog.models import DialogAction, DialogSession

    rng = random.Random(seed)
    now = utcnow()
    pairs = db.session.execute(select(Employee.id, Employee.superior_id).where(
        Employee.active.is_(True), Employee.superior_id.is_not(None))).all()
    start_id = (db.session.scalar(select(func.max(DialogSession.id))) or 0) + 1
    sessions, actions = [], []
    for n, (emp_id, superior_id) in enumerate(pairs):
        held_id, next_id = start_id + 2 * n, start_id + 2 * n + 1
        for sid, when, status in ((held_id, now - dt.timedelta(days=30), rules.CONFIRMED),
                                  (next_id, now + dt.timedelta(days=7), rules.SCHEDULED)):
            sessions.append({"id": sid, "employee_id": emp_id, "assessor_id": superior_id, "kind": rules.KIND_CHECKIN,
                             "status": status, "proposed_by": rules.ASSESSOR, "starts_at": when,
                             "duration_minutes": 60, "place": "Ruang rapat", "link": "", "message": "", "notes": "",
                             "private_note": "", "employee_comment": "", "cancel_reason": "", "created_at": now,
                             "updated_at": now, "version_id": 1})
        actions.append({"session_id": held_id, "text": "Tindak lanjut uji", "owner_id": emp_id,
                        "due_on": today - dt.timedelta(days=3) if rng.random() < 0.5 else today + dt.timedelta(days=9),
                        "status": rules.ACTION_OPEN, "created_at": now, "updated_at": now})
    for model, rows in ((DialogSession, sessions), (DialogAction, actions)):
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(model), rows[start:start + 5000])
    db.session.flush()
    return {"sessions": len(sessions)}
