"""Pure rules of Suara Masyarakat (DOMAIN.md section 9): what a citizen may post, what counts as spam, the time a
person needs to fill in the form, and the months of a unit's satisfaction. No Flask, no database
(tests/unit/test_citizen_rules.py)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

RATINGS = (1, 2, 3, 4, 5)
SATISFIED = (4, 5)  # "puas" and "sangat puas"
COMMENT_MAX = 500
SERVICE_TYPE_MAX = 100
SERVICE_TYPES_MAX = 12
TITLE_MAX = 200
MIN_SECONDS = 3  # nobody reads the form, picks a rating and sends it faster (a script does)
MAX_AGE_SECONDS = 2 * 3600  # a form left open longer is sent again with a fresh token
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud from a poster
CODE_LENGTH = 10

# A link or something that looks like one: comments are about the service, links are spam.
_LINK = re.compile(r"(https?://|www\.|\b[a-z0-9-]+\.(com|net|org|info|xyz|top|ru|cn|id|co|io|biz|link|site|click)\b)",
                   re.I)
_REPEATED = re.compile(r"(.)\1{14,}", re.S)  # one character 15 times in a row


def parse_rating(value: object) -> int | None:
    """1..5 from what the form posted, else None."""
    try:
        rating = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return rating if rating in RATINGS else None


def clean_text(value: str | None) -> str:
    """Text as stored: control characters (NUL, escapes, bidi overrides, zero-width ...) removed, line breaks as LF,
    at most two line breaks in a row, trimmed. HTML is kept as the text it is and shown escaped."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in text:
        if char == "\n" or char == "\t":
            kept.append(" " if char == "\t" else char)
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        kept.append(char)
    text = "".join(kept)
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = re.sub(r"[ ]{2,}", " ", text)
    return text.strip()


@dataclass(frozen=True)
class Problem:
    field: str
    code: str  # "rating", "too_long", "link", "repeated", "service_type"


def check_post(rating: int | None, service_type: str, comment: str, allowed_types: Iterable[str]) -> list[Problem]:
    """What is wrong with a cleaned post (empty: it may be stored)."""
    problems = []
    if rating is None:
        problems.append(Problem("rating", "rating"))
    allowed = list(allowed_types)
    if service_type and service_type not in allowed:
        problems.append(Problem("service_type", "service_type"))
    if len(comment) > COMMENT_MAX:
        problems.append(Problem("comment", "too_long"))
    elif _LINK.search(comment):
        problems.append(Problem("comment", "link"))
    elif _REPEATED.search(comment):
        problems.append(Problem("comment", "repeated"))
    return problems


def form_age_ok(issued_at: float, now: float, minimum: float = MIN_SECONDS,
                maximum: float = MAX_AGE_SECONDS) -> str | None:
    """None when the form was sent between ``minimum`` and ``maximum`` seconds after the page was served, else
    "too_fast" or "expired"."""
    age = now - issued_at
    if age < minimum:
        return "too_fast"
    if age > maximum:
        return "expired"
    return None


def service_types(text: str | None) -> list[str]:
    """The choices typed one per line: cleaned, without duplicates or empty lines, at most SERVICE_TYPES_MAX."""
    seen: list[str] = []
    for line in (text or "").splitlines():
        item = clean_text(line)[:SERVICE_TYPE_MAX]
        if item and item not in seen:
            seen.append(item)
    return seen[:SERVICE_TYPES_MAX]


# ---------------------------------------------------------------------------------------------------------
# Satisfaction over time


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    count: int
    total: int  # sum of ratings
    satisfied: int  # ratings of 4 or 5

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None

    @property
    def satisfied_percent(self) -> float | None:
        return 100.0 * self.satisfied / self.count if self.count else None


def last_months(today: dt.date, months: int) -> list[tuple[int, int]]:
    """(year, month) of the last ``months`` months, oldest first, this month included."""
    year, month = today.year, today.month
    out = []
    for _ in range(months):
        out.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(out))


def month_series(rows: Iterable[tuple[int, int, int, int, int]], today: dt.date, months: int = 12) -> list[Month]:
    """Every month of the window, empty months included, from (year, month, count, sum, satisfied) rows."""
    found = {(int(y), int(m)): (int(c or 0), int(t or 0), int(s or 0)) for y, m, c, t, s in rows}
    return [Month(y, m, *found.get((y, m), (0, 0, 0))) for y, m in last_months(today, months)]


def overall(series: Iterable[Month]) -> Month | None:
    series = list(series)
    if not series:
        return None
    return Month(series[-1].year, series[-1].month, sum(m.count for m in series), sum(m.total for m in series),
                 sum(m.satisfied for m in series))
