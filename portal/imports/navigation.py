"""The staff import in the Administrasi menu (Admin BKPSDM imports; auditors read the batches)."""

from __future__ import annotations

from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l

from portal.core import navigation as nav


def register(state: BlueprintSetupState) -> None:
    nav.registry(state.app).add(nav.Entry("imports.index", _l("Impor Pegawai"), nav.ADMIN, 50, nav.reads_all))
