"""Text limits: one number per field, the same in the browser, the form and the service.

A limit is written once, as a constant next to the service that stores the field (e.g.
``portal.progress.services.FEEDBACK_MAX``). The WTForms field declares it with ``MaxLength(CONSTANT)``, so WTForms
renders ``maxlength`` and static/js/app.js shows a counter near the limit; the service checks the same constant
with ``clean_text``. Nothing typed is ever cut: an over-long value is refused with a message at its field (a
``DomainError`` whose ``field`` names it), never truncated.

Lengths are counted the way the browser counts them for ``maxlength``: a line break is one character, although
browsers send it as CR LF. Counting the raw posted text would refuse a text with many lines that the browser
accepted.
"""

from __future__ import annotations

from flask_babel import format_number, gettext
from wtforms.validators import Length, ValidationError

from portal.core.errors import DomainError


def normalise(value: str | None) -> str:
    """The text with every line break as a single LF (as the browser counts it)."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n")


def text_length(value: str | None) -> int:
    return len(normalise(value))


def too_long_message(limit: int, length: int) -> str:
    return gettext("Paling banyak %(max)s karakter; isian ini %(length)s karakter. Persingkat lalu simpan lagi.",
                   max=format_number(limit), length=format_number(length))


def length_error(value: str | None, limit: int) -> str | None:
    """The message for an over-long ``value`` (after trimming), or None when it fits."""
    length = len(normalise(value).strip())
    return too_long_message(limit, length) if length > limit else None


def clean_text(value: str | None, limit: int, *, field: str | None, message: str | None = None) -> str:
    """The trimmed text with LF line breaks; DomainError(field=...) when it is longer than ``limit`` (with
    ``message`` if given, else the general one that says the limit and the length typed)."""
    text = normalise(value).strip()
    if len(text) > limit:
        raise DomainError(message or too_long_message(limit, len(text)), field=field)
    return text


class MaxLength(Length):
    """``Length(max=limit)`` counted like the browser, with an Indonesian message by default.

    WTForms sets the ``maxlength`` flag from it, so the field renders ``maxlength="<limit>"``. A custom message may
    use %(max)d and %(length)d like WTForms' own."""

    def __init__(self, limit: int, message=None):
        super().__init__(max=limit, message=message)

    def __call__(self, form, field):
        raw = field.raw_data[0] if field.raw_data else field.data  # as typed (a number field's data is parsed)
        length = text_length(raw) if isinstance(raw, str) else 0
        if length <= self.max:
            return
        if self.message is None:
            raise ValidationError(too_long_message(self.max, length))
        raise ValidationError(self.message % {"min": self.min, "max": self.max, "length": length})
