"""Pure rules of the dashboards: summing the counts of units into the rows shown (an OPD holds all the units below
it), the share of a count, and the groups of numbers each dashboard shows. No Flask, no database
(tests/unit/test_monitoring_rules.py).

The counting itself is SQL (one GROUP BY per dashboard, per unit); what is summed here is one row per unit - a few
hundred in a regency of 20,000 employees - never one per employee."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UnitRef:
    id: int
    path: str  # "/1/5/12/"
    name: str
    depth: int = 0

    @property
    def lineage(self) -> list[int]:
        """Its own id and every unit above it, nearest first."""
        return [int(p) for p in reversed(self.path.strip("/").split("/")) if p]


def add(into: dict[str, int], values: Mapping[str, int]) -> dict[str, int]:
    for key, value in values.items():
        into[key] = into.get(key, 0) + int(value or 0)
    return into


def roll_up(counts: Mapping[int, Mapping[str, int]], units: Mapping[int, UnitRef],
            targets: Iterable[int]) -> dict[int, dict[str, int]]:
    """The counts per unit summed into the target units that hold them (a target holds itself and every unit below
    it; counts of a unit under no target are left out). Targets must not hold one another."""
    wanted = list(targets)
    result: dict[int, dict[str, int]] = {t: {} for t in wanted}
    target_set = set(wanted)
    for unit_id, values in counts.items():
        unit = units.get(unit_id)
        lineage = unit.lineage if unit is not None else [unit_id]
        holder = next((uid for uid in lineage if uid in target_set), None)
        if holder is not None:
            add(result[holder], values)
    return result


def total(rows: Iterable[Mapping[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for values in rows:
        add(out, values)
    return out


def share(count: int, whole: int) -> float:
    return 100.0 * count / whole if whole else 0.0


@dataclass
class Line:
    """One row of a dashboard table: a unit (or the unit's own staff, or a team), its numbers, and whether it can be
    opened as a dashboard of its own."""

    label: str
    unit_id: int | None
    values: dict[str, int] = field(default_factory=dict)
    direct: bool = False  # the unit's own staff, without the units below
    opens: bool = False  # a unit with units below: a dashboard of its own


def lines(order: Sequence[UnitRef], counts: Mapping[int, Mapping[str, int]], *,
          direct: tuple[UnitRef, Mapping[str, int], str] | None = None, has_children: Iterable[int] = ()) -> list[Line]:
    """The table's rows in ``order``; first, when given and not empty, the unit's own staff (``direct``: the
    unit, its own counts, the row's label)."""
    parents = set(has_children)
    out = []
    if direct is not None and any(direct[1].values()):
        unit, values, label = direct
        out.append(Line(label, unit.id, dict(values), direct=True))
    for unit in order:
        out.append(Line(unit.name, unit.id, dict(counts.get(unit.id, {})), opens=unit.id in parents))
    return out
