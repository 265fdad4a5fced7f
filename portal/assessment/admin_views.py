"""Admin BKPSDM screens of the 360 input: the period's settings (anonymity threshold, group limits, rater due
days) and the wording of the questionnaire items (before the first evaluation window opens). Auditors read only."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext
from flask_login import current_user

from portal.assessment import common
from portal.assessment import nomination_services as services
from portal.assessment.blueprint import bp
from portal.assessment.nomination_forms import EmptyForm, SettingsForm
from portal.core.errors import DomainError
from portal.core.htmx import invalid, redirect_to, render
from portal.core.permissions import reader_required
from portal.core.timeutil import local_today
from portal.extensions import db
from portal.periods.models import Period
from portal.skp.berakhlak import BY_CODE


@bp.app_template_global("item_value_name")
def item_value_name(code: str) -> str:
    value = BY_CODE.get(code)
    return value.name if value else code


def _period_or_404(period_id: int) -> Period:
    period = db.get_or_404(Period, period_id)
    return period


def _require_admin() -> None:
    if request.method == "POST" and not current_user.is_admin:
        abort(403)


@bp.route("/periode/<int:period_id>/pengaturan-360", methods=["GET", "POST"])
@reader_required
def settings(period_id: int):
    _require_admin()
    period = _period_or_404(period_id)
    setting = common.settings_for(period)
    form = SettingsForm(obj=setting) if request.method == "GET" else SettingsForm()
    if request.method == "POST":
        if form.validate():
            try:
                services.update_settings(current_user, setting, {name: form[name].data
                                                                 for name in services.SETTING_FIELDS})
            except DomainError as error:
                db.session.rollback()
                if error.field and error.field in form:
                    form[error.field].errors = [*form[error.field].errors, error.message]
                else:
                    flash(error.message, "error")
                return invalid("assessment/settings.html", period=period, form=form,
                               may_edit=current_user.is_admin)
            db.session.commit()
            flash(gettext("Pengaturan 360 disimpan."), "success")
            return redirect_to(url_for("assessment.settings", period_id=period.id))
        return invalid("assessment/settings.html", period=period, form=form, may_edit=current_user.is_admin)
    db.session.commit()  # the default settings row, created on first use
    return render("assessment/settings.html", period=period, form=form, may_edit=current_user.is_admin)


@bp.route("/periode/<int:period_id>/kuesioner", methods=["GET", "POST"])
@reader_required
def items(period_id: int):
    _require_admin()
    period = _period_or_404(period_id)
    today = local_today()
    questionnaire = common.ensure_items(period)
    editable = services.items_editable(period, today)
    errors: dict[int, str] = {}
    texts = {item.id: item.text for item in questionnaire}
    if request.method == "POST":
        form = EmptyForm()
        if not form.validate():
            abort(400)
        posted = {item.id: request.form.get(f"item-{item.id}", item.text) for item in questionnaire}
        try:
            changed = services.update_items(current_user, period, questionnaire, posted, today)
        except DomainError as error:
            db.session.rollback()
            questionnaire = common.ensure_items(period)
            if error.field and error.field.startswith("item-"):
                errors[int(error.field.removeprefix("item-"))] = error.message
            else:
                flash(error.message, "error")
            return invalid("assessment/items.html", period=period, items=questionnaire, texts=posted,
                           errors=errors, editable=editable, may_edit=current_user.is_admin, form=form,
                           first_opens=services.first_window_opens(period))
        db.session.commit()
        flash(gettext("%(n)s butir kuesioner diperbarui.", n=changed), "success")
        return redirect_to(url_for("assessment.items", period_id=period.id))
    db.session.commit()  # the items seeded on first use
    return render("assessment/items.html", period=period, items=questionnaire, texts=texts, errors=errors,
                  editable=editable, may_edit=current_user.is_admin, form=EmptyForm(),
                  first_opens=services.first_window_opens(period))
