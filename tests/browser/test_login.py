"""Whole journeys in a real browser: first sign-in with a forced password change; live account search."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "teh-manis-sore-2027"


def test_first_sign_in_changes_password_then_signs_in_again(page, browser_login, make_employee, make_user):
    employee = make_employee("Siti Aminah")
    make_user("siti", employee=employee, must_change_password=True)

    browser_login(employee.nip[:8] + " " + employee.nip[8:], TEST_PASSWORD)  # NIP typed with a space
    expect(page).to_have_url(re.compile(r"/akun/kata-sandi$"))
    expect(page.get_by_role("heading", name="Ganti kata sandi")).to_be_visible()

    page.get_by_label("Kata sandi sekarang").fill(TEST_PASSWORD)
    page.get_by_label(re.compile(r"^Kata sandi baru")).fill(NEW_PASSWORD)
    page.get_by_label("Ulangi kata sandi baru").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Simpan kata sandi").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name=re.compile("Selamat datang, Siti Aminah"))).to_be_visible()
    expect(page.get_by_text("Kata sandi berhasil diganti.")).to_be_visible()

    page.locator("#user-menu > summary").click()  # the user menu next to the name
    page.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile(r"/masuk$"))
    expect(page.get_by_text("Anda telah keluar.")).to_be_visible()

    browser_login("siti", TEST_PASSWORD)  # the old password no longer works
    expect(page.get_by_text("NIP/nama pengguna atau kata sandi salah.")).to_be_visible()
    browser_login("siti", NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name=re.compile("Selamat datang, Siti Aminah"))).to_be_visible()


def test_admin_searches_accounts_live(page, browser_login, make_user, make_employee):
    make_user("admin", role="admin")
    make_user("budi", employee=make_employee("Budi Santoso"))
    make_employee("Ani Lestari")

    browser_login("admin")
    page.goto("/admin/akun")
    results = page.locator("#accounts-results")
    expect(results).to_contain_text("Ani Lestari")
    page.evaluate("window.__noReload = true")

    page.get_by_label("Cari nama, NIP, atau nama pengguna").press_sequentially("santoso", delay=30)
    expect(results).not_to_contain_text("Ani Lestari")
    expect(results).to_contain_text("Budi Santoso")
    assert page.evaluate("window.__noReload") is True  # swapped in place, no page load
    expect(page).to_have_url(re.compile(r"/admin/akun\?q=santoso"))

    page.get_by_label(re.compile(r"^Akun$")).select_option("belum")
    expect(results).to_contain_text("Tidak ada akun atau pegawai yang cocok")
    assert page.evaluate("window.__noReload") is True
