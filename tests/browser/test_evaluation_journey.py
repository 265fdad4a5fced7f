"""The evaluation in a real browser, from scoring to a changed appeal decision: the assessor rates and finalises,
the unit head sends the rating back in calibration, the assessor finalises again and delivers the signed document,
the employee downloads the PDF, confirms receipt and appeals, the assessor's superior asks both sides, both answer,
and the superior changes the rating - a new document version."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.core.timeutil import local_today
from portal.evaluation import rules
from portal.evaluation.models import Evaluation, UnitAchievement
from portal.extensions import db
from tests.unit.test_evaluation_services import build

pytestmark = pytest.mark.browser


def _switch(page, browser_login, user):
    if page.locator("#user-menu").count():  # "Keluar" sits in the user menu next to the name
        page.locator("#user-menu > summary").click()
        page.get_by_role("button", name="Keluar").first.click()
    browser_login(user.username)


def test_score_calibrate_deliver_acknowledge_appeal_decide(page, browser_login):
    w = build(local_today())
    db.session.add(UnitAchievement(unit_id=w.opd.id, phase_id=w.phase.id, rating=rules.UNIT_BAIK,
                                   basis="Nilai SAKIP BB"))
    db.session.commit()
    employee, assessor, head = w.staff[0], w.users[w.assessor.id], w.users[w.head.id]
    page.on("dialog", lambda dialog: dialog.accept())
    score_url = f"/evaluasi/{employee.id}/{w.phase.id}"

    # The assessor rates from the team list and finalises (the team deviates: one short justification).
    _switch(page, browser_login, assessor)
    page.goto("/evaluasi")
    page.get_by_role("link", name=re.compile(f"Nilai {employee.full_name}")).click()
    page.locator("#field-result_rating").get_by_label(re.compile("Di Atas Ekspektasi")).check()
    page.locator("#field-behaviour_rating").get_by_label(re.compile("Sesuai Ekspektasi")).check()
    page.get_by_label(re.compile("Alasan bila distribusi")).fill("Tim kecil, semua mencapai target.")
    page.get_by_role("button", name="Finalkan").click()
    expect(page.locator("#evaluation-score")).to_contain_text("Baik")
    expect(page.get_by_role("button", name="Tandatangani dan serahkan dokumen")).to_be_visible()

    # The unit head sends it back in calibration.
    _switch(page, browser_login, head)
    page.goto(f"/evaluasi/unit?unit={w.opd.id}&jendela={w.phase.id}")
    page.get_by_role("link", name=re.compile(f"Tinjau {employee.full_name}")).click()
    page.get_by_text("Kembalikan kepada Pejabat Penilai Kinerja (kalibrasi)").click()
    page.get_by_label("Catatan untuk Pejabat Penilai Kinerja").fill("Bandingkan dengan capaian IKU bidang.")
    page.get_by_role("button", name="Kembalikan dengan catatan").click()
    expect(page.locator("#evaluation-score")).to_contain_text("Dikembalikan")

    # The assessor reads the note, finalises again and delivers the document.
    _switch(page, browser_login, assessor)
    page.goto(score_url)
    expect(page.locator("#evaluation-score")).to_contain_text("Bandingkan dengan capaian IKU bidang.")
    page.locator("#field-result_rating").get_by_label(re.compile("Sesuai Ekspektasi")).check()
    page.get_by_role("button", name="Finalkan").click()
    page.get_by_role("button", name="Tandatangani dan serahkan dokumen").click()
    expect(page.locator("#evaluation-score")).to_contain_text("Diserahkan")

    # The employee downloads the PDF, confirms receipt and appeals.
    _switch(page, browser_login, w.users[employee.id])
    page.goto("/evaluasi/saya")
    page.get_by_role("link", name="Dokumen versi 1").click()
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Unduh PDF")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.goto("/evaluasi/saya")
    page.get_by_role("button", name="Konfirmasi dokumen diterima").click()
    expect(page.get_by_text("Penerimaan dokumen dicatat")).to_be_visible()
    page.get_by_role("link", name="Ajukan keberatan").click()
    page.get_by_label("Alasan keberatan").fill("Realisasi bulan September belum dipertimbangkan.")
    page.get_by_role("button", name="Ajukan keberatan").click()
    expect(page.get_by_role("heading", name=re.compile("Keberatan:"))).to_be_visible()

    # The assessor's superior asks both sides for an explanation.
    _switch(page, browser_login, head)
    page.goto("/keberatan")
    page.get_by_role("link", name=employee.full_name).first.click()
    for party, question in (("penilai", "Apakah bukti September sudah dinilai?"),
                            ("pegawai", "Sebutkan bukti yang dimaksud.")):
        page.get_by_label("Minta penjelasan dari").select_option(party)
        page.get_by_label("Hal yang perlu dijelaskan").fill(question)
        page.get_by_role("button", name="Kirim permintaan").click()
        expect(page.locator("main")).to_contain_text(question)
    appeal_url = page.url

    for user, answer in ((assessor, "Bukti diunggah setelah penilaian."), (w.users[employee.id], "Laporan kegiatan.")):
        _switch(page, browser_login, user)
        page.goto(appeal_url)
        page.get_by_label("Penjelasan Anda").fill(answer)
        page.get_by_role("button", name="Kirim penjelasan").click()
        expect(page.locator("main")).to_contain_text(answer)

    # The superior changes the rating: a new document version.
    _switch(page, browser_login, head)
    page.goto(appeal_url)
    page.locator("#field-outcome").get_by_label("Penilaian diubah").check()
    page.locator("#field-result_rating").get_by_label("Di Atas Ekspektasi").check()
    page.locator("#field-behaviour_rating").get_by_label("Di Atas Ekspektasi").check()
    page.get_by_label("Pertimbangan keputusan").fill("Bukti sah; hasil kerja melampaui target.")
    page.get_by_role("button", name="Tetapkan keputusan").click()
    expect(page.locator("main")).to_contain_text("Diputuskan: penilaian diubah")

    _switch(page, browser_login, w.users[employee.id])
    page.goto("/evaluasi/saya")
    expect(page.locator("main")).to_contain_text("Dokumen versi 2")
    expect(page.locator("main")).to_contain_text("Sangat Baik")
    db.session.expire_all()
    evaluation = db.session.scalar(select(Evaluation))
    assert evaluation.predikat == rules.SANGAT_BAIK and [d.version for d in evaluation.documents] == [1, 2]
    assert evaluation.documents[0].superseded_at is not None
