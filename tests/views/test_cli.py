"""Command-line tools: flask demo / demo-logins / seed-scale / create-admin / backup."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.core.audit import AuditLog
from portal.demo import DEMO_LOGINS
from portal.demo_cycle import DEMO_STAFF_PASSWORD
from portal.extensions import db
from portal.org.models import ActingAssignment, Employee, Position, Unit
from portal.org.rules import parse_nip


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def _run(*args: str):
        result = runner.invoke(args=list(args))
        db.session.rollback()  # see what the command committed, not a stale snapshot
        return result

    return _run


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def assert_valid_nips(employees) -> None:
    for employee in employees:
        info = parse_nip(employee.nip, employee.kind)
        assert info.gender == employee.gender, employee.nip
        if employee.birth_date:
            assert info.birth_date == employee.birth_date


def assert_consistent_paths() -> None:
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    for unit in units.values():
        if unit.parent_id is None:
            assert unit.path == f"/{unit.id}/" and unit.depth == 0, unit
        else:
            parent = units[unit.parent_id]
            assert unit.path == f"{parent.path}{unit.id}/", unit
            assert unit.depth == parent.depth + 1, unit


def test_the_demo_command(run, app):
    """One `flask demo` (it takes seconds), then every check of the loaded regency on it; seed-scale last, as it
    adds to the demo."""
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "employees" in result.output
    check_demo_loads_a_consistent_regency()
    check_demo_logins_work_and_have_their_roles()
    check_demo_accounts_sign_in_through_the_login_form(app)
    check_demo_refuses_a_non_empty_database(run)
    check_seed_scale_adds_employees_next_to_the_demo(run)


def check_demo_loads_a_consistent_regency():
    employees = list(db.session.scalars(select(Employee)))
    assert 130 <= len(employees) <= 180
    assert_valid_nips(employees)
    assert len({e.nip for e in employees}) == len(employees)
    assert_consistent_paths()
    assert {e.kind for e in employees} == {"PNS", "PPPK"}
    assert {e.gender for e in employees} == {"L", "P"}
    assert 1 <= sum(not e.active for e in employees) <= 5
    pppk_golongan = {e.golongan.code for e in employees if e.kind == "PPPK"}
    assert pppk_golongan <= {"V", "VII", "IX"} and "IX" in pppk_golongan
    assert all(e.golongan is not None and "/" in e.golongan.code for e in employees if e.kind == "PNS")
    assert any(e.gelar_depan for e in employees) and any(e.gelar_belakang for e in employees)
    # Search text is maintained by the ORM event: the full name with titles and the NIP.
    sample = employees[0]
    assert sample.search_text == f"{sample.full_name} {sample.nip}".lower()

    kinds = set(db.session.scalars(select(Unit.kind)))
    assert {"opd", "bidang", "seksi", "sekolah", "puskesmas"} <= kinds
    names = set(db.session.scalars(select(Unit.name)))
    assert {"Dinas Pendidikan", "Dinas Kesehatan", "Puskesmas Kota", "Puskesmas Sukamaju", "SD Negeri 1 Contoh",
            "SMP Negeri 1 Contoh", "Dinas Perhubungan"} <= names

    # A delegated assessor (the school principal, a JF) and a Plt for a vacant head position.
    delegated = [e for e in employees if e.assessor_id is not None]
    assert delegated
    principal = delegated[0].delegated_assessor
    assert principal.position.position_type.category == "Fungsional"
    assert principal.unit.kind == "sekolah"
    plt = db.session.scalars(select(ActingAssignment)).one()
    assert plt.kind == "Plt" and plt.position.is_head
    assert db.session.scalar(select(func.count(Employee.id)).where(Employee.position_id == plt.position_id)) == 0

    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "demo.load")) == 1


def check_demo_logins_work_and_have_their_roles():
    users = {u.username: u for u in db.session.scalars(select(User))}
    named = {username for _label, username, _password in DEMO_LOGINS}
    assert named <= set(users)
    # Every other active employee signs in with their NIP and the shared demo staff password.
    staff_accounts = [u for name, u in users.items() if name not in named]
    active = db.session.scalar(select(func.count(Employee.id)).where(Employee.active.is_(True)))
    assert len(staff_accounts) == active - sum(1 for u in users.values() if u.username in named and u.employee)
    assert all(u.username == u.employee.nip and u.employee.active for u in staff_accounts)
    assert staff_accounts[0].check_password(DEMO_STAFF_PASSWORD)
    for _label, username, password in DEMO_LOGINS:
        user = users[username]
        assert user.check_password(password), username
        assert not user.check_password(password + "x")
        assert user.must_change_password is False and user.is_active

    assert users["admin"].role == "admin"
    assert users["admin"].employee.unit.opd_id == db.session.scalar(
        select(Unit.id).where(Unit.code == "BKPSDM"))
    assert users["auditor"].role == "auditor"

    head = users["kadis.pendidikan"].employee
    assert head.position.is_head and head.unit.name == "Dinas Pendidikan" and head.unit.depth == 0
    assert head.position.eselon == "II.b" and head.position.position_type.code == "JPT_PRATAMA"

    assessor = users["kabid.dikdas"].employee
    assert assessor.position.is_head and assessor.position.position_type.code == "ADMINISTRATOR"
    assert assessor.superior_id == head.id
    reports = [e for e in assessor.subordinates if e.active]
    assert len(reports) >= 3

    staff = users["pegawai"].employee
    assert staff.position.position_type.code == "PELAKSANA"
    assert staff.superior_id == assessor.id or staff.superior.superior_id == assessor.id
    assert users["pegawai"].role == "pegawai"


def check_demo_accounts_sign_in_through_the_login_form(app):
    for _label, username, password in DEMO_LOGINS:
        client = app.test_client()
        response = client.post("/masuk", data={"identifier": username, "password": password})
        assert response.status_code == 302, username
        assert "/akun/kata-sandi" not in response.headers["Location"]  # no forced change for demo users
        assert client.get("/").status_code == 200


def test_demo_logins_command_prints_the_table(run):
    result = run("demo-logins")
    assert result.exit_code == 0
    assert "| Role | Login | Password |" in result.output
    for _label, username, password in DEMO_LOGINS:
        assert f"| {username} | {password} |" in result.output


def check_demo_refuses_a_non_empty_database(run):
    users, employees, units = count(User), count(Employee), count(Unit)

    again = run("demo", "--if-empty")
    assert again.exit_code == 0 and "not loaded" in again.output
    refused = run("demo")
    assert refused.exit_code != 0 and "already holds" in refused.output
    assert (count(User), count(Employee), count(Unit)) == (users, employees, units)
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "demo.load")) == 1


def test_the_demo_regency_is_deterministic():
    """Same seed, same regency: the structure loaded twice (the performance year on top is tested above)."""
    from portal.demo import load_demo
    from portal.org.reference import seed_reference_data
    from tests.conftest import _wipe_tables

    load_demo()
    db.session.commit()
    first = sorted(db.session.scalars(select(Employee.nip)))
    _wipe_tables()
    seed_reference_data()
    db.session.commit()
    load_demo()
    db.session.commit()
    assert sorted(db.session.scalars(select(Employee.nip))) == first


def check_seed_scale_adds_employees_next_to_the_demo(run):
    before = count(Employee)
    result = run("seed-scale", "--employees", "500", "--opd", "5")
    assert result.exit_code == 0, result.output
    employees = list(db.session.scalars(select(Employee)))
    assert len(employees) == before + 500
    assert len({e.nip for e in employees}) == len(employees)
    assert_valid_nips(employees)
    assert_consistent_paths()
    for employee in employees[before:before + 50]:
        assert employee.search_text == f"{employee.full_name} {employee.nip}".lower()
    # A realistic hierarchy: every new employee but the OPD heads reports to someone in the same OPD.
    new = [e for e in employees if e.unit.code is None]
    assert len(new) == 500
    heads = [e for e in new if e.superior_id is None]
    assert len(heads) == 5 and all(e.position.is_head and e.unit.depth == 0 for e in heads)
    for employee in new:
        if employee.superior is not None:
            assert employee.unit.path.startswith(employee.superior.unit.path)


def test_seed_scale_on_an_empty_database(run):
    result = run("seed-scale", "--employees", "200")
    assert result.exit_code == 0, result.output
    assert count(Employee) == 200
    assert count(Position) > 0
    assert_consistent_paths()


def test_create_admin(run):
    result = run("create-admin", "--username", "Kepala.IT", "--password", "panjang-sekali-2026")
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User).where(User.username == "kepala.it")).one()
    assert user.role == "admin" and user.check_password("panjang-sekali-2026")
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "user.create")) == 1

    duplicate = run("create-admin", "--username", "kepala.it", "--password", "lain-lagi-2026-x")
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    short = run("create-admin", "--username", "baru", "--password", "pendek")
    assert short.exit_code != 0 and "10 characters" in short.output
    assert count(User) == 1


def test_backup(run, tmp_path, make_employee):
    for _ in range(3):
        make_employee()
    target = tmp_path / "copy" / "backup.db"
    result = run("backup", str(target))
    if db.engine.dialect.name != "sqlite":
        assert result.exit_code != 0 and "pg_dump" in result.output
        assert not target.exists()
        return
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM employee").fetchone()[0] == 3


def test_backup_refuses_to_overwrite_the_live_database(run):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    result = run("backup", db.engine.url.database)
    assert result.exit_code != 0 and "must not overwrite" in result.output
