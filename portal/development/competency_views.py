"""Competency pages: an employee's levels in a year (the self-assessment, then the assessor's rating and the gap),
the dictionary and the activity types (Admin BKPSDM edits, the auditor reads), and the standard of each position
(Admin BKPSDM and the unit heads; copied to every position of the same name)."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from portal.core.errors import ConflictError, DomainError
from portal.core.htmx import invalid, redirect_to, render
from portal.core.pagination import Page, page_number
from portal.core.timeutil import local_today, utcnow
from portal.development import common, competencies, rules
from portal.development import permissions as perms
from portal.development.blueprint import bp
from portal.development.forms import ActivityTypeForm, CompetencyForm, EmptyForm
from portal.development.models import ActivityType, Competency, CompetencyAssessment, CompetencyStandard
from portal.extensions import db
from portal.org import permissions as org_perms
from portal.org.models import Position, Unit

ASSESSMENT = ("development/assessment.html", "development/_assessment.html")


# ---------------------------------------------------------------------------------------------------------
# An employee's competency levels


def _assessment_context(employee, year: int, *, posted: dict | None = None, errors: dict | None = None,
                        problem: str | None = None) -> dict:
    assessment = competencies.find_assessment(employee, year)
    scope = competencies.scope(employee, assessment)
    user, today = current_user, local_today()
    year_open = competencies.assessment_year_open(year, today)
    final = assessment is not None and assessment.status == rules.ASSESSMENT_FINAL
    self_editable = (perms.can_self_assess(user, employee) and year_open and not final
                     and (assessment is None or assessment.self_submitted_at is None))
    rate_editable = perms.can_rate(user, employee) and year_open and not final
    ratings = {r.competency_id: r for r in (assessment.ratings if assessment else [])}
    field = "self_level" if self_editable else "assessed_level"
    values = {c.id: getattr(ratings.get(c.id), field, None) for c in scope}
    if posted is not None:
        values.update(posted)
    return dict(employee=employee, year=year, assessment=assessment, scope=scope,
                gaps={row["competency"].id: row for row in competencies.gap_rows(employee, assessment, user)},
                self_editable=self_editable, rate_editable=rate_editable, values=values, errors=errors or {},
                problem=problem, levels=rules.LEVELS, button=EmptyForm(formdata=None),
                standard_missing=not competencies.standard_levels(employee.position_id),
                can_reopen=final and year_open and (perms.can_rate(user, employee) or user.is_admin),
                page_url=(url_for("development.mine", tahun=year) if perms.is_self(user, employee)
                          else url_for("development.employee", employee_id=employee.id, tahun=year)))


@bp.route("/pengembangan/kompetensi/<int:employee_id>/<int:year>", methods=["GET", "POST"])
@login_required
def assessment(employee_id: int, year: int):
    employee = perms.get_employee_or_403(employee_id, current_user)
    year = common.year_or_404(year)
    common.seed_lists()
    if request.method == "GET":
        return render(*ASSESSMENT, **_assessment_context(employee, year))
    action = request.form.get("action", "simpan")
    own = perms.can_self_assess(current_user, employee)
    if not (own or perms.can_rate(current_user, employee)) or (own and action == "finalkan") or \
            (not own and action == "kirim"):
        abort(403)
    form = EmptyForm()
    if not form.validate():
        abort(400)
    scope_ids = [c.id for c in competencies.scope(employee, competencies.find_assessment(employee, year))]
    posted = {}
    try:
        posted = common.parse_levels(request.form, scope_ids)
        if own:
            competencies.save_self_assessment(current_user, employee, year, posted, today=local_today(),
                                              now=utcnow(), version=form.version.data, submit=action == "kirim")
        else:
            competencies.save_assessment(current_user, employee, year, posted, today=local_today(), now=utcnow(),
                                         version=form.version.data, finalise=action == "finalkan")
    except DomainError as error:
        db.session.rollback()
        status = 409 if isinstance(error, ConflictError) else 422
        errors = {error.field: error.message} if error.field else {}
        context = _assessment_context(employee, year, posted=posted if status == 422 else None, errors=errors,
                                      problem=None if errors else error.message)
        if status == 422:
            return invalid(*ASSESSMENT, **context)
        return render(*ASSESSMENT, status=status, **context)
    db.session.commit()
    messages = {"kirim": gettext("Penilaian diri dikirim kepada Pejabat Penilai Kinerja."),
                "finalkan": gettext("Penilaian kompetensi difinalkan; tabel kesenjangan diperbarui.")}
    flash(messages.get(action, gettext("Draf penilaian kompetensi disimpan.")), "success")
    return redirect_to(url_for("development.assessment", employee_id=employee.id, year=year))


@bp.post("/pengembangan/penilaian/<int:assessment_id>/buka-kembali")
@login_required
def reopen_assessment(assessment_id: int):
    found = db.session.get(CompetencyAssessment, assessment_id)
    if found is None or not perms.can_view(current_user, found.employee):
        abort(404)
    if not (perms.can_rate(current_user, found.employee) or current_user.is_admin):
        abort(403)
    form = EmptyForm()
    if not form.validate():
        abort(400)
    employee, year = found.employee, found.year
    try:
        competencies.reopen_assessment(current_user, found, today=local_today(), now=utcnow(),
                                       version=form.version.data)
    except DomainError as error:
        db.session.rollback()
        return render(*ASSESSMENT, status=409 if isinstance(error, ConflictError) else 422,
                      **_assessment_context(employee, year, problem=error.message))
    db.session.commit()
    flash(gettext("Penilaian kompetensi dibuka kembali untuk diperbaiki."), "success")
    return redirect_to(url_for("development.assessment", employee_id=employee.id, year=year))


# ---------------------------------------------------------------------------------------------------------
# The dictionary


def _readers_only() -> None:
    if not current_user.can_read_all:
        abort(403)


def _admin_only() -> None:
    if not current_user.is_admin:
        abort(403)


def _dictionary_context(form=None) -> dict:
    return dict(competencies_=competencies.dictionary(include_inactive=True), kinds=rules.COMPETENCY_KINDS,
                form=form or CompetencyForm(formdata=None), levels=rules.LEVELS)


@bp.get("/pengembangan/kamus")
@login_required
def dictionary():
    _readers_only()
    common.seed_lists()
    return render("development/dictionary.html", None, **_dictionary_context())


@bp.post("/pengembangan/kamus/baru")
@login_required
def add_competency():
    _admin_only()
    form = CompetencyForm()
    if not form.validate():
        return invalid("development/dictionary.html", None, **_dictionary_context(form))
    try:
        competency = competencies.add_competency(current_user, name=form.name.data, description=form.description.data,
                                                 descriptors=form.descriptors())
    except DomainError as error:
        db.session.rollback()
        target = getattr(form, error.field, None) if error.field else None
        (target.errors.append if target is not None else form.form_errors.append)(error.message)
        return invalid("development/dictionary.html", None, **_dictionary_context(form))
    db.session.commit()
    flash(gettext("Kompetensi teknis %(name)s ditambahkan.", name=competency.name), "success")
    return redirect_to(url_for("development.dictionary"))


@bp.route("/pengembangan/kamus/<int:competency_id>", methods=["GET", "POST"])
@login_required
def competency(competency_id: int):
    _readers_only()
    found = db.get_or_404(Competency, competency_id)
    if request.method == "GET":
        form = CompetencyForm(formdata=None, obj=found)
        for level, text in zip(rules.LEVELS, found.descriptors or [], strict=False):
            getattr(form, f"level_{level}").data = text
        form.version.data = found.version_id
        return render("development/competency.html", None, competency=found, form=form)
    _admin_only()
    form = CompetencyForm()
    if form.validate():
        try:
            competencies.update_competency(current_user, found, name=form.name.data, description=form.description.data,
                                           descriptors=form.descriptors(), active=form.active.data,
                                           version=form.version.data)
        except DomainError as error:
            db.session.rollback()
            target = getattr(form, error.field, None) if error.field else None
            (target.errors.append if target is not None else form.form_errors.append)(error.message)
            status = 409 if isinstance(error, ConflictError) else 422
            return render("development/competency.html", None, status=status,
                          competency=db.session.get(Competency, competency_id), form=form)
        db.session.commit()
        flash(gettext("Kompetensi %(name)s disimpan.", name=found.name), "success")
        return redirect_to(url_for("development.dictionary"))
    return invalid("development/competency.html", None, competency=found, form=form)


# ---------------------------------------------------------------------------------------------------------
# Activity types


def _types_context(new_form=None, edited: tuple[int, ActivityTypeForm] | None = None) -> dict:
    kinds = competencies.activity_types(include_inactive=True)
    forms = {}
    for kind in kinds:
        if edited is not None and edited[0] == kind.id:
            forms[kind.id] = edited[1]
        else:
            forms[kind.id] = ActivityTypeForm(formdata=None, obj=kind, prefix=f"t{kind.id}")
    return dict(kinds=kinds, forms=forms, new_form=new_form or ActivityTypeForm(formdata=None, prefix="baru"))


@bp.get("/pengembangan/jenis-kegiatan")
@login_required
def activity_types():
    _readers_only()
    common.seed_lists()
    return render("development/activity_types.html", None, **_types_context())


def _type_error(form, error: DomainError) -> None:
    target = getattr(form, error.field, None) if error.field else None
    (target.errors.append if target is not None else form.form_errors.append)(error.message)


@bp.post("/pengembangan/jenis-kegiatan/baru")
@login_required
def add_activity_type():
    _admin_only()
    form = ActivityTypeForm(prefix="baru")
    if form.validate():
        try:
            competencies.add_activity_type(current_user, name=form.name.data, mode=form.mode.data,
                                           jp_per_day=form.jp_per_day.data)
        except DomainError as error:
            db.session.rollback()
            _type_error(form, error)
        else:
            db.session.commit()
            flash(gettext("Jenis kegiatan %(name)s ditambahkan.", name=form.name.data), "success")
            return redirect_to(url_for("development.activity_types"))
    return invalid("development/activity_types.html", None, **_types_context(new_form=form))


@bp.post("/pengembangan/jenis-kegiatan/<int:type_id>")
@login_required
def update_activity_type(type_id: int):
    _admin_only()
    kind = db.get_or_404(ActivityType, type_id)
    form = ActivityTypeForm(prefix=f"t{kind.id}")
    if form.validate():
        try:
            competencies.update_activity_type(current_user, kind, name=form.name.data, mode=form.mode.data,
                                              jp_per_day=form.jp_per_day.data, active=form.active.data)
        except DomainError as error:
            db.session.rollback()
            _type_error(form, error)
        else:
            db.session.commit()
            flash(gettext("Jenis kegiatan %(name)s disimpan.", name=kind.name), "success")
            return redirect_to(url_for("development.activity_types"))
    return invalid("development/activity_types.html", None, **_types_context(edited=(type_id, form)))


# ---------------------------------------------------------------------------------------------------------
# Standards per position


@bp.get("/pengembangan/standar")
@login_required
def standards():
    if not perms.reads_units(current_user):
        abort(403)
    q = " ".join(request.args.get("q", "").split())[:100]
    counted = (select(CompetencyStandard.position_id, func.count(CompetencyStandard.id).label("n"))
               .group_by(CompetencyStandard.position_id).subquery())
    stmt = (select(Position, func.coalesce(counted.c.n, 0)).join(Unit, Unit.id == Position.unit_id)
            .outerjoin(counted, counted.c.position_id == Position.id)
            .where(Position.active.is_(True)).options(joinedload(Position.unit))
            .order_by(Position.name, Unit.path, Position.id))
    if not current_user.can_read_all:
        stmt = stmt.where(or_(*(Unit.path.startswith(u.path) for u in org_perms.headed_units(current_user))))
    if q:
        stmt = stmt.where(func.lower(Position.name).contains(q.lower(), autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    per_page = 25
    number = min(page_number(), max(1, -(-total // per_page)))
    rows = db.session.execute(stmt.limit(per_page).offset((number - 1) * per_page)).all()
    page = Page(items=rows, number=number, per_page=per_page, total=total)
    return render("development/standards.html", "development/_standards.html", page=page, q=q)


def _standard_context(position: Position, posted=None, errors=None, problem=None) -> dict:
    levels = competencies.standard_levels(position.id)
    if posted is not None:
        levels = {k: v for k, v in posted.items() if v is not None}
    return dict(position=position, dictionary=competencies.dictionary(include_inactive=False), levels=levels,
                errors=errors or {}, problem=problem, button=EmptyForm(formdata=None),
                can_edit=perms.can_edit_standard(current_user, position),
                same_name=competencies.same_name_positions(current_user, position)
                if perms.can_edit_standard(current_user, position) else [])


@bp.route("/pengembangan/standar/<int:position_id>", methods=["GET", "POST"])
@login_required
def standard(position_id: int):
    position = db.get_or_404(Position, position_id)
    if not perms.can_view_standard(current_user, position):
        abort(403)
    common.seed_lists()
    if request.method == "GET":
        return render("development/standard.html", None, **_standard_context(position))
    if not perms.can_edit_standard(current_user, position):
        abort(403)
    if not EmptyForm().validate():
        abort(400)
    ids = [c.id for c in competencies.dictionary(include_inactive=False)]
    posted = None
    try:
        posted = common.parse_levels(request.form, ids)
        competencies.save_standard(current_user, position, posted)
    except DomainError as error:
        db.session.rollback()
        return invalid("development/standard.html", None, **_standard_context(
            position, posted, {error.field: error.message} if error.field else {},
            None if error.field else error.message))
    db.session.commit()
    flash(gettext("Standar kompetensi jabatan disimpan."), "success")
    return redirect_to(url_for("development.standard", position_id=position.id))


@bp.post("/pengembangan/standar/<int:position_id>/salin")
@login_required
def copy_standard(position_id: int):
    position = db.get_or_404(Position, position_id)
    if not perms.can_edit_standard(current_user, position):
        abort(403)
    if not EmptyForm().validate():
        abort(400)
    try:
        count = competencies.copy_standard(current_user, position)
    except DomainError as error:
        db.session.rollback()
        return render("development/standard.html", None, status=422,
                      **_standard_context(position, problem=error.message))
    db.session.commit()
    flash(gettext("Standar disalin ke %(n)s jabatan bernama sama.", n=count), "success")
    return redirect_to(url_for("development.standard", position_id=position.id))
