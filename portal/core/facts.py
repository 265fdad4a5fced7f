"""Yes/no facts about a person that the rights predicates of many pages ask: is this employee someone's assessor,
a counsellor, referred to counselling, the subject of an appeal. Every full page asks most of them (the menu shows
only what the person may open), and each was a small query of its own.

core knows no area: each area registers its facts with the app (``facts.register(app, Fact(...))``, next to its
menu entries), as an EXISTS over the employee id. The first question in a request reads every registered fact of
that employee in one statement, built once per process; the answers live in the request cache, which forgets them
whenever the session flushes, so a request that changes them reads them anew. Outside a request every question
reads the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, select

from portal.core import request_cache
from portal.extensions import db

EMPLOYEE = "fact_employee"  # the bind parameter every fact is written against


@dataclass(frozen=True)
class Fact:
    """``build(employee)`` gives a boolean SQL expression (an EXISTS) about the employee bound to ``employee``."""

    key: str
    build: Callable[[BindParameter], ColumnElement[bool]]


@dataclass
class Registry:
    facts: dict[str, Fact] = field(default_factory=dict)
    statement: Select | None = None

    def add(self, *facts: Fact) -> None:
        for fact in facts:
            if self.facts.get(fact.key, fact) is not fact:
                raise ValueError(f"two facts named {fact.key!r}")
            self.facts[fact.key] = fact
        self.statement = None

    def select(self) -> Select:
        if self.statement is None:
            employee = bindparam(EMPLOYEE)
            self.statement = select(*(fact.build(employee).label(key) for key, fact in self.facts.items()))
        return self.statement


def registry(app: Flask | None = None) -> Registry:
    app = app or current_app
    return app.extensions.setdefault("portal_facts", Registry())


def register(app: Flask, *facts: Fact) -> None:
    registry(app).add(*facts)


def _read(employee_id: int) -> dict[str, bool]:
    reg = registry()
    row = db.session.execute(reg.select(), {EMPLOYEE: employee_id}).one()
    return {key: bool(value) for key, value in zip(reg.facts, row, strict=True)}


def holds(employee_id: int | None, key: str) -> bool:
    """Whether fact ``key`` holds for the employee (False without an employee)."""
    if employee_id is None:
        return False
    if key not in registry().facts:
        raise KeyError(f"no fact {key!r} registered")
    return request_cache.cached(("facts", employee_id), lambda: _read(employee_id))[key]
