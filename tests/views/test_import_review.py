"""Issue 13 through the web: warnings grouped by kind and filtered, the split of NAMA and the jenis jabatan shown,
superiors waiting for a rejected row and linked later, and the people a full export leaves out (listed with
their open work, chosen per person or for all, deactivated with a reason in the confirm's transaction)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from portal.assessment.models import RaterNomination
from portal.core.audit import AuditLog
from portal.core.timeutil import local_today
from portal.evaluation.models import Evaluation
from portal.extensions import db
from portal.imports.models import ImportBatch, ImportMissing, ImportRow
from portal.org import services as org_services
from portal.org.models import Employee, EmployeeMove, Unit
from tests.data.import_samples import make_xlsx, nip
from tests.factories import make_period, make_position, make_skp
from tests.views.test_import import batch_id_from, dry_run, map_columns, stored_rows, upload

HEADERS = ["NIP", "Nama", "Tgl. Lahir", "L/P", "Gol/Ruang", "Jabatan", "Jenis Jabatan", "Unit Kerja", "OPD",
           "NIP Atasan"]


def line(nip_, nama, jabatan="Pengadministrasi Umum", jenis="Pelaksana", *, lahir="", gol="III/a",
         unit="Bidang Pembinaan SD", opd="Dinas Pendidikan", atasan="", jk=""):
    return [nip_, nama, lahir, jk, gol, jabatan, jenis, unit, opd, atasan]


def xlsx(rows) -> bytes:
    return make_xlsx(rows, headers=HEADERS)


@pytest.fixture
def admin(make_user, login):
    user = make_user("admin-bkpsdm-13", role="admin")
    login(user)
    return user


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- Warnings grouped by kind, filtered, and how each row was read -------------------------------------------


def test_warnings_are_grouped_by_kind_with_counts_and_links_that_filter_the_rows(client, admin):
    rows = [line(nip(1), "Kepala Dinas", "Kepala Dinas Pendidikan", "", gol="IV/c", unit="")]
    rows += [line(nip(10 + i), f"Perawat {i}", "Perawat", "Fungsional", atasan=nip(1)) for i in range(55)]
    rows += [line(nip(80), "Salah Golongan", "Kepala Bidang Pembinaan SD", "Struktural", gol="II/a", atasan=nip(1))]
    batch_id = dry_run(client, xlsx(rows))
    batch = db.session.get(ImportBatch, batch_id)
    assert batch.summary["warning_kinds"] == {"jenis": 55, "golongan_rendah": 1}

    body = client.get(f"/impor/{batch_id}").get_data(as_text=True)
    section = body[body.index('id="import-warning-kinds"'):]
    assert re.search(rf'href="/impor/{batch_id}\?catatan=jenis">Jenis jabatan tidak dapat ditentukan</a>: 55 baris',
                     section)
    assert f'href="/impor/{batch_id}?catatan=golongan_rendah"' in section

    only = client.get(f"/impor/{batch_id}?catatan=golongan_rendah").get_data(as_text=True)
    assert only.count('class="import-row') == 1 and "Salah Golongan" in only
    page1 = client.get(f"/impor/{batch_id}?catatan=jenis").get_data(as_text=True)
    assert page1.count('class="import-row') == 50 and "Halaman 1 dari 2" in page1
    assert f"/impor/{batch_id}?catatan=jenis&amp;page=2" in page1  # paging keeps the filter
    page2 = client.get(f"/impor/{batch_id}?catatan=jenis&page=2", headers={"HX-Request": "true"})
    text = page2.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="import-rows"') and text.count('class="import-row') == 5
    every = client.get(f"/impor/{batch_id}?catatan=ada&hasil=create").get_data(as_text=True)
    assert "56 data" in every and "Kepala Dinas</td>" not in every
    assert client.get(f"/impor/{batch_id}?catatan=bukan-jenis").status_code == 200  # an unknown filter: all rows


def test_the_dry_run_shows_the_split_of_nama_and_where_the_jenis_came_from(client, admin):
    rows = [line(nip(1), "Dr. H. Ahmad Fauzi, S.Pd., M.Si.", "Guru Ahli Madya (Kepala Sekolah)", "Fungsional",
                 gol="IV/a", unit="SD Negeri 1 Contoh"),
            line(nip(2), "Budi Santoso", "Guru Kelas", "JF", gol="III/c", unit="SD Negeri 1 Contoh",
                 atasan=nip(1))]
    batch_id = dry_run(client, xlsx(rows))
    body = client.get(f"/impor/{batch_id}").get_data(as_text=True)
    assert "Gelar depan: Dr. H. · Nama: Ahmad Fauzi · Gelar belakang: S.Pd., M.Si." in body
    assert "Fungsional Ahli Madya (dari nama jabatan)" in body and "Tugas tambahan: Kepala Sekolah" in body
    assert "Fungsional Ahli Muda (dari nama jabatan dan golongan)" in body
    assert client.post(f"/impor/{batch_id}/konfirmasi").status_code == 302
    fauzi = db.session.scalar(select(Employee).where(Employee.nip == nip(1)))
    assert (fauzi.gelar_depan, fauzi.nama, fauzi.gelar_belakang) == ("Dr. H.", "Ahmad Fauzi", "S.Pd., M.Si.")
    assert fauzi.position.position_type.code == "AHLI_MADYA" and fauzi.position.is_head


def test_existing_jabatan_without_a_jenis_get_it_from_a_later_file(client, admin, make_unit, make_employee):
    dinas = make_unit("Dinas Kesehatan")
    perawat = make_position("Perawat Terampil", unit=dinas, type_code="NONE")  # stored without a jenis jabatan
    person = make_employee("Siti Perawat", unit=dinas, position=perawat, nip=nip(1, gender=2), golongan="II/c")
    batch_id = dry_run(client, xlsx([line(person.nip, "Siti Perawat", "Perawat Terampil", "Fungsional", gol="II/c",
                                          unit="", opd="Dinas Kesehatan")]))
    assert stored_rows(batch_id)[2].outcome == "unchanged"
    assert db.session.get(ImportBatch, batch_id).summary["typed_positions"] == 1
    assert client.post(f"/impor/{batch_id}/konfirmasi").status_code == 302
    db.session.expire_all()
    assert perawat.position_type.code == "TERAMPIL"


# --- A rejected head of section: the team is imported and linked later ------------------------------------


def _team(kasi_birth: str):
    kasi = nip(1)
    return [line(nip(900), "Kepala Bidang", "Kepala Bidang Pembinaan SD", "", gol="IV/a"),
            line(kasi, "Kepala Seksi", "Kepala Seksi Kurikulum", "Struktural", gol="III/d", lahir=kasi_birth,
                 atasan=nip(900)),
            line(nip(2), "Staf Satu", atasan=kasi), line(nip(3), "Staf Dua", atasan=kasi)]


def test_a_rejected_head_of_section_does_not_sink_the_team_and_is_linked_when_fixed(client, admin):
    first = dry_run(client, xlsx(_team("01-01-1960")))  # an impossible birth date for the kasi's NIP
    rows = stored_rows(first)
    assert rows[3].outcome == "rejected" and rows[4].outcome == rows[5].outcome == "create"
    assert rows[4].warnings[0]["m"].startswith("Baris atasan (baris %(row)s")
    body = client.get(f"/impor/{first}?catatan=atasan_ditolak").get_data(as_text=True)
    assert "Baris atasan (baris 3, NIP 19850314 201001 1 002) ditolak" in body
    assert client.post(f"/impor/{first}/konfirmasi").status_code == 302
    staff = db.session.scalar(select(Employee).where(Employee.nip == nip(2)))
    assert staff.superior_id is None and staff.pending_superior_nip == nip(1)
    page = client.get(f"/pegawai/{staff.id}").get_data(as_text=True)
    assert "Menunggu atasan dengan NIP 19850314 201001 1 002" in page

    # The fixed file: the kasi is created and both staff are linked to them, with their move recorded.
    second = dry_run(client, xlsx(_team("14-03-1985")))
    assert {n: r.outcome for n, r in stored_rows(second).items()} == {2: "unchanged", 3: "create", 4: "update",
                                                                     5: "update"}
    assert client.post(f"/impor/{second}/konfirmasi").status_code == 302
    db.session.expire_all()
    kasi = db.session.scalar(select(Employee).where(Employee.nip == nip(1)))
    for n in (2, 3):
        person = db.session.scalar(select(Employee).where(Employee.nip == nip(n)))
        assert person.superior_id == kasi.id and person.pending_superior_nip is None
    assert count(EmployeeMove, EmployeeMove.to_superior_id == kasi.id) == 2


def test_a_file_holding_only_the_fixed_head_links_the_waiting_team(client, admin):
    first = dry_run(client, xlsx(_team("01-01-1960")))
    client.post(f"/impor/{first}/konfirmasi")
    second = dry_run(client, xlsx(_team("14-03-1985")[:2]))  # just the kabid and the fixed kasi
    response = client.post(f"/impor/{second}/konfirmasi")
    assert "2 pegawai yang menunggu atasannya kini ditautkan" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    db.session.expire_all()
    kasi = db.session.scalar(select(Employee).where(Employee.nip == nip(1)))
    waiting = db.session.scalars(select(Employee).where(Employee.nip.in_([nip(2), nip(3)]))).all()
    assert {p.superior_id for p in waiting} == {kasi.id} and {p.pending_superior_nip for p in waiting} == {None}
    assert count(EmployeeMove, EmployeeMove.to_superior_id == kasi.id) == 2
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "import.commit").order_by(AuditLog.id.desc()))
    assert audit.changes["linked"] == 2


def test_a_waiting_superior_is_linked_when_added_by_hand_and_dropped_when_chosen_by_hand(client, admin, make_unit):
    first = dry_run(client, xlsx(_team("01-01-1960")))
    client.post(f"/impor/{first}/konfirmasi")
    db.session.expire_all()
    one, two = (db.session.scalar(select(Employee).where(Employee.nip == nip(n))) for n in (2, 3))
    kabid = db.session.scalar(select(Employee).where(Employee.nip == nip(900)))
    org_services.update_employee(admin, two, {"superior_id": kabid.id})  # the admin chose another superior
    assert two.pending_superior_nip is None
    kasi = org_services.create_employee(admin, {"nip": nip(1), "nama": "Kepala Seksi", "unit_id": one.unit_id})
    db.session.commit()
    db.session.expire_all()
    assert one.superior_id == kasi.id and one.pending_superior_nip is None
    assert two.superior_id == kabid.id  # a superior chosen by hand stays


# --- People missing from a full export ------------------------------------------------------------------------


@pytest.fixture
def regency(make_unit, make_employee):
    """Dinas Pendidikan with a head, a kasi who has retired (not in the new export) with open work, and a
    second person who moved away."""
    dinas = make_unit("Dinas Pendidikan")
    bidang = make_unit("Bidang Pembinaan SD", parent=dinas)
    head = make_employee("Kepala Dinas", unit=dinas, nip=nip(900), golongan="IV/c",
                         position=make_position("Kepala Dinas Pendidikan", unit=dinas, type_code="JPT_PRATAMA",
                                                is_head=True))
    kasi = make_employee("Kasi Pensiun", unit=bidang, nip=nip(901), superior=head, golongan="III/d",
                         position=make_position("Kepala Seksi Kurikulum", unit=bidang, type_code="PENGAWAS"))
    staff_position = make_position("Pengadministrasi Umum", unit=bidang)
    staff = make_employee("Staf Tetap", unit=bidang, nip=nip(902), superior=kasi, position=staff_position)
    moved = make_employee("Pindah Keluar", unit=bidang, nip=nip(903), superior=head, position=staff_position)
    gone = make_employee("Sudah Nonaktif", unit=bidang, nip=nip(904), active=False, position=staff_position)
    today = local_today()
    period = make_period(today.year, evaluasi_tahunan=(today - dt.timedelta(days=3), today + dt.timedelta(days=20)))
    phase = next(p for p in period.phases if p.kind == "evaluasi_tahunan")
    make_skp(staff, period, status="diajukan", assessor=kasi)
    make_skp(kasi, period, status="draft")
    db.session.add(RaterNomination(subject_id=staff.id, phase_id=phase.id, rater_id=kasi.id, group="atasan",
                                   status="diundang"))
    db.session.add(Evaluation(employee_id=staff.id, phase_id=phase.id, unit_id=bidang.id, assessor_id=kasi.id))
    db.session.commit()
    return {"dinas": dinas, "bidang": bidang, "head": head, "kasi": kasi, "staff": staff, "moved": moved,
            "gone": gone, "phase": phase}


def full_export_file(regency) -> bytes:
    """The regency's truth: the head and the staff member; the kasi and the one who moved are not in it."""
    return xlsx([line(nip(900), "Kepala Dinas", "Kepala Dinas Pendidikan", "", gol="IV/c", unit=""),
                 line(nip(902), "Staf Tetap", atasan=nip(900))])


def full_dry_run(client, data: bytes) -> int:
    response = client.post("/impor", data={"file": (__import__("io").BytesIO(data), "lengkap.xlsx"),
                                           "full_export": "y"}, content_type="multipart/form-data")
    batch_id = batch_id_from(response)
    assert map_columns(client, batch_id).status_code == 302
    return batch_id


def test_a_full_export_lists_the_people_it_leaves_out_with_their_open_work(client, admin, regency):
    batch_id = full_dry_run(client, full_export_file(regency))
    batch = db.session.get(ImportBatch, batch_id)
    assert batch.full_export and batch.summary["missing"] == 2
    preview = client.get(f"/impor/{batch_id}").get_data(as_text=True)
    assert f'href="/impor/{batch_id}/tidak-di-berkas"' in preview and "2 pegawai aktif tidak ada di berkas" in preview

    body = client.get(f"/impor/{batch_id}/tidak-di-berkas").get_data(as_text=True)
    assert "Kasi Pensiun" in body and "Pindah Keluar" in body and "Sudah Nonaktif" not in body
    assert "Staf Tetap</a>" not in body.split('id="import-missing"')[0]
    kasi_row = body[body.index(f'id="missing-{_entry(batch_id, regency["kasi"]).id}"'):]
    kasi_row = kasi_row[:kasi_row.index("</tr>")]
    staff, phase = regency["staff"], regency["phase"]
    assert "Bawahan langsung (pilih atasan baru): 1" in kasi_row
    assert f'href="/pegawai/{staff.id}/ubah">Staf Tetap</a>' in kasi_row
    assert "SKP menunggu persetujuannya (pilih atasan baru pegawai itu): 1" in kasi_row
    assert "SKP sendiri belum disetujui: 1" in kasi_row
    assert f'href="/360/{staff.id}/{phase.id}">Staf Tetap</a>' in kasi_row
    assert f'href="/evaluasi/{staff.id}/{phase.id}">Staf Tetap</a>' in kasi_row
    # Importing writes nothing yet.
    assert regency["kasi"].active and count(AuditLog, AuditLog.action == "employee.deactivate") == 0


def _entry(batch_id: int, employee) -> ImportMissing:
    return db.session.scalar(select(ImportMissing).where(ImportMissing.batch_id == batch_id,
                                                         ImportMissing.employee_id == employee.id))


def test_choices_per_person_and_for_all_then_the_confirm_deactivates_with_the_reason(client, admin, regency):
    batch_id = full_dry_run(client, full_export_file(regency))
    kasi, moved = _entry(batch_id, regency["kasi"]), _entry(batch_id, regency["moved"])

    # For all: pensiun; then one person changed, without JS and with htmx (only the row comes back).
    response = client.post(f"/impor/{batch_id}/tidak-di-berkas", data={"semua-reason": "pensiun"})
    assert response.status_code == 302
    assert {e.reason for e in db.session.scalars(select(ImportMissing))} == {"pensiun"}
    response = client.post(f"/impor/{batch_id}/tidak-di-berkas/{moved.id}?page=1",
                           data={f"m{moved.id}-reason": "mutasi_keluar"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/tidak-di-berkas?page=1")
    fragment = client.post(f"/impor/{batch_id}/tidak-di-berkas/{kasi.id}", data={f"m{kasi.id}-reason": "meninggal"},
                           headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and text.lstrip().startswith(f'<tr id="missing-{kasi.id}"')
    assert '<option selected value="meninggal">' in text
    assert "Tersimpan." in text
    bad = client.post(f"/impor/{batch_id}/tidak-di-berkas/{kasi.id}", data={f"m{kasi.id}-reason": "dipecat"})
    assert bad.status_code == 422
    db.session.expire_all()
    assert (kasi.reason, moved.reason) == ("meninggal", "mutasi_keluar")

    preview = client.get(f"/impor/{batch_id}").get_data(as_text=True)
    assert "serta nonaktifkan 2 pegawai" in preview
    employees = count(Employee)
    response = client.post(f"/impor/{batch_id}/konfirmasi")
    assert response.status_code == 302
    assert "2 pegawai yang tidak ada di berkas dinonaktifkan" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    db.session.expire_all()
    assert count(Employee) == employees  # never deleted
    assert (regency["kasi"].active, regency["kasi"].inactive_reason) == (False, "meninggal")
    assert (regency["moved"].active, regency["moved"].inactive_reason) == (False, "mutasi_keluar")
    assert regency["staff"].active and regency["head"].active
    audits = db.session.scalars(select(AuditLog).where(AuditLog.action == "employee.deactivate")).all()
    assert {(a.object_id, a.changes["inactive_reason"][1]) for a in audits} == {
        (str(regency["kasi"].id), "meninggal"), (str(regency["moved"].id), "mutasi_keluar")}
    assert "lengkap.xlsx" in audits[0].summary
    commit = db.session.scalar(select(AuditLog).where(AuditLog.action == "import.commit"))
    assert commit.changes["deactivated"] == 2
    page = client.get(f"/pegawai/{regency['kasi'].id}").get_data(as_text=True)
    assert 'id="employee-inactive-reason">Meninggal dunia' in page

    # A committed import's choices cannot change any more.
    late = client.post(f"/impor/{batch_id}/tidak-di-berkas", data={"semua-reason": ""})
    assert late.status_code == 409
    # Reactivating by hand clears the reason.
    org_services.reactivate_employee(admin, regency["moved"])
    assert regency["moved"].inactive_reason is None


def test_people_kept_active_stay_and_nothing_is_deactivated_without_a_choice(client, admin, regency):
    batch_id = full_dry_run(client, full_export_file(regency))
    assert client.post(f"/impor/{batch_id}/konfirmasi").status_code == 302
    db.session.expire_all()
    assert regency["kasi"].active and regency["moved"].active


def test_the_list_of_missing_people_changing_since_the_preview_asks_again(client, admin, regency, make_employee):
    batch_id = full_dry_run(client, full_export_file(regency))
    client.post(f"/impor/{batch_id}/tidak-di-berkas", data={"semua-reason": "pensiun"})
    make_employee("Baru Ditambahkan", unit=regency["bidang"], nip=nip(950))  # someone added meanwhile
    response = client.post(f"/impor/{batch_id}/konfirmasi")
    assert response.status_code == 409 and "Data pegawai berubah sejak pratinjau" in response.get_data(as_text=True)
    db.session.expire_all()
    assert regency["kasi"].active and db.session.get(ImportBatch, batch_id).summary["missing"] == 3
    assert {e.reason for e in db.session.scalars(select(ImportMissing))} == {"pensiun", None}  # choices kept


def test_a_failed_confirm_rolls_back_the_deactivations_too(client, admin, regency, monkeypatch):
    from portal.imports import services

    batch_id = full_dry_run(client, full_export_file(regency))
    client.post(f"/impor/{batch_id}/tidak-di-berkas", data={"semua-reason": "pensiun"})
    real_record = services.record

    def failing(actor, action, *args, **kwargs):
        if action == "import.commit":
            raise RuntimeError("disk full")
        return real_record(actor, action, *args, **kwargs)

    monkeypatch.setattr(services, "record", failing)
    client.post(f"/impor/{batch_id}/konfirmasi")
    db.session.expire_all()
    assert regency["kasi"].active and regency["moved"].active
    assert count(AuditLog, AuditLog.action == "employee.deactivate") == 0
    assert db.session.get(ImportBatch, batch_id).status == "failed"


@pytest.mark.parametrize(("role", "method", "path", "expected"), [
    ("auditor", "get", "", 200),
    ("auditor", "post", "", 403),
    ("auditor", "post", "/{mid}", 403),
    ("pegawai", "get", "", 403),
    ("pegawai", "post", "/{mid}", 403),
])
def test_missing_people_access(client, login, make_user, regency, role, method, path, expected):
    admin_client = client.application.test_client()
    login(make_user("admin-y", role="admin"), admin_client)
    batch_id = full_dry_run(admin_client, full_export_file(regency))
    entry = _entry(batch_id, regency["kasi"])
    login(make_user(role=role))
    url = f"/impor/{batch_id}/tidak-di-berkas" + path.format(mid=entry.id)
    response = getattr(client, method)(url, data={"semua-reason": "pensiun", f"m{entry.id}-reason": "pensiun"})
    assert response.status_code == expected
    db.session.expire_all()
    assert entry.reason is None
    if role == "auditor" and method == "get":
        assert "Kasi Pensiun" in response.get_data(as_text=True) and "<select" not in response.get_data(as_text=True)


def test_missing_people_page_in_constant_queries(client, admin, regency, make_employee, queries):
    small = full_dry_run(client, full_export_file(regency))
    for n in range(12):
        person = make_employee(f"Pensiunan {n}", unit=regency["bidang"], nip=nip(960 + n), superior=regency["kasi"])
        make_employee(f"Bawahan {n}", unit=regency["bidang"], nip=nip(980 + n), superior=person)
    big = full_dry_run(client, full_export_file(regency))
    assert db.session.get(ImportBatch, big).summary["missing"] == 26
    db.session.expire_all()
    with queries() as q_small:
        client.get(f"/impor/{small}/tidak-di-berkas")
    db.session.expire_all()
    with queries() as q_big:
        body = client.get(f"/impor/{big}/tidak-di-berkas").get_data(as_text=True)
    assert q_big.count == q_small.count
    assert body.count('class="import-missing-row"') == 25 and "Halaman 1 dari 2" in body


def test_full_export_checkbox_is_on_the_upload_form(client, admin):
    body = client.get("/impor").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="full_export"[^>]*type="checkbox"', body)
    assert '<label for="full_export">' in body
    batch_id = batch_id_from(upload(client, xlsx([line(nip(1), "Satu")])))
    assert db.session.get(ImportBatch, batch_id).full_export is False
    assert count(ImportRow) == 0 and count(Unit) == 0
