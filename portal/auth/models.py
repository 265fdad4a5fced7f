"""Accounts and sign-in attempts."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.core.models import TimestampMixin
from portal.extensions import db
from portal.org.models import Employee

# Stored roles. Assessor and head of unit are not stored: they follow from the org chart.
ROLE_PEGAWAI = "pegawai"
ROLE_ADMIN = "admin"
ROLE_AUDITOR = "auditor"
ROLES = {
    ROLE_PEGAWAI: "Pegawai",
    ROLE_ADMIN: "Admin BKPSDM",
    ROLE_AUDITOR: "Auditor",
}

# scrypt (werkzeug's default) is a memory-hard modern scheme; the parameters are stored with each hash.
PASSWORD_METHOD = "scrypt"


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=ROLE_PEGAWAI)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change/reset: every other session of the account is signed out.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[dt.datetime | None]
    password_changed_at: Mapped[dt.datetime | None]

    employee: Mapped[Employee | None] = relationship()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled accounts cannot sign in
        return self.is_enabled and (self.employee is None or self.employee.active)

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    @property
    def is_auditor(self) -> bool:
        return self.role == ROLE_AUDITOR

    @property
    def can_read_all(self) -> bool:
        """Admin BKPSDM and auditors see every record (auditors read-only)."""
        return self.role in (ROLE_ADMIN, ROLE_AUDITOR)

    @property
    def display_name(self) -> str:
        return self.employee.full_name if self.employee else self.username

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class LoginAttempt(db.Model):
    """One sign-in attempt. Kept in the database so throttling works across processes and restarts.

    ``username`` is what was typed (normalised); ``user_id`` the account it names, if any. Failures are counted
    per account whatever identifier was typed (username or NIP), and per typed identifier when it names none.
    """

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "at"),
        Index("ix_login_attempt_address_at", "address", "at"),
        Index("ix_login_attempt_user_id_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime]
    username: Mapped[str] = mapped_column(String(60))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(default=False)
