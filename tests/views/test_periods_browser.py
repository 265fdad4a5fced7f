"""Journey (browser): the admin opens a year, edits a phase inline with htmx and reopens a closed phase."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_admin_creates_period_and_edits_a_phase_inline(page, browser_login, make_user):
    make_user("admin", role="admin")
    browser_login("admin")
    page.goto("/periode")
    page.get_by_label("Tahun").fill("2027")
    page.get_by_label("Evaluasi periodik").select_option("triwulanan")
    page.get_by_role("button", name="Buat periode").click()
    expect(page).to_have_url(re.compile(r"/periode/\d+$"))
    expect(page.get_by_role("heading", name="Periode Kinerja 2027")).to_be_visible()
    phases = page.locator("#period-phases")
    expect(phases).to_contain_text("Evaluasi Periodik Triwulan IV")

    page.evaluate("window.__noReload = true")
    page.get_by_role("link", name="Ubah Perencanaan").click()
    closes = page.get_by_label("Ditutup")
    expect(closes).to_have_value("2027-01-31")
    closes.fill("2027-02-05")
    page.get_by_role("button", name="Simpan").click()
    expect(phases).to_contain_text("5 Februari 2027")
    expect(page.locator("#flash")).to_contain_text("Jadwal Perencanaan disimpan.")
    assert page.evaluate("window.__noReload") is True  # swapped in place

    # Cancel an inline edit: back to the read-only rows.
    page.get_by_role("link", name="Ubah Keberatan").click()
    expect(page.get_by_label("Ditutup")).to_be_visible()
    page.get_by_role("link", name="Batal").click()
    expect(page.get_by_label("Ditutup")).to_have_count(0)
    expect(phases).to_contain_text("5 Februari 2027")


def test_calendar_page_lists_seeded_holidays(page, browser_login, make_user):
    make_user("admin", role="admin")
    browser_login("admin")
    page.goto("/periode")
    page.get_by_label("Tahun").fill("2026")
    page.get_by_role("button", name="Buat periode").click()
    expect(page).to_have_url(re.compile(r"/periode/\d+$"))
    page.goto("/kalender?tahun=2026")
    expect(page.locator("#holiday-list")).to_contain_text("Idul Fitri 1447 Hijriah")
    expect(page.locator("#holiday-list tbody tr")).to_have_count(25)
