"""Browser journey: the assessor sends their input and reads the results page with charts (no CSP violations)."""

from __future__ import annotations

import re

import pytest

from portal.assessment.models import GROUP_PEER
from portal.extensions import db
from tests.views.test_results import CLOSED, OPEN, add_bucket, add_self, make_world, uniform

pytestmark = pytest.mark.browser


def test_assessor_input_then_results_with_chart(page, browser_login):
    world = make_world(window=OPEN)
    add_bucket(world, GROUP_PEER, [uniform(world, 4), uniform(world, 5), uniform(world, 3)],
               keep=["Selalu membantu"], improve=["Balas surel lebih cepat"])
    add_self(world, uniform(world, 5), ratings=["di_atas"])
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)

    browser_login(world.users["assessor"].username)
    page.goto(f"/360/{world.subject.id}/{world.phase.id}/masukan-penilai")
    for item in world.items:
        page.check(f"#item_{item.id}-2")
    page.get_by_label("Yang perlu dipertahankan").fill("Laporan selalu rapi")
    page.get_by_role("button", name="Kirim masukan").click()
    page.get_by_text("tersimpan dan tampil di halaman hasil 360").wait_for()  # htmx follows HX-Redirect
    world.phase.opens_on, world.phase.closes_on = CLOSED  # the window closes: the results are released
    db.session.commit()

    page.get_by_role("link", name="Lihat hasil 360").click()
    page.get_by_role("heading", name="Hasil Umpan Balik 360").wait_for()
    assert page.locator("svg[role=img]").count() == 7
    assert page.get_by_role("img", name=re.compile("Grafik Akuntabel")).is_visible()
    table = page.get_by_role("table", name=re.compile("Nilai Akuntabel per pedoman perilaku"))
    assert table.get_by_role("columnheader", name=re.compile("Rekan kerja setingkat")).is_visible()
    gaps = page.locator("#results-gaps")
    assert "selisih 3,00" in gaps.inner_text()  # self 5 vs assessor 2
    assert page.get_by_text("Selalu membantu").is_visible()
    assert page.get_by_text("Laporan selalu rapi").is_visible()
    assert violations == []
