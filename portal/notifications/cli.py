"""``flask send-reminders``: run from cron or a systemd timer (README, "Monitoring, notifications and reminders").

1. Writes the notifications that time brings (windows open, deadlines in three working days) - each once, however
   often the command runs.
2. When SMTP is configured, e-mails every account its unread notifications not e-mailed yet (one digest each), and
   the 360 reminders (every invited rater of the employee and window, nothing stored per rater).

Idempotent: each message is claimed in the sent-log (``email_log``, unique keys) and committed *before* it is
handed to the SMTP server; a message the server refused is released for the next run. Running it twice, or twice at
the same time, sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import smtplib

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from portal.core.timeutil import local_today, utcnow
from portal.extensions import db
from portal.notifications import mail, rules, services


def _claim(keys: list[str], user_id: int | None, now: dt.datetime) -> bool:
    try:
        claimed = mail.claim(keys, user_id, now)
        db.session.commit()
        return claimed
    except IntegrityError:  # another run claimed it a moment ago
        db.session.rollback()
        return False


def _release(keys: list[str]) -> None:
    mail.release(keys)
    db.session.commit()


@click.command("send-reminders")
@click.option("--date", "day", default=None, help="Tanggal hari ini (YYYY-MM-DD), untuk uji coba.")
@with_appcontext
def send_reminders(day: str | None) -> None:
    """Notifikasi jadwal dan tenggat, lalu e-mail notifikasi dan pengingat 360 (aman dijalankan berulang)."""
    app = current_app._get_current_object()
    today = dt.date.fromisoformat(day) if day else local_today()
    now = utcnow()
    collected = services.collect_due(today, now=now)
    db.session.commit()
    click.echo(f"Notifikasi baru: {collected.opened} jendela dibuka, {collected.deadlines} tenggat; "
               f"{collected.resolved} notifikasi jendela yang sudah ditutup ditandai selesai.")

    settings = rules.smtp_settings(app.config)
    if settings is None:
        click.echo("E-mail tidak aktif (SMTP_HOST dan SMTP_SENDER belum diatur): hanya notifikasi di portal.")
        return
    if not app.config.get("PORTAL_BASE_URL"):
        click.echo("PORTAL_BASE_URL belum diatur: tautan dalam e-mail memakai http://127.0.0.1:5000/.", err=True)
    with app.test_request_context("/", base_url=app.config.get("PORTAL_BASE_URL") or "http://127.0.0.1:5000/"):
        digests = mail.pending_digests(now)
        broadcasts = mail.pending_360(now, today)
    if not digests and not any(b.messages for b in broadcasts):
        click.echo("E-mail: tidak ada yang perlu dikirim.")
        for broadcast in broadcasts:  # rounds whose raters have no address: nothing to send, ever
            _claim([broadcast.key], None, now)
        return

    sent = notified = reminders = failed = 0
    try:
        with mail.connection(settings) as server:
            for message in digests:
                if not _claim(message.keys, message.user_id, now):
                    continue
                try:
                    server.send_message(mail.build(settings, message))
                except (smtplib.SMTPException, OSError) as error:
                    failed += 1
                    click.echo(f"Gagal mengirim ke {message.to}: {error}", err=True)
                    _release(message.keys)
                    continue
                sent += 1
                notified += len(message.keys)
            for broadcast in broadcasts:
                if not _claim([broadcast.key], None, now):
                    continue
                delivered = 0
                for message in broadcast.messages:
                    try:
                        server.send_message(mail.build(settings, message))
                        delivered += 1
                    except (smtplib.SMTPException, OSError) as error:
                        failed += 1
                        click.echo(f"Gagal mengirim pengingat 360: {error}", err=True)
                if broadcast.messages and not delivered:
                    _release([broadcast.key])
                sent += delivered
                reminders += 1 if delivered else 0
    except (OSError, smtplib.SMTPException) as error:
        click.echo(f"Server SMTP {settings.host}:{settings.port} tidak dapat dihubungi: {error}", err=True)
        raise SystemExit(1) from error
    click.echo(f"E-mail terkirim: {sent} pesan ({notified} notifikasi, {reminders} pengingat 360); gagal: {failed}.")
    if failed:
        raise SystemExit(1)
