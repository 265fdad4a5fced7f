"""The main navigation, grouped by what the person is doing, and the roles named in the header.

core is the ground floor and knows no area: each area registers its menu entries and the roles it derives with the
app when its blueprint is registered (``bp.record_once(navigation.register)`` in the area's ``navigation.py``).
An entry carries the same rights predicate its view checks, so the menu shows exactly the pages a person may open
(tests/views/test_navigation.py holds the two together), and optionally a count of what waits for the person there.

The menu is built once per full page (templates/base.html calls ``main_menu`` once); htmx fragments never extend
base.html and so never pay for it. A count is a number, or better a ``Count``: a count query built once per process
with bind parameters (building an ORM statement costs more than running it) and the values of this request; the
``Count`` queries of all entries run together as one statement. What several counts need (the current period, say)
is loaded once per request through ``Visit.memo``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import BindParameter, Select, bindparam, select

from portal.core.timeutil import local_today
from portal.extensions import db

HOME = "beranda"  # top level, before the groups
MY_WORK = "kinerja"
TEAM = "tim"
UNIT = "unit"
ADMIN = "administrasi"
ACCOUNT = "akun"  # the user menu next to the name

GROUPS: dict[str, Any] = {
    MY_WORK: _l("Kinerja Saya"),
    TEAM: _l("Tim Saya"),
    UNIT: _l("Unit"),
    ADMIN: _l("Administrasi"),
}


def signed_in(user) -> bool:
    return bool(user.is_authenticated)


def has_employee(user) -> bool:
    """Own performance (SKP, self-assessment, feedback) needs an employee record behind the account."""
    return user.is_authenticated and user.employee_id is not None


def reads_all(user) -> bool:
    """Admin BKPSDM and auditors (stored roles)."""
    return user.is_authenticated and user.can_read_all


class Visit:
    """What the counts of one page share: the user, today, and a memo of things loaded once per request."""

    def __init__(self, user, today) -> None:
        self.user = user
        self.today = today
        self._memo: dict[str, Any] = {}

    @property
    def employee_id(self) -> int | None:
        return getattr(self.user, "employee_id", None)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


@dataclass(frozen=True)
class Count:
    """A count query of one integer, built once (``prebuilt``) with named bind parameters, and their values now.
    Parameter names must not clash across areas: prefix them with the area (``skp_assessor``)."""

    query: Select
    params: Mapping[str, Any]


def prebuilt(build: Callable[[], Select]) -> Callable[[], Select]:
    """Build a count query once per process (decorator)."""
    return functools.cache(build)


def employee_count(name: str, build: Callable[[BindParameter], Select]) -> Callable[[Visit], Count | int]:
    """The ``waiting`` of an entry whose count depends only on the person's employee id: ``build`` gets the bind
    parameter ``name`` and is called once per process; no employee record, nothing waits."""
    query = prebuilt(lambda: build(bindparam(name)))

    def waiting(visit: Visit) -> Count | int:
        if visit.employee_id is None:
            return 0
        return Count(query(), {name: visit.employee_id})

    return waiting


@dataclass(frozen=True)
class Entry:
    """A page in the menu. ``allowed(user)`` is the view's own check; ``waiting(visit)`` counts what waits there
    for the person: a number, or a ``Count`` that the menu runs together with the others."""

    endpoint: str
    label: Any
    group: str
    order: int = 100
    allowed: Callable[[Any], bool] = signed_in
    waiting: Callable[[Visit], int | Count] | None = None


@dataclass(frozen=True)
class Role:
    """A role named in the header. A ``fallback`` role is named only when no other one holds."""

    label: Any
    order: int
    holds: Callable[[Any], bool]
    fallback: bool = False


@dataclass
class Registry:
    entries: list[Entry] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    combined: dict[tuple[Select, ...], Select] = field(default_factory=dict)  # one statement per set of counts

    def add(self, *entries: Entry) -> None:
        for entry in entries:
            if entry.group != HOME and entry.group != ACCOUNT and entry.group not in GROUPS:
                raise ValueError(f"unknown navigation group {entry.group!r}")
            self.entries.append(entry)

    def add_roles(self, *roles: Role) -> None:
        self.roles.extend(roles)
        self.roles.sort(key=lambda r: r.order)

    def visible(self, user) -> list[Entry]:
        """The entries this user may open, in menu order (home, the groups in order, the user menu)."""
        if not user.is_authenticated:
            return []
        groups = [HOME, *GROUPS, ACCOUNT]
        shown = [e for e in self.entries if e.endpoint in current_app.view_functions and e.allowed(user)]
        return sorted(shown, key=lambda e: (groups.index(e.group), e.order))

    def role_labels(self, user) -> list[str]:
        if not user.is_authenticated:
            return []
        held = [str(r.label) for r in self.roles if not r.fallback and r.holds(user)]
        return held or [str(r.label) for r in self.roles if r.fallback and r.holds(user)][:1]


def registry(app: Flask | None = None) -> Registry:
    app = app or current_app
    return app.extensions.setdefault("navigation", Registry())


# ---------------------------------------------------------------------------------------------------------
# The menu of one page


class Crumb(NamedTuple):
    label: Any
    url: str
    endpoint: str | None = None  # set when the crumb is a menu entry: the page sits under that entry


@dataclass
class Link:
    entry: Entry
    url: str
    waiting: int = 0
    current: bool = False

    @property
    def label(self) -> Any:
        return self.entry.label


@dataclass
class Group:
    key: str
    label: Any
    links: list[Link]

    @property
    def waiting(self) -> int:
        return sum(link.waiting for link in self.links)

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


@dataclass
class Menu:
    home: list[Link]
    groups: list[Group]
    account: list[Link]
    roles: list[str]


def current_endpoint(endpoints: Iterable[str], endpoint: str | None, crumbs: Iterable[Crumb | None] = ()) -> str | None:
    """The menu entry a page belongs to: its own endpoint when that is an entry, else the first breadcrumb that is
    one (an SKP under "SKP Saya", a period under "Periode Kinerja")."""
    endpoints = set(endpoints)
    if endpoint in endpoints:
        return endpoint
    for crumb in crumbs or ():
        if crumb is not None and crumb.endpoint in endpoints:
            return crumb.endpoint
    return None


def waiting_counts(entries: Iterable[Entry], visit: Visit) -> dict[int, int]:
    """{index of the entry: what waits there}; the ``Count`` queries of all entries run as one statement."""
    counts: dict[int, int] = {}
    queries: list[tuple[int, Count]] = []
    for index, entry in enumerate(entries):
        if entry.waiting is None:
            continue
        value = entry.waiting(visit)
        if isinstance(value, Count):
            queries.append((index, value))
        else:
            counts[index] = int(value or 0)
    if queries:
        params: dict[str, Any] = {}
        for _index, count in queries:
            for name, value in count.params.items():
                if name in params and params[name] != value:
                    raise ValueError(f"two navigation counts bind {name!r} to different values")
                params[name] = value
        key = tuple(count.query for _index, count in queries)
        cache = registry().combined
        if key not in cache:
            cache[key] = select(*(query.scalar_subquery() for query in key))
        row = db.session.execute(cache[key], params).one()
        counts.update((index, int(value or 0)) for (index, _count), value in zip(queries, row, strict=True))
    return counts


def build_menu(user, endpoint: str | None, crumbs: Iterable[Crumb | None] = (), today=None) -> Menu | None:
    if not user.is_authenticated:
        return None
    reg = registry()
    entries = reg.visible(user)
    visit = Visit(user, today or local_today())
    current = current_endpoint((e.endpoint for e in entries), endpoint, crumbs)
    counts = waiting_counts(entries, visit)
    links = [Link(e, url_for(e.endpoint), counts.get(i, 0), e.endpoint == current) for i, e in enumerate(entries)]
    groups = [Group(key, label, [link for link in links if link.entry.group == key]) for key, label in GROUPS.items()]
    return Menu(home=[link for link in links if link.entry.group == HOME],
                groups=[g for g in groups if g.links],
                account=[link for link in links if link.entry.group == ACCOUNT],
                roles=reg.role_labels(user))


# ---------------------------------------------------------------------------------------------------------
# Template globals


def main_menu(crumbs: Iterable[Crumb | None] = ()) -> Menu | None:
    """The menu of the current page for the signed-in user (None when signed out)."""
    # the user object itself: the rights predicates ask it dozens of questions, each through the proxy otherwise
    return build_menu(current_user._get_current_object(), request.endpoint, crumbs)


def nav_crumb(endpoint: str, **values) -> Crumb | None:
    """A breadcrumb to a menu entry, named as in the menu; None when the user does not have that entry."""
    if not current_user.is_authenticated:
        return None
    for entry in registry().entries:
        if entry.endpoint == endpoint and entry.group not in (HOME, ACCOUNT) and entry.allowed(current_user):
            return Crumb(entry.label, url_for(endpoint, **values), endpoint)
    return None


def crumb(label: Any, url: str) -> Crumb:
    """A breadcrumb to a page that is not in the menu (a period, an SKP)."""
    return Crumb(label, url)


def init_app(app: Flask) -> None:
    registry(app)
    app.jinja_env.globals.update(main_menu=main_menu, nav_crumb=nav_crumb, crumb=crumb)
