"""The evaluation rules, cell by cell: the predikat matrix (all nine cells), the expected distribution for each unit
rating at its boundary counts, the suggested ratings, who rates when the assessor is late, and the appeal clocks
over holidays and year ends."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.evaluation import rules
from portal.evaluation.rules import (
    ABOVE,
    AS_EXPECTED,
    BAIK,
    BELOW,
    BUTUH_PERBAIKAN,
    KURANG,
    SANGAT_BAIK,
    SANGAT_KURANG,
)

# --- The predikat matrix (PermenPANRB 6/2022 p. 99-103) --------------------------------------------------

@pytest.mark.parametrize("result, behaviour, predikat", [
    (ABOVE, ABOVE, SANGAT_BAIK),
    (ABOVE, AS_EXPECTED, BAIK),
    (ABOVE, BELOW, KURANG),
    (AS_EXPECTED, ABOVE, BAIK),
    (AS_EXPECTED, AS_EXPECTED, BAIK),
    (AS_EXPECTED, BELOW, KURANG),
    (BELOW, ABOVE, BUTUH_PERBAIKAN),
    (BELOW, AS_EXPECTED, BUTUH_PERBAIKAN),
    (BELOW, BELOW, SANGAT_KURANG),
])
def test_every_cell_of_the_matrix(result, behaviour, predikat):
    assert rules.derive_predikat(result, behaviour) == predikat


def test_the_matrix_has_nine_cells_and_five_predikat():
    assert len(rules.PREDIKAT_MATRIX) == 9
    assert set(rules.PREDIKAT_MATRIX.values()) == set(rules.PREDIKATS)


def test_unknown_ratings_are_refused():
    with pytest.raises(ValueError):
        rules.derive_predikat("istimewa", ABOVE)


# --- Distribution per unit rating, at the boundaries ------------------------------------------------------

def counts(**kw):
    return {**dict.fromkeys(rules.PREDIKATS, 0), **kw}


def deviating_kinds(unit_rating, c):
    return [(d.constraint.kind, d.constraint.predikats) for d in
            rules.check_distribution(c, rules.DEFAULT_PATTERNS[unit_rating])]


@pytest.mark.parametrize("sb, others, ok", [
    (7, {BAIK: 3}, True),  # 70 %: at most 70 % holds
    (8, {BAIK: 2}, False),  # 80 %: too many Sangat Baik
    (4, {BAIK: 3, BUTUH_PERBAIKAN: 3}, True),  # the most, 40 %
    (3, {BAIK: 3, BUTUH_PERBAIKAN: 4}, False),  # not the most
    (3, {BAIK: 3}, False),  # a tie is not "most"
])
def test_istimewa(sb, others, ok):
    assert (deviating_kinds(rules.UNIT_ISTIMEWA, counts(sangat_baik=sb, **others)) == []) is ok


@pytest.mark.parametrize("c, expected", [
    (counts(baik=7, butuh_perbaikan=3), []),
    (counts(baik=7, kurang=1, sangat_baik=2), []),
    (counts(baik=8, butuh_perbaikan=2), [(rules.AT_MOST, (BAIK,))]),  # 80 % Baik
    (counts(baik=7, sangat_baik=3), [(rules.SOME, (BUTUH_PERBAIKAN, KURANG))]),  # nobody below Baik
    (counts(baik=2, sangat_baik=3, butuh_perbaikan=1), [(rules.MOST, (BAIK,))]),
])
def test_baik(c, expected):
    assert deviating_kinds(rules.UNIT_BAIK, c) == expected


@pytest.mark.parametrize("c, ok", [
    (counts(butuh_perbaikan=6, baik=3, sangat_baik=1), True),  # 60 % and 10 %: both boundaries hold
    (counts(butuh_perbaikan=5, baik=5), False),  # 50 %
    (counts(butuh_perbaikan=6, baik=2, sangat_baik=2), False),  # 20 % Sangat Baik
])
def test_butuh_perbaikan(c, ok):
    assert (deviating_kinds(rules.UNIT_BUTUH_PERBAIKAN, c) == []) is ok


@pytest.mark.parametrize("c, expected", [
    (counts(kurang=6, butuh_perbaikan=1, baik=2, sangat_baik=1), []),
    (counts(kurang=6, baik=4), [(rules.AT_LEAST, (BUTUH_PERBAIKAN,))]),
    (counts(kurang=5, butuh_perbaikan=5), [(rules.AT_LEAST, (KURANG,))]),
    (counts(kurang=6, butuh_perbaikan=2, sangat_baik=2), [(rules.AT_MOST, (SANGAT_BAIK,))]),
])
def test_kurang(c, expected):
    assert deviating_kinds(rules.UNIT_KURANG, c) == expected


@pytest.mark.parametrize("c, expected", [
    (counts(sangat_kurang=6, kurang=1, butuh_perbaikan=3), []),
    (counts(sangat_kurang=6, butuh_perbaikan=1, baik=3), []),
    (counts(sangat_kurang=9, baik=1), [(rules.AT_LEAST, (KURANG, BUTUH_PERBAIKAN))]),
    (counts(sangat_kurang=6, kurang=3, sangat_baik=1), [(rules.AT_MOST, (SANGAT_BAIK,))]),  # none allowed
])
def test_sangat_kurang(c, expected):
    assert deviating_kinds(rules.UNIT_SANGAT_KURANG, c) == expected


def test_an_empty_distribution_deviates_from_nothing():
    for pattern in rules.DEFAULT_PATTERNS.values():
        assert rules.check_distribution(counts(), pattern) == []


def test_deviation_reports_the_share():
    [deviation] = rules.check_distribution(counts(baik=8, butuh_perbaikan=2),
                                           rules.DEFAULT_PATTERNS[rules.UNIT_BAIK])
    assert (deviation.count, deviation.total, deviation.percent) == (8, 10, 80.0)


def test_distribution_counts_known_predikat_only():
    assert rules.distribution([BAIK, BAIK, None, SANGAT_BAIK, "x"]) == counts(baik=2, sangat_baik=1)


# --- What the self-assessment suggests --------------------------------------------------------------------

@pytest.mark.parametrize("ratings, expected", [
    ([], None),
    ([("utama", None)], None),
    ([("utama", ABOVE), ("utama", ABOVE), ("tambahan", AS_EXPECTED)], ABOVE),
    ([("utama", ABOVE), ("utama", ABOVE), ("utama", BELOW)], AS_EXPECTED),  # an Utama below: not above
    ([("utama", ABOVE), ("tambahan", AS_EXPECTED)], AS_EXPECTED),  # half is not most
    ([("utama", BELOW), ("utama", BELOW), ("utama", ABOVE)], BELOW),
    ([("utama", BELOW), ("utama", AS_EXPECTED)], BELOW),  # an Utama below, nothing above
    ([("tambahan", BELOW), ("utama", AS_EXPECTED)], AS_EXPECTED),
])
def test_suggested_result_rating(ratings, expected):
    assert rules.suggested_result_rating(ratings) == expected


@pytest.mark.parametrize("scores, expected", [
    ([], None), ([None], None), ([4, 3], ABOVE), ([3, 4, 3, 4], ABOVE), ([3, 3, 4], AS_EXPECTED),
    ([2, 3], AS_EXPECTED), ([2, 2, 3], BELOW), ([1, None, 2], BELOW),
])
def test_suggested_behaviour_rating(scores, expected):
    assert rules.suggested_behaviour_rating(scores) == expected


@pytest.mark.parametrize("rating, suggested, needed", [
    (BELOW, BELOW, True), (BELOW, None, True), (ABOVE, None, False), (ABOVE, ABOVE, False),
    (ABOVE, AS_EXPECTED, True), (AS_EXPECTED, ABOVE, True),
])
def test_needs_justification(rating, suggested, needed):
    assert rules.needs_justification(rating, suggested) is needed


# --- Escalation and clocks ----------------------------------------------------------------------------------

@pytest.mark.parametrize("today, finalised, may", [
    (dt.date(2027, 1, 31), False, False),  # the close day itself: still the assessor's
    (dt.date(2027, 2, 1), False, True),
    (dt.date(2027, 2, 1), True, False),
])
def test_the_superior_rates_after_the_close(today, finalised, may):
    assert rules.superior_may_rate(dt.date(2027, 1, 31), finalised, today) is may


HOLIDAYS = {dt.date(2026, 12, 25), dt.date(2026, 12, 24), dt.date(2027, 1, 1), dt.date(2027, 2, 17)}


def test_appeal_clock_over_christmas_and_the_year_end():
    # Received Monday 21 Dec 2026: 22, 23 (24, 25 off), 28, 29, 30, 31, (1 Jan off), 4, 5, 6, 7, 8, 11, 12, 13.
    assert rules.appeal_due(dt.date(2026, 12, 21), HOLIDAYS) == dt.date(2027, 1, 13)
    assert rules.may_appeal(dt.date(2026, 12, 21), dt.date(2027, 1, 13), HOLIDAYS)
    assert not rules.may_appeal(dt.date(2026, 12, 21), dt.date(2027, 1, 14), HOLIDAYS)
    assert not rules.may_appeal(None, dt.date(2026, 12, 22), HOLIDAYS)


def test_decision_clock_skips_weekends_and_holidays():
    # Filed Friday 12 Feb 2027: 15, 16, (17 off), 18, 19, 22, 23, 24.
    assert rules.decision_due(dt.date(2027, 2, 12), HOLIDAYS) == dt.date(2027, 2, 24)


def test_delivery_clock():
    assert rules.delivery_due(dt.date(2027, 1, 4), set()) == dt.date(2027, 1, 22)
