"""Dialog kinerja, pembinaan and konseling in the menu, with the sessions waiting for the person."""

from __future__ import annotations

from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l

from portal.core import facts
from portal.core import navigation as nav


def _waiting_sessions(employee):
    from portal.dialog import services

    return services.waiting_count_stmt(employee)


waiting_sessions = nav.employee_count("dialog_employee", _waiting_sessions)


def sees_coaching(user) -> bool:
    """Pembinaan: every employee (their own records) and BKPSDM and auditors (all, read)."""
    return nav.has_employee(user) or nav.reads_all(user)


def sees_counselling(user) -> bool:
    from portal.dialog import permissions

    return permissions.can_open_counselling_list(user)


def register(state: BlueprintSetupState) -> None:
    from portal.dialog import permissions

    facts.register(state.app, permissions.COUNSELLOR, permissions.REFERRED)
    nav.registry(state.app).add(
        nav.Entry("dialog.index", _l("Dialog Kinerja"), nav.MY_WORK, 55, nav.has_employee, waiting_sessions),
        nav.Entry("dialog.coaching_index", _l("Pembinaan"), nav.MY_WORK, 57, sees_coaching),
        nav.Entry("dialog.counselling_index", _l("Konseling Kinerja"), nav.MY_WORK, 58, sees_counselling),
        nav.Entry("dialog.counsellors", _l("Konselor"), nav.ADMIN, 17, nav.reads_all),
    )
