"""Accounts: sign-in with throttling, password changes, role and status changes, issuing accounts.

Services take model objects, plain data, an explicit ``actor`` and ``now``; they flush, never commit, and never
read the request (the client address is passed in).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from flask_babel import gettext, lazy_gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from portal.auth import rules
from portal.auth.models import PASSWORD_METHOD, ROLES, LoginAttempt, User
from portal.core import audit
from portal.core.errors import DomainError
from portal.extensions import db
from portal.org.models import Employee, Unit
from portal.org.rules import format_nip, normalize_nip

PASSWORD_MESSAGES = {
    rules.TOO_SHORT: lazy_gettext("Kata sandi minimal %(n)s karakter.", n=rules.MIN_PASSWORD_LENGTH),
    rules.SAME_AS_USERNAME: lazy_gettext("Kata sandi tidak boleh sama dengan nama pengguna atau NIP."),
    rules.ONLY_DIGITS: lazy_gettext("Kata sandi tidak boleh hanya berisi angka."),
    rules.SAME_AS_CURRENT: lazy_gettext("Kata sandi baru harus berbeda dari kata sandi sekarang."),
}

# Bulk issue hashes every initial password with scrypt (~50-100 ms each); one run is capped so that the request
# finishes in about a minute. Larger regencies issue accounts unit by unit.
BULK_ISSUE_MAX = 1000
ATTEMPT_RETENTION = dt.timedelta(days=1)

# A hash of a random string: checked when the account does not exist, so that the answer takes as long as for a
# real account and timing does not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16), method=PASSWORD_METHOD)


# ---------------------------------------------------------------------------------------------------------------
# Sign-in


@dataclass(frozen=True)
class ThrottleLimits:
    window: dt.timedelta
    max_account: int
    max_address: int

    @classmethod
    def from_config(cls, config) -> ThrottleLimits:
        return cls(
            window=dt.timedelta(minutes=config["LOGIN_WINDOW_MINUTES"]),
            max_account=config["LOGIN_MAX_FAILURES_ACCOUNT"],
            max_address=config["LOGIN_MAX_FAILURES_ADDRESS"],
        )


@dataclass
class LoginResult:
    user: User | None = None
    throttle: rules.ThrottleDecision | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None and self.error is None


def verify_password(user: User | None, password: str) -> bool:
    """The slow scrypt check; for an unknown account a dummy hash is checked to keep the timing equal."""
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return user.check_password(password)


def _failure_times(condition, since: dt.datetime, limit: int) -> list[dt.datetime]:
    """The newest ``limit`` failures matching ``condition`` (one account, one unknown identifier or one address)
    since ``since``, leaving out failures followed by a successful sign-in of the same account from the same
    address (typos of the rightful user, whichever identifier they typed)."""
    later = aliased(LoginAttempt)
    superseded = (
        exists()
        .where(
            later.user_id == LoginAttempt.user_id,
            later.address == LoginAttempt.address,
            later.success.is_(True),
            later.at > LoginAttempt.at,
        )
        .correlate(LoginAttempt)
    )
    stmt = (
        select(LoginAttempt.at)
        .where(condition, LoginAttempt.success.is_(False), LoginAttempt.at > since, ~superseded)
        .order_by(LoginAttempt.at.desc())
        .limit(max(limit, 1))
    )
    return list(db.session.scalars(stmt))


def _account_condition(user: User | None, key: str):
    """Failures against an account are counted together whether its username or its NIP (with or without
    spaces) was typed; an identifier that names no account is counted on its own, so that both kinds are
    locked after the same number of failures and the answer does not tell which accounts exist."""
    if user is not None:
        return LoginAttempt.user_id == user.id
    return (LoginAttempt.username == key) & LoginAttempt.user_id.is_(None)


def check_throttle(user: User | None, key: str, address: str, limits: ThrottleLimits,
                   now: dt.datetime) -> rules.ThrottleDecision:
    since = now - limits.window
    return rules.throttle_decision(
        account_failures=_failure_times(_account_condition(user, key), since, limits.max_account),
        address_failures=_failure_times(LoginAttempt.address == address, since, limits.max_address),
        window=limits.window,
        max_account=limits.max_account,
        max_address=limits.max_address,
        now=now,
    )


def throttle_message(decision: rules.ThrottleDecision) -> str:
    return gettext(
        "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, coba lagi dalam %(n)s menit.",
        n=decision.retry_minutes,
    )


def find_user_for_login(identifier: str) -> User | None:
    """By username (any case) or by the employee's NIP, written with or without spaces."""
    key = rules.normalize_login(identifier)
    if not key:
        return None
    conditions = [func.lower(User.username) == key]
    digits = normalize_nip(identifier)
    if digits.isdigit():
        conditions.append(User.employee_id.in_(select(Employee.id).where(Employee.nip == digits)))
    users = list(
        db.session.scalars(select(User).options(joinedload(User.employee)).where(or_(*conditions)).limit(2))
    )
    if not users:
        return None
    # A username that equals someone else's NIP would be ambiguous: the username wins.
    users.sort(key=lambda u: u.username.lower() != key)
    return users[0]


def prune_login_attempts(now: dt.datetime) -> int:
    """Delete attempts older than a day (throttling only looks back LOGIN_WINDOW_MINUTES)."""
    result = db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - ATTEMPT_RETENTION))
    return result.rowcount or 0


def _record_attempt(user: User | None, key: str, address: str, success: bool, now: dt.datetime) -> None:
    db.session.add(LoginAttempt(at=now, username=key, user_id=user.id if user else None, address=address[:64],
                                success=success))


def authenticate(identifier: str, password: str, *, address: str, limits: ThrottleLimits,
                 now: dt.datetime) -> LoginResult:
    """Check a sign-in: throttling first (without touching the password hash), then the password.

    The identifier is resolved to its account before throttling, so that failures count per account whether
    the username or the NIP was typed. Records the attempt, ``last_login_at`` and the "auth.login" audit row on
    success, and an "auth.lockout" audit row when this failure locks the account or the address.
    """
    key = rules.normalize_login(identifier)
    address = address or "-"
    user = find_user_for_login(identifier)
    decision = check_throttle(user, key, address, limits, now)
    if not decision.allowed:
        return LoginResult(throttle=decision, error=throttle_message(decision))

    password_ok = verify_password(user, password)
    if user is not None and password_ok and user.is_active:
        _record_attempt(user, key, address, True, now)
        user.last_login_at = now
        audit.record(user, "auth.login", user, summary=_l("Masuk ke portal"), address=address, now=now)
        db.session.flush()
        return LoginResult(user=user)

    _record_attempt(user, key, address, False, now)
    db.session.flush()
    after = check_throttle(user, key, address, limits, now)
    if not after.allowed:
        if after.reason == rules.THROTTLE_ACCOUNT:
            what = gettext("akun “%(key)s”", key=user.username if user else key)
        else:
            what = gettext("alamat %(address)s", address=address)
        audit.record(
            None, "auth.lockout", user, object_type="user_account" if user else "login",
            object_id=user.id if user else key,
            summary=_l("Percobaan masuk untuk %(what)s ditahan sementara setelah terlalu banyak kegagalan.",
                       what=what),
            changes={"alasan": [None, after.reason], "menit": [None, after.retry_minutes]},
            address=address, now=now,
        )
        db.session.flush()
    if user is not None and password_ok and not user.is_active:
        return LoginResult(error=gettext("Akun Anda tidak aktif. Hubungi Admin BKPSDM."))
    return LoginResult(error=gettext("NIP/nama pengguna atau kata sandi salah."))


# ---------------------------------------------------------------------------------------------------------------
# Sessions
#
# A session lives in a signed cookie, not on the server: whoever holds a copy of the cookie is signed in until the
# session expires, even after "Keluar". The cookie carries the account's ``session_version`` (see User.get_id and
# portal.auth.loader); bumping it ends every session issued before, on every device and in every saved copy.


def end_sessions(user: User) -> None:
    """Every session of ``user`` issued so far stops working from its next request."""
    user.session_version += 1


def sign_out(user: User, *, now: dt.datetime) -> None:
    """Keluar: the session ends for good, also a copy of its cookie (and the account's sessions elsewhere)."""
    end_sessions(user)
    audit.record(user, "auth.logout", user, summary=_l("Keluar dari portal"), now=now)
    db.session.flush()


def sign_out_other_devices(user: User, *, now: dt.datetime) -> None:
    """The user ends all their sessions; the view re-issues the current one under the new version."""
    end_sessions(user)
    audit.record(user, "auth.sign_out_other_devices", user,
                 summary=_l("Keluar dari semua perangkat lain"), now=now)
    db.session.flush()


def sign_out_everywhere(user: User, *, actor: User, now: dt.datetime) -> None:
    """Admin BKPSDM ends every session of an account (a lost phone, a shared computer, a suspected theft)."""
    end_sessions(user)
    audit.record(actor, "user.sign_out_everywhere", user,
                 summary=_l("Akun %(u)s dikeluarkan dari semua perangkat", u=user.username), now=now)
    db.session.flush()


# ---------------------------------------------------------------------------------------------------------------
# Passwords


def password_errors(user: User, new_password: str) -> list[str]:
    nip = user.employee.nip if user.employee else None
    same = bool(new_password) and user.check_password(new_password)
    codes = rules.password_problems(new_password, username=user.username, nip=nip, same_as_current=same)
    return [str(PASSWORD_MESSAGES[code]) for code in codes]


def change_password(user: User, current_password: str, new_password: str, *, now: dt.datetime) -> None:
    """The user sets a new password. Every session of the account ends; the view re-issues the current one."""
    if not user.check_password(current_password):
        raise DomainError(gettext("Kata sandi sekarang salah."), field="current_password")
    problems = password_errors(user, new_password)
    if problems:
        raise DomainError(" ".join(problems), field="new_password")
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = now
    end_sessions(user)
    audit.record(user, "user.change_password", user, summary=_l("Kata sandi diganti oleh pemiliknya"), now=now)
    db.session.flush()


_CONSONANTS = "bdfghjkmnprstwz"  # no c/q/v/x/y/l: easy to read aloud and not confused with 1 or I
_VOWELS = "aeiou"
_DIGITS = "23456789"


def generate_initial_password() -> str:
    """A readable random password such as ``bakiro-tamesu-4821`` (about 50 bits of entropy).

    Initial passwords are typed from a paper slip once and must be changed at the first sign-in.
    """
    def word() -> str:
        return "".join(secrets.choice(_CONSONANTS) + secrets.choice(_VOWELS) for _ in range(3))

    number = "".join(secrets.choice(_DIGITS) for _ in range(4))
    return f"{word()}-{word()}-{number}"


def reset_password(user: User, *, actor: User, now: dt.datetime) -> str:
    """Admin BKPSDM gives the account a new initial password (returned once, never stored in clear)."""
    password = generate_initial_password()
    user.set_password(password)
    user.must_change_password = True
    end_sessions(user)
    user.password_changed_at = now
    audit.record(actor, "user.reset_password", user,
                 summary=_l("Kata sandi akun %(u)s diatur ulang", u=user.username), now=now)
    db.session.flush()
    return password


# ---------------------------------------------------------------------------------------------------------------
# Role and status


def set_role(user: User, role: str, *, actor: User, now: dt.datetime) -> None:
    if role not in ROLES:
        raise DomainError(gettext("Peran tidak dikenal."), field="role")
    if user.id == actor.id and role != user.role:
        raise DomainError(gettext("Anda tidak dapat mengubah peran akun Anda sendiri."), field="role")
    if role == user.role:
        return
    changes = {"role": [user.role, role]}
    user.role = role
    audit.record(actor, "user.role", user, summary=_l("Peran akun %(u)s diubah", u=user.username),
                 changes=changes, now=now)
    db.session.flush()


def set_enabled(user: User, enabled: bool, *, actor: User, now: dt.datetime) -> None:
    if user.id == actor.id and not enabled:
        raise DomainError(gettext("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    if user.is_enabled == enabled:
        return
    user.is_enabled = enabled
    if not enabled:
        end_sessions(user)
    action = "user.enable" if enabled else "user.disable"
    summary = (_l("Akun %(u)s diaktifkan", u=user.username) if enabled
               else _l("Akun %(u)s dinonaktifkan", u=user.username))
    audit.record(actor, action, user, summary=summary, changes={"is_enabled": [not enabled, enabled]}, now=now)
    db.session.flush()


# ---------------------------------------------------------------------------------------------------------------
# Issuing accounts


@dataclass(frozen=True)
class IssuedAccount:
    user_id: int
    name: str
    nip: str
    unit: str
    username: str
    password: str


def employees_without_account(unit: Unit | None = None):
    """Active employees without an account, in a unit and its sub-units (or everywhere), by unit then name."""
    stmt = (
        select(Employee)
        .join(Unit, Unit.id == Employee.unit_id)
        .options(joinedload(Employee.unit))
        .where(Employee.active.is_(True), ~exists().where(User.employee_id == Employee.id))
        .order_by(Unit.path, Employee.nama, Employee.id)
    )
    if unit is not None:
        stmt = stmt.where(Unit.path.startswith(unit.path))
    return stmt


def count_employees_without_account(unit: Unit | None = None) -> int:
    return db.session.scalar(select(func.count()).select_from(employees_without_account(unit).subquery())) or 0


def issue_accounts_in_scope(unit: Unit | None, *, actor: User, now: dt.datetime, scope: str,
                            limit: int = BULK_ISSUE_MAX) -> list[IssuedAccount]:
    """Bulk issue for a unit and its sub-units (``Unit.path`` prefix), or for every employee without an account."""
    total = count_employees_without_account(unit)
    if total > limit:
        raise DomainError(gettext(
            "Satu kali penerbitan paling banyak %(max)s akun (dipilih %(n)s). Terbitkan per unit kerja.",
            max=limit, n=total))
    employees = list(db.session.scalars(employees_without_account(unit)).unique())
    return issue_accounts(employees, actor=actor, now=now, scope=scope, limit=limit)


def issue_accounts(employees: list[Employee], *, actor: User, now: dt.datetime,
                   scope: str = "", limit: int = BULK_ISSUE_MAX) -> list[IssuedAccount]:
    """Create one pegawai account per employee (username = NIP) with a random initial password.

    All or nothing (the caller commits once). Plaintext passwords are only returned, never stored.
    """
    if not employees:
        raise DomainError(gettext("Tidak ada pegawai tanpa akun pada pilihan ini."))
    if len(employees) > limit:
        raise DomainError(gettext(
            "Satu kali penerbitan paling banyak %(max)s akun (dipilih %(n)s). Terbitkan per unit kerja.",
            max=limit, n=len(employees)))
    taken = set(db.session.scalars(
        select(func.lower(User.username)).where(User.username.in_([e.nip for e in employees]))))
    if taken:
        raise DomainError(gettext("Nama pengguna %(names)s sudah dipakai akun lain.",
                                  names=", ".join(sorted(taken)[:5])))
    passwords = [generate_initial_password() for _ in employees]
    users = [User(username=e.nip, employee_id=e.id, role="pegawai", is_enabled=True, must_change_password=True)
             for e in employees]

    # scrypt releases the GIL: hash on a few threads. The users are still transient (in no session), so each
    # thread touches only its own object.
    def hash_one(pair: tuple[User, str]) -> None:
        pair[0].set_password(pair[1])

    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        list(pool.map(hash_one, zip(users, passwords, strict=True)))
    db.session.add_all(users)
    db.session.flush()
    issued = [
        IssuedAccount(user_id=u.id, name=e.full_name, nip=e.nip, unit=e.unit.name if e.unit else "",
                      username=u.username, password=p)
        for u, e, p in zip(users, employees, passwords, strict=True)
    ]
    audit.record(actor, "user.bulk_issue", None, object_type="user_account",
                 summary=_l("%(n)s akun pegawai diterbitkan (%(scope)s)", n=len(issued), scope=scope),
                 changes={"jumlah": [None, len(issued)], "lingkup": [None, scope]}, now=now)
    db.session.flush()
    return issued


def issued_csv(accounts: list[IssuedAccount]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([gettext("Nama"), gettext("NIP"), gettext("Unit kerja"), gettext("Nama pengguna"),
                     gettext("Kata sandi awal")])
    for a in accounts:
        # NIPs are written with their spaces: a spreadsheet would turn 18 bare digits into 1.98E+17 (sign-in
        # accepts the NIP with spaces as well).
        writer.writerow([_cell(a.name), format_nip(a.nip), _cell(a.unit), format_nip(a.username), a.password])
    return out.getvalue()


def _cell(text: str) -> str:
    """Keep a spreadsheet from running a name that starts like a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class IssuedPasswordStore:
    """Initial passwords kept on the server between issuing and printing, never in the database.

    One small file per admin session under ``instance/issued/`` (mode 0600), named by a random token held in that
    admin's session cookie; deleted when the admin clears it, signs out, issues again, or after ``ttl``.
    """

    def __init__(self, folder: str | Path, ttl: dt.timedelta = dt.timedelta(hours=2)):
        self.folder = Path(folder)
        self.ttl = ttl

    def _path(self, token: str) -> Path | None:
        if not token or not all(c.isalnum() or c in "-_" for c in token):
            return None
        return self.folder / f"{token}.json"

    def save(self, accounts: list[IssuedAccount], scope: str) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.prune()
        token = secrets.token_urlsafe(24)
        path = self._path(token)
        payload = json.dumps({"scope": scope, "accounts": [asdict(a) for a in accounts]})
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
        return token

    def load(self, token: str | None) -> tuple[str, list[IssuedAccount]] | None:
        path = self._path(token or "")
        if path is None or not path.exists():
            return None
        if time.time() - path.stat().st_mtime > self.ttl.total_seconds():
            path.unlink(missing_ok=True)
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return data["scope"], [IssuedAccount(**row) for row in data["accounts"]]

    def delete(self, token: str | None) -> None:
        path = self._path(token or "")
        if path is not None:
            path.unlink(missing_ok=True)

    def prune(self) -> None:
        if not self.folder.exists():
            return
        limit = time.time() - self.ttl.total_seconds()
        for path in self.folder.glob("*.json"):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except FileNotFoundError:
                pass
