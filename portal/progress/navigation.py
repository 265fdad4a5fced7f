"""Umpan Balik Berkelanjutan in the menu (with the requests waiting for the employee's answer), and the shared
phrase library for BKPSDM and auditors (employees reach their own phrases from the feedback pages)."""

from __future__ import annotations

from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l

from portal.core import navigation as nav


def _open_requests(asked):
    from portal.progress import services

    return services.open_requests_count_stmt(asked)


waiting_requests = nav.employee_count("progress_asked", _open_requests)


def register(state: BlueprintSetupState) -> None:
    nav.registry(state.app).add(
        nav.Entry("progress.inbox", _l("Umpan Balik Berkelanjutan"), nav.MY_WORK, 20, nav.has_employee,
                  waiting_requests),
        nav.Entry("progress.phrases", _l("Pustaka Frasa Umpan Balik"), nav.ADMIN, 80, nav.reads_all),
    )
