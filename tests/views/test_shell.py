"""The UI shell: security headers, sign-in requirement, error pages, language switch."""


def test_dashboard_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/masuk" in response.headers["Location"]


def test_security_headers(client):
    response = client.get("/masuk")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_404_is_friendly_and_indonesian(client, login, make_user):
    login(make_user())
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(client):
    response = client.post("/bahasa", data={"lang": "en"}, csrf=False)
    assert response.status_code == 400
    assert "Token keamanan" in response.get_data(as_text=True)


def test_dashboard_for_pegawai(client, login, make_user, make_employee):
    employee = make_employee("Siti Aminah", gelar_belakang="S.Kom.")
    login(make_user(employee=employee))
    body = client.get("/").get_data(as_text=True)
    assert "Siti Aminah, S.Kom." in body
    assert employee.nip[:8] + " " in body  # formatted NIP


def test_session_cookie_flags(client, make_user):
    client.get("/masuk")  # renders a form: the session gets a CSRF secret and a cookie
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure


def test_session_cookie_secure_over_https(client):
    client.get("/masuk", base_url="https://localhost")
    cookie = client.get_cookie("session", domain="localhost")
    assert cookie is not None and cookie.secure


def test_htmx_error_fragment_has_no_layout(client, login, make_user):
    login(make_user())
    response = client.get("/tidak-ada", headers={"HX-Request": "true"})
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "<html" not in body and "Halaman tidak ditemukan" in body


def test_language_switch_to_english_and_back(client, login, make_user):
    login(make_user())
    client.post("/bahasa", data={"lang": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    client.post("/bahasa", data={"lang": "id", "next": "/"})
    assert 'lang="id"' in client.get("/").get_data(as_text=True)


def test_language_switch_ignores_offsite_next(client):
    response = client.post("/bahasa", data={"lang": "en", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"
