"""WTForms' own error messages follow the page's language: Indonesian by default, English after the switch.

Every form of the portal is filled with blank, too long, non-numeric, unknown-choice and invalid-date input;
in Indonesian no error may be one of WTForms' English messages, in English they are WTForms' own."""

from __future__ import annotations

import re

import pytest
from flask import session
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Length, NumberRange

from portal.core import forms as portal_forms
from tests.unit.test_form_messages import portal_form_classes


def _pattern(msgid: str) -> re.Pattern:
    parts = re.split(r"%\(\w+\)[ds]|%s|\{\w+\}", msgid)
    return re.compile(".+".join(re.escape(p) for p in parts))


ENGLISH = [_pattern(msgid) for msgid in portal_forms.INDONESIAN]
ENGLISH += [_pattern("Field cannot be longer than %(max)d characters."),
            _pattern("Field must be at least %(min)d characters long.")]


def is_wtforms_english(message: str) -> bool:
    return any(p.fullmatch(message) for p in ENGLISH)


def _bad_input(form, kind: str) -> MultiDict:
    data = MultiDict()
    for field in form:
        if field.type in ("CSRFTokenField", "SubmitField", "FileField", "MultipleFileField"):
            continue
        if kind == "blank":
            value = ""
        elif isinstance(field, (IntegerField, DecimalField, FloatField)):
            value = "abc"
        elif isinstance(field, DateField):
            value = "31-31-2026"
        elif isinstance(field, (SelectField, RadioField, SelectMultipleField)):
            value = "no-such-choice"
        elif isinstance(field, BooleanField):
            continue
        else:
            value = "x" * 100_001
        data.add(field.name, value)
    return data


def _errors(form) -> list[str]:
    found = []
    for field_errors in form.errors.values():
        for message in field_errors if isinstance(field_errors, list) else [field_errors]:
            found.append(str(message))
    return found


def errors_of_every_form(app, lang: str) -> dict[str, list[str]]:
    result = {}
    for cls in portal_form_classes():
        for kind in ("blank", "wrong"):
            with app.test_request_context("/", method="POST"):
                session["lang"] = lang
                form = cls(formdata=None, meta={"csrf": False})
                for field in form:
                    if isinstance(field, (SelectField, RadioField, SelectMultipleField)) and field.choices is None:
                        field.choices = [SelectChoice("1", "satu")]  # filled by the view
                form.process(_bad_input(form, kind))
                for field in form:
                    if isinstance(field, (SelectField, RadioField, SelectMultipleField)) and not field.choices:
                        field.choices = [SelectChoice("1", "satu")]
                form.validate()
                result[f"{cls.__module__}.{cls.__qualname__}:{kind}"] = _errors(form)
    return result


def test_every_forms_built_in_errors_are_indonesian(app):
    found = errors_of_every_form(app, "id")
    english = {name: [m for m in messages if is_wtforms_english(m)] for name, messages in found.items()}
    english = {name: messages for name, messages in english.items() if messages}
    assert not english, f"English WTForms messages on an Indonesian page: {english}"
    every = {m for messages in found.values() for m in messages}
    # The inputs reached WTForms' own messages (not only the portal's custom ones).
    for expected in ("Isian ini wajib diisi.", "Isian harus berupa bilangan bulat.", "Pilihan tidak sah.",
                     "Tanggal tidak sah."):
        assert expected in every, expected


def test_in_english_the_same_errors_are_wtforms_own(app):
    every = {m for messages in errors_of_every_form(app, "en").values() for m in messages}
    for expected in ("This field is required.", "Not a valid integer value.", "Not a valid choice.",
                     "Not a valid date value."):
        assert expected in every, expected
    assert "Isian ini wajib diisi." not in every


@pytest.mark.parametrize("lang, required, too_long, number, email, choice", [
    ("id", "Isian ini wajib diisi.", "Isian paling banyak 5 karakter.", "Angka paling besar 10.",
     "Alamat email tidak sah.", "Pilihan tidak sah."),
    ("en", "This field is required.", "Field cannot be longer than 5 characters.", "Number must be at most 10.",
     "Invalid email address.", "Not a valid choice."),
])
def test_required_length_number_email_choice(app, lang, required, too_long, number, email, choice):
    from wtforms.validators import DataRequired

    class Sample(portal_forms.FlaskForm):
        name = StringField("Nama", validators=[DataRequired()])
        code = StringField("Kode", validators=[Length(max=5)])
        count = IntegerField("Jumlah", validators=[NumberRange(max=10)])
        mail = StringField("Email", validators=[Email(check_deliverability=False)])
        pick = SelectField("Pilih", choices=[SelectChoice("a", "A")])

    with app.test_request_context("/", method="POST"):
        session["lang"] = lang
        form = Sample(formdata=MultiDict({"name": "", "code": "abcdefg", "count": "11", "mail": "bukan-email",
                                          "pick": "z"}), meta={"csrf": False})
        assert not form.validate()
        assert form.errors == {"name": [required], "code": [too_long], "count": [number], "mail": [email],
                               "pick": [choice]}


def test_login_form_blank_fields_in_the_pages_language(app):
    client = app.test_client()
    body = client.post("/masuk", data={"identifier": "", "password": ""}).get_data(as_text=True)
    assert "Isian ini wajib diisi." in body
    assert "This field is required" not in body

    client.post("/bahasa", data={"lang": "en", "next": "/masuk"})
    body = client.post("/masuk", data={"identifier": "", "password": ""}).get_data(as_text=True)
    assert "This field is required." in body
    assert "Isian ini wajib diisi." not in body
