"""results_services without HTTP: aggregation per group, folding, comments, gaps, and the assessor's input rules."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from portal.assessment import results_services as services
from portal.assessment.models import BUCKET_COMBINED, GROUP_PEER, GROUP_SUBORDINATE, GROUP_SUPERIOR, AssessorInput
from portal.core.audit import AuditLog
from portal.core.errors import DomainError
from portal.core.timeutil import utcnow
from portal.extensions import db
from tests.views.test_results import OPEN, TODAY, add_assessor_input, add_bucket, add_self, make_world, uniform


@pytest.fixture
def world():
    return make_world()


def load(world):
    """Release the window's buckets (it has closed) and load what the results page shows."""
    from portal.assessment import release

    return services.load_results(world.subject, world.phase, release.release_results(world.subject, world.phase,
                                                                                     TODAY))


def first_scores(results) -> dict:
    return results.values[0].guides[0].scores


def test_each_group_mean_per_item(world):
    add_bucket(world, GROUP_PEER, [uniform(world, 5), uniform(world, 4), uniform(world, 3)])
    add_bucket(world, GROUP_SUPERIOR, [uniform(world, 2)] * 3)
    results = load(world)
    assert [(g.key, g.responses) for g in results.groups] == [(GROUP_SUPERIOR, 3), (GROUP_PEER, 3)]
    assert first_scores(results) == {"diri": None, GROUP_SUPERIOR: 2.0, GROUP_PEER: 4.0}
    assert results.values[0].averages[GROUP_PEER] == 4.0
    assert [s.key for s in results.series] == ["diri", GROUP_SUPERIOR, GROUP_PEER]
    assert len(results.values) == 7 and all(len(v.guides) == 3 for v in results.values)


@pytest.mark.parametrize("subordinates, shown, notes", [
    (0, [GROUP_PEER], 0),
    (1, [GROUP_PEER], 1),
    (2, [GROUP_PEER], 1),
    (3, [GROUP_PEER, GROUP_SUBORDINATE], 0),
    (4, [GROUP_PEER, GROUP_SUBORDINATE], 0),
])
def test_subordinate_group_folding_at_0_to_4_answers(world, subordinates, shown, notes):
    add_bucket(world, GROUP_PEER, [uniform(world, 4)] * 3)
    if subordinates:
        add_bucket(world, GROUP_SUBORDINATE, [uniform(world, 1)] * subordinates, keep=["dari bawahan"])
    results = load(world)
    assert [g.key for g in results.groups] == shown
    assert len(results.notes) == notes
    assert ("dari bawahan" in results.comments_keep) is (GROUP_SUBORDINATE in shown)
    if notes:
        assert "kurang dari 3" in results.notes[0] and str(subordinates) + " " not in results.notes[0]


def test_combined_group_merges_small_buckets(world):
    add_bucket(world, GROUP_PEER, [uniform(world, 5)] * 2, keep=["a"])
    add_bucket(world, BUCKET_COMBINED, [uniform(world, 2)], keep=["b"])
    results = load(world)
    assert [(g.key, g.responses) for g in results.groups] == [(BUCKET_COMBINED, 3)]
    assert first_scores(results)[BUCKET_COMBINED] == 4.0
    assert sorted(results.comments_keep) == ["a", "b"]


def test_threshold_setting_is_respected(world):
    from portal.assessment import common

    common.settings_for(world.period).anonymity_threshold = 5
    db.session.commit()
    add_bucket(world, GROUP_PEER, [uniform(world, 4)] * 4)
    results = load(world)
    assert results.groups == [] and results.threshold == 5
    assert "kurang dari 5" in results.notes[0]


def test_gaps_self_against_groups_and_assessor(world):
    item = world.items[4]
    mine = uniform(world, 3)
    mine[item.id] = 5
    add_self(world, mine)
    add_bucket(world, GROUP_PEER, [uniform(world, 3)] * 3)
    add_assessor_input(world, uniform(world, 3))
    results = load(world)
    assert [(g.item.id, g.other_label, g.size) for g in results.gaps] == [
        (item.id, "Pejabat Penilai Kinerja: Budi Penilai", 2.0), (item.id, "Rekan kerja setingkat", 2.0)]
    assert results.gaps[0].value_name == "Akuntabel"


def test_save_assessor_input_rules():
    world = make_world(window=OPEN)
    assessor = world.users["assessor"]
    with pytest.raises(DomainError):
        services.save_assessor_input(world.subject, world.phase, actor=world.users["colleague"], scores={},
                                     comment_keep="", comment_improve="", submit=False, today=TODAY, now=utcnow())
    with pytest.raises(DomainError):
        services.save_assessor_input(world.subject, world.phase, actor=assessor, scores={world.items[0].id: 7},
                                     comment_keep="", comment_improve="", submit=False, today=TODAY, now=utcnow())
    with pytest.raises(DomainError):
        services.save_assessor_input(world.subject, world.phase, actor=assessor, scores={}, comment_keep="",
                                     comment_improve="", submit=True, today=TODAY, now=utcnow())
    row = services.save_assessor_input(world.subject, world.phase, actor=assessor,
                                       scores={item.id: None for item in world.items}, comment_keep=" baik ",
                                       comment_improve="", submit=True, today=TODAY, now=utcnow())
    db.session.commit()
    assert row.submitted_at is not None and row.comment_keep == "baik"
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.object_type == "assessor_input")) == \
        "assessment.assessor_input_submit"


def test_save_assessor_input_refused_outside_the_window(world):
    for day in (world.phase.closes_on + dt.timedelta(days=1), world.phase.opens_on - dt.timedelta(days=1)):
        with pytest.raises(DomainError):
            services.save_assessor_input(world.subject, world.phase, actor=world.users["assessor"], scores={},
                                         comment_keep="", comment_improve="", submit=False, today=day, now=utcnow())
    assert db.session.scalar(select(AssessorInput)) is None


def test_shuffled_does_not_change_the_input():
    items = [1, 2, 3]
    result = services.shuffled(items)
    assert items == [1, 2, 3] and sorted(result) == [1, 2, 3]
