"""Facts about a person read together (portal/core/facts.py): one statement per request for every registered fact,
answers that follow a change made in the same request, and names that cannot clash."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import exists

from portal.core import facts
from portal.dialog import permissions as dialog_perms
from portal.dialog.models import Counsellor
from portal.evaluation.appeals import can_open_appeals
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.org.models import Employee


def _user(employee_id):
    return SimpleNamespace(is_authenticated=True, employee_id=employee_id, can_read_all=False, is_admin=False)


def test_every_fact_of_a_person_is_read_in_one_statement_per_request(app, queries, make_employee):
    boss = make_employee("Atasan")
    make_employee("Staf", superior=boss)
    db.session.commit()
    user = _user(boss.id)
    with app.test_request_context(), queries() as q:
        assert org_perms.is_assessor(user) is True
        assert dialog_perms.is_counsellor(user) is False
        assert can_open_appeals(user) is True
        assert facts.holds(boss.id, dialog_perms.REFERRED.key) is False
    assert q.count == 1, q.statements
    assert set(facts.registry(app).facts) >= {"assessor", "counsellor", "referred", "appealed"}


def test_a_change_flushed_in_the_request_is_seen_by_the_next_question(app, make_employee):
    staff = make_employee("Calon konselor")
    db.session.commit()
    user = _user(staff.id)
    with app.test_request_context():
        assert dialog_perms.is_counsellor(user) is False
        assert org_perms.is_assessor(user) is False
        db.session.add(Counsellor(employee_id=staff.id, granted_at=dt.datetime(2026, 11, 1)))
        make_employee("Bawahan", superior=staff)
        db.session.flush()
        assert dialog_perms.is_counsellor(user) is True
        assert org_perms.is_assessor(user) is True


def test_no_employee_holds_no_fact_and_an_unknown_fact_is_an_error(app):
    with app.test_request_context():
        assert facts.holds(None, "assessor") is False
        with pytest.raises(KeyError):
            facts.holds(1, "tidak_ada")


def test_two_facts_cannot_share_a_name():
    registry = facts.Registry()
    first = facts.Fact("x", lambda employee: exists().where(Employee.id == employee))
    registry.add(first)
    registry.add(first)  # the same fact again (an app set up twice) is harmless
    with pytest.raises(ValueError, match="two facts named 'x'"):
        registry.add(facts.Fact("x", lambda employee: exists().where(Employee.superior_id == employee)))
