"""The SKP state machine cell by cell, and when the assessor's superior may act (DOMAIN.md sections 3 and 7)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from portal.skp import rules
from portal.skp.models import (
    STATUS_APPROVED,
    STATUS_CANCELLED,
    STATUS_DRAFT,
    STATUS_RETURNED,
    STATUS_SUBMITTED,
    STATUS_SUPERSEDED,
    STATUSES,
)

ACTIONS = (rules.SUBMIT, rules.WITHDRAW, rules.APPROVE, rules.RETURN, rules.REVISE, rules.SUPERSEDE, rules.CANCEL)
ROLES = (rules.OWNER, rules.ASSESSOR)

# The expected table, written independently of rules.TRANSITIONS: (action, from, role) -> (to, needs a note).
EXPECTED = {
    (rules.SUBMIT, STATUS_DRAFT, rules.OWNER): (STATUS_SUBMITTED, False),
    (rules.SUBMIT, STATUS_RETURNED, rules.OWNER): (STATUS_SUBMITTED, False),
    (rules.WITHDRAW, STATUS_SUBMITTED, rules.OWNER): (STATUS_DRAFT, False),
    (rules.APPROVE, STATUS_SUBMITTED, rules.ASSESSOR): (STATUS_APPROVED, False),
    (rules.RETURN, STATUS_SUBMITTED, rules.ASSESSOR): (STATUS_RETURNED, True),
    (rules.REVISE, STATUS_APPROVED, rules.OWNER): (STATUS_APPROVED, True),
    (rules.REVISE, STATUS_APPROVED, rules.ASSESSOR): (STATUS_APPROVED, True),
    (rules.CANCEL, STATUS_DRAFT, rules.OWNER): (STATUS_CANCELLED, False),
    (rules.CANCEL, STATUS_RETURNED, rules.OWNER): (STATUS_CANCELLED, False),
    (rules.CANCEL, STATUS_DRAFT, rules.ASSESSOR): (STATUS_CANCELLED, False),
    (rules.CANCEL, STATUS_RETURNED, rules.ASSESSOR): (STATUS_CANCELLED, False),
}
CELLS = list(itertools.product(ACTIONS, STATUSES, ROLES))


@pytest.mark.parametrize(("action", "status", "role"), [c for c in CELLS if c in EXPECTED])
def test_allowed_transition(action, status, role):
    transition = rules.find_transition(action, status, role)
    assert (transition.target, transition.needs_note) == EXPECTED[(action, status, role)]
    assert action in rules.allowed_actions(status, role)


@pytest.mark.parametrize(("action", "status", "role"), [c for c in CELLS if c not in EXPECTED])
def test_refused_transition(action, status, role):
    with pytest.raises(rules.TransitionError) as refused:
        rules.find_transition(action, status, role)
    assert "tidak dapat dilakukan" in str(refused.value)
    assert action not in rules.allowed_actions(status, role)


def test_the_table_has_no_cell_beyond_the_expected_ones_except_the_system_supersede():
    cells = {(t.action, t.source, t.actor) for t in rules.TRANSITIONS}
    assert cells - set(EXPECTED) == {(rules.SUPERSEDE, STATUS_APPROVED, "system")}
    assert rules.find_transition(rules.SUPERSEDE, STATUS_APPROVED, "system").target == STATUS_SUPERSEDED


def test_neither_person_may_supersede_by_hand():
    for role in ROLES:
        with pytest.raises(rules.TransitionError):
            rules.find_transition(rules.SUPERSEDE, STATUS_APPROVED, role)


@pytest.mark.parametrize(("status", "editable"), [
    (STATUS_DRAFT, True), (STATUS_RETURNED, True), (STATUS_SUBMITTED, False), (STATUS_APPROVED, False),
    (STATUS_SUPERSEDED, False), (STATUS_CANCELLED, False)])
def test_only_draft_and_returned_are_editable(status, editable):
    assert rules.is_editable(status) is editable


@pytest.mark.parametrize(("number", "previous", "cancellable"), [
    (1, None, False), (2, STATUS_APPROVED, True), (5, STATUS_APPROVED, True), (2, STATUS_SUPERSEDED, False),
    (2, STATUS_CANCELLED, False), (2, None, False), (1, STATUS_APPROVED, False)])
def test_only_a_revision_of_the_approved_version_is_cancellable(number, previous, cancellable):
    assert rules.is_cancellable_revision(number, previous) is cancellable


# --- superior_may_act ----------------------------------------------------------------------------------------

MONDAY = dt.date(2031, 1, 6)  # planning closes at the end of January
CLOSE = dt.date(2031, 1, 31)


def _may_act(today, *, present=True, submitted=MONDAY, holidays=(), closes=CLOSE):
    return rules.superior_may_act(assessor_present=present, submitted_on=submitted, today=today,
                                  planning_closes_on=closes, holidays=frozenset(holidays))


def test_absent_assessor_lets_the_superior_act_at_once():
    assert _may_act(MONDAY, present=False)
    assert _may_act(MONDAY, present=False, submitted=None)


def test_not_submitted_nothing_to_decide():
    assert not _may_act(dt.date(2031, 3, 3), submitted=None)


def test_five_working_days_is_not_late_six_is():
    # Submitted Monday 6 Jan: Tue..Mon 13 Jan = 5 working days (weekend skipped), Tue 14 Jan = 6.
    assert not _may_act(dt.date(2031, 1, 13))
    assert _may_act(dt.date(2031, 1, 14))


def test_weekend_days_do_not_count():
    assert not _may_act(dt.date(2031, 1, 11))  # Saturday: 4 working days
    assert not _may_act(dt.date(2031, 1, 12))  # Sunday


def test_a_holiday_in_between_adds_a_day_of_grace():
    holiday = dt.date(2031, 1, 9)  # Thursday
    assert not _may_act(dt.date(2031, 1, 14), holidays=[holiday])  # only 5 working days with the holiday
    assert _may_act(dt.date(2031, 1, 15), holidays=[holiday])


def test_after_planning_close_the_superior_may_act_even_if_recently_submitted():
    submitted = dt.date(2031, 1, 30)
    assert not _may_act(CLOSE, submitted=submitted)  # the last day of planning: not yet
    assert _may_act(dt.date(2031, 2, 3), submitted=submitted)  # the next working day after close


def test_without_a_planning_window_only_the_working_days_count():
    assert not _may_act(dt.date(2031, 3, 3), submitted=dt.date(2031, 2, 28), closes=None)
