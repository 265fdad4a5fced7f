"""Competency development in a real browser on a phone-sized screen: the assessor rates the competencies and
finalises, the employee starts the year's plan and adds an item from the gap it suggests, edits and submits it, the
assessor approves, the employee completes the item with a certificate, and the JP bar and the unit's numbers move."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.development import rules
from portal.development.models import DevelopmentItem
from portal.extensions import db
from tests.browser import page_width
from tests.unit.test_development_services import PDF, TODAY, YEAR, build, standard

pytestmark = pytest.mark.browser


def _switch(page, browser_login, user):
    browser_login(user.username)


def _narrow(page):
    width = page_width(page)
    assert width <= 400, width


def test_rate_plan_from_a_gap_approve_complete_with_a_certificate(page, browser_login, tmp_path):
    w = build()
    standard(w, {"komunikasi": 3, "integritas": 2})
    page.set_viewport_size({"width": 390, "height": 844})
    page.on("dialog", lambda dialog: dialog.accept())
    employee, assessor, head = w.users[w.staff[0].id], w.users[w.assessor.id], w.users[w.head.id]

    # The unit before: nobody has reached 20 JP.
    _switch(page, browser_login, head)
    page.goto(f"/pengembangan/unit?unit={w.opd.id}&tahun={YEAR}")
    expect(page.locator("#development-unit")).to_contain_text("0% sudah mencapai 20 JP")

    # The assessor rates the competencies from the team page and finalises.
    _switch(page, browser_login, assessor)
    page.goto("/pengembangan/tim")
    page.get_by_role("link", name=re.compile(f"Nilai kompetensi {w.staff[0].full_name}")).click()
    page.locator("fieldset", has_text="Komunikasi").get_by_label(re.compile("1 · Sangat Kurang")).check()
    page.locator("fieldset", has_text="Integritas").get_by_label(re.compile("2 · Kurang Memadai")).check()
    page.get_by_role("button", name="Finalkan penilaian").click()
    expect(page.get_by_text("Penilaian kompetensi difinalkan")).to_be_visible()
    _narrow(page)

    # The employee sees the gap, starts the plan and adds the suggested item with one click, then edits it.
    _switch(page, browser_login, employee)
    page.goto("/pengembangan")
    expect(page.locator("#development-page")).to_contain_text("Kurang 2 level")
    page.get_by_role("button", name=f"Susun rencana {YEAR}").click()
    page.get_by_role("button", name=re.compile("Tambahkan ke rencana.*Pelatihan Komunikasi")).click()
    expect(page.get_by_role("heading", name="Kegiatan Pengembangan")).to_be_visible()
    page.get_by_label("Penyelenggara").fill("BPSDM Provinsi")
    page.get_by_label("JP direncanakan").fill("20")
    page.get_by_role("button", name="Simpan kegiatan").click()
    expect(page.get_by_text("disimpan")).to_be_visible()
    _narrow(page)
    page.get_by_role("button", name="Ajukan rencana").click()
    expect(page.get_by_text("Rencana diajukan kepada Pejabat Penilai Kinerja.")).to_be_visible()

    # The assessor approves.
    _switch(page, browser_login, assessor)
    page.goto("/pengembangan/tim")
    expect(page.locator("#development-team")).to_contain_text("1 rencana menunggu keputusan Anda.")
    page.get_by_role("link", name=re.compile(f"Tinjau rencana {w.staff[0].full_name}")).click()
    page.get_by_role("button", name="Setujui rencana").click()
    expect(page.get_by_text("Rencana pengembangan disetujui.")).to_be_visible()

    # The employee completes it with a certificate: the JP bar moves.
    _switch(page, browser_login, employee)
    page.goto("/pengembangan")
    expect(page.locator("#development-page")).to_contain_text("0 dari 20 JP selesai")
    page.locator("summary", has_text="Selesai").click()
    page.get_by_label("JP yang diperoleh").fill("20")
    page.get_by_label("Tanggal selesai").fill(TODAY.isoformat())
    certificate = tmp_path / "Sertifikat Komunikasi.pdf"
    certificate.write_bytes(PDF)
    page.get_by_label(re.compile("Sertifikat \\(PDF atau gambar\\)")).set_input_files(str(certificate))
    page.get_by_role("button", name="Tandai selesai").click()
    expect(page.get_by_text("Kegiatan selesai; JP Anda bertambah.")).to_be_visible()
    expect(page.locator("#development-page")).to_contain_text("20 dari 20 JP selesai")
    expect(page.locator("#jp-progress")).to_have_attribute("value", "20")
    expect(page.get_by_role("link", name="Sertifikat Komunikasi.pdf")).to_be_visible()
    _narrow(page)

    # The unit after: one of five has reached 20 JP.
    _switch(page, browser_login, head)
    page.goto(f"/pengembangan/unit?unit={w.opd.id}&tahun={YEAR}")
    expect(page.locator("#development-unit")).to_contain_text("20% sudah mencapai 20 JP")
    _narrow(page)
    db.session.expire_all()
    item = db.session.scalar(select(DevelopmentItem))
    assert (item.status, item.actual_jp, len(item.certificates)) == (rules.DONE, 20, 1)
