"""SKP editor operations: create an SKP, edit its RHK, indicators, lampiran and Ekspektasi Khusus Pimpinan.

Every change checks the SKP's version first (two people, or two browser tabs, must not overwrite each other
silently), then bumps it, and writes an audit row in the same transaction. The flow (submit, approve, …) lives in
portal/skp/flow.py. Who may call what is decided by the views with portal/skp/permissions.py; the services still
refuse changes the rules forbid (e.g. an approved SKP's RHK).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.core import audit
from portal.core.errors import DomainError, check_version
from portal.core.textlimits import clean_text, length_error, normalise
from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.org.models import Employee
from portal.periods.models import Period
from portal.skp import berakhlak, rules
from portal.skp.models import (
    ASPECTS,
    RHK_KINDS,
    RHK_UTAMA,
    STATUS_APPROVED,
    STATUS_DRAFT,
    STATUS_SUBMITTED,
    BehaviourExpectation,
    Indicator,
    ResultPlan,
    Skp,
    UnitGoal,
)

UP = "naik"
DOWN = "turun"
_AUDIT_TEXT = 160  # audit rows keep a short excerpt of long texts

# Text limits (portal/core/textlimits.py): the forms render them as maxlength, the services refuse longer text.
RHK_TEXT_MAX = 2000
INDICATOR_TEXT_MAX = 2000
TARGET_TEXT_MAX = 300  # indicator.target_text is VARCHAR(300)
TARGET_UNIT_MAX = 50  # indicator.target_unit is VARCHAR(50)
LAMPIRAN_MAX = 5000  # each of the three lampiran texts
EXPECTATION_MAX = 2000


# --- queries -----------------------------------------------------------------------------------------------


def current_skp(employee: Employee, period: Period) -> Skp | None:
    """The employee's current SKP version for the period (None if not created yet)."""
    return db.session.scalar(
        select(Skp).where(Skp.employee_id == employee.id, Skp.period_id == period.id, Skp.is_current.is_(True))
    )


def previous_year_skp(employee: Employee, period: Period) -> Skp | None:
    """The employee's current SKP of the year before ``period``: the starting point offered by "Salin"."""
    return db.session.scalar(
        select(Skp)
        .join(Period, Period.id == Skp.period_id)
        .where(Skp.employee_id == employee.id, Period.year == period.year - 1, Skp.is_current.is_(True))
        .options(selectinload(Skp.result_plans).selectinload(ResultPlan.indicators))
    )


def assessor_of(skp: Skp) -> Employee | None:
    """The Pejabat Penilai Kinerja recorded on the SKP, else the employee's assessor in the org chart."""
    return skp.assessor or skp.employee.assessor


def assessor_skp(skp: Skp) -> Skp | None:
    """The assessor's current SKP for the same period: its RHK are the ones this SKP may intervene."""
    assessor_id = skp.assessor_id or getattr(skp.employee.assessor, "id", None)
    if assessor_id is None:
        return None
    return db.session.scalar(
        select(Skp).where(Skp.employee_id == assessor_id, Skp.period_id == skp.period_id, Skp.is_current.is_(True))
    )


def parent_choices(skp: Skp, superior: Skp | None = None) -> list[ResultPlan]:
    """RHK of the assessor's current SKP (Utama first), one query. Empty when the superior has none yet."""
    superior = superior or assessor_skp(skp)
    if superior is None:
        return []
    rows = db.session.scalars(
        select(ResultPlan).where(ResultPlan.skp_id == superior.id).order_by(ResultPlan.position, ResultPlan.id)
    )
    return sorted(rows, key=lambda r: (r.kind != RHK_UTAMA, r.position, r.id))


def uses_unit_goals(skp: Skp) -> bool:
    """The first level of the cascade: the head of a top unit (or a head without an assessor) links to the
    unit's goals instead of a superior's RHK."""
    employee = skp.employee
    heads_unit = employee.position is not None and employee.position.is_head
    if not heads_unit:
        return False
    unit = skp.unit or employee.unit
    return unit.parent_id is None or employee.assessor is None


def unit_goal_choices(skp: Skp) -> list[UnitGoal]:
    unit_id = skp.unit_id or skp.employee.unit_id
    return list(db.session.scalars(
        select(UnitGoal)
        .where(UnitGoal.period_id == skp.period_id, UnitGoal.unit_id == unit_id, UnitGoal.active.is_(True))
        .order_by(UnitGoal.position, UnitGoal.id)
    ))


# --- helpers -----------------------------------------------------------------------------------------------


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > _AUDIT_TEXT:
        return value[: _AUDIT_TEXT - 1] + "…"
    if isinstance(value, Decimal):
        return str(value)
    return value


def _changes(obj: Any, fields: list[str], data: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that change, long texts shortened (audit rows stay compact)."""
    changes = {}
    for name in fields:
        if name in data and getattr(obj, name) != data[name]:
            changes[name] = [_short(audit._jsonable(getattr(obj, name))), _short(audit._jsonable(data[name]))]
    return changes


def touch(skp: Skp) -> None:
    """Mark the SKP changed: SQLAlchemy bumps its version_id, so every form rendered before is now stale."""
    now = utcnow()
    if skp.updated_at is not None and now <= skp.updated_at:
        now = skp.updated_at + dt.timedelta(microseconds=1)
    skp.updated_at = now


def ensure_editable(skp: Skp) -> None:
    """Only the current draft/returned version changes; an approved SKP changes by revision only."""
    if not skp.is_current or not rules.is_editable(skp.status):
        if skp.status == STATUS_APPROVED:
            raise DomainError(gettext("SKP yang sudah disetujui tidak dapat diubah. Ajukan revisi SKP untuk "
                                      "mengubahnya."))
        if skp.status == STATUS_SUBMITTED:
            raise DomainError(gettext("SKP sedang diajukan kepada Pejabat Penilai Kinerja. Tarik kembali "
                                      "pengajuan untuk mengubahnya."))
        raise DomainError(gettext("Versi SKP ini tidak dapat diubah lagi."))


def _guard(skp: Skp, version) -> None:
    check_version(skp, version)
    ensure_editable(skp)


def _clean_text(value: str | None, field: str, message: str, limit: int) -> str:
    """Required text within its limit (never cut: DomainError at the field)."""
    text = clean_text(value, limit, field=field)
    if not text:
        raise DomainError(message, field=field)
    return text


def _validate_link(skp: Skp, parent_id: int | None, unit_goal_id: int | None,
                   current: ResultPlan | None = None) -> tuple[int | None, int | None]:
    """The intervened RHK must belong to the assessor's current SKP; a unit goal to the SKP's unit and year.
    An existing link is kept even when the superior's SKP has since been revised."""
    kept_parent = current is not None and current.parent_id == parent_id
    if parent_id is not None and not kept_parent and parent_id not in {r.id for r in parent_choices(skp)}:
        raise DomainError(gettext("Pilih RHK dari SKP Pejabat Penilai Kinerja Anda."), field="parent_id")
    kept_goal = current is not None and current.unit_goal_id == unit_goal_id
    if unit_goal_id is not None and not kept_goal and unit_goal_id not in {g.id for g in unit_goal_choices(skp)}:
        raise DomainError(gettext("Pilih salah satu sasaran unit Anda."), field="unit_goal_id")
    return parent_id, unit_goal_id


def _rhk_data(skp: Skp, data: Mapping[str, Any], current: ResultPlan | None = None) -> dict[str, Any]:
    kind = data.get("kind") or RHK_UTAMA
    if kind not in RHK_KINDS:
        raise DomainError(gettext("Jenis RHK tidak dikenal."), field="kind")
    text = _clean_text(data.get("text"), "text", gettext("Rencana Hasil Kerja wajib diisi."), RHK_TEXT_MAX)
    parent_id, unit_goal_id = _validate_link(skp, data.get("parent_id"), data.get("unit_goal_id"), current)
    return {"kind": kind, "text": text, "parent_id": parent_id, "unit_goal_id": unit_goal_id}


def _indicator_data(data: Mapping[str, Any]) -> dict[str, Any]:
    text = _clean_text(data.get("text"), "text", gettext("Indikator wajib diisi."), INDICATOR_TEXT_MAX)
    aspect = data.get("aspect") or ASPECTS[0]
    if aspect not in ASPECTS:
        raise DomainError(gettext("Aspek tidak dikenal."), field="aspect")
    target_text = clean_text(data.get("target_text"), TARGET_TEXT_MAX, field="target_text")
    target_number = data.get("target_number")
    target_unit = clean_text(data.get("target_unit"), TARGET_UNIT_MAX, field="target_unit")
    if not target_text and target_number is None:
        raise DomainError(gettext("Isi Target sebagai teks, atau sebagai angka dengan satuannya."),
                          field="target_text")
    if target_number is not None and not target_unit:
        raise DomainError(gettext("Satuan wajib diisi bila Target berupa angka."), field="target_unit")
    if target_number is None:
        target_unit = ""
    return {"text": text, "aspect": aspect, "target_text": target_text,
            "target_number": Decimal(target_number) if target_number is not None else None,
            "target_unit": target_unit}


def _siblings(rhk: ResultPlan, kind: str | None = None) -> list[ResultPlan]:
    kind = kind or rhk.kind
    return sorted((r for r in rhk.skp.result_plans if r.kind == kind), key=lambda r: (r.position, r.id))


def _next_position(skp: Skp, kind: str) -> int:
    return max((r.position for r in skp.result_plans if r.kind == kind), default=-1) + 1


# --- create ------------------------------------------------------------------------------------------------


def create_skp(actor, employee: Employee, period: Period, *, copy_from: Skp | None = None) -> Skp:
    """A new SKP (version 1, draft) for the employee and period, with the Pejabat Penilai Kinerja from the org chart.

    An employee without an assessor may still draft (DOMAIN.md section 3: never block the subordinate).
    ``copy_from`` (last year's SKP) gives the RHK texts, kinds and indicators, not the links to the superior's RHK
    (those belong to last year's cascade) nor any realisation.
    """
    if current_skp(employee, period) is not None:
        raise DomainError(gettext("SKP Anda untuk periode ini sudah ada."))
    if copy_from is not None and copy_from.employee_id != employee.id:
        raise DomainError(gettext("Hanya SKP milik Anda sendiri yang dapat disalin."))
    assessor = employee.assessor
    skp = Skp(
        period=period, employee=employee, number=1, is_current=True, status=STATUS_DRAFT,
        assessor_id=assessor.id if assessor else None, unit_id=employee.unit_id,
    )
    skp.expectations = [BehaviourExpectation(value_code=code, text="") for code in berakhlak.CODES]
    if copy_from is not None:
        skp.resources = copy_from.resources or ""
        skp.reporting_scheme = copy_from.reporting_scheme or ""
        skp.consequences = copy_from.consequences or ""
        for old in sorted(copy_from.result_plans, key=lambda r: (r.kind != RHK_UTAMA, r.position, r.id)):
            skp.result_plans.append(ResultPlan(
                kind=old.kind, text=old.text, position=old.position,
                indicators=[
                    Indicator(text=i.text, aspect=i.aspect, target_text=i.target_text, target_number=i.target_number,
                              target_unit=i.target_unit, position=i.position)
                    for i in old.indicators
                ],
            ))
    db.session.add(skp)
    db.session.flush()
    changes = {"copied_from": copy_from.id} if copy_from is not None else None
    audit.record(actor, "skp.create", skp, summary=_l("SKP %(year)s dibuat untuk %(name)s",
                                                      year=period.year, name=employee.full_name),
                 changes=changes)
    return skp


# --- RHK ---------------------------------------------------------------------------------------------------


def add_rhk(actor, skp: Skp, data: Mapping[str, Any], *, version) -> ResultPlan:
    _guard(skp, version)
    values = _rhk_data(skp, data)
    rhk = ResultPlan(position=_next_position(skp, values["kind"]), **values)
    skp.result_plans.append(rhk)
    touch(skp)
    db.session.flush()
    audit.record(actor, "skp.rhk_add", rhk, summary=_short(rhk.text),
                 changes={"skp": skp.id, "kind": rhk.kind})
    return rhk


def update_rhk(actor, rhk: ResultPlan, data: Mapping[str, Any], *, version) -> dict[str, list[Any]]:
    skp = rhk.skp
    _guard(skp, version)
    values = _rhk_data(skp, data, current=rhk)
    changes = _changes(rhk, ["kind", "text", "parent_id", "unit_goal_id"], values)
    if not changes:
        return {}
    if "kind" in changes:  # moves to the end of the other list
        values["position"] = _next_position(skp, values["kind"])
    for name, value in values.items():
        setattr(rhk, name, value)
    touch(skp)
    db.session.flush()
    audit.record(actor, "skp.rhk_update", rhk, summary=_short(rhk.text), changes=changes)
    return changes


def link_parent_rhk(actor, rhk: ResultPlan, *, parent_id: int | None = None, unit_goal_id: int | None = None,
                    version) -> None:
    """Link the RHK Pimpinan yang Diintervensi (or a unit goal) later, once the superior has written their SKP.

    Allowed on a draft/returned version and, because it does not change what was agreed, on the approved one too
    (audited like every edit after approval)."""
    skp = rhk.skp
    check_version(skp, version)
    if not skp.is_current or not (rules.is_editable(skp.status) or skp.status == STATUS_APPROVED):
        ensure_editable(skp)
    parent_id, unit_goal_id = _validate_link(skp, parent_id, unit_goal_id, current=rhk)
    changes = _changes(rhk, ["parent_id", "unit_goal_id"], {"parent_id": parent_id, "unit_goal_id": unit_goal_id})
    if not changes:
        return
    rhk.parent_id, rhk.unit_goal_id = parent_id, unit_goal_id
    touch(skp)
    db.session.flush()
    audit.record(actor, "skp.rhk_link", rhk, summary=_short(rhk.text), changes=changes)


def delete_rhk(actor, rhk: ResultPlan, *, version) -> None:
    skp = rhk.skp
    _guard(skp, version)
    audit.record(actor, "skp.rhk_delete", rhk, summary=_short(rhk.text),
                 changes={"skp": skp.id, "indicators": len(rhk.indicators)})
    skp.result_plans.remove(rhk)
    db.session.delete(rhk)
    for position, sibling in enumerate(_siblings_of(skp, rhk.kind)):
        sibling.position = position
    touch(skp)
    db.session.flush()


def _siblings_of(skp: Skp, kind: str) -> list[ResultPlan]:
    return sorted((r for r in skp.result_plans if r.kind == kind), key=lambda r: (r.position, r.id))


def move_rhk(actor, rhk: ResultPlan, direction: str, *, version) -> bool:
    """Move an RHK one place up or down within its kind (Utama/Tambahan). False when already at the edge."""
    skp = rhk.skp
    _guard(skp, version)
    if direction not in (UP, DOWN):
        raise DomainError(gettext("Arah pemindahan tidak dikenal."))
    siblings = _siblings(rhk)
    index = siblings.index(rhk)
    target = index - 1 if direction == UP else index + 1
    if target < 0 or target >= len(siblings):
        return False
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    touch(skp)
    db.session.flush()
    audit.record(actor, "skp.rhk_move", rhk, summary=_short(rhk.text),
                 changes={"position": [index + 1, target + 1]})
    return True


# --- indicators --------------------------------------------------------------------------------------------


def add_indicator(actor, rhk: ResultPlan, data: Mapping[str, Any], *, version) -> Indicator:
    skp = rhk.skp
    _guard(skp, version)
    values = _indicator_data(data)
    indicator = Indicator(position=max((i.position for i in rhk.indicators), default=-1) + 1, **values)
    rhk.indicators.append(indicator)
    touch(skp)
    db.session.flush()
    audit.record(actor, "skp.indicator_add", indicator, summary=_short(indicator.text),
                 changes={"rhk": rhk.id, "aspect": indicator.aspect})
    return indicator


def update_indicator(actor, indicator: Indicator, data: Mapping[str, Any], *, version) -> dict[str, list[Any]]:
    skp = indicator.result_plan.skp
    _guard(skp, version)
    values = _indicator_data(data)
    if values["target_number"] is not None and indicator.target_number is not None \
            and Decimal(values["target_number"]) == Decimal(indicator.target_number):
        values["target_number"] = indicator.target_number  # 5 and 5.00 are the same target
    changes = _changes(indicator, ["text", "aspect", "target_text", "target_number", "target_unit"], values)
    if not changes:
        return {}
    for name, value in values.items():
        setattr(indicator, name, value)
    touch(skp)
    db.session.flush()
    audit.record(actor, "skp.indicator_update", indicator, summary=_short(indicator.text), changes=changes)
    return changes


def delete_indicator(actor, indicator: Indicator, *, version) -> None:
    rhk = indicator.result_plan
    skp = rhk.skp
    _guard(skp, version)
    audit.record(actor, "skp.indicator_delete", indicator, summary=_short(indicator.text),
                 changes={"rhk": rhk.id})
    rhk.indicators.remove(indicator)
    db.session.delete(indicator)
    touch(skp)
    db.session.flush()


# --- lampiran and perilaku kerja ---------------------------------------------------------------------------

LAMPIRAN_FIELDS = ["resources", "reporting_scheme", "consequences"]


@dataclass
class LampiranSave:
    """What save_lampiran did: the changes (audited), and the fields it refused (name -> message), left as they
    were."""

    changes: dict[str, list[Any]]
    errors: dict[str, str] = field(default_factory=dict)


def save_lampiran(actor, skp: Skp, data: Mapping[str, Any], *, version) -> LampiranSave:
    """Dukungan sumber daya, skema pertanggungjawaban, konsekuensi. Saving unchanged text (autosave) is a no-op.
    Each valid text is saved even when another is over its limit: that one stays as it was and is reported (an
    autosave must not lose two texts because the third is too long). Nothing is cut."""
    _guard(skp, version)
    errors = {name: message for name in LAMPIRAN_FIELDS if name in data
              and (message := length_error(data.get(name), LAMPIRAN_MAX))}
    values = {name: normalise(data.get(name)).strip() for name in LAMPIRAN_FIELDS if name in data
              and name not in errors}
    changes = _changes(skp, LAMPIRAN_FIELDS, values)
    if not changes:
        return LampiranSave({}, errors)
    for name, value in values.items():
        setattr(skp, name, value)
    touch(skp)
    db.session.flush()
    audit.record(actor, "skp.lampiran_update", skp, summary=_l("Lampiran SKP diubah"), changes=changes)
    return LampiranSave(changes, errors)


def save_expectations(actor, skp: Skp, texts: Mapping[str, str | None], *,
                      version) -> dict[str, dict[str, list[Any]]]:
    """Ekspektasi Khusus Pimpinan of several BerAKHLAK values at once (the SKP page sends the seven in one form),
    written by the assessor before approval.

    One version check for the whole form, and all or nothing: a text over its limit refuses the save at its field
    (the value's code). Only the values whose text changed are written (one audit row each); the SKP's version
    moves once. Returns {value code: changes}."""
    check_version(skp, version)
    if any(code not in berakhlak.BY_CODE for code in texts):
        raise DomainError(gettext("Nilai BerAKHLAK tidak dikenal."))
    if not skp.is_current or not (rules.is_editable(skp.status) or skp.status == STATUS_SUBMITTED):
        raise DomainError(gettext("Ekspektasi Khusus Pimpinan tidak dapat diubah lagi pada SKP ini."))
    cleaned = {code: clean_text(text, EXPECTATION_MAX, field=code) for code, text in texts.items()}
    rows = {e.value_code: e for e in skp.expectations}
    saved: dict[str, dict[str, list[Any]]] = {}
    for code in berakhlak.CODES:  # in the order of the values
        if code not in cleaned:
            continue
        row = rows.get(code)
        if row is None:
            row = rows[code] = BehaviourExpectation(value_code=code, text="")
            skp.expectations.append(row)
        changes = _changes(row, ["text"], {"text": cleaned[code]})
        if changes:
            row.text = cleaned[code]
            row.written_by_id = getattr(actor, "employee_id", None)
            saved[code] = changes
    if not saved:
        return {}
    touch(skp)
    db.session.flush()
    for code, changes in saved.items():
        audit.record(actor, "skp.expectation_update", rows[code], summary=berakhlak.BY_CODE[code].name,
                     changes={"skp": skp.id, **changes})
    return saved


def save_expectation(actor, skp: Skp, value_code: str, text: str, *, version) -> dict[str, list[Any]]:
    """Ekspektasi Khusus Pimpinan for one BerAKHLAK value (save_expectations with one)."""
    return save_expectations(actor, skp, {value_code: text}, version=version).get(value_code, {})
