"""The navigation in a real browser: on a 390 px phone the "Menu" button opens it and its links are reached with
the keyboard; without JavaScript the same disclosure works; on a desktop the admin's groups are one bar of dropdowns."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.core.timeutil import local_today
from tests import factories
from tests.browser import page_width
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def people(make_unit, make_position, make_employee, make_user):
    unit = make_unit("Dinas Pendidikan")
    boss = make_employee("Budi Santoso", unit=unit, position=make_position("Kepala Bidang", unit=unit,
                                                                           type_code="ADMINISTRATOR"))
    staff = make_employee("Siti Aminah", unit=unit, superior=boss)
    period = factories.make_period(local_today().year)
    factories.make_skp(staff, period, status="diajukan")
    make_user("siti", employee=staff)
    make_user("budi", employee=boss)
    make_user("admin", role="admin")
    return {"boss": boss, "staff": staff}


def _tab_to(page, locator, limit: int = 12) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{locator} not reached with Tab")


def test_phone_menu_opens_and_its_links_are_reached_by_keyboard(page, browser_login, people):
    page.set_viewport_size(PHONE)
    browser_login("budi")
    nav = page.get_by_role("navigation", name="Navigasi utama")
    toggle = nav.locator("summary.nav-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_contain_text("1 menunggu")  # the SKP submitted to Budi
    expect(nav.get_by_role("link", name="Beranda")).to_be_hidden()

    page.locator("body").focus()
    _tab_to(page, toggle)
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Beranda")).to_be_focused()
    group = nav.locator("#nav-group-tim")
    _tab_to(page, group)
    expect(group).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(group).to_have_attribute("aria-expanded", "true")
    link = nav.get_by_role("link", name=re.compile("^SKP Tim"))
    _tab_to(page, link)
    expect(link).to_have_accessible_name("SKP Tim 1 menunggu")
    assert link.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"  # visible focus
    assert page_width(page) <= PHONE["width"]
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/skp/tim$"))

    # On the page of an entry the menu opens on its group, with the entry marked as current.
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    current = nav.get_by_role("link", name=re.compile("^SKP Tim"))
    expect(current).to_be_visible()
    expect(current).to_have_attribute("aria-current", "page")
    current.focus()
    page.keyboard.press("Escape")  # closes the menu and returns to its button
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()


def test_phone_menu_works_without_javascript(browser, live_server, people):
    context = browser.new_context(base_url=live_server, locale="id-ID", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/masuk")
        page.get_by_label(re.compile("NIP atau nama pengguna", re.I)).fill("siti")
        page.get_by_label(re.compile("Kata sandi", re.I)).fill(TEST_PASSWORD)
        page.get_by_role("button", name=re.compile("Masuk", re.I)).click()
        nav = page.get_by_role("navigation", name="Navigasi utama")
        expect(nav.get_by_role("link", name="Beranda")).to_be_hidden()
        nav.get_by_text("Menu", exact=True).click()
        expect(nav.get_by_role("link", name="Beranda")).to_be_visible()
        nav.get_by_text("Kinerja Saya", exact=True).click()
        nav.get_by_role("link", name="SKP Saya").click()
        expect(page).to_have_url(re.compile(r"/skp/\d+$"))  # her SKP
        expect(page.get_by_role("navigation", name="Jejak halaman")).to_contain_text("SKP Saya")
    finally:
        context.close()


def test_desktop_bar_fits_one_line_and_opens_one_dropdown_at_a_time(page, browser_login, people):
    page.set_viewport_size(DESKTOP)
    browser_login("admin")
    nav = page.get_by_role("navigation", name="Navigasi utama")
    expect(nav.locator("summary.nav-toggle")).to_be_hidden()
    expect(nav.get_by_role("link", name="Beranda")).to_be_visible()
    bar = nav.locator(".nav-bar").bounding_box()
    line = nav.get_by_role("link", name="Beranda").bounding_box()
    assert bar["height"] <= 2 * line["height"] + 4, (bar, line)  # at most two lines (it is one today)

    admin_group, unit_group = nav.locator("#nav-group-administrasi"), nav.locator("#nav-group-unit")
    admin_group.click()
    expect(nav.get_by_role("link", name="Log Audit")).to_be_visible()
    unit_group.click()
    expect(nav.get_by_role("link", name="Kaskade Kinerja")).to_be_visible()
    expect(nav.get_by_role("link", name="Log Audit")).to_be_hidden()
    expect(admin_group).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="Kaskade Kinerja")).to_be_hidden()
    expect(unit_group).to_be_focused()
    unit_group.click()
    page.locator("main h1").click()  # a click outside closes it
    expect(nav.get_by_role("link", name="Kaskade Kinerja")).to_be_hidden()

    page.locator("#user-menu > summary").click()
    expect(page.get_by_role("link", name="Ganti kata sandi")).to_be_visible()
    page.get_by_role("link", name="Ganti kata sandi").click()
    expect(page).to_have_url(re.compile(r"/akun/kata-sandi$"))
