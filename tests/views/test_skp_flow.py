"""SKP flow endpoints: submit, withdraw, approve, return, revise, the versions page and the flow panel.

Each endpoint full page (no-JS POST then redirect), htmx (HX-Redirect / the panel again with 422) and the
authorisation matrix by role. Dates are relative to the real local date (the views use local_today())."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from portal.core.timeutil import local_today
from portal.extensions import db
from portal.skp import flow
from portal.skp.models import Skp, SkpEvent

HTMX = {"HX-Request": "true"}


@pytest.fixture
def today():
    return local_today()


@pytest.fixture
def period(make_period, today):
    return make_period(today.year, planning=(today - dt.timedelta(days=20), today + dt.timedelta(days=20)))


@pytest.fixture
def people(make_unit, make_position, make_employee, make_user):
    unit = make_unit("Dinas Uji Persetujuan")
    head = make_employee("Kepala Dinas", unit=unit,
                         position=make_position("Kepala Dinas", unit=unit, type_code="JPT_PRATAMA", is_head=True))
    boss = make_employee("Kepala Bidang", unit=unit, superior=head)
    owner = make_employee("Pegawai Pemilik", unit=unit, superior=boss)
    other = make_employee("Pegawai Lain", unit=unit, superior=boss)
    return {
        "head": head, "boss": boss, "owner": owner, "other": other,
        "users": {
            "owner": make_user("pemilik", employee=owner),
            "assessor": make_user("kabid", employee=boss),
            "superior": make_user("kadis", employee=head),
            "other": make_user("lain", employee=other),
            "admin": make_user("admin1", role="admin"),
            "auditor": make_user("auditor1", role="auditor"),
        },
    }


def _draft(people, period, make_skp, rhk=1):
    return make_skp(people["owner"], period, rhk=rhk)


def _submitted(people, period, make_skp, today, *, late=False):
    skp = _draft(people, period, make_skp)
    now = dt.datetime.combine(today - dt.timedelta(days=14), dt.time(3)) if late else None
    flow.submit_skp(people["users"]["owner"], skp, today=today, now=now)
    db.session.commit()
    return skp


def _approved(people, period, make_skp, today):
    skp = _submitted(people, period, make_skp, today)
    flow.approve_skp(people["users"]["assessor"], skp, today=today)
    db.session.commit()
    return skp


def _status(skp_id):
    db.session.expire_all()
    return db.session.get(Skp, skp_id).status


# --- the panel on the SKP page ------------------------------------------------------------------------------


def test_owner_sees_submit_button_and_empty_history(client, login, people, period, make_skp):
    skp = _draft(people, period, make_skp)
    login(people["users"]["owner"])
    html = client.get(f"/skp/{skp.id}").get_data(as_text=True)
    assert 'id="skp-flow"' in html
    assert f'action="/skp/{skp.id}/ajukan"' in html and "Ajukan SKP" in html
    assert f'action="/skp/{skp.id}/setujui"' not in html
    assert "Belum ada riwayat" in html
    assert f'href="/skp/{skp.id}/versi"' in html


def test_assessor_sees_approve_and_return_with_a_labelled_note(client, login, people, period, make_skp, today):
    skp = _submitted(people, period, make_skp, today)
    login(people["users"]["assessor"])
    html = client.get(f"/skp/{skp.id}").get_data(as_text=True)
    assert f'action="/skp/{skp.id}/setujui"' in html and f'action="/skp/{skp.id}/kembalikan"' in html
    assert '<label for="skp-flow-note-return">' in html and 'id="skp-flow-note-return"' in html
    assert f'action="/skp/{skp.id}/ajukan"' not in html


@pytest.mark.parametrize("role", ["admin", "auditor", "other_chain"])
def test_readers_see_no_flow_buttons(client, login, people, period, make_skp, today, role):
    skp = _submitted(people, period, make_skp, today)
    user = people["users"]["superior" if role == "other_chain" else role]  # the head, not acting yet
    login(user)
    response = client.get(f"/skp/{skp.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "/setujui" not in html and "/kembalikan" not in html and "/ajukan" not in html


def test_return_note_shown_prominently_until_resubmitted_and_kept_in_history(client, login, people, period,
                                                                              make_skp, today):
    skp = _submitted(people, period, make_skp, today)
    note = "Target indikator belum terukur; mohon tuliskan angkanya."
    flow.return_skp(people["users"]["assessor"], skp, note, today=today)
    db.session.commit()
    login(people["users"]["owner"])
    html = client.get(f"/skp/{skp.id}").get_data(as_text=True)
    assert "skp-return-note" in html and note in html and "Ajukan kembali SKP" in html
    flow.submit_skp(people["users"]["owner"], db.session.get(Skp, skp.id), today=today)
    db.session.commit()
    html = client.get(f"/skp/{skp.id}").get_data(as_text=True)
    assert "skp-return-note" not in html
    assert note in html  # in the history
    assert "Dikembalikan" in html and "Diajukan kembali" in html


def test_history_says_when_the_superior_acted(client, login, people, period, make_skp, today):
    skp = _submitted(people, period, make_skp, today)
    people["boss"].active = False
    db.session.commit()
    login(people["users"]["superior"])
    html = client.get(f"/skp/{skp.id}").get_data(as_text=True)
    assert "Atasan Pejabat Penilai Kinerja karena" in html and f'action="/skp/{skp.id}/setujui"' in html
    assert client.post(f"/skp/{skp.id}/setujui").status_code == 302
    html = client.get(f"/skp/{skp.id}").get_data(as_text=True)
    assert "oleh atasan pejabat penilai" in html
    assert db.session.scalar(select(SkpEvent).where(SkpEvent.to_status == "disetujui")).acting_as_superior


# --- each endpoint: no-JS, htmx, refusal ---------------------------------------------------------------------


def test_submit_no_js_redirects_to_the_skp(client, login, people, period, make_skp):
    skp = _draft(people, period, make_skp)
    login(people["users"]["owner"])
    response = client.post(f"/skp/{skp.id}/ajukan", data={"version_id": skp.version_id})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/skp/{skp.id}")
    assert _status(skp.id) == "diajukan"
    assert "SKP diajukan" in client.get(f"/skp/{skp.id}").get_data(as_text=True)


def test_submit_htmx_gets_hx_redirect(client, login, people, period, make_skp):
    skp = _draft(people, period, make_skp)
    login(people["users"]["owner"])
    response = client.post(f"/skp/{skp.id}/ajukan", headers=HTMX)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"/skp/{skp.id}"
    assert _status(skp.id) == "diajukan"


def test_submit_without_rhk_is_refused_422_no_js_and_htmx(client, login, people, period, make_skp):
    skp = _draft(people, period, make_skp, rhk=0)
    login(people["users"]["owner"])
    response = client.post(f"/skp/{skp.id}/ajukan")
    assert response.status_code == 422
    assert "Rencana Hasil Kerja Utama" in response.get_data(as_text=True)
    response = client.post(f"/skp/{skp.id}/ajukan", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="skp-flow"' in html and "Rencana Hasil Kerja Utama" in html and "<html" not in html
    assert _status(skp.id) == "draft"
    assert db.session.scalar(select(func.count(SkpEvent.id))) == 0


def test_stale_form_is_refused_with_409(client, login, people, period, make_skp):
    skp = _draft(people, period, make_skp)
    login(people["users"]["owner"])
    response = client.post(f"/skp/{skp.id}/ajukan", data={"version_id": skp.version_id - 1})
    assert response.status_code == 409 and "sudah diubah orang lain" in response.get_data(as_text=True)
    assert _status(skp.id) == "draft"


def test_withdraw_no_js_and_htmx(client, login, people, period, make_skp, today):
    skp = _submitted(people, period, make_skp, today)
    login(people["users"]["owner"])
    assert client.post(f"/skp/{skp.id}/tarik").status_code == 302
    assert _status(skp.id) == "draft"
    assert client.post(f"/skp/{skp.id}/tarik", headers=HTMX).status_code == 409  # already a draft
    flow.submit_skp(people["users"]["owner"], db.session.get(Skp, skp.id), today=today)
    db.session.commit()
    response = client.post(f"/skp/{skp.id}/tarik", headers=HTMX)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"/skp/{skp.id}"
    assert _status(skp.id) == "draft"


def test_approve_no_js_and_htmx(client, login, people, period, make_skp, today):
    skp = _submitted(people, period, make_skp, today)
    login(people["users"]["assessor"])
    response = client.post(f"/skp/{skp.id}/setujui", headers=HTMX)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"/skp/{skp.id}"
    assert _status(skp.id) == "disetujui"
    response = client.post(f"/skp/{skp.id}/setujui")  # twice: a conflict, nothing changes
    assert response.status_code == 409 and "sedang diajukan" in response.get_data(as_text=True)


def test_return_needs_a_note(client, login, people, period, make_skp, today):
    skp = _submitted(people, period, make_skp, today)
    login(people["users"]["assessor"])
    response = client.post(f"/skp/{skp.id}/kembalikan", data={"note": "kurang"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "minimal 10 karakter" in html
    assert 'aria-describedby="skp-flow-note-return-error"' in html and ">kurang</textarea>" in html
    response = client.post(f"/skp/{skp.id}/kembalikan", data={"note": ""}, headers=HTMX)
    assert response.status_code == 422 and 'id="skp-flow-note-return-error"' in response.get_data(as_text=True)
    assert _status(skp.id) == "diajukan"
    response = client.post(f"/skp/{skp.id}/kembalikan", data={"note": "Lengkapi indikator kualitas."})
    assert response.status_code == 302 and _status(skp.id) == "dikembalikan"


def test_return_htmx_success(client, login, people, period, make_skp, today):
    skp = _submitted(people, period, make_skp, today)
    login(people["users"]["assessor"])
    response = client.post(f"/skp/{skp.id}/kembalikan", data={"note": "Lengkapi indikator kualitas."},
                           headers=HTMX)
    assert response.status_code == 204 and _status(skp.id) == "dikembalikan"


def test_revise_no_js_goes_to_the_new_version_and_htmx(client, login, people, period, make_skp, today):
    skp = _approved(people, period, make_skp, today)
    login(people["users"]["owner"])
    assert client.post(f"/skp/{skp.id}/revisi", data={"note": "pendek"}).status_code == 422
    response = client.post(f"/skp/{skp.id}/revisi", data={"note": "Penugasan baru dari Kepala Dinas."})
    new = db.session.scalar(select(Skp).where(Skp.number == 2))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/skp/{new.id}")
    assert new.status == "draft" and new.is_current
    # The old version is read-only now and cannot be revised again (htmx: the panel with the message).
    response = client.post(f"/skp/{skp.id}/revisi", data={"note": "Penugasan baru lagi dari Kepala Dinas."},
                           headers=HTMX)
    assert response.status_code == 409 and "versi 2" in response.get_data(as_text=True)
    old_page = client.get(f"/skp/{skp.id}").get_data(as_text=True)
    assert "Bukan versi terkini" in old_page and "/revisi" not in old_page


def test_revise_htmx_redirects_to_the_new_version(client, login, people, period, make_skp, today):
    skp = _approved(people, period, make_skp, today)
    login(people["users"]["assessor"])
    response = client.post(f"/skp/{skp.id}/revisi", data={"note": "Penyesuaian target semester II."},
                           headers=HTMX)
    new = db.session.scalar(select(Skp).where(Skp.number == 2))
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"/skp/{new.id}"


def _revision(people, period, make_skp, today):
    v1 = _approved(people, period, make_skp, today)
    v2 = flow.revise_skp(people["users"]["owner"], v1, "Penugasan baru dari Kepala Dinas.", today=today)
    db.session.commit()
    return v1, v2


def test_cancel_a_revision_no_js_back_to_the_approved_version(client, login, people, period, make_skp, today):
    v1, v2 = _revision(people, period, make_skp, today)
    login(people["users"]["owner"])
    page = client.get(f"/skp/{v2.id}").get_data(as_text=True)
    assert f'action="/skp/{v2.id}/batalkan-revisi"' in page and "Batalkan revisi" in page
    assert "/batalkan-revisi" not in client.get(f"/skp/{v1.id}").get_data(as_text=True)
    response = client.post(f"/skp/{v2.id}/batalkan-revisi", data={"note": "Salah tekan."})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/skp/{v1.id}")
    assert (_status(v2.id), db.session.get(Skp, v1.id).is_current) == ("dibatalkan", True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Revisi SKP dibatalkan" in page and "Bukan versi terkini" not in page
    assert f'action="/skp/{v1.id}/revisi"' in page  # a new revision can be opened again
    cancelled = client.get(f"/skp/{v2.id}").get_data(as_text=True)
    assert "Dibatalkan" in cancelled and "Revisi dibatalkan" in cancelled and "Salah tekan." in cancelled
    versions = client.get(f"/skp/{v1.id}/versi").get_data(as_text=True)
    assert "Dibatalkan" in versions
    # Twice: the revision is no longer current.
    assert client.post(f"/skp/{v2.id}/batalkan-revisi").status_code == 409


def test_cancel_a_revision_htmx_and_refusals(client, login, people, period, make_skp, today):
    first_draft = make_skp(people["other"], period, rhk=1)
    login(people["users"]["other"])
    page = client.get(f"/skp/{first_draft.id}").get_data(as_text=True)
    assert "/batalkan-revisi" not in page
    refused = client.post(f"/skp/{first_draft.id}/batalkan-revisi", headers=HTMX)
    assert refused.status_code == 422 and "Hanya revisi SKP" in refused.get_data(as_text=True)
    assert _status(first_draft.id) == "draft"

    v1, v2 = _revision(people, period, make_skp, today)
    login(people["users"]["assessor"])
    response = client.post(f"/skp/{v2.id}/batalkan-revisi", data={"version_id": v2.version_id}, headers=HTMX)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"/skp/{v1.id}"
    assert _status(v2.id) == "dibatalkan"


@pytest.mark.parametrize(("role", "expected"), [("owner", 302), ("assessor", 302), ("superior", 403),
                                                ("other", 403), ("admin", 403), ("auditor", 403)])
def test_cancel_a_revision_authorisation(client, login, people, period, make_skp, today, role, expected):
    v1, v2 = _revision(people, period, make_skp, today)
    login(people["users"][role])
    assert client.post(f"/skp/{v2.id}/batalkan-revisi").status_code == expected
    assert _status(v2.id) == ("dibatalkan" if expected == 302 else "draft")


# --- conflicts: someone else acted first -> 409 with the SKP as it is now -------------------------------------


def test_superior_clicking_approve_just_after_the_assessor_gets_409_not_403(client, login, people, period,
                                                                             make_skp, today):
    """The assessor is late, so their superior may decide; both open the SKP, the assessor approves first."""
    skp = _submitted(people, period, make_skp, today, late=True)
    version = skp.version_id
    login(people["users"]["superior"])
    assert f'action="/skp/{skp.id}/setujui"' in client.get(f"/skp/{skp.id}").get_data(as_text=True)
    flow.approve_skp(people["users"]["assessor"], db.session.get(Skp, skp.id), today=today)
    db.session.commit()

    response = client.post(f"/skp/{skp.id}/setujui", data={"version_id": version})  # no JS: the SKP page
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Akses ditolak" not in html and 'id="skp-flow-error"' in html
    assert "sekarang berstatus \u201cDisetujui\u201d" in html and "Kepala Bidang" in html
    assert f'action="/skp/{skp.id}/setujui"' not in html  # the page shows the decided SKP: no buttons left

    response = client.post(f"/skp/{skp.id}/kembalikan", headers=HTMX,
                           data={"version_id": version, "note": "Catatan yang cukup panjang."})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and 'id="skp-flow"' in html and "<html" not in html
    assert "Disetujui" in html and "Kepala Bidang" in html
    events = db.session.scalars(select(SkpEvent).where(SkpEvent.skp_id == skp.id)).all()
    assert [e.to_status for e in events].count("disetujui") == 1 and _status(skp.id) == "disetujui"


def test_superior_row_on_the_team_board_answers_409_with_the_decided_row(client, login, people, period,
                                                                         make_skp, today):
    skp = _submitted(people, period, make_skp, today, late=True)
    version = skp.version_id
    flow.return_skp(people["users"]["assessor"], db.session.get(Skp, skp.id), "Lengkapi indikator kualitas.",
                    today=today)
    db.session.commit()
    login(people["users"]["superior"])
    response = client.post(f"/skp/{skp.id}/setujui", headers=HTMX, data={"version_id": version, "next": "atasan"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert f'id="atasan-{people["owner"].id}"' in html and "Dikembalikan" in html
    assert f'action="/skp/{skp.id}/setujui"' not in html and "hx-swap-oob" in html
    response = client.post(f"/skp/{skp.id}/setujui", data={"version_id": version, "next": "atasan"})
    assert response.status_code == 409 and "sekarang berstatus" in response.get_data(as_text=True)
    assert _status(skp.id) == "dikembalikan"


def test_not_yet_late_superior_still_gets_403_while_the_skp_waits(client, login, people, period, make_skp, today):
    skp = _submitted(people, period, make_skp, today)
    login(people["users"]["superior"])
    assert client.post(f"/skp/{skp.id}/setujui").status_code == 403
    assert _status(skp.id) == "diajukan"


@pytest.mark.parametrize(("endpoint", "who", "first"), [
    ("setujui", "assessor", "return"), ("kembalikan", "assessor", "approve"),
    ("tarik", "owner", "approve"), ("ajukan", "owner", "submit"),
])
def test_second_decision_is_a_conflict_no_js_and_htmx(client, login, people, period, make_skp, today, endpoint,
                                                      who, first):
    skp = _submitted(people, period, make_skp, today) if first != "submit" else _draft(people, period, make_skp)
    version = skp.version_id
    if first == "approve":
        flow.approve_skp(people["users"]["assessor"], skp, today=today)
    elif first == "return":
        flow.return_skp(people["users"]["assessor"], skp, "Lengkapi indikator kualitas.", today=today)
    else:
        flow.submit_skp(people["users"]["owner"], skp, today=today)
    db.session.commit()
    state = _status(skp.id)
    login(people["users"][who])
    data = {"version_id": version, "note": "Catatan yang cukup panjang."}
    for headers in ({}, HTMX):
        response = client.post(f"/skp/{skp.id}/{endpoint}", data=data, headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 409, headers
        assert "sekarang berstatus" in html and "Tidak ada yang diubah." in html
        assert ('id="skp-flow"' in html) and (("<html" in html) != bool(headers))
    assert _status(skp.id) == state


def test_missing_csrf_is_refused(client, login, people, period, make_skp):
    skp = _draft(people, period, make_skp)
    login(people["users"]["owner"])
    assert client.post(f"/skp/{skp.id}/ajukan", csrf=False).status_code == 400
    assert _status(skp.id) == "draft"


# --- versions -----------------------------------------------------------------------------------------------


def test_versions_page_lists_every_version_with_links(client, login, people, period, make_skp, today):
    v1 = _approved(people, period, make_skp, today)
    v2 = flow.revise_skp(people["users"]["owner"], v1, "Penugasan baru dari Kepala Dinas.", today=today)
    db.session.commit()
    login(people["users"]["owner"])
    for skp_id in (v1.id, v2.id):
        html = client.get(f"/skp/{skp_id}/versi").get_data(as_text=True)
        assert f'href="/skp/{v1.id}"' in html and f'href="/skp/{v2.id}"' in html
        assert "Versi 1" in html and "Versi 2" in html and "Penugasan baru dari Kepala Dinas." in html
        assert "Disetujui" in html and "Draf" in html


# --- the authorisation matrix ----------------------------------------------------------------------------------

# (endpoint, state the SKP is in, role) -> expected status. "superior" = the assessor's superior, not acting.
MATRIX = [
    ("ajukan", "draft", "owner", 302), ("ajukan", "draft", "assessor", 403), ("ajukan", "draft", "superior", 403),
    ("ajukan", "draft", "other", 403), ("ajukan", "draft", "admin", 403), ("ajukan", "draft", "auditor", 403),
    ("tarik", "submitted", "owner", 302), ("tarik", "submitted", "assessor", 403),
    ("tarik", "submitted", "other", 403), ("tarik", "submitted", "admin", 403),
    ("tarik", "submitted", "auditor", 403),
    ("setujui", "submitted", "owner", 403), ("setujui", "submitted", "assessor", 302),
    ("setujui", "submitted", "superior", 403), ("setujui", "submitted", "superior_acting", 302),
    ("setujui", "submitted", "other", 403), ("setujui", "submitted", "admin", 403),
    ("setujui", "submitted", "auditor", 403),
    ("kembalikan", "submitted", "owner", 403), ("kembalikan", "submitted", "assessor", 302),
    ("kembalikan", "submitted", "superior", 403), ("kembalikan", "submitted", "superior_acting", 302),
    ("kembalikan", "submitted", "other", 403), ("kembalikan", "submitted", "admin", 403),
    ("kembalikan", "submitted", "auditor", 403),
    ("revisi", "approved", "owner", 302), ("revisi", "approved", "assessor", 302),
    ("revisi", "approved", "superior", 403), ("revisi", "approved", "other", 403),
    ("revisi", "approved", "admin", 403), ("revisi", "approved", "auditor", 403),
]


@pytest.mark.parametrize(("endpoint", "state", "role", "expected"), MATRIX)
def test_authorisation_matrix(client, login, people, period, make_skp, today, endpoint, state, role, expected):
    if state == "draft":
        skp = _draft(people, period, make_skp)
    elif state == "submitted":
        skp = _submitted(people, period, make_skp, today, late=role == "superior_acting")
    else:
        skp = _approved(people, period, make_skp, today)
    before = _status(skp.id)
    login(people["users"]["superior" if role == "superior_acting" else role])
    response = client.post(f"/skp/{skp.id}/{endpoint}", data={"note": "Catatan yang cukup panjang."})
    assert response.status_code == expected
    if expected == 403:
        assert _status(skp.id) == before
        assert db.session.scalar(select(func.count(Skp.id))) == 1
    else:
        assert _status(skp.id) != before or endpoint == "revisi"


def test_admin_who_is_the_assessor_may_approve(client, login, people, period, make_skp, today, make_user):
    skp = _submitted(people, period, make_skp, today)
    assessor_user = people["users"]["assessor"]
    assessor_user.role = "admin"
    db.session.commit()
    login(assessor_user)
    assert client.post(f"/skp/{skp.id}/setujui").status_code == 302
    assert _status(skp.id) == "disetujui"


@pytest.mark.parametrize(("role", "expected"), [("owner", 200), ("assessor", 200), ("superior", 200),
                                                ("other", 403), ("admin", 200), ("auditor", 200)])
def test_versions_page_access(client, login, people, period, make_skp, role, expected):
    skp = _draft(people, period, make_skp)
    login(people["users"][role])
    assert client.get(f"/skp/{skp.id}/versi").status_code == expected


def test_unknown_skp_is_404(client, login, people):
    login(people["users"]["owner"])
    assert client.post("/skp/999999/setujui").status_code == 404
    assert client.get("/skp/999999/versi").status_code == 404
