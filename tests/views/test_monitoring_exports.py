"""The files of the dashboards, opened as a spreadsheet or an archive program would: the list behind a number as CSV
and XLSX, the annual result for the pay office, and a unit's ZIP of SKP and evaluation PDFs."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from portal.extensions import db
from portal.org.rules import format_nip
from tests import factories
from tests.views import monitoring_world


@pytest.fixture
def w():
    return monitoring_world.build()


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the names right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _xlsx(response):
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return load_workbook(io.BytesIO(response.get_data()), read_only=True)


def test_the_list_behind_a_number_as_csv_and_xlsx(w, client, login):
    login(w.users["admin"])
    rows = _csv(client.get("/monitoring/daftar/skp_belum/unduh.csv"))
    assert rows[0] == ["No", "NIP", "Nama", "Unit kerja", "OPD", "Jabatan", "Golongan", "Pejabat Penilai Kinerja",
                       "NIP Pejabat Penilai Kinerja", "Keterangan"]
    body = {r[2]: r for r in rows[1:]}
    assert set(body) == {"Kepala Satu", "Anggota A4", "Kepala Dua"}
    a4 = body["Anggota A4"]
    assert a4[1] == format_nip(w.a[3].nip) and a4[3] == "Bidang A" and a4[4] == "Dinas Satu" and a4[7] == "Kabid A"
    workbook = _xlsx(client.get("/monitoring/daftar/skp_belum/unduh.xlsx"))
    sheet = workbook.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("No", "NIP", "Nama") and len(values) == 4
    assert {v[2] for v in values[1:]} == {"Kepala Satu", "Anggota A4", "Kepala Dua"}
    nip = next(v[1] for v in values[1:] if v[2] == "Anggota A4")
    assert isinstance(nip, str) and nip.replace(" ", "") == w.a[3].nip  # all 18 digits, as text


def test_the_file_holds_the_same_people_as_the_scope_and_the_details(w, client, login):
    login(w.users["head1"])
    rows = _csv(client.get(f"/monitoring/daftar/skp_draf/unduh.csv?unit={w.sub_b.id}"))
    assert sorted((r[2], r[9]) for r in rows[1:]) == [("Anggota B1", "Draf"), ("Anggota B2", "Dikembalikan")]
    assert client.get(f"/monitoring/daftar/skp_draf/unduh.csv?unit={w.opd2.id}").status_code == 403
    assert client.get("/monitoring/daftar/skp_draf/unduh.pdf").status_code == 404


def test_a_formula_in_a_name_is_written_as_text(w, client, login, make_employee):
    make_employee("=HYPERLINK(\"http://x\",\"klik\")", unit=w.sub_b, superior=w.kasi_b)
    login(w.users["admin"])
    rows = _csv(client.get("/monitoring/daftar/skp_belum/unduh.csv"))
    assert "'=HYPERLINK(\"http://x\",\"klik\")" in [r[2] for r in rows]
    sheet = _xlsx(client.get("/monitoring/daftar/skp_belum/unduh.xlsx")).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert "'=HYPERLINK(\"http://x\",\"klik\")" in [v[2] for v in values]


def test_a_large_list_streams_every_row(w, client, login, make_employee):
    for n in range(1200):
        make_employee(f"Massal {n:04d}", unit=w.sub_b, superior=w.kasi_b)
    login(w.users["admin"])
    response = client.get("/monitoring/daftar/skp_belum/unduh.csv")
    assert response.is_streamed
    rows = _csv(response)
    assert len(rows) == 1 + 1203 and [int(r[0]) for r in rows[1:]] == list(range(1, 1204))


def test_the_annual_result_for_the_pay_office(w, client, login):
    login(w.users["admin"])
    year = w.today.year
    workbook = _xlsx(client.get(f"/monitoring/hasil-tahunan/{year}.xlsx"))
    assert workbook.sheetnames == [f"Hasil Kinerja {year}", "Keterangan"]
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    header = rows[0]
    assert header == ("No", "NIP", "Nama", "Unit kerja", "OPD", "Golongan", "Pangkat", "Jabatan", "Rating Hasil Kerja",
                      "Rating Perilaku Kerja", "Predikat Kinerja Pegawai", "Kode predikat", "Status evaluasi",
                      "Tanggal dokumen", "Versi dokumen", "Kode verifikasi")
    by_nip = {r[1].replace(" ", ""): dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert len(by_nip) == 13  # every active employee, rated or not
    a1 = by_nip[w.a[0].nip]
    assert a1["Nama"] == "Anggota A1 (ditandatangani)" and a1["Jabatan"] == "Jabatan saat ditandatangani"  # as signed
    assert (a1["Golongan"], a1["Predikat Kinerja Pegawai"], a1["Kode predikat"]) == ("III/b", "Baik", "baik")
    assert a1["Rating Hasil Kerja"] == "Sesuai Ekspektasi" and a1["Status evaluasi"] == "Diserahkan"
    assert a1["Tanggal dokumen"].date() == w.today - __import__("datetime").timedelta(days=3)
    assert a1["Kode verifikasi"] == "AAAA-AAAA-AAA1" and a1["Versi dokumen"] == 1
    a2 = by_nip[w.a[1].nip]  # final, not delivered yet: the live record, the predikat, no document
    assert (a2["Nama"], a2["Predikat Kinerja Pegawai"], a2["Tanggal dokumen"]) == ("Anggota A2", "Sangat Baik", None)
    kasi = by_nip[w.kasi_b.nip]  # a draft: no predikat yet
    assert (kasi["Predikat Kinerja Pegawai"], kasi["Status evaluasi"]) == (None, "Draf")
    assert by_nip[w.head1.nip]["Status evaluasi"] == "Belum dinilai"
    notes = list(workbook["Keterangan"].iter_rows(values_only=True))
    assert ("Tahun", year) in [tuple(r[:2]) for r in notes]

    rows = _csv(client.get(f"/monitoring/hasil-tahunan/{year}.csv?unit={w.sub_a.id}"))
    assert {r[2] for r in rows[1:]} == {"Kabid A (ditandatangani)", "Anggota A1 (ditandatangani)", "Anggota A2",
                                       "Anggota A3", "Anggota A4"}
    assert client.get(f"/monitoring/hasil-tahunan/{year - 5}.csv").status_code == 404


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("auditor", 200), ("head1", 200), ("kasi_b", 403),
                                             ("b1", 403)])
def test_who_may_download_the_annual_result(w, client, login, who, status):
    login(w.users[who])
    assert client.get(f"/monitoring/hasil-tahunan/{w.today.year}.csv").status_code == status


def test_a_unit_archive_holds_every_skp_and_document_as_pdf(w, client, login):
    login(w.users["head1"])
    response = client.get(f"/monitoring/arsip/{w.sub_a.id}/{w.today.year}.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip" and response.is_streamed
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert archive.testzip() is None
    names = archive.namelist()
    skps = [n for n in names if n.startswith("skp/")]
    documents = [n for n in names if n.startswith("evaluasi/")]
    # Bidang A: the current SKP of kabid_a, a1, a2 (the revision in draft), a3 - and the inactive employee's
    assert len(skps) == 5 and any(f"{w.a[1].nip}-" in n and n.endswith("-v2.pdf") for n in skps)
    assert len(documents) == 2  # a1 and kabid_a were delivered
    for name in skps + documents:
        assert archive.read(name).startswith(b"%PDF-"), name
    contents = list(csv.reader(io.StringIO(archive.read("daftar-isi.csv").decode("utf-8-sig")), delimiter=";"))
    assert len(contents) == 1 + 7 and contents[0][0] == "Berkas"


def test_the_skp_pdf_says_what_the_skp_says(w, client, login):
    from pypdf import PdfReader

    skp = w.skp[w.a[0].id]
    factories.make_rhk(skp, "Tersusunnya laporan layanan pendidikan dasar", indicators=1)
    db.session.commit()
    login(w.users["admin"])
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/monitoring/arsip/{w.sub_a.id}/{w.today.year}.zip").get_data()))
    name = next(n for n in archive.namelist() if n.startswith(f"skp/{w.a[0].nip}"))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(archive.read(name))).pages)
    assert "SASARAN KINERJA PEGAWAI" in text and "Tersusunnya laporan layanan pendidikan dasar" in text
    assert "Anggota A1" in text and "Berorientasi Pelayanan" in text


@pytest.mark.parametrize(("who", "unit", "status"), [("admin", "sub_a", 200), ("auditor", "opd2", 200),
                                                     ("head1", "opd1", 200), ("head1", "opd2", 403),
                                                     ("kabid_a", "sub_b", 403), ("kasi_b", "sub_b", 403)])
def test_who_may_download_an_archive(w, client, login, who, unit, status):
    login(w.users[who])
    assert client.get(f"/monitoring/arsip/{getattr(w, unit).id}/{w.today.year}.zip").status_code == status
