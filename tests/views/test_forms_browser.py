"""Forms that never lose work, in a real browser: the counter near a field's limit, a paste longer than the limit
kept whole (not cut by maxlength) and refused at its field by the autosave, which saves the other answers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.assessment import self_services
from portal.assessment.models import SelfAssessment
from portal.extensions import db
from tests import factories
from tests.unit.test_self_assessment import build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def tab(browser, live_server):
    """A page like the ``page`` fixture, except that the 422 answers of a refused autosave - which Chromium logs as
    failed resource loads - are expected here; any other console error (a CSP violation, a script error) fails."""
    context = browser.new_context(base_url=live_server, locale="id-ID")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error"
          and "status of 422" not in msg.text else None)
    yield pg
    context.close()
    assert not errors, f"browser console errors: {errors}"


def sign_in(tab, username):
    tab.goto("/masuk")
    tab.get_by_label(re.compile("NIP atau nama pengguna", re.I)).fill(username)
    tab.get_by_label(re.compile("Kata sandi", re.I)).fill(factories.TEST_PASSWORD)
    tab.get_by_role("button", name=re.compile("Masuk", re.I)).click()
    tab.wait_for_load_state("networkidle")


def paste(tab, selector: str, text: str) -> None:
    """A real paste event with the text on the clipboard (what Ctrl+V does)."""
    tab.locator(selector).focus()
    tab.evaluate("""([selector, text]) => {
        const data = new DataTransfer();
        data.setData("text/plain", text);
        document.querySelector(selector).dispatchEvent(
            new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
    }""", [selector, text])


def test_counter_long_paste_kept_and_refused_at_the_field_while_the_rest_autosaves(tab):
    w = build_world(rhk=1, indicators=1)
    sign_in(tab, w.u_owner.username)
    tab.goto(f"/penilaian-diri/{w.window.id}")
    tab.get_by_label("Di Atas Ekspektasi").check()
    expect(tab.locator("#self-save-status")).to_contain_text(re.compile(r"Tersimpan \d\d\.\d\d"))

    # Near the limit the counter appears (the example box opens on demand).
    tab.get_by_text(re.compile("^Contoh perilaku Akuntabel")).click()
    example = tab.locator("#value-akuntabel-example")
    example.fill("a" * (self_services.EXAMPLE_MAX - 120))
    counter = tab.locator("#value-akuntabel-example-count > span[aria-hidden]")
    expect(counter).to_be_empty()  # not close to the limit yet
    example.fill("a" * (self_services.EXAMPLE_MAX - 100))
    example.press_sequentially("bcd")
    expect(counter).to_have_text("97 karakter tersisa")
    expect(tab.locator("#value-akuntabel-example-count > span[aria-live=polite]")).to_have_text(
        "97 karakter tersisa")  # announced after the pause

    # A paste longer than the limit is kept whole, the counter says by how much it is too long ...
    rhk_id = w.skp.result_plans[0].id
    field = f"#rhk-{rhk_id}-justification"
    long_text = "Target tercapai lebih awal. " * 45  # 1,260 characters
    paste(tab, field, long_text)
    expect(tab.locator(field)).to_have_value(long_text)
    expect(tab.locator(f"{field}-count > span[aria-hidden]")).to_have_text(re.compile(r"^260 karakter melebihi batas"))
    # ... and the autosave refuses that field at the field, saving everything else.
    tab.locator(field).press("End")
    expect(tab.locator(f"{field}-error")).to_contain_text("Paling banyak 1.000 karakter", timeout=15_000)
    expect(tab.locator(field)).to_have_attribute("aria-invalid", "true")
    expect(tab.locator(field)).to_have_value(long_text)  # what was typed is still there
    expect(tab.locator("#self-save-status")).to_contain_text("isian belum disimpan")
    db.session.expire_all()
    sa = db.session.scalar(select(SelfAssessment))
    assert sa.result_ratings[0].rating == "di_atas" and sa.result_ratings[0].justification == ""
    assert any(r.example.startswith("aaaa") for r in sa.behaviour_ratings)

    # Shortened, the next autosave saves it and clears the mark.
    tab.locator(field).fill("Target tercapai lebih awal.")
    tab.locator(field).press("End")
    expect(tab.locator(f"{field}-error")).to_be_empty(timeout=15_000)
    expect(tab.locator(field)).not_to_have_attribute("aria-invalid", "true")
    db.session.expire_all()
    assert db.session.scalar(select(SelfAssessment)).result_ratings[0].justification == "Target tercapai lebih awal."
