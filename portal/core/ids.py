"""Record ids from URLs, forms and query strings: only numbers an id column can hold.

The id columns are INTEGER: 32 bits on PostgreSQL, 64 bits on SQLite. A larger number typed into a URL or posted in
a form used to reach the database and fail there (SQLite cannot bind an integer beyond 64 bits: OverflowError;
PostgreSQL refuses one beyond 32 bits: "integer out of range"): a 500 instead of "not found". Everything that
turns user input into an id goes through this module:

* ``<int:…>`` in a route is ``IdConverter`` (registered as the app's ``int`` converter): anything outside
  1..MAX_ID does not match the route, so the answer is 404 before any view runs;
* ``IdSelectField`` (a select of records) and ``parse_id`` / ``optional_id`` (a posted value) turn anything else
  into a field error;
* ``query_id`` reads an id filter from the query string and ignores what is not one, like any other junk filter.
"""

from __future__ import annotations

import re

from flask import request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter
from wtforms import SelectField

from portal.core.errors import DomainError

MIN_ID = 1
MAX_ID = 2**31 - 1  # the largest PostgreSQL INTEGER (serial ids never get there; SQLite's limit is higher)
_DIGITS = re.compile(rf"[0-9]{{1,{len(str(MAX_ID))}}}")  # a longer string is never read as a number


class InvalidId(DomainError, ValueError):
    """A posted value is not a record id. A DomainError for views, a ValueError for WTForms coercion."""


def is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and MIN_ID <= value <= MAX_ID


def parse_id(value: object, field: str | None = None) -> int:
    """The id written in ``value`` ("42", 42); InvalidId for anything else: blank, letters, signs, 0, > MAX_ID."""
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if is_id(value):
        return value
    raise InvalidId(gettext("Pilihan tidak valid."), field=field)


def optional_id(value: object, field: str | None = None) -> int | None:
    """For an optional choice: nothing chosen ("", None) is None; otherwise ``parse_id``."""
    if value is None or value == "" or value == "None":
        return None
    return parse_id(value, field)


def id_or_none(value: object) -> int | None:
    """The id in ``value``, or None for anything that is not one (lenient: for filters and lookups)."""
    try:
        return optional_id(value)
    except InvalidId:
        return None


def query_id(name: str) -> int | None:
    """An id filter from the query string (``?unit=12``); None when absent or not an id."""
    return id_or_none(request.args.get(name))


def _up_to(maximum: int) -> str:
    """A regular expression for the decimal numbers 1..maximum, without leading zeros.

    Checked in the pattern, not after matching: werkzeug answers 405 instead of 404 when a path matches the
    pattern of a rule with another method, even if the value is then refused.
    """
    digits = str(maximum)
    parts = [rf"[1-9]\d{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []  # the shorter numbers
    for i, digit in enumerate(digits):  # as many digits as maximum: the same first i digits, then a smaller one
        low = "1" if i == 0 else "0"
        if int(digit) > int(low):
            rest = len(digits) - i - 1
            parts.append(f"{digits[:i]}[{low}-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    parts.append(digits)
    return "(?:" + "|".join(parts) + ")"


class IdConverter(IntegerConverter):
    """The app's ``int`` route converter: only ids (1..MAX_ID) match; 0, signs and huge numbers are 404s."""

    regex = _up_to(MAX_ID)

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,  # noqa: A002
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=MIN_ID if min is None else min,
                         max=MAX_ID if max is None else max, signed=False)


class IdSelectField(SelectField):
    """A select whose options are records (value = id, "" = none chosen).

    The choices are filled by the view; a posted value that is not an id (tampered, or beyond MAX_ID) is a field
    error, never a lookup. Whether the id is one of the offered records stays the view's or the service's check.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", optional_id)
        kwargs.setdefault("validate_choice", False)
        kwargs.setdefault("invalid_value_message", _l("Pilihan tidak valid."))
        super().__init__(label, validators, **kwargs)
