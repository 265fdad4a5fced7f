"""Default phases of a performance year and the phase status (portal.periods.rules)."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.periods.rules import (
    STATUS_CLOSED,
    STATUS_OPEN,
    STATUS_UPCOMING,
    default_phases,
    phase_date_bounds,
    phase_status,
    sub_period_ends,
)

D = dt.date
GOOD_FRIDAY_2026 = D(2026, 4, 3)


def _by_key(phases):
    return {(p.kind, p.seq): (p.opens_on, p.closes_on) for p in phases}


def test_quarterly_default_phases():
    phases = default_phases(2026, "triwulanan", {GOOD_FRIDAY_2026, D(2027, 1, 1)})
    got = _by_key(phases)
    assert len(phases) == 2 + 4 + 2
    assert got[("perencanaan", 0)] == (D(2026, 1, 2), D(2026, 1, 31))
    assert got[("pelaksanaan", 0)] == (D(2026, 1, 1), D(2026, 12, 31))
    # Q1 ends Tuesday 31 March; 10 working days skipping Good Friday: 1, 2, 6-10, 13, 14, 15 April.
    assert got[("evaluasi_periodik", 1)] == (D(2026, 4, 1), D(2026, 4, 15))
    assert got[("evaluasi_periodik", 2)] == (D(2026, 7, 1), D(2026, 7, 14))
    assert got[("evaluasi_periodik", 3)] == (D(2026, 10, 1), D(2026, 10, 14))
    # Q4 ends Thursday 31 December; 1 January 2027 is a holiday: 4-8, 11-15 January.
    assert got[("evaluasi_periodik", 4)] == (D(2027, 1, 1), D(2027, 1, 15))
    assert got[("evaluasi_tahunan", 0)] == (D(2026, 12, 1), D(2027, 1, 31))
    # Keberatan: from Monday 1 February 2027 for 14 working days.
    assert got[("keberatan", 0)] == (D(2027, 2, 1), D(2027, 2, 18))


def test_monthly_default_phases():
    phases = default_phases(2026, "bulanan", set())
    got = _by_key(phases)
    periodic = [p for p in phases if p.kind == "evaluasi_periodik"]
    assert [p.seq for p in periodic] == list(range(1, 13))
    # January ends on a Saturday: the window runs 2-13 February (opens the day after the month end).
    assert got[("evaluasi_periodik", 1)] == (D(2026, 2, 1), D(2026, 2, 13))
    # February ends on a Saturday too (2026 is not a leap year).
    assert got[("evaluasi_periodik", 2)] == (D(2026, 3, 1), D(2026, 3, 13))
    assert got[("evaluasi_periodik", 12)][0] == D(2027, 1, 1)
    assert all(p.closes_on >= p.opens_on for p in phases)


def test_holidays_move_the_periodic_deadline():
    without = _by_key(default_phases(2026, "bulanan", set()))[("evaluasi_periodik", 1)][1]
    with_holiday = _by_key(default_phases(2026, "bulanan", {D(2026, 2, 5)}))[("evaluasi_periodik", 1)][1]
    assert (without, with_holiday) == (D(2026, 2, 13), D(2026, 2, 16))


def test_leap_year_month_end():
    assert sub_period_ends(2028, "bulanan")[1] == D(2028, 2, 29)
    assert sub_period_ends(2027, "triwulanan") == [D(2027, 3, 31), D(2027, 6, 30), D(2027, 9, 30), D(2027, 12, 31)]


def test_unknown_frequency_refused():
    with pytest.raises(ValueError):
        default_phases(2026, "mingguan", set())


@pytest.mark.parametrize(("today", "expected"), [
    (D(2026, 1, 1), STATUS_UPCOMING),
    (D(2026, 1, 2), STATUS_OPEN),
    (D(2026, 1, 31), STATUS_OPEN),
    (D(2026, 2, 1), STATUS_CLOSED),
])
def test_phase_status(today, expected):
    assert phase_status(D(2026, 1, 2), D(2026, 1, 31), today) == expected


def test_phase_date_bounds():
    assert phase_date_bounds(2027) == (D(2026, 10, 1), D(2028, 12, 31))
