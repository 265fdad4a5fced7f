"""Assessment routes (results_views): the 360 results page and the assessor's own (non-anonymous) input."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from portal.assessment import common, nomination_services, release, scale
from portal.assessment import results_services as services
from portal.assessment.blueprint import bp
from portal.assessment.results_forms import (
    AssessorInputForm,
    item_field_name,
    parse_scores,
    raw_from_stored,
)
from portal.core.errors import DomainError
from portal.core.htmx import invalid, redirect_to, render
from portal.core.timeutil import local_today, utcnow
from portal.extensions import db
from portal.org.models import Employee
from portal.skp.berakhlak import BY_CODE


def _subject_and_window_or_404(subject_id: int, phase_id: int):
    phase = common.get_window_or_404(phase_id)
    subject = db.get_or_404(Employee, subject_id)
    return subject, phase


@bp.get("/360/<int:subject_id>/<int:phase_id>/hasil")
@login_required
def results(subject_id: int, phase_id: int):
    subject, phase = _subject_and_window_or_404(subject_id, phase_id)
    today = local_today()
    if not common.can_view_results(current_user, subject):
        abort(403)
    # The period's settings and questionnaire are created on first use, and the release is made when the window
    # has closed: commit them before loading what the page shows, so that the commit does not expire the loaded
    # rows (which would reload them one by one).
    common.settings_for(phase.period)
    common.ensure_items(phase.period)
    release.release_results(subject, phase, today)
    db.session.commit()
    data = services.load_results(subject, phase, release.current_release(subject, phase))
    return render("assessment/results.html", "assessment/_results.html", r=data, fmt=services.format_score, scale=scale,
                  can_give_input=services.can_edit_assessor_input(current_user, subject, phase, today),
                  window_open=not release.window_closed_for(phase, subject, today),
                  open_until=nomination_services.effective_close(phase, subject, today))


def _values_of(items):
    """Items grouped per BerAKHLAK value, in the value order of the questionnaire."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.value_code, []).append(item)
    return [(BY_CODE[code].name if code in BY_CODE else code, group) for code, group in groups.items()]


@bp.route("/360/<int:subject_id>/<int:phase_id>/masukan-penilai", methods=["GET", "POST"])
@login_required
def assessor_input(subject_id: int, phase_id: int):
    subject, phase = _subject_and_window_or_404(subject_id, phase_id)
    if not common.is_assessor_of(current_user, subject):
        abort(403)
    today = local_today()
    common.ensure_items(phase.period)
    db.session.commit()  # questionnaire items created on first use; committed before loading what is shown
    items = common.ensure_items(phase.period)
    row = services.assessor_input_for(subject, phase)
    editable = common.window_open_for(phase, subject, today)
    form = AssessorInputForm(obj=row) if request.method == "GET" else AssessorInputForm()
    raw = raw_from_stored(row.scores if row else None)
    context = dict(subject=subject, phase=phase, row=row, editable=editable, values=_values_of(items),
                   scale=scale, field_name=item_field_name)
    if request.method == "GET":
        return render("assessment/assessor_input.html", "assessment/_assessor_input.html", form=form, raw=raw,
                      **context)
    scores, raw = parse_scores(items, request.form)
    if not form.validate_on_submit():
        return invalid("assessment/assessor_input.html", "assessment/_assessor_input.html", form=form, raw=raw,
                       **context)
    submit = request.form.get("action") == "ajukan"
    try:
        services.save_assessor_input(subject, phase, actor=current_user, scores=scores,
                                     comment_keep=form.comment_keep.data or "",
                                     comment_improve=form.comment_improve.data or "", submit=submit, today=today,
                                     now=utcnow())
    except DomainError as error:
        db.session.rollback()
        if error.field in ("comment_keep", "comment_improve"):
            form[error.field].errors = [error.message]
        else:
            form.form_errors.append(error.message)
        return invalid("assessment/assessor_input.html", "assessment/_assessor_input.html", form=form, raw=raw,
                       **context)
    db.session.commit()
    if submit or (row is not None and row.submitted_at is not None):
        flash(gettext("Masukan Anda untuk %(name)s tersimpan dan tampil di halaman hasil 360.",
                      name=subject.full_name), "success")
    else:
        flash(gettext("Draf masukan disimpan. Kirim sebelum masa evaluasi ditutup."), "success")
    return redirect_to(url_for("assessment.assessor_input", subject_id=subject.id, phase_id=phase.id))
