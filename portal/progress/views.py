"""Through the year: Realisasi per indicator per sub-period with Bukti Dukung, Umpan Balik Berkelanjutan with
requests and read/unread, the phrase library, and the employee's progress page.

Read/unread is explicit: opening the progress page does not mark anything read. The employee marks an item (or
all) as read, so the unread badge tells the truth about what they acknowledged.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, request, send_file, url_for
from flask_babel import format_decimal, gettext
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from portal.core.database import commit_keeping_loaded
from portal.core.errors import DomainError, StaleVersionError
from portal.core.htmx import invalid, is_fragment_request, redirect_to, render
from portal.core.ids import InvalidId, optional_id
from portal.core.pagination import paginate
from portal.core.timeutil import local_today, utcnow
from portal.extensions import db
from portal.progress import navigation, rules, services
from portal.progress import permissions as perms
from portal.progress.forms import (
    PHRASE_CATEGORY_LABELS,
    EmptyForm,
    FeedbackForm,
    FeedbackRequestForm,
    FileEvidenceForm,
    LinkEvidenceForm,
    PhraseForm,
    RealisationForm,
)
from portal.progress.models import EVIDENCE_FILE, Feedback, FeedbackPhrase
from portal.skp import berakhlak
from portal.skp import permissions as skp_perms
from portal.skp.models import STATUS_APPROVED, STATUS_SUPERSEDED

bp = Blueprint("progress", __name__)
bp.record_once(navigation.register)  # the menu entries of this area


def _number(value) -> str:
    return format_decimal(value) if value is not None else ""


def _load_skp_or_404(skp_id: int):
    """The SKP with what the progress page shows (fixed queries); 404 when missing, 403 when not visible."""
    skp = services.load_skp(skp_id)
    if skp is None:
        abort(404)
    if not skp_perms.can_view_skp(current_user, skp):
        abort(403)
    return skp


def _value_choices() -> list[tuple[str, str]]:
    return [("", gettext("— tidak ada —"))] + [(v.code, v.name) for v in berakhlak.BERAKHLAK]


def _phrase_choices(phrases) -> list[tuple]:
    return [("", gettext("— pilih frasa —"))] + [(p.id, p.text) for p in phrases]


def _feedback_form(view, phrases, formdata=None, request_id=None) -> FeedbackForm:
    form = FeedbackForm(formdata=formdata) if formdata is not None else FeedbackForm(formdata=None)
    form.phrase_id.choices = _phrase_choices(phrases)
    form.realisation_id.choices = [("", gettext("— umum —"))] + services.realisation_choices(view)
    form.value_code.choices = _value_choices()
    if request_id is not None:
        form.request_id.data = str(request_id)
    return form


def _request_form(view, formdata=None) -> FeedbackRequestForm:
    form = FeedbackRequestForm(formdata=formdata) if formdata is not None else FeedbackRequestForm(formdata=None)
    form.realisation_id.choices = [("", gettext("— umum —"))] + services.realisation_choices(view)
    form.value_code.choices = _value_choices()
    return form


def _back_to_page(url: str):
    """PRG to ``url`` (with its #anchor). For htmx, whose form sits on that same page, reload it instead: an
    HX-Redirect to the same address plus an anchor would only scroll, not show the new item and message."""
    if is_fragment_request():
        response = make_response("", 204)
        response.headers["HX-Refresh"] = "true"
        return response
    return redirect_to(url)


def _apply_error(form, error: DomainError) -> None:
    """Show a refusal inside the form (htmx swaps only the form): next to its field, else the first field."""
    name = error.field if error.field and error.field in form else "text" if "text" in form else next(
        (f.short_name for f in form if f.type not in ("CSRFTokenField", "HiddenField")), None)
    if name is None:
        flash(error.message, "error")
        return
    form[name].errors = [*form[name].errors, error.message]


# ---------------------------------------------------------------------------------------------------------
# The progress page


def _progress_context(skp, *, feedback_form=None, request_form=None) -> dict:
    today = local_today()
    readable = skp.status in (STATUS_APPROVED, STATUS_SUPERSEDED)
    view = services.progress_view(skp, today) if readable else None
    approved = None if readable else services.approved_version(skp)
    can_give = perms.can_give_feedback(current_user, skp)
    can_request = perms.can_request_feedback(current_user, skp)
    phrases = services.active_phrases(current_user) if can_give else []
    if view is not None and can_give and feedback_form is None:
        feedback_form = _feedback_form(view, phrases)
    if view is not None and can_request and request_form is None:
        request_form = _request_form(view)
    return {
        "skp": skp, "employee": skp.employee, "view": view, "today": today, "approved": approved,
        "is_owner": skp_perms.is_owner(current_user, skp),
        "can_record": perms.can_record(current_user, skp), "can_give": can_give, "can_request": can_request,
        "can_mark": perms.can_mark_read(current_user, skp),
        "feedback_form": feedback_form, "request_form": request_form, "button_form": EmptyForm(),
        "values": berakhlak.BY_CODE, "fmt_number": _number,
    }


@bp.get("/skp/<int:skp_id>/realisasi")
@login_required
def skp_progress(skp_id: int):
    skp = _load_skp_or_404(skp_id)
    return render("progress/skp_progress.html", **_progress_context(skp))


# ---------------------------------------------------------------------------------------------------------
# One cell: realisation of an indicator in a sub-period


def _require_sub_period(skp, seq: int) -> None:
    if not 1 <= seq <= rules.sub_period_count(skp.period.frequency):
        abort(404)


def _prefix(indicator, seq: int) -> str:
    """Field names per cell: several cells may be in edit mode on the same page (unique ids)."""
    return f"r{indicator.id}-{seq}"


def _cell_context(skp, indicator, seq: int, *, form=None, notice=None) -> dict:
    today = local_today()
    try:
        state = services.sub_period(skp, seq, today)
    except DomainError:
        abort(404)
    realisation = services.find_realisation(indicator, seq)
    can_record = perms.can_record(current_user, skp) and state.editable
    if form is None and can_record:
        form = RealisationForm(formdata=None, obj=realisation, prefix=_prefix(indicator, seq))
        form.number.data = _number(realisation.number) if realisation else ""
        form.version_id.data = str(realisation.version_id) if realisation else ""
    if form is not None:  # several cells may be open at once: each label names its sub-period
        form.text.label.text = gettext("Realisasi %(label)s", label=state.label)
    feedback = []
    if realisation is not None:
        feedback = list(db.session.scalars(
            select(Feedback).where(Feedback.realisation_id == realisation.id)
            .options(joinedload(Feedback.author)).order_by(Feedback.created_at)))
    return {
        "skp": skp, "employee": skp.employee, "indicator": indicator, "rhk": indicator.result_plan, "seq": seq,
        "sub_period": state, "realisation": realisation, "form": form, "can_record": can_record,
        "file_form": FileEvidenceForm(formdata=None) if can_record else None,
        "link_form": LinkEvidenceForm(formdata=None) if can_record else None,
        "button_form": EmptyForm(), "notice": notice, "feedback": feedback, "fmt_number": _number,
        "can_mark": perms.can_mark_read(current_user, skp), "values": berakhlak.BY_CODE,
        "max_mb": services.max_upload_bytes() // (1024 * 1024),
        "accept": ",".join("." + ext for ext in rules.ALLOWED_EXTENSIONS),
    }


def _cell_for_row(skp, indicator, seq: int) -> dict:
    """Context of the table cell partial after a save (the same shape the page loop gives it)."""
    today = local_today()
    state = services.sub_period(skp, seq, today)
    return {"skp": skp, "indicator": indicator, "cell": services.Cell(seq, services.find_realisation(indicator, seq),
                                                                      state),
            "can_record": perms.can_record(current_user, skp), "fmt_number": _number}


@bp.get("/skp/<int:skp_id>/indikator/<int:indicator_id>/realisasi/<int:sub_period>")
@login_required
def realisation(skp_id: int, indicator_id: int, sub_period: int):
    skp = _load_skp_or_404(skp_id)
    indicator = perms.get_indicator_or_404(skp, indicator_id)
    if is_fragment_request() and request.args.get("tampil") == "sel":  # htmx "Batal": the cell as it was
        return render("progress/_cell.html", "progress/_cell.html", **_cell_for_row(skp, indicator, sub_period))
    context = _cell_context(skp, indicator, sub_period)
    if is_fragment_request() and context["can_record"]:
        return render("progress/realisation.html", "progress/_cell_form.html", **context)
    return render("progress/realisation.html", **context)


@bp.post("/skp/<int:skp_id>/indikator/<int:indicator_id>/realisasi/<int:sub_period>")
@login_required
def save_realisation(skp_id: int, indicator_id: int, sub_period: int):
    skp = _load_skp_or_404(skp_id)
    indicator = perms.get_indicator_or_404(skp, indicator_id)
    _require_sub_period(skp, sub_period)
    if not skp_perms.is_owner(current_user, skp) or current_user.is_auditor:
        abort(403)
    form = RealisationForm(prefix=_prefix(indicator, sub_period))
    if form.validate():
        try:
            services.save_realisation(current_user, skp, indicator, sub_period, text=form.text.data,
                                      number=form.number.data, version=form.version_id.data, today=local_today())
            commit_keeping_loaded()
        except StaleVersionError as error:
            db.session.rollback()
            context = _cell_context(skp, indicator, sub_period, notice=error.message)
            return render("progress/realisation.html", "progress/_cell_form.html", status=409, **context)
        except DomainError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            if is_fragment_request():
                return render("progress/_cell.html", "progress/_cell.html", saved=True,
                              **_cell_for_row(skp, indicator, sub_period))
            flash(gettext("Realisasi disimpan."), "success")
            return redirect_to(url_for("progress.skp_progress", skp_id=skp.id) + f"#rhk-{indicator.result_plan_id}")
    context = _cell_context(skp, indicator, sub_period, form=form)
    context["form"] = form  # the refusal next to what was typed, even when the cell is now read-only
    return invalid("progress/realisation.html", "progress/_cell_form.html", **context)


# ---------------------------------------------------------------------------------------------------------
# Bukti Dukung


@bp.post("/skp/<int:skp_id>/indikator/<int:indicator_id>/realisasi/<int:sub_period>/bukti")
@login_required
def add_evidence(skp_id: int, indicator_id: int, sub_period: int):
    skp = _load_skp_or_404(skp_id)
    indicator = perms.get_indicator_or_404(skp, indicator_id)
    _require_sub_period(skp, sub_period)
    if not skp_perms.is_owner(current_user, skp) or current_user.is_auditor:
        abort(403)
    is_link = request.form.get("kind") == "link"
    form = LinkEvidenceForm() if is_link else FileEvidenceForm()
    today = local_today()
    if form.validate():
        try:
            if is_link:
                services.add_link_evidence(current_user, skp, indicator, sub_period, url=form.url.data,
                                           title=form.title.data, today=today)
            else:
                upload = request.files.get("file")
                services.add_file_evidence(current_user, skp, indicator, sub_period,
                                           filename=upload.filename if upload else None,
                                           stream=upload.stream if upload else None, title=form.title.data,
                                           today=today)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            flash(gettext("Bukti dukung ditambahkan."), "success")
            return redirect_to(url_for("progress.realisation", skp_id=skp.id, indicator_id=indicator.id,
                                       sub_period=sub_period))
    context = _cell_context(skp, indicator, sub_period)
    context["link_form" if is_link else "file_form"] = form
    if context["file_form"] is None:
        context["file_form"], context["link_form"] = FileEvidenceForm(formdata=None), LinkEvidenceForm(formdata=None)
        context["link_form" if is_link else "file_form"] = form
    return invalid("progress/realisation.html", **context)


@bp.get("/bukti/<int:evidence_id>")
@login_required
def evidence(evidence_id: int):
    item = perms.get_evidence_or_404(evidence_id, current_user)
    if item.kind != EVIDENCE_FILE:
        return redirect_to(item.url)
    path = services.evidence_path(item)
    if not path.is_file():
        abort(404)
    kind = next((k for k in rules.FILE_KINDS.values() if k.content_type == item.content_type), None)
    response = send_file(path, mimetype=item.content_type or "application/octet-stream",
                         as_attachment=not (kind and kind.inline), download_name=item.original_name or "bukti",
                         conditional=True, etag=item.sha256 or True, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/bukti/<int:evidence_id>/hapus")
@login_required
def delete_evidence(evidence_id: int):
    item = perms.get_evidence_or_404(evidence_id, current_user)
    skp = perms.evidence_skp(item)
    realisation = item.realisation
    if not skp_perms.is_owner(current_user, skp) or current_user.is_auditor:
        abort(403)
    if not EmptyForm().validate():
        abort(400)
    target = url_for("progress.realisation", skp_id=skp.id, indicator_id=realisation.indicator_id,
                     sub_period=realisation.sub_period)
    try:
        services.delete_evidence(current_user, item, local_today())
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect_to(target)
    flash(gettext("Bukti dukung dihapus."), "success")
    return redirect_to(target)


# ---------------------------------------------------------------------------------------------------------
# Umpan Balik Berkelanjutan


def _skp_for_feedback_or_404(skp_id: int):
    """Giving feedback does not need the right to read the whole SKP: someone the employee asked may answer."""
    skp = services.load_skp(skp_id)
    if skp is None:
        abort(404)
    return skp


@bp.post("/skp/<int:skp_id>/umpan-balik")
@login_required
def give_feedback(skp_id: int):
    skp = _skp_for_feedback_or_404(skp_id)
    if not perms.can_give_feedback(current_user, skp):
        abort(403)
    try:
        request_id = optional_id(request.form.get("request_id"))
    except InvalidId:
        abort(404)
    feedback_request = perms.get_request_or_404(request_id, current_user) if request_id else None
    view = services.progress_view(skp, local_today())
    phrases = services.active_phrases(current_user)
    form = _feedback_form(view, phrases, formdata=request.form)
    if "use_phrase" in request.form:
        # Without JavaScript: "Gunakan frasa" puts the chosen phrase into the text area, nothing is saved yet.
        chosen = next((p for p in phrases if p.id == form.phrase_id.data), None)
        if chosen is not None:
            form.text.data = chosen.text if not (form.text.data or "").strip() else f"{form.text.data.strip()} " \
                                                                                    f"{chosen.text}"
        return _feedback_page(skp, form, feedback_request, status=200)
    if form.validate():
        try:
            services.give_feedback(current_user, skp, text=form.text.data, realisation_id=form.realisation_id.data,
                                   value_code=form.value_code.data or None, request_id=request_id, now=utcnow())
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            flash(gettext("Umpan balik terkirim."), "success")
            if feedback_request is not None:
                return redirect_to(url_for("progress.inbox"))
            return _back_to_page(url_for("progress.skp_progress", skp_id=skp.id) + "#umpan-balik")
    return _feedback_page(skp, form, feedback_request, status=422)


def _feedback_page(skp, form, feedback_request, status: int):
    if feedback_request is not None:
        context = _answer_context(feedback_request, form)
        if status == 422:
            return invalid("progress/answer.html", "progress/_feedback_form.html", **context)
        return render("progress/answer.html", "progress/_feedback_form.html", status=status, **context)
    if not skp_perms.can_view_skp(current_user, skp):
        abort(403)
    context = _progress_context(skp, feedback_form=form)
    if status == 422:
        return invalid("progress/skp_progress.html", "progress/_feedback_form.html", **context)
    return render("progress/skp_progress.html", "progress/_feedback_form.html", status=status, **context)


@bp.post("/skp/<int:skp_id>/minta-umpan-balik")
@login_required
def request_feedback(skp_id: int):
    skp = _load_skp_or_404(skp_id)
    if not perms.can_request_feedback(current_user, skp):
        abort(403)
    view = services.progress_view(skp, local_today())
    form = _request_form(view, formdata=request.form)
    if form.validate():
        try:
            # The service takes the NIP: the picker's person (or nobody: the assessor) goes in by their NIP.
            asked = form.asked.data
            services.request_feedback(current_user, skp, asked_nip=asked.nip if asked else None,
                                      message=form.message.data,
                                      realisation_id=form.realisation_id.data,
                                      value_code=form.value_code.data or None, now=utcnow())
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            if error.field == "asked_nip":
                error.field = "asked"
            _apply_error(form, error)
        else:
            flash(gettext("Permintaan umpan balik terkirim."), "success")
            return _back_to_page(url_for("progress.skp_progress", skp_id=skp.id) + "#minta-umpan-balik")
    return invalid("progress/skp_progress.html", "progress/_request_form.html",
                   **_progress_context(skp, request_form=form))


@bp.post("/umpan-balik/<int:feedback_id>/dibaca")
@login_required
def mark_read(feedback_id: int):
    feedback = perms.get_feedback_or_404(feedback_id, current_user)
    services.mark_read(current_user, feedback, utcnow())
    db.session.commit()
    if is_fragment_request():  # the item, and the section's unread count out of band
        return render("progress/_feedback_read.html", "progress/_feedback_read.html", item=feedback,
                      can_mark=True, button_form=EmptyForm(), values=berakhlak.BY_CODE,
                      unread=services.unread_count(feedback.skp_id), oob=True)
    return redirect_to(url_for("progress.skp_progress", skp_id=feedback.skp_id) + f"#umpan-balik-{feedback.id}")


@bp.post("/skp/<int:skp_id>/umpan-balik/dibaca-semua")
@login_required
def mark_all_read(skp_id: int):
    skp = _load_skp_or_404(skp_id)
    if not perms.can_mark_read(current_user, skp):
        abort(403)
    count = services.mark_all_read(current_user, skp, utcnow())
    db.session.commit()
    flash(gettext("%(n)s umpan balik ditandai sudah dibaca.", n=count), "success")
    return redirect_to(url_for("progress.skp_progress", skp_id=skp.id) + "#umpan-balik")


@bp.get("/umpan-balik")
@login_required
def inbox():
    if current_user.employee_id is None:
        abort(403)
    page = paginate(services.inbox_requests_stmt(current_user.employee_id))
    return render("progress/inbox.html", "progress/_inbox_results.html", page=page,
                  unread=services.unread_by_skp(current_user.employee_id), values=berakhlak.BY_CODE)


def _answer_context(feedback_request, form=None) -> dict:
    skp = services.load_skp(feedback_request.skp_id)
    view = services.progress_view(skp, local_today())
    phrases = services.active_phrases(current_user)
    if form is None:
        form = _feedback_form(view, phrases, request_id=feedback_request.id)
        form.realisation_id.data = feedback_request.realisation_id
        form.value_code.data = feedback_request.value_code or ""
    realisation = next((r for r in view.realisations if r.id == feedback_request.realisation_id), None)
    indicator = None
    if realisation is not None:
        indicator = next(row.indicator for b in view.blocks for row in b.rows
                         if row.indicator.id == realisation.indicator_id)
    labels = {sp.seq: sp.label for sp in view.sub_periods}
    return {"feedback_request": feedback_request, "skp": skp, "employee": skp.employee, "feedback_form": form,
            "realisation": realisation, "indicator": indicator, "sub_period_labels": labels,
            "values": berakhlak.BY_CODE, "fmt_number": _number,
            "can_give": perms.can_answer_request(current_user, feedback_request)}


@bp.get("/umpan-balik/permintaan/<int:request_id>")
@login_required
def answer_request(request_id: int):
    feedback_request = perms.get_request_or_404(request_id, current_user)
    if feedback_request.asked_id != current_user.employee_id:
        abort(403)
    return render("progress/answer.html", **_answer_context(feedback_request))


# ---------------------------------------------------------------------------------------------------------
# Phrase library


def _phrases_page(form=None, status: int = 200):
    stmt = select(FeedbackPhrase)
    if current_user.can_read_all:
        stmt = stmt.where(FeedbackPhrase.owner_id.is_(None))
    else:
        stmt = stmt.where(or_(FeedbackPhrase.owner_id.is_(None), FeedbackPhrase.owner_id == current_user.employee_id))
    stmt = stmt.order_by(FeedbackPhrase.owner_id.is_not(None), FeedbackPhrase.active.desc(), FeedbackPhrase.category,
                         FeedbackPhrase.id)
    page = paginate(stmt)
    can_add = perms.can_add_shared_phrase(current_user) or perms.can_add_own_phrase(current_user)
    if can_add and form is None:
        form = PhraseForm(formdata=None)
    context = {"page": page, "form": form, "can_add": can_add, "categories": PHRASE_CATEGORY_LABELS,
               "button_form": EmptyForm(), "can_edit": lambda p: perms.can_edit_phrase(current_user, p)}
    if status == 422:
        return invalid("progress/phrases.html", None, **context)
    return render("progress/phrases.html", "progress/_phrase_results.html", status=status, **context)


@bp.route("/umpan-balik/frasa", methods=["GET", "POST"])
@login_required
def phrases():
    if not perms.can_use_phrases(current_user):
        abort(403)
    if request.method == "GET":
        return _phrases_page()
    if not (perms.can_add_shared_phrase(current_user) or perms.can_add_own_phrase(current_user)):
        abort(403)
    form = PhraseForm()
    if form.validate():
        try:
            services.add_phrase(current_user, text=form.text.data, category=form.category.data)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            flash(gettext("Frasa ditambahkan."), "success")
            return redirect_to(url_for("progress.phrases"))
    return _phrases_page(form, status=422)


@bp.route("/umpan-balik/frasa/<int:phrase_id>/ubah", methods=["GET", "POST"])
@login_required
def phrase_edit(phrase_id: int):
    phrase = perms.get_phrase_or_404(phrase_id, current_user)
    if request.method == "GET":
        return render("progress/phrase_form.html", form=PhraseForm(formdata=None, obj=phrase), phrase=phrase)
    form = PhraseForm()
    if form.validate():
        try:
            services.update_phrase(current_user, phrase, text=form.text.data, category=form.category.data,
                                   active=form.active.data)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            flash(gettext("Frasa disimpan."), "success")
            return redirect_to(url_for("progress.phrases"))
    return invalid("progress/phrase_form.html", form=form, phrase=phrase)


@bp.post("/umpan-balik/frasa/<int:phrase_id>/nonaktifkan")
@login_required
def phrase_deactivate(phrase_id: int):
    phrase = perms.get_phrase_or_404(phrase_id, current_user)
    services.set_phrase_active(current_user, phrase, not phrase.active)
    db.session.commit()
    flash(gettext("Frasa dinonaktifkan.") if not phrase.active else gettext("Frasa diaktifkan kembali."), "success")
    return redirect_to(url_for("progress.phrases"))
