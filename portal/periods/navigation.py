"""Periods and the working-day calendar in the Administrasi menu (Admin BKPSDM edits, auditors read)."""

from __future__ import annotations

from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l

from portal.core import navigation as nav


def register(state: BlueprintSetupState) -> None:
    nav.registry(state.app).add(
        nav.Entry("periods.index", _l("Periode Kinerja"), nav.ADMIN, 10, nav.reads_all),
        nav.Entry("periods.holidays", _l("Kalender Kerja"), nav.ADMIN, 20, nav.reads_all),
    )


def current_period(visit: nav.Visit):
    """The current period, loaded once per page for every count that needs it."""
    from portal.periods import services

    return visit.memo("current_period", lambda: services.current_period(visit.today))
