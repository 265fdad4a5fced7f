"""Journey (browser): the employee submits, the assessor returns it with a note from the SKP page, the employee
resubmits, the assessor approves it from the team board (the row is swapped in place), the history keeps the note."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from portal.core.timeutil import local_today

pytestmark = pytest.mark.browser


def test_submit_return_resubmit_and_approve_from_the_team_board(page, browser_login, make_unit, make_employee,
                                                                make_user, make_period, make_skp):
    today = local_today()
    period = make_period(today.year, planning=(today - dt.timedelta(days=10), today + dt.timedelta(days=10)))
    unit = make_unit("Dinas Uji Peramban")
    boss = make_employee("Kepala Bidang Uji", unit=unit)
    owner = make_employee("Pegawai Peramban", unit=unit, superior=boss)
    make_user("kabid", employee=boss)
    make_user("pegawai", employee=owner)
    skp = make_skp(owner, period, rhk=2)

    browser_login("pegawai")
    page.goto(f"/skp/{skp.id}")
    panel = page.locator("#skp-flow")
    expect(panel).to_contain_text("Draf")
    panel.get_by_role("button", name="Ajukan SKP").click()
    expect(page.locator("#flash")).to_contain_text("SKP diajukan")
    expect(page.locator("#skp-flow")).to_contain_text("Diajukan")

    browser_login("kabid")
    page.goto(f"/skp/{skp.id}")
    panel = page.locator("#skp-flow")
    panel.get_by_text("Kembalikan SKP", exact=True).first.click()  # opens the <details>
    note = "Indikator RHK kedua belum terukur; tambahkan target angka."
    panel.get_by_label("Catatan pengembalian").fill(note)
    panel.get_by_role("button", name="Kembalikan SKP").click()
    expect(page.locator("#flash")).to_contain_text("dikembalikan")
    expect(page.locator("#skp-flow .skp-return-note")).to_contain_text(note)

    browser_login("pegawai")
    page.goto(f"/skp/{skp.id}")
    expect(page.locator(".skp-return-note")).to_contain_text(note)
    page.get_by_role("button", name="Ajukan kembali SKP").click()
    expect(page.locator("#skp-flow")).to_contain_text("Diajukan kembali")
    expect(page.locator(".skp-return-note")).to_have_count(0)

    browser_login("kabid")
    page.goto("/skp/tim")
    row = page.locator(f"#tim-{owner.id}")
    expect(row).to_contain_text("Diajukan")
    row.get_by_role("button", name=re.compile("^Setujui")).click()
    # Approval is final: the board leads to a confirmation page with the SKP's summary, then back to the board.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Setujui SKP Pegawai Peramban")
    page.get_by_role("button", name="Setujui SKP").click()
    expect(page).to_have_url(re.compile(r"/skp/tim$"))
    expect(page.locator("main")).to_contain_text("SKP disetujui.")
    expect(page.get_by_role("navigation", name="Saring menurut status SKP")).to_contain_text("Disetujui (1)")

    page.goto(f"/skp/{skp.id}")
    history = page.locator(".skp-history")
    expect(history).to_contain_text(note)
    expect(history).to_contain_text("Disetujui")
