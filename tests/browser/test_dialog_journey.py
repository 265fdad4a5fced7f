"""A dialog kinerja session in a real browser on a phone-sized screen: the assessor proposes, the employee adds a
talking point and accepts, the session is held with a note (autosaved) and two actions, the assessor closes and the
employee confirms, an action is completed afterwards, and a second session carries over the open point."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.core.timeutil import local_today
from portal.dialog import rules
from portal.dialog.models import DialogAction
from portal.extensions import db
from tests.browser import page_width
from tests.unit.test_dialog_services import build

pytestmark = pytest.mark.browser


def _switch(page, browser_login, user):
    browser_login(user.username)  # leaves the page, drops the cookies, signs in


def _propose(page, employee, day):
    page.goto("/dialog")
    page.get_by_role("link", name=re.compile(f"Usulkan sesi {employee.full_name}")).click()
    page.get_by_label("Tanggal").fill(day.isoformat())
    page.get_by_label("Jam").fill("10:00")
    page.get_by_label("Tempat").fill("Ruang rapat bidang")
    page.get_by_role("button", name="Usulkan").click()
    expect(page.get_by_role("heading", name="Sesi Dialog Kinerja")).to_be_visible()


def test_session_from_proposal_to_sign_off_and_carry_over(page, browser_login):
    w = build()
    page.set_viewport_size({"width": 390, "height": 844})
    page.on("dialog", lambda dialog: dialog.accept())
    assessor, employee = w.users[w.assessor.id], w.users[w.employee.id]
    day = local_today() + dt.timedelta(days=2)

    _switch(page, browser_login, assessor)
    _propose(page, w.employee, day)
    session_url = page.url

    # The employee adds a talking point and accepts.
    _switch(page, browser_login, employee)
    page.goto(session_url)
    page.get_by_label("Pokok bahasan baru").fill("Beban kerja akhir tahun")
    page.get_by_role("button", name="Tambah pokok bahasan").click()
    expect(page.get_by_text("Pokok bahasan ditambahkan.")).to_be_visible()
    expect(page.locator("#dialog-session")).to_contain_text("Beban kerja akhir tahun")
    page.get_by_label("Pokok bahasan baru").fill("Cuti bersama")
    page.get_by_role("button", name="Tambah pokok bahasan").click()
    expect(page.locator("#dialog-session")).to_contain_text("Cuti bersama")
    page.get_by_role("button", name="Terima jadwal").click()
    expect(page.locator("#dialog-session")).to_contain_text("Dijadwalkan")

    # The meeting: the assessor marks a point discussed, writes a note (autosaved), agrees two actions, closes.
    _switch(page, browser_login, assessor)
    page.goto(session_url)
    page.locator("li", has_text="Beban kerja akhir tahun").get_by_role("button", name=re.compile("Tandai sudah dibahas")
                                                                     ).click()
    expect(page.get_by_text("Pokok bahasan ditandai sudah dibahas.")).to_be_visible()  # the page reloaded
    with page.expect_response(lambda r: r.url.endswith("/catatan") and r.status == 200):
        page.get_by_label(re.compile("Catatan sesi")).fill("Disepakati pembagian tugas pengolahan data.")
    expect(page.locator("#notes-status")).to_contain_text("Tersimpan otomatis")
    for text in ("Susun jadwal pengolahan data", "Daftarkan pelatihan"):
        page.get_by_role("textbox", name="Tindak lanjut yang disepakati").fill(text)
        page.get_by_role("button", name="Tambah tindak lanjut").click()
        expect(page.get_by_text("Tindak lanjut dicatat.")).to_be_visible()
        expect(page.locator("#dialog-session")).to_contain_text(text)
    page.get_by_role("button", name="Tutup sesi").click()
    expect(page.locator("#dialog-session")).to_contain_text("Menunggu konfirmasi pegawai")

    # The employee confirms, and later completes an action.
    _switch(page, browser_login, employee)
    page.goto(session_url)
    expect(page.locator("#dialog-session")).to_contain_text("Disepakati pembagian tugas pengolahan data.")
    page.get_by_label("Komentar Anda (opsional)").fill("Sepakat")
    page.get_by_role("button", name="Konfirmasi hasil sesi").click()
    expect(page.locator("#dialog-session")).to_contain_text("Dikonfirmasi")
    page.get_by_label("Status tindak lanjut: Susun jadwal pengolahan data").select_option(rules.ACTION_DONE)
    page.locator("#dialog-session form", has=page.get_by_label(
        "Status tindak lanjut: Susun jadwal pengolahan data")).get_by_role("button", name="Ubah").click()
    expect(page.get_by_text("Status tindak lanjut diperbarui.")).to_be_visible()
    expect(page.get_by_label("Status tindak lanjut: Susun jadwal pengolahan data")).to_have_value(rules.ACTION_DONE)

    # A second session carries over the point not discussed.
    _switch(page, browser_login, assessor)
    _propose(page, w.employee, day + dt.timedelta(days=14))
    expect(page.locator("#dialog-session")).to_contain_text("Cuti bersama")
    expect(page.locator("#dialog-session")).not_to_contain_text("Beban kerja akhir tahun")
    width = page_width(page)
    assert width <= 400, width
    db.session.expire_all()
    done = db.session.scalar(select(DialogAction).where(DialogAction.text == "Susun jadwal pengolahan data"))
    assert done.status == rules.ACTION_DONE
