"""An employee's development page (/pengembangan for one's own, /pengembangan/pegawai/<id> for the assessor, the
unit head, BKPSDM and the auditor): the JP bar towards 20 JP, the competency gap table, the suggestions, and the
Rencana Pengembangan Kompetensi with its items; the plan's and the items' transitions (one POST each), certificates,
and the employee's JP record as XLSX and CSV."""

from __future__ import annotations

from flask import Response, abort, flash, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from portal.core.errors import ConflictError, DomainError
from portal.core.htmx import invalid, redirect_to, render
from portal.core.timeutil import local_today, utcnow
from portal.development import common, competencies, exports, rules
from portal.development import permissions as perms
from portal.development import services as services
from portal.development.blueprint import bp
from portal.development.forms import CancelForm, CertificateForm, CompleteForm, EmptyForm, ItemForm, ReturnForm
from portal.development.models import DevelopmentItem, DevelopmentPlan
from portal.dialog.models import DialogAction
from portal.extensions import db
from portal.org.models import Employee

PAGE = ("development/employee.html", "development/_employee.html")
ITEM = ("development/item.html", "development/_item_form.html")


# ---------------------------------------------------------------------------------------------------------
# The page


def _context(employee: Employee, year: int, *, problem: str | None = None, forms: dict | None = None) -> dict:
    plan = services.find_plan(employee, year)
    plan = services.load_plan(plan.id) if plan is not None else None
    assessment = competencies.find_assessment(employee, year)
    me = current_user
    own = perms.is_self(me, employee)
    items = list(plan.items) if plan else []
    forms = forms or {}
    return dict(
        employee=employee, year=year, plan=plan, items=items, own=own, today=local_today(),
        totals=services.jp_totals(employee.id, year), assessment=assessment,
        gaps=competencies.gap_rows(employee, assessment, me),
        suggestions=services.suggestions_for(me, employee, plan, year),
        priority=services.is_priority(me, employee),
        actions=services.open_actions(employee) if own and plan is not None else [],
        can_edit=plan is not None and perms.can_edit_plan(me, plan),
        can_decide=plan is not None and perms.can_decide_plan(me, plan),
        can_rate=perms.can_rate(me, employee), can_start_plan=own and year in services.plan_years(local_today()),
        years=common.year_choices(year), problem=problem, button=EmptyForm(formdata=None),
        return_form=forms.get("return_form") or ReturnForm(formdata=None),
        complete_form=forms.get("complete_form") or CompleteForm(formdata=None),
        complete_item_id=forms.get("complete_item_id"),
        cancel_form=forms.get("cancel_form") or CancelForm(formdata=None),
        cancel_item_id=forms.get("cancel_item_id"),
        certificate_form=forms.get("certificate_form") or CertificateForm(formdata=None),
        certificate_item_id=forms.get("certificate_item_id"),
        may_carry=lambda item: own and rules.may_carry(item.status, item.carried, item.year, local_today()),
        editable=lambda item: own and rules.item_editable(item.status, plan.status) and not item.carried,
    )


def _page_url(employee: Employee, year: int) -> str:
    if perms.is_self(current_user, employee):
        return url_for("development.mine", tahun=year)
    return url_for("development.employee", employee_id=employee.id, tahun=year)


@bp.get("/pengembangan")
@login_required
def mine():
    me = current_user.employee
    if me is None:
        abort(403)
    common.seed_lists()
    return render(*PAGE, **_context(me, common.year_arg()))


@bp.get("/pengembangan/pegawai/<int:employee_id>")
@login_required
def employee(employee_id: int):
    person = perms.get_employee_or_403(employee_id, current_user)
    year = common.year_arg()
    if perms.is_self(current_user, person):
        return redirect_to(url_for("development.mine", tahun=year))
    common.seed_lists()
    return render(*PAGE, **_context(person, year))


def _refused(employee: Employee, year: int, error: DomainError, **forms):
    """The page again with the refusal: 409 when somebody decided first (or the form was stale), else 422."""
    db.session.rollback()
    status = 409 if isinstance(error, ConflictError) else 422
    for key, form in forms.items():
        if key.endswith("_form"):
            target = getattr(form, error.field, None) if error.field else None
            if target is not None:
                target.errors = [*target.errors, error.message]
                return render(*PAGE, status=status, **_context(employee, year, forms=forms))
    return render(*PAGE, status=status, **_context(employee, year, problem=error.message, forms=forms))


def _done(employee: Employee, year: int, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect_to(_page_url(employee, year))


# ---------------------------------------------------------------------------------------------------------
# The plan


@bp.post("/pengembangan/pegawai/<int:employee_id>/rencana")
@login_required
def create_plan(employee_id: int):
    person = perms.get_employee_or_403(employee_id, current_user)
    if not perms.is_self(current_user, person):
        abort(403)
    if not EmptyForm().validate():
        abort(400)
    raw = request.form.get("tahun", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else None
    if not common.valid_year(year):
        abort(400)
    try:
        services.create_plan(current_user, person, year, today=local_today())
    except DomainError as error:
        return _refused(person, year, error)
    return _done(person, year, gettext("Rencana pengembangan kompetensi %(year)s dibuat. Tambahkan kegiatannya.",
                                       year=year))


def _plan_step(plan_id: int, allowed, call, message: str, form=None, form_key: str | None = None):
    plan = perms.get_plan_or_404(plan_id, current_user)
    if not allowed(current_user, plan):
        abort(403)
    form = form or EmptyForm()
    employee, year = plan.employee, plan.year
    if not form.validate():
        db.session.rollback()
        return render(*PAGE, status=422, **_context(employee, year, forms={form_key: form} if form_key else {}))
    try:
        call(plan, form)
    except DomainError as error:
        return _refused(employee, year, error, **({form_key: form} if form_key else {}))
    return _done(employee, year, message)


@bp.post("/pengembangan/rencana/<int:plan_id>/ajukan")
@login_required
def submit(plan_id: int):
    return _plan_step(plan_id, perms.can_edit_plan,
                      lambda p, f: services.submit_plan(current_user, p, now=utcnow(), version=f.version.data),
                      gettext("Rencana diajukan kepada Pejabat Penilai Kinerja."))


@bp.post("/pengembangan/rencana/<int:plan_id>/setujui")
@login_required
def approve(plan_id: int):
    return _plan_step(plan_id, perms.can_decide_plan,
                      lambda p, f: services.approve_plan(current_user, p, now=utcnow(), version=f.version.data),
                      gettext("Rencana pengembangan disetujui."))


@bp.post("/pengembangan/rencana/<int:plan_id>/kembalikan")
@login_required
def send_back(plan_id: int):
    return _plan_step(plan_id, perms.can_decide_plan,
                      lambda p, f: services.return_plan(current_user, p, f.note.data, now=utcnow(),
                                                        version=f.version.data),
                      gettext("Rencana dikembalikan kepada pegawai dengan catatan."), ReturnForm(), "return_form")


@bp.post("/pengembangan/rencana/<int:plan_id>/saran")
@login_required
def add_suggestion(plan_id: int):
    plan = perms.get_plan_or_404(plan_id, current_user)
    if not perms.can_edit_plan(current_user, plan):
        abort(403)
    if not EmptyForm().validate():
        abort(400)
    try:
        item = services.add_from_suggestion(current_user, plan, request.form.get("key"), now=utcnow())
    except DomainError as error:
        return _refused(plan.employee, plan.year, error)
    db.session.commit()
    flash(gettext("Kegiatan ditambahkan dari saran. Lengkapi penyelenggara, tanggal dan JP-nya."), "success")
    return redirect_to(url_for("development.item", item_id=item.id))


@bp.post("/pengembangan/rencana/<int:plan_id>/tindak-lanjut/<int:action_id>")
@login_required
def add_action(plan_id: int, action_id: int):
    plan = perms.get_plan_or_404(plan_id, current_user)
    if not perms.can_edit_plan(current_user, plan):
        abort(403)
    action = db.session.get(DialogAction, action_id)
    if action is None or action.session.employee_id != plan.employee_id:
        abort(404)
    if not EmptyForm().validate():
        abort(400)
    try:
        item = services.add_from_action(current_user, plan, action, now=utcnow())
    except DomainError as error:
        return _refused(plan.employee, plan.year, error)
    db.session.commit()
    flash(gettext("Tindak lanjut dialog ditambahkan sebagai kegiatan. Lengkapi rinciannya."), "success")
    return redirect_to(url_for("development.item", item_id=item.id))


# ---------------------------------------------------------------------------------------------------------
# Items: new, edit (one form), and the transitions


def _item_form(item: DevelopmentItem | None = None, formdata=None) -> ItemForm:
    if formdata is None:
        form = ItemForm(formdata=None, obj=item)
        form.version.data = item.version_id if item else ""
        if item is None:
            form.addresses.data = request.args.get("hal") if request.args.get("hal") in rules.ADDRESSES else None
    else:
        form = ItemForm()
    form.fill_choices()
    return form


def _item_context(plan: DevelopmentPlan, item: DevelopmentItem | None, form: ItemForm, problem=None) -> dict:
    return dict(plan=plan, employee=plan.employee, item=item, form=form, problem=problem,
                editable=item is None or (rules.item_editable(item.status, plan.status) and not item.carried
                                          and perms.can_edit_plan(current_user, plan)),
                page_url=_page_url(plan.employee, plan.year), button=EmptyForm(formdata=None),
                types={t.id: t.jp_per_day for t in competencies.activity_types()})


def _save_item(plan: DevelopmentPlan, item: DevelopmentItem | None):
    form = _item_form(item, formdata=True)
    if not form.validate():
        return invalid(*ITEM, **_item_context(plan, item, form))
    try:
        if item is None:
            item = services.add_item(current_user, plan, form.data_for_service(), now=utcnow())
        else:
            services.update_item(current_user, item, form.data_for_service(), now=utcnow(), version=form.version.data)
    except DomainError as error:
        db.session.rollback()
        fresh = db.session.get(DevelopmentItem, item.id) if item is not None and item.id else None
        target = getattr(form, error.field, None) if error.field else None
        if target is not None:
            target.errors = [*target.errors, error.message]
            return invalid(*ITEM, **_item_context(db.session.get(DevelopmentPlan, plan.id), fresh, form))
        status = 409 if isinstance(error, ConflictError) else 422
        return render(*ITEM, status=status, **_item_context(db.session.get(DevelopmentPlan, plan.id), fresh,
                                                            _item_form(fresh), problem=error.message))
    db.session.commit()
    flash(gettext("Kegiatan \"%(title)s\" disimpan.", title=item.title), "success")
    return redirect_to(_page_url(plan.employee, plan.year))


@bp.route("/pengembangan/rencana/<int:plan_id>/kegiatan-baru", methods=["GET", "POST"])
@login_required
def new_item(plan_id: int):
    plan = perms.get_plan_or_404(plan_id, current_user)
    if not perms.can_edit_plan(current_user, plan):
        abort(403)
    common.seed_lists()
    if request.method == "POST":
        return _save_item(plan, None)
    return render(*ITEM, **_item_context(plan, None, _item_form()))


@bp.route("/pengembangan/kegiatan/<int:item_id>", methods=["GET", "POST"])
@login_required
def item(item_id: int):
    found = perms.get_item_or_404(item_id, current_user)
    plan = found.plan
    if request.method == "POST":
        if not perms.can_edit_plan(current_user, plan):
            abort(403)
        return _save_item(plan, found)
    common.seed_lists()
    return render(*ITEM, **_item_context(plan, found, _item_form(found)))


def _item_step(item_id: int, allowed, call, message: str, form=None, form_key: str | None = None):
    found = perms.get_item_or_404(item_id, current_user)
    if not allowed(current_user, found):
        abort(403)
    form = form or EmptyForm()
    employee, year = found.employee, found.year
    forms = {form_key: form, form_key.replace("_form", "_item_id"): found.id} if form_key else {}
    if not form.validate():
        db.session.rollback()
        return render(*PAGE, status=422, **_context(employee, year, forms=forms))
    try:
        call(found, form)
    except DomainError as error:
        return _refused(employee, year, error, **forms)
    return _done(employee, year, message)


def _owner(user, item: DevelopmentItem) -> bool:
    return perms.is_self(user, item.employee)


def _owner_or_assessor(user, item: DevelopmentItem) -> bool:
    return perms.is_self(user, item.employee) or perms.is_assessor(user, item.employee)


@bp.post("/pengembangan/kegiatan/<int:item_id>/hapus")
@login_required
def delete_item(item_id: int):
    return _item_step(item_id, _owner, lambda i, f: services.delete_item(current_user, i, now=utcnow(),
                                                                         version=f.version.data),
                      gettext("Kegiatan dihapus dari rencana."))


@bp.post("/pengembangan/kegiatan/<int:item_id>/mulai")
@login_required
def start_item(item_id: int):
    return _item_step(item_id, _owner, lambda i, f: services.start_item(current_user, i, now=utcnow(),
                                                                        version=f.version.data),
                      gettext("Kegiatan ditandai berjalan."))


def _files(name: str = "certificate") -> list:
    return [(f.filename, f.stream) for f in request.files.getlist(name) if f and f.filename]


@bp.post("/pengembangan/kegiatan/<int:item_id>/selesai")
@login_required
def complete_item(item_id: int):
    return _item_step(item_id, _owner, lambda i, f: services.complete_item(
        current_user, i, actual_jp=f.actual_jp.data, completed_on=f.completed_on.data, files=_files(),
        today=local_today(), now=utcnow(), version=f.version.data),
        gettext("Kegiatan selesai; JP Anda bertambah."), CompleteForm(), "complete_form")


@bp.post("/pengembangan/kegiatan/<int:item_id>/batal")
@login_required
def cancel_item(item_id: int):
    return _item_step(item_id, _owner_or_assessor, lambda i, f: services.cancel_item(
        current_user, i, f.note.data, now=utcnow(), version=f.version.data),
        gettext("Kegiatan dibatalkan."), CancelForm(), "cancel_form")


@bp.post("/pengembangan/kegiatan/<int:item_id>/bawa")
@login_required
def carry_item(item_id: int):
    return _item_step(item_id, _owner, lambda i, f: services.carry_item(
        current_user, i, today=local_today(), now=utcnow(), version=f.version.data),
        gettext("Kegiatan dibawa ke rencana tahun berikutnya."))


@bp.post("/pengembangan/kegiatan/<int:item_id>/sertifikat")
@login_required
def upload_certificate(item_id: int):
    def call(found, _form):
        files = _files()
        if not files:
            raise DomainError(gettext("Pilih berkas sertifikat."), field="certificate")
        for filename, stream in files:
            services.add_certificate(current_user, found, filename, stream, now=utcnow())

    return _item_step(item_id, _owner, call, gettext("Sertifikat diunggah."), CertificateForm(), "certificate_form")


@bp.get("/pengembangan/sertifikat/<int:certificate_id>")
@login_required
def certificate(certificate_id: int):
    """Served only to whoever may see the plan (404 to anyone else), as a download, never from static/."""
    found = perms.get_certificate_or_404(certificate_id, current_user)
    path = services.certificate_folder() / found.stored_name
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=found.content_type, as_attachment=True, download_name=found.original_name,
                         conditional=True, etag=found.sha256, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------------------
# The JP record


def _download(data: bytes, mimetype: str, name: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/pengembangan/pegawai/<int:employee_id>/jp.xlsx")
@login_required
def jp_xlsx(employee_id: int):
    person = perms.get_employee_or_403(employee_id, current_user)
    return _download(exports.jp_record_xlsx(person), exports.XLSX_TYPE, f"jp-{person.nip}.xlsx")


@bp.get("/pengembangan/pegawai/<int:employee_id>/jp.csv")
@login_required
def jp_csv(employee_id: int):
    person = perms.get_employee_or_403(employee_id, current_user)
    return _download(exports.jp_record_csv(person), "text/csv; charset=utf-8", f"jp-{person.nip}.csv")
