"""The dashboard's "SKP Saya" panel tells the planning deadline that holds for the signed-in employee: the phase's
close, or a reopening for them or for their unit (or a unit above it)."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.core.timeutil import local_today
from portal.extensions import db
from portal.periods import services as period_services
from portal.periods.models import PHASE_PLANNING

CLOSED = "masa perencanaan sudah ditutup"


@pytest.fixture
def today():
    return local_today()


@pytest.fixture
def world(make_period, make_unit, make_employee, make_user, today):
    """Planning closed ten days ago; an employee in a bidang below an OPD, and a colleague in another bidang."""
    period = make_period(today.year, planning=(today - dt.timedelta(days=40), today - dt.timedelta(days=10)))
    opd = make_unit("Dinas Uji")
    bidang = make_unit("Bidang Uji", parent=opd)
    elsewhere = make_unit("Bidang Lain", parent=opd)
    employee = make_employee("Pegawai Terlambat", unit=bidang)
    colleague = make_employee("Pegawai Lain", unit=elsewhere)
    return {"period": period, "phase": period_services.find_phase(period, PHASE_PLANNING), "opd": opd,
            "bidang": bidang, "employee": employee, "user": make_user("terlambat", employee=employee),
            "colleague_user": make_user("lain", employee=colleague), "admin": make_user("adm", role="admin")}


def _panel(client) -> str:
    html = client.get("/").get_data(as_text=True)
    start = html.index('id="panel-skp"')
    return html[start:html.index("</article>", start)]


def _reopen(world, today, until, **target):
    period_services.reopen_phase(world["admin"], world["phase"], today, until, "Pegawai baru pindah", **target)
    db.session.commit()


def test_closed_planning_says_so(client, login, world):
    login(world["user"])
    panel = _panel(client)
    assert CLOSED in panel and world["phase"].closes_on.strftime("%Y") in panel


def test_reopened_for_the_employee(client, login, world, today):
    until = today + dt.timedelta(days=7)
    _reopen(world, today, until, employee=world["employee"])
    login(world["user"])
    panel = _panel(client)
    assert CLOSED not in panel
    assert "dibuka kembali untuk Anda" in panel and "hari kerja lagi" in panel
    assert f"{until.day} " in panel  # the reopening's date is the deadline shown
    login(world["colleague_user"])
    assert CLOSED in _panel(client)  # nobody else's planning opened


@pytest.mark.parametrize("which", ["bidang", "opd"])
def test_reopened_for_the_unit_or_a_unit_above(client, login, world, today, which):
    _reopen(world, today, today + dt.timedelta(days=5), unit=world[which])
    login(world["user"])
    panel = _panel(client)
    assert CLOSED not in panel and "dibuka kembali untuk Anda" in panel
    login(world["colleague_user"])
    assert (CLOSED in _panel(client)) == (which == "bidang")  # the OPD's reopening covers its other bidang too


def test_ended_reopening_closes_it_again(client, login, world, today):
    _reopen(world, today, today + dt.timedelta(days=5), employee=world["employee"])
    reopening = period_services.active_reopenings(world["period"], today)[0][0]
    period_services.end_reopening(world["admin"], reopening, today)
    db.session.commit()
    login(world["user"])
    assert CLOSED in _panel(client)
