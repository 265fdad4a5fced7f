"""The rater's side of the 360 input: "Permintaan umpan balik" (the task list), the questionnaire with drafts and
the anonymous submission, and declining with a reason. Only the nominated rater sees a task: anyone else gets a
404, so that the page does not even reveal that the nomination exists."""

from __future__ import annotations

from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from portal.assessment import common, nomination_services, scale
from portal.assessment import rater_services as services
from portal.assessment.blueprint import bp
from portal.assessment.models import (
    GROUP_OTHER,
    GROUP_PEER,
    GROUP_SUBORDINATE,
    GROUP_SUPERIOR,
    RaterNomination,
)
from portal.assessment.rater_forms import DeclineForm, QuestionnaireForm, posted_scores
from portal.core.database import commit_keeping_loaded
from portal.core.errors import DomainError
from portal.core.htmx import invalid, is_fragment_request, redirect_to, render
from portal.core.pagination import page_number, paginate
from portal.core.timeutil import local_today
from portal.extensions import db
from portal.org.models import Employee
from portal.periods import services as period_services
from portal.periods.models import PeriodPhase
from portal.skp.berakhlak import BY_CODE

GROUP_LABELS = {
    GROUP_SUPERIOR: _l("Atasan"),
    GROUP_PEER: _l("Rekan kerja setingkat"),
    GROUP_SUBORDINATE: _l("Bawahan"),
    GROUP_OTHER: _l("Pihak lain"),
}
VISIBLE_STATES = services.VISIBLE_STATES
PER_PAGE = 20


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _me() -> int:
    if current_user.employee_id is None:
        abort(403)
    return current_user.employee_id


def _task_stmt(ids):
    return (select(RaterNomination).join(RaterNomination.phase)
            .where(RaterNomination.id.in_(list(ids) or [-1]))
            .options(contains_eager(RaterNomination.phase).joinedload(PeriodPhase.period),
                     joinedload(RaterNomination.subject).joinedload(Employee.position),
                     joinedload(RaterNomination.subject).joinedload(Employee.unit))
            .order_by(func.coalesce(RaterNomination.due_on, PeriodPhase.closes_on), RaterNomination.id))


# ---------------------------------------------------------------------------------------------------------
# Permintaan umpan balik: the rater's task list


@bp.route("/permintaan-umpan-balik")
@login_required
def tasks():
    me = _me()
    today = local_today()
    period = period_services.current_period(today)
    open_ids, finished_ids, done = services.task_ids(_secret(), me, today)

    open_page = paginate(_task_stmt(open_ids), page_number(), per_page=PER_PAGE)
    try:
        done_number = max(1, int(request.args.get("selesai", 1)))
    except ValueError:
        done_number = 1
    done_page = paginate(_task_stmt(finished_ids), done_number, per_page=PER_PAGE)
    progress = services.task_progress(_secret(), open_page.items, done)
    reopened = nomination_services.reopened_until(((n.phase, n.subject) for n in open_page.items), today)
    due = {n.id: nomination_services.due_for(n, today, reopened) for n in open_page.items}
    reminders = nomination_services.last_reminders((n.subject_id, n.phase_id) for n in open_page.items)
    return render("assessment/tasks.html", "assessment/_tasks_open.html", period=period, page=open_page,
                  done_page=done_page, done=done, progress=progress, group_labels=GROUP_LABELS, today=today,
                  due=due, reminders=reminders)


# ---------------------------------------------------------------------------------------------------------
# The questionnaire


def _own_nomination_or_404(nomination_id: int) -> RaterNomination:
    """The nomination if the signed-in employee is its rater; otherwise 404 (never 403: do not confirm that
    someone was asked to rate someone)."""
    nomination = db.session.scalar(
        select(RaterNomination).where(RaterNomination.id == nomination_id)
        .options(joinedload(RaterNomination.phase).joinedload(PeriodPhase.period),
                 joinedload(RaterNomination.subject).joinedload(Employee.position),
                 joinedload(RaterNomination.subject).joinedload(Employee.unit)))
    if (nomination is None or current_user.employee_id is None or nomination.rater_id != current_user.employee_id
            or nomination.status not in VISIBLE_STATES):
        abort(404)
    return nomination


def _grouped(items):
    groups: list[tuple] = []
    for item in items:
        if not groups or groups[-1][0].code != item.value_code:
            value = BY_CODE.get(item.value_code)
            groups.append((value, []))
        groups[-1][1].append(item)
    return groups


def _closed(nomination, message: str):
    """The refusal page: 200 for a GET (a bookmark to a finished task is no error), 409 for a POST."""
    status = 409 if request.method == "POST" else 200
    if is_fragment_request() and request.method == "POST" and request.form.get("action") == "autosave":
        return render("assessment/_questionnaire_status.html", status=status, status_message=message,
                      status_error=True)
    return render("assessment/questionnaire_closed.html", status=status, nomination=nomination, message=message,
                  group_labels=GROUP_LABELS)


def _questionnaire_page(nomination, items, answers, *, form=None, decline_form=None, missing=(), status=200,
                        as_invalid=False):
    period = nomination.phase.period
    today = local_today()
    threshold = common.settings_for(period).anonymity_threshold
    _bucket, size = services.bucket_and_size(nomination, threshold)
    waiting = services.waiting_message(threshold) if size < threshold else ""
    context = dict(
        nomination=nomination, groups=_grouped(items), answers=answers, form=form or QuestionnaireForm(
            formdata=None, data={"keep": answers.get("keep", ""), "improve": answers.get("improve", "")}),
        decline_form=decline_form or DeclineForm(formdata=None), missing=set(missing),
        group_labels=GROUP_LABELS, scale=scale,
        threshold=threshold,
        due_on=nomination_services.due_for(nomination, today, nomination_services.reopened_until(
            [(nomination.phase, nomination.subject)], today)),
        waiting=waiting,
    )
    if as_invalid:
        return invalid("assessment/questionnaire.html", "assessment/_questionnaire_form.html", **context)
    return render("assessment/questionnaire.html", "assessment/_questionnaire_form.html", status=status, **context)


@bp.route("/permintaan-umpan-balik/<int:nomination_id>", methods=["GET", "POST"])
@login_required
def questionnaire(nomination_id: int):
    nomination = _own_nomination_or_404(nomination_id)
    secret, today = _secret(), local_today()
    try:
        services.check_answerable(secret, nomination, today)
    except DomainError as error:
        return _closed(nomination, error.message)
    items = common.ensure_items(nomination.phase.period)
    item_ids = [item.id for item in items]

    if request.method == "GET":
        draft = services.load_draft(secret, nomination)
        # the period's questionnaire may have been seeded just now; the page shows what is loaded (a plain commit
        # would expire it and read each questionnaire item again, one query each)
        commit_keeping_loaded()
        return _questionnaire_page(nomination, items, dict(draft.payload) if draft else {})

    action = request.form.get("action", "draft")
    form = QuestionnaireForm()
    answers = services.clean_answers(posted_scores(request.form, item_ids), form.keep.data, form.improve.data,
                                     item_ids)

    if action == "submit":
        try:
            services.submit_answers(secret, nomination, answers, item_ids, today)
        except services.AlreadySubmitted as error:
            db.session.rollback()
            return _closed(nomination, error.message)
        except services.Waiting:
            # The answer is kept as a draft until the assessor invites a replacement (the page says why).
            db.session.rollback()
            services.save_draft(secret, nomination, answers, today)
            db.session.commit()
            return _questionnaire_page(nomination, items, answers, form=form, status=409)
        except DomainError as error:
            db.session.rollback()
            if error.field in services.COMMENT_FIELDS:  # a comment too long: nothing sent, the rest kept as draft
                _mark(form, services.save_draft(secret, nomination, answers, today))
                db.session.commit()
                return _questionnaire_page(nomination, items, answers, form=form, as_invalid=True)
            if error.field != "scores":
                return _closed(nomination, error.message)
            flash(error.message, "error")
            return _questionnaire_page(nomination, items, answers, form=form, status=422,
                                       missing=services.missing_items(answers, item_ids))
        db.session.commit()
        flash(gettext("Terima kasih. Jawaban Anda sudah terkirim dan disimpan tanpa nama Anda."), "success")
        return redirect_to(url_for("assessment.tasks"))

    # A draft (autosave or "Simpan draf"): every valid answer is kept; a comment over its limit keeps its last
    # saved text and is marked at its field, with what was typed still in the page.
    try:
        errors = services.save_draft(secret, nomination, answers, today)
    except DomainError as error:  # sent (or closed) by another request since the check above: a late autosave
        db.session.rollback()
        return _closed(nomination, error.message)
    commit_keeping_loaded()  # the answer below shows what was just saved
    autosave = action == "autosave" and is_fragment_request()
    if errors:
        if autosave:
            return render("assessment/_questionnaire_status.html", status=422, status_error=True,
                          status_message=gettext("Draf tersimpan kecuali isian yang ditandai: periksa pesannya."),
                          field_errors=errors, oob_fields=services.COMMENT_FIELDS)
        _mark(form, errors)
        return _questionnaire_page(nomination, items, answers, form=form, as_invalid=True)
    if autosave:
        return render("assessment/_questionnaire_status.html", status_message=gettext("Draf tersimpan."),
                      field_errors={}, oob_fields=services.COMMENT_FIELDS)
    flash(gettext("Draf tersimpan. Anda dapat melanjutkannya nanti."), "success")
    return redirect_to(url_for("assessment.questionnaire", nomination_id=nomination.id))


def _mark(form: QuestionnaireForm, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        form[name].errors = [message]


@bp.route("/permintaan-umpan-balik/<int:nomination_id>/tolak", methods=["POST"])
@login_required
def decline(nomination_id: int):
    nomination = _own_nomination_or_404(nomination_id)
    secret, today = _secret(), local_today()
    form = DeclineForm()
    if not form.validate():
        try:
            services.check_answerable(secret, nomination, today)
        except DomainError as error:
            return _closed(nomination, error.message)
        items = common.ensure_items(nomination.phase.period)
        draft = services.load_draft(secret, nomination)
        return _questionnaire_page(nomination, items, dict(draft.payload) if draft else {}, decline_form=form,
                                   as_invalid=True)
    try:
        services.decline_nomination(current_user, secret, nomination, form.reason.data)
    except DomainError as error:
        db.session.rollback()
        if error.field != "reason":
            return _closed(nomination, error.message)
        form.reason.errors = [error.message]
        items = common.ensure_items(nomination.phase.period)
        draft = services.load_draft(secret, nomination)
        return _questionnaire_page(nomination, items, dict(draft.payload) if draft else {}, decline_form=form,
                                   as_invalid=True)
    db.session.commit()
    flash(gettext("Anda menolak permintaan umpan balik ini. Pejabat Penilai Kinerja akan menunjuk penggantinya."),
          "success")
    return redirect_to(url_for("assessment.tasks"))
