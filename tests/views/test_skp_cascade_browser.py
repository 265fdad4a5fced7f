"""Journey (browser): the head of a unit manages the unit goals inline with htmx, opens the cascade, and prints
an SKP. No console or CSP errors anywhere."""

import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.skp.models import UnitGoal

pytestmark = pytest.mark.browser


def test_head_manages_goals_inline_and_sees_the_cascade(page, browser_login, make_period, make_unit, make_position,
                                                         make_employee, make_user, make_skp, make_rhk):
    period = make_period(2026)
    dinas = make_unit("Dinas Jelajah")
    head = make_employee("Kepala Jelajah", unit=dinas, position=make_position(
        "Kepala Dinas Jelajah", unit=dinas, type_code="JPT_PRATAMA", is_head=True))
    staff = make_employee("Staf Jelajah", unit=dinas, superior=head)
    make_user("kepala-jelajah", employee=head)
    head_rhk = make_rhk(make_skp(head, period, status="disetujui"), "RHK kepala jelajah")
    make_rhk(make_skp(staff, period), "RHK staf jelajah", parent=head_rhk)
    period_id, unit_id = period.id, dinas.id

    browser_login("kepala-jelajah")
    page.goto(f"/skp/sasaran-unit?unit={unit_id}&period={period_id}")
    page.evaluate("window.__noReload = true")
    page.get_by_label("Sasaran unit").fill("Meningkatnya layanan jelajah")
    page.get_by_role("button", name="Tambah sasaran unit").click()
    goals = page.locator("#unit-goals")
    expect(goals.locator(".goal-item")).to_contain_text(["Meningkatnya layanan jelajah"])
    expect(page.locator("#flash")).to_contain_text("Sasaran unit ditambahkan.")

    page.get_by_role("button", name=re.compile("^Ubah")).click()
    edit = page.locator(".goal-editing textarea")
    expect(edit).to_have_value("Meningkatnya layanan jelajah")
    edit.fill("Meningkatnya mutu layanan jelajah")
    page.get_by_role("button", name="Simpan").click()
    expect(goals).to_contain_text("Meningkatnya mutu layanan jelajah")
    expect(page.locator(".goal-editing")).to_have_count(0)
    assert page.evaluate("window.__noReload") is True  # swapped in place, no full reload

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("^Nonaktifkan")).click()
    expect(goals.locator(".goal-inactive")).to_have_count(1)
    goal = db.session.scalar(db.select(UnitGoal))
    assert goal.text == "Meningkatnya mutu layanan jelajah" and goal.active is False

    page.get_by_role("link", name="Lihat kaskade kinerja unit ini").click()
    expect(page.get_by_role("heading", name="Kaskade Kinerja")).to_be_visible()
    expect(page.locator(".cascade-tree")).to_contain_text("RHK kepala jelajah")
    expect(page.locator(".cascade-tree")).to_contain_text("RHK staf jelajah")
    expect(page.locator("#cascade-orphan-heading")).to_contain_text("RHK tanpa tautan (1)")


def test_print_page_has_a_print_button_hidden_in_print(page, browser_login, make_period, make_employee, make_user,
                                                        make_skp, make_rhk, make_indicator):
    period = make_period(2026)
    employee = make_employee("Pencetak")
    make_user("pencetak", employee=employee)
    skp = make_skp(employee, period)
    make_indicator(make_rhk(skp, "RHK untuk dicetak"), "Indikator dicetak")
    browser_login("pencetak")
    page.goto(f"/skp/{skp.id}/cetak")
    button = page.get_by_role("button", name="Cetak")
    expect(button).to_be_visible()
    expect(page.locator(".print-watermark")).to_have_text("DRAF")
    page.emulate_media(media="print")
    expect(button).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".skp-print")).to_contain_text("RHK untuk dicetak")
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF") and b"/MediaBox [0 0 594.95996 841.91998]" in pdf  # A4


def test_a_lazy_branch_loads_when_opened(app, page, browser_login, monkeypatch, make_period, make_unit, make_position,
                                         make_employee, make_user, make_skp, make_rhk):
    monkeypatch.setitem(app.config, "CASCADE_RENDER_BUDGET", 1)
    period = make_period(2026)
    dinas = make_unit("Dinas Cabang")
    head = make_employee("Kepala Cabang", unit=dinas, position=make_position(
        "Kepala Dinas Cabang", unit=dinas, type_code="JPT_PRATAMA", is_head=True))
    staff = make_employee("Staf Cabang", unit=dinas, superior=head)
    make_user("kepala-cabang", employee=head)
    head_rhk = make_rhk(make_skp(head, period), "RHK kepala cabang")
    make_rhk(make_skp(staff, period), "RHK staf di cabang", parent=head_rhk)
    make_rhk(make_skp(staff, period, number=2, is_current=False), "RHK versi lama")
    browser_login("kepala-cabang")
    page.goto(f"/skp/kaskade?period={period.id}")
    node = page.locator(f"#rhk-{head_rhk.id}")
    expect(node).to_contain_text("Tampilkan cabang ini")
    node.locator("summary").click()
    expect(node).to_contain_text("RHK staf di cabang")
    expect(page.locator(".cascade-tree")).not_to_contain_text("RHK versi lama")
