"""The progress page in a real browser: a cell is edited inline (htmx), a phrase fills the feedback text (JS)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.progress.models import Feedback, Realisation
from portal.progress.services import seed_feedback_phrases
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setattr("portal.progress.views.local_today", lambda: dt.date(2026, 4, 8))
    world = factories.make_progress_world(rhk=1, indicators=1)
    seed_feedback_phrases()
    db.session.commit()
    return world


def test_owner_edits_a_cell_inline(page, browser_login, world):
    indicator = world.skp.result_plans[0].indicators[0]
    browser_login(world.u_owner.username)
    page.goto(f"/skp/{world.skp.id}/realisasi")
    cell = page.locator(f"#cell-{indicator.id}-2")
    cell.get_by_role("link", name="Isi").click()
    cell.get_by_label("Realisasi Triwulan II", exact=True).fill("Dua laporan selesai")
    cell.get_by_label("Angka realisasi (opsional)").fill("2")
    cell.get_by_role("button", name="Simpan").click()
    expect(cell).to_contain_text("Dua laporan selesai")
    expect(cell).to_contain_text("Tersimpan")
    assert page.url.endswith(f"/skp/{world.skp.id}/realisasi")  # swapped in place, no navigation
    db.session.expire_all()
    assert db.session.scalar(select(Realisation.text)) == "Dua laporan selesai"


def test_assessor_picks_a_phrase_edits_and_sends(page, browser_login, world):
    browser_login(world.u_assessor.username)
    page.goto(f"/skp/{world.skp.id}/realisasi")
    picker = page.get_by_label("Pilih frasa")
    picker.select_option(index=3)
    chosen = picker.locator("option:checked").inner_text()
    text = page.get_by_label("Umpan balik", exact=True)
    expect(text).to_have_value(chosen)
    text.fill(chosen + " Terima kasih.")
    page.get_by_role("button", name="Kirim umpan balik").click()
    expect(page.get_by_text("Umpan balik terkirim.")).to_be_visible()
    expect(page.locator(".feedback-item").first).to_contain_text("Terima kasih.")
    db.session.expire_all()
    assert db.session.scalar(select(Feedback.text)) == chosen + " Terima kasih."
