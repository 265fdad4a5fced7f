"""The holiday calendar (/kalender): list per year, add / edit / delete by the admin, read-only for auditors."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditLog
from portal.extensions import db
from portal.periods.models import Holiday

D = dt.date
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("portal.periods.views.local_today", lambda: D(2026, 2, 10))


@pytest.fixture
def admin(make_user):
    return make_user("admin", role="admin")


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", role="auditor")


def test_list_per_year_full_page_and_fragment(client, login, admin, make_holiday):
    make_holiday(D(2026, 8, 17), "Proklamasi Kemerdekaan")
    make_holiday(D(2026, 12, 24), "Cuti Bersama Natal", kind="cuti_bersama")
    make_holiday(D(2027, 1, 1), "Tahun Baru 2027 Masehi")
    login(admin)
    body = client.get("/kalender").get_data(as_text=True)  # default: the current year (2026)
    assert "Kalender Kerja 2026" in body and "17 Agustus 2026" in body and "Cuti bersama" in body
    assert "Tahun Baru 2027" not in body and 'href="/kalender?tahun=2027"' in body
    assert "Tambah hari libur" in body and "SKB 3 Menteri" in body
    other = client.get("/kalender?tahun=2027").get_data(as_text=True)
    assert "1 Januari 2027" in other and "Proklamasi" not in other
    fragment = client.get("/kalender?tahun=2026", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="holiday-list">')


def test_auditor_reads_without_controls(client, login, auditor, make_holiday):
    holiday = make_holiday(D(2026, 8, 17), "Proklamasi Kemerdekaan")
    login(auditor)
    body = client.get("/kalender").get_data(as_text=True)
    assert "Proklamasi Kemerdekaan" in body
    assert "Tambah hari libur" not in body and "/hapus" not in body and "/ubah" not in body
    assert client.post("/kalender", data={"date": "2026-06-22", "name": "x"}).status_code == 403
    assert client.get(f"/kalender/{holiday.id}/ubah").status_code == 403
    assert client.post(f"/kalender/{holiday.id}/hapus").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Holiday)) == 1


def test_pegawai_is_refused(client, login, make_user):
    login(make_user())
    assert client.get("/kalender").status_code == 403


def test_add_holiday_no_js_and_htmx(client, login, admin):
    login(admin)
    response = client.post("/kalender", data={"date": "2026-06-22", "name": "Hari Jadi Kabupaten",
                                              "kind": "libur_nasional"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/kalender?tahun=2026")
    response = client.post("/kalender", headers=HX, data={"date": "2027-06-22", "name": "Hari Jadi Kabupaten",
                                                          "kind": "cuti_bersama"})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/kalender?tahun=2027"
    rows = list(db.session.scalars(select(Holiday).order_by(Holiday.date)))
    assert [(h.date, h.kind) for h in rows] == [(D(2026, 6, 22), "libur_nasional"), (D(2027, 6, 22), "cuti_bersama")]
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "holiday.create")) == 2


@pytest.mark.parametrize(("data", "message"), [
    ({"date": "2026-08-17", "name": "Lagi", "kind": "libur_nasional"},
     "Tanggal 17 Agustus 2026 sudah ada di kalender."),
    ({"date": "", "name": "Tanpa tanggal", "kind": "libur_nasional"}, "Tanggal wajib diisi."),
    ({"date": "2026-06-22", "name": "", "kind": "libur_nasional"}, "Nama hari libur wajib diisi."),
])
def test_add_holiday_invalid(client, login, admin, make_holiday, data, message):
    make_holiday(D(2026, 8, 17), "Proklamasi Kemerdekaan")
    login(admin)
    response = client.post("/kalender", data=data, headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and message in body
    assert body.lstrip().startswith("{") is False and 'id="holiday-form"' in body and "<html" not in body
    assert db.session.scalar(select(func.count()).select_from(Holiday)) == 1


def test_edit_and_delete_holiday(client, login, admin, make_holiday):
    holiday = make_holiday(D(2026, 8, 17), "Proklamasi")
    login(admin)
    form = client.get(f"/kalender/{holiday.id}/ubah").get_data(as_text=True)
    assert 'value="2026-08-17"' in form and 'value="Proklamasi"' in form
    response = client.post(f"/kalender/{holiday.id}/ubah", data={"date": "2026-08-18", "name": "Proklamasi RI",
                                                                  "kind": "cuti_bersama"})
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(Holiday, holiday.id)
    assert (changed.date, changed.name, changed.kind) == (D(2026, 8, 18), "Proklamasi RI", "cuti_bersama")
    invalid = client.post(f"/kalender/{holiday.id}/ubah", data={"date": "2026-08-18", "name": "", "kind": "x"})
    assert invalid.status_code == 422
    assert client.post(f"/kalender/{holiday.id}/hapus", csrf=False).status_code == 400
    response = client.post(f"/kalender/{holiday.id}/hapus")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Holiday)) == 0
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"holiday.update", "holiday.delete"} <= actions


def test_holiday_list_query_count_is_flat(client, login, queries, admin, make_holiday):
    login(admin)
    for n in range(3):
        make_holiday(D(2026, 3, 2) + dt.timedelta(days=n), f"Libur {n}")
    for n in range(30):
        make_holiday(D(2027, 3, 1) + dt.timedelta(days=n), f"Libur {n}")
    counts = []
    for year in (2026, 2027):
        client.get(f"/kalender?tahun={year}")
        with queries() as q:
            body = client.get(f"/kalender?tahun={year}").get_data(as_text=True)
        counts.append(q.count)
        assert body.count("Libur ") >= (3 if year == 2026 else 30)
    assert counts[0] == counts[1]
