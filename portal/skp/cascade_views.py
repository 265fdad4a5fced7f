"""Unit goals (sasaran unit), the cascade of performance of a unit, and the printable SKP.

- skp.goals "/skp/sasaran-unit?unit=<id>": the goals of a unit for the period; the head of the unit and the admin
  add, edit and deactivate them inline (htmx) or with plain forms.
- skp.cascade "/skp/kaskade?unit=<id>&period=<id>": the tree of RHK of a unit, loaded in a fixed number of queries.
- skp.print "/skp/<id>/cetak": the SKP as the official form of PermenPANRB 6/2022 (Lampiran), A4, print CSS.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, make_response, render_template, request, url_for
from flask_babel import format_date, format_decimal, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from portal.core.errors import ConflictError, DomainError
from portal.core.forms import FlaskForm
from portal.core.htmx import invalid, is_fragment_request, redirect_to, render
from portal.core.ids import query_id
from portal.core.pagination import paginate
from portal.core.timeutil import local_today
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.org.models import Employee, Unit
from portal.periods import services as period_services
from portal.periods.models import Period
from portal.skp import berakhlak, goals, permissions
from portal.skp.blueprint import bp
from portal.skp.cascade import find_node, limit_rendering, load_cascade
from portal.skp.labels import STATUS_LABELS, status_label
from portal.skp.models import (
    RHK_TAMBAHAN,
    RHK_UTAMA,
    STATUS_APPROVED,
    STATUS_CANCELLED,
    STATUS_DRAFT,
    STATUS_RETURNED,
    STATUS_SUBMITTED,
    STATUS_SUPERSEDED,
    ResultPlan,
    Skp,
    UnitGoal,
)

KIND_LABELS = {RHK_UTAMA: _l("Utama"), RHK_TAMBAHAN: _l("Tambahan")}
ASPECT_LABELS = {"kuantitas": _l("Kuantitas"), "kualitas": _l("Kualitas"), "waktu": _l("Waktu"),
                 "biaya": _l("Biaya")}


class UnitGoalForm(FlaskForm):
    text = TextAreaField(_l("Sasaran unit"), validators=[
        DataRequired(_l("Sasaran unit wajib diisi.")),
        Length(max=goals.MAX_TEXT, message=_l("Sasaran unit paling banyak %(max)d karakter.")),
    ])


class EmptyForm(FlaskForm):
    """A lone button (deactivate): CSRF only."""


# ---------------------------------------------------------------------------------------------------------
# Shared: the period and the unit of a page


def _period() -> Period | None:
    """The period asked for (period=<id>), else the current one."""
    period_id = query_id("period")
    if period_id is not None:
        period = db.get_or_404(Period, period_id)
        return period
    return period_services.current_period(local_today())


def _periods() -> list[Period]:
    return list(db.session.scalars(select(Period).order_by(Period.year.desc())))


def _unit_choices() -> list[Unit]:
    """Units the user may pick: every active unit for admin/auditor, the subtrees they head for a head."""
    stmt = select(Unit).where(Unit.active.is_(True)).order_by(Unit.path)
    if not current_user.can_read_all:
        heads = org_perms.headed_units(current_user)
        if not heads:
            return []
        stmt = stmt.where(or_(*[Unit.path.startswith(head.path, autoescape=True) for head in heads]))
    units = list(db.session.scalars(stmt))
    # Keep each unit under its parent: order by the chain of names, not by ids in the path.
    by_id = {unit.id: unit for unit in units}

    def key(unit: Unit):
        chain = [by_id[i].name if i in by_id else "" for i in unit.ancestor_ids] + [unit.name]
        return [name.lower() for name in chain]

    return sorted(units, key=key)


def _unit_for_page(readable) -> Unit | None:
    """unit=<id> when the user may read it (else 403), else the unit they head; None: admin/auditor choose."""
    unit_id = query_id("unit")
    if unit_id is not None:
        unit = db.get_or_404(Unit, unit_id)
        if not readable(current_user, unit):
            abort(403)
        return unit
    unit = org_perms.headed_unit(current_user)
    if unit is not None:
        return unit
    if current_user.can_read_all:
        return None
    abort(403)


# ---------------------------------------------------------------------------------------------------------
# Unit goals (sasaran unit)


def _goal_or_404(goal_id: int, *, manage: bool) -> UnitGoal:
    goal = db.session.scalar(
        select(UnitGoal).where(UnitGoal.id == goal_id).options(joinedload(UnitGoal.unit), joinedload(UnitGoal.period))
    )
    if goal is None:
        abort(404)
    allowed = goals.can_manage_goals(current_user, goal.unit) if manage else goals.can_read_goals(current_user,
                                                                                               goal.unit)
    if not allowed:
        abort(403)
    return goal


def _goals_url(unit: Unit, period: Period, anchor: str | None = None) -> str:
    return url_for("skp.goals", unit=unit.id, period=period.id, _anchor=anchor)


def _goals_context(unit: Unit | None, period: Period | None, **extra) -> dict:
    context = {
        "unit": unit,
        "period": period,
        "periods": _periods(),
        "units": _unit_choices(),
        "can_manage": unit is not None and goals.can_manage_goals(current_user, unit),
        "page": None,
        "editing": None,
        "edit_form": None,
        "form": UnitGoalForm(formdata=None, prefix="goal-baru"),
        "action_form": EmptyForm(),
    }
    if unit is not None and period is not None:
        context["page"] = paginate(goals.goals_query(unit, period), per_page=50)
    context.update(extra)
    return context


@bp.get("/sasaran-unit", endpoint="goals")
@login_required
def goals_page():
    unit = _unit_for_page(goals.can_read_goals)
    period = _period()
    return render("skp/goals.html", "skp/_goals.html", **_goals_context(unit, period))


@bp.post("/sasaran-unit/baru")
@login_required
def goal_new():
    unit_id, period_id = query_id("unit"), query_id("period")
    unit = db.session.get(Unit, unit_id) if unit_id else None
    period = db.session.get(Period, period_id) if period_id else None
    if unit is None or period is None:
        abort(404)
    if not goals.can_manage_goals(current_user, unit):
        abort(403)
    form = UnitGoalForm(prefix="goal-baru")
    if form.validate():
        try:
            goal = goals.add_goal(current_user, unit, period, form.text.data)
        except DomainError as error:
            db.session.rollback()
            form.text.errors = [error.message]
        else:
            db.session.commit()
            flash(gettext("Sasaran unit ditambahkan."), "success")
            if is_fragment_request():
                return render("skp/goals.html", "skp/_goals.html", oob_flash=True,
                              **_goals_context(unit, period))
            return redirect_to(_goals_url(unit, period, f"goal-{goal.id}"))
    return invalid("skp/goals.html", "skp/_goals.html", **_goals_context(unit, period, form=form))


@bp.route("/sasaran-unit/<int:goal_id>/ubah", methods=["GET", "POST"])
@login_required
def goal_edit(goal_id: int):
    goal = _goal_or_404(goal_id, manage=True)
    unit, period = goal.unit, goal.period
    if request.method == "GET":
        form = UnitGoalForm(formdata=None, obj=goal, prefix=f"goal-{goal.id}")
        return render("skp/goals.html", "skp/_goal_form.html", goal=goal,
                      **_goals_context(unit, period, editing=goal.id, edit_form=form))
    form = UnitGoalForm(prefix=f"goal-{goal.id}")
    if form.validate():
        try:
            goals.update_goal(current_user, goal, form.text.data)
        except DomainError as error:
            db.session.rollback()
            goal = _goal_or_404(goal_id, manage=True)
            form.text.errors = [error.message]
        else:
            db.session.commit()
            flash(gettext("Sasaran unit disimpan."), "success")
            if is_fragment_request():
                return render("skp/goals.html", "skp/_goal.html", goal=goal, row_oob_flash=True,
                              **_goals_context(unit, period))
            return redirect_to(_goals_url(unit, period, f"goal-{goal.id}"))
    return invalid("skp/goals.html", "skp/_goal_form.html", goal=goal,
                   **_goals_context(unit, period, editing=goal.id, edit_form=form))


@bp.post("/sasaran-unit/<int:goal_id>/nonaktifkan")
@login_required
def goal_deactivate(goal_id: int):
    goal = _goal_or_404(goal_id, manage=True)
    unit, period = goal.unit, goal.period
    if not EmptyForm().validate():
        abort(400)
    status = 200
    try:
        goals.deactivate_goal(current_user, goal)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        status = 409 if isinstance(error, ConflictError) else 422
    else:
        db.session.commit()
        flash(gettext("Sasaran unit dinonaktifkan. RHK yang sudah menautkannya tetap tersimpan."), "success")
    if is_fragment_request():
        goal = _goal_or_404(goal_id, manage=True)
        return render("skp/goals.html", "skp/_goal.html", status=status, goal=goal, row_oob_flash=True,
                      **_goals_context(unit, period))
    if status != 200:  # the goals as they are now, with the message
        return render("skp/goals.html", status=status, **_goals_context(unit, period))
    return redirect_to(_goals_url(unit, period, f"goal-{goal.id}"))


# ---------------------------------------------------------------------------------------------------------
# Kaskade kinerja


def _can_read_cascade(user, unit: Unit) -> bool:
    return org_perms.unit_in_scope(user, unit)


# The tree opens level by level: a page (or an opened branch) draws whole levels while they hold at most this many
# nodes; the nodes of the last drawn level load their children on demand (htmx, or a page per branch without JS).
# An OPD of 500 people drew 1,500 nodes (560 KB, 106 ms); now its page stays far below 150 KB.
CASCADE_RENDER_BUDGET = 120
FLAG_LIST_LIMIT = 100  # the lists of unsupported and unlinked RHK show this many; a sub-unit shows the rest


def _branch_arg() -> tuple[str, int] | None:
    kind, _, node_id = request.args.get("cabang", "").partition("-")
    if kind in ("rhk", "goal") and node_id.isdigit():
        return kind, int(node_id)
    return None


@bp.get("/kaskade")
@login_required
def cascade():
    unit = _unit_for_page(_can_read_cascade)
    period = _period()
    data = load_cascade(unit, period) if unit is not None and period is not None else None
    branch, roots, rendered = None, [], set()
    if data is not None:
        wanted = _branch_arg()
        if wanted is not None:
            branch = find_node(data.cascade.roots, *wanted)
            if branch is None:
                abort(404)
        # An RHK without any link and without followers is listed under "RHK tanpa tautan" only.
        roots = [branch] if branch is not None else [
            node for node in data.cascade.roots if node.children or not node.orphan]
        rendered = limit_rendering(roots, current_app.config.get("CASCADE_RENDER_BUDGET", CASCADE_RENDER_BUDGET))
    return render(
        "skp/cascade.html", "skp/_cascade_branch.html" if branch is not None else "skp/_cascade.html",
        unit=unit, period=period, data=data, roots=roots, branch=branch, rendered=rendered,
        periods=_periods(), units=_unit_choices(),
        status_labels=STATUS_LABELS, kind_labels=KIND_LABELS, flag_limit=FLAG_LIST_LIMIT,
        can_manage_goals=unit is not None and goals.can_manage_goals(current_user, unit),
    )


# ---------------------------------------------------------------------------------------------------------
# The printable SKP


@dataclass
class Person:
    """One side of the form (Pegawai yang Dinilai / Pejabat Penilai Kinerja) as printed."""

    nama: str = ""
    nip: str = ""
    pangkat: str = ""
    jabatan: str = ""
    unit: str = ""


def _first(data: dict, *keys: str) -> str:
    for key in keys:
        value = data.get(key)
        if value:
            return str(value)
    return ""


def person_from_snapshot(data: dict | None) -> Person | None:
    """A person as recorded on the SKP when it was submitted/approved (the document must not change later)."""
    if not isinstance(data, dict) or not data:
        return None
    pangkat = _first(data, "pangkat_golongan", "pangkat_gol", "golongan_label")
    if not pangkat:
        rank, code = _first(data, "pangkat"), _first(data, "golongan", "gol")
        pangkat = f"{rank} ({code})" if rank and code and code not in rank else (rank or code)
    return Person(
        nama=_first(data, "nama_lengkap", "full_name", "name", "nama"),
        nip=_first(data, "nip"),
        pangkat=pangkat,
        jabatan=_first(data, "jabatan", "position", "position_name"),
        unit=_first(data, "unit_kerja", "unit", "unit_name"),
    )


def person_from_employee(employee: Employee | None, unit: Unit | None = None) -> Person | None:
    if employee is None:
        return None
    return Person(
        nama=employee.full_name,
        nip=employee.nip,
        pangkat=employee.golongan.label if employee.golongan else "",
        jabatan=employee.position.name if employee.position else "",
        unit=(unit or employee.unit).name if (unit or employee.unit) else "",
    )


def _snapshot_side(snapshot: dict | None, *keys: str) -> dict | None:
    if not isinstance(snapshot, dict):
        return None
    for key in keys:
        if isinstance(snapshot.get(key), dict):
            return snapshot[key]
    return None


def print_people(skp: Skp) -> tuple[Person | None, Person | None, bool]:
    """(pegawai, penilai, from_snapshot): the snapshot when the SKP has one, else the live records."""
    employee = person_from_snapshot(_snapshot_side(skp.snapshot, "employee", "pegawai", "pegawai_dinilai"))
    assessor = person_from_snapshot(_snapshot_side(skp.snapshot, "assessor", "penilai", "pejabat_penilai"))
    if employee is not None:
        return employee, assessor, True
    live_assessor = skp.assessor or skp.employee.assessor
    return person_from_employee(skp.employee, skp.unit), person_from_employee(live_assessor), False


def _print_place() -> str:
    return current_app.config.get("REGENCY_PLACE") or current_app.config["REGENCY_NAME"]


def _period_range(period: Period) -> str:
    if period.starts_on.year == period.ends_on.year:
        start = format_date(period.starts_on, "d MMMM")
    else:
        start = format_date(period.starts_on, "d MMMM yyyy")
    return gettext("%(start)s s.d. %(end)s", start=start, end=format_date(period.ends_on, "d MMMM yyyy"))


def _watermark(status: str) -> str | None:
    if status in (STATUS_DRAFT, STATUS_RETURNED, STATUS_SUBMITTED):
        return gettext("DRAF")
    if status == STATUS_SUPERSEDED:
        return gettext("DIGANTIKAN")
    if status == STATUS_CANCELLED:
        return gettext("DIBATALKAN")
    return None


@bp.get("/<int:skp_id>/cetak", endpoint="print")
@login_required
def print_skp(skp_id: int):
    skp = db.session.scalar(
        select(Skp).where(Skp.id == skp_id).options(
            joinedload(Skp.period), joinedload(Skp.unit),
            joinedload(Skp.employee).options(joinedload(Employee.position), joinedload(Employee.unit),
                                             joinedload(Employee.golongan), joinedload(Employee.superior),
                                             joinedload(Employee.delegated_assessor)),
            joinedload(Skp.assessor).options(joinedload(Employee.position), joinedload(Employee.unit),
                                             joinedload(Employee.golongan)),
            selectinload(Skp.result_plans).options(selectinload(ResultPlan.indicators),
                                                   joinedload(ResultPlan.parent), joinedload(ResultPlan.unit_goal)),
            selectinload(Skp.expectations),
        )
    )
    if skp is None:
        abort(404)
    skp = permissions.get_skp_or_404(skp.id, current_user)
    employee, assessor, from_snapshot = print_people(skp)
    rhks = list(skp.result_plans)
    signed_on = skp.decided_at if skp.status in (STATUS_APPROVED, STATUS_SUPERSEDED) else None
    response = make_response(render_template(
        "skp/print.html",
        skp=skp,
        employee=employee,
        assessor=assessor,
        from_snapshot=from_snapshot,
        groups=[(RHK_UTAMA, _l("Utama"), [r for r in rhks if r.kind == RHK_UTAMA]),
                (RHK_TAMBAHAN, _l("Tambahan"), [r for r in rhks if r.kind == RHK_TAMBAHAN])],
        values=berakhlak.BERAKHLAK,
        expectations={e.value_code: e.text for e in skp.expectations},
        aspect_labels=ASPECT_LABELS,
        status_label=status_label(skp.status),
        watermark=_watermark(skp.status),
        period_range=_period_range(skp.period),
        place=_print_place(),
        signed_on=signed_on,
        fmt_number=format_decimal,
    ))
    return response
