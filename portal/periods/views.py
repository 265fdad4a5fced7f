"""Periods screens: performance years and their phases (/periode), reopenings, the holiday calendar (/kalender),
and the deadline filter ``hari_kerja_lagi`` used on every page that shows a deadline."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, g, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from portal.core.errors import DomainError, StaleVersionError
from portal.core.htmx import invalid, is_fragment_request, redirect_to, render
from portal.core.pagination import paginate
from portal.core.permissions import admin_required, reader_required
from portal.core.timeutil import local_today
from portal.extensions import db
from portal.org import services as org_services
from portal.org.models import Unit
from portal.periods import navigation, rules, services
from portal.periods.forms import EmptyForm, HolidayForm, PeriodForm, PhaseForm, ReopenForm
from portal.periods.models import Holiday, Period, PeriodPhase, PhaseReopening

bp = Blueprint("periods", __name__)
bp.record_once(navigation.register)  # the menu entries of this area

INDENT = "\u2003"


def can_manage_periods(user) -> bool:
    """Periods, phases, reopenings and holidays: Admin BKPSDM only (auditors read)."""
    return user.is_authenticated and user.is_admin


def _apply_domain_error(form, error: DomainError, field_map: dict | None = None) -> None:
    name = (field_map or {}).get(error.field, error.field)
    if name and name in form:
        form[name].errors = [*form[name].errors, error.message]
    else:
        flash(error.message, "error")


# ---------------------------------------------------------------------------------------------------------
# Template helpers: the deadline filter, labels, the employee's move history


def request_holidays(today: dt.date) -> frozenset[dt.date]:
    """The holidays around ``today``, loaded once per request (a page may show many deadlines)."""
    cache = g.setdefault("_periods_holidays", {})
    if today.year not in cache:
        cache[today.year] = services.holidays_around(today)
    return cache[today.year]


def deadline_text(deadline: dt.date, today: dt.date, holidays) -> str:
    if deadline < today:
        late = rules.working_days_between(deadline, today, holidays)
        return gettext("sudah lewat %(n)s hari kerja", n=late) if late else gettext("sudah lewat")
    if deadline == today:
        return gettext("hari ini batas akhir")
    left = rules.working_days_left(today, deadline, holidays)
    if left == 0:
        return gettext("tidak ada hari kerja lagi")
    return gettext("%(n)s hari kerja lagi", n=left)


@bp.app_template_filter("hari_kerja_lagi")
def hari_kerja_lagi(deadline) -> str:
    """'n hari kerja lagi' / 'hari ini batas akhir' / 'sudah lewat' for a deadline, counted from today
    (Asia/Jakarta) with weekends, national holidays and cuti bersama."""
    if deadline is None:
        return ""
    if isinstance(deadline, dt.datetime):
        deadline = deadline.date()
    today = local_today()
    return deadline_text(deadline, today, request_holidays(today))


@bp.app_template_global("phase_label")
def phase_label_global(phase: PeriodPhase) -> str:
    return services.phase_label(phase)


@bp.app_template_global("sub_period_label")
def sub_period_label_global(frequency: str, seq: int) -> str:
    return services.sub_period_label(frequency, seq)


@bp.app_template_global("employee_moves")
def employee_moves_global(employee) -> list:
    return org_services.employee_moves(employee)


# ---------------------------------------------------------------------------------------------------------
# Periods


def _period_list_context(form: PeriodForm | None) -> dict:
    page = paginate(select(Period).order_by(Period.year.desc()), per_page=25)
    return {"page": page, "form": form, "can_manage": can_manage_periods(current_user),
            "frequency_names": services.FREQUENCY_NAMES}


@bp.route("/periode", methods=["GET", "POST"])
@reader_required
def index():
    manage = can_manage_periods(current_user)
    if request.method == "POST":
        if not manage:
            abort(403)
        form = PeriodForm()
        if form.validate():
            try:
                period = services.create_period(current_user, form.year.data, form.name.data, form.frequency.data)
            except DomainError as error:
                db.session.rollback()
                _apply_domain_error(form, error)
            else:
                db.session.commit()
                flash(gettext("%(name)s dibuat dengan jadwal tahap usulan. Periksa dan sesuaikan tanggalnya.",
                              name=period.name), "success")
                return redirect_to(url_for("periods.detail", period_id=period.id))
        return invalid("periods/index.html", "periods/_create_form.html", **_period_list_context(form))
    form = None
    if manage:
        latest = db.session.scalar(select(Period.year).order_by(Period.year.desc()).limit(1))
        form = PeriodForm(formdata=None, year=(latest + 1) if latest else local_today().year)
    return render("periods/index.html", "periods/_list.html", **_period_list_context(form))


def _get_period_or_404(period_id: int) -> Period:
    period = db.session.scalar(select(Period).options(selectinload(Period.phases)).where(Period.id == period_id))
    if period is None:
        abort(404)
    return period


def _get_phase_or_404(phase_id: int) -> PeriodPhase:
    phase = db.get_or_404(PeriodPhase, phase_id)
    _get_period_or_404(phase.period_id)  # loads the period with all its phases (one query more, not per row)
    return phase


def _detail_context(period: Period, editing: PeriodPhase | None = None, phase_form: PhaseForm | None = None) -> dict:
    today = local_today()
    rows = [{"phase": phase, "label": services.phase_label(phase),
             "status": rules.phase_status(phase.opens_on, phase.closes_on, today)} for phase in period.phases]
    return {
        "period": period,
        "rows": rows,
        "today": today,
        "editing": editing,
        "phase_form": phase_form,
        "reopenings": services.active_reopenings(period, today),
        "can_manage": can_manage_periods(current_user),
        "status_names": services.STATUS_NAMES,
        "frequency_names": services.FREQUENCY_NAMES,
        "end_form": EmptyForm(),
    }


@bp.get("/periode/<int:period_id>")
@reader_required
def detail(period_id: int):
    period = _get_period_or_404(period_id)
    return render("periods/detail.html", "periods/_phases.html", **_detail_context(period))


@bp.route("/periode/fase/<int:phase_id>/ubah", methods=["GET", "POST"])
@admin_required
def edit_phase(phase_id: int):
    """Inline edit of a phase's dates (htmx swaps the phases table; without JS the period page with the form)."""
    phase = _get_phase_or_404(phase_id)
    period = phase.period
    if request.method == "GET":
        form = PhaseForm(formdata=None, obj=phase, version_id=period.version_id)
        return render("periods/detail.html", "periods/_phases.html", **_detail_context(period, phase, form))
    form = PhaseForm()
    if form.validate():
        try:
            services.update_phase(current_user, phase, form.opens_on.data, form.closes_on.data, form.version_id.data)
        except StaleVersionError as error:
            db.session.rollback()
            period = _get_period_or_404(period.id)
            phase = db.session.get(PeriodPhase, phase_id)
            fresh = PhaseForm(formdata=None, obj=phase, version_id=period.version_id)
            fresh.opens_on.errors = [error.message]
            flash(error.message, "error")
            # 409 for a full page; htmx only swaps 2xx and 422, so the fragment comes back as 422.
            status = 422 if is_fragment_request() else 409
            return render("periods/detail.html", "periods/_phases.html", status=status, oob_flash=status == 422,
                          **_detail_context(period, phase, fresh))
        except DomainError as error:
            db.session.rollback()
            period = _get_period_or_404(period.id)
            phase = db.session.get(PeriodPhase, phase_id)
            _apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(gettext("Jadwal %(phase)s disimpan.", phase=services.phase_label(phase)), "success")
            if is_fragment_request():
                return render("periods/detail.html", "periods/_phases.html", oob_flash=True,
                              **_detail_context(_get_period_or_404(period.id)))
            return redirect_to(url_for("periods.detail", period_id=period.id))
    return invalid("periods/detail.html", "periods/_phases.html", **_detail_context(period, phase, form))


# ---------------------------------------------------------------------------------------------------------
# Reopening a closed phase


def _unit_choices() -> list[SelectChoice]:
    units = db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.path))
    return [SelectChoice("", gettext("— pilih unit kerja —"))] + [
        SelectChoice(str(u.id), INDENT * u.depth + u.name) for u in units]


def _reopen_page(phase: PeriodPhase, form: ReopenForm, status: int = 200):
    context = {"phase": phase, "period": phase.period, "form": form, "label": services.phase_label(phase)}
    if status == 422:
        return invalid("periods/reopen.html", "periods/_reopen_form.html", **context)
    return render("periods/reopen.html", "periods/_reopen_form.html", status=status, **context)


@bp.route("/periode/fase/<int:phase_id>/buka-ulang", methods=["GET", "POST"])
@admin_required
def reopen(phase_id: int):
    phase = _get_phase_or_404(phase_id)
    form = ReopenForm() if request.method == "POST" else ReopenForm(formdata=None)
    form.unit_id.choices = _unit_choices()
    if request.method == "GET":
        return _reopen_page(phase, form)
    if form.validate():
        employee = unit = None
        try:
            if form.target.data == "unit":
                unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
                if unit is None:
                    raise DomainError(gettext("Pilih unit kerja."), field="unit_id")
            else:
                employee = form.employee.data
                if employee is None:
                    raise DomainError(gettext("Pilih pegawai: ketik nama, NIP atau unit kerjanya."), field="employee")
            services.reopen_phase(current_user, phase, local_today(), form.until.data, form.reason.data,
                                  employee=employee, unit=unit)
        except DomainError as error:
            db.session.rollback()
            _apply_domain_error(form, error, {"nip": "employee"})
        else:
            db.session.commit()
            flash(gettext("%(phase)s dibuka kembali.", phase=services.phase_label(phase)), "success")
            return redirect_to(url_for("periods.detail", period_id=phase.period_id))
    return _reopen_page(phase, form, 422)


@bp.post("/periode/buka-ulang/<int:reopening_id>/akhiri")
@admin_required
def end_reopening(reopening_id: int):
    reopening = db.get_or_404(PhaseReopening, reopening_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.end_reopening(current_user, reopening, local_today())
    db.session.commit()
    flash(gettext("Pembukaan kembali diakhiri."), "success")
    return redirect_to(url_for("periods.detail", period_id=reopening.phase.period_id))


# ---------------------------------------------------------------------------------------------------------
# Holiday calendar


def _year_arg(default: int) -> int:
    try:
        year = int(request.args.get("tahun", default))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


def _holidays_context(year: int, form: HolidayForm | None) -> dict:
    stmt = (select(Holiday).where(Holiday.date >= dt.date(year, 1, 1), Holiday.date <= dt.date(year, 12, 31))
            .order_by(Holiday.date))
    return {"page": paginate(stmt, per_page=50), "year": year, "years": services.holiday_years(local_today().year),
            "form": form, "can_manage": can_manage_periods(current_user), "kind_names": services.HOLIDAY_KIND_NAMES,
            "delete_form": EmptyForm()}


@bp.route("/kalender", methods=["GET", "POST"])
@reader_required
def holidays():
    year = _year_arg(local_today().year)
    manage = can_manage_periods(current_user)
    if request.method == "POST":
        if not manage:
            abort(403)
        form = HolidayForm()
        if form.validate():
            try:
                holiday = services.add_holiday(current_user, {"date": form.date.data, "name": form.name.data,
                                                              "kind": form.kind.data})
            except DomainError as error:
                db.session.rollback()
                _apply_domain_error(form, error)
            else:
                db.session.commit()
                flash(gettext("Hari libur %(name)s ditambahkan.", name=holiday.name), "success")
                return redirect_to(url_for("periods.holidays", tahun=holiday.date.year))
        return invalid("periods/holidays.html", "periods/_holiday_form.html", **_holidays_context(year, form))
    form = HolidayForm(formdata=None) if manage else None
    return render("periods/holidays.html", "periods/_holiday_list.html", **_holidays_context(year, form))


@bp.route("/kalender/<int:holiday_id>/ubah", methods=["GET", "POST"])
@admin_required
def holiday_edit(holiday_id: int):
    holiday = db.get_or_404(Holiday, holiday_id)
    form = HolidayForm(obj=holiday) if request.method == "POST" else HolidayForm(formdata=None, obj=holiday)
    if request.method == "POST" and form.validate():
        try:
            services.update_holiday(current_user, holiday, {"date": form.date.data, "name": form.name.data,
                                                            "kind": form.kind.data})
        except DomainError as error:
            db.session.rollback()
            _apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(gettext("Hari libur disimpan."), "success")
            return redirect_to(url_for("periods.holidays", tahun=holiday.date.year))
    context = {"holiday": holiday, "form": form}
    if request.method == "POST":
        return invalid("periods/holiday_form.html", "periods/_holiday_edit_form.html", **context)
    return render("periods/holiday_form.html", "periods/_holiday_edit_form.html", **context)


@bp.post("/kalender/<int:holiday_id>/hapus")
@admin_required
def holiday_delete(holiday_id: int):
    holiday = db.get_or_404(Holiday, holiday_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    year = holiday.date.year
    services.delete_holiday(current_user, holiday)
    db.session.commit()
    flash(gettext("Hari libur dihapus."), "success")
    return redirect_to(url_for("periods.holidays", tahun=year))
