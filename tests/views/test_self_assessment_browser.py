"""The self-assessment in a real browser: the draft autosaves through htmx (no button), then it is submitted."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.assessment.models import SelfAssessment
from portal.extensions import db
from tests.unit.test_self_assessment import build_world

pytestmark = pytest.mark.browser


def test_autosave_then_submit(page, browser_login):
    w = build_world(rhk=1, indicators=1)
    browser_login(w.u_owner.username)
    page.goto("/penilaian-diri")
    page.get_by_role("link", name=re.compile("Isi penilaian diri")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Evaluasi Periodik Triwulan III")

    page.get_by_label("Di Atas Ekspektasi").check()
    expect(page.locator("#self-save-status")).to_contain_text(re.compile(r"Tersimpan \d\d\.\d\d"))
    page.get_by_label(re.compile("^Alasan singkat")).fill("Target terlampaui dua bulan lebih awal")
    page.keyboard.press("Tab")  # leaving the field: "change"
    # typing: "keyup", saved after a 2 s pause; wait until the server has it
    page.get_by_label("Capaian").press_sequentially("Sistem arsip digital berjalan")
    for _ in range(40):
        db.session.expire_all()
        sa = db.session.scalar(select(SelfAssessment))
        if sa.achievements == "Sistem arsip digital berjalan":
            break
        page.wait_for_timeout(250)
    assert sa.achievements == "Sistem arsip digital berjalan"
    assert sa.result_ratings[0].rating == "di_atas"
    assert sa.result_ratings[0].justification == "Target terlampaui dua bulan lebih awal"
    assert page.url.endswith(f"/penilaian-diri/{w.window.id}")  # no navigation

    # (an incomplete submission answers 422 - swapped in by htmx - which the browser logs as a console error;
    # the view tests cover it)
    for fieldset in page.locator("fieldset.self-scale").all():
        fieldset.get_by_role("radio", name=re.compile("Di Atas Memadai")).check()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Ajukan penilaian diri").click()
    expect(page.get_by_text("Penilaian diri diajukan kepada Pejabat Penilai Kinerja.")).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(select(SelfAssessment.status)) == "diajukan"
