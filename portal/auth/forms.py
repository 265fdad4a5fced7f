"""Forms for sign-in, password change and account management."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from portal.auth.models import ROLES
from portal.core.forms import FlaskForm


class EmptyForm(FlaskForm):
    """A lone button: only the CSRF token."""


class LoginForm(FlaskForm):
    identifier = StringField(_l("NIP atau nama pengguna"), validators=[DataRequired(), Length(max=100)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()
    submit = SubmitField(_l("Masuk"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Kata sandi sekarang"), validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(_l("Kata sandi baru"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("Kedua isian kata sandi baru tidak sama."))],
    )
    submit = SubmitField(_l("Simpan kata sandi"))


def _role_choices():
    return [SelectChoice(code, _l(label)) for code, label in ROLES.items()]


class RoleForm(FlaskForm):
    role = SelectField(_l("Peran"), choices=_role_choices(), validators=[InputRequired()])
    submit = SubmitField(_l("Simpan peran"))


class BulkIssueForm(FlaskForm):
    scope = SelectField(_l("Terbitkan akun untuk"), validators=[InputRequired()], choices=[])
    submit = SubmitField(_l("Terbitkan akun"))
