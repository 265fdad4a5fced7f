"""The working-day calculator (DOMAIN.md section 7): weekends, national holidays, cuti bersama, year boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.periods.holidays import HOLIDAYS
from portal.periods.rules import add_working_days, is_working_day, working_days_between, working_days_left

D = dt.date
SEED_2026 = frozenset(day for day, _name, _kind in HOLIDAYS[2026])
SEED_2027 = frozenset(day for day, _name, _kind in HOLIDAYS[2027])


def test_weekend_is_not_a_working_day():
    assert is_working_day(D(2026, 1, 9), set())  # Friday
    assert not is_working_day(D(2026, 1, 10), set())  # Saturday
    assert not is_working_day(D(2026, 1, 11), set())  # Sunday
    assert add_working_days(D(2026, 1, 9), 1, set()) == D(2026, 1, 12)  # Friday + 1 = Monday


def test_start_day_itself_is_not_counted_and_zero_days_is_the_start():
    assert add_working_days(D(2026, 1, 12), 0, set()) == D(2026, 1, 12)
    assert add_working_days(D(2026, 1, 12), 5, set()) == D(2026, 1, 19)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 12), -1, set())


def test_holiday_on_a_weekday_is_skipped():
    isra_mikraj = D(2026, 1, 16)  # Friday
    assert not is_working_day(isra_mikraj, {isra_mikraj})
    assert add_working_days(D(2026, 1, 15), 1, {isra_mikraj}) == D(2026, 1, 19)
    assert add_working_days(D(2026, 1, 15), 1, set()) == D(2026, 1, 16)


def test_cuti_bersama_counts_as_a_day_off():
    # Idul Fitri 2026: cuti bersama 18, 20, 23, 24 March; Nyepi 19 March; 21-22 March are the weekend.
    assert add_working_days(D(2026, 3, 17), 1, SEED_2026) == D(2026, 3, 25)
    assert working_days_between(D(2026, 3, 17), D(2026, 3, 25), SEED_2026) == 1
    assert working_days_between(D(2026, 3, 17), D(2026, 3, 25), set()) == 6


def test_year_boundary_31_december_to_2_january():
    # 31 Dec 2025 (Wednesday) + 1 working day: 1 January is Tahun Baru, so 2 January 2026 (Friday).
    assert add_working_days(D(2025, 12, 31), 1, SEED_2026) == D(2026, 1, 2)
    # 31 Dec 2026 (Thursday) + 1: 1 Jan 2027 is a holiday (Friday), then the weekend: Monday 4 January.
    assert add_working_days(D(2026, 12, 31), 1, SEED_2027) == D(2027, 1, 4)
    assert working_days_between(D(2026, 12, 30), D(2027, 1, 4), SEED_2026 | SEED_2027) == 2  # 31 Dec, 4 Jan


def test_working_days_left_counts_today_and_the_deadline():
    monday, friday = D(2026, 1, 5), D(2026, 1, 9)
    assert working_days_left(monday, friday, set()) == 5
    assert working_days_left(friday, friday, set()) == 1  # the deadline day itself
    assert working_days_left(D(2026, 1, 12), friday, set()) == 0  # passed


def test_deadline_on_a_weekend():
    friday, saturday, sunday = D(2026, 1, 9), D(2026, 1, 10), D(2026, 1, 11)
    assert working_days_left(friday, sunday, set()) == 1  # Friday is the last working day before it
    assert working_days_left(saturday, sunday, set()) == 0
    # Ten working days after a month that ends on a Saturday (31 January 2026): Friday 13 February.
    assert add_working_days(D(2026, 1, 31), 10, SEED_2026) == D(2026, 2, 13)


def test_seed_2026_matches_the_skb_counts():
    """SKB 3 Menteri 2026: 17 libur nasional and 8 cuti bersama."""
    kinds = [kind for _day, _name, kind in HOLIDAYS[2026]]
    assert kinds.count("libur_nasional") == 17
    assert kinds.count("cuti_bersama") == 8
    assert len(SEED_2026) == 25
    assert all(day.year == 2026 for day in SEED_2026) and all(day.year == 2027 for day in SEED_2027)
