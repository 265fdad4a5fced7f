"""Evaluation services (DOMAIN.md sections 3, 4 and 7): the unit's Capaian Kinerja Organisasi, scoring and
finalising, calibration by the unit head, escalation to the assessor's superior, release of the signed document,
acknowledgement, admin reopening.

State table of an evaluation (one POST endpoint per transition):

    (none) --save--> draft --finalise--> final --release--> diserahkan
                      ^                    |
                      +---- send_back -----+  (unit head, not for a rating by the assessor's superior)
    final / diserahkan --reopen (admin, audited)--> draft

Who rates: the Pejabat Penilai Kinerja while the window is open for the employee (a reopening included); once it
has closed without a finalised rating, the assessor's superior rates instead, and that result is final (no
calibration send-back). Services take an explicit actor and dates, raise DomainError, flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask import g
from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from portal.assessment import common
from portal.assessment.models import SELF_SUBMITTED, SelfAssessment
from portal.core.audit import record
from portal.core.errors import ConflictError, DomainError, check_version_if_sent
from portal.core.i18n import long_date
from portal.evaluation import rules
from portal.evaluation.models import (
    DRAFT,
    FINAL,
    RELEASED,
    RETURNED,
    DistributionRule,
    Evaluation,
    EvaluationDocument,
    UnitAchievement,
)
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.org.models import Employee, Unit
from portal.periods import services as period_services
from portal.periods.models import PeriodPhase
from portal.skp.models import STATUS_APPROVED, Skp

TEXT_MAX = 4000  # justification and note
BASIS_MAX = 4000

RATING_LABELS = {
    rules.ABOVE: _l("Di Atas Ekspektasi"),
    rules.AS_EXPECTED: _l("Sesuai Ekspektasi"),
    rules.BELOW: _l("Di Bawah Ekspektasi"),
}
PREDIKAT_LABELS = {
    rules.SANGAT_BAIK: _l("Sangat Baik"),
    rules.BAIK: _l("Baik"),
    rules.BUTUH_PERBAIKAN: _l("Butuh Perbaikan"),
    rules.KURANG: _l("Kurang/Misconduct"),
    rules.SANGAT_KURANG: _l("Sangat Kurang"),
}
UNIT_RATING_LABELS = {
    rules.UNIT_ISTIMEWA: _l("Istimewa"),
    rules.UNIT_BAIK: _l("Baik"),
    rules.UNIT_BUTUH_PERBAIKAN: _l("Butuh Perbaikan"),
    rules.UNIT_KURANG: _l("Kurang"),
    rules.UNIT_SANGAT_KURANG: _l("Sangat Kurang"),
}
STATE_LABELS = {
    DRAFT: (_l("Draf"), "badge"),
    FINAL: (_l("Final, belum diserahkan"), "badge badge-warn"),
    RETURNED: (_l("Dikembalikan"), "badge badge-bad"),
    RELEASED: (_l("Diserahkan"), "badge badge-ok"),
}
# The regulation's guidance shown beside each choice (PermenPANRB 6/2022, Lampiran p. 97-98).
RESULT_GUIDANCE = {
    rules.ABOVE: _l("Sebagian besar hasil kerja melampaui target dan tidak ada Rencana Hasil Kerja Utama yang di "
                    "bawah ekspektasi."),
    rules.AS_EXPECTED: _l("Hasil kerja umumnya sesuai target yang disepakati dalam SKP."),
    rules.BELOW: _l("Sebagian besar hasil kerja, atau hasil kerja utama, tidak mencapai target."),
}
BEHAVIOUR_GUIDANCE = {
    rules.ABOVE: _l("Menjalankan nilai BerAKHLAK dan juga menjadi teladan serta menjaga agar orang lain "
                    "menjalankannya."),
    rules.AS_EXPECTED: _l("Menjalankan nilai BerAKHLAK sesuai pedoman perilaku dan ekspektasi khusus pimpinan."),
    rules.BELOW: _l("Belum menjalankan nilai BerAKHLAK sesuai pedoman perilaku; perlu pembinaan."),
}
CONSTRAINT_TEXT = {
    rules.MOST: _l("%(set)s paling banyak di antara predikat lain"),
    rules.AT_MOST: _l("%(set)s paling banyak %(p)s%%"),
    rules.AT_LEAST: _l("%(set)s paling sedikit %(p)s%%"),
    rules.SOME: _l("ada pegawai dengan predikat %(set)s"),
}


def predikat_label(code: str | None) -> str:
    return str(PREDIKAT_LABELS.get(code, "–")) if code else "–"


def constraint_text(constraint: rules.Constraint) -> str:
    names = _l(" atau ")
    names = str(names).join(predikat_label(p) for p in constraint.predikats)
    return str(CONSTRAINT_TEXT[constraint.kind]) % {"set": names, "p": constraint.percent}


# ---------------------------------------------------------------------------------------------------------
# The distribution policy (admin-editable data, seeded with rules.DEFAULT_PATTERNS)


def seed_distribution_rules() -> int:
    """Insert the policy default when the table is empty (idempotent). Returns how many rows were added."""
    if db.session.scalar(select(func.count(DistributionRule.id))):
        return 0
    rows = [DistributionRule(unit_rating=rating, kind=c.kind, predikats=",".join(c.predikats), percent=c.percent,
                             position=n)
            for rating, pattern in rules.DEFAULT_PATTERNS.items() for n, c in enumerate(pattern)]
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)


def patterns() -> dict[str, tuple[rules.Constraint, ...]]:
    """The expected pattern per unit rating, from the table (the defaults until the admin changes them)."""
    cache = g.get("_distribution_patterns") if g else None
    if cache is not None:
        return cache
    rows = list(db.session.scalars(select(DistributionRule).order_by(DistributionRule.unit_rating,
                                                                      DistributionRule.position)))
    if not rows:
        result = dict(rules.DEFAULT_PATTERNS)
    else:
        grouped: dict[str, list[rules.Constraint]] = {r: [] for r in rules.UNIT_RATINGS}
        for row in rows:
            grouped.setdefault(row.unit_rating, []).append(
                rules.Constraint(row.kind, tuple(p for p in row.predikats.split(",") if p), row.percent))
        result = {k: tuple(v) for k, v in grouped.items()}
    g._distribution_patterns = result
    return result


def update_pattern(actor, unit_rating: str, constraints: list[rules.Constraint]) -> None:
    """Replace the expected pattern of one unit rating (admin; audited)."""
    if not getattr(actor, "is_admin", False):
        raise DomainError(gettext("Hanya Admin BKPSDM yang dapat mengubah pola distribusi."))
    if unit_rating not in rules.UNIT_RATINGS:
        raise DomainError(gettext("Capaian kinerja organisasi tidak dikenal."))
    for c in constraints:
        if c.kind not in rules.CONSTRAINT_KINDS or not c.predikats or any(p not in rules.PREDIKATS
                                                                          for p in c.predikats):
            raise DomainError(gettext("Aturan pola distribusi tidak valid."))
        if not 0 <= c.percent <= 100:
            raise DomainError(gettext("Persentase harus antara 0 dan 100."), field="percent")
    seed_distribution_rules()
    old = [constraint_text(c) for c in patterns().get(unit_rating, ())]
    db.session.query(DistributionRule).filter(DistributionRule.unit_rating == unit_rating).delete()
    db.session.add_all(DistributionRule(unit_rating=unit_rating, kind=c.kind, predikats=",".join(c.predikats),
                                        percent=c.percent, position=n) for n, c in enumerate(constraints))
    db.session.flush()
    g.pop("_distribution_patterns", None)
    record(actor, "evaluation.pattern_update", None,
           summary=_l("Pola distribusi %(rating)s diubah", rating=UNIT_RATING_LABELS[unit_rating]),
           changes={"pattern": [old, [constraint_text(c) for c in constraints]]})


# ---------------------------------------------------------------------------------------------------------
# Capaian Kinerja Organisasi


def can_record_achievement(user, unit: Unit) -> bool:
    """Admin BKPSDM, or the head of the unit (or of a unit above it)."""
    if getattr(user, "is_admin", False):
        return True
    return user.employee_id is not None and any(unit.path.startswith(h.path) for h in org_perms.headed_units(user))


def record_achievement(actor, unit: Unit, phase: PeriodPhase, rating: str | None, basis: str | None,
                       version=None) -> UnitAchievement:
    if not can_record_achievement(actor, unit):
        raise DomainError(gettext("Hanya Admin BKPSDM atau pimpinan unit yang dapat mencatat capaian kinerja "
                                  "organisasi."))
    if rating not in rules.UNIT_RATINGS:
        raise DomainError(gettext("Pilih capaian kinerja organisasi."), field="rating")
    basis = (basis or "").strip()
    if not basis:
        raise DomainError(gettext("Dasar penetapan wajib diisi (misalnya hasil evaluasi SAKIP atau capaian "
                                  "indikator kinerja utama)."), field="basis")
    if len(basis) > BASIS_MAX:
        raise DomainError(gettext("Dasar penetapan paling banyak %(n)s karakter.", n=BASIS_MAX), field="basis")
    row = db.session.scalar(select(UnitAchievement).where(UnitAchievement.unit_id == unit.id,
                                                          UnitAchievement.phase_id == phase.id))
    if row is None:
        row = UnitAchievement(unit_id=unit.id, phase_id=phase.id, rating=rating, basis=basis,
                              recorded_by_id=actor.id)
        db.session.add(row)
        changes = {"rating": [None, rating], "basis": [None, basis]}
    else:
        check_version_if_sent(row, version)
        changes = {k: [getattr(row, k), v] for k, v in (("rating", rating), ("basis", basis)) if getattr(row, k) != v}
        row.rating, row.basis, row.recorded_by_id = rating, basis, actor.id
    db.session.flush()
    if changes:
        record(actor, "evaluation.unit_achievement", row,
               summary=_l("Capaian kinerja organisasi %(unit)s, %(window)s: %(rating)s", unit=unit.name,
                          window=LazyString(period_services.phase_label, phase), rating=UNIT_RATING_LABELS[rating]),
               changes=changes)
    return row


def achievements_for(units: Iterable[Unit], phase: PeriodPhase) -> dict[int, UnitAchievement]:
    """For each unit, the Capaian Kinerja Organisasi that applies: its own, else the nearest unit above it with
    one (one query for all the units)."""
    units = list(units)
    ids = {uid for u in units for uid in (*u.ancestor_ids, u.id)}
    if not ids:
        return {}
    rows = {a.unit_id: a for a in db.session.scalars(
        select(UnitAchievement).where(UnitAchievement.phase_id == phase.id, UnitAchievement.unit_id.in_(ids)))}
    result = {}
    for unit in units:
        for uid in (unit.id, *reversed(unit.ancestor_ids)):
            if uid in rows:
                result[unit.id] = rows[uid]
                break
    return result


# ---------------------------------------------------------------------------------------------------------
# Who may do what


def window_closed_for(phase: PeriodPhase, employee: Employee, today: dt.date) -> bool:
    return today > phase.closes_on and not common.window_open_for(phase, employee, today)


def decider_of(employee: Employee) -> Employee | None:
    """The Atasan Pejabat Penilai Kinerja: the assessor's own superior."""
    assessor = employee.assessor
    return assessor.superior if assessor is not None else None


def rater_role(user, employee: Employee, phase: PeriodPhase, evaluation: Evaluation | None,
               today: dt.date) -> str | None:
    """"assessor" while the window is open for the employee (or before it opens); "superior" once it has closed
    and nothing is finalised; None otherwise (also for everyone else)."""
    me = user.employee_id
    if me is None or employee.assessor is None or me == employee.id:
        return None
    finalised = evaluation is not None and evaluation.status in (FINAL, RELEASED)
    late = rules.superior_may_rate(phase.closes_on, finalised, today) and window_closed_for(phase, employee, today)
    if me == employee.assessor.id and not late:
        return "assessor"
    decider = decider_of(employee)
    if late and decider is not None and me == decider.id:
        return "superior"
    return None


def can_view(user, evaluation: Evaluation) -> bool:
    """Content of an evaluation: the assessor (and whoever rated), the assessor's superior, the unit head above,
    admin and auditor; the employee once it is released."""
    employee = evaluation.employee
    if user.can_read_all:
        return True
    me = user.employee_id
    if me is None:
        return False
    if me == employee.id:
        return evaluation.status == RELEASED
    if me in (evaluation.assessor_id, evaluation.rated_by_id) or (employee.assessor and me == employee.assessor.id):
        return True
    decider = decider_of(employee)
    if decider is not None and me == decider.id:
        return True
    return org_perms.unit_in_scope(user, employee.unit) and bool(org_perms.headed_units(user))


def can_calibrate(user, evaluation: Evaluation) -> bool:
    """The head of the employee's unit (or above) - not the one who rated - before the evaluation is released."""
    if user.employee_id is None or user.employee_id in (evaluation.rated_by_id, evaluation.employee_id):
        return False
    heads = org_perms.headed_units(user)
    return bool(heads) and any(evaluation.employee.unit.path.startswith(h.path) for h in heads)


# ---------------------------------------------------------------------------------------------------------
# Reading


def find(employee: Employee, phase: PeriodPhase) -> Evaluation | None:
    return db.session.scalar(select(Evaluation).where(Evaluation.employee_id == employee.id,
                                                      Evaluation.phase_id == phase.id))


def approved_skp(employee: Employee, phase: PeriodPhase) -> Skp | None:
    return db.session.scalar(select(Skp).where(Skp.employee_id == employee.id, Skp.period_id == phase.period_id,
                                               Skp.is_current.is_(True), Skp.status == STATUS_APPROVED))


@dataclass(frozen=True)
class Suggestion:
    result: str | None
    behaviour: str | None


def suggestion(employee: Employee, phase: PeriodPhase) -> Suggestion:
    """What the employee's submitted self-assessment suggests (rules.suggested_*); None parts when absent."""
    from portal.skp.models import ResultPlan

    sa = db.session.scalar(select(SelfAssessment).where(
        SelfAssessment.employee_id == employee.id, SelfAssessment.phase_id == phase.id,
        SelfAssessment.status == SELF_SUBMITTED))
    if sa is None:
        return Suggestion(None, None)
    kinds = dict(db.session.execute(select(ResultPlan.id, ResultPlan.kind).where(
        ResultPlan.id.in_([r.result_plan_id for r in sa.result_ratings] or [-1]))).all())
    result = rules.suggested_result_rating((kinds.get(r.result_plan_id, "utama"), r.rating)
                                          for r in sa.result_ratings)
    behaviour = rules.suggested_behaviour_rating(r.score for r in sa.behaviour_ratings)
    return Suggestion(result, behaviour)


# ---------------------------------------------------------------------------------------------------------
# Scoring


def _clean(value: str | None, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > TEXT_MAX:
        raise DomainError(gettext("%(label)s paling banyak %(n)s karakter.", label=label, n=TEXT_MAX), field=field)
    return value


def _rating(value: str | None, field: str) -> str | None:
    if value in (None, ""):
        return None
    if value not in rules.RATINGS:
        raise DomainError(gettext("Pilihan rating tidak dikenal."), field=field)
    return value


def _require_rater(actor, employee: Employee, phase: PeriodPhase, evaluation: Evaluation | None,
                   today: dt.date) -> str:
    role = rater_role(actor, employee, phase, evaluation, today)
    if role is None:
        if employee.assessor is not None and actor.employee_id == employee.assessor.id:
            raise DomainError(gettext("Masa evaluasi sudah ditutup tanpa penilaian final; kini Atasan Pejabat "
                                      "Penilai Kinerja yang menilai, dan hasilnya final."))
        raise DomainError(gettext("Anda bukan penilai pegawai ini untuk masa evaluasi ini."))
    if today < phase.opens_on:
        raise DomainError(gettext("Masa evaluasi ini baru dibuka pada %(date)s.",
                                  date=long_date(phase.opens_on)))
    return role


def save_ratings(actor, employee: Employee, phase: PeriodPhase, data: Mapping[str, str | None], *,
                 today: dt.date, now: dt.datetime, version=None) -> Evaluation:
    """Save the ratings as a draft (any part may still be empty). Created on the first save."""
    evaluation = find(employee, phase)
    role = _require_rater(actor, employee, phase, evaluation, today)
    if evaluation is None:
        evaluation = Evaluation(employee_id=employee.id, phase_id=phase.id, unit_id=employee.unit_id,
                                assessor_id=employee.assessor.id, status=DRAFT,
                                skp_id=getattr(approved_skp(employee, phase), "id", None))
        evaluation.employee = employee
        evaluation.phase = phase
        db.session.add(evaluation)
    else:
        check_version_if_sent(evaluation, version)
        if evaluation.status not in (DRAFT, RETURNED):
            raise ConflictError(gettext("Penilaian ini sudah final dan tidak dapat diubah lagi, kecuali melalui "
                                      "keberatan atau pembukaan kembali oleh Admin BKPSDM."))
    values = {
        "result_rating": _rating(data.get("result_rating"), "result_rating"),
        "behaviour_rating": _rating(data.get("behaviour_rating"), "behaviour_rating"),
        "result_justification": _clean(data.get("result_justification"), "result_justification",
                                       gettext("Alasan rating hasil kerja")),
        "behaviour_justification": _clean(data.get("behaviour_justification"), "behaviour_justification",
                                          gettext("Alasan rating perilaku kerja")),
        "note": _clean(data.get("note"), "note", gettext("Catatan dan rekomendasi")),
    }
    changes = {k: [getattr(evaluation, k), v] for k, v in values.items() if getattr(evaluation, k) != v}
    for key, value in values.items():
        setattr(evaluation, key, value)
    evaluation.predikat = (rules.derive_predikat(evaluation.result_rating, evaluation.behaviour_rating)
                           if evaluation.result_rating and evaluation.behaviour_rating else None)
    evaluation.rated_by_id = actor.employee_id
    evaluation.by_superior = role == "superior"
    evaluation.updated_at = now
    db.session.flush()
    if changes:
        record(actor, "evaluation.save", evaluation,
               summary=_l("Draf penilaian %(name)s, %(window)s disimpan", name=employee.full_name,
                          window=LazyString(period_services.phase_label, phase)),
               changes=changes)
    return evaluation


def missing_justifications(evaluation: Evaluation, hint: Suggestion) -> list[str]:
    """The justification fields required but empty (rules.needs_justification)."""
    missing = []
    if (evaluation.result_rating and rules.needs_justification(evaluation.result_rating, hint.result)
            and not evaluation.result_justification):
        missing.append("result_justification")
    if (evaluation.behaviour_rating and rules.needs_justification(evaluation.behaviour_rating, hint.behaviour)
            and not evaluation.behaviour_justification):
        missing.append("behaviour_justification")
    return missing


def team_counts(assessor_id: int, phase: PeriodPhase, *, include: Evaluation | None = None) -> dict[str, int]:
    """Predikat of the assessor's finalised and released evaluations in the window (SQL count), plus ``include``
    as if finalised (the one being finalised)."""
    rows = db.session.execute(
        select(Evaluation.predikat, func.count()).where(
            Evaluation.phase_id == phase.id, Evaluation.assessor_id == assessor_id,
            Evaluation.status.in_((FINAL, RELEASED)), Evaluation.predikat.is_not(None),
            *([Evaluation.id != include.id] if include is not None and include.id else []))
        .group_by(Evaluation.predikat)).all()
    counts = {**dict.fromkeys(rules.PREDIKATS, 0), **{p: n for p, n in rows if p in rules.PREDIKATS}}
    if include is not None and include.predikat:
        counts[include.predikat] += 1
    return counts


def pattern_for(employee: Employee, phase: PeriodPhase) -> tuple[UnitAchievement | None, tuple[rules.Constraint, ...]]:
    achievement = achievements_for([employee.unit], phase).get(employee.unit_id)
    if achievement is None:
        return None, ()
    return achievement, patterns().get(achievement.rating, ())


def finalise(actor, employee: Employee, phase: PeriodPhase, data: Mapping[str, str | None], *, today: dt.date,
             now: dt.datetime, version=None, distribution_note: str | None = None) -> Evaluation:
    """Save and finalise: both ratings, the required justifications (Di Bawah, or different from the
    self-assessment), and - when the assessor's team distribution then deviates from the unit's expected pattern -
    a short justification, which is kept. A deviation is a warning, never a block."""
    evaluation = save_ratings(actor, employee, phase, data, today=today, now=now, version=version)
    if not (evaluation.result_rating and evaluation.behaviour_rating):
        raise DomainError(gettext("Pilih Rating Hasil Kerja dan Rating Perilaku Kerja sebelum memfinalkan."),
                          field="result_rating" if not evaluation.result_rating else "behaviour_rating")
    missing = missing_justifications(evaluation, suggestion(employee, phase))
    if missing:
        raise DomainError(gettext("Tulis alasan: rating ini di bawah ekspektasi atau berbeda dari penilaian diri "
                                  "pegawai."), field=missing[0])
    _achievement, pattern = pattern_for(employee, phase)
    deviations = rules.check_distribution(team_counts(evaluation.assessor_id, phase, include=evaluation), pattern)
    note = (distribution_note or "").strip()
    if deviations and not note:  # one justification per assessor and window is enough: reuse the last one
        note = db.session.scalar(select(Evaluation.distribution_note).where(
            Evaluation.phase_id == phase.id, Evaluation.assessor_id == evaluation.assessor_id,
            Evaluation.id != evaluation.id, Evaluation.distribution_note != "")
            .order_by(Evaluation.finalised_at.desc()).limit(1)) or ""
    if deviations and not note:
        raise DomainError(gettext("Distribusi predikat tim Anda menyimpang dari pola unit. Tulis alasan singkat "
                                  "(misalnya kinerja tim yang memang berbeda); alasan itu disimpan."),
                          field="distribution_note")
    evaluation.distribution_note = _clean(note, "distribution_note", gettext("Alasan distribusi")) if deviations \
        else ""
    evaluation.status = FINAL
    evaluation.finalised_at = now
    evaluation.return_note = ""
    db.session.flush()
    record(actor, "evaluation.finalise", evaluation,
           summary=_l("Penilaian %(name)s, %(window)s difinalkan: %(predikat)s", name=employee.full_name,
                      window=LazyString(period_services.phase_label, phase),
                      predikat=LazyString(predikat_label, evaluation.predikat)),
           changes={"status": [DRAFT, FINAL], "predikat": [None, evaluation.predikat],
                    "by_superior": [None, evaluation.by_superior],
                    **({"distribution_note": [None, evaluation.distribution_note]} if deviations else {})})
    return evaluation


def send_back(actor, evaluation: Evaluation, note: str | None, *, now: dt.datetime, version=None) -> Evaluation:
    """Calibration: the unit head sends a finalised (not yet released) rating back to its assessor with a note.
    A rating by the assessor's superior after the deadline is final and cannot be sent back."""
    if not can_calibrate(actor, evaluation):
        raise DomainError(gettext("Hanya pimpinan unit pegawai ini yang dapat mengembalikan penilaian."))
    check_version_if_sent(evaluation, version)
    if evaluation.status != FINAL:
        raise ConflictError(gettext("Hanya penilaian final yang belum diserahkan yang dapat dikembalikan."))
    if evaluation.by_superior:
        raise DomainError(gettext("Penilaian oleh Atasan Pejabat Penilai Kinerja bersifat final."))
    note = (note or "").strip()
    if not note:
        raise DomainError(gettext("Tulis catatan untuk Pejabat Penilai Kinerja."), field="note")
    if len(note) > TEXT_MAX:
        raise DomainError(gettext("Catatan paling banyak %(n)s karakter.", n=TEXT_MAX), field="note")
    evaluation.status = RETURNED
    evaluation.return_note = note
    evaluation.returned_by_id = actor.employee_id
    evaluation.updated_at = now
    db.session.flush()
    record(actor, "evaluation.send_back", evaluation,
           summary=_l("Penilaian %(name)s dikembalikan kepada penilainya", name=evaluation.employee.full_name),
           changes={"status": [FINAL, RETURNED], "return_note": [None, note]})
    return evaluation


# ---------------------------------------------------------------------------------------------------------
# The document: snapshot, release, acknowledgement


def _person(employee: Employee | None) -> dict | None:
    from portal.skp.flow import person_snapshot

    return person_snapshot(employee)


def document_snapshot(evaluation: Evaluation, now: dt.datetime) -> dict:
    """Everything the Dokumen Evaluasi Kinerja Pegawai shows, frozen: people as they are at finalisation, the
    unit's Capaian Kinerja Organisasi, the ratings, the predikat and the note."""
    employee, phase = evaluation.employee, evaluation.phase
    assessor = evaluation.assessor
    achievement = achievements_for([employee.unit], phase).get(employee.unit_id)
    return {
        "pegawai": _person(employee),
        "penilai": _person(assessor),
        "atasan_penilai": _person(assessor.superior if assessor else None),
        "dinilai_oleh": "atasan_penilai" if evaluation.by_superior else "penilai",
        "periode": {"tahun": phase.period.year, "jendela": period_services.phase_label(phase),
                    "mulai": phase.period.starts_on.isoformat(), "selesai": phase.period.ends_on.isoformat()},
        "capaian_organisasi": ({"unit": achievement.unit.name, "rating": achievement.rating,
                                "dasar": achievement.basis} if achievement else None),
        "rating_hasil_kerja": evaluation.result_rating,
        "rating_perilaku_kerja": evaluation.behaviour_rating,
        "predikat": evaluation.predikat,
        "alasan_hasil_kerja": evaluation.result_justification,
        "alasan_perilaku_kerja": evaluation.behaviour_justification,
        "catatan": evaluation.note,
        "ditetapkan": now.isoformat(),
    }


def fingerprint(snapshot: dict) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_code() -> str:
    """A verification code of 12 characters (60 bits), grouped for reading aloud: XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def may_release(user, evaluation: Evaluation) -> bool:
    return evaluation.status == FINAL and user.employee_id is not None and user.employee_id == evaluation.rated_by_id


def issue_document(actor, evaluation: Evaluation, *, today: dt.date, now: dt.datetime) -> EvaluationDocument:
    """Sign a new document version from the evaluation as it is now; the current one (if any) is superseded."""
    previous = evaluation.current_document
    if previous is not None:
        previous.superseded_at = now
    version = (max((d.version for d in evaluation.documents), default=0)) + 1
    snapshot = document_snapshot(evaluation, now)
    document = EvaluationDocument(evaluation_id=evaluation.id, version=version, code=new_code(),
                                  fingerprint=fingerprint(snapshot), snapshot=snapshot, signed_at=now,
                                  signed_on=today, signed_by_id=actor.employee_id)
    evaluation.documents.append(document)
    db.session.flush()
    return document


def release(actor, evaluation: Evaluation, *, today: dt.date, now: dt.datetime, version=None) -> EvaluationDocument:
    """Sign and deliver the Dokumen Evaluasi Kinerja Pegawai to the employee (who rated it signs)."""
    check_version_if_sent(evaluation, version)
    if evaluation.status != FINAL:
        raise ConflictError(gettext("Hanya penilaian final yang dapat ditandatangani dan diserahkan."))
    if not may_release(actor, evaluation):
        raise DomainError(gettext("Dokumen ditandatangani oleh pejabat yang menetapkan penilaian."))
    document = issue_document(actor, evaluation, today=today, now=now)
    evaluation.status = RELEASED
    evaluation.released_at = now
    db.session.flush()
    record(actor, "evaluation.release", evaluation,
           summary=_l("Dokumen evaluasi %(name)s versi %(v)s ditandatangani dan diserahkan",
                      name=evaluation.employee.full_name, v=document.version),
           changes={"status": [FINAL, RELEASED], "document": [None, document.code]})
    return document


def acknowledge(actor, document: EvaluationDocument, *, today: dt.date, now: dt.datetime) -> EvaluationDocument:
    """The employee confirms receipt of the document: the date starts the appeal clock (14 working days)."""
    evaluation = document.evaluation
    if actor.employee_id != evaluation.employee_id:
        raise DomainError(gettext("Hanya pegawai yang dinilai yang dapat mengonfirmasi penerimaan dokumen."))
    if document.superseded_at is not None or evaluation.status != RELEASED:
        raise DomainError(gettext("Dokumen ini bukan versi yang berlaku."))
    if document.received_on is not None:
        raise ConflictError(gettext("Penerimaan dokumen ini sudah dikonfirmasi pada %(date)s.",
                                  date=long_date(document.received_on)))
    document.received_on = today
    document.received_at = now
    db.session.flush()
    record(actor, "evaluation.acknowledge", evaluation,
           summary=_l("Dokumen evaluasi versi %(v)s diterima pegawai", v=document.version),
           changes={"received_on": [None, today.isoformat()]})
    return document


def reopen(actor, evaluation: Evaluation, reason: str | None, *, now: dt.datetime, version=None) -> Evaluation:
    """Admin BKPSDM reopens a finalised or released evaluation (a correction), with a reason, audited. The signed
    document stays; a later release supersedes it with a new version."""
    if not getattr(actor, "is_admin", False):
        raise DomainError(gettext("Hanya Admin BKPSDM yang dapat membuka kembali penilaian."))
    check_version_if_sent(evaluation, version)
    if evaluation.status not in (FINAL, RELEASED):
        raise ConflictError(gettext("Penilaian ini belum final; tidak perlu dibuka kembali."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(gettext("Alasan wajib diisi."), field="reason")
    old = evaluation.status
    evaluation.status = DRAFT
    evaluation.updated_at = now
    db.session.flush()
    record(actor, "evaluation.reopen", evaluation,
           summary=_l("Penilaian %(name)s dibuka kembali: %(reason)s", name=evaluation.employee.full_name,
                      reason=reason[:300]),
           changes={"status": [old, DRAFT], "reason": [None, reason]})
    return evaluation


# ---------------------------------------------------------------------------------------------------------
# Lists: the assessor's team, the superior's queue, the unit, what is overdue


def reports_filter(assessor_id: int):
    return and_(Employee.active.is_(True),
                or_(Employee.assessor_id == assessor_id,
                    and_(Employee.assessor_id.is_(None), Employee.superior_id == assessor_id)))


def load(evaluation_id: int) -> Evaluation | None:
    return db.session.scalar(select(Evaluation).where(Evaluation.id == evaluation_id).options(
        joinedload(Evaluation.employee).joinedload(Employee.unit),
        joinedload(Evaluation.phase).joinedload(PeriodPhase.period)))
