"""Forms of the notifications: a lone button, and the e-mail preference."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField
from wtforms.validators import Optional

from portal.core.forms import FlaskForm
from portal.core.textlimits import MaxLength


class EmptyForm(FlaskForm):
    """A lone button: CSRF only."""


class PreferenceForm(FlaskForm):
    email_enabled = BooleanField(_l("Kirim notifikasi juga lewat e-mail"))
    email = EmailField(_l("Alamat e-mail"), validators=[Optional(), MaxLength(150)])
