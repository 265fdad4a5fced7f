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
    # The outcome filter swaps the table (htmx) and keeps only the rejected rows. The page is seen loaded first:
    # the text above shows before the deferred htmx has set up the filter (a change then does nothing).
    page.wait_for_load_state("load")
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


def test_admin_reads_warnings_by_kind_and_settles_the_people_a_full_export_leaves_out(page, browser_login, make_user,
                                                                                       tmp_path):
    from portal.imports.models import ImportBatch
    from tests.data.import_samples import HEADERS, KADIS, OLD, nip

    org = existing_org()
    make_user("admin-lengkap", role="admin")
    # The regency's whole staff list: the Kepala Dinas and five perawat whose jenjang cannot be read, a head of
    # section whose row is rejected (birth date) with two staff below; "Lama Sekali" (OLD) is not in it.
    rows = [[1, KADIS, "Kepala Dinas", "", "L", "IV/c", "Kepala Dinas Pendidikan", "", "", "Dinas Pendidikan", ""]]
    rows += [[2 + i, nip(600 + i), f"Perawat {i}", "", "L", "III/a", "Perawat", "Fungsional", "",
              "Dinas Pendidikan", KADIS] for i in range(5)]
    rows += [[7, nip(700), "Kepala Seksi", "01-01-1960", "L", "III/d", "Kepala Seksi Kurikulum", "Struktural",
              "Bidang Pembinaan SD", "Dinas Pendidikan", KADIS],
             [8, nip(701), "Staf Satu", "", "L", "III/a", "Pengadministrasi Umum", "Pelaksana", "Bidang Pembinaan SD",
              "Dinas Pendidikan", nip(700)],
             [9, nip(702), "Staf Dua", "", "L", "III/a", "Pengadministrasi Umum", "Pelaksana", "Bidang Pembinaan SD",
              "Dinas Pendidikan", nip(700)]]
    sample = tmp_path / "ekspor-lengkap.xlsx"
    sample.write_bytes(make_xlsx(rows, headers=HEADERS))

    browser_login("admin-lengkap", TEST_PASSWORD)
    page.goto("/impor")
    page.get_by_label(re.compile("Berkas daftar pegawai")).set_input_files(str(sample))
    page.get_by_label(re.compile("ekspor lengkap")).check()
    page.get_by_role("button", name="Unggah dan petakan kolom").click()
    page.get_by_role("button", name="Lanjutkan ke pratinjau").click()
    expect(page).to_have_url(re.compile(r"/impor/\d+$"))

    # Warnings grouped by kind with counts; each kind links to its rows.
    kinds = page.locator("#import-warning-kinds")
    expect(kinds.get_by_text("Atasan menunggu: baris atasan ditolak")).to_be_visible()
    expect(kinds).to_contain_text("Jenis jabatan tidak dapat ditentukan: 5 baris")
    kinds.get_by_role("link", name="Atasan menunggu: baris atasan ditolak").click()
    expect(page).to_have_url(re.compile(r"catatan=atasan_ditolak"))
    expect(page.locator("tr.import-row")).to_have_count(2)
    # The filter form does the same in place (htmx): every row with a warning.
    page.wait_for_load_state("load")
    page.get_by_label("Catatan", exact=True).select_option("ada")
    expect(page.locator("tr.import-row")).to_have_count(7)
    expect(page).to_have_url(re.compile(r"catatan=ada"))

    # The people missing from the file, with the choice per person.
    page.get_by_role("link", name="1 pegawai aktif tidak ada di berkas").click()
    expect(page).to_have_url(re.compile(r"/tidak-di-berkas$"))
    row = page.locator("tr.import-missing-row", has_text="Lama Sekali")
    expect(row).to_be_visible()
    page.wait_for_load_state("load")  # the row's form is saved by htmx
    row.get_by_label("Tindakan untuk Lama Sekali").select_option("pensiun")
    row.get_by_role("button", name="Simpan").click()
    expect(page.locator("tr.import-missing-row", has_text="Lama Sekali").get_by_role("status")).to_have_text(
        "Tersimpan.")  # only the row was swapped

    page.get_by_role("link", name="Kembali ke pratinjau impor").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("serta nonaktifkan 1 pegawai")).click()
    expect(page.get_by_text("1 pegawai yang tidak ada di berkas dinonaktifkan.")).to_be_visible()

    db.session.rollback()
    old = db.session.scalar(select(Employee).where(Employee.nip == OLD))
    assert (old.active, old.inactive_reason) == (False, "pensiun")
    staff = db.session.scalar(select(Employee).where(Employee.nip == nip(701)))
    assert staff.superior_id is None and staff.pending_superior_nip == nip(700)
    assert db.session.scalar(select(ImportBatch)).status == "committed"
    assert db.session.get(Employee, org["kadis"].id).active  # in the file: stays
