"""The demo's monitoring, notifications and Suara Masyarakat (issue 14), so that the dashboards tell a story:

- Suara Masyarakat: the Dinas Kependudukan dan Pencatatan Sipil publishes "Layanan Administrasi Kependudukan"
  (KTP-el, Kartu Keluarga, Akta Kelahiran, Pindah Datang) and SD Negeri 1 Contoh its school services; twelve months
  of ratings (the counter's satisfaction rises after a queue system in the middle of the year), comments published by
  the head, one rejected because it names an officer, and some waiting for moderation (one of them with HTML in it,
  shown as text);
- notifications: what the demo's own steps wrote (SKP submitted and returned, feedback, 360 invitations, dialog
  proposals, documents to acknowledge, appeals ...) - read when older than a week, as people would have - and what
  ``flask send-reminders`` writes today (windows open, deadlines in three working days);
- a reminder from Admin BKPSDM on the dashboard to the staff of Puskesmas Sukamaju whose SKP is not approved yet, and
  a reminder to the Dinas Pendidikan staff whose self-assessment of the latest window is missing.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import insert, select, update

from portal.citizen import services as citizen_services
from portal.citizen.models import COMMENT_PENDING, CitizenFeedback
from portal.demo_cycle import REOPENED_UNIT, _at
from portal.extensions import db
from portal.notifications import services as notification_services
from portal.notifications.models import Notification

CITIZEN_COMMENTS = {
    "Dinas Kependudukan dan Pencatatan Sipil": [
        ("Antrean sekarang lebih tertib dengan nomor antrean daring. Terima kasih.", "KTP-el", 5, True),
        ("Petugas ramah, tapi blangko KTP-el sempat kosong dua minggu.", "KTP-el", 3, True),
        ("Akta kelahiran anak saya selesai di hari yang sama. Mantap!", "Akta Kelahiran", 5, True),
        ("Informasi persyaratan pindah datang di papan pengumuman kurang jelas.", "Pindah Datang", 3, True),
        ("Petugas loket 2 bernama Budi kasar sekali kepada ibu saya.", "Kartu Keluarga", 1, False),
        ("Ruang tunggu panas, kipas anginnya rusak.", "KTP-el", 2, None),
        ("Mohon loket khusus lansia dan disabilitas. <b>Penting</b> <script>alert(1)</script>", "Kartu Keluarga", 4,
         None),
        ("Pelayanan cepat, cukup 20 menit untuk perubahan data KK.", "Kartu Keluarga", 5, None),
    ],
    "Dinas Pendidikan/SD Negeri 1 Contoh": [
        ("Pendaftaran peserta didik baru sekarang bisa dari rumah, sangat membantu.", "Penerimaan peserta didik", 5,
         True),
        ("Surat keterangan pindah sekolah butuh tiga hari, semoga bisa lebih cepat.", "Administrasi siswa", 3, None),
        ("Guru-guru sangat komunikatif lewat grup orang tua.", "Administrasi siswa", 4, None),
    ],
}
SERVICE_TYPES = {
    "Dinas Kependudukan dan Pencatatan Sipil": ("Layanan Administrasi Kependudukan",
                                                "KTP-el\nKartu Keluarga\nAkta Kelahiran\nPindah Datang"),
    "Dinas Pendidikan/SD Negeri 1 Contoh": ("Layanan Sekolah", "Penerimaan peserta didik\nAdministrasi siswa"),
}


def _head_user(result, users: dict, unit) -> object | None:
    """The account of the head of ``unit`` (the demo's head positions)."""
    from portal.org.models import Employee, Position

    head = db.session.scalar(select(Employee).join(Position, Position.id == Employee.position_id)
                             .where(Position.unit_id == unit.id, Position.is_head.is_(True), Employee.active.is_(True))
                             .limit(1))
    return users.get(head.id) if head is not None else None


def _citizen(result, users: dict, today: dt.date, rng: random.Random) -> dict:
    admin = result.users["admin"]
    points = {}
    for key, (title, types) in SERVICE_TYPES.items():
        unit = result.units[key]
        point = citizen_services.create_point(admin, unit, title, types)
        points[key] = point
        kinds = point.service_types
        rows = []
        monthly = 40 if point.unit.parent_id is None else 12
        for back in range(365, 0, -1):
            day = today - dt.timedelta(days=back)
            if day.weekday() >= 5 or rng.random() > monthly / 22:
                continue
            improved = back < 150  # a queue system since about five months ago
            weights = (2, 4, 14, 45, 35) if improved else (6, 12, 30, 35, 17)
            rating = rng.choices((1, 2, 3, 4, 5), weights)[0]
            rows.append({"service_point_id": point.id, "unit_id": unit.id, "rating": rating,
                         "service_type": rng.choice(kinds), "comment": "", "comment_status": "",
                         "created_at": _at(day, rng.randint(8, 14))})
        if rows:
            db.session.execute(insert(CitizenFeedback), rows)
        moderator = _head_user(result, users, unit)
        for n, (text, kind, rating, publish) in enumerate(CITIZEN_COMMENTS[key]):
            day = today - dt.timedelta(days=3 + 17 * (len(CITIZEN_COMMENTS[key]) - n))
            feedback = CitizenFeedback(service_point_id=point.id, unit_id=unit.id, rating=rating, service_type=kind,
                                       comment=text, comment_status=COMMENT_PENDING, created_at=_at(day, 10))
            db.session.add(feedback)
            db.session.flush()
            if publish is not None and moderator is not None:
                citizen_services.moderate(moderator, feedback, publish, now=_at(day + dt.timedelta(days=1), 9))
    db.session.flush()
    return points


def load_demo_monitoring(result, cycle, users: dict, today: dt.date, *, seed: int = 14) -> dict:
    """See the module docstring. The caller commits."""
    from portal.core.timeutil import utcnow
    from portal.monitoring import services as monitoring_services

    rng = random.Random(seed)
    points = _citizen(result, users, today, rng)

    # What the demo's steps notified long ago has been read; what happened this last week is still new.
    week_ago = _at(today - dt.timedelta(days=7))
    db.session.execute(update(Notification).where(Notification.created_at < week_ago, Notification.read_at.is_(None))
                       .values(read_at=Notification.created_at).execution_options(synchronize_session=False))
    now = utcnow()
    collected = notification_services.collect_due(today, now=now)

    admin = result.users["admin"]
    reminders = {}
    ctx_planning = monitoring_services.Context(today, period=cycle.period, year=today.year)
    puskesmas = monitoring_services.Scope(monitoring_services.UNIT, result.units[REOPENED_UNIT])
    reminders["skp"] = monitoring_services.remind(admin, puskesmas, ctx_planning,
                                                  monitoring_services.METRICS["skp_draf"], today=today, now=now)
    latest = (cycle.evaluations or {}).get("latest")
    if latest is not None:
        ctx_window = monitoring_services.Context(today, period=latest.period, phase=latest, year=today.year,
                                                 threshold=monitoring_services.threshold_of(latest.period))
        education = monitoring_services.Scope(monitoring_services.UNIT, result.units["Dinas Pendidikan"])
        reminders["penilaian_diri"] = monitoring_services.remind(
            admin, education, ctx_window, monitoring_services.METRICS["diri_belum"], today=today, now=now)
    db.session.flush()
    return {"points": points, "collected": collected, "reminders": reminders}


# ---------------------------------------------------------------------------------------------------------
# Bulk data for benchmarks (make bench)


def seed_scale_monitoring(today: dt.date, *, seed: int = 14) -> dict:
    """For the dashboards at 20,000 employees (make bench; the evaluations come from the evaluation area's bulk
    seed): a public page with a year of ratings for every OPD, and three notifications per account. Core bulk
    inserts."""
    from portal.auth.models import User
    from portal.citizen.models import ServicePoint
    from portal.core.timeutil import utcnow
    from portal.org.models import Employee, Unit

    rng = random.Random(seed)
    now = utcnow()
    roots = list(db.session.scalars(select(Unit.id).where(Unit.parent_id.is_(None),
                                                         Unit.id.not_in(select(ServicePoint.unit_id)))))
    points = [{"unit_id": uid, "code": citizen_services.new_code(), "title": "Layanan publik", "service_types": [],
               "active": True, "created_at": now, "updated_at": now, "version_id": 1} for uid in roots]
    if points:
        db.session.execute(insert(ServicePoint), points)
    feedback = []
    for point_id, unit_id in db.session.execute(select(ServicePoint.id, ServicePoint.unit_id)):
        for _ in range(300):
            feedback.append({"service_point_id": point_id, "unit_id": unit_id, "rating": rng.randint(1, 5),
                             "service_type": "", "comment": "", "comment_status": "",
                             "created_at": now - dt.timedelta(days=rng.randint(0, 364), hours=rng.randint(0, 8))})
    for start in range(0, len(feedback), 5000):
        db.session.execute(insert(CitizenFeedback), feedback[start:start + 5000])
    notes = []
    for (employee_id,) in db.session.execute(select(Employee.id).join(User, User.employee_id == Employee.id)):
        for n in range(3):
            notes.append(notification_services.row(
                "jendela.dibuka", subject=f"bench:{n}", occasion="bench", params={"phase": "Bench", "until": ""},
                endpoint="main.dashboard", employee_id=employee_id, at=now - dt.timedelta(days=n)))
    for start in range(0, len(notes), 5000):
        db.session.execute(insert(Notification), notes[start:start + 5000])
    db.session.flush()
    return {"points": len(points), "ratings": len(feedback), "notifications": len(notes)}
