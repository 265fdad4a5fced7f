"""The audit log in the Administrasi menu."""

from __future__ import annotations

from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l

from portal.core import navigation as nav


def register(state: BlueprintSetupState) -> None:
    nav.registry(state.app).add(nav.Entry("audit.index", _l("Log Audit"), nav.ADMIN, 90, nav.reads_all))
