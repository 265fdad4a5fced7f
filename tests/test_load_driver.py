"""A smoke run of the load test of `make load` (tests/load.py): a few virtual users for a few seconds against the
app served by waitress (the live_server fixture), then the verification of every acknowledged write. The real
run (300 users, 20,000 employees) is too slow for the suite."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.timeutil import local_today
from portal.demo import seed_scale
from portal.demo_cycle import seed_scale_360, seed_scale_cycle
from portal.extensions import db
from portal.progress.models import Realisation
from tests import load


def test_a_few_users_for_a_few_seconds_write_nothing_that_gets_lost(live_server):
    seed_scale(employees=60, opd=1, seed=5)
    cycle = seed_scale_cycle(local_today())
    seed_scale_360(cycle["period_id"])
    db.session.commit()
    plan = load.prepare_plan(5)
    assert len(plan.assessors) == 1 and len(plan.employees) >= 4

    recorder = load.drive(live_server, plan, users=5, seconds=120, think=(0.05, 0.1), ramp=0.2, rounds=2)
    table, totals = load.report(recorder, 1)
    kinds = {sample.kind for sample in recorder.samples}
    assert {"sign in (POST, scrypt)", "dashboard", "realisation page", "save realisation (htmx)"} <= kinds, table
    assert totals["errors"] == 0 and not recorder.unexpected, (table, recorder.unexpected)
    assert recorder.acked.realisations and recorder.acked.approvals, table

    db.session.expire_all()
    checked, lost, problems = load.verify(plan, recorder.acked)
    assert checked >= 3 and lost == 0 and problems == [], problems

    # The verification finds a write that did not stick (here: the last saved text overwritten afterwards).
    (indicator_id, seq), _texts = next(iter(recorder.acked.realisations.items()))
    row = db.session.scalar(select(Realisation).where(Realisation.indicator_id == indicator_id,
                                                      Realisation.sub_period == seq))
    row.text = "diubah di luar uji beban"
    db.session.commit()
    assert load.verify(plan, recorder.acked)[1] >= 1
