"""The development pages through HTTP: the employee's page (JP bar, gaps, suggestions, plan), items added by form
and from a suggestion, the plan's and items' transitions without JS and with htmx (422 at the field, 409 when
decided or stale), certificates served only to who may see the plan, the competency assessment page, the dictionary,
activity types and standards for the admin and heads, the team, unit heat map and training needs pages; every plan,
item, certificate and competency URL by role; the exports read back with openpyxl and csv; query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.development import competencies, rules
from portal.development import services as services
from portal.development.models import CompetencyAssessment, DevelopmentItem, DevelopmentPlan
from portal.extensions import db
from tests.unit.test_development_services import (
    NOW,
    PDF,
    TODAY,
    YEAR,
    add,
    approved_plan,
    build,
    comp,
    kind,
    plan_for,
    rate,
    standard,
)

HTMX = {"HX-Request": "true"}
ROLES = ("employee", "colleague", "assessor", "head", "stranger", "admin", "auditor")


@pytest.fixture
def w():
    return build()


def who(w, role):
    return {"employee": w.users[w.staff[0].id], "colleague": w.users[w.staff[1].id],
            "assessor": w.users[w.assessor.id], "head": w.users[w.head.id], "stranger": w.users[w.stranger.id],
            "admin": w.admin, "auditor": w.auditor}[role]


def as_(login, client, user):
    return login(user, client.application.test_client())


def certified(w):
    """An approved plan of staff 0 with a completed item and its certificate."""
    plan, item = approved_plan(w)
    services.complete_item(who(w, "employee"), item, actual_jp=12, completed_on=TODAY, today=TODAY, now=NOW,
                           files=[("Sertifikat.pdf", io.BytesIO(PDF))])
    db.session.commit()
    return plan, item, item.certificates[0]


# ---------------------------------------------------------------------------------------------------------
# The employee's page and the plan without JS


def test_the_employee_builds_a_plan_without_js(w, client, login):
    standard(w, {"komunikasi": 4, "integritas": 3})
    rate(w, w.staff[0], {"komunikasi": 2, "integritas": 3})
    c = as_(login, client, who(w, "employee"))
    html = c.get("/pengembangan").get_data(as_text=True)
    assert "Pengembangan Kompetensi" in html and 'id="jp-progress"' in html and "0 dari 20 JP selesai" in html
    assert "Kurang 2 level" in html and "Pelatihan Komunikasi" in html  # the gap table and its suggestion
    assert c.post(f"/pengembangan/pegawai/{w.staff[0].id}/rencana", data={"tahun": YEAR}).status_code == 302
    plan = db.session.scalar(select(DevelopmentPlan))
    key = f"kompetensi-{comp('komunikasi').id}"
    response = c.post(f"/pengembangan/rencana/{plan.id}/saran", data={"key": key})
    item = db.session.scalar(select(DevelopmentItem))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/pengembangan/kegiatan/{item.id}")
    form = c.get(f"/pengembangan/kegiatan/{item.id}").get_data(as_text=True)
    assert 'name="title"' in form and "Pelatihan Komunikasi" in form
    data = {"version": item.version_id, "addresses": rules.ADDRESSES_COMPETENCY, "competency_id": comp("komunikasi").id,
            "gap_note": "Komunikasi 2 dari 4", "activity_type_id": kind("seminar").id, "title": "Seminar Komunikasi",
            "provider": "BPSDM Provinsi", "starts_on": f"{YEAR}-06-02", "ends_on": f"{YEAR}-06-03", "cost": "",
            "planned_jp": ""}
    assert c.post(f"/pengembangan/kegiatan/{item.id}", data=data).status_code == 302
    db.session.expire_all()
    assert (item.title, item.planned_jp) == ("Seminar Komunikasi", 8)  # 2 days of a seminar, 4 JP each
    assert c.post(f"/pengembangan/rencana/{plan.id}/ajukan", data={"version": plan.version_id}).status_code == 302
    db.session.expire_all()
    assert plan.status == rules.PLAN_SUBMITTED
    assessor = as_(login, client, who(w, "assessor"))
    page = assessor.get(f"/pengembangan/pegawai/{w.staff[0].id}").get_data(as_text=True)
    assert "Setujui rencana" in page and "Seminar Komunikasi" in page
    assert assessor.post(f"/pengembangan/rencana/{plan.id}/setujui",
                         data={"version": plan.version_id}).status_code == 302
    db.session.expire_all()
    assert plan.status == rules.PLAN_APPROVED and item.status == rules.APPROVED
    html = c.get("/pengembangan").get_data(as_text=True)
    assert "Disetujui, belum selesai: 8 JP" in html and "Tandai selesai" in html


def test_an_invalid_item_is_shown_at_its_field_with_422(w, client, login):
    plan = plan_for(w)
    c = as_(login, client, who(w, "employee"))
    data = {"addresses": rules.ADDRESSES_COMPETENCY, "competency_id": "", "activity_type_id": kind("pelatihan").id,
            "title": "Pelatihan", "planned_jp": "8"}
    response = c.post(f"/pengembangan/rencana/{plan.id}/kegiatan-baru", data=data, headers=HTMX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="development-item"' in html and "<html" not in html
    assert re.search(r'id="competency_id-error"[^>]*>[^<]*Pilih kompetensi', html)
    response = c.post(f"/pengembangan/rencana/{plan.id}/kegiatan-baru",
                      data={**data, "competency_id": "99999999999999"})
    assert response.status_code == 422 and db.session.scalar(select(DevelopmentItem.id)) is None


def test_a_second_decision_is_a_conflict_and_a_stale_form_too(w, client, login):
    plan = plan_for(w)
    add(w, plan)
    services.submit_plan(who(w, "employee"), plan, now=NOW)
    db.session.commit()
    c = as_(login, client, who(w, "assessor"))
    version = plan.version_id
    assert c.post(f"/pengembangan/rencana/{plan.id}/setujui", data={"version": version}).status_code == 302
    response = c.post(f"/pengembangan/rencana/{plan.id}/kembalikan", data={"note": "Terlambat", "version": ""},
                      headers=HTMX)
    assert response.status_code == 409 and 'id="development-page"' in response.get_data(as_text=True)
    item = db.session.scalar(select(DevelopmentItem))
    e = as_(login, client, who(w, "employee"))
    old = item.version_id
    assert e.post(f"/pengembangan/kegiatan/{item.id}/mulai", data={"version": old}).status_code == 302
    response = e.post(f"/pengembangan/kegiatan/{item.id}/batal", data={"version": old, "note": "x"})
    assert response.status_code == 409
    db.session.expire_all()
    assert item.status == rules.RUNNING


def test_completing_with_a_certificate_moves_the_jp_bar(w, client, login):
    plan, item = approved_plan(w)
    c = as_(login, client, who(w, "employee"))
    response = c.post(f"/pengembangan/kegiatan/{item.id}/selesai",
                      data={"version": item.version_id, "actual_jp": "12", "completed_on": TODAY.isoformat()})
    assert response.status_code == 422
    assert "Unggah sertifikat kegiatan klasikal" in response.get_data(as_text=True)
    bad = c.post(f"/pengembangan/kegiatan/{item.id}/selesai", content_type="multipart/form-data",
                 data={"version": item.version_id, "actual_jp": "12", "completed_on": TODAY.isoformat(),
                       "certificate": (io.BytesIO(b"<html><script>x</script></html>"), "sertifikat.pdf")})
    assert bad.status_code == 422 and "HTML" in bad.get_data(as_text=True)
    ok = c.post(f"/pengembangan/kegiatan/{item.id}/selesai", content_type="multipart/form-data",
                data={"version": item.version_id, "actual_jp": "12", "completed_on": TODAY.isoformat(),
                      "certificate": (io.BytesIO(PDF), "Sertifikat Komunikasi.pdf")})
    assert ok.status_code == 302
    html = c.get("/pengembangan").get_data(as_text=True)
    assert "12 dari 20 JP selesai" in html and re.search(r'<progress id="jp-progress" max="20" value="12"', html)
    certificate = db.session.scalar(select(DevelopmentItem)).certificates[0]
    download = c.get(f"/pengembangan/sertifikat/{certificate.id}")
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_carrying_an_item_to_next_year(w, client, login):
    plan, item = approved_plan(w)
    c = as_(login, client, who(w, "employee"))
    assert c.post(f"/pengembangan/kegiatan/{item.id}/bawa", data={"version": item.version_id}).status_code == 302
    db.session.expire_all()
    assert item.carried_to_id is not None
    html = c.get(f"/pengembangan?tahun={YEAR + 1}").get_data(as_text=True)
    assert f"dari rencana {YEAR}" in html and "Pelatihan Komunikasi Efektif" in html


def test_a_dialog_action_from_the_page(w, client, login):
    from portal.dialog import rules as dialog_rules
    from portal.dialog.models import DialogAction, DialogSession

    session = DialogSession(employee_id=w.staff[0].id, assessor_id=w.assessor.id, proposed_by="penilai",
                            starts_at=NOW - dt.timedelta(days=3), status=dialog_rules.CLOSED)
    session.actions.append(DialogAction(text="Daftarkan pelatihan spreadsheet", owner_id=w.assessor.id))
    db.session.add(session)
    db.session.commit()
    plan = plan_for(w)
    c = as_(login, client, who(w, "employee"))
    assert "Daftarkan pelatihan spreadsheet" in c.get("/pengembangan").get_data(as_text=True)
    action = session.actions[0]
    stranger = as_(login, client, who(w, "colleague"))
    assert stranger.post(f"/pengembangan/rencana/{plan.id}/tindak-lanjut/{action.id}").status_code == 404
    assert c.post(f"/pengembangan/rencana/{plan.id}/tindak-lanjut/{action.id}").status_code == 302
    assert db.session.scalar(select(DevelopmentItem.from_action_id)) == action.id


def test_the_page_fragment_for_htmx(w, client, login):
    c = as_(login, client, who(w, "employee"))
    response = c.get("/pengembangan", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="development-page"' in html
    assert "HX-Request" in response.headers["Vary"]


# ---------------------------------------------------------------------------------------------------------
# Competency assessment page


def test_self_assessment_then_the_assessor_rates_through_the_page(w, client, login):
    standard(w, {"komunikasi": 3, "integritas": 3})
    url = f"/pengembangan/kompetensi/{w.staff[0].id}/{YEAR}"
    ids = {c: comp(c).id for c in ("komunikasi", "integritas")}
    e = as_(login, client, who(w, "employee"))
    page = e.get(url).get_data(as_text=True)
    assert "Kirim penilaian diri" in page and "Finalkan penilaian" not in page and "Memadai" in page
    response = e.post(url, data={"action": "kirim", f"level-{ids['komunikasi']}": "4", "version": ""}, headers=HTMX)
    assert response.status_code == 422
    assert re.search(rf'id="level-{ids["integritas"]}-error"[^>]*>[^<]*Pilih level Integritas', response.get_data(
        as_text=True))
    assert e.post(url, data={"action": "finalkan", "version": ""}).status_code == 403
    assert e.post(url, data={"action": "kirim", f"level-{ids['komunikasi']}": "4", f"level-{ids['integritas']}": "3",
                             "version": ""}).status_code == 302
    a = as_(login, client, who(w, "assessor"))
    assert a.post(url, data={"action": "kirim", "version": ""}).status_code == 403
    assessment = db.session.scalar(select(CompetencyAssessment))
    response = a.post(url, data={"action": "finalkan", f"level-{ids['komunikasi']}": "9",
                                 "version": assessment.version_id})
    assert response.status_code == 422
    assert a.post(url, data={"action": "finalkan", f"level-{ids['komunikasi']}": "1",
                             f"level-{ids['integritas']}": "3", "version": assessment.version_id}).status_code == 302
    html = e.get("/pengembangan").get_data(as_text=True)
    assert "Kurang 2 level" in html and "4 · Di Atas Memadai" in html
    stale = a.post(url, data={"action": "simpan", "version": assessment.version_id})
    assert stale.status_code == 409


# ---------------------------------------------------------------------------------------------------------
# Authorisation: every plan, item, certificate and competency URL by role


def _targets(w):
    plan, item, certificate = certified(w)
    pending = add(w, plan, title="Seminar Perubahan", competency_id=comp("mengelola_perubahan").id)
    services.submit_plan(who(w, "employee"), plan, now=NOW)
    db.session.commit()
    return {"plan": plan.id, "item": item.id, "pending": pending.id, "certificate": certificate.id,
            "employee": w.staff[0].id}


OK_READ = {"employee": 200, "assessor": 200, "head": 200, "admin": 200, "auditor": 200}
MATRIX = [
    ("GET", "/pengembangan/pegawai/{employee}", {**OK_READ, "employee": 302}, 403),
    ("GET", "/pengembangan/kompetensi/{employee}/" + str(YEAR), OK_READ, 403),
    ("GET", "/pengembangan/pegawai/{employee}/jp.xlsx", OK_READ, 403),
    ("GET", "/pengembangan/pegawai/{employee}/jp.csv", OK_READ, 403),
    ("GET", "/pengembangan/kegiatan/{item}", OK_READ, 404),
    ("GET", "/pengembangan/sertifikat/{certificate}", OK_READ, 404),
    ("POST", "/pengembangan/kompetensi/{employee}/" + str(YEAR), {"employee": 302, "assessor": 302, "head": 403,
                                                                  "admin": 403, "auditor": 403}, 403),
    ("POST", "/pengembangan/pegawai/{employee}/rencana", {"employee": 302, "assessor": 403, "head": 403,
                                                          "admin": 403, "auditor": 403}, 403),
    ("POST", "/pengembangan/rencana/{plan}/setujui", {"employee": 403, "assessor": 302, "head": 403, "admin": 403,
                                                      "auditor": 403}, 404),
    ("POST", "/pengembangan/rencana/{plan}/kembalikan", {"employee": 403, "assessor": 302, "head": 403,
                                                         "admin": 403, "auditor": 403}, 404),
    ("POST", "/pengembangan/rencana/{plan}/ajukan", {"employee": 409, "assessor": 403, "head": 403, "admin": 403,
                                                     "auditor": 403}, 404),
    ("POST", "/pengembangan/rencana/{plan}/kegiatan-baru", {"employee": 409, "assessor": 403, "head": 403,
                                                            "admin": 403, "auditor": 403}, 404),
    ("GET", "/pengembangan/rencana/{plan}/kegiatan-baru", {"employee": 200, "assessor": 403, "head": 403,
                                                           "admin": 403, "auditor": 403}, 404),
    ("POST", "/pengembangan/rencana/{plan}/saran", {"employee": 409, "assessor": 403, "head": 403, "admin": 403,
                                                    "auditor": 403}, 404),
    ("POST", "/pengembangan/kegiatan/{pending}", {"employee": 409, "assessor": 403, "head": 403, "admin": 403,
                                                  "auditor": 403}, 404),
    ("POST", "/pengembangan/kegiatan/{pending}/hapus", {"employee": 409, "assessor": 403, "head": 403,
                                                        "admin": 403, "auditor": 403}, 404),
    ("POST", "/pengembangan/kegiatan/{item}/mulai", {"employee": 409, "assessor": 403, "head": 403, "admin": 403,
                                                     "auditor": 403}, 404),
    ("POST", "/pengembangan/kegiatan/{item}/selesai", {"employee": 409, "assessor": 403, "head": 403,
                                                       "admin": 403, "auditor": 403}, 404),
    ("POST", "/pengembangan/kegiatan/{item}/batal", {"employee": 409, "assessor": 409, "head": 403, "admin": 403,
                                                     "auditor": 403}, 404),
    ("POST", "/pengembangan/kegiatan/{item}/bawa", {"employee": 409, "assessor": 403, "head": 403, "admin": 403,
                                                    "auditor": 403}, 404),
    ("POST", "/pengembangan/kegiatan/{item}/sertifikat", {"employee": 302, "assessor": 403, "head": 403,
                                                          "admin": 403, "auditor": 403}, 404),
]


@pytest.mark.parametrize("method, template, allowed, refused", MATRIX, ids=[f"{m} {t}" for m, t, _a, _r in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_plan_item_certificate_and_competency_urls_by_role(w, client, login, method, template, allowed, refused,
                                                           role):
    targets = _targets(w)
    url = template.format(**targets)
    data = {"version": "", "note": "Catatan", "tahun": str(YEAR), "key": "tidak-ada", "action": "simpan",
            "actual_jp": "4", "completed_on": TODAY.isoformat(), "addresses": rules.ADDRESSES_PERFORMANCE,
            "activity_type_id": str(kind("coaching").id), "title": "Coaching", "planned_jp": "4"}
    if url.endswith("/sertifikat"):
        data = {"certificate": (io.BytesIO(PDF), "lagi.pdf")}
    c = as_(login, client, who(w, role))
    response = c.open(url, method=method, data=data if method == "POST" else None)
    assert response.status_code == allowed.get(role, refused), (role, method, url, response.status_code)
    if allowed.get(role, refused) in (403, 404) and url.endswith(".xlsx") is False:
        assert "Pelatihan Komunikasi Efektif" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path, allowed", [
    ("/pengembangan", {"employee", "colleague", "assessor", "head", "stranger"}),
    ("/pengembangan/tim", {"assessor", "head"}),
    ("/pengembangan/unit", {"assessor", "head", "admin", "auditor"}),
    ("/pengembangan/standar", {"assessor", "head", "admin", "auditor"}),
    ("/pengembangan/kebutuhan", {"admin", "auditor"}),
    (f"/pengembangan/kebutuhan/{YEAR}.xlsx", {"admin", "auditor"}),
    ("/pengembangan/kamus", {"admin", "auditor"}),
    ("/pengembangan/jenis-kegiatan", {"admin", "auditor"}),
])
def test_list_pages_by_role(w, client, login, path, allowed):
    for role in ROLES:
        status = as_(login, client, who(w, role)).get(path).status_code
        assert status == (200 if role in allowed else 403), (path, role, status)


def test_the_unit_pages_stay_in_the_heads_scope(w, client, login):
    standard(w, {"komunikasi": 3})
    rate(w, w.staff[0], {"komunikasi": 1})
    cell = f"/pengembangan/unit/{w.bidang.id}/kompetensi/{comp('komunikasi').id}?selisih=2&tahun={YEAR}"
    assessor = as_(login, client, who(w, "assessor"))  # heads the bidang only
    assert assessor.get(f"/pengembangan/unit?unit={w.bidang.id}").status_code == 200
    assert assessor.get(f"/pengembangan/unit?unit={w.opd.id}").status_code == 403
    assert assessor.get(f"/pengembangan/unit?unit={w.outside.id}").status_code == 403
    assert w.staff[0].full_name in assessor.get(cell).get_data(as_text=True)
    assert assessor.get(cell.replace("selisih=2", "selisih=9")).status_code == 404
    assert as_(login, client, who(w, "stranger")).get(cell).status_code == 403
    assert as_(login, client, who(w, "employee")).get(cell).status_code == 403
    head = as_(login, client, who(w, "head"))
    assert head.get(f"/pengembangan/standar/{w.far.id}").status_code == 403
    assert head.post(f"/pengembangan/standar/{w.analyst.id}", data={f"level-{comp('integritas').id}": "2"}
                     ).status_code == 302
    assert as_(login, client, who(w, "auditor")).post(f"/pengembangan/standar/{w.analyst.id}",
                                                      data={}).status_code == 403


# ---------------------------------------------------------------------------------------------------------
# Admin: dictionary, activity types, standards copied


def test_the_admin_edits_the_dictionary_and_the_types_and_copies_a_standard(w, client, login):
    admin = as_(login, client, w.admin)
    html = admin.get("/pengembangan/kamus").get_data(as_text=True)
    assert "Perekat Bangsa" in html and "Mengelola Perubahan" in html and "Tambah kompetensi teknis" in html
    response = admin.post("/pengembangan/kamus/baru", data={"name": "Pengelolaan Data Pendidikan",
                                                            **{f"level_{n}": f"Deskripsi {n}" for n in range(1, 6)}})
    assert response.status_code == 302
    assert admin.post("/pengembangan/kamus/baru", data={"name": "Tanpa level"}).status_code == 422
    komunikasi = comp("komunikasi")
    data = {"version": komunikasi.version_id, "name": "Komunikasi", "description": "Definisi baru", "active": "y",
            **{f"level_{n}": f"Level {n}" for n in range(1, 6)}}
    assert admin.post(f"/pengembangan/kamus/{komunikasi.id}", data=data).status_code == 302
    assert admin.post(f"/pengembangan/kamus/{komunikasi.id}", data=data).status_code == 409  # stale
    auditor = as_(login, client, w.auditor)
    assert auditor.get(f"/pengembangan/kamus/{komunikasi.id}").status_code == 200
    assert auditor.post(f"/pengembangan/kamus/{komunikasi.id}", data=data).status_code == 403
    assert auditor.post("/pengembangan/kamus/baru", data={}).status_code == 403
    seminar = kind("seminar")
    response = admin.post(f"/pengembangan/jenis-kegiatan/{seminar.id}",
                          data={f"t{seminar.id}-name": "Seminar", f"t{seminar.id}-mode": rules.KLASIKAL,
                                f"t{seminar.id}-jp_per_day": "3", f"t{seminar.id}-active": "y"})
    assert response.status_code == 302 and kind("seminar").jp_per_day == 3
    assert admin.post("/pengembangan/jenis-kegiatan/baru", data={"baru-name": "Webinar", "baru-mode": "non_klasikal",
                                                                "baru-jp_per_day": ""}).status_code == 302
    assert auditor.post(f"/pengembangan/jenis-kegiatan/{seminar.id}", data={}).status_code == 403
    standard(w, {"komunikasi": 3})
    page = admin.get(f"/pengembangan/standar/{w.analyst.id}").get_data(as_text=True)
    assert "Salin standar ke 2 jabatan" in page
    assert admin.post(f"/pengembangan/standar/{w.analyst.id}/salin").status_code == 302
    assert competencies.standard_levels(w.far.id) == {comp("komunikasi").id: 3}
    listing = admin.get("/pengembangan/standar?q=analis").get_data(as_text=True)
    assert listing.count("Analis Data") + listing.count("ANALIS DATA") == 3


# ---------------------------------------------------------------------------------------------------------
# Exports


def test_the_training_needs_workbook(w, client, login):
    approved_plan(w, w.staff[0], cost=2_500_000)
    other = plan_for(w, w.stranger)
    add(w, other, title="=HYPERLINK(\"http://x\")")
    standard(w, {"komunikasi": 4})
    rate(w, w.staff[1], {"komunikasi": 2})
    response = as_(login, client, w.admin).get(f"/pengembangan/kebutuhan/{YEAR}.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert f"kebutuhan-pengembangan-{YEAR}.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames == ["Kebutuhan", "Rincian", "Kesenjangan"]
    needs = list(book["Kebutuhan"].iter_rows(values_only=True))
    assert needs[0][:3] == ("Tahun", "Kompetensi atau kebutuhan", "Jenis kompetensi")
    assert needs[1][:10] == (YEAR, "Komunikasi", "Manajerial", "Pelatihan", "Klasikal", 2, 2, 1, 24, 2_500_000)
    assert needs[1][11] == "Dinas Lain; Dinas Uji Kompetensi"
    details = list(book["Rincian"].iter_rows(values_only=True))
    assert len(details) == 3
    nips = {row[0] for row in details[1:]}
    assert all(isinstance(n, str) and len(n.replace(" ", "")) == 18 for n in nips)
    assert any(str(row[7]).startswith("'=HYPERLINK") for row in details[1:])  # never a formula
    gaps = list(book["Kesenjangan"].iter_rows(values_only=True))
    assert gaps[1] == ("Komunikasi", "Manajerial", 0, 0, 1, 0)
    assert as_(login, client, w.admin).get("/pengembangan/kebutuhan/1999.xlsx").status_code == 404


def test_the_jp_record_as_xlsx_and_csv(w, client, login):
    plan, item, _certificate = certified(w)
    add(w, plan, title="Kursus Lanjutan", planned_jp=6)
    c = as_(login, client, who(w, "assessor"))
    book = load_workbook(io.BytesIO(c.get(f"/pengembangan/pegawai/{w.staff[0].id}/jp.xlsx").data), read_only=True)
    summary = list(book["Ringkasan JP"].iter_rows(values_only=True))
    assert summary[1][1] == w.staff[0].full_name
    assert summary[4] == (YEAR, 12, 0, 6, 20, "tidak")
    rows = list(book["Kegiatan"].iter_rows(values_only=True))
    assert [(r[4], r[8], r[9], r[10], r[12]) for r in rows[1:]] == [
        ("Pelatihan Komunikasi Efektif", "Selesai", 12, 12, "ya"), ("Kursus Lanjutan", "Direncanakan", 6, None,
                                                                    "tidak")]
    response = c.get(f"/pengembangan/pegawai/{w.staff[0].id}/jp.csv")
    assert response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert table[1][0] == "Tahun rencana" and table[2][4] == "Pelatihan Komunikasi Efektif" and table[2][10] == "12"
    assert [str(YEAR), "12", "0", "6", "20", "tidak"] in table


# ---------------------------------------------------------------------------------------------------------
# The team, unit and regency pages and their query counts


def test_team_unit_and_needs_pages_show_the_numbers(w, client, login):
    standard(w, {"komunikasi": 4, "mengelola_perubahan": 3})
    rate(w, w.staff[0], {"komunikasi": 2, "mengelola_perubahan": 3})
    certified(w)
    plan = plan_for(w, w.staff[1])
    add(w, plan)
    services.submit_plan(who(w, "colleague"), plan, now=NOW)
    db.session.commit()
    team = as_(login, client, who(w, "assessor")).get("/pengembangan/tim").get_data(as_text=True)
    assert "1 rencana menunggu keputusan Anda." in team and "Tinjau rencana" in team
    unit = as_(login, client, who(w, "head")).get(f"/pengembangan/unit?tahun={YEAR}").get_data(as_text=True)
    assert "Dinas Uji Kompetensi" in unit and "Komunikasi" in unit and "heat-" in unit
    assert f"/pengembangan/unit/{w.opd.id}/kompetensi/{comp('komunikasi').id}?selisih=2" in unit.replace("&amp;", "&")
    assert "<strong>5</strong> pegawai aktif" in unit  # head, assessor, three staff
    needs = as_(login, client, w.admin).get(f"/pengembangan/kebutuhan?tahun={YEAR}")
    html = needs.get_data(as_text=True)
    assert "Komunikasi" in html and "Dinas Uji Kompetensi" in html and f"/pengembangan/kebutuhan/{YEAR}.xlsx" in html
    fragment = as_(login, client, w.admin).get(f"/pengembangan/kebutuhan?tahun={YEAR}", headers=HTMX)
    assert "<html" not in fragment.get_data(as_text=True) and 'id="development-needs"' in fragment.get_data(
        as_text=True)


def test_heat_map_needs_and_team_query_counts_are_flat(w, client, login, queries):
    from tests import factories

    standard(w, {"komunikasi": 4, "integritas": 3, "mengelola_perubahan": 3})
    head = as_(login, client, who(w, "head"))
    admin = as_(login, client, w.admin)
    assessor = as_(login, client, who(w, "assessor"))
    pages = [(head, f"/pengembangan/unit?tahun={YEAR}"), (admin, f"/pengembangan/kebutuhan?tahun={YEAR}"),
             (assessor, f"/pengembangan/tim?tahun={YEAR}"),
             (head, f"/pengembangan/unit/{w.opd.id}/kompetensi/{comp('komunikasi').id}?selisih=2&tahun={YEAR}")]

    def measure():
        counts = []
        for c, url in pages:
            c.get(url)
            with queries() as q:
                assert c.get(url).status_code == 200
            counts.append(q.count)
        return counts

    def grow(n, start):
        for i in range(n):
            emp = factories.make_employee(f"Tambahan {start + i}", unit=w.bidang, superior=w.assessor,
                                          position=w.analyst)
            w.users[emp.id] = factories.make_user(employee=emp)
            rate(w, emp, {"komunikasi": 1 + i % 4, "integritas": 3, "mengelola_perubahan": 1})
            plan = plan_for(w, emp)
            add(w, plan, competency_id=comp(["komunikasi", "integritas", "mengelola_perubahan"][i % 3]).id,
                activity_type_id=kind(["pelatihan", "seminar", "coaching"][i % 3]).id)
            services.submit_plan(w.users[emp.id], plan, now=NOW)
            if i % 2:
                services.approve_plan(w.users[w.assessor.id], plan, now=NOW)
            db.session.commit()

    grow(3, 0)
    small = measure()
    grow(12, 3)
    assert measure() == small
