"""The cascade of performance (kaskade kinerja): the tree of RHK of a unit, from its goals and its head down to
every employee, each RHK under the RHK Pimpinan yang Diintervensi it supports (DOMAIN.md section 3, step 1).

``build_cascade`` is a pure function over plain rows (tested on its own); ``load_cascade`` reads the rows of a
unit subtree in a fixed number of queries, whatever the number of employees.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, select

from portal.extensions import db
from portal.org.models import Employee, Position, Unit
from portal.org.rules import full_name
from portal.periods.models import Period
from portal.skp.models import RHK_UTAMA, ResultPlan, Skp, UnitGoal


@dataclass(frozen=True)
class GoalRow:
    """A unit goal (sasaran unit): the first level of the cascade."""

    id: int
    text: str
    unit_id: int | None = None
    unit_name: str = ""


@dataclass(frozen=True)
class RhkRow:
    """One RHK of an employee's current SKP, with what the cascade shows about its owner."""

    id: int
    text: str
    kind: str
    employee_id: int
    employee_name: str = ""
    jabatan: str = ""
    skp_id: int | None = None
    skp_status: str = ""
    parent_id: int | None = None
    unit_goal_id: int | None = None
    origin_id: int | None = None
    position: int = 0
    unit_name: str = ""


@dataclass
class Node:
    """A goal or an RHK in the tree, with the RHK that intervene it."""

    kind: str  # "goal" or "rhk"
    item: GoalRow | RhkRow
    children: list[Node] = field(default_factory=list)
    # An RHK whose link points outside the loaded rows (a superior in another unit, an inactive goal…).
    external: bool = False
    unsupported: bool = False  # a leader's RHK Utama (or a goal) that nobody intervenes
    orphan: bool = False  # an RHK with neither an RHK Pimpinan nor a unit goal
    lazy: bool = False  # the branch is too large to render in the page: its children load on demand

    @property
    def id(self) -> int:
        return self.item.id

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.item.id}"

    @property
    def size(self) -> int:
        """Number of RHK in this branch (below this node)."""
        return sum(1 + child.size for child in self.children)


@dataclass
class Cascade:
    roots: list[Node]
    unsupported: list[Node]  # RHK pimpinan yang belum diintervensi
    orphans: list[Node]  # RHK tanpa tautan
    unsupported_goals: list[Node]  # unit goals nobody links to
    external: list[Node]  # RHK linked to an RHK outside the unit (their superior sits elsewhere)

    @property
    def rhk_count(self) -> int:
        return sum(root.size + (1 if root.kind == "rhk" else 0) for root in self.roots)


def build_cascade(goals: Iterable[GoalRow], rhk_rows: Iterable[RhkRow], *,
                  leader_ids: Iterable[int] | None = None) -> Cascade:
    """Nest every RHK under the RHK it intervenes (``parent_id``) or the unit goal it supports (``unit_goal_id``).

    Roots are the goals, then the RHK whose link lies outside the rows (``external``), then the RHK without any
    link (``orphan``). A link to an RHK of an earlier version of the superior's SKP follows that RHK's
    ``origin_id`` to the current one. ``leader_ids`` are the employees who have subordinates: their RHK Utama
    that nobody intervenes are ``unsupported``; by default, the employees some row's owner reports to cannot be
    known here, so leaders are those whose RHK some other employee intervenes or who own a goal-linked RHK.
    """
    goals = list(goals)
    rows = list(rhk_rows)
    goal_nodes = {goal.id: Node("goal", goal) for goal in goals}
    rhk_nodes = {row.id: Node("rhk", row) for row in rows}
    by_origin = {row.origin_id: row.id for row in rows if row.origin_id is not None}

    def resolve_parent(parent_id: int) -> int | None:
        if parent_id in rhk_nodes:
            return parent_id
        return by_origin.get(parent_id)

    roots_external: list[Node] = []
    orphans: list[Node] = []
    attached: set[int] = set()
    for row in rows:
        node = rhk_nodes[row.id]
        parent_id = resolve_parent(row.parent_id) if row.parent_id is not None else None
        if parent_id is not None and parent_id != row.id:
            rhk_nodes[parent_id].children.append(node)
            attached.add(row.id)
        elif row.parent_id is None and row.unit_goal_id is not None and row.unit_goal_id in goal_nodes:
            goal_nodes[row.unit_goal_id].children.append(node)
            attached.add(row.id)
        elif row.parent_id is not None or row.unit_goal_id is not None:
            node.external = True
            roots_external.append(node)
        else:
            node.orphan = True
            orphans.append(node)

    roots = [goal_nodes[goal.id] for goal in goals] + roots_external + orphans
    # Links that form a loop (bad data) would hide their RHK: show every unreachable RHK as a root.
    reached: set[int] = set()
    stack = [node for node in roots if node.kind == "rhk"] + [c for g in goal_nodes.values() for c in g.children]
    while stack:
        node = stack.pop()
        if node.id in reached:
            continue
        reached.add(node.id)
        stack.extend(node.children)
    for row in rows:
        if row.id not in reached:
            node = rhk_nodes[row.id]
            _detach(node, rhk_nodes.values())
            node.external = True
            roots.append(node)
            roots_external.append(node)
            reached.add(row.id)
            stack = list(node.children)
            while stack:
                child = stack.pop()
                if child.id not in reached:
                    reached.add(child.id)
                    stack.extend(child.children)

    if leader_ids is None:
        owner_of = {row.id: row.employee_id for row in rows}
        leaders = {owner_of[p] for row in rows if row.parent_id is not None
                   for p in [resolve_parent(row.parent_id)] if p is not None and owner_of[p] != row.employee_id}
    else:
        leaders = set(leader_ids)
    unsupported = []
    for row in rows:
        node = rhk_nodes[row.id]
        if row.employee_id in leaders and row.kind == RHK_UTAMA and not node.children:
            node.unsupported = True
            unsupported.append(node)
    unsupported_goals = [node for node in goal_nodes.values() if not node.children]
    for node in unsupported_goals:
        node.unsupported = True
    return Cascade(roots=roots, unsupported=unsupported, orphans=orphans, unsupported_goals=unsupported_goals,
                   external=roots_external)


def find_node(roots: Iterable[Node], kind: str, node_id: int) -> Node | None:
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node.kind == kind and node.id == node_id:
            return node
        stack.extend(node.children)
    return None


def limit_rendering(roots: list[Node], budget: int) -> set[str]:
    """Keep a page usable for a unit of any size: render the tree level by level while the number of nodes stays
    within ``budget``; the nodes of the last rendered level keep their children for a request of their own
    (``lazy``). Returns the keys ("rhk-12", "goal-3") of the nodes rendered."""
    level = list(roots)
    rendered = {node.key for node in level}
    while level:
        below = [child for node in level for child in node.children]
        if not below:
            break
        if len(rendered) + len(below) > budget:
            for node in level:
                node.lazy = bool(node.children)
            break
        rendered.update(node.key for node in below)
        level = below
    return rendered


def _detach(node: Node, candidates) -> None:
    for candidate in candidates:
        if node in candidate.children:
            candidate.children.remove(node)


# ---------------------------------------------------------------------------------------------------------
# Loading (a fixed number of queries: rows, goals, leaders, outside parents, employees without an SKP)


@dataclass
class CascadeData:
    cascade: Cascade
    outside_parents: dict[int, RhkRow]  # the RHK outside the unit that external RHK intervene
    without_skp: list[tuple[int, str, str]]  # (employee id, name, jabatan) of employees with no current SKP
    employee_count: int


def _subtree(unit: Unit):
    return Unit.path.startswith(unit.path, autoescape=True)


def _rhk_select():
    return (
        select(ResultPlan.id, ResultPlan.text, ResultPlan.kind, ResultPlan.parent_id, ResultPlan.unit_goal_id,
               ResultPlan.origin_id, ResultPlan.position, Skp.id, Skp.status, Employee.id, Employee.gelar_depan,
               Employee.nama, Employee.gelar_belakang, Position.name, Unit.name)
        .join(Skp, Skp.id == ResultPlan.skp_id)
        .join(Employee, Employee.id == Skp.employee_id)
        .join(Unit, Unit.id == Employee.unit_id)
        .outerjoin(Position, Position.id == Employee.position_id)
    )


def _rhk_row(row) -> RhkRow:
    (rhk_id, text, kind, parent_id, unit_goal_id, origin_id, position, skp_id, status, employee_id, gelar_depan,
     nama, gelar_belakang, jabatan, unit_name) = row
    return RhkRow(id=rhk_id, text=text, kind=kind, parent_id=parent_id, unit_goal_id=unit_goal_id,
                  origin_id=origin_id, position=position, skp_id=skp_id, skp_status=status,
                  employee_id=employee_id, employee_name=full_name(gelar_depan, nama, gelar_belakang),
                  jabatan=jabatan or "", unit_name=unit_name or "")


def load_cascade(unit: Unit, period: Period) -> CascadeData:
    """The cascade of ``unit`` and its sub-units for ``period``: every active employee's current SKP RHK."""
    in_subtree = and_(_subtree(unit), Employee.active.is_(True))
    rows = [_rhk_row(r) for r in db.session.execute(
        _rhk_select()
        .where(Skp.period_id == period.id, Skp.is_current.is_(True), in_subtree)
        .order_by(Unit.depth, Position.is_head.desc(), Employee.nama, Employee.id, ResultPlan.kind.desc(),
                  ResultPlan.position, ResultPlan.id)
    )]
    goals = [GoalRow(id=g_id, text=text, unit_id=unit_id, unit_name=unit_name) for g_id, text, unit_id, unit_name
             in db.session.execute(
                 select(UnitGoal.id, UnitGoal.text, UnitGoal.unit_id, Unit.name)
                 .join(Unit, Unit.id == UnitGoal.unit_id)
                 .where(UnitGoal.period_id == period.id, UnitGoal.active.is_(True), _subtree(unit))
                 .order_by(Unit.depth, Unit.name, UnitGoal.position, UnitGoal.id))]
    # Leaders: employees of the subtree whom some active employee reports to (superior or delegated assessor).
    subordinate = db.aliased(Employee)
    leader_ids = set(db.session.scalars(
        select(Employee.id).join(Unit, Unit.id == Employee.unit_id).where(
            in_subtree,
            exists().where(subordinate.active.is_(True),
                           (subordinate.superior_id == Employee.id) | (subordinate.assessor_id == Employee.id)),
        )
    ))
    cascade = build_cascade(goals, rows, leader_ids=leader_ids)

    outside_ids = {node.item.parent_id for node in cascade.external if node.item.parent_id is not None}
    outside_parents: dict[int, RhkRow] = {}
    if outside_ids:
        outside_parents = {row.id: row for row in map(_rhk_row, db.session.execute(
            _rhk_select().where(ResultPlan.id.in_(outside_ids))))}

    # Two flat queries instead of a correlated EXISTS per employee (which degrades badly at 20,000 employees).
    with_skp = set(db.session.scalars(
        select(Skp.employee_id).join(Employee, Employee.id == Skp.employee_id).join(Unit, Unit.id == Employee.unit_id)
        .where(Skp.period_id == period.id, Skp.is_current.is_(True), in_subtree)
    ))
    people = db.session.execute(
        select(Employee.id, Employee.gelar_depan, Employee.nama, Employee.gelar_belakang, Position.name)
        .join(Unit, Unit.id == Employee.unit_id)
        .outerjoin(Position, Position.id == Employee.position_id)
        .where(in_subtree)
        .order_by(Unit.depth, Employee.nama, Employee.id)
    ).all()
    without_skp = [(emp_id, full_name(gd, nama, gb), jabatan or "")
                   for emp_id, gd, nama, gb, jabatan in people if emp_id not in with_skp]
    return CascadeData(cascade=cascade, outside_parents=outside_parents, without_skp=without_skp,
                       employee_count=len(people))
