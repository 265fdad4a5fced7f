"""Umpan Balik Berkelanjutan in the menu (with the requests waiting for the employee's answer), and the shared
phrase library for BKPSDM and auditors (employees reach their own phrases from the feedback pages)."""

from __future__ import annotations

from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam

from portal.core import navigation as nav


@nav.prebuilt
def _requests_query():
    from portal.progress import services

    return services.open_requests_count_stmt(bindparam("progress_asked"))


def waiting_requests(visit: nav.Visit) -> nav.Count | int:
    if visit.employee_id is None:
        return 0
    return nav.Count(_requests_query(), {"progress_asked": visit.employee_id})


def register(state: BlueprintSetupState) -> None:
    nav.registry(state.app).add(
        nav.Entry("progress.inbox", _l("Umpan Balik Berkelanjutan"), nav.MY_WORK, 20, nav.has_employee,
                  waiting_requests),
        nav.Entry("progress.phrases", _l("Pustaka Frasa Umpan Balik"), nav.ADMIN, 80, nav.reads_all),
    )
