"""Pure rules of the 360 input (DOMAIN.md section 6, policy): where an answer is stored, which groups may be
shown, means without "tidak dapat menilai", nomination limits, and perception gaps. No Flask, no database."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from portal.assessment.models import (
    BUCKET_COMBINED,
    GROUP_OTHER,
    GROUP_PEER,
    GROUP_SUBORDINATE,
    GROUP_SUPERIOR,
    GROUPS,
)

SCALE = (1, 2, 3, 4, 5)
NOT_APPLICABLE = None  # "tidak dapat menilai"
HISTOGRAM_SLOTS = 6  # counts of 1..5, then of "tidak dapat menilai"


def opaque_token(secret: str, purpose: str, nomination_id: int) -> str:
    """HMAC-SHA256 of the nomination id: matches a nomination only for who holds the application's secret key."""
    return hmac.new(secret.encode(), f"{purpose}:{nomination_id}".encode(), hashlib.sha256).hexdigest()


def storage_bucket(group: str, invited_per_group: Mapping[str, int], threshold: int) -> str:
    """The bucket an answer is stored in: its own group when that group has at least ``threshold`` invited
    raters, else the combined bucket. So no stored bucket ever stands for fewer than ``threshold`` possible
    authors (provided the nomination rules hold)."""
    if invited_per_group.get(group, 0) >= threshold:
        return group
    return BUCKET_COMBINED


def assign_buckets(active_per_bucket: Mapping[str, int], new_per_group: Mapping[str, int],
                   threshold: int) -> dict[str, str]:
    """The storage bucket of the raters about to be invited, per group. A group's new raters join the group's
    own bucket when that bucket will hold at least ``threshold`` invited raters with them (the raters already in
    it included), else the combined bucket. The bucket is fixed per invitation: it never depends on answers."""
    return {group: (group if active_per_bucket.get(group, 0) + count >= threshold else BUCKET_COMBINED)
            for group, count in new_per_group.items() if count > 0}


def buckets_after(active_per_bucket: Mapping[str, int], new_per_group: Mapping[str, int],
                  assignment: Mapping[str, str]) -> dict[str, int]:
    """Invited raters per bucket once the new raters are invited into their assigned buckets."""
    after = {key: n for key, n in active_per_bucket.items() if n > 0}
    for group, count in new_per_group.items():
        if count > 0:
            after[assignment[group]] = after.get(assignment[group], 0) + count
    return after


def small_buckets(per_bucket: Mapping[str, int], threshold: int) -> list[str]:
    """Buckets whose invited raters are fewer than the threshold (but not none): their answers could never
    reach the threshold, so they would point at one or two people. Invitations into such a set are refused, and
    submissions into such a bucket wait (e.g. after a decline) until the assessor invites a replacement."""
    return [key for key in (*GROUPS, BUCKET_COMBINED) if 0 < per_bucket.get(key, 0) < threshold]


def answered_band(answered: int, threshold: int) -> int:
    """How many answers a progress count may show: the count rounded down to a multiple of the anonymity
    threshold (0 means "fewer than the threshold"). So a count never moves by one answer: it moves only once
    ``threshold`` more raters have answered, and cannot single out the rater who just answered."""
    if threshold <= 1:
        return answered
    return (answered // threshold) * threshold


def buckets_to_release(live: Mapping[str, int], released: Mapping[str, int] | None, threshold: int) -> set[str]:
    """Which buckets a (re)release of a window's 360 results snapshots, given the live and the last released
    response counts per bucket (None: nothing released yet).

    The first release, when the window closes for the employee, freezes every bucket as it is. Answers that
    arrive later (in a reopening) are held: a bucket is released again only once at least ``threshold`` answers
    arrived since its last release, so that comparing two releases never isolates fewer than ``threshold``
    answers (the difference of two releases is itself an aggregate of at least ``threshold`` raters)."""
    if released is None:
        return {key for key, n in live.items() if n > 0}
    return {key for key, n in live.items() if n - released.get(key, 0) >= threshold}


def add_answer(histogram: dict, scores: Mapping[int | str, int | None]) -> dict:
    """A new histogram with one questionnaire added. ``scores`` maps item id -> 1..5 or None (tidak dapat menilai)."""
    result = {key: list(value) for key, value in histogram.items()}
    for item_id, score in scores.items():
        counts = result.setdefault(str(item_id), [0] * HISTOGRAM_SLOTS)
        if score is None:
            counts[5] += 1
        elif score in SCALE:
            counts[score - 1] += 1
        else:
            raise ValueError(f"score out of range: {score!r}")
    return result


def merge_histograms(histograms: Iterable[dict]) -> dict:
    merged: dict[str, list[int]] = {}
    for histogram in histograms:
        for item_id, counts in histogram.items():
            target = merged.setdefault(str(item_id), [0] * HISTOGRAM_SLOTS)
            for i, count in enumerate(counts):
                target[i] += count
    return merged


def mean(counts: list[int]) -> float | None:
    """Mean of the 1–5 scores; "tidak dapat menilai" is excluded. None when nobody could rate."""
    rated = sum(counts[:5])
    if not rated:
        return None
    return sum(score * counts[score - 1] for score in SCALE) / rated


@dataclass(frozen=True)
class ShownGroup:
    key: str  # a group, or BUCKET_COMBINED for the folded "lainnya (gabungan)"
    responses: int
    histogram: dict


@dataclass(frozen=True)
class Folded:
    shown: list[ShownGroup]
    hidden_responses: int  # answers in groups too small to show, also after folding
    folded_groups: tuple[str, ...]  # groups whose answers went into the combined group


def fold(buckets: Mapping[str, tuple[int, dict]], threshold: int) -> Folded:
    """Groups with at least ``threshold`` answers are shown on their own; the others (and the combined bucket)
    are folded into one combined group, shown only if it too reaches the threshold; else hidden."""
    shown: list[ShownGroup] = []
    small: list[tuple[str, int, dict]] = []
    for key in (*GROUPS, BUCKET_COMBINED):
        if key not in buckets:
            continue
        responses, histogram = buckets[key]
        if responses <= 0:
            continue
        if key != BUCKET_COMBINED and responses >= threshold:
            shown.append(ShownGroup(key, responses, histogram))
        else:
            small.append((key, responses, histogram))
    total = sum(r for _k, r, _h in small)
    folded = tuple(k for k, _r, _h in small if k != BUCKET_COMBINED)
    if small and total >= threshold:
        shown.append(ShownGroup(BUCKET_COMBINED, total, merge_histograms(h for _k, _r, h in small)))
        return Folded(shown, 0, folded)
    return Folded(shown, total, folded)


@dataclass(frozen=True)
class NominationLimits:
    threshold: int = 3
    peer_min: int = 3
    peer_max: int = 8
    subordinate_max: int = 8
    superior_max: int = 2
    other_max: int = 5


def nomination_problems(invited_per_group: Mapping[str, int], limits: NominationLimits,
                        has_subordinates: bool = False) -> list[tuple[str, dict]]:
    """What is wrong with a set of invited raters, as (Indonesian message template, values) pairs.

    - peers within [peer_min, peer_max]; subordinates, superiors and others at most their maximum;
    - anonymity: the groups smaller than the threshold, together, must be empty or reach the threshold
      (else their combined answers could point at one or two people).
    """
    problems: list[tuple[str, dict]] = []
    peers = invited_per_group.get(GROUP_PEER, 0)
    if peers < limits.peer_min:
        problems.append(("Rekan kerja setingkat paling sedikit %(n)s orang (sekarang %(now)s).",
                         {"n": limits.peer_min, "now": peers}))
    maxima = {GROUP_PEER: limits.peer_max, GROUP_SUBORDINATE: limits.subordinate_max,
              GROUP_SUPERIOR: limits.superior_max, GROUP_OTHER: limits.other_max}
    labels = {GROUP_PEER: "rekan kerja setingkat", GROUP_SUBORDINATE: "bawahan", GROUP_SUPERIOR: "atasan",
              GROUP_OTHER: "pihak lain"}
    for group, maximum in maxima.items():
        if invited_per_group.get(group, 0) > maximum:
            problems.append(("Kelompok %(group)s paling banyak %(n)s orang.", {"group": labels[group], "n": maximum}))
    small_total = sum(n for g, n in invited_per_group.items() if 0 < n < limits.threshold)
    if 0 < small_total < limits.threshold:
        problems.append(("Kelompok dengan kurang dari %(t)s penilai digabung; gabungannya juga harus paling sedikit "
                         "%(t)s orang agar jawaban tetap anonim (sekarang %(now)s).",
                         {"t": limits.threshold, "now": small_total}))
    return problems


@dataclass(frozen=True)
class Gap:
    item_id: int
    self_score: float
    other_key: str  # a group key, BUCKET_COMBINED or "penilai"
    other_score: float

    @property
    def size(self) -> float:
        return abs(self.self_score - self.other_score)


def largest_gaps(self_scores: Mapping[int, float | None], others: Mapping[str, Mapping[int, float | None]],
                 limit: int = 5, minimum: float = 1.0) -> list[Gap]:
    """The largest differences between the self-rating and another view of the same item (at least ``minimum``)."""
    gaps = []
    for key, scores in others.items():
        for item_id, other in scores.items():
            own = self_scores.get(item_id)
            if own is None or other is None:
                continue
            if abs(own - other) >= minimum:
                gaps.append(Gap(item_id, own, key, other))
    gaps.sort(key=lambda g: (-g.size, g.item_id, g.other_key))
    return gaps[:limit]
