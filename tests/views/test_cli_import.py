"""flask import-staff: the same import as the web screens, for a real installation's first load."""

from sqlalchemy import func, select

from portal.extensions import db
from portal.org.models import Employee
from tests.data.import_samples import existing_org, make_xlsx, messy_rows


def _employees() -> int:
    return db.session.scalar(select(func.count(Employee.id)))


def test_import_staff_dry_run_then_confirm(app, tmp_path):
    existing_org()
    path = tmp_path / "pegawai.xlsx"
    path.write_bytes(make_xlsx(messy_rows()))
    before = _employees()
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["import-staff", str(path), "--rejected", str(tmp_path / "ditolak.csv")])
    assert dry.exit_code == 0, dry.output
    assert "Dry run only" in dry.output
    assert _employees() == before
    rejected = (tmp_path / "ditolak.csv").read_text(encoding="utf-8-sig")
    assert "ALASAN_DITOLAK" in rejected and "NIP Pendek" in rejected and "Budi Santoso" not in rejected

    done = runner.invoke(args=["import-staff", str(path), "--confirm"])
    assert done.exit_code == 0, done.output
    db.session.expire_all()
    assert _employees() > before
    assert db.session.scalar(select(Employee).where(Employee.nama == "Budi Santoso")) is not None
    assert db.session.scalar(select(Employee).where(Employee.nama == "NIP Pendek")) is None


def test_import_staff_refuses_unreadable_file(app, tmp_path):
    path = tmp_path / "bukan.xlsx"
    path.write_bytes(b"this is not a spreadsheet")
    result = app.test_cli_runner().invoke(args=["import-staff", str(path)])
    assert result.exit_code != 0


def test_import_staff_full_export_counts_the_people_it_leaves_out_and_deactivates_nobody(app, tmp_path):
    org = existing_org()
    path = tmp_path / "lengkap.xlsx"
    path.write_bytes(make_xlsx(messy_rows()[:3]))  # neither the Kepala Dinas nor "Lama Sekali"
    result = app.test_cli_runner().invoke(args=["import-staff", str(path), "--full-export", "--confirm"])
    assert result.exit_code == 0, result.output
    assert "missing=2" in result.output
    db.session.expire_all()
    assert org["kadis"].active and org["old"].active  # deactivating needs the admin's choice on the web page
