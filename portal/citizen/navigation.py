"""Suara Masyarakat in the Unit menu (BKPSDM, the auditor and heads of unit), with the comments waiting for the
head's moderation; and the summary the scoring page shows for Berorientasi Pelayanan."""

from __future__ import annotations

from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam

from portal.core import navigation as nav


@nav.prebuilt
def _pending_query():
    from portal.citizen import services

    return services.pending_count_stmt(bindparam("citizen_path"))


def can_open(user) -> bool:
    from portal.citizen import services

    return services.can_open(user)


def waiting_comments(visit: nav.Visit) -> nav.Count | int:
    from portal.org import permissions as org_perms

    headed = org_perms.headed_units(visit.user)
    if not headed:
        return 0
    return nav.Count(_pending_query(), {"citizen_path": headed[0].path})


def citizen_summary(unit):
    """The service satisfaction shown on the scoring page (None when no unit above has a public page)."""
    from portal.citizen import services
    from portal.core.timeutil import local_today

    return services.summary_for(unit, local_today())


def one_decimal(value) -> str:
    """3,7 in Indonesian, 3.7 in English (the locale's decimal sign); "–" for no value."""
    from flask_babel import format_decimal

    return "–" if value is None else format_decimal(value, format="0.0")


def month_label(month) -> str:
    """"Des 2025" for a rules.Month (the locale's month name)."""
    import datetime as dt

    from flask_babel import format_date

    return format_date(dt.date(month.year, month.month, 1), "MMM yyyy")


def register(state: BlueprintSetupState) -> None:
    state.app.add_template_global(citizen_summary)
    state.app.add_template_filter(one_decimal, "desimal")
    state.app.add_template_global(month_label)
    nav.registry(state.app).add(
        nav.Entry("citizen.index", _l("Suara Masyarakat"), nav.UNIT, 70, can_open, waiting_comments),
    )
