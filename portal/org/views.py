"""Organisation screens: employees, units, positions, reference data, the org chart and "my team"."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload
from wtforms.fields.choices import SelectChoice

from portal.auth.models import User
from portal.core.errors import DomainError, StaleVersionError
from portal.core.htmx import invalid, is_fragment_request, redirect_to, render
from portal.core.i18n import long_date
from portal.core.ids import query_id
from portal.core.pagination import page_number, paginate
from portal.core.permissions import admin_required, reader_required
from portal.extensions import db
from portal.org import navigation, services
from portal.org import permissions as perms
from portal.org.forms import (
    ActingForm,
    EmployeeForm,
    EmptyForm,
    GolonganForm,
    PositionForm,
    PositionTypeForm,
    UnitForm,
)
from portal.org.models import ActingAssignment, Employee, Golongan, Position, PositionType, Unit

bp = Blueprint("org", __name__)
bp.record_once(navigation.register)  # the menu entries of this area

STATUSES = ("aktif", "nonaktif", "semua")
INDENT = "\u2003"  # an em space per level: indentation inside <option>, which takes no markup


# ---------------------------------------------------------------------------------------------------------
# Helpers shared by the screens


def _status_arg() -> str:
    status = request.args.get("status", "aktif")
    return status if status in STATUSES else "aktif"


def _apply_status(stmt, column, status: str):
    if status == "aktif":
        return stmt.where(column.is_(True))
    if status == "nonaktif":
        return stmt.where(column.is_(False))
    return stmt


def _search_term(raw: str) -> str:
    """Lower-cased search text; a NIP typed with spaces/dots becomes its digits."""
    term = raw.strip().lower()
    digits = re.sub(r"[\s.\-]+", "", term)
    return digits if digits.isdigit() else term


def unit_tree(units: list[Unit]) -> list[tuple[Unit, int]]:
    """Units in tree order (siblings by name), each with its level below the top-most unit of the list."""
    ids = {u.id for u in units}
    children: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id if unit.parent_id in ids else None].append(unit)
    for siblings in children.values():
        siblings.sort(key=lambda u: u.name.lower())
    ordered: list[tuple[Unit, int]] = []
    stack = [(u, 0) for u in reversed(children[None])]
    while stack:
        unit, level = stack.pop()
        ordered.append((unit, level))
        stack.extend((child, level + 1) for child in reversed(children.get(unit.id, [])))
    return ordered


def load_units(scope: list[str] | None = None, *, include_inactive: bool = False) -> list:
    """All units (one query), or only those under the ``scope`` path prefixes, for the unit lists of filters and
    forms: plain rows of (id, name, parent_id, path), not ORM objects (a regency has hundreds of units, and every
    list page showed them all)."""
    stmt = select(Unit.id, Unit.name, Unit.parent_id, Unit.path)
    if not include_inactive:
        stmt = stmt.where(Unit.active.is_(True))
    if scope is not None:
        stmt = stmt.where(or_(*[Unit.path.startswith(p, autoescape=True) for p in scope])) if scope else stmt.where(
            Unit.id.is_(None))
    return list(db.session.execute(stmt))


def _scoped_unit(unit_id: int | None, scope: list[str] | None):
    """The unit chosen in a filter, when it lies in the user's scope (an htmx search needs no unit list)."""
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None or not unit.active or (scope is not None and not any(unit.path.startswith(p) for p in scope)):
        return None
    return unit


def unit_groups(units: list[Unit]) -> list[tuple[Unit, list[tuple[Unit, int]]]]:
    """Tree-ordered units grouped by their top-most unit (the OPD): for <optgroup> selects."""
    groups: list[tuple[Unit, list[tuple[Unit, int]]]] = []
    for unit, level in unit_tree(units):
        if level == 0:
            groups.append((unit, []))
        groups[-1][1].append((unit, level))
    return groups


def unit_choices(units: list[Unit], *, blank: str | None = None, exclude_path: str | None = None) -> list:
    choices = [SelectChoice("", blank)] if blank is not None else []
    for top, members in unit_groups(units):
        for unit, level in members:
            if exclude_path and unit.path.startswith(exclude_path):
                continue
            choices.append(SelectChoice(str(unit.id), INDENT * level + unit.name, optgroup=top.name))
    return choices


def _apply_domain_error(form, error: DomainError, field_map: dict[str, str] | None = None) -> None:
    """Show a service refusal next to its field, or as a message when no field matches."""
    name = (field_map or {}).get(error.field or "", error.field)
    if name and name in form:
        form[name].errors = [*form[name].errors, error.message]
    else:
        flash(error.message, "error")


def _ancestors_by_id(units: list[Unit]) -> dict[int, Unit]:
    """Every ancestor of the given units, in one query."""
    ids = {aid for unit in units for aid in unit.ancestor_ids}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}


def _breadcrumb(unit: Unit, ancestors: dict[int, Unit]) -> list[Unit]:
    return [ancestors[aid] for aid in unit.ancestor_ids if aid in ancestors]


# ---------------------------------------------------------------------------------------------------------
# Employees: list and detail


@bp.get("/pegawai")
@login_required
def employees():
    if not perms.can_list_employees(current_user):
        abort(403)
    scope = perms.employee_scope_paths(current_user)
    fragment = is_fragment_request()  # the results only: no unit list to fill
    units = [] if fragment else load_units(scope)
    q = request.args.get("q", "").strip()
    status = _status_arg()
    selected_unit = _scoped_unit(query_id("unit"), scope)

    stmt = (
        select(Employee)
        .join(Employee.unit)
        .options(contains_eager(Employee.unit), joinedload(Employee.position), joinedload(Employee.golongan))
        .order_by(Employee.nama, Employee.id)
    )
    if scope is not None:
        stmt = stmt.where(or_(*[Unit.path.startswith(p, autoescape=True) for p in scope]))
    if selected_unit is not None:
        stmt = stmt.where(Unit.path.startswith(selected_unit.path, autoescape=True))
    if q:
        stmt = stmt.where(Employee.search_text.contains(_search_term(q), autoescape=True))
    stmt = _apply_status(stmt, Employee.active, status)
    page = paginate(stmt)
    return render(
        "org/employees.html", "org/_employee_results.html",
        page=page, q=q, status_filter=status, selected_unit=selected_unit,
        unit_groups=[] if fragment else unit_groups(units), can_manage=perms.can_manage_org(current_user),
    )


def _detail_context(employee: Employee, acting_form: ActingForm | None = None) -> dict:
    ancestors = _ancestors_by_id([employee.unit])
    reports = list(db.session.scalars(
        select(Employee).where(Employee.superior_id == employee.id)
        .options(joinedload(Employee.position)).order_by(Employee.active.desc(), Employee.nama)
    ))
    delegated = list(db.session.scalars(
        select(Employee).where(Employee.assessor_id == employee.id, Employee.active.is_(True))
        .options(joinedload(Employee.position)).order_by(Employee.nama)
    ))
    acting = list(db.session.scalars(
        select(ActingAssignment).where(ActingAssignment.employee_id == employee.id)
        .options(joinedload(ActingAssignment.position).joinedload(Position.unit))
        .order_by(ActingAssignment.start_date.desc())
    ))
    account = db.session.scalar(select(User).where(User.employee_id == employee.id))
    can_manage = perms.can_manage_org(current_user)
    if can_manage and acting_form is None:
        acting_form = ActingForm(formdata=None)
    if acting_form is not None:
        acting_form.position_id.choices = _acting_position_choices(employee)
    return {
        "employee": employee, "breadcrumb": _breadcrumb(employee.unit, ancestors), "reports": reports,
        "delegated": delegated, "acting": acting, "account": account, "today": dt.date.today(),
        "can_manage": can_manage, "acting_form": acting_form, "button_form": EmptyForm(),
        "can_view": lambda other: perms.can_view_employee(current_user, other),
    }


def _acting_position_choices(employee: Employee) -> list:
    """Head positions of every unit (Plt/Plh usually stand in for a head) and all positions of the own unit."""
    rows = db.session.execute(
        select(Position.id, Position.name, Unit.name)
        .join(Unit, Unit.id == Position.unit_id)
        .where(Position.active.is_(True), or_(Position.is_head.is_(True), Position.unit_id == employee.unit_id))
        .order_by(Unit.name, Position.name)
    )
    choices = [SelectChoice("", gettext("— pilih jabatan —"))]
    choices += [SelectChoice(str(pid), name, optgroup=unit_name) for pid, name, unit_name in rows]
    return choices


@bp.get("/pegawai/<int:employee_id>")
@login_required
def employee_detail(employee_id: int):
    employee = perms.get_employee_or_404(employee_id, current_user)
    return render("org/employee_detail.html", "org/_employee_detail.html", **_detail_context(employee))


# ---------------------------------------------------------------------------------------------------------
# Employees: create, edit, inline validation

EMPLOYEE_FIELD_MAP = {"superior_id": "superior", "assessor_id": "assessor"}


def _golongan_choices(kind: str, current_id: int | None = None) -> list:
    rows = db.session.scalars(
        select(Golongan).where(Golongan.kind == kind, or_(Golongan.active.is_(True), Golongan.id == current_id))
        .order_by(Golongan.rank)
    )
    return [SelectChoice("", gettext("— pilih golongan —"))] + [SelectChoice(str(g.id), g.label) for g in rows]


def _position_choices(unit_id: int | None, current_id: int | None = None) -> list:
    choices = [SelectChoice("", gettext("— pilih jabatan —"))]
    if unit_id is None:
        return choices
    rows = db.session.scalars(
        select(Position).where(Position.unit_id == unit_id, or_(Position.active.is_(True), Position.id == current_id))
        .order_by(Position.name)
    )
    return choices + [SelectChoice(str(p.id), p.name) for p in rows]


def _setup_employee_form(form: EmployeeForm, employee: Employee | None = None) -> None:
    kind = form.kind.data if form.kind.data in ("PNS", "PPPK") else "PNS"
    form.golongan_id.choices = _golongan_choices(kind, employee.golongan_id if employee else None)
    units = load_units()
    if employee is not None and not employee.unit.active:
        units.append(employee.unit)
    form.unit_id.choices = unit_choices(units, blank=gettext("— pilih unit kerja —"))
    form.position_id.choices = _position_choices(form.unit_id.data, employee.position_id if employee else None)


def _form_to_data(form: EmployeeForm) -> dict:
    """Form fields to service data; the people chosen as superior and assessor become employee ids."""
    data = {
        "nip": form.nip.data, "kind": form.kind.data, "gelar_depan": form.gelar_depan.data, "nama": form.nama.data,
        "gelar_belakang": form.gelar_belakang.data, "gender": form.gender.data or None,
        "birth_date": form.birth_date.data, "golongan_id": form.golongan_id.data, "unit_id": form.unit_id.data,
        "position_id": form.position_id.data, "email": form.email.data, "phone": form.phone.data,
        "effective_on": form.effective_on.data,
    }
    for field, key in (("superior", "superior_id"), ("assessor", "assessor_id")):
        data[key] = form[field].data.id if form[field].data is not None else None
    return data


def _employee_form_page(form: EmployeeForm, employee: Employee | None, status: int = 200):
    context = {"form": form, "employee": employee}
    if status == 422:
        return invalid("org/employee_form.html", "org/_employee_form.html", **context)
    return render("org/employee_form.html", "org/_employee_form.html", status=status, **context)


@bp.route("/pegawai/baru", methods=["GET", "POST"])
@admin_required
def employee_new():
    form = EmployeeForm()
    if request.method == "GET":
        form.unit_id.data = query_id("unit")
    _setup_employee_form(form)
    if request.method == "GET" or request.form.get("action") == "refresh":
        return _employee_form_page(form, None)
    if not form.validate():
        return _employee_form_page(form, None, 422)
    try:
        employee = services.create_employee(current_user, _form_to_data(form))
    except DomainError as error:
        db.session.rollback()
        _apply_domain_error(form, error, EMPLOYEE_FIELD_MAP)
        return _employee_form_page(form, None, 422)
    db.session.commit()
    flash(gettext("Pegawai %(name)s ditambahkan.", name=employee.full_name), "success")
    return redirect_to(url_for("org.employee_detail", employee_id=employee.id))


def _fill_from_employee(form: EmployeeForm, employee: Employee) -> None:
    form.superior.process_data(employee.superior)
    form.assessor.process_data(employee.delegated_assessor)  # not ``employee.assessor``: that falls back
    form.nip.data = employee.nip_display
    form.version_id.data = employee.version_id


@bp.route("/pegawai/<int:employee_id>/ubah", methods=["GET", "POST"])
@login_required
def employee_edit(employee_id: int):
    employee = perms.get_employee_or_404(employee_id, current_user, for_edit=True)
    if request.method == "GET":
        form = EmployeeForm(obj=employee)
        _fill_from_employee(form, employee)
        _setup_employee_form(form, employee)
        return _employee_form_page(form, employee)
    form = EmployeeForm()
    _setup_employee_form(form, employee)
    if request.form.get("action") == "refresh":
        return _employee_form_page(form, employee)
    if not form.validate():
        return _employee_form_page(form, employee, 422)
    try:
        services.update_employee(current_user, employee, _form_to_data(form), version=form.version_id.data)
    except StaleVersionError as error:
        db.session.rollback()
        fresh = EmployeeForm(formdata=None, obj=employee)
        _fill_from_employee(fresh, employee)
        _setup_employee_form(fresh, employee)
        flash(error.message, "error")
        return _employee_form_page(fresh, employee, 409)
    except DomainError as error:
        db.session.rollback()
        _apply_domain_error(form, error, EMPLOYEE_FIELD_MAP)
        return _employee_form_page(form, employee, 422)
    db.session.commit()
    flash(gettext("Data pegawai disimpan."), "success")
    return redirect_to(url_for("org.employee_detail", employee_id=employee.id))


@bp.post("/pegawai/validasi/<field>")
@admin_required
def employee_validate_field(field: str):
    """Inline validation of the NIP on blur: returns only its field's fragment (plus prefilled fields out of band).
    Superior and assessor are chosen with the people picker; the service checks them on saving."""
    if field != "nip":
        abort(404)
    employee_id = query_id("employee_id")
    employee = db.session.get(Employee, employee_id) if employee_id else None
    form = EmployeeForm()
    target = form[field]
    target.errors = []
    oob: list[str] = []
    hint = None
    kind = form.kind.data if form.kind.data in ("PNS", "PPPK") else "PNS"
    try:
        info = services.check_nip(target.data, kind, employee)
    except DomainError as error:
        target.errors = [error.message]
    else:
        hint = gettext("Lahir %(date)s · %(gender)s", date=long_date(info.birth_date),
                       gender=gettext("Laki-laki") if info.gender == "L" else gettext("Perempuan"))
        if not form.birth_date.data:
            form.birth_date.data, form.birth_date.raw_data = info.birth_date, None
            oob.append("birth_date")
        if not form.gender.data:
            form.gender.data = info.gender
            oob.append("gender")
    response = render("org/_employee_field.html", field=target, hint=hint, oob=[form[name] for name in oob],
                      validate_url=url_for("org.employee_validate_field", field=field,
                                           employee_id=employee.id if employee else None))
    return response


@bp.get("/pegawai/pilihan")
@admin_required
def employee_form_options():
    """The golongan or position select for the chosen kind / unit (htmx refresh inside the employee form)."""
    field = request.args.get("field")
    if field not in ("golongan_id", "position_id"):
        abort(404)
    form = EmployeeForm(formdata=request.args, meta={"csrf": False})
    kind = form.kind.data if form.kind.data in ("PNS", "PPPK") else "PNS"
    if field == "golongan_id":
        form.golongan_id.choices = _golongan_choices(kind)
    else:
        form.position_id.choices = _position_choices(form.unit_id.data)
    return render("org/_employee_field.html", field=form[field], hint=None, oob=[], validate_url=None)


def _toggle_employee(employee_id: int, activate: bool):
    employee = perms.get_employee_or_404(employee_id, current_user, for_edit=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        if activate:
            services.reactivate_employee(current_user, employee)
        else:
            services.deactivate_employee(current_user, employee)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect_to(url_for("org.employee_detail", employee_id=employee.id))
    db.session.commit()
    flash(gettext("Pegawai diaktifkan kembali.") if activate else gettext("Pegawai dinonaktifkan."), "success")
    return redirect_to(url_for("org.employee_detail", employee_id=employee.id))


@bp.post("/pegawai/<int:employee_id>/nonaktifkan")
@login_required
def employee_deactivate(employee_id: int):
    return _toggle_employee(employee_id, activate=False)


@bp.post("/pegawai/<int:employee_id>/aktifkan")
@login_required
def employee_reactivate(employee_id: int):
    return _toggle_employee(employee_id, activate=True)


# ---------------------------------------------------------------------------------------------------------
# Acting officials (Plt / Plh) on the employee detail


@bp.post("/pegawai/<int:employee_id>/plt")
@login_required
def acting_add(employee_id: int):
    employee = perms.get_employee_or_404(employee_id, current_user, for_edit=True)
    form = ActingForm()
    if form.validate():
        position = db.session.get(Position, form.position_id.data)
        try:
            services.add_acting_assignment(current_user, employee, position, form.kind.data, form.start_date.data,
                                           form.end_date.data, form.note.data)
        except DomainError as error:
            db.session.rollback()
            _apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(gettext("Penugasan %(kind)s dicatat.", kind=form.kind.data), "success")
            return redirect_to(url_for("org.employee_detail", employee_id=employee.id))
    return invalid("org/employee_detail.html", "org/_employee_detail.html", **_detail_context(employee, form))


@bp.post("/pegawai/<int:employee_id>/plt/<int:assignment_id>/akhiri")
@login_required
def acting_end(employee_id: int, assignment_id: int):
    employee = perms.get_employee_or_404(employee_id, current_user, for_edit=True)
    assignment = perms.get_acting_or_404(assignment_id, employee)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.end_acting_assignment(current_user, assignment)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(gettext("Penugasan %(kind)s diakhiri.", kind=assignment.kind), "success")
    return redirect_to(url_for("org.employee_detail", employee_id=employee.id))


@bp.post("/pegawai/<int:employee_id>/plt/<int:assignment_id>/hapus")
@login_required
def acting_delete(employee_id: int, assignment_id: int):
    employee = perms.get_employee_or_404(employee_id, current_user, for_edit=True)
    assignment = perms.get_acting_or_404(assignment_id, employee)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.remove_acting_assignment(current_user, assignment)
    db.session.commit()
    flash(gettext("Penugasan dihapus."), "success")
    return redirect_to(url_for("org.employee_detail", employee_id=employee.id))


# ---------------------------------------------------------------------------------------------------------
# Units


@bp.get("/unit")
@reader_required
def units():
    q = request.args.get("q", "").strip()
    status = _status_arg()
    opds = list(db.session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.name)))
    selected_opd = next((u for u in opds if u.id == query_id("opd")), None)
    stmt = select(Unit).options(joinedload(Unit.parent)).order_by(Unit.path)
    if selected_opd is not None:
        stmt = stmt.where(Unit.path.startswith(selected_opd.path, autoescape=True))
    if q:
        stmt = stmt.where(func.lower(Unit.name).contains(q.lower(), autoescape=True))
    stmt = _apply_status(stmt, Unit.active, status)
    page = paginate(stmt)
    counts: dict[int, tuple[int, int]] = {}
    if page.items:
        # Active employees per unit (one grouped query on the (unit_id, active) index), summed over each listed
        # unit's subtree in Python with the unit paths (one more query): cheaper than a LIKE self-join.
        per_unit = dict(db.session.execute(
            select(Employee.unit_id, func.count(Employee.id)).where(Employee.active.is_(True))
            .group_by(Employee.unit_id)
        ).all())
        paths = [(uid, path) for uid, path in db.session.execute(select(Unit.id, Unit.path)) if uid in per_unit]
        for unit in page.items:
            total = sum(per_unit[uid] for uid, path in paths if path.startswith(unit.path))
            counts[unit.id] = (total, per_unit.get(unit.id, 0))
    ancestors = _ancestors_by_id(page.items)
    return render(
        "org/units.html", "org/_unit_results.html",
        page=page, q=q, status_filter=status, opds=opds, selected_opd=selected_opd, counts=counts,
        crumbs={u.id: _breadcrumb(u, ancestors) for u in page.items}, can_manage=perms.can_manage_org(current_user),
        button_form=EmptyForm(),
    )


def _setup_unit_form(form: UnitForm, unit: Unit | None) -> None:
    form.parent_id.choices = unit_choices(
        load_units(), blank=gettext("— tanpa induk (OPD) —"),
        exclude_path=unit.path if unit is not None else None,
    )


def _unit_form_page(form: UnitForm, unit: Unit | None, status: int = 200):
    if status == 422:
        return invalid("org/unit_form.html", "org/_unit_form.html", form=form, unit=unit)
    return render("org/unit_form.html", "org/_unit_form.html", status=status, form=form, unit=unit)


def _unit_parent(form: UnitForm) -> Unit | None:
    return db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None


@bp.route("/unit/baru", methods=["GET", "POST"])
@admin_required
def unit_new():
    form = UnitForm()
    if request.method == "GET":
        form.parent_id.data = query_id("parent")
    _setup_unit_form(form, None)
    if request.method == "GET":
        return _unit_form_page(form, None)
    if not form.validate():
        return _unit_form_page(form, None, 422)
    try:
        unit = services.create_unit(current_user, form.name.data, form.kind.data, _unit_parent(form), form.code.data)
    except DomainError as error:
        db.session.rollback()
        _apply_domain_error(form, error)
        return _unit_form_page(form, None, 422)
    db.session.commit()
    flash(gettext("Unit %(name)s dibuat.", name=unit.name), "success")
    return redirect_to(url_for("org.units", opd=unit.opd_id))


@bp.route("/unit/<int:unit_id>/ubah", methods=["GET", "POST"])
@login_required
def unit_edit(unit_id: int):
    unit = perms.get_unit_or_404(unit_id, current_user, for_edit=True)
    if request.method == "GET":
        form = UnitForm(obj=unit)
        _setup_unit_form(form, unit)
        return _unit_form_page(form, unit)
    form = UnitForm()
    _setup_unit_form(form, unit)
    if not form.validate():
        return _unit_form_page(form, unit, 422)
    data = {"name": form.name.data, "kind": form.kind.data, "parent": _unit_parent(form), "code": form.code.data}
    try:
        services.update_unit(current_user, unit, data, version=form.version_id.data)
    except StaleVersionError as error:
        db.session.rollback()
        fresh = UnitForm(formdata=None, obj=unit)
        _setup_unit_form(fresh, unit)
        flash(error.message, "error")
        return _unit_form_page(fresh, unit, 409)
    except DomainError as error:
        db.session.rollback()
        _apply_domain_error(form, error)
        return _unit_form_page(form, unit, 422)
    db.session.commit()
    flash(gettext("Unit %(name)s disimpan.", name=unit.name), "success")
    return redirect_to(url_for("org.units", opd=unit.opd_id))


def _toggle_unit(unit_id: int, activate: bool):
    unit = perms.get_unit_or_404(unit_id, current_user, for_edit=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        if activate:
            services.reactivate_unit(current_user, unit)
        else:
            services.deactivate_unit(current_user, unit)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect_to(url_for("org.units", opd=unit.opd_id, status="semua"))
    db.session.commit()
    flash(gettext("Unit %(name)s diaktifkan kembali.", name=unit.name) if activate
          else gettext("Unit %(name)s dinonaktifkan.", name=unit.name), "success")
    return redirect_to(url_for("org.units", opd=unit.opd_id, status="semua"))


@bp.post("/unit/<int:unit_id>/nonaktifkan")
@login_required
def unit_deactivate(unit_id: int):
    return _toggle_unit(unit_id, activate=False)


@bp.post("/unit/<int:unit_id>/aktifkan")
@login_required
def unit_reactivate(unit_id: int):
    return _toggle_unit(unit_id, activate=True)


# ---------------------------------------------------------------------------------------------------------
# Positions (jabatan)


@bp.get("/jabatan")
@reader_required
def positions():
    fragment = is_fragment_request()
    units_all = [] if fragment else load_units()
    q = request.args.get("q", "").strip()
    status = _status_arg()
    selected_unit = _scoped_unit(query_id("unit"), None)
    stmt = (
        select(Position).join(Position.unit)
        .options(contains_eager(Position.unit), joinedload(Position.position_type))
        .order_by(Unit.path, Position.is_head.desc(), Position.name)
    )
    if selected_unit is not None:
        stmt = stmt.where(Unit.path.startswith(selected_unit.path, autoescape=True))
    if q:
        stmt = stmt.where(func.lower(Position.name).contains(q.lower(), autoescape=True))
    stmt = _apply_status(stmt, Position.active, status)
    page = paginate(stmt)
    holders: dict[int, int] = {}
    if page.items:
        holders = dict(db.session.execute(
            select(Employee.position_id, func.count(Employee.id))
            .where(Employee.position_id.in_([p.id for p in page.items]), Employee.active.is_(True))
            .group_by(Employee.position_id)
        ).all())
    return render(
        "org/positions.html", "org/_position_results.html",
        page=page, q=q, status_filter=status, selected_unit=selected_unit,
        unit_groups=[] if fragment else unit_groups(units_all), holders=holders,
        can_manage=perms.can_manage_org(current_user), button_form=EmptyForm(),
    )


def _setup_position_form(form: PositionForm, position: Position | None) -> None:
    units = load_units()
    if position is not None and not position.unit.active:
        units.append(position.unit)
    form.unit_id.choices = unit_choices(units, blank=gettext("— pilih unit kerja —"))
    types = db.session.scalars(
        select(PositionType)
        .where(or_(PositionType.active.is_(True), PositionType.id == (position.position_type_id if position else None)))
        .order_by(PositionType.rank.desc())
    )
    form.position_type_id.choices = [SelectChoice("", gettext("— pilih jenis jabatan —"))] + [
        SelectChoice(str(t.id), t.name, optgroup=t.category) for t in types
    ]


def _position_form_page(form: PositionForm, position: Position | None, status: int = 200):
    if status == 422:
        return invalid("org/position_form.html", "org/_position_form.html", form=form, position=position)
    return render("org/position_form.html", "org/_position_form.html", form=form, position=position)


def _position_data(form: PositionForm) -> dict:
    return {"name": form.name.data, "unit_id": form.unit_id.data, "position_type_id": form.position_type_id.data,
            "eselon": form.eselon.data, "is_head": form.is_head.data}


@bp.route("/jabatan/baru", methods=["GET", "POST"])
@admin_required
def position_new():
    form = PositionForm()
    if request.method == "GET":
        form.unit_id.data = query_id("unit")
    _setup_position_form(form, None)
    if request.method == "GET":
        return _position_form_page(form, None)
    if not form.validate():
        return _position_form_page(form, None, 422)
    try:
        position = services.create_position(current_user, _position_data(form))
    except DomainError as error:
        db.session.rollback()
        _apply_domain_error(form, error)
        return _position_form_page(form, None, 422)
    db.session.commit()
    flash(gettext("Jabatan %(name)s dibuat.", name=position.name), "success")
    return redirect_to(url_for("org.positions", unit=position.unit_id))


def _get_position_or_404(position_id: int) -> Position:
    position = db.get_or_404(Position, position_id)
    if not perms.can_manage_org(current_user):
        abort(403)
    return position


@bp.route("/jabatan/<int:position_id>/ubah", methods=["GET", "POST"])
@login_required
def position_edit(position_id: int):
    position = _get_position_or_404(position_id)
    form = PositionForm(obj=position) if request.method == "GET" else PositionForm()
    _setup_position_form(form, position)
    if request.method == "GET":
        return _position_form_page(form, position)
    if not form.validate():
        return _position_form_page(form, position, 422)
    try:
        services.update_position(current_user, position, _position_data(form))
    except DomainError as error:
        db.session.rollback()
        _apply_domain_error(form, error)
        return _position_form_page(form, position, 422)
    db.session.commit()
    flash(gettext("Jabatan %(name)s disimpan.", name=position.name), "success")
    return redirect_to(url_for("org.positions", unit=position.unit_id))


def _toggle_position(position_id: int, activate: bool):
    position = _get_position_or_404(position_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        if activate:
            services.reactivate_position(current_user, position)
        else:
            services.deactivate_position(current_user, position)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(gettext("Jabatan %(name)s diaktifkan kembali.", name=position.name) if activate
              else gettext("Jabatan %(name)s dinonaktifkan.", name=position.name), "success")
    return redirect_to(url_for("org.positions", unit=position.unit_id, status="semua"))


@bp.post("/jabatan/<int:position_id>/nonaktifkan")
@login_required
def position_deactivate(position_id: int):
    return _toggle_position(position_id, activate=False)


@bp.post("/jabatan/<int:position_id>/aktifkan")
@login_required
def position_reactivate(position_id: int):
    return _toggle_position(position_id, activate=True)


# ---------------------------------------------------------------------------------------------------------
# Reference data (golongan, jenis jabatan)

REFERENCE_TABLES = {
    "golongan": (Golongan, GolonganForm, services.save_golongan),
    "jenis-jabatan": (PositionType, PositionTypeForm, services.save_position_type),
}


@bp.get("/referensi")
@reader_required
def references():
    golongan = paginate(select(Golongan).order_by(Golongan.kind, Golongan.rank, Golongan.id),
                        number=page_number("gpage"), per_page=100)
    types = paginate(select(PositionType).order_by(PositionType.rank.desc(), PositionType.id),
                     number=page_number("jpage"), per_page=100)
    return render("org/references.html", "org/_references.html", golongan=golongan, types=types,
                  can_manage=perms.can_manage_org(current_user), button_form=EmptyForm())


def _reference(table: str, ref_id: int | None):
    if table not in REFERENCE_TABLES:
        abort(404)
    model, form_class, save = REFERENCE_TABLES[table]
    obj = None
    if ref_id is not None:
        obj = db.get_or_404(model, ref_id)
    return obj, form_class, save


def _reference_form(table: str, ref_id: int | None):
    obj, form_class, save = _reference(table, ref_id)
    form = form_class(obj=obj) if request.method == "GET" else form_class()
    context = {"form": form, "table": table, "obj": obj}
    if request.method == "GET":
        return render("org/reference_form.html", "org/_reference_form.html", **context)
    if not form.validate():
        return invalid("org/reference_form.html", "org/_reference_form.html", **context)
    try:
        save(current_user, obj, form.data)
    except DomainError as error:
        db.session.rollback()
        _apply_domain_error(form, error)
        return invalid("org/reference_form.html", "org/_reference_form.html", **context)
    db.session.commit()
    flash(gettext("Data referensi disimpan."), "success")
    return redirect_to(url_for("org.references"))


@bp.route("/referensi/<table>/baru", methods=["GET", "POST"])
@admin_required
def reference_new(table: str):
    return _reference_form(table, None)


@bp.route("/referensi/<table>/<int:ref_id>/ubah", methods=["GET", "POST"])
@admin_required
def reference_edit(table: str, ref_id: int):
    return _reference_form(table, ref_id)


@bp.post("/referensi/<table>/<int:ref_id>/<any(nonaktifkan, aktifkan):action>")
@admin_required
def reference_toggle(table: str, ref_id: int, action: str):
    obj, _form, _save = _reference(table, ref_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.set_reference_active(current_user, obj, action == "aktifkan")
    db.session.commit()
    flash(gettext("Data referensi disimpan."), "success")
    return redirect_to(url_for("org.references"))


# ---------------------------------------------------------------------------------------------------------
# Org chart (bagan)


@dataclass
class ChartNode:
    """One person of the reporting tree. ``elsewhere``: a direct report who sits in another unit."""

    person: Employee
    children: list[ChartNode] = dataclass_field(default_factory=list)
    elsewhere: bool = False


@dataclass
class SubunitHead:
    """Who leads a sub-unit: the holder of its head position, else the current Plt/Plh; no person = lowong."""

    position: Position | None
    person: Employee | None = None
    acting_kind: str = ""  # "", "Plt" or "Plh"


def _chart_order(person: Employee):
    pos = person.position
    rank = pos.position_type.rank if pos is not None and pos.position_type is not None else 0
    return (not (pos is not None and pos.is_head), -rank, person.nama.lower())


def _reporting_tree(people: list[Employee], elsewhere: list[Employee] | None = None) -> list[ChartNode]:
    """Nested nodes from the superior links inside the unit. Superiors outside make roots.

    ``elsewhere`` are direct reports of these people who sit in other units (the Sekretaris and the Kepala
    Bidang under a Kepala Dinas): they hang under their superior as leaves, so the reporting line is visible.
    """
    ids = {p.id for p in people}
    children: dict[int | None, list[tuple[Employee, bool]]] = defaultdict(list)
    for person in people:
        children[person.superior_id if person.superior_id in ids else None].append((person, False))
    for person in elsewhere or []:
        if person.superior_id in ids and person.id not in ids:
            children[person.superior_id].append((person, True))
    for siblings in children.values():
        siblings.sort(key=lambda pair: _chart_order(pair[0]))
    seen: set[int] = set()

    def build(person: Employee) -> ChartNode:
        seen.add(person.id)
        node = ChartNode(person)
        for child, outside in children.get(person.id, []):
            if outside:
                node.children.append(ChartNode(child, elsewhere=True))
            elif child.id not in seen:
                node.children.append(build(child))
        return node

    roots = [build(p) for p, _outside in children[None] if p.id not in seen]
    # People caught in a loop of superiors (bad data) still appear, as roots.
    roots += [build(p) for p in sorted(people, key=_chart_order) if p.id not in seen]
    return roots


def _subunit_heads(unit: Unit, today: dt.date) -> dict[int, list[SubunitHead]]:
    """Heads of the active direct sub-units of ``unit``, in one query.

    The head position (is_head) of each sub-unit, outer-joined to its active holders and to the Plt/Plh
    assignments current on ``today``. A holder wins over an acting official; neither means the post is lowong.
    """
    holder, acting_person = aliased(Employee), aliased(Employee)
    rows = db.session.execute(
        select(Position, holder, ActingAssignment.kind, acting_person)
        .join(Unit, Unit.id == Position.unit_id)
        .outerjoin(holder, and_(holder.position_id == Position.id, holder.active.is_(True)))
        .outerjoin(ActingAssignment, and_(
            ActingAssignment.position_id == Position.id, ActingAssignment.start_date <= today,
            or_(ActingAssignment.end_date.is_(None), ActingAssignment.end_date >= today)))
        .outerjoin(acting_person, and_(acting_person.id == ActingAssignment.employee_id,
                                       acting_person.active.is_(True)))
        .where(Unit.parent_id == unit.id, Unit.active.is_(True), Position.is_head.is_(True),
               Position.active.is_(True))
    ).all()
    holders: dict[int, dict[int, SubunitHead]] = defaultdict(dict)
    actings: dict[int, dict[tuple[int, int], SubunitHead]] = defaultdict(dict)
    vacant: dict[int, dict[int, SubunitHead]] = defaultdict(dict)
    for position, held_by, kind, stand_in in rows:
        if held_by is not None:
            holders[position.unit_id][held_by.id] = SubunitHead(position, held_by)
        if stand_in is not None:
            actings[position.unit_id][(position.id, stand_in.id)] = SubunitHead(position, stand_in, kind)
        vacant[position.unit_id][position.id] = SubunitHead(position)
    heads: dict[int, list[SubunitHead]] = {}
    for unit_id in vacant:
        found = list(holders[unit_id].values()) or list(actings[unit_id].values())
        if found:
            # Plt before Plh (a Plt stands in for a vacancy, a Plh for a short absence), then by name.
            found.sort(key=lambda h: (h.acting_kind != "Plt", h.acting_kind, h.person.nama.lower()))
        heads[unit_id] = found or sorted(vacant[unit_id].values(), key=lambda h: h.position.name.lower())
    return heads


def _reports_elsewhere(unit: Unit) -> list[Employee]:
    """Active direct reports of this unit's active people who sit in another unit (one query)."""
    superior = aliased(Employee)
    return list(db.session.scalars(
        select(Employee).join(superior, superior.id == Employee.superior_id)
        .where(superior.unit_id == unit.id, superior.active.is_(True), Employee.active.is_(True),
               Employee.unit_id != unit.id)
        .options(joinedload(Employee.position).joinedload(Position.position_type), joinedload(Employee.unit))
    ))


@bp.get("/bagan")
@login_required
def chart():
    unit_id = query_id("unit")
    if unit_id is None and current_user.employee is not None and not request.args.get("daftar"):
        unit_id = current_user.employee.unit.opd_id
    if unit_id is None:
        opds = paginate(select(Unit).where(Unit.parent_id.is_(None), Unit.active.is_(True)).order_by(Unit.name))
        return render("org/chart.html", "org/_chart.html", unit=None, opds=opds)
    unit = db.get_or_404(Unit, unit_id)
    today = dt.date.today()
    breadcrumb = _breadcrumb(unit, _ancestors_by_id([unit]))
    subunits = list(db.session.scalars(
        select(Unit).where(Unit.parent_id == unit.id, Unit.active.is_(True)).order_by(Unit.name)
    ))
    # Active employees per unit below this one (one grouped query), summed per direct sub-unit in Python.
    per_path = db.session.execute(
        select(Unit.path, func.count(Employee.id)).join(Employee, Employee.unit_id == Unit.id)
        .where(Unit.path.startswith(unit.path, autoescape=True), Unit.id != unit.id, Employee.active.is_(True))
        .group_by(Unit.path)
    ).all()
    sub_counts = {s.id: sum(n for path, n in per_path if path.startswith(s.path)) for s in subunits}
    sub_heads = _subunit_heads(unit, today) if subunits else {}
    people = list(db.session.scalars(
        select(Employee).where(Employee.unit_id == unit.id, Employee.active.is_(True))
        .options(joinedload(Employee.position).joinedload(Position.position_type))
    ))
    elsewhere = _reports_elsewhere(unit) if people else []
    # Plt/Plh of this unit's positions, of its people, and of their direct reports elsewhere (shown in the tree).
    superior = aliased(Employee)
    in_unit = select(superior.id).where(superior.unit_id == unit.id, superior.active.is_(True))
    acting_rows = list(db.session.scalars(
        select(ActingAssignment).join(Position, Position.id == ActingAssignment.position_id)
        .join(Employee, Employee.id == ActingAssignment.employee_id)
        .where(or_(Position.unit_id == unit.id, Employee.unit_id == unit.id, Employee.superior_id.in_(in_unit)),
               ActingAssignment.start_date <= today,
               or_(ActingAssignment.end_date.is_(None), ActingAssignment.end_date >= today))
        .options(selectinload(ActingAssignment.position), selectinload(ActingAssignment.employee)
                 .joinedload(Employee.position))
    ))
    acting_by_employee: dict[int, list[ActingAssignment]] = defaultdict(list)
    for row in acting_rows:
        acting_by_employee[row.employee_id].append(row)
    # Acting officials from other units who stand in for a position of this unit.
    visitors = [a for a in acting_rows if a.position.unit_id == unit.id and a.employee.unit_id != unit.id]
    return render(
        "org/chart.html", "org/_chart.html",
        unit=unit, breadcrumb=breadcrumb, subunits=subunits, sub_counts=sub_counts, sub_heads=sub_heads,
        tree=_reporting_tree(people, elsewhere), has_elsewhere=bool(elsewhere), people_count=len(people),
        acting=acting_by_employee, visitors=visitors, link_people=current_user.can_read_all,
    )


# ---------------------------------------------------------------------------------------------------------
# My team (Tim Saya)


@bp.get("/tim")
@login_required
def my_team():
    if not perms.is_assessor(current_user):
        abort(403)  # nobody to assess: the menu has no "Tim Saya" either
    me_id = current_user.employee_id
    page = None
    if me_id is not None:
        stmt = (
            select(Employee)
            .where(Employee.active.is_(True), or_(Employee.superior_id == me_id, Employee.assessor_id == me_id))
            .options(joinedload(Employee.position), joinedload(Employee.golongan), joinedload(Employee.unit),
                     joinedload(Employee.delegated_assessor))
            .order_by(Employee.nama, Employee.id)
        )
        page = paginate(stmt)
    return render("org/team.html", "org/_team.html", page=page, me_id=me_id)


from portal.org import people_views  # noqa: E402,F401  (registers the people search on this blueprint)
