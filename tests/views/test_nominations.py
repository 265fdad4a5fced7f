"""360 nominations pages: the authorisation matrix, the assessor's and the employee's flows, reminders, and the
rule that nobody (the subject above all) sees per rater whether they answered."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.assessment import common
from portal.assessment import nomination_services as services
from portal.assessment.models import (
    GROUP_OTHER,
    GROUP_PEER,
    NOMINATION_DECLINED,
    NOMINATION_INVITED,
    NOMINATION_PREPARED,
    NOMINATION_PROPOSED,
    NOMINATION_REJECTED,
    NOMINATION_REPLACED,
    RaterNomination,
)
from portal.extensions import db
from portal.org.rules import format_nip
from tests.unit.test_nomination_services import build_world, complete

HTMX = {"HX-Request": "true"}


@pytest.fixture
def w():
    return build_world()


def _url(w):
    return f"/360/{w.subject.id}/{w.phase.id}"


def _invite(w, rater, group=GROUP_PEER, status=NOMINATION_INVITED):
    n = RaterNomination(subject_id=w.subject.id, phase_id=w.phase.id, rater_id=rater.id, group=group, status=status,
                        nominated_by_id=w.assessor.id)
    db.session.add(n)
    db.session.commit()
    return n


def _user(w, who):
    return {"assessor": w.u_assessor, "subject": w.u_subject, "pegawai": w.u_peer, "head": w.u_head,
            "admin": w.u_admin, "auditor": w.u_auditor}[who]


@pytest.mark.parametrize(("who", "expected"), [
    ("assessor", 200), ("subject", 200), ("pegawai", 403), ("head", 403), ("admin", 200), ("auditor", 200)])
def test_nominations_page_access(w, client, login, who, expected):
    login(_user(w, who))
    assert client.get(_url(w)).status_code == expected


@pytest.mark.parametrize(("who", "expected"), [
    ("assessor", 302), ("subject", 302), ("pegawai", 403), ("head", 403), ("admin", 403), ("auditor", 403)])
def test_nominate_post_access(w, client, login, who, expected):
    login(_user(w, who))
    # What the people picker posts: the chosen person's NIP in the text field and their id
    response = client.post(_url(w) + "/undang", data={"rater": format_nip(w.outsider.nip), "rater_id": w.outsider.id,
                                                      "group": GROUP_OTHER})
    assert response.status_code == expected
    rows = db.session.scalars(select(RaterNomination)).all()
    if expected == 302:
        assert len(rows) == 1
        assert rows[0].status == (NOMINATION_PREPARED if who == "assessor" else NOMINATION_PROPOSED)
    else:
        assert rows == []


@pytest.mark.parametrize(("who", "expected"), [
    ("assessor", 302), ("subject", 403), ("pegawai", 403), ("head", 403), ("admin", 403), ("auditor", 403)])
def test_remind_send_and_approve_access(w, client, login, who, expected):
    for peer in w.peers[1:4]:
        _invite(w, peer, status=NOMINATION_PREPARED)
    n = _invite(w, w.peers[0], status=NOMINATION_PROPOSED)
    login(_user(w, who))
    assert client.post(_url(w) + "/kirim").status_code == expected
    assert client.post(_url(w) + "/ingatkan").status_code == expected
    assert client.post(f"/360/nominasi/{n.id}/setujui").status_code == expected
    db.session.refresh(n)
    assert n.status == (NOMINATION_PREPARED if expected == 302 else NOMINATION_PROPOSED)
    statuses = {x.status for x in db.session.scalars(select(RaterNomination).where(RaterNomination.id != n.id))}
    assert statuses == ({NOMINATION_INVITED} if expected == 302 else {NOMINATION_PREPARED})


@pytest.mark.parametrize(("who", "expected"), [
    ("admin", 302), ("assessor", 403), ("subject", 403), ("head", 403), ("auditor", 403), ("pegawai", 403)])
def test_cancel_access(w, client, login, who, expected):
    n = _invite(w, w.peers[0])
    login(_user(w, who))
    assert client.post(f"/360/nominasi/{n.id}/batalkan", data={"reason": "Keliru"}).status_code == expected
    db.session.refresh(n)
    assert n.status == ("dibatalkan" if expected == 302 else NOMINATION_INVITED)


def test_cancel_needs_a_reason(w, client, login):
    n = _invite(w, w.peers[0])
    login(w.u_admin)
    response = client.post(f"/360/nominasi/{n.id}/batalkan", data={"reason": ""})
    assert response.status_code == 422 and "wajib diisi" in response.get_data(as_text=True)
    db.session.refresh(n)
    assert n.status == NOMINATION_INVITED


@pytest.mark.parametrize(("who", "expected"), [
    ("assessor", 200), ("subject", 200), ("pegawai", 403), ("head", 200), ("admin", 200), ("auditor", 200)])
def test_progress_access(w, client, login, who, expected):
    """The subject leads two subordinates (an assessor too); a plain colleague has no scope."""
    login(_user(w, who))
    assert client.get("/360/progres").status_code == expected


def test_team_access(w, client, login):
    login(w.u_admin)  # no employee record: no team
    assert client.get("/360").status_code == 403
    login(w.u_assessor)
    response = client.get("/360")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert w.subject.full_name in page and _url(w) in page
    assert w.head.full_name not in page  # the assessor's own superior is not a report


def test_team_counts_and_delegated_reports(w, client, login, make_employee):
    delegated = make_employee("Guru Didelegasikan", unit=w.other_unit, assessor_id=w.assessor.id)
    elsewhere = make_employee("Didelegasikan Ke Lain", unit=w.unit, superior=w.assessor, assessor_id=w.head.id)
    a, b = _invite(w, w.peers[0]), _invite(w, w.peers[1])
    _invite(w, w.peers[2], status=NOMINATION_DECLINED)
    complete(a)
    login(w.u_assessor)
    page = client.get("/360").get_data(as_text=True)
    assert delegated.full_name in page and elsewhere.full_name not in page
    row = re.search(rf'<tr id="team-360-{w.subject.id}">(.*?)</tr>', page, re.S).group(1)
    assert "2 diundang · jawaban kurang dari 3 · 1 menolak" in row  # never the exact number of answers
    assert b.id  # the row does not say which one answered


def test_assessor_nominates_by_nip_from_another_opd(w, client, login):
    login(w.u_assessor)
    nip = format_nip(w.outsider.nip)  # with spaces, as printed
    response = client.post(_url(w) + "/undang", data={"rater": nip, "group": GROUP_OTHER})
    assert response.status_code == 302
    n = db.session.scalar(select(RaterNomination))
    assert (n.rater_id, n.group, n.status) == (w.outsider.id, GROUP_OTHER, NOMINATION_PREPARED)
    assert n.due_on is None  # set when the invitation is sent
    page = client.get(_url(w)).get_data(as_text=True)
    assert w.outsider.full_name in page


def test_one_click_suggestion(w, client, login):
    login(w.u_assessor)
    page = client.get(_url(w)).get_data(as_text=True)
    assert "Saran dari struktur organisasi" in page and w.peers[1].full_name in page
    response = client.post(_url(w) + "/undang", data={"rater_id": w.peers[1].id, "group": GROUP_PEER})
    assert response.status_code == 302
    assert db.session.scalar(select(RaterNomination.rater_id)) == w.peers[1].id


def test_refusals_are_shown_and_change_nothing(w, client, login):
    login(w.u_assessor)
    _invite(w, w.peers[0])
    response = client.post(_url(w) + "/undang", data={"rater": w.peers[0].nip, "group": GROUP_PEER})
    assert response.status_code == 422
    assert "sudah dinominasikan" in response.get_data(as_text=True)
    response = client.post(_url(w) + "/undang", data={"rater": w.assessor.nip, "group": GROUP_PEER})
    assert response.status_code == 422 and "tidak anonim" in response.get_data(as_text=True)
    response = client.post(_url(w) + "/undang", data={"rater": w.subject.nip, "group": GROUP_PEER})
    assert response.status_code == 422
    response = client.post(_url(w) + "/undang", data={"rater": "199901012020011999", "group": GROUP_PEER})
    assert response.status_code == 422 and "tidak ditemukan" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(RaterNomination)).all()) == 1


def test_group_maximum_refused_server_side(w, client, login):
    setting = common.settings_for(w.period)
    setting.peer_max = 2
    db.session.commit()
    _invite(w, w.peers[0])
    _invite(w, w.peers[1])
    login(w.u_assessor)
    response = client.post(_url(w) + "/undang", data={"rater_id": w.peers[2].id, "group": GROUP_PEER}, headers=HTMX)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "sudah penuh" in body and 'id="nominations-panel"' in body and "<html" not in body
    assert len(db.session.scalars(select(RaterNomination)).all()) == 2


def test_nomination_problems_are_warnings(w, client, login):
    _invite(w, w.peers[0])
    login(w.u_assessor)
    page = client.get(_url(w)).get_data(as_text=True)
    assert "paling sedikit 3 orang (sekarang 1)" in page


def test_subject_proposes_and_assessor_decides(w, client, login):
    login(w.u_subject)
    assert client.post(_url(w) + "/undang", data={"rater": w.peers[0].nip, "group": GROUP_PEER}).status_code == 302
    assert client.post(_url(w) + "/undang", data={"rater": w.outsider.nip, "group": GROUP_OTHER}).status_code == 302
    a, b = db.session.scalars(select(RaterNomination).order_by(RaterNomination.id)).all()
    assert a.status == b.status == NOMINATION_PROPOSED
    assert client.post(f"/360/nominasi/{a.id}/setujui").status_code == 403  # not the subject's to decide
    page = client.get(_url(w)).get_data(as_text=True)
    assert "Usulkan penilai" in page and "Diusulkan" in page
    login(w.u_assessor)
    assert client.post(f"/360/nominasi/{a.id}/setujui").status_code == 302
    assert client.post(f"/360/nominasi/{b.id}/tidak-setujui").status_code == 302
    db.session.refresh(a)
    db.session.refresh(b)
    assert a.status == NOMINATION_PREPARED and b.status == NOMINATION_REJECTED


def test_subject_may_withdraw_only_own_pending_proposal(w, client, login):
    proposal = _invite(w, w.peers[0], status=NOMINATION_PROPOSED)
    invited = _invite(w, w.peers[1])
    login(w.u_subject)
    assert client.post(f"/360/nominasi/{invited.id}/hapus").status_code == 403
    assert client.post(f"/360/nominasi/{proposal.id}/hapus").status_code == 302
    assert [n.id for n in db.session.scalars(select(RaterNomination))] == [invited.id]


def _row(page: str, nomination_id: int) -> str:
    return re.search(rf'<tr id="nomination-{nomination_id}">(.*?)</tr>', page, re.S).group(1)


@pytest.mark.parametrize("who", ["subject", "assessor"])
def test_nobody_sees_per_rater_answered_state(w, client, login, who):
    answered = _invite(w, w.peers[0])
    pending = _invite(w, w.peers[1])
    complete(answered)
    login(_user(w, who))
    page = client.get(_url(w)).get_data(as_text=True)
    row_a, row_p = _row(page, answered.id), _row(page, pending.id)
    # both rows read the same once the names are taken out: no per-rater answered marker
    strip = {answered.id: (w.peers[0], answered), pending.id: (w.peers[1], pending)}
    cleaned = []
    for row, nid in ((row_a, answered.id), (row_p, pending.id)):
        rater, n = strip[nid]
        row = row.replace(rater.full_name, "X").replace(format_nip(rater.nip), "N")
        row = row.replace(f"nominasi/{n.id}/", "nominasi/I/").replace(f"reason-{n.id}", "reason-I")
        row = re.sub(r'name="csrf_token" value="[^"]*"', "", row)
        cleaned.append(row)
    assert cleaned[0] == cleaned[1]
    for marker in ("Sudah mengisi</", "sudah mengisi kuesioner", "Selesai"):
        assert marker not in row_a
    assert "Jawaban masuk: <strong>kurang dari 3</strong>" in page  # not even the overall count of one


def test_remove_refused_once_the_window_opened_answered_or_not(w, client, login):
    answered, silent = _invite(w, w.peers[0]), _invite(w, w.peers[1])
    complete(answered)
    login(w.u_assessor)
    bodies = []
    for n in (answered, silent):
        response = client.post(f"/360/nominasi/{n.id}/hapus")
        assert response.status_code == 422
        # CSRF tokens (in inputs and in hx-headers) carry the second they were made: not part of the answer
        bodies.append(re.sub(r'value="[^"]+"|"X-CSRFToken": "[^"]+"', "", response.get_data(as_text=True)))
    assert bodies[0] == bodies[1] and "tidak dapat dihapus" in bodies[0]
    assert db.session.get(RaterNomination, answered.id) is not None
    assert db.session.get(RaterNomination, silent.id) is not None


def test_replace_declined_rater(w, client, login):
    old = _invite(w, w.peers[0])
    old.status = NOMINATION_DECLINED
    old.decline_reason = "Sedang tugas belajar"
    db.session.commit()
    login(w.u_assessor)
    page = client.get(_url(w)).get_data(as_text=True)
    assert "Sedang tugas belajar" in page and f"/360/nominasi/{old.id}/ganti" in page
    assert client.get(f"/360/nominasi/{old.id}/ganti").status_code == 200
    response = client.post(f"/360/nominasi/{old.id}/ganti", data={"replacement": w.peers[0].nip})
    assert response.status_code == 422 and "sudah dinominasikan" in response.get_data(as_text=True)
    response = client.post(f"/360/nominasi/{old.id}/ganti", data={"replacement": w.peers[2].nip})
    assert response.status_code == 302
    db.session.refresh(old)
    new = db.session.get(RaterNomination, old.replaced_by_id)
    assert old.status == NOMINATION_REPLACED and new.rater_id == w.peers[2].id and new.group == GROUP_PEER
    login(w.u_subject)
    assert client.post(f"/360/nominasi/{old.id}/ganti", data={"replacement": w.peers[3].nip}).status_code == 403
    login(w.u_subject)
    assert "Sedang tugas belajar" not in client.get(_url(w)).get_data(as_text=True)  # reasons are for the assessor


def test_remind_once_a_day_without_saying_how_many(w, client, login):
    a, _b, c = _invite(w, w.peers[0]), _invite(w, w.peers[1]), _invite(w, w.peers[2])
    complete(a)
    c.status = NOMINATION_DECLINED
    db.session.commit()
    login(w.u_assessor)
    response = client.post(_url(w) + "/ingatkan", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "Pengingat dikirim kepada setiap penilai yang belum mengisi." in body
    assert not re.search(r"kepada \d+ penilai", body)
    again = client.post(_url(w) + "/ingatkan", headers=HTMX)
    assert again.status_code == 422 and "sudah dikirim hari ini" in again.get_data(as_text=True)
    from portal.assessment.models import ReminderRound

    assert db.session.query(ReminderRound).count() == 1


def test_send_invitations_refuses_a_combined_bucket_of_one_and_explains(w, client, login):
    for peer in w.peers[:3]:
        _invite(w, peer, status=NOMINATION_PREPARED)
    lone = _invite(w, w.subs[0], group="bawahan", status=NOMINATION_PREPARED)
    login(w.u_assessor)
    page = client.get(_url(w)).get_data(as_text=True)
    assert "Kirim undangan (4 penilai)" in page and "Undangan belum dapat dikirim" in page
    response = client.post(_url(w) + "/kirim", headers=HTMX)
    assert response.status_code == 422 and "<html" not in response.get_data(as_text=True)
    db.session.refresh(lone)
    assert lone.status == NOMINATION_PREPARED
    # taking the lone subordinate off the list makes it sendable
    assert client.post(f"/360/nominasi/{lone.id}/hapus").status_code == 302
    response = client.post(_url(w) + "/kirim", follow_redirects=True)
    assert "Undangan dikirim kepada 3 penilai." in response.get_data(as_text=True)


def test_htmx_fragment_and_no_js_page(w, client, login):
    login(w.u_assessor)
    full = client.get(_url(w)).get_data(as_text=True)
    fragment = client.get(_url(w), headers=HTMX)
    assert "<html" in full and 'id="nominations-panel"' in full
    assert "<html" not in fragment.get_data(as_text=True) and "HX-Request" in fragment.headers["Vary"]
    response = client.post(_url(w) + "/undang", data={"rater_id": w.peers[0].id, "group": GROUP_PEER}, headers=HTMX)
    assert response.status_code == 204 and response.headers["HX-Redirect"].endswith(_url(w))


def test_csrf_required(w, client, login):
    login(w.u_assessor)
    response = client.post(_url(w) + "/undang", data={"rater_id": w.peers[0].id, "group": GROUP_PEER}, csrf=False)
    assert response.status_code == 400
    assert db.session.scalar(select(RaterNomination.id)) is None


def test_nominations_page_query_count_flat(w, client, login, queries, make_employee):
    def fill(n):
        for i in range(n):
            rater = make_employee(f"Penilai {n}-{i}", unit=w.other_unit)
            _invite(w, rater, group=GROUP_OTHER)
    login(w.u_assessor)
    fill(3)
    client.get(_url(w))
    with queries() as q3:
        client.get(_url(w))
    fill(27)
    client.get(_url(w))
    with queries() as q30:
        assert client.get(_url(w)).status_code == 200
    assert q30.count == q3.count


def test_team_page_query_count_flat(w, client, login, queries, make_employee):
    def fill(n):
        for i in range(n):
            e = make_employee(f"Anggota {n}-{i}", unit=w.unit, superior=w.assessor)
            db.session.add(RaterNomination(subject_id=e.id, phase_id=w.phase.id, rater_id=w.outsider.id,
                                           group=GROUP_OTHER))
        db.session.commit()
    login(w.u_assessor)
    fill(2)
    client.get("/360")
    with queries() as q3:
        client.get("/360")
    fill(25)
    client.get("/360")
    with queries() as q30:
        assert client.get("/360").status_code == 200
    assert q30.count == q3.count


def test_progress_counts_with_completion_tokens(w, client, login, make_skp):
    from portal.assessment.models import SelfAssessment

    a, b, c, d = (_invite(w, p) for p in w.peers[:4])
    _invite(w, w.outsider, group=GROUP_OTHER, status=NOMINATION_PROPOSED)
    complete(a)
    complete(b)
    complete(d)
    c.status = NOMINATION_DECLINED
    skp = make_skp(w.subject, w.period, status="disetujui")
    db.session.add(SelfAssessment(employee_id=w.subject.id, phase_id=w.phase.id, skp_id=skp.id, status="diajukan"))
    db.session.commit()
    for user in (w.u_assessor, w.u_head, w.u_admin, w.u_auditor):
        login(user)
        page = client.get(f"/360/progres?jendela={w.phase.id}").get_data(as_text=True)
        row = re.search(rf'<tr id="progress-360-{w.subject.id}">(.*?)</tr>', page, re.S).group(1)
        numbers = re.findall(r'<td class="num">([^<]+)</td>', row)
        assert numbers == ["3", "paling sedikit 3", "1"], user  # invited, answered (in steps of 3), declined
        assert "Diajukan" in row
        for rater in w.peers[:3]:
            assert rater.full_name not in row  # never who


def test_progress_scope(w, client, login, make_employee, make_unit):
    stranger = make_employee("Pegawai Dinas Lain", unit=w.other_unit)
    login(w.u_head)
    page = client.get("/360/progres").get_data(as_text=True)
    assert w.subject.full_name in page and stranger.full_name not in page
    login(w.u_admin)
    page = client.get(f"/360/progres?unit={w.other_unit.id}").get_data(as_text=True)
    assert stranger.full_name in page and w.subject.full_name not in page


def test_progress_query_count_flat(w, client, login, queries, make_employee):
    def fill(n):
        for i in range(n):
            e = make_employee(f"Anggota {n}-{i}", unit=w.unit, superior=w.assessor)
            n_ = RaterNomination(subject_id=e.id, phase_id=w.phase.id, rater_id=w.outsider.id, group=GROUP_OTHER)
            db.session.add(n_)
            db.session.commit()
            if i % 2:
                complete(n_)
    login(w.u_head)
    fill(2)
    client.get("/360/progres")
    with queries() as q3:
        client.get("/360/progres")
    fill(25)
    client.get("/360/progres")
    with queries() as q30:
        assert client.get("/360/progres").status_code == 200
    assert q30.count == q3.count


def test_answered_helper_matches_the_view(w):
    a = _invite(w, w.peers[0])
    complete(a)
    assert services.answered_nomination_ids([a]) == {a.id}


@pytest.mark.parametrize("who", ["admin", "auditor"])
def test_readers_see_nominations_without_controls(w, client, login, who):
    _invite(w, w.peers[0])
    _invite(w, w.peers[1], status=NOMINATION_PROPOSED)
    login(_user(w, who))
    page = client.get(_url(w)).get_data(as_text=True)
    assert w.peers[0].full_name in page and w.peers[1].full_name in page
    for control in ("Undang penilai lain", "Usulkan penilai", "Setujui", "Hapus", "Kirim pengingat", "/undang",
                    "/kirim"):
        assert control not in page
    assert ("Batalkan undangan" in page) is (who == "admin")  # the admin's correction, on sent invitations
