"""Pure rules of notifications and e-mail: who a notification is for, its de-duplication key, when a deadline is
"in three working days", which address an e-mail goes to, the SMTP settings, and the digest of one e-mail. No Flask,
no database (tests/unit/test_notification_rules.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from portal.periods.rules import working_days_left

DEADLINE_WORKING_DAYS = 3  # "deadlines in 3 working days" (issue 14)
EMAIL_LOOKBACK_DAYS = 14  # older unread notifications are not e-mailed any more (e.g. SMTP configured later)
DIGEST_LINES = 20  # items listed in one e-mail; the rest are counted
SMTP_SECURITY = ("starttls", "ssl", "off")

_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


def recipient(employee_id: int | None, user_id: int | None) -> str:
    """"e12" for an employee (every account of that employee), "u3" for an account without an employee record."""
    if employee_id is not None:
        return f"e{employee_id}"
    if user_id is not None:
        return f"u{user_id}"
    raise ValueError("a notification needs a recipient")


def dedupe_key(kind: str, subject: str, occasion: str, to: str) -> str:
    """Unique per what, about what, on which occasion (an event, a date) and for whom: creating the same
    notification twice is a no-op. Kept within the column's 200 characters."""
    key = f"{kind}:{subject}:{occasion}@{to}"
    if len(key) <= 200:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # stable across processes, unlike hash()
    return f"{key[:140]}~{digest}@{to}"[:200]


def due_soon(today: dt.date, due: dt.date | None, holidays: Collection[dt.date],
             days: int = DEADLINE_WORKING_DAYS) -> bool:
    """A deadline is "in three working days" from the third working day before it up to the day itself (today
    counted when it is a working day); a passed deadline is not soon any more."""
    if due is None or due < today:
        return False
    return working_days_left(today, due, holidays) <= days


def valid_email(address: str | None) -> bool:
    return bool(address) and len(address) <= 150 and _EMAIL.match(address) is not None


def email_address(preferred: str | None, employee_email: str | None) -> str | None:
    """Where a user's e-mail goes: the address set on the notification settings page, else the employee record's;
    None when neither is a plausible address."""
    for candidate in (preferred, employee_email):
        candidate = (candidate or "").strip()
        if valid_email(candidate):
            return candidate
    return None


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # starttls / ssl / off
    user: str
    password: str
    sender: str
    timeout: float = 20.0


def smtp_settings(config: Mapping) -> SmtpSettings | None:
    """The SMTP settings, or None when e-mail is off (no host, or no sender)."""
    host = str(config.get("SMTP_HOST") or "").strip()
    sender = str(config.get("SMTP_SENDER") or "").strip()
    if not host or not sender:
        return None
    security = str(config.get("SMTP_TLS") or "starttls").strip().lower()
    if security in ("1", "true", "yes", "on", "tls"):
        security = "starttls"
    if security in ("0", "false", "no", "none"):
        security = "off"
    if security not in SMTP_SECURITY:
        raise ValueError(f"SMTP_TLS must be one of {', '.join(SMTP_SECURITY)}, not {security!r}")
    default_port = 465 if security == "ssl" else 587 if security == "starttls" else 25
    port = int(config.get("SMTP_PORT") or default_port)
    return SmtpSettings(host=host, port=port, security=security, user=str(config.get("SMTP_USER") or ""),
                        password=str(config.get("SMTP_PASSWORD") or ""), sender=sender,
                        timeout=float(config.get("SMTP_TIMEOUT") or 20))


@dataclass(frozen=True)
class DigestItem:
    text: str
    url: str


def digest_body(greeting: str, items: Sequence[DigestItem], more: str, footer: str) -> str:
    """The plain-text body of one e-mail: a greeting, at most DIGEST_LINES items (text, then the link), a line
    for the rest, and the footer (how to turn e-mail off)."""
    lines = [greeting, ""]
    for item in items[:DIGEST_LINES]:
        lines.append(f"- {item.text}")
        lines.append(f"  {item.url}")
    if len(items) > DIGEST_LINES:
        lines.append("")
        lines.append(more)
    lines += ["", "--", footer, ""]
    return "\n".join(lines)
