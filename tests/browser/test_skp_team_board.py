"""Journey on SKP Tim: the assessor returns one SKP from its row (htmx: the row and the state tabs' counts change
without a reload), approves another after its confirmation page, and writes the seven Ekspektasi Khusus Pimpinan
of a third with one button."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.skp import flow

pytestmark = pytest.mark.browser

TODAY = dt.date.today()


def test_assessor_works_through_the_team_board(page, browser_login, make_period, make_unit, make_position,
                                                make_employee, make_user, make_skp):
    period = make_period(TODAY.year, planning=(TODAY - dt.timedelta(days=20), TODAY + dt.timedelta(days=20)))
    unit = make_unit("Dinas Papan Tim")
    boss = make_employee("Budi Penilai", unit=unit, position=make_position("Kepala Bidang", unit=unit))
    make_user("budi", employee=boss)
    skps = {}
    for name in ("Ani Dikembalikan", "Citra Disetujui", "Dewi Ekspektasi"):
        employee = make_employee(name, unit=unit, superior=boss)
        skp = make_skp(employee, period, rhk=1)
        flow.submit_skp(make_user(employee=employee), skp, today=TODAY)
        skps[name] = skp
    db.session.commit()

    browser_login("budi")
    page.goto("/skp/tim")
    tabs = page.get_by_role("navigation", name="Saring menurut status SKP")
    expect(tabs).to_contain_text("Diajukan (3)")
    page.evaluate("window.__noReload = true")

    # Return from the row: the row and the tabs change in place.
    row = page.locator("tr", has_text="Ani Dikembalikan")
    row.locator("summary", has_text="Kembalikan").click()
    row.get_by_label("Catatan pengembalian").fill("Lengkapi target indikator pertama.")
    row.get_by_role("button", name="Kembalikan SKP").click()
    expect(page.locator("tr", has_text="Ani Dikembalikan")).to_contain_text("Dikembalikan")
    expect(tabs).to_contain_text("Diajukan (2)")
    expect(tabs).to_contain_text("Dikembalikan (1)")
    assert page.evaluate("window.__noReload") is True

    # Approve after the confirmation page.
    page.locator("tr", has_text="Citra Disetujui").get_by_role("button", name=re.compile("^Setujui")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Setujui SKP Citra Disetujui")
    expect(page.locator("main")).to_contain_text("1 Rencana Hasil Kerja")
    page.get_by_role("button", name="Setujui SKP").click()
    expect(page).to_have_url(re.compile(r"/skp/tim$"))
    expect(page.locator("main")).to_contain_text("SKP disetujui.")
    expect(tabs).to_contain_text("Disetujui (1)")

    # The third SKP: open it and write its seven expectations with one button.
    page.locator("tr", has_text="Dewi Ekspektasi").get_by_role("button", name=re.compile("^Periksa")).click()
    section = page.locator("#perilaku")
    # .all() does not wait: wait for the SKP page and its seven fields before listing them.
    expect(section.locator("textarea")).to_have_count(7)
    for field in section.locator("textarea").all():
        field.fill("Menjadi teladan dalam nilai ini")
    expect(section.get_by_role("button", name="Simpan ekspektasi")).to_have_count(1)
    section.get_by_role("button", name="Simpan ekspektasi").click()
    expect(page.locator("#perilaku")).to_contain_text("Tersimpan")
    page.reload()
    expect(page.locator("#perilaku textarea").first).to_have_value("Menjadi teladan dalam nilai ini")
