"""Suara Masyarakat: the public page of a unit's service counter (no sign-in: /suara/<code>), its printable QR
poster, and - for BKPSDM and the unit's head - the pages, the moderation of comments and the satisfaction over time.

The public page refuses floods (per client address and per page, counted in the database), bad input (a field
error, 422) and scripts (a honeypot field, and a signed token that says when the form was served: a post sooner than
a person can fill it in is refused, an old one asks to send again). Comments are shown as text wherever they appear.
"""

from __future__ import annotations

import datetime as dt
import math
import time

from flask import Blueprint, abort, current_app, flash, make_response, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import or_, select

from portal.citizen import navigation, rules, services
from portal.citizen.forms import RATING_LABELS, EmptyForm, NewPointForm, PointForm, PublicForm
from portal.citizen.models import CitizenFeedback, ServicePoint
from portal.core.errors import ConflictError, DomainError
from portal.core.htmx import invalid, redirect_to, render
from portal.core.pagination import page_number
from portal.core.timeutil import local_today, utcnow
from portal.extensions import db
from portal.monitoring import charts
from portal.org import permissions as org_perms
from portal.org.models import Unit

bp = Blueprint("citizen", __name__)
bp.record_once(navigation.register)

MONTH_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


# ---------------------------------------------------------------------------------------------------------
# The public page (no sign-in)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="suara-masyarakat")


def form_token(point: ServicePoint, issued_at: float | None = None) -> str:
    """Signed: which page, and when the form was served (the post must come at least a few seconds later)."""
    return _serializer().dumps({"p": point.id, "t": round(issued_at if issued_at is not None else time.time(), 3)})


def _token_problem(token: str | None, point: ServicePoint) -> str | None:
    try:
        data = _serializer().loads(token or "")
    except BadSignature:
        return "expired"
    if not isinstance(data, dict) or data.get("p") != point.id or not isinstance(data.get("t"), int | float):
        return "expired"
    return rules.form_age_ok(float(data["t"]), time.time())


def _public_form(point: ServicePoint, formdata=None) -> PublicForm:
    form = PublicForm(formdata=formdata)
    form.service_type.choices = [("", gettext("— Pilih (tidak wajib) —"))] + [(t, t) for t in point.service_types or []]
    form.token.data = form_token(point)
    return form


def _public_or_404(code: str) -> ServicePoint:
    point = services.find_public(code)
    if point is None:
        abort(404)
    return point


@bp.get("/suara/<code>")
def public(code: str):
    point = _public_or_404(code)
    return render_template("citizen/public.html", point=point, form=_public_form(point))


@bp.post("/suara/<code>")
def public_post(code: str):
    """The citizen's post. The form's own checks are the service's (portal.citizen.rules); WTForms only renders it
    (CSRF is checked for every POST by the app)."""
    point = _public_or_404(code)
    posted = request.form
    if (posted.get("website") or "").strip():  # the honeypot: answered like a success, nothing stored
        return redirect_to(url_for("citizen.thanks", code=point.code))
    fresh = _public_form(point, posted)
    problem = _token_problem(posted.get("token"), point)
    if problem is not None:
        message = (gettext("Mohon tunggu sebentar, periksa isian Anda, lalu kirim lagi.") if problem == "too_fast"
                   else gettext("Formulir sudah terlalu lama terbuka. Periksa isian Anda lalu kirim lagi."))
        fresh.form_errors.append(message)
        return render_template("citizen/public.html", point=point, form=fresh), 422
    try:
        services.submit(point, rating=posted.get("rating"), service_type=posted.get("service_type"),
                        comment=posted.get("comment"), address=request.remote_addr,
                        secret=current_app.config["SECRET_KEY"],
                        limits=services.Limits.from_config(current_app.config), now=utcnow())
    except services.TooMany as error:
        db.session.rollback()
        response = make_response(render_template("citizen/public.html", point=point, form=fresh,
                                                 throttled=error.message,
                                                 minutes=max(1, math.ceil(error.wait.total_seconds() / 60))), 429)
        response.headers["Retry-After"] = str(math.ceil(error.wait.total_seconds()))
        return response
    except DomainError as error:
        db.session.rollback()
        target = getattr(fresh, error.field or "", None)
        if target is not None:
            target.errors = [error.message]
        else:
            fresh.form_errors.append(error.message)
        return render_template("citizen/public.html", point=point, form=fresh), 422
    db.session.commit()
    return redirect_to(url_for("citizen.thanks", code=point.code))


@bp.get("/suara/<code>/terima-kasih")
def thanks(code: str):
    point = _public_or_404(code)
    return render_template("citizen/thanks.html", point=point)


# ---------------------------------------------------------------------------------------------------------
# The pages of the units (BKPSDM, heads of unit, the auditor)


def _require_open() -> None:
    if not services.can_open(current_user):
        abort(403)


def _manageable_units() -> list[Unit]:
    """Units the user may publish a page for, without one yet (parents first)."""
    taken = select(ServicePoint.unit_id)
    stmt = select(Unit).where(Unit.active.is_(True), Unit.id.not_in(taken)).order_by(Unit.path)
    if not current_user.is_admin:
        paths = [h.path for h in org_perms.headed_units(current_user)]
        if not paths:
            return []
        stmt = stmt.where(or_(*(Unit.path.startswith(p) for p in paths)))
    return list(db.session.scalars(stmt))


def _index_context(form: NewPointForm | None = None) -> dict:
    points = services.points_for(current_user)
    units = _manageable_units()
    if form is None:
        form = NewPointForm(formdata=None, data={"active": True})
    form.unit.choices = [("", gettext("— Pilih unit —"))] + [(u.id, "· " * u.depth + u.name) for u in units]
    since = utcnow() - dt.timedelta(days=30)
    return {"points": points, "stats": services.stats_for(points, since), "form": form, "units": units}


@bp.get("/suara-masyarakat")
@login_required
def index():
    _require_open()
    return render("citizen/index.html", None, **_index_context())


@bp.post("/suara-masyarakat/baru")
@login_required
def create():
    _require_open()
    form = NewPointForm()
    context = _index_context(form)
    if not form.validate() or form.unit.data is None:
        if form.unit.data is None and not form.unit.errors:
            form.unit.errors = [gettext("Pilih unit kerja.")]
        return invalid("citizen/index.html", None, **context)
    unit = db.session.get(Unit, form.unit.data)
    if unit is None or unit not in context["units"]:
        form.unit.errors = [gettext("Pilih unit kerja dari daftar.")]
        return invalid("citizen/index.html", None, **context)
    try:
        point = services.create_point(current_user, unit, form.title.data, form.service_types.data)
    except DomainError as error:
        db.session.rollback()
        getattr(form, error.field or "unit").errors = [error.message]
        return invalid("citizen/index.html", None, **context)
    db.session.commit()
    flash(gettext("Halaman Suara Masyarakat diterbitkan. Cetak posternya untuk loket layanan."), "success")
    return redirect_to(url_for("citizen.point", point_id=point.id))


def _point_or_404(point_id: int) -> ServicePoint:
    point = db.session.scalar(select(ServicePoint).where(ServicePoint.id == point_id))
    if point is None or not services.can_read(current_user, point.unit):
        abort(404)
    return point


def _public_url(point: ServicePoint) -> str:
    base = current_app.config.get("PORTAL_BASE_URL") or ""
    path = url_for("citizen.public", code=point.code)
    return base.rstrip("/") + path if base else url_for("citizen.public", code=point.code, _external=True)


def _chart(point: ServicePoint, months: list[rules.Month]) -> str:
    return charts.column_chart(
        f"satisfaction-{point.id}", gettext("Kepuasan layanan per bulan: %(unit)s", unit=point.unit.name),
        gettext("Rata-rata penilaian masyarakat (1-5) per bulan, dua belas bulan terakhir, dengan jumlah penilaian "
                "di bawah sumbu. Angka yang sama ada di tabel."),
        [charts.Point(MONTH_SHORT[m.month - 1], m.mean, str(m.count) if m.count else "") for m in months],
        maximum=5)


def _point_context(point: ServicePoint, form: PointForm | None = None) -> dict:
    today = local_today()
    months = services.monthly([point.id], today)
    moderate = services.can_moderate(current_user, point.unit)
    if form is None:
        form = PointForm(formdata=None, data={"title": point.title, "active": point.active,
                                              "service_types": "\n".join(point.service_types or []),
                                              "version": point.version_id})
    return {
        "point": point, "months": months, "year": rules.overall(months), "chart": _chart(point, months),
        "breakdown": services.service_breakdown(point, utcnow() - dt.timedelta(days=365)),
        "can_manage": services.can_manage(current_user, point.unit), "can_moderate": moderate,
        "pending": services.pending_page(point, page_number("antre")) if moderate else None,
        "pending_count": services.stats_for([point], utcnow()).get(point.id).pending,
        "published": services.published_page(point, page_number("terbit")),
        "form": form, "button": EmptyForm(), "public_url": _public_url(point), "rating_labels": RATING_LABELS,
    }


@bp.get("/suara-masyarakat/<int:point_id>")
@login_required
def point(point_id: int):
    point = _point_or_404(point_id)
    return render("citizen/point.html", None, **_point_context(point))


@bp.post("/suara-masyarakat/<int:point_id>")
@login_required
def update(point_id: int):
    point = _point_or_404(point_id)
    if not services.can_manage(current_user, point.unit):
        abort(403)
    form = PointForm()
    if not form.validate():
        return invalid("citizen/point.html", None, **_point_context(point, form))
    try:
        services.update_point(current_user, point, title=form.title.data, service_types=form.service_types.data,
                              active=form.active.data, version=form.version.data)
    except DomainError as error:
        db.session.rollback()
        (getattr(form, error.field).errors.append if error.field else form.form_errors.append)(error.message)
        status = 409 if isinstance(error, ConflictError) else 422
        return render("citizen/point.html", None, status=status, **_point_context(point, form))
    db.session.commit()
    flash(gettext("Halaman Suara Masyarakat disimpan."), "success")
    return redirect_to(url_for("citizen.point", point_id=point.id))


@bp.get("/suara-masyarakat/<int:point_id>/poster")
@login_required
def poster(point_id: int):
    point = _point_or_404(point_id)
    if not services.can_manage(current_user, point.unit):
        abort(403)
    import segno

    url = _public_url(point)
    qr = segno.make(url, error="q").svg_data_uri(scale=10, border=2)
    return render_template("citizen/poster.html", point=point, url=url, qr=qr)


def _moderate(feedback_id: int, publish: bool):
    feedback = db.session.get(CitizenFeedback, feedback_id)
    if feedback is None or not services.can_moderate(current_user, feedback.service_point.unit):
        abort(404)  # nobody else may even learn that a comment waits
    point = feedback.service_point
    try:
        services.moderate(current_user, feedback, publish, now=utcnow())
    except ConflictError as error:
        db.session.rollback()
        flash(error.message, "error")
        return render("citizen/point.html", None, status=409, **_point_context(point))
    db.session.commit()
    flash(gettext("Komentar diterbitkan.") if publish else gettext("Komentar ditolak."), "success")
    return redirect_to(url_for("citizen.point", point_id=point.id))


@bp.post("/suara-masyarakat/komentar/<int:feedback_id>/terbitkan")
@login_required
def publish(feedback_id: int):
    return _moderate(feedback_id, True)


@bp.post("/suara-masyarakat/komentar/<int:feedback_id>/tolak")
@login_required
def reject(feedback_id: int):
    return _moderate(feedback_id, False)
