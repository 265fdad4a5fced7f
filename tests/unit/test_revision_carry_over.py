"""An approved revision takes over the year's realisations and feedback (they follow the copied indicators)."""

import datetime as dt

from portal.extensions import db
from portal.progress.models import Realisation
from portal.skp import flow
from tests.factories import make_feedback, make_period, make_realisation, make_rhk, make_skp

TODAY = dt.date(2026, 6, 10)


def test_realisations_move_to_the_approved_revision(make_employee, make_unit, make_user):
    unit = make_unit("Dinas Uji")
    boss = make_employee("Kepala", unit=unit)
    owner = make_employee("Pemilik", unit=unit, superior=boss)
    boss_user, owner_user = make_user(employee=boss), make_user(employee=owner)
    period = make_period(2026)
    v1 = make_skp(owner, period, status="disetujui")
    rhk = make_rhk(v1, "RHK lama", indicators=2)
    first, second = rhk.indicators
    make_realisation(first, 1, text="Q1 pertama")
    make_realisation(second, 1, text="Q1 kedua")
    make_feedback(v1, boss, "Bagus")

    v2 = flow.revise_skp(owner_user, v1, "Penugasan baru dari pimpinan", today=TODAY, version=v1.version_id)
    db.session.flush()
    flow.submit_skp(owner_user, v2, today=TODAY, version=v2.version_id)
    db.session.flush()
    # Before approval the realisations stay on version 1, where they are recorded meanwhile.
    assert {r.indicator_id for r in db.session.query(Realisation)} == {first.id, second.id}
    flow.approve_skp(boss_user, v2, today=TODAY, version=v2.version_id)
    db.session.commit()

    assert v1.status == "digantikan" and not v1.is_current and v2.is_current
    new_ids = {i.id for r in v2.result_plans for i in r.indicators}
    assert {r.indicator_id for r in db.session.query(Realisation)} == new_ids
    assert {r.text for r in db.session.query(Realisation)} == {"Q1 pertama", "Q1 kedua"}
    from portal.progress.models import Feedback

    assert db.session.query(Feedback).one().skp_id == v2.id
