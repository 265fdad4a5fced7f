"""Periods services: creating a year, editing phases, reopening for a person or a unit, holiday seeding."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditLog
from portal.core.errors import DomainError, StaleVersionError
from portal.extensions import db
from portal.periods import services
from portal.periods.holidays import HOLIDAYS, seed_holidays
from portal.periods.models import Holiday, PhaseReopening

D = dt.date


@pytest.fixture
def admin(make_user):
    return make_user("admin-periode", role="admin")


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_seed_holidays_is_idempotent_and_keeps_admin_edits(admin, make_holiday):
    make_holiday(D(2026, 1, 1), "Tahun Baru (diubah admin)")
    assert seed_holidays(2026, admin) == len(HOLIDAYS[2026]) - 1
    db.session.commit()
    assert seed_holidays(2026, admin) == 0
    assert _count(Holiday) == 25
    assert db.session.scalar(select(Holiday.name).where(Holiday.date == D(2026, 1, 1))) == "Tahun Baru (diubah admin)"
    assert seed_holidays(1999) == 0
    assert _count(AuditLog, AuditLog.action == "holiday.seed") == 1


def test_create_period_seeds_holidays_and_proposes_phases(admin):
    period = services.create_period(admin, 2026, "", "bulanan")
    db.session.commit()
    assert period.name == "Periode Kinerja 2026"
    assert (period.starts_on, period.ends_on) == (D(2026, 1, 1), D(2026, 12, 31))
    assert len(period.phases) == 2 + 12 + 2
    # 2026 and 2027 were empty: both seeded; the March window counts Good Friday (3 April 2026).
    assert _count(Holiday) == len(HOLIDAYS[2026]) + len(HOLIDAYS[2027])
    march = services.find_phase(period, "evaluasi_periodik", 3)
    assert (march.opens_on, march.closes_on) == (D(2026, 4, 1), D(2026, 4, 15))
    assert services.phase_label(march) == "Evaluasi Periodik Maret"
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "period.create"))
    assert log.object_id == str(period.id) and log.changes["frequency"] == [None, "bulanan"]


def test_create_period_does_not_reseed_a_year_with_holidays(admin, make_holiday):
    make_holiday(D(2026, 8, 17), "Proklamasi")
    services.create_period(admin, 2026, "Periode Kinerja 2026", "triwulanan")
    assert _count(Holiday, Holiday.date <= D(2026, 12, 31)) == 1


@pytest.mark.parametrize(("year", "frequency", "field"), [(2026, "mingguan", "frequency"), (1990, "bulanan", "year")])
def test_create_period_refuses_bad_input(admin, year, frequency, field):
    with pytest.raises(DomainError) as error:
        services.create_period(admin, year, None, frequency)
    assert error.value.field == field


def test_create_period_refuses_a_second_period_for_the_year(admin, make_period):
    make_period(2026)
    with pytest.raises(DomainError, match="sudah ada"):
        services.create_period(admin, 2026, None, "triwulanan")


def test_update_phase_validates_and_locks(admin, make_period):
    period = make_period(2026)
    phase = services.find_phase(period, "perencanaan")
    version = period.version_id
    with pytest.raises(DomainError, match="tidak boleh sebelum"):
        services.update_phase(admin, phase, D(2026, 1, 20), D(2026, 1, 10), version)
    with pytest.raises(DomainError, match="Tanggal harus antara"):
        services.update_phase(admin, phase, D(2024, 1, 2), D(2026, 1, 31), version)
    services.update_phase(admin, phase, D(2026, 1, 5), D(2026, 2, 6), version)
    db.session.commit()
    assert period.version_id == version + 1
    assert (phase.opens_on, phase.closes_on) == (D(2026, 1, 5), D(2026, 2, 6))
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "period.phase_update"))
    assert log.changes == {"opens_on": ["2026-01-02", "2026-01-05"], "closes_on": ["2026-01-31", "2026-02-06"]}
    with pytest.raises(StaleVersionError):  # a form opened before the first save
        services.update_phase(admin, phase, D(2026, 1, 6), D(2026, 2, 6), version)


@pytest.fixture
def world(make_unit, make_employee, make_period):
    opd = make_unit("Dinas Pendidikan")
    school = make_unit("SD Negeri 1", parent=opd, kind="sekolah")
    other = make_unit("Dinas Kesehatan")
    period = make_period(2026, planning=(D(2026, 1, 2), D(2026, 1, 31)))
    return {
        "opd": opd, "school": school, "other": other, "period": period,
        "teacher": make_employee("Guru", unit=school), "clerk": make_employee("Staf", unit=opd),
        "nurse": make_employee("Perawat", unit=other),
        "planning": services.find_phase(period, "perencanaan"),
    }


def test_reopen_for_one_employee_until_a_date(admin, world):
    phase, teacher, clerk = world["planning"], world["teacher"], world["clerk"]
    today = D(2026, 2, 10)
    assert not services.phase_open_for(phase, teacher, today)
    services.reopen_phase(admin, phase, today, D(2026, 2, 20), "Pegawai cuti melahirkan", employee=teacher)
    db.session.commit()
    assert services.phase_open_for(phase, teacher, today)
    assert services.phase_open_for(phase, teacher, D(2026, 2, 20))
    assert not services.phase_open_for(phase, teacher, D(2026, 2, 21))
    assert not services.phase_open_for(phase, clerk, today)
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "period.reopen"))
    assert "Guru" in log.summary and log.changes["reason"] == [None, "Pegawai cuti melahirkan"]


def test_reopen_for_a_unit_covers_its_sub_units_only(admin, world):
    phase = world["planning"]
    today = D(2026, 2, 10)
    services.reopen_phase(admin, phase, today, D(2026, 2, 28), "Sistem sekolah gangguan", unit=world["opd"])
    db.session.commit()
    assert services.phase_open_for(phase, world["teacher"], today)  # in a sub-unit
    assert services.phase_open_for(phase, world["clerk"], today)  # in the unit itself
    assert not services.phase_open_for(phase, world["nurse"], today)  # another OPD


def test_reopen_refusals(admin, world):
    phase, teacher = world["planning"], world["teacher"]
    today = D(2026, 2, 10)
    with pytest.raises(DomainError, match="Alasan"):
        services.reopen_phase(admin, phase, today, D(2026, 2, 20), "  ", employee=teacher)
    with pytest.raises(DomainError, match="sebelum hari ini"):
        services.reopen_phase(admin, phase, today, D(2026, 2, 9), "x", employee=teacher)
    with pytest.raises(DomainError, match="belum ditutup"):
        services.reopen_phase(admin, phase, D(2026, 1, 20), D(2026, 2, 9), "x", employee=teacher)
    with pytest.raises(DomainError, match="Pilih satu"):
        services.reopen_phase(admin, phase, today, D(2026, 2, 20), "x", employee=teacher, unit=world["opd"])
    assert _count(PhaseReopening) == 0


def test_end_reopening(admin, world):
    phase, teacher = world["planning"], world["teacher"]
    reopening = services.reopen_phase(admin, phase, D(2026, 2, 10), D(2026, 2, 20), "x", employee=teacher)
    services.end_reopening(admin, reopening, D(2026, 2, 12))
    db.session.commit()
    assert reopening.until == D(2026, 2, 11)
    assert not services.phase_open_for(phase, teacher, D(2026, 2, 12))
    assert services.active_reopenings(world["period"], D(2026, 2, 12)) == []
    assert _count(AuditLog, AuditLog.action == "period.reopen_end") == 1


def test_require_phase_open(admin, world):
    phase, teacher = world["planning"], world["teacher"]
    services.require_phase_open(phase, teacher, D(2026, 1, 15))
    with pytest.raises(DomainError) as closed:
        services.require_phase_open(phase, teacher, D(2026, 2, 10))
    assert closed.value.message == ("Tahap Perencanaan sudah ditutup pada 31 Januari 2026; "
                                    "minta BKPSDM membukanya kembali.")
    with pytest.raises(DomainError, match="baru dibuka pada 2 Januari 2026"):
        services.require_phase_open(phase, teacher, D(2026, 1, 1))
    with pytest.raises(DomainError):
        services.require_phase_open(None, teacher, D(2026, 1, 15))
    services.reopen_phase(admin, phase, D(2026, 2, 10), D(2026, 2, 20), "x", employee=teacher)
    services.require_phase_open(phase, teacher, D(2026, 2, 10))


def test_holiday_services(admin):
    holiday = services.add_holiday(admin, {"date": D(2026, 6, 22), "name": "Hari Jadi Kabupaten",
                                           "kind": "libur_nasional"})
    with pytest.raises(DomainError, match="sudah ada"):
        services.add_holiday(admin, {"date": D(2026, 6, 22), "name": "Lagi", "kind": "libur_nasional"})
    with pytest.raises(DomainError):
        services.add_holiday(admin, {"date": D(2026, 6, 23), "name": "", "kind": "libur_nasional"})
    services.update_holiday(admin, holiday, {"date": D(2026, 6, 23), "name": "Hari Jadi", "kind": "cuti_bersama"})
    assert services.holidays_between(D(2026, 6, 1), D(2026, 6, 30)) == {D(2026, 6, 23)}
    services.delete_holiday(admin, holiday)
    db.session.commit()
    assert _count(Holiday) == 0
    actions = list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert actions == ["holiday.create", "holiday.update", "holiday.delete"]
