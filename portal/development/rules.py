"""Pure rules of competency development (DOMAIN.md section 8; PP 17/2020; PermenPANRB 38/2017): competency kinds
and levels, the gap between a position's standard and an assessed level, the states of a development plan (Rencana
Pengembangan Kompetensi) and of its items, the JP totals of a year against the 20 JP every PNS is owed, the JP
proposed for an activity, and the suggestions that a gap, a weak rating or a 360 blind spot make. No Flask, no
database: data tables and small functions, tested cell by cell (tests/unit/test_development_rules.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from portal.evaluation import rules as evaluation_rules

# ---------------------------------------------------------------------------------------------------------
# Competencies (PermenPANRB 38/2017: teknis, manajerial, sosial kultural; levels 1-5)

TEKNIS = "teknis"
MANAJERIAL = "manajerial"
SOSIAL_KULTURAL = "sosial_kultural"
COMPETENCY_KINDS = (MANAJERIAL, SOSIAL_KULTURAL, TEKNIS)

LEVELS = (1, 2, 3, 4, 5)  # the labels are the portal's one 1-5 scale (portal.assessment.scale)
MIN_LEVEL, MAX_LEVEL = LEVELS[0], LEVELS[-1]


def valid_level(level: object) -> bool:
    return isinstance(level, int) and not isinstance(level, bool) and MIN_LEVEL <= level <= MAX_LEVEL


def gap(required: int | None, assessed: int | None) -> int | None:
    """Kesenjangan kompetensi: the position's required level minus the assessed level (positive = below the
    standard, zero or negative = meets it). None when either is missing: no standard, or not assessed yet."""
    if required is None or assessed is None:
        return None
    return required - assessed


# Heat map columns: meets the standard (gap <= 0), 1 level below, 2 levels, 3 or more levels below.
GAP_BUCKETS = (0, 1, 2, 3)


def gap_bucket(value: int) -> int:
    return max(0, min(value, GAP_BUCKETS[-1]))


SUGGEST_GAP = 2  # a competency gap of at least two levels suggests a development item (policy)


@dataclass(frozen=True)
class GapRow:
    competency_id: int
    required: int | None
    self_level: int | None
    assessed: int | None

    @property
    def gap(self) -> int | None:
        return gap(self.required, self.assessed)


def gap_table(required: Mapping[int, int | None], assessed: Mapping[int, int | None],
              self_levels: Mapping[int, int | None] | None = None, order: Iterable[int] = ()) -> list[GapRow]:
    """One row per competency of the standard or of the assessment, the largest gap first (then ``order``, the
    dictionary's order): what the employee should develop first is at the top."""
    self_levels = self_levels or {}
    position = {cid: n for n, cid in enumerate(order)}
    ids = list(dict.fromkeys([*required, *assessed, *self_levels]))
    rows = [GapRow(cid, required.get(cid), self_levels.get(cid), assessed.get(cid)) for cid in ids]
    return sorted(rows, key=lambda r: (-(r.gap if r.gap is not None else -99), position.get(r.competency_id, 10**6),
                                       r.competency_id))


# ---------------------------------------------------------------------------------------------------------
# Competency assessment states: the employee may rate themselves first (optional), the assessor finalises.

ASSESSMENT_DRAFT = "draft"
ASSESSMENT_FINAL = "final"


# ---------------------------------------------------------------------------------------------------------
# What an item addresses, and the kinds of activity (DOMAIN.md section 8)

ADDRESSES_COMPETENCY = "kompetensi"  # a competency gap (profile vs the position's standard)
ADDRESSES_PERFORMANCE = "kinerja"  # a performance gap from the evaluation (results vs targets)
ADDRESSES_BEHAVIOUR = "perilaku"  # a behaviour gap: the evaluation's behaviour rating or the released 360
ADDRESSES_CAREER_SHORT = "karier_1_2"  # a career aspiration for the next 1-2 years
ADDRESSES_CAREER_LONG = "karier_3_5"  # a career aspiration for 3-5 years
ADDRESSES = (ADDRESSES_COMPETENCY, ADDRESSES_PERFORMANCE, ADDRESSES_BEHAVIOUR, ADDRESSES_CAREER_SHORT,
             ADDRESSES_CAREER_LONG)

KLASIKAL = "klasikal"
NON_KLASIKAL = "non_klasikal"
MODES = (KLASIKAL, NON_KLASIKAL)

# Activity types seeded into the admin-editable list: (code, name, mode, JP per day). Only seminar and lokakarya
# have a default (DOMAIN.md section 8: a one-day seminar about 4 JP, a one-day workshop about 5 JP); the admin sets
# the others.
DEFAULT_ACTIVITY_TYPES: tuple[tuple[str, str, str, int | None], ...] = (
    ("pelatihan", "Pelatihan", KLASIKAL, None),
    ("kursus", "Kursus", KLASIKAL, None),
    ("seminar", "Seminar", KLASIKAL, 4),
    ("lokakarya", "Lokakarya", KLASIKAL, 5),
    ("bimbingan_teknis", "Bimbingan Teknis", KLASIKAL, None),
    ("penataran", "Penataran", KLASIKAL, None),
    ("konferensi", "Konferensi", KLASIKAL, None),
    ("coaching", "Coaching", NON_KLASIKAL, None),
    ("mentoring", "Mentoring", NON_KLASIKAL, None),
    ("e_learning", "E-learning", NON_KLASIKAL, None),
    ("pelatihan_jarak_jauh", "Pelatihan Jarak Jauh", NON_KLASIKAL, None),
    ("detasering", "Detasering", NON_KLASIKAL, None),
    ("benchmarking", "Patok Banding (Benchmarking)", NON_KLASIKAL, None),
    ("magang", "Magang/Praktik Kerja", NON_KLASIKAL, None),
    ("belajar_mandiri", "Belajar Mandiri", NON_KLASIKAL, None),
    ("komunitas_belajar", "Komunitas Belajar", NON_KLASIKAL, None),
    ("bimbingan_di_tempat_kerja", "Bimbingan di Tempat Kerja", NON_KLASIKAL, None),
)

# The activity a suggestion proposes first (the employee changes it): training for a competency, coaching for a
# performance gap, mentoring for behaviour.
SUGGESTED_ACTIVITY = {ADDRESSES_COMPETENCY: "pelatihan", ADDRESSES_PERFORMANCE: "coaching",
                      ADDRESSES_BEHAVIOUR: "mentoring"}


# ---------------------------------------------------------------------------------------------------------
# Plan and item states (explicit transition tables; one POST endpoint per transition)

PLAN_DRAFT = "draft"
PLAN_SUBMITTED = "diajukan"
PLAN_APPROVED = "disetujui"
PLAN_RETURNED = "dikembalikan"
PLAN_STATES = (PLAN_DRAFT, PLAN_SUBMITTED, PLAN_APPROVED, PLAN_RETURNED)

EMPLOYEE = "pegawai"
ASSESSOR = "penilai"

# (action, from state) -> (to state, who)
PLAN_TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("submit", PLAN_DRAFT): (PLAN_SUBMITTED, EMPLOYEE),
    ("submit", PLAN_RETURNED): (PLAN_SUBMITTED, EMPLOYEE),
    ("approve", PLAN_SUBMITTED): (PLAN_APPROVED, ASSESSOR),
    ("return", PLAN_SUBMITTED): (PLAN_RETURNED, ASSESSOR),
    # An approved plan the employee changes (a new item, an edited planned item) goes back to draft and is
    # submitted again; items already approved keep their state.
    ("change", PLAN_APPROVED): (PLAN_DRAFT, EMPLOYEE),
    ("change", PLAN_DRAFT): (PLAN_DRAFT, EMPLOYEE),
    ("change", PLAN_RETURNED): (PLAN_RETURNED, EMPLOYEE),
}

PLANNED = "direncanakan"
APPROVED = "disetujui"
RUNNING = "berjalan"
DONE = "selesai"
CANCELLED = "dibatalkan"
ITEM_STATES = (PLANNED, APPROVED, RUNNING, DONE, CANCELLED)
DECIDED_ITEM_STATES = (DONE, CANCELLED)  # nothing moves them any more: a further action is a conflict (409)

ITEM_TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("approve", PLANNED): (APPROVED, ASSESSOR),  # with the plan
    ("start", APPROVED): (RUNNING, EMPLOYEE),
    ("complete", APPROVED): (DONE, EMPLOYEE),
    ("complete", RUNNING): (DONE, EMPLOYEE),
    ("cancel", PLANNED): (CANCELLED, "either"),
    ("cancel", APPROVED): (CANCELLED, "either"),
    ("cancel", RUNNING): (CANCELLED, "either"),
}

CARRYABLE_STATES = (PLANNED, APPROVED, RUNNING)  # unfinished: may be carried to next year's plan


class TransitionRefused(ValueError):
    pass


def _move(table: Mapping[tuple[str, str], tuple[str, str]], action: str, state: str, side: str) -> str:
    try:
        to_state, who = table[(action, state)]
    except KeyError:
        raise TransitionRefused(f"{action} not allowed in {state}") from None
    if who != "either" and side != who:
        raise TransitionRefused(f"only the {who} may {action}")
    return to_state


def plan_transition(action: str, state: str, side: str) -> str:
    """The plan's state after ``action`` by ``side``; TransitionRefused when the table does not allow it."""
    return _move(PLAN_TRANSITIONS, action, state, side)


def item_transition(action: str, state: str, side: str) -> str:
    return _move(ITEM_TRANSITIONS, action, state, side)


def item_editable(item_state: str, plan_state: str) -> bool:
    """An item's plan (what, when, how many JP) changes while it is planned and its plan is not under review."""
    return item_state == PLANNED and plan_state != PLAN_SUBMITTED


def may_carry(item_state: str, carried: bool, plan_year: int, today: dt.date) -> bool:
    """An unfinished item of this year's (or an earlier) plan may be carried once to next year's plan."""
    return item_state in CARRYABLE_STATES and not carried and plan_year <= today.year


# ---------------------------------------------------------------------------------------------------------
# JP (jam pelajaran): at least 20 a year for every PNS (PP 17/2020; DOMAIN.md section 8)

TARGET_JP = 20
MAX_JP = 500  # one item (a long course); beyond is a typing error
MAX_COST = 1_000_000_000  # rupiah, one item


@dataclass(frozen=True)
class JpEntry:
    plan_year: int
    status: str
    planned_jp: int | None
    actual_jp: int | None
    completed_on: dt.date | None
    carried: bool = False  # carried to a later plan: it counts there, not here


@dataclass(frozen=True)
class JpTotals:
    year: int
    done: int  # actual JP of items completed within the year (whatever plan they came from)
    committed: int  # planned JP of approved or running items of the year's plan
    proposed: int  # planned JP of items not approved yet
    target: int = TARGET_JP

    @property
    def on_track(self) -> bool:
        """Done and approved together reach the target."""
        return self.done + self.committed >= self.target

    @property
    def reached(self) -> bool:
        return self.done >= self.target

    @property
    def remaining(self) -> int:
        return max(0, self.target - self.done)

    @property
    def bar_value(self) -> int:
        return min(self.done, self.target)


def jp_totals(entries: Iterable[JpEntry], year: int, target: int = TARGET_JP) -> JpTotals:
    """The year's JP: *done* counts an item in the year it was completed (an item of last year's plan completed on
    2 January counts for the new year; one completed on 31 December for the old one); *committed* and *proposed*
    count the year's plan, without items carried away (they count in the plan they were carried to) and without
    finished or cancelled ones. portal.development.reports computes the same in SQL for whole units."""
    done = committed = proposed = 0
    for entry in entries:
        if entry.status == DONE:
            if entry.completed_on is not None and entry.completed_on.year == year:
                done += entry.actual_jp or 0
            continue
        if entry.plan_year != year or entry.carried:
            continue
        if entry.status in (APPROVED, RUNNING):
            committed += entry.planned_jp or 0
        elif entry.status == PLANNED:
            proposed += entry.planned_jp or 0
    return JpTotals(year, done, committed, proposed, target)


def proposed_jp(jp_per_day: int | None, starts_on: dt.date | None, ends_on: dt.date | None) -> int | None:
    """The JP proposed for an activity: its type's JP per day (policy defaults: seminar 4, lokakarya 5) times the
    calendar days from start to end; None without a default or without valid dates. The employee may change it."""
    if not jp_per_day or starts_on is None:
        return None
    ends_on = ends_on or starts_on
    if ends_on < starts_on:
        return None
    return jp_per_day * ((ends_on - starts_on).days + 1)


# ---------------------------------------------------------------------------------------------------------
# Suggestions: never automatic - each proposes an item the employee may add with one click, then edits.


@dataclass(frozen=True)
class Suggestion:
    key: str  # identifies what it comes from; an item made from it carries the key, and the suggestion goes
    addresses: str
    competency_id: int | None = None
    rating: str | None = None  # the evaluation rating behind it (result/behaviour: di_bawah)
    value_code: str | None = None  # the BerAKHLAK value of a 360 gap
    required: int | None = None
    assessed: int | None = None
    self_score: float | None = None
    other_score: float | None = None


def competency_suggestions(rows: Iterable[GapRow], minimum: int = SUGGEST_GAP) -> list[Suggestion]:
    """A gap of at least two levels below the position's standard suggests an item for that competency."""
    return [Suggestion(f"kompetensi-{r.competency_id}", ADDRESSES_COMPETENCY, competency_id=r.competency_id,
                       required=r.required, assessed=r.assessed)
            for r in rows if r.gap is not None and r.gap >= minimum]


def evaluation_suggestions(evaluation_id: int, result_rating: str | None,
                           behaviour_rating: str | None) -> list[Suggestion]:
    """Di Bawah Ekspektasi in the latest finalised evaluation: results suggest a performance item, behaviour a
    behaviour item (PermenPANRB 6/2022: weak ratings lead to coaching; DOMAIN.md section 8)."""
    result = []
    if result_rating == evaluation_rules.BELOW:
        result.append(Suggestion(f"hasil-{evaluation_id}", ADDRESSES_PERFORMANCE, rating=result_rating))
    if behaviour_rating == evaluation_rules.BELOW:
        result.append(Suggestion(f"perilaku-{evaluation_id}", ADDRESSES_BEHAVIOUR, rating=behaviour_rating))
    return result


@dataclass(frozen=True)
class PerceptionGap:
    value_code: str
    self_score: float
    other_score: float  # a rater group's (or the assessor's) mean in the released results


PERCEPTION_GAP = 1.0  # the smallest gap the 360 results page shows (portal.assessment.rules.largest_gaps)


def perception_suggestions(release_id: int, gaps: Iterable[PerceptionGap],
                           minimum: float = PERCEPTION_GAP) -> list[Suggestion]:
    """A released 360 blind spot - others rate a behaviour at least one point below the employee's own rating -
    suggests a behaviour item for that BerAKHLAK value (one per value, the largest gap). A gap the other way (others
    rate higher) is a hidden strength, not a need."""
    best: dict[str, PerceptionGap] = {}
    for g in gaps:
        if g.self_score - g.other_score >= minimum:
            current = best.get(g.value_code)
            if current is None or g.self_score - g.other_score > current.self_score - current.other_score:
                best[g.value_code] = g
    return [Suggestion(f"360-{release_id}-{code}", ADDRESSES_BEHAVIOUR, value_code=code, self_score=g.self_score,
                       other_score=g.other_score) for code, g in best.items()]


def open_suggestions(suggestions: Iterable[Suggestion], used_keys: Iterable[str]) -> list[Suggestion]:
    """Suggestions not turned into an item yet (an item cancelled later frees its suggestion again)."""
    used = set(used_keys)
    return [s for s in suggestions if s.key not in used]


def is_development_priority(predikat: str | None) -> bool:
    """Sangat Baik earns priority for development (PermenPANRB 6/2022 tindak lanjut; DOMAIN.md section 3.5): a flag
    for the unit and BKPSDM, never an automatic item."""
    return predikat == evaluation_rules.SANGAT_BAIK
