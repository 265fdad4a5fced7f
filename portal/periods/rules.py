"""Working days and deadlines (DOMAIN.md section 7). Pure functions: the holiday set is passed in.

A working day is Monday–Friday and not a national holiday or cuti bersama.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection


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
