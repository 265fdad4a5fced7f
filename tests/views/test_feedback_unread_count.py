"""The unread count of the continuous feedback follows "Tandai sudah dibaca" (htmx): the response carries the
section heading's badge out of band, so the count on the page is never stale."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests import factories

TODAY = dt.date(2026, 4, 8)
HTMX = {"HX-Request": "true"}


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setattr("portal.progress.views.local_today", lambda: TODAY)
    return factories.make_progress_world(rhk=1, indicators=1)


def _badge(html: str, n: int | None) -> bool:
    inner = rf'<span class="badge badge-warn">{n} belum dibaca</span>' if n else ""
    return re.search(rf'<span id="feedback-unread"[^>]*>\s*{inner}\s*</span>', html) is not None


def test_marking_read_updates_the_unread_badge(client, login, world):
    first = factories.make_feedback(world.skp, world.assessor, "Bagus, lanjutkan.")
    second = factories.make_feedback(world.skp, world.assessor, "Perhatikan tenggat laporan.")
    login(world.u_owner)
    assert _badge(client.get(f"/skp/{world.skp.id}/realisasi").get_data(as_text=True), 2)

    response = client.post(f"/umpan-balik/{first.id}/dibaca", headers=HTMX)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and fragment.lstrip().startswith(f'<li id="umpan-balik-{first.id}"')
    assert 'id="feedback-unread" hx-swap-oob="true"' in fragment and _badge(fragment, 1)

    fragment = client.post(f"/umpan-balik/{second.id}/dibaca", headers=HTMX).get_data(as_text=True)
    assert _badge(fragment, None)  # none left: the badge goes
    assert _badge(client.get(f"/skp/{world.skp.id}/realisasi").get_data(as_text=True), None)
