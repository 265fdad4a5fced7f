"""Self-assessment screens: index, the form (full page, htmx autosave, no-JS draft), submit (422), stale (409),
the return, the read view and its authorisation, closed windows, and flat query counts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.assessment import self_services as services
from portal.assessment.models import SELF_RETURNED, SELF_SUBMITTED, SelfAssessment
from portal.core.audit import AuditLog
from portal.extensions import db
from portal.org.reference import seed_reference_data
from tests import factories
from tests.conftest import _wipe_tables
from tests.unit.test_self_assessment import NOW, build_world, complete_data

HX = {"HX-Request": "true"}


@pytest.fixture
def w():
    return build_world()


def edit_url(w, phase=None):
    return f"/penilaian-diri/{(phase or w.window).id}"


def the_sa(w) -> SelfAssessment:
    db.session.expire_all()
    return db.session.scalar(select(SelfAssessment).where(SelfAssessment.employee_id == w.owner.id,
                                                          SelfAssessment.phase_id == w.window.id))


def form_data(sa: SelfAssessment, data: dict | None = None, **extra) -> dict:
    """The form as the browser posts it (radios only when chosen)."""
    data = data or complete_data(sa)
    posted = {"version_id": str(sa.version_id)}
    for name in services.REFLECTION_FIELDS:
        posted[name] = data.get(name, "")
    for rhk_id, row in data["results"].items():
        posted[f"rhk-{rhk_id}-summary"] = row["summary"]
        posted[f"rhk-{rhk_id}-justification"] = row["justification"]
        if row["rating"]:
            posted[f"rhk-{rhk_id}-rating"] = row["rating"]
    posted["item"] = [str(item_id) for item_id in data["behaviours"]]
    for item_id, row in data["behaviours"].items():
        if row["score"]:
            posted[f"item-{item_id}-score"] = row["score"]
    for code, text in data.get("examples", {}).items():
        posted[services.example_field(code)] = text
    posted.update(extra)
    return posted


def opened(w, client, login) -> SelfAssessment:
    """The owner opens the form (which writes nothing); the first autosave creates the draft."""
    login(w.u_owner)
    assert client.get(edit_url(w)).status_code == 200
    assert the_sa(w) is None
    assert client.post(edit_url(w), data={"version_id": ""}, headers=HX).status_code == 200
    return the_sa(w)


def submitted(w, client, login) -> SelfAssessment:
    sa = opened(w, client, login)
    response = client.post(f"/penilaian-diri/{sa.id}/ajukan", data=form_data(sa))
    assert response.status_code == 302
    sa = the_sa(w)
    assert sa.status == SELF_SUBMITTED
    return sa


# --- index ---------------------------------------------------------------------------------------------


def test_index_lists_windows_with_state_and_deadline(w, client, login):
    login(w.u_owner)
    page = client.get("/penilaian-diri").get_data(as_text=True)
    assert "Evaluasi Periodik Triwulan III" in page
    assert "hari kerja lagi" in page
    assert f'href="/penilaian-diri/{w.window.id}"' in page
    assert "Isi penilaian diri" in page
    assert "belum dimulai" in page
    assert f'href="/penilaian-diri/{w.closed.id}"' not in page  # closed, nothing to open

    opened(w, client, login)
    page = client.get("/penilaian-diri").get_data(as_text=True)
    assert "Lanjutkan" in page and ">draf<" in page


def test_index_explains_when_there_is_no_approved_skp(client, login):
    w = build_world(skp_status="draft")
    login(w.u_owner)
    page = client.get("/penilaian-diri").get_data(as_text=True)
    assert "belum memiliki SKP yang disetujui" in page
    assert f'href="/penilaian-diri/{w.window.id}"' not in page
    response = client.get(edit_url(w))  # opening the window anyway explains and creates nothing
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SelfAssessment)) == 0


# --- the form --------------------------------------------------------------------------------------------


def test_opening_the_form_writes_nothing_and_the_first_save_creates_the_draft(w, client, login):
    factories.make_realisation(w.skp.result_plans[0].indicators[0], 1, text="Laporan bulan pertama")
    login(w.u_owner)
    audit_rows = db.session.scalar(select(func.count()).select_from(AuditLog))
    for _ in range(2):
        response = client.get(edit_url(w))
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert the_sa(w) is None  # no draft ...
        assert db.session.scalar(select(func.count()).select_from(AuditLog)) == audit_rows  # ... and no audit row
    assert "<legend>Rating hasil kerja menurut Anda</legend>" in page
    assert "Di Atas Ekspektasi" in page and "Di Bawah Ekspektasi" in page
    assert "Sangat Kurang" in page and "Istimewa" in page
    assert "Laporan bulan pertama" in page  # the facts and the prefilled summary
    assert 'hx-trigger="change, keyup delay:2s"' in page
    assert 'id="self-version" value=""' in page
    assert "Simpan draf" in page and "Ajukan penilaian diri" in page
    assert "<html" in page

    data = {"version_id": "", "achievements": "Dimulai", "item": [], "csrf_token": ""}
    response = client.post(edit_url(w), data=data, headers=HX)
    assert response.status_code == 200
    sa = the_sa(w)
    assert sa.achievements == "Dimulai" and len(sa.result_ratings) == 2 and len(sa.behaviour_ratings) == 21
    assert "Laporan bulan pertama" in sa.result_ratings[0].summary
    assert f'id="self-version" value="{sa.version_id}" hx-swap-oob="true"' in response.get_data(as_text=True)
    actions = list(db.session.scalars(select(AuditLog.action).where(AuditLog.object_type == "self_assessment")))
    assert sorted(actions) == ["self_assessment.create", "self_assessment.save"]


def test_the_form_opened_before_another_tab_created_the_draft_is_stale(w, client, login):
    login(w.u_owner)
    client.get(edit_url(w))
    assert client.post(edit_url(w), data={"version_id": "", "obstacles": "Tab satu"}).status_code == 302
    response = client.post(edit_url(w), data={"version_id": "", "obstacles": "Tab dua"}, headers=HX)
    assert response.status_code == 409
    assert the_sa(w).obstacles == "Tab satu"


def test_ajukan_from_a_form_never_saved_creates_submits_or_lists_what_is_missing(w, client, login):
    login(w.u_owner)
    client.get(edit_url(w))
    response = client.post(edit_url(w), data={"version_id": "", "action": "ajukan", "achievements": "Langsung"})
    assert response.status_code == 422
    assert "RHK 1: rating belum dipilih" in response.get_data(as_text=True)
    sa = the_sa(w)
    assert sa.status == "draft" and sa.achievements == "Langsung"
    response = client.post(edit_url(w), data=form_data(sa, action="ajukan"))
    assert response.status_code == 302
    assert the_sa(w).status == SELF_SUBMITTED


def test_htmx_autosave_returns_the_status_fragment_with_the_new_version(w, client, login):
    sa = opened(w, client, login)
    rhk_id = sa.result_ratings[0].result_plan_id
    data = form_data(sa, achievements="Target terlampaui")
    data[f"rhk-{rhk_id}-rating"] = "di_atas"
    response = client.post(edit_url(w), data=data, headers=HX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body
    assert re.search(r"Tersimpan \d\d\.\d\d", body)
    sa = the_sa(w)
    assert f'id="self-version" value="{sa.version_id}" hx-swap-oob="true"' in body
    assert sa.achievements == "Target terlampaui"
    assert next(r for r in sa.result_ratings if r.result_plan_id == rhk_id).rating == "di_atas"


def test_no_js_draft_post_redirects(w, client, login):
    sa = opened(w, client, login)
    response = client.post(edit_url(w), data=form_data(sa, obstacles="Jaringan lambat"))
    assert response.status_code == 302 and response.headers["Location"].endswith(edit_url(w))
    assert the_sa(w).obstacles == "Jaringan lambat"
    page = client.get(edit_url(w)).get_data(as_text=True)
    assert "Jaringan lambat" in page


def test_stale_version_is_409_and_changes_nothing(w, client, login):
    sa = opened(w, client, login)
    stale = form_data(sa, obstacles="Dari tab lama")
    client.post(edit_url(w), data=form_data(sa, obstacles="Terbaru"))
    response = client.post(edit_url(w), data=stale)
    assert response.status_code == 409
    assert "sudah diubah orang lain" in response.get_data(as_text=True)
    assert the_sa(w).obstacles == "Terbaru"
    fragment = client.post(edit_url(w), data=stale, headers=HX)
    assert fragment.status_code == 409 and "<html" not in fragment.get_data(as_text=True)


def test_submit_incomplete_is_422_listing_what_is_missing_and_keeps_the_draft(w, client, login):
    sa = opened(w, client, login)
    data = complete_data(sa)
    rhk_id = sa.result_ratings[0].result_plan_id
    data["results"][rhk_id]["rating"] = None
    data["achievements"] = "Disimpan walau belum lengkap"
    response = client.post(f"/penilaian-diri/{sa.id}/ajukan", data=form_data(sa, data))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "RHK 1: rating belum dipilih" in page
    assert f'href="#rhk-{rhk_id}"' in page
    sa = the_sa(w)
    assert sa.status == "draft" and sa.achievements == "Disimpan walau belum lengkap"


def test_submit_locks_and_the_form_becomes_read_only(w, client, login):
    sa = submitted(w, client, login)
    assert sa.submitted_at is not None
    page = client.get(edit_url(w)).get_data(as_text=True)
    assert 'id="self-form"' not in page and "sudah diajukan" in page
    response = client.post(edit_url(w), data=form_data(sa, obstacles="Ubah"))
    assert response.status_code == 422
    assert the_sa(w).obstacles != "Ubah"


def test_closed_window_is_404_without_a_self_assessment_and_read_only_with_one(w, client, login):
    login(w.u_owner)
    assert client.get(edit_url(w, w.closed)).status_code == 404
    assert client.get(edit_url(w, w.annual)).status_code == 404  # not open yet
    sa = SelfAssessment(employee_id=w.owner.id, phase_id=w.closed.id, skp_id=w.skp.id, achievements="Lama")
    db.session.add(sa)
    db.session.commit()
    page = client.get(edit_url(w, w.closed)).get_data(as_text=True)
    assert 'id="self-form"' not in page and "Lama" in page and "sudah ditutup" in page


# --- return and the read view --------------------------------------------------------------------------


def test_assessor_returns_once_employee_sees_note_and_resubmits(w, client, login, app):
    sa = submitted(w, client, login)
    assessor = app.test_client()
    login(w.u_assessor, assessor)
    view = assessor.get(f"/penilaian-diri/lihat/{sa.id}").get_data(as_text=True)
    assert "Kembalikan untuk dilengkapi" in view and "Sesuai target" in view
    response = assessor.post(f"/penilaian-diri/{sa.id}/kembalikan", data={"version_id": sa.version_id, "note": ""})
    assert response.status_code == 422
    response = assessor.post(f"/penilaian-diri/{sa.id}/kembalikan",
                             data={"version_id": sa.version_id, "note": "Tambahkan contoh perilaku"})
    assert response.status_code == 302
    sa = the_sa(w)
    assert (sa.status, sa.returned_count) == (SELF_RETURNED, 1)

    page = client.get(edit_url(w)).get_data(as_text=True)
    assert "Tambahkan contoh perilaku" in page and 'id="self-form"' in page
    assert client.post(f"/penilaian-diri/{sa.id}/ajukan", data=form_data(sa)).status_code == 302
    sa = the_sa(w)
    assert sa.status == SELF_SUBMITTED

    view = assessor.get(f"/penilaian-diri/lihat/{sa.id}").get_data(as_text=True)
    assert f'action="/penilaian-diri/{sa.id}/kembalikan"' not in view
    response = assessor.post(f"/penilaian-diri/{sa.id}/kembalikan",
                             data={"version_id": sa.version_id, "note": "Sekali lagi"})
    assert response.status_code == 422
    assert the_sa(w).status == SELF_SUBMITTED
    actions = set(db.session.scalars(select(AuditLog.action).where(AuditLog.object_type == "self_assessment")))
    assert {"self_assessment.create", "self_assessment.submit", "self_assessment.return"} <= actions


def test_return_with_a_stale_version_is_409(w, client, login, app):
    sa = submitted(w, client, login)
    assessor = login(w.u_assessor, app.test_client())
    response = assessor.post(f"/penilaian-diri/{sa.id}/kembalikan", data={"version_id": 0, "note": "Lengkapi"})
    assert response.status_code == 409
    assert the_sa(w).status == SELF_SUBMITTED


@pytest.mark.parametrize("who, expected", [
    ("owner", 200), ("assessor", 200), ("head", 200), ("peer", 403), ("admin", 200), ("auditor", 200),
    ("anonymous", 302),
])
def test_read_view_authorisation(w, client, login, app, who, expected):
    sa = submitted(w, client, login)
    other = app.test_client()
    if who != "anonymous":
        login(getattr(w, f"u_{who}"), other)
    response = other.get(f"/penilaian-diri/lihat/{sa.id}")
    assert response.status_code == expected
    if expected == 200:
        page = response.get_data(as_text=True)
        assert "Semua laporan selesai" in page
        assert ("Kembalikan untuk dilengkapi" in page) == (who == "assessor")
    if who == "anonymous":
        assert "/masuk" in response.headers["Location"]


@pytest.mark.parametrize("who, expected", [
    ("owner", 403), ("assessor", 302), ("head", 403), ("peer", 403), ("admin", 403), ("auditor", 403),
    ("anonymous", 302),
])
def test_return_authorisation(w, client, login, app, who, expected):
    sa = submitted(w, client, login)
    other = app.test_client()
    if who != "anonymous":
        login(getattr(w, f"u_{who}"), other)
    response = other.post(f"/penilaian-diri/{sa.id}/kembalikan", data={"version_id": sa.version_id, "note": "X"})
    assert response.status_code == expected
    assert (the_sa(w).status == SELF_RETURNED) == (who == "assessor")


@pytest.mark.parametrize("who", ["assessor", "peer", "admin", "auditor"])
def test_only_the_owner_edits_and_submits(w, client, login, app, who):
    sa = opened(w, client, login)
    other = login(getattr(w, f"u_{who}"), app.test_client())
    assert other.post(f"/penilaian-diri/{sa.id}/ajukan", data=form_data(sa)).status_code == 403
    # their own /penilaian-diri/<phase> is about themselves: never the owner's
    response = other.post(edit_url(w), data=form_data(sa, obstacles="Bukan saya"))
    assert response.status_code in (302, 403, 404)
    assert the_sa(w).obstacles != "Bukan saya" and the_sa(w).status == "draft"


def test_draft_content_is_hidden_from_the_assessor_until_submitted(w, client, login, app):
    sa = opened(w, client, login)
    client.post(edit_url(w), data=form_data(sa, achievements="Rahasia draf"))
    assessor = login(w.u_assessor, app.test_client())
    page = assessor.get(f"/penilaian-diri/lihat/{sa.id}").get_data(as_text=True)
    assert "Rahasia draf" not in page and "belum diajukan" in page


# --- query counts --------------------------------------------------------------------------------------


def test_form_and_index_query_counts_do_not_grow_with_rhk(client, login, queries):
    counts = []
    for n in (2, 10):
        w = build_world(rhk=n, indicators=2)
        opened(w, client, login)
        with queries() as q_form:
            assert client.get(edit_url(w)).status_code == 200
        with queries() as q_index:
            assert client.get("/penilaian-diri").status_code == 200
        sa = the_sa(w)
        services.save_draft(w.u_owner, sa, complete_data(sa), version=sa.version_id, today=w.today, now=NOW)
        services.submit_self_assessment(w.u_owner, sa, today=w.today, now=NOW)
        db.session.commit()
        sa_id = sa.id
        login(w.u_assessor)
        db.session.expunge_all()  # the page loads what it shows itself, not from the test's identity map
        with queries() as q_view:
            assert client.get(f"/penilaian-diri/lihat/{sa_id}").status_code == 200
        counts.append((q_form.count, q_index.count, q_view.count))
        _wipe_tables()
        seed_reference_data()
        db.session.commit()
    assert counts[0] == counts[1], counts


def test_htmx_submit_redirects_with_hx_redirect(w, client, login):
    sa = opened(w, client, login)
    response = client.post(f"/penilaian-diri/{sa.id}/ajukan", data=form_data(sa), headers=HX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].endswith(edit_url(w))
    assert the_sa(w).status == SELF_SUBMITTED


def test_dashboard_lists_the_open_window_until_the_self_assessment_is_submitted(w, client, login):
    login(w.u_owner)
    panel = client.get("/").get_data(as_text=True).split('id="panel-assessment"')[1].split("</article>")[0]
    assert "Penilaian diri yang menunggu Anda" in panel and edit_url(w) in panel
    submitted(w, client, login)
    panel = client.get("/").get_data(as_text=True).split('id="panel-assessment"')[1].split("</article>")[0]
    assert edit_url(w) not in panel
    assert "Tidak ada penilaian diri yang perlu diisi saat ini." in panel
