"""Periods, phases, reopenings and the holiday calendar: queries and changes used by every area."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask_babel import LazyString, gettext, lazy_gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from portal.core import request_cache
from portal.core.audit import diff, record
from portal.core.errors import DomainError, check_version
from portal.core.i18n import in_portal_language, long_date
from portal.core.textlimits import clean_text
from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.org.models import Employee, Unit
from portal.periods import rules
from portal.periods.holidays import seed_holidays
from portal.periods.models import (
    FREQUENCIES,
    FREQUENCY_MONTHLY,
    FREQUENCY_QUARTERLY,
    HOLIDAY_CUTI_BERSAMA,
    HOLIDAY_NATIONAL,
    PHASE_ANNUAL,
    PHASE_APPEALS,
    PHASE_PERIODIC,
    PHASE_PLANNING,
    PHASE_RUNNING,
    Holiday,
    Period,
    PeriodPhase,
    PhaseReopening,
)


def holidays_between(start: dt.date, end: dt.date) -> frozenset[dt.date]:
    """The non-working holiday dates in [start, end] (one query)."""
    rows = db.session.scalars(select(Holiday.date).where(Holiday.date >= start, Holiday.date <= end))
    return frozenset(rows)


def holidays_around(day: dt.date) -> frozenset[dt.date]:
    """Holidays of the year before, the year of and the year after ``day``: enough for any deadline here (read
    once per request)."""
    return request_cache.cached(("holidays", day.year), lambda: holidays_between(
        dt.date(day.year - 1, 1, 1), dt.date(day.year + 1, 12, 31)))


def period_for_year(year: int) -> Period | None:
    return db.session.scalar(select(Period).where(Period.year == year))


def current_period(today: dt.date) -> Period | None:
    """The active period whose year contains ``today``, else the latest active one that has started (read once
    per request)."""
    return request_cache.cached(("current_period", today), lambda: _current_period(today))


def _current_period(today: dt.date) -> Period | None:
    period = db.session.scalar(
        select(Period).where(Period.active.is_(True), Period.starts_on <= today, Period.ends_on >= today)
    )
    if period is None:
        period = db.session.scalar(
            select(Period).where(Period.active.is_(True), Period.starts_on <= today).order_by(Period.year.desc())
        )
    return period


def phases_of(period: Period) -> list[PeriodPhase]:
    """Every phase of the period, in one query per request (each page asks for several of them)."""
    return request_cache.cached(("phases", period.id), lambda: list(db.session.scalars(
        select(PeriodPhase).where(PeriodPhase.period_id == period.id).order_by(PeriodPhase.kind, PeriodPhase.seq))))


def find_phase(period: Period, kind: str, seq: int = 0) -> PeriodPhase | None:
    return next((p for p in phases_of(period) if p.kind == kind and p.seq == seq), None)


def reopening_for(phase: PeriodPhase, employee: Employee, today: dt.date) -> PhaseReopening | None:
    """A reopening of ``phase`` valid today for this employee or for a unit above them."""
    unit_ids = [*employee.unit.ancestor_ids, employee.unit_id] if employee.unit else [employee.unit_id]
    return db.session.scalar(
        select(PhaseReopening)
        .where(
            PhaseReopening.phase_id == phase.id,
            PhaseReopening.until >= today,
            or_(PhaseReopening.employee_id == employee.id, PhaseReopening.unit_id.in_(unit_ids)),
        )
        .order_by(PhaseReopening.until.desc())
        .limit(1)
    )


def phase_open_for(phase: PeriodPhase | None, employee: Employee, today: dt.date) -> bool:
    """Is the phase open for this employee today: inside its dates, or reopened for them (or their unit)?"""
    if phase is None:
        return False
    if phase.is_open_on(today):
        return True
    if today < phase.opens_on:
        return False
    return reopening_for(phase, employee, today) is not None


def unit_subtree_ids(unit: Unit) -> list[int]:
    return list(db.session.scalars(select(Unit.id).where(Unit.path.startswith(unit.path))))


# ---------------------------------------------------------------------------------------------------------
# Labels (UI words of DOMAIN.md section 10)

# Text limits (the column sizes): refused when longer, never cut (portal/core/textlimits.py).
PERIOD_NAME_MAX = 100
REOPEN_REASON_MAX = 500
HOLIDAY_NAME_MAX = 150

MONTH_NAMES = (
    lazy_gettext("Januari"), lazy_gettext("Februari"), lazy_gettext("Maret"), lazy_gettext("April"),
    lazy_gettext("Mei"), lazy_gettext("Juni"), lazy_gettext("Juli"), lazy_gettext("Agustus"),
    lazy_gettext("September"), lazy_gettext("Oktober"), lazy_gettext("November"), lazy_gettext("Desember"),
)
QUARTER_NAMES = (lazy_gettext("Triwulan I"), lazy_gettext("Triwulan II"), lazy_gettext("Triwulan III"),
                 lazy_gettext("Triwulan IV"))
PHASE_NAMES = {
    PHASE_PLANNING: lazy_gettext("Perencanaan"),
    PHASE_RUNNING: lazy_gettext("Pelaksanaan dan Pemantauan"),
    PHASE_PERIODIC: lazy_gettext("Evaluasi Periodik"),
    PHASE_ANNUAL: lazy_gettext("Evaluasi Tahunan"),
    PHASE_APPEALS: lazy_gettext("Keberatan"),
}
FREQUENCY_NAMES = {FREQUENCY_MONTHLY: lazy_gettext("Bulanan"), FREQUENCY_QUARTERLY: lazy_gettext("Triwulanan")}
HOLIDAY_KIND_NAMES = {HOLIDAY_NATIONAL: lazy_gettext("Libur nasional"),
                      HOLIDAY_CUTI_BERSAMA: lazy_gettext("Cuti bersama")}
STATUS_NAMES = {
    rules.STATUS_UPCOMING: lazy_gettext("akan dibuka"),
    rules.STATUS_OPEN: lazy_gettext("dibuka"),
    rules.STATUS_CLOSED: lazy_gettext("ditutup"),
}


def sub_period_label(frequency: str, seq: int) -> str:
    """Januari … Desember (bulanan) or Triwulan I–IV (triwulanan); "Tahunan" for 0."""
    names = MONTH_NAMES if frequency == FREQUENCY_MONTHLY else QUARTER_NAMES
    if 1 <= seq <= len(names):
        return str(names[seq - 1])
    return gettext("Tahunan")


def phase_label(phase: PeriodPhase) -> str:
    """e.g. "Perencanaan", "Evaluasi Periodik Triwulan II"."""
    name = str(PHASE_NAMES.get(phase.kind, phase.kind))
    if phase.kind == PHASE_PERIODIC:
        return f"{name} {sub_period_label(phase.period.frequency, phase.seq)}"
    return name


# ---------------------------------------------------------------------------------------------------------
# Periods and phases


def create_period(actor, year: int, name: str | None, frequency: str) -> Period:
    """Open a performance year with the default phases of rules.default_phases (policy defaults, editable).

    The holiday calendar of the year (and of the next year, where the last windows end) is seeded first when
    it is still empty, so that the working-day deadlines count the holidays.
    """
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise DomainError(gettext("Tahun harus antara 2000 dan 2100."), field="year")
    if frequency not in FREQUENCIES:
        raise DomainError(gettext("Pilih frekuensi evaluasi periodik: bulanan atau triwulanan."), field="frequency")
    if period_for_year(year) is not None:
        raise DomainError(gettext("Periode tahun %(year)s sudah ada.", year=year), field="year")
    # The default name is stored, and read by everyone: in the portal's language, not the admin's page language.
    name = clean_text(name, PERIOD_NAME_MAX, field="name") or in_portal_language(
        _l("Periode Kinerja %(year)s", year=year))
    for seed_year in (year, year + 1):
        if not holidays_between(dt.date(seed_year, 1, 1), dt.date(seed_year, 12, 31)):
            seed_holidays(seed_year, actor)
    holidays = holidays_between(dt.date(year, 1, 1), dt.date(year + 1, 12, 31))
    period = Period(year=year, name=name, frequency=frequency, starts_on=dt.date(year, 1, 1),
                    ends_on=dt.date(year, 12, 31), active=True)
    for proposed in rules.default_phases(year, frequency, holidays):
        period.phases.append(PeriodPhase(kind=proposed.kind, seq=proposed.seq, opens_on=proposed.opens_on,
                                         closes_on=proposed.closes_on))
    db.session.add(period)
    db.session.flush()
    record(actor, "period.create", period, summary=_l("%(name)s dibuat", name=period.name),
           changes={"year": [None, year], "name": [None, period.name], "frequency": [None, frequency],
                    "phases": [None, len(period.phases)]})
    return period


def update_phase(actor, phase: PeriodPhase, opens_on: dt.date | None, closes_on: dt.date | None,
                 version: Any) -> PeriodPhase:
    """Change a phase's dates. Optimistic locking on the period's version; close >= open; inside the
    sensible range of rules.phase_date_bounds."""
    period = phase.period
    check_version(period, version)
    if opens_on is None:
        raise DomainError(gettext("Tanggal dibuka wajib diisi."), field="opens_on")
    if closes_on is None:
        raise DomainError(gettext("Tanggal ditutup wajib diisi."), field="closes_on")
    if closes_on < opens_on:
        raise DomainError(gettext("Tanggal ditutup tidak boleh sebelum tanggal dibuka."), field="closes_on")
    low, high = rules.phase_date_bounds(period.year)
    for field, value in (("opens_on", opens_on), ("closes_on", closes_on)):
        if not low <= value <= high:
            raise DomainError(
                gettext("Tanggal harus antara %(low)s dan %(high)s.", low=long_date(low), high=long_date(high)),
                field=field)
    changes = diff(phase, ["opens_on", "closes_on"], {"opens_on": opens_on, "closes_on": closes_on})
    if not changes:
        return phase
    phase.opens_on, phase.closes_on = opens_on, closes_on
    period.updated_at = utcnow()  # an UPDATE of the period bumps its version: other open forms become stale
    db.session.flush()
    record(actor, "period.phase_update", phase,
           summary=_l("Jadwal %(phase)s %(period)s diubah", phase=LazyString(phase_label, phase), period=period.name),
           changes=changes)
    return phase


def require_phase_open(phase: PeriodPhase | None, employee: Employee, today: dt.date) -> None:
    """Server-side enforcement for every form of a phase: raise DomainError unless the phase is open for this
    employee today (inside its dates, or reopened for them or their unit by BKPSDM)."""
    if phase is None:
        raise DomainError(gettext("Jadwal tahap ini belum ditetapkan; hubungi BKPSDM."))
    if phase_open_for(phase, employee, today):
        return
    if today < phase.opens_on:
        raise DomainError(gettext("Tahap %(phase)s baru dibuka pada %(date)s.", phase=phase_label(phase),
                                  date=long_date(phase.opens_on)))
    raise DomainError(gettext("Tahap %(phase)s sudah ditutup pada %(date)s; minta BKPSDM membukanya kembali.",
                              phase=phase_label(phase), date=long_date(phase.closes_on)))


# ---------------------------------------------------------------------------------------------------------
# Reopening a closed phase for a person or a unit (audited)


def reopen_phase(actor, phase: PeriodPhase, today: dt.date, until: dt.date | None, reason: str | None, *,
                 employee: Employee | None = None, unit: Unit | None = None) -> PhaseReopening:
    """Reopen a closed phase until ``until`` for one employee, or for a unit and its sub-units. Reason required."""
    if (employee is None) == (unit is None):
        raise DomainError(gettext("Pilih satu pegawai atau satu unit kerja."), field="target")
    if today <= phase.closes_on:
        raise DomainError(gettext("Tahap ini belum ditutup; tidak perlu dibuka kembali."))
    if until is None:
        raise DomainError(gettext("Tanggal batas wajib diisi."), field="until")
    if until < today:
        raise DomainError(gettext("Tanggal batas tidak boleh sebelum hari ini."), field="until")
    _low, high = rules.phase_date_bounds(phase.period.year)
    if until > high:
        raise DomainError(gettext("Tanggal batas paling lambat %(date)s.", date=long_date(high)), field="until")
    reason = clean_text(reason, REOPEN_REASON_MAX, field="reason")
    if not reason:
        raise DomainError(gettext("Alasan wajib diisi."), field="reason")
    if employee is not None and not employee.active:
        raise DomainError(gettext("Pegawai tersebut sudah nonaktif."), field="nip")
    reopening = PhaseReopening(phase_id=phase.id, employee_id=employee.id if employee else None,
                               unit_id=unit.id if unit else None, until=until, reason=reason,
                               created_by_id=getattr(actor, "id", None))
    db.session.add(reopening)
    db.session.flush()
    target = employee.full_name if employee else unit.name
    record(actor, "period.reopen", reopening,
           summary=_l("%(phase)s dibuka kembali untuk %(target)s sampai %(date)s", phase=LazyString(phase_label, phase),
                      target=target, date=LazyString(long_date, until)),
           changes={"phase_id": [None, phase.id], "employee_id": [None, reopening.employee_id],
                    "unit_id": [None, reopening.unit_id], "until": [None, until.isoformat()],
                    "reason": [None, reopening.reason]})
    return reopening


def end_reopening(actor, reopening: PhaseReopening, today: dt.date) -> PhaseReopening:
    """End a reopening now: it stays in the history with ``until`` set to yesterday."""
    if reopening.until < today:
        return reopening
    yesterday = today - dt.timedelta(days=1)
    changes = {"until": [reopening.until.isoformat(), yesterday.isoformat()]}
    reopening.until = yesterday
    db.session.flush()
    record(actor, "period.reopen_end", reopening,
           summary=_l("Pembukaan kembali %(phase)s diakhiri", phase=LazyString(phase_label, reopening.phase)),
           changes=changes)
    return reopening


def active_reopenings(period: Period, today: dt.date) -> list[tuple[PhaseReopening, Employee | None, Unit | None]]:
    """Reopenings of the period's phases still valid today, with their employee or unit (one query)."""
    stmt = (
        select(PhaseReopening, Employee, Unit)
        .join(PeriodPhase, PeriodPhase.id == PhaseReopening.phase_id)
        .outerjoin(Employee, Employee.id == PhaseReopening.employee_id)
        .outerjoin(Unit, Unit.id == PhaseReopening.unit_id)
        .options(contains_eager(PhaseReopening.phase))
        .where(PeriodPhase.period_id == period.id, PhaseReopening.until >= today)
        .order_by(PhaseReopening.until, PhaseReopening.id)
    )
    return [(row[0], row[1], row[2]) for row in db.session.execute(stmt)]


# ---------------------------------------------------------------------------------------------------------
# Holiday calendar


def _clean_holiday(holiday: Holiday | None, data: Mapping[str, Any]) -> dict:
    day = data.get("date")
    if not isinstance(day, dt.date):
        raise DomainError(gettext("Tanggal wajib diisi."), field="date")
    name = clean_text(data.get("name"), HOLIDAY_NAME_MAX, field="name")
    if not name:
        raise DomainError(gettext("Nama hari libur wajib diisi."), field="name")
    kind = data.get("kind") or HOLIDAY_NATIONAL
    if kind not in HOLIDAY_KIND_NAMES:
        raise DomainError(gettext("Pilih libur nasional atau cuti bersama."), field="kind")
    dup = select(Holiday.id).where(Holiday.date == day)
    if holiday is not None:
        dup = dup.where(Holiday.id != holiday.id)
    if db.session.execute(dup.limit(1)).first():
        raise DomainError(gettext("Tanggal %(date)s sudah ada di kalender.", date=long_date(day)), field="date")
    return {"date": day, "name": name, "kind": kind}


def add_holiday(actor, data: Mapping[str, Any]) -> Holiday:
    clean = _clean_holiday(None, data)
    holiday = Holiday(**clean)
    db.session.add(holiday)
    db.session.flush()
    record(actor, "holiday.create", holiday,
           summary=_l("Hari libur %(name)s (%(date)s) ditambahkan", name=holiday.name,
                      date=LazyString(long_date, holiday.date)),
           changes={"date": [None, holiday.date.isoformat()], "name": [None, holiday.name],
                    "kind": [None, holiday.kind]})
    return holiday


def update_holiday(actor, holiday: Holiday, data: Mapping[str, Any]) -> Holiday:
    clean = _clean_holiday(holiday, data)
    changes = diff(holiday, ["date", "name", "kind"], clean)
    if not changes:
        return holiday
    for key, value in clean.items():
        setattr(holiday, key, value)
    db.session.flush()
    record(actor, "holiday.update", holiday,
           summary=_l("Hari libur %(name)s diubah", name=holiday.name), changes=changes)
    return holiday


def delete_holiday(actor, holiday: Holiday) -> None:
    record(actor, "holiday.delete", holiday,
           summary=_l("Hari libur %(name)s (%(date)s) dihapus", name=holiday.name,
                      date=LazyString(long_date, holiday.date)),
           changes={"date": [holiday.date.isoformat(), None], "name": [holiday.name, None],
                    "kind": [holiday.kind, None]})
    db.session.delete(holiday)
    db.session.flush()


def holiday_years(around: int) -> list[int]:
    """Years that have holidays, plus ``around`` and the next year (to add holidays to an empty year)."""
    years = {row.year for row in db.session.scalars(select(Holiday.date))}
    return sorted(years | {around, around + 1})
