"""Journey: an employee opens SKP Saya, creates the SKP, adds two RHK with one indicator each through htmx (no page
reload), edits one inline, reorders them, autosaves the lampiran, and reloads to find everything persisted."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TODAY = dt.date.today()


def _add_rhk(page, text: str, indicator: str, target: str):
    page.locator("#rhk-baru-text").fill(text)
    page.locator("#rhk-baru").get_by_role("button", name="Tambah RHK").click()
    row = page.locator(".rhk-row", has_text=text)
    expect(row).to_be_visible()
    row.get_by_label("Indikator Kinerja Individu").fill(indicator)
    row.get_by_label("Target (teks)").fill(target)
    row.locator("form button[type=submit]", has_text="Tambah indikator").click()
    expect(row.locator(".indicator-list")).to_contain_text(indicator)
    return row


def test_employee_drafts_skp_inline(page, browser_login, make_period, make_unit, make_position, make_employee,
                                    make_user, make_skp, make_rhk):
    period = make_period(TODAY.year, planning=(TODAY - dt.timedelta(days=20), TODAY + dt.timedelta(days=20)))
    unit = make_unit("Dinas Komunikasi dan Informatika")
    boss = make_employee("Budi Santoso", unit=unit,
                         position=make_position("Kepala Bidang Statistik", unit=unit, type_code="ADMINISTRATOR"))
    make_rhk(make_skp(boss, period), "Tersedianya data statistik sektoral yang andal")
    employee = make_employee("Siti Aminah", unit=unit, superior=boss,
                             position=make_position("Pranata Komputer", unit=unit))
    make_user("siti", employee=employee)

    browser_login("siti")
    page.get_by_role("navigation", name="Navigasi utama").get_by_text("Kinerja Saya").click()
    page.get_by_role("link", name="SKP Saya").click()
    expect(page.get_by_role("heading", name=re.compile("belum memiliki SKP"))).to_be_visible()
    page.get_by_role("button", name="Buat SKP").click()
    expect(page.get_by_role("heading", name="Sasaran Kinerja Pegawai", level=1)).to_be_visible()
    expect(page.locator("#skp-head")).to_contain_text("Budi Santoso")

    page.evaluate("window.__noReload = true")
    first = _add_rhk(page, "Terkelolanya dasbor data layanan", "Dasbor diperbarui", "Setiap bulan")
    second = _add_rhk(page, "Tersusunnya laporan statistik", "Laporan terbit", "Triwulanan")

    # Edit the first RHK inline: only its row turns into a form; the superior's RHK is picked from the list.
    first.get_by_role("button", name=re.compile("^Ubah RHK")).click()
    first.get_by_label("Rencana Hasil Kerja").fill("Terkelolanya dasbor data layanan publik")
    first.get_by_label("RHK Pimpinan yang Diintervensi").select_option(
        label="Utama: Tersedianya data statistik sektoral yang andal")
    first.get_by_role("button", name="Simpan RHK").click()
    first = page.locator("#rhk-list-utama > li").first
    expect(first).to_contain_text("Terkelolanya dasbor data layanan publik")
    expect(first).to_contain_text("Tersedianya data statistik sektoral yang andal")
    expect(second).to_contain_text("Laporan terbit")

    # Reorder: the second RHK moves up.
    second.get_by_role("button", name=re.compile("^Naik")).click()
    expect(page.locator("#rhk-list-utama > li").first).to_contain_text("Tersusunnya laporan statistik")

    # Lampiran autosaves a moment after typing stops.
    page.get_by_label("Dukungan sumber daya").press_sequentially("Akses server data", delay=20)
    expect(page.locator("#lampiran-status")).to_contain_text(re.compile(r"Tersimpan \d\d\.\d\d"), timeout=8000)

    assert page.evaluate("window.__noReload") is True  # every change above was swapped in place

    page.reload()
    rows = page.locator("#rhk-list-utama > li")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Tersusunnya laporan statistik")
    expect(rows.nth(0)).to_contain_text("Laporan terbit")
    expect(rows.nth(1)).to_contain_text("Terkelolanya dasbor data layanan publik")
    expect(rows.nth(1)).to_contain_text("Dasbor diperbarui")
    expect(rows.nth(1)).to_contain_text("Tersedianya data statistik sektoral yang andal")
    expect(page.get_by_label("Dukungan sumber daya")).to_have_value("Akses server data")


def test_two_tabs_do_not_overwrite_each_other(page, browser_login, make_period, make_employee, make_user,
                                              make_skp):
    period = make_period(TODAY.year, planning=(TODAY - dt.timedelta(days=20), TODAY + dt.timedelta(days=20)))
    employee = make_employee("Rina Wijaya")
    make_user("rina", employee=employee)
    skp = make_skp(employee, period, rhk=1)
    field = f"#rhk-{skp.result_plans[0].id}-text"
    browser_login("rina")
    other = page.context.new_page()  # a second tab of the same session
    for tab in (page, other):
        tab.goto(f"/skp/{skp.id}")
        tab.get_by_role("button", name=re.compile("^Ubah RHK")).click()
        expect(tab.locator(field)).to_be_visible()

    page.locator(field).fill("Versi dari tab pertama")
    page.get_by_role("button", name="Simpan RHK").click()
    expect(page.locator("#rhk-section")).to_contain_text("Versi dari tab pertama")

    other.locator(field).fill("Versi dari tab kedua")
    other.get_by_role("button", name="Simpan RHK").click()
    row = other.locator("#rhk-list-utama > li").first
    expect(row.get_by_role("alert")).to_contain_text("sudah diubah orang lain")
    expect(row).to_contain_text("Versi dari tab pertama")  # the current data, nothing overwritten

    other.reload()
    expect(other.locator("#rhk-section")).to_contain_text("Versi dari tab pertama")
    expect(other.locator("#rhk-section")).not_to_contain_text("Versi dari tab kedua")
