"""The printable SKP (skp.print "/skp/<id>/cetak"): the official form, snapshot over live data, signature block,
the DRAF marker, and who may print."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.extensions import db

YEAR = 2026


@pytest.fixture
def world(make_period, make_unit, make_position, make_employee, make_user, make_skp, make_rhk, make_indicator):
    period = make_period(YEAR)
    unit = make_unit("Dinas Cetak")
    head = make_employee("Kepala Cetak", unit=unit, golongan="IV/b", position=make_position(
        "Kepala Dinas Cetak", unit=unit, type_code="JPT_PRATAMA", is_head=True))
    owner = make_employee("Pegawai Cetak", unit=unit, superior=head, golongan="III/c",
                          position=make_position("Analis Cetak", unit=unit), gelar_belakang="S.E.")
    other = make_employee("Rekan Cetak", unit=unit, superior=head)
    skp = make_skp(owner, period, resources="Laptop dan akses SIASN", reporting_scheme="Laporan bulanan",
                   consequences="Teguran lisan")
    parent = make_rhk(make_skp(head, period), "RHK Kepala yang diintervensi")
    utama = make_rhk(skp, "Tersusunnya laporan kinerja", parent=parent)
    make_indicator(utama, "Laporan tersusun tepat waktu", aspect="waktu", target_text="Desember",
                   target_number=None)
    make_indicator(utama, "Jumlah laporan", aspect="kuantitas", target_number=12, target_unit="laporan")
    make_rhk(skp, "Membantu kegiatan sosialisasi", kind="tambahan")
    from portal.skp.models import BehaviourExpectation

    expectation = db.session.scalar(db.select(BehaviourExpectation).where(
        BehaviourExpectation.skp_id == skp.id, BehaviourExpectation.value_code == "akuntabel"))
    expectation.text = "Menyerahkan laporan tanpa diingatkan"
    db.session.commit()
    users = {
        "owner": make_user("p-owner", employee=owner),
        "head": make_user("p-head", employee=head),
        "other": make_user("p-other", employee=other),
        "outsider": make_user("p-outsider", employee=make_employee("Luar", unit=make_unit("Dinas Luar"))),
        "admin": make_user("p-admin", role="admin"),
        "auditor": make_user("p-auditor", role="auditor"),
    }
    return {"skp": skp, "owner": owner, "head": head, "users": users}


@pytest.mark.parametrize(("role", "expected"), [
    ("owner", 200), ("head", 200), ("admin", 200), ("auditor", 200), ("other", 403), ("outsider", 403),
])
def test_print_authorisation(client, login, world, role, expected):
    login(world["users"][role])
    assert client.get(f"/skp/{world['skp'].id}/cetak").status_code == expected


def test_print_missing_skp_404_and_anonymous_redirected(client, login, world):
    assert client.get(f"/skp/{world['skp'].id}/cetak").status_code in (302, 401)
    login(world["users"]["admin"])
    assert client.get("/skp/999999/cetak").status_code == 404


def test_print_page_is_the_official_form(client, login, world):
    login(world["users"]["owner"])
    html = client.get(f"/skp/{world['skp'].id}/cetak").get_data(as_text=True)
    for text in ("SASARAN KINERJA PEGAWAI", "Periode Penilaian", "1 Januari s.d. 31 Desember 2026",
                 "PEGAWAI YANG DINILAI", "PEJABAT PENILAI KINERJA", "Pangkat/Gol. Ruang", "Unit Kerja",
                 "HASIL KERJA", "RHK Pimpinan yang Diintervensi", "Indikator Kinerja Individu",
                 "A. Utama", "B. Tambahan", "PERILAKU KERJA", "Ekspektasi Khusus Pimpinan",
                 "LAMPIRAN SASARAN KINERJA PEGAWAI", "DUKUNGAN SUMBER DAYA", "SKEMA PERTANGGUNGJAWABAN",
                 "KONSEKUENSI"):
        assert text in html, text
    # live data (no snapshot yet)
    assert "Pegawai Cetak, S.E." in html and "Kepala Cetak" in html
    assert "Penata (III/c)" in html and "Pembina Tingkat I (IV/b)" in html
    assert "Analis Cetak" in html and "Kepala Dinas Cetak" in html and "Dinas Cetak" in html
    # results, indicators, targets
    assert "RHK Kepala yang diintervensi" in html and "Tersusunnya laporan kinerja" in html
    assert "Laporan tersusun tepat waktu" in html and "Desember" in html and "12 laporan" in html
    assert "Waktu" in html and "Kuantitas" in html
    assert "Membantu kegiatan sosialisasi" in html
    # behaviour values with their guides and the expectation
    for value in ("Berorientasi Pelayanan", "Akuntabel", "Kompeten", "Harmonis", "Loyal", "Adaptif",
                  "Kolaboratif"):
        assert value in html
    assert "Tidak menyalahgunakan kewenangan jabatan" in html
    assert "Menyerahkan laporan tanpa diingatkan" in html
    # lampiran
    assert "Laptop dan akses SIASN" in html and "Laporan bulanan" in html and "Teguran lisan" in html
    # print controls and stylesheet
    assert "data-print" in html and "css/print-skp.css" in html
    assert "Versi 1" in html


def test_print_signature_block_uses_the_approval_date(client, login, world):
    skp = world["skp"]
    skp.status = "disetujui"
    skp.decided_at = dt.datetime(2027, 1, 31, 2, 30)  # 09:30 in Jakarta
    db.session.commit()
    login(world["users"]["owner"])
    html = client.get(f"/skp/{skp.id}/cetak").get_data(as_text=True)
    sign = html[html.index('class="skp-print-sign"'):]
    assert "Kabupaten Contoh, 31 Januari 2027" in sign
    assert "Pegawai yang Dinilai" in sign and "Pejabat Penilai Kinerja" in sign
    assert "Pegawai Cetak, S.E." in sign and "Kepala Cetak" in sign
    assert world["owner"].nip[:8] in sign.replace(" ", "")
    assert "print-watermark" not in html and ">DRAF<" not in html


@pytest.mark.parametrize("status", ["draft", "dikembalikan"])
def test_print_marks_drafts(client, login, world, status):
    skp = world["skp"]
    skp.status = status
    db.session.commit()
    login(world["users"]["owner"])
    html = client.get(f"/skp/{skp.id}/cetak").get_data(as_text=True)
    assert '<div class="print-watermark" aria-hidden="true">DRAF</div>' in html
    assert "skp-print-draft" in html


def test_print_uses_the_snapshot_after_the_employee_moved(client, login, world, make_unit, make_position):
    from portal.skp.flow import snapshot

    skp, owner = world["skp"], world["owner"]
    skp.snapshot = snapshot(skp, dt.datetime(2026, 1, 20, 3, 0))
    skp.status = "disetujui"
    skp.decided_at = dt.datetime(2026, 1, 20, 3, 0)
    db.session.commit()
    # Later the employee moves to another unit and position and is promoted.
    new_unit = make_unit("Badan Baru")
    owner.unit = new_unit
    owner.position = make_position("Kepala Subbagian Baru", unit=new_unit)
    from portal.org.models import Golongan

    owner.golongan = db.session.scalar(db.select(Golongan).where(Golongan.code == "III/d"))
    db.session.commit()
    login(world["users"]["admin"])
    html = client.get(f"/skp/{skp.id}/cetak").get_data(as_text=True)
    assert "Analis Cetak" in html and "Penata (III/c)" in html
    assert "Kepala Subbagian Baru" not in html and "Badan Baru" not in html and "III/d" not in html
    assert "20 Januari 2026" in html
