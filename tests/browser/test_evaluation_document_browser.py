"""The Dokumen Evaluasi Kinerja Pegawai in a real browser at a phone's width (390 px): the employee opens it, prints
it and downloads the PDF; a stranger checks the code on the public verification page with JavaScript turned off.
Nothing scrolls sideways, and the Content-Security-Policy holds (the page fixture fails on console errors)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import page_width
from tests.views.test_evaluation_document import EMPLOYEE_NIP, build, release

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _width(page) -> int:
    return page_width(page)


def test_the_employee_prints_and_downloads_the_document_on_a_phone(page, browser_login):
    w = build()
    document = release(w)
    page.set_viewport_size(PHONE)
    browser_login("siti")
    page.goto(f"/evaluasi/dokumen/{document.id}")
    expect(page.get_by_role("heading", name="DOKUMEN EVALUASI KINERJA PEGAWAI")).to_be_visible()
    expect(page.get_by_text(document.code, exact=True)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Kode QR"))).to_be_visible()
    assert _width(page) <= PHONE["width"]

    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="Cetak").click()
    assert page.evaluate("window.__printed") is True

    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh PDF").click()
    assert download.value.suggested_filename == f"evaluasi-{EMPLOYEE_NIP}-2026-triwulan-iii-v1.pdf"

    page.emulate_media(media="print")
    expect(page.locator(".print-toolbar")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()


def test_a_stranger_verifies_a_code_without_javascript_on_a_phone(browser, live_server):
    document = release(build())
    context = browser.new_context(base_url=live_server, locale="id-ID", viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/verifikasi")
        assert _width(page) <= PHONE["width"]
        page.get_by_label("Kode verifikasi", exact=True).fill(document.code.replace("-", " ").lower())
        page.get_by_role("button", name="Periksa").click()
        expect(page.get_by_role("heading", name=re.compile("Dokumen asli"))).to_be_visible()
        expect(page.get_by_text(document.fingerprint[:16])).to_be_visible()
        assert "Siti Rahmawati" not in page.content()
        assert _width(page) <= PHONE["width"]
        page.goto("/verifikasi/ZZZZ-ZZZZ-ZZZZ")
        expect(page.get_by_role("heading", name=re.compile("Kode tidak dikenal"))).to_be_visible()
        assert _width(page) <= PHONE["width"]
    finally:
        context.close()
