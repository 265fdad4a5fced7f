"""E-mail: what ``flask send-reminders`` sends, and the SMTP connection that sends it.

Two kinds of e-mail:

- **Digests**: one e-mail per account with its unread notifications that were not e-mailed yet (at most the last
  EMAIL_LOOKBACK_DAYS days), to the account's address when e-mail is on. The sent-log holds one row per
  notification ("notification:<id>") with the account and the time.
- **360 reminders**: for every ``ReminderRound`` (the assessor's *Kirim pengingat*, or a dashboard's) and for every
  group of invitations whose due date is three working days away, the same message goes to *every* invited rater of
  that employee and window - answered or not - and says "if you have already answered, ignore this". The sent-log
  row is keyed by the round (or by employee, window and due date) and names no recipient, so nothing per rater is
  stored and the mail server's log cannot tell who answered either.

Reading what to send is here (no commit); the command in ``cli.py`` claims each message in the sent-log, commits,
then hands it to the SMTP server (so a second run, or a run at the same time, never sends it twice) and releases the
claim when the server refused it.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app, url_for
from flask_babel import gettext
from sqlalchemy import String, and_, cast, delete, func, insert, literal, select

from portal.auth.models import User
from portal.extensions import db
from portal.notifications import labels, rules
from portal.notifications.events import window_label
from portal.notifications.models import EmailLog, Notification, NotificationPreference
from portal.org.models import Employee


@dataclass
class Outgoing:
    """One e-mail to send: the sent-log keys it claims (``user_id`` None for 360 reminders)."""

    to: str
    subject: str
    body: str
    keys: list[str]
    user_id: int | None = None


@dataclass
class Broadcast:
    """The same 360 reminder for every invited rater of one employee and window: one sent-log key for all."""

    key: str
    messages: list[Outgoing] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------------
# Accounts and their addresses


def _accounts(condition) -> list[tuple[int, int | None, str, str | None]]:
    """(user id, employee id, display name, address) of the enabled accounts matching ``condition`` whose e-mail is
    on and who have an address."""
    rows = db.session.execute(
        select(User.id, User.employee_id, User.username, Employee.gelar_depan, Employee.nama, Employee.gelar_belakang,
               Employee.email, NotificationPreference.email, NotificationPreference.email_enabled)
        .outerjoin(Employee, Employee.id == User.employee_id)
        .outerjoin(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(User.is_enabled.is_(True), condition)).all()
    from portal.org.rules import full_name

    accounts = []
    for user_id, employee_id, username, depan, nama, belakang, employee_email, own, enabled in rows:
        if enabled is False:
            continue
        address = rules.email_address(own, employee_email)
        if address is None:
            continue
        name = full_name(depan, nama, belakang) if nama else username
        accounts.append((user_id, employee_id, name, address))
    return accounts


def _footer() -> str:
    return gettext("Pesan ini dikirim otomatis oleh Portal Kinerja ASN %(regency)s. Matikan e-mail di %(url)s",
                   regency=current_app.config["REGENCY_NAME"], url=url_for("notifications.settings", _external=True))


# ---------------------------------------------------------------------------------------------------------
# Digests of notifications


def _key(notification_id: int) -> str:
    return f"notification:{notification_id}"


def pending_digests(now: dt.datetime) -> list[Outgoing]:
    """One e-mail per account with unread notifications not e-mailed yet (call inside a request context whose base
    URL is the portal's public address: the links are absolute)."""
    since = now - dt.timedelta(days=rules.EMAIL_LOOKBACK_DAYS)
    logged = select(EmailLog.id).where(
        EmailLog.key == literal("notification:", String) + cast(Notification.id, String)).exists()
    fresh = and_(Notification.read_at.is_(None), Notification.created_at >= since, ~logged)
    by_employee = select(Notification.employee_id).where(fresh, Notification.employee_id.is_not(None))
    by_user = select(Notification.user_id).where(fresh, Notification.user_id.is_not(None))
    accounts = _accounts((User.employee_id.in_(by_employee)) | (User.id.in_(by_user)))
    if not accounts:
        return []
    employee_ids = [a[1] for a in accounts if a[1] is not None]
    user_ids = [a[0] for a in accounts]
    notes = list(db.session.scalars(select(Notification).where(
        fresh, (Notification.employee_id.in_(employee_ids or [-1])) | (Notification.user_id.in_(user_ids)))
        .order_by(Notification.created_at, Notification.id)))
    messages = []
    for user_id, employee_id, name, address in accounts:
        own = [n for n in notes if (employee_id is not None and n.employee_id == employee_id) or n.user_id == user_id]
        if not own:
            continue
        items = [rules.DigestItem(labels.text(n.kind, n.params), labels.url(n.target, external=True)) for n in own]
        subject = gettext("[Portal Kinerja ASN] %(n)s hal menunggu tindakan Anda", n=len(own))
        body = rules.digest_body(
            gettext("Yth. %(name)s,", name=name), items,
            gettext("... dan %(n)s lainnya: %(url)s", n=len(own) - rules.DIGEST_LINES,
                    url=url_for("notifications.index", _external=True)),
            _footer())
        messages.append(Outgoing(address, subject, body, [_key(n.id) for n in own], user_id))
    return messages


# ---------------------------------------------------------------------------------------------------------
# 360 reminders: every invited rater, nothing per rater


def _raters_of(subject_id: int, phase_id: int) -> list[tuple[int, int | None, str, str | None]]:
    from portal.assessment.models import NOMINATION_INVITED, RaterNomination

    invited = select(RaterNomination.rater_id).where(RaterNomination.subject_id == subject_id,
                                                    RaterNomination.phase_id == phase_id,
                                                    RaterNomination.status == NOMINATION_INVITED)
    return _accounts(User.employee_id.in_(invited))


def _broadcast(key: str, subject_id: int, phase, due: dt.date | None, reason: str) -> Broadcast | None:
    person = db.session.get(Employee, subject_id)
    if person is None:
        return None
    raters = _raters_of(subject_id, phase.id)
    title = gettext("[Portal Kinerja ASN] Pengingat umpan balik 360 untuk %(name)s", name=person.full_name)
    broadcast = Broadcast(key)
    for _user_id, _employee_id, name, address in raters:
        lines = [
            gettext("Yth. %(name)s,", name=name), "",
            reason,
            gettext("Anda diundang memberi umpan balik 360 untuk %(name)s (%(window)s).", name=person.full_name,
                    window=window_label(phase)),
        ]
        if due is not None:
            from portal.core.i18n import long_date

            lines.append(gettext("Batas pengisian: %(date)s.", date=long_date(due)))
        lines += [
            gettext("Jika Anda sudah mengisi kuesioner ini, abaikan pesan ini."),
            "", url_for("assessment.tasks", _external=True), "", "--", _footer(), "",
        ]
        broadcast.messages.append(Outgoing(address, title, "\n".join(lines), [key], None))
    return broadcast


def pending_360(now: dt.datetime, today: dt.date) -> list[Broadcast]:
    """The reminder rounds of the last week not e-mailed yet, and the invitations due in three working days."""
    from portal.assessment.models import NOMINATION_INVITED, RaterNomination, ReminderRound
    from portal.periods import services as period_services
    from portal.periods.models import PeriodPhase

    broadcasts = []
    logged = set(db.session.scalars(select(EmailLog.key).where(EmailLog.key.like("360-%"),
                                                              EmailLog.sent_at >= now - dt.timedelta(days=30))))
    rounds = db.session.scalars(select(ReminderRound).where(ReminderRound.sent_at >= now - dt.timedelta(days=7))
                                .order_by(ReminderRound.id))
    for reminder in rounds:
        key = f"360-pengingat:{reminder.id}"
        if key in logged:
            continue
        phase = db.session.get(PeriodPhase, reminder.phase_id)
        found = _broadcast(key, reminder.subject_id, phase, None,
                           gettext("Pengingat dari Pejabat Penilai Kinerja atau BKPSDM:"))
        if found is not None:
            broadcasts.append(found)

    holidays = period_services.holidays_between(today - dt.timedelta(days=7), today + dt.timedelta(days=30))
    groups = db.session.execute(
        select(RaterNomination.subject_id, RaterNomination.phase_id, RaterNomination.due_on)
        .where(RaterNomination.status == NOMINATION_INVITED, RaterNomination.due_on >= today,
               RaterNomination.due_on <= today + dt.timedelta(days=10))
        .group_by(RaterNomination.subject_id, RaterNomination.phase_id, RaterNomination.due_on)).all()
    for subject_id, phase_id, due in groups:
        key = f"360-tenggat:{subject_id}:{phase_id}:{due.isoformat()}"
        if key in logged or not rules.due_soon(today, due, holidays):
            continue
        phase = db.session.get(PeriodPhase, phase_id)
        found = _broadcast(key, subject_id, phase, due, gettext("Batas pengisian umpan balik 360 tinggal tiga hari "
                                                                "kerja lagi."))
        if found is not None:
            broadcasts.append(found)
    return broadcasts


# ---------------------------------------------------------------------------------------------------------
# The sent-log


def claim(keys: list[str], user_id: int | None, now: dt.datetime) -> bool:
    """Write the sent-log rows of one message (before sending). False when one of them exists already: another
    run sent it. Flushes."""
    if db.session.scalar(select(func.count(EmailLog.id)).where(EmailLog.key.in_(keys))):
        return False
    db.session.execute(insert(EmailLog), [{"key": k, "user_id": user_id, "sent_at": now} for k in keys])
    db.session.flush()
    return True


def release(keys: list[str]) -> None:
    """The SMTP server refused the message: forget the claim, so that the next run tries again."""
    db.session.execute(delete(EmailLog).where(EmailLog.key.in_(keys)))
    db.session.flush()


# ---------------------------------------------------------------------------------------------------------
# SMTP


def build(settings: rules.SmtpSettings, message: Outgoing) -> EmailMessage:
    email = EmailMessage()
    email["From"] = formataddr((str(gettext("Portal Kinerja ASN")), settings.sender))
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain=settings.sender.rsplit("@", 1)[-1] or None)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body)
    return email


@contextmanager
def connection(settings: rules.SmtpSettings) -> Iterator[smtplib.SMTP]:
    """One SMTP session for a whole run (TLS verified against the system's certificates)."""
    context = ssl.create_default_context()
    if settings.security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                               context=context)
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        server.ehlo()
        if settings.security == "starttls":
            server.starttls(context=context)
            server.ehlo()
        if settings.user:
            server.login(settings.user, settings.password)
        yield server
    finally:
        try:
            server.quit()
        except smtplib.SMTPException:
            server.close()
