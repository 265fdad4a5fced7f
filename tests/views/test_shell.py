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
