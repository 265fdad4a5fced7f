"""Notifications, each user's e-mail preference, and the sent-log of e-mails.

A ``Notification`` asks one person to act (an SKP to approve, a 360 request, a document to acknowledge, a
deadline in three working days ...). Its recipient is an employee (every account of that employee sees it) or, for
accounts without an employee record (Admin BKPSDM), the account itself. What it says is stored as a message
``kind`` and its ``params``, rendered in the reader's language (portal.notifications.labels); where it leads is an
endpoint and its values, turned into a URL when shown. ``subject`` names what it is about ("skp:12"): once that is
acted upon (approved, answered, acknowledged), its open notifications are marked read (portal.notifications.events).
``dedupe`` is unique: creating the same notification twice (a cron run repeated, a reminder clicked twice on one day)
is a no-op.

``EmailLog`` is the sent-log of ``flask send-reminders``: one row per thing e-mailed and recipient, written
*before* the message is handed to the SMTP server, so that a second run (or a run at the same time) never sends it
again. The 360 reminders are the exception that proves the rule: they are logged per employee and window
(the ``ReminderRound``), with no recipient, because a row per rater would tell who had not answered.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.timeutil import utcnow
from portal.extensions import db


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_employee_read", "employee_id", "read_at"),
        Index("ix_notification_user_read", "user_id", "read_at"),
        Index("ix_notification_subject_read", "subject", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(60), default="")
    params: Mapped[dict] = mapped_column(db.JSON, default=dict)
    target: Mapped[dict] = mapped_column(db.JSON, default=dict)  # {"endpoint": ..., "values": {...}}
    dedupe: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[dt.datetime | None]


class NotificationPreference(db.Model):
    """E-mail on or off for one account (on when there is no row), and an address for accounts whose employee record
    has none (or that have no employee record)."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    email_enabled: Mapped[bool] = mapped_column(default=True)
    email: Mapped[str | None] = mapped_column(String(150))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class EmailLog(db.Model):
    """What was e-mailed (``key``), to whom (``user_id``; empty for 360 reminders) and when."""

    __tablename__ = "email_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
