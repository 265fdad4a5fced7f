"""Finding a person from what a user types: a name, an NIP (whole, with or without spaces, or its first digits)
or the name of a unit. One ranking serves the live people picker (``GET /orang/cari``) and the forms submitted
without JavaScript (``PersonField``), so that both show the same people in the same order.

Only active employees are found, with the org chart's public facts (name, NIP, jabatan, unit: every signed-in user
sees them, ``permissions.can_view_org_chart``). Who may then be *chosen* for a task is decided by the service of
that task (a rater, an assessor, a superior), never here.

Ranking, best first: the exact NIP, an NIP that starts with the typed digits, a name (without gelar) that starts
with the text, a name (with gelar) that contains every typed word, and last the people of a unit whose name
contains the text; then by name. One query of at most ``LIMIT + 1`` rows: a typed NIP is a range on the unique
NIP index; a name is one pass over ``Employee.search_text`` (lower-cased name and NIP), the same column the
employee list searches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select, union
from sqlalchemy.orm import contains_eager

from portal.extensions import db
from portal.org.models import Employee, Position, Unit

LIMIT = 10  # people shown at most; more means "ketik lebih spesifik"
MIN_LETTERS = 3  # a name or unit needs at least this many characters (fewer match most of the regency)
MAX_QUERY = 100  # characters read from what was typed
NIP_LENGTH = 18

_SEPARATORS = re.compile(r"[\s.\-]+")

# Outcomes of resolve_person
EMPTY = "empty"  # nothing typed
SHORT = "short"  # too short to search
NONE = "none"  # nobody matches
ONE = "one"  # exactly one person: the form may proceed
SEVERAL = "several"  # the user has to pick one


@dataclass(frozen=True)
class Query:
    """What was typed, normalised: ``text`` lower-cased with single spaces; ``digits`` when it is an NIP or the
    beginning of one (spaces, dots and dashes dropped), else empty."""

    text: str
    digits: str

    @property
    def words(self) -> list[str]:
        return self.text.split()

    @property
    def searchable(self) -> bool:
        if self.digits:
            return len(self.digits) <= NIP_LENGTH
        return len(self.text) >= MIN_LETTERS

    @property
    def too_short(self) -> bool:
        return bool(self.text) and not self.digits and len(self.text) < MIN_LETTERS


def parse_query(raw: str | None) -> Query:
    """Normalise typed text (pure)."""
    text = " ".join((raw or "")[:MAX_QUERY].split()).lower()
    compact = _SEPARATORS.sub("", text)
    return Query(text=text, digits=compact if compact.isdigit() else "")


def text_matches(query: Query, *, nip: str, search_text: str, unit_name: str) -> bool:
    """Whether a person is among those ``query`` finds (the criteria of ``search_people``, in Python; pure).

    Used to keep a person chosen earlier (the picker's hidden id, a radio button) only while the typed text still
    designates them."""
    if not query.text:
        return False
    if query.digits:
        return nip.startswith(query.digits)
    return all(word in search_text for word in query.words) or query.text in unit_name.lower()


def _statement(query: Query, limit: int):
    stmt = (
        select(Employee)
        .join(Unit, Unit.id == Employee.unit_id)
        .outerjoin(Position, Position.id == Employee.position_id)
        .options(contains_eager(Employee.unit), contains_eager(Employee.position))
        .where(Employee.active.is_(True))
    )
    if query.digits:
        # A range on the unique NIP index (NIPs are 18 digits), read in index order: indexed on SQLite and
        # PostgreSQL in any collation, which LIKE 'digits%' is not. The exact NIP is the only match of 18 digits.
        low, high = query.digits.ljust(NIP_LENGTH, "0"), query.digits.ljust(NIP_LENGTH, "9")
        return stmt.where(Employee.nip.between(low, high)).order_by(Employee.nip).limit(limit + 1)
    # The candidates from the narrow search_text index (SQLite scans the index, not the wide table rows) and the
    # employees of matching units; ranked as narrow (id, rank) rows, of which only the best are then read in full
    # with their unit and position (a common name matches thousands).
    in_name = and_(*[Employee.search_text.contains(word, autoescape=True) for word in query.words])
    units = select(Unit.id).where(func.lower(Unit.name).contains(query.text, autoescape=True))
    candidates = union(select(Employee.id).where(in_name),
                       select(Employee.id).where(Employee.unit_id.in_(units)))
    rank = case((func.lower(Employee.nama).startswith(query.text, autoescape=True), 2), (in_name, 3), else_=4)
    best = (select(Employee.id, rank.label("rank"))
            .where(Employee.active.is_(True), Employee.id.in_(candidates))
            .order_by(rank, Employee.nama, Employee.id).limit(limit + 1).subquery())
    return stmt.join(best, best.c.id == Employee.id).order_by(best.c.rank, Employee.nama, Employee.id)


@dataclass
class Found:
    """The people a query finds, best first (at most the limit), and whether there are more."""

    query: Query
    people: list[Employee] = field(default_factory=list)
    more: bool = False


def search_people(raw: str | Query | None, limit: int = LIMIT) -> Found:
    """Active employees matching what was typed, ranked (see the module docstring). One query, or none when the
    text is empty or too short."""
    query = raw if isinstance(raw, Query) else parse_query(raw)
    if not query.searchable:
        return Found(query)
    rows = list(db.session.scalars(_statement(query, limit)).unique())
    return Found(query, rows[:limit], len(rows) > limit)


@dataclass
class Resolution:
    """What a typed text designates: ``person`` when it is exactly one active employee (``status`` ONE), else the
    candidates to pick from (``matches``, ``more``) or why there are none (EMPTY, SHORT, NONE)."""

    status: str
    person: Employee | None = None
    matches: list[Employee] = field(default_factory=list)
    more: bool = False


def resolve_person(raw: str | None, limit: int = LIMIT) -> Resolution:
    """One person, several or none for a text typed without the live picker (the same ranking as the picker)."""
    query = parse_query(raw)
    if not query.text:
        return Resolution(EMPTY)
    if query.too_short:
        return Resolution(SHORT)
    found = search_people(query, limit)
    if not found.people:
        return Resolution(NONE)
    first = found.people[0]
    if (query.digits and first.nip == query.digits) or (len(found.people) == 1 and not found.more):
        return Resolution(ONE, person=first)
    return Resolution(SEVERAL, matches=found.people, more=found.more)


def load_person(employee_id: int) -> Employee | None:
    """An employee by id with their unit and position (one query), active or not: a chosen person's card shows
    them, and the task's service decides whether they may be chosen."""
    return db.session.scalars(
        select(Employee).join(Unit, Unit.id == Employee.unit_id)
        .outerjoin(Position, Position.id == Employee.position_id)
        .options(contains_eager(Employee.unit), contains_eager(Employee.position))
        .where(Employee.id == employee_id)
    ).unique().first()
