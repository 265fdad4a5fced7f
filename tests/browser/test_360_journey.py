"""The whole 360 journey of issue 4 in a real browser: the assessor lists three peers and sends the invitations,
each answers (one declines and is replaced), the employee submits a self-assessment, the window closes, and the
released results page shows the group means and the comments - without naming anyone."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from portal.core.timeutil import local_today
from portal.extensions import db
from portal.periods.models import PeriodPhase
from tests import factories

pytestmark = pytest.mark.browser

COMMENTS = ["Selalu menepati janji layanan", "Sabar menjelaskan aturan", "Rapi mendokumentasikan pekerjaan"]


def _world():
    today = local_today()
    unit = factories.make_unit("Dinas Perjalanan 360")
    boss = factories.make_employee("Kepala Bidang Uji", unit=unit)
    subject = factories.make_employee("Sari Dinilai", unit=unit, superior=boss)
    peers = [factories.make_employee(f"Rekan {name}", unit=unit, superior=boss)
             for name in ("Anggrek", "Bakung", "Cempaka", "Dahlia")]
    users = {e.id: factories.make_user(f"u360{e.id}", employee=e) for e in [boss, subject, *peers]}
    period = factories.make_period(today.year, evaluasi_periodik_1=(today - dt.timedelta(days=2),
                                                                    today + dt.timedelta(days=10)))
    window = db.session.query(PeriodPhase).filter_by(period_id=period.id, kind="evaluasi_periodik", seq=1).one()
    skp = factories.make_skp(subject, period, status="disetujui")
    factories.make_rhk(skp, "Terselesaikannya laporan layanan", indicators=1)
    return boss, subject, peers, users, window


def _switch(page, browser_login, user):
    if page.locator("#user-menu").count():  # "Keluar" sits in the user menu next to the name
        page.locator("#user-menu > summary").click()
        page.get_by_role("button", name="Keluar").click()
    browser_login(user.username)


def _answer(page, nomination_text, comment):
    page.goto("/permintaan-umpan-balik")
    page.get_by_role("button", name="Isi kuesioner").first.click()
    expect(page.get_by_role("heading", name="Kuesioner umpan balik 360")).to_be_visible()
    for fieldset in page.locator("fieldset[id^='item-']").all():
        fieldset.get_by_label("4").check()
    page.get_by_label("Apa yang perlu dipertahankan").fill(comment)
    page.get_by_role("button", name="Kirim").click()
    expect(page.get_by_text("Jawaban Anda sudah terkirim")).to_be_visible()


def test_nominate_answer_decline_replace_self_assess_results(page, browser_login):
    boss, subject, peers, users, window = _world()
    page.on("dialog", lambda dialog: dialog.accept())
    url = f"/360/{subject.id}/{window.id}"

    # The assessor lists three peers suggested from the org chart, then sends the invitations at once.
    _switch(page, browser_login, users[boss.id])
    page.goto(url)
    group = page.locator("section.nom-group").filter(has=page.get_by_role("heading", name=re.compile("Rekan kerja")))
    for peer in peers[:3]:
        if not group.locator("details").first.get_attribute("open"):
            group.locator("summary").first.click()
        group.get_by_role("button", name=f"Undang {peer.full_name}").click()
        expect(page.locator("tr", has_text=peer.full_name)).to_contain_text("Belum dikirim")
    page.get_by_role("button", name="Kirim undangan (3 penilai)").click()
    for peer in peers[:3]:
        expect(page.locator("tr", has_text=peer.full_name)).to_contain_text("Diundang")

    # The first peer answers; the second one declines with a reason.
    _switch(page, browser_login, users[peers[0].id])
    _answer(page, subject.nama, COMMENTS[0])
    _switch(page, browser_login, users[peers[1].id])
    page.goto("/permintaan-umpan-balik")
    page.get_by_role("button", name="Isi kuesioner").first.click()
    page.get_by_text("Tidak bersedia menilai? Tolak permintaan ini").click()
    page.get_by_label("Alasan menolak").fill("Baru dua minggu bekerja sama")
    page.get_by_role("button", name="Tolak permintaan").click()

    # Two peers are left in the group: the third one's questionnaire says it waits for a replacement.
    _switch(page, browser_login, users[peers[2].id])
    page.goto("/permintaan-umpan-balik")
    page.get_by_role("button", name="Isi kuesioner").first.click()
    expect(page.locator("#questionnaire-waiting")).to_contain_text("belum dapat dikirim")

    # The assessor replaces the one who declined; the third peer and the replacement answer.
    _switch(page, browser_login, users[boss.id])
    page.goto(url)
    expect(page.locator(".nom-problems")).to_contain_text("ditahan")
    page.get_by_role("link", name=re.compile(f"Ganti penilai {peers[1].full_name}")).click()
    combo = page.locator("#replace-form").get_by_role("combobox", name="Penilai pengganti")  # the people picker
    combo.fill(peers[3].nip)
    expect(page.locator("#replace-form").get_by_role("option")).to_have_count(1)
    combo.press("ArrowDown")
    combo.press("Enter")
    page.get_by_role("button", name="Undang pengganti").click()
    expect(page.locator("tr", has_text=peers[3].full_name)).to_contain_text("Diundang")
    _switch(page, browser_login, users[peers[2].id])
    _answer(page, subject.nama, COMMENTS[1])
    _switch(page, browser_login, users[peers[3].id])
    _answer(page, subject.nama, COMMENTS[2])

    # The employee submits the self-assessment.
    _switch(page, browser_login, users[subject.id])
    page.goto(f"/penilaian-diri/{window.id}")
    page.get_by_label("Sesuai Ekspektasi").first.check()
    page.get_by_label(re.compile("^Alasan singkat")).first.fill("Laporan selesai sesuai jadwal")
    for fieldset in page.locator("fieldset.self-scale").all():
        fieldset.get_by_role("radio", name=re.compile("Memadai$")).first.check()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Ajukan penilaian diri").click()
    expect(page.get_by_text("Penilaian diri diajukan kepada Pejabat Penilai Kinerja.")).to_be_visible()

    # While the window is open nothing is released, to the assessor either.
    _switch(page, browser_login, users[boss.id])
    page.goto(f"{url}/hasil")
    expect(page.locator("main")).to_contain_text("Hasil belum dirilis")

    # The window closes; the assessor reads the release: the peer group (3 answers), means, comments, no names.
    window.opens_on, window.closes_on = local_today() - dt.timedelta(days=20), local_today() - dt.timedelta(days=1)
    db.session.commit()
    page.goto(f"{url}/hasil")
    body = page.locator("main")
    expect(body).to_contain_text("n = 3")
    for comment in COMMENTS:
        expect(body).to_contain_text(comment)
    for peer in peers:
        expect(body).not_to_contain_text(peer.full_name)
    expect(body).to_contain_text("4,00")
