"""The 360 results of one employee in one evaluation window, and the assessor's own (non-anonymous) input.

Results (DOMAIN.md section 6, policy) come from the window's *release* (portal.assessment.release), never from the
live buckets: per BerAKHLAK value and behaviour guide the self-rating, the mean of each
rater group that reaches the anonymity threshold (rules.fold: smaller groups are folded into "Lainnya (gabungan)"
when that reaches the threshold, else hidden), and the assessor's input shown with the assessor's name. Means
exclude "tidak dapat menilai" (rules.mean). Comments come without author and are shuffled on every view, so that
their order never gives away who wrote what; comments of hidden groups are not shown at all.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from flask_babel import format_decimal, gettext, lazy_gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.assessment import chart, common, rules
from portal.assessment.models import (
    BUCKET_COMBINED,
    GROUP_OTHER,
    GROUP_PEER,
    GROUP_SUBORDINATE,
    GROUP_SUPERIOR,
    GROUPS,
    RATINGS,
    SELF_SUBMITTED,
    AssessorInput,
    QuestionnaireItem,
    ReleasedBucket,
    ResultRelease,
    SelfAssessment,
)
from portal.core.audit import record
from portal.core.errors import DomainError
from portal.core.textlimits import clean_text
from portal.extensions import db
from portal.org.models import Employee
from portal.periods.models import PeriodPhase
from portal.skp.berakhlak import BERAKHLAK

SELF_KEY = "diri"
ASSESSOR_KEY = "penilai"  # the same key rules.largest_gaps documents for the assessor
COMMENT_MAX = 4000  # each of the assessor's two comments

GROUP_LABELS = {
    GROUP_SUPERIOR: lazy_gettext("Atasan"),
    GROUP_PEER: lazy_gettext("Rekan kerja setingkat"),
    GROUP_SUBORDINATE: lazy_gettext("Bawahan"),
    GROUP_OTHER: lazy_gettext("Pihak lain"),
    BUCKET_COMBINED: lazy_gettext("Lainnya (gabungan)"),
}
RATING_LABELS = {
    "di_atas": lazy_gettext("Di Atas Ekspektasi"),
    "sesuai": lazy_gettext("Sesuai Ekspektasi"),
    "di_bawah": lazy_gettext("Di Bawah Ekspektasi"),
}

# Comments are shuffled with the operating system's randomness on every view (tests replace ``_rng``).
_rng = random.SystemRandom()


def shuffled(items: list) -> list:
    result = list(items)
    _rng.shuffle(result)
    return result


def format_score(value: float | None) -> str:
    """A score with two decimals in the user's locale ("4,33"); an em dash when there is none."""
    if value is None:
        return "–"
    return format_decimal(value, format="0.00")


def _average(values) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


# ---------------------------------------------------------------------------------------------------------
# Results


@dataclass
class SeriesInfo:
    key: str
    label: str
    responses: int | None = None  # answers of a rater group (shown groups only: always >= the threshold)
    short: str = ""  # the label in the chart, where space is short

    @property
    def chart_label(self) -> str:
        return self.short or self.label


@dataclass
class GuideRow:
    item: QuestionnaireItem
    scores: dict[str, float | None]


@dataclass
class ValueBlock:
    code: str
    name: str
    guides: list[GuideRow]
    averages: dict[str, float | None]
    chart_svg: str = ""


@dataclass
class GapView:
    value_name: str
    item: QuestionnaireItem
    other_label: str
    self_score: float
    other_score: float
    size: float


@dataclass
class Results:
    subject: Employee
    phase: PeriodPhase
    threshold: int
    series: list[SeriesInfo]
    groups: list[SeriesInfo]
    notes: list[str]
    values: list[ValueBlock]
    comments_keep: list[str]
    comments_improve: list[str]
    assessor_input: AssessorInput | None
    self_assessment: SelfAssessment | None
    self_summary: list[tuple[str, int]] = field(default_factory=list)
    gaps: list[GapView] = field(default_factory=list)
    total_responses: int = 0
    release: ResultRelease | None = None

    @property
    def assessor_name(self) -> str:
        return self.assessor_input.assessor.full_name if self.assessor_input else ""


def group_label(key: str) -> str:
    return str(GROUP_LABELS.get(key, key))


def _explanations(buckets: dict[str, tuple[int, dict]], folded: rules.Folded, threshold: int) -> list[str]:
    """Why a group with answers is not shown on its own - without ever giving the small count."""
    shown_keys = {g.key for g in folded.shown}
    combined_shown = BUCKET_COMBINED in shown_keys
    notes = []
    for key in (*GROUPS, BUCKET_COMBINED):
        responses = buckets.get(key, (0, {}))[0]
        if responses <= 0 or (key in shown_keys and key != BUCKET_COMBINED):
            continue
        if key == BUCKET_COMBINED:
            if not combined_shown:
                notes.append(gettext("Kelompok %(group)s: jawaban kurang dari %(t)s, tidak ditampilkan agar tetap "
                                     "anonim.", group=group_label(key), t=threshold))
        elif combined_shown:
            notes.append(gettext("Kelompok %(group)s: jawaban kurang dari %(t)s, digabung ke kelompok "
                                 "%(combined)s agar tetap anonim.", group=group_label(key).lower(), t=threshold,
                                 combined=group_label(BUCKET_COMBINED)))
        else:
            notes.append(gettext("Kelompok %(group)s: jawaban kurang dari %(t)s, tidak ditampilkan agar tetap "
                                 "anonim.", group=group_label(key).lower(), t=threshold))
    return notes


def _comments(buckets_rows: list[ReleasedBucket], folded: rules.Folded) -> tuple[list[str], list[str]]:
    """The comments of the shown buckets only (a hidden group's comments could point at its authors)."""
    shown_keys = {g.key for g in folded.shown}
    combined_shown = BUCKET_COMBINED in shown_keys
    keep: list[str] = []
    improve: list[str] = []
    for bucket in buckets_rows:
        if bucket.responses <= 0:
            continue
        alone = bucket.bucket in shown_keys and bucket.bucket != BUCKET_COMBINED
        if alone or (combined_shown and not alone):
            keep.extend(c for c in (bucket.comments_keep or []) if c and str(c).strip())
            improve.extend(c for c in (bucket.comments_improve or []) if c and str(c).strip())
    return shuffled(keep), shuffled(improve)


def load_results(subject: Employee, phase: PeriodPhase, release: ResultRelease | None) -> Results:
    """Everything the results page shows, from the release (its buckets already loaded), in a fixed number of
    queries whatever the number of buckets or items. Without a release no group is shown."""
    period = phase.period
    threshold = common.settings_for(period).anonymity_threshold
    items = common.ensure_items(period)
    bucket_rows = list(release.buckets) if release is not None else []
    self_assessment = db.session.scalar(
        select(SelfAssessment)
        .where(SelfAssessment.employee_id == subject.id, SelfAssessment.phase_id == phase.id,
               SelfAssessment.status == SELF_SUBMITTED)
        .options(selectinload(SelfAssessment.behaviour_ratings), selectinload(SelfAssessment.result_ratings)))
    assessor_input = db.session.scalar(
        select(AssessorInput)
        .where(AssessorInput.subject_id == subject.id, AssessorInput.phase_id == phase.id,
               AssessorInput.submitted_at.is_not(None))
        .options(joinedload(AssessorInput.assessor)))

    buckets = {b.bucket: (b.responses, b.histogram or {}) for b in bucket_rows}
    folded = rules.fold(buckets, threshold)

    # Scores per series: {series key: {item id: score}}
    self_scores: dict[int, float | None] = {}
    if self_assessment is not None:
        self_scores = {r.item_id: (float(r.score) if r.score is not None else None)
                       for r in self_assessment.behaviour_ratings}
    group_scores: dict[str, dict[int, float | None]] = {}
    for group in folded.shown:
        group_scores[group.key] = {item.id: rules.mean(group.histogram.get(str(item.id), [0] * 6))
                                   for item in items}
    assessor_scores: dict[int, float | None] = {}
    if assessor_input is not None:
        for item in items:
            value = (assessor_input.scores or {}).get(str(item.id))
            assessor_scores[item.id] = float(value) if value is not None else None

    series: list[SeriesInfo] = [SeriesInfo(SELF_KEY, gettext("Diri sendiri"))]
    groups = [SeriesInfo(g.key, group_label(g.key), g.responses) for g in folded.shown]
    series.extend(groups)
    if assessor_input is not None:
        name = assessor_input.assessor.full_name
        series.append(SeriesInfo(ASSESSOR_KEY, gettext("Pejabat Penilai Kinerja: %(name)s", name=name),
                                 short=gettext("Penilai: %(name)s", name=name)))

    def scores_for(item_id: int) -> dict[str, float | None]:
        scores = {SELF_KEY: self_scores.get(item_id)}
        for key, per_item in group_scores.items():
            scores[key] = per_item.get(item_id)
        if assessor_input is not None:
            scores[ASSESSOR_KEY] = assessor_scores.get(item_id)
        return scores

    by_value: dict[str, list[QuestionnaireItem]] = {}
    for item in items:
        by_value.setdefault(item.value_code, []).append(item)
    value_names = {v.code: v.name for v in BERAKHLAK}
    order = [v.code for v in BERAKHLAK] + [c for c in by_value if c not in value_names]
    chart_series = [chart.Series(s.key, s.chart_label) for s in series]
    values: list[ValueBlock] = []
    item_value: dict[int, str] = {}
    for code in order:
        value_items = sorted(by_value.get(code, []), key=lambda i: (i.position, i.guide_index))
        if not value_items:
            continue
        name = value_names.get(code, code)
        rows = [GuideRow(item, scores_for(item.id)) for item in value_items]
        for item in value_items:
            item_value[item.id] = name
        averages = {s.key: _average(row.scores.get(s.key) for row in rows) for s in series}
        block = ValueBlock(code, name, rows, averages)
        block.chart_svg = chart.bar_chart(
            f"grafik-{code}",
            gettext("Grafik %(value)s", value=name),
            gettext("Nilai setiap pedoman perilaku %(value)s pada skala 1 sampai 5: diri sendiri, kelompok "
                    "penilai yang ditampilkan, dan Pejabat Penilai Kinerja. Angka yang sama ada di tabel.",
                    value=name),
            [chart.Row(f"{row.item.guide_index + 1}. {row.item.text}", row.scores) for row in rows],
            chart_series, fmt=format_score, empty_label=gettext("tidak ada data"))
        values.append(block)

    others = dict(group_scores)
    if assessor_input is not None:
        others[ASSESSOR_KEY] = assessor_scores
    labels = {s.key: s.label for s in series}
    items_by_id = {item.id: item for item in items}
    gaps = [GapView(item_value.get(g.item_id, ""), items_by_id[g.item_id], labels.get(g.other_key, g.other_key),
                    g.self_score, g.other_score, g.size)
            for g in rules.largest_gaps(self_scores, others) if g.item_id in items_by_id]

    keep, improve = _comments(bucket_rows, folded)
    summary: list[tuple[str, int]] = []
    if self_assessment is not None:
        counts = {rating: 0 for rating in RATINGS}
        for rating in self_assessment.result_ratings:
            if rating.rating in counts:
                counts[rating.rating] += 1
        summary = [(str(RATING_LABELS[r]), counts[r]) for r in RATINGS]

    return Results(
        subject=subject, phase=phase, threshold=threshold, series=series, groups=groups,
        notes=_explanations(buckets, folded, threshold), values=values, comments_keep=keep,
        comments_improve=improve, assessor_input=assessor_input, self_assessment=self_assessment,
        self_summary=summary, gaps=gaps, total_responses=sum(g.responses for g in folded.shown), release=release,
    )


# ---------------------------------------------------------------------------------------------------------
# The assessor's own input (not anonymous)


def assessor_input_for(subject: Employee, phase: PeriodPhase) -> AssessorInput | None:
    return db.session.scalar(select(AssessorInput).where(AssessorInput.subject_id == subject.id,
                                                         AssessorInput.phase_id == phase.id))


def can_edit_assessor_input(user, subject: Employee, phase: PeriodPhase, today: dt.date) -> bool:
    return common.is_assessor_of(user, subject) and common.window_open_for(phase, subject, today)


def save_assessor_input(subject: Employee, phase: PeriodPhase, *, actor, scores: dict[int, int | None],
                        comment_keep: str, comment_improve: str, submit: bool, today: dt.date,
                        now: dt.datetime) -> AssessorInput:
    """Save (draft) or submit the assessor's behaviour input; editable until the window closes.

    ``scores`` maps item id -> 1..5 or None ("tidak dapat menilai"); items left out are unanswered. Submitting
    needs an answer for every item. Once submitted the input stays submitted; later saves update it."""
    if not common.is_assessor_of(actor, subject):
        raise DomainError(gettext("Hanya Pejabat Penilai Kinerja pegawai ini yang dapat memberi masukan."))
    if not common.window_open_for(phase, subject, today):
        raise DomainError(gettext("Masa evaluasi ini tidak sedang dibuka; masukan tidak dapat diubah."))
    items = common.ensure_items(phase.period)
    item_ids = {item.id for item in items}
    clean: dict[str, int | None] = {}
    for item_id, score in scores.items():
        if item_id not in item_ids:
            continue
        if score is not None and score not in rules.SCALE:
            raise DomainError(gettext("Nilai harus 1 sampai 5 atau \"tidak dapat menilai\"."))
        clean[str(item_id)] = score
    row = assessor_input_for(subject, phase)
    was_submitted = row is not None and row.submitted_at is not None
    if (submit or was_submitted) and len(clean) < len(item_ids):
        raise DomainError(gettext("Beri nilai setiap pedoman perilaku (atau pilih \"tidak dapat menilai\") sebelum "
                                  "mengirim. Belum dinilai: %(n)s.", n=len(item_ids) - len(clean)))
    comment_keep = clean_text(comment_keep, COMMENT_MAX, field="comment_keep")
    comment_improve = clean_text(comment_improve, COMMENT_MAX, field="comment_improve")
    if row is None:
        row = AssessorInput(subject_id=subject.id, phase_id=phase.id, assessor_id=actor.employee_id, scores={},
                            comment_keep="", comment_improve="")
        db.session.add(row)
    changes: dict[str, list] = {}
    if (row.scores or {}) != clean:
        changes["scores"] = [row.scores or {}, clean]
    for name, value in (("comment_keep", comment_keep), ("comment_improve", comment_improve)):
        if (getattr(row, name) or "") != value:
            changes[name] = [getattr(row, name) or "", value]
    if row.assessor_id != actor.employee_id:
        changes["assessor_id"] = [row.assessor_id, actor.employee_id]
    row.scores = clean
    row.comment_keep = comment_keep
    row.comment_improve = comment_improve
    row.assessor_id = actor.employee_id
    submitting = submit or was_submitted
    if submitting:
        row.submitted_at = now
    db.session.flush()
    action = "assessment.assessor_input_submit" if submitting else "assessment.assessor_input_save"
    summary = (_l("Masukan Pejabat Penilai Kinerja untuk %(name)s dikirim", name=subject.full_name)
               if submitting else
               _l("Draf masukan Pejabat Penilai Kinerja untuk %(name)s disimpan", name=subject.full_name))
    record(actor, action, row, summary=summary, changes=changes)
    return row
