"""Accounts in the menu (Akun Pengguna for BKPSDM and auditors, Ganti kata sandi in the user menu) and the stored
roles named in the header."""

from __future__ import annotations

from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l

from portal.core import navigation as nav


def register(state: BlueprintSetupState) -> None:
    registry = nav.registry(state.app)
    registry.add(
        nav.Entry("auth.accounts", _l("Akun Pengguna"), nav.ADMIN, 60, nav.reads_all),
        nav.Entry("auth.change_password", _l("Ganti kata sandi"), nav.ACCOUNT, 10, nav.signed_in),
    )
    registry.add_roles(
        nav.Role(_l("Admin BKPSDM"), 0, lambda user: user.is_admin),
        nav.Role(_l("Auditor"), 10, lambda user: user.is_auditor),
        nav.Role(_l("Pegawai"), 99, nav.signed_in, fallback=True),
    )
