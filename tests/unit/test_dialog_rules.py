"""Dialog kinerja rules: every allowed and refused session transition, carry-over of talking points and actions,
overdue actions, the coaching offer."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.dialog import rules
from portal.dialog.rules import ASSESSOR, CANCELLED, CLOSED, CONFIRMED, EMPLOYEE, PROPOSED, SCHEDULED


@pytest.mark.parametrize("action, state, side, proposed_by, expected", [
    ("accept", PROPOSED, EMPLOYEE, ASSESSOR, SCHEDULED),
    ("accept", PROPOSED, ASSESSOR, EMPLOYEE, SCHEDULED),
    ("reschedule", PROPOSED, EMPLOYEE, ASSESSOR, PROPOSED),
    ("reschedule", SCHEDULED, ASSESSOR, EMPLOYEE, PROPOSED),
    ("cancel", PROPOSED, EMPLOYEE, ASSESSOR, CANCELLED),
    ("cancel", SCHEDULED, ASSESSOR, ASSESSOR, CANCELLED),
    ("close", SCHEDULED, ASSESSOR, EMPLOYEE, CLOSED),
    ("confirm", CLOSED, EMPLOYEE, ASSESSOR, CONFIRMED),
])
def test_allowed_transitions(action, state, side, proposed_by, expected):
    assert rules.transition(action, state, side, proposed_by) == expected


@pytest.mark.parametrize("action, state, side, proposed_by", [
    ("accept", PROPOSED, ASSESSOR, ASSESSOR),  # nobody accepts their own proposal
    ("accept", SCHEDULED, EMPLOYEE, ASSESSOR),
    ("close", PROPOSED, ASSESSOR, EMPLOYEE),  # a session is held only once scheduled
    ("close", SCHEDULED, EMPLOYEE, ASSESSOR),  # the assessor closes
    ("confirm", SCHEDULED, EMPLOYEE, ASSESSOR),
    ("confirm", CLOSED, ASSESSOR, ASSESSOR),  # the employee confirms
    ("cancel", CLOSED, ASSESSOR, ASSESSOR),
    ("reschedule", CONFIRMED, EMPLOYEE, ASSESSOR),
    ("reschedule", CANCELLED, EMPLOYEE, ASSESSOR),
])
def test_refused_transitions(action, state, side, proposed_by):
    with pytest.raises(rules.TransitionRefused):
        rules.transition(action, state, side, proposed_by)


def test_notes_editable_until_closed():
    assert [s for s in rules.STATES if rules.editable_notes(s)] == [PROPOSED, SCHEDULED]


def test_undiscussed_points_carry_over_in_order():
    points = [rules.Point(3, True), rules.Point(1, False), rules.Point(7, False), rules.Point(2, True)]
    assert rules.carry_over(points) == [1, 7]
    assert rules.carry_over([]) == []


def test_open_actions_stay_on_the_agenda():
    actions = [rules.ActionState(1, rules.ACTION_DONE), rules.ActionState(2, rules.ACTION_OPEN),
               rules.ActionState(3, rules.ACTION_DROPPED), rules.ActionState(4, rules.ACTION_OPEN)]
    assert rules.open_actions(actions) == [2, 4]


@pytest.mark.parametrize("status, due, overdue", [
    (rules.ACTION_OPEN, dt.date(2026, 11, 28), True),
    (rules.ACTION_OPEN, dt.date(2026, 11, 29), False),  # due today is not late yet
    (rules.ACTION_OPEN, None, False),
    (rules.ACTION_DONE, dt.date(2026, 1, 1), False),
])
def test_action_overdue(status, due, overdue):
    assert rules.action_overdue(status, due, dt.date(2026, 11, 29)) is overdue


@pytest.mark.parametrize("predikat, offered", [
    ("sangat_baik", False), ("baik", False), ("butuh_perbaikan", True), ("kurang", True), ("sangat_kurang", True),
    (None, False)])
def test_coaching_offered_from_butuh_perbaikan_down(predikat, offered):
    assert rules.offers_coaching(predikat) is offered
