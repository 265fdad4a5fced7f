"""The progress page and recording Realisasi: access by role, sub-period windows, htmx and no-JS, locking."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditLog
from portal.extensions import db
from portal.periods.models import PhaseReopening
from portal.periods.services import find_phase
from portal.progress.models import Realisation
from tests import factories

TODAY = dt.date(2026, 4, 8)  # Triwulan I window still open (1–14 April), Triwulan II running, III/IV future


@pytest.fixture
def today(monkeypatch):
    """Pin the portal's "today" for the progress views."""
    state = {"today": TODAY}
    monkeypatch.setattr("portal.progress.views.local_today", lambda: state["today"])
    return state


@pytest.fixture
def world(today):
    return factories.make_progress_world()


def _first_indicator(skp):
    return skp.result_plans[0].indicators[0]


def _url(skp, indicator, seq):
    return f"/skp/{skp.id}/indikator/{indicator.id}/realisasi/{seq}"


def _form(indicator, seq, **values):
    prefix = f"r{indicator.id}-{seq}-"
    return {prefix + key: value for key, value in values.items()}


@pytest.mark.parametrize("who, status", [
    ("u_owner", 200), ("u_assessor", 200), ("u_head", 200), ("u_admin", 200), ("u_auditor", 200),
    ("u_peer", 403), ("u_outsider", 403),
])
def test_progress_page_access(client, login, world, who, status):
    login(getattr(world, who))
    response = client.get(f"/skp/{world.skp.id}/realisasi")
    assert response.status_code == status
    if status == 200:
        body = response.get_data(as_text=True)
        assert "Triwulan I" in body and "Triwulan IV" in body
        assert _first_indicator(world.skp).text in body


def test_progress_page_missing_skp_is_404(client, login, world):
    login(world.u_owner)
    assert client.get("/skp/999999/realisasi").status_code == 404


def test_monthly_period_shows_months(client, login, today):
    world = factories.make_progress_world(frequency="bulanan")
    login(world.u_owner)
    body = client.get(f"/skp/{world.skp.id}/realisasi").get_data(as_text=True)
    assert "Januari" in body and "Desember" in body and "Triwulan" not in body


def test_page_shows_target_realisation_and_evidence_count(client, login, world):
    indicator = _first_indicator(world.skp)
    realisation = factories.make_realisation(indicator, 1, text="Tiga laporan selesai", number=3)
    from portal.progress.models import Evidence
    db.session.add(Evidence(realisation_id=realisation.id, kind="link", url="https://contoh.go.id/a"))
    db.session.commit()
    login(world.u_assessor)
    body = client.get(f"/skp/{world.skp.id}/realisasi").get_data(as_text=True)
    assert "Tiga laporan selesai" in body and "1 bukti" in body and "Laporan lengkap" in body
    # the assessor reads, but has no edit links for the owner's cells
    assert f'hx-get="{_url(world.skp, indicator, 1)}"' not in body


def test_owner_sees_edit_links_only_for_open_sub_periods(client, login, world):
    indicator = _first_indicator(world.skp)
    login(world.u_owner)
    body = client.get(f"/skp/{world.skp.id}/realisasi").get_data(as_text=True)
    assert f'hx-get="{_url(world.skp, indicator, 1)}"' in body  # past quarter, window open
    assert f'hx-get="{_url(world.skp, indicator, 2)}"' in body  # current quarter
    assert _url(world.skp, indicator, 3) not in body  # future: no link at all


def test_save_realisation_no_js_prg_and_audit(client, login, world):
    indicator = _first_indicator(world.skp)
    login(world.u_owner)
    response = client.post(_url(world.skp, indicator, 1),
                           data=_form(indicator, 1, text="Laporan triwulan I selesai", number="12,5", version_id=""))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/skp/{world.skp.id}/realisasi#rhk-{indicator.result_plan_id}")
    saved = db.session.scalar(select(Realisation).where(Realisation.indicator_id == indicator.id))
    assert saved.text == "Laporan triwulan I selesai" and str(saved.number) == "12.50" and saved.sub_period == 1
    assert db.session.scalar(select(func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "realisation.save")) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Laporan triwulan I selesai" in page and "Realisasi disimpan." in page


def test_htmx_edit_form_and_save_swap_the_cell(client, login, world):
    indicator = _first_indicator(world.skp)
    login(world.u_owner)
    headers = {"HX-Request": "true"}
    form = client.get(_url(world.skp, indicator, 2), headers=headers).get_data(as_text=True)
    assert form.lstrip().startswith(f'<td id="cell-{indicator.id}-2"') and "<html" not in form
    assert f'hx-post="{_url(world.skp, indicator, 2)}"' in form
    response = client.post(_url(world.skp, indicator, 2), headers=headers,
                           data=_form(indicator, 2, text="Separuh selesai", number="", version_id=""))
    assert response.status_code == 200
    cell = response.get_data(as_text=True)
    assert cell.lstrip().startswith(f'<td id="cell-{indicator.id}-2"') and "Separuh selesai" in cell
    assert "Tersimpan" in cell


def test_update_uses_optimistic_locking(client, login, world):
    indicator = _first_indicator(world.skp)
    realisation = factories.make_realisation(indicator, 1, text="Versi awal")
    login(world.u_owner)
    ok = client.post(_url(world.skp, indicator, 1),
                     data=_form(indicator, 1, text="Versi kedua", version_id=str(realisation.version_id)))
    assert ok.status_code == 302
    stale = client.post(_url(world.skp, indicator, 1),
                        data=_form(indicator, 1, text="Tab lama menimpa", version_id="1"))
    assert stale.status_code == 409
    assert "sudah diubah orang lain" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Realisation, realisation.id).text == "Versi kedua"
    # a second tab that opened the cell while it was still empty cannot overwrite it either
    again = client.post(_url(world.skp, indicator, 1), data=_form(indicator, 1, text="Dari tab kosong", version_id=""))
    assert again.status_code == 409


@pytest.mark.parametrize("who", ["u_assessor", "u_head", "u_admin", "u_auditor", "u_peer", "u_outsider"])
def test_only_owner_records_realisation(client, login, world, who):
    indicator = _first_indicator(world.skp)
    login(getattr(world, who))
    response = client.post(_url(world.skp, indicator, 1), data=_form(indicator, 1, text="Bukan pemilik"))
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Realisation)) == 0


def test_future_sub_period_refused(client, login, world):
    indicator = _first_indicator(world.skp)
    login(world.u_owner)
    response = client.post(_url(world.skp, indicator, 3), data=_form(indicator, 3, text="Terlalu dini"))
    assert response.status_code == 422
    assert "belum dimulai" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Realisation)) == 0


def test_unknown_sub_period_is_404(client, login, world):
    indicator = _first_indicator(world.skp)
    login(world.u_owner)
    assert client.get(_url(world.skp, indicator, 5)).status_code == 404


def test_closed_window_refused_then_reopened_allowed(client, login, world, today):
    today["today"] = dt.date(2026, 5, 11)  # the Triwulan I window closed on 14 April
    indicator = _first_indicator(world.skp)
    login(world.u_owner)
    refused = client.post(_url(world.skp, indicator, 1), data=_form(indicator, 1, text="Terlambat"))
    assert refused.status_code == 422 and "sudah ditutup" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Realisation)) == 0
    page = client.get(f"/skp/{world.skp.id}/realisasi").get_data(as_text=True)
    assert f'hx-get="{_url(world.skp, indicator, 1)}"' not in page and "ditutup" in page

    phase = find_phase(world.period, "evaluasi_periodik", 1)
    db.session.add(PhaseReopening(phase_id=phase.id, employee_id=world.owner.id, until=dt.date(2026, 5, 20),
                                  reason="Sakit"))
    db.session.commit()
    allowed = client.post(_url(world.skp, indicator, 1), data=_form(indicator, 1, text="Setelah dibuka kembali"))
    assert allowed.status_code == 302
    assert db.session.scalar(select(Realisation.text)) == "Setelah dibuka kembali"


def test_period_without_windows_is_open_until_year_end(client, login, today):
    world = factories.make_progress_world()
    from portal.periods.models import PeriodPhase
    db.session.execute(PeriodPhase.__table__.delete().where(PeriodPhase.kind == "evaluasi_periodik"))
    db.session.commit()
    today["today"] = dt.date(2026, 12, 31)
    indicator = _first_indicator(world.skp)
    login(world.u_owner)
    assert client.post(_url(world.skp, indicator, 1), data=_form(indicator, 1, text="Akhir tahun")).status_code == 302
    today["today"] = dt.date(2027, 1, 2)
    assert client.post(_url(world.skp, indicator, 2), data=_form(indicator, 2, text="Lewat")).status_code == 422


def test_draft_skp_shows_explanation_and_refuses_realisation(client, login, today):
    world = factories.make_progress_world(status="draft")
    indicator = _first_indicator(world.skp)
    login(world.u_owner)
    body = client.get(f"/skp/{world.skp.id}/realisasi").get_data(as_text=True)
    assert "belum disetujui" in body
    response = client.post(_url(world.skp, indicator, 1), data=_form(indicator, 1, text="Draf"))
    assert response.status_code == 422
    assert "sudah disetujui" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Realisation)) == 0


def test_indicator_of_another_skp_is_404(client, login, world):
    other = factories.make_progress_skp(world.peer, world.period, assessor=world.assessor)
    foreign = _first_indicator(other)
    login(world.u_owner)
    assert client.post(_url(world.skp, foreign, 1), data=_form(foreign, 1, text="x")).status_code == 404
    assert client.get(_url(world.skp, foreign, 1)).status_code == 404


def test_invalid_number_is_shown_next_to_the_field(client, login, world):
    indicator = _first_indicator(world.skp)
    login(world.u_owner)
    response = client.post(_url(world.skp, indicator, 1), data=_form(indicator, 1, text="x", number="dua belas"))
    assert response.status_code == 422
    assert "Angka realisasi tidak valid" in response.get_data(as_text=True)


def _fill(skp, seqs=(1, 2)):
    """Realisation, a link evidence and a feedback item in every cell of the first sub-periods."""
    from portal.progress.models import Evidence

    for rhk in skp.result_plans:
        for indicator in rhk.indicators:
            for seq in seqs:
                realisation = factories.make_realisation(indicator, seq, text=f"R{indicator.id}-{seq}")
                db.session.add(Evidence(realisation_id=realisation.id, kind="link", url="https://contoh.go.id/b"))
                db.session.commit()
                factories.make_feedback(skp, skp.assessor, realisation=realisation)


def test_progress_page_query_count_is_flat(client, login, queries, today):
    small = factories.make_progress_world(rhk=2, indicators=3)
    _fill(small.skp)
    login(small.u_assessor)
    db.session.expire_all()
    with queries() as q_small:
        assert client.get(f"/skp/{small.skp.id}/realisasi").status_code == 200

    big_owner = factories.make_employee(unit=small.unit, superior=small.assessor)
    big = factories.make_progress_skp(big_owner, small.period, rhk=10, indicators=3, assessor=small.assessor)
    _fill(big)
    db.session.expire_all()
    with queries() as q_big:
        assert client.get(f"/skp/{big.id}/realisasi").status_code == 200
    # 16 for the page; the rest is the menu: roles, the current period, 360 tasks and one statement of counts (plus
    # the counts of areas that return plain numbers), a fixed number whatever the data (tests/views/test_navigation.py)
    assert q_big.count == q_small.count <= 26, "\n".join(q_big.statements)


def test_pending_revision_does_not_block_realisation(client, login, world):
    """While a revision is drafted (the draft is "current"), the approved version stays open for realisation."""
    world.skp.is_current = False
    draft = factories.make_progress_skp(world.owner, world.period, status="draft", number=2, assessor=world.assessor)
    db.session.commit()
    login(world.u_owner)
    body = client.get(f"/skp/{draft.id}/realisasi").get_data(as_text=True)
    assert "belum disetujui" in body and f"/skp/{world.skp.id}/realisasi" in body
    indicator = _first_indicator(world.skp)
    assert client.post(_url(world.skp, indicator, 1), data=_form(indicator, 1, text="Tetap jalan")).status_code == 302
    assert "Revisi SKP sedang disusun" in client.get(f"/skp/{world.skp.id}/realisasi").get_data(as_text=True)


def test_superseded_version_is_read_only_and_realisations_carry_over(client, login, world):
    from portal.progress.services import carry_over_realisations
    from portal.skp.models import Indicator, ResultPlan, Skp

    old_indicator = _first_indicator(world.skp)
    realisation = factories.make_realisation(old_indicator, 1, text="Dari versi 1")
    factories.make_feedback(world.skp, world.assessor, "Umpan balik versi 1", realisation=realisation)
    new = Skp(period=world.period, employee=world.owner, status="disetujui", number=2, assessor=world.assessor,
              unit_id=world.owner.unit_id)
    plan = ResultPlan(kind="utama", text="RHK revisi", origin_id=world.skp.result_plans[0].id)
    plan.indicators.append(Indicator(text=old_indicator.text, origin_id=old_indicator.id))
    plan.indicators.append(Indicator(text="Indikator baru"))
    new.result_plans.append(plan)
    world.skp.status, world.skp.is_current = "digantikan", False
    db.session.add(new)
    db.session.flush()
    assert carry_over_realisations(world.u_assessor, world.skp, new) == 1
    db.session.commit()
    moved = db.session.scalar(select(Realisation))
    assert moved.indicator_id == plan.indicators[0].id

    login(world.u_owner)
    new_page = client.get(f"/skp/{new.id}/realisasi").get_data(as_text=True)
    assert "Dari versi 1" in new_page and "Umpan balik versi 1" in new_page
    old_page = client.get(f"/skp/{world.skp.id}/realisasi").get_data(as_text=True)
    assert "sudah digantikan" in old_page
    refused = client.post(_url(world.skp, old_indicator, 2), data=_form(old_indicator, 2, text="Versi lama"))
    assert refused.status_code == 422
