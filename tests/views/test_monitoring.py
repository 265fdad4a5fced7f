"""The dashboards against the hand-counted regency of tests/views/monitoring_world.py: every number, the people behind
it, who may see which scope, "Kirim pengingat", and a fixed number of queries whatever the data."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import func, select

from portal.assessment.models import RaterNomination, ReminderRound
from portal.extensions import db
from portal.notifications.models import Notification
from tests import factories
from tests.views import monitoring_world

HTMX = {"HX-Request": "true"}


@pytest.fixture
def w():
    return monitoring_world.build()


def numbers(html: str) -> dict[tuple[str, str], int]:
    """{(metric, row): number} of every number link on a dashboard; the row is the unit id ("" for the total,
    "<id>L" for a unit's own staff)."""
    found = {}
    for href, n in re.findall(r'<a href="(/monitoring/daftar/[^"]+)">(\d+)</a>', html):
        url = urlparse(unescape(href))
        metric = url.path.rsplit("/", 1)[-1]
        args = parse_qs(url.query)
        row = args.get("unit", [""])[0] + ("L" if args.get("langsung") else "")
        found[(metric, row)] = found.get((metric, row), 0) + int(n)
    return found


def people(client, path: str) -> set[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    return set(re.findall(r'<th scope="row" data-label="Pegawai"><a [^>]*>([^<]+)</a>', html))


# ---------------------------------------------------------------------------------------------------------
# Monitoring Pengisian


def test_the_regency_per_opd(w, client, login):
    login(w.users["admin"])
    html = client.get("/monitoring").get_data(as_text=True)
    n = numbers(html)
    one, two = str(w.opd1.id), str(w.opd2.id)
    assert {k: n.get((k, one), 0) for k in ("skp_belum", "skp_draf", "skp_diajukan", "skp_disetujui")} == {
        "skp_belum": 2, "skp_draf": 2, "skp_diajukan": 1, "skp_disetujui": 5}
    assert {k: n.get((k, two), 0) for k in ("skp_belum", "skp_draf", "skp_diajukan", "skp_disetujui")} == {
        "skp_belum": 1, "skp_draf": 0, "skp_diajukan": 1, "skp_disetujui": 1}
    totals = {k: v for (k, row), v in n.items() if row == ""}
    assert totals == {"skp_belum": 3, "skp_draf": 2, "skp_diajukan": 2, "skp_disetujui": 6,
                      "diri_selesai": 2, "diri_belum": 4, "r360_diundang": 2, "r360_cukup": 1, "r360_kurang": 1,
                      "evaluasi_final": 5, "evaluasi_belum": 1, "dokumen_belum": 1, "keberatan_terbuka": 1}
    assert re.search(r'data-label="Pegawai">13</td>', html)  # the inactive employee is never counted
    assert "Dinas Satu" in html and "Dinas Dua" in html and "Bidang A" not in html  # rows are the OPDs


def test_the_window_counts_against_its_own_year_whatever_the_skp_year(w, client, login):
    factories.make_period(w.today.year - 1)
    login(w.users["admin"])
    html = client.get(f"/monitoring?tahun={w.today.year - 1}&jendela={w.phase.id}").get_data(as_text=True)
    totals = {k: v for (k, row), v in numbers(html).items() if row == ""}
    assert (totals["skp_belum"], totals.get("skp_disetujui", 0)) == (13, 0)  # nobody has last year's SKP
    assert (totals["diri_belum"], totals["evaluasi_belum"], totals["evaluasi_final"]) == (4, 1, 5)


def test_a_unit_shows_its_own_staff_and_the_units_below(w, client, login):
    login(w.users["head1"])
    html = client.get("/monitoring").get_data(as_text=True)
    assert "Pegawai langsung Dinas Satu" in html
    n = numbers(html)
    own, a, b = f"{w.opd1.id}L", str(w.sub_a.id), str(w.sub_b.id)
    assert n[("skp_belum", own)] == 1  # the Kepala Dinas himself
    assert (n[("skp_disetujui", a)], n[("skp_diajukan", a)], n[("skp_belum", a)]) == (3, 1, 1)
    assert (n[("skp_disetujui", b)], n[("skp_draf", b)]) == (2, 2)
    assert (n[("diri_belum", a)], n[("diri_belum", b)], n[("evaluasi_belum", b)]) == (2, 1, 1)
    assert "Dinas Dua" not in html


def test_an_assessor_sees_the_team(w, client, login):
    login(w.users["kasi_b"])
    html = client.get("/monitoring").get_data(as_text=True)
    assert "Tim Anda" in html
    totals = {k: v for (k, row), v in numbers(html).items() if row == ""}
    assert totals == {"skp_draf": 2, "skp_disetujui": 1, "diri_selesai": 1, "r360_diundang": 1, "r360_kurang": 1,
                      "evaluasi_final": 1, "keberatan_terbuka": 1}


EXPECTED_PEOPLE = {
    "skp_belum": {"Kepala Satu", "Anggota A4", "Kepala Dua"},
    "skp_draf": {"Anggota B1", "Anggota B2"},
    "skp_diajukan": {"Anggota A3", "Anggota C2"},
    "skp_disetujui": {"Kabid A", "Anggota A1", "Anggota A2", "Kasi B", "Anggota B3", "Anggota C1"},
    "diri_selesai": {"Anggota A1", "Anggota B3"},
    "diri_belum": {"Kabid A", "Anggota A2", "Kasi B", "Anggota C1"},
    "r360_diundang": {"Anggota A1", "Anggota B3"},
    "r360_cukup": {"Anggota A1"},
    "r360_kurang": {"Anggota B3"},
    "evaluasi_final": {"Anggota A1", "Anggota A2", "Kabid A", "Anggota B3", "Anggota C1"},
    "evaluasi_belum": {"Kasi B"},
    "dokumen_belum": {"Kabid A"},
    "keberatan_terbuka": {"Anggota B3"},
    "predikat_sangat_baik": {"Anggota A2"},
    "predikat_baik": {"Anggota A1", "Kabid A", "Anggota C1"},
    "predikat_butuh_perbaikan": {"Anggota B3"},
    "jp_tercapai": {"Anggota A1"},
    "jp_on_track": {"Anggota A2"},
    "rencana_menunggu": {"Anggota A3"},
    "kegiatan_terlambat": {"Anggota B1"},
}


@pytest.mark.parametrize("metric", sorted(EXPECTED_PEOPLE))
def test_the_people_behind_each_number(w, client, login, metric):
    login(w.users["admin"])
    assert people(client, f"/monitoring/daftar/{metric}") == EXPECTED_PEOPLE[metric]


def test_the_people_behind_a_row_and_a_units_own_staff(w, client, login):
    login(w.users["admin"])
    assert people(client, f"/monitoring/daftar/skp_belum?unit={w.opd1.id}") == {"Kepala Satu", "Anggota A4"}
    assert people(client, f"/monitoring/daftar/skp_belum?unit={w.opd1.id}&langsung=1") == {"Kepala Satu"}
    assert people(client, f"/monitoring/daftar/jp_kurang?unit={w.sub_b.id}") == {"Anggota B1", "Anggota B2",
                                                                                   "Anggota B3", "Kasi B"}


def test_the_list_is_paginated_and_its_fragment_serves_htmx(w, client, login, make_employee):
    for n in range(30):
        make_employee(f"Tambahan {n:02d}", unit=w.sub_b, superior=w.kasi_b)
    login(w.users["admin"])
    page = client.get("/monitoring/daftar/skp_belum").get_data(as_text=True)
    assert "33 data" in page and "Halaman 1 dari 2" in page
    fragment = client.get("/monitoring/daftar/skp_belum?page=2", headers=HTMX)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and body.lstrip().startswith('<div id="monitoring-people">')
    assert "site-nav" not in body and "Halaman 2 dari 2" in body


# ---------------------------------------------------------------------------------------------------------
# Who may see what


@pytest.mark.parametrize(("who", "path", "status"), [
    ("admin", "/monitoring", 200), ("auditor", "/monitoring/kurva", 200),
    ("head1", "/monitoring", 200), ("head1", "/monitoring?unit={opd2}", 403),
    ("head1", "/monitoring?unit={sub_b}", 200),
    ("head2", "/monitoring?unit={opd1}", 403), ("head2", "/monitoring/daftar/skp_belum?unit={sub_a}", 403),
    ("kasi_b", "/monitoring", 200), ("kasi_b", "/monitoring?unit={sub_b}", 403), ("kasi_b", "/monitoring?tim=1", 200),
    ("b1", "/monitoring", 403), ("b1", "/monitoring/daftar/skp_belum", 403), ("b1", "/monitoring/tren", 403),
    ("admin", "/monitoring?tim=1", 403), ("admin", "/monitoring/daftar/tidak_ada", 404),
    ("admin", "/monitoring/daftar/pegawai", 404), ("admin", "/monitoring?unit=99999", 404),
    ("admin", "/monitoring?jendela=99999", 404), ("admin", "/monitoring?tahun=1990", 404),
    ("admin", "/monitoring?lingkup={opd2}", 200), ("head1", "/monitoring?lingkup={opd2}", 403),
])
def test_access(w, client, login, who, path, status):
    login(w.users[who])
    url = path.format(opd1=w.opd1.id, opd2=w.opd2.id, sub_a=w.sub_a.id, sub_b=w.sub_b.id)
    assert client.get(url).status_code == status


def test_the_head_of_dinas_dua_sees_only_its_people(w, client, login):
    login(w.users["head2"])
    assert people(client, "/monitoring/daftar/skp_disetujui") == {"Anggota C1"}


# ---------------------------------------------------------------------------------------------------------
# Kirim pengingat


def _notes(kind):
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind)))


def test_a_reminder_reaches_everyone_behind_the_number_once_a_day(w, client, login):
    login(w.users["admin"])
    url = f"/monitoring/daftar/skp_draf/ingatkan?unit={w.sub_b.id}"
    response = client.post(url, follow_redirects=True)
    assert response.status_code == 200 and "Pengingat dikirim: 2 notifikasi." in response.get_data(as_text=True)
    sent = _notes("pengingat.skp")
    assert {n.employee_id for n in sent} == {w.b[0].id, w.b[1].id}
    assert all(n.params["sender"] == "admin.bkpsdm" and n.target["endpoint"] == "skp.mine" for n in sent)
    again = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "Pengingat dikirim: 0 notifikasi. 2 sudah diingatkan hari ini." in again
    assert len(_notes("pengingat.skp")) == 2
    # The recipient sees it: the bell counts it and the list shows it.
    member = login(w.users["b1"], client.application.test_client())
    page = member.get("/notifikasi").get_data(as_text=True)
    assert "Pengingat dari admin.bkpsdm: susun dan ajukan SKP" in page
    assert re.search(r'class="bell-count" aria-hidden="true">1<', member.get("/").get_data(as_text=True))


def test_reminders_for_the_assessor_and_the_decider(w, client, login):
    login(w.users["admin"])
    client.post("/monitoring/daftar/skp_diajukan/ingatkan")
    assert {(n.employee_id, n.params["name"]) for n in _notes("pengingat.skp_keputusan")} == {
        (w.kabid_a.id, "Anggota A3"), (w.head2.id, "Anggota C2")}
    client.post(f"/monitoring/daftar/evaluasi_belum/ingatkan?jendela={w.phase.id}")
    assert {(n.employee_id, n.params["name"]) for n in _notes("pengingat.evaluasi")} == {(w.head1.id, "Kasi B")}
    client.post(f"/monitoring/daftar/keberatan_terbuka/ingatkan?jendela={w.phase.id}")
    assert [n.employee_id for n in _notes("pengingat.keberatan")] == [w.head1.id]
    client.post(f"/monitoring/daftar/rencana_menunggu/ingatkan?tahun={w.today.year}")
    assert [n.employee_id for n in _notes("pengingat.rencana_keputusan")] == [w.kabid_a.id]


def test_a_reminder_is_resolved_when_the_thing_is_done(w, client, login):
    from portal.core.timeutil import utcnow
    from portal.skp import flow

    login(w.users["admin"])
    client.post("/monitoring/daftar/skp_diajukan/ingatkan")
    skp = w.skp[w.a[2].id]
    kabid = w.users["kabid_a"]
    flow.approve_skp(kabid, skp, today=w.today, now=utcnow())
    db.session.commit()
    note = next(n for n in _notes("pengingat.skp_keputusan") if n.employee_id == w.kabid_a.id)
    assert note.read_at is not None


def test_the_auditor_reads_but_sends_no_reminder(w, client, login):
    login(w.users["auditor"])
    assert "Kirim pengingat" not in client.get("/monitoring/daftar/skp_draf").get_data(as_text=True)
    assert client.post("/monitoring/daftar/skp_draf/ingatkan").status_code == 403
    login(w.users["admin"])
    assert client.post("/monitoring/daftar/skp_disetujui/ingatkan").status_code == 404  # a list of what is done


def test_a_360_reminder_is_one_round_per_employee_and_nothing_per_rater(w, client, login):
    login(w.users["admin"])
    nominations = sorted(tuple(r) for r in db.session.execute(select(RaterNomination.__table__)).all())
    before = db.session.scalar(select(func.count(Notification.id)))
    response = client.post(f"/monitoring/daftar/r360_kurang/ingatkan?jendela={w.phase.id}", follow_redirects=True)
    assert "Pengingat 360 dikirim untuk 1 pegawai" in response.get_data(as_text=True)
    rounds = db.session.execute(select(ReminderRound.subject_id, ReminderRound.phase_id)).all()
    assert rounds == [(w.b[2].id, w.phase.id)]
    assert sorted(tuple(r) for r in db.session.execute(select(RaterNomination.__table__)).all()) == nominations
    assert db.session.scalar(select(func.count(Notification.id))) == before  # nothing per rater
    again = client.post(f"/monitoring/daftar/r360_kurang/ingatkan?jendela={w.phase.id}", follow_redirects=True)
    assert "1 sudah diingatkan hari ini" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ReminderRound.id))) == 1


def test_the_360_list_never_shows_an_exact_answer_count(w, client, login):
    login(w.users["admin"])
    for metric in ("r360_diundang", "r360_cukup", "r360_kurang"):
        html = client.get(f"/monitoring/daftar/{metric}").get_data(as_text=True)
        assert "jawaban" not in re.sub(r"<h1>.*?</h1>|<title>.*?</title>", "", html, flags=re.S).lower() or \
            "penilai diundang" in html
        assert not re.search(r"\b[12] jawaban", html)


# ---------------------------------------------------------------------------------------------------------
# Kurva, trends, development


def test_the_curve_counts_by_the_unit_when_rated_and_flags_the_deviation(w, client, login):
    login(w.users["admin"])
    html = client.get("/monitoring/kurva").get_data(as_text=True)
    n = numbers(html)
    one = str(w.opd1.id)
    assert "Sesuai pola" in re.search(r"Dinas Satu</a></th>(.*?)</tr>", html, re.S).group(1)
    assert (n[("predikat_sangat_baik", one)], n[("predikat_baik", one)], n[("predikat_butuh_perbaikan", one)]) == \
        (1, 3, 1)
    assert not any(row == str(w.opd2.id) for _k, row in n)  # c1 was rated in Bidang B
    login(w.users["head1"])
    html = client.get("/monitoring/kurva").get_data(as_text=True)
    row_a = re.search(r"Bidang A</th>(.*?)</tr>", html, re.S).group(1)
    assert "Istimewa" in row_a and "Menyimpang" in row_a and "Sangat Baik paling banyak" in row_a
    row_b = re.search(r"Bidang B</th>(.*?)</tr>", html, re.S).group(1)
    # Bidang B follows the OPD's "Baik": one Baik and one Butuh Perbaikan is no plurality of Baik.
    assert "mengikuti Dinas Satu" in row_b and "Baik paling banyak di antara predikat lain (50%)" in row_b


def test_trends_per_window(w, client, login):
    login(w.users["admin"])
    html = client.get("/monitoring/tren").get_data(as_text=True)
    row = re.search(r"Tahunan " + str(w.today.year) + r"</th>(.*?)</tr>", html, re.S).group(1)
    assert re.search(r'>3<span class="visually-hidden"> · Baik', row)
    assert '<td class="num" data-label="Jumlah">5' in row
    assert f"jendela={w.phase.id}" in row


def test_development_per_unit(w, client, login):
    login(w.users["admin"])
    n = numbers(client.get("/monitoring/pengembangan").get_data(as_text=True))
    totals = {k: v for (k, row), v in n.items() if row == ""}
    assert totals == {"jp_tercapai": 1, "jp_on_track": 1, "jp_kurang": 11, "rencana_tanpa": 9, "rencana_menunggu": 1,
                      "kegiatan_terlambat": 1}


def test_the_pages_print_their_charts_with_a_table(w, client, login):
    login(w.users["admin"])
    for path in ("/monitoring", "/monitoring/kurva", "/monitoring/pengembangan", "/monitoring/tren"):
        html = client.get(path).get_data(as_text=True)
        assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg dashboard-chart"' in html, path
        assert 'role="img"' in html and "<table" in html and ' style="' not in html, path


# ---------------------------------------------------------------------------------------------------------
# Cost


def _queries(client, queries, path):
    client.get(path)
    with queries() as q:
        assert client.get(path).status_code == 200
    return q.count


def test_query_counts_do_not_grow_with_the_data(w, client, login, queries, make_employee, make_unit):
    paths = ["/monitoring", "/monitoring/kurva", "/monitoring/pengembangan", "/monitoring/tren",
             "/monitoring/daftar/skp_belum", "/monitoring/daftar/evaluasi_final", f"/monitoring?unit={w.opd1.id}"]
    login(w.users["admin"])
    before = {path: _queries(client, queries, path) for path in paths}
    for n in range(4):
        unit = make_unit(f"Dinas Baru {n}")
        sub = make_unit(f"Bidang Baru {n}", parent=unit)
        boss = make_employee(f"Kepala Baru {n}", unit=unit)
        for m in range(5):
            person = make_employee(f"Staf Baru {n}{m}", unit=sub, superior=boss)
            factories.make_skp(person, w.period, status="disetujui")
            monitoring_world._evaluation(person, w.phase, "final", "baik")
    db.session.commit()
    after = {path: _queries(client, queries, path) for path in paths}
    assert after == before
