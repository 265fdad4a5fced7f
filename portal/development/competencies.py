"""Competency services (PermenPANRB 38/2017; DOMAIN.md section 8): the dictionary and the activity types (seeded on
first use, edited by Admin BKPSDM, audited), the standard of each position (copied across positions of the same
jabatan), and the yearly assessment of an employee's levels: the employee may rate themselves first, the Pejabat
Penilai Kinerja rates and finalises, and the required level and the gap are frozen then. Services take an explicit
actor and time, raise DomainError, flush, never commit."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.core.audit import record
from portal.core.errors import ConflictError, DomainError, check_version_if_sent
from portal.core.timeutil import utcnow
from portal.development import permissions as perms
from portal.development import rules
from portal.development.dictionary import STANDARD_COMPETENCIES
from portal.development.labels import KIND_LABELS, level_label
from portal.development.models import (
    ActivityType,
    Competency,
    CompetencyAssessment,
    CompetencyRating,
    CompetencyStandard,
)
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.org.models import Employee, Position, Unit

NAME_MAX = 150
DESCRIPTION_MAX = 2000
DESCRIPTOR_MAX = 500
TYPE_NAME_MAX = 120
MAX_JP_PER_DAY = 24


def labelled_text(value: str | None, field: str, label: str, maximum: int, required: bool = True,
                  one_line: bool = False) -> str:
    """A text field of the development area, trimmed (or folded to one line), named by its label when it is
    missing or too long. Plans and items use it too (services.py)."""
    value = " ".join((value or "").split()) if one_line else (value or "").strip()
    if required and not value:
        raise DomainError(gettext("%(label)s wajib diisi.", label=label), field=field)
    if len(value) > maximum:
        raise DomainError(gettext("%(label)s paling banyak %(n)s karakter.", label=label, n=maximum), field=field)
    return value


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:50] or "kompetensi"


def _unique_code(model, base: str) -> str:
    taken = set(db.session.scalars(select(model.code).where(model.code.like(f"{base}%"))))
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    return code


def _require_admin(actor, message: str) -> None:
    if not getattr(actor, "is_admin", False):
        raise DomainError(message)


# ---------------------------------------------------------------------------------------------------------
# The dictionary


def ensure_dictionary() -> bool:
    """Seed the standard competencies when the dictionary is empty (idempotent; a concurrent seed wins). True when
    it seeded."""
    if db.session.scalar(select(Competency.id).limit(1)) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add_all(Competency(code=c.code, name=c.name, kind=c.kind, description=c.description,
                                          descriptors=list(c.levels), position=n)
                               for n, c in enumerate(STANDARD_COMPETENCIES))
    except IntegrityError:
        db.session.expire_all()
    db.session.flush()
    return True


def dictionary(include_inactive: bool = False) -> list[Competency]:
    stmt = select(Competency).order_by(Competency.kind, Competency.position, Competency.name)
    if not include_inactive:
        stmt = stmt.where(Competency.active.is_(True))
    return list(db.session.scalars(stmt))


def _descriptors(values) -> list[str]:
    values = list(values or [])
    if len(values) != len(rules.LEVELS):
        raise DomainError(gettext("Isi deskripsi untuk kelima level."), field="level_1")
    return [labelled_text(v, f"level_{n}", gettext("Deskripsi level %(n)s", n=n), DESCRIPTOR_MAX)
            for n, v in enumerate(values, start=1)]


def add_competency(actor, *, name: str | None, description: str | None, descriptors) -> Competency:
    """Admin BKPSDM adds a technical competency (the managerial and socio-cultural ones are the regulation's)."""
    _require_admin(actor, gettext("Hanya Admin BKPSDM yang dapat mengubah kamus kompetensi."))
    name = labelled_text(name, "name", gettext("Nama kompetensi"), NAME_MAX, one_line=True)
    if db.session.scalar(select(Competency.id).where(func.lower(Competency.name) == name.lower())) is not None:
        raise DomainError(gettext("Kompetensi dengan nama ini sudah ada."), field="name")
    levels = _descriptors(descriptors)
    position = (db.session.scalar(select(func.max(Competency.position))) or 0) + 1
    competency = Competency(code=_unique_code(Competency, _slug(name)), name=name, kind=rules.TEKNIS,
                            description=labelled_text(description, "description", gettext("Definisi"),
                                                      DESCRIPTION_MAX, required=False),
                            descriptors=levels, position=position)
    db.session.add(competency)
    db.session.flush()
    record(actor, "competency.create", competency, summary=_l("Kompetensi %(name)s ditambahkan", name=name),
           changes={"name": [None, name], "kind": [None, rules.TEKNIS]})
    return competency


def update_competency(actor, competency: Competency, *, name: str | None, description: str | None, descriptors,
                      active: bool, version=None) -> Competency:
    _require_admin(actor, gettext("Hanya Admin BKPSDM yang dapat mengubah kamus kompetensi."))
    check_version_if_sent(competency, version)
    name = labelled_text(name, "name", gettext("Nama kompetensi"), NAME_MAX, one_line=True)
    clash = db.session.scalar(select(Competency.id).where(func.lower(Competency.name) == name.lower(),
                                                          Competency.id != competency.id))
    if clash is not None:
        raise DomainError(gettext("Kompetensi dengan nama ini sudah ada."), field="name")
    values = {"name": name,
              "description": labelled_text(description, "description", gettext("Definisi"), DESCRIPTION_MAX,
                                           required=False),
              "descriptors": _descriptors(descriptors), "active": bool(active)}
    changes = {k: [getattr(competency, k), v] for k, v in values.items() if getattr(competency, k) != v}
    for key, value in values.items():
        setattr(competency, key, value)
    db.session.flush()
    if changes:
        record(actor, "competency.update", competency,
               summary=_l("Kompetensi %(name)s diubah", name=name), changes=changes)
    return competency


# ---------------------------------------------------------------------------------------------------------
# Activity types


def ensure_activity_types() -> bool:
    if db.session.scalar(select(ActivityType.id).limit(1)) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add_all(ActivityType(code=code, name=name, mode=mode, jp_per_day=jp, position=n)
                               for n, (code, name, mode, jp) in enumerate(rules.DEFAULT_ACTIVITY_TYPES))
    except IntegrityError:
        db.session.expire_all()
    db.session.flush()
    return True


def activity_types(include_inactive: bool = False) -> list[ActivityType]:
    stmt = select(ActivityType).order_by(ActivityType.mode, ActivityType.position, ActivityType.name)
    if not include_inactive:
        stmt = stmt.where(ActivityType.active.is_(True))
    return list(db.session.scalars(stmt))


def _type_values(name, mode, jp_per_day) -> dict:
    name = labelled_text(name, "name", gettext("Nama jenis kegiatan"), TYPE_NAME_MAX, one_line=True)
    if mode not in rules.MODES:
        raise DomainError(gettext("Pilih klasikal atau non-klasikal."), field="mode")
    if jp_per_day is not None and not (isinstance(jp_per_day, int) and 1 <= jp_per_day <= MAX_JP_PER_DAY):
        raise DomainError(gettext("JP per hari antara 1 dan %(n)s, atau kosong.", n=MAX_JP_PER_DAY),
                          field="jp_per_day")
    return {"name": name, "mode": mode, "jp_per_day": jp_per_day}


def add_activity_type(actor, *, name, mode, jp_per_day) -> ActivityType:
    _require_admin(actor, gettext("Hanya Admin BKPSDM yang dapat mengubah daftar jenis kegiatan."))
    values = _type_values(name, mode, jp_per_day)
    if db.session.scalar(select(ActivityType.id).where(func.lower(ActivityType.name) == values["name"].lower())):
        raise DomainError(gettext("Jenis kegiatan dengan nama ini sudah ada."), field="name")
    position = (db.session.scalar(select(func.max(ActivityType.position))) or 0) + 1
    kind = ActivityType(code=_unique_code(ActivityType, _slug(values["name"])), position=position, **values)
    db.session.add(kind)
    db.session.flush()
    record(actor, "activity_type.create", kind, summary=_l("Jenis kegiatan %(name)s ditambahkan",
                                                           name=values["name"]),
           changes={k: [None, v] for k, v in values.items()})
    return kind


def update_activity_type(actor, kind: ActivityType, *, name, mode, jp_per_day, active: bool) -> ActivityType:
    _require_admin(actor, gettext("Hanya Admin BKPSDM yang dapat mengubah daftar jenis kegiatan."))
    values = {**_type_values(name, mode, jp_per_day), "active": bool(active)}
    clash = db.session.scalar(select(ActivityType.id).where(func.lower(ActivityType.name) == values["name"].lower(),
                                                            ActivityType.id != kind.id))
    if clash is not None:
        raise DomainError(gettext("Jenis kegiatan dengan nama ini sudah ada."), field="name")
    changes = {k: [getattr(kind, k), v] for k, v in values.items() if getattr(kind, k) != v}
    for key, value in values.items():
        setattr(kind, key, value)
    db.session.flush()
    if changes:
        record(actor, "activity_type.update", kind, summary=_l("Jenis kegiatan %(name)s diubah",
                                                               name=values["name"]), changes=changes)
    return kind


# ---------------------------------------------------------------------------------------------------------
# Standards per position (Standar Kompetensi Jabatan)


def standard_levels(position_id: int | None) -> dict[int, int]:
    if position_id is None:
        return {}
    return dict(db.session.execute(select(CompetencyStandard.competency_id, CompetencyStandard.required_level)
                                   .where(CompetencyStandard.position_id == position_id)).all())


def save_standard(actor, position: Position, levels: Mapping[int, int | None]) -> dict[int, int]:
    """Set the required level of each competency for the position (None: not required). Audited."""
    if not perms.can_edit_standard(actor, position):
        raise DomainError(gettext("Hanya Admin BKPSDM atau pimpinan unit yang dapat mengubah standar kompetensi "
                                  "jabatan ini."))
    names = {c.id: c.name for c in dictionary(include_inactive=True)}
    for competency_id, level in levels.items():
        if competency_id not in names:
            raise DomainError(gettext("Kompetensi tidak dikenal."), field=f"level-{competency_id}")
        if level is not None and not rules.valid_level(level):
            raise DomainError(gettext("Pilih level 1 sampai 5."), field=f"level-{competency_id}")
    rows = {row.competency_id: row for row in db.session.scalars(
        select(CompetencyStandard).where(CompetencyStandard.position_id == position.id))}
    changes = {}
    for competency_id, level in levels.items():
        row = rows.get(competency_id)
        old = row.required_level if row else None
        if old == level:
            continue
        changes[names[competency_id]] = [old, level]
        if level is None:
            db.session.delete(row)
        elif row is None:
            db.session.add(CompetencyStandard(position_id=position.id, competency_id=competency_id,
                                              required_level=level))
        else:
            row.required_level = level
    db.session.flush()
    if changes:
        record(actor, "competency_standard.update", position,
               summary=_l("Standar kompetensi jabatan %(name)s (%(unit)s) diubah", name=position.name,
                          unit=position.unit.name), changes=changes)
    return standard_levels(position.id)


def same_name_positions(actor, position: Position) -> list[Position]:
    """Active positions with the same jabatan name (ignoring case and spaces) that the actor may edit."""
    key = " ".join(position.name.split()).lower()
    stmt = (select(Position).join(Unit, Unit.id == Position.unit_id)
            .where(func.lower(func.trim(Position.name)) == key, Position.id != position.id,
                   Position.active.is_(True)).order_by(Unit.path, Position.id))
    if not getattr(actor, "is_admin", False):
        paths = [u.path for u in org_perms.headed_units(actor)]
        if not paths:
            return []
        stmt = stmt.where(or_(*(Unit.path.startswith(p) for p in paths)))
    return list(db.session.scalars(stmt))


def copy_standard(actor, position: Position) -> int:
    """Copy the position's standard to every position with the same jabatan name the actor may edit (the whole
    regency for Admin BKPSDM, the units below for a unit head), replacing theirs. Returns how many were set."""
    if not perms.can_edit_standard(actor, position):
        raise DomainError(gettext("Hanya Admin BKPSDM atau pimpinan unit yang dapat menyalin standar ini."))
    levels = standard_levels(position.id)
    if not levels:
        raise DomainError(gettext("Jabatan ini belum memiliki standar kompetensi untuk disalin."))
    targets = same_name_positions(actor, position)
    if not targets:
        raise DomainError(gettext("Tidak ada jabatan lain bernama sama yang dapat Anda ubah."))
    ids = [p.id for p in targets]
    db.session.execute(delete(CompetencyStandard).where(CompetencyStandard.position_id.in_(ids)))
    now = utcnow()
    db.session.execute(insert(CompetencyStandard), [
        {"position_id": pid, "competency_id": cid, "required_level": level, "created_at": now, "updated_at": now}
        for pid in ids for cid, level in levels.items()])
    db.session.flush()
    record(actor, "competency_standard.copy", position,
           summary=_l("Standar kompetensi %(name)s disalin ke %(n)s jabatan bernama sama", name=position.name,
                      n=len(ids)),
           changes={"positions": [None, ids]})
    return len(ids)


# ---------------------------------------------------------------------------------------------------------
# Assessments


def assessment_year_open(year: int, today: dt.date) -> bool:
    """Levels of this year, or of last year in its aftermath (policy), may be recorded."""
    return today.year - 1 <= year <= today.year


def find_assessment(employee: Employee, year: int) -> CompetencyAssessment | None:
    return db.session.scalar(select(CompetencyAssessment).where(
        CompetencyAssessment.employee_id == employee.id, CompetencyAssessment.year == year)
        .options(selectinload(CompetencyAssessment.ratings)))


def scope(employee: Employee, assessment: CompetencyAssessment | None) -> list[Competency]:
    """The competencies to rate: the position's standard and whatever was rated already; without a standard, the
    managerial and socio-cultural ones (policy: every ASN position needs them)."""
    ids = set(standard_levels(employee.position_id))
    if assessment is not None:
        ids |= {r.competency_id for r in assessment.ratings}
    competencies = dictionary(include_inactive=True)
    if not ids:
        return [c for c in competencies if c.active and c.kind != rules.TEKNIS]
    return [c for c in competencies if c.id in ids]


def _ensure_assessment(employee: Employee, year: int) -> CompetencyAssessment:
    assessment = find_assessment(employee, year)
    if assessment is None:
        assessment = CompetencyAssessment(employee_id=employee.id, year=year, status=rules.ASSESSMENT_DRAFT)
        assessment.employee = employee
        db.session.add(assessment)
        db.session.flush()
    return assessment


def _levels(levels: Mapping[int, int | None], allowed: set[int]) -> dict[int, int | None]:
    clean = {}
    for competency_id, level in levels.items():
        if competency_id not in allowed:
            raise DomainError(gettext("Kompetensi ini tidak termasuk penilaian pegawai ini."))
        if level is not None and not rules.valid_level(level):
            raise DomainError(gettext("Pilih level 1 sampai 5."), field=f"level-{competency_id}")
        clean[competency_id] = level
    return clean


def _apply(assessment: CompetencyAssessment, levels: Mapping[int, int | None], attribute: str) -> dict:
    rows = {r.competency_id: r for r in assessment.ratings}
    names = {c.id: c.name for c in dictionary(include_inactive=True)}
    changes = {}
    for competency_id, level in levels.items():
        row = rows.get(competency_id)
        if row is None:
            row = CompetencyRating(competency_id=competency_id)
            assessment.ratings.append(row)
        if getattr(row, attribute) != level:
            changes[names.get(competency_id, str(competency_id))] = [getattr(row, attribute), level]
            setattr(row, attribute, level)
    return changes


def _missing(levels: Mapping[int, int | None], competencies: list[Competency]) -> Competency | None:
    return next((c for c in competencies if levels.get(c.id) is None), None)


def save_self_assessment(actor, employee: Employee, year: int, levels: Mapping[int, int | None], *, today: dt.date,
                         now: dt.datetime, version=None, submit: bool = False) -> CompetencyAssessment:
    """The employee's own levels (optional, before the assessor rates): a draft, then submitted once."""
    if not perms.can_self_assess(actor, employee):
        raise DomainError(gettext("Penilaian diri diisi oleh pegawai sendiri."))
    if not assessment_year_open(year, today):
        raise DomainError(gettext("Penilaian kompetensi tahun %(year)s tidak dapat diubah lagi.", year=year))
    assessment = find_assessment(employee, year)
    if assessment is not None:
        check_version_if_sent(assessment, version)
    if assessment is not None and (assessment.status == rules.ASSESSMENT_FINAL
                                   or assessment.self_submitted_at is not None):
        raise ConflictError(gettext("Penilaian diri sudah dikirim atau penilaian sudah final."))
    competencies = scope(employee, assessment)
    clean = _levels(levels, {c.id for c in competencies})
    if submit:
        merged = {r.competency_id: r.self_level for r in (assessment.ratings if assessment else [])}
        merged.update(clean)
        missing = _missing(merged, competencies)
        if missing is not None:
            raise DomainError(gettext("Pilih level %(name)s sebelum mengirim.", name=missing.name),
                              field=f"level-{missing.id}")
    assessment = assessment or _ensure_assessment(employee, year)
    changes = _apply(assessment, clean, "self_level")
    if submit:
        assessment.self_submitted_at = now
    assessment.updated_at = now
    db.session.flush()
    if changes or submit:
        record(actor, "competency_assessment.self", assessment,
               summary=(_l("Penilaian diri kompetensi %(year)s dikirim", year=year) if submit
                        else _l("Draf penilaian diri kompetensi %(year)s disimpan", year=year)),
               changes=changes)
    return assessment


def save_assessment(actor, employee: Employee, year: int, levels: Mapping[int, int | None], *, today: dt.date,
                    now: dt.datetime, version=None, finalise: bool = False) -> CompetencyAssessment:
    """The assessor's levels as a draft, or finalised: every competency rated, the required level and the gap
    frozen as they are now (rules.gap)."""
    if not perms.can_rate(actor, employee):
        raise DomainError(gettext("Kompetensi dinilai oleh Pejabat Penilai Kinerja pegawai ini."))
    if not assessment_year_open(year, today):
        raise DomainError(gettext("Penilaian kompetensi tahun %(year)s tidak dapat diubah lagi.", year=year))
    assessment = find_assessment(employee, year)
    if assessment is not None:
        check_version_if_sent(assessment, version)
        if assessment.status == rules.ASSESSMENT_FINAL:
            raise ConflictError(gettext("Penilaian kompetensi ini sudah final."))
    competencies = scope(employee, assessment)
    clean = _levels(levels, {c.id for c in competencies})
    if finalise:
        merged = {r.competency_id: r.assessed_level for r in (assessment.ratings if assessment else [])}
        merged.update(clean)
        missing = _missing(merged, competencies)
        if missing is not None:
            raise DomainError(gettext("Pilih level %(name)s sebelum memfinalkan.", name=missing.name),
                              field=f"level-{missing.id}")
    assessment = assessment or _ensure_assessment(employee, year)
    changes = _apply(assessment, clean, "assessed_level")
    assessment.assessor_id = actor.employee_id
    assessment.updated_at = now
    if finalise:
        required = standard_levels(employee.position_id)
        for row in assessment.ratings:
            row.required_level = required.get(row.competency_id)
            row.gap = rules.gap(row.required_level, row.assessed_level)
        assessment.status = rules.ASSESSMENT_FINAL
        assessment.finalised_at = now
        assessment.position_id = employee.position_id
        changes["status"] = [rules.ASSESSMENT_DRAFT, rules.ASSESSMENT_FINAL]
    db.session.flush()
    if changes:
        record(actor, "competency_assessment.final" if finalise else "competency_assessment.save", assessment,
               summary=(_l("Penilaian kompetensi %(name)s tahun %(year)s difinalkan", name=employee.full_name,
                           year=year) if finalise else
                        _l("Draf penilaian kompetensi %(name)s tahun %(year)s disimpan",
                           name=employee.full_name, year=year)),
               changes=changes)
    return assessment


def reopen_assessment(actor, assessment: CompetencyAssessment, *, today: dt.date, now: dt.datetime,
                      version=None) -> CompetencyAssessment:
    """The assessor (or Admin BKPSDM) reopens a final assessment to correct it; audited."""
    employee = assessment.employee
    if not (perms.can_rate(actor, employee) or getattr(actor, "is_admin", False)):
        raise DomainError(gettext("Hanya Pejabat Penilai Kinerja atau Admin BKPSDM yang dapat membuka kembali "
                                  "penilaian kompetensi."))
    check_version_if_sent(assessment, version)
    if assessment.status != rules.ASSESSMENT_FINAL:
        raise ConflictError(gettext("Penilaian kompetensi ini belum final."))
    if not assessment_year_open(assessment.year, today):
        raise DomainError(gettext("Penilaian kompetensi tahun %(year)s tidak dapat diubah lagi.",
                                  year=assessment.year))
    assessment.status = rules.ASSESSMENT_DRAFT
    assessment.finalised_at = None
    assessment.updated_at = now
    for row in assessment.ratings:
        row.gap = None
    db.session.flush()
    record(actor, "competency_assessment.reopen", assessment,
           summary=_l("Penilaian kompetensi %(name)s tahun %(year)s dibuka kembali", name=employee.full_name,
                      year=assessment.year),
           changes={"status": [rules.ASSESSMENT_FINAL, rules.ASSESSMENT_DRAFT]})
    return assessment


def gap_rows(employee: Employee, assessment: CompetencyAssessment | None, user) -> list[dict]:
    """The gap table as the user may see it: per competency the required level (frozen once final, else the
    position's current standard), the self level and the assessor's level where visible, and the gap."""
    competencies = scope(employee, assessment)
    by_id = {c.id: c for c in competencies}
    ratings = {r.competency_id: r for r in (assessment.ratings if assessment else [])}
    final = assessment is not None and assessment.status == rules.ASSESSMENT_FINAL
    current = standard_levels(employee.position_id)
    required = {cid: (ratings[cid].required_level if final and cid in ratings else current.get(cid))
                for cid in by_id}
    show_self = perms.sees_self_levels(user, assessment)
    show_assessed = perms.sees_assessed_levels(user, assessment)
    assessed = {cid: (r.assessed_level if show_assessed else None) for cid, r in ratings.items()}
    own = {cid: (r.self_level if show_self else None) for cid, r in ratings.items()}
    rows = rules.gap_table(required, assessed, own, order=[c.id for c in competencies])
    return [{"competency": by_id[r.competency_id], "kind": str(KIND_LABELS.get(by_id[r.competency_id].kind, "")),
             "required": r.required, "self_level": r.self_level, "assessed": r.assessed,
             "gap": r.gap if final else None, "row": r,
             "required_label": level_label(r.required), "self_label": level_label(r.self_level),
             "assessed_label": level_label(r.assessed)}
            for r in rows if r.competency_id in by_id]
