"""The rater's questionnaire in a real browser: htmx autosave, the draft restored, "Kirim" asks first, then the
task moves to the finished list. Also catches CSP violations (the `page` fixture fails on console errors)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.assessment.models import FeedbackBucket, RaterDraft
from portal.extensions import db
from tests.views.test_rater_views import make_world

pytestmark = pytest.mark.browser


def test_rater_autosaves_then_submits(page, browser_login):
    world = make_world()
    nomination = world.nominations[0]
    browser_login(world.u_raters[0].username)
    page.goto("/permintaan-umpan-balik")
    expect(page.get_by_text("Belum mulai")).to_be_visible()
    page.get_by_role("button", name="Isi kuesioner").first.click()
    expect(page.get_by_role("heading", name="Kuesioner umpan balik 360")).to_be_visible()

    first = page.locator(f"#item-{world.item_ids[0]}")
    first.get_by_label("4").check()
    expect(page.locator("#questionnaire-status")).to_contain_text("Draf tersimpan")
    db.session.expire_all()
    assert db.session.scalar(select(RaterDraft)) is not None
    page.reload()
    expect(page.locator(f"#item-{world.item_ids[0]}").get_by_label("4")).to_be_checked()

    for item_id in world.item_ids:
        page.locator(f"#item-{item_id}").get_by_label("Tidak dapat menilai").check()
    page.get_by_label("Apa yang perlu dipertahankan").fill("Selalu membantu")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Kirim").click()
    expect(page.get_by_text("Jawaban Anda sudah terkirim")).to_be_visible()
    assert dialogs and "final" in dialogs[0]
    expect(page.locator("#tasks-done")).to_contain_text(world.subject.nama)
    db.session.expire_all()
    bucket = db.session.scalar(select(FeedbackBucket))
    assert bucket.responses == 1 and bucket.comments_keep == ["Selalu membantu"]
    assert db.session.scalar(select(RaterDraft)) is None
    assert page.url.endswith("/permintaan-umpan-balik")
    page.goto(f"/permintaan-umpan-balik/{nomination.id}")
    expect(page.locator("#questionnaire-closed")).to_contain_text("final")


def test_draft_button_does_not_ask(page, browser_login):
    world = make_world()
    browser_login(world.u_raters[0].username)
    page.goto(f"/permintaan-umpan-balik/{world.nominations[0].id}")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.get_by_text("Draf tersimpan. Anda dapat melanjutkannya nanti.")).to_be_visible()
    assert dialogs == []

