"""Competency development in the menu: Pengembangan Kompetensi (own plan; a returned plan waits), Pengembangan Tim
(plans waiting for the assessor's decision), the unit's Peta Kompetensi and the position standards, and for BKPSDM
the regency's Kebutuhan Pengembangan, the Kamus Kompetensi and the Jenis Kegiatan Pengembangan."""

from __future__ import annotations

from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l

from portal.core import navigation as nav
from portal.org import navigation as org_nav


def reads_unit(user) -> bool:
    return nav.reads_all(user) or org_nav.is_head(user)


def _waiting_plans(assessor):
    from portal.development import reports

    return reports.waiting_plans_stmt(assessor)


def _returned_plans(employee):
    from portal.development import reports

    return reports.returned_plans_stmt(employee)


waiting_plans = nav.employee_count("dev_assessor", _waiting_plans)
returned_plans = nav.employee_count("dev_employee", _returned_plans)


def register(state: BlueprintSetupState) -> None:
    nav.registry(state.app).add(
        nav.Entry("development.mine", _l("Pengembangan Kompetensi"), nav.MY_WORK, 60, nav.has_employee,
                  returned_plans),
        nav.Entry("development.team", _l("Pengembangan Tim"), nav.TEAM, 70, org_nav.is_assessor, waiting_plans),
        nav.Entry("development.unit", _l("Peta Kompetensi Unit"), nav.UNIT, 70, reads_unit),
        nav.Entry("development.standards", _l("Standar Kompetensi Jabatan"), nav.UNIT, 72, reads_unit),
        nav.Entry("development.needs", _l("Kebutuhan Pengembangan"), nav.ADMIN, 18, nav.reads_all),
        nav.Entry("development.dictionary", _l("Kamus Kompetensi"), nav.ADMIN, 19, nav.reads_all),
        nav.Entry("development.activity_types", _l("Jenis Kegiatan Pengembangan"), nav.ADMIN, 20, nav.reads_all),
    )
