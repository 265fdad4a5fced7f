"""Notifications: the list (read and unread), opening one (marks it read, then goes where it leads), marking read,
the bell fragment that htmx polls, and each user's e-mail setting. The blueprint also watches the other areas'
changes (portal.notifications.events) and adds ``flask send-reminders``."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, make_response, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from portal.core.errors import DomainError
from portal.core.htmx import invalid, is_fragment_request, redirect_to, render
from portal.core.pagination import page_number
from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.notifications import cli, events, labels, navigation, rules, services
from portal.notifications.forms import EmptyForm, PreferenceForm

bp = Blueprint("notifications", __name__)
bp.record_once(navigation.register)  # the menu entries and the bell's count


@bp.record_once
def _setup(state) -> None:
    events.init_app()
    state.app.cli.add_command(cli.send_reminders)
    state.app.add_template_global(labels.text, "notification_text")
    state.app.add_template_global(labels.group, "notification_group")
    state.app.add_template_global(labels.url, "notification_url")


def _list_context(unread_only: bool) -> dict:
    return {"page": services.page(current_user, unread_only=unread_only, number=page_number()),
            "unread_only": unread_only, "form": EmptyForm(), "unread": services.unread_count(current_user)}


@bp.get("/notifikasi")
@login_required
def index():
    unread_only = request.args.get("tampil") == "belum"
    return render("notifications/index.html", "notifications/_list.html", **_list_context(unread_only))


@bp.get("/notifikasi/lonceng")
def bell():
    """The bell with the unread count, for htmx polling. Signed out (the session ended): 286 stops the polling."""
    if not current_user.is_authenticated:
        return make_response("", 286)
    response = make_response(render_template("notifications/_bell.html", bell=services.unread_count(current_user)))
    response.headers["Vary"] = "HX-Request"
    return response


def _own_or_404(notification_id: int):
    notification = services.get_for(current_user, notification_id)
    if notification is None:
        abort(404)
    return notification


@bp.post("/notifikasi/<int:notification_id>/buka")
@login_required
def open_notification(notification_id: int):
    """Open: mark read, then go to the page it leads to."""
    notification = _own_or_404(notification_id)
    services.mark_read(current_user, notification, now=utcnow())
    db.session.commit()
    return redirect_to(labels.url(notification.target))


@bp.post("/notifikasi/<int:notification_id>/dibaca")
@login_required
def mark_read(notification_id: int):
    notification = _own_or_404(notification_id)
    services.mark_read(current_user, notification, now=utcnow())
    db.session.commit()
    if is_fragment_request():
        return render("notifications/index.html", "notifications/_item_swap.html", item=notification,
                      form=EmptyForm(), bell=services.unread_count(current_user))
    return redirect_to(url_for("notifications.index", tampil=request.args.get("tampil")))


@bp.post("/notifikasi/dibaca-semua")
@login_required
def mark_all_read():
    count = services.mark_all_read(current_user, now=utcnow())
    db.session.commit()
    flash(gettext("%(n)s notifikasi ditandai sudah dibaca.", n=count), "success")
    return redirect_to(url_for("notifications.index"))


@bp.route("/notifikasi/pengaturan", methods=["GET", "POST"])
@login_required
def settings():
    """Each user turns e-mail on or off for their account (and may give an address)."""
    choice = services.email_choice(current_user)
    form = PreferenceForm(formdata=request.form if request.method == "POST" else None,
                          data={"email_enabled": choice.enabled, "email": choice.own_address})
    smtp_on = rules.smtp_settings(current_app.config) is not None
    context = {"form": form, "choice": choice, "smtp_on": smtp_on}
    if request.method == "POST":
        if not form.validate():
            return invalid("notifications/settings.html", "notifications/_settings_form.html", **context)
        try:
            services.save_preference(current_user, enabled=form.email_enabled.data, email=form.email.data)
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "email").errors.append(error.message)
            return invalid("notifications/settings.html", "notifications/_settings_form.html", **context)
        db.session.commit()
        flash(gettext("Pengaturan notifikasi disimpan."), "success")
        return redirect_to(url_for("notifications.settings"))
    return render("notifications/settings.html", "notifications/_settings_form.html", **context)
