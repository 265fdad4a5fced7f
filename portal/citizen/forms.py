"""Forms of Suara Masyarakat: a unit's page (title, service types, published) and the citizen's public form (a
rating 1-5, an optional service type and comment, a hidden honeypot field and the signed form token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from portal.citizen import rules
from portal.core.forms import FlaskForm
from portal.core.ids import IdSelectField
from portal.core.textlimits import MaxLength

RATING_LABELS = {
    1: _l("Sangat tidak puas"),
    2: _l("Tidak puas"),
    3: _l("Cukup"),
    4: _l("Puas"),
    5: _l("Sangat puas"),
}


class EmptyForm(FlaskForm):
    """A lone button: CSRF only."""


class PointForm(FlaskForm):
    version = HiddenField()
    title = StringField(_l("Nama layanan"), validators=[MaxLength(rules.TITLE_MAX)])
    service_types = TextAreaField(_l("Jenis layanan (satu per baris, boleh kosong)"), validators=[Optional()])
    active = BooleanField(_l("Halaman publik aktif"))


class NewPointForm(PointForm):
    unit = IdSelectField(_l("Unit kerja"))


class PublicForm(FlaskForm):
    rating = RadioField(_l("Seberapa puas Anda dengan layanan ini?"),
                        choices=[SelectChoice(str(n), label) for n, label in RATING_LABELS.items()],
                        validators=[Optional()])
    service_type = SelectField(_l("Jenis layanan"), choices=[], validators=[Optional()])
    comment = TextAreaField(_l("Saran atau komentar (tidak wajib)"), validators=[MaxLength(rules.COMMENT_MAX)])
    # A field people never see (hidden by CSS, out of the tab order, hidden from screen readers): bots fill it.
    website = StringField(_l("Situs web (jangan diisi)"), validators=[Optional()])
    token = HiddenField()
