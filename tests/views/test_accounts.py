"""Admin BKPSDM account management: list, search, role, status, reset, bulk issue with slips and CSV."""

import csv
import io

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.core.audit import AuditLog
from portal.extensions import db
from portal.org.rules import format_nip, normalize_nip
from tests.factories import TEST_PASSWORD


@pytest.fixture
def admin(make_user, login):
    user = make_user("admin", role="admin")
    login(user)
    return user


def audit_rows(action):
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


@pytest.mark.parametrize("method, url", [
    ("get", "/admin/akun"),
    ("get", "/admin/akun/terbitkan"),
    ("post", "/admin/akun/terbitkan"),
    ("post", "/admin/akun/{id}/peran"),
    ("post", "/admin/akun/{id}/nonaktifkan"),
    ("post", "/admin/akun/{id}/atur-ulang-sandi"),
])
def test_pegawai_gets_403(client, login, make_user, method, url):
    user = make_user("pegawai1")
    login(user)
    response = getattr(client, method)(url.format(id=user.id))
    assert response.status_code == 403


def test_auditor_reads_but_cannot_change(client, login, make_user, make_employee):
    auditor = make_user("auditor", role="auditor")
    target = make_user("budi", employee=make_employee("Budi Santoso"))
    login(auditor)
    listing = client.get("/admin/akun")
    assert listing.status_code == 200
    body = listing.get_data(as_text=True)
    assert "Budi Santoso" in body
    assert "Terbitkan akun pegawai" not in body
    detail = client.get(f"/admin/akun/{target.id}").get_data(as_text=True)
    assert "Atur ulang kata sandi" not in detail and "Simpan peran" not in detail
    for url in (f"/admin/akun/{target.id}/peran", f"/admin/akun/{target.id}/nonaktifkan",
                f"/admin/akun/{target.id}/atur-ulang-sandi", "/admin/akun/terbitkan"):
        assert client.post(url, data={"role": "admin", "scope": "all"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(User, target.id).role == "pegawai"


def test_list_search_and_filters(client, admin, make_employee, make_user):
    budi = make_employee("Budi Santoso")
    make_user("budi", employee=budi)
    make_employee("Ani Lestari")
    make_employee("Lama", active=False)
    body = client.get("/admin/akun").get_data(as_text=True)
    assert "Budi Santoso" in body and "Ani Lestari" in body and "Lama" not in body
    assert 'hx-trigger="input changed delay:300ms, search"' in body
    assert 'hx-get="/admin/akun"' in body

    fragment = client.get("/admin/akun?q=santoso", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith('<section id="accounts-results"')
    assert "Budi Santoso" in text and "Ani Lestari" not in text

    spaced_nip = f"{budi.nip[:8]} {budi.nip[8:14]}"
    assert "Budi Santoso" in client.get(f"/admin/akun?q={spaced_nip}").get_data(as_text=True)

    no_account = client.get("/admin/akun?akun=belum").get_data(as_text=True)
    assert "Ani Lestari" in no_account and "Budi Santoso" not in no_account
    with_account = client.get("/admin/akun?akun=ada").get_data(as_text=True)
    assert "Budi Santoso" in with_account and "Ani Lestari" not in with_account
    admins = client.get("/admin/akun?role=admin").get_data(as_text=True)
    assert ">admin<" in admins and "Budi Santoso" not in admins


def test_list_query_count_is_flat(client, admin, make_employee, make_user, queries):
    def count():
        with queries() as q:
            assert client.get("/admin/akun").status_code == 200
        return q.count

    for i in range(3):
        make_user(f"u{i}", employee=make_employee())
    few = count()
    for i in range(3, 30):
        make_user(f"u{i}", employee=make_employee())
    assert count() == few


def test_change_role_and_disable_are_audited(client, admin, make_user, make_employee):
    target = make_user("budi", employee=make_employee())
    response = client.post(f"/admin/akun/{target.id}/peran", data={"role": "auditor"})
    assert response.status_code == 302
    response = client.post(f"/admin/akun/{target.id}/nonaktifkan")
    assert response.status_code == 302
    db.session.expire_all()
    fresh = db.session.get(User, target.id)
    assert fresh.role == "auditor" and not fresh.is_enabled
    assert audit_rows("user.role")[0].changes == {"role": ["pegawai", "auditor"]}
    assert len(audit_rows("user.disable")) == 1
    assert client.post(f"/admin/akun/{target.id}/aktifkan").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, target.id).is_enabled


def test_admin_cannot_demote_or_disable_self(client, admin):
    assert client.post(f"/admin/akun/{admin.id}/peran", data={"role": "pegawai"}).status_code == 422
    assert client.post(f"/admin/akun/{admin.id}/nonaktifkan").status_code == 422
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == "admin"


def test_reset_password_shows_it_once(client, admin, make_user):
    target = make_user("budi")
    response = client.post(f"/admin/akun/{target.id}/atur-ulang-sandi")
    assert response.headers["Location"] == f"/admin/akun/{target.id}/kata-sandi-awal"
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    fresh = db.session.get(User, target.id)
    password = body.split('class="slip-password">')[1].split("<")[0]
    assert fresh.check_password(password)
    assert fresh.must_change_password and fresh.session_version == 2
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert password not in again
    entry = audit_rows("user.reset_password")[0]
    assert password not in (entry.summary + str(entry.changes))


def test_bulk_issue_for_a_unit_and_csv_passwords_work(app, client, admin, make_unit, make_employee, make_user):
    dinas = make_unit("Dinas Pendidikan")
    sekolah = make_unit("SD Negeri 1", parent=dinas, kind="sekolah")
    other = make_unit("Dinas Kesehatan")
    a = make_employee("Ani", unit=dinas)
    b = make_employee("Budi", unit=sekolah)
    has = make_employee("Citra", unit=dinas)
    make_user("citra", employee=has)
    make_employee("Dedi", unit=sekolah, active=False)
    outside = make_employee("Eko", unit=other)

    form = client.get("/admin/akun/terbitkan").get_data(as_text=True)
    # Tree order: each OPD followed by its sub-units.
    assert form.index("Dinas Kesehatan") < form.index("Dinas Pendidikan") < form.index("— SD Negeri 1")
    response = client.post("/admin/akun/terbitkan", data={"scope": str(dinas.id)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/akun/terbitkan/slip"

    usernames = set(db.session.scalars(select(User.username)))
    assert usernames == {"admin", "citra", a.nip, b.nip}
    assert outside.nip not in usernames
    new_users = db.session.scalars(select(User).where(User.username.in_([a.nip, b.nip]))).all()
    assert all(u.must_change_password and u.role == "pegawai" for u in new_users)
    entry = audit_rows("user.bulk_issue")[0]
    assert entry.changes["jumlah"] == [None, 2]

    slips = client.get("/admin/akun/terbitkan/slip").get_data(as_text=True)
    assert slips.count('class="slip"') == 2 and "Ani" in slips and "SD Negeri 1" in slips

    download = client.get("/admin/akun/terbitkan/slip.csv")
    assert download.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert {r["NIP"] for r in rows} == {format_nip(a.nip), format_nip(b.nip)}  # spaced: spreadsheets keep it
    passwords = {normalize_nip(r["Nama pengguna"]): r["Kata sandi awal"] for r in rows}
    for password in passwords.values():
        assert password not in (entry.summary + str(entry.changes))

    # The initial password works for sign-in (and leads to the change-password page).
    employee_client = app.test_client()
    typed = next(r["Nama pengguna"] for r in rows if normalize_nip(r["Nama pengguna"]) == b.nip)
    result = employee_client.post("/masuk", data={"identifier": typed, "password": passwords[b.nip]})
    assert result.status_code == 302 and result.headers["Location"] == "/akun/kata-sandi"

    # Clearing removes the server-side copy.
    assert client.post("/admin/akun/terbitkan/hapus").status_code == 302
    assert client.get("/admin/akun/terbitkan/slip.csv").status_code == 302
    assert passwords[a.nip] not in client.get("/admin/akun/terbitkan/slip").get_data(as_text=True)


def test_bulk_issue_all_and_nothing_left(client, admin, make_employee):
    make_employee("Ani")
    make_employee("Budi")
    assert client.post("/admin/akun/terbitkan", data={"scope": "all"}).status_code == 302
    assert db.session.scalar(select(func.count(User.id))) == 3
    again = client.post("/admin/akun/terbitkan", data={"scope": "all"})
    assert again.status_code == 422
    assert "Tidak ada pegawai tanpa akun" in again.get_data(as_text=True)


def test_bulk_issue_is_capped(app, client, admin, make_employee, monkeypatch):
    monkeypatch.setitem(app.config, "BULK_ISSUE_MAX", 2)
    for name in ("Ani", "Budi", "Citra", "Dedi"):
        make_employee(name)
    response = client.post("/admin/akun/terbitkan", data={"scope": "all"})
    assert response.status_code == 422
    assert "paling banyak 2 akun (dipilih 4)" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_bulk_issue_csrf_required(client, admin, make_employee):
    make_employee("Ani")
    assert client.post("/admin/akun/terbitkan", data={"scope": "all"}, csrf=False).status_code == 400


def test_issue_one_account_from_the_list(client, admin, make_employee):
    ani = make_employee("Ani")
    body = client.get("/admin/akun").get_data(as_text=True)
    assert f'action="/admin/akun/pegawai/{ani.id}/terbitkan"' in body
    response = client.post(f"/admin/akun/pegawai/{ani.id}/terbitkan")
    assert response.headers["Location"] == "/admin/akun/terbitkan/slip"
    user = db.session.scalar(select(User).where(User.employee_id == ani.id))
    assert user.username == ani.nip and user.must_change_password
    slip = client.get("/admin/akun/terbitkan/slip").get_data(as_text=True)
    assert user.check_password(slip.split('class="slip-password">')[1].split("<")[0])
    again = client.post(f"/admin/akun/pegawai/{ani.id}/terbitkan")
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(User.id)).where(User.employee_id == ani.id)) == 1


def test_auditor_list_has_no_action_buttons(client, login, make_user, make_employee):
    make_employee("Ani")
    login(make_user("auditor", role="auditor"))
    body = client.get("/admin/akun").get_data(as_text=True)
    assert "Ani" in body and "Buat akun" not in body and "/terbitkan" not in body


def test_csv_cells_cannot_start_a_formula():
    from portal.auth.services import IssuedAccount, issued_csv

    text = issued_csv([IssuedAccount(1, "=HYPERLINK(\"x\")", "198609262015051001", "@unit", "u", "p")])
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[0].startswith("'=") and row[2] == "'@unit" and row[1] == "19860926 201505 1 001"


def test_issued_password_store(tmp_path):
    import datetime as dt
    import os
    import stat

    from portal.auth.services import IssuedAccount, IssuedPasswordStore

    store = IssuedPasswordStore(tmp_path, ttl=dt.timedelta(minutes=5))
    token = store.save([IssuedAccount(1, "Ani", "198609262015051001", "Dinas", "ani", "rahasia-awal")], "Dinas")
    path = tmp_path / f"{token}.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert store.load(token)[1][0].password == "rahasia-awal"
    assert store.load("../" + token) is None and store.load("") is None
    old = path.stat().st_mtime - 600
    os.utime(path, (old, old))
    assert store.load(token) is None and not path.exists()  # expired and removed


def test_admin_signs_an_account_out_everywhere(app, client, admin, make_user):
    target = make_user("budi")
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        device.post("/masuk", data={"identifier": "budi", "password": TEST_PASSWORD})
        assert device.get("/").status_code == 200
    saved = phone.get_cookie("session").value
    page = client.get(f"/admin/akun/{target.id}").get_data(as_text=True)
    assert f'action="/admin/akun/{target.id}/keluarkan"' in page

    assert client.post(f"/admin/akun/{target.id}/keluarkan", csrf=False).status_code == 400
    assert phone.get("/").status_code == 200
    response = client.post(f"/admin/akun/{target.id}/keluarkan")
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/akun/{target.id}"
    thief = app.test_client()
    thief.set_cookie("session", saved)
    for device in (phone, laptop, thief):
        response = device.get("/")
        assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")
    assert client.get("/admin/akun").status_code == 200  # the admin's own session is untouched
    db.session.expire_all()
    assert db.session.get(User, target.id).session_version == 2
    (entry,) = audit_rows("user.sign_out_everywhere")
    assert entry.actor_id == admin.id and entry.object_id == str(target.id)


def test_only_admins_sign_accounts_out(client, login, make_user):
    target = make_user("budi")
    for role in ("pegawai", "auditor"):
        login(make_user(f"{role}1", role=role))
        assert client.post(f"/admin/akun/{target.id}/keluarkan").status_code == 403
        assert "keluarkan" not in client.get(f"/admin/akun/{target.id}").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, target.id).session_version == 1
