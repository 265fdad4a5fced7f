"""Journey: an admin searches employees live (htmx swaps the table in place), then opens a unit's org chart."""

import re

import pytest
from playwright.sync_api import expect

from portal.org.rules import format_nip

pytestmark = pytest.mark.browser


def test_admin_searches_employees_then_opens_org_chart(page, browser_login, make_user, make_unit, make_position,
                                                       make_employee):
    opd = make_unit("Dinas Pendidikan")
    school = make_unit("SD Negeri 1 Contoh", parent=opd, kind="sekolah")
    principal = make_employee("Rahmawati Putri", unit=school,
                              position=make_position("Kepala Sekolah", unit=school, is_head=True))
    make_employee("Budi Santoso", unit=school, superior=principal, position=make_position("Guru Kelas", unit=school))
    make_employee("Ani Lestari", unit=opd)
    make_user("admin", role="admin")

    browser_login("admin")
    page.goto("/pegawai")
    results = page.locator("#employee-results")
    expect(results).to_contain_text("Ani Lestari")
    page.evaluate("window.__noReload = true")
    htmx_requests = []
    page.on("request", lambda request: htmx_requests.append(request.url)
            if request.headers.get("hx-request") == "true" else None)

    page.get_by_label("Cari nama atau NIP").press_sequentially("santo", delay=30)
    expect(results).not_to_contain_text("Ani Lestari")
    expect(results).to_contain_text("Budi Santoso")
    expect(results.locator("tbody tr")).to_have_count(1)
    assert page.evaluate("window.__noReload") is True  # swapped in place, no page load
    assert any("q=santo" in url for url in htmx_requests)
    expect(page).to_have_url(re.compile(r"/pegawai\?.*q=santo"))

    # Filter by unit (the select swaps the results too), then open the org chart of the school.
    page.get_by_label("Cari nama atau NIP").fill("")
    page.get_by_label("Unit kerja (termasuk sub-unit)").select_option(str(school.id))
    expect(results).to_contain_text("Rahmawati Putri")
    expect(results).not_to_contain_text("Ani Lestari")

    page.goto(f"/bagan?unit={opd.id}")
    expect(page.get_by_role("heading", name="Dinas Pendidikan", level=1)).to_be_visible()
    page.get_by_role("link", name="SD Negeri 1 Contoh").click()
    expect(page.get_by_role("heading", name="SD Negeri 1 Contoh", level=1)).to_be_visible()
    tree = page.locator(".chart-tree")
    expect(tree).to_contain_text("Rahmawati Putri")
    # The teacher is nested under the principal.
    expect(tree.locator("li", has_text="Rahmawati Putri").locator("ul li")).to_contain_text("Budi Santoso")


def test_admin_creates_employee_with_inline_validation(page, browser_login, make_user, make_unit, make_position,
                                                      make_employee):
    opd = make_unit("Dinas Kesehatan")
    clinic = make_unit("Puskesmas Sukamaju", parent=opd, kind="puskesmas")
    make_position("Kepala Dinas Kesehatan", unit=opd, is_head=True)
    make_position("Perawat Terampil", unit=clinic, type_code="TERAMPIL")
    boss = make_employee("Dr. Wulan Sari", unit=clinic)
    make_user("admin", role="admin")

    browser_login("admin")
    page.goto("/pegawai/baru")
    page.locator("#nip").fill("19860926 201505 2 001")
    page.locator("#nama").click()  # blur: the NIP is checked and birth date / gender are filled from it
    expect(page.locator("#field-nip")).to_contain_text("26 September 1986")
    expect(page.locator("#gender")).to_have_value("P")
    expect(page.locator("#birth_date")).to_have_value("1986-09-26")
    page.locator("#nama").fill("Dewi Lestari")

    page.locator("#kind").select_option("PPPK")  # golongan choices follow the kind
    expect(page.locator("#golongan_id option", has_text="XVII")).to_have_count(1)
    page.locator("#kind").select_option("PNS")
    expect(page.locator("#golongan_id option", has_text="III/b")).to_have_count(1)
    page.locator("#golongan_id").select_option(label="Penata Muda Tingkat I (III/b)")

    page.locator("#unit_id").select_option(str(clinic.id))  # positions follow the unit
    expect(page.locator("#position_id option", has_text="Perawat Terampil")).to_have_count(1)
    expect(page.locator("#position_id option", has_text="Kepala Dinas Kesehatan")).to_have_count(0)
    page.locator("#position_id").select_option(label="Perawat Terampil")

    page.locator("#superior").press_sequentially("wulan", delay=30)  # the people picker: a part of the name
    expect(page.get_by_role("listbox").get_by_role("option")).to_have_count(1)
    page.locator("#superior").press("ArrowDown")
    page.locator("#superior").press("Enter")
    expect(page.locator("#field-superior")).to_contain_text("Dr. Wulan Sari")
    expect(page.locator("#field-superior")).to_contain_text(format_nip(boss.nip))

    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", name="Dewi Lestari", level=1)).to_be_visible()
    expect(page.get_by_text("Pegawai Dewi Lestari ditambahkan.")).to_be_visible()
    expect(page.locator("#employee-detail")).to_contain_text("19860926 201505 2 001")
    expect(page.locator("#employee-detail")).to_contain_text("Perawat Terampil")
