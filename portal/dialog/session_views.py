"""Dialog kinerja pages: the list (my sessions; my team with next/last session and overdue actions), proposing a
session, the session page built for use during the meeting (agenda, talking points, live notes with autosave, the
assessor's private note, agreed actions, close and confirm), the .ics file, and an employee's history."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, flash, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from portal.core.errors import DomainError, StaleVersionError
from portal.core.htmx import invalid, is_fragment_request, redirect_to, render
from portal.core.ids import id_or_none
from portal.core.pagination import page_number
from portal.core.timeutil import local_today, utcnow
from portal.dialog import permissions as perms
from portal.dialog import rules
from portal.dialog import services as services
from portal.dialog.blueprint import bp
from portal.dialog.forms import (
    ActionForm,
    ActionStatusForm,
    CancelForm,
    ConfirmForm,
    EmptyForm,
    NotesForm,
    PointForm,
    PrivateNoteForm,
    ProposeForm,
    RescheduleForm,
)
from portal.dialog.models import DialogAction, DialogSession, TalkingPoint
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.org.models import Employee

SESSION = ("dialog/session.html", "dialog/_session.html")


@bp.app_template_global("dialog_state")
def dialog_state(session: DialogSession | None) -> tuple[str, str]:
    if session is None:
        return gettext("Belum ada"), "badge"
    label, css = services.STATE_LABELS.get(session.status, (session.status, "badge"))
    return str(label), css


@bp.app_template_global("dialog_kind")
def dialog_kind(kind: str) -> str:
    return str(services.KIND_LABELS.get(kind, kind))


@bp.app_template_global("action_label")
def action_label(status: str) -> str:
    return str(services.ACTION_LABELS.get(status, status))


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Jakarta"))


def to_utc(day: dt.date, time: dt.time) -> dt.datetime:
    """A local date and time (the portal's time zone) as the naive UTC the database keeps."""
    return dt.datetime.combine(day, time, tzinfo=_zone()).astimezone(dt.UTC).replace(tzinfo=None)


# ---------------------------------------------------------------------------------------------------------
# Lists


@bp.get("/dialog")
@login_required
def index():
    me = current_user.employee
    if me is None:
        abort(403)
    today, now = local_today(), utcnow()
    page = rows = None
    if org_perms.is_assessor(current_user):
        page = services.reports_page(me.id, page_number())
        rows = services.team_rows(page.items, me.id, today, now)
    mine = services.sessions_of(me.id, limit=20)
    open_actions = [a for s in mine for a in s.actions if a.status == rules.ACTION_OPEN]
    return render("dialog/index.html", "dialog/_team.html", me=me, mine=mine, page=page, rows=rows, today=today,
                  open_actions=open_actions, has_assessor=me.assessor is not None)


@bp.get("/dialog/pegawai/<int:employee_id>")
@login_required
def history(employee_id: int):
    employee = db.get_or_404(Employee, employee_id)
    if current_user.employee_id == employee.id:
        return redirect_to(url_for("dialog.index"))
    sessions = [s for s in services.sessions_of(employee.id, limit=100)
                if perms.can_see_session_exists(current_user, s)]
    if not sessions and not (current_user.can_read_all or org_perms.can_view_employee(current_user, employee)):
        abort(403)
    return render("dialog/history.html", None, employee=employee, sessions=sessions,
                  can_open={s.id: perms.can_view_session(current_user, s) for s in sessions})


# ---------------------------------------------------------------------------------------------------------
# Proposing


def _proposable(employee: Employee) -> bool:
    me = current_user.employee_id
    return me is not None and employee.assessor is not None and me in (employee.id, employee.assessor.id)


@bp.route("/dialog/baru/<int:employee_id>", methods=["GET", "POST"])
@login_required
def propose(employee_id: int):
    employee = db.get_or_404(Employee, employee_id)
    if not _proposable(employee):
        abort(403)
    form = ProposeForm() if request.method == "POST" else ProposeForm(formdata=None)
    if request.method == "GET":
        if request.args.get("jenis") in rules.KINDS:
            form.kind.data = request.args["jenis"]
        form.evaluation_id.data = request.args.get("evaluasi") or ""
    evaluation = None
    if form.evaluation_id.data:
        from portal.evaluation.models import Evaluation

        evaluation_id = id_or_none(form.evaluation_id.data)
        evaluation = db.session.get(Evaluation, evaluation_id) if evaluation_id else None
        if evaluation is None or evaluation.employee_id != employee.id:
            abort(404)
    context = dict(employee=employee, form=form, evaluation=evaluation)
    if request.method == "GET":
        return render("dialog/propose.html", None, **context)
    if not form.validate():
        return invalid("dialog/propose.html", None, **context)
    try:
        session = services.propose(current_user, employee, starts_at=to_utc(form.date.data, form.time.data),
                                   duration=form.duration.data, place=form.place.data, link=form.link.data,
                                   kind=form.kind.data, message=form.message.data, now=utcnow(),
                                   evaluation=evaluation)
    except DomainError as error:
        db.session.rollback()
        target = getattr(form, error.field, None) if error.field else None
        if error.field == "starts_at":
            target = form.date
        (target.errors.append if target is not None else form.form_errors.append)(error.message)
        return invalid("dialog/propose.html", None, **context)
    db.session.commit()
    flash(gettext("Sesi diusulkan; menunggu tanggapan pihak lain."), "success")
    return redirect_to(url_for("dialog.session", session_id=session.id))


# ---------------------------------------------------------------------------------------------------------
# The session page


def _session_or_404(session_id: int) -> DialogSession:
    session = services.load_session(session_id)
    if session is None or not perms.can_view_session(current_user, session):
        abort(404)
    return session


def _context(session: DialogSession, **forms) -> dict:
    today = local_today()
    side = perms.side_of(current_user, session)
    notes_form = forms.get("notes_form") or NotesForm(formdata=None, data={"notes": session.notes,
                                                                          "version": session.version_id})
    return dict(
        session=session, side=side, today=today, agenda=services.agenda(session, today),
        editable=side is not None and rules.editable_notes(session.status),
        private=perms.can_view_private_note(current_user, session),
        point_form=forms.get("point_form") or PointForm(formdata=None),
        notes_form=notes_form,
        private_form=forms.get("private_form") or PrivateNoteForm(formdata=None,
                                                                  data={"private_note": session.private_note}),
        action_form=forms.get("action_form") or ActionForm(formdata=None),
        reschedule_form=forms.get("reschedule_form") or RescheduleForm(formdata=None),
        cancel_form=forms.get("cancel_form") or CancelForm(formdata=None),
        confirm_form=forms.get("confirm_form") or ConfirmForm(formdata=None),
        status_form=ActionStatusForm(formdata=None), button=EmptyForm(formdata=None),
        may=lambda action: _may(session, side, action),
    )


def _may(session: DialogSession, side: str | None, action: str) -> bool:
    if side is None:
        return False
    try:
        rules.transition(action, session.status, side, session.proposed_by)
    except rules.TransitionRefused:
        return False
    return True


@bp.get("/dialog/<int:session_id>")
@login_required
def session(session_id: int):
    return render(*SESSION, **_context(_session_or_404(session_id)))


@bp.get("/dialog/<int:session_id>/kalender.ics")
@login_required
def calendar(session_id: int):
    session = _session_or_404(session_id)
    body = services.ics(session, request.host.split(":")[0] or "portal", utcnow())
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="dialog-kinerja-{session.id}.ics"',
        "Cache-Control": "private, no-store"})


def _done(session: DialogSession, message: str):
    """Post/Redirect/Get; for htmx an HX-Redirect, so the page reloads with the message (as elsewhere)."""
    db.session.commit()
    flash(message, "success")
    return redirect_to(url_for("dialog.session", session_id=session.id))


def _refused(session_id: int, error: DomainError, **forms):
    db.session.rollback()
    fresh = services.load_session(session_id)
    for form in forms.values():
        field = getattr(form, error.field, None) if error.field else None
        if field is not None:
            field.errors = [*field.errors, error.message]
            break
    else:
        flash(error.message, "error")
    status = 409 if isinstance(error, StaleVersionError) or fresh.status not in (rules.PROPOSED, rules.SCHEDULED) \
        else 422
    return render(*SESSION, status=status, **_context(fresh, **forms))


def _step(session_id: int, call, message: str, form=None, form_key: str | None = None):
    session = _session_or_404(session_id)
    form = form or EmptyForm()
    if not form.validate():
        db.session.rollback()
        return render(*SESSION, status=422, **_context(session, **({form_key: form} if form_key else {})))
    try:
        call(session, form)
    except DomainError as error:
        return _refused(session_id, error, **({form_key: form} if form_key else {}))
    return _done(session, message)


@bp.post("/dialog/<int:session_id>/terima")
@login_required
def accept(session_id: int):
    return _step(session_id, lambda s, f: services.accept(current_user, s, now=utcnow(), version=f.version.data),
                 gettext("Jadwal sesi diterima."))


@bp.post("/dialog/<int:session_id>/jadwal-ulang")
@login_required
def reschedule(session_id: int):
    return _step(session_id, lambda s, f: services.reschedule(
        current_user, s, starts_at=to_utc(f.date.data, f.time.data), place=f.place.data, link=f.link.data,
        message=f.message.data, now=utcnow(), version=f.version.data),
        gettext("Waktu lain diusulkan."), RescheduleForm(), "reschedule_form")


@bp.post("/dialog/<int:session_id>/batalkan")
@login_required
def cancel(session_id: int):
    return _step(session_id, lambda s, f: services.cancel(current_user, s, f.reason.data, now=utcnow(),
                                                          version=f.version.data),
                 gettext("Sesi dibatalkan."), CancelForm(), "cancel_form")


@bp.post("/dialog/<int:session_id>/tutup")
@login_required
def close(session_id: int):
    return _step(session_id, lambda s, f: services.close(current_user, s, now=utcnow(), version=f.version.data),
                 gettext("Sesi ditutup; pegawai diminta mengonfirmasi hasilnya."))


@bp.post("/dialog/<int:session_id>/konfirmasi")
@login_required
def confirm(session_id: int):
    return _step(session_id, lambda s, f: services.confirm(current_user, s, f.comment.data, now=utcnow(),
                                                           version=f.version.data),
                 gettext("Hasil sesi dikonfirmasi."), ConfirmForm(), "confirm_form")


@bp.post("/dialog/<int:session_id>/pokok")
@login_required
def add_point(session_id: int):
    return _step(session_id, lambda s, f: services.add_point(current_user, s, f.text.data),
                 gettext("Pokok bahasan ditambahkan."), PointForm(), "point_form")


@bp.post("/dialog/pokok/<int:point_id>")
@login_required
def mark_point(point_id: int):
    point = db.get_or_404(TalkingPoint, point_id)
    discussed = request.form.get("discussed") == "1"
    return _step(point.session_id, lambda s, f: services.set_discussed(current_user, point, discussed),
                 gettext("Pokok bahasan ditandai sudah dibahas.") if discussed
                 else gettext("Pokok bahasan ditandai belum dibahas."))


@bp.post("/dialog/<int:session_id>/catatan")
@login_required
def save_notes(session_id: int):
    """Live notes: autosaved by htmx while typing (a small status fragment), or saved by the button."""
    session = _session_or_404(session_id)
    form = NotesForm()
    autosave = request.form.get("action") == "autosave" and is_fragment_request()
    if not form.validate():
        if autosave:  # the typed text stays in the page; the message goes to the field's slot too
            return render("dialog/_notes_status.html", status=422, error=" ".join(form.notes.errors),
                          field_error=" ".join(form.notes.errors))
        return render(*SESSION, status=422, **_context(session, notes_form=form))
    try:
        services.save_notes(current_user, session, form.notes.data, now=utcnow(), version=form.version.data)
    except DomainError as error:
        db.session.rollback()
        if autosave:
            return render("dialog/_notes_status.html", status=409 if isinstance(error, StaleVersionError) else 422,
                          error=error.message, field_error=error.message if error.field == "notes" else "")
        return _refused(session_id, error, notes_form=form)
    db.session.commit()
    if autosave:
        return render("dialog/_notes_status.html", version=session.version_id, field_error="")
    return _done(session, gettext("Catatan sesi disimpan."))


@bp.post("/dialog/<int:session_id>/catatan-pribadi")
@login_required
def save_private(session_id: int):
    session = _session_or_404(session_id)
    if not perms.can_view_private_note(current_user, session):
        abort(404)
    return _step(session_id, lambda s, f: services.save_private_note(current_user, s, f.private_note.data),
                 gettext("Catatan pribadi disimpan."), PrivateNoteForm(), "private_form")


@bp.post("/dialog/<int:session_id>/tindak-lanjut")
@login_required
def add_action(session_id: int):
    return _step(session_id, lambda s, f: services.add_action(current_user, s, f.action_text.data, f.owner.data,
                                                              f.due_on.data, today=local_today()),
                 gettext("Tindak lanjut dicatat."), ActionForm(), "action_form")


@bp.post("/dialog/tindak-lanjut/<int:action_id>")
@login_required
def update_action(action_id: int):
    action = db.get_or_404(DialogAction, action_id)
    return _step(action.session_id, lambda s, f: services.update_action(current_user, action, f.status.data,
                                                                        now=utcnow()),
                 gettext("Status tindak lanjut diperbarui."), ActionStatusForm())
