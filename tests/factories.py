"""Test data factories. Each returns a committed model object with valid, unique defaults."""

from __future__ import annotations

import datetime as dt
import itertools

from werkzeug.security import generate_password_hash

from portal.auth.models import User
from portal.extensions import db
from portal.org.models import Employee, Golongan, Position, PositionType, Unit

TEST_PASSWORD = "Rahasia-Uji-2026"
_HASH_CACHE: dict[str, str] = {}
_seq = itertools.count(1)


def password_hash(password: str = TEST_PASSWORD) -> str:
    # scrypt is deliberately slow; hash each test password once per session.
    if password not in _HASH_CACHE:
        _HASH_CACHE[password] = generate_password_hash(password, method="scrypt")
    return _HASH_CACHE[password]


def make_nip(n: int | None = None, *, birth: dt.date = dt.date(1985, 3, 14), gender: int = 1,
             tmt: str = "201001") -> str:
    """A valid PNS NIP; ``n`` (the sequence, 1–999 then wraps into the birth day) keeps it unique."""
    n = next(_seq) if n is None else n
    day_offset, seq = divmod(n, 999)
    birth = birth + dt.timedelta(days=day_offset)
    return f"{birth:%Y%m%d}{tmt}{gender}{seq + 1:03d}"


def make_unit(name: str | None = None, *, parent: Unit | None = None, kind: str | None = None,
              code: str | None = None) -> Unit:
    unit = Unit(name=name or f"Unit {next(_seq)}", kind=kind or ("bidang" if parent else "opd"),
                parent=parent, code=code)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path}{unit.id}/" if parent else f"/{unit.id}/"
    unit.depth = parent.depth + 1 if parent else 0
    db.session.commit()
    return unit


def make_position(name: str | None = None, *, unit: Unit, type_code: str = "PELAKSANA",
                  is_head: bool = False, eselon: str | None = None) -> Position:
    ptype = db.session.query(PositionType).filter_by(code=type_code).one_or_none()
    position = Position(name=name or f"Jabatan {next(_seq)}", unit=unit, position_type=ptype,
                        is_head=is_head, eselon=eselon)
    db.session.add(position)
    db.session.commit()
    return position


def make_employee(nama: str | None = None, *, unit: Unit | None = None, superior: Employee | None = None,
                  position: Position | None = None, golongan: str = "III/a", nip: str | None = None,
                  **fields) -> Employee:
    unit = unit or (position.unit if position else None) or make_unit()
    gol = db.session.query(Golongan).filter_by(code=golongan).one_or_none()
    nip = nip or make_nip()
    if len(nip) == 18 and nip.isdigit():  # keep birth date and gender consistent with the NIP by default
        fields.setdefault("birth_date", dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8])))
        fields.setdefault("gender", "L" if nip[14] == "1" else "P")
    employee = Employee(
        nip=nip,
        nama=nama or f"Pegawai {next(_seq)}",
        unit=unit,
        superior=superior,
        position=position,
        golongan=gol,
        gender=fields.pop("gender", "L"),
        birth_date=fields.pop("birth_date", dt.date(1985, 3, 14)),
        **fields,
    )
    db.session.add(employee)
    db.session.commit()
    return employee


def make_user(username: str | None = None, *, role: str = "pegawai", employee: Employee | None = None,
              password: str = TEST_PASSWORD, must_change_password: bool = False) -> User:
    user = User(
        username=(username or f"user{next(_seq)}").lower(),
        role=role,
        employee=employee,
        password_hash=password_hash(password),
        must_change_password=must_change_password,
    )
    db.session.add(user)
    db.session.commit()
    return user


# --- Periods and the holiday calendar (periods helper) ---


def make_holiday(day: dt.date, name: str | None = None, kind: str = "libur_nasional"):
    from portal.periods.models import Holiday

    holiday = Holiday(date=day, name=name or f"Libur {day.isoformat()}", kind=kind)
    db.session.add(holiday)
    db.session.commit()
    return holiday


def make_period(year: int = 2026, frequency: str = "triwulanan", *,
                planning: tuple[dt.date, dt.date] | None = None, phases: bool = True, name: str | None = None,
                active: bool = True, **overrides):
    """A committed Period with the default phases of rules.default_phases (holidays already in the calendar
    count). ``planning=(open, close)`` overrides the perencanaan window; ``overrides`` maps a phase kind (or
    "evaluasi_periodik_<seq>") to an (open, close) tuple."""
    from portal.periods import rules, services
    from portal.periods.models import Period, PeriodPhase

    period = Period(year=year, name=name or f"Periode Kinerja {year}", frequency=frequency,
                    starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31), active=active)
    if planning is not None:
        overrides["perencanaan"] = planning
    if phases:
        holidays = services.holidays_between(dt.date(year, 1, 1), dt.date(year + 1, 12, 31))
        for proposed in rules.default_phases(year, frequency, holidays):
            key = f"{proposed.kind}_{proposed.seq}" if proposed.seq else proposed.kind
            opens_on, closes_on = overrides.get(key, (proposed.opens_on, proposed.closes_on))
            period.phases.append(PeriodPhase(kind=proposed.kind, seq=proposed.seq, opens_on=opens_on,
                                             closes_on=closes_on))
    db.session.add(period)
    db.session.commit()
    return period


# --- SKP: plans, RHK, indicators (SKP editor helper) ---


def make_skp(employee: Employee, period, *, status: str = "draft", rhk: int = 0, indicators: int = 1,
             number: int = 1, is_current: bool = True, assessor: Employee | None = None, **fields):
    """A committed SKP version of ``employee`` for ``period`` with ``rhk`` RHK Utama of ``indicators``
    indicators each and the seven (empty) Ekspektasi Khusus Pimpinan rows."""
    from portal.skp.berakhlak import CODES
    from portal.skp.models import BehaviourExpectation, Skp

    assessor = assessor or employee.assessor
    skp = Skp(period=period, employee=employee, status=status, number=number, is_current=is_current,
              assessor_id=assessor.id if assessor else None, unit_id=employee.unit_id, **fields)
    skp.expectations = [BehaviourExpectation(value_code=code, text="") for code in CODES]
    db.session.add(skp)
    db.session.commit()
    for n in range(rhk):
        make_rhk(skp, f"RHK {n + 1} {employee.nama}", indicators=indicators)
    return skp


def make_rhk(skp, text: str | None = None, *, kind: str = "utama", parent=None, unit_goal=None,
             indicators: int = 0, position: int | None = None):
    from portal.skp.models import ResultPlan

    if position is None:
        position = max((r.position for r in skp.result_plans if r.kind == kind), default=-1) + 1
    rhk = ResultPlan(skp=skp, kind=kind, text=text or f"Rencana Hasil Kerja {next(_seq)}", position=position,
                     parent=parent, unit_goal=unit_goal)
    db.session.add(rhk)
    db.session.commit()
    for _ in range(indicators):
        make_indicator(rhk)
    return rhk


def make_indicator(rhk, text: str | None = None, *, aspect: str = "kuantitas", target_text: str = "",
                   target_number=12, target_unit: str = "dokumen"):
    from portal.skp.models import Indicator

    indicator = Indicator(result_plan=rhk, text=text or f"Indikator {next(_seq)}", aspect=aspect,
                          target_text=target_text, target_number=target_number,
                          target_unit=target_unit if target_number is not None else "",
                          position=len(rhk.indicators))
    db.session.add(indicator)
    db.session.commit()
    return indicator


# --- Realisation and feedback (progress helper) ---


def make_progress_skp(employee: Employee, period, *, status: str = "disetujui", rhk: int = 1, indicators: int = 1,
                      assessor: Employee | None = None, is_current: bool = True, number: int = 1):
    """An SKP with ``rhk`` RHK of ``indicators`` indicators each, its status set directly (no flow)."""
    from portal.skp.models import Indicator, ResultPlan, Skp

    skp = Skp(period=period, employee=employee, status=status, number=number, is_current=is_current,
              assessor=assessor if assessor is not None else employee.assessor, unit_id=employee.unit_id)
    for r in range(rhk):
        plan = ResultPlan(kind="utama", text=f"RHK {r + 1} {next(_seq)}", position=r)
        for i in range(indicators):
            plan.indicators.append(Indicator(text=f"Indikator {r + 1}.{i + 1}", aspect="kuantitas",
                                             target_text="Laporan lengkap", target_number=12,
                                             target_unit="dokumen", position=i))
        skp.result_plans.append(plan)
    db.session.add(skp)
    db.session.commit()
    return skp


def make_realisation(indicator, sub_period: int = 1, *, text: str = "Laporan selesai", number=None,
                     recorded_by=None):
    from portal.progress.models import Realisation

    realisation = Realisation(indicator_id=indicator.id, sub_period=sub_period, text=text, number=number,
                              recorded_by_id=getattr(recorded_by, "id", None))
    db.session.add(realisation)
    db.session.commit()
    return realisation


def make_feedback(skp, author: Employee, text: str = "Pertahankan kinerja Anda.", *, realisation=None,
                  value_code: str | None = None, read: bool = False, request=None):
    from portal.core.timeutil import utcnow
    from portal.progress.models import Feedback

    feedback = Feedback(skp_id=skp.id, author_id=author.id, text=text,
                        realisation_id=getattr(realisation, "id", None), value_code=value_code,
                        request_id=getattr(request, "id", None), read_at=utcnow() if read else None)
    db.session.add(feedback)
    db.session.commit()
    return feedback


def make_progress_world(*, frequency: str = "triwulanan", status: str = "disetujui", rhk: int = 2,
                        indicators: int = 2):
    """A small office for the progress tests: kepala > kabid (the assessor) > owner and a peer; an outsider in
    another unit; admin and auditor accounts; period 2026 with the default phases; the owner's SKP."""
    from types import SimpleNamespace

    unit = make_unit("Dinas Uji")
    other_unit = make_unit("Dinas Lain")
    head = make_employee("Kepala Dinas", unit=unit)
    assessor = make_employee("Kepala Bidang", unit=unit, superior=head)
    owner = make_employee("Pegawai Pemilik", unit=unit, superior=assessor)
    peer = make_employee("Rekan Kerja", unit=unit, superior=assessor)
    outsider = make_employee("Orang Luar", unit=other_unit)
    period = make_period(2026, frequency)
    skp = make_progress_skp(owner, period, status=status, rhk=rhk, indicators=indicators, assessor=assessor)
    return SimpleNamespace(
        unit=unit, head=head, assessor=assessor, owner=owner, peer=peer, outsider=outsider, period=period, skp=skp,
        u_head=make_user(employee=head), u_assessor=make_user(employee=assessor), u_owner=make_user(employee=owner),
        u_peer=make_user(employee=peer), u_outsider=make_user(employee=outsider),
        u_admin=make_user(role="admin"), u_auditor=make_user(role="auditor"),
    )
