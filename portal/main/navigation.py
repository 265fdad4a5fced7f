"""Beranda: the first entry of the menu, for everyone signed in."""

from __future__ import annotations

from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l

from portal.core import navigation as nav


def register(state: BlueprintSetupState) -> None:
    nav.registry(state.app).add(nav.Entry("main.dashboard", _l("Beranda"), nav.HOME, 0, nav.signed_in))
