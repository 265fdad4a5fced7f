"""The audit log browser: access, filters, htmx fragment, flat query count."""

import datetime as dt

import pytest

from portal.core.audit import AuditLog
from portal.extensions import db


def add_entry(action="employee.update", *, actor_name="Admin Satu", at=None, object_type="employee",
              object_id="7", summary="Data pegawai diubah", changes=None):
    entry = AuditLog(action=action, actor_name=actor_name, at=at or dt.datetime(2027, 1, 15, 3, 0),
                     object_type=object_type, object_id=object_id, summary=summary, changes=changes)
    db.session.add(entry)
    db.session.commit()
    return entry


@pytest.mark.parametrize("role, status", [("admin", 200), ("auditor", 200), ("pegawai", 403)])
def test_access(client, login, make_user, role, status):
    login(make_user(role=role))
    assert client.get("/admin/audit").status_code == status


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/admin/audit")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_newest_first_with_changes_in_details(client, login, make_user):
    login(make_user(role="auditor"))
    add_entry(summary="yang lama", at=dt.datetime(2027, 1, 1, 3, 0))
    add_entry(summary="yang baru", at=dt.datetime(2027, 1, 20, 3, 0), changes={"nama": ["Budi", "Budi Santoso"]})
    body = client.get("/admin/audit").get_data(as_text=True)
    assert body.index("yang baru") < body.index("yang lama")
    assert "<details>" in body and "<del>Budi</del>" in body and "<ins>Budi Santoso</ins>" in body
    assert "20 Jan" in body  # the waktu filter, Indonesian
    assert 'hx-trigger="input changed delay:300ms, search"' in body


def test_filters(client, login, make_user):
    login(make_user(role="admin"))
    add_entry("employee.update", actor_name="Ani Admin", object_id="7", summary="ringkasan-satu",
              at=dt.datetime(2027, 1, 10, 3, 0))
    add_entry("unit.create", actor_name="Budi Admin", object_type="unit", object_id="3", summary="ringkasan-dua",
              at=dt.datetime(2027, 1, 12, 3, 0))
    # 16 Jan 2027 at 20:00 UTC is already 17 January in Jakarta (UTC+7).
    add_entry("employee.update", actor_name="Budi Admin", object_id="8", summary="ringkasan-tiga",
              at=dt.datetime(2027, 1, 16, 20, 0))

    def shown(query):
        body = client.get("/admin/audit?" + query, headers={"HX-Request": "true"}).get_data(as_text=True)
        assert body.lstrip().startswith('<section id="audit-results"')
        return {s for s in ("satu", "dua", "tiga") if f"ringkasan-{s}" in body}

    assert shown("") == {"satu", "dua", "tiga"}
    assert shown("actor=budi") == {"dua", "tiga"}
    assert shown("action=unit.create") == {"dua"}
    assert shown("object_type=employee&object_id=8") == {"tiga"}
    assert shown("dari=2027-01-11&sampai=2027-01-16") == {"dua"}
    assert shown("dari=2027-01-17") == {"tiga"}
    assert shown("sampai=2027-01-10") == {"satu"}
    assert shown("dari=bukan-tanggal") == {"satu", "dua", "tiga"}

    page = client.get("/admin/audit").get_data(as_text=True)
    assert '<option value="unit.create">Unit kerja dibuat</option>' in page  # the code's Indonesian name
    assert '<option value="employee">Pegawai</option>' in page


def test_query_count_is_flat(client, login, make_user, queries):
    login(make_user(role="admin"))

    def count():
        with queries() as q:
            assert client.get("/admin/audit").status_code == 200
        return q.count

    for i in range(3):
        add_entry(object_id=str(i), changes={"x": [i, i + 1]})
    few = count()
    for i in range(3, 30):
        add_entry(object_id=str(i), changes={"x": [i, i + 1]})
    assert count() == few


def test_paginated(client, login, make_user, app):
    login(make_user(role="admin"))
    for i in range(app.config["PAGE_SIZE"] + 2):
        add_entry(object_id=str(i), summary=f"entri-{i}")
    body = client.get("/admin/audit").get_data(as_text=True)
    assert "Halaman 1 dari 2" in body
    assert "Halaman 2 dari 2" in client.get("/admin/audit?page=2").get_data(as_text=True)
