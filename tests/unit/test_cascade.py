"""The cascade tree (portal/skp/cascade.py build_cascade): pure, no database."""

from __future__ import annotations

from portal.skp.cascade import GoalRow, RhkRow, build_cascade


def rhk(id, employee, parent=None, goal=None, kind="utama", origin=None):
    return RhkRow(id=id, text=f"RHK {id}", kind=kind, employee_id=employee, employee_name=f"Pegawai {employee}",
                  parent_id=parent, unit_goal_id=goal, origin_id=origin)


def ids(nodes):
    return [n.id for n in nodes]


def find(nodes, kind, id):
    for node in nodes:
        if node.kind == kind and node.id == id:
            return node
        found = find(node.children, kind, id)
        if found:
            return found
    return None


def test_goals_are_roots_and_rhk_nest_under_what_they_intervene():
    goals = [GoalRow(1, "Sasaran 1"), GoalRow(2, "Sasaran 2")]
    rows = [
        rhk(10, employee=1, goal=1),  # the head supports goal 1
        rhk(11, employee=1, goal=2),
        rhk(20, employee=2, parent=10),  # a kepala bidang intervenes the head's RHK 10
        rhk(30, employee=3, parent=20),  # a staff member intervenes the kepala bidang's RHK
        rhk(31, employee=3, parent=20, kind="tambahan"),
    ]
    result = build_cascade(goals, rows)
    assert [(n.kind, n.id) for n in result.roots] == [("goal", 1), ("goal", 2)]
    goal1 = result.roots[0]
    assert ids(goal1.children) == [10]
    assert ids(goal1.children[0].children) == [20]
    assert ids(goal1.children[0].children[0].children) == [30, 31]
    assert ids(result.roots[1].children) == [11]
    assert goal1.size == 4
    assert result.rhk_count == 5
    assert result.orphans == [] and result.external == []


def test_unsupported_superior_rhk_are_flagged():
    rows = [
        rhk(10, employee=1, goal=1),
        rhk(11, employee=1, goal=1),  # nobody intervenes this one
        rhk(12, employee=1, goal=1, kind="tambahan"),  # a Tambahan RHK is not expected to cascade
        rhk(20, employee=2, parent=10),  # employee 2 has no subordinates: its RHK are leaves, not "unsupported"
    ]
    result = build_cascade([GoalRow(1, "S")], rows)
    assert ids(result.unsupported) == [11]
    assert find(result.roots, "rhk", 11).unsupported is True
    assert find(result.roots, "rhk", 20).unsupported is False


def test_leader_ids_mark_leaders_whose_subordinates_link_nothing_yet():
    rows = [rhk(10, employee=1, goal=1), rhk(20, employee=2, parent=10)]
    result = build_cascade([GoalRow(1, "S")], rows, leader_ids={1, 2})
    # Employee 2 leads a team (leader_ids) but nobody intervenes RHK 20 yet.
    assert ids(result.unsupported) == [20]


def test_goals_without_support_are_listed():
    result = build_cascade([GoalRow(1, "S1"), GoalRow(2, "S2")], [rhk(10, employee=1, goal=1)])
    assert ids(result.unsupported_goals) == [2]
    assert result.roots[1].unsupported is True


def test_orphans_have_neither_parent_nor_goal_and_keep_their_branch():
    rows = [rhk(10, employee=1), rhk(20, employee=2, parent=10), rhk(21, employee=2)]
    result = build_cascade([], rows)
    assert ids(result.orphans) == [10, 21]
    assert ids(result.roots) == [10, 21]
    assert ids(result.roots[0].children) == [20]
    assert result.roots[0].orphan and not result.roots[0].children[0].orphan


def test_superior_outside_the_unit_makes_an_external_root():
    # A kepala bidang (the unit's head) intervenes RHK 5 of the kepala dinas, who is outside this unit.
    rows = [rhk(10, employee=1, parent=5), rhk(20, employee=2, parent=10)]
    result = build_cascade([], rows)
    assert ids(result.roots) == [10]
    assert result.roots[0].external is True
    assert ids(result.external) == [10]
    assert ids(result.roots[0].children) == [20]
    assert result.orphans == []


def test_link_to_an_inactive_or_foreign_goal_is_external():
    result = build_cascade([GoalRow(1, "S")], [rhk(10, employee=1, goal=99)])
    assert ids(result.external) == [10]
    assert result.roots[1].external is True


def test_link_to_an_earlier_version_follows_origin():
    # The superior revised the SKP: RHK 10 (old version) became RHK 15 (current, origin 10).
    rows = [rhk(15, employee=1, goal=1, origin=10), rhk(20, employee=2, parent=10)]
    result = build_cascade([GoalRow(1, "S")], rows)
    assert ids(result.roots[0].children[0].children) == [20]
    assert result.external == []


def test_a_loop_in_bad_data_does_not_hide_rhk():
    rows = [rhk(10, employee=1, parent=20), rhk(20, employee=2, parent=10)]
    result = build_cascade([], rows)
    seen = set()

    def walk(nodes):
        for node in nodes:
            assert node.id not in seen
            seen.add(node.id)
            walk(node.children)

    walk(result.roots)
    assert seen == {10, 20}


def test_empty():
    result = build_cascade([], [])
    assert result.roots == [] and result.unsupported == [] and result.orphans == [] and result.rhk_count == 0


def test_limit_rendering_renders_whole_levels_within_the_budget():
    from portal.skp.cascade import find_node, limit_rendering

    rows = [rhk(10, employee=1, goal=1)]
    rows += [rhk(20 + i, employee=2 + i, parent=10) for i in range(3)]  # level 2: three kabid RHK
    rows += [rhk(100 + i, employee=10 + i, parent=20 + i % 3) for i in range(9)]  # level 3: nine staff RHK
    result = build_cascade([GoalRow(1, "S")], rows)
    assert limit_rendering(result.roots, budget=100) == {"goal-1", "rhk-10", "rhk-20", "rhk-21", "rhk-22"} | {
        f"rhk-{100 + i}" for i in range(9)}
    assert not any(n.lazy for n in [result.roots[0], find_node(result.roots, "rhk", 20)])

    result = build_cascade([GoalRow(1, "S")], rows)
    rendered = limit_rendering(result.roots, budget=6)
    assert rendered == {"goal-1", "rhk-10", "rhk-20", "rhk-21", "rhk-22"}
    assert [find_node(result.roots, "rhk", 20 + i).lazy for i in range(3)] == [True, True, True]
    assert find_node(result.roots, "rhk", 10).lazy is False
    assert find_node(result.roots, "rhk", 100).lazy is False  # a leaf is never lazy
    assert find_node(result.roots, "goal", 1) is result.roots[0]
    assert find_node(result.roots, "rhk", 999) is None
