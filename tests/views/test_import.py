"""Staff import through the web: upload, mapping, dry run, confirm, re-import, downloads, access rules."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditLog
from portal.core.timeutil import local_today
from portal.extensions import db
from portal.imports.models import ImportBatch, ImportRow
from portal.org.models import Employee, EmployeeMove, Golongan, Position, Unit
from tests.data.import_samples import EXPECTED, HEADERS, OLD, A, B, C, E, X, Y, existing_org, make_xlsx, messy_rows, nip


@pytest.fixture
def scenario():
    return existing_org()


@pytest.fixture
def admin(make_user, login):
    user = make_user("admin-impor", role="admin")
    login(user)
    return user


def upload(client, data: bytes, filename: str = "pegawai.xlsx"):
    return client.post("/impor", data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def batch_id_from(response) -> int:
    return int(re.search(r"/impor/(\d+)", response.headers["Location"]).group(1))


def map_columns(client, batch_id: int, **overrides):
    batch = db.session.get(ImportBatch, batch_id)
    form = {f"map_{field}": header for field, header in (batch.mapping or {}).items()}
    form.update({f"map_{k}": v for k, v in overrides.items()})
    return client.post(f"/impor/{batch_id}/kolom", data=form)


def dry_run(client, data: bytes, filename: str = "pegawai.xlsx") -> int:
    response = upload(client, data, filename)
    assert response.status_code == 302, response.get_data(as_text=True)
    batch_id = batch_id_from(response)
    assert response.headers["Location"].endswith(f"/impor/{batch_id}/kolom")
    response = map_columns(client, batch_id)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/impor/{batch_id}")
    return batch_id


def stored_rows(batch_id: int) -> dict[int, ImportRow]:
    rows = db.session.scalars(select(ImportRow).where(ImportRow.batch_id == batch_id)).all()
    return {row.row_number: row for row in rows}


def reasons(row: ImportRow) -> list[str]:
    return [r["m"] for r in row.reasons or []]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_mapping_screen_preselects_the_guess(client, admin, scenario):
    response = upload(client, make_xlsx(messy_rows(), title_rows=2))
    batch_id = batch_id_from(response)
    body = client.get(f"/impor/{batch_id}/kolom").get_data(as_text=True)
    assert re.search(r'<select[^>]*id="map_nip".*?<option selected value="NIP Baru">', body, re.S)
    assert re.search(r'<select[^>]*id="map_tgl_lahir".*?<option selected value="Tgl. Lahir">', body, re.S)
    assert re.search(r'<select[^>]*id="map_nip_atasan".*?<option selected value="NIP Atasan Langsung">', body, re.S)
    assert '<label for="map_golongan">' in body
    batch = db.session.get(ImportBatch, batch_id)
    assert batch.headers[:3] == ["No", "NIP Baru", "Nama Lengkap"]  # found below the title block
    assert batch.row_count == 13 and len(batch.checksum) == 64


def test_dry_run_rejects_exactly_the_bad_rows_and_writes_nothing(client, admin, scenario):
    before = (count(Employee), count(Unit), count(Position))
    batch_id = dry_run(client, make_xlsx(messy_rows()))
    assert (count(Employee), count(Unit), count(Position)) == before

    rows = stored_rows(batch_id)
    assert {n: r.outcome for n, r in rows.items()} == EXPECTED
    assert reasons(rows[5]) == ["NIP tidak sah: %(reason)s"]
    assert reasons(rows[6]) == ["Golongan \"%(value)s\" tidak dikenal."]
    assert reasons(rows[7]) == ["Atasan dengan NIP %(nip)s tidak ditemukan di berkas maupun di basis data."]
    # Twins: row 8 contradicts the NIP it shares with row 3 (gender), so row 3 owns it and row 8 is refused.
    assert reasons(rows[8]) == ["Jenis kelamin %(value)s tidak sesuai dengan NIP (%(nip_gender)s).",
                                "NIP ganda dengan baris %(row)s, yang sesuai dengan NIP ini; baris ini tidak sesuai "
                                "dengan NIP."] and rows[8].reasons[1]["a"]["row"] == 3
    assert [w["k"] for w in rows[3].warnings] == ["nip_ganda"] and rows[3].warnings[0]["a"]["rows"] == "8"
    assert reasons(rows[9]) == reasons(rows[10]) == ["Atasan membentuk lingkaran pelaporan: %(chain)s."]
    assert reasons(rows[11]) == ["Jabatan wajib diisi."]
    assert rows[12].warnings[0]["m"].startswith("Jenis jabatan")
    assert set(rows[13].changes) == {"golongan"}
    assert rows[2].nama == "Dr. H. Ahmad Fauzi, S.Pd., M.Si."
    assert reasons(rows[14])[0].startswith("NIP tersimpan sebagai angka di Excel")

    batch = db.session.get(ImportBatch, batch_id)
    assert batch.status == "previewed"
    assert {k: batch.summary[k] for k in ("create", "update", "unchanged", "rejected")} == {
        "create": 4, "update": 1, "unchanged": 0, "rejected": 8}
    assert batch.summary["new_units"] == ["Dinas Pendidikan / SD Negeri 1 Contoh"]
    assert batch.summary["new_positions"] == 4

    body = client.get(f"/impor/{batch_id}").get_data(as_text=True)
    assert "Atasan membentuk lingkaran pelaporan" in body
    assert "NIP ganda dengan baris 3, yang sesuai dengan NIP ini" in body
    assert "Konfirmasi dan simpan 5 baris" in body


def test_preview_filter_and_htmx_partial(client, admin, scenario):
    batch_id = dry_run(client, make_xlsx(messy_rows()))
    full = client.get(f"/impor/{batch_id}?hasil=rejected")
    body = full.get_data(as_text=True)
    assert "<html" in body and body.count('class="import-row import-rejected"') == 8
    assert "import-create" not in body
    partial = client.get(f"/impor/{batch_id}?hasil=create", headers={"HX-Request": "true"})
    text = partial.get_data(as_text=True)
    assert "<html" not in text and text.lstrip().startswith('<div id="import-rows"')
    assert text.count('class="import-row import-create"') == 4
    assert "HX-Request" in partial.headers["Vary"]


def test_confirm_writes_exactly_the_valid_rows(client, admin, scenario):
    batch_id = dry_run(client, make_xlsx(messy_rows()))
    employees, units, audits = count(Employee), count(Unit), count(AuditLog)

    response = client.post(f"/impor/{batch_id}/konfirmasi")
    assert response.status_code == 302
    assert "Impor selesai: 4 pegawai baru, 1 pegawai diubah" in client.get(response.headers["Location"]).get_data(
        as_text=True)

    assert count(Employee) == employees + 4
    assert count(Unit) == units + 1
    by_nip = {e.nip: e for e in db.session.scalars(select(Employee))}
    for rejected in (nip(4), nip(6), X, Y, nip(9)):
        assert rejected not in by_nip
    fauzi, siti, budi, ratna = by_nip[A], by_nip[B], by_nip[C], by_nip[E]
    assert (fauzi.gelar_depan, fauzi.nama, fauzi.gelar_belakang) == ("Dr. H.", "Ahmad Fauzi", "S.Pd., M.Si.")
    assert fauzi.search_text == f"dr. h. ahmad fauzi, s.pd., m.si. {A}"
    assert fauzi.superior_id == scenario["kadis"].id
    assert siti.superior_id == fauzi.id and siti.gender == "P" and siti.unit_id == scenario["bidang"].id
    assert budi.superior_id == ratna.id  # the superior came later in the file
    # "Jabatan Aneh" is no jenis jabatan (a warning), but the name says a school head, who is a JF Guru: the
    # level comes from the golongan (III/a: Ahli Pertama).
    assert ratna.position.position_type.code == "AHLI_PERTAMA"
    assert budi.position.position_type.code == "AHLI_PERTAMA"
    # New jabatan that name their unit's head are marked as heads; the others are staff positions.
    assert ratna.position.is_head and not budi.position.is_head and not siti.position.is_head
    assert fauzi.golongan.code == "IV/a" and budi.birth_date == dt.date(1985, 3, 14)
    school = budi.unit
    assert school.name == "SD Negeri 1 Contoh" and school.parent_id == scenario["dinas"].id
    assert school.path == f"{scenario['dinas'].path}{school.id}/" and school.depth == 1 and school.kind == "sekolah"
    old = by_nip[OLD]
    assert old.golongan.code == "III/d" and old.version_id == 2 and old.superior_id == scenario["kadis"].id

    commit_audits = db.session.scalars(select(AuditLog).where(AuditLog.action == "import.commit")).all()
    assert len(commit_audits) == 1 and commit_audits[0].changes["created"] == 4
    assert commit_audits[0].changes["moves"] == 0 and count(EmployeeMove) == 0  # OLD only changed golongan
    assert count(AuditLog) == audits + 1
    batch = db.session.get(ImportBatch, batch_id)
    assert batch.status == "committed" and batch.committed_at is not None

    # A committed batch cannot be confirmed twice.
    again = client.post(f"/impor/{batch_id}/konfirmasi")
    assert again.status_code == 409
    assert "sudah disimpan" in again.get_data(as_text=True)
    assert count(Employee) == employees + 4


def test_reimport_of_the_same_file_is_all_unchanged_and_writes_nothing(client, admin, scenario):
    data = make_xlsx(messy_rows())
    first = dry_run(client, data)
    assert client.post(f"/impor/{first}/konfirmasi").status_code == 302
    stamps = dict(db.session.execute(select(Employee.nip, Employee.updated_at)).all())
    versions = dict(db.session.execute(select(Employee.nip, Employee.version_id)).all())
    employees, units, positions = count(Employee), count(Unit), count(Position)

    second = dry_run(client, data)
    batch = db.session.get(ImportBatch, second)
    assert {k: batch.summary[k] for k in ("create", "update", "unchanged", "rejected")} == {
        "create": 0, "update": 0, "unchanged": 5, "rejected": 8}
    assert batch.summary["new_units"] == [] and batch.summary["new_positions"] == 0
    audits = count(AuditLog)
    assert client.post(f"/impor/{second}/konfirmasi").status_code == 302
    assert (count(Employee), count(Unit), count(Position), count(AuditLog)) == (employees, units, positions, audits)
    db.session.expire_all()
    assert dict(db.session.execute(select(Employee.nip, Employee.updated_at)).all()) == stamps
    assert dict(db.session.execute(select(Employee.nip, Employee.version_id)).all()) == versions


def test_csv_with_semicolons_and_bom(client, admin, scenario):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["nip", "NAMA", "gelar_depan", "GELAR_BELAKANG", "tanggal lahir", "Jenis Kelamin", "GOLONGAN",
                     "JABATAN", "UNIT_KERJA", "OPD", "NIP_ATASAN", "Status Pegawai"])
    writer.writerow([A, "Ahmad Fauzi", "Dr.", "M.Si.", "14 Maret 1985", "L", "III / A", "Analis", "Bidang Baru",
                     "Dinas Pendidikan", "", "PNS"])
    writer.writerow(["199203152022211002", "Dewi Lestari", "", "", "15/03/1992", "L", "IX", "Guru", "",
                     "Dinas Pendidikan", A, "PPPK"])
    writer.writerow([B, "Salah Golongan", "", "", "", "P", "IX", "Guru", "", "Dinas Pendidikan", "", "PNS"])
    batch_id = dry_run(client, ("\ufeff" + out.getvalue()).encode("utf-8"), "pegawai.csv")
    batch = db.session.get(ImportBatch, batch_id)
    assert batch.file_format == "csv" and batch.headers[0] == "nip"  # the BOM is not part of the header
    rows = stored_rows(batch_id)
    assert {n: r.outcome for n, r in rows.items()} == {2: "create", 3: "create", 4: "rejected"}
    assert reasons(rows[4]) == ["Golongan %(code)s bukan golongan %(kind)s."]
    assert client.post(f"/impor/{batch_id}/konfirmasi").status_code == 302
    dewi = db.session.scalar(select(Employee).where(Employee.nip == "199203152022211002"))
    assert dewi.kind == "PPPK" and dewi.golongan.code == "IX" and dewi.superior.nip == A
    fauzi = db.session.scalar(select(Employee).where(Employee.nip == A))
    assert (fauzi.gelar_depan, fauzi.nama, fauzi.gelar_belakang) == ("Dr.", "Ahmad Fauzi", "M.Si.")


def test_cp1252_csv_with_commas(client, admin, scenario):
    text = "NIP,Nama,Golongan,Jabatan,OPD\r\n" f"{A},José Ramos,III/a,Analis,Dinas Pendidikan\r\n"
    batch_id = dry_run(client, text.encode("cp1252"), "pegawai.csv")
    row = stored_rows(batch_id)[2]
    assert row.outcome == "create" and row.nama == "José Ramos"


def test_rejected_rows_download(client, admin, scenario):
    batch_id = dry_run(client, make_xlsx(messy_rows()))
    response = client.get(f"/impor/{batch_id}/ditolak.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[0] == [*HEADERS, "ALASAN_DITOLAK"]
    assert [r[1] for r in table[1:]] == ["12345", nip(4), nip(6), B, X, Y, nip(9), "198503142010011000"]
    assert "NIP ganda dengan baris 3" in table[4][-1]
    assert "tidak ditemukan" in table[3][-1]

    response = client.get(f"/impor/{batch_id}/ditolak.csv")
    assert response.data.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][-1] == "ALASAN_DITOLAK" and len(lines) == 9
    assert lines[1][1] == "12345" and "NIP tidak sah" in lines[1][-1]


def test_unreadable_files_are_refused_and_nothing_is_stored(client, admin, app):
    folder = Path(app.config["UPLOAD_FOLDER"]) / "imports"
    before = set(folder.glob("*")) if folder.exists() else set()
    for data, name, message in [
        (b"NIP;Nama\n1;2\n", "pegawai.xlsx", "bukan berkas Excel .xlsx yang sah"),
        (b"PK\x03\x04garbage", "pegawai.xlsx", "rusak"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "lama.xls", "Format Excel lama"),
        (b"", "kosong.csv", "Berkas kosong"),
        (b"\x00\x01\x02binary", "x.csv", "bukan berkas CSV"),
    ]:
        response = upload(client, data, name)
        assert response.status_code == 422, name
        assert message in response.get_data(as_text=True), name
    assert count(ImportBatch) == 0
    assert (set(folder.glob("*")) if folder.exists() else set()) == before


def test_upload_is_stored_under_a_random_name_outside_static(client, admin, app):
    response = upload(client, make_xlsx(messy_rows()), "../../static/evil.xlsx")
    batch = db.session.get(ImportBatch, batch_id_from(response))
    assert batch.filename == "evil.xlsx"
    stored = Path(app.config["UPLOAD_FOLDER"]) / "imports" / batch.stored_name
    assert stored.exists() and re.fullmatch(r"[0-9a-f]{32}\.xlsx", batch.stored_name)
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "import.upload")) == 1


def test_mapping_requires_the_key_columns(client, admin, scenario):
    batch_id = batch_id_from(upload(client, make_xlsx(messy_rows())))
    response = map_columns(client, batch_id, nip="")
    assert response.status_code == 422
    assert "Kolom untuk NIP wajib dipilih." in response.get_data(as_text=True)
    assert count(ImportRow) == 0


def test_preview_changed_since_dry_run_asks_again(client, admin, scenario, make_employee):
    batch_id = dry_run(client, make_xlsx(messy_rows()))
    # Someone adds the missing superior in the meantime: row 7 is no longer rejected.
    make_employee("Atasan Baru", unit=scenario["dinas"], nip=nip(555))
    employees = count(Employee)
    response = client.post(f"/impor/{batch_id}/konfirmasi")
    assert response.status_code == 409
    assert "Data pegawai berubah sejak pratinjau" in response.get_data(as_text=True)
    assert count(Employee) == employees
    batch = db.session.get(ImportBatch, batch_id)
    assert batch.status == "previewed" and batch.summary["create"] == 5 and batch.summary["rejected"] == 7
    assert client.post(f"/impor/{batch_id}/konfirmasi").status_code == 302
    assert count(Employee) == employees + 5


def test_failure_during_commit_rolls_everything_back(client, admin, scenario, monkeypatch):
    from portal.imports import services

    batch_id = dry_run(client, make_xlsx(messy_rows()))
    employees, units, positions = count(Employee), count(Unit), count(Position)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "record", boom)  # fails after every row was written
    response = client.post(f"/impor/{batch_id}/konfirmasi")
    assert response.status_code == 302
    assert (count(Employee), count(Unit), count(Position)) == (employees, units, positions)
    batch = db.session.get(ImportBatch, batch_id)
    assert batch.status == "failed" and "RuntimeError" in batch.error
    assert "Impor gagal disimpan" in client.get(f"/impor/{batch_id}").get_data(as_text=True)
    old = db.session.scalar(select(Employee).where(Employee.nip == OLD))
    assert old.golongan.code == "III/c"


def test_confirm_without_csrf_token_is_refused(client, admin, scenario):
    batch_id = dry_run(client, make_xlsx(messy_rows()))
    response = client.post(f"/impor/{batch_id}/konfirmasi", csrf=False)
    assert response.status_code == 400
    assert db.session.get(ImportBatch, batch_id).status == "previewed"


@pytest.mark.parametrize("role, method, url, expected", [
    ("pegawai", "get", "/impor", 403),
    ("pegawai", "post", "/impor", 403),
    ("pegawai", "get", "/impor/{id}", 403),
    ("pegawai", "get", "/impor/{id}/kolom", 403),
    ("pegawai", "post", "/impor/{id}/konfirmasi", 403),
    ("pegawai", "get", "/impor/{id}/ditolak.csv", 403),
    ("auditor", "get", "/impor", 200),
    ("auditor", "get", "/impor/{id}", 200),
    ("auditor", "get", "/impor/{id}/ditolak.xlsx", 200),
    ("auditor", "post", "/impor", 403),
    ("auditor", "get", "/impor/{id}/kolom", 403),
    ("auditor", "post", "/impor/{id}/kolom", 403),
    ("auditor", "post", "/impor/{id}/konfirmasi", 403),
    (None, "get", "/impor", 302),
])
def test_access_rules(client, login, make_user, scenario, role, method, url, expected):
    admin_client = client.application.test_client()
    login(make_user("admin-x", role="admin"), admin_client)
    batch_id = dry_run(admin_client, make_xlsx(messy_rows()))
    if role:
        login(make_user(role=role))
    employees = count(Employee)
    response = getattr(client, method)(url.format(id=batch_id))
    assert response.status_code == expected
    assert count(Employee) == employees
    if role == "auditor" and url == "/impor/{id}":
        body = response.get_data(as_text=True)
        assert "Konfirmasi dan simpan" not in body and "import-rejected" in body
    if role == "auditor" and url == "/impor":
        assert 'type="file"' not in response.get_data(as_text=True)


def test_upload_form_accepts_xlsx_and_csv(client, admin):
    body = client.get("/impor").get_data(as_text=True)
    assert re.search(r'<input[^>]*accept="\.xlsx,\.csv[^"]*"[^>]*type="file"', body)
    assert '<label for="file">' in body


def test_index_lists_recent_imports_in_constant_queries(client, admin, queries):
    def add(n):
        for i in range(n):
            db.session.add(ImportBatch(created_by_id=admin.id, filename=f"f{i}.xlsx", stored_name=f"x{i}.xlsx",
                                       status="previewed", summary={"create": 1, "update": 0, "unchanged": 0,
                                                                    "rejected": 2}))
        db.session.commit()

    add(3)
    db.session.expire_all()
    with queries() as q3:
        body = client.get("/impor").get_data(as_text=True)
    assert "f2.xlsx" in body
    add(27)
    db.session.expire_all()
    with queries() as q30:
        body = client.get("/impor").get_data(as_text=True)
    assert q30.count == q3.count
    assert "Halaman 1 dari 2" in body


def test_preview_rows_in_constant_queries(client, admin, scenario, queries):
    small = dry_run(client, make_xlsx(messy_rows()[:3]))
    big_rows = [[i, nip(100 + i), f"Pegawai {i}", "", "L", "III/a", "Pelaksana", "Pelaksana", "", "Dinas Pendidikan",
                 ""] for i in range(40)]
    big = dry_run(client, make_xlsx(big_rows))
    db.session.expire_all()
    with queries() as q_small:
        client.get(f"/impor/{small}")
    db.session.expire_all()
    with queries() as q_big:
        body = client.get(f"/impor/{big}").get_data(as_text=True)
    assert q_big.count == q_small.count
    assert body.count('class="import-row') == 40


def test_golongan_reference_is_respected(client, admin, scenario):
    # A golongan the admin switched off is unknown to the import.
    db.session.execute(Golongan.__table__.update().where(Golongan.code == "IV/a").values(active=False))
    db.session.commit()
    batch_id = dry_run(client, make_xlsx(messy_rows()[:1]))
    assert reasons(stored_rows(batch_id)[2]) == ["Golongan \"%(value)s\" tidak dikenal."]


def test_upload_larger_than_the_limit_is_refused(client, admin, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    response = upload(client, make_xlsx(messy_rows()))
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)
    assert count(ImportBatch) == 0


def test_several_updates_in_one_bulk_statement(client, admin, make_unit, make_employee):
    dinas = make_unit("Dinas Kesehatan")
    people = [make_employee(f"Pegawai {i}", unit=dinas, nip=nip(300 + i), golongan="III/a") for i in range(3)]
    rows = [[i, p.nip, p.nama, "", "L", "III/b", "Perawat", "", "", "Dinas Kesehatan", ""]
            for i, p in enumerate(people)]
    batch_id = dry_run(client, make_xlsx(rows))
    assert {r.outcome for r in stored_rows(batch_id).values()} == {"update"}
    assert client.post(f"/impor/{batch_id}/konfirmasi").status_code == 302
    db.session.expire_all()
    for person in people:
        assert person.golongan.code == "III/b" and person.version_id == 2 and person.position.name == "Perawat"


def test_employee_changed_during_commit_rolls_back(client, admin, scenario, monkeypatch):
    from portal.imports import services

    batch_id = dry_run(client, make_xlsx(messy_rows()))
    real_load = services.load_context

    def stale_context(today=None):
        ctx = real_load(today)
        ctx.employees[OLD].version_id -= 1  # as if someone saved the employee after it was read
        return ctx

    monkeypatch.setattr(services, "load_context", stale_context)
    employees = count(Employee)
    client.post(f"/impor/{batch_id}/konfirmasi")
    assert count(Employee) == employees
    batch = db.session.get(ImportBatch, batch_id)
    assert batch.status == "failed" and "diubah orang lain" in batch.error


def test_a_move_in_the_file_is_recorded_in_the_move_history(client, admin, make_unit, make_employee):
    from tests.factories import make_position

    dinas = make_unit("Dinas Kesehatan")
    puskesmas = make_unit("Puskesmas Sukamaju", parent=dinas)
    staff = make_position("Pelaksana", unit=dinas)
    old_boss = make_employee("Kepala Lama", unit=dinas, nip=nip(400), position=make_position("Kepala Dinas",
                                                                                             unit=dinas))
    new_boss = make_employee("Kepala Puskesmas", nip=nip(401), position=make_position("Kepala Puskesmas",
                                                                                      unit=puskesmas))
    mover = make_employee("Pegawai Pindah", nip=nip(402), superior=old_boss, position=staff)
    stayer = make_employee("Pegawai Tetap", nip=nip(403), superior=old_boss, position=staff)
    people = [(old_boss, "Kepala Dinas", "", ""), (new_boss, "Kepala Puskesmas", "Puskesmas Sukamaju", ""),
              (mover, "Perawat", "Puskesmas Sukamaju", new_boss.nip), (stayer, "Pelaksana", "", old_boss.nip)]
    rows = [[i, p.nip, p.nama, "", p.gender, "III/a", jabatan, "", unit, "Dinas Kesehatan", boss]
            for i, (p, jabatan, unit, boss) in enumerate(people)]
    data = make_xlsx(rows)
    batch_id = dry_run(client, data, "mutasi.xlsx")
    outcomes = {r.nip: r.outcome for r in stored_rows(batch_id).values()}
    assert outcomes[mover.nip] == "update" and outcomes[stayer.nip] == "unchanged"
    assert client.post(f"/impor/{batch_id}/konfirmasi").status_code == 302

    moves = db.session.scalars(select(EmployeeMove)).all()
    assert len(moves) == 1
    move = moves[0]
    assert move.employee_id == mover.id and move.effective_on == local_today()
    assert (move.from_unit_id, move.to_unit_id) == (dinas.id, puskesmas.id)
    assert (move.from_superior_id, move.to_superior_id) == (old_boss.id, new_boss.id)
    assert move.from_position_id == staff.id and move.to_position.name == "Perawat"
    assert move.recorded_by_id == admin.id and move.note == "Impor mutasi.xlsx"
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "import.commit"))
    assert audit.changes["moves"] == 1
    page = client.get(f"/pegawai/{mover.id}").get_data(as_text=True)
    assert "Impor mutasi.xlsx" in page and "Puskesmas Sukamaju" in page

    # The same file again moves nobody.
    again = dry_run(client, data, "mutasi.xlsx")
    assert client.post(f"/impor/{again}/konfirmasi").status_code == 302
    assert count(EmployeeMove) == 1


def _with_entity_bomb(data: bytes) -> bytes:
    """The workbook with a 'billion laughs' entity declaration in its first sheet."""
    bomb = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n')
    source, target = io.BytesIO(data), io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = content.decode("utf-8")
                body = body.split("?>", 1)[1] if body.startswith("<?xml") else body
                content = (bomb + body.replace("<sheetData>", "<sheetData>&c;", 1)).encode("utf-8")
            zout.writestr(info, content)
    return target.getvalue()


def test_a_workbook_declaring_xml_entities_is_refused(client, admin, scenario):
    data = _with_entity_bomb(make_xlsx(messy_rows()))
    employees = count(Employee)
    response = upload(client, data)
    if response.status_code == 302:  # the sheet is read at the dry run, after the mapping
        response = map_columns(client, batch_id_from(response))
    assert response.status_code == 422
    assert "Excel" in response.get_data(as_text=True)
    assert count(Employee) == employees
