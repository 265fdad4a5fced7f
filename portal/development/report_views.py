"""Pages over many people: the assessor's team (plans to decide, JP, levels, priority), the unit's competency heat
map with the people behind each cell and its JP numbers (unit heads, BKPSDM, the auditor), and the regency's training
needs for BKPSDM as a list and a workbook."""

from __future__ import annotations

from flask import Response, abort, request
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.core.htmx import render
from portal.core.ids import query_id
from portal.core.pagination import page_number
from portal.development import common, exports, reports, rules
from portal.development import permissions as perms
from portal.development.blueprint import bp
from portal.development.models import Competency
from portal.extensions import db
from portal.org import navigation as org_nav
from portal.org import permissions as org_perms
from portal.org.models import Unit


@bp.get("/pengembangan/tim")
@login_required
def team():
    me = current_user.employee_id
    if me is None or not org_nav.is_assessor(current_user):
        abort(403)
    year = common.year_arg()
    page, rows = reports.team_page(me, year, page_number())
    waiting = [r for r in rows if r.plan is not None and r.plan.status == rules.PLAN_SUBMITTED
               and r.plan.assessor_id == me]
    return render("development/team.html", "development/_team.html", page=page, rows=rows, year=year,
                  years=common.year_choices(year), waiting=waiting)


def _units_for(user) -> list[Unit]:
    if user.can_read_all:
        return list(db.session.scalars(select(Unit).where(Unit.active.is_(True), Unit.parent_id.is_(None))
                                       .order_by(Unit.name)))
    return org_perms.headed_units(user)


def _unit_arg(units: list[Unit]) -> Unit:
    wanted = query_id("unit")
    if wanted is None:
        if not units:
            abort(403)
        return units[0]
    unit = db.get_or_404(Unit, wanted)
    if not perms.can_view_unit(current_user, unit):
        abort(403)
    return unit


@bp.get("/pengembangan/unit")
@login_required
def unit():
    if not perms.reads_units(current_user):
        abort(403)
    units = _units_for(current_user)
    chosen = _unit_arg(units)
    year = common.year_arg()
    return render("development/unit.html", "development/_unit.html", unit=chosen, units=units, year=year,
                  years=common.year_choices(year), heat=reports.heat_map(chosen, year),
                  summary=reports.unit_summary(chosen, year), buckets=rules.GAP_BUCKETS)


def _bucket_arg() -> int:
    raw = request.args.get("selisih", "")
    if raw not in {str(b) for b in rules.GAP_BUCKETS}:
        abort(404)
    return int(raw)


@bp.get("/pengembangan/unit/<int:unit_id>/kompetensi/<int:competency_id>")
@login_required
def heat_people(unit_id: int, competency_id: int):
    """The people behind one cell of the heat map."""
    unit_ = db.get_or_404(Unit, unit_id)
    if not perms.can_view_unit(current_user, unit_):
        abort(403)
    # a query, not the identity map: the page costs the same statements whatever the session holds
    competency = db.session.scalar(select(Competency).where(Competency.id == competency_id))
    if competency is None:
        abort(404)
    bucket, year = _bucket_arg(), common.year_arg()
    page = reports.heat_people(unit_, year, competency.id, bucket, page_number())
    return render("development/heat_people.html", "development/_heat_people.html", unit=unit_,
                  competency=competency, bucket=bucket, year=year, page=page)


@bp.get("/pengembangan/kebutuhan")
@login_required
def needs():
    if not current_user.can_read_all:
        abort(403)
    year = common.year_arg()
    return render("development/needs.html", "development/_needs.html", year=year,
                  years=common.year_choices(year, reports.plan_years_with_data()),
                  page=reports.needs_page(year, page_number()), summary=reports.unit_summary(None, year, top=0))


@bp.get("/pengembangan/kebutuhan/<int:year>.xlsx")
@login_required
def needs_xlsx(year: int):
    if not current_user.can_read_all:
        abort(403)
    year = common.year_or_404(year)
    response = Response(exports.needs_xlsx(year), mimetype=exports.XLSX_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="kebutuhan-pengembangan-{year}.xlsx"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
