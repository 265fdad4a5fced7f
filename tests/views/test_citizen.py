"""Suara Masyarakat: the public page refuses floods and bad input, keeps scripts out, stores no address and nothing
harmful, shows HTML as text; the head of the unit moderates before anyone else reads a comment; the unit's
satisfaction over time, the QR poster, and the summary on the evaluation scoring page."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from sqlalchemy import func, select

from portal.citizen.models import CitizenFeedback, CitizenSubmission, ServicePoint
from portal.citizen.views import form_token
from portal.extensions import db
from tests import factories

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)> Antrean lama'


@pytest.fixture
def w(make_unit, make_position, make_employee, make_user):
    opd = make_unit("Dinas Kependudukan dan Pencatatan Sipil")
    seksi = make_unit("Seksi Identitas Penduduk", parent=opd)
    other = make_unit("Dinas Lain")
    head = make_employee("Kepala Disdukcapil", position=make_position("Kepala Dinas", unit=opd,
                                                                       type_code="JPT_PRATAMA", is_head=True))
    kasi = make_employee("Kepala Seksi", unit=seksi, superior=head,
                         position=make_position("Kepala Seksi Identitas", unit=seksi, type_code="PENGAWAS",
                                                is_head=True))
    clerk = make_employee("Petugas Loket", unit=seksi, superior=kasi)
    stranger = make_employee("Kepala Lain", position=make_position("Kepala Dinas Lain", unit=other,
                                                                     type_code="JPT_PRATAMA", is_head=True))
    users = {"head": make_user("kepala.dukcapil", employee=head), "kasi": make_user("kasi.ip", employee=kasi),
             "clerk": make_user("petugas", employee=clerk), "stranger": make_user("kepala.lain", employee=stranger),
             "admin": make_user("admin.bkpsdm", role="admin"), "auditor": make_user("auditor", role="auditor")}
    point = ServicePoint(unit_id=opd.id, code="abcdefghjk", title="Layanan Administrasi Kependudukan",
                         service_types=["KTP-el", "Kartu Keluarga"], active=True)
    db.session.add(point)
    db.session.commit()
    from types import SimpleNamespace

    return SimpleNamespace(opd=opd, seksi=seksi, other=other, head=head, kasi=kasi, clerk=clerk, point=point,
                           users=users)


def _post(client, point, *, ago: float = 10, address="203.0.113.7", **data):
    form = {"rating": "4", "service_type": "", "comment": "", "website": "",
            "token": form_token(point, time.time() - ago), **data}
    return client.post(f"/suara/{point.code}", data=form, environ_base={"REMOTE_ADDR": address})


def _stored():
    return db.session.scalar(select(func.count(CitizenFeedback.id)))


# ---------------------------------------------------------------------------------------------------------
# The public page


def test_a_citizen_rates_without_an_account(w, client):
    page = client.get(f"/suara/{w.point.code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Layanan Administrasi Kependudukan" in html and "site-nav" not in html
    assert 'class="hp-field" aria-hidden="true"' in html and 'name="token"' in html
    response = _post(client, w.point, rating="5", service_type="KTP-el", comment="Cepat dan ramah.")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/suara/{w.point.code}/terima-kasih")
    feedback = db.session.scalar(select(CitizenFeedback))
    assert (feedback.rating, feedback.service_type, feedback.comment, feedback.comment_status, feedback.unit_id) == (
        5, "KTP-el", "Cepat dan ramah.", "menunggu", w.opd.id)
    submission = db.session.scalar(select(CitizenSubmission))
    assert "203.0.113.7" not in submission.address_hash and len(submission.address_hash) == 64  # no address kept
    assert client.get(f"/suara/{w.point.code}/terima-kasih").status_code == 200
    _post(client, w.point, rating="3", address="203.0.113.8")
    assert db.session.scalar(select(CitizenFeedback.comment_status).where(CitizenFeedback.rating == 3)) == ""


@pytest.mark.parametrize(("data", "status", "message"), [
    ({"rating": ""}, 422, "Pilih penilaian 1 sampai 5."),
    ({"rating": "9"}, 422, "Pilih penilaian 1 sampai 5."),
    ({"rating": "3' OR 1=1 --"}, 422, "Pilih penilaian 1 sampai 5."),
    ({"service_type": "Paspor"}, 422, "Pilih jenis layanan dari daftar."),
    ({"comment": "Obat murah di https://spam.example"}, 422, "tidak boleh berisi tautan"),
    ({"comment": "x" * 501}, 422, "Komentar paling banyak 500 karakter"),
    ({"comment": "!" * 40}, 422, "karakter berulang"),
])
def test_bad_input_is_refused_at_its_field(w, client, data, status, message):
    response = _post(client, w.point, **data)
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert _stored() == 0


def test_a_bot_that_fills_the_hidden_field_is_thanked_and_ignored(w, client):
    response = _post(client, w.point, website="http://spam.example", comment="Promo!")
    assert response.status_code == 302 and "terima-kasih" in response.headers["Location"]
    assert _stored() == 0 and db.session.scalar(select(func.count(CitizenSubmission.id))) == 0


@pytest.mark.parametrize(("token", "message"), [
    (lambda point: form_token(point, time.time()), "Mohon tunggu sebentar"),  # sent at once: a script
    (lambda point: form_token(point, time.time() - 3 * 3600), "terlalu lama terbuka"),
    (lambda point: "tidak-ditandatangani", "terlalu lama terbuka"),
    (lambda point: form_token(ServicePoint(id=point.id + 1), time.time() - 10), "terlalu lama terbuka"),  # another page
])
def test_the_signed_form_time_refuses_scripts_and_stale_forms(w, client, token, message):
    response = client.post(f"/suara/{w.point.code}", data={"rating": "4", "token": token(w.point)},
                           environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert 'name="token"' in response.get_data(as_text=True) and _stored() == 0  # a fresh token to send again


def test_a_flood_from_one_address_is_refused_with_429(w, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "CITIZEN_MAX_PER_ADDRESS", 3)
    for _ in range(3):
        assert _post(client, w.point).status_code == 302
    refused = _post(client, w.point)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "coba lagi" in refused.get_data(as_text=True).lower()
    assert _stored() == 3
    assert _post(client, w.point, address="198.51.100.20").status_code == 302  # another address may


def test_an_ipv6_client_is_counted_by_its_slash_64(w, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "CITIZEN_MAX_PER_ADDRESS", 2)
    assert _post(client, w.point, address="2001:db8:1:2::1").status_code == 302
    assert _post(client, w.point, address="2001:db8:1:2::ffff").status_code == 302
    assert _post(client, w.point, address="2001:db8:1:2:abcd::9").status_code == 429


def test_a_page_has_a_cap_per_hour_whatever_the_addresses(w, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "CITIZEN_MAX_PER_PAGE_HOUR", 4)
    for n in range(4):
        assert _post(client, w.point, address=f"192.0.2.{n + 1}").status_code == 302
    assert _post(client, w.point, address="192.0.2.99").status_code == 429


def test_old_counters_are_deleted(w, client):
    from portal.core.timeutil import utcnow

    db.session.add(CitizenSubmission(address_hash="a" * 64, service_point_id=w.point.id,
                                     at=utcnow() - dt.timedelta(days=2)))
    db.session.commit()
    _post(client, w.point)
    assert db.session.scalar(select(func.count(CitizenSubmission.id))) == 1


@pytest.mark.parametrize("code", ["tidakada12", "ABCDEFGHJK", "abc'--", "a" * 40, "abcdefghj0"])
def test_unknown_or_malformed_codes_are_404(w, client, code):
    assert client.get(f"/suara/{code}").status_code == 404


def test_an_unpublished_page_answers_404(w, client):
    w.point.active = False
    db.session.commit()
    assert client.get(f"/suara/{w.point.code}").status_code == 404
    assert _post(client, w.point).status_code == 404


def test_control_characters_are_not_stored_and_html_is_text_everywhere(w, client, login):
    assert _post(client, w.point, comment="Antri\x00 lama\u202e " + SCRIPT).status_code == 302
    stored = db.session.scalar(select(CitizenFeedback.comment))
    assert "\x00" not in stored and "\u202e" not in stored and "<script>" in stored  # text, as typed
    login(w.users["head"])
    page = client.get(f"/suara-masyarakat/{w.point.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "onerror=alert(1)&gt;" in page and "<img src=x" not in page
    feedback = db.session.scalar(select(CitizenFeedback))
    client.post(f"/suara-masyarakat/komentar/{feedback.id}/terbitkan")
    assert "&lt;script&gt;" in client.get(f"/suara-masyarakat/{w.point.id}").get_data(as_text=True)


# ---------------------------------------------------------------------------------------------------------
# Moderation: the head before anyone else


def _comment(w, text="Ruang tunggu panas, kipas rusak.", rating=2):
    from portal.core.timeutil import utcnow

    feedback = CitizenFeedback(service_point_id=w.point.id, unit_id=w.opd.id, rating=rating, comment=text,
                               comment_status="menunggu", created_at=utcnow())
    db.session.add(feedback)
    db.session.commit()
    return feedback


def test_only_the_head_reads_and_moderates_a_waiting_comment(w, client, login):
    feedback = _comment(w)
    for who in ("admin", "auditor"):
        login(w.users[who])
        page = client.get(f"/suara-masyarakat/{w.point.id}").get_data(as_text=True)
        assert "Ruang tunggu panas" not in page and "Komentar menunggu moderasi (1)" in page
        assert client.post(f"/suara-masyarakat/komentar/{feedback.id}/terbitkan").status_code == 404
    for who in ("clerk", "stranger"):
        login(w.users[who])
        assert client.get(f"/suara-masyarakat/{w.point.id}").status_code in (403, 404)
        assert client.post(f"/suara-masyarakat/komentar/{feedback.id}/terbitkan").status_code == 404
    login(w.users["kasi"])  # heads a unit below: the OPD's page is not theirs
    assert client.post(f"/suara-masyarakat/komentar/{feedback.id}/terbitkan").status_code == 404
    login(w.users["head"])
    assert "Ruang tunggu panas" in client.get(f"/suara-masyarakat/{w.point.id}").get_data(as_text=True)
    assert client.post(f"/suara-masyarakat/komentar/{feedback.id}/terbitkan").status_code == 302
    again = client.post(f"/suara-masyarakat/komentar/{feedback.id}/tolak")
    assert again.status_code == 409 and "sudah dimoderasi" in again.get_data(as_text=True)
    db.session.refresh(feedback)
    assert feedback.comment_status == "terbit" and feedback.moderated_by_id == w.users["head"].id
    login(w.users["admin"])
    assert "Ruang tunggu panas" in client.get(f"/suara-masyarakat/{w.point.id}").get_data(as_text=True)


def test_a_rejected_comment_is_never_shown_but_its_rating_counts(w, client, login):
    feedback = _comment(w, "Petugas loket 2 bernama Budi kasar.", rating=1)
    login(w.users["head"])
    client.post(f"/suara-masyarakat/komentar/{feedback.id}/tolak")
    page = client.get(f"/suara-masyarakat/{w.point.id}").get_data(as_text=True)
    assert "Budi kasar" not in page and "1 penilaian, rata-rata 1,0 dari 5" in page


def test_the_menu_counts_comments_waiting_for_the_head(w, client, login):
    _comment(w)
    _comment(w, "Kedua")
    login(w.users["head"])
    html = client.get("/").get_data(as_text=True)
    link = re.search(r'<a href="/suara-masyarakat"[^>]*>Suara Masyarakat(.*?)</a>', html, re.S).group(1)
    assert '<span class="nav-badge" aria-hidden="true">2</span>' in link


# ---------------------------------------------------------------------------------------------------------
# Pages of the units


def test_the_head_publishes_a_page_for_a_unit_below_and_prints_its_poster(w, client, login):
    login(w.users["head"])
    index = client.get("/suara-masyarakat").get_data(as_text=True)
    assert "Layanan Administrasi Kependudukan" in index and "Seksi Identitas Penduduk" in index
    response = client.post("/suara-masyarakat/baru", data={"unit": str(w.seksi.id), "title": "Loket KTP-el",
                                                          "service_types": "Perekaman\nPencetakan\nPerekaman"})
    assert response.status_code == 302
    point = db.session.scalar(select(ServicePoint).where(ServicePoint.unit_id == w.seksi.id))
    assert point.service_types == ["Perekaman", "Pencetakan"] and len(point.code) == 10
    poster = client.get(f"/suara-masyarakat/{point.id}/poster").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in poster and f"/suara/{point.code}" in poster and "Kode QR menuju" in poster
    assert client.post("/suara-masyarakat/baru", data={"unit": str(w.other.id), "title": "X"}).status_code == 422
    twice = client.post("/suara-masyarakat/baru", data={"unit": str(w.seksi.id), "title": "Lagi"})
    assert twice.status_code == 422 and db.session.scalar(select(func.count(ServicePoint.id))) == 2


def test_the_poster_uses_the_public_address_when_configured(w, client, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_BASE_URL", "https://layanan.contoh.go.id/")
    login(w.users["admin"])
    poster = client.get(f"/suara-masyarakat/{w.point.id}/poster").get_data(as_text=True)
    assert f"https://layanan.contoh.go.id/suara/{w.point.code}" in poster


def test_settings_of_a_page(w, client, login):
    login(w.users["head"])
    response = client.post(f"/suara-masyarakat/{w.point.id}", data={
        "title": "Layanan Dukcapil", "service_types": "KTP-el", "version": str(w.point.version_id)})
    assert response.status_code == 302
    db.session.refresh(w.point)
    assert (w.point.title, w.point.service_types, w.point.active) == ("Layanan Dukcapil", ["KTP-el"], False)
    stale = client.post(f"/suara-masyarakat/{w.point.id}", data={"title": "Lama", "active": "y", "version": "1"})
    assert stale.status_code == 409
    login(w.users["auditor"])
    assert client.post(f"/suara-masyarakat/{w.point.id}", data={"title": "X"}).status_code == 403


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("auditor", 200), ("head", 200), ("kasi", 200),
                                             ("clerk", 403), ("stranger", 200)])
def test_who_opens_the_pages(w, client, login, who, status):
    login(w.users[who])
    assert client.get("/suara-masyarakat").status_code == status


def test_satisfaction_over_the_months(w, client, login):
    from portal.core.timeutil import local_today, utcnow

    now = utcnow()
    for rating, days in ((5, 1), (4, 2), (2, 40), (3, 41)):
        db.session.add(CitizenFeedback(service_point_id=w.point.id, unit_id=w.opd.id, rating=rating,
                                       created_at=now - dt.timedelta(days=days)))
    db.session.add(CitizenFeedback(service_point_id=w.point.id, unit_id=w.opd.id, rating=1,
                                   created_at=now - dt.timedelta(days=500)))  # older than a year
    db.session.commit()
    login(w.users["head"])
    page = client.get(f"/suara-masyarakat/{w.point.id}").get_data(as_text=True)
    assert "4 penilaian, rata-rata 3,5 dari 5, 50% puas atau sangat puas" in page
    assert 'class="chart-svg dashboard-chart"' in page and "<table" in page
    from flask_babel import format_date

    with client.application.test_request_context():
        month = format_date(local_today().replace(day=1), "MMM yyyy")
    assert f'<th scope="row">{month}</th>' in page


def test_the_scoring_page_shows_the_units_satisfaction_never_a_person(w, client, login):
    from portal.core.timeutil import utcnow
    from portal.periods.models import PHASE_ANNUAL, PeriodPhase

    period = factories.make_period(dt.date.today().year)
    phase = db.session.scalar(select(PeriodPhase).where(PeriodPhase.period_id == period.id,
                                                        PeriodPhase.kind == PHASE_ANNUAL))
    db.session.add_all([CitizenFeedback(service_point_id=w.point.id, unit_id=w.opd.id, rating=4, created_at=utcnow()),
                        CitizenFeedback(service_point_id=w.point.id, unit_id=w.opd.id, rating=5, created_at=utcnow(),
                                        comment="Loket KTP cepat.", comment_status="terbit")])
    db.session.commit()
    login(w.users["kasi"])
    html = client.get(f"/evaluasi/{w.clerk.id}/{phase.id}").get_data(as_text=True)
    section = re.search(r'<details class="score-section" id="score-citizen">(.*?)</details>', html, re.S).group(1)
    assert "Suara Masyarakat" in section and "Berorientasi Pelayanan" in section and "Loket KTP cepat." in section
    assert "2 penilaian, rata-rata 4,5 dari 5" in section and "bukan tentang pegawai ini" in section
    assert w.clerk.nama not in section
