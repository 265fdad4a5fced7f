"""The SKP flow: submit, withdraw, approve, return with a note, revise, cancel a revision (one POST endpoint per
transition), the versions of an SKP, and the team board of the Pejabat Penilai Kinerja ("SKP Tim").

Every button is a plain form first (POST, then redirect); with htmx the SKP page follows an HX-Redirect and the
team board swaps just the row. A refusal shows the message with the SKP as it is now and changes nothing: 409 when
someone else acted first (decided, withdrew, revised; a stale form), 422 otherwise (note missing, planning closed).
Authorisation uses the predicates of portal/skp/permissions.py (403).
"""

from __future__ import annotations

from flask import abort, flash, g, make_response, render_template, render_template_string, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from portal.core.errors import ConflictError, DomainError, StaleVersionError
from portal.core.htmx import is_fragment_request, redirect_to, render
from portal.core.pagination import page_number
from portal.core.timeutil import local_today
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.periods import services as period_services
from portal.skp import berakhlak, flow, permissions, rules
from portal.skp.blueprint import bp
from portal.skp.labels import status_label
from portal.skp.models import (
    RHK_UTAMA,
    STATUS_APPROVED,
    STATUS_CANCELLED,
    STATUS_DRAFT,
    STATUS_RETURNED,
    STATUS_SUBMITTED,
    STATUS_SUPERSEDED,
    Skp,
)

# What an event did, from its (from, to) states: the history reads as a sentence.
EVENT_LABELS = {
    (None, STATUS_DRAFT): _l("Revisi SKP dibuka"),
    (STATUS_DRAFT, STATUS_SUBMITTED): _l("Diajukan"),
    (STATUS_RETURNED, STATUS_SUBMITTED): _l("Diajukan kembali"),
    (STATUS_SUBMITTED, STATUS_DRAFT): _l("Pengajuan ditarik kembali"),
    (STATUS_SUBMITTED, STATUS_APPROVED): _l("Disetujui"),
    (STATUS_SUBMITTED, STATUS_RETURNED): _l("Dikembalikan"),
    (STATUS_APPROVED, STATUS_APPROVED): _l("Revisi dibuka"),
    (STATUS_APPROVED, STATUS_SUPERSEDED): _l("Digantikan versi baru"),
    (STATUS_DRAFT, STATUS_CANCELLED): _l("Revisi dibatalkan"),
    (STATUS_RETURNED, STATUS_CANCELLED): _l("Revisi dibatalkan"),
}

ACTION_ENDPOINTS = {
    rules.SUBMIT: "skp.submit",
    rules.WITHDRAW: "skp.withdraw",
    rules.APPROVE: "skp.approve",
    rules.RETURN: "skp.return_",
    rules.REVISE: "skp.revise",
    rules.CANCEL: "skp.cancel_revision",
}

FROM_TEAM = "tim"  # the form was posted from the team board's own rows
FROM_SUPERIOR = "atasan"  # ... from its "Sebagai atasan pejabat penilai" section
ROW_SOURCES = (FROM_TEAM, FROM_SUPERIOR)


# ---------------------------------------------------------------------------------------------------------
# Template helpers: the flow panel included by skp/detail.html


@bp.app_template_global("skp_status_label")
def skp_status_label(status: str | None) -> tuple[str, str]:
    """(label, badge classes) of an SKP state, "belum dibuat" for None."""
    return status_label(status)


@bp.app_template_global("skp_event_label")
def skp_event_label(event) -> str:
    return EVENT_LABELS.get((event.from_status, event.to_status), event.to_status)


def allowed_flow_actions(user, skp: Skp, today) -> tuple[list[str], bool]:
    """The flow buttons the user may press on this version now, and whether they act as the assessor's superior.

    The roles come from the permissions, the actions from the transition table of rules.py."""
    if not skp.is_current:
        return [], False
    roles, acting = [], False
    if permissions.is_owner(user, skp):
        roles.append(rules.OWNER)
    if permissions.is_assessor(user, skp):
        roles.append(rules.ASSESSOR)
    elif skp.status == STATUS_SUBMITTED and permissions.superior_acting(user, skp, today):
        roles.append(rules.ASSESSOR)
        acting = True
    actions: list[str] = []
    for role in roles:
        for action in rules.allowed_actions(skp.status, role):
            if action in actions or action not in ACTION_ENDPOINTS:
                continue
            if action == rules.REVISE and (acting or today > skp.period.ends_on):
                continue
            if action == rules.CANCEL and not rules.is_cancellable_revision(
                    skp.number, skp.previous.status if skp.previous is not None else None):
                continue
            if action in (rules.SUBMIT, rules.WITHDRAW) and not permissions.planning_open(skp, today):
                continue
            actions.append(action)
    return actions, acting


@bp.app_template_global("skp_note_max")
def skp_note_max() -> int:
    """The limit of a return note (the team board's "Kembalikan" form renders it as maxlength)."""
    return flow.NOTE_MAX


@bp.app_template_global("skp_flow_context")
def skp_flow_context(skp: Skp) -> dict:
    """Everything the flow panel shows for the signed-in user: status, buttons, history, the last return note."""
    today = local_today()
    actions, acting = allowed_flow_actions(current_user, skp, today)
    waiting_superior = (not acting and skp.status == STATUS_SUBMITTED and skp.is_current
                        and permissions.is_assessors_superior(current_user, skp))
    events = sorted(skp.events, key=lambda e: (e.at, e.id or 0), reverse=True)
    return {
        "status": skp_status_label(skp.status),
        "actions": actions,
        "endpoints": ACTION_ENDPOINTS,
        "acting": acting,
        "waiting_superior": waiting_superior,
        "events": events,
        "latest_return": flow.latest_return(skp),
        "error": g.get("flow_error"),
        "note_min": flow.NOTE_MIN_LENGTH,
        "note_max": {"return": flow.NOTE_MAX, "revise": flow.REVISION_REASON_MAX, "cancel": flow.CANCEL_NOTE_MAX},
    }


# ---------------------------------------------------------------------------------------------------------
# The transitions


def _load(skp_id: int) -> Skp:
    return permissions.get_skp_or_404(skp_id, current_user)


def _authorise(action: str, skp: Skp, today) -> None:
    """403 unless the user holds a role for this action. The state itself is checked by the service: 409 when
    someone else acted first (the assessor's superior who clicks *Setujui* just after the assessor approved holds
    the role; only the moment passed), 422 for other refusals."""
    user = current_user
    if action in (rules.SUBMIT, rules.WITHDRAW):
        allowed = permissions.is_owner(user, skp)
    elif action in (rules.APPROVE, rules.RETURN):
        decided = skp.status != STATUS_SUBMITTED or not skp.is_current
        allowed = (permissions.is_assessor(user, skp) or permissions.superior_acting(user, skp, today)
                   or (decided and permissions.is_assessors_superior(user, skp)))
    else:  # revise, cancel a revision
        allowed = permissions.is_owner(user, skp) or permissions.is_assessor(user, skp)
    if not allowed:
        abort(403)


def _source() -> str | None:
    source = request.form.get("next")
    return source if source in ROW_SOURCES else None


def _run(action: str, skp_id: int):
    skp = _load(skp_id)
    today = local_today()
    _authorise(action, skp, today)
    note = request.form.get("note", "")
    version = request.form.get("version_id")
    try:
        if action == rules.SUBMIT:
            result = flow.submit_skp(current_user, skp, today=today, version=version)
        elif action == rules.WITHDRAW:
            result = flow.withdraw_skp(current_user, skp, today=today, version=version)
        elif action == rules.APPROVE:
            result = flow.approve_skp(current_user, skp, note, today=today, version=version)
        elif action == rules.RETURN:
            result = flow.return_skp(current_user, skp, note, today=today, version=version)
        elif action == rules.CANCEL:
            result = flow.cancel_revision(current_user, skp, note, today=today, version=version)
        else:
            result = flow.revise_skp(current_user, skp, note, today=today, version=version)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return _refused(skp_id, action, error, note)
    except StaleDataError:  # someone else changed the SKP between our read and our write
        db.session.rollback()
        return _refused(skp_id, action, StaleVersionError(gettext(
            "Data ini sudah diubah orang lain sejak Anda membukanya. Perubahan Anda tidak disimpan; berikut data "
            "terbaru.")), note)
    target = result if isinstance(result, Skp) else skp
    return _done(action, target, today)


SUCCESS = {
    rules.SUBMIT: _l("SKP diajukan kepada Pejabat Penilai Kinerja."),
    rules.WITHDRAW: _l("Pengajuan SKP ditarik kembali. SKP dapat diubah lagi."),
    rules.APPROVE: _l("SKP disetujui."),
    rules.RETURN: _l("SKP dikembalikan kepada pegawai dengan catatan."),
    rules.REVISE: _l("Revisi SKP dibuka sebagai versi baru. Versi yang disetujui tetap berlaku sampai revisi "
                     "disetujui."),
    rules.CANCEL: _l("Revisi SKP dibatalkan. Versi yang disetujui kembali menjadi versi terkini."),
}


def _done(action: str, skp: Skp, today):
    flash(str(SUCCESS[action]), "success")
    source = _source()
    if source and is_fragment_request():
        return _row_response(skp, source, today)
    if source:
        return redirect_to(url_for("skp.team"))
    return redirect_to(url_for("skp.detail", skp_id=skp.id))


def _refused(skp_id: int, action: str, error: DomainError, note: str):
    """Nothing changed: the message (and the typed note) again with the SKP as it is now, status 409 when someone
    else acted first (a decision, a stale form), else 422."""
    status = 409 if isinstance(error, ConflictError) else 422
    skp = _load(skp_id)
    g.flow_error = {"skp_id": skp_id, "action": action, "message": error.message, "field": error.field, "note": note}
    source = _source()
    if source and is_fragment_request():
        flash(error.message, "error")
        return _row_response(skp, source, local_today(), status=status)
    if is_fragment_request():
        response = make_response(render_template("skp/_flow_panel.html", skp=skp), status)
        response.headers["Vary"] = "HX-Request"
        return response
    flash(error.message, "error")
    if source:
        return _team_page(status=status)
    return _detail_page(skp_id, status)


def _detail_page(skp_id: int, status: int):
    """The SKP page (the editor's) with the refusal in the flow panel; a plain panel page if it is missing."""
    from portal.skp import editor_views

    page = getattr(editor_views, "_page", None)
    loader = getattr(editor_views, "load_skp", None)
    if page is not None and loader is not None:
        return page(loader(skp_id), status=status)
    skp = _load(skp_id)
    return render("skp/versions.html", status=status, skp=skp, versions=flow.versions_of(skp))


_ROW_TEMPLATE = ('{% from "skp/_team_rows.html" import team_row, team_counts_oob with context %}'
                 '{{ team_row(row, row_source) }}{{ team_counts_oob(counts) }}{% include "components/_flash.html" %}')


def _row_response(skp: Skp, source: str, today, status: int = 200):
    """The team board row after an action (htmx), with the state tabs' counts and the flash out of band."""
    row = flow.team_row(current_user, skp, today)
    counts = flow.team_counts(current_user.employee_id, skp.period)
    body = render_template_string(_ROW_TEMPLATE, row=row, row_source=source, counts=counts, oob=True)
    response = make_response(body, status)
    response.headers["Vary"] = "HX-Request"
    return response


@bp.post("/<int:skp_id>/ajukan")
@login_required
def submit(skp_id: int):
    return _run(rules.SUBMIT, skp_id)


@bp.post("/<int:skp_id>/tarik")
@login_required
def withdraw(skp_id: int):
    return _run(rules.WITHDRAW, skp_id)


@bp.post("/<int:skp_id>/setujui")
@login_required
def approve(skp_id: int):
    return _run(rules.APPROVE, skp_id)


@bp.get("/<int:skp_id>/setujui")
@login_required
def approve_confirm(skp_id: int):
    """Approving from the team board asks first: the SKP's summary (its RHK and indicators, when it was submitted,
    the Ekspektasi Khusus Pimpinan written so far) with one explicit *Setujui SKP* form, so that no SKP is approved
    from a list without being looked at. 409 with the SKP's state when it no longer waits for this user."""
    skp = _load(skp_id)
    today = local_today()
    _authorise(rules.APPROVE, skp, today)
    source = request.args.get("next")
    may_decide = permissions.can_decide_skp(current_user, skp, today)
    return render("skp/approve_confirm.html", status=200 if may_decide else 409, skp=skp, may_decide=may_decide,
                  source=source if source in ROW_SOURCES else None, summary=_review_summary(skp, today))


def _review_summary(skp: Skp, today) -> dict:
    plans = sorted(skp.result_plans, key=lambda r: (r.kind != RHK_UTAMA, r.position, r.id))
    return {
        "plans": plans,
        "utama": sum(1 for r in plans if r.kind == RHK_UTAMA),
        "indicators": sum(len(r.indicators) for r in plans),
        "expectations": sum(1 for e in skp.expectations if (e.text or "").strip()),
        "value_count": len(berakhlak.CODES),
        "waiting_days": flow.waiting_days(skp, today, period_services.holidays_around(today)),
    }


@bp.post("/<int:skp_id>/kembalikan")
@login_required
def return_(skp_id: int):
    return _run(rules.RETURN, skp_id)


@bp.post("/<int:skp_id>/revisi")
@login_required
def revise(skp_id: int):
    return _run(rules.REVISE, skp_id)


@bp.post("/<int:skp_id>/batalkan-revisi")
@login_required
def cancel_revision(skp_id: int):
    return _run(rules.CANCEL, skp_id)


# ---------------------------------------------------------------------------------------------------------
# Versions and the team board


@bp.get("/<int:skp_id>/versi")
@login_required
def version(skp_id: int):
    skp = _load(skp_id)
    return render("skp/versions.html", skp=skp, versions=flow.versions_of(skp))


def _team_context() -> dict:
    employee = current_user.employee
    if employee is None or not org_perms.is_assessor(current_user):
        abort(403)  # nobody to assess: the menu has no "SKP Tim" either
    today = local_today()
    period = period_services.current_period(today)
    context = {"employee": employee, "period": period, "today": today, "state": None, "counts": None,
               "page": None, "superior_page": None, "states": flow.TEAM_STATES}
    if period is None:
        return context
    state = request.args.get("status")
    state = state if state in flow.TEAM_STATES else None
    holidays = period_services.holidays_around(today)
    context.update(
        state=state,
        counts=flow.team_counts(employee.id, period),
        page=flow.team_board(employee.id, period, today, state=state, number=page_number(), holidays=holidays),
        superior_page=flow.superior_queue(employee.id, period, today, number=page_number("hal_atasan"),
                                          holidays=holidays),
    )
    return context


def _team_page(status: int = 200):
    return render("skp/team.html", "skp/_team_rows.html", status=status, **_team_context())


@bp.get("/tim")
@login_required
def team():
    return _team_page()
