"""The SKP editor: "SKP Saya", creating an SKP, and the one-page view/editor of an SKP version.

Every control is a plain form first (POST, then redirect back to the row's anchor); htmx swaps only the row or
section that changed. Every edit form carries the SKP's ``version_id``; a successful edit bumps it and sends the
new value out of band to every form on the page, so that two browser tabs cannot overwrite each other silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_decimal, format_time, gettext
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms.fields.choices import SelectChoice

from portal.core.errors import DomainError, StaleVersionError, check_version
from portal.core.htmx import invalid, is_fragment_request, redirect_to, render
from portal.core.ids import optional_id
from portal.core.timeutil import local_today, utcnow
from portal.extensions import db
from portal.org.models import Employee
from portal.periods import services as period_services
from portal.skp import berakhlak, permissions, services
from portal.skp.blueprint import bp
from portal.skp.forms import (
    ASPECT_LABELS,
    RHK_KIND_LABELS,
    CreateSkpForm,
    ExpectationsForm,
    IndicatorForm,
    LampiranForm,
    RhkForm,
)
from portal.skp.labels import status_label
from portal.skp.models import (
    RHK_TAMBAHAN,
    RHK_UTAMA,
    STATUS_APPROVED,
    STATUS_DRAFT,
    Indicator,
    ResultPlan,
    Skp,
)

# ---------------------------------------------------------------------------------------------------------
# Loading and context


def _employee_options():
    return (joinedload(Employee.position), joinedload(Employee.unit), joinedload(Employee.golongan),
            joinedload(Employee.superior), joinedload(Employee.delegated_assessor))


def load_skp(skp_id: int) -> Skp:
    """The SKP with everything the editor shows, in a fixed number of queries; 404/403 like get_skp_or_404."""
    skp = db.session.scalar(
        select(Skp)
        .where(Skp.id == skp_id)
        .options(
            joinedload(Skp.period),
            joinedload(Skp.unit),
            joinedload(Skp.employee).options(*_employee_options()),
            joinedload(Skp.assessor).options(joinedload(Employee.position), joinedload(Employee.unit),
                                             joinedload(Employee.golongan)),
            selectinload(Skp.result_plans).options(
                selectinload(ResultPlan.indicators),
                joinedload(ResultPlan.parent),
                joinedload(ResultPlan.unit_goal),
            ),
            selectinload(Skp.expectations),
        )
    )
    if skp is None:
        abort(404)
    return permissions.get_skp_or_404(skp.id, current_user)  # identity map: no further query for the row


@dataclass
class EditorState:
    """Which row is in edit mode and which forms carry submitted data (errors) instead of fresh values."""

    editing_rhk: int | None = None
    editing_indicator: int | None = None
    rhk_form: RhkForm | None = None
    new_rhk_form: RhkForm | None = None
    indicator_form: IndicatorForm | None = None
    new_indicator_form: IndicatorForm | None = None
    new_indicator_rhk: int | None = None
    lampiran_form: LampiranForm | None = None
    expectations_form: ExpectationsForm | None = None
    notice: str | None = None  # a message shown inside the swapped fragment (stale version, refusal)
    notice_target: str | None = None  # the id of the fragment that shows it


def _link_choices(skp: Skp, parents, goals, rhk: ResultPlan | None = None) -> tuple[list, list]:
    none = SelectChoice("", gettext("— belum ditautkan —"))
    parent = [none] + [SelectChoice(r.id, f"{gettext(str(RHK_KIND_LABELS[r.kind]))}: {r.text}") for r in parents]
    goal = [none] + [SelectChoice(g.id, g.text) for g in goals]
    if rhk is not None and rhk.parent is not None and rhk.parent_id not in {r.id for r in parents}:
        parent.append(SelectChoice(rhk.parent_id, rhk.parent.text))
    if rhk is not None and rhk.unit_goal is not None and rhk.unit_goal_id not in {g.id for g in goals}:
        goal.append(SelectChoice(rhk.unit_goal_id, rhk.unit_goal.text))
    return parent, goal


def _setup_rhk_form(form: RhkForm, skp: Skp, parents, goals, rhk: ResultPlan | None = None) -> RhkForm:
    form.parent_id.choices, form.unit_goal_id.choices = _link_choices(skp, parents, goals, rhk)
    return form


def _rhk_form(skp, parents, goals, rhk: ResultPlan | None = None, formdata=None) -> RhkForm:
    prefix = f"rhk-{rhk.id}" if rhk is not None else "rhk-baru"
    form = RhkForm(formdata=None, obj=rhk, prefix=prefix) if formdata is None else RhkForm(prefix=prefix)
    return _setup_rhk_form(form, skp, parents, goals, rhk)


def _indicator_form(indicator: Indicator | None = None, rhk_id: int | None = None, formdata=None) -> IndicatorForm:
    prefix = f"ind-{indicator.id}" if indicator is not None else f"ind-baru-{rhk_id}"
    if formdata is None:
        return IndicatorForm(formdata=None, obj=indicator, prefix=prefix)
    return IndicatorForm(prefix=prefix)


def _expectations_form(skp: Skp, formdata=None) -> ExpectationsForm:
    """The seven Ekspektasi Khusus Pimpinan in one form: as stored, or as posted (``formdata``)."""
    if formdata is None:
        return ExpectationsForm(formdata=None, data={e.value_code: e.text for e in skp.expectations},
                                prefix="ekspektasi")
    return ExpectationsForm(prefix="ekspektasi")


def _context(skp: Skp, state: EditorState | None = None) -> dict:
    state = state or EditorState()
    today = local_today()
    can_edit = permissions.can_edit_skp(current_user, skp, today)
    use_goals = services.uses_unit_goals(skp)
    superior = services.assessor_skp(skp)
    parents = services.parent_choices(skp, superior) if superior is not None else []
    goals = services.unit_goal_choices(skp) if use_goals else []
    rhks = list(skp.result_plans)
    expectations = {e.value_code: e for e in skp.expectations}

    def rhk_form(rhk):
        if state.rhk_form is not None and state.editing_rhk == rhk.id:
            return state.rhk_form
        return _rhk_form(skp, parents, goals, rhk)

    def indicator_form(indicator):
        if state.indicator_form is not None and state.editing_indicator == indicator.id:
            return state.indicator_form
        return _indicator_form(indicator)

    def new_indicator_form(rhk):
        if state.new_indicator_form is not None and state.new_indicator_rhk == rhk.id:
            return state.new_indicator_form
        return _indicator_form(rhk_id=rhk.id)

    lampiran_form = state.lampiran_form or LampiranForm(formdata=None, obj=skp)
    return {
        "skp": skp,
        "employee": skp.employee,
        "assessor": services.assessor_of(skp),
        "today": today,
        "can_edit": can_edit,
        "can_link": _can_link(skp),
        "can_write_expectations": permissions.can_write_expectations(current_user, skp),
        "is_owner": permissions.is_owner(current_user, skp),
        "status_label": status_label(skp.status),
        "rhk_groups": [
            (RHK_UTAMA, RHK_KIND_LABELS[RHK_UTAMA], [r for r in rhks if r.kind == RHK_UTAMA]),
            (RHK_TAMBAHAN, RHK_KIND_LABELS[RHK_TAMBAHAN], [r for r in rhks if r.kind == RHK_TAMBAHAN]),
        ],
        "parents": parents,
        "goals": goals,
        "use_goals": use_goals,
        "superior_has_rhk": bool(parents),
        "rhk_edges": _edges(rhks),
        "fmt_number": format_decimal,
        "aspect_labels": ASPECT_LABELS,
        "kind_labels": RHK_KIND_LABELS,
        "values": berakhlak.BERAKHLAK,
        "expectations": expectations,
        "state": state,
        "rhk_form": rhk_form,
        "new_rhk_form": state.new_rhk_form or _rhk_form(skp, parents, goals),
        "indicator_form": indicator_form,
        "new_indicator_form": new_indicator_form,
        "expectations_form": state.expectations_form or _expectations_form(skp),
        "lampiran_form": lampiran_form,
    }


def _edges(rhks: list[ResultPlan]) -> dict[int, tuple[bool, bool]]:
    """{rhk id: (first of its kind, last of its kind)}: which move buttons make sense."""
    edges = {}
    for kind in (RHK_UTAMA, RHK_TAMBAHAN):
        rows = [r for r in rhks if r.kind == kind]
        for index, rhk in enumerate(rows):
            edges[rhk.id] = (index == 0, index == len(rows) - 1)
    return edges


def _can_link(skp: Skp) -> bool:
    """The owner may still link the intervened RHK on the approved version (the superior wrote theirs later)."""
    return permissions.is_owner(current_user, skp) and skp.is_current and skp.status == STATUS_APPROVED


def _version_oob(skp: Skp) -> Markup:
    """The new version for every edit form of the page (out-of-band swap of all `.skp-version` inputs)."""
    return Markup('<input type="hidden" name="version_id" value="{}" class="skp-version" '
                  'hx-swap-oob="outerHTML:.skp-version">').format(skp.version_id)


def _fragment(template: str, skp: Skp, state: EditorState | None = None, status: int = 200, **extra):
    """An htmx fragment of the editor plus the out-of-band version refresh."""
    context = _context(skp, state)
    context.update(extra)
    body = render_template(template, **context) + str(_version_oob(skp))
    response = make_response(body, status)
    response.headers["Vary"] = "HX-Request"
    return response


def _page(skp: Skp, state: EditorState | None = None, status: int = 200):
    return make_response(render_template("skp/detail.html", **_context(skp, state)), status)


def _detail_url(skp: Skp, anchor: str | None = None) -> str:
    return url_for("skp.detail", skp_id=skp.id, _anchor=anchor)


def _version() -> str | None:
    return request.form.get("version_id")


def _edit_refusal(skp: Skp) -> str | None:
    """Why the owner may not edit now (None: they may). Non-owners get 403 before this."""
    if permissions.can_edit_skp(current_user, skp, local_today()):
        return None
    try:
        services.ensure_editable(skp)
    except DomainError as error:
        return error.message
    return gettext("Masa perencanaan SKP sudah ditutup. Hubungi admin BKPSDM bila perlu dibuka kembali.")


def _require_editor(skp: Skp):
    """403 for anybody but the owner; a clear refusal (redirect with a message) when the owner may not edit now."""
    if not permissions.is_owner(current_user, skp):
        abort(403)
    message = _edit_refusal(skp)
    if message:
        flash(message, "error")
        return redirect_to(_detail_url(skp))
    return None


def _rhk_or_404(skp: Skp, rhk_id: int) -> ResultPlan:
    rhk = next((r for r in skp.result_plans if r.id == rhk_id), None)
    if rhk is None:
        abort(404)
    return rhk


def _indicator_or_404(skp: Skp, indicator_id: int) -> Indicator:
    for rhk in skp.result_plans:
        for indicator in rhk.indicators:
            if indicator.id == indicator_id:
                return indicator
    abort(404)


def _stale(skp: Skp, error: StaleVersionError, target: str):
    """Nothing changed. The whole editor is shown again with the current data (the message next to the row or
    section that was being saved): every form then carries the current version, and no form still shows data
    older than its version, so a later save cannot silently overwrite someone else's change. Status 409."""
    db.session.rollback()
    skp = load_skp(skp.id)
    if is_fragment_request():
        if not _target_exists(skp, target):
            target = "editor"
        response = _fragment("skp/_editor.html", skp, EditorState(notice=error.message, notice_target=target), 409)
        return _retarget(response, "skp-editor")
    flash(error.message, "error")
    return _page(skp, status=409)


def _target_exists(skp: Skp, target: str) -> bool:
    if target.startswith("rhk-") and target[4:].isdigit():
        return any(r.id == int(target[4:]) for r in skp.result_plans)
    if target.startswith("indikator-") and target[10:].isdigit():
        return any(i.id == int(target[10:]) for r in skp.result_plans for i in r.indicators)
    return True


def _seen_outdated(skp: Skp):
    """An htmx "Ubah" sends the version the page shows; if the SKP changed since, refresh the editor instead of
    handing out an edit form newer than the rest of the page."""
    seen = request.args.get("version_id")
    if not is_fragment_request() or seen is None:
        return None
    try:
        check_version(skp, seen)
    except StaleVersionError as error:
        return _stale(skp, error, "editor")
    return None


# ---------------------------------------------------------------------------------------------------------
# SKP Saya, create


@bp.get("/")
@login_required
def mine():
    employee = current_user.employee
    if employee is None:
        abort(403)  # an account without an employee record has no SKP (and no "SKP Saya" in the menu)
    today = local_today()
    period = period_services.current_period(today)
    if period is None:
        return render_template("skp/mine.html", employee=employee, period=None)
    skp = services.current_skp(employee, period)
    if skp is not None:
        return redirect(url_for("skp.detail", skp_id=skp.id))
    return render_template(
        "skp/mine.html", employee=employee, period=period, form=CreateSkpForm(),
        previous=services.previous_year_skp(employee, period), assessor=employee.assessor,
        planning_open=_planning_open_for(employee, period, today),
    )


def _planning_open_for(employee: Employee, period, today) -> bool:
    """Would a new SKP of this employee be editable today? (A transient probe; it is never added to the session.)"""
    probe = Skp(number=1, status=STATUS_DRAFT)
    probe.period, probe.employee = period, employee
    return permissions.planning_open(probe, today)


@bp.post("/baru")
@login_required
def create():
    employee = current_user.employee
    if employee is None:
        abort(403)
    today = local_today()
    period = period_services.current_period(today)
    if period is None:
        flash(gettext("Belum ada periode kinerja yang dibuka."), "error")
        return redirect_to(url_for("skp.mine"))
    form = CreateSkpForm()
    if not form.validate():
        abort(400)
    if not _planning_open_for(employee, period, today):
        flash(gettext("Masa perencanaan SKP sudah ditutup. Hubungi admin BKPSDM bila perlu dibuka kembali."),
              "error")
        return redirect_to(url_for("skp.mine"))
    copy_from = services.previous_year_skp(employee, period) if form.copy_previous.data else None
    try:
        skp = services.create_skp(current_user, employee, period, copy_from=copy_from)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect_to(url_for("skp.mine"))
    db.session.commit()
    flash(gettext("SKP %(year)s dibuat. Tambahkan Rencana Hasil Kerja Anda.", year=period.year), "success")
    return redirect_to(url_for("skp.detail", skp_id=skp.id))


# ---------------------------------------------------------------------------------------------------------
# The one-page editor


@bp.get("/<int:skp_id>")
@login_required
def detail(skp_id: int):
    skp = load_skp(skp_id)
    response = make_response(render_template("skp/detail.html", **_context(skp)))
    response.headers["Vary"] = "HX-Request"
    return response


# --- RHK -----------------------------------------------------------------------------------------------


@bp.post("/<int:skp_id>/rhk")
@login_required
def rhk_add(skp_id: int):
    skp = load_skp(skp_id)
    refused = _require_editor(skp)
    if refused:
        return refused
    ctx = _context(skp)
    form = _rhk_form(skp, ctx["parents"], ctx["goals"], formdata=True)
    if form.validate():
        try:
            rhk = services.add_rhk(current_user, skp, _rhk_values(form), version=_version())
        except StaleVersionError as error:
            return _stale(skp, error, "rhk-section")
        except DomainError as error:
            db.session.rollback()
            skp = load_skp(skp_id)
            _field_error(form, error)
        else:
            db.session.commit()
            if is_fragment_request():
                return _fragment("skp/_rhk_section.html", load_skp(skp_id))
            flash(gettext("Rencana Hasil Kerja ditambahkan."), "success")
            return redirect(_detail_url(skp, f"rhk-{rhk.id}"))
    state = EditorState(new_rhk_form=form)
    if is_fragment_request():
        return _fragment("skp/_rhk_section.html", skp, state, 422)
    return invalid("skp/detail.html", **_context(skp, state))


def _rhk_values(form: RhkForm) -> dict:
    return {"kind": form.kind.data, "text": form.text.data, "parent_id": form.parent_id.data,
            "unit_goal_id": form.unit_goal_id.data}


def _field_error(form, error: DomainError) -> None:
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)


@bp.get("/<int:skp_id>/rhk/<int:rhk_id>")
@login_required
def rhk_view(skp_id: int, rhk_id: int):
    """The RHK row in view mode (htmx "Batal"); without htmx, back to the page at the row."""
    skp = load_skp(skp_id)
    rhk = _rhk_or_404(skp, rhk_id)
    if not is_fragment_request():
        return redirect(_detail_url(skp, f"rhk-{rhk.id}"))
    return _fragment("skp/_rhk.html", skp, rhk=rhk)


@bp.get("/<int:skp_id>/rhk/<int:rhk_id>/ubah")
@login_required
def rhk_edit(skp_id: int, rhk_id: int):
    skp = load_skp(skp_id)
    rhk = _rhk_or_404(skp, rhk_id)
    refused = _require_editor(skp)
    if refused:
        return refused
    outdated = _seen_outdated(skp)
    if outdated:
        return outdated
    state = EditorState(editing_rhk=rhk.id)
    return render("skp/detail.html", "skp/_rhk.html", **_context(skp, state), rhk=rhk)


@bp.post("/<int:skp_id>/rhk/<int:rhk_id>")
@login_required
def rhk_update(skp_id: int, rhk_id: int):
    skp = load_skp(skp_id)
    rhk = _rhk_or_404(skp, rhk_id)
    refused = _require_editor(skp)
    if refused:
        return refused
    ctx = _context(skp)
    form = _rhk_form(skp, ctx["parents"], ctx["goals"], rhk, formdata=True)
    if form.validate():
        old_kind = rhk.kind
        try:
            services.update_rhk(current_user, rhk, _rhk_values(form), version=_version())
        except StaleVersionError as error:
            return _stale(skp, error, f"rhk-{rhk_id}")
        except DomainError as error:
            db.session.rollback()
            skp = load_skp(skp_id)
            rhk = _rhk_or_404(skp, rhk_id)
            _field_error(form, error)
        else:
            db.session.commit()
            if is_fragment_request():
                skp = load_skp(skp_id)
                rhk = _rhk_or_404(skp, rhk_id)
                if rhk.kind != old_kind:  # it moved to the other list: the whole section changes
                    response = _fragment("skp/_rhk_section.html", skp)
                    response.headers["HX-Retarget"] = "#rhk-section"
                    response.headers["HX-Reswap"] = "outerHTML"
                    return response
                return _fragment("skp/_rhk.html", skp, rhk=rhk)
            flash(gettext("Rencana Hasil Kerja disimpan."), "success")
            return redirect(_detail_url(skp, f"rhk-{rhk_id}"))
    state = EditorState(editing_rhk=rhk.id, rhk_form=form)
    if is_fragment_request():
        return _fragment("skp/_rhk.html", skp, state, 422, rhk=rhk)
    return invalid("skp/detail.html", **_context(skp, state))


@bp.post("/<int:skp_id>/rhk/<int:rhk_id>/hapus")
@login_required
def rhk_delete(skp_id: int, rhk_id: int):
    skp = load_skp(skp_id)
    rhk = _rhk_or_404(skp, rhk_id)
    refused = _require_editor(skp)
    if refused:
        return refused
    try:
        services.delete_rhk(current_user, rhk, version=_version())
    except StaleVersionError as error:
        return _stale(skp, error, "rhk-section")
    db.session.commit()
    if is_fragment_request():
        return _fragment("skp/_rhk_section.html", load_skp(skp_id))
    flash(gettext("Rencana Hasil Kerja dihapus."), "success")
    return redirect(_detail_url(skp, "rhk-section"))


@bp.post("/<int:skp_id>/rhk/<int:rhk_id>/geser")
@login_required
def rhk_move(skp_id: int, rhk_id: int):
    skp = load_skp(skp_id)
    rhk = _rhk_or_404(skp, rhk_id)
    refused = _require_editor(skp)
    if refused:
        return refused
    direction = request.form.get("direction", "")
    if direction not in (services.UP, services.DOWN):
        abort(400)
    try:
        services.move_rhk(current_user, rhk, direction, version=_version())
    except StaleVersionError as error:
        return _stale(skp, error, "rhk-section")
    db.session.commit()
    if is_fragment_request():
        return _fragment("skp/_rhk_section.html", load_skp(skp_id))
    return redirect(_detail_url(skp, f"rhk-{rhk_id}"))


@bp.post("/<int:skp_id>/rhk/<int:rhk_id>/tautkan")
@login_required
def rhk_link(skp_id: int, rhk_id: int):
    """Link the RHK Pimpinan yang Diintervensi later (also on the approved version)."""
    skp = load_skp(skp_id)
    rhk = _rhk_or_404(skp, rhk_id)
    if not permissions.is_owner(current_user, skp):
        abort(403)
    if not (permissions.can_edit_skp(current_user, skp, local_today()) or _can_link(skp)):
        flash(_edit_refusal(skp) or gettext("Versi SKP ini tidak dapat diubah lagi."), "error")
        return redirect_to(_detail_url(skp))
    try:
        services.link_parent_rhk(current_user, rhk,
                                 parent_id=optional_id(request.form.get("parent_id"), "parent_id"),
                                 unit_goal_id=optional_id(request.form.get("unit_goal_id"), "unit_goal_id"),
                                 version=_version())
    except StaleVersionError as error:
        return _stale(skp, error, f"rhk-{rhk_id}")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect_to(_detail_url(load_skp(skp_id), f"rhk-{rhk_id}"))
    db.session.commit()
    if is_fragment_request():
        skp = load_skp(skp_id)
        return _fragment("skp/_rhk.html", skp, rhk=_rhk_or_404(skp, rhk_id))
    flash(gettext("RHK Pimpinan yang Diintervensi ditautkan."), "success")
    return redirect(_detail_url(skp, f"rhk-{rhk_id}"))


# --- indicators ----------------------------------------------------------------------------------------


def _indicator_values(form: IndicatorForm) -> dict:
    return {"text": form.text.data, "aspect": form.aspect.data, "target_text": form.target_text.data,
            "target_number": form.target_number.data, "target_unit": form.target_unit.data}


@bp.post("/<int:skp_id>/rhk/<int:rhk_id>/indikator")
@login_required
def indicator_add(skp_id: int, rhk_id: int):
    skp = load_skp(skp_id)
    rhk = _rhk_or_404(skp, rhk_id)
    refused = _require_editor(skp)
    if refused:
        return refused
    form = _indicator_form(rhk_id=rhk.id, formdata=True)
    if form.validate():
        try:
            indicator = services.add_indicator(current_user, rhk, _indicator_values(form), version=_version())
        except StaleVersionError as error:
            return _stale(skp, error, f"rhk-{rhk_id}")
        except DomainError as error:
            db.session.rollback()
            skp = load_skp(skp_id)
            rhk = _rhk_or_404(skp, rhk_id)
            _field_error(form, error)
        else:
            db.session.commit()
            if is_fragment_request():
                skp = load_skp(skp_id)
                return _fragment("skp/_rhk.html", skp, rhk=_rhk_or_404(skp, rhk_id))
            flash(gettext("Indikator ditambahkan."), "success")
            return redirect(_detail_url(skp, f"indikator-{indicator.id}"))
    state = EditorState(new_indicator_form=form, new_indicator_rhk=rhk.id)
    if is_fragment_request():
        return _fragment("skp/_rhk.html", skp, state, 422, rhk=rhk)
    return invalid("skp/detail.html", **_context(skp, state))


@bp.get("/<int:skp_id>/indikator/<int:indicator_id>")
@login_required
def indicator_view(skp_id: int, indicator_id: int):
    skp = load_skp(skp_id)
    indicator = _indicator_or_404(skp, indicator_id)
    if not is_fragment_request():
        return redirect(_detail_url(skp, f"indikator-{indicator.id}"))
    return _fragment("skp/_indicator.html", skp, rhk=indicator.result_plan, indicator=indicator)


@bp.get("/<int:skp_id>/indikator/<int:indicator_id>/ubah")
@login_required
def indicator_edit(skp_id: int, indicator_id: int):
    skp = load_skp(skp_id)
    indicator = _indicator_or_404(skp, indicator_id)
    refused = _require_editor(skp)
    if refused:
        return refused
    outdated = _seen_outdated(skp)
    if outdated:
        return outdated
    state = EditorState(editing_indicator=indicator.id)
    return render("skp/detail.html", "skp/_indicator.html", **_context(skp, state), rhk=indicator.result_plan,
                  indicator=indicator)


@bp.post("/<int:skp_id>/indikator/<int:indicator_id>")
@login_required
def indicator_update(skp_id: int, indicator_id: int):
    skp = load_skp(skp_id)
    indicator = _indicator_or_404(skp, indicator_id)
    refused = _require_editor(skp)
    if refused:
        return refused
    target = f"indikator-{indicator_id}"
    form = _indicator_form(indicator, formdata=True)
    if form.validate():
        try:
            services.update_indicator(current_user, indicator, _indicator_values(form), version=_version())
        except StaleVersionError as error:
            return _stale(skp, error, target)
        except DomainError as error:
            db.session.rollback()
            skp = load_skp(skp_id)
            indicator = _indicator_or_404(skp, indicator_id)
            _field_error(form, error)
        else:
            db.session.commit()
            if is_fragment_request():
                skp = load_skp(skp_id)
                indicator = _indicator_or_404(skp, indicator_id)
                return _fragment("skp/_indicator.html", skp, rhk=indicator.result_plan, indicator=indicator)
            flash(gettext("Indikator disimpan."), "success")
            return redirect(_detail_url(skp, target))
    state = EditorState(editing_indicator=indicator.id, indicator_form=form)
    if is_fragment_request():
        return _fragment("skp/_indicator.html", skp, state, 422, rhk=indicator.result_plan, indicator=indicator)
    return invalid("skp/detail.html", **_context(skp, state))


@bp.post("/<int:skp_id>/indikator/<int:indicator_id>/hapus")
@login_required
def indicator_delete(skp_id: int, indicator_id: int):
    skp = load_skp(skp_id)
    indicator = _indicator_or_404(skp, indicator_id)
    refused = _require_editor(skp)
    if refused:
        return refused
    rhk_id = indicator.result_plan_id
    try:
        services.delete_indicator(current_user, indicator, version=_version())
    except StaleVersionError as error:
        return _stale(skp, error, f"rhk-{rhk_id}")
    db.session.commit()
    if is_fragment_request():
        skp = load_skp(skp_id)
        return _fragment("skp/_rhk.html", skp, rhk=_rhk_or_404(skp, rhk_id))
    flash(gettext("Indikator dihapus."), "success")
    return redirect(_detail_url(skp, f"rhk-{rhk_id}"))


# --- lampiran and perilaku kerja -----------------------------------------------------------------------


def _retarget(response, target: str):
    response.headers["HX-Retarget"] = f"#{target}"
    response.headers["HX-Reswap"] = "outerHTML"
    return response


@bp.post("/<int:skp_id>/lampiran")
@login_required
def lampiran_save(skp_id: int):
    """Save button and htmx autosave. The answer only swaps the "Tersimpan hh.mm" status (and, out of band, each
    field's error slot and the version), so the text being typed is never replaced. Each valid text is saved; one
    over its limit is marked at its field (422) and keeps what was typed. A conflict swaps the whole editor."""
    skp = load_skp(skp_id)
    refused = _require_editor(skp)
    if refused:
        return refused
    form = LampiranForm()
    data = {name: form[name].data for name in services.LAMPIRAN_FIELDS if name in request.form}
    try:
        result = services.save_lampiran(current_user, skp, data, version=_version())
    except StaleVersionError as error:
        return _stale(skp, error, "lampiran")
    db.session.commit()
    skp = load_skp(skp_id)
    if is_fragment_request():
        return _fragment("skp/_lampiran_status.html", skp, status=422 if result.errors else 200,
                         saved_at=format_time(utcnow(), "HH.mm"), field_errors=result.errors,
                         lampiran_fields=services.LAMPIRAN_FIELDS)
    if result.errors:
        for name, message in result.errors.items():
            form[name].errors = [message]
        return invalid("skp/detail.html", **_context(skp, EditorState(lampiran_form=form)))
    flash(gettext("Lampiran SKP disimpan."), "success")
    return redirect(_detail_url(skp, "lampiran"))


@bp.post("/<int:skp_id>/perilaku")
@login_required
def expectations_save(skp_id: int):
    """Ekspektasi Khusus Pimpinan of the seven BerAKHLAK values, one form and one button: the assessor only.
    Saved together or not at all (a stale version: 409 with the current data; a text over its limit: 422 at its
    field, with everything typed kept)."""
    skp = load_skp(skp_id)
    if not permissions.is_assessor(current_user, skp):
        abort(403)
    if not permissions.can_write_expectations(current_user, skp):
        flash(gettext("Ekspektasi Khusus Pimpinan tidak dapat diubah lagi pada SKP ini."), "error")
        return redirect_to(_detail_url(skp, "perilaku"))
    form = _expectations_form(skp, formdata=True)
    if form.validate():
        texts = {code: form[code].data for code in berakhlak.CODES}
        try:
            services.save_expectations(current_user, skp, texts, version=_version())
        except StaleVersionError as error:
            return _stale(skp, error, "perilaku")
        except DomainError as error:
            db.session.rollback()
            form[error.field if error.field in berakhlak.BY_CODE else berakhlak.CODES[0]].errors.append(
                error.message)
        else:
            db.session.commit()
            if is_fragment_request():
                return _fragment("skp/_perilaku.html", load_skp(skp_id), saved_at=format_time(utcnow(), "HH.mm"))
            flash(gettext("Ekspektasi Khusus Pimpinan disimpan."), "success")
            return redirect(_detail_url(skp, "perilaku"))
    state = EditorState(expectations_form=form)
    if is_fragment_request():
        return _fragment("skp/_perilaku.html", skp, state, 422)
    return invalid("skp/detail.html", **_context(skp, state))
