"""Pure account rules: sign-in throttling and password quality. No Flask, no database.

Messages are returned as codes; ``portal.auth.services`` turns them into Indonesian text (gettext), so that these
functions stay pure and are tested boundary by boundary.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from portal.org.rules import normalize_nip

MIN_PASSWORD_LENGTH = 10

# Password problem codes (see services.PASSWORD_MESSAGES for the text shown).
TOO_SHORT = "too_short"
SAME_AS_USERNAME = "same_as_username"
ONLY_DIGITS = "only_digits"
SAME_AS_CURRENT = "same_as_current"

THROTTLE_ACCOUNT = "account"
THROTTLE_ADDRESS = "address"


def normalize_login(identifier: str | None) -> str:
    """The key an attempt is counted under: a NIP as 18 digits (spaces dropped), anything else lower-cased.

    Both ``19860926 201505 1 001`` and ``198609262015051001`` count against the same account.
    """
    text = (identifier or "").strip()
    digits = normalize_nip(text)
    if digits.isdigit():
        return digits[:60]
    return text.lower()[:60]


@dataclass(frozen=True)
class ThrottleDecision:
    allowed: bool
    reason: str | None = None  # THROTTLE_ACCOUNT or THROTTLE_ADDRESS when refused
    retry_after: dt.timedelta = dt.timedelta(0)

    @property
    def retry_minutes(self) -> int:
        """Whole minutes to wait, rounded up, at least 1 (for the message)."""
        return max(1, math.ceil(self.retry_after.total_seconds() / 60))


def _recent(times: Iterable[dt.datetime], window: dt.timedelta, now: dt.datetime) -> list[dt.datetime]:
    """Failures still inside the sliding window (strictly younger than ``window``), newest first."""
    since = now - window
    return sorted((t for t in times if since < t <= now), reverse=True)


def _wait(recent: list[dt.datetime], limit: int, window: dt.timedelta, now: dt.datetime) -> dt.timedelta | None:
    """None when fewer than ``limit`` failures are recent; else how long until one fewer would be."""
    if limit <= 0 or len(recent) < limit:
        return None
    # When the limit-th newest failure leaves the window, only limit-1 remain: sign-in is allowed again.
    return recent[limit - 1] + window - now


def throttle_decision(
    *,
    account_failures: Iterable[dt.datetime],
    address_failures: Iterable[dt.datetime],
    window: dt.timedelta,
    max_account: int,
    max_address: int,
    now: dt.datetime,
) -> ThrottleDecision:
    """May one more sign-in attempt be checked?

    After ``max_account`` failed attempts for one account within ``window`` (sliding), that account is refused
    until the oldest of them leaves the window; the same with ``max_address`` for one client address. Only
    failures count; the caller leaves out failures superseded by a later success of the same account from the
    same address (a typo followed by the right password).
    """
    waits = []
    account_wait = _wait(_recent(account_failures, window, now), max_account, window, now)
    if account_wait is not None:
        waits.append((account_wait, THROTTLE_ACCOUNT))
    address_wait = _wait(_recent(address_failures, window, now), max_address, window, now)
    if address_wait is not None:
        waits.append((address_wait, THROTTLE_ADDRESS))
    if not waits:
        return ThrottleDecision(allowed=True)
    wait, reason = max(waits, key=lambda item: item[0])
    return ThrottleDecision(allowed=False, reason=reason, retry_after=max(wait, dt.timedelta(0)))


def password_problems(
    new_password: str,
    *,
    username: str | None = None,
    nip: str | None = None,
    same_as_current: bool = False,
) -> list[str]:
    """Codes of the rules a new password breaks (empty list: acceptable).

    At least MIN_PASSWORD_LENGTH characters, not the username or NIP (with or without spaces, any case),
    not digits only, different from the current password. ``same_as_current`` is computed by the caller
    (it needs the slow password hash).
    """
    password = new_password or ""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(TOO_SHORT)
    folded = password.strip().lower()
    identities = {(username or "").strip().lower(), normalize_nip(nip or "")}
    identities.discard("")
    if folded in identities or normalize_nip(folded) in identities:
        problems.append(SAME_AS_USERNAME)
    if password and normalize_nip(password).isdigit():
        problems.append(ONLY_DIGITS)
    if same_as_current:
        problems.append(SAME_AS_CURRENT)
    return problems
