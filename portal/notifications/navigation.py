"""Notifications in the user menu (with the unread count, run together with the menu's other counts) and the bell
in the header, which reads the same count from the menu: the bell costs no query of its own on a full page."""

from __future__ import annotations

from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l

from portal.core import navigation as nav


@nav.prebuilt
def _unread_query():
    from portal.notifications import services

    return services.count_stmt_with_params()


def waiting_notifications(visit: nav.Visit) -> nav.Count:
    from portal.notifications import services

    return nav.Count(_unread_query(), services.count_params(visit.user))


def bell_count(menu) -> int:
    """The unread count of the page's menu (templates/notifications/_bell.html)."""
    if menu is None:
        return 0
    for link in menu.account:
        if link.entry.endpoint == "notifications.index":
            return link.waiting
    return 0


def register(state: BlueprintSetupState) -> None:
    state.app.add_template_global(bell_count)
    nav.registry(state.app).add(
        nav.Entry("notifications.index", _l("Notifikasi"), nav.ACCOUNT, 5, nav.signed_in, waiting_notifications),
        nav.Entry("notifications.settings", _l("Pengaturan Notifikasi"), nav.ACCOUNT, 6, nav.signed_in),
    )
