"""Services of the progress area with an explicit ``today``: sub-period states, files and the transaction."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from portal.core.errors import DomainError
from portal.extensions import db
from portal.periods.models import PhaseReopening
from portal.periods.services import find_phase
from portal.progress import services
from portal.progress.models import Evidence, Realisation
from tests import factories

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def world():
    return factories.make_progress_world(rhk=1, indicators=1)


def test_sub_period_states_quarterly(world):
    states = services.sub_periods(world.skp, dt.date(2026, 5, 11))
    assert [s.label for s in states] == ["Triwulan I", "Triwulan II", "Triwulan III", "Triwulan IV"]
    assert [s.state for s in states] == ["closed", "open", "future", "future"]
    assert states[0].closes_on == dt.date(2026, 4, 14)  # 10 working days after 31 March
    assert states[1].starts_on == dt.date(2026, 4, 1) and states[1].ends_on == dt.date(2026, 6, 30)


def test_sub_period_states_monthly_and_reopening():
    world = factories.make_progress_world(frequency="bulanan")
    today = dt.date(2026, 3, 10)
    states = services.sub_periods(world.skp, today)
    assert len(states) == 12 and states[0].label == "Januari" and states[11].label == "Desember"
    assert [s.state for s in states[:4]] == ["closed", "open", "open", "future"]  # Feb window open until mid-March
    phase = find_phase(world.period, "evaluasi_periodik", 1)
    db.session.add(PhaseReopening(phase_id=phase.id, unit_id=world.unit.id, until=dt.date(2026, 3, 31),
                                  reason="Gangguan jaringan"))
    db.session.commit()
    reopened = services.sub_periods(world.skp, today)[0]
    assert reopened.state == "open" and reopened.reopened
    single = services.sub_period(world.skp, 1, today)
    assert single.state == "open" and single.reopened


def test_require_recordable_messages(world):
    with pytest.raises(DomainError, match="belum dimulai"):
        services.require_recordable(world.u_owner, world.skp, 3, dt.date(2026, 5, 1))
    with pytest.raises(DomainError, match="sudah ditutup"):
        services.require_recordable(world.u_owner, world.skp, 1, dt.date(2026, 5, 1))
    with pytest.raises(DomainError, match="pemilik SKP"):
        services.require_recordable(world.u_assessor, world.skp, 2, dt.date(2026, 5, 1))
    assert services.require_recordable(world.u_owner, world.skp, 2, dt.date(2026, 5, 1)).editable


def test_save_realisation_requires_content_and_audits(world):
    indicator = world.skp.result_plans[0].indicators[0]
    with pytest.raises(DomainError, match="Isi realisasi"):
        services.save_realisation(world.u_owner, world.skp, indicator, 2, text=" ", number="", version="",
                                  today=dt.date(2026, 5, 1))
    realisation = services.save_realisation(world.u_owner, world.skp, indicator, 2, text="", number="7",
                                            version="", today=dt.date(2026, 5, 1))
    db.session.commit()
    assert realisation.text == "" and str(realisation.number) == "7.00"
    same = services.save_realisation(world.u_owner, world.skp, indicator, 2, text="", number="7,00",
                                     version=str(realisation.version_id), today=dt.date(2026, 5, 1))
    assert same.version_id == realisation.version_id  # nothing changed, nothing written


def _upload(world, today=dt.date(2026, 5, 1)):
    indicator = world.skp.result_plans[0].indicators[0]
    return services.add_file_evidence(world.u_owner, world.skp, indicator, 2, filename="a.pdf",
                                      stream=io.BytesIO(PDF), title="", today=today)


def test_rolled_back_upload_leaves_no_file(world, app):
    evidence = _upload(world)
    path = services.evidence_path(evidence)
    assert path.exists()
    db.session.rollback()
    assert not path.exists()
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0


def test_file_is_removed_only_when_the_deletion_commits(world, app):
    evidence = _upload(world)
    db.session.commit()
    path = services.evidence_path(evidence)
    services.delete_evidence(world.u_owner, evidence, dt.date(2026, 5, 1))
    db.session.rollback()
    assert path.exists()  # the deletion was rolled back: the file stays
    evidence = db.session.scalar(select(Evidence))
    services.delete_evidence(world.u_owner, evidence, dt.date(2026, 5, 1))
    db.session.commit()
    assert not path.exists()
    assert db.session.scalar(select(func.count()).select_from(Realisation)) == 1  # the empty holder stays


def test_evidence_before_text_creates_an_empty_realisation(world):
    _upload(world)
    db.session.commit()
    realisation = db.session.scalar(select(Realisation))
    assert realisation.text == "" and realisation.sub_period == 2 and len(realisation.evidence) == 1
