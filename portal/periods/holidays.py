"""Seed data for the working-day calendar: national holidays (libur nasional) and cuti bersama.

ADMIN BKPSDM MUST CHECK THESE DATES AGAINST THE SKB 3 MENTERI EVERY YEAR (Menteri Agama, Menteri
Ketenagakerjaan, Menteri PANRB) and correct them on the "Kalender Kerja" page (/kalender): the government may
add, move or cancel days (e.g. after an isbat for Idul Fitri), and a seed is only a starting point.

- 2026: SKB Nomor 1497 Tahun 2025, Nomor 2 Tahun 2025, Nomor 5 Tahun 2025 (17 libur nasional, 8 cuti bersama).
- 2027: NO SKB was known when this list was written. The fixed-date holidays are certain; the religious
  holidays that follow the lunar / lunisolar calendars are ESTIMATES, and no cuti bersama are seeded. Replace
  them with the SKB for 2027 when it is published.

``seed_holidays(year)`` is idempotent: it only adds dates that are not in the calendar yet, and never changes or
removes what the admin entered.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.core.audit import record
from portal.extensions import db
from portal.periods.models import HOLIDAY_CUTI_BERSAMA, HOLIDAY_NATIONAL, Holiday

N, C = HOLIDAY_NATIONAL, HOLIDAY_CUTI_BERSAMA
D = dt.date

HOLIDAYS: dict[int, list[tuple[dt.date, str, str]]] = {
    2026: [
        (D(2026, 1, 1), "Tahun Baru 2026 Masehi", N),
        (D(2026, 1, 16), "Isra Mikraj Nabi Muhammad S.A.W.", N),
        (D(2026, 2, 16), "Cuti Bersama Tahun Baru Imlek 2577 Kongzili", C),
        (D(2026, 2, 17), "Tahun Baru Imlek 2577 Kongzili", N),
        (D(2026, 3, 18), "Cuti Bersama Hari Suci Nyepi (Tahun Baru Saka 1948)", C),
        (D(2026, 3, 19), "Hari Suci Nyepi (Tahun Baru Saka 1948)", N),
        (D(2026, 3, 20), "Cuti Bersama Idul Fitri 1447 Hijriah", C),
        (D(2026, 3, 21), "Idul Fitri 1447 Hijriah", N),
        (D(2026, 3, 22), "Idul Fitri 1447 Hijriah", N),
        (D(2026, 3, 23), "Cuti Bersama Idul Fitri 1447 Hijriah", C),
        (D(2026, 3, 24), "Cuti Bersama Idul Fitri 1447 Hijriah", C),
        (D(2026, 4, 3), "Wafat Yesus Kristus", N),
        (D(2026, 4, 5), "Kebangkitan Yesus Kristus (Paskah)", N),
        (D(2026, 5, 1), "Hari Buruh Internasional", N),
        (D(2026, 5, 14), "Kenaikan Yesus Kristus", N),
        (D(2026, 5, 15), "Cuti Bersama Kenaikan Yesus Kristus", C),
        (D(2026, 5, 27), "Idul Adha 1447 Hijriah", N),
        (D(2026, 5, 28), "Cuti Bersama Idul Adha 1447 Hijriah", C),
        (D(2026, 5, 31), "Hari Raya Waisak 2570 BE", N),
        (D(2026, 6, 1), "Hari Lahir Pancasila", N),
        (D(2026, 6, 16), "1 Muharam Tahun Baru Islam 1448 Hijriah", N),
        (D(2026, 8, 17), "Proklamasi Kemerdekaan", N),
        (D(2026, 8, 25), "Maulid Nabi Muhammad S.A.W.", N),
        (D(2026, 12, 24), "Cuti Bersama Kelahiran Yesus Kristus", C),
        (D(2026, 12, 25), "Kelahiran Yesus Kristus", N),
    ],
    # Estimates (see the module docstring): check against the SKB for 2027.
    2027: [
        (D(2027, 1, 1), "Tahun Baru 2027 Masehi", N),
        (D(2027, 1, 5), "Isra Mikraj Nabi Muhammad S.A.W. (perkiraan)", N),
        (D(2027, 2, 6), "Tahun Baru Imlek 2578 Kongzili (perkiraan)", N),
        (D(2027, 3, 9), "Hari Suci Nyepi (Tahun Baru Saka 1949) (perkiraan)", N),
        (D(2027, 3, 10), "Idul Fitri 1448 Hijriah (perkiraan)", N),
        (D(2027, 3, 11), "Idul Fitri 1448 Hijriah (perkiraan)", N),
        (D(2027, 3, 26), "Wafat Yesus Kristus", N),
        (D(2027, 3, 28), "Kebangkitan Yesus Kristus (Paskah)", N),
        (D(2027, 5, 1), "Hari Buruh Internasional", N),
        (D(2027, 5, 6), "Kenaikan Yesus Kristus", N),
        (D(2027, 5, 16), "Idul Adha 1448 Hijriah (perkiraan)", N),
        (D(2027, 5, 20), "Hari Raya Waisak 2571 BE (perkiraan)", N),
        (D(2027, 6, 1), "Hari Lahir Pancasila", N),
        (D(2027, 6, 6), "1 Muharam Tahun Baru Islam 1449 Hijriah (perkiraan)", N),
        (D(2027, 8, 17), "Proklamasi Kemerdekaan", N),
        (D(2027, 8, 15), "Maulid Nabi Muhammad S.A.W. (perkiraan)", N),
        (D(2027, 12, 25), "Kelahiran Yesus Kristus", N),
    ],
}


def seeded_years() -> list[int]:
    return sorted(HOLIDAYS)


def seed_holidays(year: int, actor=None) -> int:
    """Add the seed holidays of ``year`` that are not in the calendar yet; return how many were added.

    Idempotent: existing dates (whatever their name or kind) are left as the admin entered them. Flushes; the
    caller commits. One audit row summarises the seeding when something was added.
    """
    rows = HOLIDAYS.get(year, [])
    if not rows:
        return 0
    existing = set(db.session.scalars(
        select(Holiday.date).where(Holiday.date >= dt.date(year, 1, 1), Holiday.date <= dt.date(year, 12, 31))
    ))
    added = 0
    for day, name, kind in rows:
        if day in existing:
            continue
        db.session.add(Holiday(date=day, name=name, kind=kind))
        added += 1
    if added:
        db.session.flush()
        record(actor, "holiday.seed", object_type="holiday", object_id=year,
               summary=_l("%(n)s hari libur tahun %(year)s dimuat dari data awal", n=added, year=year))
    return added
