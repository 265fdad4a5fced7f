"""Pure rules of competency development, cell by cell: gaps and the heat map buckets, the plan's and the items'
transition tables, the JP totals of a year (done vs planned, carried over, year boundaries), the JP proposed for an
activity, and every suggestion with its trigger and its non-trigger."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.development import rules
from portal.evaluation import rules as evaluation_rules

D = dt.date


# ---------------------------------------------------------------------------------------------------------
# Gaps


@pytest.mark.parametrize("required, assessed, expected", [
    (3, 3, 0), (3, 1, 2), (4, 5, -1), (5, 1, 4), (None, 3, None), (3, None, None), (None, None, None)])
def test_gap_is_required_minus_assessed(required, assessed, expected):
    assert rules.gap(required, assessed) == expected


@pytest.mark.parametrize("gap, bucket", [(-3, 0), (-1, 0), (0, 0), (1, 1), (2, 2), (3, 3), (4, 3)])
def test_gap_buckets_of_the_heat_map(gap, bucket):
    assert rules.gap_bucket(gap) == bucket


@pytest.mark.parametrize("level, ok", [(1, True), (5, True), (0, False), (6, False), (True, False), ("3", False),
                                       (None, False)])
def test_valid_levels(level, ok):
    assert rules.valid_level(level) is ok


def test_gap_table_puts_the_largest_gap_first_then_the_dictionary_order():
    rows = rules.gap_table({1: 3, 2: 4, 3: 3, 4: 2}, {1: 3, 2: 1, 3: 2, 4: None}, {1: 4}, order=[4, 3, 2, 1])
    assert [(r.competency_id, r.gap) for r in rows] == [(2, 3), (3, 1), (1, 0), (4, None)]
    assert rows[2].self_level == 4


def test_gap_table_keeps_rated_competencies_outside_the_standard():
    rows = rules.gap_table({1: 3}, {1: 3, 9: 4})
    assert {r.competency_id: r.gap for r in rows} == {1: 0, 9: None}


# ---------------------------------------------------------------------------------------------------------
# Plan and item transitions


@pytest.mark.parametrize("action, state, side, expected", [
    ("submit", rules.PLAN_DRAFT, rules.EMPLOYEE, rules.PLAN_SUBMITTED),
    ("submit", rules.PLAN_RETURNED, rules.EMPLOYEE, rules.PLAN_SUBMITTED),
    ("approve", rules.PLAN_SUBMITTED, rules.ASSESSOR, rules.PLAN_APPROVED),
    ("return", rules.PLAN_SUBMITTED, rules.ASSESSOR, rules.PLAN_RETURNED),
    ("change", rules.PLAN_APPROVED, rules.EMPLOYEE, rules.PLAN_DRAFT),
    ("change", rules.PLAN_DRAFT, rules.EMPLOYEE, rules.PLAN_DRAFT),
    ("change", rules.PLAN_RETURNED, rules.EMPLOYEE, rules.PLAN_RETURNED),
])
def test_plan_transitions_allowed(action, state, side, expected):
    assert rules.plan_transition(action, state, side) == expected


@pytest.mark.parametrize("action, state, side", [
    ("submit", rules.PLAN_SUBMITTED, rules.EMPLOYEE),  # twice
    ("submit", rules.PLAN_APPROVED, rules.EMPLOYEE),  # nothing new to decide
    ("submit", rules.PLAN_DRAFT, rules.ASSESSOR),  # the wrong side
    ("approve", rules.PLAN_SUBMITTED, rules.EMPLOYEE),  # one's own plan
    ("approve", rules.PLAN_APPROVED, rules.ASSESSOR),  # decided already
    ("approve", rules.PLAN_DRAFT, rules.ASSESSOR),
    ("return", rules.PLAN_RETURNED, rules.ASSESSOR),
    ("return", rules.PLAN_APPROVED, rules.ASSESSOR),
    ("change", rules.PLAN_SUBMITTED, rules.EMPLOYEE),  # under review
])
def test_plan_transitions_refused(action, state, side):
    with pytest.raises(rules.TransitionRefused):
        rules.plan_transition(action, state, side)


@pytest.mark.parametrize("action, state, side, expected", [
    ("approve", rules.PLANNED, rules.ASSESSOR, rules.APPROVED),
    ("start", rules.APPROVED, rules.EMPLOYEE, rules.RUNNING),
    ("complete", rules.APPROVED, rules.EMPLOYEE, rules.DONE),
    ("complete", rules.RUNNING, rules.EMPLOYEE, rules.DONE),
    ("cancel", rules.PLANNED, rules.EMPLOYEE, rules.CANCELLED),
    ("cancel", rules.APPROVED, rules.ASSESSOR, rules.CANCELLED),
    ("cancel", rules.RUNNING, rules.EMPLOYEE, rules.CANCELLED),
])
def test_item_transitions_allowed(action, state, side, expected):
    assert rules.item_transition(action, state, side) == expected


@pytest.mark.parametrize("action, state, side", [
    ("start", rules.PLANNED, rules.EMPLOYEE),  # not approved yet
    ("complete", rules.PLANNED, rules.EMPLOYEE),
    ("complete", rules.RUNNING, rules.ASSESSOR),  # the employee reports completion
    ("start", rules.APPROVED, rules.ASSESSOR),
    *[(action, state, side) for state in rules.DECIDED_ITEM_STATES for action in ("start", "complete", "cancel")
      for side in (rules.EMPLOYEE, rules.ASSESSOR)],  # decided: nothing moves it any more
])
def test_item_transitions_refused(action, state, side):
    with pytest.raises(rules.TransitionRefused):
        rules.item_transition(action, state, side)


@pytest.mark.parametrize("item_state, plan_state, editable", [
    (rules.PLANNED, rules.PLAN_DRAFT, True), (rules.PLANNED, rules.PLAN_RETURNED, True),
    (rules.PLANNED, rules.PLAN_APPROVED, True), (rules.PLANNED, rules.PLAN_SUBMITTED, False),
    (rules.APPROVED, rules.PLAN_DRAFT, False), (rules.DONE, rules.PLAN_APPROVED, False)])
def test_what_may_be_edited(item_state, plan_state, editable):
    assert rules.item_editable(item_state, plan_state) is editable


@pytest.mark.parametrize("state, carried, plan_year, today, ok", [
    (rules.APPROVED, False, 2026, D(2026, 11, 1), True),
    (rules.RUNNING, False, 2026, D(2027, 1, 5), True),  # after the year: still carried once
    (rules.PLANNED, False, 2026, D(2026, 12, 31), True),
    (rules.APPROVED, True, 2026, D(2026, 11, 1), False),  # once
    (rules.DONE, False, 2026, D(2026, 11, 1), False),
    (rules.CANCELLED, False, 2026, D(2026, 11, 1), False),
    (rules.APPROVED, False, 2027, D(2026, 11, 1), False),  # next year's plan is not carried
])
def test_carrying_unfinished_items(state, carried, plan_year, today, ok):
    assert rules.may_carry(state, carried, plan_year, today) is ok


# ---------------------------------------------------------------------------------------------------------
# JP totals


def E(year, status, planned=None, actual=None, completed=None, carried=False):  # noqa: N802
    return rules.JpEntry(year, status, planned, actual, completed, carried)


def test_done_counts_actual_jp_planned_counts_the_plan():
    totals = rules.jp_totals([
        E(2026, rules.DONE, 8, 10, D(2026, 3, 1)),
        E(2026, rules.APPROVED, 6), E(2026, rules.RUNNING, 4),
        E(2026, rules.PLANNED, 5),
        E(2026, rules.CANCELLED, 9),
    ], 2026)
    assert (totals.done, totals.committed, totals.proposed) == (10, 10, 5)
    assert totals.on_track and not totals.reached and totals.remaining == 10 and totals.bar_value == 10


def test_a_year_boundary_counts_completion_in_the_year_it_happened():
    entries = [E(2026, rules.DONE, 8, 8, D(2026, 12, 31)), E(2026, rules.DONE, 6, 6, D(2027, 1, 1))]
    assert rules.jp_totals(entries, 2026).done == 8
    assert rules.jp_totals(entries, 2027).done == 6


def test_a_carried_item_counts_in_the_plan_it_was_carried_to():
    entries = [E(2026, rules.APPROVED, 12, carried=True), E(2027, rules.PLANNED, 12),
               E(2026, rules.RUNNING, 3, carried=True), E(2027, rules.APPROVED, 3)]
    old, new = rules.jp_totals(entries, 2026), rules.jp_totals(entries, 2027)
    assert (old.committed, old.proposed) == (0, 0)
    assert (new.committed, new.proposed) == (3, 12)


def test_a_carried_item_completed_next_year_counts_there():
    entries = [E(2026, rules.APPROVED, 12, carried=True), E(2027, rules.DONE, 12, 14, D(2027, 2, 3))]
    assert rules.jp_totals(entries, 2026).done == 0 and rules.jp_totals(entries, 2027).done == 14


def test_next_years_plan_does_not_count_this_year():
    assert rules.jp_totals([E(2027, rules.APPROVED, 20)], 2026).committed == 0


@pytest.mark.parametrize("done, committed, on_track, reached", [
    (20, 0, True, True), (19, 1, True, False), (19, 0, False, False), (0, 20, True, False), (25, 0, True, True)])
def test_target_of_20_jp(done, committed, on_track, reached):
    entries = [E(2026, rules.DONE, 0, done, D(2026, 5, 1)), E(2026, rules.APPROVED, committed)]
    totals = rules.jp_totals(entries, 2026)
    assert (totals.on_track, totals.reached) == (on_track, reached)
    assert totals.bar_value == min(done, 20) and rules.TARGET_JP == 20


def test_done_without_a_completion_date_does_not_count():
    assert rules.jp_totals([E(2026, rules.DONE, 8, 8, None)], 2026).done == 0


# ---------------------------------------------------------------------------------------------------------
# JP proposed for an activity (policy defaults: seminar 4 per day, lokakarya 5 per day)


def test_default_jp_per_day_of_the_seeded_types():
    per_day = {code: jp for code, _name, _mode, jp in rules.DEFAULT_ACTIVITY_TYPES}
    assert per_day["seminar"] == 4 and per_day["lokakarya"] == 5
    assert {mode for _c, _n, mode, _j in rules.DEFAULT_ACTIVITY_TYPES} == set(rules.MODES)


@pytest.mark.parametrize("per_day, starts, ends, expected", [
    (4, D(2026, 5, 4), None, 4), (4, D(2026, 5, 4), D(2026, 5, 4), 4), (5, D(2026, 5, 4), D(2026, 5, 6), 15),
    (4, D(2026, 12, 31), D(2027, 1, 1), 8), (None, D(2026, 5, 4), D(2026, 5, 6), None), (4, None, None, None),
    (4, D(2026, 5, 6), D(2026, 5, 4), None)])
def test_proposed_jp(per_day, starts, ends, expected):
    assert rules.proposed_jp(per_day, starts, ends) == expected


# ---------------------------------------------------------------------------------------------------------
# Suggestions


def test_a_gap_of_two_levels_suggests_an_item_and_one_level_does_not():
    rows = [rules.GapRow(1, 4, None, 2), rules.GapRow(2, 3, None, 2), rules.GapRow(3, 3, None, 5),
            rules.GapRow(4, None, None, 1), rules.GapRow(5, 5, None, 1), rules.GapRow(6, 3, None, None)]
    found = rules.competency_suggestions(rows)
    assert [(s.competency_id, s.addresses, s.required, s.assessed) for s in found] == [
        (1, rules.ADDRESSES_COMPETENCY, 4, 2), (5, rules.ADDRESSES_COMPETENCY, 5, 1)]
    assert found[0].key == "kompetensi-1"


@pytest.mark.parametrize("result, behaviour, expected", [
    (evaluation_rules.BELOW, evaluation_rules.AS_EXPECTED, [rules.ADDRESSES_PERFORMANCE]),
    (evaluation_rules.AS_EXPECTED, evaluation_rules.BELOW, [rules.ADDRESSES_BEHAVIOUR]),
    (evaluation_rules.BELOW, evaluation_rules.BELOW, [rules.ADDRESSES_PERFORMANCE, rules.ADDRESSES_BEHAVIOUR]),
    (evaluation_rules.AS_EXPECTED, evaluation_rules.AS_EXPECTED, []),
    (evaluation_rules.ABOVE, evaluation_rules.ABOVE, []),
    (None, None, []),
])
def test_di_bawah_ekspektasi_suggests_an_item(result, behaviour, expected):
    found = rules.evaluation_suggestions(7, result, behaviour)
    assert [s.addresses for s in found] == expected
    assert all(s.key.endswith("-7") for s in found)


def test_a_360_blind_spot_suggests_one_item_per_value():
    gaps = [rules.PerceptionGap("kolaboratif", 4.0, 2.5), rules.PerceptionGap("kolaboratif", 4.0, 3.0),
            rules.PerceptionGap("adaptif", 3.0, 2.0),  # exactly one point: suggests
            rules.PerceptionGap("harmonis", 4.0, 3.5),  # half a point: no
            rules.PerceptionGap("loyal", 2.0, 4.0)]  # others see more: a hidden strength, no
    found = rules.perception_suggestions(3, gaps)
    assert {s.value_code: (s.self_score, s.other_score) for s in found} == {
        "kolaboratif": (4.0, 2.5), "adaptif": (3.0, 2.0)}
    assert all(s.addresses == rules.ADDRESSES_BEHAVIOUR and s.key.startswith("360-3-") for s in found)


def test_a_suggestion_turned_into_an_item_disappears():
    found = rules.competency_suggestions([rules.GapRow(1, 4, None, 2), rules.GapRow(2, 4, None, 1)])
    assert [s.competency_id for s in rules.open_suggestions(found, ["kompetensi-1"])] == [2]


@pytest.mark.parametrize("predikat, priority", [
    (evaluation_rules.SANGAT_BAIK, True), (evaluation_rules.BAIK, False), (evaluation_rules.BUTUH_PERBAIKAN, False),
    (evaluation_rules.KURANG, False), (evaluation_rules.SANGAT_KURANG, False), (None, False)])
def test_sangat_baik_flags_a_development_priority(predikat, priority):
    assert rules.is_development_priority(predikat) is priority
