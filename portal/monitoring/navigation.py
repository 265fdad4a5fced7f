"""Monitoring in the menu: under Unit for BKPSDM, the auditor and heads of unit, under Tim Saya for a Pejabat
Penilai Kinerja who leads no unit (the same page, scoped to the team)."""

from __future__ import annotations

from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l

from portal.core import navigation as nav
from portal.org import navigation as org_nav


def unit_monitoring(user) -> bool:
    return nav.reads_all(user) or org_nav.is_head(user)


def team_monitoring(user) -> bool:
    return org_nav.is_assessor(user) and not unit_monitoring(user)


def register(state: BlueprintSetupState) -> None:
    nav.registry(state.app).add(
        nav.Entry("monitoring.index", _l("Monitoring"), nav.UNIT, 5, unit_monitoring),
        nav.Entry("monitoring.index", _l("Monitoring"), nav.TEAM, 5, team_monitoring),
    )
