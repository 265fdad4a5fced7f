"""Monitoring in a real browser, on a phone's width: Admin BKPSDM opens Monitoring from the menu, follows a number to
the people behind it, sends them a reminder; one of them signs in, sees the bell count it, opens the notification and
lands where it leads. Without JavaScript the same journey works with plain links and forms."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.views import monitoring_world

pytestmark = pytest.mark.browser


def _sign_out(page):
    page.locator("#user-menu > summary").click()
    page.get_by_role("button", name="Keluar").first.click()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_admin_drills_down_reminds_and_the_recipient_sees_it(browser, live_server, javascript):
    monitoring_world.build()
    context = browser.new_context(base_url=live_server, locale="id-ID", java_script_enabled=javascript,
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    def sign_in(username):
        # Let the previous page's requests (the sign-out) finish before signing in, then wait for the signed-in
        # page: a click on the next page's menu must not land on the page being left.
        if page.url not in ("", "about:blank"):
            page.wait_for_load_state("networkidle")
        page.goto("/masuk")
        page.get_by_label(re.compile("NIP atau nama pengguna", re.I)).fill(username)
        page.get_by_label(re.compile("Kata sandi", re.I)).fill(monitoring_world.factories.TEST_PASSWORD)
        page.get_by_role("button", name=re.compile("Masuk", re.I)).click()
        expect(page.locator("#user-menu")).to_be_attached()
        page.wait_for_load_state("networkidle" if javascript else "load")

    sign_in("admin.bkpsdm")
    page.locator("summary.nav-toggle").click()  # the phone's "Menu"
    expect(page.locator("#nav-group-unit")).to_be_visible()
    page.locator("#nav-group-unit").click()
    page.get_by_role("link", name="Monitoring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Monitoring Pengisian")
    # The total of "SKP draf atau dikembalikan" (2): its link opens the people behind it.
    total = page.locator("tfoot td[data-label='SKP draf atau dikembalikan'] a")
    expect(total).to_have_text("2")
    total.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SKP draf atau dikembalikan")
    rows = page.locator("#monitoring-people tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#monitoring-people")).to_contain_text("Anggota B1")
    expect(page.locator("#monitoring-people")).to_contain_text("Anggota B2")
    page.get_by_role("button", name=re.compile("Kirim pengingat")).click()
    expect(page.locator(".flash-success")).to_contain_text("Pengingat dikirim: 2 notifikasi.")
    _sign_out(page)

    sign_in("anggota.b1")
    bell = page.locator("#notification-bell")
    expect(bell).to_contain_text("Notifikasi: 1 belum dibaca")
    expect(bell.locator(".bell-count")).to_have_text("1")
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifikasi")
    page.get_by_role("button", name=re.compile("^Pengingat dari admin.bkpsdm: susun dan ajukan SKP")).click()
    expect(page).to_have_url(re.compile(r"/skp/"))
    expect(page.locator("#notification-bell")).to_contain_text("Notifikasi: 0 belum dibaca")
    context.close()
    assert not errors, errors
