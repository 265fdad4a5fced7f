"""The nominations page in a real browser: the assessor lists suggested peers with one click each and sends the
invitations, adds someone from another OPD by NIP (typed into the people picker), and the employee proposes a rater."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.assessment.models import NOMINATION_INVITED, NOMINATION_PREPARED, NOMINATION_PROPOSED, RaterNomination
from portal.extensions import db
from tests.unit.test_nomination_services import build_world

pytestmark = pytest.mark.browser


def test_assessor_nominates_and_employee_proposes(page, browser_login):
    w = build_world()
    url = f"/360/{w.subject.id}/{w.phase.id}"
    browser_login(w.u_assessor.username)
    page.goto("/360")
    from portal.periods.services import phase_label

    window = re.escape(f"{w.subject.full_name}, {phase_label(w.phase)}")
    page.get_by_role("link", name=re.compile(f"Penilai {window}")).click()
    expect(page.get_by_role("heading", name="Penilai umpan balik 360")).to_be_visible()

    group = page.locator("section.nom-group").filter(has=page.get_by_role("heading", name=re.compile("Rekan kerja")))
    for peer in w.peers[:3]:
        if not group.locator("details").first.get_attribute("open"):
            group.locator("summary").first.click()
        group.get_by_role("button", name=f"Undang {peer.full_name}").click()
        expect(page.locator("tr", has_text=peer.full_name)).to_contain_text("Belum dikirim")
    page.get_by_role("button", name="Kirim undangan (3 penilai)").click()
    expect(page.locator("tr", has_text=w.peers[0].full_name)).to_contain_text("Diundang")

    picker = page.get_by_role("combobox", name="Penilai", exact=True)  # typed NIP, no option chosen: the server
    picker.fill(w.outsider.nip)                                        # resolves it as without JavaScript
    expect(page.get_by_role("listbox").get_by_role("option")).to_have_count(1)
    picker.press("Escape")
    page.get_by_label("Kelompok penilai").select_option("lainnya")
    page.locator(".nom-add").get_by_role("button", name="Undang").click()
    expect(page.locator("tr", has_text=w.outsider.full_name)).to_contain_text("Belum dikirim")
    # One person alone in a small group cannot be sent (anonymity): the page says so before anyone tries.
    expect(page.locator(".nom-problems")).to_contain_text("Undangan belum dapat dikirim")
    # (a refusal answers 422, which the browser logs as a console error: see the view tests)
    page.screenshot(path="/tmp/nominations-assessor.png", full_page=True)

    db.session.expire_all()
    statuses = {n.rater_id: n.status for n in db.session.scalars(select(RaterNomination))}
    assert statuses == {**{p.id: NOMINATION_INVITED for p in w.peers[:3]}, w.outsider.id: NOMINATION_PREPARED}

    page.locator("#user-menu > summary").click()  # the user menu next to the name
    page.get_by_role("button", name="Keluar").click()
    browser_login(w.u_subject.username)
    page.goto(url)
    picker = page.get_by_role("combobox", name="Penilai", exact=True)
    picker.fill(w.peers[3].nip)
    expect(page.get_by_role("listbox").get_by_role("option")).to_have_count(1)
    picker.press("Escape")
    page.get_by_label("Kelompok penilai").select_option("rekan")
    page.locator(".nom-add").get_by_role("button", name="Usulkan").click()
    expect(page.locator("tr", has_text=w.peers[3].full_name)).to_contain_text("Diusulkan")
    page.screenshot(path="/tmp/nominations-subject.png", full_page=True)
    db.session.expire_all()
    assert db.session.scalar(select(RaterNomination.status).where(
        RaterNomination.rater_id == w.peers[3].id)) == NOMINATION_PROPOSED
