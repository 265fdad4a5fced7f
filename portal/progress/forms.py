"""Forms of the progress area. Choices that come from the database are filled by the view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from portal.core.forms import FlaskForm
from portal.core.ids import IdSelectField
from portal.core.textlimits import MaxLength
from portal.org.fields import PersonField
from portal.progress.services import (
    EVIDENCE_TITLE_MAX,
    FEEDBACK_MAX,
    LINK_MAX,
    NUMBER_MAX,
    PHRASE_MAX,
    TEXT_MAX,
)


class EmptyForm(FlaskForm):
    """A lone button (delete evidence, mark as read): CSRF only."""


class RealisationForm(FlaskForm):
    text = TextAreaField(_l("Realisasi"), validators=[Optional(), MaxLength(TEXT_MAX)])
    number = StringField(_l("Angka realisasi (opsional)"), validators=[Optional(), MaxLength(NUMBER_MAX)])
    version_id = HiddenField()


class FileEvidenceForm(FlaskForm):
    file = FileField(_l("Berkas bukti dukung"))
    title = StringField(_l("Keterangan (opsional)"), validators=[Optional(), MaxLength(EVIDENCE_TITLE_MAX)])


class LinkEvidenceForm(FlaskForm):
    url = StringField(_l("Tautan bukti dukung"), validators=[DataRequired(_l("Tautan wajib diisi.")),
                                                            MaxLength(LINK_MAX)])
    title = StringField(_l("Keterangan (opsional)"), validators=[Optional(), MaxLength(EVIDENCE_TITLE_MAX)])


class FeedbackForm(FlaskForm):
    phrase_id = IdSelectField(_l("Pilih frasa"))
    text = TextAreaField(_l("Umpan balik"), validators=[Optional(), MaxLength(FEEDBACK_MAX)])
    realisation_id = IdSelectField(_l("Tentang realisasi"))
    value_code = SelectField(_l("Atau tentang nilai BerAKHLAK"), validate_choice=False)
    request_id = HiddenField()


class FeedbackRequestForm(FlaskForm):
    asked = PersonField(_l("Pegawai yang dimintai (kosongkan untuk Pejabat Penilai Kinerja)"))
    message = TextAreaField(_l("Pesan"), validators=[
        DataRequired(_l("Tuliskan apa yang ingin Anda mintai umpan balik.")), MaxLength(TEXT_MAX)])
    realisation_id = IdSelectField(_l("Tentang realisasi"))
    value_code = SelectField(_l("Atau tentang nilai BerAKHLAK"), validate_choice=False)


PHRASE_CATEGORY_LABELS = {"hasil": _l("Hasil kerja"), "perilaku": _l("Perilaku kerja"), "umum": _l("Umum")}


class PhraseForm(FlaskForm):
    text = TextAreaField(_l("Teks frasa"), validators=[DataRequired(_l("Teks frasa wajib diisi.")),
                                                      MaxLength(PHRASE_MAX)])
    category = SelectField(_l("Kategori"), choices=[SelectChoice(k, v) for k, v in PHRASE_CATEGORY_LABELS.items()],
                           default="umum")
    active = BooleanField(_l("Aktif"), default=True)
