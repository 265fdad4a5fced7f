"""Sign-in, sign-out, password change, and the Admin BKPSDM account screens."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, make_response, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, or_, select
from wtforms.fields.choices import SelectChoice

import portal.auth.loader  # noqa: F401  (registers the user loader)
from portal.auth import navigation, services
from portal.auth.forms import BulkIssueForm, ChangePasswordForm, EmptyForm, LoginForm, RoleForm
from portal.auth.models import ROLES, User
from portal.core.errors import DomainError
from portal.core.htmx import invalid, redirect_to, render
from portal.core.ids import parse_id
from portal.core.pagination import Page, page_number
from portal.core.permissions import admin_required, reader_required
from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.org.models import Employee, Unit
from portal.org.rules import normalize_nip

bp = Blueprint("auth", __name__)
bp.record_once(navigation.register)  # the menu entries of this area

# Session keys holding the token of this admin's server-side file of initial passwords (bulk issue, one reset).
ISSUED_KEY = "issued_passwords"
RESET_KEY = "reset_password"
# Pages a user who must change the password may still open.
# Pages a signed-in user who still has to change the password may open: the change itself, signing out, the
# language, and the public pages anyone may open (document verification, the citizens' feedback form).
_OPEN_WHILE_MUST_CHANGE = {"auth.change_password", "auth.sign_out_other_devices", "auth.logout", "main.set_language",
                           "static", "evaluation.verify", "evaluation.verify_form", "citizen.public",
                           "citizen.public_post"}


def _safe_next(target: str | None) -> str | None:
    """Only a local path: '/x' but not '//host' or '/\\host' (browsers read both as another site)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and "\n" not in target:
        return target
    return None


def _store() -> services.IssuedPasswordStore:
    return services.IssuedPasswordStore(Path(current_app.instance_path) / "issued")


def _restart_session() -> None:
    """A fresh session on sign-in/out (no fixation), keeping only the language choice."""
    for key in (ISSUED_KEY, RESET_KEY):
        _store().delete(session.get(key))
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


@bp.before_app_request
def require_password_change():
    if request.endpoint == "static" or request.path.startswith("/static/"):
        return None
    # An account disabled (or whose employee left) after signing in is anonymous from the next request on:
    # UserMixin.is_authenticated follows is_active.
    if not current_user.is_authenticated:
        return None
    if current_user.must_change_password and request.endpoint not in _OPEN_WHILE_MUST_CHANGE:
        return redirect_to(url_for("auth.change_password"))
    return None


# ---------------------------------------------------------------------------------------------------------------
# Sign-in and sign-out


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")) or url_for("main.dashboard"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = _safe_next(request.args.get("next")) or ""
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render("auth/login.html", form=form, error=None, status=status)

    now = utcnow()
    if random.random() < 0.05:  # keep the table small without a scheduler
        services.prune_login_attempts(now)
    result = services.authenticate(
        form.identifier.data,
        form.password.data or "",
        address=request.remote_addr or "-",
        limits=services.ThrottleLimits.from_config(current_app.config),
        now=now,
    )
    if not result.ok:
        db.session.commit()  # keep the failed attempt (and a lockout audit row)
        status = 429 if result.throttle is not None else 200  # a wrong password is an answer, not an error
        response = render("auth/login.html", form=form, error=result.error, status=status)
        if result.throttle is not None:
            response.headers["Retry-After"] = str(math.ceil(result.throttle.retry_after.total_seconds()))
        return response

    user = result.user
    db.session.commit()
    _restart_session()
    login_user(user)
    session.permanent = True
    if user.must_change_password:
        flash(gettext("Ini masuk pertama Anda atau kata sandi Anda baru diatur ulang. Buat kata sandi baru."), "info")
        return redirect(url_for("auth.change_password"))
    return redirect(_safe_next(form.next.data) or url_for("main.dashboard"))


@bp.post("/keluar")
def logout():
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        # Clearing the cookie is not enough: a copy of it (another tab, a shared computer, a stolen cookie)
        # would stay valid until it expires.
        services.sign_out(db.session.get(User, current_user.id), now=utcnow())
        db.session.commit()
    logout_user()
    _restart_session()
    flash(gettext("Anda telah keluar."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        try:
            services.change_password(user, form.current_password.data, form.new_password.data, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "new_password").errors.append(error.message)
        else:
            db.session.commit()
            login_user(user)  # this session continues under the new session version; all others are over
            flash(gettext("Kata sandi berhasil diganti."), "success")
            return redirect_to(url_for("main.dashboard"))
    if form.errors:
        return invalid("auth/change_password.html", "auth/_change_password_form.html", form=form,
                       sessions_form=EmptyForm())
    return render("auth/change_password.html", "auth/_change_password_form.html", form=form,
                  sessions_form=EmptyForm())


@bp.post("/akun/keluar-perangkat-lain")
@login_required
def sign_out_other_devices():
    """Ends every other session of the account (another computer, a phone, a copied cookie); this one goes on."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = db.session.get(User, current_user.id)
    services.sign_out_other_devices(user, now=utcnow())
    db.session.commit()
    login_user(user)  # this session continues under the new session version
    flash(gettext("Anda telah keluar dari semua perangkat lain."), "success")
    return redirect_to(url_for("auth.change_password"))


# ---------------------------------------------------------------------------------------------------------------
# Account management (Admin BKPSDM; auditors read only)


@dataclass
class AccountRow:
    user: User | None
    employee: Employee | None
    unit_name: str | None


ACCOUNT_FILTERS = {"ada": "has", "belum": "none"}


def _account_query(q: str, role: str, has: str):
    """Every account plus every active employee without one (a full outer join), with the unit name."""
    stmt = (
        select(User, Employee, Unit.name)
        .select_from(Employee)
        .join(User, User.employee_id == Employee.id, full=True)
        .outerjoin(Unit, Unit.id == Employee.unit_id)
        .where(or_(User.id.is_not(None), Employee.active.is_(True)))
    )
    if q:
        needle = q.lower()
        conditions = [Employee.search_text.contains(needle, autoescape=True),
                      func.lower(User.username).contains(needle, autoescape=True)]
        digits = normalize_nip(q)
        if digits.isdigit() and digits != needle:
            conditions.append(Employee.search_text.contains(digits, autoescape=True))
        stmt = stmt.where(or_(*conditions))
    if role in ROLES:
        stmt = stmt.where(User.role == role)
    if has == "ada":
        stmt = stmt.where(User.id.is_not(None))
    elif has == "belum":
        stmt = stmt.where(User.id.is_(None))
    return stmt.order_by(func.coalesce(Employee.nama, User.username), Employee.id, User.id)


def _paginate_rows(stmt, per_page: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    number = min(page_number(), max(1, math.ceil(total / per_page)))
    rows = db.session.execute(stmt.limit(per_page).offset((number - 1) * per_page)).all()
    return Page(items=[AccountRow(u, e, n) for u, e, n in rows], number=number, per_page=per_page, total=total)


@bp.get("/admin/akun")
@reader_required
def accounts():
    q = request.args.get("q", "").strip()[:100]
    role = request.args.get("role", "")
    has = request.args.get("akun", "")
    page = _paginate_rows(_account_query(q, role, has), current_app.config["PAGE_SIZE"])
    return render("auth/accounts.html", "auth/_accounts_results.html", page=page, q=q, role=role, has=has,
                  roles=ROLES, can_manage=current_user.is_admin, action_form=EmptyForm())


def _get_user_or_404(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    return user


def _account_page(user: User, role_form: RoleForm | None = None, status: int = 200):
    role_form = role_form or RoleForm(role=user.role)
    return render("auth/account_detail.html", account=user, role_form=role_form, action_form=EmptyForm(),
                  can_manage=current_user.is_admin, status=status)


@bp.get("/admin/akun/<int:user_id>")
@reader_required
def account_detail(user_id: int):
    return _account_page(_get_user_or_404(user_id))


@bp.post("/admin/akun/<int:user_id>/peran")
@admin_required
def account_role(user_id: int):
    user = _get_user_or_404(user_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            services.set_role(user, form.role.data, actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            form.role.errors.append(error.message)
        else:
            db.session.commit()
            flash(gettext("Peran akun disimpan."), "success")
            return redirect_to(url_for("auth.account_detail", user_id=user.id))
    return _account_page(user, form, status=422)


def _set_enabled(user_id: int, enabled: bool):
    user = _get_user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.set_enabled(user, enabled, actor=current_user, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _account_page(user, status=422)
    db.session.commit()
    flash(gettext("Akun diaktifkan.") if enabled else gettext("Akun dinonaktifkan."), "success")
    return redirect_to(url_for("auth.account_detail", user_id=user.id))


@bp.post("/admin/akun/<int:user_id>/nonaktifkan")
@admin_required
def account_disable(user_id: int):
    return _set_enabled(user_id, False)


@bp.post("/admin/akun/<int:user_id>/aktifkan")
@admin_required
def account_enable(user_id: int):
    return _set_enabled(user_id, True)


@bp.post("/admin/akun/<int:user_id>/keluarkan")
@admin_required
def account_sign_out(user_id: int):
    """Sign the account out on every device; the owner signs in again with the same password."""
    user = _get_user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.sign_out_everywhere(user, actor=current_user, now=utcnow())
    db.session.commit()
    flash(gettext("Akun %(u)s telah dikeluarkan dari semua perangkat.", u=user.username), "success")
    return redirect_to(url_for("auth.account_detail", user_id=user.id))


def _keep_issued(accounts: list[services.IssuedAccount], scope: str, key: str = ISSUED_KEY) -> None:
    store = _store()
    store.delete(session.get(key))
    session[key] = store.save(accounts, scope)


@bp.post("/admin/akun/<int:user_id>/atur-ulang-sandi")
@admin_required
def account_reset_password(user_id: int):
    user = _get_user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    password = services.reset_password(user, actor=current_user, now=utcnow())
    db.session.commit()
    employee = user.employee
    _keep_issued(
        [services.IssuedAccount(user_id=user.id, name=user.display_name, nip=employee.nip if employee else "",
                                unit=employee.unit.name if employee else "", username=user.username,
                                password=password)],
        "reset",
        RESET_KEY,
    )
    return redirect_to(url_for("auth.initial_password", user_id=user.id))


@bp.get("/admin/akun/<int:user_id>/kata-sandi-awal")
@admin_required
def initial_password(user_id: int):
    """Shows a reset password once: the server-side copy is deleted as the page is rendered."""
    user = _get_user_or_404(user_id)
    store = _store()
    token = session.pop(RESET_KEY, None)
    loaded = store.load(token)
    store.delete(token)
    account = None
    if loaded and loaded[0] == "reset" and loaded[1][0].user_id == user.id:
        account = loaded[1][0]
    return render("auth/initial_password.html", account=account, user=user)


def _scope_choices() -> list[SelectChoice]:
    units = db.session.execute(select(Unit.id, Unit.name, Unit.path, Unit.depth).where(Unit.active.is_(True))).all()
    names = {uid: name.lower() for uid, name, _path, _depth in units}

    def tree_order(row) -> tuple:  # parents before children, siblings by name
        return tuple((names.get(int(part), ""), int(part)) for part in row.path.strip("/").split("/") if part)

    choices = [SelectChoice("all", gettext("Semua pegawai yang belum punya akun"))]
    choices += [SelectChoice(str(r.id), "— " * r.depth + r.name) for r in sorted(units, key=tree_order)]
    return choices


@bp.route("/admin/akun/terbitkan", methods=["GET", "POST"])
@reader_required
def bulk_issue():
    if request.method == "POST" and not current_user.is_admin:
        abort(403)
    form = BulkIssueForm()
    form.scope.choices = _scope_choices()
    limit = current_app.config.get("BULK_ISSUE_MAX", services.BULK_ISSUE_MAX)
    context = {"form": form, "limit": limit, "can_manage": current_user.is_admin,
               "without_account": services.count_employees_without_account()}
    if not form.validate_on_submit():
        return render("auth/bulk_issue.html", status=422 if form.errors else 200, **context)
    unit = None
    if form.scope.data != "all":
        unit = db.session.get(Unit, parse_id(form.scope.data))  # one of the offered choices (validated)
        if unit is None:
            abort(404)
    scope = unit.name if unit else gettext("semua unit kerja")
    try:
        issued = services.issue_accounts_in_scope(unit, actor=current_user, now=utcnow(), scope=scope, limit=limit)
    except DomainError as error:
        db.session.rollback()
        form.scope.errors.append(error.message)
        return render("auth/bulk_issue.html", status=422, **context)
    db.session.commit()
    _keep_issued(issued, scope)
    flash(gettext("%(n)s akun diterbitkan. Cetak slip atau unduh CSV sekarang: kata sandi awal hanya tersedia "
                  "sampai Anda menghapusnya dari server.", n=len(issued)), "success")
    return redirect_to(url_for("auth.issued_slips"))


@bp.post("/admin/akun/pegawai/<int:employee_id>/terbitkan")
@admin_required
def issue_one(employee_id: int):
    """One account for one employee (e.g. a newcomer), with the same slip as the bulk issue."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    employee = db.get_or_404(Employee, employee_id)
    if not employee.active:
        flash(gettext("Pegawai nonaktif tidak dapat diberi akun."), "error")
        return redirect_to(url_for("auth.accounts"))
    if db.session.scalar(select(User.id).where(User.employee_id == employee.id)) is not None:
        flash(gettext("Pegawai ini sudah punya akun."), "error")
        return redirect_to(url_for("auth.accounts"))
    try:
        issued = services.issue_accounts([employee], actor=current_user, now=utcnow(), scope=employee.full_name)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect_to(url_for("auth.accounts"))
    db.session.commit()
    _keep_issued(issued, employee.full_name)
    flash(gettext("Akun untuk %(name)s diterbitkan.", name=employee.full_name), "success")
    return redirect_to(url_for("auth.issued_slips"))


def _issued_or_none():
    loaded = _store().load(session.get(ISSUED_KEY))
    if loaded is None or loaded[0] == "reset":
        return None
    return loaded


@bp.get("/admin/akun/terbitkan/slip")
@admin_required
def issued_slips():
    loaded = _issued_or_none()
    scope, accounts = loaded if loaded else ("", [])
    return render("auth/slips.html", scope=scope, accounts=accounts, form=EmptyForm())


@bp.get("/admin/akun/terbitkan/slip.csv")
@admin_required
def issued_csv():
    loaded = _issued_or_none()
    if loaded is None:
        flash(gettext("Tidak ada kata sandi awal yang tersimpan. Terbitkan akun atau atur ulang kata sandi."), "info")
        return redirect(url_for("auth.bulk_issue"))
    # A byte-order mark lets Excel open the UTF-8 file with the right characters.
    response = make_response("\ufeff" + services.issued_csv(loaded[1]))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="akun-pegawai-baru.csv"'
    return response


@bp.post("/admin/akun/terbitkan/hapus")
@admin_required
def issued_clear():
    if not EmptyForm().validate_on_submit():
        abort(400)
    _store().delete(session.pop(ISSUED_KEY, None))
    flash(gettext("Kata sandi awal telah dihapus dari server."), "success")
    return redirect_to(url_for("auth.accounts"))
