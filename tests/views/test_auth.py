"""Sign-in, throttling, sign-out, must-change-password and session invalidation."""

import datetime as dt
import re

import pytest
from sqlalchemy import func, select, update

from portal.auth import services
from portal.auth.models import LoginAttempt, User
from portal.core.audit import AuditLog
from portal.extensions import db
from portal.org.rules import format_nip
from tests.factories import TEST_PASSWORD

GENERIC = "NIP/nama pengguna atau kata sandi salah."


def sign_in(client, identifier, password=TEST_PASSWORD, **kwargs):
    return client.post("/masuk", data={"identifier": identifier, "password": password}, **kwargs)


def signed_in_user_id(client):
    with client.session_transaction() as session:
        return session.get("_user_id")


def audit_actions():
    return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_login_page_has_the_labelled_form(client):
    body = client.get("/masuk").get_data(as_text=True)
    assert '<label for="identifier">NIP atau nama pengguna' in body
    assert '<label for="password">Kata sandi' in body
    assert ">Masuk</button>" in body
    assert 'name="csrf_token"' in body


@pytest.mark.parametrize("spaced", [True, False])
def test_login_by_nip_with_or_without_spaces(client, make_employee, make_user, spaced):
    employee = make_employee("Siti Aminah")
    user = make_user("siti", employee=employee)
    typed = format_nip(employee.nip) if spaced else employee.nip
    assert " " in typed if spaced else " " not in typed
    response = sign_in(client, typed)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in_user_id(client) == f"{user.id}:1"
    db.session.expire_all()
    assert db.session.get(User, user.id).last_login_at is not None
    assert "auth.login" in audit_actions()


def test_login_by_username_is_case_insensitive(client, make_user):
    user = make_user("budi")
    response = sign_in(client, "  BuDi ")
    assert response.status_code == 302
    assert signed_in_user_id(client) == user.get_id()


def test_wrong_password_and_unknown_account_get_the_same_generic_message(client, make_user):
    make_user("budi")
    wrong = sign_in(client, "budi", "salah-sekali-123")
    unknown = sign_in(client, "tidakada", "salah-sekali-123")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert GENERIC in response.get_data(as_text=True)
    assert signed_in_user_id(client) is None
    attempts = db.session.scalars(select(LoginAttempt).order_by(LoginAttempt.id)).all()
    assert [(a.username, a.success) for a in attempts] == [("budi", False), ("tidakada", False)]
    assert "auth.login" not in audit_actions()


def test_login_without_csrf_is_refused(client, make_user):
    make_user("budi")
    response = sign_in(client, "budi", csrf=False)
    assert response.status_code == 400
    assert signed_in_user_id(client) is None


def test_disabled_account_and_inactive_employee_cannot_sign_in(client, make_user, make_employee):
    disabled = make_user("mati")
    disabled.is_enabled = False
    employee = make_employee(active=False)
    make_user("pensiun", employee=employee)
    db.session.commit()
    for name in ("mati", "pensiun"):
        response = sign_in(client, name)
        assert response.status_code == 200
        assert signed_in_user_id(client) is None


@pytest.mark.parametrize("target, expected", [
    ("/admin/akun", "/admin/akun"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example/", "/"),
])
def test_next_is_honoured_only_for_local_paths(client, make_user, target, expected):
    make_user("budi")
    client.get(f"/masuk?next={target}")
    response = client.post("/masuk", data={"identifier": "budi", "password": TEST_PASSWORD, "next": target})
    assert response.headers["Location"] == expected


def test_logout_is_a_post(client, make_user, login):
    login(make_user())
    assert client.get("/keluar").status_code == 405
    response = client.post("/keluar")
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    assert client.get("/").status_code == 302


# --- throttling


def test_account_throttled_after_max_failures_then_allowed_after_the_window(app, client, make_user, monkeypatch):
    make_user("budi")
    limit = app.config["LOGIN_MAX_FAILURES_ACCOUNT"]
    for _ in range(limit):
        assert sign_in(client, "budi", "salah-sekali-123").status_code == 200

    checked = []
    real_verify = services.verify_password
    monkeypatch.setattr(services, "verify_password", lambda u, p: checked.append(u) or real_verify(u, p))
    response = sign_in(client, "budi")  # the right password
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert "coba lagi dalam 15 menit" in body
    assert int(response.headers["Retry-After"]) > 0
    assert checked == []  # the slow hash was not run
    assert signed_in_user_id(client) is None
    # The NIP/username typed differently counts against the same account.
    assert sign_in(client, "BUDI").status_code == 429
    assert audit_actions().count("auth.lockout") == 1

    # The window passes (move the attempts back instead of sleeping).
    db.session.execute(update(LoginAttempt).values(at=LoginAttempt.at - dt.timedelta(minutes=16)))
    db.session.commit()
    response = sign_in(client, "budi")
    assert response.status_code == 302
    assert checked  # now the password was checked


def test_throttle_per_account_spans_addresses(client, app, make_user):
    make_user("budi")
    for i in range(app.config["LOGIN_MAX_FAILURES_ACCOUNT"]):
        sign_in(client, "budi", "salah-sekali-123", environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"})
    assert sign_in(client, "budi", environ_base={"REMOTE_ADDR": "10.0.1.1"}).status_code == 429


LOCKED = "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, coba lagi dalam 15 menit."


def test_failures_count_per_account_whatever_identifier_was_typed(client, make_employee, make_user):
    """3 failures by username and 2 by NIP (with spaces) are 5 failures of one account: it is locked."""
    employee = make_employee("Kepala Dinas Pendidikan")
    user = make_user("kadis.pendidikan", employee=employee)
    for _ in range(3):
        assert sign_in(client, "kadis.pendidikan", "salah-sekali-123").status_code == 200
    for _ in range(2):
        assert sign_in(client, format_nip(employee.nip), "salah-sekali-123").status_code == 200
    for typed in (employee.nip, format_nip(employee.nip), "KADIS.PENDIDIKAN"):
        response = sign_in(client, typed)  # the right password
        assert response.status_code == 429
        assert LOCKED in response.get_data(as_text=True)
    assert signed_in_user_id(client) is None
    lockouts = db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.lockout")).all()
    assert [(e.object_type, e.object_id) for e in lockouts] == [("user_account", str(user.id))]
    attempts = db.session.scalars(select(LoginAttempt).order_by(LoginAttempt.id)).all()
    assert {a.user_id for a in attempts} == {user.id}


def test_lock_message_is_the_same_for_an_unknown_login(client, app, make_user):
    make_user("budi")
    limit = app.config["LOGIN_MAX_FAILURES_ACCOUNT"]
    responses = {}
    for name in ("budi", "tidakada"):
        for _ in range(limit):
            assert sign_in(client, name, "salah-sekali-123").status_code == 200
        responses[name] = sign_in(client, name, "salah-sekali-123")
    known, unknown = responses["budi"], responses["tidakada"]
    assert known.status_code == unknown.status_code == 429
    assert 0 < int(known.headers["Retry-After"]) <= 900 and 0 < int(unknown.headers["Retry-After"]) <= 900

    def page(response):  # the form's CSRF token is fresh on every page
        return re.sub(r"[\w-]+\.[\w-]+\.[\w-]+", "TOKEN", response.get_data(as_text=True))

    assert LOCKED in page(known)
    assert page(known) == page(unknown).replace("tidakada", "budi")


def test_unknown_logins_are_counted_per_identifier(client, app):
    limit = app.config["LOGIN_MAX_FAILURES_ACCOUNT"]
    for n in range(limit):
        assert sign_in(client, f"tidakada{n % 2}", "salah-sekali-123").status_code == 200
    for _ in range(limit - 3):  # tidakada0 reaches the limit, tidakada1 has 2 failures
        assert sign_in(client, "tidakada0", "salah-sekali-123").status_code == 200
    assert sign_in(client, "tidakada0", "salah-sekali-123").status_code == 429
    assert sign_in(client, "tidakada1", "salah-sekali-123").status_code == 200


def test_a_typo_by_nip_is_forgiven_by_a_success_by_username(client, app, make_employee, make_user):
    employee = make_employee()
    make_user("budi", employee=employee)
    limit = app.config["LOGIN_MAX_FAILURES_ACCOUNT"]
    for _ in range(limit - 1):
        sign_in(client, employee.nip, "salah-ketik-123")
    assert sign_in(client, "budi").status_code == 302
    client.post("/keluar")
    for _ in range(limit - 1):
        assert sign_in(client, format_nip(employee.nip), "salah-ketik-123").status_code == 200
    assert sign_in(client, "budi").status_code == 302


def test_throttle_per_address(client, make_user, monkeypatch, app):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_ADDRESS", 3)
    make_user("budi")
    attacker = {"REMOTE_ADDR": "10.9.9.9"}
    for name in ("ani", "tono", "rudi"):
        assert sign_in(client, name, "salah-sekali-123", environ_base=attacker).status_code == 200
    response = sign_in(client, "budi", environ_base=attacker)
    assert response.status_code == 429
    assert "coba lagi dalam" in response.get_data(as_text=True)
    # Another address is not affected.
    assert sign_in(client, "budi", environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 302


def test_success_does_not_erase_failures_from_other_addresses(client, app, make_user):
    make_user("budi")
    limit = app.config["LOGIN_MAX_FAILURES_ACCOUNT"]
    attacker = {"REMOTE_ADDR": "10.6.6.6"}
    for _ in range(limit - 1):
        sign_in(client, "budi", "salah-sekali-123", environ_base=attacker)
    office = app.test_client()
    assert sign_in(office, "budi", environ_base={"REMOTE_ADDR": "10.2.2.2"}).status_code == 302
    # The attacker's earlier failures still count: one more locks the account.
    assert sign_in(client, "budi", "salah-sekali-123", environ_base=attacker).status_code == 200
    assert sign_in(client, "budi", environ_base=attacker).status_code == 429


def test_typos_followed_by_success_from_the_same_address_do_not_count(client, app, make_user):
    make_user("budi")
    limit = app.config["LOGIN_MAX_FAILURES_ACCOUNT"]
    office = {"REMOTE_ADDR": "10.2.2.2"}
    for _ in range(limit - 1):
        sign_in(client, "budi", "salah-ketik-123", environ_base=office)
    assert sign_in(client, "budi", environ_base=office).status_code == 302
    client.post("/keluar")
    for _ in range(limit - 1):
        assert sign_in(client, "budi", "salah-ketik-123", environ_base=office).status_code == 200
    assert sign_in(client, "budi", environ_base=office).status_code == 302


def test_prune_deletes_attempts_older_than_a_day():
    now = dt.datetime(2027, 1, 31, 8, 0)
    db.session.add_all([
        LoginAttempt(at=now - dt.timedelta(days=2), username="a", address="x"),
        LoginAttempt(at=now - dt.timedelta(hours=23), username="b", address="x"),
    ])
    db.session.commit()
    assert services.prune_login_attempts(now) == 1
    assert db.session.scalars(select(LoginAttempt.username)).all() == ["b"]


# --- must change password, session version


def test_must_change_password_redirects_everything_but_the_change_page(client, make_user, login):
    login(make_user("baru", must_change_password=True))
    for url in ("/", "/admin/akun", "/pegawai"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"] == "/akun/kata-sandi"
    assert client.get("/akun/kata-sandi").status_code == 200
    assert client.get("/static/css/app.css").status_code == 200
    assert client.post("/bahasa", data={"lang": "en"}).status_code == 302
    htmx = client.get("/", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/akun/kata-sandi"


def test_sign_in_with_must_change_goes_to_change_page(client, make_user):
    make_user("baru", must_change_password=True)
    response = sign_in(client, "baru")
    assert response.headers["Location"] == "/akun/kata-sandi"


@pytest.mark.parametrize("new, message", [
    ("pendek", "minimal 10 karakter"),
    ("1234567890123", "hanya berisi angka"),
    ("baru-pegawai", "sama dengan nama pengguna"),
    (TEST_PASSWORD, "berbeda dari kata sandi sekarang"),
])
def test_change_password_rules(client, make_user, login, new, message):
    user = make_user("baru-pegawai", must_change_password=True)
    login(user)
    response = client.post("/akun/kata-sandi",
                           data={"current_password": TEST_PASSWORD, "new_password": new, "confirm": new})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).must_change_password


def test_change_password_wrong_current(client, make_user, login):
    login(make_user("budi"))
    response = client.post("/akun/kata-sandi", data={"current_password": "bukan-ini-123",
                                                      "new_password": "kata-sandi-baru", "confirm": "kata-sandi-baru"})
    assert response.status_code == 422
    assert "Kata sandi sekarang salah." in response.get_data(as_text=True)


def test_change_password_signs_out_other_sessions_and_keeps_this_one(app, client, make_user, login):
    user = make_user("baru", must_change_password=True)
    other = login(user, app.test_client())
    login(user)
    response = client.post("/akun/kata-sandi", data={"current_password": TEST_PASSWORD,
                                                      "new_password": "kopi-susu-pagi", "confirm": "kopi-susu-pagi"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    db.session.expire_all()
    fresh = db.session.get(User, user.id)
    assert fresh.session_version == 2
    assert not fresh.must_change_password
    assert fresh.password_changed_at is not None
    assert fresh.check_password("kopi-susu-pagi")
    assert client.get("/").status_code == 200  # re-signed in with the new session id
    assert other.get("/").status_code == 302  # the other session is over
    assert "user.change_password" in audit_actions()
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "user.change_password")) == 1


def test_old_session_invalid_after_admin_reset(app, client, make_user, login):
    admin = make_user("admin", role="admin")
    victim = make_user("budi")
    victim_client = login(victim, app.test_client())
    assert victim_client.get("/").status_code == 200
    login(admin)
    response = client.post(f"/admin/akun/{victim.id}/atur-ulang-sandi")
    assert response.status_code == 302
    assert victim_client.get("/").status_code == 302


def test_session_ends_when_the_employee_is_deactivated(client, login, make_user, make_employee):
    employee = make_employee()
    login(make_user(employee=employee))
    assert client.get("/").status_code == 200
    employee.active = False
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")


# --- revocable sessions: a session cookie saved before sign-out, a password change or "sign out everywhere"
# must not open the portal afterwards (the cookie is signed, not stored: only the account's session version
# can end it)


def saved_session(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replay(app, cookie: str):
    """A fresh browser (the thief's) that presents a saved session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def assert_signed_out(test_client):
    response = test_client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")


def test_logout_ends_a_saved_session_cookie(app, client, make_user):
    user = make_user("budi")
    assert sign_in(client, "budi").status_code == 302
    assert client.get("/").status_code == 200
    cookie = saved_session(client)
    assert client.post("/keluar").status_code == 302
    assert_signed_out(replay(app, cookie))
    client.set_cookie("session", cookie)  # the same browser, its old cookie restored
    assert_signed_out(client)
    db.session.expire_all()
    assert db.session.get(User, user.id).session_version == 2
    assert audit_actions()[-1] == "auth.logout"


def test_logout_without_csrf_keeps_the_session(client, make_user):
    make_user("budi")
    sign_in(client, "budi")
    assert client.post("/keluar", csrf=False).status_code == 400
    assert client.get("/").status_code == 200


def test_own_password_change_ends_saved_cookies_and_keeps_this_session(app, client, make_user):
    make_user("budi")
    sign_in(client, "budi")
    cookie = saved_session(client)
    laptop = app.test_client()
    sign_in(laptop, "budi", environ_base={"REMOTE_ADDR": "10.3.3.3"})
    assert laptop.get("/").status_code == 200
    response = client.post("/akun/kata-sandi", data={"current_password": TEST_PASSWORD,
                                                      "new_password": "kopi-susu-pagi", "confirm": "kopi-susu-pagi"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this browser carries on with the new session version
    assert_signed_out(replay(app, cookie))
    assert_signed_out(laptop)


def test_admin_reset_ends_a_saved_cookie(app, client, make_user, login):
    victim = make_user("budi")
    victim_client = app.test_client()
    sign_in(victim_client, "budi")
    cookie = saved_session(victim_client)
    login(make_user("admin", role="admin"))
    assert client.post(f"/admin/akun/{victim.id}/atur-ulang-sandi").status_code == 302
    assert_signed_out(replay(app, cookie))
    assert_signed_out(victim_client)


def test_sign_out_other_devices_keeps_this_one(app, client, make_user):
    user = make_user("budi")
    sign_in(client, "budi")
    old_cookie = saved_session(client)
    laptop = app.test_client()
    sign_in(laptop, "budi", environ_base={"REMOTE_ADDR": "10.3.3.3"})
    laptop_cookie = saved_session(laptop)
    page = client.get("/akun/kata-sandi").get_data(as_text=True)
    assert 'action="/akun/keluar-perangkat-lain"' in page
    response = client.post("/akun/keluar-perangkat-lain")
    assert response.status_code == 302 and response.headers["Location"] == "/akun/kata-sandi"
    assert client.get("/").status_code == 200
    assert_signed_out(laptop)
    assert_signed_out(replay(app, laptop_cookie))
    assert_signed_out(replay(app, old_cookie))
    db.session.expire_all()
    assert db.session.get(User, user.id).session_version == 2
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "auth.sign_out_other_devices")).one()
    assert entry.actor_id == user.id and entry.object_id == str(user.id)


def test_sign_out_other_devices_needs_csrf_and_a_session(app, client, make_user):
    make_user("budi")
    assert client.post("/akun/keluar-perangkat-lain").status_code == 302  # anonymous: to the sign-in page
    sign_in(client, "budi")
    laptop = app.test_client()
    sign_in(laptop, "budi")
    assert client.post("/akun/keluar-perangkat-lain", csrf=False).status_code == 400
    assert laptop.get("/").status_code == 200
