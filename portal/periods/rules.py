"""Working days and deadlines (DOMAIN.md section 7). Pure functions: the holiday set is passed in.

A working day is Monday–Friday and not a national holiday or cuti bersama.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass


def is_working_day(day: dt.date, holidays: Collection[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.date, days: int, holidays: Collection[dt.date]) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted). ``days`` may be 0."""
    if days < 0:
        raise ValueError("days must be >= 0")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date, holidays: Collection[dt.date]) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    if end <= start:
        return 0
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_working_day(current, holidays):
            count += 1
    return count


def working_days_left(today: dt.date, deadline: dt.date, holidays: Collection[dt.date]) -> int:
    """Working days from today up to and including the deadline, counting today if it is a working day.

    0 means the deadline has passed; on the deadline day itself (a working day) it is 1.
    """
    if deadline < today:
        return 0
    return working_days_between(today - dt.timedelta(days=1), deadline, holidays)


# ---------------------------------------------------------------------------------------------------------
# Default phases of a performance year (policy defaults from DOMAIN.md sections 3 and 7; the admin edits them).

PERIODIC_WINDOW_WORKING_DAYS = 10  # periodic evaluation: the first 10 working days after the sub-period ends
APPEAL_WORKING_DAYS = 14  # keberatan: within 14 working days of receiving the document

STATUS_UPCOMING = "akan_dibuka"
STATUS_OPEN = "dibuka"
STATUS_CLOSED = "ditutup"


@dataclass(frozen=True)
class PhaseDates:
    kind: str
    seq: int
    opens_on: dt.date
    closes_on: dt.date


def month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def sub_period_ends(year: int, frequency: str) -> list[dt.date]:
    """Last day of each sub-period: 12 month ends (bulanan) or 4 quarter ends (triwulanan)."""
    months = range(1, 13) if frequency == "bulanan" else (3, 6, 9, 12)
    return [month_end(year, m) for m in months]


def default_phases(year: int, frequency: str, holidays: Collection[dt.date]) -> list[PhaseDates]:
    """The proposed phases of a performance year (policy defaults, editable afterwards):

    - perencanaan: 2 January – 31 January (SKP approved by the end of January);
    - pelaksanaan: the whole year;
    - evaluasi_periodik, one per sub-period: from the day after the month / quarter ends, for 10 working days;
    - evaluasi_tahunan: 1 December – 31 January of the next year (end of December, at the latest end of January);
    - keberatan: from 1 February of the next year, for 14 working days.
    """
    if frequency not in ("bulanan", "triwulanan"):
        raise ValueError(f"unknown frequency {frequency!r}")
    phases = [
        PhaseDates("perencanaan", 0, dt.date(year, 1, 2), dt.date(year, 1, 31)),
        PhaseDates("pelaksanaan", 0, dt.date(year, 1, 1), dt.date(year, 12, 31)),
    ]
    for seq, end in enumerate(sub_period_ends(year, frequency), start=1):
        phases.append(PhaseDates("evaluasi_periodik", seq, end + dt.timedelta(days=1),
                                 add_working_days(end, PERIODIC_WINDOW_WORKING_DAYS, holidays)))
    phases.append(PhaseDates("evaluasi_tahunan", 0, dt.date(year, 12, 1), dt.date(year + 1, 1, 31)))
    phases.append(PhaseDates("keberatan", 0, dt.date(year + 1, 2, 1),
                             add_working_days(dt.date(year + 1, 1, 31), APPEAL_WORKING_DAYS, holidays)))
    return phases


def phase_status(opens_on: dt.date, closes_on: dt.date, today: dt.date) -> str:
    """akan_dibuka before the window, dibuka inside it (both ends included), ditutup after it."""
    if today < opens_on:
        return STATUS_UPCOMING
    if today <= closes_on:
        return STATUS_OPEN
    return STATUS_CLOSED


def phase_date_bounds(year: int) -> tuple[dt.date, dt.date]:
    """A sensible range for the phases of a year: planning may start in the previous autumn, appeals and
    late evaluations may run into the next year, nothing beyond it."""
    return dt.date(year - 1, 10, 1), dt.date(year + 1, 12, 31)
