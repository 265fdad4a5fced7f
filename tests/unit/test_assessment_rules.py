import pytest

from portal.assessment import rules
from portal.assessment.models import BUCKET_COMBINED, GROUP_OTHER, GROUP_PEER, GROUP_SUBORDINATE, GROUP_SUPERIOR


def hist(*scores):
    h = {}
    for s in scores:
        h = rules.add_answer(h, {1: s})
    return h


def test_add_answer_counts_scores_and_not_applicable():
    h = rules.add_answer({}, {1: 5, 2: None})
    h = rules.add_answer(h, {1: 3, 2: 4})
    assert h == {"1": [0, 0, 1, 0, 1, 0], "2": [0, 0, 0, 1, 0, 1]}
    with pytest.raises(ValueError):
        rules.add_answer(h, {1: 6})


def test_mean_excludes_not_applicable():
    assert rules.mean([0, 0, 1, 0, 1, 5]) == 4.0
    assert rules.mean([0, 0, 0, 0, 0, 3]) is None


@pytest.mark.parametrize("invited, expected", [
    (0, BUCKET_COMBINED), (1, BUCKET_COMBINED), (2, BUCKET_COMBINED), (3, GROUP_PEER), (4, GROUP_PEER)])
def test_storage_bucket_threshold(invited, expected):
    assert rules.storage_bucket(GROUP_PEER, {GROUP_PEER: invited}, 3) == expected


@pytest.mark.parametrize("answers, shown", [(0, False), (1, False), (2, False), (3, True), (4, True)])
def test_fold_group_alone(answers, shown):
    folded = rules.fold({GROUP_PEER: (answers, hist(*([4] * answers)))}, 3)
    assert bool([g for g in folded.shown if g.key == GROUP_PEER]) == shown
    if not shown:
        assert folded.hidden_responses == answers and not folded.shown


def test_small_groups_fold_into_combined_when_it_reaches_threshold():
    folded = rules.fold({GROUP_PEER: (3, hist(4, 4, 5)), GROUP_SUBORDINATE: (2, hist(2, 3)),
                         GROUP_OTHER: (1, hist(5))}, 3)
    keys = [g.key for g in folded.shown]
    assert keys == [GROUP_PEER, BUCKET_COMBINED]
    combined = folded.shown[1]
    assert combined.responses == 3 and rules.mean(combined.histogram["1"]) == pytest.approx(10 / 3)
    assert set(folded.folded_groups) == {GROUP_SUBORDINATE, GROUP_OTHER}


def test_small_groups_hidden_when_combined_too_small():
    folded = rules.fold({GROUP_SUBORDINATE: (1, hist(2)), GROUP_SUPERIOR: (1, hist(3))}, 3)
    assert folded.shown == [] and folded.hidden_responses == 2


def test_combined_bucket_counts_with_small_groups():
    folded = rules.fold({BUCKET_COMBINED: (2, hist(1, 2)), GROUP_OTHER: (1, hist(3))}, 3)
    assert [g.key for g in folded.shown] == [BUCKET_COMBINED] and folded.shown[0].responses == 3


LIMITS = rules.NominationLimits()


def test_nomination_limits():
    assert rules.nomination_problems({GROUP_PEER: 3}, LIMITS) == []
    assert rules.nomination_problems({GROUP_PEER: 2}, LIMITS)[0][1] == {"n": 3, "now": 2}
    assert len(rules.nomination_problems({GROUP_PEER: 9}, LIMITS)) == 1
    assert len(rules.nomination_problems({GROUP_PEER: 3, GROUP_SUPERIOR: 3}, LIMITS)) == 1


@pytest.mark.parametrize("small, ok", [({}, True), ({GROUP_SUPERIOR: 1}, False),
                                       ({GROUP_SUPERIOR: 1, GROUP_OTHER: 1}, False),
                                       ({GROUP_SUPERIOR: 1, GROUP_OTHER: 2}, True),
                                       ({GROUP_SUBORDINATE: 3}, True)])
def test_small_groups_must_reach_threshold_together(small, ok):
    problems = rules.nomination_problems({GROUP_PEER: 3, **small}, LIMITS)
    assert (problems == []) == ok


def test_largest_gaps():
    gaps = rules.largest_gaps({1: 5.0, 2: 3.0, 3: None}, {GROUP_PEER: {1: 2.5, 2: 3.5, 3: 4.0}, "penilai": {1: 4.0}})
    assert [(g.item_id, g.other_key) for g in gaps] == [(1, GROUP_PEER), (1, "penilai")]


def test_opaque_token_depends_on_secret_and_id():
    a = rules.opaque_token("s1", "completion", 1)
    assert a != rules.opaque_token("s2", "completion", 1) != rules.opaque_token("s1", "completion", 2)
    assert len(a) == 64 and a == rules.opaque_token("s1", "completion", 1)


# --- Buckets fixed at invitation, progress bands, releases (issue 8) ---------------------------------------


@pytest.mark.parametrize("existing, new, expected", [
    ({}, {GROUP_PEER: 3}, {GROUP_PEER: GROUP_PEER}),
    ({}, {GROUP_PEER: 2}, {GROUP_PEER: BUCKET_COMBINED}),
    ({GROUP_PEER: 3}, {GROUP_PEER: 1}, {GROUP_PEER: GROUP_PEER}),  # a late peer joins the group's own bucket
    ({GROUP_PEER: 2}, {GROUP_PEER: 1}, {GROUP_PEER: GROUP_PEER}),  # a replacement restores a shrunk bucket
    ({BUCKET_COMBINED: 2}, {GROUP_SUBORDINATE: 1}, {GROUP_SUBORDINATE: BUCKET_COMBINED}),
    ({}, {GROUP_PEER: 0}, {}),
])
def test_assign_buckets(existing, new, expected):
    assert rules.assign_buckets(existing, new, 3) == expected


@pytest.mark.parametrize("per_bucket, small", [
    ({GROUP_PEER: 3}, []),
    ({GROUP_PEER: 3, BUCKET_COMBINED: 1}, [BUCKET_COMBINED]),  # the combined bucket of one (issue 8, finding 4)
    ({GROUP_PEER: 3, BUCKET_COMBINED: 2}, [BUCKET_COMBINED]),
    ({GROUP_PEER: 3, BUCKET_COMBINED: 3}, []),
    ({GROUP_PEER: 2}, [GROUP_PEER]),  # a group bucket that shrank after a decline
    ({GROUP_PEER: 0, BUCKET_COMBINED: 0}, []),
])
def test_small_buckets(per_bucket, small):
    assert rules.small_buckets(per_bucket, 3) == small


def test_buckets_after_adds_the_new_raters_where_assigned():
    assignment = rules.assign_buckets({GROUP_PEER: 3}, {GROUP_PEER: 1, GROUP_OTHER: 2, GROUP_SUBORDINATE: 1}, 3)
    after = rules.buckets_after({GROUP_PEER: 3}, {GROUP_PEER: 1, GROUP_OTHER: 2, GROUP_SUBORDINATE: 1}, assignment)
    assert after == {GROUP_PEER: 4, BUCKET_COMBINED: 3}


@pytest.mark.parametrize("answered, band", [(0, 0), (1, 0), (2, 0), (3, 3), (4, 3), (5, 3), (6, 6), (8, 6)])
def test_answered_band_moves_only_in_steps_of_the_threshold(answered, band):
    assert rules.answered_band(answered, 3) == band


def test_answered_band_never_moves_by_one_answer():
    for threshold in (2, 3, 4, 5):
        steps = [n for n in range(1, 30) if rules.answered_band(n, threshold) != rules.answered_band(n - 1, threshold)]
        assert all(rules.answered_band(n, threshold) - rules.answered_band(n - 1, threshold) == threshold
                   for n in steps)


@pytest.mark.parametrize("live, released, expected", [
    ({GROUP_PEER: 3, BUCKET_COMBINED: 1}, None, {GROUP_PEER, BUCKET_COMBINED}),  # first release: everything
    ({GROUP_PEER: 0}, None, set()),
    ({GROUP_PEER: 4}, {GROUP_PEER: 3}, set()),  # one late answer: held
    ({GROUP_PEER: 5}, {GROUP_PEER: 3}, set()),  # two: held
    ({GROUP_PEER: 6}, {GROUP_PEER: 3}, {GROUP_PEER}),  # three: released together
    ({GROUP_PEER: 3, BUCKET_COMBINED: 2}, {GROUP_PEER: 3}, set()),  # a new bucket below the threshold: held
    ({GROUP_PEER: 3, BUCKET_COMBINED: 3}, {GROUP_PEER: 3}, {BUCKET_COMBINED}),
])
def test_buckets_to_release(live, released, expected):
    assert rules.buckets_to_release(live, released, 3) == expected
