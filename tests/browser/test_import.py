"""The staff import in a real browser: upload a messy .xlsx, accept the mapping, read the dry run, confirm."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.org.models import Employee
from tests.data.import_samples import A, B, C, E, X, existing_org, make_xlsx, messy_rows
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_admin_imports_a_messy_staff_list(page, browser_login, make_user, tmp_path):
    existing_org()
    make_user("admin-bkpsdm", role="admin")
    sample = tmp_path / "daftar-pegawai.xlsx"
    sample.write_bytes(make_xlsx(messy_rows(), title_rows=1))

    browser_login("admin-bkpsdm", TEST_PASSWORD)
    page.goto("/impor")
    expect(page.get_by_role("heading", name="Impor Pegawai", exact=True)).to_be_visible()
    page.get_by_label(re.compile("Berkas daftar pegawai")).set_input_files(str(sample))
    page.get_by_role("button", name="Unggah dan petakan kolom").click()

    expect(page).to_have_url(re.compile(r"/impor/\d+/kolom$"))
    expect(page.get_by_text("diunggah: 13 baris data")).to_be_visible()
    expect(page.get_by_label("NIP atasan langsung")).to_have_value("NIP Atasan Langsung")
    page.get_by_role("button", name="Lanjutkan ke pratinjau").click()

    expect(page).to_have_url(re.compile(r"/impor/\d+$"))
    # a title row above the header: the rows are numbered as in the spreadsheet
    expect(page.get_by_text("NIP ganda dengan baris 4, yang sesuai dengan NIP ini")).to_be_visible()
    expect(page.get_by_text("Atasan membentuk lingkaran pelaporan").first).to_be_visible()
    # The outcome filter swaps the table (htmx) and keeps only the rejected rows.
    page.get_by_label("Hasil", exact=True).select_option("rejected")
    expect(page.locator("tr.import-row")).to_have_count(8)
    expect(page.locator("tr.import-create")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"hasil=rejected"))
    assert db.session.scalar(select(Employee).where(Employee.nip == A)) is None  # the dry run wrote nothing

    page.once("dialog", lambda dialog: dialog.accept())  # data-confirm asks before saving
    page.get_by_role("button", name=re.compile("Konfirmasi dan simpan 5 baris")).click()
    expect(page.get_by_text("Impor selesai: 4 pegawai baru, 1 pegawai diubah")).to_be_visible()
    expect(page.get_by_text("Sudah disimpan")).to_be_visible()

    db.session.rollback()  # end the test's own read transaction, then look at what the server wrote
    saved = {e.nip: e for e in db.session.scalars(select(Employee))}
    assert {A, B, C, E} <= set(saved) and X not in saved
    assert saved[B].superior_id == saved[A].id
    assert saved[C].superior_id == saved[E].id
