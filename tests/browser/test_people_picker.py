"""The people picker in a real browser on a 390 px phone: the assessor types part of a name into the 360
nomination picker, moves with ArrowDown, chooses with Enter and sends; the combobox's ARIA state follows. Without
JavaScript the same field is a text field with a "Cari" button that the server resolves."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.assessment.models import NOMINATION_PREPARED, RaterNomination
from portal.extensions import db
from portal.org.rules import format_nip
from tests import factories
from tests.browser import page_width
from tests.unit.test_nomination_services import build_world

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world():
    w = build_world()
    position = factories.make_position("Analis Kebijakan", unit=w.other_unit)
    w.wulan = factories.make_employee("Wulandari Sari", unit=w.other_unit, position=position, gelar_depan="Dr.")
    w.wulan_b = factories.make_employee("Wulan Purnama", unit=w.other_unit)
    return w


def test_choose_a_rater_with_the_keyboard_at_390px(page, browser_login, world):
    w = world
    page.set_viewport_size(PHONE)
    browser_login(w.u_assessor.username)
    page.goto(f"/360/{w.subject.id}/{w.phase.id}")

    combo = page.get_by_role("combobox", name="Penilai", exact=True)
    expect(combo).to_have_attribute("aria-expanded", "false")
    expect(combo).to_have_attribute("aria-autocomplete", "list")
    expect(combo).to_have_attribute("aria-controls", "rater-listbox")
    expect(page.locator("#rater-listbox")).to_have_attribute("role", "listbox")
    expect(page.locator("#field-rater").get_by_role("button", name=re.compile("Cari"))).to_be_hidden()

    combo.click()
    combo.press_sequentially("wulan", delay=40)
    listbox = page.get_by_role("listbox")
    expect(listbox.get_by_role("option")).to_have_count(2)
    expect(combo).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#rater-status")).to_have_text("2 pegawai ditemukan.")  # the polite live region
    first, second = listbox.get_by_role("option").all()
    expect(first).to_contain_text("Wulan Purnama")  # name starts with, by name; gelar ignored
    expect(second).to_contain_text("Dr. Wulandari Sari")
    expect(second).to_contain_text(format_nip(w.wulan.nip))
    expect(second).to_contain_text("Analis Kebijakan · Dinas Lain 360")
    assert page_width(page) <= 400

    combo.press("ArrowDown")
    expect(combo).to_have_attribute("aria-activedescendant", f"rater-opt-{w.wulan_b.id}")
    expect(first).to_have_attribute("aria-selected", "true")
    combo.press("ArrowDown")
    expect(combo).to_have_attribute("aria-activedescendant", f"rater-opt-{w.wulan.id}")
    expect(first).to_have_attribute("aria-selected", "false")
    expect(second).to_have_attribute("aria-selected", "true")
    page.screenshot(path="/tmp/people-picker-open.png", full_page=False)

    combo.press("Escape")  # closes, keeps the text
    expect(combo).to_have_attribute("aria-expanded", "false")
    expect(combo).not_to_have_attribute("aria-activedescendant", re.compile("."))
    expect(combo).to_have_value("wulan")
    combo.press("ArrowDown")  # opens again on the first option
    expect(combo).to_have_attribute("aria-expanded", "true")
    combo.press("ArrowUp")  # wraps to the last
    expect(combo).to_have_attribute("aria-activedescendant", f"rater-opt-{w.wulan.id}")
    combo.press("Enter")  # chooses; does not send the form

    chosen = page.locator("#field-rater .pp-chosen")
    expect(chosen).to_be_visible()
    expect(chosen).to_contain_text("Dr. Wulandari Sari")
    expect(chosen).to_contain_text(format_nip(w.wulan.nip))
    expect(combo).to_be_hidden()
    expect(page.locator("#field-rater input[name=rater_id]")).to_have_value(str(w.wulan.id))
    expect(page.locator("#rater-status")).to_contain_text("Dipilih: Dr. Wulandari Sari")
    change = page.get_by_role("button", name="Ganti Penilai")
    expect(change).to_be_focused()
    assert db.session.scalar(select(RaterNomination.id)) is None
    page.screenshot(path="/tmp/people-picker-chosen.png", full_page=False)

    page.get_by_label("Kelompok penilai").select_option("lainnya")
    page.locator(".nom-add").get_by_role("button", name="Undang", exact=True).click()
    expect(page.locator("tr", has_text="Dr. Wulandari Sari")).to_contain_text("Belum dikirim")
    db.session.expire_all()
    nomination = db.session.scalar(select(RaterNomination))
    assert (nomination.rater_id, nomination.status) == (w.wulan.id, NOMINATION_PREPARED)


def test_change_the_chosen_person_and_pick_with_a_click(page, browser_login, world):
    w = world
    page.set_viewport_size(PHONE)
    browser_login(w.u_subject.username)
    page.goto(f"/360/{w.subject.id}/{w.phase.id}")
    combo = page.get_by_role("combobox", name="Penilai", exact=True)
    combo.fill("wulan")
    page.get_by_role("listbox").get_by_role("option", name=re.compile("Wulan Purnama")).click()
    expect(page.locator("#field-rater input[name=rater_id]")).to_have_value(str(w.wulan_b.id))
    page.get_by_role("button", name="Ganti Penilai").click()
    expect(combo).to_be_visible()
    expect(combo).to_be_focused()
    expect(combo).to_have_value("")
    expect(page.locator("#field-rater input[name=rater_id]")).to_have_value("")
    combo.press_sequentially(format_nip(w.wulan.nip), delay=20)  # an NIP with spaces
    expect(page.get_by_role("listbox").get_by_role("option")).to_have_count(1)
    combo.press("ArrowDown")
    combo.press("Enter")
    page.get_by_label("Kelompok penilai").select_option("lainnya")
    page.locator(".nom-add").get_by_role("button", name="Usulkan", exact=True).click()
    expect(page.locator("tr", has_text="Dr. Wulandari Sari")).to_contain_text("Diusulkan")


def test_without_javascript_the_server_resolves_the_text(browser, live_server, world):
    w = world
    context = browser.new_context(base_url=live_server, locale="id-ID", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/masuk")
        page.get_by_label(re.compile("NIP atau nama pengguna", re.I)).fill(w.u_assessor.username)
        page.get_by_label(re.compile("Kata sandi", re.I)).fill(factories.TEST_PASSWORD)
        page.get_by_role("button", name=re.compile("Masuk", re.I)).click()
        page.goto(f"/360/{w.subject.id}/{w.phase.id}")
        field = page.locator("#field-rater")
        expect(field.get_by_role("textbox", name="Penilai")).to_have_attribute("name", "rater")
        field.get_by_role("textbox", name="Penilai").fill("wulan")
        page.get_by_label("Kelompok penilai").select_option("lainnya")
        field.get_by_role("button", name=re.compile("Cari")).click()  # sends the form: two match, pick one
        expect(page.locator("#field-rater")).to_contain_text("2 pegawai cocok")
        page.get_by_role("radio", name=re.compile("Wulandari Sari")).check()
        page.get_by_label("Kelompok penilai").select_option("lainnya")
        page.locator(".nom-add").get_by_role("button", name="Undang", exact=True).click()
        expect(page.locator("tr", has_text="Dr. Wulandari Sari")).to_contain_text("Belum dikirim")
    finally:
        context.close()
