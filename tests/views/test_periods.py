"""Period screens: list + create, phases with status and deadlines, inline date edits, reopenings, access."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import render_template_string
from sqlalchemy import func, select

from portal.core.audit import AuditLog
from portal.extensions import db
from portal.periods import services
from portal.periods.models import Holiday, Period, PeriodPhase, PhaseReopening

D = dt.date
HX = {"HX-Request": "true"}
TODAY = D(2026, 2, 10)  # a Tuesday: planning 2026 closed, the year running, Q1 evaluation not open yet


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("portal.periods.views.local_today", lambda: TODAY)


@pytest.fixture
def users(make_user, make_employee, make_unit):
    opd = make_unit("Dinas Pendidikan")
    sub = make_unit("Bidang SD", parent=opd)
    employee = make_employee("Rina Wati", unit=sub)
    return {
        "admin": make_user("admin", role="admin"),
        "auditor": make_user("auditor", role="auditor"),
        "pegawai": make_user("pegawai", employee=employee),
        "employee": employee, "opd": opd, "sub": sub,
    }


@pytest.fixture
def period(make_period):
    return make_period(2026, "triwulanan")


def _phase(period, kind, seq=0):
    return services.find_phase(period, kind, seq)


# ---------------------------------------------------------------------------------------------------------
# List and create


def test_index_full_page_and_fragment(client, login, users, period):
    login(users["admin"])
    body = client.get("/periode").get_data(as_text=True)
    assert "Periode Kinerja 2026" in body and "Buat periode" in body and 'id="period-create"' in body
    response = client.get("/periode", headers=HX)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert fragment.lstrip().startswith('<div id="period-list">') and "Periode Kinerja 2026" in fragment


def test_auditor_reads_without_create_or_edit_controls(client, login, users, period):
    login(users["auditor"])
    body = client.get("/periode").get_data(as_text=True)
    assert "Periode Kinerja 2026" in body and "Buat periode" not in body
    detail = client.get(f"/periode/{period.id}").get_data(as_text=True)
    assert "Perencanaan" in detail and "/ubah" not in detail and "buka-ulang" not in detail


def test_create_period_no_js(client, login, users):
    login(users["admin"])
    response = client.post("/periode", data={"year": "2027", "name": "", "frequency": "bulanan"})
    created = db.session.scalar(select(Period).where(Period.year == 2027))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/periode/{created.id}")
    assert created.name == "Periode Kinerja 2027" and created.frequency == "bulanan"
    phases = select(func.count()).select_from(PeriodPhase).where(PeriodPhase.period_id == created.id)
    assert db.session.scalar(phases) == 16
    assert db.session.scalar(select(func.count()).select_from(Holiday)) > 0  # 2027 seeded
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "dibuat dengan jadwal tahap usulan" in follow and "Evaluasi Periodik Desember" in follow


def test_create_period_htmx_redirects(client, login, users):
    login(users["admin"])
    response = client.post("/periode", data={"year": "2027", "name": "Tahun 2027", "frequency": "triwulanan"},
                           headers=HX)
    assert response.status_code == 204 and response.headers["HX-Redirect"].startswith("/periode/")


def test_create_period_invalid(client, login, users, period):
    login(users["admin"])
    response = client.post("/periode", data={"year": "2026", "frequency": "triwulanan"}, headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and body.lstrip().startswith('<form id="period-create"')
    assert "Periode tahun 2026 sudah ada." in body and 'aria-describedby="year-error"' in body
    full = client.post("/periode", data={"year": "20x", "frequency": "triwulanan"})
    assert full.status_code == 422 and "<html" in full.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Period)) == 1


# ---------------------------------------------------------------------------------------------------------
# Phases: status, deadlines, inline edit


def _row(body: str, phase) -> str:
    return re.search(rf'<tr id="phase-{phase.id}">(.*?)</tr>', body, re.S).group(1)


def test_detail_shows_phases_status_and_deadlines(client, login, users, period):
    login(users["admin"])
    body = client.get(f"/periode/{period.id}").get_data(as_text=True)
    planning = _row(body, _phase(period, "perencanaan"))
    assert "2 Januari 2026" in planning and "31 Januari 2026" in planning and "ditutup" in planning
    running = _row(body, _phase(period, "pelaksanaan"))
    assert ">dibuka<" in running and "hari kerja lagi" in running
    q1 = _row(body, _phase(period, "evaluasi_periodik", 1))
    assert "Evaluasi Periodik Triwulan I" in q1 and "akan dibuka" in q1
    assert "1 Februari 2027" in body  # keberatan opens in the next year
    assert "Buka kembali" in planning and "Buka kembali" not in running


def test_detail_fragment_for_htmx(client, login, users, period):
    login(users["auditor"])
    response = client.get(f"/periode/{period.id}", headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and 'id="period-phases"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_edit_phase_get_inline_and_full_page(client, login, users, period):
    login(users["admin"])
    phase = _phase(period, "perencanaan")
    fragment = client.get(f"/periode/fase/{phase.id}/ubah", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and f'action="/periode/fase/{phase.id}/ubah"' in fragment
    assert 'value="2026-01-02"' in fragment
    assert f'name="version_id" type="hidden" value="{period.version_id}"' in fragment
    full = client.get(f"/periode/fase/{phase.id}/ubah").get_data(as_text=True)
    assert "<html" in full and 'class="phase-edit-form"' in full


def test_edit_phase_no_js_post(client, login, users, period):
    login(users["admin"])
    phase = _phase(period, "perencanaan")
    response = client.post(f"/periode/fase/{phase.id}/ubah", data={
        "opens_on": "2026-01-05", "closes_on": "2026-02-06", "version_id": str(period.version_id)})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/periode/{period.id}")
    db.session.expire_all()
    assert db.session.get(PeriodPhase, phase.id).closes_on == D(2026, 2, 6)
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "period.phase_update")) is not None


def test_edit_phase_htmx_post_returns_the_table_and_flash(client, login, users, period):
    login(users["admin"])
    phase = _phase(period, "keberatan")
    response = client.post(f"/periode/fase/{phase.id}/ubah", headers=HX, data={
        "opens_on": "2027-02-01", "closes_on": "2027-02-26", "version_id": str(period.version_id)})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'id="period-phases"' in body and "26 Februari 2027" in body
    assert 'hx-swap-oob="true"' in body and "Jadwal Keberatan disimpan." in body
    assert 'name="version_id"' not in body  # back to the read-only rows


@pytest.mark.parametrize(("opens", "closes", "message"), [
    ("2026-01-20", "2026-01-10", "Tanggal ditutup tidak boleh sebelum tanggal dibuka."),
    ("2020-01-02", "2026-01-31", "Tanggal harus antara 1 Oktober 2025 dan 31 Desember 2027."),
    ("", "2026-01-31", "Tanggal dibuka wajib diisi."),
])
def test_edit_phase_invalid(client, login, users, period, opens, closes, message):
    login(users["admin"])
    phase = _phase(period, "perencanaan")
    response = client.post(f"/periode/fase/{phase.id}/ubah", headers=HX,
                           data={"opens_on": opens, "closes_on": closes, "version_id": str(period.version_id)})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and message in body and 'aria-invalid="true"' in body
    db.session.expire_all()
    assert db.session.get(PeriodPhase, phase.id).opens_on == D(2026, 1, 2)


def test_edit_phase_stale_version_refused(client, login, users, period):
    login(users["admin"])
    planning, annual = _phase(period, "perencanaan"), _phase(period, "evaluasi_tahunan")
    version = str(period.version_id)
    first = client.post(f"/periode/fase/{planning.id}/ubah",
                        data={"opens_on": "2026-01-05", "closes_on": "2026-02-06", "version_id": version})
    assert first.status_code == 302
    second = client.post(f"/periode/fase/{annual.id}/ubah",
                         data={"opens_on": "2026-12-01", "closes_on": "2027-01-15", "version_id": version})
    body = second.get_data(as_text=True)
    assert second.status_code == 409 and "sudah diubah orang lain" in body
    assert 'value="2027-01-31"' in body  # the current data is shown again
    db.session.expire_all()
    assert db.session.get(PeriodPhase, annual.id).closes_on == D(2027, 1, 31)


# ---------------------------------------------------------------------------------------------------------
# Reopening


def test_reopen_for_an_employee_by_nip(client, login, users, period):
    login(users["admin"])
    phase, employee = _phase(period, "perencanaan"), users["employee"]
    form = client.get(f"/periode/fase/{phase.id}/buka-ulang").get_data(as_text=True)
    assert "Buka kembali: Perencanaan" in form and "31 Januari 2026" in form
    response = client.post(f"/periode/fase/{phase.id}/buka-ulang", data={
        "target": "pegawai", "employee": employee.nip_display, "until": "2026-02-20", "reason": "Cuti sakit"})
    assert response.status_code == 302
    assert services.phase_open_for(phase, employee, TODAY)
    body = client.get(f"/periode/{period.id}").get_data(as_text=True)
    section = body[body.index('id="period-reopenings"'):]
    assert "Rina Wati" in section and "20 Februari 2026" in section and "Cuti sakit" in section
    assert db.session.scalar(select(AuditLog.summary).where(AuditLog.action == "period.reopen"))


def test_reopen_for_a_unit_htmx_and_end_it(client, login, users, period, make_employee, make_unit):
    login(users["admin"])
    phase = _phase(period, "perencanaan")
    outsider = make_employee("Orang Lain", unit=make_unit("Dinas Lain"))
    fragment = client.get(f"/periode/fase/{phase.id}/buka-ulang", headers=HX).get_data(as_text=True)
    assert fragment.lstrip().startswith("{") is False and 'id="reopen-form"' in fragment and "<html" not in fragment
    response = client.post(f"/periode/fase/{phase.id}/buka-ulang", headers=HX, data={
        "target": "unit", "unit_id": str(users["opd"].id), "until": "2026-02-28", "reason": "Gangguan jaringan"})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"/periode/{period.id}"
    assert services.phase_open_for(phase, users["employee"], TODAY)  # in a sub-unit of the OPD
    assert not services.phase_open_for(phase, outsider, TODAY)
    reopening = db.session.scalar(select(PhaseReopening))
    ended = client.post(f"/periode/buka-ulang/{reopening.id}/akhiri")
    assert ended.status_code == 302
    db.session.expire_all()
    assert not services.phase_open_for(db.session.get(PeriodPhase, phase.id), users["employee"], TODAY)
    body = client.get(f"/periode/{period.id}").get_data(as_text=True)
    assert "Tidak ada tahap yang sedang dibuka kembali." in body


@pytest.mark.parametrize(("data", "message"), [
    ({"target": "pegawai", "employee": "", "until": "2026-02-20", "reason": "x"}, "Pilih pegawai"),
    ({"target": "pegawai", "employee": "19000101 192001 1 001", "until": "2026-02-20", "reason": "x"},
     "tidak ditemukan"),
    ({"target": "unit", "unit_id": "", "until": "2026-02-20", "reason": "x"}, "Pilih unit kerja."),
    ({"target": "pegawai", "employee": "NIP", "until": "2026-02-20", "reason": ""}, "Alasan wajib diisi."),
    ({"target": "pegawai", "employee": "NIP", "until": "2026-02-01", "reason": "x"}, "tidak boleh sebelum hari ini"),
])
def test_reopen_invalid(client, login, users, period, data, message):
    login(users["admin"])
    phase = _phase(period, "perencanaan")
    if data.get("employee") == "NIP":
        data = {**data, "employee": users["employee"].nip}
    response = client.post(f"/periode/fase/{phase.id}/buka-ulang", data=data, headers=HX)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PhaseReopening)) == 0


def test_reopen_an_open_phase_is_refused(client, login, users, period):
    login(users["admin"])
    phase = _phase(period, "pelaksanaan")
    response = client.post(f"/periode/fase/{phase.id}/buka-ulang", data={
        "target": "pegawai", "employee": users["employee"].nip, "until": "2026-02-20", "reason": "x"})
    assert response.status_code == 422 and "belum ditutup" in response.get_data(as_text=True)


# ---------------------------------------------------------------------------------------------------------
# Access: pegawai 403 everywhere, auditor reads only


def _urls(period):
    phase = services.find_phase(period, "perencanaan")
    reopening = PhaseReopening(phase_id=phase.id, until=D(2026, 3, 1), reason="x")
    db.session.add(reopening)
    db.session.commit()
    return {
        "index": ("GET", "/periode", None),
        "create": ("POST", "/periode", {"year": "2030", "frequency": "bulanan"}),
        "detail": ("GET", f"/periode/{period.id}", None),
        "edit_get": ("GET", f"/periode/fase/{phase.id}/ubah", None),
        "edit_post": ("POST", f"/periode/fase/{phase.id}/ubah",
                      {"opens_on": "2026-01-03", "closes_on": "2026-01-31", "version_id": str(period.version_id)}),
        "reopen_get": ("GET", f"/periode/fase/{phase.id}/buka-ulang", None),
        "reopen_post": ("POST", f"/periode/fase/{phase.id}/buka-ulang", {"target": "unit", "until": "2026-03-01"}),
        "end_reopening": ("POST", f"/periode/buka-ulang/{reopening.id}/akhiri", {}),
        "holidays": ("GET", "/kalender", None),
        "holiday_add": ("POST", "/kalender", {"date": "2026-06-22", "name": "x", "kind": "libur_nasional"}),
    }


EXPECTED = {
    # endpoint: (admin, auditor, pegawai)
    "index": (200, 200, 403), "create": (302, 403, 403), "detail": (200, 200, 403),
    "edit_get": (200, 403, 403), "edit_post": (302, 403, 403), "reopen_get": (200, 403, 403),
    "reopen_post": (422, 403, 403), "end_reopening": (302, 403, 403), "holidays": (200, 200, 403),
    "holiday_add": (302, 403, 403),
}


@pytest.mark.parametrize("role_index,role", [(0, "admin"), (1, "auditor"), (2, "pegawai")])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_access_matrix(client, login, users, period, name, role_index, role):
    method, url, data = _urls(period)[name]
    login(users[role])
    response = client.open(url, method=method, data=data)
    assert response.status_code == EXPECTED[name][role_index], (name, role)


def test_anonymous_is_sent_to_login(client, period):
    response = client.get(f"/periode/{period.id}")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_unknown_ids_are_404(client, login, users):
    login(users["admin"])
    assert client.get("/periode/999").status_code == 404
    assert client.get("/periode/fase/999/ubah").status_code == 404
    assert client.post("/periode/buka-ulang/999/akhiri").status_code == 404


# ---------------------------------------------------------------------------------------------------------
# Deadlines filter and query counts


@pytest.mark.parametrize(("deadline", "text"), [
    (D(2026, 2, 10), "hari ini batas akhir"),
    (D(2026, 2, 13), "4 hari kerja lagi"),  # Tue, Wed, Thu, Fri
    (D(2026, 2, 17), "4 hari kerja lagi"),  # 16 Feb cuti bersama Imlek, 17 Feb Imlek: no more working days
    (D(2026, 2, 18), "5 hari kerja lagi"),
    (D(2026, 2, 9), "sudah lewat 1 hari kerja"),
    (D(2026, 2, 6), "sudah lewat 2 hari kerja"),  # Friday deadline, today Tuesday: Mon and Tue
])
def test_hari_kerja_lagi(app, make_holiday, deadline, text):
    make_holiday(D(2026, 2, 16), kind="cuti_bersama")
    make_holiday(D(2026, 2, 17))
    with app.test_request_context():
        assert render_template_string("{{ d | hari_kerja_lagi }}", d=deadline) == text


def test_hari_kerja_lagi_edge_cases(app, monkeypatch):
    monkeypatch.setattr("portal.periods.views.local_today", lambda: D(2026, 2, 14))  # a Saturday
    with app.test_request_context():
        assert render_template_string("{{ d | hari_kerja_lagi }}", d=D(2026, 2, 15)) == "tidak ada hari kerja lagi"
        assert render_template_string("{{ d | hari_kerja_lagi }}", d=D(2026, 2, 13)) == "sudah lewat"
        assert render_template_string("{{ d | hari_kerja_lagi }}", d=None) == ""
        assert render_template_string("{{ d | hari_kerja_lagi }}",
                                      d=dt.datetime(2026, 2, 14, 9, 0)) == "hari ini batas akhir"


def test_hari_kerja_lagi_loads_holidays_once_per_request(app, queries):
    deadlines = [D(2026, 3, day) for day in range(1, 29)]
    with app.test_request_context(), queries() as q:
        out = render_template_string("{% for d in ds %}{{ d | hari_kerja_lagi }};{% endfor %}", ds=deadlines)
    assert out.count("hari kerja lagi") == 28
    assert q.count == 1


def _detail_queries(client, queries, url):
    client.get(url)  # warm up
    with queries() as q:
        response = client.get(url)
    assert response.status_code == 200
    return q.count


def test_detail_query_count_is_flat(client, login, queries, users, make_period, make_employee):
    login(users["admin"])
    small = make_period(2026, "triwulanan")
    big = make_period(2027, "bulanan", planning=(D(2027, 1, 2), D(2027, 1, 31)),
                      pelaksanaan=(D(2026, 1, 1), D(2026, 1, 31)))
    for period, count in ((small, 3), (big, 30)):
        phase = services.find_phase(period, "pelaksanaan" if period is big else "perencanaan")
        for n in range(count):
            target = make_employee(unit=users["sub"]) if n % 2 else None
            db.session.add(PhaseReopening(phase_id=phase.id, employee_id=target.id if target else None,
                                          unit_id=None if target else users["opd"].id, until=D(2026, 3, 1),
                                          reason=f"alasan {n}"))
        db.session.commit()
    few = _detail_queries(client, queries, f"/periode/{small.id}")
    many = _detail_queries(client, queries, f"/periode/{big.id}")
    body = client.get(f"/periode/{big.id}").get_data(as_text=True)
    assert body.count("alasan ") == 30
    assert few == many
